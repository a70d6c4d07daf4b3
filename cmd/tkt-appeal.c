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
		TKT_ACTION_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct tkt_action_opts o = { .action = TKT_ACT_APPEAL,
	    .synopsis = synopsis };
	int c;

	tkt_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "hnP:s:v", longopts, NULL)) != -1)
		if (!tkt_action_option(&o, c, optarg))
			tkt_usage(TKT_EXIT_USAGE, synopsis);
	return tkt_action_run(&o, argc, argv);
}
