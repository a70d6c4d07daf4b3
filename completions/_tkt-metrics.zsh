# tkt-metrics: zsh completion fragment (merged into completions/_tkt).
_tkt-metrics() {
	_arguments -s \
	    '(-b --by)'{-b,--by}'[one object per group]:key:(type locale sub_label store day week)' \
	    '--since[records updated since]:duration or time:' \
	    '--sla[answer time allowed]:duration:(24h 48h 2d)' \
	    '--due-within[due-soon window]:duration:(6h 24h)' \
	    '*--fail-if[exit 1 when a comparison holds]:expression:(late_rate\>5% overdue\>0 csat\<60%)' \
	    '--now[use this time as now]:time:' \
	    '(--table)--json[JSON lines]' \
	    '(--json)--table[a table]' \
	    '(- *)'{-h,--help}'[print usage]' \
	    '(- *)--version[print the version]' \
	    '*:record file:_files'
}
