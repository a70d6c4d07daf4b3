/*
 * record.c: the only reader and writer of JSON lines.  Each line is kept
 * as the bytes that came in; yajl validates it and reports token offsets,
 * from which a flat node tree with byte spans is built, so tools read
 * fields without building jansson objects and add fields by splicing.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "tkt.h"

#define MAX_DEPTH 512
#define READ_CHUNK (256 * 1024)

#define ALWAYS_INLINE	inline __attribute__((always_inline))
#define NOINLINE	__attribute__((noinline))

/*
 * What a tool asks for (tkt_loop_want): dotted paths as a tree of
 * segments, arrays transparent.  Index 0 is the root.
 */
struct wseg {
	char		*name;
	size_t		 len;
	int		 all;		/* a path ends here: everything below */
	uint32_t	 child, next;	/* first child, next sibling */
	uint32_t	 hnext;		/* next in its bucket */
	uint32_t	 parent;
	uint32_t	 noff;		/* the name's offset in names */
};

/* Children are found by a hash of (parent, length, first and last byte). */
#define WBUCKETS 256

/*
 * And, before that, in a table of their parent's in which no two of them
 * share a slot (a perfect hash, found when the list is given), so that a
 * key is one slot's compare.  A name is known by its length and two words
 * (key_words), all of it up to 16 bytes; a longer one is compared whole
 * when those match.  A parent whose children no table separates has
 * none, and an empty key is looked for in the buckets.
 */
struct wslot {
	uint64_t	 w1, w2;
	uint32_t	 len;		/* 0: empty */
	uint32_t	 state;		/* a member so named: W_ALL or its segment */
	uint32_t	 noff;		/* its name in names */
	const char	*name;
};

struct wtab {
	struct wslot	*slot;		/* NULL: the buckets only */
	uint64_t	 mul;
	unsigned	 shift;
};

struct want {
	struct wseg	*s;
	uint32_t	 n;
	uint32_t	 bucket[WBUCKETS];	/* 0: empty (the root is no child) */
	struct wtab	*tab;		/* per segment */
	uint32_t	 ntab;
	/*
	 * Every segment's name, each with its NUL: the start of a record's
	 * strs, so that a member found in the want tree points its key there
	 * and nothing is copied for it.
	 */
	char		*names;
	size_t		 nameslen;
};

static inline unsigned
whash(uint32_t parent, const unsigned char *k, size_t len)
{
	unsigned h = parent * 31u + (unsigned)len * 7u;

	if (len > 0)
		h += k[0] * 3u + k[len - 1];
	return h % WBUCKETS;
}

/*
 * A name (not empty) as two words that tell it from any other of its
 * length up to 16 bytes: its first and last 8 bytes, or 4, or its 3.
 */
static inline void
key_words(const unsigned char *k, size_t len, uint64_t *w1, uint64_t *w2)
{
	if (len >= 8) {
		memcpy(w1, k, 8);
		memcpy(w2, k + len - 8, 8);
	} else if (len >= 4) {
		uint32_t x, y;

		memcpy(&x, k, 4);
		memcpy(&y, k + len - 4, 4);
		*w1 = x;
		*w2 = y;
	} else {
		*w1 = k[0] | (uint64_t)k[len >> 1] << 8 | (uint64_t)k[len - 1] << 16;
		*w2 = 0;
	}
}

static inline size_t
wslot_of(const struct wtab *t, uint64_t w1, uint64_t w2, size_t len)
{
	return (size_t)(((w1 + w2 * 0x9e3779b97f4a7c15u + len) * t->mul) >>
	    t->shift);
}

#define W_ALL	UINT32_MAX		/* build everything below */
#define W_NONE	(UINT32_MAX - 1)	/* build nothing below */

/*
 * The parse of one line.  A value is kept (gets a node) as its depth,
 * the flags and its want state say: the root's members with TKT_RD_TOP
 * (a record can be spliced), the rest as TKT_RD_TREE and the want list
 * ask.  Nothing below a container that is not kept is kept, so inside
 * one (skip > 0) the callbacks only count levels (and, with spans,
 * follow the bytes): most of a record a tool does not read costs a few
 * instructions a token.
 */
struct pctx {
	int		 vkeep;		/* the next value is kept */
	int		 skip;		/* levels open from the outermost not kept */
	int		 depth;		/* containers open */
	uint32_t	 vstate;	/* the next value's want state */
	int		 topdepth;	/* kept to this depth anyway: 1 with TKT_RD_TOP */
	int		 tree;		/* TKT_RD_TREE */
	struct tkt_rec	*rec;
	const struct want *want;	/* NULL: everything */
	const struct wtab *tab;		/* want->tab */
	uint32_t	 key, keylen, kstart;	/* the pending member's key */
	int		 spans;		/* every node's span, not the root members' only */
	yajl_handle	 h;
	size_t		 prev_end;
	int		 notobject;
	int		 ntop;		/* top-level values on the line */
	size_t		 rootend;	/* just past the root object's '}' */
	uint32_t	 stack[MAX_DEPTH];	/* container node per depth */
	uint32_t	 last[MAX_DEPTH];	/* its last child */
	uint32_t	 wstate[MAX_DEPTH];	/* want state per depth */
	const struct wtab *ltab[MAX_DEPTH];	/* an object's table for its keys */
	unsigned char	 isarr[MAX_DEPTH];	/* the container is an array */
};

void
tkt_rec_init(struct tkt_rec *r)
{
	memset(r, 0, sizeof(*r));
}

void
tkt_rec_free(struct tkt_rec *r)
{
	free(r->nodes);
	free(r->strs);
	free(r->own);
	tkt_rec_init(r);
}

void
tkt_rec_copy(struct tkt_rec *dst, const struct tkt_rec *src)
{
	tkt_rec_free(dst);
	*dst = *src;
	dst->own = xmalloc(src->len + 1);
	memcpy(dst->own, src->line, src->len);
	dst->own[src->len] = '\0';
	dst->line = dst->own;
	dst->capnodes = src->nnodes;
	dst->nodes = src->nnodes ? xreallocarray(NULL, src->nnodes,
	    sizeof(*src->nodes)) : NULL;
	if (src->nnodes)
		memcpy(dst->nodes, src->nodes, src->nnodes * sizeof(*src->nodes));
	dst->strscap = src->strslen;
	dst->strs = src->strslen ? xmalloc(src->strslen) : NULL;
	if (src->strslen)
		memcpy(dst->strs, src->strs, src->strslen);
}

/*
 * Copies and compares of a few bytes, inline: keys and the values a tool
 * reads are mostly shorter than 32 bytes.  Loads that overlap stay
 * within the n bytes.
 */
static ALWAYS_INLINE void
copy_short(char *d, const void *src, size_t n)
{
	const char *s = src;

	if (n > 32)
		memcpy(d, s, n);
	else if (n >= 16) {
		memcpy(d, s, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else if (n > 0) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

static ALWAYS_INLINE int
same_bytes(const char *a, const unsigned char *b, size_t n)
{
	uint64_t x, y, u, v;
	uint32_t p, q, s, t;

	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		return u == v;
	}
	if (n >= 4) {
		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&s, a + n - 4, 4);
		memcpy(&t, b + n - 4, 4);
		return ((p ^ q) | (s ^ t)) == 0;
	}
	if (n == 0)
		return 1;
	/* 1 to 3 bytes: these are all of them. */
	return a[0] == (char)b[0] && a[n >> 1] == (char)b[n >> 1] &&
	    a[n - 1] == (char)b[n - 1];
}

static NOINLINE void
str_grow(struct tkt_rec *r, size_t n)
{
	size_t cap = r->strscap ? r->strscap : 1024;

	while (r->strslen + n + 1 > cap)
		cap *= 2;
	r->strs = xrealloc(r->strs, cap);
	r->strscap = cap;
}

static ALWAYS_INLINE uint32_t
str_add(struct tkt_rec *r, const void *p, size_t n)
{
	uint32_t off;

	if (r->strslen + n + 1 > r->strscap)
		str_grow(r, n);
	off = (uint32_t)r->strslen;
	copy_short(r->strs + off, p, n);
	r->strs[off + n] = '\0';
	r->strslen += n + 1;
	return off;
}

static size_t
skip_sep(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r' || s[i] == ':' || s[i] == ','))
		i++;
	return i;
}

/* Is a value at this depth with want state st kept? */
static ALWAYS_INLINE int
kept(const struct pctx *c, int depth, uint32_t st)
{
	return depth <= c->topdepth || (st != W_NONE && c->tree);
}

/* The segment for a member named key of a container in state st, or 0. */
static uint32_t
want_find(const struct want *w, uint32_t st, const unsigned char *key,
    size_t len)
{
	for (uint32_t i = w->bucket[whash(st, key, len)]; i != 0;
	    i = w->s[i].hnext) {
		const struct wseg *s = &w->s[i];

		if (s->parent == st && s->len == len &&
		    same_bytes(s->name, key, len))
			return i;
	}
	return 0;
}

static NOINLINE void
nodes_grow(struct tkt_rec *r)
{
	r->capnodes = r->capnodes ? r->capnodes * 2 : 64;
	r->nodes = xreallocarray(r->nodes, r->capnodes, sizeof(*r->nodes));
}

/* A node for a kept value at the current depth, in room there is. */
static ALWAYS_INLINE struct tkt_jnode *
node_put(struct pctx *c, uint32_t type, size_t start, size_t end)
{
	struct tkt_rec *r = c->rec;
	struct tkt_jnode *n;
	uint32_t i, p, l;
	int d = c->depth - 1;

	i = r->nnodes++;
	n = &r->nodes[i];
	n->type = type;
	n->next = n->child = TKT_J_NONE;
	n->nchild = 0;
	n->str = n->strlen = 0;
	n->start = (uint32_t)start;
	n->end = (uint32_t)end;
	if (d < 0) {
		n->parent = TKT_J_NONE;
		n->key = n->keylen = 0;
		n->kstart = (uint32_t)start;
		return n;
	}
	if (c->isarr[d]) {
		n->key = n->keylen = 0;
		n->kstart = (uint32_t)start;
	} else {
		n->key = c->key;
		n->keylen = c->keylen;
		n->kstart = c->kstart;
	}
	p = c->stack[d];
	n->parent = p;
	if ((l = c->last[d]) == TKT_J_NONE)
		r->nodes[p].child = i;
	else
		r->nodes[l].next = i;
	c->last[d] = i;
	r->nodes[p].nchild++;
	return n;
}

static ALWAYS_INLINE struct tkt_jnode *
add_node(struct pctx *c, uint32_t type, size_t start, size_t end)
{
	if (c->rec->nnodes == c->rec->capnodes)
		nodes_grow(c->rec);
	return node_put(c, type, start, end);
}

/*
 * Each kind of token has one general function (the _gen ones: any flags,
 * spans or not), and the callbacks come twice, as spans are wanted (sp_)
 * or not (ns_, TKT_RD_NOSPAN, a tool reading a few fields of every
 * record).  The sp_ ones call the general functions.  The ns_ ones decide
 * first what a token needs most often (nothing: it is not kept), keep
 * the common rest in a function that calls nothing, and leave anything
 * else (the root, a full node array, a long string) to the general ones.
 */

static NOINLINE int
scalar_gen(struct pctx *c, uint32_t type, const void *s, size_t len,
    int store, int spans)
{
	size_t start = 0, end = 0;
	struct tkt_jnode *n;

	if (!c->vkeep) {		/* never at depth 0 */
		if (spans)
			c->prev_end = yajl_get_bytes_consumed(c->h);
		return 1;
	}
	if (c->depth == 0) {
		c->notobject = 1;
		return 0;
	}
	if (spans) {
		end = yajl_get_bytes_consumed(c->h);
		start = skip_sep(c->rec->line, c->prev_end, end);
		c->prev_end = end;
	}
	n = add_node(c, type, start, end);
	if (store) {
		n->str = str_add(c->rec, s, len);
		n->strlen = (uint32_t)len;
	}
	return 1;
}

/* end: the key's end with spans, else 0. */
static NOINLINE int
key_gen(struct pctx *c, const unsigned char *s, size_t len, size_t end)
{
	uint32_t st, seg = 0;

	if (c->skip > 0) {
		if (end)
			c->prev_end = end;
		return 1;
	}
	st = c->wstate[c->depth - 1];
	if (st < W_NONE) {
		seg = want_find(c->want, st, s, len);
		st = seg == 0 ? W_NONE : c->want->s[seg].all ? W_ALL : seg;
	}
	c->vstate = st;
	if (!(c->vkeep = kept(c, c->depth, st))) {
		if (end)
			c->prev_end = end;
		return 1;
	}
	c->kstart = end ? (uint32_t)skip_sep(c->rec->line, c->prev_end, end) : 0;
	if (end)
		c->prev_end = end;
	/* A name from the want tree is at the start of strs already. */
	c->key = seg != 0 ? c->want->s[seg].noff : str_add(c->rec, s, len);
	c->keylen = (uint32_t)len;
	return 1;
}

/* The table ns_key looks a new container's keys up in, if any. */
static ALWAYS_INLINE const struct wtab *
level_tab(const struct pctx *c, uint32_t type)
{
	if (type != TKT_J_OBJECT || c->vstate >= W_NONE ||
	    c->tab[c->vstate].slot == NULL)
		return NULL;
	return &c->tab[c->vstate];
}

/* A kept container n opens at depth d. */
static ALWAYS_INLINE void
push(struct pctx *c, int d, const struct tkt_jnode *n, uint32_t type)
{
	c->stack[d] = (uint32_t)(n - c->rec->nodes);
	c->last[d] = TKT_J_NONE;
	c->wstate[d] = c->vstate;
	c->isarr[d] = type == TKT_J_ARRAY;
	c->ltab[d] = level_tab(c, type);
	c->depth = d + 1;
	/* An array's elements share its state; an object's members have keys. */
	if (type == TKT_J_ARRAY)
		c->vkeep = kept(c, d + 1, c->vstate);
}

/* end: the byte after the bracket with spans, else 1. */
static NOINLINE int
open_gen(struct pctx *c, uint32_t type, size_t end)
{
	int d = c->depth;

	if (c->skip > 0) {
		if (d >= MAX_DEPTH - 1)
			return 0;
		c->depth++;
		c->skip++;
		return 1;
	}
	if (d == 0 && (type != TKT_J_OBJECT || c->ntop++ > 0)) {
		c->notobject = 1;
		return 0;
	}
	if (d >= MAX_DEPTH - 1)
		return 0;
	if (!c->vkeep) {
		c->depth++;
		c->skip = 1;
		return 1;
	}
	push(c, d, add_node(c, type, end - 1, end), type);
	return 1;
}

static ALWAYS_INLINE int
close_(void *ctx, const int spans)
{
	struct pctx *c = ctx;
	int d = c->depth - 1;

	c->depth = d;
	if (d == 0)
		c->rootend = yajl_get_bytes_consumed(c->h);
	if (spans)
		c->prev_end = yajl_get_bytes_consumed(c->h);
	if (c->skip > 0) {
		/* The next element of an array, if any, is not kept either. */
		c->skip--;
		return 1;
	}
	if (spans)
		c->rec->nodes[c->stack[d]].end = (uint32_t)c->prev_end;
	/* A kept element: so is the next one (and at depth 0, the check). */
	c->vkeep = 1;
	if (d > 0 && c->isarr[d - 1])
		c->vstate = c->wstate[d - 1];
	return 1;
}

/* With spans. */

static int
sp_null(void *ctx)
{
	return scalar_gen(ctx, TKT_J_NULL, NULL, 0, 0, 1);
}

static int
sp_bool(void *ctx, int v)
{
	return scalar_gen(ctx, v ? TKT_J_TRUE : TKT_J_FALSE, NULL, 0, 0, 1);
}

static int
sp_number(void *ctx, const char *s, size_t len)
{
	return scalar_gen(ctx, TKT_J_NUMBER, s, len, 1, 1);
}

static int
sp_string(void *ctx, const unsigned char *s, size_t len)
{
	return scalar_gen(ctx, TKT_J_STRING, s, len, 1, 1);
}

static int
sp_key(void *ctx, const unsigned char *s, size_t len)
{
	struct pctx *c = ctx;

	return key_gen(c, s, len, yajl_get_bytes_consumed(c->h));
}

static int
sp_start_map(void *ctx)
{
	struct pctx *c = ctx;

	c->prev_end = yajl_get_bytes_consumed(c->h);
	return open_gen(c, TKT_J_OBJECT, c->prev_end);
}

static int
sp_start_array(void *ctx)
{
	struct pctx *c = ctx;

	c->prev_end = yajl_get_bytes_consumed(c->h);
	return open_gen(c, TKT_J_ARRAY, c->prev_end);
}

static int
sp_end(void *ctx)
{
	return close_(ctx, 1);
}

/* Without spans. */

/* A kept null, true or false. */
static NOINLINE int
ns_lit(struct pctx *c, uint32_t type)
{
	if (c->depth == 0 || c->rec->nnodes == c->rec->capnodes)
		return scalar_gen(c, type, NULL, 0, 0, 0);
	node_put(c, type, 0, 0);
	return 1;
}

/* A kept string or number. */
static NOINLINE int
ns_str(struct pctx *c, uint32_t type, const void *s, size_t len)
{
	struct tkt_rec *r = c->rec;
	struct tkt_jnode *n;
	uint32_t off;

	if (c->depth == 0 || r->nnodes == r->capnodes || len > 32 ||
	    r->strslen + len + 1 > r->strscap)
		return scalar_gen(c, type, s, len, 1, 0);
	n = node_put(c, type, 0, 0);
	off = (uint32_t)r->strslen;
	copy_short(r->strs + off, s, len);
	r->strs[off + len] = '\0';
	r->strslen += len + 1;
	n->str = off;
	n->strlen = (uint32_t)len;
	return 1;
}

static int
ns_null(void *ctx)
{
	struct pctx *c = ctx;

	return c->vkeep ? ns_lit(c, TKT_J_NULL) : 1;
}

static int
ns_bool(void *ctx, int v)
{
	struct pctx *c = ctx;

	return c->vkeep ? ns_lit(c, v ? TKT_J_TRUE : TKT_J_FALSE) : 1;
}

static int
ns_number(void *ctx, const char *s, size_t len)
{
	struct pctx *c = ctx;

	return c->vkeep ? ns_str(c, TKT_J_NUMBER, s, len) : 1;
}

static int
ns_string(void *ctx, const unsigned char *s, size_t len)
{
	struct pctx *c = ctx;

	return c->vkeep ? ns_str(c, TKT_J_STRING, s, len) : 1;
}

/*
 * A key: one slot of its parent's table says whether the member is
 * wanted, and if so where its name is.
 */
static int
ns_key(void *ctx, const unsigned char *s, size_t len)
{
	struct pctx *c = ctx;
	const struct wtab *t;
	const struct wslot *sl;
	uint64_t w1, w2;

	if (c->skip > 0)
		return 1;
	if ((t = c->ltab[c->depth - 1]) == NULL || len == 0)
		return key_gen(c, s, len, 0);
	key_words(s, len, &w1, &w2);
	sl = &t->slot[wslot_of(t, w1, w2, len)];
	if (sl->w1 != w1 || sl->w2 != w2 || sl->len != len ||
	    (len > 16 && !same_bytes(sl->name, s, len))) {
		if (c->depth <= c->topdepth)
			return key_gen(c, s, len, 0);
		c->vstate = W_NONE;
		c->vkeep = 0;
		return 1;
	}
	c->vstate = sl->state;
	if (!(c->vkeep = kept(c, c->depth, sl->state)))
		return 1;
	c->key = sl->noff;
	c->keylen = (uint32_t)len;	/* kstart stays 0 without spans */
	return 1;
}

/* A kept container, not the root. */
static NOINLINE int
ns_open(struct pctx *c, uint32_t type)
{
	int d = c->depth;

	if (d == 0 || d >= MAX_DEPTH - 1 || c->rec->nnodes == c->rec->capnodes)
		return open_gen(c, type, 1);
	push(c, d, node_put(c, type, 0, 1), type);
	return 1;
}

static ALWAYS_INLINE int
ns_open_(void *ctx, uint32_t type)
{
	struct pctx *c = ctx;

	if (c->skip > 0 || !c->vkeep) {
		/* In a container not kept, or the first such (never the root). */
		if (c->depth >= MAX_DEPTH - 1)
			return open_gen(c, type, 1);
		c->depth++;
		c->skip++;
		return 1;
	}
	return ns_open(c, type);
}

static int
ns_start_map(void *ctx)
{
	return ns_open_(ctx, TKT_J_OBJECT);
}

static int
ns_start_array(void *ctx)
{
	return ns_open_(ctx, TKT_J_ARRAY);
}

static int
ns_end(void *ctx)
{
	return close_(ctx, 0);
}

static const yajl_callbacks sp_cb = {
	sp_null, sp_bool, NULL, NULL, sp_number, sp_string,
	sp_start_map, sp_key, sp_end, sp_start_array, sp_end
};

static const yajl_callbacks ns_cb = {
	ns_null, ns_bool, NULL, NULL, ns_number, ns_string,
	ns_start_map, ns_key, ns_end, ns_start_array, ns_end
};

/* Only the shape of the first token matters when no tree is wanted. */
static int
first_is_object(const char *s, size_t n)
{
	size_t i = skip_sep(s, 0, n);

	return i < n && s[i] == '{';
}

static void
pctx_start(struct pctx *c, struct tkt_rec *r, int flags, const struct want *w)
{
	c->rec = r;
	c->depth = 0;
	c->skip = 0;
	c->vkeep = 1;			/* the root always is */
	c->vstate = w != NULL ? 0 : W_ALL;
	c->topdepth = (flags & TKT_RD_TOP) ? 1 : 0;
	c->tree = (flags & TKT_RD_TREE) != 0;
	c->spans = !(flags & TKT_RD_NOSPAN);
	c->prev_end = 0;
	c->want = w;
	c->tab = w != NULL ? w->tab : NULL;
	c->kstart = 0;
	c->notobject = 0;
	c->ntop = 0;
	c->rootend = 0;
	if (w != NULL) {
		/* After rec_start: strs is empty. */
		if (w->nameslen + 1 > r->strscap)
			str_grow(r, w->nameslen);
		memcpy(r->strs, w->names, w->nameslen);
		r->strslen = w->nameslen;
	}
}

static void
rec_start(struct tkt_rec *r, const char *line, size_t len, int flags)
{
	r->line = line;
	r->len = len;
	r->nnodes = 0;
	r->strslen = 0;
	r->tree = (flags & (TKT_RD_TREE | TKT_RD_TOP)) != 0;
}

/*
 * yajl's words for what is wrong, on one line.  A line that ends too soon
 * fails in yajl_complete_parse, whose count of bytes is of its own empty
 * buffer: the place is then the end of the line.
 */
static void
yajl_error(struct tkt_error *err, yajl_handle h, const char *line, size_t len,
    yajl_status parsed)
{
	unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)line, len);

	if (parsed == yajl_status_ok)
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "invalid JSON at "
		    "byte %zu, the end of the line: %s", len,
		    m ? (const char *)m : "parse error");
	else
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "invalid JSON at "
		    "byte %zu: %s", yajl_get_bytes_consumed(h) + 1,
		    m ? (const char *)m : "parse error");
	err->msg[strcspn(err->msg, "\n")] = '\0';
	if (m)
		yajl_free_error(h, m);
}

/* A parse that builds nothing follows only the nesting, for rootend. */
struct flat {
	yajl_handle	 h;
	int		 depth;
	size_t		 rootend;
};

static int
flat_open(void *ctx)
{
	((struct flat *)ctx)->depth++;
	return 1;
}

static int
flat_close(void *ctx)
{
	struct flat *f = ctx;

	if (--f->depth == 0)
		f->rootend = yajl_get_bytes_consumed(f->h);
	return 1;
}

static const yajl_callbacks flat_cb = {
	NULL, NULL, NULL, NULL, NULL, NULL,
	flat_open, NULL, flat_close, flat_open, flat_close
};

/* Validates a line without building anything; *rootend as pctx's. */
static int
parse_flat(const char *line, size_t len, size_t *rootend,
    struct tkt_error *err)
{
	struct flat f = { NULL, 0, 0 };
	yajl_status st, parsed;

	if (!first_is_object(line, len)) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "not a JSON object");
		return -1;
	}
	f.h = yajl_alloc(&flat_cb, NULL, &f);
	st = parsed = yajl_parse(f.h, (const unsigned char *)line, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(f.h);
	if (st != yajl_status_ok)
		yajl_error(err, f.h, line, len, parsed);
	yajl_free(f.h);
	*rootend = f.rootend;
	return st == yajl_status_ok ? 0 : -1;
}

/* A fresh handle for one line: what a failure says comes from here. */
static int
parse_fresh(struct pctx *c, const char *line, size_t len, struct tkt_error *err)
{
	yajl_status st, parsed;

	c->h = yajl_alloc(c->spans ? &sp_cb : &ns_cb, NULL, c);
	st = parsed = yajl_parse(c->h, (const unsigned char *)line, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(c->h);
	if (st != yajl_status_ok) {
		if (c->notobject)
			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "not a JSON object");
		else if (c->depth >= MAX_DEPTH - 1)
			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "nested deeper than %d levels", MAX_DEPTH - 2);
		else
			yajl_error(err, c->h, line, len, parsed);
	}
	yajl_free(c->h);
	c->h = NULL;
	if (st != yajl_status_ok) {
		c->rec->nnodes = 0;
		return -1;
	}
	if (c->rec->nnodes == 0) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "not a JSON object");
		return -1;
	}
	return 0;
}

/*
 * What yajl takes and JSON (RFC 8259) does not, nor jq: a vertical tab or
 * a form feed for whitespace; strings that are not UTF-8 (overlong forms,
 * surrogates, code points past U+10FFFF); and, after the object, a string
 * that is never closed (yajl sees a token cut short by the end of its
 * input, and waits for more).  A record passes through the tools byte for
 * byte, so such a line is refused rather than passed on in a form other
 * readers refuse (and a splice next to a vertical tab, which the spans do
 * not skip, would leave "{\v,").  In a line yajl took, either byte
 * stands between tokens (a string refuses control characters), and bytes
 * past 0x7f only in strings.  rootend is just past the object.
 */
static int
strict_text(struct tkt_rec *r, const char *line, size_t len, size_t rootend,
    struct tkt_error *err)
{
	const char *v = memchr(line, '\v', len), *f = memchr(line, '\f', len);
	const char *p = v != NULL && (f == NULL || v < f) ? v : f;
	size_t bad = tkt_utf8_check(line, len), tail = rootend;

	while (tail < len && strchr(" \t\r\n\v\f", line[tail]) != NULL &&
	    line[tail] != '\0')
		tail++;
	if (p == NULL && bad == (size_t)-1 && tail == len)
		return 0;
	if (p != NULL && (bad == (size_t)-1 || (size_t)(p - line) < bad))
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "invalid JSON at "
		    "byte %zu: %s between tokens (JSON whitespace is space, "
		    "tab, CR and LF)", (size_t)(p - line) + 1, *p == '\v' ?
		    "a vertical tab" : "a form feed");
	else if (bad != (size_t)-1)
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "invalid JSON at "
		    "byte %zu: a string that is not UTF-8", bad + 1);
	else
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "invalid JSON at "
		    "byte %zu: trailing garbage after the object", tail + 1);
	r->nnodes = 0;
	return -1;
}

int
tkt_rec_parse(struct tkt_rec *r, const char *line, size_t len, int flags,
    struct tkt_error *err)
{
	struct pctx c;
	size_t rootend = 0;
	int rc;

	rec_start(r, line, len, flags);
	if (!r->tree)
		rc = parse_flat(line, len, &rootend, err);
	else {
		pctx_start(&c, r, flags, NULL);
		rc = parse_fresh(&c, line, len, err);
		rootend = c.rootend;
	}
	return rc == 0 ? strict_text(r, line, len, rootend, err) : rc;
}

/*
 * A parser kept across the lines of a loop: one yajl handle taking one
 * value after another, so nothing is allocated per line.  A line it
 * refuses is parsed again with a fresh handle, which says what is wrong
 * in the words a lone parse would use, and the kept handle starts anew.
 */
struct parser {
	struct pctx	 c;
	yajl_handle	 h;
	int		 hspans;	/* h calls the sp_ callbacks, not ns_ */
	struct want	 want;
};

static int
parser_run(struct parser *p, struct tkt_rec *r, const char *line, size_t len,
    int flags, struct tkt_error *err)
{
	struct pctx *c = &p->c;
	const struct want *w = p->want.n > 0 ? &p->want : NULL;
	yajl_status st;
	size_t rootend;

	rec_start(r, line, len, flags);
	if (!r->tree)
		return parse_flat(line, len, &rootend, err) == 0 ?
		    strict_text(r, line, len, rootend, err) : -1;
	pctx_start(c, r, flags, w);
	if (p->h != NULL && p->hspans != c->spans) {
		yajl_free(p->h);
		p->h = NULL;
	}
	if (p->h == NULL) {
		p->h = yajl_alloc(c->spans ? &sp_cb : &ns_cb, NULL, c);
		yajl_config(p->h, yajl_allow_multiple_values, 1);
		p->hspans = c->spans;
	}
	c->h = p->h;
	st = yajl_parse(p->h, (const unsigned char *)line, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(p->h);
	if (st == yajl_status_ok && c->depth == 0 && c->ntop == 1) {
		if (strict_text(r, line, len, c->rootend, err) == 0)
			return 0;
		/* What yajl keeps of a string cut short must not run on. */
		yajl_free(p->h);
		p->h = NULL;
		return -1;
	}
	yajl_free(p->h);
	p->h = NULL;
	rec_start(r, line, len, flags);
	pctx_start(c, r, flags, w);
	return parse_fresh(c, line, len, err) == 0 ?
	    strict_text(r, line, len, c->rootend, err) : -1;
}

static void
want_free(struct want *w)
{
	for (uint32_t i = 0; i < w->n; i++)
		free(w->s[i].name);
	free(w->s);
	free(w->names);
	for (uint32_t i = 0; i < w->ntab; i++)
		free(w->tab[i].slot);
	free(w->tab);
	memset(w, 0, sizeof(*w));
}

/* A perfect table for segment at's children, if one is found. */
static void
want_table(struct want *w, uint32_t at)
{
	struct wtab *t = &w->tab[at];
	uint32_t k = 0, bits = 1;
	uint64_t seed = 0x2545f4914f6cdd1du;

	for (uint32_t i = w->s[at].child; i != 0; i = w->s[i].next)
		if (w->s[i].len >= 1)
			k++;
	if (k == 0)
		return;
	while ((1u << bits) < 2 * k)
		bits++;
	for (; bits <= 10; bits++) {
		size_t nslot = (size_t)1 << bits;
		struct wslot *slot = xcalloc(nslot, sizeof(*slot));

		t->shift = 64 - bits;
		for (int tries = 0; tries < 256; tries++) {
			uint32_t i;

			seed ^= seed << 13;	/* xorshift: odd multipliers */
			seed ^= seed >> 7;
			seed ^= seed << 17;
			t->mul = seed | 1;
			memset(slot, 0, nslot * sizeof(*slot));
			for (i = w->s[at].child; i != 0; i = w->s[i].next) {
				const struct wseg *g = &w->s[i];
				struct wslot *sl;
				uint64_t w1, w2;

				if (g->len < 1)
					continue;
				key_words((const unsigned char *)g->name,
				    g->len, &w1, &w2);
				sl = &slot[wslot_of(t, w1, w2, g->len)];
				if (sl->len != 0)
					break;
				sl->w1 = w1;
				sl->w2 = w2;
				sl->len = (uint32_t)g->len;
				sl->state = g->all ? W_ALL : i;
				sl->noff = g->noff;
				sl->name = w->names + g->noff;
			}
			if (i == 0) {
				t->slot = slot;
				return;
			}
		}
		free(slot);
	}
}

/*
 * After the last path: the names every record's strs starts with, and
 * the tables (struct want).
 */
static void
want_build(struct want *w)
{
	size_t len = 0;

	for (uint32_t i = 1; i < w->n; i++)
		len += w->s[i].len + 1;
	free(w->names);
	w->names = xmalloc(len + 1);
	w->nameslen = 0;
	for (uint32_t i = 1; i < w->n; i++) {
		w->s[i].noff = (uint32_t)w->nameslen;
		memcpy(w->names + w->nameslen, w->s[i].name, w->s[i].len + 1);
		w->nameslen += w->s[i].len + 1;
	}
	for (uint32_t i = 0; i < w->ntab; i++)
		free(w->tab[i].slot);
	free(w->tab);
	w->tab = xcalloc(w->n, sizeof(*w->tab));
	w->ntab = w->n;
	for (uint32_t i = 0; i < w->n; i++)
		want_table(w, i);
}

/* Adds a dotted path to the want tree. */
static void
want_add(struct want *w, const char *path)
{
	uint32_t at = 0;

	if (w->n == 0) {
		w->s = xcalloc(1, sizeof(*w->s));
		w->n = 1;
	}
	while (*path != '\0') {
		size_t len = strcspn(path, ".");
		uint32_t i;
		unsigned h;

		for (i = w->s[at].child; i != 0; i = w->s[i].next)
			if (w->s[i].len == len &&
			    memcmp(w->s[i].name, path, len) == 0)
				break;
		if (i == 0) {
			w->s = xreallocarray(w->s, w->n + 1, sizeof(*w->s));
			i = w->n++;
			w->s[i].name = xstrndup(path, len);
			w->s[i].len = len;
			w->s[i].all = 0;
			w->s[i].child = 0;
			w->s[i].next = w->s[at].child;
			w->s[i].parent = at;
			w->s[at].child = i;
			h = whash(at, (const unsigned char *)path, len);
			w->s[i].hnext = w->bucket[h];
			w->bucket[h] = i;
		}
		at = i;
		path += len + (path[len] == '.');
	}
	w->s[at].all = 1;
}

const struct tkt_jnode *
tkt_rec_child(const struct tkt_rec *r, const struct tkt_jnode *n)
{
	if (n == NULL || n->child == TKT_J_NONE)
		return NULL;
	return &r->nodes[n->child];
}

const struct tkt_jnode *
tkt_rec_next(const struct tkt_rec *r, const struct tkt_jnode *n)
{
	if (n == NULL || n->next == TKT_J_NONE)
		return NULL;
	return &r->nodes[n->next];
}

const struct tkt_jnode *
tkt_rec_get(const struct tkt_rec *r, const struct tkt_jnode *obj,
    const char *key)
{
	size_t klen = strlen(key);

	if (obj == NULL || obj->type != TKT_J_OBJECT)
		return NULL;
	for (const struct tkt_jnode *c = tkt_rec_child(r, obj); c != NULL;
	    c = tkt_rec_next(r, c))
		if (c->keylen == klen && memcmp(r->strs + c->key, key, klen) == 0)
			return c;
	return NULL;
}

const struct tkt_jnode *
tkt_rec_path(const struct tkt_rec *r, const char *path)
{
	const struct tkt_jnode *n;
	char seg[256];

	if (r->nnodes == 0)
		return NULL;
	n = &r->nodes[0];
	while (n != NULL && *path != '\0') {
		size_t len = strcspn(path, ".");

		if (len >= sizeof(seg))
			return NULL;
		memcpy(seg, path, len);
		seg[len] = '\0';
		path += len + (path[len] == '.');
		if (n->type == TKT_J_ARRAY) {
			long long idx;
			const char *es;

			if (tkt_num_parse(seg, 0, UINT32_MAX, &idx, &es) == -1)
				return NULL;
			n = tkt_rec_child(r, n);
			while (n != NULL && idx-- > 0)
				n = tkt_rec_next(r, n);
		} else
			n = tkt_rec_get(r, n, seg);
	}
	return n;
}

const char *
tkt_rec_str(const struct tkt_rec *r, const struct tkt_jnode *n, size_t *len)
{
	if (n == NULL || (n->type != TKT_J_STRING && n->type != TKT_J_NUMBER))
		return NULL;
	if (len != NULL)
		*len = n->strlen;
	return r->strs + n->str;
}

const char *
tkt_rec_key(const struct tkt_rec *r, const struct tkt_jnode *n, size_t *len)
{
	if (len != NULL)
		*len = n->keylen;
	return r->strs + n->key;
}

const char *
tkt_rec_field(const struct tkt_rec *r, const char *key)
{
	const struct tkt_jnode *n;

	if (r->nnodes == 0)
		return NULL;
	n = tkt_rec_get(r, &r->nodes[0], key);
	if (n == NULL || n->type != TKT_J_STRING)
		return NULL;
	return r->strs + n->str;
}

time_t
tkt_rec_time(const struct tkt_rec *r, const struct tkt_jnode *n)
{
	time_t t;

	if (n == NULL || n->type != TKT_J_STRING)
		return (time_t)-1;
	if (tkt_time_parsen(r->strs + n->str, n->strlen, &t) == -1)
		return (time_t)-1;
	return t;
}

void
tkt_rec_splice(const struct tkt_rec *r, const struct tkt_edit *ed, size_t ned,
    struct tkt_buf *out)
{
	const struct tkt_jnode *root = &r->nodes[0], *c, *prev = NULL;
	unsigned char used[64] = { 0 };
	size_t cursor = root->start, kept = 0;

	tkt_buf_grow(out, r->len + 64);
	for (c = tkt_rec_child(r, root); c != NULL; c = tkt_rec_next(r, c)) {
		size_t i;

		for (i = 0; i < ned && i < sizeof(used); i++)
			if (c->keylen == strlen(ed[i].key) &&
			    memcmp(r->strs + c->key, ed[i].key, c->keylen) == 0)
				break;
		if (i == ned || i >= sizeof(used)) {
			prev = c;
			kept++;
			continue;
		}
		used[i] = 1;
		if (ed[i].val != NULL) {
			tkt_buf_add(out, r->line + cursor, c->start - cursor);
			tkt_buf_add(out, ed[i].val, ed[i].len);
			cursor = c->end;
			prev = c;
			kept++;
		} else {
			/*
			 * Delete the member with the comma before it (or,
			 * before any member is kept, the one after it).  A
			 * member deleted right after another (a key named
			 * twice, two edits in a row) starts where that one's
			 * deletion ended: the cursor is past prev's end.
			 */
			size_t from = prev ? prev->end : c->kstart;
			const struct tkt_jnode *nx = tkt_rec_next(r, c);

			if (from < cursor)
				from = cursor;
			tkt_buf_add(out, r->line + cursor, from - cursor);
			cursor = prev ? c->end : (nx ? nx->kstart : c->end);
		}
	}
	tkt_buf_add(out, r->line + cursor, root->end - 1 - cursor);
	for (size_t i = 0; i < ned && i < sizeof(used); i++) {
		if (used[i] || ed[i].val == NULL)
			continue;
		if (kept++ > 0)
			tkt_buf_addc(out, ',');
		tkt_json_strz(out, ed[i].key);
		tkt_buf_addc(out, ':');
		tkt_buf_add(out, ed[i].val, ed[i].len);
	}
	tkt_buf_add(out, "}\n", 2);
}

/*
 * The one record loop: the records of the operands, in order, for every
 * tool.  It owns the files, the positions, the bad lines (each reported
 * once, with its position; the loop goes on) and the exit status they
 * imply; a tool sees records only.
 */

struct tkt_loop {
	char		**paths;
	int		 npaths;
	int		 idx;
	int		 flags;
	int		 fd;
	char		*name;
	uintmax_t	 lineno;
	int		 eof;
	char		*buf;
	size_t		 cap, start, end;
	struct tkt_rec	 rec;
	struct parser	 p;
	int		 status;	/* TKT_EXIT_NO once a line was bad */
	uintmax_t	 nbad;
	int		 hinted;
	const char	*hint;		/* what stdin from a terminal should give */
	int		 cut;		/* a signal ended it before the input's end */
	int		 tty;		/* fd is a terminal */
};

struct tkt_loop *
tkt_loop_new(char **paths, int npaths, int flags)
{
	static char *dash[] = { "-" };
	struct tkt_loop *rd = xcalloc(1, sizeof(*rd));

	if (npaths == 0) {
		paths = dash;
		npaths = 1;
	}
	rd->paths = paths;
	rd->npaths = npaths;
	rd->flags = flags;
	rd->fd = -1;
	rd->cap = READ_CHUNK;
	rd->buf = xmalloc(rd->cap);
	tkt_rec_init(&rd->rec);
	return rd;
}

void
tkt_loop_free(struct tkt_loop *rd)
{
	if (rd == NULL)
		return;
	if (rd->fd > 0)
		close(rd->fd);
	free(rd->name);
	free(rd->buf);
	tkt_rec_free(&rd->rec);
	if (rd->p.h != NULL)
		yajl_free(rd->p.h);
	want_free(&rd->p.want);
	free(rd);
}

void
tkt_loop_want(struct tkt_loop *rd, const char *const *paths)
{
	for (; *paths != NULL; paths++)
		want_add(&rd->p.want, *paths);
	if (rd->p.want.n > 0)
		want_build(&rd->p.want);
}

void
tkt_loop_hint(struct tkt_loop *rd, const char *what)
{
	rd->hint = what;
}

int
tkt_loop_status(const struct tkt_loop *rd)
{
	return rd->status;
}

uintmax_t
tkt_loop_nbad(const struct tkt_loop *rd)
{
	return rd->nbad;
}

int
tkt_loop_cut(const struct tkt_loop *rd)
{
	return rd->cut;
}

static int
open_next(struct tkt_loop *rd, struct tkt_error *err)
{
	const char *p = rd->paths[rd->idx++];

	free(rd->name);
	rd->lineno = 0;
	rd->eof = 0;
	rd->start = rd->end = 0;
	if (strcmp(p, "-") == 0) {
		rd->name = xstrdup("<stdin>");
		rd->fd = STDIN_FILENO;
		rd->tty = isatty(rd->fd);
		return 0;
	}
	rd->name = xstrdup(p);
	if ((rd->fd = open(p, O_RDONLY | O_CLOEXEC)) == -1) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "%s", strerror(errno));
		tkt_error_where(err, "%s", p);
		return -1;
	}
	rd->tty = isatty(rd->fd);
	return 0;
}

static int
is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static void
close_cur(struct tkt_loop *rd)
{
	if (rd->fd > 0)
		close(rd->fd);
	rd->fd = -1;
}

/* Fills the buffer; 0 on data or EOF, -1 on a read error. */
static int
fill(struct tkt_loop *rd, struct tkt_error *err)
{
	ssize_t n;

	if (rd->start > 0) {
		memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
		rd->end -= rd->start;
		rd->start = 0;
	}
	if (rd->end == rd->cap) {
		rd->cap *= 2;
		rd->buf = xrealloc(rd->buf, rd->cap);
	}
	/* A wait for input wakes for a signal (poll is never restarted). */
	while (poll(&(struct pollfd){ rd->fd, POLLIN, 0 }, 1, -1) == -1 &&
	    errno == EINTR)
		if (tkt_sig_caught()) {
			rd->cut = 1;	/* the caller ends the loop */
			return 0;
		}
	for (;;) {
		n = rd->tty ? tkt_sig_read(rd->fd, rd->buf + rd->end,
		    rd->cap - rd->end) : read(rd->fd, rd->buf + rd->end,
		    rd->cap - rd->end);
		if (n != -1 || errno != EINTR)
			break;
		if (tkt_sig_caught()) {
			rd->cut = 1;
			return 0;
		}
	}
	if (n == -1) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "read: %s",
		    strerror(errno));
		tkt_error_where(err, "%s", rd->name);
		rd->eof = 1;
		rd->start = rd->end;
		return -1;
	}
	if (n == 0)
		rd->eof = 1;
	rd->end += (size_t)n;
	return 0;
}

/*
 * A reader's error is its own: the code, HTTP status and request id a
 * caller's earlier error left in *err must not be printed with it.
 */
static int
reader_fail(struct tkt_error *err)
{
	err->http = 0;
	err->code = 0;
	err->request_id[0] = '\0';
	return -1;
}

/* The next record: 1, 0 at the end, -1 for a bad line or file (in err). */
static int
next(struct tkt_loop *rd, struct tkt_rec **out, struct tkt_error *err)
{
	for (;;) {
		char *line, *nl;
		size_t len, b;

		if (rd->fd == -1) {
			if (rd->idx >= rd->npaths)
				return 0;
			if (open_next(rd, err) == -1)
				return reader_fail(err);
			if (rd->fd == STDIN_FILENO && rd->hint != NULL &&
			    !rd->hinted++ && isatty(STDIN_FILENO))
				tkt_warnx("reading %s from the terminal; end "
				    "with ^D", rd->hint);
		}
		nl = memchr(rd->buf + rd->start, '\n', rd->end - rd->start);
		if (nl == NULL && !rd->eof) {
			if (fill(rd, err) == -1)
				return reader_fail(err);
			if (rd->cut)
				return 0;	/* a signal: the rest stays unread */
			continue;
		}
		if (nl == NULL && rd->start == rd->end) {
			close_cur(rd);
			continue;
		}
		line = rd->buf + rd->start;
		len = nl ? (size_t)(nl - line) : rd->end - rd->start;
		rd->start += len + (nl != NULL);
		rd->lineno++;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (is_blank(line, len))
			continue;	/* a blank line carries no record */
		if (len > UINT32_MAX - 1) {
			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "line longer than 4 GiB");
			tkt_error_where(err, "%s:%ju", rd->name, rd->lineno);
			return reader_fail(err);
		}
		rd->rec.name = rd->name;
		rd->rec.lineno = rd->lineno;
		rd->rec.bare = 0;
		/* A line of separators only is a bare id too: line[len] is not ours. */
		if ((rd->flags & TKT_RD_BAREID) &&
		    ((b = skip_sep(line, 0, len)) == len || line[b] != '{')) {
			size_t e = len;

			while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t'))
				e--;
			rd->rec.line = line + b;
			rd->rec.len = e - b;
			rd->rec.nnodes = 0;
			rd->rec.tree = 0;
			rd->rec.bare = 1;
			*out = &rd->rec;
			return 1;
		}
		if (parser_run(&rd->p, &rd->rec, line, len, rd->flags,
		    err) == -1) {
			tkt_error_where(err, "%s:%ju", rd->name, rd->lineno);
			return reader_fail(err);
		}
		*out = &rd->rec;
		return 1;
	}
}

int
tkt_loop_next(struct tkt_loop *rd, struct tkt_rec **out)
{
	struct tkt_error err;
	int rc;

	for (;;) {
		/* A signal ends the loop; what was not read stays unread. */
		if (tkt_sig_caught()) {
			rd->cut |= rd->fd != -1 || rd->idx < rd->npaths;
			return 0;
		}
		tkt_error_clear(&err);
		if ((rc = next(rd, out, &err)) != -1)
			return rc;
		tkt_error_print(&err);
		rd->status = TKT_EXIT_NO;
		rd->nbad++;
	}
}

int
tkt_loop_run(struct tkt_loop *rd, int (*fn)(struct tkt_rec *, void *),
    void *arg)
{
	struct tkt_rec *r;
	int rc, status = TKT_EXIT_OK;

	while (tkt_loop_next(rd, &r) == 1) {
		if ((rc = fn(r, arg)) < 0)
			break;
		status = tkt_exit_merge(status, rc);
	}
	return tkt_exit_merge(status, rd->status);
}

static char outbuf[1 << 16];

void
tkt_out_init(void)
{
	setvbuf(stdout, outbuf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF,
	    sizeof(outbuf));
	tkt_sig_init();
}

/*
 * Whole lines only: what is buffered goes out before a line that would
 * not fit, so a run stopped anywhere never leaves half a line.  A reader
 * gone away (EPIPE) stops the run (tkt_sig_pipe); nothing more is written.
 */
int
tkt_out_line(const char *s, size_t n)
{
	if (tkt_sig_caught() == SIGPIPE)
		return -1;
	if (__fpending(stdout) + n > sizeof(outbuf) && fflush(stdout) != 0)
		goto fail;
	if (fwrite(s, 1, n, stdout) != n)
		goto fail;
	return 0;
fail:
	if (errno == EPIPE)
		tkt_sig_pipe();
	return -1;
}
