/*
 * action.c: the one engine that changes tickets: tkt-reply, tkt-close
 * (--reopen, --refund) and tkt-appeal.  Records or bare ids come in; each
 * becomes a job of steps (reply, close, refund of one order, …) run one
 * after another, several jobs at a time over the curl-multi engine; every
 * record goes out again, in input order, with "result".  A write whose
 * outcome is unknown is never repeated blindly: the ticket is read back
 * first (SPEC §6).  Confirmed actions go to the journal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tkt.h"

#define MAXSENDS	8	/* sends of one write, each after a read-back */
#define MAXCHECKS	4	/* rounds of retried read-backs for one write */

/*
 * Jobs under way at once.  Output keeps input order, so a job waiting out
 * backoffs or a server's Reset (seconds) holds back the printing of the
 * jobs behind it; the window is wide so that it does not hold back their
 * work too: 2,048 jobs are about two seconds of replies at full speed.
 * The network is bounded by -P, not by this.
 */
#define WINDOW		2048

/*
 * Journal lines are written at once and fsynced in groups, at most every
 * SYNC_MS while answers keep coming (each fsync may cost milliseconds:
 * one per action capped a run at a few hundred a second), and always
 * before a record whose actions they are is printed.
 */
#define SYNC_MS		10

/*
 * Policy verdicts remembered, by text and locale: the check is pure and
 * costs about 200 us (regular expressions), and -m sends one text to
 * every ticket.  A full memo starts over.
 */
#define NMEMO		64

struct memo {
	char		*text;
	char		*locale;	/* NULL: none */
	char		*why;		/* NULL: the text passes */
};

static const char *act_names[] = { "reply", "close", "appeal", "reopen",
    "refund" };
static const char *act_paths[] = { "ticket/reply", "ticket/close",
    "ticket/appeal-to-wish-support", "ticket/re-open", "order/refund" };

enum { PH_NONE, PH_PRE, PH_SEND, PH_CHECK };

struct step {
	int		 act;
	char		*order;		/* refund: the order id */
	int		 ok, skipped, sends, checks, definite;
	time_t		 at;
	char		 rid[128];
	struct tkt_error err;		/* of a definite refusal, kept for the read-back */
};

struct job {
	int		 used, done, failed;
	int		 unsynced;	/* journal lines not yet fsynced */
	char		*line;		/* the input record, or NULL for a bare id */
	size_t		 len;
	char		*id;
	char		 where[300];
	char		*text;		/* reply text or re-open reason */
	char		 hash[17];
	char		*waiting;	/* waiting_since answered, or NULL */
	long		 nprior;	/* MERCHANT replies with our text before */
	int		 known;		/* replies/orders known (record or pre-read) */
	struct step	*steps;
	int		 nsteps, cur, phase;
	struct tkt_error err;		/* the record's error */
	struct tkt_http_req req;
};

struct actor {
	struct tkt_action_opts	*o;
	struct tkt_config	 cfg;
	struct tkt_store	*store;
	struct tkt_http		*http;
	struct tkt_journal	*journal;
	struct tkt_policy	*policy;
	struct tkt_tmplset	 tmpls;
	struct tkt_tmpl		*tmpl;
	struct tkt_norm		 nm;
	struct tkt_reader	*rd;
	struct tkt_rec		 env, view, in;
	struct tkt_buf		 tmp, out, res;
	struct job		*jobs;
	int			 njobs, head, count, exhausted, pumping;
	long long		 succeeded, failed;
	int			 status, progress;
	int			 flush;		/* sync the journal now */
	int64_t			 synced_ms;
	struct memo		 memo[NMEMO];
	int			 nmemo;
	time_t			 started, lastprog;
};

const char *
tkt_act_name(int act)
{
	return act_names[act];
}

static void
vlog(void *arg, const char *line)
{
	(void)arg;
	tkt_warnx("%s", line);
}

/* Reading the state of a ticket (the input record, or one read back). */

static const char *
str_of(const struct tkt_rec *r, const struct tkt_jnode *n, const char *key)
{
	return tkt_rec_str(r, tkt_rec_get(r, n, key), NULL);
}

/* MERCHANT replies whose message is exactly text. */
static long
count_ours(const struct tkt_rec *r, const char *text)
{
	const struct tkt_jnode *reps = tkt_rec_get(r, &r->nodes[0], "replies"), *x;
	long n = 0;

	for (x = tkt_rec_child(r, reps); x != NULL; x = tkt_rec_next(r, x)) {
		const char *s = str_of(r, x, "sender"), *m;
		size_t len;

		m = tkt_rec_str(r, tkt_rec_get(r, x, "message"), &len);
		if (s && m && text && strcmp(s, "MERCHANT") == 0 &&
		    len == strlen(text) && memcmp(m, text, len) == 0)
			n++;
	}
	return n;
}

static const char *
order_state(const struct tkt_rec *r, const char *id)
{
	const struct tkt_jnode *os = tkt_rec_get(r, &r->nodes[0], "orders"), *x;

	for (x = tkt_rec_child(r, os); x != NULL; x = tkt_rec_next(r, x)) {
		const char *oid = str_of(r, x, "id");

		if (oid && strcmp(oid, id) == 0) {
			const char *s = str_of(r, x, "state");
			return s ? s : "";
		}
	}
	return NULL;
}

/* Is step s done, by the ticket read back into A->view? */
static int
is_done(struct actor *A, struct job *j, struct step *s)
{
	const char *st = tkt_rec_field(&A->view, "state"), *os;

	switch (s->act) {
	case TKT_ACT_REPLY:
		return count_ours(&A->view, j->text) > j->nprior;
	case TKT_ACT_CLOSE:
		return st && (strcmp(st, "CLOSED") == 0 ||
		    strcmp(st, "PERMANENTLY_CLOSED") == 0);
	case TKT_ACT_APPEAL:
		return st && strcmp(st, "AWAITING_WISH") == 0;
	case TKT_ACT_REOPEN:
		return st && strcmp(st, "AWAITING_MERCHANT") == 0;
	case TKT_ACT_REFUND:
		os = order_state(&A->view, s->order);
		return os && strcmp(os, "REFUNDED") == 0;
	}
	return 0;
}

/*
 * Parses a GET /ticket answer into A->view; -1 with e, or 1 when a
 * malformed answer was queued again (a cut answer to a read is worth
 * another try).
 */
static int
read_ticket(struct actor *A, struct tkt_http_req *r, struct tkt_error *e)
{
	const struct tkt_jnode *t;

	if (tkt_wish_envelope(r, &A->env, e) == -1) {
		if (e->status == TKT_EXIT_REMOTE && r->outcome == TKT_HTTP_DONE &&
		    r->status < 400 && tkt_http_retry(A->http, r) == 0)
			return 1;
		return -1;
	}
	t = tkt_rec_get(&A->env, &A->env.nodes[0], "data");
	tkt_buf_reset(&A->tmp);
	if (tkt_wish2_record(&A->env, t, &A->nm, &A->tmp, e) == -1)
		return -1;
	return tkt_rec_parse(&A->view, A->tmp.s, A->tmp.len - 1, TKT_RD_TREE, e);
}

/* Requests. */

static const char *
journal_text(const struct job *j, const struct step *s, char h[17])
{
	if (s->act == TKT_ACT_REFUND)
		tkt_text_hash(s->order, strlen(s->order), h);
	else if (s->act == TKT_ACT_REPLY || s->act == TKT_ACT_REOPEN)
		memcpy(h, j->hash, 17);
	else
		tkt_text_hash("", 0, h);
	return h;
}

/* --reason, else the ticket's refund_reason (kept in j->text). */
static const char *
refund_reason(struct actor *A, struct job *j)
{
	return A->o->reason ? A->o->reason : j->text;
}

static void
form_body(struct actor *A, struct job *j, struct step *s, struct tkt_buf *b)
{
	tkt_buf_adds(b, "id=");
	tkt_url_encode(b, s->act == TKT_ACT_REFUND ? s->order : j->id);
	if (s->act == TKT_ACT_REPLY || s->act == TKT_ACT_REOPEN) {
		tkt_buf_adds(b, "&reply=");
		tkt_url_encode(b, j->text);
	} else if (s->act == TKT_ACT_REFUND) {
		tkt_buf_adds(b, "&reason_code=");
		tkt_url_encode(b, refund_reason(A, j));
		if (A->o->note != NULL) {
			tkt_buf_adds(b, "&reason_note=");
			tkt_url_encode(b, A->o->note);
		}
	}
}

static void req_done(struct tkt_http_req *, void *);

static void
submit(struct actor *A, struct job *j, int method, char *url, struct tkt_buf *body)
{
	tkt_http_req_free(&j->req);
	memset(&j->req, 0, sizeof(j->req));
	j->req.method = method;
	j->req.url = url;
	if (body != NULL) {
		j->req.bodylen = body->len;
		j->req.body = tkt_buf_take(body);
		j->req.ctype = "application/x-www-form-urlencoded";
	}
	j->req.bearer = A->store->token;
	j->req.may_repeat = method == TKT_GET;
	j->req.done = req_done;
	j->req.arg = A;
	j->req.user = j;
	tkt_http_submit(A->http, &j->req);
}

static void
get_ticket(struct actor *A, struct job *j, int phase)
{
	struct tkt_buf q;

	tkt_buf_init(&q);
	tkt_buf_adds(&q, "id=");
	tkt_url_encode(&q, j->id);
	j->phase = phase;
	submit(A, j, TKT_GET, tkt_wish_url(A->store, "ticket", q.s), NULL);
	tkt_buf_free(&q);
}

static void
send_step(struct actor *A, struct job *j)
{
	struct step *s = &j->steps[j->cur];
	struct tkt_buf b;

	tkt_buf_init(&b);
	form_body(A, j, s, &b);
	s->sends++;
	j->phase = PH_SEND;
	submit(A, j, TKT_POST, tkt_wish_url(A->store, act_paths[s->act], NULL), &b);
}

/* The job's life. */

static void pump(struct actor *);

static void
finish(struct actor *A, struct job *j)
{
	(void)A;
	j->done = 1;
	j->phase = PH_NONE;
	tkt_http_req_free(&j->req);
}

static void
fail(struct actor *A, struct job *j, const struct tkt_error *e)
{
	j->err = *e;
	j->failed = 1;
	if (e->status == TKT_EXIT_TOKEN)
		tkt_http_stop(A->http);
	finish(A, j);
}

static void
local_fail(struct actor *A, struct job *j, const char *fmt, const char *arg)
{
	struct tkt_error e;

	tkt_error_clear(&e);
	tkt_error_set(&e, TKT_EXIT_NO, TKT_E_LOCAL, fmt, arg);
	fail(A, j, &e);
}

static void
advance(struct actor *A, struct job *j)
{
	while (j->cur < j->nsteps &&
	    (j->steps[j->cur].ok || j->steps[j->cur].skipped))
		j->cur++;
	if (j->cur >= j->nsteps || A->o->dry_run) {
		finish(A, j);
		return;
	}
	send_step(A, j);
}

static void
step_ok(struct actor *A, struct job *j, struct step *s)
{
	struct tkt_error e;
	char h[17];

	s->ok = 1;
	s->at = tkt_now();
	snprintf(s->rid, sizeof(s->rid), "%s", j->req.request_id);
	if (tkt_journal_add(A->journal, A->store->name, j->id,
	    act_names[s->act], j->waiting, journal_text(j, s, h), s->at,
	    &e) == -1) {
		fail(A, j, &e);
		return;
	}
	j->unsynced = 1;
	j->cur++;
	advance(A, j);
}

/* Marks the steps the journal knows as skipped (unless --force). */
static void
check_journal(struct actor *A, struct job *j)
{
	char h[17];

	if (A->o->force)
		return;
	for (int i = 0; i < j->nsteps; i++) {
		struct step *s = &j->steps[i];

		if (!s->ok && tkt_journal_has(A->journal, A->store->name, j->id,
		    act_names[s->act], j->waiting, journal_text(j, s, h)))
			s->skipped = 1;
	}
}

static void
add_step(struct job *j, int act, const char *order)
{
	j->steps = xreallocarray(j->steps, (size_t)j->nsteps + 1,
	    sizeof(*j->steps));
	memset(&j->steps[j->nsteps], 0, sizeof(*j->steps));
	j->steps[j->nsteps].act = act;
	j->steps[j->nsteps].order = order ? xstrdup(order) : NULL;
	j->nsteps++;
}

static void
memo_free(struct actor *A)
{
	for (int i = 0; i < A->nmemo; i++) {
		free(A->memo[i].text);
		free(A->memo[i].locale);
		free(A->memo[i].why);
	}
	A->nmemo = 0;
}

/* Why text breaks the policy for locale, or NULL when it does not. */
static const char *
policy_verdict(struct actor *A, const char *text, size_t len,
    const char *locale)
{
	struct tkt_policy_hit hits[TKT_POL_NRULES];
	struct memo *m;
	char why[300];

	for (int i = 0; i < A->nmemo; i++) {
		m = &A->memo[i];
		if (strcmp(m->text, text) == 0 && (m->locale == NULL ?
		    locale == NULL : locale != NULL &&
		    strcmp(m->locale, locale) == 0))
			return m->why;
	}
	if (A->nmemo == NMEMO)
		memo_free(A);
	m = &A->memo[A->nmemo++];
	m->text = xstrdup(text);
	m->locale = locale ? xstrdup(locale) : NULL;
	m->why = NULL;
	if (tkt_policy_check(A->policy, text, len, locale, hits,
	    TKT_POL_NRULES) > 0) {
		snprintf(why, sizeof(why), "%s: \"%.*s\" (--no-check sends "
		    "it anyway)", tkt_policy_rule_name(hits[0].rule),
		    (int)(hits[0].len > 60 ? 60 : hits[0].len),
		    text + hits[0].off);
		m->why = xstrdup(why);
	}
	return m->why;
}

/*
 * The text of a reply from -m, -t or the record's reply.text; checks it.
 * 0, or -1 after failing the job.  rec is the ticket (input or read).
 */
static int
reply_text(struct actor *A, struct job *j, const struct tkt_rec *rec)
{
	struct tkt_action_opts *o = A->o;
	struct tkt_error e;
	const char *locale = NULL;
	size_t n, len;

	tkt_error_clear(&e);
	if (o->text != NULL)
		j->text = xstrdup(o->text);
	else if (A->tmpl != NULL) {
		struct tkt_locale_pick pk;
		struct tkt_render_env env;
		const char *store = tkt_rec_field(rec, "store");
		int vi;

		env.nlayers = 0;
		for (size_t i = 0; store != NULL && i < A->cfg.nstores; i++)
			if (strcmp(A->cfg.stores[i].name, store) == 0)
				env.layers[env.nlayers++] = &A->cfg.stores[i].vars;
		env.layers[env.nlayers++] = &A->cfg.vars;
		vi = tkt_tmpl_pick(A->tmpl, tkt_rec_field(rec, "locale"), &pk);
		tkt_buf_reset(&A->tmp);
		if (tkt_tmpl_render(A->tmpl, (size_t)vi, rec, &env, &A->tmp,
		    &e) == -1) {
			e.status = TKT_EXIT_NO;
			e.kind = TKT_E_LOCAL;
			fail(A, j, &e);
			return -1;
		}
		j->text = xstrdup(A->tmp.s);
		locale = pk.locale;
	} else if (rec != NULL) {
		const struct tkt_jnode *rp = tkt_rec_get(rec, &rec->nodes[0], "reply");
		const char *t = str_of(rec, rp, "text"), *er = str_of(rec, rp, "error");

		if (t == NULL) {
			if (er != NULL)
				local_fail(A, j, "no reply text: %s", er);
			else
				local_fail(A, j, "no reply text: the record has "
				    "no reply.text (render it with tkt-template, "
				    "or give -m or -t)%s", "");
			return -1;
		}
		j->text = xstrdup(t);
		locale = str_of(rec, rp, "locale");
	}
	if (j->text == NULL || *j->text == '\0') {
		local_fail(A, j, "the reply is empty%s", "");
		return -1;
	}
	len = strlen(j->text);
	tkt_text_hash(j->text, len, j->hash);
	if (tkt_utf8_check(j->text, len) != (size_t)-1) {
		local_fail(A, j, "the reply is not valid UTF-8%s", "");
		return -1;
	}
	if ((n = tkt_utf8_count(j->text, len)) > TKT_REPLY_MAX) {
		char why[96];

		snprintf(why, sizeof(why), "%zu characters, more than %d", n,
		    TKT_REPLY_MAX);
		local_fail(A, j, "the reply is too long: %s", why);
		return -1;
	}
	if (A->policy != NULL) {
		const char *why;

		if (locale == NULL && rec != NULL)
			locale = tkt_rec_field(rec, "locale");
		if ((why = policy_verdict(A, j->text, len, locale)) != NULL) {
			local_fail(A, j, "the reply breaks the marketplace "
			    "policy: %s", why);
			return -1;
		}
	}
	return 0;
}

/*
 * Everything that needs the ticket: the text, the checks, the steps, the
 * journal.  rec is the input record or the ticket read before sending;
 * NULL for a bare id in a dry run.  0, or -1 after failing the job.
 */
static int
plan(struct actor *A, struct job *j, const struct tkt_rec *rec)
{
	struct tkt_action_opts *o = A->o;
	const char *state = rec ? tkt_rec_field(rec, "state") : NULL;
	const char *w = rec ? tkt_rec_field(rec, "waiting_since") : NULL;

	free(j->waiting);
	j->waiting = w ? xstrdup(w) : NULL;
	if (o->action == TKT_ACT_REPLY) {
		if (rec == NULL && A->tmpl != NULL) {
			local_fail(A, j, "-t needs the ticket to render: a dry run "
			    "with a bare id cannot fetch it%s", "");
			return -1;
		}
		if (reply_text(A, j, rec) == -1)
			return -1;
		if (state != NULL && strcmp(state, "AWAITING_MERCHANT") != 0) {
			local_fail(A, j, "not awaiting the merchant (state %s): "
			    "only such a ticket can be replied to", state);
			return -1;
		}
		if (rec != NULL)
			j->nprior = count_ours(rec, j->text);
		add_step(j, TKT_ACT_REPLY, NULL);
		if (o->resolve)
			add_step(j, TKT_ACT_CLOSE, NULL);
	} else if (o->action == TKT_ACT_REOPEN) {
		j->text = xstrdup(o->text);
		tkt_text_hash(j->text, strlen(j->text), j->hash);
		add_step(j, TKT_ACT_REOPEN, NULL);
	} else if (o->action == TKT_ACT_APPEAL)
		add_step(j, TKT_ACT_APPEAL, NULL);
	else {
		if (o->refund) {
			if (o->orders.n > 0)
				for (size_t i = 0; i < o->orders.n; i++)
					add_step(j, TKT_ACT_REFUND, o->orders.v[i]);
			else if (rec == NULL) {
				local_fail(A, j, "--refund of a bare id in a dry "
				    "run: give records, or --order ID%s", "");
				return -1;
			} else {
				const struct tkt_jnode *os, *x;

				os = tkt_rec_get(rec, &rec->nodes[0], "orders");
				for (x = tkt_rec_child(rec, os); x != NULL;
				    x = tkt_rec_next(rec, x)) {
					const char *id = str_of(rec, x, "id");
					const char *st = str_of(rec, x, "state");

					if (id == NULL || !tkt_id_valid(id, strlen(id)))
						continue;
					add_step(j, TKT_ACT_REFUND, id);
					/* Refunded already: never again. */
					if (st && strcmp(st, "REFUNDED") == 0)
						j->steps[j->nsteps - 1].skipped = 1;
				}
			}
			if (o->reason == NULL) {
				const char *rr = rec ?
				    tkt_rec_field(rec, "refund_reason") : NULL;

				for (int i = 0; i < j->nsteps; i++)
					if (!j->steps[i].skipped && rr == NULL) {
						local_fail(A, j, "no refund reason: "
						    "the ticket has no refund_reason; "
						    "give --reason CODE%s", "");
						return -1;
					}
				free(j->text);
				j->text = rr ? xstrdup(rr) : NULL;
			}
		}
		add_step(j, TKT_ACT_CLOSE, NULL);
	}
	check_journal(A, j);
	return 0;
}

/* A new job for a record read (TKT_RD_TREE) or a bare id. */
static void
start(struct actor *A, struct job *j, struct tkt_rec *r)
{
	const char *id = r->bare ? NULL : tkt_rec_field(r, "id");
	int need_read;

	memset(j, 0, sizeof(*j));
	j->used = 1;
	snprintf(j->where, sizeof(j->where), "%s:%ju", r->name, r->lineno);
	if (r->bare)
		j->id = xstrndup(r->line, r->len);
	else {
		j->line = xstrndup(r->line, r->len);
		j->len = r->len;
		j->id = xstrdup(id ? id : "");
	}
	if (!tkt_id_valid(j->id, strlen(j->id))) {
		local_fail(A, j, r->bare ? "not a ticket id%s" :
		    "the record has no valid \"id\"%s", "");
		return;
	}
	need_read = r->bare && !A->o->dry_run &&
	    (A->o->action == TKT_ACT_REPLY ||
	    (A->o->refund && A->o->orders.n == 0));
	if (need_read) {
		get_ticket(A, j, PH_PRE);
		return;
	}
	if (plan(A, j, r->bare ? NULL : r) == -1)
		return;
	advance(A, j);
}

static void
on_pre(struct actor *A, struct job *j)
{
	struct tkt_error e;
	int rc;

	if ((rc = read_ticket(A, &j->req, &e)) == 1)
		return;
	if (rc == -1) {
		fail(A, j, &e);
		return;
	}
	if (plan(A, j, &A->view) == -1)
		return;
	advance(A, j);
}

static void
on_send(struct actor *A, struct job *j)
{
	struct step *s = &j->steps[j->cur];
	struct tkt_http_req *r = &j->req;
	struct tkt_error e;

	if (tkt_wish_envelope(r, &A->env, &e) == 0) {
		step_ok(A, j, s);
		return;
	}
	if (e.status == TKT_EXIT_TOKEN || r->outcome == TKT_HTTP_NOTSENT ||
	    r->outcome == TKT_HTTP_FATAL || (r->outcome == TKT_HTTP_DONE &&
	    r->status == 429)) {
		fail(A, j, &e);
		return;
	}
	/*
	 * A definite refusal (a 4xx with a code) may say it is done already
	 * (closed, refunded), or answer a copy of a send that was applied:
	 * libcurl sends a request again by itself when a reused connection
	 * dies before the answer.  The read-back decides; it is not resent.
	 */
	if (r->outcome == TKT_HTTP_DONE && r->status >= 400 && r->status < 500 &&
	    e.code != 0)
		s->definite = 1;
	s->err = e;
	get_ticket(A, j, PH_CHECK);
}

static void
on_check(struct actor *A, struct job *j)
{
	struct step *s = &j->steps[j->cur];
	struct tkt_error e;
	int rc;

	if ((rc = read_ticket(A, &j->req, &e)) == 1)
		return;
	/*
	 * Whether a write took effect is worth more than one round of
	 * retries: a read-back that ran out of them on 5xx, 429 or a cut
	 * connection starts another round, lest the outcome stay unknown.
	 */
	if (rc == -1 && e.status == TKT_EXIT_REMOTE &&
	    j->req.outcome != TKT_HTTP_FATAL && ++s->checks < MAXCHECKS) {
		get_ticket(A, j, PH_CHECK);
		return;
	}
	if (rc == -1) {
		if (s->definite && e.status != TKT_EXIT_TOKEN)
			e = s->err;
		else if (e.status != TKT_EXIT_TOKEN) {
			struct tkt_error w = s->err;

			snprintf(w.msg, sizeof(w.msg), "%.400s; the outcome is "
			    "unknown and the read-back failed: %.400s",
			    s->err.msg, e.msg);
			w.status = TKT_EXIT_REMOTE;
			e = w;
		}
		fail(A, j, &e);
		return;
	}
	if (is_done(A, j, s)) {
		step_ok(A, j, s);
		return;
	}
	if (s->definite || s->sends >= MAXSENDS) {
		fail(A, j, &s->err);
		return;
	}
	send_step(A, j);
}

static void
req_done(struct tkt_http_req *r, void *arg)
{
	struct actor *A = arg;
	struct job *j = r->user;

	if (tkt_http_stopped(A->http))
		return;
	switch (j->phase) {
	case PH_PRE: on_pre(A, j); break;
	case PH_SEND: on_send(A, j); break;
	case PH_CHECK: on_check(A, j); break;
	}
	pump(A);
}

/* Output, in input order. */

static void
result_json(struct actor *A, struct job *j, struct tkt_buf *b)
{
	struct tkt_action_opts *o = A->o;
	struct tkt_jw w;
	int ok = !j->failed, skipped = j->nsteps > 0;
	int first = -1;
	time_t at = tkt_now();
	struct tkt_buf body;

	tkt_buf_init(&body);
	for (int i = 0; i < j->nsteps; i++) {
		skipped = skipped && j->steps[i].skipped;
		if (!j->steps[i].ok && !j->steps[i].skipped)
			ok = 0;
		if (first == -1 && !j->steps[i].skipped)
			first = i;
	}
	if (j->failed)
		skipped = 0;
	tkt_jw_init(&w, b);
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "action");
	tkt_jw_str(&w, act_names[o->action]);
	tkt_jw_key(&w, "ok");
	tkt_jw_bool(&w, o->dry_run ? !j->failed : ok);
	tkt_jw_key(&w, "at");
	tkt_jw_time(&w, at);
	if (o->dry_run) {
		tkt_jw_key(&w, "dry_run");
		tkt_jw_bool(&w, 1);
	}
	if (skipped) {
		tkt_jw_key(&w, "skipped");
		tkt_jw_bool(&w, 1);
	}
	if (o->dry_run && first >= 0 && !j->failed) {
		char *path = xasprintf("/api/%s/%s", A->store->api,
		    act_paths[j->steps[first].act]);

		form_body(A, j, &j->steps[first], &body);
		tkt_jw_key(&w, "request");
		tkt_jw_obj(&w);
		tkt_jw_key(&w, "method");
		tkt_jw_str(&w, "POST");
		tkt_jw_key(&w, "path");
		tkt_jw_str(&w, path);
		tkt_jw_key(&w, "body");
		tkt_jw_str(&w, body.s);
		tkt_jw_obj_end(&w);
		free(path);
	}
	tkt_jw_key(&w, "steps");
	tkt_jw_arr(&w);
	for (int i = 0; i < j->nsteps; i++) {
		struct step *s = &j->steps[i];
		int cur = j->failed && i == j->cur;

		if (j->failed && i > j->cur)
			break;
		tkt_jw_obj(&w);
		tkt_jw_key(&w, "action");
		tkt_jw_str(&w, act_names[s->act]);
		if (s->order != NULL) {
			tkt_jw_key(&w, "order");
			tkt_jw_str(&w, s->order);
		}
		tkt_jw_key(&w, "ok");
		tkt_jw_bool(&w, s->ok || s->skipped || (o->dry_run && !cur));
		tkt_jw_key(&w, "at");
		tkt_jw_time(&w, s->ok ? s->at : at);
		if (s->skipped) {
			tkt_jw_key(&w, "skipped");
			tkt_jw_bool(&w, 1);
		}
		if (o->dry_run && !s->skipped && !cur) {
			char *path = xasprintf("/api/%s/%s", A->store->api,
			    act_paths[s->act]);

			tkt_buf_reset(&body);
			form_body(A, j, s, &body);
			tkt_jw_key(&w, "request");
			tkt_jw_obj(&w);
			tkt_jw_key(&w, "method");
			tkt_jw_str(&w, "POST");
			tkt_jw_key(&w, "path");
			tkt_jw_str(&w, path);
			tkt_jw_key(&w, "body");
			tkt_jw_str(&w, body.s);
			tkt_jw_obj_end(&w);
			free(path);
		}
		if (s->ok && s->rid[0]) {
			tkt_jw_key(&w, "request_id");
			tkt_jw_str(&w, s->rid);
		}
		if (cur) {
			tkt_jw_key(&w, "error");
			tkt_jw_str(&w, j->err.msg);
		}
		tkt_jw_obj_end(&w);
	}
	tkt_jw_arr_end(&w);
	if (j->failed) {
		tkt_jw_key(&w, "error");
		tkt_jw_obj(&w);
		tkt_jw_key(&w, "kind");
		tkt_jw_str(&w, tkt_ekind_name(j->err.kind));
		if (j->err.code != 0) {
			tkt_jw_key(&w, "code");
			tkt_jw_int(&w, j->err.code);
		}
		if (j->err.http != 0) {
			tkt_jw_key(&w, "http");
			tkt_jw_int(&w, j->err.http);
		}
		tkt_jw_key(&w, "message");
		tkt_jw_str(&w, j->err.msg);
		if (j->err.request_id[0]) {
			tkt_jw_key(&w, "request_id");
			tkt_jw_str(&w, j->err.request_id);
		}
		tkt_jw_obj_end(&w);
	}
	tkt_jw_obj_end(&w);
	tkt_buf_free(&body);
}

static void
progress(struct actor *A, int last)
{
	time_t now = time(NULL);
	double secs;

	if (!A->progress || (!last && now == A->lastprog))
		return;
	A->lastprog = now;
	secs = difftime(now, A->started);
	fprintf(stderr, "\r%s: %lld done, %lld failed, %.1f/s ",
	    tkt_getprogname(), A->succeeded, A->failed,
	    secs > 0 ? (double)(A->succeeded + A->failed) / secs : 0.0);
	if (last)
		fputc('\n', stderr);
}

static void
emit(struct actor *A, struct job *j)
{
	struct tkt_edit ed;
	struct tkt_error perr;

	tkt_buf_reset(&A->res);
	result_json(A, j, &A->res);
	tkt_buf_reset(&A->out);
	if (j->line == NULL || tkt_rec_parse(&A->in, j->line, j->len, TKT_RD_TOP,
	    &perr) == -1) {
		tkt_buf_adds(&A->out, "{\"id\":");
		tkt_json_strz(&A->out, j->id);
		tkt_buf_adds(&A->out, ",\"result\":");
		tkt_buf_add(&A->out, A->res.s, A->res.len);
		tkt_buf_adds(&A->out, "}\n");
	} else {
		ed = (struct tkt_edit){ "result", A->res.s, A->res.len };
		tkt_rec_splice(&A->in, &ed, 1, &A->out);
	}
	tkt_out_line(A->out.s, A->out.len);
	if (j->failed) {
		struct tkt_error e = j->err;

		tkt_error_where(&e, "%s: ticket %s", j->where, j->id);
		tkt_error_print(&e);
		A->failed++;
		A->status = tkt_exit_merge(A->status, e.status);
	} else
		A->succeeded++;
	progress(A, 0);
}

static void
job_free(struct job *j)
{
	tkt_http_req_free(&j->req);
	for (int i = 0; i < j->nsteps; i++)
		free(j->steps[i].order);
	free(j->steps);
	free(j->line);
	free(j->id);
	free(j->text);
	free(j->waiting);
	memset(j, 0, sizeof(*j));
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * 1 when the journal holds nothing unsynced, or has just been synced
 * (SYNC_MS after the last time, or at once with A->flush); 0 when the
 * records waiting for it must wait a little longer.  A journal that
 * cannot be synced fails the finished jobs that wrote to it and stops
 * the run: nothing more is done that could not be recorded.
 */
static int
synced(struct actor *A)
{
	struct tkt_error e;
	int64_t t;

	if (!tkt_journal_dirty(A->journal))
		return 1;
	t = mono_ms();
	if (!A->flush && t - A->synced_ms < SYNC_MS)
		return 0;
	A->synced_ms = t;
	tkt_error_clear(&e);
	if (tkt_journal_sync(A->journal, &e) == -1) {
		for (int i = 0; i < A->count; i++) {
			struct job *j = &A->jobs[(A->head + i) % A->njobs];

			if (j->done && j->unsynced && !j->failed) {
				j->err = e;
				j->failed = 1;
			}
		}
		tkt_http_stop(A->http);
		return 1;
	}
	for (int i = 0; i < A->count; i++)
		A->jobs[(A->head + i) % A->njobs].unsynced = 0;
	return 1;
}

/*
 * Prints the finished jobs at the head of the window, in input order, and
 * starts new ones in the free slots after the last.  Jobs may finish at
 * once (local errors, dry runs, the journal), so it loops until neither
 * happens; a call from inside is a no-op the outer loop makes up for.
 */
static void
pump(struct actor *A)
{
	if (A->pumping)
		return;
	A->pumping = 1;
	for (;;) {
		int moved = 0;

		while (A->count > 0 && A->jobs[A->head].done &&
		    (!A->jobs[A->head].unsynced || synced(A))) {
			emit(A, &A->jobs[A->head]);
			job_free(&A->jobs[A->head]);
			A->head = (A->head + 1) % A->njobs;
			A->count--;
			moved = 1;
		}
		if (tkt_http_stopped(A->http))
			break;
		if (A->count < A->njobs && !A->exhausted) {
			struct tkt_rec *r;
			struct tkt_error e;
			int rc;

			/* The reader sets what it knows; the rest must be empty. */
			tkt_error_clear(&e);
			rc = tkt_reader_next(A->rd, &r, &e);

			if (rc == 0)
				A->exhausted = 1;
			else if (rc == -1) {
				tkt_error_print(&e);
				A->status = tkt_exit_merge(A->status, TKT_EXIT_NO);
				A->failed++;
			} else {
				A->count++;
				start(A, &A->jobs[(A->head + A->count - 1) %
				    A->njobs], r);
			}
			moved = 1;
		}
		if (!moved)
			break;
	}
	A->pumping = 0;
}

static int
setup(struct actor *A)
{
	struct tkt_action_opts *o = A->o;
	struct tkt_http_opts ho;
	struct tkt_error e;
	int waited;

	tkt_error_clear(&e);
	if (tkt_config_load(&A->cfg, &e) == -1 ||
	    (A->store = tkt_config_store(&A->cfg, o->store, &e)) == NULL)
		goto usage;
	if (strcmp(A->store->api, "v2") != 0) {
		tkt_warnx("store '%s' uses API %s, which this version of %s "
		    "does not speak yet (only v2)", A->store->name,
		    A->store->api, tkt_getprogname());
		return TKT_EXIT_USAGE;
	}
	if (!o->dry_run && tkt_store_token(A->store, &e) == -1)
		goto usage;
	if ((A->nm.map = tkt_wishmap_default(&e)) == NULL)
		goto usage;
	A->nm.store = A->store;
	if (o->action == TKT_ACT_REPLY && !o->no_check &&
	    (A->policy = tkt_policy_load(NULL, &e)) == NULL)
		goto usage;
	if (o->tmpl != NULL) {
		if (tkt_tmplset_load(&A->tmpls, A->cfg.template_dirs,
		    A->cfg.ntemplate_dirs, &e) == -1)
			goto usage;
		if ((A->tmpl = tkt_tmplset_find(&A->tmpls, o->tmpl)) == NULL) {
			tkt_warnx("-t %s: no such template", o->tmpl);
			return TKT_EXIT_USAGE;
		}
	}
	if (o->reason != NULL && !tkt_id_valid(o->reason, strlen(o->reason))) {
		tkt_warnx("--reason: '%s' is not a reason code", o->reason);
		return TKT_EXIT_USAGE;
	}
	for (size_t i = 0; i < o->orders.n; i++)
		if (!tkt_id_valid(o->orders.v[i], strlen(o->orders.v[i]))) {
			tkt_warnx("--order: '%s' is not an order id",
			    o->orders.v[i]);
			return TKT_EXIT_USAGE;
		}
	if ((A->journal = tkt_journal_open(o->journal, o->dry_run, &waited,
	    &e)) == NULL)
		goto usage;
	if (waited && o->verbose)
		tkt_warnx("waited for another run to release the journal");
	memset(&ho, 0, sizeof(ho));
	ho.retries = -1;
	ho.parallel = o->parallel > 0 ? o->parallel : 4;
	ho.rate = o->rate;
	if (o->verbose)
		ho.log = vlog;
	if ((A->http = tkt_http_new(&ho, &e)) == NULL)
		goto usage;
	return TKT_EXIT_OK;
usage:
	tkt_error_print(&e);
	return TKT_EXIT_USAGE;
}

int
tkt_action_main(struct tkt_action_opts *o)
{
	struct actor A;
	int rc;

	memset(&A, 0, sizeof(A));
	A.o = o;
	tkt_rec_init(&A.env);
	tkt_rec_init(&A.view);
	tkt_rec_init(&A.in);
	tkt_buf_init(&A.tmp);
	tkt_buf_init(&A.out);
	tkt_buf_init(&A.res);
	tkt_out_init();
	if ((rc = setup(&A)) == TKT_EXIT_OK) {
		A.rd = tkt_reader_new(o->operands, o->noperands,
		    TKT_RD_TREE | TKT_RD_BAREID);
		if (tkt_reader_stdin_tty(A.rd))
			tkt_warnx("reading ticket records or ids from the "
			    "terminal (end with ^D)");
		A.progress = isatty(STDERR_FILENO) && !o->verbose;
		A.started = time(NULL);
		A.njobs = WINDOW;
		A.jobs = xcalloc((size_t)A.njobs, sizeof(*A.jobs));
		pump(&A);
		for (;;) {
			int before = A.count;
			long long out = A.succeeded + A.failed;

			tkt_http_run(A.http);
			/* What waited for the journal goes out now. */
			A.flush = 1;
			pump(&A);
			A.flush = 0;
			if (A.count == 0 || tkt_http_stopped(A.http) ||
			    (A.count == before && A.succeeded + A.failed == out))
				break;
		}
		for (int i = 0; i < A.njobs; i++)
			job_free(&A.jobs[i]);
		free(A.jobs);
		tkt_reader_free(A.rd);
		progress(&A, 1);
		rc = A.status;
		/* Remote failures with some success are a partial failure. */
		if (rc == TKT_EXIT_REMOTE && A.succeeded > 0)
			rc = TKT_EXIT_NO;
	}
	tkt_http_free(A.http);
	tkt_journal_close(A.journal);
	tkt_policy_free(A.policy);
	memo_free(&A);
	tkt_tmplset_free(&A.tmpls);
	tkt_config_free(&A.cfg);
	tkt_rec_free(&A.env);
	tkt_rec_free(&A.view);
	tkt_rec_free(&A.in);
	tkt_buf_free(&A.tmp);
	tkt_buf_free(&A.out);
	tkt_buf_free(&A.res);
	return rc;
}

/*
 * The options every action tool shares, so that the three faces agree:
 * -n, -P, -s, -v, --force, --rate, --now.  1 when c was one of them.
 */
int
tkt_action_option(struct tkt_action_opts *o, int c, const char *arg,
    const char **now)
{
	long long n;
	const char *es;
	char *num;
	size_t len;

	switch (c) {
	case 'n': o->dry_run = 1; return 1;
	case 's': o->store = arg; return 1;
	case 'v': o->verbose = 1; return 1;
	case 'P':
		if (tkt_num_parse(arg, 1, 64, &n, &es) == -1)
			tkt_errx(TKT_EXIT_USAGE, "-P: '%s' is %s (1 to 64)",
			    arg, es);
		o->parallel = (int)n;
		return 1;
	case TKT_OPT_FORCE: o->force = 1; return 1;
	case TKT_OPT_NOW: *now = arg; return 1;
	case TKT_OPT_RATE:
		len = strlen(arg);
		num = xstrndup(arg, len > 2 && strcmp(arg + len - 2, "/s") == 0 ?
		    len - 2 : len);
		if (tkt_num_parse(num, 1, 100000, &n, &es) == -1)
			tkt_errx(TKT_EXIT_USAGE, "--rate: '%s' is not a rate "
			    "(requests per second: 10/s)", arg);
		free(num);
		o->rate = (double)n;
		return 1;
	}
	return 0;
}
