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
		TKT_ACTION_LONGOPTS,
		{ "message", required_argument, NULL, 'm' },
		{ "template", required_argument, NULL, 't' },
		{ "resolve", no_argument, NULL, O_RESOLVE },
		{ "no-check", no_argument, NULL, O_NOCHECK },
		{ NULL, 0, NULL, 0 }
	};
	struct tkt_action_opts o = { .action = TKT_ACT_REPLY,
	    .synopsis = synopsis };
	int c;

	tkt_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "hm:nP:s:t:v", longopts, NULL)) != -1) {
		if (tkt_action_option(&o, c, optarg))
			continue;
		switch (c) {
		case 'm': o.text = optarg; break;
		case 't': o.tmpl = optarg; break;
		case O_RESOLVE: o.resolve = 1; break;
		case O_NOCHECK: o.no_check = 1; break;
		default: tkt_usage(TKT_EXIT_USAGE, synopsis);
		}
	}
	if (o.text != NULL && o.tmpl != NULL)
		tkt_errx(TKT_EXIT_USAGE, "-m and -t exclude each other");
	return tkt_action_run(&o, argc, argv);
}
