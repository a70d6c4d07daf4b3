/*
 * sandbox.c: tkt-sandbox, a fake Wish Merchant API v2 on loopback.
 * libmicrohttpd runs a thread per connection, so a slow= fault sleeps in
 * its own thread; one mutex guards the store.  A request's parameters come
 * from the query string and from urlencoded or multipart bodies (the body
 * wins); every change reaches the store file before its answer is sent.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "tkt.h"

#define MAX_REPLY	2000	/* code points */
#define MAX_LIMIT	500
#define DEF_LIMIT	50

struct sandbox {
	struct tkt_sbstore	*st;
	const struct tkt_wishmap *map;
	struct tkt_faults	*faults;
	struct tkt_ratelim	*rl;
	const char		*token;
	char			 origin[64];
	pthread_mutex_t		 mu;		/* the store */
	pthread_mutex_t		 idmu;
	unsigned long long	 nreq;
	uint32_t		 idbase;
};

struct param {
	char		*key;
	struct tkt_buf	 val;
};

struct req {
	struct sandbox		*sb;
	struct param		*p;
	size_t			 np;
	struct MHD_PostProcessor *pp;
	struct tkt_fault	 fault;
	int			 admitted;
	long			 remaining;
	double			 reset;
	char			 rid[32];
};

struct answer {
	unsigned	 status;
	struct tkt_buf	 body;
};

/* Parameters. */

static struct param *
param_add(struct req *r, const char *key)
{
	struct param *p;

	r->p = xreallocarray(r->p, r->np + 1, sizeof(*r->p));
	p = &r->p[r->np++];
	p->key = xstrdup(key);
	tkt_buf_init(&p->val);
	return p;
}

static enum MHD_Result
query_iter(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct param *p = param_add(cls, key);

	(void)kind;
	if (value != NULL)
		tkt_buf_adds(&p->val, value);
	return MHD_YES;
}

static enum MHD_Result
post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off, size_t size)
{
	struct req *r = cls;
	struct param *p;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	if (off > 0 && r->np > 0 && strcmp(r->p[r->np - 1].key, key) == 0)
		p = &r->p[r->np - 1];
	else
		p = param_add(r, key);
	if (size > 0)
		tkt_buf_add(&p->val, data, size);
	return MHD_YES;
}

/* The last value given for key (bodies come after the query), or NULL. */
static const char *
param(const struct req *r, const char *key)
{
	for (size_t i = r->np; i-- > 0;)
		if (strcmp(r->p[i].key, key) == 0)
			return r->p[i].val.s ? r->p[i].val.s : "";
	return NULL;
}

/* Answers. */

static void
envelope(struct answer *a, unsigned status, long code, const char *data,
    const char *msg)
{
	a->status = status;
	tkt_buf_reset(&a->body);
	tkt_buf_printf(&a->body, "{\"code\":%ld,\"data\":%s,\"message\":", code,
	    data);
	tkt_json_strz(&a->body, msg);
	tkt_buf_addc(&a->body, '}');
}

static void
fail(struct answer *a, unsigned status, long code, const char *data,
    const char *fmt, ...) TKT_PRINTF(5, 6);

static void
fail(struct answer *a, unsigned status, long code, const char *data,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	envelope(a, status, code, data, msg);
}

static void
success(struct answer *a)
{
	envelope(a, MHD_HTTP_OK, 0, "{\"success\":true}", "");
}

/* A required parameter, or NULL after answering 1001. */
static const char *
need(const struct req *r, struct answer *a, const char *key)
{
	const char *v = param(r, key);
	struct tkt_buf d;

	if (v != NULL && *v != '\0')
		return v;
	tkt_buf_init(&d);
	tkt_json_strz(&d, key);
	fail(a, MHD_HTTP_BAD_REQUEST, 1001, d.s, "Required Param Missing: '%s'",
	    key);
	tkt_buf_free(&d);
	return NULL;
}

static void
not_found(struct answer *a, const char *what, const char *id)
{
	fail(a, MHD_HTTP_BAD_REQUEST, 1004, strcmp(what, "Order") == 0 ?
	    "2021" : "2031", "No '%s' Found with id: '%.200s'", what, id);
}

/* Tickets: reading and changing one under the store lock. */

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

enum { W_REPLY, W_CLOSE, W_APPEAL, W_REOPEN };

static int
closed_state(const char *s)
{
	return strcmp(s, "CLOSED") == 0 || strcmp(s, "PERMANENTLY_CLOSED") == 0;
}

/* Checks the move from state; 0, or -1 after answering. */
static int
allowed(int op, const char *state, struct answer *a)
{
	switch (op) {
	case W_REPLY:
		if (closed_state(state))
			break;
		if (strcmp(state, "AWAITING_MERCHANT") != 0) {
			fail(a, MHD_HTTP_BAD_REQUEST, 1000, "{}",
			    "The ticket is not awaiting your response");
			return -1;
		}
		return 0;
	case W_CLOSE:
		if (closed_state(state))
			break;
		return 0;
	case W_APPEAL:
		if (closed_state(state))
			break;
		if (strcmp(state, "AWAITING_WISH") == 0) {
			fail(a, MHD_HTTP_BAD_REQUEST, 1000, "{}",
			    "The ticket is already awaiting Wish support");
			return -1;
		}
		return 0;
	case W_REOPEN:
		if (strcmp(state, "CLOSED") == 0)
			return 0;
		fail(a, MHD_HTTP_BAD_REQUEST, 1000, "{}",
		    strcmp(state, "PERMANENTLY_CLOSED") == 0 ?
		    "The ticket is permanently closed and cannot be re-opened" :
		    "The ticket is not closed");
		return -1;
	}
	fail(a, MHD_HTTP_BAD_REQUEST, 1010, "{}", "The ticket is closed");
	return -1;
}

static void
commit(struct sandbox *sb, long ti, struct tkt_buf *line, struct answer *a)
{
	struct tkt_error err;

	tkt_error_clear(&err);
	if (line->len > 0 && line->s[line->len - 1] == '\n')
		line->len--;
	if (tkt_sbstore_update(sb->st, ti, line->s, line->len, &err) == -1)
		fail(a, MHD_HTTP_INTERNAL_SERVER_ERROR, 9000, "{}",
		    "The sandbox could not save the change: %s", err.msg);
	else
		success(a);
}

static void
ticket_write(struct req *r, struct answer *a, int op)
{
	struct sandbox *sb = r->sb;
	const char *id, *text = NULL, *state;
	struct tkt_rec rec;
	struct tkt_buf vstate, vnow, vrep, vby, out;
	struct tkt_edit ed[5];
	struct tkt_error err;
	char now[21];
	size_t ned = 0, len;
	long ti;

	if ((id = need(r, a, "id")) == NULL)
		return;
	if (op == W_REPLY || op == W_REOPEN) {
		if ((text = need(r, a, "reply")) == NULL)
			return;
		len = strlen(text);
		if (tkt_utf8_check(text, len) != (size_t)-1) {
			fail(a, MHD_HTTP_BAD_REQUEST, 1000, "{}",
			    "Invalid parameter 'reply': not UTF-8");
			return;
		}
		if (tkt_utf8_count(text, len) > MAX_REPLY) {
			fail(a, MHD_HTTP_BAD_REQUEST, 1000, "{}",
			    "Invalid parameter 'reply': longer than %d characters "
			    "(%zu)", MAX_REPLY, tkt_utf8_count(text, len));
			return;
		}
	}
	tkt_rec_init(&rec);
	tkt_buf_init(&vstate);
	tkt_buf_init(&vnow);
	tkt_buf_init(&vrep);
	tkt_buf_init(&vby);
	tkt_buf_init(&out);
	tkt_error_clear(&err);
	pthread_mutex_lock(&sb->mu);
	if ((ti = tkt_sbstore_find(sb->st, id)) == -1) {
		not_found(a, "Ticket", id);
		goto out;
	}
	{
		const char *line = tkt_sbstore_line(sb->st, ti, &len);

		if (tkt_rec_parse(&rec, line, len, TKT_RD_TREE, &err) == -1) {
			fail(a, MHD_HTTP_INTERNAL_SERVER_ERROR, 9000, "{}",
			    "Ticket %s is damaged in the store: %s", id, err.msg);
			goto out;
		}
	}
	state = tkt_rec_field(&rec, "state");
	if (allowed(op, state ? state : "", a) == -1)
		goto out;
	tkt_time_format(tkt_now(), now);
	quote(&vnow, now);
	ed[ned++] = (struct tkt_edit){ "updated_at", vnow.s, vnow.len };
	switch (op) {
	case W_REPLY:
		quote(&vstate, "AWAITING_USER");
		break;
	case W_CLOSE:
		quote(&vstate, "CLOSED");
		quote(&vby, "merchant");
		ed[ned++] = (struct tkt_edit){ "closed_at", vnow.s, vnow.len };
		ed[ned++] = (struct tkt_edit){ "closed_by", vby.s, vby.len };
		break;
	case W_APPEAL:
		quote(&vstate, "AWAITING_WISH");
		break;
	case W_REOPEN:
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
	commit(sb, ti, &out, a);
out:
	pthread_mutex_unlock(&sb->mu);
	tkt_rec_free(&rec);
	tkt_buf_free(&vstate);
	tkt_buf_free(&vnow);
	tkt_buf_free(&vrep);
	tkt_buf_free(&vby);
	tkt_buf_free(&out);
}

static void
ep_reply(struct req *r, struct answer *a)
{
	ticket_write(r, a, W_REPLY);
}

static void
ep_close(struct req *r, struct answer *a)
{
	ticket_write(r, a, W_CLOSE);
}

static void
ep_appeal(struct req *r, struct answer *a)
{
	ticket_write(r, a, W_APPEAL);
}

static void
ep_reopen(struct req *r, struct answer *a)
{
	ticket_write(r, a, W_REOPEN);
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

static void
ep_refund(struct req *r, struct answer *a)
{
	struct sandbox *sb = r->sb;
	const char *id, *code, *note, *reason;
	const struct tkt_jnode *orders, *o;
	struct tkt_rec rec;
	struct tkt_buf arr, vnow, out, why;
	struct tkt_edit ed[2];
	struct tkt_error err;
	char now[21];
	long long n;
	const char *es;
	size_t len;
	long ti;
	int first = 1, found = 0;

	if ((id = need(r, a, "id")) == NULL ||
	    (code = need(r, a, "reason_code")) == NULL)
		return;
	if (tkt_num_parse(code, 0, 999, &n, &es) == -1) {
		fail(a, MHD_HTTP_BAD_REQUEST, 1000, "{}",
		    "Invalid parameter 'reason_code': '%.40s' is not a reason code",
		    code);
		return;
	}
	note = param(r, "reason_note");
	tkt_buf_init(&why);
	if (note != NULL && *note != '\0')
		reason = note;
	else if ((reason = tkt_sbgen_refund_text(code)) == NULL) {
		tkt_buf_printf(&why, "Refund reason %lld", n);
		reason = why.s;
	}
	tkt_rec_init(&rec);
	tkt_buf_init(&arr);
	tkt_buf_init(&vnow);
	tkt_buf_init(&out);
	tkt_error_clear(&err);
	pthread_mutex_lock(&sb->mu);
	if ((ti = tkt_sbstore_find_order(sb->st, id)) == -1) {
		not_found(a, "Order", id);
		goto out;
	}
	{
		const char *line = tkt_sbstore_line(sb->st, ti, &len);

		if (tkt_rec_parse(&rec, line, len, TKT_RD_TREE, &err) == -1)
			goto damaged;
	}
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
			fail(a, MHD_HTTP_BAD_REQUEST, 1000, "{}",
			    "Order %.40s is already refunded", id);
			goto out;
		}
		if (refund_order(&rec, o, reason, now, &arr, &err) == -1)
			goto damaged;
		found = 1;
	}
	tkt_buf_addc(&arr, ']');
	if (!found) {
		not_found(a, "Order", id);
		goto out;
	}
	quote(&vnow, now);
	ed[0] = (struct tkt_edit){ "orders", arr.s, arr.len };
	ed[1] = (struct tkt_edit){ "updated_at", vnow.s, vnow.len };
	tkt_rec_splice(&rec, ed, 2, &out);
	commit(sb, ti, &out, a);
	goto out;
damaged:
	fail(a, MHD_HTTP_INTERNAL_SERVER_ERROR, 9000, "{}",
	    "The order's ticket is damaged in the store: %s", err.msg);
out:
	pthread_mutex_unlock(&sb->mu);
	tkt_rec_free(&rec);
	tkt_buf_free(&arr);
	tkt_buf_free(&vnow);
	tkt_buf_free(&out);
	tkt_buf_free(&why);
}

/* Renders ticket ti into b; -1 if its line does not parse. */
static int
render(struct sandbox *sb, long ti, struct tkt_rec *rec, struct tkt_buf *b)
{
	struct tkt_error err;
	size_t len;
	const char *line = tkt_sbstore_line(sb->st, ti, &len);

	if (tkt_rec_parse(rec, line, len, TKT_RD_TREE, &err) == -1)
		return -1;
	tkt_wish2_render(rec, sb->map, b);
	return 0;
}

static void
ep_ticket(struct req *r, struct answer *a)
{
	struct sandbox *sb = r->sb;
	const char *id;
	struct tkt_rec rec;
	long ti;

	if ((id = need(r, a, "id")) == NULL)
		return;
	tkt_rec_init(&rec);
	pthread_mutex_lock(&sb->mu);
	if ((ti = tkt_sbstore_find(sb->st, id)) == -1)
		not_found(a, "Ticket", id);
	else {
		a->status = MHD_HTTP_OK;
		tkt_buf_reset(&a->body);
		tkt_buf_adds(&a->body, "{\"code\":0,\"data\":");
		if (render(sb, ti, &rec, &a->body) == -1)
			fail(a, MHD_HTTP_INTERNAL_SERVER_ERROR, 9000, "{}",
			    "Ticket %s is damaged in the store", id);
		else
			tkt_buf_adds(&a->body, ",\"message\":\"\"}");
	}
	pthread_mutex_unlock(&sb->mu);
	tkt_rec_free(&rec);
}

static void
urlenc(struct tkt_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			tkt_buf_addc(b, c);
		else {
			tkt_buf_addc(b, '%');
			tkt_buf_addc(b, hex[c >> 4]);
			tkt_buf_addc(b, hex[c & 15]);
		}
	}
}

static void
page_url(struct sandbox *sb, struct tkt_jw *w, const char *key,
    long long start, long long limit)
{
	struct tkt_buf u;

	tkt_buf_init(&u);
	tkt_buf_printf(&u, "%s/api/v2/ticket/get-action-required?start=%lld"
	    "&limit=%lld&access_token=", sb->origin, start, limit);
	urlenc(&u, sb->token);
	tkt_jw_key(w, key);
	tkt_jw_strn(w, u.s, u.len);
	tkt_buf_free(&u);
}

/* An optional integer parameter; -1 after answering 1000. */
static int
int_param(const struct req *r, struct answer *a, const char *key,
    long long min, long long max, long long *out)
{
	const char *v = param(r, key), *es;

	if (v == NULL || *v == '\0')
		return 0;
	if (tkt_num_parse(v, min, max, out, &es) == -1) {
		fail(a, MHD_HTTP_BAD_REQUEST, 1000, "{}",
		    "Invalid parameter '%s': '%.40s' is %s (want %lld to %lld)",
		    key, v, es, min, max);
		return -1;
	}
	return 0;
}

static void
ep_action_required(struct req *r, struct answer *a)
{
	struct sandbox *sb = r->sb;
	long long start = 0, limit = DEF_LIMIT, total;
	struct tkt_rec rec;
	struct tkt_jw w;
	int bad = 0;

	if (int_param(r, a, "start", 0, INT32_MAX, &start) == -1 ||
	    int_param(r, a, "limit", 1, MAX_LIMIT, &limit) == -1)
		return;
	tkt_rec_init(&rec);
	a->status = MHD_HTTP_OK;
	tkt_buf_reset(&a->body);
	tkt_buf_adds(&a->body, "{\"code\":0,\"data\":[");
	pthread_mutex_lock(&sb->mu);
	total = (long long)tkt_sbstore_nawaiting(sb->st);
	for (long long i = start; i < start + limit && i < total && !bad; i++) {
		if (i > start)
			tkt_buf_addc(&a->body, ',');
		bad = render(sb, tkt_sbstore_awaiting(sb->st, (size_t)i), &rec,
		    &a->body) == -1;
	}
	pthread_mutex_unlock(&sb->mu);
	tkt_rec_free(&rec);
	if (bad) {
		fail(a, MHD_HTTP_INTERNAL_SERVER_ERROR, 9000, "{}",
		    "A ticket is damaged in the store");
		return;
	}
	tkt_buf_adds(&a->body, "],\"message\":\"\"");
	if (start + limit < total || start > 0) {
		tkt_buf_adds(&a->body, ",\"paging\":");
		tkt_jw_init(&w, &a->body);
		tkt_jw_obj(&w);
		if (start + limit < total)
			page_url(sb, &w, "next", start + limit, limit);
		if (start > 0)
			page_url(sb, &w, "previous",
			    start > limit ? start - limit : 0, limit);
		tkt_jw_obj_end(&w);
	}
	tkt_buf_addc(&a->body, '}');
}

static void
ep_auth_test(struct req *r, struct answer *a)
{
	(void)r;
	success(a);
}

static const struct endpoint {
	const char	*path;
	int		 write;		/* POST only */
	void		(*fn)(struct req *, struct answer *);
} endpoints[] = {
	{ "/api/v2/ticket", 0, ep_ticket },
	{ "/api/v2/ticket/get-action-required", 0, ep_action_required },
	{ "/api/v2/ticket/reply", 1, ep_reply },
	{ "/api/v2/ticket/close", 1, ep_close },
	{ "/api/v2/ticket/appeal-to-wish-support", 1, ep_appeal },
	{ "/api/v2/ticket/re-open", 1, ep_reopen },
	{ "/api/v2/order/refund", 1, ep_refund },
	{ "/api/v2/auth_test", 0, ep_auth_test },
};

static int
authorized(struct MHD_Connection *c, const struct req *r)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *tok;

	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		tok = h + 7;
		while (*tok == ' ')
			tok++;
	} else
		tok = param(r, "access_token");
	return tok != NULL && strcmp(tok, r->sb->token) == 0;
}

static void
dispatch(struct MHD_Connection *c, struct req *r, const char *url,
    const char *method, struct answer *a)
{
	const struct endpoint *e = NULL;

	for (size_t i = 0; i < sizeof(endpoints) / sizeof(*endpoints); i++)
		if (strcmp(url, endpoints[i].path) == 0)
			e = &endpoints[i];
	if (e == NULL) {
		fail(a, MHD_HTTP_NOT_FOUND, 1000, "{}",
		    "No such endpoint: %.200s", url);
		return;
	}
	if (e->write && strcmp(method, "POST") != 0) {
		fail(a, MHD_HTTP_METHOD_NOT_ALLOWED, 1000, "{}",
		    "Use POST for %s", url);
		return;
	}
	if (!authorized(c, r)) {
		envelope(a, MHD_HTTP_UNAUTHORIZED, 4000, "{}",
		    "Unauthorized Request");
		return;
	}
	e->fn(r, a);
}

static void
fault_answer(int kind, struct answer *a)
{
	a->status = kind == TKT_F_502 ? MHD_HTTP_BAD_GATEWAY :
	    kind == TKT_F_503 ? MHD_HTTP_SERVICE_UNAVAILABLE :
	    kind == TKT_F_429 ? MHD_HTTP_TOO_MANY_REQUESTS :
	    MHD_HTTP_INTERNAL_SERVER_ERROR;
	if (kind == TKT_F_500)
		envelope(a, a->status, 9000, "{}", "Internal Server Error");
	else if (kind == TKT_F_429)
		envelope(a, a->status, 1000, "{}", "Too Many Requests");
	else {
		/* What a proxy in front of the API would send. */
		tkt_buf_reset(&a->body);
		tkt_buf_printf(&a->body, "<html><body><h1>%u %s</h1></body></html>\n",
		    a->status, a->status == MHD_HTTP_BAD_GATEWAY ? "Bad Gateway" :
		    "Service Unavailable");
	}
}

/* With no --rate, Remaining is large and Reset zero: nothing to pace. */
static enum MHD_Result
respond(struct MHD_Connection *c, struct req *r, struct answer *a, int html)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char rem[32], reset[32];
	size_t len = a->body.len;
	int f429 = r->fault.kind == TKT_F_429 && r->admitted;

	if (!r->admitted || f429) {
		snprintf(rem, sizeof(rem), "0");
		snprintf(reset, sizeof(reset), "%.3f", f429 ? 0.25 : r->reset);
	} else if (r->sb->rl != NULL) {
		snprintf(rem, sizeof(rem), "%ld", r->remaining);
		snprintf(reset, sizeof(reset), "%.3f", r->reset);
	} else {
		snprintf(rem, sizeof(rem), "1000000");
		snprintf(reset, sizeof(reset), "0");
	}
	if (a->body.s == NULL)
		tkt_buf_addc(&a->body, '\0');
	resp = MHD_create_response_from_buffer(len, tkt_buf_take(&a->body),
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, html ?
	    "text/html" : "application/json");
	MHD_add_response_header(resp, "Wish-Request-Id", r->rid);
	MHD_add_response_header(resp, "Wish-Rate-Limit-Remaining", rem);
	MHD_add_response_header(resp, "Wish-Rate-Limit-Reset", reset);
	ret = MHD_queue_response(c, a->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static struct req *
req_new(struct sandbox *sb, struct MHD_Connection *c, const char *url,
    const char *method)
{
	struct req *r = xcalloc(1, sizeof(*r));
	unsigned long long n;

	r->sb = sb;
	pthread_mutex_lock(&sb->idmu);
	n = ++sb->nreq;
	pthread_mutex_unlock(&sb->idmu);
	snprintf(r->rid, sizeof(r->rid), "%08x%016llx", sb->idbase, n);
	r->admitted = 1;
	if (sb->rl != NULL)
		r->admitted = tkt_ratelim_take(sb->rl, &r->remaining, &r->reset);
	if (r->admitted)
		tkt_faults_pick(sb->faults, url, &r->fault);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_iter, r);
	if (strcmp(method, "POST") == 0)
		r->pp = MHD_create_post_processor(c, 64 * 1024, post_iter, r);
	return r;
}

static void
req_free(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (r == NULL)
		return;
	if (r->pp != NULL)
		MHD_destroy_post_processor(r->pp);
	for (size_t i = 0; i < r->np; i++) {
		free(r->p[i].key);
		tkt_buf_free(&r->p[i].val);
	}
	free(r->p);
	free(r);
	*con_cls = NULL;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;
	struct answer a;
	enum MHD_Result ret;
	int kind;

	(void)version;
	if (r == NULL) {
		*con_cls = req_new(cls, c, url, method);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (r->pp != NULL)
			MHD_post_process(r->pp, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	/* Destroying the processor hands over a last urlencoded value. */
	if (r->pp != NULL) {
		MHD_destroy_post_processor(r->pp);
		r->pp = NULL;
	}
	a.status = MHD_HTTP_OK;
	tkt_buf_init(&a.body);
	kind = r->fault.kind;
	if (r->fault.slow_ms > 0) {
		struct timespec ts = { r->fault.slow_ms / 1000,
		    r->fault.slow_ms % 1000 * 1000000L };

		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	if (!r->admitted) {
		envelope(&a, MHD_HTTP_TOO_MANY_REQUESTS, 1000, "{}",
		    "Too Many Requests");
		return respond(c, r, &a, 0);
	}
	switch (kind) {
	case TKT_F_DROP_BEFORE:
		tkt_buf_free(&a.body);
		return MHD_NO;
	case TKT_F_500:
	case TKT_F_502:
	case TKT_F_503:
	case TKT_F_429:
		fault_answer(kind, &a);
		return respond(c, r, &a, kind == TKT_F_502 || kind == TKT_F_503);
	}
	dispatch(c, r, url, method, &a);
	if (kind == TKT_F_DROP_AFTER) {
		tkt_buf_free(&a.body);
		return MHD_NO;
	}
	if (kind == TKT_F_GARBAGE) {
		/* Half an answer: what a connection cut by a proxy leaves. */
		a.status = MHD_HTTP_OK;
		a.body.len = a.body.len > 24 ? a.body.len / 2 : a.body.len;
		tkt_buf_adds(&a.body, "\x01<garbage");
	}
	ret = respond(c, r, &a, 0);
	tkt_buf_free(&a.body);
	return ret;
}

/* Options and start-up. */

static int
num_opt(const char *opt, const char *v, long long min, long long max,
    long long *out, struct tkt_error *err)
{
	const char *es;

	if (v == NULL)
		return 0;
	if (tkt_num_parse(v, min, max, out, &es) == -1) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "%s: '%s' is %s (want %lld to %lld)", opt, v, es, min, max);
		return -1;
	}
	return 0;
}

static int
gen_put(void *arg, const char *line, size_t len)
{
	struct tkt_error err;

	return tkt_sbstore_put(arg, line, len, &err);
}

/* Loads -d FILE, or generates tickets (and writes FILE when named). */
static int
fill_store(struct sandbox *sb, const struct tkt_sandbox_opts *o,
    long long seed, long long n, struct tkt_error *err)
{
	struct stat stb;

	if (o->file != NULL && stat(o->file, &stb) == 0) {
		if (tkt_sbstore_load(sb->st, o->file, err) == -1)
			return -1;
	} else if (o->file != NULL && errno != ENOENT) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s: %s",
		    o->file, strerror(errno));
		return -1;
	} else {
		tkt_sbgen_run((uint64_t)seed, (long)n, tkt_now(), gen_put, sb->st);
		if (o->file != NULL &&
		    tkt_sbstore_save(sb->st, o->file, err) == -1)
			return -1;
	}
	if (o->file != NULL)
		return tkt_sbstore_log_open(sb->st, o->file, err);
	return 0;
}

static int
listen_on(long long port, int *fdp, int *portp, struct tkt_error *err)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) == -1)
		goto fail;
	*fdp = fd;
	*portp = ntohs(sa.sin_port);
	return 0;
fail:
	tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "127.0.0.1:%lld: %s",
	    port, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

int
tkt_sandbox_run(const struct tkt_sandbox_opts *o, struct tkt_error *err)
{
	struct sandbox sb;
	struct MHD_Daemon *d = NULL;
	long long port = 0, seed = 1, n = 50;
	sigset_t set;
	int fd = -1, bound, sig, rv = -1;

	memset(&sb, 0, sizeof(sb));
	pthread_mutex_init(&sb.mu, NULL);
	pthread_mutex_init(&sb.idmu, NULL);
	sb.token = o->token ? o->token : TKT_SANDBOX_TOKEN;
	if (*sb.token == '\0') {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--token: the token may not be empty");
		goto out;
	}
	if (num_opt("-p", o->port, 0, 65535, &port, err) == -1 ||
	    num_opt("--seed", o->seed, 0, LLONG_MAX, &seed, err) == -1 ||
	    num_opt("--tickets", o->tickets, 0, 5000000, &n, err) == -1 ||
	    tkt_now_init(o->now, err) == -1)
		goto out;
	if (o->rate != NULL && (sb.rl = tkt_ratelim_parse(o->rate, err)) == NULL)
		goto out;
	if (o->faults != NULL && (sb.faults = tkt_faults_parse(o->faults,
	    (uint64_t)seed, err)) == NULL)
		goto out;
	if ((sb.map = tkt_wishmap_default(err)) == NULL)
		goto out;
	sb.st = tkt_sbstore_new();
	if (fill_store(&sb, o, seed, n, err) == -1 ||
	    listen_on(port, &fd, &bound, err) == -1)
		goto out;
	snprintf(sb.origin, sizeof(sb.origin), "http://127.0.0.1:%d", bound);
	sb.idbase = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);

	/* Threads MHD starts inherit the mask: only sigwait sees the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, &sb,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_NOTIFY_COMPLETED, req_free, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_END);
	if (d == NULL) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "%s: the HTTP server did not start", sb.origin);
		goto out;
	}
	fd = -1;	/* MHD owns it now */
	if (o->ready != NULL)
		o->ready(sb.origin, o->arg);
	do
		sig = 0;
	while (sigwait(&set, &sig) != 0);
	MHD_stop_daemon(d);
	d = NULL;
	if (o->file != NULL && tkt_sbstore_save(sb.st, o->file, err) == -1)
		goto out;
	rv = 0;
out:
	if (d != NULL)
		MHD_stop_daemon(d);
	if (fd != -1)
		close(fd);
	tkt_sbstore_free(sb.st);
	tkt_faults_free(sb.faults);
	tkt_ratelim_free(sb.rl);
	pthread_mutex_destroy(&sb.mu);
	pthread_mutex_destroy(&sb.idmu);
	return rv;
}
