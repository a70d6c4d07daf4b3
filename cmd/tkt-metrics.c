/*
 * tkt-metrics: reads records (files named, or stdin) and prints the
 * numbers of tkt-metrics(1) (late rate, response and resolution times,
 * overdue, CSAT, health) as one JSON object, or one per group with --by; a
 * table on a tty.  --since, --sla, --due-within, --now; --fail-if exits 1 when a
 * comparison holds.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: %s [--by KEY] [--since WHEN] [--sla DUR] "
	    "[--due-within DUR]\n"
	    "       [--fail-if EXPR] [--now TIME] [--json | --table] [FILE ...]\n"
	    "KEY: type, locale, sub_label, store, day, week\n", tkt_getprogname());
}

static int64_t
duration(const char *opt, const char *s)
{
	int64_t d;

	if (tkt_duration_parse(s, &d) == -1)
		tkt_errx(TKT_EXIT_USAGE, "%s: '%s' is not a duration (e.g. 90m, 48h, 2d)",
		    opt, s);
	return d;
}

int
main(int argc, char *argv[])
{
	enum { O_SINCE = 256, O_SLA, O_DUE, O_FAIL, O_NOW, O_JSON, O_TABLE, O_VERSION };
	static const struct option lopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "since", required_argument, NULL, O_SINCE },
		{ "sla", required_argument, NULL, O_SLA },
		{ "due-within", required_argument, NULL, O_DUE },
		{ "fail-if", required_argument, NULL, O_FAIL },
		{ "now", required_argument, NULL, O_NOW },
		{ "json", no_argument, NULL, O_JSON },
		{ "table", no_argument, NULL, O_TABLE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct tkt_metrics_opts o = { .since = (time_t)-1, .sla = -1,
	    .due_within = 6 * 3600 };
	struct tkt_failif fail = { NULL, 0 };
	struct tkt_config cfg;
	struct tkt_error err = { 0 };
	const char *since = NULL, *now = NULL;
	int c, table = -1, status;

	tkt_setprogname(argv[0]);
	tkt_error_clear(&err);
	while ((c = getopt_long(argc, argv, "b:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (tkt_metrics_by_parse(optarg, &o.by) == -1)
				tkt_errx(TKT_EXIT_USAGE, "--by: '%s' is not one of "
				    "type, locale, sub_label, store, day, week", optarg);
			break;
		case O_SINCE:
			since = optarg;
			break;
		case O_SLA:
			o.sla = duration("--sla", optarg);
			break;
		case O_DUE:
			o.due_within = duration("--due-within", optarg);
			break;
		case O_FAIL:
			if (tkt_failif_parse(&fail, optarg, &err) == -1) {
				tkt_error_print(&err);
				tkt_failif_free(&fail);
				return TKT_EXIT_USAGE;
			}
			break;
		case O_NOW:
			now = optarg;
			break;
		case O_JSON:
		case O_TABLE:
			table = c == O_TABLE;
			break;
		case 'h':
			usage(stdout);
			return TKT_EXIT_OK;
		case O_VERSION:
			tkt_print_version();
			return TKT_EXIT_OK;
		default:
			usage(stderr);
			return TKT_EXIT_USAGE;
		}
	}
	if (tkt_now_init(now, &err) == -1 || tkt_config_load(&cfg, &err) == -1) {
		tkt_error_print(&err);
		return TKT_EXIT_USAGE;
	}
	o.now = tkt_now();
	if (since != NULL && tkt_since_parse(since, o.now, &o.since) == -1)
		tkt_errx(TKT_EXIT_USAGE, "--since: '%s' is neither a duration (30d) "
		    "nor a time (2026-11-01)", since);
	o.table = tkt_want_table(table);
	o.color = o.table && tkt_want_color();
	o.cfg = &cfg;
	o.fail = &fail;
	tkt_out_init();
	status = tkt_metrics_run(&o, argv + optind, argc - optind);
	tkt_failif_free(&fail);
	tkt_config_free(&cfg);
	if (tkt_close_stdout() != 0)
		status = tkt_exit_merge(status, TKT_EXIT_NO);
	return status;
}
