/*
 * tkt-appeal: reads tkt records (or bare ticket ids) and hands each
 * ticket to Wish support; prints every record again with "result".
 * -n plans without sending.
 */
#include <getopt.h>
#include <stdlib.h>

#include "tkt.h"

static const struct tkt_opt opts[] = { { 0, NULL, NULL, NULL } };

static const struct tkt_example examples[] = {
	{ "the requests that would appeal the overdue order tickets; nothing is sent",
	    "tkt-list --type ORDER --overdue | tkt-appeal -n | jq -c .result.request" },
	{ "appeal them",
	    "tkt-list --type ORDER --overdue | tkt-appeal" },
	{ "by id: the Japanese-speaking buyers' tickets, two at a time",
	    "tkt-list --locale ja | jq -r .id | tkt-appeal -P 2" },
	{ NULL, NULL }
};

static const struct tkt_tool tool = {
	"tkt-appeal [-hnv] [--force] [-P n] [--rate n/s] [--summary] [-s store]\n"
	"                  [--now time] [file ...]",
	"Hands each ticket read (records or ids) to Wish support; prints each "
	"record with its result.",
	opts, tkt_action_optv, NULL, NULL, examples
};

int
main(int argc, char *argv[])
{
	struct tkt_action_opts o = { .action = TKT_ACT_APPEAL };
	const char *arg;

	tkt_setprogname(argv[0]);
	while (tkt_action_next(&tool, &o, argc, argv, &arg) != -1)
		;
	return tkt_action_run(&o, argc, argv);
}
