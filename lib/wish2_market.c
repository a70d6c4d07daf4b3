/*
 * wish2_market.c: Wish API v2 as a marketplace module (tkt.h, the
 * marketplace interface): form-encoded POSTs, one path per action, the
 * ticket read by a query, refunds done at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

#define PAGE 100	/* tickets a page */

/* v2 pages by offset: the first page, then each answer's paging.next. */
struct tkt_pager {
	const struct tkt_store	*store;
};

static const char *const paths[] = { "ticket/reply", "ticket/close",
    "ticket/appeal-to-wish-support", "ticket/re-open", "order/refund" };

static void
get_ticket(const struct tkt_store *s, const char *id, struct tkt_mreq *m)
{
	struct tkt_buf q;

	tkt_buf_init(&q);
	tkt_buf_adds(&q, "id=");
	tkt_url_encode(&q, id);
	memset(m, 0, sizeof(*m));
	m->method = TKT_GET;
	m->url = tkt_wish_url(s, "ticket", q.s);
	tkt_buf_free(&q);
}

static void
write_step(const struct tkt_store *s, const struct tkt_mwrite *w,
    struct tkt_mreq *m)
{
	struct tkt_buf b;

	tkt_buf_init(&b);
	tkt_buf_adds(&b, "id=");
	tkt_url_encode(&b, w->act == TKT_ACT_REFUND ? w->order : w->ticket);
	if (w->act == TKT_ACT_REPLY || w->act == TKT_ACT_REOPEN) {
		tkt_buf_adds(&b, "&reply=");
		tkt_url_encode(&b, w->text);
	} else if (w->act == TKT_ACT_REFUND) {
		tkt_buf_adds(&b, "&reason_code=");
		tkt_url_encode(&b, w->reason);
		if (w->note != NULL) {
			tkt_buf_adds(&b, "&reason_note=");
			tkt_url_encode(&b, w->note);
		}
	}
	memset(m, 0, sizeof(*m));
	m->method = TKT_POST;
	m->url = tkt_wish_url(s, paths[w->act], NULL);
	m->bodylen = b.len;
	m->body = tkt_buf_take(&b);
	m->ctype = "application/x-www-form-urlencoded";
}

/* Every ticket awaiting the merchant: v2 lists nothing else. */
static struct tkt_pager *
pager_new(const struct tkt_store *s, const struct tkt_mlist *f,
    struct tkt_mreq *first)
{
	struct tkt_pager *pg = xcalloc(1, sizeof(*pg));
	char q[64];

	(void)f;
	pg->store = s;
	snprintf(q, sizeof(q), "start=0&limit=%d", PAGE);
	memset(first, 0, sizeof(*first));
	first->method = TKT_GET;
	first->url = tkt_wish_url(s, "ticket/get-action-required", q);
	return pg;
}

static int
pager_page(struct tkt_pager *pg, const struct tkt_rec *env,
    const struct tkt_jnode *data, struct tkt_norm *nm, struct tkt_buf *line,
    tkt_each_fn each, void *arg, struct tkt_mreq *next, struct tkt_error *err)
{
	const struct tkt_jnode *paging, *nx, *t;
	struct tkt_error e;
	char *url = NULL;
	const char *u;
	size_t len;

	memset(next, 0, sizeof(*next));
	paging = tkt_rec_get(env, &env->nodes[0], "paging");
	nx = tkt_rec_get(env, paging, "next");
	if ((u = tkt_rec_str(env, nx, &len)) != NULL && len > 10) {
		url = xstrndup(u, len);
		/* The token goes with the request: never to another origin. */
		if (!tkt_same_origin(url, pg->store->url)) {
			char *red = tkt_http_redact(url);

			tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
			    "paging.next points at another origin (%s), not "
			    "%s: refused, the token would go with it", red,
			    pg->store->url);
			free(red);
			free(url);
			url = NULL;
		}
	}
	for (t = tkt_rec_child(env, data); t != NULL; t = tkt_rec_next(env, t)) {
		tkt_buf_reset(line);
		tkt_error_clear(&e);
		if (!each(arg, tkt_wish2_record(env, t, nm, line, &e) == -1 ?
		    &e : NULL))
			break;
	}
	if (url == NULL)
		return TKT_PG_END;
	next->method = TKT_GET;
	next->url = url;
	return TKT_PG_MORE;
}

static void
pager_free(struct tkt_pager *pg)
{
	free(pg);
}

/* v2 takes any code: Wish never published the list. */
int
tkt_wish2_refund_reason(const char *reason)
{
	(void)reason;
	return TKT_RR_ORDER;
}

const struct tkt_market tkt_wish2_market = {
	.api = "v2",
	.caps = TKT_MC_REOPEN_TEXT,
	.pager_new = pager_new,
	.pager_page = pager_page,
	.pager_free = pager_free,
	.get_ticket = get_ticket,
	.write = write_step,
	.refresh = tkt_wish_refresh,
	.token_code = tkt_wish2_token_code,
	.refund_reason = tkt_wish2_refund_reason,
	.record = tkt_wish2_record,
};
