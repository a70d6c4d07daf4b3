/*
 * sandbox.c: tkt-sandbox, a fake Wish Merchant API (v2, and v3 beside it)
 * on loopback.  libmicrohttpd runs a thread per connection, so a slow=
 * fault sleeps in its own thread; one mutex guards the store.  This file
 * is the server: it reads a request's parameters (the query string, then
 * urlencoded or multipart bodies, the body winning) and its raw body,
 * applies --rate and --faults, finds the route and checks the token, and
 * sends the answer with its Wish-Request-Id and rate-limit headers.  The
 * endpoints are in sandbox_v2.c and sandbox_v3.c, the tokens in
 * sandbox_auth.c; every change reaches the store file before its answer
 * is sent (sandbox_ops.c), whichever version made it.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "sandbox_priv.h"

/* Parameters. */

static enum MHD_Result
query_iter(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct sb_param *p = sb_param_add(cls, key);

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
	struct sb_req *r = cls;
	struct sb_param *p;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	if (off > 0 && r->np > 0 && strcmp(r->p[r->np - 1].key, key) == 0)
		p = &r->p[r->np - 1];
	else
		p = sb_param_add(r, key);
	if (size > 0)
		tkt_buf_add(&p->val, data, size);
	return MHD_YES;
}

/* Routes. */

/*
 * Does path match the route's pattern?  "{id}" stands for one non-empty
 * segment, copied into id (NUL-terminated, at most idsize - 1 bytes).
 */
static int
route_match(const char *pat, const char *path, char *id, size_t idsize)
{
	const char *ph = strstr(pat, "{id}");
	size_t pre, n;
	const char *rest;

	id[0] = '\0';
	if (ph == NULL)
		return strcmp(pat, path) == 0;
	pre = (size_t)(ph - pat);
	if (strncmp(pat, path, pre) != 0)
		return 0;
	path += pre;
	n = strcspn(path, "/");
	if (n == 0 || n >= idsize)
		return 0;
	rest = path + n;
	if (strcmp(ph + 4, rest) != 0)
		return 0;
	memcpy(id, path, n);
	id[n] = '\0';
	return 1;
}

static int
method_ok(const char *methods, const char *method)
{
	size_t n = strlen(method);

	for (const char *p = methods; *p != '\0'; p += strcspn(p, ","),
	    p += *p == ',')
		if (strncmp(p, method, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/*
 * The token a request carries: the Bearer header, else (v2 only) the
 * access_token parameter.
 */
static void
find_token(struct MHD_Connection *c, struct sb_req *r, int v3)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *tok = NULL;

	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		tok = h + 7;
		while (*tok == ' ')
			tok++;
	} else if (!v3)
		tok = sb_param(r, "access_token");
	if (tok != NULL)
		r->token = xstrdup(tok);
}

/*
 * A refused token, in each version's words and statuses (tkt-sandbox(1),
 * Tokens): v2 answers 401 to all; v3 answers 401 only to a missing token,
 * as Wish does, and 400 to the others, as its specification shows them.
 */
static void
token_fail(struct sb_answer *a, int st, int v3)
{
	static const struct {
		int		 st;
		long		 code2, code3;
		unsigned	 http3;
		const char	*msg2, *msg3;
	} t[] = {
		{ SB_TOK_NONE, 4000, 1012, SB_HTTP_UNAUTHORIZED,
		    "Unauthorized Request",
		    "Missing access token in authorization header" },
		{ SB_TOK_WRONG, 4000, 1006, SB_HTTP_BAD_REQUEST,
		    "Unauthorized Request",
		    "No access token found or the app does not exist" },
		{ SB_TOK_EXPIRED, 1015, 1007, SB_HTTP_BAD_REQUEST,
		    "The access token has expired",
		    "This access token has expired" },
		{ SB_TOK_REVOKED, 1016, 1008, SB_HTTP_BAD_REQUEST,
		    "The access token has been revoked",
		    "This access token has been revoked" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (t[i].st == st)
			sb_envelope(a, v3 ? t[i].http3 : SB_HTTP_UNAUTHORIZED,
			    v3 ? t[i].code3 : t[i].code2, NULL,
			    v3 ? t[i].msg3 : t[i].msg2);
}

static const struct sb_route *
route_find(const char *url, char *id, size_t idsize)
{
	for (size_t i = 0; i < sb_v2_nroutes; i++)
		if (route_match(sb_v2_routes[i].path, url, id, idsize))
			return &sb_v2_routes[i];
	for (size_t i = 0; i < sb_v3_nroutes; i++)
		if (route_match(sb_v3_routes[i].path, url, id, idsize))
			return &sb_v3_routes[i];
	return NULL;
}

static void
dispatch(struct MHD_Connection *c, struct sb_req *r, const char *url,
    const char *method, struct sb_answer *a)
{
	const struct sb_route *e;
	char id[128];
	int st;

	if ((e = route_find(url, id, sizeof(id))) == NULL) {
		sb_fail(a, SB_HTTP_NOT_FOUND, 1000, NULL,
		    "No such endpoint: %.200s", url);
		return;
	}
	if (!method_ok(e->methods, method)) {
		char m[32];
		const char *comma = strchr(e->methods, ',');

		/* "GET,PUT" as "GET or PUT". */
		if (comma != NULL)
			snprintf(m, sizeof(m), "%.*s or %s",
			    (int)(comma - e->methods), e->methods, comma + 1);
		else
			snprintf(m, sizeof(m), "%s", e->methods);
		sb_fail(a, SB_HTTP_METHOD_NOT_ALLOWED, 1000, NULL,
		    "Use %s for %.200s", m, url);
		return;
	}
	if (!e->noauth) {
		find_token(c, r, e->v3);
		if ((st = sb_auth_check(r->sb->auth, r->token)) != SB_TOK_OK) {
			token_fail(a, st, e->v3);
			return;
		}
	}
	if (r->body_big) {
		sb_fail(a, SB_HTTP_BAD_REQUEST, 1000, NULL,
		    "The request body is larger than %d bytes", SB_MAX_BODY);
		return;
	}
	sb_settle(r->sb);
	e->fn(r, id[0] != '\0' ? id : NULL, a);
}

static void
fault_answer(int kind, struct sb_answer *a)
{
	a->status = kind == TKT_F_502 ? MHD_HTTP_BAD_GATEWAY :
	    kind == TKT_F_503 ? MHD_HTTP_SERVICE_UNAVAILABLE :
	    kind == TKT_F_429 ? MHD_HTTP_TOO_MANY_REQUESTS :
	    MHD_HTTP_INTERNAL_SERVER_ERROR;
	if (kind == TKT_F_500)
		sb_envelope(a, a->status, 9000, NULL, "Internal Server Error");
	else if (kind == TKT_F_429)
		sb_envelope(a, a->status, 1000, NULL, "Too Many Requests");
	else {
		/* What a proxy in front of the API would send. */
		tkt_buf_reset(&a->body);
		tkt_buf_printf(&a->body, "<html><body><h1>%u %s</h1></body></html>\n",
		    a->status, a->status == MHD_HTTP_BAD_GATEWAY ? "Bad Gateway" :
		    "Service Unavailable");
	}
}

/*
 * Wish-Rate-Limit-Reset for a 429 on v3, delta seconds from now, in the
 * --reset-format.  The absolute forms are on the real clock, rounded up to
 * their unit, so that a client waiting until then is never early.
 */
static void
reset_value(int fmt, double delta, char *buf, size_t size)
{
	static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct timespec ts;
	struct tm tm;
	int64_t us, ms, s;
	time_t t;

	if (fmt == SB_RESET_SECONDS) {
		snprintf(buf, size, "%.3f", delta);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 +
	    (int64_t)ceil(delta * 1e6);
	ms = (us + 999) / 1000;
	s = (us + 999999) / 1000000;
	switch (fmt) {
	case SB_RESET_UNIX:
		snprintf(buf, size, "%lld", (long long)s);
		return;
	case SB_RESET_UNIX_MS:
		snprintf(buf, size, "%lld", (long long)ms);
		return;
	case SB_RESET_HTTP_DATE:
		t = (time_t)s;
		gmtime_r(&t, &tm);
		snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
		return;
	default:
		t = (time_t)(ms / 1000);
		gmtime_r(&t, &tm);
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	}
}

/*
 * The rate-limit headers.  v2 sends both on every answer, Reset in seconds
 * (0 when nothing is to wait for).  v3 sends Remaining on every answer (on
 * none but its 429s with --rate-headers 429) and Reset only on a 429, in
 * the --reset-format.  With no --rate, Remaining is large: nothing to pace.
 */
static void
rate_headers(struct MHD_Response *resp, const struct sb_req *r)
{
	const struct sandbox *sb = r->sb;
	char rem[32], reset[64];
	int f429 = r->fault.kind == TKT_F_429 && r->admitted;
	int is429 = !r->admitted || f429;
	double delta = f429 ? 0.25 : r->reset;

	if (is429)
		snprintf(rem, sizeof(rem), "0");
	else if (sb->rl != NULL)
		snprintf(rem, sizeof(rem), "%ld", r->remaining);
	else
		snprintf(rem, sizeof(rem), "1000000");
	if (!r->v3) {
		if (is429 || sb->rl != NULL)
			snprintf(reset, sizeof(reset), "%.3f", delta);
		else
			snprintf(reset, sizeof(reset), "0");
		MHD_add_response_header(resp, "Wish-Rate-Limit-Remaining", rem);
		MHD_add_response_header(resp, "Wish-Rate-Limit-Reset", reset);
		return;
	}
	if (!is429 && sb->rate_429_only)
		return;
	MHD_add_response_header(resp, "Wish-Rate-Limit-Remaining", rem);
	if (is429) {
		reset_value(sb->reset_fmt, delta, reset, sizeof(reset));
		MHD_add_response_header(resp, "Wish-Rate-Limit-Reset", reset);
	}
}

static enum MHD_Result
respond(struct MHD_Connection *c, struct sb_req *r, struct sb_answer *a,
    int html)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = a->body.len;

	if (a->body.s == NULL)
		tkt_buf_addc(&a->body, '\0');
	resp = MHD_create_response_from_buffer(len, tkt_buf_take(&a->body),
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    a->ctype != NULL ? a->ctype : html ? "text/html" :
	    "application/json");
	MHD_add_response_header(resp, "Wish-Request-Id", r->rid);
	if (a->content_language != NULL && a->status == MHD_HTTP_OK)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_LANGUAGE,
		    a->content_language);
	rate_headers(resp, r);
	ret = MHD_queue_response(c, a->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static struct sb_req *
req_new(struct sandbox *sb, struct MHD_Connection *c, const char *url,
    const char *method)
{
	struct sb_req *r = xcalloc(1, sizeof(*r));
	const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	unsigned long long n;

	r->sb = sb;
	r->method = method;
	r->v3 = strncmp(url, "/api/v3/", 8) == 0;
	r->accept_lang = al != NULL ? xstrdup(al) : NULL;
	tkt_buf_init(&r->body);
	pthread_mutex_lock(&sb->idmu);
	n = ++sb->nreq;
	pthread_mutex_unlock(&sb->idmu);
	snprintf(r->rid, sizeof(r->rid), "%08x%016llx", sb->idbase, n);
	r->admitted = 1;
	if (sb->rl != NULL)
		r->admitted = tkt_ratelim_take(sb->rl, &r->remaining, &r->reset);
	if (r->admitted)
		tkt_faults_pick(sb->faults, method, url, &r->fault);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_iter, r);
	if (strcmp(method, "POST") == 0)
		r->pp = MHD_create_post_processor(c, 64 * 1024, post_iter, r);
	return r;
}

static void
req_free(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct sb_req *r = *con_cls;

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
	free(r->token);
	free(r->accept_lang);
	tkt_buf_free(&r->body);
	free(r);
	*con_cls = NULL;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct sb_req *r = *con_cls;
	struct sb_answer a;
	enum MHD_Result ret;
	int kind;

	(void)version;
	if (r == NULL) {
		*con_cls = req_new(cls, c, url, method);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/*
		 * The size is checked as the body arrives: past SB_MAX_BODY
		 * nothing more is kept or parsed (the form parser stops too),
		 * and dispatch refuses the request.
		 */
		if (!r->body_big && *upload_size <= SB_MAX_BODY - r->body.len) {
			if (r->pp != NULL)
				MHD_post_process(r->pp, upload, *upload_size);
			tkt_buf_add(&r->body, upload, *upload_size);
		} else if (!r->body_big) {
			r->body_big = 1;
			if (r->pp != NULL) {
				MHD_destroy_post_processor(r->pp);
				r->pp = NULL;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	/* Destroying the processor hands over a last urlencoded value. */
	if (r->pp != NULL) {
		MHD_destroy_post_processor(r->pp);
		r->pp = NULL;
	}
	a.status = MHD_HTTP_OK;
	a.content_language = NULL;
	a.ctype = NULL;
	tkt_buf_init(&a.body);
	kind = r->fault.kind;
	if (r->fault.slow_ms > 0) {
		struct timespec ts = { r->fault.slow_ms / 1000,
		    r->fault.slow_ms % 1000 * 1000000L };

		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	if (!r->admitted) {
		sb_envelope(&a, MHD_HTTP_TOO_MANY_REQUESTS, 1000, NULL,
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
	if (r->sb->files && strncmp(url, "/files/", 7) == 0 &&
	    url[7] != '\0' && strchr(url + 7, '/') == NULL &&
	    strcmp(method, "GET") == 0)
		sb_files_answer(r, url + 7, MHD_lookup_connection_value(c,
		    MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_COOKIE), &a);
	else {
		dispatch(c, r, url, method, &a);
		if (r->sb->files && a.status == MHD_HTTP_OK &&
		    strncmp(url, "/api/", 5) == 0)
			sb_files_rewrite(r->sb, &a.body);
	}
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

/* --token-ttl: seconds, or a duration (90m, 48h, 30d). */
static int
ttl_opt(const char *v, int64_t *ttl, struct tkt_error *err)
{
	if (v == NULL)
		return 0;
	if (tkt_duration_parse(v, ttl) == -1 || *ttl < 1 ||
	    *ttl > 10 * 366 * 86400LL) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--token-ttl: '%s' is not a duration from 1 second to 10 "
		    "years (want seconds, or 90m, 48h, 30d)", v);
		return -1;
	}
	return 0;
}

/*
 * --refund-delay: milliseconds ("250ms"), or a duration with its unit
 * ("2s", "1m"), up to a day; a bare number other than 0 is refused, since
 * it could be either.
 */
static int
delay_opt(const char *v, int64_t *ms, struct tkt_error *err)
{
	size_t len = v != NULL ? strlen(v) : 0;
	long long n;
	int64_t s;
	char num[32];
	const char *es;

	if (v == NULL)
		return 0;
	if (strcmp(v, "0") == 0) {
		*ms = 0;
		return 0;
	}
	if (len > 2 && len - 2 < sizeof(num) && strcmp(v + len - 2, "ms") == 0) {
		memcpy(num, v, len - 2);
		num[len - 2] = '\0';
		if (tkt_num_parse(num, 0, 86400000, &n, &es) == 0) {
			*ms = n;
			return 0;
		}
	} else if (len > 1 && strchr("smhd", v[len - 1]) != NULL &&
	    tkt_duration_parse(v, &s) == 0 && s <= 86400) {
		*ms = s * 1000;
		return 0;
	}
	tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
	    "--refund-delay: '%s' is not a duration up to a day (want 0, "
	    "250ms, 2s, 1m)", v);
	return -1;
}

/* An option's value as the index of one of names (NULL-terminated). */
static int
word_opt(const char *opt, const char *v, const char *const *names, int *out,
    struct tkt_error *err)
{
	struct tkt_buf b;

	if (v == NULL)
		return 0;
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
	tkt_buf_init(&b);
	for (int i = 0; names[i] != NULL; i++)
		tkt_buf_printf(&b, "%s%s", i == 0 ? "" : names[i + 1] == NULL ?
		    " or " : ", ", names[i]);
	tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
	    "%s: '%s' is not %s", opt, v, b.s);
	tkt_buf_free(&b);
	return -1;
}

/* The merchant the tokens belong to: that of the first ticket. */
static void
merchant(struct sandbox *sb)
{
	struct tkt_error err;
	struct tkt_rec rec;
	const char *line, *m = NULL;
	size_t len;

	tkt_rec_init(&rec);
	if (tkt_sbstore_count(sb->st) > 0) {
		line = tkt_sbstore_line(sb->st, 0, &len);
		if (tkt_rec_parse(&rec, line, len, TKT_RD_TOP, &err) == 0)
			m = tkt_rec_field(&rec, "merchant_id");
	}
	snprintf(sb->merchant_id, sizeof(sb->merchant_id), "%s",
	    m != NULL && *m != '\0' ? m : "000000000000000000000000");
	tkt_rec_free(&rec);
}

static int
gen_put(void *arg, const char *line, size_t len)
{
	struct tkt_error err;

	return tkt_sbstore_put(arg, line, len, &err);
}

/*
 * Loads -d FILE, or generates tickets (and writes FILE when named); FILE
 * stays locked for this sandbox until it exits.
 */
static int
fill_store(struct sandbox *sb, const struct tkt_sandbox_opts *o,
    long long seed, long long n, struct tkt_error *err)
{
	int have = 0;

	if (o->file != NULL &&
	    (have = tkt_sbstore_claim(sb->st, o->file, err)) == -1)
		return -1;
	if (have)
		return tkt_sbstore_load(sb->st, o->file, err);
	tkt_sbgen_run((uint64_t)seed, (long)n, tkt_now(), gen_put, sb->st);
	if (o->file != NULL)
		return tkt_sbstore_save(sb->st, o->file, err);
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

/* In the order of enum sb_reset_fmt, and of rate_429_only. */
static const char *const reset_formats[] = { "seconds", "unix", "unix-ms",
    "http-date", "iso8601", NULL };
static const char *const rate_headers_words[] = { "all", "429", NULL };

int
tkt_sandbox_run(const struct tkt_sandbox_opts *o, struct tkt_error *err)
{
	struct sandbox sb;
	struct MHD_Daemon *d = NULL;
	long long port = 0, seed = 1, n = 50;
	const char *token = o->token ? o->token : TKT_SANDBOX_TOKEN;
	const char *refresh = o->refresh_token ? o->refresh_token :
	    TKT_SANDBOX_REFRESH;
	int64_t ttl = TKT_SANDBOX_TTL;
	sigset_t set;
	int fd = -1, bound, sig, rv = -1;

	memset(&sb, 0, sizeof(sb));
	pthread_mutex_init(&sb.mu, NULL);
	pthread_mutex_init(&sb.idmu, NULL);
	if (*token == '\0' || *refresh == '\0') {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "%s: the token may not be empty", *token == '\0' ?
		    "--token" : "--refresh-token");
		goto out;
	}
	if (num_opt("-p", o->port, 0, 65535, &port, err) == -1 ||
	    num_opt("--seed", o->seed, 0, LLONG_MAX, &seed, err) == -1 ||
	    num_opt("--tickets", o->tickets, 0, 5000000, &n, err) == -1 ||
	    ttl_opt(o->token_ttl, &ttl, err) == -1 ||
	    delay_opt(o->refund_delay, &sb.refund_delay_ms, err) == -1 ||
	    word_opt("--reset-format", o->reset_format, reset_formats,
	    &sb.reset_fmt, err) == -1 ||
	    word_opt("--rate-headers", o->rate_headers, rate_headers_words,
	    &sb.rate_429_only, err) == -1 ||
	    tkt_now_init(o->now, err) == -1)
		goto out;
	sb.noproc = o->no_processing;
	sb.files = o->files;
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
	merchant(&sb);
	sb_pending_load(&sb);
	sb.auth = sb_auth_new(token, refresh, ttl);
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
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SB_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)SB_CONN_LIMIT,
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
	sb_settle(&sb);
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
	sb_auth_free(sb.auth);
	free(sb.pend);
	pthread_mutex_destroy(&sb.mu);
	pthread_mutex_destroy(&sb.idmu);
	return rv;
}
