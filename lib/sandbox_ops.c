/*
 * sandbox_ops.c: the sandbox's changes to its store, one ticket at a time
 * under the store lock: state moves, replies and refunds.  Both API
 * versions call these, so a change made through one is what the other
 * reads; each version renders the outcome (struct sb_err) its own way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sandbox_priv.h"

void
sb_err_set(struct sb_err *e, unsigned http, long code, const char *data,
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
		sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, "{}",
		    "Invalid parameter '%s': not UTF-8", name);
		return -1;
	}
	if ((n = tkt_utf8_count(text, len)) > SB_MAX_REPLY) {
		sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, "{}",
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
	    "2021" : "2031", "No '%s' Found with id: '%.200s'", what, id);
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
			sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, "{}",
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
			sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, "{}",
			    "The ticket is already awaiting Wish support");
			return -1;
		}
		return 0;
	case SB_REOPEN:
		if (strcmp(state, "CLOSED") == 0)
			return 0;
		sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, "{}", "%s",
		    strcmp(state, "PERMANENTLY_CLOSED") == 0 ?
		    "The ticket is permanently closed and cannot be re-opened" :
		    "The ticket is not closed");
		return -1;
	}
	sb_err_set(e, SB_HTTP_BAD_REQUEST, 1010, "{}", "The ticket is closed");
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
		sb_err_set(e, SB_HTTP_SERVER_ERROR, 9000, "{}",
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
		sb_err_set(e, SB_HTTP_SERVER_ERROR, 9000, "{}",
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

/* The order element o of rec, refunded, into out (no newline). */
static int
refund_order(const struct tkt_rec *rec, const struct tkt_jnode *o,
    const char *reason, const char *now, struct tkt_buf *out,
    struct tkt_error *err)
{
	struct tkt_rec el;
	struct tkt_buf vr, vs, vd, vn, vb;
	struct tkt_edit ed[5];
	char day[11];
	int rv;

	tkt_rec_init(&el);
	if ((rv = tkt_rec_parse(&el, rec->line + o->start, o->end - o->start,
	    TKT_RD_TOP, err)) == 0) {
		tkt_buf_init(&vr);
		tkt_buf_init(&vs);
		tkt_buf_init(&vd);
		tkt_buf_init(&vn);
		tkt_buf_init(&vb);
		memcpy(day, now, 10);
		day[10] = '\0';
		quote(&vs, "REFUNDED");
		quote(&vr, reason);
		quote(&vd, day);
		quote(&vn, now);
		quote(&vb, "REFUNDED BY MERCHANT");
		ed[0] = (struct tkt_edit){ "state", vs.s, vs.len };
		ed[1] = (struct tkt_edit){ "refunded_reason", vr.s, vr.len };
		ed[2] = (struct tkt_edit){ "refunded_time", vd.s, vd.len };
		ed[3] = (struct tkt_edit){ "refunded_by", vb.s, vb.len };
		ed[4] = (struct tkt_edit){ "last_updated", vn.s, vn.len };
		tkt_rec_splice(&el, ed, 5, out);
		out->len--;	/* the newline */
		tkt_buf_free(&vr);
		tkt_buf_free(&vs);
		tkt_buf_free(&vd);
		tkt_buf_free(&vn);
		tkt_buf_free(&vb);
	}
	tkt_rec_free(&el);
	return rv;
}

int
sb_refund(struct sandbox *sb, const char *id, const char *reason,
    struct tkt_buf *line, struct sb_err *e)
{
	const struct tkt_jnode *orders, *o;
	struct tkt_rec rec;
	struct tkt_buf arr, vnow, out;
	struct tkt_edit ed[2];
	struct tkt_error err;
	char now[21];
	long ti;
	int first = 1, found = 0, rv = -1;

	tkt_rec_init(&rec);
	tkt_buf_init(&arr);
	tkt_buf_init(&vnow);
	tkt_buf_init(&out);
	tkt_error_clear(&err);
	pthread_mutex_lock(&sb->mu);
	if ((ti = tkt_sbstore_find_order(sb->st, id)) == -1) {
		not_found(e, "Order", id);
		goto out;
	}
	if (load(sb, ti, id, &rec, e) == -1)
		goto out;
	tkt_time_format(tkt_now(), now);
	orders = tkt_rec_get(&rec, &rec.nodes[0], "orders");
	tkt_buf_addc(&arr, '[');
	for (o = tkt_rec_child(&rec, orders); o != NULL; o = tkt_rec_next(&rec, o)) {
		const char *oid = tkt_rec_str(&rec, tkt_rec_get(&rec, o, "id"), NULL);
		const char *st = tkt_rec_str(&rec, tkt_rec_get(&rec, o, "state"), NULL);

		if (!first)
			tkt_buf_addc(&arr, ',');
		first = 0;
		if (oid == NULL || strcmp(oid, id) != 0) {
			tkt_buf_add(&arr, rec.line + o->start, o->end - o->start);
			continue;
		}
		if (st != NULL && strcmp(st, "REFUNDED") == 0) {
			sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, "{}",
			    "Order %.40s is already refunded", id);
			goto out;
		}
		if (refund_order(&rec, o, reason, now, &arr, &err) == -1) {
			sb_err_set(e, SB_HTTP_SERVER_ERROR, 9000, "{}",
			    "The order's ticket is damaged in the store: %s",
			    err.msg);
			goto out;
		}
		found = 1;
	}
	tkt_buf_addc(&arr, ']');
	if (!found) {
		not_found(e, "Order", id);
		goto out;
	}
	quote(&vnow, now);
	ed[0] = (struct tkt_edit){ "orders", arr.s, arr.len };
	ed[1] = (struct tkt_edit){ "updated_at", vnow.s, vnow.len };
	tkt_rec_splice(&rec, ed, 2, &out);
	rv = commit(sb, ti, &out, line, e);
out:
	pthread_mutex_unlock(&sb->mu);
	tkt_rec_free(&rec);
	tkt_buf_free(&arr);
	tkt_buf_free(&vnow);
	tkt_buf_free(&out);
	return rv;
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
