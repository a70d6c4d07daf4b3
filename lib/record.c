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

struct pctx {
	struct tkt_rec	*rec;
	yajl_handle	 h;
	int		 flags;
	int		 depth;
	size_t		 prev_end;
	uint32_t	 stack[MAX_DEPTH];	/* container node per depth */
	uint32_t	 last[MAX_DEPTH];	/* its last child */
	int		 havekey;
	uint32_t	 key, keylen, kstart;
	int		 notobject;
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
	tkt_rec_init(r);
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

/* Do we keep a node at the current depth? */
static int
keep(const struct pctx *c)
{
	if (c->flags & TKT_RD_TREE)
		return 1;
	return (c->flags & TKT_RD_TOP) && c->depth <= 1;
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
	size_t end = yajl_get_bytes_consumed(c->h);
	size_t start = skip_sep(c->rec->line, c->prev_end, end);
	uint32_t i;

	c->prev_end = end;
	if (c->depth == 0) {
		c->notobject = 1;
		return 0;
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
	size_t end = yajl_get_bytes_consumed(c->h);

	if (keep(c)) {
		c->kstart = (uint32_t)skip_sep(c->rec->line, c->prev_end, end);
		c->key = str_add(c->rec, s, len);
		c->keylen = (uint32_t)len;
		c->havekey = 1;
	}
	c->prev_end = end;
	return 1;
}

static int
open_(struct pctx *c, int type)
{
	size_t end = yajl_get_bytes_consumed(c->h);
	int k = keep(c);
	uint32_t i = TKT_J_NONE;

	c->prev_end = end;
	if (c->depth == 0 && type != TKT_J_OBJECT) {
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
	c->depth++;
	return 1;
}

static int
close_(struct pctx *c)
{
	size_t end = yajl_get_bytes_consumed(c->h);
	uint32_t i;

	c->prev_end = end;
	c->depth--;
	i = c->stack[c->depth];
	if (i != TKT_J_NONE)
		c->rec->nodes[i].end = (uint32_t)end;
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

int
tkt_rec_parse(struct tkt_rec *r, const char *line, size_t len, int flags,
    struct tkt_error *err)
{
	struct pctx *c;
	yajl_status st;
	size_t bad;

	r->line = line;
	r->len = len;
	r->nnodes = 0;
	r->strslen = 0;
	r->tree = (flags & (TKT_RD_TREE | TKT_RD_TOP)) != 0;
	if (!r->tree) {
		yajl_handle h;

		if (!first_is_object(line, len)) {
			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "not a JSON object");
			return -1;
		}
		h = yajl_alloc(NULL, NULL, NULL);
		st = yajl_parse(h, (const unsigned char *)line, len);
		if (st == yajl_status_ok)
			st = yajl_complete_parse(h);
		if (st == yajl_status_ok) {
			yajl_free(h);
			return 0;
		}
		bad = yajl_get_bytes_consumed(h);
		{
			unsigned char *m = yajl_get_error(h, 0,
			    (const unsigned char *)line, len);

			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "invalid JSON at byte %zu: %s", bad + 1,
			    m ? (const char *)m : "parse error");
			if (m)
				yajl_free_error(h, m);
			/* yajl's message ends with a newline and "." noise. */
			err->msg[strcspn(err->msg, "\n")] = '\0';
		}
		yajl_free(h);
		return -1;
	}
	c = xcalloc(1, sizeof(*c));
	c->rec = r;
	c->flags = flags;
	c->h = yajl_alloc(&tree_cb, NULL, c);
	st = yajl_parse(c->h, (const unsigned char *)line, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(c->h);
	if (st != yajl_status_ok) {
		unsigned char *m = NULL;

		bad = yajl_get_bytes_consumed(c->h);
		if (c->notobject)
			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "not a JSON object");
		else if (c->depth >= MAX_DEPTH - 1)
			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "nested deeper than %d levels", MAX_DEPTH - 2);
		else {
			m = yajl_get_error(c->h, 0, (const unsigned char *)line,
			    len);
			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "invalid JSON at byte %zu: %s", bad + 1,
			    m ? (const char *)m : "parse error");
			err->msg[strcspn(err->msg, "\n")] = '\0';
			if (m)
				yajl_free_error(c->h, m);
		}
		yajl_free(c->h);
		free(c);
		r->nnodes = 0;
		return -1;
	}
	yajl_free(c->h);
	free(c);
	if (r->nnodes == 0) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "not a JSON object");
		return -1;
	}
	return 0;
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
			/* Delete the member with the comma before it (or after it). */
			size_t from = prev ? prev->end : c->kstart;
			const struct tkt_jnode *nx = tkt_rec_next(r, c);

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

/* Reader over operands. */

struct tkt_reader {
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
};

struct tkt_reader *
tkt_reader_new(char **paths, int npaths, int flags)
{
	static char *dash[] = { "-" };
	struct tkt_reader *rd = xcalloc(1, sizeof(*rd));

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
tkt_reader_free(struct tkt_reader *rd)
{
	if (rd == NULL)
		return;
	if (rd->fd > 0)
		close(rd->fd);
	free(rd->name);
	free(rd->buf);
	tkt_rec_free(&rd->rec);
	free(rd);
}

int
tkt_reader_stdin_tty(const struct tkt_reader *rd)
{
	for (int i = 0; i < rd->npaths; i++)
		if (strcmp(rd->paths[i], "-") == 0)
			return isatty(STDIN_FILENO);
	return 0;
}

static int
open_next(struct tkt_reader *rd, struct tkt_error *err)
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
close_cur(struct tkt_reader *rd)
{
	if (rd->fd > 0)
		close(rd->fd);
	rd->fd = -1;
}

/* Fills the buffer; 0 on data or EOF, -1 on a read error. */
static int
fill(struct tkt_reader *rd, struct tkt_error *err)
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

int
tkt_reader_next(struct tkt_reader *rd, struct tkt_rec **out,
    struct tkt_error *err)
{
	for (;;) {
		char *line, *nl;
		size_t len;

		if (rd->fd == -1) {
			if (rd->idx >= rd->npaths)
				return 0;
			if (open_next(rd, err) == -1)
				return reader_fail(err);
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
		if (tkt_rec_parse(&rd->rec, line, len, rd->flags, err) == -1) {
			tkt_error_where(err, "%s:%ju", rd->name, rd->lineno);
			return reader_fail(err);
		}
		*out = &rd->rec;
		return 1;
	}
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
