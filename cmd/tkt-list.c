/*
 * tkt-list: prints tickets as tkt records, one JSON object per line (a
 * table on a terminal).  With no operand: the tickets awaiting an answer;
 * with ids, or "-" for ids or records on stdin: those tickets.  Filters
 * --state, --type, --locale, --since, --overdue, --due-within; --limit,
 * -e, --thread, --raw, --with-orders, --lang, --json/--table, -s STORE,
 * -v, --now.
 */
#include <getopt.h>
#include <stdlib.h>

#include "tkt.h"

static const char synopsis[] =
    "tkt-list [-Aehv] [-s store] [--state list] [--type list] [--locale list]\n"
    "                [--since when] [--overdue] [--due-within dur] [--limit n]\n"
    "                [-P n] [--thread] [--raw] [--with-orders] [--lang locale]\n"
    "                [--json | --table] [--now time] [id ... | -]";

int
main(int argc, char *argv[])
{
	enum { O_STATE = 256, O_TYPE, O_LOCALE, O_SINCE, O_OVERDUE, O_DUE,
	    O_LIMIT, O_THREAD, O_RAW, O_ORDERS, O_LANG, O_JSON, O_TABLE, O_NOW,
	    O_VERSION };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "exists", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "store", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "state", required_argument, NULL, O_STATE },
		{ "type", required_argument, NULL, O_TYPE },
		{ "locale", required_argument, NULL, O_LOCALE },
		{ "since", required_argument, NULL, O_SINCE },
		{ "overdue", no_argument, NULL, O_OVERDUE },
		{ "due-within", required_argument, NULL, O_DUE },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "thread", no_argument, NULL, O_THREAD },
		{ "raw", no_argument, NULL, O_RAW },
		{ "with-orders", no_argument, NULL, O_ORDERS },
		{ "lang", required_argument, NULL, O_LANG },
		{ "json", no_argument, NULL, O_JSON },
		{ "table", no_argument, NULL, O_TABLE },
		{ "now", required_argument, NULL, O_NOW },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct tkt_list_opts o = { .table = -1 };
	struct tkt_error e = { 0 };
	const char *now = NULL, *es;
	long long n;
	int c, status;

	tkt_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "AehP:s:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'A': o.all = 1; break;
		case 'e': o.exists = 1; break;
		case 'h': tkt_usage(0, synopsis); break;
		case 's': tkt_strs_addlist(&o.stores, optarg); break;
		case 'v': o.verbose = 1; break;
		case 'P':
			if (tkt_num_parse(optarg, 1, 64, &n, &es) == -1)
				tkt_errx(TKT_EXIT_USAGE, "-P: '%s' is %s (1 to 64)",
				    optarg, es);
			o.parallel = (int)n;
			break;
		case O_STATE: tkt_strs_addlist(&o.states, optarg); break;
		case O_TYPE: tkt_strs_addlist(&o.types, optarg); break;
		case O_LOCALE: tkt_strs_addlist(&o.locales, optarg); break;
		case O_SINCE: o.since = optarg; break;
		case O_OVERDUE: o.overdue = 1; break;
		case O_DUE: o.due_within = optarg; break;
		case O_LIMIT:
			if (tkt_num_parse(optarg, 1, 1LL << 40, &o.limit, &es) == -1)
				tkt_errx(TKT_EXIT_USAGE, "--limit: '%s' is %s",
				    optarg, es);
			break;
		case O_THREAD: o.thread = 1; break;
		case O_RAW: o.raw = 1; break;
		case O_ORDERS: o.with_orders = 1; break;
		case O_LANG: o.lang = optarg; break;
		case O_JSON: o.table = 0; break;
		case O_TABLE: o.table = 1; break;
		case O_NOW: now = optarg; break;
		case O_VERSION: tkt_print_version(); return 0;
		default: tkt_usage(TKT_EXIT_USAGE, synopsis);
		}
	}
	o.operands = argv + optind;
	o.noperands = argc - optind;
	if (tkt_now_init(now, &e) == -1) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	status = tkt_list_main(&o);
	tkt_strs_free(&o.stores);
	tkt_strs_free(&o.states);
	tkt_strs_free(&o.types);
	tkt_strs_free(&o.locales);
	return tkt_exit_merge(status, tkt_close_stdout() ? TKT_EXIT_NO : 0);
}
