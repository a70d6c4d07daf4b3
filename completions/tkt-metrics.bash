# tkt-metrics: bash completion fragment (merged into completions/tkt.bash).
_tkt_metrics() {
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-b|--by)
		COMPREPLY=($(compgen -W "type locale sub_label store day week" -- "$cur"))
		return ;;
	--sla|--due-within)
		COMPREPLY=($(compgen -W "6h 24h 48h 2d" -- "$cur"))
		return ;;
	--since)
		COMPREPLY=($(compgen -W "1d 7d 30d" -- "$cur"))
		return ;;
	--fail-if)
		COMPREPLY=($(compgen -W "late_rate>5% overdue>0 csat<60% first_response_s.p90>24h" -- "$cur"))
		return ;;
	--now)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--by --since --sla --due-within --fail-if --now --json --table --help --version" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _tkt_metrics tkt-metrics
