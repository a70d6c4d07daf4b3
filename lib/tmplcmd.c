/*
 * tmplcmd.c: the tkt-template drivers (tkt-template(1)), one a
 * subcommand.  render passes each record through the record loop byte for
 * byte with "reply" added (tkt_reply_render, the one reply renderer); a
 * record no template fits is counted by its kind (type, sub_label,
 * locale) and each kind reported once at the end, other render errors
 * once per record.  lint prints findings; list and show the search path's
 * templates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

static int
load_all(struct tkt_config *cfg, struct tkt_tmplset *set)
{
	struct tkt_error err;

	tkt_error_clear(&err);
	if (tkt_config_load(cfg, &err) == -1) {
		tkt_error_print(&err);
		tkt_config_free(cfg);
		return -1;
	}
	if (tkt_tmplset_load(set, cfg->template_dirs, cfg->ntemplate_dirs,
	    &err) == -1) {
		tkt_error_print(&err);
		tkt_tmplset_free(set);
		tkt_config_free(cfg);
		return -1;
	}
	return 0;
}

/*
 * A template by name, or by path when the name looks like a file (*own
 * is then the new template); NULL after saying why.
 */
static struct tkt_tmpl *
find_template(const struct tkt_tmplset *set, const char *name,
    struct tkt_tmpl **own)
{
	struct tkt_tmpl *t;
	struct tkt_error err;
	size_t n = strlen(name);

	*own = NULL;
	if (strchr(name, '/') == NULL && !(n > 5 &&
	    strcmp(name + n - 5, ".yaml") == 0)) {
		if ((t = tkt_tmplset_find(set, name)) == NULL)
			tkt_warnx("no template named '%s' (tkt-template list "
			    "shows them)", name);
		return t;
	}
	tkt_error_clear(&err);
	if ((t = tkt_tmpl_load(name, &err)) == NULL) {
		tkt_error_print(&err);
		return NULL;
	}
	if (tkt_tmpl_ndiags(t) > 0) {
		const struct tkt_tmpl_diag *d = tkt_tmpl_diag(t, 0);

		tkt_warnx("%s:%u:%u: %s (tkt-template lint says more)", name,
		    d->line, d->col, d->msg);
		tkt_tmpl_free(t);
		return NULL;
	}
	return *own = t;
}

/* render */

/*
 * Records counted by kind: those no template fits by type, sub_label and
 * locale; those answered in another language by the language asked and
 * the locale given.
 */
struct kind {
	char		*f[3];		/* NULL: null */
	uint32_t	 hash;
	uintmax_t	 n;
};

struct kinds {
	struct kind	*v;		/* in order of first sight */
	size_t		 n;
	uint32_t	*slots;		/* kind index + 1; 0: empty */
	size_t		 nslots;	/* a power of 2 */
};

struct render {
	const struct tkt_tmpl_opts	*o;
	struct tkt_config		 cfg;
	struct tkt_tmplset		 set;
	struct tkt_tmpl			*fixed, *own;
	struct tkt_buf			 text, reply, line, msg;
	struct tkt_spans		 spans;
	struct kinds			 unmatched, fallbacks;
	int				 refuse;	/* a fallback is an error */
	int				 wfail;		/* a write to stdout failed */
};

static const char *const match_fields[] = {
	"type", "sub_label", "label", "state", "locale"
};

static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static uint32_t
kind_hash(const char *const f[3])
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 3; i++) {
		h = (h ^ (f[i] != NULL ? 1u : 2u)) * 16777619u;
		for (const char *p = f[i]; p != NULL && *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
	}
	return h;
}

static void
kinds_grow(struct kinds *K)
{
	free(K->slots);
	K->nslots = K->nslots ? K->nslots * 2 : 64;
	K->slots = xcalloc(K->nslots, sizeof(*K->slots));
	for (size_t k = 0; k < K->n; k++) {
		size_t i = K->v[k].hash & (K->nslots - 1);

		while (K->slots[i] != 0)
			i = (i + 1) & (K->nslots - 1);
		K->slots[i] = (uint32_t)k + 1;
	}
}

static void
kind_count(struct kinds *K, const char *const f[3])
{
	uint32_t h = kind_hash(f);
	struct kind *k;
	size_t i;

	if (2 * (K->n + 1) > K->nslots)
		kinds_grow(K);
	for (i = h & (K->nslots - 1); K->slots[i] != 0;
	    i = (i + 1) & (K->nslots - 1)) {
		k = &K->v[K->slots[i] - 1];
		if (k->hash == h && same(k->f[0], f[0]) &&
		    same(k->f[1], f[1]) && same(k->f[2], f[2])) {
			k->n++;
			return;
		}
	}
	K->v = xreallocarray(K->v, K->n + 1, sizeof(*K->v));
	k = &K->v[K->n++];
	for (int j = 0; j < 3; j++)
		k->f[j] = f[j] ? xstrdup(f[j]) : NULL;
	k->hash = h;
	k->n = 1;
	K->slots[i] = (uint32_t)K->n;
}

static void
kinds_free(struct kinds *K)
{
	for (size_t i = 0; i < K->n; i++)
		for (int j = 0; j < 3; j++)
			free(K->v[i].f[j]);
	free(K->v);
	free(K->slots);
	memset(K, 0, sizeof(*K));
}

/*
 * The error of a record no template fits, into R->text (no printf: half
 * the records of a run may take this way), counted by its kind.
 */
static void
unmatched(struct render *R, const struct tkt_rec *r)
{
	const char *v[5], *f[3];

	tkt_buf_reset(&R->text);
	tkt_buf_adds(&R->text, "no template matches this ticket (");
	for (size_t i = 0; i < 5; i++) {
		v[i] = tkt_rec_field(r, match_fields[i]);
		if (i > 0)
			tkt_buf_adds(&R->text, ", ");
		tkt_buf_adds(&R->text, match_fields[i]);
		tkt_buf_addc(&R->text, ' ');
		tkt_buf_adds(&R->text, v[i] ? v[i] : "null");
	}
	tkt_buf_addc(&R->text, ')');
	f[0] = v[0];
	f[1] = v[1];
	f[2] = v[4];
	kind_count(&R->unmatched, f);
}

/* Each kind of record no template fits, once, with its count. */
static void
kinds_report(struct render *R)
{
	for (size_t i = 0; i < R->unmatched.n && !R->wfail; i++) {
		struct kind *k = &R->unmatched.v[i];

		tkt_warnx("%ju ticket%s matched no template (type %s, "
		    "sub_label %s, locale %s)", k->n, k->n == 1 ? "" :
		    "s", k->f[0] ? k->f[0] : "null", k->f[1] ? k->f[1] :
		    "null", k->f[2] ? k->f[2] : "null");
	}
}

/* At most this many languages are named in the fallback line. */
#define FALLBACK_NAMED 12

/* A reply in another language than the one asked, counted. */
static void
fallback_count(struct render *R, const struct tkt_locale_pick *pk)
{
	const char *f[3];
	char *lang;

	lang = xstrndup(pk->requested, tkt_locale_lang_len(pk->requested));
	for (char *p = lang; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	f[0] = lang;
	f[1] = pk->locale;
	f[2] = NULL;
	kind_count(&R->fallbacks, f);
	free(lang);
}

/*
 * One line for every reply in another language than its buyer's: "3
 * buyers in fi got en, 1 in nl got en (…)", in order of first sight.
 */
static void
fallback_report(struct render *R)
{
	struct tkt_buf b;
	uintmax_t rest = 0;
	size_t nrest = 0;

	if (R->fallbacks.n == 0 || R->wfail)
		return;
	tkt_buf_init(&b);
	for (size_t i = 0; i < R->fallbacks.n; i++) {
		struct kind *k = &R->fallbacks.v[i];

		if (i >= FALLBACK_NAMED) {
			rest += k->n;
			nrest++;
			continue;
		}
		tkt_buf_printf(&b, "%s%ju%s in %s got %s", i ? ", " : "", k->n,
		    i ? "" : k->n == 1 ? " buyer" : " buyers", k->f[0], k->f[1]);
	}
	if (nrest > 0)
		tkt_buf_printf(&b, ", %ju more in %zu other language%s", rest,
		    nrest, nrest == 1 ? "" : "s");
	tkt_warnx("%s (no text in their language; --no-fallback refuses)",
	    b.s);
	tkt_buf_free(&b);
}

/* The "reply" member: the text, or the error (err; NULL: none). */
static void
reply_json(struct render *R, const struct tkt_tmpl *t,
    const struct tkt_locale_pick *pk, const char *err)
{
	struct tkt_jw w;

	tkt_buf_reset(&R->reply);
	tkt_jw_init(&w, &R->reply);
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "template");
	tkt_jw_str(&w, t ? tkt_tmpl_name(t) : NULL);
	if (err != NULL) {
		tkt_jw_key(&w, "error");
		tkt_jw_str(&w, err);
	} else {
		tkt_jw_key(&w, "locale");
		tkt_jw_str(&w, pk->locale);
		tkt_jw_key(&w, "requested_locale");
		tkt_jw_str(&w, pk->requested);
		tkt_jw_key(&w, "fallback");
		tkt_jw_bool(&w, pk->fallback);
		tkt_jw_key(&w, "text");
		tkt_jw_strn(&w, R->text.s, R->text.len);
		tkt_jw_key(&w, "spans");
		tkt_spans_json(&R->spans, &w);
	}
	tkt_jw_obj_end(&w);
}

/* One record in, the same record with "reply" out. */
static int
render_one(struct tkt_rec *r, void *arg)
{
	struct render *R = arg;
	const struct tkt_tmpl *t = R->fixed;
	struct tkt_locale_pick pk = { NULL, NULL, 0 };	/* read only on success */
	struct tkt_error err;
	struct tkt_edit ed;
	const char *why = NULL;	/* the error, if any */

	tkt_error_clear(&err);
	if (t == NULL && (t = tkt_tmplset_match(&R->set, r)) == NULL) {
		unmatched(R, r);
		why = R->text.s;
	} else if (tkt_reply_render(t, &R->cfg, &R->o->defs, R->o->locale, r,
	    &R->text, &R->spans, &pk, &err) == -1) {
		why = err.msg;
	} else if (pk.fallback && R->refuse) {
		tkt_tmpl_fallback_msg(t, &pk, &R->msg);
		why = R->msg.s;
	} else if (pk.fallback)
		fallback_count(R, &pk);
	if (why != NULL && why != R->text.s) {
		const char *id = tkt_rec_field(r, "id");

		tkt_warnx("%s:%ju: ticket %s: %s", r->name, r->lineno,
		    id ? id : "(no id)", why);
	}
	reply_json(R, t, &pk, why);
	ed.key = "reply";
	ed.val = R->reply.s;
	ed.len = R->reply.len;
	tkt_buf_reset(&R->line);
	tkt_rec_splice(r, &ed, 1, &R->line);
	if (tkt_out_line(R->line.s, R->line.len) == -1 || ferror(stdout)) {
		R->wfail = 1;
		return -1;
	}
	return why != NULL ? TKT_EXIT_NO : TKT_EXIT_OK;
}

int
tkt_template_render(const struct tkt_tmpl_opts *o)
{
	struct render R;
	struct tkt_loop *rd;
	int status;

	memset(&R, 0, sizeof(R));
	R.o = o;
	if (load_all(&R.cfg, &R.set) == -1)
		return TKT_EXIT_USAGE;
	if (o->name != NULL && (R.fixed = find_template(&R.set, o->name,
	    &R.own)) == NULL) {
		tkt_tmplset_free(&R.set);
		tkt_config_free(&R.cfg);
		return TKT_EXIT_USAGE;
	}
	rd = tkt_loop_new(o->operands, o->noperands, TKT_RD_TREE | TKT_RD_TOP);
	tkt_loop_hint(rd, "tickets (JSON lines, as tkt-list writes them)");
	tkt_out_init();
	tkt_buf_init(&R.text);
	tkt_buf_init(&R.reply);
	tkt_buf_init(&R.line);
	tkt_buf_init(&R.msg);
	tkt_spans_init(&R.spans);
	R.refuse = o->no_fallback || R.cfg.fallback_refuse;
	status = tkt_loop_run(rd, render_one, &R);
	kinds_report(&R);
	fallback_report(&R);
	kinds_free(&R.unmatched);
	kinds_free(&R.fallbacks);
	tkt_spans_free(&R.spans);
	tkt_buf_free(&R.text);
	tkt_buf_free(&R.reply);
	tkt_buf_free(&R.line);
	tkt_buf_free(&R.msg);
	tkt_loop_free(rd);
	tkt_tmpl_free(R.own);
	tkt_tmplset_free(&R.set);
	tkt_config_free(&R.cfg);
	return R.wfail ? TKT_EXIT_SYSTEM : status;
}

/* lint */

static int
print_finding(const struct tkt_finding *f, int json, struct tkt_buf *b)
{
	tkt_buf_reset(b);
	tkt_finding_line(f, json, b);
	return tkt_out_line(b->s, b->len) == -1 || ferror(stdout) ? -1 : 0;
}

/* Lints one file: its findings printed, its status; -1 on a failed write. */
static int
lint_one(struct tkt_lint *l, const char *path, const struct tkt_tmpl_opts *o,
    struct tkt_buf *b)
{
	struct tkt_finding *f;
	struct tkt_error err;
	size_t n;
	int status = TKT_EXIT_OK;

	tkt_error_clear(&err);
	if (tkt_lint_file(l, path, &f, &n, &err) == -1) {
		tkt_error_print(&err);
		return TKT_EXIT_USAGE;
	}
	for (size_t j = 0; j < n && status != -1; j++) {
		if (print_finding(&f[j], o->json, b) == -1)
			status = -1;
		else if (f[j].severity == TKT_SEV_ERROR || o->strict)
			status = TKT_EXIT_NO;
	}
	tkt_findings_free(f, n);
	return status;
}

int
tkt_template_lint(const struct tkt_tmpl_opts *o)
{
	struct tkt_config cfg;
	struct tkt_strs req = { NULL, 0 };
	struct tkt_lint *l;
	struct tkt_error err;
	struct tkt_buf b;
	int rc, status = TKT_EXIT_OK;

	tkt_error_clear(&err);
	if (tkt_config_load(&cfg, &err) == -1) {
		tkt_error_print(&err);
		tkt_config_free(&cfg);
		return TKT_EXIT_USAGE;
	}
	for (size_t j = 0; j < o->req.n; j++)
		tkt_strs_add(&req, o->req.v[j]);
	for (size_t j = 0; o->req.n == 0 && j < cfg.nrequired_locales; j++)
		tkt_strs_addlist(&req, cfg.required_locales[j]);
	tkt_config_free(&cfg);
	if ((l = tkt_lint_new(req.v, req.n, &err)) == NULL) {
		tkt_error_print(&err);
		tkt_strs_free(&req);
		return TKT_EXIT_USAGE;
	}
	tkt_out_init();
	tkt_buf_init(&b);
	for (int i = 0; i < o->noperands; i++) {
		if ((rc = lint_one(l, o->operands[i], o, &b)) == -1) {
			status = TKT_EXIT_SYSTEM;
			break;
		}
		status = tkt_exit_merge(status, rc);
	}
	tkt_buf_free(&b);
	tkt_lint_free(l);
	tkt_strs_free(&req);	/* the linter borrowed it */
	return status;
}

/* list */

/* Is variant j the first of the template in its language? */
static int
first_of_lang(const struct tkt_tmpl *t, size_t j)
{
	const char *loc = tkt_tmpl_variant(t, j, NULL, NULL);

	for (size_t i = 0; i < j; i++)
		if (tkt_locale_same_lang(tkt_tmpl_variant(t, i, NULL, NULL), loc))
			return 0;
	return 1;
}

/* Appends the template's languages, each once, lowercase, joined by sep. */
static void
languages(const struct tkt_tmpl *t, struct tkt_buf *b, const char *sep)
{
	int n = 0;

	for (size_t j = 0; j < tkt_tmpl_nvariants(t); j++) {
		const char *loc = tkt_tmpl_variant(t, j, NULL, NULL);
		size_t len = tkt_locale_lang_len(loc);

		if (!first_of_lang(t, j))
			continue;
		if (n++ > 0)
			tkt_buf_adds(b, sep);
		for (size_t i = 0; i < len; i++)
			tkt_buf_addc(b, loc[i] >= 'A' && loc[i] <= 'Z' ?
			    loc[i] - 'A' + 'a' : loc[i]);
	}
}

static void
list_row(const struct tkt_tmpl *t, struct tkt_buf *b)
{
	size_t l;

	languages(t, b, ",");
	tkt_buf_addc(b, '\0');
	l = b->len;
	for (size_t j = 0; j < tkt_tmpl_nvariants(t); j++)
		tkt_buf_printf(b, "%s%s", j ? "," : "",
		    tkt_tmpl_variant(t, j, NULL, NULL));
	printf("%-28s %-6s %-5s %-15s %-22s %s\n", tkt_tmpl_name(t),
	    tkt_tmpl_has_match(t) ? "yes" : "no", tkt_tmpl_default_locale(t),
	    b->s, b->s + l, tkt_tmpl_description(t) ?
	    tkt_tmpl_description(t) : "");
}

static void
list_json(const struct tkt_tmpl *t, struct tkt_buf *b)
{
	struct tkt_jw w;

	tkt_jw_init(&w, b);
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "name");
	tkt_jw_str(&w, tkt_tmpl_name(t));
	tkt_jw_key(&w, "description");
	tkt_jw_str(&w, tkt_tmpl_description(t));
	tkt_jw_key(&w, "path");
	tkt_jw_str(&w, tkt_tmpl_path(t));
	tkt_jw_key(&w, "default_locale");
	tkt_jw_str(&w, tkt_tmpl_default_locale(t));
	tkt_jw_key(&w, "locales");
	tkt_jw_arr(&w);
	for (size_t j = 0; j < tkt_tmpl_nvariants(t); j++)
		tkt_jw_str(&w, tkt_tmpl_variant(t, j, NULL, NULL));
	tkt_jw_arr_end(&w);
	tkt_jw_key(&w, "languages");
	tkt_jw_arr(&w);
	for (size_t j = 0; j < tkt_tmpl_nvariants(t); j++) {
		const char *loc = tkt_tmpl_variant(t, j, NULL, NULL);
		char *lang;

		if (!first_of_lang(t, j))
			continue;
		lang = xstrndup(loc, tkt_locale_lang_len(loc));
		for (char *p = lang; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		tkt_jw_str(&w, lang);
		free(lang);
	}
	tkt_jw_arr_end(&w);
	tkt_jw_key(&w, "match");
	tkt_tmpl_match_json(t, &w);
	tkt_jw_obj_end(&w);
	tkt_buf_addc(b, '\n');
}

int
tkt_template_list(const struct tkt_tmpl_opts *o)
{
	struct tkt_config cfg;
	struct tkt_tmplset set;
	struct tkt_buf b;
	int table, status = TKT_EXIT_OK;

	if (load_all(&cfg, &set) == -1)
		return TKT_EXIT_USAGE;
	table = tkt_want_table(o->table);
	tkt_buf_init(&b);
	if (table)
		printf("%-28s %-6s %-5s %-15s %-22s %s\n", "NAME", "AUTO", "DEF",
		    "LANGUAGES", "LOCALES", "DESCRIPTION");
	for (size_t i = 0; i < set.n; i++) {
		tkt_buf_reset(&b);
		if (table)
			list_row(set.t[i], &b);
		else {
			list_json(set.t[i], &b);
			if (tkt_out_line(b.s, b.len) == -1 || ferror(stdout)) {
				status = TKT_EXIT_SYSTEM;
				break;
			}
		}
	}
	tkt_buf_free(&b);
	tkt_tmplset_free(&set);
	tkt_config_free(&cfg);
	return status;
}

/* show */

/* Copies the template's file to stdout. */
static int
show_file(const struct tkt_tmpl *t)
{
	FILE *fp = fopen(tkt_tmpl_path(t), "r");
	char buf[8192];
	size_t n;
	int status = TKT_EXIT_OK;

	if (fp == NULL) {
		tkt_warn("%s", tkt_tmpl_path(t));
		return TKT_EXIT_USAGE;
	}
	while (status == TKT_EXIT_OK && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			status = TKT_EXIT_SYSTEM;
	if (ferror(fp)) {
		tkt_warn("%s", tkt_tmpl_path(t));
		status = tkt_exit_merge(status, TKT_EXIT_USAGE);
	}
	fclose(fp);
	return status;
}

/* Prints the text render would use for locale. */
static int
show_text(const struct tkt_tmpl *t, const char *locale)
{
	struct tkt_locale_pick pk;
	const char *text;
	size_t len;

	tkt_tmpl_variant(t, (size_t)tkt_tmpl_pick(t, locale, &pk), &text, &len);
	if (pk.fallback)
		tkt_warnx("%s has no text for %s; showing %s", tkt_tmpl_name(t),
		    locale, pk.locale);
	return fwrite(text, 1, len, stdout) == len ? TKT_EXIT_OK :
	    TKT_EXIT_SYSTEM;
}

int
tkt_template_show(const struct tkt_tmpl_opts *o)
{
	struct tkt_config cfg;
	struct tkt_tmplset set;
	struct tkt_tmpl *t, *own = NULL;
	int status = TKT_EXIT_USAGE;

	if (load_all(&cfg, &set) == -1)
		return TKT_EXIT_USAGE;
	if ((t = find_template(&set, o->name, &own)) != NULL)
		status = o->locale ? show_text(t, o->locale) : show_file(t);
	tkt_tmpl_free(own);
	tkt_tmplset_free(&set);
	tkt_config_free(&cfg);
	return status;
}
