/*
 * http.c: the only code that calls libcurl.  One curl multi handle drives
 * every transfer: several in flight over reused connections, retries and
 * rate-limit waits kept as timestamps in a queue (nothing sleeps), the
 * server's Wish-Rate-Limit-* and Retry-After headers honoured for every
 * later start, so a run does not provoke the 429s it could avoid.
 */
#include <ctype.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "tkt.h"

/*
 * What the server's Wish-Rate-Limit-Remaining and -Reset let start.
 *
 * An answer with Remaining says how many calls are left until its Reset,
 * or, when it has no Reset, for RL_WINDOW_US: a guess short enough that a
 * wrong one costs little.  Since the server took that request, any other
 * still in flight or answered meanwhile may have taken one of them, so
 * those are subtracted.  At the Reset one more may start (a bucket has
 * gained one, a window has begun again); past it, what the answer said
 * has expired, and when no start is left and nothing in flight will say
 * more, one request starts to learn the limit anew.
 *
 * An answer without Remaining means no known limit: nothing holds the
 * starts back, even within a window a 429 said had no call left
 * (Remaining 0), since the server has answered since without a word of
 * its limit.  So a server that sends its rate headers only with its 429s
 * slows the run no longer than until its next answer: the 429 delays the
 * request it refused (retried at its Reset), not the whole run.  A 429
 * without Remaining, or an attempt that got no answer, says nothing of
 * the others' starts.  Until a first answer, one request at a time.
 */
#define RL_WINDOW_US	1000000

struct pacer {
	int		 heard;		/* an attempt has finished */
	int		 known;		/* a limit applies: credit, reset_us */
	long		 credit;	/* starts allowed before it answers again */
	int64_t		 reset_us;	/* one more start from then on; 0: passed */
	uint64_t	 finished;	/* attempts finished */
};

struct tkt_http {
	CURLM			*multi;
	struct tkt_http_opts	 o;
	struct tkt_http_req	*ready, *ready_tail;	/* FIFO */
	struct tkt_http_req	*delayed;		/* sorted by not_before */
	int			 inflight;
	int64_t			 next_slot_us;		/* --rate: the next start */
	struct pacer		 pc;			/* the server's limit */
	int			 stopped;
	int			 yielding;	/* run returns after the next tick */
	int			 watch;		/* fd + 1 that ends a run when readable; 0: none */
	int			 fired;			/* a timer ran */
	uint64_t		 rng;
	struct tkt_http_stats	 st;
	char			 ua[64];
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long
env_ms(const char *name, long dflt)
{
	const char *v = getenv(name);
	int64_t secs;
	long long ms;
	const char *es;

	if (v == NULL || *v == '\0')
		return dflt;
	/* "500ms" or a duration ("2s", "1m"). */
	if (strlen(v) > 2 && strcmp(v + strlen(v) - 2, "ms") == 0) {
		char tmp[32];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)strlen(v) - 2, v);
		if (tkt_num_parse(tmp, 1, 86400000, &ms, &es) == 0)
			return (long)ms;
		return dflt;
	}
	if (tkt_duration_parse(v, &secs) == 0 && secs > 0 && secs < 86400)
		return (long)secs * 1000;
	return dflt;
}

struct tkt_http *
tkt_http_new(const struct tkt_http_opts *o, struct tkt_error *err)
{
	static int inited;
	struct tkt_http *h;
	const char *v;

	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "libcurl failed to start");
			return NULL;
		}
		inited = 1;
	}
	h = xcalloc(1, sizeof(*h));
	if (o != NULL)
		h->o = *o;
	else
		h->o.retries = -1;
	if (h->o.connect_timeout_ms <= 0)
		h->o.connect_timeout_ms = env_ms("TKT_CONNECT_TIMEOUT", 10000);
	if (h->o.timeout_ms <= 0)
		h->o.timeout_ms = env_ms("TKT_TIMEOUT", 60000);
	if (h->o.parallel <= 0)
		h->o.parallel = 1;
	if (h->o.retries < 0) {
		long long r;
		const char *es;

		h->o.retries = 4;
		if ((v = getenv("TKT_RETRIES")) != NULL &&
		    tkt_num_parse(v, 0, 20, &r, &es) == 0)
			h->o.retries = (int)r;
	}
	if (h->o.backoff_ms <= 0)
		h->o.backoff_ms = env_ms("TKT_BACKOFF", 250);
	/* $TKT_MAX_WAIT ("2s", "500ms") caps any wait a server asks for. */
	if (h->o.max_wait_ms <= 0)
		h->o.max_wait_ms = env_ms("TKT_MAX_WAIT", 60000);
	if (h->o.max_body == 0)
		h->o.max_body = 64u << 20;
	h->rng = (uint64_t)now_ms() * 6364136223846793005ULL + (uint64_t)getpid();
	snprintf(h->ua, sizeof(h->ua), "tkt/%s", TKT_VERSION);
	if ((h->multi = curl_multi_init()) == NULL) {
		free(h);
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "libcurl failed to start");
		return NULL;
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)h->o.parallel);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)h->o.parallel + 2);
	return h;
}

/*
 * Frees an attempt's header list, wiping each line first: one carries
 * the token ("Authorization: Bearer …"), and freed memory is not cleared.
 */
static void
hdrs_free(struct tkt_http_req *r)
{
	for (struct curl_slist *l = r->hdrs; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
}

void
tkt_http_req_free(struct tkt_http_req *r)
{
	if (r == NULL)
		return;
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	hdrs_free(r);
	free(r->url);
	free(r->body);
	tkt_buf_free(&r->resp);
	r->easy = NULL;
	r->url = r->body = NULL;
}

void
tkt_http_free(struct tkt_http *h)
{
	if (h == NULL)
		return;
	curl_multi_cleanup(h->multi);
	free(h);
}

void
tkt_http_stats(const struct tkt_http *h, struct tkt_http_stats *st)
{
	*st = h->st;
}

static double
rnd01(struct tkt_http *h)
{
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return (double)(h->rng >> 11) / (double)(1ULL << 53);
}

static void
enqueue(struct tkt_http *h, struct tkt_http_req *r)
{
	r->qnext = NULL;
	if (r->not_before_ms <= now_ms()) {
		if (h->ready_tail != NULL)
			h->ready_tail->qnext = r;
		else
			h->ready = r;
		h->ready_tail = r;
		return;
	}
	/* Delayed requests are few (retries); a sorted list is enough. */
	struct tkt_http_req **pp = &h->delayed;

	while (*pp != NULL && (*pp)->not_before_ms <= r->not_before_ms)
		pp = &(*pp)->qnext;
	r->qnext = *pp;
	*pp = r;
}

void
tkt_http_submit(struct tkt_http *h, struct tkt_http_req *r)
{
	r->attempts = 0;
	r->not_before_ms = 0;
	enqueue(h, r);
}

int
tkt_http_resubmit(struct tkt_http *h, struct tkt_http_req *r, int n)
{
	r->attempts = n;
	r->retry_after = -1;
	return tkt_http_retry(h, r);
}

void
tkt_http_after(struct tkt_http *h, struct tkt_http_req *r, long ms)
{
	r->not_before_ms = now_ms() + (ms > 0 ? ms : 1);
	enqueue(h, r);
}

/*
 * Seconds a server asked to wait, as the wait kept: at most max_wait_ms
 * ($TKT_MAX_WAIT), whatever the header said (1e300 and inf are cut to
 * it); NaN and negatives are 0.  Every server-given wait goes through
 * here before anything converts it.
 */
static double
wait_cap(const struct tkt_http *h, double secs)
{
	double cap = (double)h->o.max_wait_ms / 1000;

	if (!(secs > 0))
		return 0;
	return secs < cap ? secs : cap;
}

/*
 * A wait (wait_cap) as a count of 1/per seconds (per 1000: milliseconds),
 * rounded up: the cap comes before the conversion, so that no value
 * overflows it.
 */
static int64_t
capped(const struct tkt_http *h, double secs, double per)
{
	return (int64_t)ceil(wait_cap(h, secs) * per);
}

int
tkt_http_retry(struct tkt_http *h, struct tkt_http_req *r)
{
	int64_t wait;

	if (h->stopped || r->attempts > h->o.retries)
		return -1;
	if (r->retry_after >= 0)
		wait = capped(h, r->retry_after, 1000);
	else {
		/* Exponential backoff with jitter: base * 2^(n-1) * [0.5, 1.5). */
		double b = (double)h->o.backoff_ms *
		    (double)(1u << (r->attempts > 10 ? 10 : r->attempts - 1));

		wait = (int64_t)(b * (0.5 + rnd01(h)));
	}
	if (wait > h->o.max_wait_ms)
		wait = h->o.max_wait_ms;
	r->not_before_ms = now_ms() + wait;
	h->st.retries++;
	enqueue(h, r);
	return 0;
}

void
tkt_http_stop(struct tkt_http *h)
{
	h->stopped = 1;
}

int
tkt_http_stopped(const struct tkt_http *h)
{
	return h->stopped;
}

static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct tkt_http_req *r = arg;
	size_t left = r->bodylen - r->sent, k = size * n < left ? size * n : left;

	if (k > 0)
		memcpy(buf, r->body + r->sent, k);
	r->sent += k;
	return k;
}

/* Only a body not yet read may start again (see start()). */
static int
on_seek(void *arg, curl_off_t off, int origin)
{
	struct tkt_http_req *r = arg;

	if (off == 0 && origin == SEEK_SET && r->sent == 0)
		return CURL_SEEKFUNC_OK;
	return CURL_SEEKFUNC_FAIL;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct tkt_http_req *r = arg;
	size_t len = size * n;

	if (r->resp.len + len > r->eng->o.max_body)
		return 0;	/* curl fails the transfer: CURLE_WRITE_ERROR */
	tkt_buf_add(&r->resp, p, len);
	return len;
}

/*
 * A header value as seconds to wait, or -1 when it is none of the forms
 * servers use (the Wish-Rate-Limit-Reset format is not published): a
 * number of seconds from now ("2", "0.250"; "1e300" and "inf" too, for
 * the cap to cut), a Unix time in seconds (from 10^9) or milliseconds
 * (from 10^12), an RFC 3339 time ("2026-12-05T16:00:01.250Z", "+01:00";
 * its fraction kept) or an HTTP date.  A time past is 0.
 */
static double
wait_secs(const char *v, size_t n)
{
	char tmp[64], *end;
	struct timespec ts;
	double d, now, f, unit;
	const char *p;
	time_t t;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	/* Only digits or "inf" go to strtod: it takes signs, hex and NaN too. */
	if ((isdigit((unsigned char)tmp[0]) || strncasecmp(tmp, "inf", 3) == 0) &&
	    strpbrk(tmp, "xX") == NULL) {
		d = strtod(tmp, &end);
		if (*end == '\0' && !isnan(d)) {
			if (d >= 1e12)
				d = d / 1000 - now;
			else if (d >= 1e9)
				d -= now;
			return d > 0 ? d : 0;
		}
	}
	if (tkt_time_parsen(tmp, n, &t) == 0) {
		/* tkt_time_parsen drops a fraction: it is after the seconds. */
		f = 0;
		if (n > 20 && tmp[19] == '.')
			for (p = tmp + 20, unit = 0.1; isdigit((unsigned char)*p);
			    p++, unit /= 10)
				f += (*p - '0') * unit;
		d = (double)t + f - now;
		return d > 0 ? d : 0;
	}
	if ((t = curl_getdate(tmp, NULL)) != -1) {
		d = (double)t - now;
		return d > 0 ? d : 0;
	}
	return -1;
}

/*
 * A count (Wish-Rate-Limit-Remaining), or -1 when it is not digits; a
 * count over COUNT_MAX, more calls than any run makes, is COUNT_MAX, so
 * that the pacer's sums of it cannot overflow.
 */
#define COUNT_MAX	1000000000L

static long
count_of(const char *v, size_t n)
{
	long c = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)v[i]))
			return -1;
		c = c >= COUNT_MAX / 10 ? COUNT_MAX : c * 10 + (v[i] - '0');
	}
	return c;
}

static int
header_is(const char *p, size_t n, const char *name, const char **val,
    size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(p, name, k) != 0 || p[k] != ':')
		return 0;
	p += k + 1;
	n -= k + 1;
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n' ||
	    p[n - 1] == ' '))
		n--;
	*val = p;
	*vlen = n;
	return 1;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct tkt_http_req *r = arg;
	size_t len = size * n, vlen;
	const char *v;
	double w;

	if (header_is(p, len, "Wish-Request-Id", &v, &vlen)) {
		if (vlen >= sizeof(r->request_id))
			vlen = sizeof(r->request_id) - 1;
		memcpy(r->request_id, v, vlen);
		r->request_id[vlen] = '\0';
	} else if (header_is(p, len, "Content-Language", &v, &vlen)) {
		if (vlen >= sizeof(r->content_language))
			vlen = sizeof(r->content_language) - 1;
		memcpy(r->content_language, v, vlen);
		r->content_language[vlen] = '\0';
	} else if (header_is(p, len, "Wish-Rate-Limit-Remaining", &v, &vlen)) {
		r->rl_remaining = count_of(v, vlen);
	} else if (header_is(p, len, "Wish-Rate-Limit-Reset", &v, &vlen)) {
		if ((w = wait_secs(v, vlen)) >= 0)
			r->rl_reset = wait_cap(r->eng, w);
	} else if (header_is(p, len, "Retry-After", &v, &vlen)) {
		if ((w = wait_secs(v, vlen)) >= 0)
			r->retry_after = wait_cap(r->eng, w);
	}
	return len;
}

static const char *
method_name(int m)
{
	return m == TKT_POST ? "POST" : m == TKT_PUT ? "PUT" : "GET";
}

static int
start(struct tkt_http *h, struct tkt_http_req *r)
{
	CURL *e;
	char auth[4200];

	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	hdrs_free(r);
	if ((e = curl_easy_init()) == NULL)
		return -1;
	r->easy = e;
	r->eng = h;
	tkt_buf_reset(&r->resp);
	r->request_id[0] = '\0';
	r->content_language[0] = '\0';
	r->errmsg[0] = '\0';
	r->status = 0;
	r->retry_after = -1;
	r->rl_remaining = -1;
	r->rl_reset = -1;
	r->attempts++;
	r->seq = h->pc.finished;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->o.timeout_ms);
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->ua);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)h->o.max_body);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	r->hdrs = curl_slist_append(r->hdrs, "Accept: application/json");
	r->hdrs = curl_slist_append(r->hdrs, "Expect:");
	if (r->bearer != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", r->bearer);
		r->hdrs = curl_slist_append(r->hdrs, auth);
		explicit_bzero(auth, sizeof(auth));
	}
	if (r->accept_language != NULL) {
		char al[64];

		snprintf(al, sizeof(al), "Accept-Language: %s",
		    r->accept_language);
		r->hdrs = curl_slist_append(r->hdrs, al);
	}
	if (r->method != TKT_GET) {
		char ct[128];

		snprintf(ct, sizeof(ct), "Content-Type: %s",
		    r->ctype ? r->ctype : "application/x-www-form-urlencoded");
		r->hdrs = curl_slist_append(r->hdrs, ct);
		/*
		 * The body goes through a read callback that cannot be rewound
		 * once read: libcurl sends a request again by itself when a
		 * reused connection dies before the answer, and a write that may
		 * have been applied must not go twice.  It fails instead, and
		 * the caller reads the ticket back (tkt-close(1), Safe retries).
		 */
		r->sent = 0;
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->bodylen);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, r);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, r);
		if (r->method == TKT_PUT)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PUT");
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
		return -1;
	h->inflight++;
	h->st.requests++;
	return 0;
}

static void
log_attempt(struct tkt_http *h, struct tkt_http_req *r)
{
	char *u, line[1024], rem[24], reset[24];
	const char *path;

	if (h->o.log == NULL)
		return;
	u = tkt_http_redact(r->url);
	path = strstr(u, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	/* What the pacer read: "-" for a header absent or unreadable. */
	snprintf(rem, sizeof(rem), "%ld", r->rl_remaining);
	snprintf(reset, sizeof(reset), "%.3g", r->rl_reset);
	if (r->outcome == TKT_HTTP_DONE)
		snprintf(line, sizeof(line),
		    "%s %s %ld %.0fms request-id=%s remaining=%s reset=%s%s",
		    method_name(r->method), path ? path : u, r->status,
		    r->secs * 1000, r->request_id[0] ? r->request_id : "-",
		    r->rl_remaining < 0 ? "-" : rem, r->rl_reset < 0 ? "-" : reset,
		    r->attempts > 1 ? " (retry)" : "");
	else
		snprintf(line, sizeof(line), "%s %s failed after %.0fms: %s%s",
		    method_name(r->method), path ? path : u, r->secs * 1000,
		    r->errmsg, r->attempts > 1 ? " (retry)" : "");
	free(u);
	h->o.log(h->o.logarg, line);
}

/* Takes in what a finished attempt says about the server's rate limit. */
static void
pacer_learn(struct tkt_http *h, struct tkt_http_req *r)
{
	struct pacer *pc = &h->pc;
	int64_t t = now_us();

	pc->heard = 1;
	pc->finished++;
	if (r->outcome != TKT_HTTP_DONE)
		return;
	if (r->rl_remaining < 0) {
		if (r->status != 429)
			pc->known = 0;
		return;
	}
	pc->known = 1;
	/* Less the others in flight and those answered meanwhile. */
	pc->credit = r->rl_remaining - h->inflight -
	    (long)(pc->finished - 1 - r->seq);
	pc->reset_us = t + 1 + (r->rl_reset >= 0 ?
	    capped(h, r->rl_reset, 1e6) : RL_WINDOW_US);
}

/* 1 if the server's limit lets one more start now, else 0 and *wait ms. */
static int
pacer_take(struct tkt_http *h, long *wait)
{
	struct pacer *pc = &h->pc;
	int64_t t;

	if (!pc->heard)
		return h->inflight == 0;	/* the first answer tells */
	if (!pc->known)
		return 1;
	t = now_us();
	if (pc->reset_us != 0 && pc->reset_us <= t) {
		pc->credit++;
		pc->reset_us = 0;
	}
	if (pc->credit > 0) {
		pc->credit--;
		return 1;
	}
	if (pc->reset_us != 0) {
		*wait = (long)((pc->reset_us - t + 999) / 1000);
		return 0;
	}
	/* Expired: an answer will say more, or one starts to ask. */
	return h->inflight == 0;
}

/* Decides what a finished attempt came to and whether to try again. */
static void
finish(struct tkt_http *h, struct tkt_http_req *r, CURLcode rc)
{
	CURL *e = r->easy;
	curl_off_t reqsize = 0;
	double secs = 0;
	int again = 0;

	curl_multi_remove_handle(h->multi, e);
	/* The attempt is over: its token's copy goes at once. */
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
	hdrs_free(r);
	h->inflight--;
	curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &secs);
	curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &reqsize);
	r->secs = secs;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
		r->outcome = TKT_HTTP_DONE;
	} else {
		snprintf(r->errmsg, sizeof(r->errmsg), "%s",
		    curl_easy_strerror(rc));
		switch (rc) {
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
		case CURLE_COULDNT_CONNECT:
			r->outcome = TKT_HTTP_NOTSENT;
			break;
		case CURLE_WRITE_ERROR:
		case CURLE_FILESIZE_EXCEEDED:
			snprintf(r->errmsg, sizeof(r->errmsg),
			    "response larger than %zu bytes", h->o.max_body);
			r->outcome = TKT_HTTP_FATAL;
			break;
		case CURLE_SEND_FAIL_REWIND:
			/* libcurl wanted to send a write again (see start()). */
			snprintf(r->errmsg, sizeof(r->errmsg), "the connection "
			    "was lost after the request was sent");
			r->outcome = TKT_HTTP_UNKNOWN;
			break;
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_URL_MALFORMAT:
			r->outcome = TKT_HTTP_FATAL;
			break;
		default:
			r->outcome = reqsize > 0 ? TKT_HTTP_UNKNOWN :
			    TKT_HTTP_NOTSENT;
		}
	}
	if (r->outcome == TKT_HTTP_DONE && r->status == 429)
		h->st.http429++;
	pacer_learn(h, r);
	if (r->status == 429 && r->retry_after < 0 && r->rl_reset >= 0)
		r->retry_after = r->rl_reset;
	log_attempt(h, r);
	if (r->outcome == TKT_HTTP_DONE && r->status == 429)
		again = 1;	/* refused before it was applied */
	else if (r->outcome == TKT_HTTP_NOTSENT)
		again = 1;
	else if (r->may_repeat && (r->outcome == TKT_HTTP_UNKNOWN ||
	    (r->outcome == TKT_HTTP_DONE && r->status >= 500)))
		again = 1;
	if (again && tkt_http_retry(h, r) == 0)
		return;
	if (r->done != NULL)
		r->done(r, r->arg);
}

/* Starts what may start now; returns ms until something else may start. */
static long
start_ready(struct tkt_http *h)
{
	int64_t t = now_ms();
	long wait = -1;

	while (h->delayed != NULL && h->delayed->not_before_ms <= t) {
		struct tkt_http_req *r = h->delayed;

		h->delayed = r->qnext;
		r->not_before_ms = 0;
		if (r->url == NULL) {
			/* A timer (tkt_http_after): its time has come. */
			h->fired = 1;
			if (r->done != NULL)
				r->done(r, r->arg);
			continue;
		}
		enqueue(h, r);
	}
	while (h->ready != NULL && h->inflight < h->o.parallel) {
		struct tkt_http_req *r = h->ready;

		if (h->o.rate > 0 && h->next_slot_us > now_us()) {
			wait = (long)((h->next_slot_us - now_us() + 999) / 1000);
			break;
		}
		if (!pacer_take(h, &wait))
			break;
		h->ready = r->qnext;
		if (h->ready == NULL)
			h->ready_tail = NULL;
		if (h->o.rate > 0) {
			/*
			 * Starts keep to a grid of 1/rate in microseconds; a
			 * loop that woke late (a busy machine) may catch up on
			 * what is at most 10 ms (or one step) overdue: bursts
			 * of rate/100 starts, no more.
			 */
			int64_t tu = now_us(), step = (int64_t)(1e6 / h->o.rate);
			int64_t lag = step > 10000 ? step : 10000;

			h->next_slot_us = (h->next_slot_us > tu - lag ?
			    h->next_slot_us : tu) + step;
		}
		if (start(h, r) == -1) {
			r->outcome = TKT_HTTP_FATAL;
			snprintf(r->errmsg, sizeof(r->errmsg),
			    "libcurl could not start the request");
			if (r->done != NULL)
				r->done(r, r->arg);
		}
	}
	if (h->delayed != NULL) {
		long d = (long)(h->delayed->not_before_ms - t);

		if (wait < 0 || d < wait)
			wait = d < 0 ? 0 : d;
	}
	return wait;
}

static int
idle(const struct tkt_http *h)
{
	return h->inflight == 0 && h->ready == NULL && h->delayed == NULL;
}

void
tkt_http_yield(struct tkt_http *h)
{
	h->yielding = 1;
}

int
tkt_http_run(struct tkt_http *h)
{
	for (;;) {
		int running = 0, left, numfds, answered = 0;
		long wait, ct = -1;
		CURLMsg *m;

		if (h->stopped) {
			/*
			 * Nothing new starts; what is in flight is let finish
			 * (its callbacks still run), so that nobody is left to
			 * guess whether a write went through.
			 */
			h->ready = h->ready_tail = h->delayed = NULL;
			if (h->inflight == 0)
				return 0;
		}
		if (h->o.tick != NULL)
			h->o.tick(h->o.tickarg);
		if (h->yielding) {
			h->yielding = 0;
			return 1;
		}
		h->fired = 0;
		wait = h->stopped ? -1 : start_ready(h);
		if (h->fired)
			continue;	/* what the timers did wants a tick first */
		if (idle(h))
			return 0;	/* nothing happened since the tick */
		curl_multi_perform(h->multi, &running);
		while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
			struct tkt_http_req *r = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&r);
			finish(h, r, m->data.result);
			answered = 1;
		}
		if (answered)
			continue;	/* the tick, then what may start now */
		curl_multi_timeout(h->multi, &ct);
		if (h->inflight > 0 && (ct >= 0 && (wait < 0 || ct < wait)))
			wait = ct;
		if (wait < 0 || wait > 1000)
			wait = 1000;
		if (h->watch > 0) {
			struct curl_waitfd w = { h->watch - 1, CURL_WAIT_POLLIN, 0 };
			struct pollfd p = { h->watch - 1, POLLIN, 0 };

			curl_multi_poll(h->multi, &w, 1, (int)wait, &numfds);
			/* revents is not filled by every libcurl: asked again. */
			if (poll(&p, 1, 0) > 0)
				h->yielding = 1;	/* returns after the tick */
		} else
			curl_multi_poll(h->multi, NULL, 0, (int)wait, &numfds);
	}
}

void
tkt_http_watch(struct tkt_http *h, int fd)
{
	h->watch = fd >= 0 ? fd + 1 : 0;
}

char *
tkt_http_redact(const char *url)
{
	struct tkt_buf b;
	const char *p = url;

	tkt_buf_init(&b);
	while (*p != '\0') {
		const char *q = strstr(p, "access_token=");

		if (q == NULL || (q != url && q[-1] != '?' && q[-1] != '&')) {
			if (q == NULL) {
				tkt_buf_adds(&b, p);
				break;
			}
			tkt_buf_add(&b, p, (size_t)(q - p) + 13);
			p = q + 13;
			continue;
		}
		tkt_buf_add(&b, p, (size_t)(q - p) + 13);
		tkt_buf_adds(&b, "…");
		p = q + 13;
		p += strcspn(p, "&#");
	}
	return tkt_buf_take(&b);
}

char *
tkt_http_location(const struct tkt_http_req *r)
{
	char *u = NULL;

	if (r->easy == NULL || curl_easy_getinfo(r->easy,
	    CURLINFO_REDIRECT_URL, &u) != CURLE_OK || u == NULL)
		return NULL;
	return tkt_http_redact(u);
}

void
tkt_url_encode(struct tkt_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			tkt_buf_addc(b, c);
		else {
			tkt_buf_addc(b, '%');
			tkt_buf_addc(b, hex[c >> 4]);
			tkt_buf_addc(b, hex[c & 15]);
		}
	}
}
