/*
 * wish.c: what both Wish API versions share: the {code, data, message}
 * envelope, the error codes that mean a person must act, URLs, and the
 * writer of the record both normalizers fill (tkt-record(5)).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"
#include "tkt_priv.h"
#include "tkt_jsonx.h"

int
tkt_wish_token_code(const char *api, long code)
{
	return strcmp(api, "v3") == 0 ? tkt_wish3_token_code(code) :
	    tkt_wish2_token_code(code);
}

int
tkt_wish3_token_code(long code)
{
	/*
	 * v3's own codes: 1006 unauthorized (no such token), 1007 expired,
	 * 1008 revoked, 1012 missing, and 1002, the account is disabled,
	 * which no new token cures.  4000 is v2's: no v3 path, example or
	 * error list uses it, so on v3 it is an ordinary refusal (a 401
	 * still refuses the token).
	 */
	if (code == 1002)
		return TKT_TOKEN_DISABLED;
	return code == 1012 || (code >= 1006 && code <= 1008) ?
	    TKT_TOKEN_REFUSED : TKT_TOKEN_NO;
}

int
tkt_wish2_token_code(long code)
{
	/*
	 * v2 (the SDKs): 4000 unauthorized, 1015 expired, 1016 revoked, 1018
	 * redeemed.  v2's 1002 is "order already fulfilled", a refusal of
	 * that one request.
	 */
	return code == 4000 || code == 1015 || code == 1016 || code == 1018 ?
	    TKT_TOKEN_REFUSED : TKT_TOKEN_NO;
}

/* The API version of a request's URL ("…/api/v3/…"): v3, else v2. */
static const char *
url_api(const char *url)
{
	return url != NULL && strstr(url, "/api/v3/") != NULL ? "v3" : "v2";
}

const char *const tkt_states[] = { "AWAITING_MERCHANT", "AWAITING_USER",
    "AWAITING_WISH", "CLOSED", "PERMANENTLY_CLOSED", NULL };
const char *const tkt_types[] = { "PRE_PURCHASE", "ORDER",
    "POST_CUSTOMER_SUPPORT", NULL };
const char *const tkt_senders[] = { "USER", "MERCHANT", "WISH_SUPPORT",
    "WISH_AUTOMATED_SUPPORT", "LIVE_CHAT", NULL };

const char *
tkt_wish_enum(const char *const *set, const char *s)
{
	if (s == NULL)
		return NULL;
	for (; *set != NULL; set++)
		if (strcmp(*set, s) == 0)
			return *set;
	return NULL;
}

char *
tkt_wish_url(const struct tkt_store *s, const char *path, const char *query)
{
	return xasprintf("%s/api/%s/%s%s%s", s->url, s->api, path,
	    query && *query ? "?" : "", query ? query : "");
}

/* Both versions: GET oauth/refresh_token with its parameters in the query. */
void
tkt_wish_refresh(const struct tkt_store *s, const char *client_id,
    const char *secret, const char *refresh, struct tkt_mreq *m)
{
	struct tkt_buf q;

	tkt_buf_init(&q);
	tkt_buf_adds(&q, "client_id=");
	tkt_url_encode(&q, client_id);
	tkt_buf_adds(&q, "&client_secret=");
	tkt_url_encode(&q, secret);
	tkt_buf_adds(&q, "&refresh_token=");
	tkt_url_encode(&q, refresh);
	tkt_buf_adds(&q, "&grant_type=refresh_token");
	memset(m, 0, sizeof(*m));
	m->method = TKT_GET;
	m->url = tkt_wish_url(s, "oauth/refresh_token", q.s);
	explicit_bzero(q.s, q.len);
	tkt_buf_free(&q);
}

/*
 * The envelope, {"code": …, "data": …, "message": …}.  An answer that may
 * carry records (HTTP status under 300) is parsed into the caller's
 * tkt_rec, on yajl, for its data; an error (300 and over) is a small
 * document, read as a tree with jansson, as is an answer read for its
 * data alone (tkt_wish_envelope_tree).  Both readings come to one
 * struct envread, which one verdict() judges.
 */
struct envread {
	int		 parsed;
	int		 has_code;	/* a number, code (0 if not an integer) */
	long long	 code;
	const char	*msg;		/* borrowed, or NULL */
	size_t		 mlen;
	char		 why[1024];	/* why the body did not parse */
};

/* The failures before any body: network, nothing sent. -1 and err. */
static int
transport(const struct tkt_http_req *r, struct tkt_error *err)
{
	tkt_error_clear(err);
	snprintf(err->request_id, sizeof(err->request_id), "%s", r->request_id);
	if (r->outcome != TKT_HTTP_DONE) {
		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_NETWORK, "%s%s",
		    r->errmsg, r->outcome == TKT_HTTP_UNKNOWN ?
		    " (the request may have reached the server)" : "");
		return -1;
	}
	err->http = r->status;
	return 0;
}

/* Reads r's body into env (TKT_RD_TREE), into v. */
static void
read_rec(const struct tkt_http_req *r, struct tkt_rec *env,
    struct envread *v)
{
	const struct tkt_jnode *code;
	struct tkt_error perr;
	const char *es;

	memset(v, 0, sizeof(*v));
	/* An empty body is not parsed: v->why must say why all the same. */
	snprintf(v->why, sizeof(v->why), "empty body");
	if (r->resp.len == 0)
		return;
	tkt_error_clear(&perr);
	if (tkt_rec_parse(env, r->resp.s, r->resp.len, TKT_RD_TREE,
	    &perr) == -1) {
		snprintf(v->why, sizeof(v->why), "%s", perr.msg);
		return;
	}
	v->parsed = 1;
	code = tkt_rec_get(env, &env->nodes[0], "code");
	if (code != NULL && code->type == TKT_J_NUMBER) {
		v->has_code = 1;
		tkt_num_parse(env->strs + code->str, -1000000000, 1000000000,
		    &v->code, &es);
	}
	v->msg = tkt_rec_str(env,
	    tkt_rec_get(env, &env->nodes[0], "message"), &v->mlen);
}

/* Reads r's body as a tree, into v: the tree (a new reference), or NULL. */
static json_t *
read_tree(const struct tkt_http_req *r, struct envread *v)
{
	json_t *root, *code = NULL, *msg = NULL;

	memset(v, 0, sizeof(*v));
	snprintf(v->why, sizeof(v->why), "empty body");
	if (r->resp.len == 0 || (root = tkt_jx_load(r->resp.s, r->resp.len,
	    v->why, sizeof(v->why))) == NULL)
		return NULL;
	v->parsed = 1;
	/* Either may be missing or of another type: verdict() says so. */
	json_unpack(root, "{s?o s?o}", "code", &code, "message", &msg);
	if (json_is_number(code)) {
		v->has_code = 1;
		if (json_is_integer(code) &&
		    json_integer_value(code) >= -1000000000 &&
		    json_integer_value(code) <= 1000000000)
			v->code = json_integer_value(code);
	}
	if (json_is_string(msg)) {
		v->msg = json_string_value(msg);
		v->mlen = json_string_length(msg);
	}
	return root;
}

/* Judges what the body said: 0 when its code is 0, else -1 and err. */
static int
verdict(const struct tkt_http_req *r, const struct envread *v,
    struct tkt_error *err)
{
	long long c = v->code;
	const char *m = v->msg;
	size_t mlen = v->mlen;
	int code = v->has_code, tok;
	char cs[32] = "";

	err->code = (long)c;
	tok = code ? tkt_wish_token_code(url_api(r->url), (long)c) :
	    TKT_TOKEN_NO;
	if (code)
		snprintf(cs, sizeof(cs), ", code %lld", c);
	if (r->status == 301 || r->status == 302 || r->status == 303 ||
	    r->status == 307 || r->status == 308) {
		/* Not followed: Wish's API does not redirect. */
		char *loc = tkt_http_location(r);

		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
		    "HTTP %ld (a redirect%s%.300s; the origin may be wrong)",
		    r->status, loc != NULL ? " to " : "", loc ? loc : "");
		free(loc);
		return -1;
	}
	if (r->status == 401 || tok != TKT_TOKEN_NO) {
		tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
		    "the marketplace refused the token (HTTP %ld%s%s%.*s%s)",
		    r->status, cs, mlen ? ": " : "",
		    (int)(mlen > 200 ? 200 : mlen),
		    m ? m : "", tok == TKT_TOKEN_DISABLED ?
		    "; the account is disabled: a person must act" :
		    "; a person must renew it");
		return -1;
	}
	if (!v->parsed || !code) {
		if (r->status >= 500 || r->status == 429)
			tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
			    "HTTP %ld from the marketplace", r->status);
		else
			tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
			    "malformed answer (HTTP %ld, %zu bytes): %s",
			    r->status, r->resp.len, v->parsed ?
			    "no code in the envelope" : v->why);
		return -1;
	}
	if (c != 0 || r->status >= 300) {
		tkt_error_set(err, r->status >= 500 || r->status == 429 ?
		    TKT_EXIT_REMOTE : TKT_EXIT_NO, TKT_E_REMOTE,
		    "%.*s (code %lld, HTTP %ld)", (int)(mlen > 300 ? 300 : mlen),
		    m && mlen ? m : "error", c, r->status);
		return -1;
	}
	return 0;
}

int
tkt_wish_envelope(const struct tkt_http_req *r, struct tkt_rec *env,
    struct tkt_error *err)
{
	struct envread v;
	json_t *root;
	int rc;

	if (transport(r, err) == -1)
		return -1;
	if (r->status < 300) {
		read_rec(r, env, &v);
		return verdict(r, &v, err);
	}
	root = read_tree(r, &v);
	rc = verdict(r, &v, err);
	json_decref(root);
	return rc;
}

json_t *
tkt_wish_envelope_tree(const struct tkt_http_req *r, struct tkt_error *err)
{
	struct envread v;
	json_t *root;

	if (transport(r, err) == -1)
		return NULL;
	root = read_tree(r, &v);
	if (verdict(r, &v, err) == -1) {
		json_decref(root);
		return NULL;
	}
	return root;
}

json_t *
tkt_wish_envelope_new(long code, json_t *data, const char *msg)
{
	return tkt_jx_pack("{s:I s:o s:o}", "code", (json_int_t)code,
	    "data", data != NULL ? data : tkt_jx_pack("{}"), "message",
	    tkt_jx_str(msg));
}

/* The record writer. */

const char *const tkt_order_keys[TKT_O_N] = {
	"id", "transaction_id", "product_id", "product_name", "sku", "size",
	"color", "quantity", "price", "cost", "shipping", "order_total",
	"currency", "state", "shipping_provider", "tracking_number",
	"shipped_date", "refunded_reason", "refunded_time"
};

struct tkt_sv
tkt_wish_str(const struct tkt_rec *r, const struct tkt_jnode *o,
    const char *key, int blank_null)
{
	struct tkt_sv v = { NULL, 0 };
	const struct tkt_jnode *n = tkt_rec_get(r, o, key);
	size_t len;

	if ((v.s = tkt_rec_str(r, n, &len)) == NULL)
		return v;
	if (blank_null && len == 0)
		v.s = NULL;
	else
		v.n = len;
	return v;
}

time_t
tkt_wish_time(const struct tkt_rec *r, const struct tkt_jnode *o,
    const char *key, struct tkt_norm *nm)
{
	struct tkt_sv v = tkt_wish_str(r, o, key, 1);
	time_t t;

	if (v.s == NULL)
		return (time_t)-1;
	if (tkt_time_parsen(v.s, v.n, &t) == -1) {
		nm->bad_time = 1;
		return (time_t)-1;
	}
	return t;
}

void
tkt_wish_times(const struct tkt_rec *r, const struct tkt_jnode *o,
    const char *opened, const char *updated, struct tkt_norm *nm,
    struct tkt_wire *t)
{
	t->opened_at = tkt_wish_time(r, o, opened, nm);
	t->updated_at = tkt_wish_time(r, o, updated, nm);
	if (t->updated_at == (time_t)-1)
		t->updated_at = t->opened_at;
	nm->updated_at = t->updated_at;
	nm->updated_raw = tkt_wish_str(r, o, updated, 1).s;
}

void
tkt_wish_locale(struct tkt_norm *nm, struct tkt_sv v)
{
	char *out = nm->locale;
	size_t i, outlen = sizeof(nm->locale);

	if (v.s == NULL || v.n == 0 || v.n >= outlen) {
		snprintf(out, outlen, "und");
		return;
	}
	for (i = 0; i < v.n; i++) {
		char c = v.s[i];

		if (c == '_')
			c = '-';
		if (!isalnum((unsigned char)c) && c != '-') {
			snprintf(out, outlen, "und");
			return;
		}
		out[i] = c;
	}
	out[i] = '\0';
	/* Language lowercase, region uppercase. */
	for (i = 0; out[i] && out[i] != '-'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	if (out[i] == '-' && strlen(out + i + 1) == 2)
		for (i++; out[i]; i++)
			out[i] = (char)toupper((unsigned char)out[i]);
}

void
tkt_wish_state(struct tkt_norm *nm, const char *value, const char *raw)
{
	nm->state_raw = NULL;
	if (value != NULL) {
		nm->state = value;
		return;
	}
	nm->state = "UNKNOWN";
	nm->state_raw = raw != NULL ? raw : "";
}

static void
put_sv(struct tkt_jw *w, const char *key, struct tkt_sv v)
{
	tkt_jw_key(w, key);
	if (v.s == NULL)
		tkt_jw_null(w);
	else
		tkt_jw_strn(w, v.s, v.n);
}

static void
put_time(struct tkt_jw *w, const char *key, time_t t)
{
	tkt_jw_key(w, key);
	tkt_jw_time(w, t);
}

void
tkt_wish_head(struct tkt_recw *rw, struct tkt_buf *out,
    const struct tkt_norm *nm, const struct tkt_wire *t)
{
	struct tkt_jw *w = &rw->w;

	rw->out = out;
	rw->nev = 0;
	tkt_jw_init(w, out);
	tkt_jw_obj(w);
	put_sv(w, "id", t->id);
	tkt_jw_key(w, "store");
	tkt_jw_str(w, nm->store->name);
	tkt_jw_key(w, "api");
	tkt_jw_str(w, t->api);
	tkt_jw_key(w, "type");
	tkt_jw_str(w, nm->type);
	tkt_jw_key(w, "type_inferred");
	tkt_jw_bool(w, t->type_inferred);
	tkt_jw_key(w, "state");
	tkt_jw_str(w, nm->state);
	if (nm->state_raw != NULL) {
		tkt_jw_key(w, "state_raw");
		tkt_jw_str(w, nm->state_raw);
	}
	put_sv(w, "subject", t->subject);
	put_sv(w, "label", t->label);
	put_sv(w, "sub_label", t->sub_label);
	put_sv(w, "refund_reason", t->refund_reason);
	put_time(w, "opened_at", t->opened_at);
	put_time(w, "updated_at", t->updated_at);
	put_time(w, "closed_at", t->closed_at);
	put_sv(w, "closed_by", t->closed_by);
	tkt_jw_key(w, "locale");
	tkt_jw_str(w, nm->locale);
	tkt_jw_key(w, "buyer");
	tkt_jw_obj(w);
	put_sv(w, "id", t->buyer_id);
	put_sv(w, "name", t->buyer_name);
	tkt_jw_key(w, "locale");
	tkt_jw_str(w, nm->locale);
	tkt_jw_obj_end(w);
}

const struct tkt_jnode *
tkt_wish_list(struct tkt_recw *rw, const char *key, const struct tkt_rec *r,
    const struct tkt_jnode *o, const char *src)
{
	const struct tkt_jnode *a = tkt_rec_get(r, o, src);

	tkt_jw_key(&rw->w, key);
	tkt_jw_arr(&rw->w);
	return a != NULL && a->type == TKT_J_ARRAY ? tkt_rec_child(r, a) : NULL;
}

void
tkt_wish_list_end(struct tkt_recw *rw)
{
	tkt_jw_arr_end(&rw->w);
}

void
tkt_wish_order(struct tkt_jw *w, const struct tkt_sv *v)
{
	const struct tkt_sv *q = &v[TKT_O_QUANTITY];
	long long qty;
	const char *es;
	char tmp[24];

	tkt_jw_obj(w);
	for (int i = 0; i < TKT_O_N; i++) {
		if (i != TKT_O_QUANTITY) {
			put_sv(w, tkt_order_keys[i], v[i]);
			continue;
		}
		tkt_jw_key(w, "quantity");
		if (q->s != NULL && q->n < sizeof(tmp)) {
			memcpy(tmp, q->s, q->n);
			tmp[q->n] = '\0';
		} else
			tmp[0] = '\0';
		if (tmp[0] != '\0' &&
		    tkt_num_parse(tmp, 0, 1000000000, &qty, &es) == 0)
			tkt_jw_int(w, qty);
		else
			tkt_jw_null(w);
	}
	tkt_jw_obj_end(w);
}

void
tkt_wish_reply(struct tkt_recw *rw, const char *sender, time_t at,
    struct tkt_sv message, struct tkt_sv translated)
{
	struct tkt_jw *w = &rw->w;

	if (rw->nev < TKT_MAX_REPLIES) {
		rw->ev[rw->nev].sender = tkt_sender_kind(sender);
		rw->ev[rw->nev].at = at;
		rw->nev++;
	}
	tkt_jw_obj(w);
	tkt_jw_key(w, "sender");
	tkt_jw_str(w, sender);
	put_time(w, "at", at);
	put_sv(w, "message", message);
	put_sv(w, "translated_message", translated);
	tkt_jw_key(w, "images");
	tkt_jw_arr(w);
}

void
tkt_wish_reply_end(struct tkt_recw *rw)
{
	tkt_jw_arr_end(&rw->w);
	tkt_jw_obj_end(&rw->w);
}

void
tkt_wish_tail(struct tkt_recw *rw, struct tkt_norm *nm, const char *raw,
    size_t rawlen)
{
	struct tkt_jw *w = &rw->w;

	nm->waiting_since = tkt_waiting_since(rw->ev, rw->nev,
	    strcmp(nm->state, "AWAITING_MERCHANT") == 0);
	nm->due_at = tkt_due_at(nm->waiting_since, nm->store->sla);
	put_time(w, "waiting_since", nm->waiting_since);
	put_time(w, "due_at", nm->due_at);
	tkt_jw_key(w, "csat");
	tkt_jw_null(w);
	if (nm->raw) {
		size_t at;
		char *p, *end;

		tkt_jw_key(w, "raw");
		at = rw->out->len;
		tkt_jw_raw(w, raw, rawlen);
		/*
		 * The API's object as sent, on the record's one line: an
		 * answer may break lines between tokens (never inside a
		 * string, which cannot hold a raw CR or LF), and each such
		 * byte becomes a space.
		 */
		end = rw->out->s + rw->out->len;
		for (p = rw->out->s + at; p < end; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
	tkt_jw_obj_end(w);
	tkt_buf_addc(rw->out, '\n');
}
