/*
 * wish3_market.c: Wish API v3 as a marketplace module (tkt.h, the
 * marketplace interface): JSON bodies, a ticket's state PUT to close,
 * appeal or re-open it, replies POSTed, orders read apart and refunded
 * asynchronously.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"
#include "tkt_jsonx.h"

#define PAGE 500	/* the most a page may hold */

/* An instant with its fraction of a second, for updated_at. */
struct inst {
	time_t	 s;
	long	 ns;
};

/*
 * v3 pages by time: sorted by updated_at, newest first, each page asks
 * for what was updated at or before the last ticket of the page before
 * (the bound is inclusive), and skips the ids at that very time it has
 * handed out.  That loses nothing while fewer tickets than a page share
 * one updated_at; a page that all shares one cannot be stepped past, and
 * the listing stops there, incomplete, rather than skip or loop.
 */
struct tkt_pager {
	const struct tkt_store	*store;
	struct tkt_mlist	 f;
	char			*wmax;		/* updated_at_max as sent, or NULL */
	struct inst		 wmax_at;
	struct tkt_strs		 seen;		/* ids at wmax_at handed out */
};

/* path "/" id [suffix], the id percent-encoded. */
static void
get(const struct tkt_store *s, const char *path, const char *id,
    const char *suffix, struct tkt_mreq *m)
{
	struct tkt_buf q;

	tkt_buf_init(&q);
	tkt_buf_printf(&q, "%s/", path);
	tkt_url_encode(&q, id);
	if (suffix != NULL)
		tkt_buf_adds(&q, suffix);
	memset(m, 0, sizeof(*m));
	m->method = TKT_GET;
	m->url = tkt_wish_url(s, q.s, NULL);
	tkt_buf_free(&q);
}

static void
get_ticket(const struct tkt_store *s, const char *id, struct tkt_mreq *m)
{
	get(s, "tickets", id, NULL, m);
}

static void
get_order(const struct tkt_store *s, const char *id, struct tkt_mreq *m)
{
	get(s, "orders", id, NULL, m);
}

static void
get_reasons(const struct tkt_store *s, const char *id, struct tkt_mreq *m)
{
	get(s, "orders", id, "/refund_reasons", m);
}

/*
 * A reply is POSTed; a state is PUT; a refund is PUT on the order.  The
 * body is a JSON object of strings (the reply's text is UTF-8, action.c
 * checks it; a byte of --note or --reason that is not goes as U+FFFD).
 */
static void
write_step(const struct tkt_store *s, const struct tkt_mwrite *w,
    struct tkt_mreq *m)
{
	static const char *const states[] = { NULL, "CLOSED", "AWAITING_WISH",
	    "AWAITING_MERCHANT", NULL };
	struct tkt_buf path, body;
	json_t *j;

	tkt_buf_init(&path);
	tkt_buf_init(&body);
	memset(m, 0, sizeof(*m));
	m->method = TKT_PUT;
	if (w->act == TKT_ACT_REFUND) {
		tkt_buf_adds(&path, "orders/");
		tkt_url_encode(&path, w->order);
		tkt_buf_adds(&path, "/refund");
		j = tkt_jx_pack("{s:o s:o*}", "refund_reason",
		    tkt_jx_str(w->reason), "refund_reason_note",
		    w->note != NULL ? tkt_jx_str(w->note) : NULL);
	} else {
		tkt_buf_adds(&path, "tickets/");
		tkt_url_encode(&path, w->ticket);
		if (w->act == TKT_ACT_REPLY) {
			m->method = TKT_POST;
			tkt_buf_adds(&path, "/replies");
			j = tkt_jx_pack("{s:o}", "message", tkt_jx_str(w->text));
		} else
			j = tkt_jx_pack("{s:s}", "state", states[w->act]);
	}
	tkt_jx_dump(j, &body);
	json_decref(j);
	m->url = tkt_wish_url(s, path.s, NULL);
	m->bodylen = body.len;
	m->body = tkt_buf_take(&body);
	m->ctype = "application/json";
	tkt_buf_free(&path);
}

/* updated_at: 0 and *t, or -1 when it is not a time. */
static int
instant(const char *raw, struct inst *t)
{
	size_t n;
	long scale = 100000000;

	if (raw == NULL || tkt_time_parsen(raw, (n = strlen(raw)), &t->s) == -1)
		return -1;
	t->ns = 0;
	if (n > 20 && raw[19] == '.')
		for (size_t i = 20; i < n && isdigit((unsigned char)raw[i]);
		    i++, scale /= 10)
			t->ns += (raw[i] - '0') * scale;
	return 0;
}

static int
inst_cmp(const struct inst *a, const struct inst *b)
{
	if (a->s != b->s)
		return a->s < b->s ? -1 : 1;
	return a->ns < b->ns ? -1 : a->ns > b->ns;
}

/* The list request: the filters, and the window's top once there is one. */
static void
list_request(struct tkt_pager *pg, struct tkt_mreq *m)
{
	const struct tkt_mlist *f = &pg->f;
	struct tkt_buf q;
	char tb[21];

	tkt_buf_init(&q);
	/*
	 * The states asked for: the filter's, else every state with all,
	 * else those awaiting the merchant.  UNKNOWN cannot be asked for:
	 * then every state is, and the engine keeps what the filter names.
	 * An array goes as one key per value (states=A&states=B), OpenAPI's
	 * default form: a strict server ignores "states[]" as an unknown
	 * parameter, and lists every state, and refuses "A,B" as no value.
	 */
	if (f->states->n > 0 && !tkt_strs_has(f->states, "UNKNOWN")) {
		for (size_t i = 0; i < f->states->n; i++)
			tkt_buf_printf(&q, "states=%s&", f->states->v[i]);
	} else if (f->states->n == 0 && !f->all)
		tkt_buf_adds(&q, "states=AWAITING_MERCHANT&");
	for (size_t i = 0; i < f->types->n; i++)
		tkt_buf_printf(&q, "types=%s&", f->types->v[i]);
	tkt_buf_printf(&q, "limit=%d&sort_by=updated_at.desc", PAGE);
	if (f->since != (time_t)-1)
		tkt_buf_printf(&q, "&updated_at_min=%s",
		    tkt_time_format(f->since, tb));
	if (pg->wmax != NULL) {
		tkt_buf_adds(&q, "&updated_at_max=");
		tkt_url_encode(&q, pg->wmax);
	}
	memset(m, 0, sizeof(*m));
	m->method = TKT_GET;
	m->url = tkt_wish_url(pg->store, "tickets", q.s);
	tkt_buf_free(&q);
}

static struct tkt_pager *
pager_new(const struct tkt_store *s, const struct tkt_mlist *f,
    struct tkt_mreq *first)
{
	struct tkt_pager *pg = xcalloc(1, sizeof(*pg));

	pg->store = s;
	pg->f = *f;
	list_request(pg, first);
	return pg;
}

static int
pager_page(struct tkt_pager *pg, const struct tkt_rec *env,
    const struct tkt_jnode *data, struct tkt_norm *nm, struct tkt_buf *line,
    tkt_each_fn each, void *arg, struct tkt_mreq *next, struct tkt_error *err)
{
	const struct tkt_jnode *t;
	struct tkt_strs run = { NULL, 0 };	/* ids at the page's last time */
	struct tkt_error e;
	struct inst at, first, last;
	const char *lastraw = NULL, *lastid = NULL;
	long n = 0;
	int have, go = 1;

	memset(next, 0, sizeof(*next));
	memset(&first, 0, sizeof(first));
	memset(&last, 0, sizeof(last));
	for (t = tkt_rec_child(env, data); t != NULL && go;
	    t = tkt_rec_next(env, t)) {
		n++;
		tkt_buf_reset(line);
		tkt_error_clear(&e);
		if (tkt_wish3_record(env, t, nm, line, &e) == -1) {
			go = each(arg, &e);
			lastraw = lastid = NULL;
			tkt_strs_free(&run);
			continue;
		}
		have = instant(nm->updated_raw, &at) == 0;
		lastid = nm->id;
		lastraw = have ? nm->updated_raw : NULL;
		if (have && pg->wmax != NULL && inst_cmp(&at, &pg->wmax_at) > 0) {
			tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
			    "ticket %s was updated at %s, after the "
			    "updated_at_max asked for (%s): the server does not "
			    "keep to the window, and paging cannot go on",
			    nm->id, nm->updated_raw, pg->wmax);
			tkt_strs_free(&run);
			return TKT_PG_STOP;
		}
		if (!have)
			tkt_strs_free(&run);
		else {
			if (n == 1)
				first = at;
			if (run.n > 0 && inst_cmp(&at, &last) != 0)
				tkt_strs_free(&run);
			last = at;
			tkt_strs_add(&run, nm->id);
		}
		/* Handed out on the page before, at the window's very top. */
		if (have && pg->wmax != NULL && inst_cmp(&at, &pg->wmax_at) == 0 &&
		    tkt_strs_has(&pg->seen, nm->id))
			continue;
		go = each(arg, NULL);
	}
	if (!go || n < PAGE) {
		tkt_strs_free(&run);
		return TKT_PG_END;
	}
	if (lastraw == NULL) {
		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE, "the last "
		    "ticket of the page (%s) has no updated_at to ask for the "
		    "next page by", lastid ? lastid : "?");
		tkt_strs_free(&run);
		return TKT_PG_STOP;
	}
	if (inst_cmp(&first, &last) == 0 || (pg->wmax != NULL &&
	    inst_cmp(&last, &pg->wmax_at) >= 0)) {
		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE, "all %ld "
		    "tickets of the page were updated at %s; more may share "
		    "that time, and paging by updated_at cannot get past them "
		    "without losing some", n, lastraw);
		tkt_strs_free(&run);
		return TKT_PG_STOP;
	}
	free(pg->wmax);
	pg->wmax = xstrdup(lastraw);
	pg->wmax_at = last;
	tkt_strs_free(&pg->seen);
	pg->seen = run;
	list_request(pg, next);
	return TKT_PG_MORE;
}

static void
pager_free(struct tkt_pager *pg)
{
	if (pg == NULL)
		return;
	free(pg->wmax);
	tkt_strs_free(&pg->seen);
	free(pg);
}

const struct tkt_market tkt_wish3_market = {
	.api = "v3",
	.caps = TKT_MC_LIST_ALL | TKT_MC_ORDERS_APART | TKT_MC_ASYNC_REFUND |
	    TKT_MC_TRANSLATE,
	.pager_new = pager_new,
	.pager_page = pager_page,
	.pager_free = pager_free,
	.get_ticket = get_ticket,
	.get_order = get_order,
	.get_reasons = get_reasons,
	.write = write_step,
	.refresh = tkt_wish_refresh,
	.token_code = tkt_wish3_token_code,
	.refund_reason = tkt_wish3_refund_reason,
	.record = tkt_wish3_record,
	.refund = tkt_wish3_refund,
	.order = tkt_wish3_order,
	.content_locale = tkt_wish3_content_locale,
};
