# zsh completion fragment for tkt-template (merged into completions/_tkt)
_tkt_template_names() {
	local -a names
	names=(${(f)"$(tkt-template list --json 2>/dev/null | sed -n 's/^{"name":"\([^"]*\)".*/\1/p')"})
	_describe 'template' names
}
_tkt-template() {
	local -a cmds
	cmds=(
		'render:add a reply to each ticket'
		'lint:check template files'
		'list:list the templates of the search path'
		'show:print a template or one of its texts'
	)
	if (( CURRENT == 2 )); then
		_describe 'command' cmds
		return
	fi
	case $words[2] in
	render)
		_arguments -s \
		    '(-t --template --auto)'{-t+,--template=}'[template name]:template:_tkt_template_names' \
		    '(-t --template)--auto[first template whose match fits]' \
		    '(-l --locale)'{-l+,--locale=}'[answer in this locale]:locale:(en fr de es it pt nl ja fr-CA)' \
		    '*'{-D+,--define=}'[set a var]:NAME=VALUE:' \
		    '*:record file:_files' ;;
	lint)
		_arguments -s \
		    '--json[JSON lines]' \
		    '--strict[fail on warnings too]' \
		    '--require-locales=[required locales]:comma list:' \
		    '*:template file:_files -g "*.y(a|)ml"' ;;
	list)
		_arguments '(--table)--json[JSON lines]' '(--json)--table[a table]' ;;
	show)
		_arguments \
		    '(-l --locale)'{-l+,--locale=}'[the text for this locale]:locale:(en fr de es it pt nl ja fr-CA)' \
		    '1:template:_tkt_template_names' ;;
	esac
}
compdef _tkt-template tkt-template
