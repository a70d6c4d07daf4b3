/*
 * tkt-reply: reads tkt records (or bare ticket ids) and sends each ticket
 * a reply: the record's reply.text, -m TEXT, or -t NAME rendered; prints
 * every record again with "result".  --resolve closes after the reply;
 * -n plans without sending; --no-check skips the policy check,
 * --allow-field lets findings inside a record field's values pass;
 * --no-fallback refuses a reply in another language than the buyer's;
 * -i shows each reply on the terminal and asks before it is sent.
 */
#include <getopt.h>
#include <stdlib.h>

#include "tkt.h"

enum { O_RESOLVE = 256, O_NOCHECK, O_NOFALLBACK, O_ALLOW, O_STRICT };

static const struct tkt_opt opts[] = {
	{ 'm', "message", "text", "send text (else the record's reply.text)" },
	{ 't', "template", "name", "send template name, rendered for each ticket" },
	{ O_STRICT, "strict", NULL, "-t: refuse a ticket the template's match does not fit" },
	{ O_RESOLVE, "resolve", NULL, "close each ticket after its reply" },
	{ O_NOCHECK, "no-check", NULL, "skip the policy check of the text" },
	{ O_ALLOW, "allow-field", "field", "let findings inside this record field's values pass" },
	{ O_NOFALLBACK, "no-fallback", NULL, "refuse a reply in another language than the buyer's" },
	{ 'i', "interactive", NULL, "show each reply on the terminal; send, edit, skip or quit" },
	{ 0, NULL, NULL, NULL }
};

static const struct tkt_example examples[] = {
	{ "plan a reply for each ticket awaiting an answer; nothing is sent",
	    "tkt-list | tkt-template render --auto | tkt-reply -n | jq -c '[.id, .reply.template, .reply.locale, .result.ok]'" },
	{ "answer the pre-purchase questions and close them",
	    "tkt-list --type PRE_PURCHASE | tkt-template render --auto | tkt-reply --resolve" },
	{ "review each reply on the terminal before it goes; the records to a file",
	    "tkt-list | tkt-template render --auto | tkt-reply -i >sent.jsonl" },
	{ "gently: two at a time, five requests a second",
	    "tkt-list | tkt-template render --auto | tkt-reply -P 2 --rate 5/s >sent.jsonl" },
	{ NULL, NULL }
};

static const struct tkt_tool tool = {
	"tkt-reply [-hinv] [-m text | -t name [--strict]] [--resolve] [--no-check]\n"
	"                 [--allow-field field ...] [--no-fallback] [--force] [-P n]\n"
	"                 [--rate n/s] [--summary] [-s store] [--now time] [file ...]",
	"Sends each ticket read (records or ids) a reply; prints each record "
	"with its result.",
	opts, tkt_action_optv, NULL, NULL, examples
};

int
main(int argc, char *argv[])
{
	struct tkt_action_opts o = { .action = TKT_ACT_REPLY };
	const char *arg;
	int c;

	tkt_setprogname(argv[0]);
	while ((c = tkt_action_next(&tool, &o, argc, argv, &arg)) != -1) {
		switch (c) {
		case 'm': o.text = arg; break;
		case 't': o.tmpl = arg; break;
		case O_RESOLVE: o.resolve = 1; break;
		case O_NOCHECK: o.no_check = 1; break;
		case O_ALLOW: tkt_strs_add(&o.allow_fields, arg); break;
		case O_NOFALLBACK: o.no_fallback = 1; break;
		case O_STRICT: o.strict = 1; break;
		case 'i': o.interactive = 1; break;
		}
	}
	if (o.text != NULL && o.tmpl != NULL)
		tkt_errx(TKT_EXIT_USAGE, "-m and -t exclude each other");
	if (o.interactive && o.dry_run)
		tkt_errx(TKT_EXIT_USAGE, "-i and -n exclude each other: a dry "
		    "run sends nothing to review");
	if (o.strict && o.tmpl == NULL)
		tkt_errx(TKT_EXIT_USAGE, "--strict goes with -t");
	c = tkt_action_run(&o, argc, argv);
	tkt_strs_free(&o.allow_fields);
	return c;
}
