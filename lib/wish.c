/*
 * wish.c: what both Wish API versions share: the {code, data, message}
 * envelope, the error codes that mean a person must act, and URLs.
 */
#include <stdio.h>
#include <string.h>

#include "tkt.h"

int
tkt_wish_token_code(long code)
{
	return code == 4000 || code == 1012 || code == 1015 || code == 1016 ||
	    code == 1018;
}

char *
tkt_wish_url(const struct tkt_store *s, const char *path, const char *query)
{
	return xasprintf("%s/api/%s/%s%s%s", s->url, s->api, path,
	    query && *query ? "?" : "", query ? query : "");
}

static void
copy_rid(struct tkt_error *err, const struct tkt_http_req *r)
{
	snprintf(err->request_id, sizeof(err->request_id), "%s", r->request_id);
}

int
tkt_wish_envelope(const struct tkt_http_req *r, struct tkt_rec *env,
    struct tkt_error *err)
{
	const struct tkt_jnode *root, *code, *msg;
	struct tkt_error perr;
	long long c = 0;
	const char *es, *m = NULL;
	size_t mlen = 0;
	int parsed;

	tkt_error_clear(err);
	copy_rid(err, r);
	if (r->outcome != TKT_HTTP_DONE) {
		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_NETWORK, "%s%s",
		    r->errmsg, r->outcome == TKT_HTTP_UNKNOWN ?
		    " (the request may have reached the server)" : "");
		return -1;
	}
	err->http = r->status;
	/* An empty body is not parsed: perr must say why all the same. */
	tkt_error_clear(&perr);
	snprintf(perr.msg, sizeof(perr.msg), "empty body");
	parsed = r->resp.len > 0 &&
	    tkt_rec_parse(env, r->resp.s, r->resp.len, TKT_RD_TREE, &perr) == 0;
	if (parsed) {
		root = &env->nodes[0];
		code = tkt_rec_get(env, root, "code");
		msg = tkt_rec_get(env, root, "message");
		if (code != NULL && code->type == TKT_J_NUMBER)
			tkt_num_parse(env->strs + code->str, -1000000000,
			    1000000000, &c, &es);
		else
			code = NULL;
		m = tkt_rec_str(env, msg, &mlen);
		err->code = (long)c;
	} else
		code = NULL;
	if (r->status == 401 || (code != NULL && tkt_wish_token_code((long)c))) {
		tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
		    "the marketplace refused the token (HTTP %ld%s%.0lld%s%.*s%s)",
		    r->status, code ? ", code " : "", code ? c : 0LL,
		    mlen ? ": " : "", (int)(mlen > 200 ? 200 : mlen),
		    m ? m : "", "; a person must renew it");
		return -1;
	}
	if (!parsed || code == NULL) {
		if (r->status >= 500 || r->status == 429)
			tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
			    "HTTP %ld from the marketplace", r->status);
		else
			tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
			    "malformed answer (HTTP %ld, %zu bytes): %s",
			    r->status, r->resp.len, parsed ?
			    "no code in the envelope" : perr.msg);
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
