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

enum { O_BY = 'b', O_SINCE = 256, O_SLA, O_DUE, O_FAIL, O_NOW, O_JSON, O_TABLE };

static const struct tkt_opt opts[] = {
	{ O_BY, "by", "key", "one object per type, locale, sub_label, store, "
	    "day or week" },
	{ O_SINCE, "since", "when", "only records updated since (30d, or a time)" },
	{ O_SLA, "sla", "duration", "the answer time that counts (else the "
	    "store's, 48h)" },
	{ O_DUE, "due-within", "duration", "count tickets due within it (6h)" },
	{ O_FAIL, "fail-if", "expr", "exit 1 when a comparison holds "
	    "(late_rate>0.05)" },
	{ O_NOW, "now", "time", "take time as now (for tests)" },
	{ O_JSON, "json", NULL, "JSON, even on a terminal" },
	{ O_TABLE, "table", NULL, "a table, even in a pipe" },
	{ 0, NULL, NULL, NULL }
};

static const struct tkt_example examples[] = {
	{ "the store's numbers over the last 30 days",
	    "tkt-list -A --since 30d | tkt-metrics" },
	{ "the late rate per day of the last two weeks, as bars on a terminal",
	    "tkt-list -A --since 2w | tkt-metrics --by day" },
	{ "the late rate by language, as a table",
	    "tkt-list -A --since 30d | tkt-metrics --by locale --table" },
	{ NULL, NULL }
};

static const struct tkt_tool tool = {
	"tkt-metrics [--by key] [--since when] [--sla duration]\n"
	"                   [--due-within duration] [--fail-if expr] [--now time]\n"
	"                   [--json | --table] [file ...]",
	"Reads records and prints late rate, response times, overdue and CSAT.",
	opts, NULL, NULL, NULL, examples
};

int
main(int argc, char *argv[])
{
	struct tkt_metrics_opts o = { .sla = -1, .due_within = 6 * 3600 };
	struct tkt_failif fail = { NULL, 0 };
	struct tkt_config cfg;
	struct tkt_error err = { 0 };
	const char *arg, *since = NULL, *now = NULL;
	int c, table = -1, status;

	tkt_setprogname(argv[0]);
	while ((c = tkt_opt_next(&tool, argc, argv, &arg)) != -1) {
		switch (c) {
		case O_BY:
			if (tkt_metrics_by_parse(arg, &o.by) == -1)
				tkt_errx(TKT_EXIT_USAGE, "--by: '%s' is not one of "
				    "type, locale, sub_label, store, day, week", arg);
			break;
		case O_SINCE: since = arg; break;
		case O_SLA: o.sla = tkt_opt_duration("--sla", arg); break;
		case O_DUE: o.due_within = tkt_opt_duration("--due-within", arg); break;
		case O_FAIL:
			if (tkt_failif_parse(&fail, arg, &err) == -1) {
				tkt_error_print(&err);
				exit(TKT_EXIT_USAGE);
			}
			break;
		case O_NOW: now = arg; break;
		case O_JSON: case O_TABLE: table = c == O_TABLE; break;
		}
	}
	tkt_opt_now(now);
	if (tkt_config_load(&cfg, &err) == -1) {
		tkt_error_print(&err);
		return TKT_EXIT_USAGE;
	}
	o.now = tkt_now();
	o.since = tkt_opt_since("--since", since);
	o.table = tkt_want_table(table);
	o.color = o.table && tkt_want_color();
	/* The bars of --by day and week: how wide, and of which characters. */
	o.width = o.table ? tkt_table_width() : 0;
	o.utf8 = o.table && tkt_locale_utf8();
	o.cfg = &cfg;
	o.fail = &fail;
	tkt_out_init();
	status = tkt_metrics_run(&o, argv + optind, argc - optind);
	tkt_failif_free(&fail);
	tkt_config_free(&cfg);
	return tkt_exit_stdout(status);
}
