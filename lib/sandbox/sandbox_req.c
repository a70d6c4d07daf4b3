/*
 * sandbox_req.c: a request's parameters, as the server (sandbox.c) reads
 * them and the endpoints (sandbox_v2.c, sandbox_v3.c) look them up, JSON
 * bodies, and the {code,data,message} envelope of the answers that carry
 * no money (with jansson, as small documents).  Apart from sandbox.c so
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

json_t *
sb_body(const struct sb_req *r, struct sb_answer *a)
{
	char why[300];
	size_t i = 0;
	json_t *body;

	while (i < r->body.len && strchr(" \t\r\n", r->body.s[i]) != NULL)
		i++;
	if (i == r->body.len)
		return tkt_jx_pack("{}");
	if ((body = tkt_jx_load(r->body.s, r->body.len, why,
	    sizeof(why))) == NULL)
		sb_fail(a, SB_HTTP_BAD_REQUEST, 1000, NULL,
		    "The request body is not a JSON object: %s", why);
	return body;
}

int
sb_json_params(struct sb_req *r, struct sb_answer *a)
{
	const char *k;
	json_t *body, *v;
	size_t i = 0;

	while (i < r->body.len && strchr(" \t\r\n", r->body.s[i]) != NULL)
		i++;
	if (i == r->body.len || r->body.s[i] != '{')
		return 0;
	if ((body = sb_body(r, a)) == NULL)
		return -1;
	json_object_foreach(body, k, v) {
		switch (json_typeof(v)) {
		case JSON_STRING:
			tkt_buf_add(&sb_param_add(r, k)->val,
			    json_string_value(v), json_string_length(v));
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			tkt_buf_adds(&sb_param_add(r, k)->val,
			    json_is_true(v) ? "true" : "false");
			break;
		case JSON_INTEGER:
		case JSON_REAL:
			/* Its text is not kept: 6.69e0 is 6.69, 1e2 is 100.0. */
			tkt_jx_dump(v, &sb_param_add(r, k)->val);
			break;
		default:
			break;
		}
	}
	json_decref(body);
	return 0;
}

/* Answers. */

void
sb_envelope(struct sb_answer *a, unsigned status, long code, json_t *data,
    const char *msg)
{
	json_t *env = tkt_wish_envelope_new(code, data, msg);

	a->status = status;
	tkt_buf_reset(&a->body);
	tkt_jx_dump(env, &a->body);
	json_decref(env);
}

void
sb_fail(struct sb_answer *a, unsigned status, long code, json_t *data,
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
	sb_envelope(a, SB_HTTP_OK, 0, tkt_jx_pack("{s:b}", "success", 1), "");
}

const char *
sb_need(const struct sb_req *r, struct sb_answer *a, const char *key)
{
	const char *v = sb_param(r, key);

	if (v != NULL && *v != '\0')
		return v;
	sb_fail(a, SB_HTTP_BAD_REQUEST, 1001, tkt_jx_str(key),
	    "Required Param Missing: '%s'", key);
	return NULL;
}
