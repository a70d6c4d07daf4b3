/*
 * sandbox_ops.c: the sandbox's changes to its store, one ticket at a time
 * under the store lock: state moves, replies and refunds.  Both API
 * versions call these, so a change made through one is what the other
 * reads; each version renders the outcome (struct sb_err) its own way.
 *
 * A v3 refund is asynchronous: its PUT leaves the order's "processing"
 * object IN_PROGRESS in the store, and the order is refunded (SUCCEEDED)
 * or not (FAILED) --refund-delay later, by sb_settle, which every request
 * calls before it reads or writes the store; so a refund ends at the first
 * request after its time, before that request sees the store, and every
 * step reaches the store file like any change (without a delay there is
 * one step, the end, as for any change made at once).  The refunds in
 * progress are also kept in a list, with their end on the real clock, so
 * that a request need not look through the store.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sandbox_priv.h"

void
sb_err_set(struct sb_err *e, unsigned http, long code, long data,
    const char *fmt, ...)
{
	va_list ap;

	e->http = http;
	e->code = code;
	e->data = data;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

int
sb_text_check(const char *name, const char *text, struct sb_err *e)
{
	size_t len = strlen(text), n;

	if (tkt_utf8_check(text, len) != (size_t)-1) {
		sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, 0,
		    "Invalid parameter '%s': not UTF-8", name);
		return -1;
	}
	if ((n = tkt_utf8_count(text, len)) > SB_MAX_REPLY) {
		sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, 0,
		    "Invalid parameter '%s': longer than %d characters (%zu)",
		    name, SB_MAX_REPLY, n);
		return -1;
	}
	return 0;
}

static void
not_found(struct sb_err *e, const char *what, const char *id)
{
	sb_err_set(e, SB_HTTP_BAD_REQUEST, 1004, strcmp(what, "Order") == 0 ?
	    2021 : 2031, "No '%s' Found with id: '%.200s'", what, id);
}

static void
quote(struct tkt_buf *b, const char *s)
{
	tkt_buf_reset(b);
	tkt_json_strz(b, s);
}

/* A MERCHANT reply appended to the replies array node of rec. */
static void
replies_plus(const struct tkt_rec *rec, const char *text, const char *at,
    struct tkt_buf *out)
{
	const struct tkt_jnode *rp = tkt_rec_get(rec, &rec->nodes[0], "replies");
	struct tkt_jw w;

	tkt_buf_reset(out);
	if (rp != NULL && rp->type == TKT_J_ARRAY && rp->nchild > 0) {
		tkt_buf_add(out, rec->line + rp->start, rp->end - rp->start - 1);
		tkt_buf_addc(out, ',');
	} else
		tkt_buf_addc(out, '[');
	tkt_jw_init(&w, out);
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "sender");
	tkt_jw_str(&w, "MERCHANT");
	tkt_jw_key(&w, "at");
	tkt_jw_str(&w, at);
	tkt_jw_key(&w, "message");
	tkt_jw_str(&w, text);
	tkt_jw_key(&w, "translated_message");
	tkt_jw_null(&w);
	tkt_jw_key(&w, "images");
	tkt_jw_arr(&w);
	tkt_jw_arr_end(&w);
	tkt_jw_obj_end(&w);
	tkt_buf_addc(out, ']');
}

static int
closed_state(const char *s)
{
	return strcmp(s, "CLOSED") == 0 || strcmp(s, "PERMANENTLY_CLOSED") == 0;
}

/* Checks the move from state; 0, or -1 and e. */
static int
allowed(int op, const char *state, struct sb_err *e)
{
	switch (op) {
	case SB_REPLY:
		if (closed_state(state))
			break;
		if (strcmp(state, "AWAITING_MERCHANT") != 0) {
			sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, 0,
			    "The ticket is not awaiting your response");
			return -1;
		}
		return 0;
	case SB_CLOSE:
		if (closed_state(state))
			break;
		return 0;
	case SB_APPEAL:
		if (closed_state(state))
			break;
		if (strcmp(state, "AWAITING_WISH") == 0) {
			sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, 0,
			    "The ticket is already awaiting Wish support");
			return -1;
		}
		return 0;
	case SB_REOPEN:
		if (strcmp(state, "CLOSED") == 0)
			return 0;
		sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, 0, "%s",
		    strcmp(state, "PERMANENTLY_CLOSED") == 0 ?
		    "The ticket is permanently closed and cannot be re-opened" :
		    "The ticket is not closed");
		return -1;
	}
	sb_err_set(e, SB_HTTP_BAD_REQUEST, 1010, 0, "The ticket is closed");
	return -1;
}

/* Saves ticket ti's new line (appending it to the log first). */
static int
commit(struct sandbox *sb, long ti, struct tkt_buf *nl, struct tkt_buf *line,
    struct sb_err *e)
{
	struct tkt_error err;

	tkt_error_clear(&err);
	if (nl->len > 0 && nl->s[nl->len - 1] == '\n')
		nl->len--;
	if (tkt_sbstore_update(sb->st, ti, nl->s, nl->len, &err) == -1) {
		sb_err_set(e, SB_HTTP_SERVER_ERROR, 9000, 0,
		    "The sandbox could not save the change: %s", err.msg);
		return -1;
	}
	if (line != NULL)
		tkt_buf_add(line, nl->s, nl->len);
	return 0;
}

/* Parses ticket ti's line into rec; -1 and e if the store holds garbage. */
static int
load(struct sandbox *sb, long ti, const char *id, struct tkt_rec *rec,
    struct sb_err *e)
{
	struct tkt_error err;
	size_t len;
	const char *line = tkt_sbstore_line(sb->st, ti, &len);

	tkt_error_clear(&err);
	if (tkt_rec_parse(rec, line, len, TKT_RD_TREE, &err) == -1) {
		sb_err_set(e, SB_HTTP_SERVER_ERROR, 9000, 0,
		    "Ticket %s is damaged in the store: %s", id, err.msg);
		return -1;
	}
	return 0;
}

int
sb_ticket_move(struct sandbox *sb, const char *id, int op, const char *text,
    struct tkt_buf *line, struct sb_err *e)
{
	const char *state;
	struct tkt_rec rec;
	struct tkt_buf vstate, vnow, vrep, vby, out;
	struct tkt_edit ed[5];
	char now[21];
	size_t ned = 0;
	long ti;
	int rv = -1;

	tkt_rec_init(&rec);
	tkt_buf_init(&vstate);
	tkt_buf_init(&vnow);
	tkt_buf_init(&vrep);
	tkt_buf_init(&vby);
	tkt_buf_init(&out);
	pthread_mutex_lock(&sb->mu);
	if ((ti = tkt_sbstore_find(sb->st, id)) == -1) {
		not_found(e, "Ticket", id);
		goto out;
	}
	if (load(sb, ti, id, &rec, e) == -1)
		goto out;
	state = tkt_rec_field(&rec, "state");
	if (allowed(op, state ? state : "", e) == -1)
		goto out;
	tkt_time_format(tkt_now(), now);
	quote(&vnow, now);
	ed[ned++] = (struct tkt_edit){ "updated_at", vnow.s, vnow.len };
	switch (op) {
	case SB_REPLY:
		quote(&vstate, "AWAITING_USER");
		break;
	case SB_CLOSE:
		quote(&vstate, "CLOSED");
		quote(&vby, "merchant");
		ed[ned++] = (struct tkt_edit){ "closed_at", vnow.s, vnow.len };
		ed[ned++] = (struct tkt_edit){ "closed_by", vby.s, vby.len };
		break;
	case SB_APPEAL:
		quote(&vstate, "AWAITING_WISH");
		break;
	case SB_REOPEN:
		quote(&vstate, "AWAITING_MERCHANT");
		ed[ned++] = (struct tkt_edit){ "closed_at", "null", 4 };
		ed[ned++] = (struct tkt_edit){ "closed_by", "null", 4 };
		break;
	}
	ed[ned++] = (struct tkt_edit){ "state", vstate.s, vstate.len };
	if (text != NULL) {
		replies_plus(&rec, text, now, &vrep);
		ed[ned++] = (struct tkt_edit){ "replies", vrep.s, vrep.len };
	}
	tkt_rec_splice(&rec, ed, ned, &out);
	rv = commit(sb, ti, &out, line, e);
out:
	pthread_mutex_unlock(&sb->mu);
	tkt_rec_free(&rec);
	tkt_buf_free(&vstate);
	tkt_buf_free(&vnow);
	tkt_buf_free(&vrep);
	tkt_buf_free(&vby);
	tkt_buf_free(&out);
	return rv;
}

/* Milliseconds since the epoch on the real clock (never --now). */
int64_t
sb_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Order id's element in rec, or NULL. */
static const struct tkt_jnode *
order_node(const struct tkt_rec *rec, const char *id)
{
	const struct tkt_jnode *o = tkt_rec_get(rec, &rec->nodes[0], "orders");

	for (o = tkt_rec_child(rec, o); o != NULL; o = tkt_rec_next(rec, o)) {
		const char *oid = tkt_rec_str(rec, tkt_rec_get(rec, o, "id"), NULL);

		if (oid != NULL && strcmp(oid, id) == 0)
			return o;
	}
	return NULL;
}

/* Order o's processing object, or NULL. */
static const struct tkt_jnode *
processing(const struct tkt_rec *rec, const struct tkt_jnode *o)
{
	const struct tkt_jnode *p = tkt_rec_get(rec, o, "processing");

	return p != NULL && p->type == TKT_J_OBJECT ? p : NULL;
}

static int
in_progress(const struct tkt_rec *rec, const struct tkt_jnode *o)
{
	const char *st = tkt_rec_str(rec, tkt_rec_get(rec, processing(rec, o),
	    "status"), NULL);

	return st != NULL && strcmp(st, "IN_PROGRESS") == 0;
}

/*
 * Ticket rec's line with order o's element edited by ed and the ticket's
 * updated_at set to now, into out (with a newline).  0, or -1 and e.
 */
static int
order_splice(const struct tkt_rec *rec, const struct tkt_jnode *o,
    const struct tkt_edit *ed, size_t ned, const char *now,
    struct tkt_buf *out, struct sb_err *e)
{
	const struct tkt_jnode *orders = tkt_rec_get(rec, &rec->nodes[0],
	    "orders"), *c;
	struct tkt_buf arr, vnow;
	struct tkt_edit ted[2];
	struct tkt_error err;
	struct tkt_rec el;
	int rv = -1;

	tkt_buf_init(&arr);
	tkt_buf_init(&vnow);
	tkt_rec_init(&el);
	tkt_error_clear(&err);
	tkt_buf_addc(&arr, '[');
	for (c = tkt_rec_child(rec, orders); c != NULL; c = tkt_rec_next(rec, c)) {
		if (arr.len > 1)
			tkt_buf_addc(&arr, ',');
		if (c != o) {
			tkt_buf_add(&arr, rec->line + c->start, c->end - c->start);
			continue;
		}
		if (tkt_rec_parse(&el, rec->line + c->start, c->end - c->start,
		    TKT_RD_TOP, &err) == -1) {
			sb_err_set(e, SB_HTTP_SERVER_ERROR, 9000, 0,
			    "The order's ticket is damaged in the store: %s",
			    err.msg);
			goto out;
		}
		tkt_rec_splice(&el, ed, ned, &arr);
		arr.len--;	/* the newline */
	}
	tkt_buf_addc(&arr, ']');
	quote(&vnow, now);
	ted[0] = (struct tkt_edit){ "orders", arr.s, arr.len };
	ted[1] = (struct tkt_edit){ "updated_at", vnow.s, vnow.len };
	tkt_rec_splice(rec, ted, 2, out);
	rv = 0;
out:
	tkt_rec_free(&el);
	tkt_buf_free(&arr);
	tkt_buf_free(&vnow);
	return rv;
}

/*
 * Saves ticket ti (parsed in rec) edited as order_splice does; the new line
 * is appended to line when it is not NULL.  0, or -1 and e.
 */
static int
order_commit(struct sandbox *sb, long ti, const struct tkt_rec *rec,
    const struct tkt_jnode *o, const struct tkt_edit *ed, size_t ned,
    const char *now, struct tkt_buf *line, struct sb_err *e)
{
	struct tkt_buf out;
	int rv;

	tkt_buf_init(&out);
	if ((rv = order_splice(rec, o, ed, ned, now, &out, e)) == 0)
		rv = commit(sb, ti, &out, line, e);
	tkt_buf_free(&out);
	return rv;
}

/* The edits that refund an order, at now, for text; ed needs 5. */
static size_t
refunded_edits(struct tkt_edit *ed, const char *text, const char *now,
    struct tkt_buf v[4])
{
	char day[11];

	memcpy(day, now, 10);
	day[10] = '\0';
	quote(&v[0], text);
	quote(&v[1], day);
	quote(&v[2], "REFUNDED BY MERCHANT");
	quote(&v[3], now);
	ed[0] = (struct tkt_edit){ "state", "\"REFUNDED\"", 10 };
	ed[1] = (struct tkt_edit){ "refunded_reason", v[0].s, v[0].len };
	ed[2] = (struct tkt_edit){ "refunded_time", v[1].s, v[1].len };
	ed[3] = (struct tkt_edit){ "refunded_by", v[2].s, v[2].len };
	ed[4] = (struct tkt_edit){ "last_updated", v[3].s, v[3].len };
	return 5;
}

/* Finds order id's ticket and parses it into rec: its index, or -1 and e. */
static long
order_load(struct sandbox *sb, const char *id, struct tkt_rec *rec,
    const struct tkt_jnode **o, struct sb_err *e)
{
	long ti;

	if ((ti = tkt_sbstore_find_order(sb->st, id)) == -1) {
		not_found(e, "Order", id);
		return -1;
	}
	if (load(sb, ti, id, rec, e) == -1)
		return -1;
	if ((*o = order_node(rec, id)) == NULL) {
		not_found(e, "Order", id);
		return -1;
	}
	return ti;
}

/* The refusals both versions share: refunded already, or being refunded. */
static int
refundable(const struct tkt_rec *rec, const struct tkt_jnode *o,
    const char *id, struct sb_err *e)
{
	const char *st = tkt_rec_str(rec, tkt_rec_get(rec, o, "state"), NULL);

	if (st != NULL && strcmp(st, "REFUNDED") == 0) {
		sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, 0,
		    "Order %.40s is already refunded", id);
		return -1;
	}
	if (in_progress(rec, o)) {
		sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, 0,
		    "A refund of order %.40s is in progress", id);
		return -1;
	}
	return 0;
}

int
sb_refund(struct sandbox *sb, const char *id, const char *reason,
    struct tkt_buf *line, struct sb_err *e)
{
	const struct tkt_jnode *o;
	struct tkt_rec rec;
	struct tkt_buf v[4];
	struct tkt_edit ed[6];
	char now[21];
	size_t ned;
	long ti;
	int rv = -1;

	tkt_rec_init(&rec);
	for (size_t i = 0; i < 4; i++)
		tkt_buf_init(&v[i]);
	pthread_mutex_lock(&sb->mu);
	if ((ti = order_load(sb, id, &rec, &o, e)) == -1 ||
	    refundable(&rec, o, id, e) == -1)
		goto out;
	tkt_time_format(tkt_now(), now);
	ned = refunded_edits(ed, reason, now, v);
	/* A v3 refund that failed before is no longer the order's news. */
	ed[ned++] = (struct tkt_edit){ "processing", NULL, 0 };
	rv = order_commit(sb, ti, &rec, o, ed, ned, now, line, e);
out:
	pthread_mutex_unlock(&sb->mu);
	tkt_rec_free(&rec);
	for (size_t i = 0; i < 4; i++)
		tkt_buf_free(&v[i]);
	return rv;
}

/* Remembers that order id's refund ends at due (ms, real clock). */
static void
pending_add(struct sandbox *sb, const char *id, int64_t due)
{
	if (sb->npend == sb->cappend) {
		sb->cappend = sb->cappend ? sb->cappend * 2 : 16;
		sb->pend = xreallocarray(sb->pend, sb->cappend,
		    sizeof(*sb->pend));
	}
	snprintf(sb->pend[sb->npend].order, sizeof(sb->pend[0].order), "%s",
	    id);
	sb->pend[sb->npend++].due = due;
}

/*
 * Ends the refund in progress of order o of ticket ti, parsed in rec
 * (under the store lock), and saves the ticket: SUCCEEDED, the order
 * refunded, or FAILED, the order as it was, as the refund's fail member
 * says.  0, or -1 and e when the change could not be saved.
 */
static int
finish(struct sandbox *sb, long ti, const struct tkt_rec *rec,
    const struct tkt_jnode *o, struct sb_err *e)
{
	const struct tkt_jnode *p = processing(rec, o), *f;
	struct tkt_rec pr;
	struct tkt_buf v[4], vp, vnow;
	struct tkt_edit ed[7], ped[2];
	struct tkt_error err;
	const char *text;
	char now[21];
	size_t ned = 0;
	int fail, rv = 0;

	tkt_rec_init(&pr);
	tkt_buf_init(&vp);
	tkt_buf_init(&vnow);
	for (size_t i = 0; i < 4; i++)
		tkt_buf_init(&v[i]);
	fail = (f = tkt_rec_get(rec, p, "fail")) != NULL &&
	    f->type == TKT_J_TRUE;
	text = tkt_rec_str(rec, tkt_rec_get(rec, p, "text"), NULL);
	tkt_time_format(tkt_now(), now);
	quote(&vnow, now);
	if (tkt_rec_parse(&pr, rec->line + p->start, p->end - p->start,
	    TKT_RD_TOP, &err) == -1)
		goto out;
	ped[0] = (struct tkt_edit){ "status", fail ? "\"FAILED\"" :
	    "\"SUCCEEDED\"", fail ? 8 : 11 };
	ped[1] = (struct tkt_edit){ "ended_at", vnow.s, vnow.len };
	tkt_rec_splice(&pr, ped, 2, &vp);
	vp.len--;	/* the newline */
	if (fail)
		ed[ned++] = (struct tkt_edit){ "last_updated", vnow.s, vnow.len };
	else
		ned = refunded_edits(ed, text != NULL ? text : "", now, v);
	ed[ned++] = (struct tkt_edit){ "processing", vp.s, vp.len };
	rv = order_commit(sb, ti, rec, o, ed, ned, now, NULL, e);
out:
	tkt_rec_free(&pr);
	tkt_buf_free(&vp);
	tkt_buf_free(&vnow);
	for (size_t i = 0; i < 4; i++)
		tkt_buf_free(&v[i]);
	return rv;
}

/*
 * Ends order id's refund in progress, if it has one; 0 also when there is
 * nothing to end.
 */
static int
settle_one(struct sandbox *sb, const char *id, struct sb_err *e)
{
	const struct tkt_jnode *o;
	struct tkt_rec rec;
	long ti;
	int rv = 0;

	tkt_rec_init(&rec);
	if ((ti = order_load(sb, id, &rec, &o, e)) != -1 && in_progress(&rec, o))
		rv = finish(sb, ti, &rec, o, e);
	tkt_rec_free(&rec);
	return rv;
}

int
sb_refund_start(struct sandbox *sb, const char *id, const struct sb_refund *rq,
    struct tkt_buf *line, struct sb_err *e)
{
	const struct tkt_jnode *o;
	struct tkt_rec rec, iprec;
	struct tkt_buf vp, vnow, ipline;
	struct tkt_edit ed[2];
	struct tkt_error err;
	struct tkt_jw w;
	const char *st;
	char now[21];
	int64_t due;
	long ti;
	int rv = -1;

	tkt_rec_init(&rec);
	tkt_rec_init(&iprec);
	tkt_buf_init(&vp);
	tkt_buf_init(&vnow);
	tkt_buf_init(&ipline);
	pthread_mutex_lock(&sb->mu);
	if ((ti = order_load(sb, id, &rec, &o, e)) == -1 ||
	    refundable(&rec, o, id, e) == -1)
		goto out;
	st = tkt_rec_str(&rec, tkt_rec_get(&rec, o, "state"), NULL);
	if (rq->check(st != NULL ? st : "", rq->reason, id, e) == -1)
		goto out;
	tkt_time_format(tkt_now(), now);
	due = sb_clock_ms() + sb->refund_delay_ms;
	tkt_jw_init(&w, &vp);
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "source");
	tkt_jw_str(&w, "REFUND");
	tkt_jw_key(&w, "status");
	tkt_jw_str(&w, "IN_PROGRESS");
	tkt_jw_key(&w, "reason");
	tkt_jw_str(&w, rq->reason);
	tkt_jw_key(&w, "note");
	tkt_jw_str(&w, rq->note);
	tkt_jw_key(&w, "text");
	tkt_jw_str(&w, rq->text);
	tkt_jw_key(&w, "started_at");
	tkt_jw_str(&w, now);
	tkt_jw_key(&w, "due_ms");
	tkt_jw_int(&w, (long long)due);
	tkt_jw_key(&w, "fail");
	tkt_jw_bool(&w, rq->fail);
	tkt_jw_obj_end(&w);
	quote(&vnow, now);
	ed[0] = (struct tkt_edit){ "processing", vp.s, vp.len };
	ed[1] = (struct tkt_edit){ "last_updated", vnow.s, vnow.len };
	if (sb->refund_delay_ms > 0) {
		if ((rv = order_commit(sb, ti, &rec, o, ed, 2, now, line,
		    e)) == 0)
			pending_add(sb, id, due);
		goto out;
	}
	/*
	 * Without --refund-delay the refund ends before the answer goes out,
	 * though the answer shows it in progress, as it was when asked; the
	 * store gets the one line of its end, as for a change made at once.
	 */
	if ((rv = order_splice(&rec, o, ed, 2, now, &ipline, e)) == -1)
		goto out;
	ipline.len--;	/* the newline */
	tkt_error_clear(&err);
	if (tkt_rec_parse(&iprec, ipline.s, ipline.len, TKT_RD_TREE,
	    &err) == -1 || (o = order_node(&iprec, id)) == NULL) {
		sb_err_set(e, SB_HTTP_SERVER_ERROR, 9000, 0,
		    "The order's ticket is damaged in the store: %s", err.msg);
		rv = -1;
		goto out;
	}
	if ((rv = finish(sb, ti, &iprec, o, e)) == 0)
		tkt_buf_add(line, ipline.s, ipline.len);
out:
	pthread_mutex_unlock(&sb->mu);
	tkt_rec_free(&rec);
	tkt_rec_free(&iprec);
	tkt_buf_free(&vp);
	tkt_buf_free(&vnow);
	tkt_buf_free(&ipline);
	return rv;
}

void
sb_settle(struct sandbox *sb)
{
	struct sb_err e;
	int64_t now;

	pthread_mutex_lock(&sb->mu);
	if (sb->npend > 0) {
		now = sb_clock_ms();
		for (size_t i = 0; i < sb->npend;) {
			/* One that cannot be saved is tried again next time. */
			if (sb->pend[i].due > now ||
			    settle_one(sb, sb->pend[i].order, &e) == -1) {
				i++;
				continue;
			}
			memmove(&sb->pend[i], &sb->pend[i + 1],
			    (sb->npend - i - 1) * sizeof(*sb->pend));
			sb->npend--;
		}
	}
	pthread_mutex_unlock(&sb->mu);
}

void
sb_pending_load(struct sandbox *sb)
{
	struct tkt_error err;
	struct tkt_rec rec;
	size_t n = tkt_sbstore_count(sb->st);

	tkt_rec_init(&rec);
	pthread_mutex_lock(&sb->mu);
	for (size_t i = 0; i < n; i++) {
		const struct tkt_jnode *o;
		size_t len;
		const char *line = tkt_sbstore_line(sb->st, (long)i, &len);

		if (strstr(line, "\"IN_PROGRESS\"") == NULL ||
		    tkt_rec_parse(&rec, line, len, TKT_RD_TREE, &err) == -1)
			continue;
		o = tkt_rec_get(&rec, &rec.nodes[0], "orders");
		for (o = tkt_rec_child(&rec, o); o != NULL;
		    o = tkt_rec_next(&rec, o)) {
			const struct tkt_jnode *d;
			const char *oid, *es;
			long long due = 0;

			oid = tkt_rec_str(&rec, tkt_rec_get(&rec, o, "id"), NULL);
			if (oid == NULL || !in_progress(&rec, o))
				continue;
			d = tkt_rec_get(&rec, processing(&rec, o), "due_ms");
			if (d != NULL && d->type == TKT_J_NUMBER)
				tkt_num_parse(rec.strs + d->str, 0, INT64_MAX,
				    &due, &es);
			pending_add(sb, oid, (int64_t)due);
		}
	}
	pthread_mutex_unlock(&sb->mu);
	tkt_rec_free(&rec);
}

int
sb_ticket_copy(struct sandbox *sb, const char *id, int by_order,
    struct tkt_buf *line, struct sb_err *e)
{
	const char *s;
	size_t len;
	long ti;

	pthread_mutex_lock(&sb->mu);
	ti = by_order ? tkt_sbstore_find_order(sb->st, id) :
	    tkt_sbstore_find(sb->st, id);
	if (ti != -1) {
		s = tkt_sbstore_line(sb->st, ti, &len);
		tkt_buf_add(line, s, len);
	}
	pthread_mutex_unlock(&sb->mu);
	if (ti == -1) {
		not_found(e, by_order ? "Order" : "Ticket", id);
		return -1;
	}
	return 0;
}
