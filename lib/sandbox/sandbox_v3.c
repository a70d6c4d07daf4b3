/*
 * sandbox_v3.c: the Wish API v3 endpoints of tkt-sandbox, over the same
 * store as v2: tickets listed by a window on updated_at, read, changed by
 * PUT and replied to with JSON bodies; orders read and refunded; the token
 * refreshed.  Answers are {code, data, message} with
 * flat objects from wish3_render.c; errors carry "data": {}.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox_priv.h"

static void
sb_v3_fail(struct sb_answer *, unsigned, long, const char *, ...)
    TKT_PRINTF(4, 5);

static void
sb_v3_fail(struct sb_answer *a, unsigned status, long code, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_envelope(a, status, code, NULL, msg);
}

static void
v3_err(struct sb_answer *a, const struct sb_err *e)
{
	sb_envelope(a, e->http, e->code, NULL, e->msg);
}

/* Starts {"code":0,"data": in a; v3_end closes it. */
static void
v3_begin(struct sb_answer *a)
{
	a->status = SB_HTTP_OK;
	tkt_buf_reset(&a->body);
	tkt_buf_adds(&a->body, "{\"code\":0,\"data\":");
}

static void
v3_end(struct sb_answer *a)
{
	tkt_buf_adds(&a->body, ",\"message\":\"\"}");
}

/* A required parameter of the query or body, or NULL after answering. */
static const char *
v3_need(const struct sb_req *r, struct sb_answer *a, const char *key)
{
	const char *v = sb_param(r, key);

	if (v != NULL && *v != '\0')
		return v;
	sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1001, "Required Param Missing: '%s'",
	    key);
	return NULL;
}

/*
 * A string member of the body: its value, or NULL when it is absent or
 * null (*bad set when it is there but not a string, after answering).
 */
static const char *
body_str(json_t *body, const char *key, struct sb_answer *a, int *bad)
{
	json_t *n = json_object_get(body, key);

	if (n == NULL || json_is_null(n))
		return NULL;
	if (!json_is_string(n)) {
		sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1000,
		    "Invalid parameter '%s': not a string", key);
		*bad = 1;
		return NULL;
	}
	return json_string_value(n);
}

/*
 * A required string member of the body: NULL after answering 1001, named
 * want, when it is missing (or empty, with empty_missing), or 1000 when it
 * is not a string.
 */
static const char *
body_need(json_t *body, const char *key, const char *want,
    int empty_missing, struct sb_answer *a)
{
	int bad = 0;
	const char *v = body_str(body, key, a, &bad);

	if (bad)
		return NULL;
	if (v == NULL || (empty_missing && *v == '\0')) {
		sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1001,
		    "Required Param Missing: '%s'", want);
		return NULL;
	}
	return v;
}

/*
 * Is tag a language tag, "en" or "en-US" (letters, then "-" and letters or
 * digits), of len bytes?
 */
static int
lang_tag(const char *tag, size_t len)
{
	size_t i = 0, n;

	for (n = 0; i < len && isalpha((unsigned char)tag[i]); i++)
		n++;
	if (n < 1 || n > 8)
		return 0;
	while (i < len) {
		if (tag[i++] != '-')
			return 0;
		for (n = 0; i < len && isalnum((unsigned char)tag[i]); i++)
			n++;
		if (n < 1 || n > 8)
			return 0;
	}
	return 1;
}

/*
 * Does Accept-Language h ask for English first?  Its tags are taken by
 * their q (the highest first, ties in the order given), leaving out those
 * with q=0, "*" and what is not a language tag; the first left decides,
 * and only English ("en", "en-US", …) is a language the sandbox translates
 * into.  A tag with a q that does not parse is left out too.
 */
static int
lang_en(const char *h)
{
	double bestq = 0;
	int en = 0;

	while (h != NULL && *h != '\0') {
		size_t len = strcspn(h, ","), tl;
		const char *p = h, *end = h + len, *semi;
		double q = 1;
		int ok = 1;

		h = *end == ',' ? end + 1 : end;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		semi = memchr(p, ';', (size_t)(end - p));
		tl = (size_t)((semi != NULL ? semi : end) - p);
		while (tl > 0 && (p[tl - 1] == ' ' || p[tl - 1] == '\t'))
			tl--;
		for (const char *s = semi; s != NULL && ok;) {
			const char *next = memchr(s + 1, ';', (size_t)(end - s - 1));
			const char *v = s + 1;
			char num[16], *e;
			size_t vl;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			vl = (size_t)((next != NULL ? next : end) - v);
			while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl > 2 && (v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
				if (vl - 2 >= sizeof(num) ||
				    strspn(v + 2, "0123456789.") < vl - 2)
					ok = 0;
				else {
					memcpy(num, v + 2, vl - 2);
					num[vl - 2] = '\0';
					q = strtod(num, &e);
					ok = *e == '\0' && q >= 0 && q <= 1;
				}
			}
			s = next;
		}
		if (!ok || q <= bestq || !lang_tag(p, tl))
			continue;
		bestq = q;
		en = tl >= 2 && (tl == 2 || p[2] == '-') &&
		    strncasecmp(p, "en", 2) == 0;
	}
	return en;
}

/* What a ticket answer to r is rendered with, and says of its language. */
static int
ticket_flags(const struct sb_req *r, struct sb_answer *a)
{
	if (!lang_en(r->accept_lang))
		return 0;
	a->content_language = "en";
	return TKT_W3_EN;
}

/* Parses a ticket line and appends its v3 object; -1 after answering. */
static int
put_ticket(struct sb_answer *a, const struct tkt_buf *line, int flags,
    struct tkt_rec *rec)
{
	struct tkt_error err;

	if (tkt_rec_parse(rec, line->s, line->len, TKT_RD_TREE, &err) == -1) {
		sb_v3_fail(a, SB_HTTP_SERVER_ERROR, 9000,
		    "A ticket is damaged in the store: %s", err.msg);
		return -1;
	}
	tkt_wish3_render(rec, flags, &a->body);
	return 0;
}

/* GET /api/v3/tickets: the list. */

/* "2026-11-23T12:00:00.250+01:00" as milliseconds since the epoch. */
static int
time_ms(const char *s, int64_t *ms)
{
	int64_t frac = 0;
	time_t t;
	int d = 0;

	if (tkt_time_parse(s, &t) == -1)
		return -1;
	if (strlen(s) > 20 && s[19] == '.')
		for (s += 20; isdigit((unsigned char)*s); s++)
			if (d < 3) {
				frac = frac * 10 + (*s - '0');
				d++;
			}
	while (d++ < 3)
		frac *= 10;
	*ms = (int64_t)t * 1000 + frac;
	return 0;
}

/*
 * The values of an array parameter as bits of names.  v3 declares no
 * style for its arrays, so OpenAPI's default holds: each value is a key of
 * its own ("states=A&states=B").  A bracketed key ("states[]") is another
 * parameter, unknown and so ignored, and "A,B" is one value that is not a
 * name: -1 after answering, as for any value that is not a name.
 */
static int
enum_param(const struct sb_req *r, struct sb_answer *a, const char *key,
    const char *const *names, size_t nnames, unsigned *bits)
{
	*bits = 0;
	for (size_t i = 0; i < r->np; i++) {
		const char *v = r->p[i].val.s ? r->p[i].val.s : "";
		size_t j;

		if (strcmp(r->p[i].key, key) != 0)
			continue;
		for (j = 0; j < nnames; j++)
			if (strcmp(names[j], v) == 0)
				break;
		if (j == nnames) {
			struct tkt_buf b;

			tkt_buf_init(&b);
			for (j = 0; j < nnames; j++)
				tkt_buf_printf(&b, "%s%s", j ? ", " : "",
				    names[j]);
			sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1000,
			    "Invalid parameter '%s': '%.60s' is not one of %s "
			    "(one value a key: %s=%s&%s=%s)", key, v, b.s, key,
			    names[0], key, names[1]);
			tkt_buf_free(&b);
			return -1;
		}
		*bits |= 1u << j;
	}
	return 0;
}

static int
bound_param(const struct sb_req *r, struct sb_answer *a, const char *key,
    int64_t *ms)
{
	const char *v = sb_param(r, key);

	if (v == NULL || *v == '\0')
		return 0;
	if (time_ms(v, ms) == -1) {
		sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1000,
		    "Invalid parameter '%s': '%.60s' is not a date-time "
		    "(like 2026-11-23T12:00:00.000Z; a '+' in a query is "
		    "sent as %%2B)", key, v);
		return -1;
	}
	return 0;
}

static void
ep_list(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	struct sandbox *sb = r->sb;
	struct tkt_sbquery q = { 0, 0, INT64_MIN, INT64_MAX, 1 };
	const char *v, *es;
	long long limit = SB_DEF_LIMIT;
	struct tkt_buf line;
	struct tkt_rec rec;
	long *idx;
	size_t n;
	int bad = 0, flags;

	(void)pid;
	if (enum_param(r, a, "types", tkt_sb_types, 3, &q.types) == -1 ||
	    enum_param(r, a, "states", tkt_sb_states, 5, &q.states) == -1 ||
	    bound_param(r, a, "updated_at_min", &q.min_ms) == -1 ||
	    bound_param(r, a, "updated_at_max", &q.max_ms) == -1)
		return;
	if ((v = sb_param(r, "limit")) != NULL && *v != '\0' &&
	    tkt_num_parse(v, 1, SB_MAX_LIMIT, &limit, &es) == -1) {
		sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1000,
		    "Invalid parameter 'limit': '%.40s' is %s (want 1 to %d)",
		    v, es, SB_MAX_LIMIT);
		return;
	}
	if ((v = sb_param(r, "sort_by")) != NULL && *v != '\0') {
		if (strcmp(v, "updated_at.asc") == 0)
			q.desc = 0;
		else if (strcmp(v, "updated_at") != 0 &&
		    strcmp(v, "updated_at.desc") != 0) {
			sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1000,
			    "Invalid parameter 'sort_by': '%.40s' (want "
			    "updated_at, updated_at.asc or updated_at.desc)", v);
			return;
		}
	}
	idx = xreallocarray(NULL, (size_t)limit, sizeof(*idx));
	tkt_buf_init(&line);
	tkt_rec_init(&rec);
	flags = ticket_flags(r, a);
	v3_begin(a);
	tkt_buf_addc(&a->body, '[');
	pthread_mutex_lock(&sb->mu);
	n = tkt_sbstore_select(sb->st, &q, idx, (size_t)limit);
	for (size_t i = 0; i < n && !bad; i++) {
		size_t len;
		const char *s = tkt_sbstore_line(sb->st, idx[i], &len);

		if (i > 0)
			tkt_buf_addc(&a->body, ',');
		tkt_buf_reset(&line);
		tkt_buf_add(&line, s, len);
		bad = put_ticket(a, &line, flags, &rec) == -1;
	}
	pthread_mutex_unlock(&sb->mu);
	if (!bad) {
		tkt_buf_addc(&a->body, ']');
		v3_end(a);
	}
	tkt_rec_free(&rec);
	tkt_buf_free(&line);
	free(idx);
}

/* /api/v3/tickets/{id}: GET reads, PUT moves the state. */

/*
 * Answers one stored object: the ticket id names (by_order 0), or the
 * order id names (1), as put() writes it from the ticket's line.
 */
static void
answer_one(struct sb_req *r, const char *id, int by_order,
    int (*put)(const struct sb_req *, struct sb_answer *,
    const struct tkt_buf *, const char *, struct tkt_rec *),
    struct sb_answer *a)
{
	struct tkt_buf line;
	struct tkt_rec rec;
	struct sb_err e;

	tkt_buf_init(&line);
	tkt_rec_init(&rec);
	if (sb_ticket_copy(r->sb, id, by_order, &line, &e) == -1)
		v3_err(a, &e);
	else {
		v3_begin(a);
		if (put(r, a, &line, id, &rec) == 0)
			v3_end(a);
	}
	tkt_rec_free(&rec);
	tkt_buf_free(&line);
}

static int
put_ticket_of(const struct sb_req *r, struct sb_answer *a,
    const struct tkt_buf *line, const char *id, struct tkt_rec *rec)
{
	(void)id;
	return put_ticket(a, line, ticket_flags(r, a), rec);
}

static void
ticket_get(struct sb_req *r, const char *id, struct sb_answer *a)
{
	answer_one(r, id, 0, put_ticket_of, a);
}

/* UpdateTicket: CLOSED closes, AWAITING_MERCHANT re-opens, AWAITING_WISH appeals. */
static void
ticket_put(struct sb_req *r, const char *id, struct sb_answer *a)
{
	static const struct {
		const char	*state;
		int		 op;
	} moves[] = {
		{ "CLOSED", SB_CLOSE }, { "AWAITING_MERCHANT", SB_REOPEN },
		{ "AWAITING_WISH", SB_APPEAL }
	};
	struct tkt_buf line;
	struct tkt_rec rec;
	struct sb_err e;
	const char *state;
	json_t *body;
	size_t i;

	tkt_buf_init(&line);
	tkt_rec_init(&rec);
	if ((body = sb_body(r, a)) == NULL)
		goto out;
	if ((state = body_need(body, "state", "state", 0, a)) == NULL)
		goto out;
	for (i = 0; i < sizeof(moves) / sizeof(*moves); i++)
		if (strcmp(state, moves[i].state) == 0)
			break;
	if (i == sizeof(moves) / sizeof(*moves)) {
		sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1000,
		    "Invalid parameter 'state': '%.40s' (want CLOSED, "
		    "AWAITING_MERCHANT or AWAITING_WISH)", state);
		goto out;
	}
	if (sb_ticket_move(r->sb, id, moves[i].op, NULL, &line, &e) == -1) {
		v3_err(a, &e);
		goto out;
	}
	v3_begin(a);
	if (put_ticket(a, &line, ticket_flags(r, a), &rec) == 0)
		v3_end(a);
out:
	json_decref(body);
	tkt_rec_free(&rec);
	tkt_buf_free(&line);
}

static void
ep_ticket(struct sb_req *r, const char *id, struct sb_answer *a)
{
	if (strcmp(r->method, "PUT") == 0)
		ticket_put(r, id, a);
	else
		ticket_get(r, id, a);
}

/* POST /api/v3/tickets/{id}/replies: answers the new Reply. */
static void
ep_replies(struct sb_req *r, const char *id, struct sb_answer *a)
{
	const struct tkt_jnode *rp, *last = NULL;
	struct tkt_buf line;
	struct tkt_rec rec;
	struct tkt_error err;
	struct sb_err e;
	const char *msg;
	json_t *body;

	tkt_buf_init(&line);
	tkt_rec_init(&rec);
	if ((body = sb_body(r, a)) == NULL)
		goto out;
	if ((msg = body_need(body, "message", "message", 1, a)) == NULL)
		goto out;
	if (sb_text_check("message", msg, &e) == -1 ||
	    sb_ticket_move(r->sb, id, SB_REPLY, msg, &line, &e) == -1) {
		v3_err(a, &e);
		goto out;
	}
	if (tkt_rec_parse(&rec, line.s, line.len, TKT_RD_TREE, &err) == -1) {
		sb_v3_fail(a, SB_HTTP_SERVER_ERROR, 9000,
		    "A ticket is damaged in the store: %s", err.msg);
		goto out;
	}
	rp = tkt_rec_get(&rec, &rec.nodes[0], "replies");
	for (rp = tkt_rec_child(&rec, rp); rp != NULL; rp = tkt_rec_next(&rec, rp))
		last = rp;
	v3_begin(a);
	if (last != NULL)
		tkt_wish3_render_reply(&rec, last, &a->body);
	else
		tkt_buf_adds(&a->body, "null");
	v3_end(a);
out:
	json_decref(body);
	tkt_rec_free(&rec);
	tkt_buf_free(&line);
}

/* Orders. */

/*
 * v3's RefundReason enum, in its order, and which orders take each: one
 * not shipped yet (APPROVED), one shipped (SHIPPED), or both.  Every value
 * the ticket enum shares with it is taken by a shipped order, so that a
 * ticket's own refund_reason, when it is one of those, refunds its shipped
 * orders; the four values only tickets have are not refund reasons at all.
 * Those with one of the sandbox's v2 codes leave that code's text as the
 * order's refunded_reason; the others their name in words.
 */
#define PRE	0x1
#define POST	0x2

static const struct {
	const char	*reason;
	const char	*code;
	int		 when;
} reasons[] = {
	{ "UNABLE_TO_SHIP", NULL, PRE },
	{ "ITEM_RETURNED_TO_SENDER", NULL, POST },
	{ "ITEM_IS_DAMAGED", "23", POST },
	{ "SHIPPING_TAKING_TOO_LONG", "18", PRE | POST },
	{ "ITEM_DOES_NOT_FIT", NULL, POST },
	{ "RECEIVED_WRONG_ITEM", "20", POST },
	{ "ITEM_IS_COUNTERFEIT", NULL, POST },
	{ "ITEM_DOES_NOT_WORK_AS_DESCRIBED", "22", POST },
	{ "ITEM_DOES_NOT_MATCH_LISTING", NULL, POST },
	{ "ITEM_MARKED_DELIVERED_BUT_DID_NOT_ARRIVE", NULL, POST },
	{ "MERCHANT_SENT_TO_WRONG_ADDRESS", NULL, POST },
	{ "REPLACEMENT_NEVER_RECEIVED", NULL, POST },
	{ "WRONG_COLOR", NULL, POST },
	{ "ITEM_IS_POOR_QUALITY", "21", POST },
	{ "INCOMPLETE_ORDER", "24", POST },
	{ "MERCHANT_OUT_OF_STOCK", NULL, PRE },
	{ "EMPTY_PACKAGE", NULL, POST },
	{ "PRODUCT_LISTING_MISSING_INFO", NULL, PRE | POST },
	{ "ITEM_DID_NOT_MEET_EXPECTATIONS", NULL, POST },
	{ "RECEIVED_NOTE_FROM_MERCHANT", NULL, PRE | POST },
	{ "MERCHANT_REPORTED_ORDER", NULL, PRE },
	{ "MERCHANT_REPORTED_BUYER_FRAUD", NULL, PRE | POST },
};
#define NREASONS (sizeof(reasons) / sizeof(*reasons))

/* Which reasons an order in state takes: PRE, POST, or none. */
static int
reasons_when(const char *state)
{
	if (state != NULL && strcmp(state, "APPROVED") == 0)
		return PRE;
	if (state != NULL && strcmp(state, "SHIPPED") == 0)
		return POST;
	return 0;
}

/* sb_refund's check: is reason one of refund_reasons for the order now? */
static int
reason_taken(const char *state, const char *reason, const char *id,
    struct sb_err *e)
{
	int when = reasons_when(state);

	for (size_t i = 0; i < NREASONS; i++)
		if (strcmp(reasons[i].reason, reason) == 0 &&
		    (reasons[i].when & when) != 0)
			return 0;
	sb_err_set(e, SB_HTTP_BAD_REQUEST, 1000, 0,
	    "Invalid parameter 'refund_reason': order %.40s, %.20s, does not "
	    "take '%.60s' (see GET /api/v3/orders/%.40s/refund_reasons)", id,
	    *state != '\0' ? state : "in no state", reason, id);
	return -1;
}

/* The refunded_reason a reason leaves on the order ("Item is counterfeit"). */
static void
reason_text(size_t i, struct tkt_buf *b)
{
	const char *t = reasons[i].code ? tkt_sbgen_refund_text(reasons[i].code) :
	    NULL;

	if (t != NULL) {
		tkt_buf_adds(b, t);
		return;
	}
	for (const char *s = reasons[i].reason; *s != '\0'; s++)
		tkt_buf_addc(b, *s == '_' ? ' ' : s == reasons[i].reason ? *s :
		    tolower((unsigned char)*s));
}

/* Order id's node in rec, parsed from line; NULL after answering. */
static const struct tkt_jnode *
find_order(struct sb_answer *a, const struct tkt_buf *line, const char *id,
    struct tkt_rec *rec)
{
	const struct tkt_jnode *o;
	struct tkt_error err;

	if (tkt_rec_parse(rec, line->s, line->len, TKT_RD_TREE, &err) == -1) {
		sb_v3_fail(a, SB_HTTP_SERVER_ERROR, 9000,
		    "A ticket is damaged in the store: %s", err.msg);
		return NULL;
	}
	o = tkt_rec_get(rec, &rec->nodes[0], "orders");
	for (o = tkt_rec_child(rec, o); o != NULL; o = tkt_rec_next(rec, o)) {
		const char *oid = tkt_rec_str(rec, tkt_rec_get(rec, o, "id"), NULL);

		if (oid != NULL && strcmp(oid, id) == 0)
			return o;
	}
	sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1004,
	    "No 'Order' Found with id: '%.200s'", id);
	return NULL;
}

/* Finds order id in line's orders and appends its v3 object. */
static int
put_order(const struct sb_req *r, struct sb_answer *a,
    const struct tkt_buf *line, const char *id, struct tkt_rec *rec)
{
	const struct tkt_jnode *o = find_order(a, line, id, rec);
	struct tkt_w3_tracking early, *earlier = NULL;
	const char *oid, *provider;
	char num[64];

	if (o == NULL)
		return -1;
	/* The generator makes up an earlier shipment for some orders. */
	oid = tkt_rec_str(rec, tkt_rec_get(rec, o, "id"), NULL);
	provider = tkt_rec_str(rec, tkt_rec_get(rec, o, "shipping_provider"),
	    NULL);
	if (tkt_sbgen_earlier_tracking(oid, provider, &early.carrier, num)) {
		early.number = num;
		earlier = &early;
	}
	tkt_wish3_render_order(rec, o, r->sb->noproc ? TKT_W3_NOPROC : 0,
	    earlier, &a->body);
	return 0;
}

static void
ep_order(struct sb_req *r, const char *id, struct sb_answer *a)
{
	answer_one(r, id, 1, put_order, a);
}

/* The reasons the order takes in its state now (tkt-sandbox(1)). */
static void
ep_reasons(struct sb_req *r, const char *id, struct sb_answer *a)
{
	const struct tkt_jnode *o;
	struct tkt_buf line;
	struct tkt_rec rec;
	struct sb_err e;
	json_t *list;
	int when;

	tkt_buf_init(&line);
	tkt_rec_init(&rec);
	if (sb_ticket_copy(r->sb, id, 1, &line, &e) == -1)
		v3_err(a, &e);
	else if ((o = find_order(a, &line, id, &rec)) != NULL) {
		when = reasons_when(tkt_rec_str(&rec, tkt_rec_get(&rec, o,
		    "state"), NULL));
		list = tkt_jx_pack("[]");
		for (size_t i = 0; i < NREASONS; i++)
			if ((reasons[i].when & when) != 0)
				json_array_append_new(list,
				    tkt_jx_str(reasons[i].reason));
		sb_envelope(a, SB_HTTP_OK, 0, list, "");
	}
	tkt_rec_free(&rec);
	tkt_buf_free(&line);
}

/*
 * PUT /api/v3/orders/{id}/refund: RefundOrder's refund_reason and
 * refund_reason_note.  The refund is asynchronous: the answer is the
 * Order as it is when asked, its refund IN_PROGRESS (sandbox_ops.c).
 */
static void
ep_refund(struct sb_req *r, const char *id, struct sb_answer *a)
{
	struct tkt_buf line, text;
	struct tkt_rec rec;
	struct sb_refund rq;
	struct sb_err e;
	const char *reason, *note;
	json_t *body;
	size_t i;
	int bad = 0;

	tkt_buf_init(&line);
	tkt_buf_init(&text);
	tkt_rec_init(&rec);
	if ((body = sb_body(r, a)) == NULL)
		goto out;
	if ((reason = body_need(body, "refund_reason", "refund_reason", 0,
	    a)) == NULL)
		goto out;
	note = body_str(body, "refund_reason_note", a, &bad);
	if (bad)
		goto out;
	if (note != NULL && *note == '\0') {
		sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1000,
		    "Invalid parameter 'refund_reason_note': empty (leave it "
		    "out, or write at least one character)");
		goto out;
	}
	for (i = 0; i < NREASONS; i++)
		if (strcmp(reason, reasons[i].reason) == 0)
			break;
	if (i == NREASONS) {
		sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1000,
		    "Invalid parameter 'refund_reason': '%.60s' is not a refund "
		    "reason (see GET /api/v3/orders/%.40s/refund_reasons)",
		    reason, id);
		goto out;
	}
	if (note != NULL)
		tkt_buf_adds(&text, note);
	else
		reason_text(i, &text);
	rq = (struct sb_refund){ reason, note, text.s,
	    r->fault.kind == TKT_F_REFUND_FAIL, reason_taken };
	if (sb_refund_start(r->sb, id, &rq, &line, &e) == -1) {
		v3_err(a, &e);
		goto out;
	}
	v3_begin(a);
	if (put_order(r, a, &line, id, &rec) == 0)
		v3_end(a);
out:
	json_decref(body);
	tkt_rec_free(&rec);
	tkt_buf_free(&text);
	tkt_buf_free(&line);
}

/* OAuth. */

static void
ep_oauth_test(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	(void)pid;
	sb_envelope(a, SB_HTTP_OK, 0, tkt_jx_pack("{s:o}", "merchant_id",
	    tkt_jx_str(r->sb->merchant_id)), "");
}

/*
 * The v3 spec (3.0.65) refreshes with GET and query parameters; POST and
 * form or JSON bodies are taken too.  data is its AccessToken.
 */
static void
ep_refresh(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	const char *rt, *gt, *keep;
	char *tok, when[32];
	time_t expiry;
	int64_t ttl;

	(void)pid;
	if (sb_json_params(r, a) == -1 ||
	    v3_need(r, a, "client_id") == NULL ||
	    v3_need(r, a, "client_secret") == NULL ||
	    (rt = v3_need(r, a, "refresh_token")) == NULL ||
	    (gt = v3_need(r, a, "grant_type")) == NULL)
		return;
	if (strcmp(gt, "refresh_token") != 0) {
		sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1001,
		    "grant_type must be set to 'refresh_token'");
		return;
	}
	if (sb_auth_refresh(r->sb->auth, rt, &tok, &expiry, &ttl, &keep) == -1) {
		sb_v3_fail(a, SB_HTTP_BAD_REQUEST, 1006,
		    "Unauthorized access on this API: the refresh token is "
		    "not valid");
		return;
	}
	sb_envelope(a, SB_HTTP_OK, 0, tkt_jx_pack("{s:o s:o s:o s:o s:[ssss]}",
	    "access_token", tkt_jx_str(tok), "refresh_token", tkt_jx_str(keep),
	    "expiry_time", tkt_jx_str(tkt_wish3_render_time(expiry, 0, when)),
	    "merchant_id", tkt_jx_str(r->sb->merchant_id), "scopes",
	    "tickets:read", "tickets:write", "orders:read", "orders:write"), "");
	free(tok);
}

const struct sb_route sb_v3_routes[] = {
	{ "/api/v3/tickets", "GET", 1, 0, ep_list },
	{ "/api/v3/tickets/{id}", "GET,PUT", 1, 0, ep_ticket },
	{ "/api/v3/tickets/{id}/replies", "POST", 1, 0, ep_replies },
	{ "/api/v3/orders/{id}", "GET", 1, 0, ep_order },
	{ "/api/v3/orders/{id}/refund_reasons", "GET", 1, 0, ep_reasons },
	{ "/api/v3/orders/{id}/refund", "PUT", 1, 0, ep_refund },
	{ "/api/v3/oauth/test", "GET", 1, 0, ep_oauth_test },
	{ "/api/v3/oauth/refresh_token", "GET,POST", 1, 1, ep_refresh },
};
const size_t sb_v3_nroutes = sizeof(sb_v3_routes) / sizeof(sb_v3_routes[0]);
