/*
 * metrics.c: the numbers of tkt-metrics(1) from records, by the deadline
 * rule of deadline.c.  Durations are kept as int32 seconds, one array per group and
 * kind (4 bytes a sample), and percentiles are picked by selection in
 * place at the end, so they are exact nearest-rank values without sorting
 * and without a second copy: about 1,000,000 tickets fit in a few MB.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

struct dlist {
	int32_t	*v;
	size_t	 n, cap;
};

struct pct {
	size_t	 n;
	int32_t	 p50, p90, p99, max;
};

struct count {
	char		*name;
	uint64_t	 n;
};

struct counts {
	struct count	*v;
	size_t		 n;
};

struct mgroup {
	char		*key;		/* NULL: a null key */
	uint64_t	 tickets, due, late, overdue, due_within, rated, happy;
	struct counts	 states, types;
	struct dlist	 first, next, resol;
	struct pct	 pfirst, pnext, presol;
};

struct tkt_metrics {
	struct tkt_metrics_opts	 o;
	struct mgroup		*g;
	size_t			 ng, capg;
	uint32_t		*hash;		/* group index + 1, 0 empty */
	size_t			 hcap;
	struct tkt_reply_ev	*ev;
	time_t			*ans;
	size_t			 evcap;
	int			 finished;
};

static const char *by_names[] = {
	"none", "type", "locale", "sub_label", "store", "day", "week"
};

int
tkt_metrics_by_parse(const char *s, int *by)
{
	for (int i = 1; i < (int)(sizeof(by_names) / sizeof(by_names[0])); i++)
		if (strcmp(s, by_names[i]) == 0) {
			*by = i;
			return 0;
		}
	return -1;
}

const char *
tkt_metrics_by_name(int by)
{
	return by_names[by];
}

struct tkt_metrics *
tkt_metrics_new(const struct tkt_metrics_opts *o)
{
	struct tkt_metrics *m = xcalloc(1, sizeof(*m));

	m->o = *o;
	return m;
}

static void
counts_free(struct counts *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].name);
	free(c->v);
}

void
tkt_metrics_free(struct tkt_metrics *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->ng; i++) {
		struct mgroup *g = &m->g[i];

		free(g->key);
		counts_free(&g->states);
		counts_free(&g->types);
		free(g->first.v);
		free(g->next.v);
		free(g->resol.v);
	}
	free(m->g);
	free(m->hash);
	free(m->ev);
	free(m->ans);
	free(m);
}

static void
dlist_add(struct dlist *d, int64_t secs)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	if (secs > INT32_MAX)
		secs = INT32_MAX;
	if (secs < INT32_MIN)
		secs = INT32_MIN;
	d->v[d->n++] = (int32_t)secs;
}

static void
counts_add(struct counts *c, const char *name)
{
	/* A handful of states and types: a linear scan is the fast way. */
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].name[0] == name[0] && strcmp(c->v[i].name, name) == 0) {
			c->v[i].n++;
			return;
		}
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n].name = xstrdup(name);
	c->v[c->n].n = 1;
	c->n++;
}

static uint64_t
counts_get(const struct counts *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return c->v[i].n;
	return 0;
}

static uint32_t
hash_key(const char *k)
{
	uint32_t h = 2166136261u;

	if (k == NULL)
		return 0x9e3779b9u;
	for (; *k != '\0'; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

static int
key_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
hash_insert(struct tkt_metrics *m, size_t gi)
{
	size_t mask = m->hcap - 1, i = hash_key(m->g[gi].key) & mask;

	while (m->hash[i] != 0)
		i = (i + 1) & mask;
	m->hash[i] = (uint32_t)gi + 1;
}

static struct mgroup *
group_get(struct tkt_metrics *m, const char *key)
{
	size_t mask, i;

	if (m->hcap == 0) {
		m->hcap = 64;
		m->hash = xcalloc(m->hcap, sizeof(*m->hash));
	}
	mask = m->hcap - 1;
	for (i = hash_key(key) & mask; m->hash[i] != 0; i = (i + 1) & mask)
		if (key_eq(m->g[m->hash[i] - 1].key, key))
			return &m->g[m->hash[i] - 1];
	if (m->ng == m->capg) {
		m->capg = m->capg ? m->capg * 2 : 8;
		m->g = xreallocarray(m->g, m->capg, sizeof(*m->g));
	}
	memset(&m->g[m->ng], 0, sizeof(m->g[0]));
	m->g[m->ng].key = key ? xstrdup(key) : NULL;
	m->ng++;
	if (m->ng * 2 > m->hcap) {
		free(m->hash);
		m->hcap *= 2;
		m->hash = xcalloc(m->hcap, sizeof(*m->hash));
		for (size_t j = 0; j < m->ng; j++)
			hash_insert(m, j);
	} else
		hash_insert(m, m->ng - 1);
	return &m->g[m->ng - 1];
}

/* "2026-W48": the ISO 8601 week of a UTC time. */
static void
iso_week(time_t t, char out[16])
{
	int64_t days = (int64_t)t / 86400 - ((int64_t)t % 86400 < 0);
	int64_t wday = ((days + 3) % 7 + 7) % 7;	/* 0 is Monday */
	int64_t thu = days - wday + 3;
	char buf[21], jan1s[11];
	time_t jan1;

	tkt_time_format((time_t)(thu * 86400), buf);
	memcpy(jan1s, buf, 4);
	memcpy(jan1s + 4, "-01-01", 7);
	if (tkt_time_parse(jan1s, &jan1) == -1)
		jan1 = 0;
	snprintf(out, 16, "%.4s-W%02d", buf,
	    (int)((thu - (int64_t)jan1 / 86400) / 7 + 1));
}

/* The sla of a record: --sla, else its store's, else the config's. */
static int64_t
record_sla(const struct tkt_metrics *m, const char *store)
{
	const struct tkt_config *c = m->o.cfg;

	if (m->o.sla >= 0)
		return m->o.sla;
	if (c == NULL)
		return 48 * 3600;
	if (store != NULL)
		for (size_t i = 0; i < c->nstores; i++)
			if (strcmp(c->stores[i].name, store) == 0 &&
			    c->stores[i].sla >= 0)
				return c->stores[i].sla;
	return c->sla;
}

static int
bad(const struct tkt_rec *r, const char *id, struct tkt_error *err,
    const char *what)
{
	tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "%s%s%s%s", id ? "ticket " : "",
	    id ? id : "", id ? ": " : "", what);
	tkt_error_where(err, "%s:%ju", r->name, r->lineno);
	return -1;
}

/* Top-level members read in one pass over the root object. */
struct fields {
	const struct tkt_jnode *id, *state, *type, *locale, *sub_label, *store;
	const struct tkt_jnode *opened, *updated, *closed, *replies, *csat;
};

/* Is the member n named k (a literal)? */
#define KEY_IS(r, n, k) ((n)->keylen == sizeof(k) - 1 && \
	memcmp((r)->strs + (n)->key, (k), sizeof(k) - 1) == 0)

/*
 * By length first, then a compare of known length (inlined by the
 * compiler): a record has a dozen members or more.  As a member occurs
 * twice, the last one counts.
 */
static void
read_fields(const struct tkt_rec *r, struct fields *f)
{
	memset(f, 0, sizeof(*f));
	for (uint32_t i = r->nodes[0].child; i != TKT_J_NONE;
	    i = r->nodes[i].next) {
		const struct tkt_jnode *c = &r->nodes[i];
		const char *k = r->strs + c->key;

		switch (c->keylen) {
		case 2:
			if (memcmp(k, "id", 2) == 0)
				f->id = c;
			break;
		case 4:
			if (memcmp(k, "type", 4) == 0)
				f->type = c;
			else if (memcmp(k, "csat", 4) == 0)
				f->csat = c;
			break;
		case 5:
			if (memcmp(k, "state", 5) == 0)
				f->state = c;
			else if (memcmp(k, "store", 5) == 0)
				f->store = c;
			break;
		case 6:
			if (memcmp(k, "locale", 6) == 0)
				f->locale = c;
			break;
		case 7:
			if (memcmp(k, "replies", 7) == 0)
				f->replies = c;
			break;
		case 9:
			if (memcmp(k, "opened_at", 9) == 0)
				f->opened = c;
			else if (memcmp(k, "closed_at", 9) == 0)
				f->closed = c;
			else if (memcmp(k, "sub_label", 9) == 0)
				f->sub_label = c;
			break;
		case 10:
			if (memcmp(k, "updated_at", 10) == 0)
				f->updated = c;
			break;
		}
	}
}

static const char *
jstr(const struct tkt_rec *r, const struct tkt_jnode *n)
{
	return n != NULL && n->type == TKT_J_STRING ? r->strs + n->str : NULL;
}

/* A time member, or -1 (missing, not a string, not a time). */
static time_t
jtime(const struct tkt_rec *r, const struct tkt_jnode *n)
{
	time_t t;

	if (n == NULL || n->type != TKT_J_STRING ||
	    tkt_time_parsen(r->strs + n->str, n->strlen, &t) == -1)
		return (time_t)-1;
	return t;
}

/*
 * Are n and o the same string?  Times repeat within a record (closed_at
 * is mostly updated_at, a reply's at opened_at or updated_at), and one
 * read is enough.
 */
static inline int
same_str(const struct tkt_rec *r, const struct tkt_jnode *n,
    const struct tkt_jnode *o)
{
	const char *a, *b;

	if (n == NULL || o == NULL || n->type != TKT_J_STRING ||
	    o->type != TKT_J_STRING || n->strlen != o->strlen)
		return 0;
	a = r->strs + n->str;
	b = r->strs + o->str;
	if (n->strlen == 20)		/* "2026-11-23T09:00:00Z" */
		return memcmp(a, b, 20) == 0;
	return memcmp(a, b, n->strlen) == 0;
}

int
tkt_metrics_add(struct tkt_metrics *m, const struct tkt_rec *r,
    struct tkt_error *err)
{
	struct fields f;
	const char *id, *state, *type, *key = NULL;
	time_t opened, updated, closed = (time_t)-1, now = m->o.now, ws, due;
	size_t n = 0, i;
	int awaiting, first = 1, csat = 0;
	int64_t sla;
	struct mgroup *g;
	char kbuf[32];

	read_fields(r, &f);
	id = jstr(r, f.id);
	if ((state = jstr(r, f.state)) == NULL)
		return bad(r, id, err, "state: missing or not a string");
	if ((opened = jtime(r, f.opened)) == (time_t)-1)
		return bad(r, id, err, "opened_at: missing or not a time");
	/*
	 * Only --since reads updated_at: a record exported from elsewhere
	 * often has none, and counts without it.  A value there that is not
	 * a time is a bad record all the same.
	 */
	if (f.updated == NULL || f.updated->type == TKT_J_NULL)
		updated = (time_t)-1;
	else if ((updated = jtime(r, f.updated)) == (time_t)-1)
		return bad(r, id, err, "updated_at: not a time");
	if (m->o.since != (time_t)-1) {
		if (updated == (time_t)-1)
			return bad(r, id, err, "updated_at: missing, and "
			    "--since selects on it");
		if (updated < m->o.since)
			return 0;
	}
	/* updated_at, as a string, is a time by now. */
	if (same_str(r, f.closed, f.updated))
		closed = updated;
	else if (f.closed != NULL && f.closed->type != TKT_J_NULL &&
	    (closed = jtime(r, f.closed)) == (time_t)-1)
		return bad(r, id, err, "closed_at: not a time");
	if (f.replies == NULL || f.replies->type != TKT_J_ARRAY)
		return bad(r, id, err, "replies: missing or not an array");
	if (f.csat != NULL && f.csat->type != TKT_J_NULL) {
		long long v;
		const char *es;

		if (f.csat->type != TKT_J_NUMBER ||
		    tkt_num_parse(r->strs + f.csat->str, 1, 5, &v, &es) == -1)
			return bad(r, id, err, "csat: not an integer from 1 to 5");
		csat = (int)v;
	}
	if (f.replies->nchild > m->evcap) {
		m->evcap = f.replies->nchild * 2;
		m->ev = xreallocarray(m->ev, m->evcap, sizeof(*m->ev));
		m->ans = xreallocarray(m->ans, m->evcap, sizeof(*m->ans));
	}
	for (uint32_t ri = f.replies->child; ri != TKT_J_NONE;
	    ri = r->nodes[ri].next, n++) {
		const struct tkt_jnode *c = &r->nodes[ri], *sn = NULL, *at = NULL;
		const char *sender;
		char what[64];

		/* The first sender and at, as tkt_rec_get finds them. */
		if (c->type == TKT_J_OBJECT)
			for (uint32_t j = c->child; j != TKT_J_NONE;
			    j = r->nodes[j].next) {
				const struct tkt_jnode *k = &r->nodes[j];

				if (sn == NULL && KEY_IS(r, k, "sender"))
					sn = k;
				else if (at == NULL && KEY_IS(r, k, "at"))
					at = k;
			}
		sender = jstr(r, sn);
		m->ev[n].at = same_str(r, at, f.opened) ? opened :
		    same_str(r, at, f.updated) ? updated : jtime(r, at);
		if (sender == NULL || m->ev[n].at == (time_t)-1) {
			snprintf(what, sizeof(what), "replies[%zu].%s: %s", n,
			    sender == NULL ? "sender" : "at",
			    sender == NULL ? "missing or not a string" :
			    "missing or not a time");
			return bad(r, id, err, what);
		}
		m->ev[n].sender = tkt_sender_kind(sender);
	}

	switch (m->o.by) {
	case TKT_BY_TYPE:
		key = jstr(r, f.type);
		break;
	case TKT_BY_LOCALE:
		key = jstr(r, f.locale);
		break;
	case TKT_BY_SUB_LABEL:
		key = jstr(r, f.sub_label);
		break;
	case TKT_BY_STORE:
		key = jstr(r, f.store);
		break;
	case TKT_BY_DAY:
		tkt_time_format(opened, kbuf);
		kbuf[10] = '\0';
		key = kbuf;
		break;
	case TKT_BY_WEEK:
		iso_week(opened, kbuf);
		key = kbuf;
		break;
	default:
		key = NULL;
		break;
	}
	g = group_get(m, key);

	sla = record_sla(m, jstr(r, f.store));
	awaiting = strcmp(state, "AWAITING_MERCHANT") == 0;
	tkt_answer_times(m->ev, n, m->ans);
	for (i = 0; i < n; i++) {
		int st;

		if (m->ev[i].sender != TKT_S_USER)
			continue;
		if (m->ans[i] != (time_t)-1)
			dlist_add(first ? &g->first : &g->next,
			    (int64_t)(m->ans[i] - m->ev[i].at));
		first = 0;
		st = tkt_message_status(m->ev[i].at, m->ans[i], awaiting, now, sla);
		g->due += st != TKT_MSG_PENDING;
		g->late += st == TKT_MSG_LATE;
	}
	ws = tkt_waiting_since(m->ev, n, awaiting);
	if ((due = tkt_due_at(ws, sla)) != (time_t)-1) {
		g->overdue += now > due;
		g->due_within += due <= now + (time_t)m->o.due_within;
	}
	/* A re-opened ticket keeps its old closed_at: only a closed state counts. */
	if (closed != (time_t)-1 && (strcmp(state, "CLOSED") == 0 ||
	    strcmp(state, "PERMANENTLY_CLOSED") == 0))
		dlist_add(&g->resol, (int64_t)(closed - opened));
	if (csat > 0) {
		g->rated++;
		g->happy += csat >= 4;
	}
	g->tickets++;
	counts_add(&g->states, state);
	type = jstr(r, f.type);
	counts_add(&g->types, type != NULL ? type : "UNKNOWN");
	return 0;
}

/* The k-th smallest of a[0..n) (0-based), moving a around (three-way quickselect). */
static int32_t
select_k(int32_t *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		int32_t x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi - 1], p;
		size_t lt = lo, i = lo, gt = hi;

		/* Median of three keeps sorted input linear. */
		p = x < y ? (y < z ? y : (x < z ? z : x)) :
		    (x < z ? x : (y < z ? z : y));
		while (i < gt) {
			int32_t v = a[i];

			if (v < p) {
				a[i++] = a[lt];
				a[lt++] = v;
			} else if (v > p) {
				a[i] = a[--gt];
				a[gt] = v;
			} else
				i++;
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return p;
	}
	return a[k];
}

/* Nearest rank: the value at position ceil(p/100 * n), counting from 1. */
static size_t
rank(size_t n, unsigned p)
{
	size_t r = (n * p + 99) / 100;

	return r == 0 ? 0 : r - 1;
}

static void
percentiles(struct dlist *d, struct pct *p)
{
	p->n = d->n;
	if (d->n == 0)
		return;
	/*
	 * After selecting rank k, everything from k on is >= a[k], so the
	 * next, higher rank is selected within that tail only.
	 */
	size_t k50 = rank(d->n, 50), k90 = rank(d->n, 90), k99 = rank(d->n, 99);

	p->p50 = select_k(d->v, d->n, k50);
	p->p90 = k90 == k50 ? p->p50 :
	    select_k(d->v + k50, d->n - k50, k90 - k50);
	p->p99 = k99 == k90 ? p->p90 :
	    select_k(d->v + k90, d->n - k90, k99 - k90);
	p->max = p->p99;
	for (size_t i = k99; i < d->n; i++)
		if (d->v[i] > p->max)
			p->max = d->v[i];
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static int
count_cmp(const void *a, const void *b)
{
	return strcmp(((const struct count *)a)->name,
	    ((const struct count *)b)->name);
}

/* Groups in key order, a null key last. */
static int
group_cmp(const void *a, const void *b)
{
	const char *x = ((const struct mgroup *)a)->key;
	const char *y = ((const struct mgroup *)b)->key;

	if (x == NULL || y == NULL)
		return (x == NULL) - (y == NULL);
	return strcmp(x, y);
}

void
tkt_metrics_finish(struct tkt_metrics *m)
{
	if (m->finished)
		return;
	m->finished = 1;
	/* No --by: one group even for empty input (tickets: 0). */
	if (m->o.by == TKT_BY_NONE && m->ng == 0)
		group_get(m, NULL);
	for (size_t i = 0; i < m->ng; i++) {
		struct mgroup *g = &m->g[i];

		percentiles(&g->first, &g->pfirst);
		percentiles(&g->next, &g->pnext);
		percentiles(&g->resol, &g->presol);
		if (g->states.n > 1)
			qsort(g->states.v, g->states.n, sizeof(g->states.v[0]),
			    count_cmp);
		if (g->types.n > 1)
			qsort(g->types.v, g->types.n, sizeof(g->types.v[0]),
			    count_cmp);
	}
	if (m->ng > 1)
		qsort(m->g, m->ng, sizeof(m->g[0]), group_cmp);
	free(m->hash);
	m->hash = NULL;
	m->hcap = 0;
}

size_t
tkt_metrics_ngroups(const struct tkt_metrics *m)
{
	return m->ng;
}

const char *
tkt_metrics_group(const struct tkt_metrics *m, size_t g)
{
	return m->g[g].key;
}

static int
late_rate(const struct mgroup *g, double *out)
{
	if (g->due == 0)
		return 0;
	*out = (double)g->late / (double)g->due;
	return 1;
}

static int
csat_share(const struct mgroup *g, double *out)
{
	if (g->rated == 0)
		return 0;
	*out = (double)g->happy / (double)g->rated;
	return 1;
}

/* late_rate: higher is worse; csat: lower is worse.  The bands come from config. */
static const char *
health_late(const struct tkt_metrics *m, const struct mgroup *g)
{
	double v, warn = 0.05, crit = 0.45;

	if (!late_rate(g, &v))
		return NULL;
	if (m->o.cfg != NULL) {
		warn = m->o.cfg->late_warning;
		crit = m->o.cfg->late_critical;
	}
	return v >= crit ? "critical" : v >= warn ? "warning" : "normal";
}

static const char *
health_csat(const struct tkt_metrics *m, const struct mgroup *g)
{
	double v, warn = 0.85, crit = 0.60;

	if (!csat_share(g, &v))
		return NULL;
	if (m->o.cfg != NULL) {
		warn = m->o.cfg->csat_warning;
		crit = m->o.cfg->csat_critical;
	}
	return v < crit ? "critical" : v < warn ? "warning" : "normal";
}

static const struct pct *
pct_of(const struct mgroup *g, const char *name, size_t len)
{
	if (len == 16 && memcmp(name, "first_response_s", len) == 0)
		return &g->pfirst;
	if (len == 15 && memcmp(name, "next_response_s", len) == 0)
		return &g->pnext;
	if (len == 12 && memcmp(name, "resolution_s", len) == 0)
		return &g->presol;
	return NULL;
}

/* The lookup behind both --fail-if and its check of key names (g NULL). */
static int
value_of(const struct mgroup *g, const char *key, double *out)
{
	static const struct mgroup zero;
	const char *dot = strchr(key, '.');
	double v = 0;
	int have = 1;

	if (g == NULL)
		g = &zero;
	if (dot != NULL) {
		const struct pct *p = pct_of(g, key, (size_t)(dot - key));
		const char *sub = dot + 1;

		if (strncmp(key, "by_state.", 9) == 0 && *sub != '\0')
			v = (double)counts_get(&g->states, sub);
		else if (strncmp(key, "by_type.", 8) == 0 && *sub != '\0')
			v = (double)counts_get(&g->types, sub);
		else if (p == NULL)
			return -1;
		else if (strcmp(sub, "n") == 0)
			v = (double)p->n;
		else if (strcmp(sub, "p50") == 0)
			have = p->n > 0, v = p->p50;
		else if (strcmp(sub, "p90") == 0)
			have = p->n > 0, v = p->p90;
		else if (strcmp(sub, "p99") == 0)
			have = p->n > 0, v = p->p99;
		else if (strcmp(sub, "max") == 0)
			have = p->n > 0, v = p->max;
		else
			return -1;
	} else if (strcmp(key, "tickets") == 0)
		v = (double)g->tickets;
	else if (strcmp(key, "messages_due") == 0)
		v = (double)g->due;
	else if (strcmp(key, "messages_late") == 0)
		v = (double)g->late;
	else if (strcmp(key, "late_rate") == 0)
		have = late_rate(g, &v);
	else if (strcmp(key, "overdue") == 0)
		v = (double)g->overdue;
	else if (strcmp(key, "due_within") == 0)
		v = (double)g->due_within;
	else if (strcmp(key, "csat") == 0)
		have = csat_share(g, &v);
	else if (strcmp(key, "rated") == 0)
		v = (double)g->rated;
	else
		return -1;
	if (have)
		*out = v;
	return have;
}

int
tkt_metrics_value(const struct tkt_metrics *m, size_t g, const char *key,
    double *out)
{
	if (strcmp(key, "due_within_s") == 0) {
		*out = (double)m->o.due_within;
		return 1;
	}
	return value_of(&m->g[g], key, out);
}

static void
jw_pct(struct tkt_jw *w, const char *key, const struct pct *p)
{
	tkt_jw_key(w, key);
	tkt_jw_obj(w);
	tkt_jw_key(w, "n");
	tkt_jw_int(w, (long long)p->n);
	if (p->n == 0) {
		tkt_jw_key(w, "p50");
		tkt_jw_null(w);
		tkt_jw_key(w, "p90");
		tkt_jw_null(w);
		tkt_jw_key(w, "p99");
		tkt_jw_null(w);
		tkt_jw_key(w, "max");
		tkt_jw_null(w);
	} else {
		tkt_jw_key(w, "p50");
		tkt_jw_int(w, p->p50);
		tkt_jw_key(w, "p90");
		tkt_jw_int(w, p->p90);
		tkt_jw_key(w, "p99");
		tkt_jw_int(w, p->p99);
		tkt_jw_key(w, "max");
		tkt_jw_int(w, p->max);
	}
	tkt_jw_obj_end(w);
}

static void
jw_counts(struct tkt_jw *w, const char *key, const struct counts *c)
{
	tkt_jw_key(w, key);
	tkt_jw_obj(w);
	for (size_t i = 0; i < c->n; i++) {
		tkt_jw_key(w, c->v[i].name);
		tkt_jw_int(w, (long long)c->v[i].n);
	}
	tkt_jw_obj_end(w);
}

static void
jw_rate(struct tkt_jw *w, const char *key, int have, double v)
{
	tkt_jw_key(w, key);
	if (have)
		tkt_jw_double(w, v);
	else
		tkt_jw_null(w);
}

void
tkt_metrics_json(const struct tkt_metrics *m, size_t gi, struct tkt_buf *b)
{
	const struct mgroup *g = &m->g[gi];
	struct tkt_jw w;
	double v = 0;
	int have;

	tkt_jw_init(&w, b);
	tkt_jw_obj(&w);
	if (m->o.by != TKT_BY_NONE) {
		tkt_jw_key(&w, "group");
		tkt_jw_str(&w, g->key);
	}
	tkt_jw_key(&w, "tickets");
	tkt_jw_int(&w, (long long)g->tickets);
	jw_counts(&w, "by_state", &g->states);
	jw_counts(&w, "by_type", &g->types);
	tkt_jw_key(&w, "messages_due");
	tkt_jw_int(&w, (long long)g->due);
	tkt_jw_key(&w, "messages_late");
	tkt_jw_int(&w, (long long)g->late);
	have = late_rate(g, &v);
	jw_rate(&w, "late_rate", have, v);
	jw_pct(&w, "first_response_s", &g->pfirst);
	jw_pct(&w, "next_response_s", &g->pnext);
	jw_pct(&w, "resolution_s", &g->presol);
	tkt_jw_key(&w, "overdue");
	tkt_jw_int(&w, (long long)g->overdue);
	tkt_jw_key(&w, "due_within");
	tkt_jw_int(&w, (long long)g->due_within);
	tkt_jw_key(&w, "due_within_s");
	tkt_jw_int(&w, (long long)m->o.due_within);
	have = csat_share(g, &v);
	jw_rate(&w, "csat", have, v);
	tkt_jw_key(&w, "rated");
	tkt_jw_int(&w, (long long)g->rated);
	tkt_jw_key(&w, "health");
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "late_rate");
	tkt_jw_str(&w, health_late(m, g));
	tkt_jw_key(&w, "csat");
	tkt_jw_str(&w, health_csat(m, g));
	tkt_jw_obj_end(&w);
	tkt_jw_obj_end(&w);
	tkt_buf_addc(b, '\n');
}

/* Table. */

static const char *
paint(const struct tkt_metrics *m, const char *health)
{
	if (!m->o.color || health == NULL)
		return "";
	if (strcmp(health, "critical") == 0)
		return "\033[31m";
	if (strcmp(health, "warning") == 0)
		return "\033[33m";
	return "";
}

static const char *
unpaint(const struct tkt_metrics *m, const char *health)
{
	return *paint(m, health) != '\0' ? "\033[0m" : "";
}

static char *
fmt_pct(int have, double v, char *buf, size_t len)
{
	if (!have)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", v * 100);
	return buf;
}

static char *
fmt_dur(const struct pct *p, int32_t v, char *buf, size_t len)
{
	if (p->n == 0)
		snprintf(buf, len, "-");
	else
		tkt_duration_human(v, buf, len);
	return buf;
}

static void
table_pct(struct tkt_buf *b, const char *label, const struct pct *p)
{
	char a[32], c[32], d[32], e[32];

	if (p->n == 0) {
		tkt_buf_printf(b, "%-16s n 0\n", label);
		return;
	}
	tkt_buf_printf(b, "%-16s n %zu  p50 %s  p90 %s  p99 %s  max %s\n", label,
	    p->n, fmt_dur(p, p->p50, a, sizeof(a)),
	    fmt_dur(p, p->p90, c, sizeof(c)), fmt_dur(p, p->p99, d, sizeof(d)),
	    fmt_dur(p, p->max, e, sizeof(e)));
}

static void
table_counts(struct tkt_buf *b, const char *label, const struct counts *c)
{
	tkt_buf_printf(b, "%-16s", label);
	for (size_t i = 0; i < c->n; i++) {
		/* A value as the records gave it: escaped for a person. */
		tkt_buf_adds(b, i ? "  " : " ");
		tkt_esc_buf(b, c->v[i].name, strlen(c->v[i].name), 0);
		tkt_buf_printf(b, " %ju", (uintmax_t)c->v[i].n);
	}
	tkt_buf_addc(b, '\n');
}

static void
table_one(const struct tkt_metrics *m, const struct mgroup *g,
    struct tkt_buf *b)
{
	char p[32], d[32];
	double v = 0;
	const char *h;
	int have;

	tkt_buf_printf(b, "%-16s %ju\n", "tickets", (uintmax_t)g->tickets);
	table_counts(b, "by state", &g->states);
	table_counts(b, "by type", &g->types);
	have = late_rate(g, &v);
	h = health_late(m, g);
	tkt_buf_printf(b, "%-16s %s%s%s  (%ju late of %ju due)%s%s\n",
	    "late rate", paint(m, h), fmt_pct(have, v, p, sizeof(p)),
	    unpaint(m, h), (uintmax_t)g->late, (uintmax_t)g->due,
	    h ? "  " : "", h ? h : "");
	table_pct(b, "first response", &g->pfirst);
	table_pct(b, "next response", &g->pnext);
	table_pct(b, "resolution", &g->presol);
	tkt_buf_printf(b, "%-16s %ju\n", "overdue", (uintmax_t)g->overdue);
	tkt_duration_human(m->o.due_within, d, sizeof(d));
	tkt_buf_printf(b, "due within %-5s %ju\n", d, (uintmax_t)g->due_within);
	have = csat_share(g, &v);
	h = health_csat(m, g);
	tkt_buf_printf(b, "%-16s %s%s%s  (%ju rated)%s%s\n", "csat", paint(m, h),
	    fmt_pct(have, v, p, sizeof(p)), unpaint(m, h), (uintmax_t)g->rated,
	    h ? "  " : "", h ? h : "");
}

/*
 * Left blocks in UTF-8, by eighths: U+258F (one eighth, "\u258F") to
 * U+2589 (seven eighths); U+2588 is the full block.
 */
#define FULL_BLOCK	"\xe2\x96\x88"
static const char *eighths[8] = {
	"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
	"\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"
};

/*
 * A bar of late/due of w columns (all of them is 100%), rounded to the
 * nearest eighth of a column in block characters, else the nearest column
 * of '#'; never empty when a message is late.  Returns the columns used.
 */
static int
bar(struct tkt_buf *b, uint64_t late, uint64_t due, int w, int utf8)
{
	uint64_t units = (uint64_t)w * (utf8 ? 8 : 1), e;
	int cols = 0;

	if (due == 0 || late == 0)
		return 0;
	e = (2 * late * units + due) / (2 * due);
	if (e == 0)
		e = 1;
	if (e > units)
		e = units;
	if (!utf8) {
		for (; cols < (int)e; cols++)
			tkt_buf_addc(b, '#');
		return cols;
	}
	for (; cols < (int)(e / 8); cols++)
		tkt_buf_adds(b, FULL_BLOCK);
	if (e % 8 != 0) {
		tkt_buf_adds(b, eighths[e % 8]);
		cols++;
	}
	return cols;
}

/*
 * --by day or week: the late rate of each group as a bar, scaled to the
 * width (a full bar is 100%), after the table.  The health band paints
 * the bar as it paints LATE%; without colour it is a word after the bars.
 */
static void
table_bars(const struct tkt_metrics *m, struct tkt_buf *b)
{
	const char *head = m->o.by == TKT_BY_DAY ? "DAY" : "WEEK";
	int lw = (int)strlen(head), w = m->o.width > 0 ? m->o.width : 80, bw;

	for (size_t i = 0; i < m->ng; i++) {
		int n = m->g[i].key ? (int)strlen(m->g[i].key) : 6;

		lw = n > lw ? n : lw;
	}
	/* Label, LATE%, and room for "  critical" in colour or not. */
	bw = w - (lw + 1 + 6 + 2) - (2 + 8);
	if (bw < 10)
		bw = 10;
	tkt_buf_printf(b, "\n%-*s %6s  0%%%*s\n", lw, head, "LATE%", bw - 2,
	    "100%");
	for (size_t i = 0; i < m->ng; i++) {
		const struct mgroup *g = &m->g[i];
		const char *h = health_late(m, g);
		char lr[32];
		double v = 0;
		int have = late_rate(g, &v), cols;

		fmt_pct(have, v, lr, sizeof(lr));
		/* Made of opened_at, day and week keys are never null. */
		tkt_buf_printf(b, "%-*s %6s  ", lw, g->key ? g->key : "(none)",
		    lr);
		tkt_buf_adds(b, paint(m, h));
		cols = bar(b, g->late, g->due, bw, m->o.utf8);
		tkt_buf_adds(b, cols > 0 ? unpaint(m, h) : "");
		if (!m->o.color && h != NULL)
			tkt_buf_printf(b, "%*s  %s", bw - cols, "", h);
		else if (cols == 0) {
			/* No trailing blanks: the row ends at LATE%. */
			while (b->len > 0 && b->s[b->len - 1] == ' ')
				b->s[--b->len] = '\0';
		}
		tkt_buf_addc(b, '\n');
	}
}

void
tkt_metrics_table(const struct tkt_metrics *m, struct tkt_buf *b)
{
	struct tkt_buf key;
	char d[32];

	if (m->o.by == TKT_BY_NONE) {
		table_one(m, &m->g[0], b);
		return;
	}
	tkt_buf_init(&key);
	tkt_duration_human(m->o.due_within, d, sizeof(d));
	tkt_buf_printf(b, "%-20s %7s %6s %5s %6s %7s %7s %7s %7s %6s %6s\n",
	    "GROUP", "TICKETS", "DUE", "LATE", "LATE%", "1ST p50", "1ST p90",
	    "OVERDUE", "DUE<", "CSAT", "RATED");
	for (size_t i = 0; i < m->ng; i++) {
		const struct mgroup *g = &m->g[i];
		char lr[32], cs[32], a[32], c[32], due[32];
		const char *hl = health_late(m, g), *hc = health_csat(m, g);
		double v = 0;
		int have = late_rate(g, &v);

		fmt_pct(have, v, lr, sizeof(lr));
		have = csat_share(g, &v);
		fmt_pct(have, v, cs, sizeof(cs));
		snprintf(due, sizeof(due), "%ju", (uintmax_t)g->due_within);
		/* A group's name is a value of the records: escaped. */
		tkt_buf_reset(&key);
		if (g->key != NULL)
			tkt_esc_buf(&key, g->key, strlen(g->key), 0);
		else
			tkt_buf_adds(&key, "(none)");
		tkt_buf_printf(b, "%-20s %7ju %6ju %5ju %s%6s%s %7s %7s %7ju %7s "
		    "%s%6s%s %6ju\n", key.s,
		    (uintmax_t)g->tickets, (uintmax_t)g->due, (uintmax_t)g->late,
		    paint(m, hl), lr, unpaint(m, hl),
		    fmt_dur(&g->pfirst, g->pfirst.p50, a, sizeof(a)),
		    fmt_dur(&g->pfirst, g->pfirst.p90, c, sizeof(c)),
		    (uintmax_t)g->overdue, due, paint(m, hc), cs, unpaint(m, hc),
		    (uintmax_t)g->rated);
	}
	tkt_buf_printf(b, "(DUE<: due within %s; day and week are of opened_at, UTC)\n",
	    d);
	if (m->o.by == TKT_BY_DAY || m->o.by == TKT_BY_WEEK)
		table_bars(m, b);
	tkt_buf_free(&key);
}

/* --fail-if */

enum { OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE };

static const char *op_text[] = { ">", ">=", "<", "<=", "==", "!=" };

/* Is key a number of seconds (durations allowed)? */
static int
key_seconds(const char *key)
{
	const char *dot = strchr(key, '.');

	if (strcmp(key, "due_within_s") == 0)
		return 1;
	return dot != NULL && dot - key > 2 && memcmp(dot - 2, "_s", 2) == 0 &&
	    strcmp(dot + 1, "n") != 0;
}

/* Is key a share, from 0 to 1 (a percentage)? */
static int
key_share(const char *key)
{
	return strcmp(key, "late_rate") == 0 || strcmp(key, "csat") == 0;
}

static int
fail_item(struct tkt_failif *f, const char *item, size_t len,
    struct tkt_error *err)
{
	char *text = xstrndup(item, len), *p = text, *q, *key, *end;
	int op, unit = TKT_FU_NUMBER;
	double v, dummy;
	int64_t secs;

	while (*p == ' ' || *p == '\t')
		p++;
	q = p + strlen(p);
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		*--q = '\0';
	if (*p == '\0') {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--fail-if: empty comparison (want KEY OP VALUE, e.g. late_rate>5%%)");
		free(text);
		return -1;
	}
	q = p;
	while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
	    (*q >= '0' && *q <= '9') || *q == '_' || *q == '.' || *q == '-')
		q++;
	key = xstrndup(p, (size_t)(q - p));
	while (*q == ' ')
		q++;
	if (q[0] == '>' && q[1] == '=')
		op = OP_GE;
	else if (q[0] == '<' && q[1] == '=')
		op = OP_LE;
	else if (q[0] == '=' && q[1] == '=')
		op = OP_EQ;
	else if (q[0] == '!' && q[1] == '=')
		op = OP_NE;
	else if (q[0] == '>')
		op = OP_GT;
	else if (q[0] == '<')
		op = OP_LT;
	else {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--fail-if: '%s': %s (want one of > >= < <= == != after the key)",
		    p, *key == '\0' ? "no key before the comparison" :
		    "no comparison operator");
		goto fail;
	}
	if (*key == '\0') {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--fail-if: '%s': no key before '%s'", p, op_text[op]);
		goto fail;
	}
	if (strcmp(key, "group") == 0 || strncmp(key, "health", 6) == 0) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--fail-if: '%s': %s is a word, not a number (compare late_rate or csat)",
		    p, key);
		goto fail;
	}
	if (strcmp(key, "due_within_s") != 0 && value_of(NULL, key, &dummy) == -1) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--fail-if: '%s': unknown key '%s' (e.g. late_rate, overdue, "
		    "csat, first_response_s.p90, by_state.AWAITING_MERCHANT)", p, key);
		goto fail;
	}
	q += strlen(op_text[op]);
	while (*q == ' ')
		q++;
	v = strtod(q, &end);
	if (end != q && *end == '%' && end[1] == '\0' && isfinite(v)) {
		v /= 100;
		unit = TKT_FU_PERCENT;
		if (key_share(key) && v > 1) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "--fail-if: '%s': %s is a share, never above 100%%",
			    p, key);
			goto fail;
		}
	} else if (end != q && *end == '\0' && isfinite(v) && key_share(key) &&
	    v > 1) {
		/* "late_rate>5" can never hold: 5% was meant. */
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--fail-if: '%s': %s is a share from 0 to 1, never above "
		    "1: %s%%?", p, key, q);
		goto fail;
	} else if (end != q && *end == '\0' && isfinite(v) &&
	    (*q == '-' || *q == '.' || (*q >= '0' && *q <= '9')))
		;
	else if (key_seconds(key) && tkt_duration_parse(q, &secs) == 0) {
		v = (double)secs;
		unit = TKT_FU_DURATION;
	} else {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--fail-if: '%s': '%s' is not a number%s", p, q,
		    key_seconds(key) ? ", a percentage or a duration" :
		    " or a percentage");
		goto fail;
	}
	f->c = xreallocarray(f->c, f->n + 1, sizeof(*f->c));
	f->c[f->n].text = xstrdup(p);
	f->c[f->n].key = key;
	f->c[f->n].op = op;
	f->c[f->n].value = v;
	f->c[f->n].unit = unit;
	f->n++;
	free(text);
	return 0;
fail:
	free(key);
	free(text);
	return -1;
}

int
tkt_failif_parse(struct tkt_failif *f, const char *s, struct tkt_error *err)
{
	for (;;) {
		size_t len = strcspn(s, ",");

		if (fail_item(f, s, len, err) == -1)
			return -1;
		if (s[len] == '\0')
			return 0;
		s += len + 1;
	}
}

void
tkt_failif_free(struct tkt_failif *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->c[i].text);
		free(f->c[i].key);
	}
	free(f->c);
	f->c = NULL;
	f->n = 0;
}

int
tkt_failif_true(const struct tkt_failif *f, size_t i,
    const struct tkt_metrics *m, size_t g, double *value)
{
	const struct tkt_fcond *c = &f->c[i];
	double v;

	if (tkt_metrics_value(m, g, c->key, &v) != 1)
		return 0;
	*value = v;
	switch (c->op) {
	case OP_GT:
		return v > c->value;
	case OP_GE:
		return v >= c->value;
	case OP_LT:
		return v < c->value;
	case OP_LE:
		return v <= c->value;
	case OP_EQ:
		return v == c->value;
	default:
		return v != c->value;
	}
}

/* "45s", "3h5m", "1d23h": every unit that is not zero, from days down. */
static void
dur_compact(int64_t s, char *buf, size_t len)
{
	static const struct { char c; int64_t n; } u[] = {
		{ 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 }
	};
	size_t o = 0;
	uint64_t a;

	buf[0] = '\0';
	if (s < 0 && o + 1 < len)
		buf[o++] = '-';
	/* Unsigned: the magnitude of INT64_MIN fits. */
	a = s < 0 ? (uint64_t)-(s + 1) + 1 : (uint64_t)s;
	if (a == 0)
		snprintf(buf + o, len - o, "0s");
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]) && a > 0; i++) {
		uint64_t k = a / (uint64_t)u[i].n;
		int w;

		if (k == 0)
			continue;
		a -= k * (uint64_t)u[i].n;
		w = snprintf(buf + o, len - o, "%ju%c", (uintmax_t)k, u[i].c);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
}

/* v (a share) as a percentage with dec decimals, trailing zeros dropped. */
static void
pct_text(double v, int dec, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%.*f", dec, v * 100);
	n = strlen(buf);
	if (strchr(buf, '.') != NULL) {
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '.')
			buf[--n] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, len, "0");
	snprintf(buf + strlen(buf), len - strlen(buf), "%%");
}

char *
tkt_failif_format(const struct tkt_failif *f, size_t i, double v, char *buf,
    size_t len)
{
	const struct tkt_fcond *c = &f->c[i];
	char t[64];

	switch (c->unit) {
	case TKT_FU_DURATION:
		if (isfinite(v) && fabs(v) < 9e18) {
			dur_compact((int64_t)llround(v), buf, len);
			break;
		}
		snprintf(buf, len, "%.10g", v);
		break;
	case TKT_FU_PERCENT:
		/*
		 * One decimal at most; more only where one would make a value
		 * that differs from the threshold read as it (5.04% > 5%).
		 */
		for (int dec = 1; dec <= 6; dec++) {
			pct_text(v, dec, buf, len);
			pct_text(c->value, dec, t, sizeof(t));
			if (v == c->value || strcmp(buf, t) != 0)
				break;
		}
		break;
	default:
		snprintf(buf, len, "%.10g", v);
		break;
	}
	return buf;
}

/* The driver: the only part of this file that prints. */

/*
 * What a record must give: the members read_fields reads, and of each
 * reply two; locale, sub_label and store only when they are read (--by,
 * an sla per store), so that the loop builds no more than is used.
 */
static void
want_fields(struct tkt_loop *rd, const struct tkt_metrics_opts *o)
{
	const char *w[16];
	size_t n = 0;
	int store = o->by == TKT_BY_STORE;

	if (o->sla < 0 && o->cfg != NULL)
		for (size_t i = 0; i < o->cfg->nstores; i++)
			store |= o->cfg->stores[i].sla >= 0;
	w[n++] = "id";
	w[n++] = "state";
	w[n++] = "type";
	if (o->by == TKT_BY_LOCALE)
		w[n++] = "locale";
	if (o->by == TKT_BY_SUB_LABEL)
		w[n++] = "sub_label";
	if (store)
		w[n++] = "store";
	w[n++] = "opened_at";
	w[n++] = "updated_at";
	w[n++] = "closed_at";
	w[n++] = "replies.sender";
	w[n++] = "replies.at";
	w[n++] = "csat";
	w[n] = NULL;
	tkt_loop_want(rd, w);
}

static int
add_one(struct tkt_rec *r, void *arg)
{
	struct tkt_error err;

	tkt_error_clear(&err);
	if (tkt_metrics_add(arg, r, &err) == 0)
		return TKT_EXIT_OK;
	tkt_error_print(&err);
	return TKT_EXIT_NO;
}

int
tkt_metrics_run(const struct tkt_metrics_opts *o, char **paths, int npaths)
{
	struct tkt_loop *rd = tkt_loop_new(paths, npaths,
	    TKT_RD_TREE | TKT_RD_NOSPAN);
	struct tkt_metrics *m = tkt_metrics_new(o);
	struct tkt_buf b;
	int status;

	want_fields(rd, o);
	tkt_loop_hint(rd, "records (JSON lines, e.g. from tkt-list -A)");
	status = tkt_loop_run(rd, add_one, m);
	tkt_loop_free(rd);
	if (tkt_sig_caught()) {
		/* Counts of part of the input would read as the whole. */
		tkt_warnx("interrupted by %s: nothing printed (the numbers "
		    "would be of part of the input)", tkt_sig_name(tkt_sig_caught()));
		tkt_metrics_free(m);
		return status;
	}
	tkt_metrics_finish(m);

	tkt_buf_init(&b);
	if (o->table)
		tkt_metrics_table(m, &b);
	else
		for (size_t g = 0; g < m->ng; g++)
			tkt_metrics_json(m, g, &b);
	if (b.len > 0 && tkt_out_line(b.s, b.len) == -1)
		status = TKT_EXIT_NO;
	tkt_buf_free(&b);

	for (size_t i = 0; o->fail != NULL && i < o->fail->n; i++)
		for (size_t g = 0; g < m->ng; g++) {
			double v = 0;
			char vt[64];

			if (!tkt_failif_true(o->fail, i, m, g, &v))
				continue;
			/* The value in the unit the threshold was written in. */
			tkt_failif_format(o->fail, i, v, vt, sizeof(vt));
			if (m->o.by != TKT_BY_NONE)
				tkt_warnx("--fail-if: %s holds for %s %s (%s is %s)",
				    o->fail->c[i].text, by_names[m->o.by],
				    m->g[g].key ? m->g[g].key : "null",
				    o->fail->c[i].key, vt);
			else
				tkt_warnx("--fail-if: %s holds (%s is %s)",
				    o->fail->c[i].text, o->fail->c[i].key, vt);
			status = tkt_exit_merge(status, TKT_EXIT_NO);
		}
	tkt_metrics_free(m);
	return status;
}
