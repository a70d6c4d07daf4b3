/*
 * plan.c: a dry run (-n) as a person reads it on a terminal.  Each record
 * becomes a few lines: the ticket and its buyer, the language, the
 * template, the first line of the text, what would be sent, and the
 * journal's verdict; one line at the end sums the run up.  It shows what
 * the engine (action.c) planned, as its JSON result says, and computes
 * nothing of its own.  Text from buyers is escaped (tkt_esc_char); colour
 * only where tkt_want_color says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tkt.h"

#define BOLD	"\033[1m"
#define DIM	"\033[2m"
#define RED	"\033[31m"
#define RESET	"\033[0m"

/* "  template  ": the labels' column. */
#define LABELW	12

struct tkt_plan {
	const struct tkt_action_opts *o;
	int		 color, width;
	long long	 nsend, ndone, nfail;
	struct tkt_rec	 res;		/* a record's result, parsed */
};

struct tkt_plan *
tkt_plan_new(const struct tkt_action_opts *o)
{
	struct tkt_plan *p;

	if (!o->dry_run || !isatty(STDOUT_FILENO))
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->o = o;
	p->color = tkt_want_color();
	p->width = tkt_table_width();
	tkt_rec_init(&p->res);
	return p;
}

static const char *
rstr(const struct tkt_rec *r, const struct tkt_jnode *n, const char *key)
{
	return n == NULL ? NULL : tkt_rec_str(r, tkt_rec_get(r, n, key), NULL);
}

static int
rtrue(const struct tkt_rec *r, const struct tkt_jnode *n, const char *key)
{
	const struct tkt_jnode *v = n ? tkt_rec_get(r, n, key) : NULL;

	return v != NULL && v->type == TKT_J_TRUE;
}

/* Columns a value may fill after its label (0: no limit). */
static int
room(const struct tkt_plan *p, int used)
{
	if (p->width == 0)
		return 0;
	return p->width > used + 10 ? p->width - used : 10;
}

/* "  label     value", the value escaped and cut to the width. */
static void
line(struct tkt_plan *p, const char *label, const char *value,
    const char *color)
{
	printf("  %-*s", LABELW - 2, label);
	if (color != NULL && p->color)
		fputs(color, stdout);
	tkt_table_cut(stdout, value, room(p, LABELW));
	if (color != NULL && p->color)
		fputs(RESET, stdout);
	putchar('\n');
}

/* The first line of text that is not blank, as a new string. */
static char *
first_line(const char *text)
{
	const char *s = text, *e;

	for (;;) {
		e = s + strcspn(s, "\r\n");
		if (*e == '\0' || s + strspn(s, " \t") < e)
			break;
		s = e + 1;
	}
	return xstrndup(s, (size_t)(e - s));
}

/*
 * One record of the run: rec the input (no nodes for a bare id), id the
 * ticket, text the reply or re-open reason, or the ticket's refund reason
 * (NULL: none), result the JSON of its result (as the pipe gets it).
 */
void
tkt_plan_put(struct tkt_plan *p, const struct tkt_rec *rec, const char *id,
    const char *text, const char *result, size_t len)
{
	const struct tkt_action_opts *o = p->o;
	const struct tkt_rec *r = &p->res;
	const struct tkt_jnode *root = NULL, *steps = NULL, *s, *err = NULL;
	const char *name = NULL, *locale = NULL, *rlocale = NULL, *tmpl = o->tmpl;
	const char *reason = NULL, *msg = NULL;
	struct tkt_buf sends, done, b;
	struct tkt_error e;
	int nsteps = 0, nskipped = 0, failed;

	tkt_error_clear(&e);
	if (tkt_rec_parse(&p->res, result, len, TKT_RD_TREE, &e) == 0) {
		root = &r->nodes[0];
		steps = tkt_rec_get(r, root, "steps");
		err = tkt_rec_get(r, root, "error");
		msg = rstr(r, err, "message");
	}
	failed = root == NULL || err != NULL;
	if (rec->nnodes > 0) {
		name = tkt_rec_str(rec, tkt_rec_path(rec, "buyer.name"), NULL);
		locale = tkt_rec_field(rec, "locale");
		rlocale = tkt_rec_str(rec, tkt_rec_path(rec, "reply.locale"), NULL);
		if (tmpl == NULL)
			tmpl = tkt_rec_str(rec, tkt_rec_path(rec,
			    "reply.template"), NULL);
	}

	tkt_buf_init(&sends);
	tkt_buf_init(&done);
	tkt_buf_init(&b);
	for (s = tkt_rec_child(r, steps); s != NULL; s = tkt_rec_next(r, s)) {
		const char *act = rstr(r, s, "action"), *order = rstr(r, s, "order");
		struct tkt_buf *to = &sends;

		if (act == NULL)
			continue;
		nsteps++;
		if (rtrue(r, s, "skipped")) {
			nskipped++;
			to = &done;
		}
		if (to->len > 0)
			tkt_buf_adds(to, ", then ");
		if (strcmp(act, "reopen") == 0)
			tkt_buf_adds(to, "re-open");
		else
			tkt_buf_adds(to, act);
		if (order != NULL) {
			tkt_buf_adds(to, " order ");
			tkt_buf_adds(to, order);
		}
		if (to == &sends && strcmp(act, "refund") == 0 && reason == NULL)
			reason = o->reason ? o->reason : text;
	}

	/* The ticket, and whose it is. */
	if (p->color)
		fputs(BOLD, stdout);
	tkt_table_cut(stdout, id, p->width);
	if (p->color)
		fputs(RESET, stdout);
	if (name != NULL && *name != '\0') {
		fputs("  ", stdout);
		tkt_table_cut(stdout, name, room(p, (int)strlen(id) + 2));
	} else if (rec->nnodes == 0)
		fputs("  (a bare id: not read in a dry run)", stdout);
	putchar('\n');

	if (locale != NULL) {
		tkt_buf_adds(&b, locale);
		if (rlocale != NULL && strcmp(rlocale, locale) != 0)
			tkt_buf_printf(&b, " (the text is in %s)", rlocale);
		line(p, "language", b.s, NULL);
	}
	if (tmpl != NULL)
		line(p, "template", tmpl, NULL);
	if (text != NULL && (o->action == TKT_ACT_REPLY ||
	    o->action == TKT_ACT_REOPEN)) {
		char *first = first_line(text);

		line(p, "text", first, NULL);
		free(first);
	}
	if (reason != NULL)
		line(p, "reason", reason, NULL);
	if (nsteps > 0)
		line(p, "sends", sends.len > 0 ? sends.s : "nothing", NULL);

	/* The verdict: the journal's, or why it would fail. */
	tkt_buf_reset(&b);
	if (failed) {
		tkt_buf_printf(&b, "would fail: %s", msg ? msg : "(no message)");
		line(p, "verdict", b.s, RED);
		p->nfail++;
	} else if (nsteps > 0 && nskipped == nsteps) {
		line(p, "verdict", "already done: would skip", DIM);
		p->ndone++;
	} else {
		tkt_buf_adds(&b, "would be sent");
		if (nskipped > 0)
			tkt_buf_printf(&b, " (already done: %s)", done.s);
		line(p, "verdict", b.s, NULL);
		p->nsend++;
	}
	putchar('\n');
	tkt_buf_free(&sends);
	tkt_buf_free(&done);
	tkt_buf_free(&b);
}

/* The sum of the run, one line; frees p. */
void
tkt_plan_end(struct tkt_plan *p)
{
	if (p == NULL)
		return;
	printf("%lld would be sent, %lld already done", p->nsend, p->ndone);
	if (p->nfail > 0)
		printf(", %lld would fail", p->nfail);
	putchar('\n');
	fflush(stdout);
	tkt_rec_free(&p->res);
	free(p);
}
