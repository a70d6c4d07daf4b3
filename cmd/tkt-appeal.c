/*
 * tkt-appeal: reads tkt records (or bare ticket ids) and hands each
 * ticket to Wish support; prints every record again with "result".
 * -n plans without sending.
 */
#include <getopt.h>
#include <stdlib.h>

#include "tkt.h"

static const char synopsis[] =
    "tkt-appeal [-nv] [--force] [-P n] [--rate n/s] [-s store] [--now time]\n"
    "                  [file ...]";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "store", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "force", no_argument, NULL, TKT_OPT_FORCE },
		{ "rate", required_argument, NULL, TKT_OPT_RATE },
		{ "now", required_argument, NULL, TKT_OPT_NOW },
		{ "version", no_argument, NULL, TKT_OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct tkt_action_opts o = { .action = TKT_ACT_APPEAL };
	struct tkt_error e;
	const char *now = NULL;
	int c, status;

	tkt_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "hnP:s:v", longopts, NULL)) != -1) {
		if (tkt_action_option(&o, c, optarg, &now))
			continue;
		switch (c) {
		case 'h': tkt_usage(0, synopsis); break;
		case TKT_OPT_VERSION: tkt_print_version(); return 0;
		default: tkt_usage(TKT_EXIT_USAGE, synopsis);
		}
	}
	o.operands = argv + optind;
	o.noperands = argc - optind;
	if (tkt_now_init(now, &e) == -1) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	status = tkt_action_main(&o);
	return tkt_exit_merge(status, tkt_close_stdout() ? TKT_EXIT_NO : 0);
}
