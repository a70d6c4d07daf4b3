/*
 * list.c: the tkt-list driver.  Lists tickets page by page (each page
 * printed before the next is fetched), the pages as the store's
 * marketplace has them (its pager: tkt.h, the marketplace interface); or
 * fetches the tickets named by id, several at a time, printed in the
 * order asked.  Several stores are listed one after the other.  With
 * --with-orders, on a marketplace whose tickets only name their orders, a
 * record waits in a queue, in output order, while its orders are fetched
 * alongside the other requests; with --lang, while its ticket is read
 * again in that language.  With --sort (by default on a terminal) the
 * records are kept, as their bytes, until everything is read, then sorted
 * and printed, the first --limit of them, their orders and second reads
 * asked for only then.
 */
#include <ctype.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tkt.h"

#define QMAX 500	/* with ids: records waiting in the queue, at most */

/* A store being read, and how its tickets are normalized. */
struct src {
	struct tkt_store	*store;		/* borrowed from the config */
	const struct tkt_market	*mk;		/* its marketplace */
	struct tkt_norm		 nm;
};

struct pend;

/* One order of a record waiting in the queue (--with-orders). */
struct oreq {
	struct tkt_http_req	 req;
	struct pend		*p;
	char			*id;
	struct tkt_buf		 rec;	/* the record's order: as listed, then fetched */
};

/* A record waiting to be printed, in output order. */
struct pend {
	struct pend		*next;
	char			*line;		/* the record, "\n" included */
	size_t			 len;
	char			*id;		/* the ticket's, for messages */
	char			*where;		/* where it came from, or "" */
	struct src		*src;
	struct oreq		*o;
	size_t			 no, left;	/* orders; requests still out */
	/* --lang: the ticket read again in that language */
	int			 lang;		/* asked for */
	struct tkt_http_req	 tr;
	struct tkt_buf		 trec;		/* that read as a record, or empty */
	char			 clang[36];	/* its content_locale, or "" */
};

/* A record kept for --sort until the whole listing is read. */
struct kept {
	char			*line;		/* the record, "\n" included */
	size_t			 len;
	int64_t			 key;		/* ascending; INT64_MAX: no time, last */
	char			*id;
	char			*where;
	struct src		*src;
	size_t			 seq;		/* arrival: the last tie-break */
};

struct slot {
	struct tkt_http_req	 req;
	int			 used, done;
	char			*id;
	struct src		*src;
	char			 where[300];
};

struct lister {
	struct tkt_list_opts	*o;
	struct tkt_config	*cfg;
	struct src		*srcs;
	size_t			 nsrcs;
	struct tkt_http		*http;
	struct tkt_rec		 env, view;
	struct tkt_buf		 line;
	time_t			 since, now;
	int64_t			 due_within;
	int			 table, color;
	int			 sort;		/* TKT_SORT_*, never AUTO */
	struct kept		*kept;		/* --sort: the records read */
	size_t			 nkept, keptcap, seq;
	struct tkt_rec		 krec;		/* a record read for its sort key */
	struct tkt_table	 tab;		/* its columns, when a table */
	long long		 taken, printed, succeeded, failed;
	int			 status;
	int			 full;		/* --limit reached: ask for nothing more */
	int			 unflushed;	/* printed since stdout was flushed */
	/* the queue (--with-orders) */
	struct pend		*qhead, *qtail;
	size_t			 qn;
	void			(*cont)(struct lister *);	/* once it is empty */
	struct tkt_rec		 oenv, orec, tview;
	struct tkt_buf		 arr, out, reps;
	struct tkt_strs		 warned;	/* unknown state values */
	struct tkt_files	*files;		/* --save-files */
	struct tkt_buf		 freps, fline;	/* its replies, its record */
	/* listing */
	size_t			 cur;		/* the store being listed */
	struct tkt_http_req	 page;
	long			 pageno;
	long long		 sprinted;	/* printed from this store */
	struct tkt_pager	*pager;		/* the store's place in its pages */
	const struct tkt_market	*pagers;	/* whose pager it is */
	struct tkt_mreq		 nextreq;	/* the next page's request */
	struct tkt_strset	 pages;		/* the URLs of this store's pages */
	struct tkt_strset	 ids;		/* the tickets they held */
	long			 fresh;		/* on this page, not seen before */
	/* ids */
	struct tkt_loop		*rd;
	struct slot		*slots;
	int			 nslots, head;
	int			 waiting;	/* take_id waits for room */
};

static void
vlog(void *arg, const char *line)
{
	(void)arg;
	tkt_warnx("%s", line);
}

/* Is every value of l in set (or "UNKNOWN" when unknown_ok)? */
static int
check_values(const struct tkt_strs *l, const char *const *set,
    int unknown_ok, const char *opt)
{
	for (size_t i = 0; i < l->n; i++) {
		struct tkt_buf b;

		if (tkt_wish_enum(set, l->v[i]) != NULL ||
		    (unknown_ok && strcmp(l->v[i], "UNKNOWN") == 0))
			continue;
		tkt_buf_init(&b);
		for (const char *const *p = set; *p; p++)
			tkt_buf_printf(&b, "%s%s", p == set ? "" : ", ", *p);
		if (unknown_ok)
			tkt_buf_adds(&b, ", UNKNOWN");
		tkt_warnx("%s: unknown value '%s' (one of %s)", opt, l->v[i], b.s);
		tkt_buf_free(&b);
		return -1;
	}
	return 0;
}

/* Does the ticket pass the filters? */
static int
wanted(struct lister *L, const struct tkt_norm *nm)
{
	struct tkt_list_opts *o = L->o;

	if (o->states.n && !tkt_strs_has(&o->states, nm->state))
		return 0;
	if (o->types.n && !tkt_strs_has(&o->types, nm->type))
		return 0;
	if (o->locales.n && !tkt_strs_locale(&o->locales, nm->locale))
		return 0;
	if (L->since != (time_t)-1 &&
	    (nm->updated_at == (time_t)-1 || nm->updated_at < L->since))
		return 0;
	if (o->overdue && (nm->due_at == (time_t)-1 || L->now <= nm->due_at))
		return 0;
	if (o->due_within >= 0 && (nm->due_at == (time_t)-1 ||
	    nm->due_at > L->now + (time_t)L->due_within))
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

/* May more be asked for: not stopped, and --limit not reached? */
static int
more(const struct lister *L)
{
	return !L->full && !tkt_http_stopped(L->http);
}

/*
 * After a failed answer e to the read r of store st: 1 when r was queued
 * again, with a renewed token or because a malformed answer to a read is
 * worth another try.
 */
static int
read_again(struct lister *L, struct tkt_store *st, struct tkt_http_req *r,
    struct tkt_error *e)
{
	if (tkt_oauth_resend(L->http, st, r, e))
		return 1;
	return e->status == TKT_EXIT_REMOTE && r->outcome == TKT_HTTP_DONE &&
	    r->status < 400 && tkt_http_retry(L->http, r) == 0;
}

/* The store a record printed came from: the one its "store" names. */
static const struct tkt_store *
rec_store(const struct lister *L, const struct tkt_rec *r)
{
	const char *name = tkt_rec_field(r, "store");

	for (size_t i = 0; name != NULL && i < L->nsrcs; i++)
		if (strcmp(L->srcs[i].store->name, name) == 0)
			return L->srcs[i].store;
	return L->srcs[0].store;
}

/* Prints one record, s[0..len) with its newline: a line, a row or a thread. */
static void
print_line(struct lister *L, const char *s, size_t len)
{
	struct tkt_error e;

	/* --save-files: the replies' files saved, and named in the record. */
	if (L->files != NULL && tkt_rec_parse(&L->view, s, len - 1,
	    TKT_RD_TREE, &e) == 0) {
		struct tkt_edit ed;

		tkt_buf_reset(&L->freps);
		if (tkt_files_replies(L->files, rec_store(L, &L->view),
		    &L->view, &L->freps, &L->status) == 0) {
			ed = (struct tkt_edit){ "replies", L->freps.s,
			    L->freps.len };
			tkt_buf_reset(&L->fline);
			tkt_rec_splice(&L->view, &ed, 1, &L->fline);
			s = L->fline.s;
			len = L->fline.len;
		}
	}
	if (L->table || L->o->thread) {
		if (tkt_rec_parse(&L->view, s, len - 1, TKT_RD_TREE, &e) == -1)
			return;
		if (L->o->thread)
			tkt_thread_print(stdout, &L->view, L->color);
		else {
			if (L->printed == 0)
				tkt_table_header(stdout, &L->tab);
			tkt_table_row(stdout, &L->tab, &L->view);
		}
	} else
		tkt_out_line(s, len);
	L->printed++;
	L->unflushed = 1;
}

/* Does the normalized record pass the filters and --limit?  Counts it. */
static int
take(struct lister *L, const struct tkt_norm *nm)
{
	if (nm->state_raw != NULL && !tkt_strs_has(&L->warned, nm->state_raw)) {
		tkt_strs_add(&L->warned, nm->state_raw);
		tkt_warnx("unknown ticket state '%s' (given as UNKNOWN, with "
		    "state_raw)", nm->state_raw);
	}
	/* Sorted, --limit keeps the first records once all are read. */
	if (!L->sort && L->o->limit > 0 && L->taken >= L->o->limit)
		return 0;
	if (!wanted(L, nm))
		return 0;
	L->taken++;
	L->sprinted++;
	if (!L->sort && L->o->limit > 0 && L->taken >= L->o->limit)
		L->full = 1;
	return 1;
}

/* --sort: records kept until everything is read, then sorted. */

static int
kept_cmp(const void *a, const void *b)
{
	const struct kept *x = a, *y = b;
	int c;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if ((c = strcmp(x->id, y->id)) != 0)
		return c;
	/* The same id from two stores: in the order of the stores. */
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
kept_free(struct kept *k)
{
	free(k->line);
	free(k->id);
	free(k->where);
}

/*
 * Keeps the record in L->line, of ticket id read from S, with its sort
 * key: due_at or opened_at ascending, updated_at descending, a record
 * without the time last.  With --limit n, only the n first are kept (the
 * records are sorted each time 2n are kept), so memory stays bounded.
 */
static void
keep(struct lister *L, struct src *S, const char *id, const char *where)
{
	static const char *const field[] = { NULL, "due_at", "opened_at",
	    "updated_at" };
	unsigned long long limit = (unsigned long long)L->o->limit;
	struct tkt_error e;
	struct kept *k;
	time_t t = (time_t)-1;

	if (tkt_rec_parse(&L->krec, L->line.s, L->line.len - 1, TKT_RD_TOP,
	    &e) == 0)
		t = tkt_rec_time(&L->krec, tkt_rec_get(&L->krec,
		    &L->krec.nodes[0], field[L->sort]));
	if (L->nkept == L->keptcap) {
		L->keptcap = L->keptcap ? L->keptcap * 2 : 256;
		L->kept = xreallocarray(L->kept, L->keptcap, sizeof(*L->kept));
	}
	k = &L->kept[L->nkept++];
	k->line = xstrndup(L->line.s, L->line.len);
	k->len = L->line.len;
	if (t == (time_t)-1)
		k->key = INT64_MAX;
	else
		k->key = L->sort == TKT_SORT_UPDATED ? -(int64_t)t : (int64_t)t;
	k->id = xstrdup(id);
	k->where = xstrdup(where);
	k->src = S;
	k->seq = L->seq++;
	if (limit > 0 && L->nkept >= 2 * limit) {
		qsort(L->kept, L->nkept, sizeof(*L->kept), kept_cmp);
		while (L->nkept > limit)
			kept_free(&L->kept[--L->nkept]);
	}
}

/* The queue: records in output order, some waiting for their orders. */

static void
pend_free(struct pend *p)
{
	for (size_t i = 0; i < p->no; i++) {
		tkt_http_req_free(&p->o[i].req);
		tkt_buf_free(&p->o[i].rec);
		free(p->o[i].id);
	}
	free(p->o);
	tkt_http_req_free(&p->tr);
	tkt_buf_free(&p->trec);
	free(p->line);
	free(p->id);
	free(p->where);
	free(p);
}

/* Queues the record in L->line. */
static struct pend *
push(struct lister *L, struct src *S, const char *id, const char *where)
{
	struct pend *p = xcalloc(1, sizeof(*p));

	p->line = xstrndup(L->line.s, L->line.len);
	p->len = L->line.len;
	p->id = xstrdup(id);
	p->where = xstrdup(where);
	p->src = S;
	if (L->qtail != NULL)
		L->qtail->next = p;
	else
		L->qhead = p;
	L->qtail = p;
	L->qn++;
	return p;
}

/* Are member key of c (in L->orec) and of d (in L->tview) the same JSON? */
static int
same(const struct lister *L, const struct tkt_jnode *c,
    const struct tkt_jnode *d, const char *key)
{
	const struct tkt_jnode *x = tkt_rec_get(&L->orec, c, key);
	const struct tkt_jnode *y = tkt_rec_get(&L->tview, d, key);

	return x != NULL && y != NULL && x->end - x->start == y->end - y->start &&
	    memcmp(L->orec.line + x->start, L->tview.line + y->start,
	    x->end - x->start) == 0;
}

/*
 * The replies of the record parsed in L->orec into L->reps, each given
 * the message of the reply at its place in p's second read as its
 * translated_message, when that reply has the same sender and time and
 * another text; the others as they are.  -1 when there is no second read.
 */
static int
translate(struct lister *L, struct pend *p)
{
	const struct tkt_jnode *a, *b, *c, *d, *tm, *m;
	struct tkt_error e;
	const char *line = L->orec.line;

	if (p->trec.len == 0 || tkt_rec_parse(&L->tview, p->trec.s,
	    p->trec.len - 1, TKT_RD_TREE, &e) == -1)
		return -1;
	a = tkt_rec_get(&L->orec, &L->orec.nodes[0], "replies");
	b = tkt_rec_get(&L->tview, &L->tview.nodes[0], "replies");
	if (a == NULL || a->type != TKT_J_ARRAY || b == NULL ||
	    b->type != TKT_J_ARRAY)
		return -1;
	tkt_buf_reset(&L->reps);
	tkt_buf_addc(&L->reps, '[');
	d = tkt_rec_child(&L->tview, b);
	for (c = tkt_rec_child(&L->orec, a); c != NULL;
	    c = tkt_rec_next(&L->orec, c)) {
		if (c != tkt_rec_child(&L->orec, a))
			tkt_buf_addc(&L->reps, ',');
		tm = tkt_rec_get(&L->orec, c, "translated_message");
		m = NULL;
		if (d != NULL && tm != NULL && same(L, c, d, "sender") &&
		    same(L, c, d, "at") && !same(L, c, d, "message"))
			m = tkt_rec_get(&L->tview, d, "message");
		if (m == NULL)
			tkt_buf_add(&L->reps, line + c->start, c->end - c->start);
		else {
			tkt_buf_add(&L->reps, line + c->start, tm->start - c->start);
			tkt_buf_add(&L->reps, L->tview.line + m->start,
			    m->end - m->start);
			tkt_buf_add(&L->reps, line + tm->end, c->end - tm->end);
		}
		if (d != NULL)
			d = tkt_rec_next(&L->tview, d);
	}
	tkt_buf_addc(&L->reps, ']');
	return 0;
}

/*
 * Prints a queued record, its orders as fetched (or as listed), and with
 * --lang its translations and content_locale.
 */
static void
print_pend(struct lister *L, struct pend *p)
{
	struct tkt_edit ed[3];
	struct tkt_error e;
	size_t ne = 0;
	char cl[sizeof(p->clang) + 2];

	if ((p->no == 0 && !p->lang) || tkt_rec_parse(&L->orec, p->line,
	    p->len - 1, p->lang ? TKT_RD_TREE : TKT_RD_TOP, &e) == -1) {
		print_line(L, p->line, p->len);
		return;
	}
	if (p->no > 0) {
		tkt_buf_reset(&L->arr);
		tkt_buf_addc(&L->arr, '[');
		for (size_t i = 0; i < p->no; i++) {
			if (i > 0)
				tkt_buf_addc(&L->arr, ',');
			tkt_buf_add(&L->arr, p->o[i].rec.s, p->o[i].rec.len);
		}
		tkt_buf_addc(&L->arr, ']');
		ed[ne++] = (struct tkt_edit){ "orders", L->arr.s, L->arr.len };
	}
	if (p->lang) {
		if (translate(L, p) == 0)
			ed[ne++] = (struct tkt_edit){ "replies", L->reps.s,
			    L->reps.len };
		if (p->clang[0] != '\0')
			snprintf(cl, sizeof(cl), "\"%s\"", p->clang);
		else
			snprintf(cl, sizeof(cl), "null");
		ed[ne++] = (struct tkt_edit){ "content_locale", cl, strlen(cl) };
	}
	tkt_buf_reset(&L->out);
	tkt_rec_splice(&L->orec, ed, ne, &L->out);
	print_line(L, L->out.s, L->out.len);
}

/*
 * Prints the queue's head while it is complete.  Once the queue is empty,
 * a listing goes on (L->cont), or ends at --limit.
 */
static void
drain(struct lister *L)
{
	struct pend *p;
	void (*fn)(struct lister *);

	while ((p = L->qhead) != NULL && p->left == 0) {
		if ((L->qhead = p->next) == NULL)
			L->qtail = NULL;
		L->qn--;
		if (!tkt_http_stopped(L->http))
			print_pend(L, p);
		pend_free(p);
	}
	if (L->qhead != NULL)
		return;
	if (L->full)
		tkt_http_stop(L->http);
	else if ((fn = L->cont) != NULL) {
		L->cont = NULL;
		fn(L);
	}
}

/* Runs fn now, or once the records queued are printed. */
static void
then(struct lister *L, void (*fn)(struct lister *))
{
	if (L->qhead == NULL)
		fn(L);
	else
		L->cont = fn;
}

static char *id_url(const struct src *, const char *);

/*
 * The end of a second read for p's record (an order, a translation): a
 * failure e (when bad) is reported against the ticket and what was read,
 * "what" (the record still comes out without it); the record may then be
 * printed, and the next reads start.
 */
static int room(const struct lister *);

static void
second_done(struct lister *L, struct pend *p, struct tkt_http_req *r, int bad,
    struct tkt_error *e, const char *what)
{
	if (bad) {
		if (e->status != TKT_EXIT_TOKEN)
			e->status = TKT_EXIT_NO;
		tkt_error_where(e, "%s%sticket %s: %s", p->where,
		    p->where[0] ? ": " : "", p->id, what);
		fail(L, e);
	}
	tkt_http_req_free(r);
	p->left--;
	drain(L);
	if (L->waiting && room(L))
		tkt_http_yield(L->http);
}

/*
 * The answer r to a second read for p, parsed into L->oenv: 0 and its
 * *data (NULL when it has none) to read; 1 when r was queued again (wait
 * for it); -1 when the run stopped, or the read failed (*bad, e says why).
 */
static int
second_data(struct lister *L, struct pend *p, struct tkt_http_req *r,
    struct tkt_error *e, int *bad, const struct tkt_jnode **data)
{
	tkt_error_clear(e);
	*bad = 0;
	if (tkt_http_stopped(L->http))
		return -1;
	if ((*bad = tkt_wish_envelope(r, &L->oenv, e)) == -1)
		return read_again(L, p->src->store, r, e) ? 1 : -1;
	*data = tkt_rec_get(&L->oenv, &L->oenv.nodes[0], "data");
	return 0;
}

static void
order_done(struct tkt_http_req *r, void *arg)
{
	struct lister *L = arg;
	struct oreq *o = r->user;
	struct pend *p = o->p;
	const struct tkt_jnode *data;
	struct tkt_error e;
	char what[80];
	int bad, rc;

	if ((rc = second_data(L, p, r, &e, &bad, &data)) == 1)
		return;
	if (rc == 0) {
		tkt_buf_reset(&L->arr);
		if ((bad = p->src->mk->order(&L->oenv, data, o->id, &L->arr,
		    &e)) == 0) {
			tkt_buf_reset(&o->rec);
			tkt_buf_add(&o->rec, L->arr.s, L->arr.len);
		}
	}
	/* The record still comes out, this order's details null. */
	snprintf(what, sizeof(what), "order %s", o->id);
	second_done(L, p, r, bad, &e, what);
}

/* Sends a read of src's marketplace: done(r, L) gets its answer, r->user is user. */
static void
send_read(struct lister *L, const struct src *src, struct tkt_http_req *r,
    int method, char *url, void (*done)(struct tkt_http_req *, void *),
    void *user)
{
	r->method = method;
	r->url = url;
	r->bearer = src->store->token;
	r->may_repeat = 1;
	r->done = done;
	r->arg = L;
	r->user = user;
	tkt_http_submit(L->http, r);
}

/* Asks for the details of each order of p, the record parsed in L->view. */
static void
ask_orders(struct lister *L, struct pend *p)
{
	const struct tkt_jnode *os, *c;
	struct tkt_mreq m;
	const char *id;
	size_t len;

	os = tkt_rec_get(&L->view, &L->view.nodes[0], "orders");
	p->no = os != NULL && os->type == TKT_J_ARRAY ? os->nchild : 0;
	p->o = xcalloc(p->no ? p->no : 1, sizeof(*p->o));
	c = p->no ? tkt_rec_child(&L->view, os) : NULL;
	for (size_t i = 0; c != NULL; c = tkt_rec_next(&L->view, c), i++) {
		struct oreq *o = &p->o[i];

		o->p = p;
		tkt_buf_add(&o->rec, L->view.line + c->start, c->end - c->start);
		id = tkt_rec_str(&L->view, tkt_rec_get(&L->view, c, "id"), &len);
		o->id = xstrdup(id != NULL ? id : "");
		if (id == NULL || !tkt_id_valid(id, len)) {
			tkt_warnx("%s%sticket %s: order '%.40s' cannot be asked "
			    "for: not an order id", p->where, p->where[0] ?
			    ": " : "", p->id, o->id);
			L->status = tkt_exit_merge(L->status, TKT_EXIT_NO);
			continue;
		}
		p->src->mk->get_order(p->src->store, o->id, &m);
		p->left++;
		send_read(L, p->src, &o->req, m.method, m.url, order_done, o);
	}
}

static void
lang_done(struct tkt_http_req *r, void *arg)
{
	struct lister *L = arg;
	struct pend *p = r->user;
	const struct tkt_jnode *data;
	struct tkt_norm nm;
	struct tkt_error e;
	char what[80];
	int bad, rc;

	if ((rc = second_data(L, p, r, &e, &bad, &data)) == 1)
		return;
	if (rc == 0) {
		nm = p->src->nm;
		nm.raw = 0;
		tkt_buf_reset(&p->trec);
		if ((bad = p->src->mk->record(&L->oenv, data, &nm, &p->trec,
		    &e)) == 0 && strcmp(nm.id, p->id) != 0) {
			tkt_error_set(&e, TKT_EXIT_REMOTE, TKT_E_REMOTE,
			    "malformed answer: ticket '%.64s' came back for "
			    "'%s'", nm.id, p->id);
			tkt_buf_reset(&p->trec);
			bad = -1;
		}
		if (bad == 0 && p->src->mk->content_locale(r->content_language,
		    p->clang) == -1)
			p->clang[0] = '\0';
	}
	/* The record still comes out, untranslated. */
	snprintf(what, sizeof(what), "translation into %s", L->o->lang);
	second_done(L, p, r, bad, &e, what);
}

/* Asks for p's ticket again, in the language of --lang. */
static void
ask_lang(struct lister *L, struct pend *p)
{
	p->lang = 1;
	if (!tkt_id_valid(p->id, strlen(p->id))) {
		tkt_warnx("%s%sticket '%.40s' cannot be read again in %s: not "
		    "a ticket id", p->where, p->where[0] ? ": " : "", p->id,
		    L->o->lang);
		L->status = tkt_exit_merge(L->status, TKT_EXIT_NO);
		return;
	}
	p->tr.accept_language = L->o->lang;
	p->left++;
	send_read(L, p->src, &p->tr, TKT_GET, id_url(p->src, p->id), lang_done,
	    p);
}

/*
 * The record in L->line, of ticket id, read from S: printed now if
 * nothing is queued before it, else queued, with its orders asked for
 * with --with-orders, and its ticket read again with --lang, where the
 * store's marketplace can.  Once the run is stopped, a record that needs
 * such a read is not printed: it would come out without it.
 */
static void
put(struct lister *L, struct src *S, const char *id, const char *where)
{
	struct tkt_error e;
	int orders = 0, lang = L->o->lang != NULL &&
	    (S->mk->caps & TKT_MC_TRANSLATE);

	if (L->o->with_orders && (S->mk->caps & TKT_MC_ORDERS_APART) &&
	    tkt_rec_parse(&L->view, L->line.s,
	    L->line.len - 1, TKT_RD_TREE, &e) == 0) {
		const struct tkt_jnode *os = tkt_rec_get(&L->view,
		    &L->view.nodes[0], "orders");

		orders = os != NULL && os->type == TKT_J_ARRAY && os->nchild > 0;
	}
	if ((orders || lang) && tkt_http_stopped(L->http))
		return;
	if (L->qhead == NULL && !orders && !lang)
		print_line(L, L->line.s, L->line.len);
	else {
		struct pend *p = push(L, S, id, where);

		if (orders)
			ask_orders(L, p);
		if (lang)
			ask_lang(L, p);
		drain(L);
	}
	if (L->full && L->qhead == NULL)
		tkt_http_stop(L->http);
}

/*
 * The record in L->line, normalized into nm, read from S: when it passes
 * the filters (and --limit), printed (put), or kept to be sorted.
 */
static void
emit(struct lister *L, struct src *S, const struct tkt_norm *nm,
    const char *where)
{
	if (!take(L, nm))
		return;
	if (L->sort)
		keep(L, S, nm->id, where);
	else
		put(L, S, nm->id, where);
}

/*
 * --sort, everything read (or the run stopped: what was read): the
 * records sorted, the first --limit of them printed, with their second
 * reads.  Nothing when the output's reader is gone.
 */
static void
print_sorted(struct lister *L)
{
	size_t n = L->nkept;

	if (n == 0)
		return;
	qsort(L->kept, L->nkept, sizeof(*L->kept), kept_cmp);
	if (L->o->limit > 0 && n > (unsigned long long)L->o->limit)
		n = (size_t)L->o->limit;
	for (size_t i = 0; i < n && tkt_sig_caught() != SIGPIPE; i++) {
		struct kept *k = &L->kept[i];

		tkt_buf_reset(&L->line);
		tkt_buf_add(&L->line, k->line, k->len);
		put(L, k->src, k->id, k->where);
	}
	for (size_t i = 0; i < L->nkept; i++)
		kept_free(&L->kept[i]);
	free(L->kept);
	L->kept = NULL;
	L->nkept = L->keptcap = 0;
	/* The orders and second reads of the records put. */
	while (L->qhead != NULL && tkt_http_run(L->http) == 1)
		;
}

/* Once a turn of the engine: what the answers printed goes down the pipe. */
static void
tick(void *arg)
{
	struct lister *L = arg;

	/* A signal: nothing new is asked for; what is printed stays whole. */
	if (tkt_sig_caught() && !tkt_http_stopped(L->http))
		tkt_http_stop(L->http);
	if (L->unflushed) {
		fflush(stdout);
		L->unflushed = 0;
	}
}

/*
 * Listing: one store after the other, one page at a time.  Messages name
 * the page, and the store when there are several.
 */

static void start_listing(struct lister *);

static const char *
pagewhere(struct lister *L, char *buf, size_t len)
{
	if (L->nsrcs > 1)
		snprintf(buf, len, "store %s: page %ld",
		    L->srcs[L->cur].store->name, L->pageno);
	else
		snprintf(buf, len, "page %ld", L->pageno);
	return buf;
}

/* The store the records of a listing come from, in messages, or "". */
static const char *
storewhere(struct lister *L, char *buf, size_t len)
{
	if (L->nsrcs > 1)
		snprintf(buf, len, "store %s", L->srcs[L->cur].store->name);
	else
		buf[0] = '\0';
	return buf;
}

/* The listing of this store ends here; the next store's begins. */
static void
next_store(struct lister *L)
{
	if (++L->cur < L->nsrcs && more(L))
		start_listing(L);
}

/* A listing that cannot go on: the records printed are not all there are. */
static void
incomplete(struct lister *L)
{
	char w[300];

	if (L->nsrcs > 1)
		snprintf(w, sizeof(w), "store %s: ", L->srcs[L->cur].store->name);
	else
		w[0] = '\0';
	tkt_warnx("%sthe listing stopped at page %ld after %lld records: it is "
	    "incomplete", w, L->pageno, L->sprinted);
	L->status = tkt_exit_merge(L->status, TKT_EXIT_REMOTE);
}

/* Sends the page request m (its strings stolen). */
static void
submit_page(struct lister *L, struct tkt_mreq *m,
    void (*done)(struct tkt_http_req *, void *))
{
	tkt_http_req_free(&L->page);
	memset(&L->page, 0, sizeof(L->page));
	L->page.method = m->method;
	L->page.url = m->url;
	free(m->body);
	memset(m, 0, sizeof(*m));
	L->page.bearer = L->srcs[L->cur].store->token;
	L->page.may_repeat = 1;
	L->page.done = done;
	L->page.arg = L;
	L->pageno++;
	tkt_http_submit(L->http, &L->page);
}

/*
 * The page's data list, or NULL when the page failed (reported; the
 * listing of this store is over).  r may be queued again: then NULL too,
 * with *again set.
 */
static const struct tkt_jnode *
page_data(struct lister *L, struct tkt_http_req *r, int *again)
{
	const struct tkt_jnode *data;
	struct tkt_error e;
	char w[300];

	*again = 0;
	if (tkt_wish_envelope(r, &L->env, &e) == -1) {
		if (read_again(L, L->srcs[L->cur].store, r, &e)) {
			*again = 1;
			return NULL;
		}
		tkt_error_where(&e, "%s", pagewhere(L, w, sizeof(w)));
		fail(L, &e);
		if (e.status != TKT_EXIT_TOKEN)
			incomplete(L);
		return NULL;
	}
	data = tkt_rec_get(&L->env, &L->env.nodes[0], "data");
	if (data == NULL || data->type != TKT_J_ARRAY) {
		tkt_warnx("%s: malformed answer: data is not a list",
		    pagewhere(L, w, sizeof(w)));
		incomplete(L);
		return NULL;
	}
	return data;
}

/* A ticket of a page (tkt_each_fn): printed, or reported. */
static int
each_ticket(void *arg, struct tkt_error *bad)
{
	struct lister *L = arg;
	struct src *S = &L->srcs[L->cur];
	char w[300], sw[300];

	if (bad != NULL) {
		tkt_error_where(bad, "%s", pagewhere(L, w, sizeof(w)));
		/* The answer that carried it: the page's. */
		snprintf(bad->request_id, sizeof(bad->request_id), "%s",
		    L->page.request_id);
		fail(L, bad);
	} else {
		L->fresh += tkt_strset_add(&L->ids, S->nm.id);
		emit(L, S, &S->nm, storewhere(L, sw, sizeof(sw)));
	}
	return more(L);
}

static void page_done(struct tkt_http_req *, void *);

/*
 * Does the listing make no progress: a page that held no ticket not seen
 * before on this store, or a next page that was fetched already?  A
 * server that hands out the same pages over and over would keep it going
 * for ever: said (naming the store), and 1.  A listing that progresses
 * has no cap (tkt-list(1), Paging).
 */
static int
stuck(struct lister *L)
{
	const char *store = L->srcs[L->cur].store->name;
	char *u;

	if (L->fresh == 0) {
		tkt_warnx("store %s: page %ld holds no ticket that the listing "
		    "had not seen: it makes no progress", store, L->pageno);
		return 1;
	}
	if (tkt_strset_add(&L->pages, L->nextreq.url))
		return 0;
	u = tkt_http_redact(L->nextreq.url);
	tkt_warnx("store %s: page %ld: the next page it names (%s) was "
	    "fetched already: the listing makes no progress", store,
	    L->pageno, u);
	free(u);
	return 1;
}

static void
next_page(struct lister *L)
{
	if (more(L))
		submit_page(L, &L->nextreq, page_done);
	else
		tkt_mreq_free(&L->nextreq);
}

/*
 * A page of the listing: its tickets printed (or queued), then the next
 * page, which the store's marketplace words, once the queue is printed.
 */
static void
page_done(struct tkt_http_req *r, void *arg)
{
	struct lister *L = arg;
	struct src *S = &L->srcs[L->cur];
	const struct tkt_jnode *data;
	struct tkt_error e;
	char w[300];
	int again, rc;

	if ((data = page_data(L, r, &again)) == NULL) {
		if (!again)
			then(L, next_store);
		return;
	}
	tkt_error_clear(&e);
	L->fresh = 0;
	rc = S->mk->pager_page(L->pager, &L->env, data, &S->nm, &L->line,
	    each_ticket, L, &L->nextreq, &e);
	if (e.msg[0] != '\0') {
		tkt_warnx("%s: %s", pagewhere(L, w, sizeof(w)), e.msg);
		L->status = tkt_exit_merge(L->status, e.status);
	}
	/*
	 * Each page reaches a pipe before the next one is fetched: with
	 * --with-orders, once its records are printed (then()).
	 */
	fflush(stdout);
	if (rc == TKT_PG_MORE && more(L) && !stuck(L)) {
		then(L, next_page);
		return;
	}
	tkt_mreq_free(&L->nextreq);
	if (rc == TKT_PG_STOP || (rc == TKT_PG_MORE && more(L)))
		incomplete(L);
	then(L, next_store);
}

static void
start_listing(struct lister *L)
{
	struct src *S = &L->srcs[L->cur];
	struct tkt_mlist f = { &L->o->states, &L->o->types, L->o->all,
	    L->since };
	struct tkt_mreq first;

	L->pageno = 0;
	L->sprinted = 0;
	if (L->pager != NULL)
		L->pagers->pager_free(L->pager);
	L->pager = S->mk->pager_new(S->store, &f, &first);
	L->pagers = S->mk;
	tkt_strset_free(&L->pages);
	tkt_strset_free(&L->ids);
	tkt_strset_add(&L->pages, first.url);
	submit_page(L, &first, page_done);
}

/* Ids: a window of requests, printed in the order asked. */


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
			int bad = tkt_wish_envelope(&s->req, &L->env, &e);

			if (bad && tkt_oauth_resend(L->http, s->src->store,
			    &s->req, &e)) {
				/* Sent again with a new token: wait for it. */
				s->done = 0;
				break;
			}
			if (bad) {
				tkt_error_where(&e, "%s%sticket %s", s->where,
				    s->where[0] ? ": " : "", s->id);
				fail(L, &e);
				L->failed++;
			} else {
				t = tkt_rec_get(&L->env, &L->env.nodes[0], "data");
				tkt_buf_reset(&L->line);
				if (s->src->mk->record(&L->env, t, &s->src->nm,
				    &L->line, &e) == -1) {
					tkt_error_where(&e, "ticket %s", s->id);
					fail(L, &e);
					L->failed++;
				} else {
					L->succeeded++;
					emit(L, s->src, &s->src->nm, s->where);
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
	if (L->waiting && room(L))
		tkt_http_yield(L->http);
}

/* The URL that reads one ticket, as the store's marketplace has it. */
static char *
id_url(const struct src *S, const char *id)
{
	struct tkt_mreq m;

	S->mk->get_ticket(S->store, id, &m);
	free(m.body);
	return m.url;
}


/* The store a record read from stdin goes to: the one it names, with several. */
static struct src *
src_of(struct lister *L, const struct tkt_rec *r, const char *where)
{
	const char *name;

	if (L->nsrcs == 1)
		return &L->srcs[0];
	name = r->bare ? NULL : tkt_rec_field(r, "store");
	for (size_t i = 0; name != NULL && i < L->nsrcs; i++)
		if (strcmp(L->srcs[i].store->name, name) == 0)
			return &L->srcs[i];
	if (name == NULL)
		tkt_warnx("%s: %s names no store, and %zu are chosen: give "
		    "records with their \"store\", or choose one store with -s",
		    where, r->bare ? "a bare id" : "the record", L->nsrcs);
	else
		tkt_warnx("%s: the record's store '%s' is not among those "
		    "chosen with -s", where, name);
	L->status = tkt_exit_merge(L->status, TKT_EXIT_NO);
	L->failed++;
	return NULL;
}

/* A bad id or record: said with its place, and the run's status is 1. */
static int
refuse(struct lister *L, const char *where, const char *what)
{
	tkt_warnx("%s%s%s", where, where[0] ? ": " : "", what);
	L->status = tkt_exit_merge(L->status, TKT_EXIT_NO);
	L->failed++;
	return TKT_EXIT_OK;
}

/* Is there a free slot, and room for one more record waiting for orders? */
static int
room(const struct lister *L)
{
	if (L->qn >= QMAX)
		return 0;
	for (int k = 0; k < L->nslots; k++)
		if (!L->slots[k].used)
			return 1;
	return 0;
}

/*
 * Reads ticket id (a new string, stolen) from src in a free slot, once
 * there is one, running the engine meanwhile.  -1 when no more is asked
 * for (the run stopped, or --limit was reached).
 */
static int
take_id(struct lister *L, char *id, struct src *src, const char *where)
{
	int rc = 1;

	while (more(L) && !room(L) && rc == 1) {
		L->waiting = 1;
		rc = tkt_http_run(L->http);
		L->waiting = 0;
	}
	if (!more(L) || !room(L)) {
		free(id);
		return -1;
	}
	for (int k = 0; k < L->nslots; k++) {
		struct slot *s = &L->slots[(L->head + k) % L->nslots];

		if (s->used)
			continue;
		memset(&s->req, 0, sizeof(s->req));
		snprintf(s->where, sizeof(s->where), "%s", where);
		s->id = id;
		s->src = src;
		s->used = 1;
		s->done = 0;
		send_read(L, src, &s->req, TKT_GET, id_url(src, id), id_done, s);
		break;
	}
	return TKT_EXIT_OK;
}

/* The record loop's callback for "-": a bare id, or a record with its "id". */
static int
take_rec(struct tkt_rec *r, void *arg)
{
	struct lister *L = arg;
	struct src *src;
	char where[128];
	const char *id;

	snprintf(where, sizeof(where), "%s:%ju", r->name, r->lineno);
	if (r->bare) {
		if (!tkt_id_valid(r->line, r->len)) {
			char what[80];

			snprintf(what, sizeof(what), "not a ticket id: '%.*s'",
			    (int)(r->len > 40 ? 40 : r->len), r->line);
			return refuse(L, where, what);
		}
		if ((src = src_of(L, r, where)) == NULL)
			return TKT_EXIT_OK;
		return take_id(L, xstrndup(r->line, r->len), src, where);
	}
	id = tkt_rec_field(r, "id");
	if (id == NULL || !tkt_id_valid(id, strlen(id)))
		return refuse(L, where, "the record has no valid \"id\"");
	if ((src = src_of(L, r, where)) == NULL)
		return TKT_EXIT_OK;
	return take_id(L, xstrdup(id), src, where);
}

/* The operands in order: ids, and "-" for ids or records on stdin. */
static void
take_operands(struct lister *L)
{
	static char *dash[] = { "-" };

	for (int i = 0; i < L->o->noperands; i++) {
		const char *op = L->o->operands[i];

		if (strcmp(op, "-") == 0) {
			if (L->rd != NULL)
				continue;	/* stdin is read once */
			L->rd = tkt_loop_new(dash, 1, TKT_RD_TOP | TKT_RD_BAREID);
			tkt_loop_hint(L->rd, "ticket ids or records");
			if (tkt_loop_run(L->rd, take_rec, L) == -1)
				break;
		} else if (!tkt_id_valid(op, strlen(op))) {
			char what[300];

			snprintf(what, sizeof(what), "not a ticket id: '%s'", op);
			refuse(L, "", what);
		}
		else if (take_id(L, xstrdup(op), &L->srcs[0], "") == -1)
			break;
	}
}

/* Can this store list what was asked?  0, or -1 (reported). */
static int
check_store(struct lister *L, const struct src *S)
{
	struct tkt_list_opts *o = L->o;

	/* A marketplace that lists every state lists whatever is asked. */
	if (S->mk->caps & TKT_MC_LIST_ALL)
		return 0;
	if (o->all) {
		tkt_warnx("-A/--all needs API v3: Wish's v2 API lists only the "
		    "tickets awaiting your response (store '%s' uses v2)",
		    S->store->name);
		return -1;
	}
	for (size_t i = 0; o->noperands == 0 && i < o->states.n; i++)
		if (strcmp(o->states.v[i], "AWAITING_MERCHANT") != 0) {
			tkt_warnx("--state %s: API v2 lists only AWAITING_MERCHANT "
			    "tickets; other states need -A, which needs API v3 "
			    "(or name the tickets by id)%s%s%s", o->states.v[i],
			    L->nsrcs > 1 ? " (store '" : "",
			    L->nsrcs > 1 ? S->store->name : "",
			    L->nsrcs > 1 ? "' uses v2)" : "");
			return -1;
		}
	return 0;
}

static int
setup(struct lister *L)
{
	struct tkt_list_opts *o = L->o;
	struct tkt_error e;
	struct tkt_http_opts ho;
	struct tkt_store **stores = NULL;
	struct tkt_wishmap *map;
	int listing = o->noperands == 0;

	tkt_error_clear(&e);
	if (check_values(&o->states, tkt_states, 1, "--state") == -1 ||
	    check_values(&o->types, tkt_types, 0, "--type") == -1)
		return TKT_EXIT_USAGE;
	L->now = tkt_now();
	L->since = o->since;
	L->due_within = o->due_within;
	/* Nothing but a tag may go into the header --lang is sent in. */
	if (o->lang != NULL && tkt_lang_check("--lang", o->lang, 0) == -1)
		return TKT_EXIT_USAGE;
	if (tkt_config_load(L->cfg, &e) == -1 ||
	    tkt_config_stores(L->cfg, &o->stores, &stores, &L->nsrcs, &e) == -1) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	L->srcs = xcalloc(L->nsrcs, sizeof(*L->srcs));
	for (size_t i = 0; i < L->nsrcs; i++) {
		L->srcs[i].store = stores[i];
		if ((L->srcs[i].mk = tkt_market(stores[i])) == NULL) {
			tkt_warnx("store '%s': unknown API '%s'",
			    stores[i]->name, stores[i]->api);
			free(stores);
			return TKT_EXIT_USAGE;
		}
	}
	free(stores);
	if (L->nsrcs > 1)
		for (int i = 0; i < o->noperands; i++)
			if (strcmp(o->operands[i], "-") != 0) {
				tkt_warnx("ticket ids as operands need one store "
				    "(-s NAME), and %zu are chosen; records on "
				    "standard input (-) go to the store they name",
				    L->nsrcs);
				return TKT_EXIT_USAGE;
			}
	for (size_t i = 0; i < L->nsrcs; i++)
		if (check_store(L, &L->srcs[i]) == -1)
			return TKT_EXIT_USAGE;
	for (size_t i = 0; i < L->nsrcs; i++)
		if (tkt_store_token(L->srcs[i].store, &e) == -1) {
			tkt_error_print(&e);
			return TKT_EXIT_USAGE;
		} else
			tkt_oauth_warn(L->srcs[i].store);
	if ((map = tkt_wishmap_default(&e)) == NULL) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	for (size_t i = 0; i < L->nsrcs; i++) {
		L->srcs[i].nm.map = map;
		L->srcs[i].nm.store = L->srcs[i].store;
		L->srcs[i].nm.raw = o->raw;
	}
	memset(&ho, 0, sizeof(ho));
	ho.retries = -1;
	/*
	 * A listing asks for one page at a time; orders and tickets read
	 * again go -P at a time.
	 */
	ho.parallel = listing && !o->with_orders && o->lang == NULL ? 1 :
	    (o->parallel > 0 ? o->parallel : 4);
	if (o->verbose)
		ho.log = vlog;
	ho.tick = tick;
	ho.tickarg = L;
	if ((L->http = tkt_http_new(&ho, &e)) == NULL) {
		tkt_error_print(&e);
		return TKT_EXIT_USAGE;
	}
	if (o->save_files != NULL) {
		if ((L->files = tkt_files_new(o->save_files, o->verbose,
		    &e)) == NULL) {
			tkt_error_print(&e);
			return TKT_EXIT_USAGE;
		}
		tkt_thread_files_dir(o->save_files);
	}
	/* A person on a terminal reads the whole table: most urgent first. */
	L->sort = o->sort != TKT_SORT_AUTO ? o->sort : listing &&
	    isatty(STDOUT_FILENO) ? TKT_SORT_DUE : TKT_SORT_NONE;
	L->table = !o->thread && tkt_want_table(o->table);
	L->color = (L->table || o->thread) && tkt_want_color();
	if (L->table) {
		const char **names = xcalloc(L->nsrcs, sizeof(*names));

		for (size_t i = 0; i < L->nsrcs; i++)
			names[i] = L->srcs[i].store->name;
		tkt_table_init(&L->tab, o, names, L->nsrcs, L->color);
		free(names);
	}
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
	L.cfg = &cfg;
	tkt_rec_init(&L.env);
	tkt_rec_init(&L.view);
	tkt_rec_init(&L.oenv);
	tkt_rec_init(&L.orec);
	tkt_rec_init(&L.tview);
	tkt_rec_init(&L.krec);
	tkt_buf_init(&L.line);
	tkt_buf_init(&L.arr);
	tkt_buf_init(&L.out);
	tkt_buf_init(&L.reps);
	tkt_out_init();
	if ((rc = setup(&L)) != TKT_EXIT_OK) {
		free(L.srcs);
		tkt_config_free(&cfg);
		return rc;
	}
	if (o->noperands == 0) {
		start_listing(&L);
		tkt_http_run(L.http);
		tkt_http_req_free(&L.page);
		tkt_mreq_free(&L.nextreq);
		tkt_strset_free(&L.pages);
		tkt_strset_free(&L.ids);
		if (L.pager != NULL)
			L.pagers->pager_free(L.pager);
	} else {
		L.nslots = o->parallel > 0 ? o->parallel : 4;
		L.slots = xcalloc((size_t)L.nslots, sizeof(*L.slots));
		take_operands(&L);
		while (tkt_http_run(L.http) == 1)
			;
		for (int i = 0; i < L.nslots; i++) {
			tkt_http_req_free(&L.slots[i].req);
			free(L.slots[i].id);
		}
		free(L.slots);
		if (L.rd != NULL)
			L.status = tkt_exit_merge(L.status,
			    tkt_loop_status(L.rd));
		tkt_loop_free(L.rd);
		/* Remote failures with no success at all are a remote failure. */
		if (L.status == TKT_EXIT_REMOTE && L.succeeded > 0)
			L.status = TKT_EXIT_NO;
	}
	if (L.sort)
		print_sorted(&L);
	/* What a stopped run left waiting for its orders. */
	while (L.qhead != NULL) {
		struct pend *p = L.qhead;

		L.qhead = p->next;
		pend_free(p);
	}
	if (o->exists && L.printed == 0)
		L.status = tkt_exit_merge(L.status, TKT_EXIT_NO);
	if (tkt_sig_caught() && tkt_sig_caught() != SIGPIPE)
		tkt_warnx("interrupted by %s: %lld ticket%s printed, the rest "
		    "not asked for", tkt_sig_name(tkt_sig_caught()), L.printed,
		    L.printed == 1 ? "" : "s");
	tkt_http_free(L.http);
	tkt_files_free(L.files);
	tkt_buf_free(&L.freps);
	tkt_buf_free(&L.fline);
	tkt_rec_free(&L.env);
	tkt_rec_free(&L.view);
	tkt_rec_free(&L.oenv);
	tkt_rec_free(&L.orec);
	tkt_rec_free(&L.tview);
	tkt_rec_free(&L.krec);
	tkt_buf_free(&L.line);
	tkt_buf_free(&L.arr);
	tkt_buf_free(&L.out);
	tkt_buf_free(&L.reps);
	tkt_strs_free(&L.warned);
	free(L.srcs);
	tkt_config_free(&cfg);
	return L.status;
}
