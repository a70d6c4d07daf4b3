/*
 * market.c: which marketplace module speaks for a store (tkt.h, the
 * marketplace interface), and what every module's requests share.  It
 * sits above the modules, which never call it.
 */
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

extern const struct tkt_market tkt_wish2_market, tkt_wish3_market;

const struct tkt_market *
tkt_market(const struct tkt_store *s)
{
	if (s->api == NULL || strcmp(s->api, "v3") == 0)
		return &tkt_wish3_market;
	if (strcmp(s->api, "v2") == 0)
		return &tkt_wish2_market;
	return NULL;
}

void
tkt_mreq_free(struct tkt_mreq *m)
{
	free(m->url);
	free(m->body);
	memset(m, 0, sizeof(*m));
}

char *
tkt_mreq_path(const struct tkt_store *s, const struct tkt_mreq *m)
{
	size_t n = strlen(s->url);
	const char *p = strncmp(m->url, s->url, n) == 0 ? m->url + n : m->url;

	return xstrndup(p, strcspn(p, "?"));
}
