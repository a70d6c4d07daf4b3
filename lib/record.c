/*
 * record.c: the only reader and writer of JSON lines.  Each line is kept
 * as the bytes that came in; yajl validates it and reports token offsets,
 * from which a flat node tree with byte spans is built, so tools read
 * fields without building jansson objects and add fields by splicing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "tkt.h"

#define MAX_DEPTH 512
#define READ_CHUNK (256 * 1024)

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
};

/* Children are found by a hash of (parent, length, first and last byte). */
#define WBUCKETS 256

struct want {
	struct wseg	*s;
	uint32_t	 n;
	uint32_t	 bucket[WBUCKETS];	/* 0: empty (the root is no child) */
};

static unsigned
whash(uint32_t parent, const unsigned char *k, size_t len)
{
	unsigned h = parent * 31u + (unsigned)len * 7u;

	if (len > 0)
		h += k[0] * 3u + k[len - 1];
	return h % WBUCKETS;
}

#define W_ALL	UINT32_MAX		/* build everything below */
#define W_NONE	(UINT32_MAX - 1)	/* build nothing below */

struct pctx {
	struct tkt_rec	*rec;
	yajl_handle	 h;
	int		 flags;
	int		 depth;
	size_t		 prev_end;
	const struct want *want;	/* NULL: everything */
	uint32_t	 wkey;		/* the want state of the pending key */
	uint32_t	 stack[MAX_DEPTH];	/* container node per depth */
	uint32_t	 last[MAX_DEPTH];	/* its last child */
	uint32_t	 wstate[MAX_DEPTH];	/* want state per depth */
	unsigned char	 isarr[MAX_DEPTH];	/* the container is an array */
	int		 havekey;
	uint32_t	 key, keylen, kstart;
	int		 notobject;
	int		 ntop;		/* top-level values on the line */
	size_t		 rootend;	/* just past the root object's '}' */
	int		 spans;		/* every node's span, not the root members' only */
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

static uint32_t
str_add(struct tkt_rec *r, const void *p, size_t n)
{
	uint32_t off;

	if (r->strslen + n + 1 > r->strscap) {
		size_t cap = r->strscap ? r->strscap : 1024;

		while (r->strslen + n + 1 > cap)
			cap *= 2;
		r->strs = xrealloc(r->strs, cap);
		r->strscap = cap;
	}
	off = (uint32_t)r->strslen;
	if (n > 0)
		memcpy(r->strs + off, p, n);
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

/*
 * Do we keep a node at the current depth?  The root's members with
 * TKT_RD_TOP (a record can be spliced); the rest as TKT_RD_TREE and the
 * want list ask.
 */
static inline uint32_t
value_state(const struct pctx *c)
{
	if (c->depth == 0)
		return c->want != NULL ? 0 : W_ALL;
	return c->isarr[c->depth - 1] ? c->wstate[c->depth - 1] : c->wkey;
}

static inline int
keep(const struct pctx *c)
{
	if (c->depth <= 1 && (c->flags & TKT_RD_TOP))
		return 1;
	return (c->flags & TKT_RD_TREE) && value_state(c) != W_NONE;
}

/* The want state of a member named key in the container at this depth. */
static uint32_t
want_key(const struct pctx *c, const unsigned char *key, size_t len)
{
	uint32_t st = c->depth > 0 ? c->wstate[c->depth - 1] : W_ALL;

	if (st == W_ALL || st == W_NONE)
		return st;
	for (uint32_t i = c->want->bucket[whash(st, key, len)]; i != 0;
	    i = c->want->s[i].hnext) {
		const struct wseg *w = &c->want->s[i];

		if (w->parent == st && w->len == len &&
		    memcmp(w->name, key, len) == 0)
			return w->all ? W_ALL : i;
	}
	return W_NONE;
}

static uint32_t
add_node(struct pctx *c, int type, size_t start, size_t end)
{
	struct tkt_rec *r = c->rec;
	struct tkt_jnode *n;
	uint32_t i;

	if (r->nnodes == r->capnodes) {
		r->capnodes = r->capnodes ? r->capnodes * 2 : 64;
		r->nodes = xreallocarray(r->nodes, r->capnodes, sizeof(*r->nodes));
	}
	i = r->nnodes++;
	n = &r->nodes[i];
	n->type = (uint32_t)type;
	n->next = n->child = TKT_J_NONE;
	n->nchild = 0;
	n->str = n->strlen = 0;
	n->start = (uint32_t)start;
	n->end = (uint32_t)end;
	if (c->havekey) {
		n->key = c->key;
		n->keylen = c->keylen;
		n->kstart = c->kstart;
		c->havekey = 0;
	} else {
		n->key = n->keylen = 0;
		n->kstart = (uint32_t)start;
	}
	if (c->depth == 0) {
		n->parent = TKT_J_NONE;
	} else {
		uint32_t p = c->stack[c->depth - 1];

		n->parent = p;
		if (c->last[c->depth - 1] == TKT_J_NONE)
			r->nodes[p].child = i;
		else
			r->nodes[c->last[c->depth - 1]].next = i;
		c->last[c->depth - 1] = i;
		r->nodes[p].nchild++;
	}
	return i;
}

static int
scalar(struct pctx *c, int type, const void *s, size_t len, int store)
{
	size_t start = 0, end = 0;
	uint32_t i;

	if (c->depth == 0) {
		c->notobject = 1;
		return 0;
	}
	if (c->spans) {
		end = yajl_get_bytes_consumed(c->h);
		start = skip_sep(c->rec->line, c->prev_end, end);
		c->prev_end = end;
	}
	if (!keep(c)) {
		c->havekey = 0;
		return 1;
	}
	i = add_node(c, type, start, end);
	if (store) {
		c->rec->nodes[i].str = str_add(c->rec, s, len);
		c->rec->nodes[i].strlen = (uint32_t)len;
	}
	return 1;
}
static int
cb_null(void *ctx)
{
	return scalar(ctx, TKT_J_NULL, NULL, 0, 0);
}

static int
cb_bool(void *ctx, int v)
{
	return scalar(ctx, v ? TKT_J_TRUE : TKT_J_FALSE, NULL, 0, 0);
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	return scalar(ctx, TKT_J_NUMBER, s, len, 1);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return scalar(ctx, TKT_J_STRING, s, len, 1);
}

static int
cb_key(void *ctx, const unsigned char *s, size_t len)
{
	struct pctx *c = ctx;
	size_t end = 0;

	if (c->spans)
		end = yajl_get_bytes_consumed(c->h);
	c->wkey = c->want != NULL ? want_key(c, s, len) : W_ALL;
	if (keep(c)) {
		c->kstart = (uint32_t)(end ? skip_sep(c->rec->line,
		    c->prev_end, end) : 0);
		c->key = str_add(c->rec, s, len);
		c->keylen = (uint32_t)len;
		c->havekey = 1;
	}
	if (end)
		c->prev_end = end;
	return 1;
}
static int
open_(struct pctx *c, int type)
{
	size_t end = 1;
	int k = keep(c);
	uint32_t i = TKT_J_NONE;

	if (c->spans)
		c->prev_end = end = yajl_get_bytes_consumed(c->h);
	if (c->depth == 0 && (type != TKT_J_OBJECT || c->ntop++ > 0)) {
		c->notobject = 1;
		return 0;
	}
	if (c->depth >= MAX_DEPTH - 1)
		return 0;
	if (k)
		i = add_node(c, type, end - 1, end);
	else
		c->havekey = 0;
	c->stack[c->depth] = i;
	c->last[c->depth] = TKT_J_NONE;
	c->wstate[c->depth] = value_state(c);
	c->isarr[c->depth] = type == TKT_J_ARRAY;
	c->depth++;
	return 1;
}
static int
close_(struct pctx *c)
{
	uint32_t i;

	if (--c->depth == 0)
		c->rootend = yajl_get_bytes_consumed(c->h);
	if (!c->spans)
		return 1;
	c->prev_end = yajl_get_bytes_consumed(c->h);
	i = c->stack[c->depth];
	if (i != TKT_J_NONE)
		c->rec->nodes[i].end = (uint32_t)c->prev_end;
	return 1;
}
static int
cb_start_map(void *ctx)
{
	return open_(ctx, TKT_J_OBJECT);
}

static int
cb_start_array(void *ctx)
{
	return open_(ctx, TKT_J_ARRAY);
}

static int
cb_end(void *ctx)
{
	return close_(ctx);
}

static const yajl_callbacks tree_cb = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end, cb_start_array, cb_end
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
	c->flags = flags;
	c->depth = 0;
	c->prev_end = 0;
	c->want = w;
	c->wkey = W_ALL;
	c->havekey = 0;
	c->notobject = 0;
	c->ntop = 0;
	c->rootend = 0;
	c->spans = !(flags & TKT_RD_NOSPAN);
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

/* yajl's words for what is wrong, on one line. */
static void
yajl_error(struct tkt_error *err, yajl_handle h, const char *line, size_t len)
{
	size_t bad = yajl_get_bytes_consumed(h);
	unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)line, len);

	tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "invalid JSON at byte %zu: %s",
	    bad + 1, m ? (const char *)m : "parse error");
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
	yajl_status st;

	if (!first_is_object(line, len)) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "not a JSON object");
		return -1;
	}
	f.h = yajl_alloc(&flat_cb, NULL, &f);
	st = yajl_parse(f.h, (const unsigned char *)line, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(f.h);
	if (st != yajl_status_ok)
		yajl_error(err, f.h, line, len);
	yajl_free(f.h);
	*rootend = f.rootend;
	return st == yajl_status_ok ? 0 : -1;
}

/* A fresh handle for one line: what a failure says comes from here. */
static int
parse_fresh(struct pctx *c, const char *line, size_t len, struct tkt_error *err)
{
	yajl_status st;

	c->h = yajl_alloc(&tree_cb, NULL, c);
	st = yajl_parse(c->h, (const unsigned char *)line, len);
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
			yajl_error(err, c->h, line, len);
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
	if (p->h == NULL) {
		p->h = yajl_alloc(&tree_cb, NULL, c);
		yajl_config(p->h, yajl_allow_multiple_values, 1);
	}
	pctx_start(c, r, flags, w);
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
	memset(w, 0, sizeof(*w));
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
		return 0;
	}
	rd->name = xstrdup(p);
	if ((rd->fd = open(p, O_RDONLY | O_CLOEXEC)) == -1) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "%s", strerror(errno));
		tkt_error_where(err, "%s", p);
		return -1;
	}
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
	do
		n = read(rd->fd, rd->buf + rd->end, rd->cap - rd->end);
	while (n == -1 && errno == EINTR);
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
		size_t len;

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
		if ((rd->flags & TKT_RD_BAREID) && line[skip_sep(line, 0, len)] != '{') {
			size_t b = skip_sep(line, 0, len), e = len;

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
}

int
tkt_out_line(const char *s, size_t n)
{
	if (fwrite(s, 1, n, stdout) != n)
		return -1;
	return 0;
}
