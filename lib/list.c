/*
 * list.c: the tkt-list driver.  Lists the tickets awaiting the merchant
 * page by page (each page printed before the next is fetched), or fetches
 * the tickets named by id, several at a time, printed in the order asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

#define PAGE 100

static const char *states[] = { "AWAITING_MERCHANT", "AWAITING_USER",
    "AWAITING_WISH", "CLOSED", "PERMANENTLY_CLOSED", "UNKNOWN", NULL };
static const char *types[] = { "PRE_PURCHASE", "ORDER",
    "POST_CUSTOMER_SUPPORT", NULL };

struct slot {
	struct tkt_http_req	 req;
	int			 used, done;
	char			*id;
	char			 where[300];
};

struct lister {
	struct tkt_list_opts	*o;
	struct tkt_store	*store;
	struct tkt_http		*http;
	struct tkt_norm		 nm;
	struct tkt_rec		 env, view;
	struct tkt_buf		 line;
	time_t			 since, now;
	int64_t			 due_within;
	int			 table, color;
	long long		 printed, succeeded, failed;
	int			 status;
	struct tkt_strs		 warned;	/* unknown state values */
	/* listing */
	struct tkt_http_req	 page;
	long			 pageno;
	/* ids */
	struct tkt_reader	*rd;
	int			 opi;		/* next operand */
	int			 reading;	/* reading stdin ids */
	struct slot		*slots;
	int			 nslots, head;
	int			 exhausted;
};

static void
vlog(void *arg, const char *line)
{
	(void)arg;
	tkt_warnx("%s", line);
}

static int
in(const char **set, const char *s)
{
	for (; *set != NULL; set++)
		if (strcmp(*set, s) == 0)
			return 1;
	return 0;
}

static int
check_values(const struct tkt_strs *l, const char **set, const char *opt)
{
	for (size_t i = 0; i < l->n; i++)
		if (!in(set, l->v[i])) {
			struct tkt_buf b;

			tkt_buf_init(&b);
			for (const char **p = set; *p; p++)
				tkt_buf_printf(&b, "%s%s", p == set ? "" : ", ", *p);
			tkt_warnx("%s: unknown value '%s' (one of %s)", opt,
			    l->v[i], b.s);
			tkt_buf_free(&b);
			return -1;
		}
	return 0;
}

/* Does the ticket pass the filters? */
static int
wanted(struct lister *L)
{
	struct tkt_list_opts *o = L->o;

	if (o->states.n && !tkt_strs_has(&o->states, L->nm.state))
		return 0;
	if (o->types.n && !tkt_strs_has(&o->types, L->nm.type))
		return 0;
	if (o->locales.n && !tkt_strs_locale(&o->locales, L->nm.locale))
		return 0;
	if (L->since != (time_t)-1 &&
	    (L->nm.updated_at == (time_t)-1 || L->nm.updated_at < L->since))
		return 0;
	if (o->overdue && (L->nm.due_at == (time_t)-1 || L->now <= L->nm.due_at))
		return 0;
	if (o->due_within != NULL && (L->nm.due_at == (time_t)-1 ||
	    L->nm.due_at > L->now + (time_t)L->due_within))
		return 0;
	return 1;
}

static void
fail(struct lister *L, const struct tkt_error *e)
{
	tkt_error_print(e);
	L->status = tkt_exit_merge(L->status, e->status);
	if (e->status == TKT_EXIT_TOKEN)
		tkt_http_stop(L->http);
}

/* Prints one normalized record (in L->line) if it passes the filters. */
static void
emit(struct lister *L)
{
	struct tkt_error e;

	if (L->nm.state_raw != NULL && !tkt_strs_has(&L->warned, L->nm.state_raw)) {
		tkt_strs_addlist(&L->warned, L->nm.state_raw);
		tkt_warnx("unknown ticket state '%s' (given as UNKNOWN, with "
		    "state_raw)", L->nm.state_raw);
	}
	if (L->o->limit > 0 && L->printed >= L->o->limit)
		return;
	if (!wanted(L))
		return;
	if (L->table || L->o->thread) {
		if (tkt_rec_parse(&L->view, L->line.s, L->line.len - 1,
		    TKT_RD_TREE, &e) == -1)
			return;
		if (L->o->thread)
			tkt_thread_print(stdout, &L->view, L->color);
		else {
			if (L->printed == 0)
				tkt_table_header(stdout, L->color);
			tkt_table_row(stdout, &L->view, L->color);
		}
	} else
		tkt_out_line(L->line.s, L->line.len);
	L->printed++;
	if (L->o->limit > 0 && L->printed >= L->o->limit)
		tkt_http_stop(L->http);
}

/* Listing: one page at a time. */

static void submit_page(struct lister *, char *url);

static void
page_done(struct tkt_http_req *r, void *arg)
{
	struct lister *L = arg;
	struct tkt_error e;
	const struct tkt_jnode *data, *paging, *next, *t;
	char *nexturl = NULL;
	size_t len;
	const char *s;

	if (tkt_wish_envelope(r, &L->env, &e) == -1) {
		/* A malformed answer to a read is worth another try. */
		if (e.status == TKT_EXIT_REMOTE && r->outcome == TKT_HTTP_DONE &&
		    r->status < 400 && tkt_http_retry(L->http, r) == 0)
			return;
		tkt_error_where(&e, "page %ld", L->pageno);
		fail(L, &e);
		if (e.status != TKT_EXIT_TOKEN) {
			tkt_warnx("the listing stopped at page %ld after %lld "
			    "records: it is incomplete", L->pageno, L->printed);
			L->status = tkt_exit_merge(L->status, TKT_EXIT_REMOTE);
		}
		return;
	}
	data = tkt_rec_get(&L->env, &L->env.nodes[0], "data");
	paging = tkt_rec_get(&L->env, &L->env.nodes[0], "paging");
	next = tkt_rec_get(&L->env, paging, "next");
	if ((s = tkt_rec_str(&L->env, next, &len)) != NULL && len > 10) {
		nexturl = xstrndup(s, len);
		if (!tkt_same_origin(nexturl, L->store->url)) {
			char *red = tkt_http_redact(nexturl);

			tkt_warnx("page %ld: paging.next points at another origin "
			    "(%s), not %s: refused, the token would go with it",
			    L->pageno, red, L->store->url);
			free(red);
			free(nexturl);
			nexturl = NULL;
			L->status = tkt_exit_merge(L->status, TKT_EXIT_REMOTE);
		}
	}
	if (data == NULL || data->type != TKT_J_ARRAY) {
		tkt_warnx("page %ld: malformed answer: data is not a list",
		    L->pageno);
		L->status = tkt_exit_merge(L->status, TKT_EXIT_REMOTE);
		free(nexturl);
		return;
	}
	for (t = tkt_rec_child(&L->env, data); t != NULL && !tkt_http_stopped(L->http);
	    t = tkt_rec_next(&L->env, t)) {
		tkt_buf_reset(&L->line);
		if (tkt_wish2_record(&L->env, t, &L->nm, &L->line, &e) == -1) {
			tkt_error_where(&e, "page %ld", L->pageno);
			fail(L, &e);
			continue;
		}
		emit(L);
	}
	/* Each page reaches a pipe before the next one is fetched. */
	fflush(stdout);
	if (nexturl != NULL && !tkt_http_stopped(L->http))
		submit_page(L, nexturl);
	else
		free(nexturl);
}

static void
submit_page(struct lister *L, char *url)
{
	tkt_http_req_free(&L->page);
	memset(&L->page, 0, sizeof(L->page));
	L->page.method = TKT_GET;
	L->page.url = url;
	L->page.bearer = L->store->token;
	L->page.may_repeat = 1;
	L->page.done = page_done;
	L->page.arg = L;
	L->pageno++;
	tkt_http_submit(L->http, &L->page);
}

/* Ids: a window of requests, printed in the order asked. */

static int next_id(struct lister *, char **id, char *where, size_t wlen);

static void fill(struct lister *);

static void
flush_done(struct lister *L)
{
	while (L->nslots > 0) {
		struct slot *s = &L->slots[L->head];
		struct tkt_error e;
		const struct tkt_jnode *t;

		if (!s->used || !s->done)
			break;
		if (!tkt_http_stopped(L->http)) {
			if (tkt_wish_envelope(&s->req, &L->env, &e) == -1) {
				tkt_error_where(&e, "%s%sticket %s", s->where,
				    s->where[0] ? ": " : "", s->id);
				fail(L, &e);
				L->failed++;
			} else {
				t = tkt_rec_get(&L->env, &L->env.nodes[0], "data");
				tkt_buf_reset(&L->line);
				if (tkt_wish2_record(&L->env, t, &L->nm, &L->line,
				    &e) == -1) {
					tkt_error_where(&e, "ticket %s", s->id);
					fail(L, &e);
					L->failed++;
				} else {
					L->succeeded++;
					emit(L);
				}
			}
		}
		tkt_http_req_free(&s->req);
		free(s->id);
		s->id = NULL;
		s->used = s->done = 0;
		L->head = (L->head + 1) % L->nslots;
	}
}

static void
id_done(struct tkt_http_req *r, void *arg)
{
	struct lister *L = arg;
	struct slot *s = r->user;

	/* A malformed answer to a read is worth another try. */
	if (r->outcome == TKT_HTTP_DONE && r->status == 200 &&
	    (r->resp.len == 0 || r->resp.s[0] != '{') &&
	    tkt_http_retry(L->http, r) == 0)
		return;
	s->done = 1;
	flush_done(L);
	if (!tkt_http_stopped(L->http))
		fill(L);
}

static void
fill(struct lister *L)
{
	for (int k = 0; k < L->nslots && !L->exhausted; k++) {
		int i = (L->head + k) % L->nslots;
		struct slot *s = &L->slots[i];
		struct tkt_buf q;
		char *id;

		if (s->used)
			continue;
		if (next_id(L, &id, s->where, sizeof(s->where)) <= 0) {
			L->exhausted = 1;
			break;
		}
		memset(&s->req, 0, sizeof(s->req));
		s->id = id;
		s->used = 1;
		s->done = 0;
		tkt_buf_init(&q);
		tkt_buf_adds(&q, "id=");
		tkt_url_encode(&q, id);
		s->req.method = TKT_GET;
		s->req.url = tkt_wish_url(L->store, "ticket", q.s);
		tkt_buf_free(&q);
		s->req.bearer = L->store->token;
		s->req.may_repeat = 1;
		s->req.done = id_done;
		s->req.arg = L;
		s->req.user = s;
		tkt_http_submit(L->http, &s->req);
	}
}

/* The next id: 1 and a new *id, 0 at the end. */
static int
next_id(struct lister *L, char **id, char *where, size_t wlen)
{
	struct tkt_error e;
	struct tkt_rec *r;
	int rc;

	for (;;) {
		if (L->reading) {
			rc = tkt_reader_next(L->rd, &r, &e);
			if (rc == 0) {
				L->reading = 0;
				continue;
			}
			if (rc == -1) {
				tkt_error_print(&e);
				L->status = tkt_exit_merge(L->status, TKT_EXIT_NO);
				L->failed++;
				continue;
			}
			snprintf(where, wlen, "%s:%ju", r->name, r->lineno);
			if (r->bare) {
				if (!tkt_id_valid(r->line, r->len)) {
					tkt_warnx("%s: not a ticket id: '%.*s'", where,
					    (int)(r->len > 40 ? 40 : r->len), r->line);
					L->status = tkt_exit_merge(L->status,
					    TKT_EXIT_NO);
					L->failed++;
					continue;
				}
				*id = xstrndup(r->line, r->len);
				return 1;
			}
			const char *s = tkt_rec_field(r, "id");

			if (s == NULL || !tkt_id_valid(s, strlen(s))) {
				tkt_warnx("%s: the record has no valid \"id\"", where);
				L->status = tkt_exit_merge(L->status, TKT_EXIT_NO);
				L->failed++;
				continue;
			}
			*id = xstrdup(s);
			return 1;
		}
		if (L->opi >= L->o->noperands)
			return 0;
		const char *op = L->o->operands[L->opi++];

		if (strcmp(op, "-") == 0) {
			if (L->rd == NULL) {
				static char *dash[] = { "-" };

				L->rd = tkt_reader_new(dash, 1,
				    TKT_RD_TOP | TKT_RD_BAREID);
				if (tkt_reader_stdin_tty(L->rd))
					tkt_warnx("reading ticket ids or records "
					    "from the terminal (end with ^D)");
				L->reading = 1;
			}
			continue;
		}
		where[0] = '\0';
		if (!tkt_id_valid(op, strlen(op))) {
			tkt_warnx("not a ticket id: '%s'", op);
			L->status = tkt_exit_merge(L->status, TKT_EXIT_NO);
			L->failed++;
			continue;
		}
		*id = xstrdup(op);
		return 1;
	}
}

static int
setup(struct lister *L, struct tkt_config *cfg)
{
	struct tkt_list_opts *o = L->o;
	struct tkt_error e;
	struct tkt_http_opts ho;
	int listing = o->noperands == 0;

	tkt_error_clear(&e);
	if (check_values(&o->states, states, "--state") == -1 ||
	    check_values(&o->types, types, "--type") == -1)
		return TKT_EXIT_USAGE;
	L->now = tkt_now();
	L->since = (time_t)-1;
	if (o->since != NULL && tkt_since_parse(o->since, L->now, &L->since) == -1) {
		tkt_warnx("--since: '%s' is neither a duration (30d, 48h) nor a "
		    "time (2026-11-01T00:00:00Z)", o->since);
		return TKT_EXIT_USAGE;
	}
	if (o->due_within != NULL &&
	    tkt_duration_parse(o->due_within, &L->due_within) == -1) {
		tkt_warnx("--due-within: '%s' is not a duration (90m, 6h, 2d)",
		    o->due_within);
		return TKT_EXIT_USAGE;
	}
	if (tkt_config_load(cfg, &e) == -1 ||
	    (L->store = tkt_config_store(cfg, o->store, &e)) == NULL) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	if (strcmp(L->store->api, "v2") != 0) {
		tkt_warnx("store '%s' uses API %s, which this version of tkt-list "
		    "does not speak yet (only v2)", L->store->name, L->store->api);
		return TKT_EXIT_USAGE;
	}
	if (o->all) {
		tkt_warnx("-A/--all needs API v3: Wish's v2 API lists only the "
		    "tickets awaiting your response (store '%s' uses v2)",
		    L->store->name);
		return TKT_EXIT_USAGE;
	}
	for (size_t i = 0; listing && i < o->states.n; i++)
		if (strcmp(o->states.v[i], "AWAITING_MERCHANT") != 0) {
			tkt_warnx("--state %s: API v2 lists only AWAITING_MERCHANT "
			    "tickets; other states need -A, which needs API v3 "
			    "(or name the tickets by id)", o->states.v[i]);
			return TKT_EXIT_USAGE;
		}
	if (tkt_store_token(L->store, &e) == -1) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	if ((L->nm.map = tkt_wishmap_default(&e)) == NULL) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	L->nm.store = L->store;
	L->nm.raw = o->raw;
	memset(&ho, 0, sizeof(ho));
	ho.retries = -1;
	ho.parallel = listing ? 1 : (o->parallel > 0 ? o->parallel : 4);
	if (o->verbose)
		ho.log = vlog;
	if ((L->http = tkt_http_new(&ho, &e)) == NULL) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	L->table = !o->thread && tkt_want_table(o->table);
	L->color = (L->table || o->thread) && tkt_want_color();
	return TKT_EXIT_OK;
}

int
tkt_list_main(struct tkt_list_opts *o)
{
	struct lister L;
	struct tkt_config cfg;
	int rc;

	memset(&L, 0, sizeof(L));
	memset(&cfg, 0, sizeof(cfg));
	L.o = o;
	tkt_rec_init(&L.env);
	tkt_rec_init(&L.view);
	tkt_buf_init(&L.line);
	tkt_out_init();
	if ((rc = setup(&L, &cfg)) != TKT_EXIT_OK) {
		tkt_config_free(&cfg);
		return rc;
	}
	if (o->noperands == 0) {
		char q[64];

		snprintf(q, sizeof(q), "start=0&limit=%d", PAGE);
		submit_page(&L, tkt_wish_url(L.store, "ticket/get-action-required", q));
		tkt_http_run(L.http);
		tkt_http_req_free(&L.page);
	} else {
		L.nslots = o->parallel > 0 ? o->parallel : 4;
		L.slots = xcalloc((size_t)L.nslots, sizeof(*L.slots));
		fill(&L);
		tkt_http_run(L.http);
		for (int i = 0; i < L.nslots; i++) {
			tkt_http_req_free(&L.slots[i].req);
			free(L.slots[i].id);
		}
		free(L.slots);
		tkt_reader_free(L.rd);
		/* Remote failures with no success at all are a remote failure. */
		if (L.status == TKT_EXIT_REMOTE && L.succeeded > 0)
			L.status = TKT_EXIT_NO;
	}
	if (o->exists && L.printed == 0)
		L.status = tkt_exit_merge(L.status, TKT_EXIT_NO);
	tkt_http_free(L.http);
	tkt_rec_free(&L.env);
	tkt_rec_free(&L.view);
	tkt_buf_free(&L.line);
	tkt_strs_free(&L.warned);
	tkt_config_free(&cfg);
	return L.status;
}
