# bash completion for the tkt tools: tkt-list, tkt-template, tkt-reply,
# tkt-close, tkt-appeal, tkt-metrics, tkt-sandbox.  Installed once as
# .../bash-completion/completions/tkt, with a link per binary name.

_tkt_states="AWAITING_MERCHANT AWAITING_USER AWAITING_WISH CLOSED PERMANENTLY_CLOSED UNKNOWN"
_tkt_types="PRE_PURCHASE ORDER POST_CUSTOMER_SUPPORT"
_tkt_locales="en fr de es it pt nl ja fr-CA pt-BR"
# Record fields a reply quotes (tkt-record(5)), for tkt-reply --allow-field.
_tkt_fields="buyer.name subject orders[].product_name orders[].size orders[].color orders[].sku orders[].shipping_provider orders[].tracking_number replies[].message"
_tkt_durations="90m 6h 24h 48h 2d 1w"

# Store names: the keys under "stores:" of the config (block style only).
_tkt_stores()
{
	local f=${TKT_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/tkt/config.yaml}
	[ -r "$f" ] || return
	awk '/^stores:/ { s = 1; next }
	    s && /^[^ #]/ { s = 0 }
	    s && /^  [^ #][^:]*:/ { sub(/^  /, ""); sub(/:.*/, ""); print }' "$f"
}

_tkt_template_names()
{
	tkt-template list --json 2>/dev/null |
	    sed -n 's/^{"name":"\([^"]*\)".*/\1/p'
}

# Completes a comma list: the words after the last comma.
_tkt_commalist()
{
	local cur=$1 words=$2 pre=
	[[ $cur == *,* ]] && pre=${cur%,*},
	COMPREPLY=($(compgen -P "$pre" -W "$words" -- "${cur##*,}"))
	compopt -o nospace 2>/dev/null
}

_tkt_list()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--state) _tkt_commalist "$cur" "$_tkt_states"; return ;;
	--type) _tkt_commalist "$cur" "$_tkt_types"; return ;;
	--locale) _tkt_commalist "$cur" "$_tkt_locales"; return ;;
	--lang) COMPREPLY=($(compgen -W "$_tkt_locales" -- "$cur")); return ;;
	-s|--store) COMPREPLY=($(compgen -W "$(_tkt_stores)" -- "$cur")); return ;;
	--since) COMPREPLY=($(compgen -W "1d 7d 30d" -- "$cur")); return ;;
	--due-within) COMPREPLY=($(compgen -W "$_tkt_durations" -- "$cur")); return ;;
	-P|--parallel) COMPREPLY=($(compgen -W "1 2 4 8 16" -- "$cur")); return ;;
	--sort) COMPREPLY=($(compgen -W "due opened updated none" -- "$cur")); return ;;
	--save-files)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--limit|--now) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-A --all -e --exists -s --store -v --verbose
		    -P --parallel --state --type --locale --since --overdue
		    --due-within --limit --sort --thread --save-files --raw --with-orders --lang --json
		    --table --now -h --help --version" -- "$cur"))
	fi
}
complete -F _tkt_list tkt-list

_tkt_template()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "render lint list show -h --help --version" -- "$cur"))
		return
	fi
	case $prev in
	-t|--template)
		COMPREPLY=($(compgen -W "$(_tkt_template_names)" -- "$cur"))
		return ;;
	-l|--locale)
		COMPREPLY=($(compgen -W "$_tkt_locales" -- "$cur"))
		return ;;
	--require-locales)
		_tkt_commalist "$cur" "$_tkt_locales"
		return ;;
	-D|--define)
		return ;;
	esac
	case $cmd in
	render)
		COMPREPLY=($(compgen -W "-t --template --auto -l --locale --no-fallback -D --define -h --help --version" -- "$cur"))
		[[ $cur == -* ]] || COMPREPLY+=($(compgen -f -- "$cur")) ;;
	lint)
		COMPREPLY=($(compgen -W "--json --strict --require-locales -h --help --version" -- "$cur"))
		[[ $cur == -* ]] || COMPREPLY+=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")) ;;
	list)
		COMPREPLY=($(compgen -W "--json --table -h --help --version" -- "$cur")) ;;
	show)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-l --locale -h --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_tkt_template_names)" -- "$cur"))
		fi ;;
	esac
}
complete -F _tkt_template tkt-template

# The options every action tool shares (tkt-reply(1), tkt-close(1),
# tkt-appeal(1): Options), then each one's own.
_tkt_action()
{
	local own=$1 cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-s|--store) COMPREPLY=($(compgen -W "$(_tkt_stores)" -- "$cur")); return ;;
	-t|--template) COMPREPLY=($(compgen -W "$(_tkt_template_names)" -- "$cur")); return ;;
	-P|--parallel) COMPREPLY=($(compgen -W "1 2 4 8 16" -- "$cur")); return ;;
	--rate) COMPREPLY=($(compgen -W "1/s 5/s 10/s" -- "$cur")); return ;;
	--allow-field) COMPREPLY=($(compgen -W "$_tkt_fields" -- "$cur")); return ;;
	-m|--message|--now|--reason|--note|--order|--refund-wait) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-n --dry-run -P --parallel --rate --force --summary
		    -s --store -v --verbose --now -h --help --version $own" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
_tkt_reply() { _tkt_action "-m --message -t --template --strict --resolve --no-check --allow-field --no-fallback -i --interactive"; }
_tkt_close() { _tkt_action "--reopen -m --message --no-check --refund --reason --note --order --refund-wait"; }
_tkt_appeal() { _tkt_action ""; }
complete -F _tkt_reply tkt-reply
complete -F _tkt_close tkt-close
complete -F _tkt_appeal tkt-appeal

_tkt_metrics()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-b|--by)
		COMPREPLY=($(compgen -W "type locale sub_label store day week" -- "$cur"))
		return ;;
	--sla|--due-within)
		COMPREPLY=($(compgen -W "$_tkt_durations" -- "$cur"))
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
		COMPREPLY=($(compgen -W "-b --by --since --sla --due-within --fail-if --now --json --table -h --help --version" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _tkt_metrics tkt-metrics

_tkt_sandbox()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-d|--data)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-p|--port)
		COMPREPLY=($(compgen -W "0" -- "$cur"))
		return ;;
	--rate)
		COMPREPLY=($(compgen -W "5/s 10/s 50/s" -- "$cur"))
		return ;;
	--faults)
		COMPREPLY=($(compgen -W "500 502 503 429 slow=500 drop-before drop-after garbage refund-fail 503:0.2 nth=2:503" -- "$cur"))
		return ;;
	--token-ttl)
		COMPREPLY=($(compgen -W "60 3600 30d" -- "$cur"))
		return ;;
	--refund-delay)
		COMPREPLY=($(compgen -W "0 250ms 2s" -- "$cur"))
		return ;;
	--reset-format)
		COMPREPLY=($(compgen -W "seconds unix unix-ms http-date iso8601" -- "$cur"))
		return ;;
	--rate-headers)
		COMPREPLY=($(compgen -W "all 429" -- "$cur"))
		return ;;
	--token|--refresh-token|--seed|--tickets|--now)
		return ;;
	esac
	COMPREPLY=($(compgen -W "-p --port -d --data --token --refresh-token --token-ttl --seed --tickets --now --rate --faults --refund-delay --no-processing --reset-format --rate-headers --files -h --help --version" -- "$cur"))
}
complete -F _tkt_sandbox tkt-sandbox
