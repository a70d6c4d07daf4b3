/*
 * tkt-list: prints tickets as tkt records, one JSON object per line (a
 * table on a terminal).  With no operand: the tickets awaiting an answer;
 * with ids, or "-" for ids or records on stdin: those tickets.  Filters
 * --state, --type, --locale, --since, --overdue, --due-within; --limit,
 * --sort, -e, --thread, --save-files, --raw, --with-orders, --lang, --json/--table, -s STORE,
 * -v, --now.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

enum { O_STATE = 256, O_TYPE, O_LOCALE, O_SINCE, O_OVERDUE, O_DUE, O_LIMIT,
    O_THREAD, O_RAW, O_ORDERS, O_LANG, O_JSON, O_TABLE, O_NOW, O_SORT,
    O_FILES };

static const struct tkt_opt opts[] = {
	{ 'A', "all", NULL, "every ticket, not only those awaiting an answer" },
	{ 'e', "exists", NULL, "exit 1 when nothing is printed" },
	{ 's', "store", "store", "the store (a list: several)" },
	{ O_STATE, "state", "list", "only tickets in these states" },
	{ O_TYPE, "type", "list", "only tickets of these types" },
	{ O_LOCALE, "locale", "list", "only tickets in these locales (fr: fr-CA too)" },
	{ O_SINCE, "since", "when", "only tickets updated since (30d, or a time)" },
	{ O_OVERDUE, "overdue", NULL, "only tickets past their due time" },
	{ O_DUE, "due-within", "dur", "only tickets due within dur" },
	{ O_LIMIT, "limit", "n", "at most n tickets (with --sort: the first n)" },
	{ O_SORT, "sort", "key", "due, opened, updated or none (due on a terminal)" },
	{ 'P', "parallel", "n", "up to n reads at once (1 to 64; 4)" },
	{ O_THREAD, "thread", NULL, "print each ticket's messages for a person" },
	{ O_FILES, "save-files", "dir", "save the replies' files in dir (by content)" },
	{ O_RAW, "raw", NULL, "add the marketplace's own object as \"raw\"" },
	{ O_ORDERS, "with-orders", NULL, "v3: add each order's details" },
	{ O_LANG, "lang", "locale", "v3: add the messages translated into locale" },
	{ O_JSON, "json", NULL, "JSON lines, even on a terminal" },
	{ O_TABLE, "table", NULL, "a table, even in a pipe" },
	{ O_NOW, "now", "time", "take time as now (for tests)" },
	{ 'v', "verbose", NULL, "log each request and answer on stderr" },
	{ 0, NULL, NULL, NULL }
};

static const struct tkt_example examples[] = {
	{ "the overdue tickets, with their conversations",
	    "tkt-list --overdue --thread" },
	{ "French-speaking buyers' tickets about orders, ids only",
	    "tkt-list --type ORDER --locale fr | jq -r .id" },
	{ "the five tickets due soonest, in a pipe too",
	    "tkt-list --sort due --limit 5 | jq -r '[.id, .due_at] | @tsv'" },
	{ "fetch again, four at a time, the tickets of a saved listing",
	    "tkt-list --overdue | jq -r .id | tkt-list -P 4 - --table" },
	{ NULL, NULL }
};

static const struct tkt_tool tool = {
	"tkt-list [-Aehv] [-s store] [--state list] [--type list] [--locale list]\n"
	"                [--since when] [--overdue] [--due-within dur] [--limit n]\n"
	"                [--sort key] [-P n] [--thread] [--save-files dir] [--raw]\n"
	"                [--with-orders] [--lang locale] [--json | --table] [--now time]\n"
	"                [id ... | -]",
	"Prints tickets as tkt records: those awaiting an answer, or those named.",
	opts, NULL, NULL, NULL, examples
};

/*
 * --locale: language tags, pt_BR as pt-BR, the form of a record's locale
 * (tkt-record(5)), so that it finds what it names.
 */
/* --sort KEY */
static int
sort_key(const char *arg)
{
	static const char *const keys[] = { "none", "due", "opened", "updated" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(arg, keys[i]) == 0)
			return (int)i;
	tkt_errx(TKT_EXIT_USAGE, "--sort: '%s' is not one of due, opened, "
	    "updated, none", arg);
}

static void
locales(struct tkt_strs *l, const char *arg)
{
	size_t from = l->n;

	tkt_opt_langlist(l, "--locale", arg, TKT_LANG_UNDERSCORE);
	for (size_t i = from; i < l->n; i++)
		for (char *p = l->v[i]; *p != '\0'; p++)
			if (*p == '_')
				*p = '-';
}

int
main(int argc, char *argv[])
{
	struct tkt_list_opts o = { .table = -1, .due_within = -1,
	    .sort = TKT_SORT_AUTO };
	const char *arg, *now = NULL, *since = NULL;
	int c, status;

	tkt_setprogname(argv[0]);
	while ((c = tkt_opt_next(&tool, argc, argv, &arg)) != -1) {
		switch (c) {
		case 'A': o.all = 1; break;
		case 'e': o.exists = 1; break;
		case 's': tkt_strs_addlist(&o.stores, arg); break;
		case 'v': o.verbose = 1; break;
		case 'P': o.parallel = (int)tkt_opt_num("-P", arg, 1, 64); break;
		case O_STATE: tkt_strs_addlist(&o.states, arg); break;
		case O_TYPE: tkt_strs_addlist(&o.types, arg); break;
		case O_LOCALE: locales(&o.locales, arg); break;
		case O_SINCE: since = arg; break;
		case O_OVERDUE: o.overdue = 1; break;
		case O_DUE: o.due_within = tkt_opt_duration("--due-within", arg); break;
		case O_LIMIT: o.limit = tkt_opt_num("--limit", arg, 1, 1LL << 40); break;
		case O_THREAD: o.thread = 1; break;
		case O_RAW: o.raw = 1; break;
		case O_ORDERS: o.with_orders = 1; break;
		case O_LANG: o.lang = tkt_opt_lang("--lang", arg, 0); break;
		case O_JSON: case O_TABLE: o.table = c == O_TABLE; break;
		case O_NOW: now = arg; break;
		case O_SORT: o.sort = sort_key(arg); break;
		case O_FILES: o.save_files = arg; break;
		}
	}
	o.operands = argv + optind;
	o.noperands = argc - optind;
	tkt_opt_now(now);
	o.since = tkt_opt_since("--since", since);
	status = tkt_list_main(&o);
	tkt_strs_free(&o.stores);
	tkt_strs_free(&o.states);
	tkt_strs_free(&o.types);
	tkt_strs_free(&o.locales);
	return tkt_exit_stdout(status);
}
