/*
 * action.c: the one engine that changes tickets: tkt-reply, tkt-close
 * (--reopen, --refund) and tkt-appeal.  Records or bare ids come in; each
 * becomes a job of steps (reply, close, refund of one order, …) run one
 * after another, several jobs at a time over the curl-multi engine; every
 * record goes out again, in input order, with "result".  A write whose
 * outcome is unknown is never repeated blindly: the ticket is read back
 * first (tkt-close(1), Safe retries).  Confirmed actions go to the journal.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tkt.h"
#include "tkt_jsonx.h"

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
#define REFILL		64	/* free slots that wake the record loop */

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

/*
 * The same error for many records is said once on stderr: the first as
 * it comes, the rest counted, and the count said at the end.  The same:
 * of the same kind, from the same host, with the same message once the
 * ticket's id is taken out of it.  Past NFOLD different errors, a new one
 * is printed each time.
 */
#define NFOLD		256

struct fold {
	int		 kind;
	char		*host;		/* NULL: a local error */
	char		*msg;		/* the id taken out */
	long long	 n;
};

/* Failures by reason (the summary line): the message's family. */
#define NFAMILY		256
#define FAMILIES_SAID	4	/* named in the summary; the rest "other" */

struct family {
	char		*name;
	long long	 n;
};

static const char *act_names[] = { "reply", "close", "appeal", "reopen",
    "refund" };

/*
 * A job's phases: waiting for its claim, reading the ticket before
 * planning, sending a step, reading back a step whose outcome is unknown,
 * reading an order's refund reasons for an error; for a v3 refund,
 * reading the order before sending, waiting between polls, and polling
 * the order until the refund has an outcome; under -i, waiting for a
 * person's answer before the reply is sent.
 */
enum { PH_NONE, PH_CLAIM, PH_PRE, PH_SEND, PH_CHECK, PH_REASONS, PH_OREAD,
    PH_WAIT, PH_POLL, PH_REVIEW };

struct step {
	int		 act;
	char		*order;		/* refund: the order id */
	int		 ok, skipped, sends, checks, definite;
	int		 jstate;	/* the journal's, when planned */
	/* A v3 refund: what the order said before we sent, and since. */
	int		 oread, pre_failed, requested, following, polls;
	long		 nrefunds;
	double		 deadline;	/* monotonic seconds: stop polling */
	time_t		 at;
	char		 rid[128];
	struct tkt_error err;		/* of a definite refusal, kept for the read-back */
};

struct job {
	int		 used, done, failed;
	int		 stopped;	/* failed by the stop: not sent, or unknown */
	int		 claimed, waited;	/* the journal's claim on the ticket */
	int		 unsure;	/* a send answered after the stop may have been applied */
	struct tkt_rec	 rec;		/* the input record; no nodes for a bare id */
	char		*id;
	struct tkt_store *store;	/* where the ticket lives */
	char		 where[300];
	char		*text;		/* reply text or re-open reason */
	char		 hash[17];
	char		*waiting;	/* waiting_since answered, or NULL */
	char		*updated;	/* updated_at seen, or NULL */
	long		 nprior;	/* MERCHANT replies with our text before */
	int		 known;		/* replies/orders known (record or pre-read) */
	int		 badreason;	/* v3: the refund reason is not an order's */
	struct step	*steps;
	int		 nsteps, cur, phase;
	/* -i: the ticket as read (for an edited text), the text's locale. */
	struct tkt_rec	 seen;
	char		*locale;
	char		*draft;		/* an edited text the checks refused */
	int		 edited;	/* the text sent is not the record's */
	struct tkt_error err;		/* the record's error */
	struct tkt_http_req req;
};

struct actor {
	struct tkt_action_opts	*o;
	struct tkt_config	 cfg;
	struct tkt_store	*store;		/* the current job's */
	const struct tkt_market	*mk;		/* its marketplace */
	struct tkt_store	*dflt;		/* -s, or the default */
	struct tkt_http		*http;
	struct tkt_journal	*journal;
	struct tkt_policy	*policy;
	struct tkt_tmplset	 tmpls;
	struct tkt_tmpl		*tmpl;
	struct tkt_norm		 nm;
	struct tkt_loop		*rd;
	struct tkt_rec		 env, view;
	struct tkt_refund_view	 rv;		/* a v3 order read back */
	double			 refund_wait;	/* seconds a refund is polled */
	struct tkt_buf		 tmp, out, res;
	struct job		*jobs;
	int			 njobs, head, count, pumping;
	int			 waiting;	/* take() waits for room */
	long long		 succeeded, failed;
	long long		 skipped;	/* of succeeded: done before (journal, state) */
	long long		 nstopped;	/* of failed: stopped before (unsent, unknown) */
	long long		 unsent, unknown;	/* drain()'s */
	int			 stopped;	/* the run stopped early (drain) */
	char			 stopwhy[64];	/* "interrupted by SIGINT", or "" */
	struct fold		 folds[NFOLD];
	size_t			 nfolds;
	struct family		 fams[NFAMILY];
	size_t			 nfams;
	long long		 otherfam;	/* failures past NFAMILY reasons */
	int			 status, progress;
	double			 started, lastprog;	/* monotonic seconds */
	int			 shown;		/* a progress line is on the tty */
	struct memo		 memo[NMEMO];
	int			 nmemo;
	char			*why;		/* a verdict that is not memoized */
	struct tkt_spans	 spans;		/* of the reply being planned */
	int			 refuse;	/* a fallback is an error */
	struct tkt_strs		 allow;		/* fields whose findings pass */
	struct tkt_plan		*plan;		/* -n on a terminal (plan.c) */
	/* -i: where each reply is shown and asked about; -1: not asked. */
	int			 tty;
	FILE			*ttyout;
	int			 inreview;	/* reviews() under way */
	int			 quit;		/* answered q: nothing more is asked */
	long long		 declined;	/* of failed: skipped at review */
};

static double mono(void);
static void progress_wipe(struct actor *);

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

/*
 * The waiting_since a reply of text answers (tkt-record(5)), also when the
 * ticket is read after our reply: a last MERCHANT reply with our text and
 * no buyer message after it is taken as not yet there.  NULL if none.
 */
static const char *
answered_since(const struct tkt_rec *r, const char *text)
{
	const struct tkt_jnode *reps = tkt_rec_get(r, &r->nodes[0], "replies"), *x;
	const struct tkt_jnode *lastm = NULL, *prevm = NULL;
	int user_after = 0;

	for (x = tkt_rec_child(r, reps); x != NULL; x = tkt_rec_next(r, x)) {
		const char *s = str_of(r, x, "sender");

		if (s != NULL && strcmp(s, "MERCHANT") == 0) {
			prevm = lastm;
			lastm = x;
			user_after = 0;
		} else if (s != NULL && strcmp(s, "USER") == 0)
			user_after = 1;
	}
	if (lastm != NULL && !user_after && text != NULL) {
		size_t len;
		const char *m = tkt_rec_str(r, tkt_rec_get(r, lastm, "message"), &len);

		if (m != NULL && len == strlen(text) && memcmp(m, text, len) == 0)
			lastm = prevm;
		else
			return NULL;	/* answered by someone else's reply */
	}
	/* The earliest USER reply after lastm. */
	x = lastm != NULL ? tkt_rec_next(r, lastm) : tkt_rec_child(r, reps);
	for (; x != NULL; x = tkt_rec_next(r, x)) {
		const char *s = str_of(r, x, "sender");

		if (s != NULL && strcmp(s, "MERCHANT") == 0)
			break;
		if (s != NULL && strcmp(s, "USER") == 0)
			return str_of(r, x, "at");
	}
	return NULL;
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

/* The store's marketplace (set when the job's store is: see use_store). */
static const struct tkt_market *
market(const struct actor *A)
{
	return A->mk;
}

static int
has(const struct actor *A, unsigned cap)
{
	return (A->mk->caps & cap) != 0;
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
		/*
		 * v2 posts the reason: an open ticket without it was not
		 * re-opened by us.  v3 re-opens by state; the reason is a
		 * reply step of its own.
		 */
		return st && strcmp(st, "AWAITING_MERCHANT") == 0 &&
		    (!has(A, TKT_MC_REOPEN_TEXT) ||
		    count_ours(&A->view, j->text) > j->nprior);
	case TKT_ACT_REFUND:
		/* Without processing fields, a new refunds[] entry tells. */
		if (has(A, TKT_MC_ASYNC_REFUND))
			return A->rv.refunded || A->rv.status == TKT_RF_SUCCEEDED ||
			    (!A->rv.processing && s->oread &&
			    A->rv.nrefunds > s->nrefunds);
		os = order_state(&A->view, s->order);
		return os && strcmp(os, "REFUNDED") == 0;
	}
	return 0;
}

/*
 * What a v3 order (a node of A->env) says of a refund, into A->rv; and
 * whether the store's server shows the processing fields at all, which
 * the specification says may stay empty: once one of its orders had them,
 * an order without them has had no refund sent.
 */
static void
order_view(struct actor *A, const struct tkt_jnode *o)
{
	market(A)->refund(&A->env, o, &A->rv);
	if (A->rv.processing)
		A->store->processing = 1;
}

/*
 * Parses a GET /ticket answer into A->view; -1 with e, or 1 when a
 * malformed answer was queued again (a cut answer to a read is worth
 * another try).
 */
static int
read_ticket(struct actor *A, struct tkt_http_req *r, int order,
    struct tkt_error *e)
{
	const struct tkt_jnode *t;

	if (tkt_wish_envelope(r, &A->env, e) == -1) {
		if (e->status == TKT_EXIT_REMOTE && r->outcome == TKT_HTTP_DONE &&
		    r->status < 400 && tkt_http_retry(A->http, r) == 0)
			return 1;
		return -1;
	}
	t = tkt_rec_get(&A->env, &A->env.nodes[0], "data");
	if (order) {
		order_view(A, t);
		return 0;
	}
	tkt_buf_reset(&A->tmp);
	if (market(A)->record(&A->env, t, &A->nm, &A->tmp, e) == -1)
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

/*
 * The journal's time field: a reply answers the buyer's message that
 * made the ticket wait (so the same text may answer a later one); a state
 * change acts on the ticket as it was last updated (so a ticket closed,
 * re-opened and closed again is not skipped); a refund is money and is
 * never repeated, whatever happened since.
 */
static const char *
journal_when(const struct job *j, const struct step *s)
{
	if (s->act == TKT_ACT_REPLY)
		return j->waiting;
	if (s->act == TKT_ACT_REFUND)
		return NULL;
	return j->updated;
}

/* --reason, else the ticket's refund_reason (kept in j->text). */
static const char *
refund_reason(struct actor *A, struct job *j)
{
	return A->o->reason ? A->o->reason : j->text;
}

/* The write a step sends, as the store's marketplace words it. */
static void
step_request(struct actor *A, struct job *j, struct step *s, struct tkt_mreq *m)
{
	struct tkt_mwrite w = { s->act, j->id, s->order, j->text,
	    s->act == TKT_ACT_REFUND ? refund_reason(A, j) : NULL,
	    s->act == TKT_ACT_REFUND ? A->o->note : NULL };

	market(A)->write(A->store, &w, m);
}

static void req_done(struct tkt_http_req *, void *);
static void fail(struct actor *, struct job *, const struct tkt_error *);
static void skip_job(struct actor *, struct job *, int);

/* Sets j->req up for the request m (its strings stolen); the caller queues it. */
static void
prepare(struct actor *A, struct job *j, struct tkt_mreq *m)
{
	tkt_http_req_free(&j->req);
	memset(&j->req, 0, sizeof(j->req));
	j->req.method = m->method;
	j->req.url = m->url;
	j->req.body = m->body;
	j->req.bodylen = m->bodylen;
	j->req.ctype = m->ctype;
	j->req.bearer = A->store->token;
	j->req.may_repeat = m->method == TKT_GET;
	j->req.done = req_done;
	j->req.arg = A;
	j->req.user = j;
	memset(m, 0, sizeof(*m));
}

/* Sends a read the marketplace built (get_ticket, get_order, get_reasons). */
static void
read_with(struct actor *A, struct job *j, int phase,
    void (*get)(const struct tkt_store *, const char *, struct tkt_mreq *),
    const char *id)
{
	struct tkt_mreq m;

	j->phase = phase;
	get(A->store, id, &m);
	prepare(A, j, &m);
	tkt_http_submit(A->http, &j->req);
}

/* Reads the order of the job's current step (an asynchronous refund). */
static void
get_order(struct actor *A, struct job *j, int phase)
{
	read_with(A, j, phase, market(A)->get_order, j->steps[j->cur].order);
}

/* A refund that is taken, then processed: its order tells (tkt.h, TKT_MC_*). */
static int
async_refund(const struct actor *A, const struct step *s)
{
	return s->act == TKT_ACT_REFUND && has(A, TKT_MC_ASYNC_REFUND);
}

static void
get_ticket(struct actor *A, struct job *j, int phase)
{
	/* Such a refund is read back from its order. */
	if (phase == PH_CHECK && async_refund(A, &j->steps[j->cur])) {
		get_order(A, j, phase);
		return;
	}
	read_with(A, j, phase, market(A)->get_ticket, j->id);
}

static int journal_put(struct actor *, struct job *, struct step *, int);

static void
send_step(struct actor *A, struct job *j)
{
	struct step *s = &j->steps[j->cur];
	struct tkt_mreq m;

	step_request(A, j, s, &m);
	s->sends++;
	j->phase = PH_SEND;
	prepare(A, j, &m);
	if (s->sends == 1) {
		tkt_http_submit(A->http, &j->req);
		return;
	}
	/*
	 * A send again (the read-back showed the first was not applied) waits
	 * the engine's backoff (doubling up to the fourth), so a failing
	 * server is not hammered.  A write gets up to MAXSENDS sends, since
	 * each is read back first; a TKT_RETRIES below 4 bounds them sooner.
	 */
	if (tkt_http_resubmit(A->http, &j->req,
	    s->sends - 1 < 4 ? s->sends - 1 : 4) == -1 &&
	    (async_refund(A, s) || journal_put(A, j, s, TKT_JS_FAILED) == 0))
		fail(A, j, &s->err);	/* the read-back showed it not applied */
}

/* The job's life. */

static void pump(struct actor *, int);

static void
finish(struct actor *A, struct job *j)
{
	j->done = 1;
	j->phase = PH_NONE;
	if (j->claimed)
		tkt_journal_release(A->journal, A->store->name, j->id);
	j->claimed = 0;
	tkt_http_req_free(&j->req);
}

static void
fail(struct actor *A, struct job *j, const struct tkt_error *e)
{
	j->err = *e;
	/* An expired token refreshed: the refused request goes again. */
	if (tkt_oauth_resend(A->http, A->store, &j->req, &j->err) == 1)
		return;
	j->failed = 1;
	if (e->status == TKT_EXIT_TOKEN)
		tkt_http_stop(A->http);
	finish(A, j);
}

static void local_fail(struct actor *, struct job *, const char *, ...)
    TKT_PRINTF(3, 4);

static void
local_fail(struct actor *A, struct job *j, const char *fmt, ...)
{
	struct tkt_error e;
	va_list ap;

	tkt_error_clear(&e);
	va_start(ap, fmt);
	tkt_error_vset(&e, TKT_EXIT_NO, TKT_E_LOCAL, fmt, ap);
	va_end(ap);
	fail(A, j, &e);
}

static void get_reasons(struct actor *, struct job *);
static const char *reason_why(struct actor *, struct job *);

static void
advance(struct actor *A, struct job *j)
{
	struct step *s;

	while (j->cur < j->nsteps &&
	    (j->steps[j->cur].ok || j->steps[j->cur].skipped))
		j->cur++;
	if (j->cur >= j->nsteps || A->o->dry_run) {
		finish(A, j);
		return;
	}
	s = &j->steps[j->cur];
	if (j->badreason) {
		/* Refused before any write; the order's reasons are named. */
		tkt_error_clear(&s->err);
		tkt_error_set(&s->err, TKT_EXIT_NO, TKT_E_LOCAL, "refund reason "
		    "%s is %s: nothing was sent; choose one with --reason",
		    A->o->reason ? A->o->reason : j->text, reason_why(A, j));
		get_reasons(A, j);
		return;
	}
	/* A v3 refund is sent only after its order was read. */
	if (async_refund(A, s) && !s->oread) {
		get_order(A, j, PH_OREAD);
		return;
	}
	if (!async_refund(A, s) && s->sends == 0) {
		/*
		 * An earlier run meant to send this write and left no outcome
		 * (a signal, kill -9, a power cut): the ticket is read first,
		 * and a write that took effect is not sent again.
		 */
		if (s->jstate == TKT_JS_INTENT && !A->o->force) {
			s->jstate = TKT_JS_NONE;
			get_ticket(A, j, PH_CHECK);
			return;
		}
		/* Its intent first: durable before the send (see pump). */
		if (journal_put(A, j, s, TKT_JS_INTENT) == -1)
			return;
	}
	send_step(A, j);
}

/* Journals the state step s reached; -1 after failing the job. */
static int
journal_put(struct actor *A, struct job *j, struct step *s, int state)
{
	struct tkt_error e;
	char h[17];

	tkt_error_clear(&e);
	if (tkt_journal_add(A->journal, A->store->name, j->id,
	    act_names[s->act], journal_when(j, s), journal_text(j, s, h), state,
	    tkt_now(), &e) == -1) {
		fail(A, j, &e);
		return -1;
	}
	s->jstate = state;
	return 0;
}

static void
step_ok(struct actor *A, struct job *j, struct step *s)
{
	s->ok = 1;
	s->at = tkt_now();
	snprintf(s->rid, sizeof(s->rid), "%s", j->req.request_id);
	if (journal_put(A, j, s, TKT_JS_DONE) == -1)
		return;
	j->cur++;
	advance(A, j);
}

/*
 * Marks the steps the journal has as done as skipped (unless --force),
 * and keeps where the others stand.
 */
static void
check_journal(struct actor *A, struct job *j)
{
	char h[17];

	if (A->o->force)
		return;
	for (int i = 0; i < j->nsteps; i++) {
		struct step *s = &j->steps[i];

		if (s->ok)
			continue;
		s->jstate = tkt_journal_state(A->journal, A->store->name, j->id,
		    act_names[s->act], journal_when(j, s), journal_text(j, s, h));
		if (s->jstate == TKT_JS_DONE)
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

/* Hits a check may fill: one per rule today, one per match some day. */
#define MAXHITS 64

/* The policy's hits on text, in text order: how many. */
static size_t
policy_hits(struct actor *A, const char *text, size_t len, const char *locale,
    struct tkt_policy_hit *hits)
{
	size_t n = 0;

	for (size_t i = 0; i < MAXHITS; i++)
		hits[i].rule = -1;
	if (tkt_policy_check(A->policy, text, len, locale, hits, MAXHITS) == 0)
		return 0;
	while (n < MAXHITS && hits[n].rule != -1)
		n++;
	/* Insertion sort by offset: a handful of hits. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && hits[k].off < hits[k - 1].off; k--) {
			struct tkt_policy_hit t = hits[k];

			hits[k] = hits[k - 1];
			hits[k - 1] = t;
		}
	return n;
}

/* The span holding bytes [off, off + len) whole, or -1. */
static long
span_of(const struct tkt_spans *sp, size_t off, size_t len)
{
	for (size_t i = 0; i < sp->n; i++)
		if (sp->v[i].bstart <= off && off + len <= sp->v[i].bend &&
		    off < sp->v[i].bend)
			return (long)i;
	return -1;
}

/* The first hit that no --allow-field lets through, or NULL. */
static const struct tkt_policy_hit *
first_refused(struct actor *A, const struct tkt_policy_hit *hits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		long si = span_of(&A->spans, hits[i].off, hits[i].len);

		if (si < 0 || !tkt_strs_has(&A->allow,
		    tkt_span_field(&A->spans, (size_t)si)))
			return &hits[i];
	}
	return NULL;
}

/*
 * The verdict on a text with values from the record (A->spans): a finding
 * that lies in such a value names its field; one that lies whole in a
 * field of --allow-field passes, and the text is checked again with those
 * fields' values blanked, so that the rest of it is still judged (a check
 * reports one match per rule).  A->why, or NULL.
 */
static const char *
policy_verdict_spans(struct actor *A, const char *text, size_t len,
    const char *locale)
{
	struct tkt_policy_hit hits[MAXHITS];
	const struct tkt_policy_hit *h;
	struct tkt_buf q;
	size_t n;
	long si;

	free(A->why);
	A->why = NULL;
	if ((n = policy_hits(A, text, len, locale, hits)) == 0)
		return NULL;
	if ((h = first_refused(A, hits, n)) == NULL) {
		char *masked = xstrndup(text, len);

		for (size_t i = 0; i < A->spans.n; i++)
			if (tkt_strs_has(&A->allow, tkt_span_field(&A->spans, i)))
				memset(masked + A->spans.v[i].bstart, 0x1f,
				    A->spans.v[i].bend - A->spans.v[i].bstart);
		n = policy_hits(A, masked, len, locale, hits);
		free(masked);
		if ((h = first_refused(A, hits, n)) == NULL)
			return NULL;
	}
	tkt_buf_init(&q);
	tkt_policy_quote(text, len, h, &q);
	if ((si = span_of(&A->spans, h->off, h->len)) >= 0) {
		const char *f = tkt_span_field(&A->spans, (size_t)si);

		A->why = xasprintf("%s: \"%s\" in %s, a value from the record "
		    "(lint/%s:%u; --allow-field %s or --no-check sends it "
		    "anyway)", tkt_policy_rule_desc(h->rule), q.s, f, h->list,
		    h->lineno, f);
	} else
		A->why = xasprintf("%s: \"%s\" (lint/%s:%u; --no-check sends "
		    "it anyway)", tkt_policy_rule_desc(h->rule), q.s, h->list,
		    h->lineno);
	tkt_buf_free(&q);
	return A->why;
}

/* Why text breaks the policy for locale, or NULL when it does not. */
static const char *
policy_verdict(struct actor *A, const char *text, size_t len,
    const char *locale)
{
	struct tkt_policy_hit hits[TKT_POL_NRULES];
	struct memo *m;

	if (A->spans.n > 0)
		return policy_verdict_spans(A, text, len, locale);

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
		struct tkt_buf q;

		tkt_buf_init(&q);
		tkt_policy_quote(text, len, &hits[0], &q);
		m->why = xasprintf("%s: \"%s\" (lint/%s:%u; --no-check sends it "
		    "anyway)", tkt_policy_rule_desc(hits[0].rule), q.s,
		    hits[0].list, hits[0].lineno);
		tkt_buf_free(&q);
	}
	return m->why;
}

/* Why a fallback is refused: "--no-fallback", or the config's key. */
static void
refused_by(struct actor *A, struct tkt_buf *b)
{
	if (A->o->no_fallback)
		tkt_buf_adds(b, "; --no-fallback refuses a reply in another "
		    "language");
	else
		tkt_buf_printf(b, "; fallback: refuse in %s refuses a reply in "
		    "another language", A->cfg.path ? A->cfg.path : "the config");
}

/*
 * Is the record's reply in another language than the one it was written
 * for (reply.requested_locale, else the ticket's locale)?  Says why into b.
 */
static int
record_fallback(struct actor *A, const struct tkt_rec *rec,
    const struct tkt_jnode *rp, struct tkt_buf *b)
{
	const char *got = str_of(rec, rp, "locale");
	const char *want = str_of(rec, rp, "requested_locale");
	const char *tmpl = str_of(rec, rp, "template");

	(void)A;
	if (want == NULL)
		want = tkt_rec_field(rec, "locale");
	if (tkt_locale_lang_len(got) == 0 || tkt_locale_lang_len(want) == 0 ||
	    tkt_locale_same_lang(got, want))
		return 0;
	tkt_buf_reset(b);
	tkt_buf_printf(b, "no text in %.*s: the reply", (int)tkt_locale_lang_len(want),
	    want);
	if (tmpl != NULL)
		tkt_buf_printf(b, " (template %s)", tmpl);
	tkt_buf_printf(b, " is in %s", got);
	return 1;
}

/* The byte n code points after byte b of text (valid UTF-8). */
static size_t
cp_skip(const char *text, size_t len, size_t b, size_t n)
{
	while (n-- > 0 && b < len) {
		b++;
		while (b < len && ((unsigned char)text[b] & 0xc0) == 0x80)
			b++;
	}
	return b;
}

/*
 * The record's reply.spans, checked against the text (len bytes), into
 * A->spans: a span out of range, out of order or not of the form
 * {field, start, end} is left out, and the job's warning says so once.
 */
static void
record_spans(struct actor *A, struct job *j, const struct tkt_rec *rec,
    const struct tkt_jnode *rp, const char *text, size_t len)
{
	const struct tkt_jnode *arr = tkt_rec_get(rec, rp, "spans"), *x;
	size_t ncp = tkt_utf8_count(text, len), prev = 0, bad = 0, all = 0;
	size_t b = 0, cp = 0;
	char first[160] = "";

	if (arr == NULL || arr->type == TKT_J_NULL)
		return;
	if (arr->type != TKT_J_ARRAY) {
		progress_wipe(A);
		tkt_warnx("%s: ticket %s: reply.spans is not an array: ignored",
		    j->where, j->id);
		return;
	}
	for (x = tkt_rec_child(rec, arr); x != NULL; x = tkt_rec_next(rec, x)) {
		const struct tkt_jnode *fn, *sn, *en;
		long long v[2] = { 0, 0 };
		const char *f = NULL, *why = NULL;
		size_t flen = 0, bs, be;

		all++;
		fn = tkt_rec_get(rec, x, "field");
		sn = tkt_rec_get(rec, x, "start");
		en = tkt_rec_get(rec, x, "end");
		if (x->type != TKT_J_OBJECT || fn == NULL ||
		    fn->type != TKT_J_STRING || sn == NULL ||
		    sn->type != TKT_J_NUMBER || en == NULL ||
		    en->type != TKT_J_NUMBER)
			why = "not {field, start, end}";
		else
			f = tkt_rec_str(rec, fn, &flen);
		for (int k = 0; why == NULL && k < 2; k++) {
			size_t nl;
			const char *s = tkt_rec_str(rec, k ? en : sn, &nl);
			char num[32];
			const char *es;

			snprintf(num, sizeof(num), "%.*s", (int)nl, s);
			if (nl >= sizeof(num) || tkt_num_parse(num, 0, INT32_MAX,
			    &v[k], &es) == -1)
				why = "start and end are not whole numbers";
		}
		if (why == NULL && flen == 0)
			why = "no field";
		else if (why == NULL && v[0] > v[1])
			why = "it ends before it starts";
		else if (why == NULL && (size_t)v[1] > ncp)
			why = "it ends past the text";
		else if (why == NULL && (size_t)v[0] < prev)
			why = "it overlaps or precedes the span before it";
		if (why != NULL) {
			if (bad++ == 0)
				snprintf(first, sizeof(first), "span %zu: %s",
				    all, why);
			continue;
		}
		/* Code points into bytes: the spans go forward. */
		b = cp_skip(text, len, b, (size_t)v[0] - cp);
		bs = b;
		b = cp_skip(text, len, b, (size_t)(v[1] - v[0]));
		be = b;
		cp = (size_t)v[1];
		tkt_spans_add(&A->spans, f, flen, (size_t)v[0], (size_t)v[1],
		    bs, be);
		prev = (size_t)v[1];
	}
	if (bad > 0) {
		progress_wipe(A);
		tkt_warnx("%s: ticket %s: reply.spans: %zu of %zu ignored (%s)",
		    j->where, j->id, bad, all, first);
	}
}

/*
 * -t NAME on a ticket its match rules do not fit (tkt-template render
 * --auto would not pick it): a warning, or with --strict the record's
 * error.  A template without match rules is for -t alone: never warned
 * of.  0, or -1 after failing the job.
 */
static int
tmpl_mismatch(struct actor *A, struct job *j, const struct tkt_rec *rec)
{
	struct tkt_buf d;

	if (!tkt_tmpl_has_match(A->tmpl) || tkt_tmpl_matches(A->tmpl, rec))
		return 0;
	tkt_buf_init(&d);
	tkt_tmpl_match_desc(A->tmpl, rec, &d);
	if (A->o->strict) {
		local_fail(A, j, "template %s does not match this ticket (%s): "
		    "--strict refuses it", tkt_tmpl_name(A->tmpl), d.s);
		tkt_buf_free(&d);
		return -1;
	}
	progress_wipe(A);
	tkt_warnx("%s: ticket %s: template %s does not match this ticket (%s)",
	    j->where, j->id, tkt_tmpl_name(A->tmpl), d.s);
	tkt_buf_free(&d);
	return 0;
}

/*
 * The text of a reply (or of a re-open reason, which v2 sends as one)
 * from -m, -t or the record's reply.text, with where the record's values
 * are in it (A->spans); checks it.  0, or -1 after failing the job.  rec
 * is the ticket (input or read), or NULL.
 */
static int
reply_text(struct actor *A, struct job *j, const struct tkt_rec *rec)
{
	struct tkt_action_opts *o = A->o;
	struct tkt_error e;
	const char *locale = NULL;
	size_t n, len;
	struct tkt_buf msg;

	tkt_error_clear(&e);
	tkt_spans_reset(&A->spans);
	tkt_buf_init(&msg);
	if (o->text != NULL)
		j->text = xstrdup(o->text);
	else if (A->tmpl != NULL && rec != NULL) {
		struct tkt_locale_pick pk;

		if (tmpl_mismatch(A, j, rec) == -1)
			return -1;
		if (tkt_reply_render(A->tmpl, &A->cfg, NULL, NULL, rec,
		    &A->tmp, &A->spans, &pk, &e) == -1) {
			fail(A, j, &e);
			return -1;
		}
		if (pk.fallback && A->refuse) {
			tkt_tmpl_fallback_msg(A->tmpl, &pk, &msg);
			refused_by(A, &msg);
			local_fail(A, j, "%s", msg.s);
			tkt_buf_free(&msg);
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
				    "or give -m or -t)");
			return -1;
		}
		if (A->refuse && record_fallback(A, rec, rp, &msg)) {
			refused_by(A, &msg);
			local_fail(A, j, "%s", msg.s);
			tkt_buf_free(&msg);
			return -1;
		}
		j->text = xstrdup(t);
		locale = str_of(rec, rp, "locale");
		if (tkt_utf8_check(j->text, strlen(j->text)) == (size_t)-1)
			record_spans(A, j, rec, rp, j->text, strlen(j->text));
	}
	tkt_buf_free(&msg);
	if (j->text == NULL || *j->text == '\0') {
		local_fail(A, j, "the reply is empty");
		return -1;
	}
	len = strlen(j->text);
	tkt_text_hash(j->text, len, j->hash);
	if (tkt_utf8_check(j->text, len) != (size_t)-1) {
		local_fail(A, j, "the reply is not valid UTF-8");
		return -1;
	}
	if ((n = tkt_utf8_count(j->text, len)) > TKT_REPLY_MAX) {
		char why[96];

		snprintf(why, sizeof(why), "%zu characters, more than %d", n,
		    TKT_REPLY_MAX);
		local_fail(A, j, "the reply is too long: %s", why);
		return -1;
	}
	if (locale == NULL && rec != NULL)
		locale = tkt_rec_field(rec, "locale");
	free(j->locale);
	j->locale = locale ? xstrdup(locale) : NULL;
	if (A->policy != NULL) {
		const char *why;

		if ((why = policy_verdict(A, j->text, len, locale)) != NULL) {
			tkt_error_clear(&e);
			tkt_error_set(&e, TKT_EXIT_NO, TKT_E_LOCAL, "the reply %s",
			    why);
			fail(A, j, &e);
			return -1;
		}
	}
	return 0;
}

/*
 * A v3 refund takes only a reason of the orders' list: one of the four a
 * ticket has besides (OTHER, ITEM_NEVER_ARRIVED, …) is refused before any
 * write.  A dry run says so; a run reads what the order takes first
 * (j->badreason, see advance).  -1 after failing the job.
 */
static const char *
reason_why(struct actor *A, struct job *j)
{
	const char *r = A->o->reason ? A->o->reason : j->text;

	return market(A)->refund_reason(r) == TKT_RR_TICKET ?
	    "a ticket's, not one Wish refunds an order for" :
	    "not one of Wish's refund reasons";
}

static int
bad_reason(struct actor *A, struct job *j)
{
	const char *r = A->o->reason ? A->o->reason : j->text;
	int any = 0;

	for (int i = 0; i < j->nsteps; i++)
		any |= j->steps[i].act == TKT_ACT_REFUND && !j->steps[i].skipped;
	if (!any || r == NULL || market(A)->refund_reason(r) == TKT_RR_ORDER)
		return 0;
	if (A->o->dry_run) {
		local_fail(A, j, "refund reason %s would be refused: it is %s; "
		    "choose one with --reason (GET /api/v3/orders/ID/"
		    "refund_reasons lists what an order takes)", r,
		    reason_why(A, j));
		return -1;
	}
	j->badreason = 1;
	return 0;
}

/*
 * Everything that needs the ticket: the text, the checks, the steps, the
 * journal.  in is the input record (NULL for a bare id): the text comes
 * from it.  rec is the ticket as it is now: the one read before sending,
 * else the input record; NULL for a bare id in a dry run.  0, or -1 after
 * failing the job.
 */
static int
plan(struct actor *A, struct job *j, const struct tkt_rec *in,
    const struct tkt_rec *rec)
{
	struct tkt_action_opts *o = A->o;
	const char *state = rec ? tkt_rec_field(rec, "state") : NULL;
	const char *u = rec ? tkt_rec_field(rec, "updated_at") : NULL;

	free(j->updated);
	j->updated = u ? xstrdup(u) : NULL;
	if (o->action == TKT_ACT_REPLY) {
		if (rec == NULL && A->tmpl != NULL) {
			local_fail(A, j, "-t needs the ticket to render: a dry run "
			    "with a bare id cannot fetch it");
			return -1;
		}
		if (reply_text(A, j, in ? in : rec) == -1)
			return -1;
		if (rec != NULL) {
			const char *w = answered_since(rec, j->text);

			j->nprior = count_ours(rec, j->text);
			j->waiting = w ? xstrdup(w) : NULL;
			/* An edited text is counted on the ticket again. */
			if (A->tty >= 0 && rec == &A->view) {
				tkt_rec_free(&j->seen);
				tkt_rec_copy(&j->seen, rec);
			}
		}
		add_step(j, TKT_ACT_REPLY, NULL);
		if (o->resolve)
			add_step(j, TKT_ACT_CLOSE, NULL);
		/* A reply done before is skipped, whatever the state now. */
		check_journal(A, j);
		if (!j->steps[0].skipped && state != NULL &&
		    strcmp(state, "AWAITING_MERCHANT") != 0) {
			local_fail(A, j, "not awaiting the merchant (state %s): "
			    "only such a ticket can be replied to", state);
			return -1;
		}
		return 0;
	} else if (o->action == TKT_ACT_REOPEN) {
		if (o->text == NULL && has(A, TKT_MC_REOPEN_TEXT)) {
			local_fail(A, j, "--reopen needs -m REASON on store '%s': "
			    "API v2 sends the reason to the buyer", A->store->name);
			return -1;
		}
		if (o->text != NULL && reply_text(A, j, rec) == -1)
			return -1;
		if (rec != NULL && j->text != NULL)
			j->nprior = count_ours(rec, j->text);
		add_step(j, TKT_ACT_REOPEN, NULL);
		/*
		 * A re-open that does not post its reason (v3's, by state)
		 * is followed by the reason as a reply.
		 */
		if (!has(A, TKT_MC_REOPEN_TEXT) && j->text != NULL) {
			const char *w = rec ? answered_since(rec, j->text) : NULL;

			j->waiting = w ? xstrdup(w) : NULL;
			add_step(j, TKT_ACT_REPLY, NULL);
		}
	} else if (o->action == TKT_ACT_APPEAL)
		add_step(j, TKT_ACT_APPEAL, NULL);
	else {
		if (o->refund) {
			if (o->orders.n > 0)
				for (size_t i = 0; i < o->orders.n; i++) {
					const char *id = o->orders.v[i], *st;

					/* Only the ticket's own orders, and never twice. */
					st = rec ? order_state(rec, id) : "";
					if (st == NULL) {
						local_fail(A, j, "--order %s is not an "
						    "order of this ticket", id);
						return -1;
					}
					add_step(j, TKT_ACT_REFUND, id);
					if (strcmp(st, "REFUNDED") == 0)
						j->steps[j->nsteps - 1].skipped = 1;
				}
			else if (rec == NULL) {
				local_fail(A, j, "--refund of a bare id in a dry "
				    "run: give records, or --order ID");
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
						    "give --reason CODE");
						return -1;
					}
				free(j->text);
				j->text = rr ? xstrdup(rr) : NULL;
			} else if (market(A)->refund_reason(o->reason) ==
			    TKT_RR_FOREIGN) {
				/*
				 * A v2 code on a v3 store: which v3 reason it
				 * stands for is Wish's to say, not ours to guess.
				 */
				local_fail(A, j, "--reason %s is an API v2 code; "
				    "store '%s' speaks v3, which takes a reason "
				    "name such as ITEM_IS_DAMAGED", o->reason,
				    A->store->name);
				return -1;
			}
			if (bad_reason(A, j) == -1)
				return -1;
		}
		add_step(j, TKT_ACT_CLOSE, NULL);
	}
	/*
	 * A ticket read just now that is closed (or with Wish support)
	 * already needs no close (or appeal): skipped, whatever the journal
	 * says, and nothing is sent.
	 */
	if (rec == &A->view)
		for (int i = 0; i < j->nsteps; i++)
			if ((j->steps[i].act == TKT_ACT_CLOSE ||
			    j->steps[i].act == TKT_ACT_APPEAL) &&
			    is_done(A, j, &j->steps[i]))
				j->steps[i].skipped = 1;
	check_journal(A, j);
	return 0;
}

/* The job's req becomes a timer: phase goes on after ms milliseconds. */
static void
wait_then(struct actor *A, struct job *j, int phase, long ms)
{
	tkt_http_req_free(&j->req);
	memset(&j->req, 0, sizeof(j->req));
	j->req.done = req_done;
	j->req.arg = A;
	j->req.user = j;
	j->phase = phase;
	tkt_http_after(A->http, &j->req, ms);
}

/* A new job for a record read (TKT_RD_TREE) or a bare id. */
static void claim(struct actor *, struct job *, const struct tkt_rec *);
static int route(struct actor *, struct job *, const char *);

/* The job's store is the one every request, read and journal line uses. */
static void
use_store(struct actor *A, const struct job *j)
{
	const struct tkt_market *m;

	if (j->store != NULL) {
		A->store = j->store;
		A->nm.store = j->store;
		/* A store of no known marketplace fails in route(). */
		if ((m = tkt_market(j->store)) != NULL)
			A->mk = m;
	}
}

static void
start(struct actor *A, struct job *j, struct tkt_rec *r)
{
	const char *id = r->bare ? NULL : tkt_rec_field(r, "id");

	memset(j, 0, sizeof(*j));
	j->used = 1;
	snprintf(j->where, sizeof(j->where), "%s:%ju", r->name, r->lineno);
	if (r->bare)
		j->id = xstrndup(r->line, r->len);
	else {
		tkt_rec_copy(&j->rec, r);
		j->id = xstrdup(id ? id : "");
	}
	j->store = A->dflt;
	use_store(A, j);
	/* Reviews were quit: every record after comes out unsent. */
	if (A->quit) {
		skip_job(A, j, 1);
		return;
	}
	if (!tkt_id_valid(j->id, strlen(j->id))) {
		if (r->bare)
			local_fail(A, j, "not a ticket id: '%.200s'", j->id);
		else
			local_fail(A, j, "the record has no valid \"id\"");
		return;
	}
	if (!r->bare && route(A, j, tkt_rec_field(r, "store")) == -1)
		return;
	claim(A, j, r->bare ? NULL : r);
}

/*
 * Sends a record to the store it names (tkt(7), Stores): one of the config's,
 * its token loaded at first use; a bare id, a record naming the store
 * chosen, or any record when the config names no store (the environment
 * makes the only one), goes to the chosen one.  -1 after failing the job.
 */
static int
route(struct actor *A, struct job *j, const char *name)
{
	struct tkt_error e;

	/* With one store (or only the environment's) there is nowhere else. */
	if (name == NULL || A->cfg.nstores <= 1 ||
	    strcmp(name, A->dflt->name) == 0)
		return 0;
	for (size_t i = 0; i < A->cfg.nstores; i++)
		if (strcmp(A->cfg.stores[i].name, name) == 0)
			j->store = &A->cfg.stores[i];
	if (j->store == A->dflt) {
		local_fail(A, j, "the record's store '%.100s' is not in the "
		    "config", name);
		return -1;
	}
	use_store(A, j);
	tkt_error_clear(&e);
	if (j->store->url == NULL)
		tkt_error_set(&e, TKT_EXIT_USAGE, TKT_E_USAGE, "store '%s' has "
		    "no url in the config", j->store->name);
	else if (tkt_market(j->store) == NULL)
		tkt_error_set(&e, TKT_EXIT_USAGE, TKT_E_USAGE, "store '%s': "
		    "unknown API '%s'", j->store->name, j->store->api);
	else if (!A->o->dry_run && j->store->token == NULL &&
	    tkt_store_token(j->store, &e) == 0)
		tkt_oauth_warn(j->store);
	if (e.msg[0] != '\0') {
		e.status = TKT_EXIT_NO;
		e.kind = TKT_E_LOCAL;
		fail(A, j, &e);
		return -1;
	}
	return 0;
}

/*
 * After the plan: under -i a reply still to send waits for its review
 * (reviews(), at the top level, one at a time); else it goes on.
 */
static void
go(struct actor *A, struct job *j)
{
	int review = 0;

	for (int i = 0; i < j->nsteps; i++)
		review |= j->steps[i].act == TKT_ACT_REPLY && !j->steps[i].ok &&
		    !j->steps[i].skipped;
	if (A->tty < 0 || A->o->dry_run || !review) {
		advance(A, j);
		return;
	}
	j->phase = PH_REVIEW;
	if (A->quit)
		skip_job(A, j, 1);
	else
		tkt_http_yield(A->http);	/* the question is asked soon */
}

/*
 * Claims the ticket in the journal, then begins: the ticket is read first
 * when the action needs it and the input does not give it (a bare id), or
 * cannot be trusted to (--force: the read-back recognises our reply as one
 * that was not there before, which a stale record cannot tell); else the
 * plan is made from the record.  r is the input record, NULL for a bare
 * id or when the claim had to wait (the job keeps its copy).
 */
static void
claim(struct actor *A, struct job *j, const struct tkt_rec *r)
{
	struct tkt_action_opts *o = A->o;
	struct tkt_error e;
	int rc;

	tkt_error_clear(&e);
	if ((rc = tkt_journal_claim(A->journal, A->store->name, j->id,
	    &e)) == -1) {
		fail(A, j, &e);
		return;
	}
	if (rc == 1) {
		/* Another run, or an earlier line, is at this ticket. */
		if (o->verbose && !j->waited)
			tkt_warnx("%s: ticket %s: waiting for the run working "
			    "on it", j->where, j->id);
		j->waited = 1;
		wait_then(A, j, PH_CLAIM, 20);
		return;
	}
	j->claimed = 1;
	if (!o->dry_run && (j->rec.nnodes == 0 || (o->force &&
	    (o->action == TKT_ACT_REPLY || o->action == TKT_ACT_REOPEN ||
	    o->refund)))) {
		get_ticket(A, j, PH_PRE);
		return;
	}
	if (r == NULL && j->rec.nnodes > 0)
		r = &j->rec;
	if (plan(A, j, r, r) == -1)
		return;
	go(A, j);
}

static void
on_pre(struct actor *A, struct job *j)
{
	struct tkt_error e;
	int rc;

	if ((rc = read_ticket(A, &j->req, 0, &e)) == 1)
		return;
	if (rc == -1) {
		fail(A, j, &e);
		return;
	}
	/* Under --force a record is read again; its text stays the input's. */
	if (plan(A, j, j->rec.nnodes > 0 ? &j->rec : NULL, &A->view) == -1)
		return;
	go(A, j);
}

static void refund_outcome(struct actor *, struct job *, struct step *);

static void
on_send(struct actor *A, struct job *j)
{
	struct step *s = &j->steps[j->cur];
	struct tkt_http_req *r = &j->req;
	struct tkt_error e;

	if (tkt_wish_envelope(r, &A->env, &e) == 0) {
		if (async_refund(A, s)) {
			/* Accepted: the order as it was when Wish took it. */
			order_view(A, tkt_rec_get(&A->env, &A->env.nodes[0],
			    "data"));
			refund_outcome(A, j, s);
		} else
			step_ok(A, j, s);
		return;
	}
	if (e.status == TKT_EXIT_TOKEN || r->outcome == TKT_HTTP_NOTSENT ||
	    r->outcome == TKT_HTTP_FATAL) {
		/* A v3 refund that never reached Wish, or was refused unread. */
		if (async_refund(A, s) && (e.status == TKT_EXIT_TOKEN ||
		    r->outcome == TKT_HTTP_NOTSENT) &&
		    journal_put(A, j, s, TKT_JS_FAILED) == -1)
			return;
		fail(A, j, &e);
		return;
	}
	/*
	 * A 429 that outlasted the engine's retries was not applied: the
	 * write is sent again after the backoff, with no read-back, while it
	 * has sends left (as after a read-back that showed it not applied).
	 */
	if (r->outcome == TKT_HTTP_DONE && r->status == 429) {
		s->err = e;
		if (s->sends < MAXSENDS)
			send_step(A, j);
		else if (!async_refund(A, s) ||
		    journal_put(A, j, s, TKT_JS_FAILED) == 0)
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

/*
 * Fails the job with a refund whose outcome is not known yet: one Wish
 * took and still processes, which a later run finishes (status 1), or one
 * whose send met a remote failure and whose order cannot tell whether
 * Wish took it (status 3 when nothing else succeeds): that one is never
 * sent again without --force.
 */
static void
refund_pending(struct actor *A, struct job *j, struct step *s, const char *why)
{
	struct tkt_error e;
	int taken = s->requested || s->jstate == TKT_JS_REQUESTED;

	tkt_error_clear(&e);
	tkt_error_set(&e, taken ? TKT_EXIT_NO : TKT_EXIT_REMOTE, TKT_E_PENDING,
	    "order %s: %s; nothing was closed; %s", s->order, why, taken ?
	    "run again to finish (the refund is not sent again)" :
	    "the refund is not sent again without --force");
	snprintf(e.request_id, sizeof(e.request_id), "%s", j->req.request_id);
	/* The failure that left the outcome unknown. */
	if (!taken && s->err.msg[0] != '\0') {
		e.code = s->err.code;
		e.http = s->err.http;
		memcpy(e.request_id, s->err.request_id, sizeof(e.request_id));
	}
	fail(A, j, &e);
}

/*
 * The refund of step s is under way: it is polled (250 ms, doubling up to
 * 5 s) until it has an outcome or --refund-wait has passed.
 */
static void
refund_poll(struct actor *A, struct job *j, struct step *s)
{
	double left = s->deadline - mono();
	long ms = 250L << (s->polls < 5 ? s->polls : 5);
	char why[128];

	if (ms > 5000)
		ms = 5000;
	if (left <= 0 && s->requested) {
		snprintf(why, sizeof(why), "the refund is still in progress "
		    "after %s", A->o->refund_wait ? A->o->refund_wait : "60s");
		refund_pending(A, j, s, why);
		return;
	}
	if (left < 0)
		left = 0;
	if (ms > (long)(left * 1000) + 1)
		ms = (long)(left * 1000) + 1;
	s->polls++;
	wait_then(A, j, PH_WAIT, ms);
}

/*
 * What a v3 refund came to, from the order in A->rv, once Wish has taken
 * it: done, failed at Wish, or still under way (journalled as requested,
 * so that no run sends it again, and polled).
 */
static void
refund_outcome(struct actor *A, struct job *j, struct step *s)
{
	struct tkt_error e;

	if (is_done(A, j, s)) {
		step_ok(A, j, s);
		return;
	}
	if (A->rv.status == TKT_RF_FAILED) {
		/* It may be sent again: by a later run, not blindly by this one. */
		if (journal_put(A, j, s, TKT_JS_FAILED) == -1)
			return;
		tkt_error_clear(&e);
		tkt_error_set(&e, TKT_EXIT_NO, TKT_E_REMOTE, "order %s: Wish could "
		    "not refund it (processing_status FAILED); nothing was "
		    "closed; a later run may send the refund again", s->order);
		snprintf(e.request_id, sizeof(e.request_id), "%s",
		    j->req.request_id);
		fail(A, j, &e);
		return;
	}
	if (!s->requested) {
		s->requested = 1;
		s->checks = 0;
		s->deadline = mono() + A->refund_wait;
		snprintf(s->rid, sizeof(s->rid), "%s", j->req.request_id);
		if (journal_put(A, j, s, TKT_JS_REQUESTED) == -1)
			return;
	}
	refund_poll(A, j, s);
}

/*
 * Did the refund of step s reach Wish, by its order in A->rv?  An order
 * in progress, refunded, or with a refund more than before is never sent
 * again; a FAILED that was there before we sent is not ours.
 */
static int
refund_applied(struct actor *A, struct job *j, struct step *s)
{
	return is_done(A, j, s) || A->rv.status == TKT_RF_IN_PROGRESS ||
	    (A->rv.status == TKT_RF_FAILED && !s->pre_failed) ||
	    A->rv.nrefunds > s->nrefunds;
}

/*
 * Reads an order for a v3 refund: 0 with A->rv, 1 when the read goes on
 * (a retry), -1 after failing the job.  A read that ran out of retries
 * starts another round, up to MAXCHECKS; then pend (the refund was
 * taken: its outcome is unknown) or fails.
 */
static int
order_read(struct actor *A, struct job *j, struct step *s, int pend)
{
	struct tkt_error e;
	char why[600];
	int rc;

	if ((rc = read_ticket(A, &j->req, 1, &e)) == 1)
		return 1;
	if (rc == 0)
		return 0;
	if (e.status == TKT_EXIT_REMOTE && j->req.outcome != TKT_HTTP_FATAL &&
	    ++s->checks < MAXCHECKS) {
		get_order(A, j, j->phase);
		return 1;
	}
	if (pend && e.status != TKT_EXIT_TOKEN) {
		snprintf(why, sizeof(why), "%s, and the order could not be "
		    "read: %.400s", s->requested ? "the refund was taken" :
		    "the refund's outcome is unknown", e.msg);
		refund_pending(A, j, s, why);
	} else
		fail(A, j, &e);
	return -1;
}

/*
 * The order read before a v3 refund is sent: refunded already, or a
 * refund under way (ours, by an earlier run, or another's), is not sent;
 * a refund an earlier run sent whose outcome the order does not show is
 * not sent again without --force.
 */
static void
on_oread(struct actor *A, struct job *j)
{
	struct step *s = &j->steps[j->cur];
	int earlier = !A->o->force && (s->jstate == TKT_JS_INTENT ||
	    s->jstate == TKT_JS_REQUESTED);

	if (order_read(A, j, s, 0) != 0)
		return;
	s->oread = 1;
	s->checks = 0;
	s->nrefunds = A->rv.nrefunds;
	s->pre_failed = A->rv.status == TKT_RF_FAILED;
	if (is_done(A, j, s) || A->rv.status == TKT_RF_IN_PROGRESS ||
	    (earlier && A->rv.status == TKT_RF_FAILED)) {
		refund_outcome(A, j, s);
		return;
	}
	if (earlier && A->rv.status == TKT_RF_NONE && (s->jstate ==
	    TKT_JS_REQUESTED || !A->store->processing)) {
		refund_pending(A, j, s, "an earlier run sent its refund and the "
		    "order does not show what came of it");
		return;
	}
	/* Sent only once its intent is in the journal (see pump). */
	if (journal_put(A, j, s, TKT_JS_INTENT) == -1)
		return;
	send_step(A, j);
}

static void refund_check(struct actor *, struct job *, struct step *);

static void
on_poll(struct actor *A, struct job *j)
{
	struct step *s = &j->steps[j->cur];

	if (order_read(A, j, s, 1) != 0)
		return;
	if (s->requested)
		refund_outcome(A, j, s);
	else
		refund_check(A, j, s);
}

/*
 * The read-back of a v3 refund whose answer did not say: one Wish took
 * is followed to its outcome; one it did not is sent again, except when
 * the order cannot tell (no processing fields, the refund maybe still
 * on its way): then the outcome stays unknown and nothing is resent
 * without --force.
 */
static void
refund_check(struct actor *A, struct job *j, struct step *s)
{
	if (refund_applied(A, j, s)) {
		refund_outcome(A, j, s);
		return;
	}
	/* Not applied, and not to be sent again by this run. */
	if ((s->definite || s->sends >= MAXSENDS) &&
	    journal_put(A, j, s, TKT_JS_FAILED) == -1)
		return;
	if (s->definite && s->err.code == 1000) {
		get_reasons(A, j);
		return;
	}
	if (s->definite || s->sends >= MAXSENDS) {
		fail(A, j, &s->err);
		return;
	}
	/*
	 * An order without processing fields, from a server not known to
	 * show them, cannot say that a refund Wish took is under way: it is
	 * followed until its state or refunds[] tell, for --refund-wait.
	 */
	if (!A->rv.processing && !A->store->processing && !A->o->force) {
		char why[600];

		if (!s->following) {
			s->following = 1;
			s->polls = 0;
			s->deadline = mono() + A->refund_wait;
		}
		if (mono() < s->deadline) {
			refund_poll(A, j, s);
			return;
		}
		snprintf(why, sizeof(why), "%.400s, and after %s the order "
		    "does not show whether Wish took the refund", s->err.msg,
		    A->o->refund_wait ? A->o->refund_wait : "60s");
		refund_pending(A, j, s, why);
		return;
	}
	send_step(A, j);
}

static void
on_check(struct actor *A, struct job *j)
{
	struct step *s = &j->steps[j->cur];
	struct tkt_error e;
	int rc;

	if ((rc = read_ticket(A, &j->req, async_refund(A, s), &e)) == 1)
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
	if (async_refund(A, s)) {
		refund_check(A, j, s);
		return;
	}
	if (is_done(A, j, s)) {
		step_ok(A, j, s);
		return;
	}
	if (s->definite || s->sends >= MAXSENDS) {
		/* The read-back shows it did not take effect. */
		if (journal_put(A, j, s, TKT_JS_FAILED) == 0)
			fail(A, j, &s->err);
		return;
	}
	send_step(A, j);
}

/*
 * A v3 refund refused as an invalid parameter most likely names a reason
 * the order does not take: the order's refund_reasons are read and named
 * in the error, for a person to pick one (the refusal stands whatever the
 * read gives, a refused token aside).
 */
static void
get_reasons(struct actor *A, struct job *j)
{
	read_with(A, j, PH_REASONS, market(A)->get_reasons,
	    j->steps[j->cur].order);
}

static void
on_reasons(struct actor *A, struct job *j)
{
	struct tkt_error e = j->steps[j->cur].err, re;
	const char *sep = "; the order takes ";
	size_t len = strlen(e.msg), i;
	json_t *env, *d, *x;

	/* A small document of strings, no money: read as a tree. */
	if ((env = tkt_wish_envelope_tree(&j->req, &re)) == NULL) {
		fail(A, j, re.status == TKT_EXIT_TOKEN ? &re : &e);
		return;
	}
	d = json_object_get(env, "data");
	json_array_foreach(d, i, x) {
		if (!json_is_string(x) || len >= sizeof(e.msg))
			continue;
		len += (size_t)snprintf(e.msg + len, sizeof(e.msg) - len,
		    "%s%.100s", sep, json_string_value(x));
		sep = ", ";
	}
	json_decref(env);
	fail(A, j, &e);
}

/*
 * A request that was in flight when the run stopped: a write that went
 * through is confirmed (and journalled) and one refused is failed; one
 * that may have been applied (no answer after it went out, a 5xx) is
 * marked so; the rest is left for drain() to describe.
 */
static void
stopped_done(struct actor *A, struct job *j)
{
	struct tkt_error e;

	struct step *s = &j->steps[j->cur];

	if (j->phase != PH_SEND)
		return;
	if (tkt_wish_envelope(&j->req, &A->env, &e) == 0) {
		if (!async_refund(A, s)) {
			step_ok(A, j, s);
			return;
		}
		/* Taken: done, or journalled as requested for the next run. */
		order_view(A, tkt_rec_get(&A->env, &A->env.nodes[0], "data"));
		if (is_done(A, j, s))
			step_ok(A, j, s);
		else if (journal_put(A, j, s, TKT_JS_REQUESTED) == 0)
			s->requested = 1;
	} else if (j->req.outcome == TKT_HTTP_DONE && j->req.status >= 400 &&
	    j->req.status < 500)
		fail(A, j, &e);
	else if (j->req.outcome != TKT_HTTP_NOTSENT)
		j->unsure = 1;
}

static void
req_done(struct tkt_http_req *r, void *arg)
{
	struct actor *A = arg;
	struct job *j = r->user;

	use_store(A, j);
	if (tkt_http_stopped(A->http)) {
		stopped_done(A, j);
		return;
	}
	switch (j->phase) {
	case PH_CLAIM: claim(A, j, NULL); break;
	case PH_PRE: on_pre(A, j); break;
	case PH_SEND: on_send(A, j); break;
	case PH_CHECK: on_check(A, j); break;
	case PH_REASONS: on_reasons(A, j); break;
	case PH_OREAD: on_oread(A, j); break;
	case PH_WAIT: get_order(A, j, PH_POLL); break;
	case PH_POLL: on_poll(A, j); break;
	}
	/* The engine's tick prints what finished, after one fsync for all. */
}

/* The engine's turn: a signal stops the run (nothing new starts). */
static void
tick(void *arg)
{
	struct actor *A = arg;

	if (tkt_sig_caught() && !tkt_http_stopped(A->http))
		tkt_http_stop(A->http);
	pump(A, 1);
}

/* Output, in input order. */

/* A dry run's "request": the exact request a step would send, no token. */
static void
request_json(struct actor *A, struct job *j, struct step *s, struct tkt_jw *w)
{
	struct tkt_mreq m;
	char *path;

	step_request(A, j, s, &m);
	path = tkt_mreq_path(A->store, &m);
	tkt_jw_key(w, "request");
	tkt_jw_obj(w);
	tkt_jw_key(w, "method");
	tkt_jw_str(w, m.method == TKT_PUT ? "PUT" : "POST");
	tkt_jw_key(w, "path");
	tkt_jw_str(w, path);
	tkt_jw_key(w, "body");
	tkt_jw_strn(w, m.body, m.bodylen);
	tkt_jw_obj_end(w);
	tkt_mreq_free(&m);
	free(path);
}

static void
result_json(struct actor *A, struct job *j, struct tkt_buf *b)
{
	struct tkt_action_opts *o = A->o;
	struct tkt_jw w;
	int ok = !j->failed, skipped = j->nsteps > 0;
	int first = -1;
	time_t at = tkt_now();

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
	if (o->dry_run && first >= 0 && !j->failed)
		request_json(A, j, &j->steps[first], &w);
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
		if (o->dry_run && !s->skipped && !cur)
			request_json(A, j, s, &w);
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
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The progress line on a terminal: rewritten at most every 0.2 s, wiped
 * before a message, ended by the last one.
 */
static void
progress(struct actor *A)
{
	double now = mono(), secs = now - A->started;
	long long failed = A->failed + (long long)tkt_loop_nbad(A->rd);

	if (!A->progress || now - A->lastprog < 0.2)
		return;
	A->lastprog = now;
	fprintf(stderr, "\r\033[K%s: %lld done, %lld skipped, %lld failed",
	    tkt_getprogname(), A->succeeded - A->skipped, A->skipped, failed);
	if (secs >= 0.2)
		fprintf(stderr, ", %.0f/s",
		    (double)(A->succeeded + failed) / secs);
	A->shown = 1;
}

static void
progress_wipe(struct actor *A)
{
	if (A->shown)
		fputs("\r\033[K", stderr);
	A->shown = 0;
}

/* Every step of the job was done before: by the journal, or by the state. */
static int
job_skipped(const struct job *j)
{
	if (j->failed || j->nsteps == 0)
		return 0;
	for (int i = 0; i < j->nsteps; i++)
		if (!j->steps[i].skipped)
			return 0;
	return 1;
}

/* The host (and port) of a store's url, into h. */
static void
url_host(const char *url, char *h, size_t size)
{
	struct tkt_url u;

	if (url != NULL && tkt_url_parse(url, &u) == 0)
		snprintf(h, size, "%.*s", (int)u.hostlen, u.host);
	else
		snprintf(h, size, "%s", url ? url : "");
}

/* msg with each copy of id taken out (id empty: msg as it is). */
static char *
without_id(const char *msg, const char *id)
{
	struct tkt_buf b;
	size_t n = strlen(id);
	const char *p;

	tkt_buf_init(&b);
	while (n > 0 && (p = strstr(msg, id)) != NULL) {
		tkt_buf_add(&b, msg, (size_t)(p - msg));
		tkt_buf_adds(&b, "ID");
		msg = p + n;
	}
	tkt_buf_adds(&b, msg);
	return b.s;
}

/*
 * Counts the job's error among those said before: 1 when it is the first
 * of its kind (to be printed), 0 when it repeats one (folded).
 */
static int
fold(struct actor *A, const struct job *j)
{
	char host[256] = "";
	char *msg = without_id(j->err.msg, j->id);
	struct fold *f;

	if (j->err.kind != TKT_E_LOCAL && j->err.kind != TKT_E_USAGE)
		url_host(A->store->url, host, sizeof(host));
	for (size_t i = 0; i < A->nfolds; i++) {
		f = &A->folds[i];
		if (f->kind == j->err.kind && strcmp(f->msg, msg) == 0 &&
		    strcmp(f->host ? f->host : "", host) == 0) {
			free(msg);
			return f->n++ == 0;
		}
	}
	if (A->nfolds == NFOLD) {
		free(msg);
		return 1;
	}
	f = &A->folds[A->nfolds++];
	f->kind = j->err.kind;
	f->host = host[0] ? xstrdup(host) : NULL;
	f->msg = msg;
	f->n = 1;
	return 1;
}

/*
 * The family of a failure, for the summary: a server's error by its HTTP
 * status, else the message up to its first detail (": ", " (", "; "),
 * an order's id left out ("not awaiting the merchant").
 */
static void
family_name(const struct tkt_error *e, char *out, size_t size)
{
	const char *m = e->msg;
	size_t n;
	int cut;

	if (e->kind == TKT_E_REMOTE && e->http >= 500) {
		snprintf(out, size, "server error (HTTP %d)", (int)e->http);
		return;
	}
	if (e->kind == TKT_E_REMOTE && e->http == 429) {
		snprintf(out, size, "too many requests (HTTP 429)");
		return;
	}
	if (strncmp(m, "order ", 6) == 0 && (n = strcspn(m + 6, ": ")) > 0 &&
	    strncmp(m + 6 + n, ": ", 2) == 0)
		m += 6 + n + 2;
	for (n = 0; m[n] != '\0'; n++)
		if (strncmp(m + n, ": ", 2) == 0 || strncmp(m + n, " (", 2) == 0 ||
		    strncmp(m + n, "; ", 2) == 0)
			break;
	cut = n > 80;
	if (cut) {
		/* At a space if there is one late enough, never inside a character. */
		size_t sp = 80;

		while (sp > 40 && m[sp] != ' ')
			sp--;
		n = sp > 40 ? sp : 80;
		while (n > 0 && ((unsigned char)m[n] & 0xc0) == 0x80)
			n--;
	}
	if (n == 0)
		snprintf(out, size, "%s", tkt_ekind_name(e->kind));
	else if (e->kind == TKT_E_REMOTE && e->http >= 400)
		snprintf(out, size, "%.*s%s (HTTP %d)", (int)n, m,
		    cut ? "…" : "", (int)e->http);
	else
		snprintf(out, size, "%.*s%s", (int)n, m, cut ? "…" : "");
}

static void
family_count(struct actor *A, const char *name, long long n)
{
	for (size_t i = 0; i < A->nfams; i++)
		if (strcmp(A->fams[i].name, name) == 0) {
			A->fams[i].n += n;
			return;
		}
	if (A->nfams == NFAMILY) {
		A->otherfam += n;
		return;
	}
	A->fams[A->nfams].name = xstrdup(name);
	A->fams[A->nfams++].n = n;
}

/*
 * The record's reply with the edited text: its other members as they
 * were, without spans (they were the record's text's); into b.
 */
static void
edited_reply(const struct job *j, struct tkt_buf *b)
{
	const struct tkt_rec *r = &j->rec;
	const struct tkt_jnode *rp = tkt_rec_get(r, &r->nodes[0], "reply"), *x;

	tkt_buf_adds(b, "{");
	if (rp != NULL && rp->type == TKT_J_OBJECT)
		for (x = tkt_rec_child(r, rp); x != NULL; x = tkt_rec_next(r, x)) {
			size_t kl;
			const char *k = tkt_rec_key(r, x, &kl);

			if ((kl == 4 && memcmp(k, "text", 4) == 0) ||
			    (kl == 5 && memcmp(k, "spans", 5) == 0) ||
			    (kl == 6 && memcmp(k, "edited", 6) == 0))
				continue;
			tkt_json_str(b, k, kl);
			tkt_buf_adds(b, ":");
			tkt_buf_add(b, r->line + x->start, x->end - x->start);
			tkt_buf_adds(b, ",");
		}
	tkt_buf_adds(b, "\"text\":");
	tkt_json_strz(b, j->text);
	tkt_buf_adds(b, ",\"edited\":true}");
}

/* Prints the job's record with its result; quiet: no message on stderr. */
static void
emit(struct actor *A, struct job *j, int quiet)
{
	use_store(A, j);
	tkt_buf_reset(&A->res);
	result_json(A, j, &A->res);
	tkt_buf_reset(&A->out);
	if (j->rec.nnodes == 0) {
		tkt_buf_adds(&A->out, "{\"id\":");
		tkt_json_strz(&A->out, j->id);
		tkt_buf_adds(&A->out, ",\"result\":");
		tkt_buf_add(&A->out, A->res.s, A->res.len);
		tkt_buf_adds(&A->out, "}\n");
	} else {
		struct tkt_edit eds[2];
		struct tkt_buf rp;
		size_t n = 0;

		tkt_buf_init(&rp);
		/* An edited text is the record's reply.text now, no spans. */
		if (j->edited) {
			edited_reply(j, &rp);
			eds[n++] = (struct tkt_edit){ "reply", rp.s, rp.len };
		}
		eds[n++] = (struct tkt_edit){ "result", A->res.s, A->res.len };
		tkt_rec_splice(&j->rec, eds, n, &A->out);
		tkt_buf_free(&rp);
	}
	if (A->plan != NULL)
		tkt_plan_put(A->plan, &j->rec, j->id, j->text, A->res.s,
		    A->res.len);
	else
		tkt_out_line(A->out.s, A->out.len);
	if (j->failed && j->err.kind == TKT_E_SKIPPED) {
		/* Said on the terminal already; counted on its own. */
		A->failed++;
		A->declined++;
		A->status = tkt_exit_merge(A->status, j->err.status);
	} else if (j->failed) {
		struct tkt_error e = j->err;

		if (tkt_id_valid(j->id, strlen(j->id)))
			tkt_error_where(&e, "%s: ticket %s", j->where, j->id);
		else
			tkt_error_where(&e, "%s", j->where);
		if (!quiet && fold(A, j)) {
			progress_wipe(A);
			tkt_error_print(&e);
		}
		A->failed++;
		if (j->stopped)
			A->nstopped++;
		else {
			char fam[128];

			family_name(&j->err, fam, sizeof(fam));
			family_count(A, fam, 1);
		}
		A->status = tkt_exit_merge(A->status, e.status);
	} else {
		A->succeeded++;
		A->skipped += job_skipped(j);
	}
	progress(A);
}

static void
job_free(struct job *j)
{
	tkt_http_req_free(&j->req);
	for (int i = 0; i < j->nsteps; i++)
		free(j->steps[i].order);
	free(j->steps);
	tkt_rec_free(&j->rec);
	free(j->id);
	free(j->text);
	free(j->waiting);
	free(j->updated);
	tkt_rec_free(&j->seen);
	free(j->locale);
	free(j->draft);
	memset(j, 0, sizeof(*j));
}

/*
 * -i: each reply is shown on the terminal and waits for a person's answer
 * (send, edit, skip, quit) before it is sent.  The questions come one at
 * a time, from the top level (take(), the end of the run), never from
 * inside the engine; while one waits, the engine runs on, so that the
 * replies answered before go out meanwhile.
 */

/* Fails the job, unsent, as a person chose; quit: the review was quit. */
static void
skip_job(struct actor *A, struct job *j, int quit)
{
	struct tkt_error e;

	tkt_error_clear(&e);
	tkt_error_set(&e, TKT_EXIT_NO, TKT_E_SKIPPED, quit ?
	    "not sent: the review was quit" : "not sent: skipped at review");
	j->phase = PH_NONE;
	fail(A, j, &e);
}

/* The first job waiting for its review, in input order, or NULL. */
static struct job *
next_review(struct actor *A)
{
	for (int i = 0; i < A->count; i++) {
		struct job *j = &A->jobs[(A->head + i) % A->njobs];

		if (j->used && !j->done && j->phase == PH_REVIEW)
			return j;
	}
	return NULL;
}

/* "  label     value", the value escaped (text from buyers). */
static void
tty_line(struct actor *A, const char *label, const char *value)
{
	fprintf(A->ttyout, "  %-10s", label);
	tkt_esc_put(A->ttyout, value, strlen(value), 0);
	fputc('\n', A->ttyout);
}

/* Shows the reply a job would send: the ticket, its buyer, the text. */
static void
show(struct actor *A, struct job *j)
{
	const struct tkt_rec *r = j->rec.nnodes > 0 ? &j->rec :
	    j->seen.nnodes > 0 ? &j->seen : NULL;
	const char *name = NULL, *tmpl = A->o->tmpl, *p, *e;

	if (r != NULL) {
		name = tkt_rec_str(r, tkt_rec_path(r, "buyer.name"), NULL);
		if (tmpl == NULL && A->o->text == NULL && !j->edited)
			tmpl = tkt_rec_str(r, tkt_rec_path(r, "reply.template"),
			    NULL);
	}
	fputc('\n', A->ttyout);
	fputs("ticket ", A->ttyout);
	tkt_esc_put(A->ttyout, j->id, strlen(j->id), 0);
	if (name != NULL && *name != '\0') {
		fputs("  ", A->ttyout);
		tkt_esc_put(A->ttyout, name, strlen(name), 0);
	}
	fputc('\n', A->ttyout);
	if (j->locale != NULL)
		tty_line(A, "language", j->locale);
	if (tmpl != NULL)
		tty_line(A, "template", tmpl);
	if (A->o->resolve)
		tty_line(A, "then", "close the ticket (--resolve)");
	fprintf(A->ttyout, "  %s\n", j->edited ? "text (edited)" : "text");
	for (p = j->text; ; p = e + 1) {
		e = p + strcspn(p, "\n");
		fputs("    ", A->ttyout);
		tkt_esc_put(A->ttyout, p, (size_t)(e - p), TKT_ESC_TAB);
		fputc('\n', A->ttyout);
		if (*e == '\0')
			break;
	}
	fflush(A->ttyout);
}

/*
 * Waits for a line on the terminal while the engine runs on: its length
 * (0 at the end of input), or -1 once the run stops (a signal, a refused
 * token).  A line longer than buf is cut; the rest is read and dropped.
 */
static ssize_t
answer(struct actor *A, char *buf, size_t size)
{
	struct pollfd p;
	ssize_t n;

	for (;;) {
		/* What is done is out while a person thinks (whole lines). */
		if (fflush(stdout) != 0 && errno == EPIPE)
			tkt_sig_pipe();
		if (tkt_sig_caught() || tkt_http_stopped(A->http))
			return -1;
		p.fd = A->tty;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) > 0)
			break;
		tkt_http_watch(A->http, A->tty);
		n = tkt_http_run(A->http);
		tkt_http_watch(A->http, -1);
		pump(A, 0);
		/* Nothing under way: the terminal alone is waited for. */
		if (n == 0 && !tkt_sig_caught() && !tkt_http_stopped(A->http))
			poll(&p, 1, 1000);
	}
	if ((n = tkt_sig_read(A->tty, buf, size - 1)) < 0)
		return tkt_sig_caught() ? -1 : 0;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] != '\n') {
		char rest[256];
		ssize_t k;

		while ((k = tkt_sig_read(A->tty, rest, sizeof(rest))) > 0 &&
		    rest[k - 1] != '\n')
			;
	}
	return n;
}

/* The file's bytes as a new string, a last newline (or several) taken off. */
static char *
slurp(const char *path)
{
	struct tkt_buf b;
	char chunk[4096];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	tkt_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		tkt_buf_add(&b, chunk, n);
	fclose(fp);
	if (b.s == NULL)
		tkt_buf_adds(&b, "");
	while (b.len > 0 && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == '\r'))
		b.s[--b.len] = '\0';
	return tkt_buf_take(&b);
}

/*
 * Runs $VISUAL, else $EDITOR, else vi on the terminal, on a file holding
 * text: the file's text after (new), or NULL with why said.
 */
static char *
run_editor(struct actor *A, const char *text)
{
	const char *ed = getenv("VISUAL"), *dir = getenv("TMPDIR");
	char *path, *cmd, *out = NULL;
	int fd, st;
	pid_t pid;
	FILE *fp;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	path = xasprintf("%s/tkt-reply.XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		fprintf(A->ttyout, "cannot edit: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		free(path);
		return NULL;
	}
	fprintf(fp, "%s\n", text);
	if (fclose(fp) == EOF) {
		fprintf(A->ttyout, "cannot edit: %s: %s\n", path, strerror(errno));
		goto out;
	}
	fflush(A->ttyout);
	/* The editor is a command line, as a shell takes it: "$EDITOR" file. */
	cmd = xasprintf("%s \"$1\"", ed);
	if ((pid = fork()) == -1) {
		fprintf(A->ttyout, "cannot edit: fork: %s\n", strerror(errno));
		free(cmd);
		goto out;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		dup2(A->tty, STDIN_FILENO);
		dup2(A->tty, STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	free(cmd);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fprintf(A->ttyout, "the editor failed (%s %d): the text is "
		    "as it was\n", WIFEXITED(st) ? "status" : "signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	else if ((out = slurp(path)) == NULL)
		fprintf(A->ttyout, "cannot read %s: %s\n", path, strerror(errno));
out:
	unlink(path);
	free(path);
	return out;
}

/*
 * The checks of any text, on an edited one: empty, UTF-8, the length, a
 * placeholder left unrendered, the policy (its field spans are gone: a
 * person wrote it).  NULL, or why it is refused (valid until the next).
 */
static const char *
edit_refused(struct actor *A, struct job *j, const char *text, char *why,
    size_t size)
{
	size_t len = strlen(text), n;
	const char *w;

	if (len == 0)
		return "the reply is empty";
	if (tkt_utf8_check(text, len) != (size_t)-1)
		return "the reply is not valid UTF-8";
	if ((n = tkt_utf8_count(text, len)) > TKT_REPLY_MAX) {
		snprintf(why, size, "the reply is too long: %zu characters, "
		    "more than %d", n, TKT_REPLY_MAX);
		return why;
	}
	if ((w = strstr(text, "{{")) != NULL) {
		size_t k = strcspn(w, "}\n");

		if (w[k] == '}' && w[k + 1] == '}')
			k += 2;
		snprintf(why, size, "a placeholder is left unrendered: "
		    "\"%.*s\"", (int)(k > 60 ? 60 : k), w);
		return why;
	}
	tkt_spans_reset(&A->spans);
	if (A->policy != NULL &&
	    (w = policy_verdict(A, text, len, j->locale)) != NULL) {
		snprintf(why, size, "the reply %s", w);
		return why;
	}
	return NULL;
}

/* e: the text edited, checked; 0 when the job has it now. */
static int
edit(struct actor *A, struct job *j)
{
	const struct tkt_rec *tk = j->seen.nnodes > 0 ? &j->seen :
	    j->rec.nnodes > 0 ? &j->rec : NULL;
	char why[512];
	const char *no;
	char *t;

	if ((t = run_editor(A, j->draft ? j->draft : j->text)) == NULL)
		return -1;
	if (tkt_sig_caught())
		return free(t), -1;
	if (strcmp(t, j->text) == 0) {
		fputs("the text is unchanged\n", A->ttyout);
		free(j->draft);
		j->draft = NULL;
		free(t);
		return -1;
	}
	if ((no = edit_refused(A, j, t, why, sizeof(why))) != NULL) {
		fputs("refused: ", A->ttyout);
		tkt_esc_put(A->ttyout, no, strlen(no), 0);
		fputs("\n(e edits it again; the text to send is still the one "
		    "before)\n", A->ttyout);
		free(j->draft);
		j->draft = t;
		return -1;
	}
	free(j->draft);
	j->draft = NULL;
	free(j->text);
	j->text = t;
	j->edited = 1;
	tkt_text_hash(t, strlen(t), j->hash);
	if (tk != NULL) {
		const char *w = answered_since(tk, t);

		j->nprior = count_ours(tk, t);
		free(j->waiting);
		j->waiting = w ? xstrdup(w) : NULL;
	}
	/* The journal is asked about the new text (a re-run that sent it). */
	for (int i = 0; i < j->nsteps; i++)
		if (j->steps[i].act == TKT_ACT_REPLY && !j->steps[i].ok)
			j->steps[i].skipped = 0;
	check_journal(A, j);
	return 0;
}

/* q: this job and every one not sent yet come out unsent. */
static void
quit_reviews(struct actor *A, struct job *j)
{
	struct job *k;

	A->quit = 1;
	skip_job(A, j, 1);
	while ((k = next_review(A)) != NULL)
		skip_job(A, k, 1);
}

/* One job's review: 0 when answered, -1 when the run stopped meanwhile. */
static int
ask(struct actor *A, struct job *j)
{
	char line[256];
	ssize_t n;

	show(A, j);
	for (;;) {
		fputs("send, edit, skip, quit? [s/e/k/q] ", A->ttyout);
		fflush(A->ttyout);
		n = answer(A, line, sizeof(line));
		use_store(A, j);	/* the engine ran other jobs */
		if (n < 0) {
			fputc('\n', A->ttyout);
			fflush(A->ttyout);
			tkt_http_stop(A->http);
			return -1;
		}
		if (n == 0) {
			fputs("\n(the terminal's input ended: quit)\n", A->ttyout);
			quit_reviews(A, j);
			break;
		}
		switch (line[strspn(line, " \t")]) {
		case 's':
			j->phase = PH_NONE;
			advance(A, j);
			return 0;
		case 'k':
			skip_job(A, j, 0);
			return 0;
		case 'q':
			quit_reviews(A, j);
			return 0;
		case 'e':
			if (edit(A, j) == 0)
				show(A, j);
			if (tkt_sig_caught()) {
				tkt_http_stop(A->http);
				return -1;
			}
			break;
		default:
			fputs("s sends it, e edits it, k skips it (not sent), q "
			    "quits (nothing more is sent)\n", A->ttyout);
		}
	}
	fflush(A->ttyout);
	return 0;
}

/* Asks about each reply waiting for its review, in input order. */
static void
reviews(struct actor *A)
{
	struct job *j;

	if (A->tty < 0 || A->inreview)
		return;
	A->inreview = 1;
	while (!tkt_http_stopped(A->http) && (j = next_review(A)) != NULL) {
		use_store(A, j);
		if (ask(A, j) == -1)
			break;
		pump(A, 0);
	}
	fflush(A->ttyout);
	A->inreview = 0;
}

/*
 * Prints the finished jobs at the head of the window, in input order; the
 * engine's tick.  While the record loop waits for room (take), the engine
 * yields as soon as a slot is free.  A call from inside is a no-op.
 */
static void
pump(struct actor *A, int turn)
{
	struct tkt_error e;

	if (A->pumping)
		return;
	A->pumping = 1;
	tkt_error_clear(&e);
	/*
	 * Once an engine turn, before the requests of the turn start: the
	 * intents of the writes about to be sent reach the disk.  And
	 * confirmed actions reach it before their results are printed.
	 */
	if ((turn || (A->count > 0 && A->jobs[A->head].done)) &&
	    tkt_journal_sync(A->journal, &e) == -1) {
		tkt_error_print(&e);
		A->status = tkt_exit_merge(A->status, e.status);
	}
	while (A->count > 0 && A->jobs[A->head].done) {
		emit(A, &A->jobs[A->head], 0);
		job_free(&A->jobs[A->head]);
		A->head = (A->head + 1) % A->njobs;
		A->count--;
	}
	/*
	 * Room for a batch: the records taken then start in one turn, their
	 * intents made durable by one fsync, not one each.
	 */
	if (A->waiting && A->count <= A->njobs - REFILL)
		tkt_http_yield(A->http);
	A->pumping = 0;
}

/*
 * The record loop's callback: starts a job for r once the window has
 * room, running the engine meanwhile; -1 (the loop stops) once the run
 * stopped.  Jobs may finish at once (local errors, dry runs, the
 * journal): they are printed before the next line is read, so messages
 * keep the input's order.
 */
static int
take(struct tkt_rec *r, void *arg)
{
	struct actor *A = arg;

	int rc = 1;

	pump(A, 0);
	reviews(A);
	while (A->count == A->njobs && !tkt_http_stopped(A->http)) {
		A->waiting = 1;
		rc = tkt_http_run(A->http);
		A->waiting = 0;
		pump(A, 0);
		/* Room may wait on a person's answer (-i). */
		if (rc == 0 && (A->tty < 0 || next_review(A) == NULL))
			break;
		reviews(A);
	}
	if (tkt_http_stopped(A->http))
		return -1;
	if (A->count == A->njobs) {
		/* Every job waits on a request or a timer: not reached. */
		tkt_warnx("%s:%ju: no job left running to make room for this "
		    "record (a bug: please report it)", r->name, r->lineno);
		return -1;
	}
	A->count++;
	start(A, &A->jobs[(A->head + A->count - 1) % A->njobs], r);
	pump(A, 0);	/* what finished at once is out before the next line is read */
	/* -i: its question is asked before the next line is read. */
	if (A->tty >= 0) {
		reviews(A);
		pump(A, 0);
		/* Stopped at a question: no line more is read. */
		if (tkt_http_stopped(A->http))
			return -1;
	}
	return TKT_EXIT_OK;
}

/*
 * The token was refused and the run stopped at once: the records already
 * read still come out, in order, each saying what became of it; one line
 * on stderr sums them up.
 */
static void
drain(struct actor *A)
{
	long long unsent = 0, unknown = 0;
	int sig = tkt_sig_caught(), st = sig ? TKT_EXIT_NO : TKT_EXIT_TOKEN;
	int kind = sig ? TKT_E_INTERRUPTED : TKT_E_REFUSED;
	char why[64];
	struct tkt_error se;

	tkt_error_clear(&se);
	if (sig)
		snprintf(why, sizeof(why), "interrupted by %s", tkt_sig_name(sig));
	else
		snprintf(why, sizeof(why), "the token was refused");
	if (tkt_journal_sync(A->journal, &se) == -1) {
		tkt_error_print(&se);
		A->status = tkt_exit_merge(A->status, se.status);
	}

	for (; A->count > 0; A->count--, A->head = (A->head + 1) % A->njobs) {
		struct job *j = &A->jobs[A->head];
		struct tkt_error e;
		int quiet = 0;

		use_store(A, j);
		if (!j->done) {
			tkt_error_clear(&e);
			/*
			 * Unknown: a send answered after the stop without
			 * saying, or one whose read-back was due.  A send
			 * still queued (a first one, one the read-back showed
			 * was not applied, one refused with 429 or never
			 * connected and waiting to be retried) was not sent.
			 */
			if (j->phase == PH_REASONS)
				/* Refused; its reasons were being read. */
				e = j->steps[j->cur].err;
			else if (j->cur < j->nsteps &&
			    j->steps[j->cur].requested) {
				tkt_error_set(&e, st, sig ? kind : TKT_E_PENDING,
				    "order %s: the run stopped (%s) while Wish "
				    "was processing its refund: run again to finish "
				    "(the refund is not sent again)",
				    j->steps[j->cur].order, why);
				unknown++;
				j->stopped = 1;
			} else if (j->unsure || j->phase == PH_CHECK) {
				tkt_error_set(&e, st, kind, "the run stopped (%s) "
				    "while its %s was sent: the outcome is unknown",
				    why, act_names[j->steps[j->cur].act]);
				unknown++;
				j->stopped = 1;
			} else {
				struct step *s = j->cur < j->nsteps ?
				    &j->steps[j->cur] : NULL;

				tkt_error_set(&e, st, kind, "not sent: the run "
				    "stopped (%s)", why);
				quiet = 1;
				unsent++;
				j->stopped = 1;
				/* Its intent is journalled: it did not happen. */
				if (s != NULL && s->sends > 0 && !async_refund(A, s) &&
				    journal_put(A, j, s, TKT_JS_FAILED) == -1)
					goto out;
			}
			fail(A, j, &e);
		}
out:
		emit(A, j, quiet || sig == SIGPIPE);
		job_free(j);
	}
	if (tkt_journal_sync(A->journal, &se) == -1) {
		tkt_error_print(&se);
		A->status = tkt_exit_merge(A->status, se.status);
	}
	/* The summary line says what became of the run (summary()). */
	A->stopped = 1;
	A->unsent = unsent;
	A->unknown = unknown;
	if (sig)
		snprintf(A->stopwhy, sizeof(A->stopwhy), "%s", why);
}

/* What the run did, said in the summary line: "sent", "closed", … */
static const char *
done_word(const struct tkt_action_opts *o)
{
	static const char *done[] = { "sent", "closed", "appealed",
	    "re-opened", "refunded" };
	static const char *would[] = { "would be sent", "would be closed",
	    "would be appealed", "would be re-opened", "would be refunded" };

	return o->dry_run ? would[o->action] : done[o->action];
}

static int
fam_cmp(const void *a, const void *b)
{
	const struct family *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

/*
 * The end of a run on stderr: the errors folded (fold()), each with its
 * count, then one line: done, done before, failed by reason, and, when
 * the run stopped, what it left.  On a terminal always; else when
 * something failed, or with --summary.
 */
static void
summary(struct actor *A)
{
	long long bad = (long long)tkt_loop_nbad(A->rd);
	long long failed = A->failed - A->nstopped - A->declined + bad;
	struct tkt_buf b;
	size_t i;

	progress_wipe(A);
	for (i = 0; i < A->nfolds; i++)
		if (A->folds[i].n > 1)
			tkt_warnx("the same error for %lld records (%lld not "
			    "repeated above): %s%s%s", A->folds[i].n,
			    A->folds[i].n - 1, A->folds[i].host ?
			    A->folds[i].host : "", A->folds[i].host ? ": " : "",
			    A->folds[i].msg);
	if (tkt_sig_caught() == SIGPIPE)
		return;		/* nobody reads on: the journal tells */
	if (!isatty(STDERR_FILENO) && !A->o->summary && failed == 0 &&
	    !A->stopped && A->declined == 0)
		return;
	/* A plan on the terminal has summed it up, failures in it. */
	if (A->plan != NULL && !A->o->summary && !A->stopped)
		return;
	if (bad > 0)
		family_count(A, "unreadable input", bad);
	/* By count, the most first; equal counts in the order first met. */
	for (i = 1; i < A->nfams; i++)
		for (size_t k = i; k > 0 && fam_cmp(&A->fams[k - 1],
		    &A->fams[k]) > 0; k--) {
			struct family t = A->fams[k];

			A->fams[k] = A->fams[k - 1];
			A->fams[k - 1] = t;
		}
	tkt_buf_init(&b);
	if (A->stopped)
		tkt_buf_printf(&b, "stopped%s%s%s: ", A->stopwhy[0] ? " (" : "",
		    A->stopwhy, A->stopwhy[0] ? ")" : "");
	tkt_buf_printf(&b, "%lld %s, %lld already done, %lld failed",
	    A->succeeded - A->skipped, done_word(A->o), A->skipped, failed);
	if (A->nfams == 1 && A->otherfam == 0)
		tkt_buf_printf(&b, ": %s", A->fams[0].name);
	else if (A->nfams > 0) {
		long long other = A->otherfam;

		for (i = 0; i < A->nfams; i++) {
			if (i < FAMILIES_SAID)
				tkt_buf_printf(&b, "%s%lld %s", i ? ", " : ": ",
				    A->fams[i].n, A->fams[i].name);
			else
				other += A->fams[i].n;
		}
		if (other > 0)
			tkt_buf_printf(&b, ", %lld other", other);
	}
	if (A->declined > 0)
		tkt_buf_printf(&b, "; %lld skipped at review", A->declined);
	if (A->unsent + A->unknown > 0 || tkt_loop_cut(A->rd))
		tkt_buf_printf(&b, "; %lld record%s read but not sent, %lld with "
		    "an unknown outcome", A->unsent, A->unsent == 1 ? "" : "s",
		    A->unknown);
	if (tkt_loop_cut(A->rd))
		tkt_buf_adds(&b, "; the input was not read to its end");
	tkt_warnx("%s", b.s);
	tkt_buf_free(&b);
}

/*
 * Each field of --allow-field and allow_fields is a field of tkt-record(5)
 * (the data dir's record-fields; unchecked when it cannot be read).
 */
static int
check_fields(struct actor *A, struct tkt_error *e)
{
	char *path, *line = NULL;
	size_t cap = 0, i;
	struct tkt_strs known = { NULL, 0 };
	FILE *fp;
	int rc = 0;

	if (A->allow.n == 0)
		return 0;
	path = tkt_datafile("record-fields");
	fp = fopen(path, "r");
	free(path);
	if (fp == NULL)
		return 0;
	while (getline(&line, &cap, fp) != -1) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\t\n")] = '\0';
		tkt_strs_add(&known, line);
	}
	free(line);
	fclose(fp);
	for (i = 0; i < A->allow.n; i++)
		if (!tkt_strs_has(&known, A->allow.v[i])) {
			tkt_error_set(e, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "%s: '%s' is not a record field (tkt-record(5): "
			    "buyer.name, orders[].product_name, …)", i <
			    A->o->allow_fields.n ? "--allow-field" :
			    "allow_fields", A->allow.v[i]);
			rc = -1;
			break;
		}
	tkt_strs_free(&known);
	return rc;
}

static int
setup(struct actor *A)
{
	struct tkt_action_opts *o = A->o;
	struct tkt_http_opts ho;
	struct tkt_error e;

	tkt_error_clear(&e);
	/* -i asks on the terminal; the records come on stdin. */
	if (o->interactive) {
		int fd;

		if ((A->tty = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1 ||
		    (fd = dup(A->tty)) == -1 ||
		    (A->ttyout = fdopen(fd, "w")) == NULL) {
			tkt_warnx("-i asks about each reply on the terminal, "
			    "and there is none: /dev/tty: %s", strerror(errno));
			return TKT_EXIT_USAGE;
		}
	}
	if (tkt_config_load(&A->cfg, &e) == -1 ||
	    (A->dflt = A->store = tkt_config_store(&A->cfg, o->store, &e)) == NULL)
		goto usage;
	if ((A->mk = tkt_market(A->store)) == NULL) {
		tkt_warnx("store '%s': unknown API '%s'", A->store->name,
		    A->store->api);
		return TKT_EXIT_USAGE;
	}
	if (o->action == TKT_ACT_REOPEN && o->text == NULL &&
	    has(A, TKT_MC_REOPEN_TEXT)) {
		tkt_warnx("--reopen needs -m REASON on store '%s': API v2 sends "
		    "the reason to the buyer", A->store->name);
		return TKT_EXIT_USAGE;
	}
	if (!o->dry_run && tkt_store_token(A->store, &e) == -1)
		goto usage;
	if (!o->dry_run)
		tkt_oauth_warn(A->store);
	if ((A->nm.map = tkt_wishmap_default(&e)) == NULL)
		goto usage;
	A->nm.store = A->store;
	if ((o->action == TKT_ACT_REPLY || o->action == TKT_ACT_REOPEN) &&
	    !o->no_check &&
	    (A->policy = tkt_policy_load(NULL, &e)) == NULL)
		goto usage;
	A->refuse = o->no_fallback || A->cfg.fallback_refuse;
	for (size_t i = 0; i < o->allow_fields.n; i++)
		tkt_strs_add(&A->allow, o->allow_fields.v[i]);
	for (size_t i = 0; i < A->cfg.nallow_fields; i++)
		tkt_strs_add(&A->allow, A->cfg.allow_fields[i]);
	if (check_fields(A, &e) == -1)
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
	A->refund_wait = 60;
	if (o->refund_wait != NULL) {
		int64_t secs;

		/* A bare number has no unit: "5" is not taken for 5 seconds. */
		if (tkt_duration_parse(o->refund_wait, &secs) == -1 || secs < 0 ||
		    secs > 86400 || (secs != 0 && o->refund_wait[strspn(
		    o->refund_wait, "0123456789")] == '\0')) {
			tkt_warnx("--refund-wait: '%s' is not a duration (60s, "
			    "5m; 0 waits not at all)", o->refund_wait);
			return TKT_EXIT_USAGE;
		}
		A->refund_wait = (double)secs;
	}
	if ((A->journal = tkt_journal_open(o->journal, o->dry_run, &e)) == NULL)
		goto usage;
	memset(&ho, 0, sizeof(ho));
	ho.retries = -1;
	ho.parallel = o->parallel > 0 ? o->parallel : 4;
	ho.rate = o->rate;
	if (o->verbose)
		ho.log = vlog;
	ho.tick = tick;
	ho.tickarg = A;
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
	A.tty = -1;
	tkt_rec_init(&A.env);
	tkt_rec_init(&A.view);
	tkt_buf_init(&A.tmp);
	tkt_buf_init(&A.out);
	tkt_buf_init(&A.res);
	tkt_spans_init(&A.spans);
	tkt_out_init();
	if ((rc = setup(&A)) == TKT_EXIT_OK) {
		A.rd = tkt_loop_new(o->operands, o->noperands,
		    TKT_RD_TREE | TKT_RD_BAREID);
		tkt_loop_hint(A.rd, "ticket records or ids");
		A.progress = isatty(STDERR_FILENO) && !o->verbose &&
		    A.tty < 0;
		/* A plan on the terminal ends with its own sum. */
		if ((A.plan = tkt_plan_new(o)) != NULL)
			A.progress = 0;
		A.started = A.lastprog = mono();
		A.njobs = WINDOW;
		A.jobs = xcalloc((size_t)A.njobs, sizeof(*A.jobs));
		tkt_loop_run(A.rd, take, &A);
		for (;;) {
			reviews(&A);
			if (tkt_http_run(A.http) == 1)
				continue;
			/* Idle: done, unless a reply waits for its review. */
			if (tkt_http_stopped(A.http) || A.tty < 0 ||
			    next_review(&A) == NULL)
				break;
		}
		if (tkt_http_stopped(A.http))
			drain(&A);
		else
			pump(&A, 1);
		for (int i = 0; i < A.njobs; i++)
			job_free(&A.jobs[i]);
		free(A.jobs);
		A.status = tkt_exit_merge(A.status, tkt_loop_status(A.rd));
		tkt_plan_end(A.plan);
		summary(&A);
		tkt_loop_free(A.rd);
		rc = A.status;
		/* Remote failures with some success are a partial failure. */
		if (rc == TKT_EXIT_REMOTE && A.succeeded > 0)
			rc = TKT_EXIT_NO;
	}
	tkt_http_free(A.http);
	tkt_journal_close(A.journal);
	tkt_policy_free(A.policy);
	memo_free(&A);
	for (size_t i = 0; i < A.nfolds; i++) {
		free(A.folds[i].host);
		free(A.folds[i].msg);
	}
	for (size_t i = 0; i < A.nfams; i++)
		free(A.fams[i].name);
	free(A.why);
	tkt_spans_free(&A.spans);
	tkt_strs_free(&A.allow);
	tkt_tmplset_free(&A.tmpls);
	tkt_config_free(&A.cfg);
	tkt_rec_free(&A.env);
	tkt_rec_free(&A.view);
	tkt_buf_free(&A.tmp);
	tkt_buf_free(&A.out);
	tkt_buf_free(&A.res);
	if (A.ttyout != NULL)
		fclose(A.ttyout);
	if (A.tty >= 0)
		close(A.tty);
	return rc;
}

/* The options every action tool shares, so that the three faces agree. */
const struct tkt_opt tkt_action_optv[] = {
	{ 'n', "dry-run", NULL, "print the plan; send nothing, journal nothing" },
	{ 'v', "verbose", NULL, "log each request and answer on stderr" },
	{ TKT_OPT_FORCE, "force", NULL,
	    "act even where the journal says it was done" },
	{ 'P', "parallel", "n", "up to n requests at once (1 to 64; 4)" },
	{ TKT_OPT_RATE, "rate", "n/s", "start at most n requests a second" },
	{ 's', "store", "store", "the store to act on (tkt-config(5))" },
	{ TKT_OPT_SUMMARY, "summary", NULL,
	    "end with the summary line, also off a terminal" },
	{ TKT_OPT_NOW, "now", "time", "take time as now (for tests)" },
	{ 0, NULL, NULL, NULL }
};

static int
action_option(struct tkt_action_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'n': o->dry_run = 1; return 1;
	case 's': o->store = arg; return 1;
	case 'v': o->verbose = 1; return 1;
	case 'P': o->parallel = (int)tkt_opt_num("-P", arg, 1, 64); return 1;
	case TKT_OPT_FORCE: o->force = 1; return 1;
	case TKT_OPT_NOW: o->now = arg; return 1;
	case TKT_OPT_RATE: o->rate = tkt_opt_rate("--rate", arg); return 1;
	case TKT_OPT_SUMMARY: o->summary = 1; return 1;
	}
	return 0;
}

int
tkt_action_next(const struct tkt_tool *t, struct tkt_action_opts *o,
    int argc, char **argv, const char **arg)
{
	int c;

	while ((c = tkt_opt_next(t, argc, argv, arg)) != -1 &&
	    action_option(o, c, *arg))
		;
	return c;
}

int
tkt_action_run(struct tkt_action_opts *o, int argc, char **argv)
{
	o->operands = argv + optind;
	o->noperands = argc - optind;
	tkt_opt_now(o->now);
	return tkt_exit_stdout(tkt_action_main(o));
}
