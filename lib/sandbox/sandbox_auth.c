/*
 * sandbox_auth.c: the sandbox's one access token, its expiry (--token-ttl)
 * and its refresh (--refresh-token).  Tokens expire on a clock that starts
 * at --now (or the real time) and runs in real time, so that a test can
 * wait a second for a token to expire while every time the sandbox writes
 * into tickets stays the fixed --now.  A refresh issues a new token and
 * revokes every earlier one, as Wish's v3 refresh_token says it does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sandbox_priv.h"

struct sb_auth {
	pthread_mutex_t	 mu;
	char		*token;
	char		*refresh;
	char		**old;		/* revoked tokens */
	size_t		 nold;
	int64_t		 ttl;		/* seconds */
	int64_t		 issued;	/* token clock, milliseconds */
	time_t		 base;		/* the token clock at start */
	struct timespec	 mono0;
	unsigned long	 gen;
	struct tkt_rng	 rng;
};

/* Milliseconds on the token clock. */
static int64_t
now_ms(const struct sb_auth *a)
{
	struct timespec ts;
	int64_t el;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	el = (int64_t)(ts.tv_sec - a->mono0.tv_sec) * 1000 +
	    (ts.tv_nsec - a->mono0.tv_nsec) / 1000000;
	return (int64_t)a->base * 1000 + el;
}

time_t
sb_auth_now(const struct sb_auth *a)
{
	return (time_t)(now_ms(a) / 1000);
}

struct sb_auth *
sb_auth_new(const char *token, const char *refresh, int64_t ttl)
{
	struct sb_auth *a = xcalloc(1, sizeof(*a));

	pthread_mutex_init(&a->mu, NULL);
	a->token = xstrdup(token);
	a->refresh = xstrdup(refresh);
	a->ttl = ttl;
	a->base = tkt_now();
	clock_gettime(CLOCK_MONOTONIC, &a->mono0);
	a->issued = now_ms(a);
	tkt_rng_seed(&a->rng, (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
	return a;
}

void
sb_auth_free(struct sb_auth *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nold; i++)
		free(a->old[i]);
	free(a->old);
	free(a->token);
	free(a->refresh);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

int
sb_auth_check(struct sb_auth *a, const char *tok)
{
	int rv = SB_TOK_WRONG;

	if (tok == NULL || *tok == '\0')
		return SB_TOK_NONE;
	pthread_mutex_lock(&a->mu);
	if (strcmp(tok, a->token) == 0)
		rv = now_ms(a) - a->issued >= a->ttl * 1000 ? SB_TOK_EXPIRED :
		    SB_TOK_OK;
	else
		for (size_t i = 0; i < a->nold; i++)
			if (strcmp(tok, a->old[i]) == 0)
				rv = SB_TOK_REVOKED;
	pthread_mutex_unlock(&a->mu);
	return rv;
}

int
sb_auth_refresh(struct sb_auth *a, const char *refresh, char **token,
    time_t *expiry, int64_t *ttl, const char **refresh_out)
{
	int rv = -1;

	pthread_mutex_lock(&a->mu);
	if (strcmp(refresh, a->refresh) == 0) {
		a->old = xreallocarray(a->old, a->nold + 1, sizeof(*a->old));
		a->old[a->nold++] = a->token;
		a->token = xasprintf("sandbox-token-%lu-%08llx", ++a->gen,
		    (unsigned long long)(tkt_rng_next(&a->rng) & 0xffffffffULL));
		a->issued = now_ms(a);
		*token = xstrdup(a->token);
		*expiry = (time_t)(a->issued / 1000 + a->ttl);
		*ttl = a->ttl;
		*refresh_out = a->refresh;
		rv = 0;
	}
	pthread_mutex_unlock(&a->mu);
	return rv;
}
