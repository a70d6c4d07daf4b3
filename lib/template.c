/*
 * template.c: reply templates (tkt-template(5)).  A template file is read
 * once with libyaml; each locale's text is compiled into a flat token list
 * (text spans, placeholders, sections with the index of their end), and
 * rendering walks that list against a record's node tree.  Pure: records
 * in, text out; never prints.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tkt.h"

enum { K_TEXT, K_VAR, K_SEC, K_INV, K_END };

enum { M_TYPE, M_SUB_LABEL, M_LABEL, M_STATE, M_LOCALE, M_N };
static const char *match_keys[M_N] = {
	"type", "sub_label", "label", "state", "locale"
};

enum { S_PLAIN, S_QUOTED, S_LITERAL, S_FOLDED };

struct tok {
	int		 kind;
	size_t		 off, len;	/* text span, or the tag's span */
	char		*path;		/* as written */
	char		**seg;		/* path split at dots; none for "." */
	size_t		 nseg;
	int		 isvar;		/* vars.NAME */
	char		*def;		/* default, or NULL */
	size_t		 deflen;
	size_t		 jump;		/* sections: index of the end tag */
};

struct variant {
	char			*locale;
	char			*text;
	size_t			 len;
	struct tok		*t;
	size_t			 nt, tcap;
	struct tkt_tmpl_tag	*tags;
	size_t			 ntags;
	unsigned		 kline, kcol;	/* the locale key */
	unsigned		 line, col;	/* the value (block indicator) */
	int			 style;
	unsigned		 indent;	/* block scalars: content indent */
	size_t			*lstart;	/* the text's line starts */
	size_t			 nlstart;
	size_t			*cpblk;		/* code points before each CP_BLOCK */
};

/* pos_of's index: a code-point count every CP_BLOCK bytes of a text. */
#define CP_BLOCK 64

struct mlist {
	char	**v;
	size_t	  n;
};

struct tkt_tmpl {
	char			*path;
	char			*name;
	char			*desc;
	char			*defloc;
	int			 has_match;
	struct mlist		 match[M_N];
	struct variant		*v;
	size_t			 nv;
	struct tkt_tmpl_diag	*d;
	size_t			 nd;
};

static void
diag(struct tkt_tmpl *t, unsigned line, unsigned col, const char *locale,
    const char *fmt, ...) TKT_PRINTF(5, 6);

static void
diag(struct tkt_tmpl *t, unsigned line, unsigned col, const char *locale,
    const char *fmt, ...)
{
	struct tkt_tmpl_diag *d;
	va_list ap;
	struct tkt_buf b;

	t->d = xreallocarray(t->d, t->nd + 1, sizeof(*t->d));
	d = &t->d[t->nd++];
	d->line = line;
	d->col = col;
	d->locale = locale ? xstrdup(locale) : NULL;
	tkt_buf_init(&b);
	va_start(ap, fmt);
	{
		char tmp[1024];

		vsnprintf(tmp, sizeof(tmp), fmt, ap);
		tkt_buf_adds(&b, tmp);
	}
	va_end(ap);
	d->msg = tkt_buf_take(&b);
}

/* Positions. */

/* Byte offset of line:col (col in characters) in the file, or -1. */
static long
file_offset(const char *raw, size_t len, unsigned line, unsigned col)
{
	size_t i = 0;

	for (unsigned l = 1; l < line; l++) {
		const char *nl = memchr(raw + i, '\n', len - i);

		if (nl == NULL)
			return -1;
		i = (size_t)(nl - raw) + 1;
	}
	for (unsigned c = 1; c < col && i < len; c++) {
		i++;
		while (i < len && ((unsigned char)raw[i] & 0xc0) == 0x80)
			i++;
	}
	return (long)i;
}

/* Works out how a variant's text sits in the file, for exact positions. */
static void
variant_layout(struct variant *v, const char *raw, size_t rawlen)
{
	long o = file_offset(raw, rawlen, v->line, v->col);

	v->style = S_PLAIN;
	if (o < 0 || (size_t)o >= rawlen)
		return;
	if (raw[o] == '"' || raw[o] == '\'')
		v->style = S_QUOTED;
	else if (raw[o] == '|' || raw[o] == '>') {
		const char *p = memchr(raw + o, '\n', rawlen - (size_t)o);

		v->style = raw[o] == '|' ? S_LITERAL : S_FOLDED;
		v->indent = 0;
		while (p != NULL && (size_t)(p - raw) + 1 < rawlen) {
			const char *q = p + 1;
			unsigned n = 0;

			while ((size_t)(q - raw) < rawlen && *q == ' ') {
				q++;
				n++;
			}
			if ((size_t)(q - raw) < rawlen && *q != '\n') {
				v->indent = n;
				break;
			}
			p = memchr(q, '\n', rawlen - (size_t)(q - raw));
		}
	}
}

/*
 * Indexes v->text once, so that pos_of costs a binary search and a block's
 * worth of counting rather than a scan from the start of the text (that
 * made loading and linting quadratic in the number of tags).
 */
static void
index_text(struct variant *v)
{
	size_t nblk = v->len / CP_BLOCK + 1, cnt = 0, cap = 16;

	v->lstart = xreallocarray(NULL, cap, sizeof(*v->lstart));
	v->lstart[0] = 0;
	v->nlstart = 1;
	v->cpblk = xreallocarray(NULL, nblk, sizeof(*v->cpblk));
	for (size_t i = 0; i < v->len; i++) {
		if (i % CP_BLOCK == 0)
			v->cpblk[i / CP_BLOCK] = cnt;
		if (((unsigned char)v->text[i] & 0xc0) != 0x80)
			cnt++;
		if (v->text[i] == '\n') {
			if (v->nlstart == cap)
				v->lstart = xreallocarray(v->lstart, cap *= 2,
				    sizeof(*v->lstart));
			v->lstart[v->nlstart++] = i + 1;
		}
	}
	if (v->len % CP_BLOCK == 0)
		v->cpblk[v->len / CP_BLOCK] = cnt;
}

/* Code points in the first off bytes of v->text. */
static size_t
cp_before(const struct variant *v, size_t off)
{
	size_t b = off / CP_BLOCK;

	return v->cpblk[b] + tkt_utf8_count(v->text + b * CP_BLOCK,
	    off - b * CP_BLOCK);
}

static void
pos_of(const struct variant *v, size_t off, unsigned *line, unsigned *col)
{
	size_t lo = 0, hi, nl, ls, cps;

	if (off > v->len)
		off = v->len;
	/* The last line start at or before off: nl newlines precede it. */
	hi = v->nlstart;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->lstart[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	nl = lo;
	ls = v->lstart[lo];
	cps = cp_before(v, off) - cp_before(v, ls);
	switch (v->style) {
	case S_LITERAL:
		*line = v->line + 1 + (unsigned)nl;
		*col = v->indent + (unsigned)cps + 1;
		break;
	case S_FOLDED:
		/* Folding joins lines: the block's first line is the best we know. */
		*line = v->line + 1;
		*col = v->indent + 1;
		break;
	default:
		*line = v->line + (unsigned)nl;
		*col = (nl ? 1 : v->col + (v->style == S_QUOTED)) + (unsigned)cps;
		break;
	}
}

void
tkt_tmpl_variant_pos(const struct tkt_tmpl *t, size_t vi, size_t off,
    unsigned *line, unsigned *col)
{
	pos_of(&t->v[vi], off, line, col);
}

void
tkt_tmpl_variant_key_pos(const struct tkt_tmpl *t, size_t vi, unsigned *line,
    unsigned *col)
{
	*line = t->v[vi].kline;
	*col = t->v[vi].kcol;
}

/* Compiling a variant's text. */

static int
good_path(const char *p)
{
	if (strcmp(p, ".") == 0)
		return 1;
	if (*p == '\0' || *p == '.')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p == '.' && (p[1] == '.' || p[1] == '\0'))
			return 0;
		if (*p != '.' && *p != '_' && *p != '-' &&
		    !(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9'))
			return 0;
	}
	return 1;
}

static void
split_path(struct tok *k)
{
	char *p, *s, *save = NULL;

	k->seg = NULL;
	k->nseg = 0;
	if (strcmp(k->path, ".") == 0)
		return;
	p = xstrdup(k->path);
	for (s = strtok_r(p, ".", &save); s != NULL; s = strtok_r(NULL, ".", &save)) {
		k->seg = xreallocarray(k->seg, k->nseg + 1, sizeof(*k->seg));
		k->seg[k->nseg++] = xstrdup(s);
	}
	free(p);
	k->isvar = k->nseg >= 2 && strcmp(k->seg[0], "vars") == 0;
}

static struct tok *
add_tok(struct variant *v, int kind, size_t off, size_t len)
{
	struct tok *k;

	if (v->nt == v->tcap) {
		v->tcap = v->tcap ? v->tcap * 2 : 16;
		v->t = xreallocarray(v->t, v->tcap, sizeof(*v->t));
	}
	k = &v->t[v->nt++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->off = off;
	k->len = len;
	return k;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Compiles v->text; problems go to t's diagnostics.  0 or -1. */
static int
compile(struct tkt_tmpl *t, struct variant *v)
{
	const char *s = v->text;
	size_t n = v->len, i = 0, from = 0, open[TKT_TMPL_DEPTH], nopen = 0;
	size_t nd0 = t->nd;
	unsigned line, col;

	while (i < n) {
		const char *o = memmem(s + i, n - i, "{{", 2);
		const char *c;
		size_t p, e, end, cs, ce, next, textend;
		int sigil, kind;
		struct tok *k;
		char *body;

		if (o == NULL)
			break;
		p = (size_t)(o - s);
		pos_of(v, p, &line, &col);
		if ((c = memmem(o + 2, n - p - 2, "}}", 2)) == NULL) {
			diag(t, line, col, v->locale, "'{{' is not closed by '}}'");
			goto out;
		}
		e = (size_t)(c - s);
		end = e + 2;
		while (end < n && s[end] == '}') {
			end++;	/* "{{{x}}}": report it whole below. */
			e++;
		}
		cs = p + 2;
		while (cs < e && is_blank(s[cs]))
			cs++;
		ce = e;
		while (ce > cs && is_blank(s[ce - 1]))
			ce--;
		if (memchr(s + cs, '\n', ce - cs) != NULL) {
			diag(t, line, col, v->locale,
			    "a tag must not span lines");
			goto out;
		}
		sigil = cs < ce ? s[cs] : '\0';
		switch (sigil) {
		case '#':
			kind = K_SEC;
			break;
		case '^':
			kind = K_INV;
			break;
		case '/':
			kind = K_END;
			break;
		case '!':
			kind = -1;
			break;
		case '{': case '&': case '>': case '=': case '<':
			diag(t, line, col, v->locale,
			    "'{{%c' is not supported: values are always escaped "
			    "and there are no partials", sigil);
			goto out;
		default:
			kind = K_VAR;
		}
		textend = p;
		next = end;
		if (kind != K_VAR) {
			/* Mustache's standalone rule: a line holding only this tag goes. */
			size_t ls = p, re = end;

			while (ls > 0 && is_blank(s[ls - 1]))
				ls--;
			while (re < n && is_blank(s[re]))
				re++;
			if ((ls == 0 || s[ls - 1] == '\n') && (re == n ||
			    s[re] == '\n' || (s[re] == '\r' && re + 1 < n &&
			    s[re + 1] == '\n'))) {
				textend = ls;
				next = re == n ? n : re + (s[re] == '\r' ? 2 : 1);
			}
		}
		if (textend > from)
			add_tok(v, K_TEXT, from, textend - from);
		from = i = next;
		if (kind == -1)
			continue;
		if (kind != K_VAR)
			cs++;
		while (cs < ce && is_blank(s[cs]))
			cs++;
		body = xstrndup(s + cs, ce - cs);
		k = add_tok(v, kind, p, end - p);
		{
			char *bar = strchr(body, '|');

			if (bar != NULL) {
				size_t pl = (size_t)(bar - body);

				if (kind != K_VAR) {
					diag(t, line, col, v->locale,
					    "a section tag takes no default: "
					    "'{{%s}}'", body);
					free(body);
					goto out;
				}
				k->def = xstrdup(bar + 1);
				k->deflen = strlen(k->def);
				while (pl > 0 && is_blank(body[pl - 1]))
					pl--;
				body[pl] = '\0';
			}
		}
		k->path = body;
		if (!good_path(body)) {
			diag(t, line, col, v->locale,
			    "'%s' is not a placeholder name (letters, digits, "
			    "'_' and '-', joined by dots)", body);
			goto out;
		}
		split_path(k);
		if (kind == K_SEC || kind == K_INV) {
			if (nopen == TKT_TMPL_DEPTH) {
				diag(t, line, col, v->locale,
				    "'{{%c%s}}': sections nested more than %d "
				    "deep", kind == K_SEC ? '#' : '^', body,
				    TKT_TMPL_DEPTH);
				goto out;
			}
			open[nopen++] = v->nt - 1;
		} else if (kind == K_END) {
			struct tok *sec;

			if (nopen == 0) {
				diag(t, line, col, v->locale,
				    "'{{/%s}}' closes no section", body);
				goto out;
			}
			sec = &v->t[open[nopen - 1]];
			if (strcmp(sec->path, body) != 0) {
				diag(t, line, col, v->locale,
				    "'{{/%s}}' closes '{{%c%s}}'", body,
				    sec->kind == K_SEC ? '#' : '^', sec->path);
				goto out;
			}
			sec->jump = v->nt - 1;
			nopen--;
		}
	}
	if (n > from)
		add_tok(v, K_TEXT, from, n - from);
	if (nopen > 0) {
		struct tok *sec = &v->t[open[nopen - 1]];

		pos_of(v, sec->off, &line, &col);
		diag(t, line, col, v->locale, "'{{%c%s}}' is not closed",
		    sec->kind == K_SEC ? '#' : '^', sec->path);
	}
out:
	if (t->nd > nd0)
		return -1;
	v->tags = xreallocarray(NULL, v->nt ? v->nt : 1, sizeof(*v->tags));
	for (size_t j = 0; j < v->nt; j++) {
		struct tok *k = &v->t[j];
		struct tkt_tmpl_tag *g;

		if (k->kind == K_TEXT)
			continue;
		g = &v->tags[v->ntags++];
		g->kind = k->kind == K_VAR ? '$' : k->kind == K_SEC ? '#' :
		    k->kind == K_INV ? '^' : '/';
		g->path = k->path;
		g->off = k->off;
		g->def = k->def;
	}
	return 0;
}

/* Loading a file. */

static int
scalar_list(struct tkt_tmpl *t, const struct tkt_ynode *n, const char *what,
    struct mlist *out)
{
	if (n->type == TKT_Y_SCALAR) {
		out->v = xreallocarray(out->v, out->n + 1, sizeof(char *));
		out->v[out->n++] = xstrdup(n->value);
		return 0;
	}
	if (n->type != TKT_Y_SEQ) {
		diag(t, n->line, n->col, NULL,
		    "match: %s: expected a value or a list of values", what);
		return -1;
	}
	for (size_t i = 0; i < n->nitems; i++) {
		if (n->items[i]->type != TKT_Y_SCALAR) {
			diag(t, n->items[i]->line, n->items[i]->col, NULL,
			    "match: %s: expected a value", what);
			return -1;
		}
		out->v = xreallocarray(out->v, out->n + 1, sizeof(char *));
		out->v[out->n++] = xstrdup(n->items[i]->value);
	}
	return 0;
}

static void
load_match(struct tkt_tmpl *t, const struct tkt_ynode *m)
{
	if (m->type != TKT_Y_MAP) {
		diag(t, m->line, m->col, NULL,
		    "match: expected keys type, sub_label, label, state, locale");
		return;
	}
	t->has_match = 1;
	for (size_t i = 0; i + 1 < m->nitems; i += 2) {
		const struct tkt_ynode *k = m->items[i];
		int j;

		for (j = 0; j < M_N; j++)
			if (strcmp(k->value, match_keys[j]) == 0)
				break;
		if (j == M_N) {
			diag(t, k->line, k->col, NULL,
			    "match: unknown key '%s' (type, sub_label, label, "
			    "state, locale)", k->value);
			continue;
		}
		scalar_list(t, m->items[i + 1], k->value, &t->match[j]);
	}
}

static const char *
want_scalar(struct tkt_tmpl *t, const struct tkt_ynode *root, const char *key,
    int required)
{
	const struct tkt_ynode *n = tkt_yaml_get(root, key);

	if (n == NULL) {
		if (required)
			diag(t, root->line, root->col, NULL,
			    "'%s' is missing", key);
		return NULL;
	}
	if (n->type != TKT_Y_SCALAR) {
		diag(t, n->line, n->col, NULL, "'%s': expected a text", key);
		return NULL;
	}
	return n->value;
}

static void
load_body(struct tkt_tmpl *t, const struct tkt_ynode *b, const char *raw,
    size_t rawlen)
{
	if (b->type != TKT_Y_MAP || b->nitems == 0) {
		diag(t, b->line, b->col, NULL,
		    "body: expected one text per locale (en: |, fr: |, …)");
		return;
	}
	t->v = xcalloc(b->nitems / 2, sizeof(*t->v));
	for (size_t i = 0; i + 1 < b->nitems; i += 2) {
		const struct tkt_ynode *k = b->items[i], *val = b->items[i + 1];
		struct variant *v;

		if (!good_path(k->value) || strchr(k->value, '.') != NULL) {
			diag(t, k->line, k->col, NULL,
			    "body: '%s' is not a locale (en, fr-CA, …)", k->value);
			continue;
		}
		if (val->type != TKT_Y_SCALAR) {
			diag(t, val->line, val->col, k->value,
			    "body: %s: expected a text", k->value);
			continue;
		}
		if (tkt_utf8_check(val->value, val->len) != (size_t)-1) {
			diag(t, val->line, val->col, k->value,
			    "body: %s: not valid UTF-8", k->value);
			continue;
		}
		v = &t->v[t->nv++];
		v->locale = xstrdup(k->value);
		v->text = xstrndup(val->value, val->len);
		v->len = val->len;
		v->kline = k->line;
		v->kcol = k->col;
		v->line = val->line;
		v->col = val->col;
		variant_layout(v, raw, rawlen);
		index_text(v);
		compile(t, v);
	}
}

static void
load_root(struct tkt_tmpl *t, const struct tkt_ynode *root, const char *raw,
    size_t rawlen)
{
	static const char *keys[] = {
		"name", "description", "match", "default_locale", "body", NULL
	};
	const struct tkt_ynode *n;
	const char *s;

	if (root == NULL || root->type != TKT_Y_MAP) {
		diag(t, root ? root->line : 1, root ? root->col : 1, NULL,
		    "expected a template: name, description, match, "
		    "default_locale, body");
		return;
	}
	for (size_t i = 0; i + 1 < root->nitems; i += 2) {
		size_t j;

		for (j = 0; keys[j] != NULL; j++)
			if (strcmp(root->items[i]->value, keys[j]) == 0)
				break;
		if (keys[j] == NULL)
			diag(t, root->items[i]->line, root->items[i]->col, NULL,
			    "unknown key '%s'", root->items[i]->value);
	}
	if ((s = want_scalar(t, root, "name", 1)) != NULL) {
		n = tkt_yaml_get(root, "name");
		if (!good_path(s) || strchr(s, '.') != NULL)
			diag(t, n->line, n->col, NULL, "name: '%s': use letters, "
			    "digits, '-' and '_'", s);
		t->name = xstrdup(s);
	}
	if ((s = want_scalar(t, root, "description", 0)) != NULL)
		t->desc = xstrdup(s);
	if ((n = tkt_yaml_get(root, "match")) != NULL)
		load_match(t, n);
	if ((s = want_scalar(t, root, "default_locale", 1)) != NULL)
		t->defloc = xstrdup(s);
	if ((n = tkt_yaml_get(root, "body")) == NULL)
		diag(t, root->line, root->col, NULL, "'body' is missing");
	else
		load_body(t, n, raw, rawlen);
	if (t->defloc != NULL && (n = tkt_yaml_get(root, "body")) != NULL &&
	    n->type == TKT_Y_MAP && tkt_yaml_get(n, t->defloc) == NULL) {
		const struct tkt_ynode *d = tkt_yaml_get(root, "default_locale");

		diag(t, d->line, d->col, NULL,
		    "default_locale '%s' has no text in body", t->defloc);
	}
}

static int
slurp(const char *path, struct tkt_buf *b, struct tkt_error *err)
{
	FILE *fp;
	char chunk[8192];
	size_t n;

	if ((fp = fopen(path, "r")) == NULL) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s",
		    strerror(errno));
		tkt_error_where(err, "%s", path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		tkt_buf_add(b, chunk, n);
	if (ferror(fp)) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s",
		    strerror(errno));
		tkt_error_where(err, "%s", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct tkt_tmpl_diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

struct tkt_tmpl *
tkt_tmpl_load(const char *path, struct tkt_error *err)
{
	struct tkt_tmpl *t;
	struct tkt_buf raw;
	struct tkt_ydoc *doc;

	tkt_buf_init(&raw);
	if (slurp(path, &raw, err) == -1) {
		tkt_buf_free(&raw);
		return NULL;
	}
	doc = tkt_yaml_loadbuf(path, raw.s ? raw.s : "", raw.len, err);
	if (doc == NULL) {
		tkt_buf_free(&raw);
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->path = xstrdup(path);
	load_root(t, doc->root, raw.s ? raw.s : "", raw.len);
	if (t->nd > 1)
		qsort(t->d, t->nd, sizeof(*t->d), diag_cmp);
	tkt_yaml_free(doc);
	tkt_buf_free(&raw);
	return t;
}

void
tkt_tmpl_free(struct tkt_tmpl *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nv; i++) {
		struct variant *v = &t->v[i];

		for (size_t j = 0; j < v->nt; j++) {
			for (size_t s = 0; s < v->t[j].nseg; s++)
				free(v->t[j].seg[s]);
			free(v->t[j].seg);
			free(v->t[j].path);
			free(v->t[j].def);
		}
		free(v->t);
		free(v->tags);
		free(v->lstart);
		free(v->cpblk);
		free(v->locale);
		free(v->text);
	}
	free(t->v);
	for (int j = 0; j < M_N; j++) {
		for (size_t i = 0; i < t->match[j].n; i++)
			free(t->match[j].v[i]);
		free(t->match[j].v);
	}
	for (size_t i = 0; i < t->nd; i++) {
		free(t->d[i].locale);
		free(t->d[i].msg);
	}
	free(t->d);
	free(t->path);
	free(t->name);
	free(t->desc);
	free(t->defloc);
	free(t);
}

size_t
tkt_tmpl_ndiags(const struct tkt_tmpl *t)
{
	return t->nd;
}

const struct tkt_tmpl_diag *
tkt_tmpl_diag(const struct tkt_tmpl *t, size_t i)
{
	return i < t->nd ? &t->d[i] : NULL;
}

const char *
tkt_tmpl_name(const struct tkt_tmpl *t)
{
	return t->name;
}

const char *
tkt_tmpl_path(const struct tkt_tmpl *t)
{
	return t->path;
}

const char *
tkt_tmpl_description(const struct tkt_tmpl *t)
{
	return t->desc;
}

const char *
tkt_tmpl_default_locale(const struct tkt_tmpl *t)
{
	return t->defloc;
}

int
tkt_tmpl_has_match(const struct tkt_tmpl *t)
{
	return t->has_match;
}

void
tkt_tmpl_match_json(const struct tkt_tmpl *t, struct tkt_jw *w)
{
	if (!t->has_match) {
		tkt_jw_null(w);
		return;
	}
	tkt_jw_obj(w);
	for (int j = 0; j < M_N; j++) {
		if (t->match[j].n == 0)
			continue;
		tkt_jw_key(w, match_keys[j]);
		tkt_jw_arr(w);
		for (size_t i = 0; i < t->match[j].n; i++)
			tkt_jw_str(w, t->match[j].v[i]);
		tkt_jw_arr_end(w);
	}
	tkt_jw_obj_end(w);
}

size_t
tkt_tmpl_nvariants(const struct tkt_tmpl *t)
{
	return t->nv;
}

const char *
tkt_tmpl_variant(const struct tkt_tmpl *t, size_t i, const char **text,
    size_t *len)
{
	if (text != NULL)
		*text = t->v[i].text;
	if (len != NULL)
		*len = t->v[i].len;
	return t->v[i].locale;
}

const struct tkt_tmpl_tag *
tkt_tmpl_tags(const struct tkt_tmpl *t, size_t vi, size_t *n)
{
	*n = t->v[vi].ntags;
	return t->v[vi].tags;
}

/* Choosing and matching. */

static int
find_variant(const struct tkt_tmpl *t, const char *loc, size_t n)
{
	for (size_t i = 0; i < t->nv; i++)
		if (strlen(t->v[i].locale) == n &&
		    strncasecmp(t->v[i].locale, loc, n) == 0)
			return (int)i;
	return -1;
}

size_t
tkt_locale_lang_len(const char *loc)
{
	return loc != NULL ? strcspn(loc, "-_") : 0;
}

int
tkt_locale_same_lang(const char *a, const char *b)
{
	size_t n = tkt_locale_lang_len(a);

	return n > 0 && n == tkt_locale_lang_len(b) && strncasecmp(a, b, n) == 0;
}

/* The first variant in loc's language, or -1. */
static int
find_lang(const struct tkt_tmpl *t, const char *loc)
{
	for (size_t i = 0; i < t->nv; i++)
		if (tkt_locale_same_lang(t->v[i].locale, loc))
			return (int)i;
	return -1;
}

int
tkt_tmpl_pick(const struct tkt_tmpl *t, const char *locale,
    struct tkt_locale_pick *pk)
{
	int i = -1;

	pk->requested = locale;
	pk->locale = NULL;
	pk->fallback = 0;
	if (locale != NULL && *locale != '\0' &&
	    (i = find_variant(t, locale, strlen(locale))) == -1 &&
	    (i = find_variant(t, locale, tkt_locale_lang_len(locale))) == -1)
		i = find_lang(t, locale);
	if (i == -1 && t->defloc != NULL)
		i = find_variant(t, t->defloc, strlen(t->defloc));
	if (i == -1)
		return -1;
	pk->locale = t->v[i].locale;
	/* fr-CA answered in fr is no fallback; nl answered in en is. */
	pk->fallback = tkt_locale_lang_len(locale) > 0 &&
	    !tkt_locale_same_lang(pk->locale, locale);
	return i;
}

void
tkt_tmpl_fallback_msg(const struct tkt_tmpl *t,
    const struct tkt_locale_pick *pk, struct tkt_buf *out)
{
	const char *req = pk->requested ? pk->requested : "";

	tkt_buf_reset(out);
	tkt_buf_printf(out, "no text in %.*s (template %s has ",
	    (int)tkt_locale_lang_len(req), req, t->name);
	for (size_t i = 0; i < t->nv; i++)
		tkt_buf_printf(out, "%s%s", i ? ", " : "", t->v[i].locale);
	tkt_buf_addc(out, ')');
}

/* A locale rule "fr" fits "fr" and "fr-CA"; a label rule is a prefix. */
static int
fits(const struct mlist *m, const char *val, int how)
{
	if (m->n == 0)
		return 1;
	if (val == NULL)
		return 0;
	for (size_t i = 0; i < m->n; i++) {
		size_t n = strlen(m->v[i]);

		switch (how) {
		case M_LOCALE:
			if (strncasecmp(val, m->v[i], n) == 0 &&
			    (val[n] == '\0' || val[n] == '-' || val[n] == '_'))
				return 1;
			break;
		case M_LABEL:
			if (strncmp(val, m->v[i], n) == 0)
				return 1;
			break;
		default:
			if (strcmp(val, m->v[i]) == 0)
				return 1;
		}
	}
	return 0;
}

/* The record's match fields, each looked up once (NULL: absent or null). */
static void
match_values(const struct tkt_rec *r, const char *v[M_N])
{
	for (int j = 0; j < M_N; j++)
		v[j] = tkt_rec_field(r, match_keys[j]);
}

static int
matches(const struct tkt_tmpl *t, const char *const v[M_N])
{
	if (!t->has_match)
		return 0;
	for (int j = 0; j < M_N; j++)
		if (!fits(&t->match[j], v[j], j))
			return 0;
	return 1;
}

int
tkt_tmpl_matches(const struct tkt_tmpl *t, const struct tkt_rec *r)
{
	const char *v[M_N];

	match_values(r, v);
	return matches(t, v);
}

void
tkt_tmpl_match_desc(const struct tkt_tmpl *t, const struct tkt_rec *r,
    struct tkt_buf *b)
{
	const char *v[M_N], *sep = "";

	match_values(r, v);
	for (int j = 0; j < M_N; j++) {
		if (t->match[j].n == 0)
			continue;
		tkt_buf_printf(b, "%s%s %s", sep, match_keys[j],
		    v[j] != NULL ? v[j] : "null");
		sep = ", ";
	}
}

/* Rendering. */

/*
 * Markdown escaping of a record value: a backslash, '*', '`', '[', ']'
 * and '<' always; '_' unless it stands between two letters or digits
 * (CommonMark does not act on it there: "AB_12_CD" stays as it is); '#'
 * and '>' when they are the first thing on a line of the reply.
 */
static int
alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c & 0x80);
}

static int
at_line_start(const struct tkt_buf *b)
{
	for (size_t i = b->len; i > 0; i--) {
		if (b->s[i - 1] == '\n')
			return 1;
		if (b->s[i - 1] != ' ' && b->s[i - 1] != '\t')
			return 0;
	}
	return 1;
}

void
tkt_md_escape(struct tkt_buf *b, const char *s, size_t len)
{
	size_t from = 0;

	tkt_buf_grow(b, len + 8);
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i], esc;

		switch (c) {
		case '\\': case '*': case '`': case '[': case ']': case '<':
			esc = 1;
			break;
		case '_':
			esc = !(i > 0 && alnum((unsigned char)s[i - 1]) &&
			    i + 1 < len && alnum((unsigned char)s[i + 1]));
			break;
		case '#': case '>':
			tkt_buf_add(b, s + from, i - from);
			from = i;
			esc = at_line_start(b);
			break;
		default:
			esc = 0;
		}
		if (!esc)
			continue;
		tkt_buf_add(b, s + from, i - from);
		tkt_buf_addc(b, '\\');
		from = i;
	}
	tkt_buf_add(b, s + from, len - from);
}

/* A section pushes one context at most, and compile bounds the nesting. */
#define CTX_MAX (TKT_TMPL_DEPTH + 1)

struct rctx {
	const struct tkt_tmpl		*t;
	const struct variant		*v;
	const struct tkt_rec		*r;
	const struct tkt_render_env	*env;
	const struct tkt_jnode		*stack[CTX_MAX];
	int				 depth;
	struct tkt_error		*err;
	/* With spans: each context's field path ("" the record), a scratch one. */
	struct tkt_spans		*spans;
	struct tkt_buf			 path[CTX_MAX], name;
};

static const char *
var_get(const struct tkt_render_env *env, const char *name)
{
	if (env == NULL)
		return NULL;
	for (size_t i = 0; i < env->nlayers; i++) {
		const char *v;

		if (env->layers[i] != NULL &&
		    (v = tkt_vars_get(env->layers[i], name)) != NULL)
			return v;
	}
	return NULL;
}

/*
 * The node a path names, looked up through the context stack; NULL if
 * none.  With name, the field it is as tkt-record(5) names fields
 * ("orders[].id" for {{orders.0.id}}, or {{id}} inside {{#orders}}).
 */
static const struct tkt_jnode *
resolve(const struct rctx *c, const struct tok *k, struct tkt_buf *name)
{
	const struct tkt_jnode *n = NULL;
	const struct tkt_rec *r = c->r;
	int d;

	if (name != NULL)
		tkt_buf_reset(name);
	if (k->nseg == 0) {
		if (name != NULL && c->path[c->depth - 1].len > 0)
			tkt_buf_add(name, c->path[c->depth - 1].s,
			    c->path[c->depth - 1].len);
		return c->stack[c->depth - 1];
	}
	for (d = c->depth - 1; d >= 0 && n == NULL; d--)
		n = tkt_rec_get(r, c->stack[d], k->seg[0]);
	if (n != NULL && name != NULL) {
		const struct tkt_buf *p = &c->path[d + 1];

		if (p->len > 0) {
			tkt_buf_add(name, p->s, p->len);
			tkt_buf_addc(name, '.');
		}
		tkt_buf_adds(name, k->seg[0]);
	}
	for (size_t i = 1; i < k->nseg && n != NULL; i++) {
		if (n->type == TKT_J_ARRAY) {
			long long idx;
			const char *es;

			if (tkt_num_parse(k->seg[i], 0, UINT32_MAX, &idx, &es) == -1)
				return NULL;
			n = tkt_rec_child(r, n);
			while (n != NULL && idx-- > 0)
				n = tkt_rec_next(r, n);
			if (name != NULL)
				tkt_buf_adds(name, "[]");
		} else {
			n = tkt_rec_get(r, n, k->seg[i]);
			if (name != NULL) {
				tkt_buf_addc(name, '.');
				tkt_buf_adds(name, k->seg[i]);
			}
		}
	}
	return n;
}

/* A record value just written to out[from, out->len): its span, in bytes. */
static void
value_span(struct rctx *c, const struct tkt_buf *out, size_t from)
{
	if (c->spans != NULL && out->len > from)
		tkt_spans_add(c->spans, c->name.s, c->name.len, 0, 0, from,
		    out->len);
}

static int
truthy(const struct tkt_jnode *n)
{
	if (n == NULL)
		return 0;
	switch (n->type) {
	case TKT_J_NULL:
	case TKT_J_FALSE:
		return 0;
	case TKT_J_STRING:
		return n->strlen > 0;
	case TKT_J_ARRAY:
		return n->nchild > 0;
	default:
		return 1;
	}
}

static int
missing(struct rctx *c, const struct tok *k, const char *why)
{
	tkt_error_set(c->err, TKT_EXIT_NO, TKT_E_LOCAL,
	    "template %s, locale %s: %s {{%s}}", c->t->name, c->v->locale,
	    why, k->path);
	return -1;
}

/* Renders tokens [from, to), inside level sections. */
static int
render_range(struct rctx *c, size_t from, size_t to, int level,
    struct tkt_buf *out)
{
	for (size_t i = from; i < to; i++) {
		const struct tok *k = &c->v->t[i];
		const struct tkt_jnode *n;
		const char *s;
		size_t from;
		int on;

		switch (k->kind) {
		case K_TEXT:
			tkt_buf_add(out, c->v->text + k->off, k->len);
			break;
		case K_VAR:
			if (k->isvar) {
				s = var_get(c->env, k->path + 5);
				if (s != NULL && *s != '\0')
					tkt_buf_adds(out, s);
				else if (k->def != NULL)
					tkt_buf_add(out, k->def, k->deflen);
				else
					return missing(c, k, "no value for");
				break;
			}
			n = resolve(c, k, c->spans ? &c->name : NULL);
			from = out->len;
			if (n != NULL && (n->type == TKT_J_OBJECT ||
			    n->type == TKT_J_ARRAY))
				return missing(c, k, "a list or an object, not "
				    "a value, in");
			if (n != NULL && n->type == TKT_J_TRUE)
				tkt_buf_adds(out, "true");
			else if (n != NULL && n->type == TKT_J_FALSE)
				tkt_buf_adds(out, "false");
			else if (n != NULL && n->type == TKT_J_NUMBER)
				tkt_buf_add(out, c->r->strs + n->str, n->strlen);
			else if (n != NULL && n->type == TKT_J_STRING &&
			    n->strlen > 0)
				tkt_md_escape(out, c->r->strs + n->str, n->strlen);
			if (out->len > from) {
				value_span(c, out, from);
				break;
			}
			if (k->def != NULL)
				tkt_buf_add(out, k->def, k->deflen);
			else
				return missing(c, k, "missing value for");
			break;
		case K_SEC:
		case K_INV:
			if (level >= TKT_TMPL_DEPTH || c->depth >= CTX_MAX) {
				unsigned line, col;

				/* compile refuses this: a guard for the stack. */
				pos_of(c->v, k->off, &line, &col);
				tkt_error_set(c->err, TKT_EXIT_NO, TKT_E_LOCAL,
				    "template %s, locale %s: line %u, column "
				    "%u: sections nested more than %d deep at "
				    "{{%s}}", c->t->name, c->v->locale, line,
				    col, TKT_TMPL_DEPTH, k->path);
				return -1;
			}
			if (k->isvar) {
				s = var_get(c->env, k->path + 5);
				on = s != NULL && *s != '\0';
				n = NULL;
			} else {
				/* The field's path, for the context it pushes. */
				n = resolve(c, k, c->spans ? &c->path[c->depth] :
				    NULL);
				on = truthy(n);
			}
			if (k->kind == K_INV) {
				if (!on && render_range(c, i + 1, k->jump,
				    level + 1, out) == -1)
					return -1;
			} else if (on && n != NULL && n->type == TKT_J_ARRAY) {
				if (c->spans != NULL)
					tkt_buf_adds(&c->path[c->depth], "[]");
				for (const struct tkt_jnode *e = tkt_rec_child(c->r, n);
				    e != NULL; e = tkt_rec_next(c->r, e)) {
					c->stack[c->depth++] = e;
					if (render_range(c, i + 1, k->jump,
					    level + 1, out) == -1)
						return -1;
					c->depth--;
				}
			} else if (on) {
				if (n != NULL)
					c->stack[c->depth++] = n;
				if (render_range(c, i + 1, k->jump, level + 1,
				    out) == -1)
					return -1;
				if (n != NULL)
					c->depth--;
			}
			i = k->jump;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* The spans' code points, from their bytes: one pass over the text. */
static void
spans_count(struct tkt_spans *sp, const struct tkt_buf *out)
{
	size_t b = 0, cp = 0;

	for (size_t i = 0; i < sp->n; i++) {
		struct tkt_span *x = &sp->v[i];

		cp += tkt_utf8_count(out->s + b, x->bstart - b);
		x->start = cp;
		cp += tkt_utf8_count(out->s + x->bstart, x->bend - x->bstart);
		x->end = cp;
		b = x->bend;
	}
}

int
tkt_tmpl_render_spans(const struct tkt_tmpl *t, size_t vi,
    const struct tkt_rec *r, const struct tkt_render_env *env,
    struct tkt_buf *out, struct tkt_spans *spans, struct tkt_error *err)
{
	struct rctx c;
	int rc;

	tkt_buf_reset(out);
	if (spans != NULL)
		tkt_spans_reset(spans);
	if (vi >= t->nv || r->nnodes == 0) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
		    "template %s: nothing to render", t->name);
		return -1;
	}
	c.t = t;
	c.v = &t->v[vi];
	c.r = r;
	c.env = env;
	c.err = err;
	c.stack[0] = &r->nodes[0];
	c.depth = 1;
	c.spans = spans;
	if (spans != NULL) {
		for (int i = 0; i < CTX_MAX; i++)
			tkt_buf_init(&c.path[i]);
		tkt_buf_init(&c.name);
	}
	rc = render_range(&c, 0, c.v->nt, 0, out);
	if (spans != NULL) {
		for (int i = 0; i < CTX_MAX; i++)
			tkt_buf_free(&c.path[i]);
		tkt_buf_free(&c.name);
		if (rc == 0)
			spans_count(spans, out);
	}
	return rc;
}

int
tkt_tmpl_render(const struct tkt_tmpl *t, size_t vi, const struct tkt_rec *r,
    const struct tkt_render_env *env, struct tkt_buf *out,
    struct tkt_error *err)
{
	return tkt_tmpl_render_spans(t, vi, r, env, out, NULL, err);
}

/* Spans. */

void
tkt_spans_init(struct tkt_spans *sp)
{
	sp->v = NULL;
	sp->n = sp->cap = 0;
	tkt_buf_init(&sp->names);
}

void
tkt_spans_reset(struct tkt_spans *sp)
{
	sp->n = 0;
	tkt_buf_reset(&sp->names);
}

void
tkt_spans_free(struct tkt_spans *sp)
{
	free(sp->v);
	tkt_buf_free(&sp->names);
	tkt_spans_init(sp);
}

void
tkt_spans_add(struct tkt_spans *sp, const char *field, size_t flen,
    size_t start, size_t end, size_t bstart, size_t bend)
{
	struct tkt_span *x;

	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 8;
		sp->v = xreallocarray(sp->v, sp->cap, sizeof(*sp->v));
	}
	x = &sp->v[sp->n++];
	x->start = start;
	x->end = end;
	x->bstart = bstart;
	x->bend = bend;
	/* A span of the same field as the one before shares its name. */
	if (sp->n > 1 && strlen(sp->names.s + sp->v[sp->n - 2].field) == flen &&
	    memcmp(sp->names.s + sp->v[sp->n - 2].field, field, flen) == 0) {
		x->field = sp->v[sp->n - 2].field;
		return;
	}
	x->field = sp->names.len;
	if (flen > 0)
		tkt_buf_add(&sp->names, field, flen);
	tkt_buf_addc(&sp->names, '\0');
}

const char *
tkt_span_field(const struct tkt_spans *sp, size_t i)
{
	return sp->names.s + sp->v[i].field;
}

void
tkt_spans_json(const struct tkt_spans *sp, struct tkt_jw *w)
{
	tkt_jw_arr(w);
	for (size_t i = 0; i < sp->n; i++) {
		tkt_jw_obj(w);
		tkt_jw_key(w, "field");
		tkt_jw_str(w, tkt_span_field(sp, i));
		tkt_jw_key(w, "start");
		tkt_jw_int(w, (long long)sp->v[i].start);
		tkt_jw_key(w, "end");
		tkt_jw_int(w, (long long)sp->v[i].end);
		tkt_jw_obj_end(w);
	}
	tkt_jw_arr_end(w);
}

/*
 * The one reply renderer (tkt-template render, tkt-reply -t): the layers
 * of vars, the locale chain, the render and the length limit.
 */
int
tkt_reply_render(const struct tkt_tmpl *t, const struct tkt_config *cfg,
    const struct tkt_vars *defs, const char *locale, const struct tkt_rec *r,
    struct tkt_buf *text, struct tkt_spans *spans, struct tkt_locale_pick *pk,
    struct tkt_error *err)
{
	struct tkt_render_env env;
	const char *store = tkt_rec_field(r, "store");
	size_t n;
	int vi;

	env.nlayers = 0;
	if (defs != NULL)
		env.layers[env.nlayers++] = defs;
	for (size_t i = 0; store != NULL && i < cfg->nstores; i++)
		if (strcmp(cfg->stores[i].name, store) == 0) {
			env.layers[env.nlayers++] = &cfg->stores[i].vars;
			break;
		}
	env.layers[env.nlayers++] = &cfg->vars;
	vi = tkt_tmpl_pick(t, locale ? locale : tkt_rec_field(r, "locale"), pk);
	if (tkt_tmpl_render_spans(t, (size_t)vi, r, &env, text, spans,
	    err) == -1)
		return -1;
	/* A code point is a byte at least: short texts need no count. */
	if (text->len > TKT_REPLY_MAX &&
	    (n = tkt_utf8_count(text->s, text->len)) > TKT_REPLY_MAX) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "template %s, "
		    "locale %s: the reply is %zu characters, over the limit of "
		    "%d", t->name, pk->locale, n, TKT_REPLY_MAX);
		return -1;
	}
	return 0;
}

/* The search path. */

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_yaml(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' && ((l > 5 && strcmp(n + l - 5, ".yaml") == 0) ||
	    (l > 4 && strcmp(n + l - 4, ".yml") == 0));
}

static int
load_dir(struct tkt_tmplset *set, const char *dir, int must,
    struct tkt_error *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		if (!must && errno == ENOENT)
			return 0;
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "template directory: %s", strerror(errno));
		tkt_error_where(err, "%s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (is_yaml(de->d_name)) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xasprintf("%s/%s", dir, de->d_name);
		}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), str_cmp);
	for (size_t i = 0; i < n; i++) {
		struct tkt_tmpl *t;

		if (rc == 0) {
			if ((t = tkt_tmpl_load(names[i], err)) == NULL)
				rc = -1;
			else if (t->nd > 0) {
				tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
				    "%s (tkt-template lint says more)",
				    t->d[0].msg);
				tkt_error_where(err, "%s:%u:%u", names[i],
				    t->d[0].line, t->d[0].col);
				tkt_tmpl_free(t);
				rc = -1;
			} else if (tkt_tmplset_find(set, t->name) != NULL)
				tkt_tmpl_free(t);	/* the first one wins */
			else {
				set->t = xreallocarray(set->t, set->n + 1,
				    sizeof(*set->t));
				set->t[set->n++] = t;
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
tkt_tmplset_load(struct tkt_tmplset *set, char **dirs, size_t ndirs,
    struct tkt_error *err)
{
	char *share;
	int rc;

	set->t = NULL;
	set->n = 0;
	for (size_t i = 0; i < ndirs; i++)
		if (load_dir(set, dirs[i], 1, err) == -1)
			return -1;
	share = tkt_datafile("templates");
	rc = load_dir(set, share, 0, err);
	free(share);
	return rc;
}

void
tkt_tmplset_free(struct tkt_tmplset *set)
{
	for (size_t i = 0; i < set->n; i++)
		tkt_tmpl_free(set->t[i]);
	free(set->t);
	set->t = NULL;
	set->n = 0;
}

struct tkt_tmpl *
tkt_tmplset_find(const struct tkt_tmplset *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->t[i]->name != NULL && strcmp(set->t[i]->name, name) == 0)
			return set->t[i];
	return NULL;
}

struct tkt_tmpl *
tkt_tmplset_match(const struct tkt_tmplset *set, const struct tkt_rec *r)
{
	const char *v[M_N];

	match_values(r, v);
	for (size_t i = 0; i < set->n; i++)
		if (matches(set->t[i], v))
			return set->t[i];
	return NULL;
}
