/*
 * tkt-reply: reads tkt records (or bare ticket ids) and sends each ticket
 * a reply: the record's reply.text, -m TEXT, or -t NAME rendered; prints
 * every record again with "result".  --resolve closes after the reply;
 * -n plans without sending; --no-check skips the policy check.
 */
#include <getopt.h>
#include <stdlib.h>

#include "tkt.h"

static const char synopsis[] =
    "tkt-reply [-nv] [-m text | -t name] [--resolve] [--no-check] [--force]\n"
    "                 [-P n] [--rate n/s] [-s store] [--now time] [file ...]";

int
main(int argc, char *argv[])
{
	enum { O_RESOLVE = 256, O_NOCHECK };
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "message", required_argument, NULL, 'm' },
		{ "template", required_argument, NULL, 't' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "store", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "resolve", no_argument, NULL, O_RESOLVE },
		{ "no-check", no_argument, NULL, O_NOCHECK },
		{ "force", no_argument, NULL, TKT_OPT_FORCE },
		{ "rate", required_argument, NULL, TKT_OPT_RATE },
		{ "now", required_argument, NULL, TKT_OPT_NOW },
		{ "version", no_argument, NULL, TKT_OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct tkt_action_opts o = { .action = TKT_ACT_REPLY };
	struct tkt_error e;
	const char *now = NULL;
	int c, status;

	tkt_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "hm:nP:s:t:v", longopts, NULL)) != -1) {
		if (tkt_action_option(&o, c, optarg, &now))
			continue;
		switch (c) {
		case 'h': tkt_usage(0, synopsis); break;
		case 'm': o.text = optarg; break;
		case 't': o.tmpl = optarg; break;
		case O_RESOLVE: o.resolve = 1; break;
		case O_NOCHECK: o.no_check = 1; break;
		case TKT_OPT_VERSION: tkt_print_version(); return 0;
		default: tkt_usage(TKT_EXIT_USAGE, synopsis);
		}
	}
	if (o.text != NULL && o.tmpl != NULL)
		tkt_errx(TKT_EXIT_USAGE, "-m and -t exclude each other");
	o.operands = argv + optind;
	o.noperands = argc - optind;
	if (tkt_now_init(now, &e) == -1) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	status = tkt_action_main(&o);
	return tkt_exit_merge(status, tkt_close_stdout() ? TKT_EXIT_NO : 0);
}
