/*
 * lint.c: the checks of tkt-template lint, each rule with its own name
 * (tkt-template(5)).  Field names are checked against share/tkt/record-fields,
 * policy phrases against the word lists (policy.c), and length by
 * rendering every variant against a worst-case record built from the same
 * field list.  Findings are data; the command prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

#define WORST_STR	64	/* code points of an ordinary worst-case string */
#define WORST_LONG	150	/* subject, product names */
#define WORST_TEXT	1000	/* messages */
#define WORST_ITEMS	3	/* orders, replies */

struct field {
	char	*path;		/* "orders[].sku" */
	char	*type;
	int	 nullable;
};

struct tkt_lint {
	struct field		*f;
	size_t			 nf;
	struct tkt_policy	*pol;
	char			**req;
	size_t			 nreq;
	char			*worst_json;
	struct tkt_rec		 worst;
};

struct out {
	struct tkt_finding	*f;
	size_t			 n, cap;
	const char		*file;
};

static void
add(struct out *o, unsigned line, unsigned col, int sev, const char *rule,
    const char *locale, const char *fmt, ...) TKT_PRINTF(7, 8);

static void
add(struct out *o, unsigned line, unsigned col, int sev, const char *rule,
    const char *locale, const char *fmt, ...)
{
	struct tkt_finding *f;
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->f = xreallocarray(o->f, o->cap, sizeof(*o->f));
	}
	f = &o->f[o->n++];
	f->file = xstrdup(o->file);
	f->line = line;
	f->col = col;
	f->severity = sev;
	f->rule = rule;
	f->message = xstrdup(msg);
	f->locale = locale ? xstrdup(locale) : NULL;
}

void
tkt_finding_line(const struct tkt_finding *f, int json, struct tkt_buf *b)
{
	const char *sev = f->severity == TKT_SEV_ERROR ? "error" : "warning";

	if (json) {
		struct tkt_jw w;

		tkt_jw_init(&w, b);
		tkt_jw_obj(&w);
		tkt_jw_key(&w, "file");
		tkt_jw_str(&w, f->file);
		tkt_jw_key(&w, "line");
		tkt_jw_int(&w, f->line);
		tkt_jw_key(&w, "col");
		tkt_jw_int(&w, f->col);
		tkt_jw_key(&w, "severity");
		tkt_jw_str(&w, sev);
		tkt_jw_key(&w, "rule");
		tkt_jw_str(&w, f->rule);
		tkt_jw_key(&w, "message");
		tkt_jw_str(&w, f->message);
		tkt_jw_key(&w, "locale");
		tkt_jw_str(&w, f->locale);
		tkt_jw_obj_end(&w);
	} else {
		tkt_buf_printf(b, "%s:%u:%u: %s: %s: ", f->file, f->line,
		    f->col, sev, f->rule);
		/* A message quotes the file: a line break in it stays on the line. */
		tkt_esc_buf(b, f->message, strlen(f->message), 0);
	}
	tkt_buf_addc(b, '\n');
}

void
tkt_findings_free(struct tkt_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].file);
		free(f[i].message);
		free(f[i].locale);
	}
	free(f);
}

/* The record field list. */

static int
fields_load(struct tkt_lint *l, struct tkt_error *err)
{
	char *path = tkt_datafile("record-fields"), *line = NULL;
	size_t cap = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "cannot read the record field list: %s", strerror(errno));
		tkt_error_where(err, "%s", path);
		free(path);
		return -1;
	}
	while (getline(&line, &cap, fp) != -1) {
		char *p, *t, *nl, *save = NULL;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((p = strtok_r(line, "\t\n", &save)) == NULL ||
		    (t = strtok_r(NULL, "\t\n", &save)) == NULL ||
		    (nl = strtok_r(NULL, "\t\n", &save)) == NULL)
			continue;
		l->f = xreallocarray(l->f, l->nf + 1, sizeof(*l->f));
		l->f[l->nf].path = xstrdup(p);
		l->f[l->nf].type = xstrdup(t);
		l->f[l->nf].nullable = strcmp(nl, "yes") == 0;
		l->nf++;
	}
	free(line);
	fclose(fp);
	free(path);
	return 0;
}

static const struct field *
field_find(const struct tkt_lint *l, const char *path)
{
	for (size_t i = 0; i < l->nf; i++)
		if (strcmp(l->f[i].path, path) == 0)
			return &l->f[i];
	return NULL;
}

/* The worst-case record: every field present, every string long. */

static void
worst_string(struct tkt_buf *b, const char *path)
{
	size_t n = WORST_STR;
	const char *leaf = strrchr(path, '.');

	leaf = leaf ? leaf + 1 : path;
	if (strcmp(leaf, "subject") == 0 || strcmp(leaf, "product_name") == 0)
		n = WORST_LONG;
	else if (strstr(leaf, "message") != NULL)
		n = WORST_TEXT;
	tkt_buf_addc(b, '"');
	for (size_t i = 0; i < n; i++)
		tkt_buf_addc(b, 'W');
	tkt_buf_addc(b, '"');
}

static void
worst_value(const struct tkt_lint *l, const struct field *f, struct tkt_buf *b);

static void
worst_object(const struct tkt_lint *l, const char *prefix, struct tkt_buf *b)
{
	size_t pl = strlen(prefix);
	int first = 1;

	tkt_buf_addc(b, '{');
	for (size_t i = 0; i < l->nf; i++) {
		const char *rest = l->f[i].path;

		if (strncmp(rest, prefix, pl) != 0)
			continue;
		rest += pl;
		if (strchr(rest, '.') != NULL || strchr(rest, '[') != NULL)
			continue;
		if (pl == 0 && (strcmp(rest, "reply") == 0 ||
		    strcmp(rest, "result") == 0 || strcmp(rest, "raw") == 0))
			continue;
		if (!first)
			tkt_buf_addc(b, ',');
		first = 0;
		tkt_json_strz(b, rest);
		tkt_buf_addc(b, ':');
		worst_value(l, &l->f[i], b);
	}
	tkt_buf_addc(b, '}');
}

static void
worst_value(const struct tkt_lint *l, const struct field *f, struct tkt_buf *b)
{
	if (strcmp(f->type, "object") == 0) {
		char *p = xasprintf("%s.", f->path);

		worst_object(l, p, b);
		free(p);
	} else if (strcmp(f->type, "array") == 0) {
		char *p = xasprintf("%s[].", f->path);
		int objects = 0;

		for (size_t i = 0; i < l->nf; i++)
			if (strncmp(l->f[i].path, p, strlen(p)) == 0)
				objects = 1;
		tkt_buf_addc(b, '[');
		for (int i = 0; i < WORST_ITEMS; i++) {
			if (i > 0)
				tkt_buf_addc(b, ',');
			if (objects)
				worst_object(l, p, b);
			else
				worst_string(b, f->path);
		}
		tkt_buf_addc(b, ']');
		free(p);
	} else if (strcmp(f->type, "bool") == 0)
		tkt_buf_adds(b, "true");
	else if (strcmp(f->type, "int") == 0)
		tkt_buf_adds(b, "99999");
	else if (strcmp(f->type, "money") == 0)
		tkt_buf_adds(b, "\"99999.99\"");
	else if (strcmp(f->type, "time") == 0)
		tkt_buf_adds(b, "\"2026-12-31T23:59:59Z\"");
	else if (strcmp(f->type, "date") == 0)
		tkt_buf_adds(b, "\"2026-12-31\"");
	else
		worst_string(b, f->path);
}

struct tkt_lint *
tkt_lint_new(char **req, size_t nreq, struct tkt_error *err)
{
	struct tkt_lint *l = xcalloc(1, sizeof(*l));
	struct tkt_buf b;

	if (fields_load(l, err) == -1 ||
	    (l->pol = tkt_policy_load(NULL, err)) == NULL) {
		tkt_lint_free(l);
		return NULL;
	}
	l->req = req;
	l->nreq = nreq;
	tkt_buf_init(&b);
	worst_object(l, "", &b);
	l->worst_json = tkt_buf_take(&b);
	tkt_rec_init(&l->worst);
	l->worst.name = "worst case";
	if (tkt_rec_parse(&l->worst, l->worst_json, strlen(l->worst_json),
	    TKT_RD_TREE, err) == -1) {
		tkt_lint_free(l);
		return NULL;
	}
	return l;
}

void
tkt_lint_free(struct tkt_lint *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->nf; i++) {
		free(l->f[i].path);
		free(l->f[i].type);
	}
	free(l->f);
	tkt_policy_free(l->pol);
	tkt_rec_free(&l->worst);
	free(l->worst_json);
	free(l);
}

/* Placeholders, statically: what each tag names in a record. */

/* "orders.0.sku" names "orders[].sku". */
static char *
normalize(const char *path)
{
	struct tkt_buf b;
	const char *p = path;

	tkt_buf_init(&b);
	while (*p != '\0') {
		size_t n = strcspn(p, ".");

		if (strspn(p, "0123456789") == n && b.len > 0)
			tkt_buf_adds(&b, "[]");
		else {
			if (b.len > 0)
				tkt_buf_addc(&b, '.');
			tkt_buf_add(&b, p, n);
		}
		p += n + (p[n] == '.');
	}
	return tkt_buf_take(&b);
}

/* The record's scope, then one per section: template.c bounds the nesting. */
#define SCOPES (TKT_TMPL_DEPTH + 1)

struct scope {
	char	*prefix;	/* names inside resolve under it; NULL: none */
	char	*guard;		/* the field a {{#section}} proves present */
};

/* The field path a tag names, a new string; NULL when no field fits. */
static char *
resolve(const struct tkt_lint *l, const struct scope *sc, int nsc,
    const char *path)
{
	char *norm = normalize(path), *res = NULL;
	size_t n0 = strcspn(norm, ".[");

	for (int d = nsc - 1; d >= 0 && res == NULL; d--) {
		char *first, *full;

		if (sc[d].prefix == NULL)
			continue;
		first = xasprintf("%s%.*s", sc[d].prefix, (int)n0, norm);
		if (field_find(l, first) == NULL) {
			free(first);
			continue;
		}
		free(first);
		full = xasprintf("%s%s", sc[d].prefix, norm);
		if (field_find(l, full) != NULL)
			res = full;
		else {
			free(full);
			break;	/* mustache stops at the first name it finds */
		}
	}
	free(norm);
	return res;
}

static int
guarded(const struct scope *sc, int nsc, const char *field)
{
	for (int d = 0; d < nsc; d++)
		if (sc[d].guard != NULL && strcmp(sc[d].guard, field) == 0)
			return 1;
	return 0;
}

struct pset {
	char	**v;
	size_t	  n;
};

static void
pset_add(struct pset *s, const char *p)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], p) == 0)
			return;
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(p);
}

static int
pset_has(const struct pset *s, const char *p)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], p) == 0)
			return 1;
	return 0;
}

static void
pset_free(struct pset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* unknown-field, nullable-field, empty-default; fills the placeholder set. */
static void
check_tags(const struct tkt_lint *l, const struct tkt_tmpl *t, size_t vi,
    const char *loc, struct out *o, struct pset *ps, struct tkt_vars *vars)
{
	const struct tkt_tmpl_tag *tg;
	struct scope sc[SCOPES];
	int nsc = 1;
	size_t n;

	tg = tkt_tmpl_tags(t, vi, &n);
	sc[0].prefix = xstrdup("");
	sc[0].guard = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct tkt_tmpl_tag *g = &tg[i];
		const struct field *f = NULL;
		char *full = NULL;
		unsigned line, col;

		tkt_tmpl_variant_pos(t, vi, g->off, &line, &col);
		if (g->kind == '/') {
			if (nsc > 1) {
				nsc--;
				free(sc[nsc].prefix);
				free(sc[nsc].guard);
			}
			continue;
		}
		if (g->def != NULL && *g->def == '\0')
			add(o, line, col, TKT_SEV_WARNING, "empty-default", loc,
			    "{{%s|}} has an empty default: the sentence may read "
			    "oddly when the value is missing", g->path);
		if (strncmp(g->path, "vars.", 5) == 0) {
			pset_add(ps, g->path);
			tkt_vars_set(vars, g->path + 5, "");
		} else if (strcmp(g->path, ".") != 0) {
			full = resolve(l, sc, nsc, g->path);
			if (full == NULL)
				add(o, line, col, TKT_SEV_ERROR, "unknown-field",
				    loc, "{{%s}}: no such field in a record "
				    "(see tkt-record(5))", g->path);
			else {
				f = field_find(l, full);
				pset_add(ps, full);
			}
		}
		if (g->kind == '$' && f != NULL && (strcmp(f->type, "object") == 0 ||
		    strcmp(f->type, "array") == 0))
			add(o, line, col, TKT_SEV_ERROR, "unknown-field", loc,
			    "{{%s}} is a %s, not a value: use {{#%s}}…{{/%s}}",
			    g->path, f->type, g->path, g->path);
		else if (g->kind == '$' && f != NULL && f->nullable &&
		    g->def == NULL && !guarded(sc, nsc, full))
			add(o, line, col, TKT_SEV_ERROR, "nullable-field", loc,
			    "{{%s}} may be null: give it a default ({{%s|…}}) or "
			    "guard it ({{#%s}}…{{/%s}})", g->path, g->path,
			    g->path, g->path);
		if (g->kind == '#' || g->kind == '^') {
			if (nsc < SCOPES) {
				sc[nsc].prefix = NULL;
				sc[nsc].guard = NULL;
				if (g->kind == '#' && f != NULL &&
				    strcmp(f->type, "array") == 0)
					sc[nsc].prefix = xasprintf("%s[].", full);
				else if (g->kind == '#' && f != NULL &&
				    strcmp(f->type, "object") == 0)
					sc[nsc].prefix = xasprintf("%s.", full);
				if (g->kind == '#')
					sc[nsc].guard = xstrdup(full ? full :
					    g->path);
				nsc++;
			}
		}
		free(full);
	}
	while (nsc > 0) {
		nsc--;
		free(sc[nsc].prefix);
		free(sc[nsc].guard);
	}
}

/* Scaffolding left from a draft. */

static int
wordc(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || (c & 0x80);
}

static int
word_at(const char *s, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);

	return i + k <= n && memcmp(s + i, w, k) == 0 &&
	    (i == 0 || !wordc((unsigned char)s[i - 1])) &&
	    (i + k == n || !wordc((unsigned char)s[i + k]));
}

/* Length of scaffolding at s[i], or 0. */
static size_t
scaffold_at(const char *s, size_t n, size_t i)
{
	static const char *words[] = { "TODO", "FIXME", "TBD", NULL };
	size_t j;

	switch (s[i]) {
	case '[': {
		size_t letters = 0;

		for (j = i + 1; j < n && j < i + 60; j++) {
			unsigned char c = (unsigned char)s[j];

			if (c == ']')
				break;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    c >= 0x80)
				letters++;
			else if (c != ' ' && c != '_' && c != '-' && c != '.')
				return 0;
		}
		if (j >= n || s[j] != ']' || letters < 2 ||
		    (j + 1 < n && s[j + 1] == '('))
			return 0;
		return j + 1 - i;
	}
	case '{':
		if ((i > 0 && s[i - 1] == '{') || i + 1 >= n || s[i + 1] == '{')
			return 0;
		for (j = i + 1; j < n && (wordc((unsigned char)s[j]) ||
		    s[j] == '.'); j++)
			;
		if (j == i + 1 || j >= n || s[j] != '}' ||
		    (j + 1 < n && s[j + 1] == '}'))
			return 0;
		return j + 1 - i;
	case '%':
		if (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
			return 0;
		j = i + 1;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j > i + 1 && (j >= n || s[j++] != '$'))
			return 0;
		if (j >= n || strchr("sdif@", s[j]) == NULL)
			return 0;
		if (j + 1 < n && wordc((unsigned char)s[j + 1]))
			return 0;
		return j + 1 - i;
	case 'X':
		if (i > 0 && wordc((unsigned char)s[i - 1]))
			return 0;
		for (j = i; j < n && s[j] == 'X'; j++)
			;
		if (j - i < 3 || (j < n && wordc((unsigned char)s[j])))
			return 0;
		return j - i;
	default:
		for (int w = 0; words[w] != NULL; w++)
			if (word_at(s, n, i, words[w]))
				return strlen(words[w]);
		return 0;
	}
}

static void
check_scaffolding(const struct tkt_tmpl *t, size_t vi, const char *loc,
    const char *s, size_t n, struct out *o)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = scaffold_at(s, n, i);
		unsigned line, col;

		if (k == 0)
			continue;
		tkt_tmpl_variant_pos(t, vi, i, &line, &col);
		add(o, line, col, TKT_SEV_ERROR, "scaffolding", loc,
		    "leftover scaffolding '%.*s'", (int)k, s + i);
		i += k - 1;
	}
}

static void
check_policy(const struct tkt_lint *l, const struct tkt_tmpl *t, size_t vi,
    const char *loc, const char *s, size_t n, struct out *o)
{
	struct tkt_policy_hit one[16], *hits = one;
	size_t nh = tkt_policy_check(l->pol, s, n, loc, hits, 16);
	struct tkt_buf q;

	/* Every match is a finding: more than fit, ask again with room. */
	if (nh > 16) {
		hits = xreallocarray(NULL, nh, sizeof(*hits));
		nh = tkt_policy_check(l->pol, s, n, loc, hits, nh);
	}
	tkt_buf_init(&q);
	for (size_t i = 0; i < nh; i++) {
		unsigned line, col;

		tkt_policy_quote(s, n, &hits[i], &q);
		tkt_tmpl_variant_pos(t, vi, hits[i].off, &line, &col);
		add(o, line, col, TKT_SEV_ERROR,
		    tkt_policy_rule_name(hits[i].rule), loc,
		    "%s: \"%s\" (lint/%s:%u)",
		    tkt_policy_rule_desc(hits[i].rule), q.s,
		    hits[i].list, hits[i].lineno);
	}
	tkt_buf_free(&q);
	if (hits != one)
		free(hits);
}

/* The variant's text with every tag blanked out, offsets unchanged. */
static char *
blank_tags(const char *s, size_t n)
{
	char *b = xmalloc(n + 1);
	size_t i = 0;

	memcpy(b, s, n);
	b[n] = '\0';
	while (i + 1 < n) {
		char *o = memmem(b + i, n - i, "{{", 2), *c;

		if (o == NULL)
			break;
		if ((c = memmem(o + 2, n - (size_t)(o + 2 - b), "}}", 2)) == NULL)
			break;
		c += 2;
		while (c < b + n && *c == '}')
			c++;
		memset(o, ' ', (size_t)(c - o));
		i = (size_t)(c - b);
	}
	return b;
}

static void
check_length(const struct tkt_lint *l, const struct tkt_tmpl *t, size_t vi,
    const char *loc, const struct tkt_vars *vars, struct out *o)
{
	struct tkt_vars worst = { NULL, 0 };
	struct tkt_render_env env;
	struct tkt_buf b;
	struct tkt_error err;
	char w[WORST_STR + 1];

	memset(w, 'W', WORST_STR);
	w[WORST_STR] = '\0';
	for (size_t i = 0; i < vars->n; i++)
		tkt_vars_set(&worst, vars->v[i].name, w);
	env.layers[0] = &worst;
	env.nlayers = 1;
	tkt_buf_init(&b);
	tkt_error_clear(&err);
	if (tkt_tmpl_render(t, vi, &l->worst, &env, &b, &err) == 0) {
		size_t cp = tkt_utf8_count(b.s, b.len);

		if (cp > TKT_REPLY_MAX) {
			unsigned line, col;

			tkt_tmpl_variant_key_pos(t, vi, &line, &col);
			add(o, line, col, TKT_SEV_ERROR, "length", loc,
			    "renders to %zu characters with worst-case values "
			    "(over %d)", cp, TKT_REPLY_MAX);
		}
	}
	tkt_buf_free(&b);
	tkt_vars_free(&worst);
}

static int
variant_broken(const struct tkt_tmpl *t, const char *loc)
{
	for (size_t i = 0; i < tkt_tmpl_ndiags(t); i++) {
		const struct tkt_tmpl_diag *d = tkt_tmpl_diag(t, i);

		if (d->locale != NULL && strcmp(d->locale, loc) == 0)
			return 1;
	}
	return 0;
}

static void
check_mismatch(const struct tkt_tmpl *t, size_t vi, const char *loc,
    const struct pset *mine, const struct pset *def, const char *defloc,
    struct out *o)
{
	struct tkt_buf b;
	unsigned line, col;

	tkt_buf_init(&b);
	for (size_t i = 0; i < def->n; i++)
		if (!pset_has(mine, def->v[i]))
			tkt_buf_printf(&b, "%sno {{%s}}", b.len ? ", " : "",
			    def->v[i]);
	for (size_t i = 0; i < mine->n; i++)
		if (!pset_has(def, mine->v[i]))
			tkt_buf_printf(&b, "%s{{%s}} only here", b.len ? ", " : "",
			    mine->v[i]);
	if (b.len > 0) {
		tkt_tmpl_variant_key_pos(t, vi, &line, &col);
		add(o, line, col, TKT_SEV_ERROR, "placeholder-mismatch", loc,
		    "placeholders differ from default_locale %s: %s", defloc,
		    b.s);
	}
	tkt_buf_free(&b);
}

static void
check_locales(const struct tkt_lint *l, const struct tkt_tmpl *t,
    struct out *o)
{
	unsigned line = 1, col = 1;

	if (tkt_tmpl_nvariants(t) == 0)
		return;
	tkt_tmpl_variant_key_pos(t, 0, &line, &col);
	for (size_t i = 0; i < l->nreq; i++) {
		const char *r = l->req[i];
		size_t j, rl = strlen(r), lang = strcspn(r, "-_");

		for (j = 0; j < tkt_tmpl_nvariants(t); j++) {
			const char *v = tkt_tmpl_variant(t, j, NULL, NULL);

			if (strcasecmp(v, r) == 0 || (lang < rl &&
			    strlen(v) == lang && strncasecmp(v, r, lang) == 0))
				break;
		}
		if (j == tkt_tmpl_nvariants(t))
			add(o, line > 1 ? line - 1 : 1, 1, TKT_SEV_ERROR,
			    "missing-locale", r,
			    "no text for required locale %s", r);
	}
}

static int
finding_cmp(const void *a, const void *b)
{
	const struct tkt_finding *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

/* "path:12:3" at the end of err->where gives line and column. */
static void
where_pos(const char *where, unsigned *line, unsigned *col)
{
	const char *c2 = strrchr(where, ':'), *c1;

	*line = *col = 1;
	if (c2 == NULL)
		return;
	for (c1 = c2 - 1; c1 > where && *c1 != ':'; c1--)
		;
	if (*c1 == ':') {
		*line = (unsigned)strtoul(c1 + 1, NULL, 10);
		*col = (unsigned)strtoul(c2 + 1, NULL, 10);
	} else
		*line = (unsigned)strtoul(c2 + 1, NULL, 10);
}

int
tkt_lint_file(struct tkt_lint *l, const char *path, struct tkt_finding **res,
    size_t *nres, struct tkt_error *err)
{
	struct out o = { NULL, 0, 0, path };
	struct tkt_tmpl *t;
	struct pset *ps;
	struct tkt_vars vars = { NULL, 0 };
	size_t nv, defi = (size_t)-1;
	const char *defloc;

	*res = NULL;
	*nres = 0;
	if ((t = tkt_tmpl_load(path, err)) == NULL) {
		unsigned line, col;

		if (strchr(err->where, ':') == NULL)
			return -1;	/* unreadable, not malformed */
		where_pos(err->where, &line, &col);
		add(&o, line, col, TKT_SEV_ERROR, "syntax", NULL, "%s",
		    err->msg);
		*res = o.f;
		*nres = o.n;
		return 0;
	}
	for (size_t i = 0; i < tkt_tmpl_ndiags(t); i++) {
		const struct tkt_tmpl_diag *d = tkt_tmpl_diag(t, i);

		add(&o, d->line, d->col, TKT_SEV_ERROR, "syntax", d->locale,
		    "%s", d->msg);
	}
	nv = tkt_tmpl_nvariants(t);
	ps = xcalloc(nv ? nv : 1, sizeof(*ps));
	defloc = tkt_tmpl_default_locale(t);
	for (size_t vi = 0; vi < nv; vi++) {
		const char *text, *loc = tkt_tmpl_variant(t, vi, &text, NULL);
		size_t len;
		char *blank;

		tkt_tmpl_variant(t, vi, &text, &len);
		if (variant_broken(t, loc))
			continue;
		if (defloc != NULL && strcmp(loc, defloc) == 0)
			defi = vi;
		blank = blank_tags(text, len);
		check_tags(l, t, vi, loc, &o, &ps[vi], &vars);
		check_scaffolding(t, vi, loc, blank, len, &o);
		check_policy(l, t, vi, loc, blank, len, &o);
		free(blank);
	}
	for (size_t vi = 0; vi < nv; vi++) {
		const char *loc = tkt_tmpl_variant(t, vi, NULL, NULL);

		if (variant_broken(t, loc))
			continue;
		check_length(l, t, vi, loc, &vars, &o);
		if (defi != (size_t)-1 && vi != defi)
			check_mismatch(t, vi, loc, &ps[vi], &ps[defi], defloc, &o);
	}
	check_locales(l, t, &o);
	for (size_t vi = 0; vi < nv; vi++)
		pset_free(&ps[vi]);
	free(ps);
	tkt_vars_free(&vars);
	tkt_tmpl_free(t);
	if (o.n > 1)
		qsort(o.f, o.n, sizeof(*o.f), finding_cmp);
	*res = o.f;
	*nres = o.n;
	return 0;
}
