/*
 * sandbox_fault.c: what tkt-sandbox does to make clients earn their keep:
 * injected faults (--faults) and a token-bucket rate limiter (--rate).
 * Both are shared by every connection thread, so each has its own mutex.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox_priv.h"

struct rule {
	int		 kind;
	long		 slow_ms;
	double		 prob;
	long long	 nth;		/* 0: not an nth rule */
	char		*prefix;	/* NULL: every path */
	char		*method;	/* NULL: every method */
};

struct tkt_faults {
	struct rule	*r;
	size_t		 n;
	unsigned long long count;
	struct tkt_rng	 rng;
	pthread_mutex_t	 mu;
};

static int
parse_kind(const char *s, struct rule *ru)
{
	static const struct {
		const char	*name;
		int		 kind;
	} kinds[] = {
		{ "500", TKT_F_500 }, { "502", TKT_F_502 }, { "503", TKT_F_503 },
		{ "429", TKT_F_429 }, { "drop-before", TKT_F_DROP_BEFORE },
		{ "drop-after", TKT_F_DROP_AFTER }, { "garbage", TKT_F_GARBAGE },
		{ "refund-fail", TKT_F_REFUND_FAIL },
	};
	long long ms;
	const char *es;

	if (strncmp(s, "slow=", 5) == 0) {
		if (tkt_num_parse(s + 5, 1, 600000, &ms, &es) == -1)
			return -1;
		ru->kind = TKT_F_NONE;
		ru->slow_ms = (long)ms;
		return 0;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strcmp(s, kinds[i].name) == 0) {
			ru->kind = kinds[i].kind;
			return 0;
		}
	return -1;
}

static int
parse_prob(const char *s, double *out)
{
	char *end;

	if (*s == '\0' || strchr("0123456789.", *s) == NULL)
		return -1;
	*out = strtod(s, &end);
	if (*end != '\0' || !(*out >= 0 && *out <= 1))
		return -1;
	return 0;
}

static int
parse_rule(char *s, struct rule *ru)
{
	char *at, *colon;

	memset(ru, 0, sizeof(*ru));
	ru->prob = 1;
	if (strncmp(s, "nth=", 4) == 0) {
		const char *es;

		if ((colon = strchr(s, ':')) == NULL)
			return -1;
		*colon = '\0';
		if (tkt_num_parse(s + 4, 1, LLONG_MAX, &ru->nth, &es) == -1)
			return -1;
		return parse_kind(colon + 1, ru);
	}
	if ((at = strchr(s, '@')) != NULL) {
		size_t m;

		*at++ = '\0';
		/* An optional method first: "PUT/api/v3/tickets". */
		m = strspn(at, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		if (at[m] != '/')
			return -1;
		if (m > 0)
			ru->method = xstrndup(at, m);
		ru->prefix = xstrdup(at + m);
	}
	if ((colon = strchr(s, ':')) != NULL) {
		*colon++ = '\0';
		if (parse_prob(colon, &ru->prob) == -1)
			return -1;
	}
	return parse_kind(s, ru);
}

struct tkt_faults *
tkt_faults_parse(const char *spec, uint64_t seed, struct tkt_error *err)
{
	struct tkt_faults *f = xcalloc(1, sizeof(*f));
	char *copy = xstrdup(spec), *p = copy, *tok;

	tkt_rng_seed(&f->rng, seed ^ 0xfa017ULL);
	pthread_mutex_init(&f->mu, NULL);
	while ((tok = strsep(&p, ",")) != NULL) {
		char *orig = xstrdup(tok);

		f->r = xreallocarray(f->r, f->n + 1, sizeof(*f->r));
		memset(&f->r[f->n], 0, sizeof(f->r[f->n]));
		if (*tok == '\0' || parse_rule(tok, &f->r[f->n]) == -1) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "--faults: bad rule '%s' (want KIND[:PROB][@[METHOD]PATH] or "
			    "nth=N:KIND; KIND is 500, 502, 503, 429, slow=MS, "
			    "drop-before, drop-after, garbage or refund-fail)",
			    orig);
			free(f->r[f->n].prefix);
			free(f->r[f->n].method);
			free(orig);
			free(copy);
			tkt_faults_free(f);
			return NULL;
		}
		f->n++;
		free(orig);
	}
	free(copy);
	return f;
}

void
tkt_faults_free(struct tkt_faults *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->r[i].prefix);
		free(f->r[i].method);
	}
	free(f->r);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

/*
 * Rules are tried in order: slow= rules add up, the first other rule that
 * fires decides.  A probability is drawn only for a rule whose path matches,
 * so a seed gives the same faults to the same sequence of requests.
 */
void
tkt_faults_pick(struct tkt_faults *f, const char *method, const char *path,
    struct tkt_fault *out)
{
	out->kind = TKT_F_NONE;
	out->slow_ms = 0;
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	f->count++;
	for (size_t i = 0; i < f->n; i++) {
		const struct rule *ru = &f->r[i];
		int fire;

		if (ru->kind != TKT_F_NONE && out->kind != TKT_F_NONE)
			continue;
		if (ru->nth != 0)
			fire = (unsigned long long)ru->nth == f->count;
		else if ((ru->prefix != NULL &&
		    strncmp(path, ru->prefix, strlen(ru->prefix)) != 0) ||
		    (ru->method != NULL && strcmp(method, ru->method) != 0))
			fire = 0;
		else
			fire = ru->prob >= 1 || tkt_rng_unit(&f->rng) < ru->prob;
		if (!fire)
			continue;
		if (ru->kind == TKT_F_NONE)
			out->slow_ms += ru->slow_ms;
		else
			out->kind = ru->kind;
	}
	pthread_mutex_unlock(&f->mu);
}

struct tkt_ratelim {
	double		 rate;		/* tokens a second, and the burst */
	double		 tokens;
	struct timespec	 last;
	pthread_mutex_t	 mu;
};

struct tkt_ratelim *
tkt_ratelim_parse(const char *spec, struct tkt_error *err)
{
	struct tkt_ratelim *rl;
	char num[32];
	size_t len = strcspn(spec, "/");
	long long n;
	const char *es;

	if (len >= sizeof(num) || (spec[len] != '\0' &&
	    strcmp(spec + len, "/s") != 0)) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--rate: '%s' is not N/s", spec);
		return NULL;
	}
	memcpy(num, spec, len);
	num[len] = '\0';
	if (tkt_num_parse(num, 1, 1000000, &n, &es) == -1) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--rate: '%s': %s (want N/s, N from 1 to 1000000)", spec, es);
		return NULL;
	}
	rl = xcalloc(1, sizeof(*rl));
	rl->rate = (double)n;
	rl->tokens = rl->rate;
	clock_gettime(CLOCK_MONOTONIC, &rl->last);
	pthread_mutex_init(&rl->mu, NULL);
	return rl;
}

void
tkt_ratelim_free(struct tkt_ratelim *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

int
tkt_ratelim_take(struct tkt_ratelim *rl, long *remaining, double *reset)
{
	struct timespec now;
	double dt;
	int ok;

	pthread_mutex_lock(&rl->mu);
	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - rl->last.tv_sec) +
	    (double)(now.tv_nsec - rl->last.tv_nsec) / 1e9;
	rl->last = now;
	rl->tokens += dt * rl->rate;
	if (rl->tokens > rl->rate)
		rl->tokens = rl->rate;
	ok = rl->tokens >= 1;
	if (ok)
		rl->tokens -= 1;
	*remaining = (long)floor(rl->tokens);
	/*
	 * Reset goes out with three decimals: rounded up to the millisecond,
	 * so that "0.000" never stands for a request still to come.
	 */
	*reset = rl->tokens >= rl->rate ? 0 :
	    ceil((1 - (rl->tokens - floor(rl->tokens))) / rl->rate * 1000) / 1000;
	pthread_mutex_unlock(&rl->mu);
	return ok;
}
