/*
 * sandbox_req.c: a request's parameters, as the server (sandbox.c) reads
 * them and the endpoints (sandbox_v2.c, sandbox_v3.c) look them up, and the
 * {code,data,message} envelope of every answer.  Apart from sandbox.c so
 * that the server and the endpoints it routes to do not call each other.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sandbox_priv.h"

/* Parameters. */

struct sb_param *
sb_param_add(struct sb_req *r, const char *key)
{
	struct sb_param *p;

	r->p = xreallocarray(r->p, r->np + 1, sizeof(*r->p));
	p = &r->p[r->np++];
	p->key = xstrdup(key);
	tkt_buf_init(&p->val);
	return p;
}

const char *
sb_param(const struct sb_req *r, const char *key)
{
	for (size_t i = r->np; i-- > 0;)
		if (strcmp(r->p[i].key, key) == 0)
			return r->p[i].val.s ? r->p[i].val.s : "";
	return NULL;
}

void
sb_json_params(struct sb_req *r)
{
	const struct tkt_jnode *n;
	struct tkt_error err;
	struct tkt_rec rec;
	size_t i = 0;

	while (i < r->body.len && strchr(" \t\r\n", r->body.s[i]) != NULL)
		i++;
	if (i == r->body.len || r->body.s[i] != '{')
		return;
	tkt_rec_init(&rec);
	if (tkt_rec_parse(&rec, r->body.s, r->body.len, TKT_RD_TOP, &err) == 0)
		for (n = tkt_rec_child(&rec, &rec.nodes[0]); n != NULL;
		    n = tkt_rec_next(&rec, n)) {
			const char *k = tkt_rec_key(&rec, n, NULL), *v;
			size_t len;

			if (n->type == TKT_J_TRUE || n->type == TKT_J_FALSE)
				tkt_buf_adds(&sb_param_add(r, k)->val,
				    n->type == TKT_J_TRUE ? "true" : "false");
			else if ((v = tkt_rec_str(&rec, n, &len)) != NULL)
				tkt_buf_add(&sb_param_add(r, k)->val, v, len);
		}
	tkt_rec_free(&rec);
}

/* Answers. */

void
sb_envelope(struct sb_answer *a, unsigned status, long code, const char *data,
    const char *msg)
{
	a->status = status;
	tkt_buf_reset(&a->body);
	tkt_buf_printf(&a->body, "{\"code\":%ld,\"data\":%s,\"message\":", code,
	    data);
	tkt_json_strz(&a->body, msg);
	tkt_buf_addc(&a->body, '}');
}

void
sb_fail(struct sb_answer *a, unsigned status, long code, const char *data,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_envelope(a, status, code, data, msg);
}

void
sb_success(struct sb_answer *a)
{
	sb_envelope(a, SB_HTTP_OK, 0, "{\"success\":true}", "");
}

const char *
sb_need(const struct sb_req *r, struct sb_answer *a, const char *key)
{
	const char *v = sb_param(r, key);
	struct tkt_buf d;

	if (v != NULL && *v != '\0')
		return v;
	tkt_buf_init(&d);
	tkt_json_strz(&d, key);
	sb_fail(a, SB_HTTP_BAD_REQUEST, 1001, d.s, "Required Param Missing: '%s'",
	    key);
	tkt_buf_free(&d);
	return NULL;
}
