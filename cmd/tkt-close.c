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

enum { O_REFUND = 256, O_REASON, O_NOTE, O_ORDER, O_REOPEN, O_NOCHECK, O_WAIT };

static const struct tkt_opt opts[] = {
	{ O_REFUND, "refund", NULL, "refund the ticket's orders, then close" },
	{ O_REASON, "reason", "code", "the refund's reason code" },
	{ O_NOTE, "note", "text", "the refund's note" },
	{ O_ORDER, "order", "id", "refund this order only (a list, or again)" },
	{ O_WAIT, "refund-wait", "dur", "follow a v3 refund this long (60s)" },
	{ O_REOPEN, "reopen", NULL, "re-open each ticket instead" },
	{ 'm', "message", "reason", "--reopen: the reason, sent to the buyer" },
	{ O_NOCHECK, "no-check", NULL, "--reopen: skip the policy check" },
	{ 0, NULL, NULL, NULL }
};

static const struct tkt_example examples[] = {
	{ "the requests that would close the pre-purchase questions; nothing is sent",
	    "tkt-list --type PRE_PURCHASE | tkt-close -n | jq -c .result.request" },
	{ "refund and close the wrong-item tickets, with the reason each suggests",
	    "tkt-list --type ORDER | jq -c 'select(.sub_label == \"Wrong Item\")' | tkt-close --refund" },
	{ "answer, then close only the tickets whose reply went through",
	    "tkt-list | tkt-template render --auto | tkt-reply | jq -c 'select(.result.ok)' | tkt-close >closed.jsonl" },
	{ NULL, NULL }
};

static const struct tkt_tool tool = {
	"tkt-close [-hnv] [--refund [--reason code] [--note text] [--order id]\n"
	"                 [--refund-wait dur]] [--force] [-P n] [--rate n/s]\n"
	"                 [--summary] [-s store] [--now time] [file ...]\n"
	"       tkt-close --reopen [-m reason] [-hnv] [--no-check] [--force] [-P n]\n"
	"                 [--rate n/s] [--summary] [-s store] [--now time] [file ...]",
	"Closes (or re-opens, or refunds and closes) each ticket read; prints "
	"each record with its result.",
	opts, tkt_action_optv, NULL, NULL, examples
};

int
main(int argc, char *argv[])
{
	struct tkt_action_opts o = { .action = TKT_ACT_CLOSE };
	const char *arg;
	int c, status;

	tkt_setprogname(argv[0]);
	while ((c = tkt_action_next(&tool, &o, argc, argv, &arg)) != -1) {
		switch (c) {
		case 'm': o.text = arg; break;
		case O_REFUND: o.refund = 1; break;
		case O_REASON: o.reason = arg; break;
		case O_NOTE: o.note = arg; break;
		case O_ORDER: tkt_strs_addlist(&o.orders, arg); break;
		case O_WAIT: o.refund_wait = arg; break;
		case O_REOPEN: o.action = TKT_ACT_REOPEN; break;
		case O_NOCHECK: o.no_check = 1; break;
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
