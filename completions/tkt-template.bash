# bash completion fragment for tkt-template (merged into completions/tkt.bash)
_tkt_template()
{
	local cur prev cmd
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "render lint list show --help --version" -- "$cur"))
		return
	fi
	case $prev in
	-t|--template)
		COMPREPLY=($(compgen -W "$(tkt-template list --json 2>/dev/null |
		    sed -n 's/^{"name":"\([^"]*\)".*/\1/p')" -- "$cur"))
		return ;;
	-l|--locale)
		COMPREPLY=($(compgen -W "en fr de es it pt nl ja fr-CA" -- "$cur"))
		return ;;
	-D|--define|--require-locales)
		return ;;
	esac
	case $cmd in
	render)
		COMPREPLY=($(compgen -W "-t --template --auto -l --locale -D --define --help" -- "$cur"))
		[[ $cur == -* ]] || COMPREPLY+=($(compgen -f -- "$cur")) ;;
	lint)
		COMPREPLY=($(compgen -W "--json --strict --require-locales --help" -- "$cur"))
		[[ $cur == -* ]] || COMPREPLY+=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")) ;;
	list)
		COMPREPLY=($(compgen -W "--json --table --help" -- "$cur")) ;;
	show)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-l --locale --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(tkt-template list --json 2>/dev/null |
			    sed -n 's/^{"name":"\([^"]*\)".*/\1/p')" -- "$cur"))
		fi ;;
	esac
}
complete -F _tkt_template tkt-template
