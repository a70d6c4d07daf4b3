# fish completion fragment for tkt-template (merged into completions/tkt.fish)
function __tkt_template_names
	tkt-template list --json 2>/dev/null | sed -n 's/^{"name":"\([^"]*\)".*/\1/p'
end
set -l cmds render lint list show
complete -c tkt-template -f -n "not __fish_seen_subcommand_from $cmds" -a render -d 'Add a reply to each ticket'
complete -c tkt-template -f -n "not __fish_seen_subcommand_from $cmds" -a lint -d 'Check template files'
complete -c tkt-template -f -n "not __fish_seen_subcommand_from $cmds" -a list -d 'List the templates'
complete -c tkt-template -f -n "not __fish_seen_subcommand_from $cmds" -a show -d 'Print a template'
complete -c tkt-template -n "__fish_seen_subcommand_from render" -s t -l template -x -a '(__tkt_template_names)' -d 'Template name'
complete -c tkt-template -n "__fish_seen_subcommand_from render" -l auto -d 'First template whose match fits'
complete -c tkt-template -n "__fish_seen_subcommand_from render show" -s l -l locale -x -a 'en fr de es it pt nl ja fr-CA' -d 'Locale'
complete -c tkt-template -n "__fish_seen_subcommand_from render" -s D -l define -x -d 'Set a var: NAME=VALUE'
complete -c tkt-template -n "__fish_seen_subcommand_from lint" -l json -d 'JSON lines'
complete -c tkt-template -n "__fish_seen_subcommand_from lint" -l strict -d 'Fail on warnings too'
complete -c tkt-template -n "__fish_seen_subcommand_from lint" -l require-locales -x -d 'Required locales'
complete -c tkt-template -n "__fish_seen_subcommand_from list" -l json -d 'JSON lines'
complete -c tkt-template -n "__fish_seen_subcommand_from list" -l table -d 'A table'
complete -c tkt-template -n "__fish_seen_subcommand_from show" -f -a '(__tkt_template_names)'
complete -c tkt-template -l help -d 'Usage'
complete -c tkt-template -l version -d 'Version'
