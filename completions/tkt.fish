# fish completion for the tkt tools, one file for every binary.

function __tkt_stores
	set -l f $TKT_CONFIG
	if test -z "$f"
		set -l base $XDG_CONFIG_HOME
		test -n "$base"; or set base $HOME/.config
		set f $base/tkt/config.yaml
	end
	test -r $f; or return
	awk '/^stores:/ { s = 1; next }
	    s && /^[^ #]/ { s = 0 }
	    s && /^  [^ #][^:]*:/ { sub(/^  /, ""); sub(/:.*/, ""); print }' $f
end

function __tkt_template_names
	tkt-template list --json 2>/dev/null | sed -n 's/^{"name":"\([^"]*\)".*/\1/p'
end

set -l __tkt_states AWAITING_MERCHANT AWAITING_USER AWAITING_WISH CLOSED PERMANENTLY_CLOSED UNKNOWN
set -l __tkt_types PRE_PURCHASE ORDER POST_CUSTOMER_SUPPORT
set -l __tkt_locales en fr de es it pt nl ja fr-CA pt-BR

# tkt-list
complete -c tkt-list -s A -l all -d 'Every ticket, every state (API v3)'
complete -c tkt-list -s e -l exists -d 'Exit 1 when nothing was printed'
complete -c tkt-list -s s -l store -x -a '(__tkt_stores)' -d 'Store'
complete -c tkt-list -s v -l verbose -d 'Log each request'
complete -c tkt-list -s P -l parallel -x -a '1 2 4 8 16' -d 'Requests in flight, with ids'
complete -c tkt-list -l state -x -a "$__tkt_states" -d 'Ticket states'
complete -c tkt-list -l type -x -a "$__tkt_types" -d 'Ticket types'
complete -c tkt-list -l locale -x -a "$__tkt_locales" -d 'Buyer locales'
complete -c tkt-list -l since -x -a '1d 7d 30d' -d 'Updated since (duration or time)'
complete -c tkt-list -l overdue -d 'Overdue tickets only'
complete -c tkt-list -l due-within -x -a '90m 6h 24h 48h 2d' -d 'Due within'
complete -c tkt-list -l limit -x -d 'Stop after n records'
complete -c tkt-list -l sort -x -a 'due opened updated none' -d 'Print sorted (due_at, opened_at, updated_at, none)'
complete -c tkt-list -l thread -d 'Print the conversations'
complete -c tkt-list -l save-files -x -a '(__fish_complete_directories)' -d 'Save the replies\' files there, by content'
complete -c tkt-list -l raw -d 'Add the API object as raw'
complete -c tkt-list -l with-orders -d 'Fetch the details of each order (v3)'
complete -c tkt-list -l lang -x -a "$__tkt_locales" -d 'Translate each ticket into a language (v3)'
complete -c tkt-list -l json -d 'JSON lines'
complete -c tkt-list -l table -d 'A table'
complete -c tkt-list -l now -x -d 'Use this time as now'
complete -c tkt-list -s h -l help -d 'Print usage'
complete -c tkt-list -l version -d 'Print the version'
complete -c tkt-list -f -a '-' -d 'Ids or records from stdin'

# tkt-template
set -l cmds render lint list show
complete -c tkt-template -f -n "not __fish_seen_subcommand_from $cmds" -a render -d 'Add a reply to each ticket'
complete -c tkt-template -f -n "not __fish_seen_subcommand_from $cmds" -a lint -d 'Check template files'
complete -c tkt-template -f -n "not __fish_seen_subcommand_from $cmds" -a list -d 'List the templates'
complete -c tkt-template -f -n "not __fish_seen_subcommand_from $cmds" -a show -d 'Print a template'
complete -c tkt-template -n "__fish_seen_subcommand_from render" -s t -l template -x -a '(__tkt_template_names)' -d 'Template name'
complete -c tkt-template -n "__fish_seen_subcommand_from render" -l auto -d 'First template whose match fits'
complete -c tkt-template -n "__fish_seen_subcommand_from render show" -s l -l locale -x -a "$__tkt_locales" -d 'Locale'
complete -c tkt-template -n "__fish_seen_subcommand_from render" -l no-fallback -d 'No text in the ticket language is an error'
complete -c tkt-template -n "__fish_seen_subcommand_from render" -s D -l define -x -d 'Set a var: NAME=VALUE'
complete -c tkt-template -n "__fish_seen_subcommand_from lint" -l json -d 'JSON lines'
complete -c tkt-template -n "__fish_seen_subcommand_from lint" -l strict -d 'Fail on warnings too'
complete -c tkt-template -n "__fish_seen_subcommand_from lint" -l require-locales -x -a "$__tkt_locales" -d 'Required locales'
complete -c tkt-template -n "__fish_seen_subcommand_from list" -l json -d 'JSON lines'
complete -c tkt-template -n "__fish_seen_subcommand_from list" -l table -d 'A table'
complete -c tkt-template -n "__fish_seen_subcommand_from show" -f -a '(__tkt_template_names)'
complete -c tkt-template -s h -l help -d 'Print usage'
complete -c tkt-template -l version -d 'Print the version'

# The options every action tool shares (tkt-reply(1), tkt-close(1),
# tkt-appeal(1): Options).
for c in tkt-reply tkt-close tkt-appeal
	complete -c $c -s n -l dry-run -d 'Dry run: send nothing, print the requests'
	complete -c $c -s P -l parallel -x -a '1 2 4 8 16' -d 'Requests in flight'
	complete -c $c -l rate -x -a '1/s 5/s 10/s' -d 'Requests per second'
	complete -c $c -l force -d 'Redo actions the journal says are done'
	complete -c $c -l summary -d 'End with the summary line, also off a terminal'
	complete -c $c -s s -l store -x -a '(__tkt_stores)' -d 'Store'
	complete -c $c -s v -l verbose -d 'Log each request'
	complete -c $c -l now -x -d 'Use this time as now'
	complete -c $c -s h -l help -d 'Print usage'
	complete -c $c -l version -d 'Print the version'
end
complete -c tkt-reply -s m -l message -x -d 'Send this text'
complete -c tkt-reply -s t -l template -x -a '(__tkt_template_names)' -d 'Render this template'
complete -c tkt-reply -l strict -d 'With -t: refuse a ticket the template match does not fit'
complete -c tkt-reply -l resolve -d 'Close after a successful reply'
complete -c tkt-reply -l no-check -d 'Skip the policy checks'
complete -c tkt-reply -l allow-field -x -a 'buyer.name subject orders[].product_name orders[].size orders[].color orders[].sku orders[].shipping_provider orders[].tracking_number replies[].message' -d 'Let findings inside this record field pass'
complete -c tkt-reply -l no-fallback -d 'Refuse a reply in another language than the buyer language'
complete -c tkt-reply -s i -l interactive -d 'Show each reply on the terminal and ask: send, edit, skip or quit'
complete -c tkt-close -l reopen -d 'Re-open instead of closing'
complete -c tkt-close -s m -l message -x -d 'The reason for re-opening'
complete -c tkt-close -l no-check -d 'With --reopen: skip the policy checks on the reason'
complete -c tkt-close -l refund -d 'Refund the orders first'
complete -c tkt-close -l reason -x -d 'Refund reason code'
complete -c tkt-close -l note -x -d 'Refund note'
complete -c tkt-close -l order -x -d 'Refund only this order'
complete -c tkt-close -l refund-wait -x -d 'How long to follow a v3 refund in progress (60s)'

# tkt-metrics
complete -c tkt-metrics -s b -l by -x -a 'type locale sub_label store day week' -d 'One object per group'
complete -c tkt-metrics -l since -x -a '1d 7d 30d' -d 'Records updated since (30d or a time)'
complete -c tkt-metrics -l sla -x -a '24h 48h 2d' -d 'Answer time allowed'
complete -c tkt-metrics -l due-within -x -a '6h 24h' -d 'Due-soon window'
complete -c tkt-metrics -l fail-if -x -a "'late_rate>5%' 'overdue>0' 'csat<60%'" -d 'Exit 1 when a comparison holds'
complete -c tkt-metrics -l now -x -d 'Use this time as now'
complete -c tkt-metrics -l json -d 'JSON lines'
complete -c tkt-metrics -l table -d 'A table'
complete -c tkt-metrics -s h -l help -d 'Print usage'
complete -c tkt-metrics -l version -d 'Print the version'

# tkt-sandbox
complete -c tkt-sandbox -f
complete -c tkt-sandbox -s p -l port -x -a 0 -d 'Port, 0 for any free one'
complete -c tkt-sandbox -s d -l data -r -F -d 'Store file'
complete -c tkt-sandbox -l token -x -d 'The token to accept'
complete -c tkt-sandbox -l refresh-token -x -d 'The refresh token to accept'
complete -c tkt-sandbox -l token-ttl -x -a '60 3600 30d' -d 'Seconds a token lives'
complete -c tkt-sandbox -l seed -x -d 'Generator seed'
complete -c tkt-sandbox -l tickets -x -d 'Tickets to generate'
complete -c tkt-sandbox -l now -x -d 'The sandbox clock'
complete -c tkt-sandbox -l rate -x -a '5/s 10/s 50/s' -d 'Rate limit'
complete -c tkt-sandbox -l faults -x -a '500 502 503 429 slow=500 drop-before drop-after garbage refund-fail' -d 'Faults to inject'
complete -c tkt-sandbox -l refund-delay -x -a '0 250ms 2s' -d 'How long a v3 refund takes'
complete -c tkt-sandbox -l no-processing -d 'Leave processing_* out of v3 orders'
complete -c tkt-sandbox -l reset-format -x -a 'seconds unix unix-ms http-date iso8601' -d 'How a v3 429 writes Wish-Rate-Limit-Reset'
complete -c tkt-sandbox -l files -d 'Serve the replies\' images behind links that expire'
complete -c tkt-sandbox -l rate-headers -x -a 'all 429' -d 'Which v3 answers carry rate-limit headers'
complete -c tkt-sandbox -s h -l help -d 'Print usage'
complete -c tkt-sandbox -l version -d 'Print the version'
