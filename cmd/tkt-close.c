/*
 * tkt-close: reads tkt records (or bare ticket ids) and closes each
 * ticket; prints every record again with "result".  --refund first
 * refunds the ticket's orders (--order, --reason, --note); --reopen -m
 * REASON re-opens instead (the reason passes tkt-reply's checks unless
 * --no-check); -n plans without sending.
 */
#include <getopt.h>
#include <stdlib.h>

#include "tkt.h"

static const char synopsis[] =
    "tkt-close [-nv] [--refund [--reason code] [--note text] [--order id]\n"
    "                 [--refund-wait dur]] [--force] [-P n] [--rate n/s]\n"
    "                 [-s store] [--now time] [file ...]\n"
    "       tkt-close --reopen [-m reason] [-nv] [--no-check] [--force] [-P n]\n"
    "                 [--rate n/s] [-s store] [--now time] [file ...]";

int
main(int argc, char *argv[])
{
	enum { O_REFUND = 256, O_REASON, O_NOTE, O_ORDER, O_REOPEN, O_NOCHECK,
	    O_WAIT };
	static const struct option longopts[] = {
		TKT_ACTION_LONGOPTS,
		{ "message", required_argument, NULL, 'm' },
		{ "refund", no_argument, NULL, O_REFUND },
		{ "reason", required_argument, NULL, O_REASON },
		{ "note", required_argument, NULL, O_NOTE },
		{ "order", required_argument, NULL, O_ORDER },
		{ "refund-wait", required_argument, NULL, O_WAIT },
		{ "reopen", no_argument, NULL, O_REOPEN },
		{ "no-check", no_argument, NULL, O_NOCHECK },
		{ NULL, 0, NULL, 0 }
	};
	struct tkt_action_opts o = { .action = TKT_ACT_CLOSE,
	    .synopsis = synopsis };
	int c, status;

	tkt_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "hm:nP:s:v", longopts, NULL)) != -1) {
		if (tkt_action_option(&o, c, optarg))
			continue;
		switch (c) {
		case 'm': o.text = optarg; break;
		case O_REFUND: o.refund = 1; break;
		case O_REASON: o.reason = optarg; break;
		case O_NOTE: o.note = optarg; break;
		case O_ORDER: tkt_strs_addlist(&o.orders, optarg); break;
		case O_WAIT: o.refund_wait = optarg; break;
		case O_REOPEN: o.action = TKT_ACT_REOPEN; break;
		case O_NOCHECK: o.no_check = 1; break;
		default: tkt_usage(TKT_EXIT_USAGE, synopsis);
		}
	}
	if (o.action == TKT_ACT_REOPEN && o.refund)
		tkt_errx(TKT_EXIT_USAGE, "--reopen and --refund exclude each other");
	if (o.action == TKT_ACT_REOPEN && o.text != NULL && *o.text == '\0')
		tkt_errx(TKT_EXIT_USAGE, "--reopen -m: the reason is empty");
	if (o.action != TKT_ACT_REOPEN && o.text != NULL)
		tkt_errx(TKT_EXIT_USAGE, "-m goes with --reopen (to reply, use "
		    "tkt-reply --resolve)");
	if (o.no_check && o.action != TKT_ACT_REOPEN)
		tkt_errx(TKT_EXIT_USAGE, "--no-check goes with --reopen");
	if (!o.refund && (o.reason || o.note || o.orders.n || o.refund_wait))
		tkt_errx(TKT_EXIT_USAGE, "--reason, --note, --order and "
		    "--refund-wait go with --refund");
	status = tkt_action_run(&o, argc, argv);
	tkt_strs_free(&o.orders);
	return status;
}
