/*
 * sandbox_v2.c: the Wish API v2 endpoints of tkt-sandbox: parameters from
 * the query or a form body, tickets rendered by wish2_render.c, errors as
 * {code, data, message} with v2's codes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_priv.h"

static void
v2_fail(struct sb_answer *a, const struct sb_err *e)
{
	sb_envelope(a, e->http, e->code, e->data != 0 ?
	    tkt_jx_pack("I", (json_int_t)e->data) : NULL, e->msg);
}

static void
ticket_write(struct sb_req *r, struct sb_answer *a, int op)
{
	const char *id, *text = NULL;
	struct sb_err e;

	if ((id = sb_need(r, a, "id")) == NULL)
		return;
	if (op == SB_REPLY || op == SB_REOPEN) {
		if ((text = sb_need(r, a, "reply")) == NULL)
			return;
		if (sb_text_check("reply", text, &e) == -1) {
			v2_fail(a, &e);
			return;
		}
	}
	if (sb_ticket_move(r->sb, id, op, text, NULL, &e) == -1)
		v2_fail(a, &e);
	else
		sb_success(a);
}

static void
ep_reply(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	(void)pid;
	ticket_write(r, a, SB_REPLY);
}

static void
ep_close(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	(void)pid;
	ticket_write(r, a, SB_CLOSE);
}

static void
ep_appeal(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	(void)pid;
	ticket_write(r, a, SB_APPEAL);
}

static void
ep_reopen(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	(void)pid;
	ticket_write(r, a, SB_REOPEN);
}

static void
ep_refund(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	const char *id, *code, *note, *reason, *es;
	struct tkt_buf why;
	struct sb_err e;
	long long n;

	(void)pid;
	if ((id = sb_need(r, a, "id")) == NULL ||
	    (code = sb_need(r, a, "reason_code")) == NULL)
		return;
	if (tkt_num_parse(code, 0, 999, &n, &es) == -1) {
		sb_fail(a, SB_HTTP_BAD_REQUEST, 1000, NULL,
		    "Invalid parameter 'reason_code': '%.40s' is not a reason code",
		    code);
		return;
	}
	note = sb_param(r, "reason_note");
	tkt_buf_init(&why);
	if (note != NULL && *note != '\0')
		reason = note;
	else if ((reason = tkt_sbgen_refund_text(code)) == NULL) {
		tkt_buf_printf(&why, "Refund reason %lld", n);
		reason = why.s;
	}
	if (sb_refund(r->sb, id, reason, NULL, &e) == -1)
		v2_fail(a, &e);
	else
		sb_success(a);
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
ep_ticket(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	struct sandbox *sb = r->sb;
	const char *id;
	struct tkt_rec rec;
	struct sb_err e;
	long ti;

	(void)pid;
	if ((id = sb_need(r, a, "id")) == NULL)
		return;
	tkt_rec_init(&rec);
	pthread_mutex_lock(&sb->mu);
	if ((ti = tkt_sbstore_find(sb->st, id)) == -1) {
		sb_err_set(&e, SB_HTTP_BAD_REQUEST, 1004, 2031,
		    "No 'Ticket' Found with id: '%.200s'", id);
		v2_fail(a, &e);
	} else {
		a->status = SB_HTTP_OK;
		tkt_buf_reset(&a->body);
		tkt_buf_adds(&a->body, "{\"code\":0,\"data\":");
		if (render(sb, ti, &rec, &a->body) == -1)
			sb_fail(a, SB_HTTP_SERVER_ERROR, 9000, NULL,
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

/* paging.next and .previous carry the token the request was made with. */
static void
page_url(const struct sb_req *r, struct tkt_jw *w, const char *key,
    long long start, long long limit, const char *token)
{
	struct tkt_buf u;

	tkt_buf_init(&u);
	tkt_buf_printf(&u, "%s/api/v2/ticket/get-action-required?start=%lld"
	    "&limit=%lld&access_token=", r->sb->origin, start, limit);
	urlenc(&u, token);
	tkt_jw_key(w, key);
	tkt_jw_strn(w, u.s, u.len);
	tkt_buf_free(&u);
}

/* An optional integer parameter; -1 after answering 1000. */
static int
int_param(const struct sb_req *r, struct sb_answer *a, const char *key,
    long long min, long long max, long long *out)
{
	const char *v = sb_param(r, key), *es;

	if (v == NULL || *v == '\0')
		return 0;
	if (tkt_num_parse(v, min, max, out, &es) == -1) {
		sb_fail(a, SB_HTTP_BAD_REQUEST, 1000, NULL,
		    "Invalid parameter '%s': '%.40s' is %s (want %lld to %lld)",
		    key, v, es, min, max);
		return -1;
	}
	return 0;
}

static void
ep_action_required(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	struct sandbox *sb = r->sb;
	long long start = 0, limit = SB_DEF_LIMIT, total;
	struct tkt_rec rec;
	struct tkt_jw w;
	int bad = 0;

	(void)pid;
	if (int_param(r, a, "start", 0, INT32_MAX, &start) == -1 ||
	    int_param(r, a, "limit", 1, SB_MAX_LIMIT, &limit) == -1)
		return;
	tkt_rec_init(&rec);
	a->status = SB_HTTP_OK;
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
		sb_fail(a, SB_HTTP_SERVER_ERROR, 9000, NULL,
		    "A ticket is damaged in the store");
		return;
	}
	tkt_buf_adds(&a->body, "],\"message\":\"\"");
	if (start + limit < total || start > 0) {
		const char *tok = r->token != NULL ? r->token : "";

		tkt_buf_adds(&a->body, ",\"paging\":");
		tkt_jw_init(&w, &a->body);
		tkt_jw_obj(&w);
		if (start + limit < total)
			page_url(r, &w, "next", start + limit, limit, tok);
		if (start > 0)
			page_url(r, &w, "previous",
			    start > limit ? start - limit : 0, limit, tok);
		tkt_jw_obj_end(&w);
	}
	tkt_buf_addc(&a->body, '}');
}

static void
ep_auth_test(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	(void)r;
	(void)pid;
	sb_success(a);
}

/*
 * An ERP refreshes with GET; POST is taken too.  The
 * parameters may come in the query, a form or a JSON body.  data is the
 * shape the ERP reads (access_token, refresh_token, expiry_time in Unix
 * seconds) plus expires_in and merchant_id.
 */
static void
ep_refresh(struct sb_req *r, const char *pid, struct sb_answer *a)
{
	const char *rt, *gt, *keep;
	char *tok;
	time_t expiry;
	int64_t ttl;

	(void)pid;
	if (sb_json_params(r, a) == -1 ||
	    sb_need(r, a, "client_id") == NULL ||
	    sb_need(r, a, "client_secret") == NULL ||
	    (rt = sb_need(r, a, "refresh_token")) == NULL ||
	    (gt = sb_need(r, a, "grant_type")) == NULL)
		return;
	if (strcmp(gt, "refresh_token") != 0) {
		sb_fail(a, SB_HTTP_BAD_REQUEST, 1000, NULL,
		    "Invalid parameter 'grant_type': must be 'refresh_token'");
		return;
	}
	if (sb_auth_refresh(r->sb->auth, rt, &tok, &expiry, &ttl, &keep) == -1) {
		sb_envelope(a, SB_HTTP_UNAUTHORIZED, 4000, NULL,
		    "Invalid refresh token");
		return;
	}
	sb_envelope(a, SB_HTTP_OK, 0, tkt_jx_pack("{s:o s:I s:I s:o s:o}",
	    "access_token", tkt_jx_str(tok), "expires_in", (json_int_t)ttl,
	    "expiry_time", (json_int_t)expiry, "refresh_token",
	    tkt_jx_str(keep), "merchant_id", tkt_jx_str(r->sb->merchant_id)),
	    "");
	free(tok);
}

const struct sb_route sb_v2_routes[] = {
	{ "/api/v2/ticket", "GET,POST", 0, 0, ep_ticket },
	{ "/api/v2/ticket/get-action-required", "GET,POST", 0, 0,
	    ep_action_required },
	{ "/api/v2/ticket/reply", "POST", 0, 0, ep_reply },
	{ "/api/v2/ticket/close", "POST", 0, 0, ep_close },
	{ "/api/v2/ticket/appeal-to-wish-support", "POST", 0, 0, ep_appeal },
	{ "/api/v2/ticket/re-open", "POST", 0, 0, ep_reopen },
	{ "/api/v2/order/refund", "POST", 0, 0, ep_refund },
	{ "/api/v2/auth_test", "GET,POST", 0, 0, ep_auth_test },
	{ "/api/v2/oauth/refresh_token", "GET,POST", 0, 1, ep_refresh },
};
const size_t sb_v2_nroutes = sizeof(sb_v2_routes) / sizeof(sb_v2_routes[0]);
