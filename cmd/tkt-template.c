/*
 * tkt-template: reply templates (tkt-template(1), tkt-template(5)).
 * render reads records (the files named, or stdin) and writes each one
 * back byte for byte with "reply" added, from -t NAME or --auto, in -l
 * LOCALE or the buyer's, with -D NAME=VALUE vars.  lint FILE… prints
 * findings (--json, --strict, --require-locales).  list and show NAME
 * [-l LOCALE] print the templates of the search path.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

static const char usage_text[] =
    "usage: tkt-template render (-t NAME | --auto) [-l LOCALE] "
    "[-D NAME=VALUE]... [FILE...]\n"
    "       tkt-template lint [--json] [--strict] [--require-locales LIST] "
    "FILE...\n"
    "       tkt-template list [--json | --table]\n"
    "       tkt-template show NAME [-l LOCALE]\n";

static TKT_NORETURN void
usage(void)
{
	fputs(usage_text, stderr);
	exit(TKT_EXIT_USAGE);
}

static TKT_NORETURN void
help(void)
{
	fputs(usage_text, stdout);
	exit(tkt_close_stdout() ? TKT_EXIT_USAGE : TKT_EXIT_OK);
}

struct opts {
	const char	*name;		/* -t */
	int		 aut;		/* --auto */
	const char	*locale;	/* -l */
	struct tkt_vars	 defs;		/* -D */
	int		 json;		/* lint --json */
	int		 strict;
	char		**req;		/* --require-locales */
	size_t		 nreq;
	int		 table;		/* list: -1 auto, 0 json, 1 table */
};

enum { O_AUTO = 256, O_JSON, O_TABLE, O_STRICT, O_REQ, O_HELP, O_VERSION };

static const struct option longopts[] = {
	{ "template", required_argument, NULL, 't' },
	{ "auto", no_argument, NULL, O_AUTO },
	{ "locale", required_argument, NULL, 'l' },
	{ "define", required_argument, NULL, 'D' },
	{ "json", no_argument, NULL, O_JSON },
	{ "table", no_argument, NULL, O_TABLE },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "require-locales", required_argument, NULL, O_REQ },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void
add_list(struct opts *o, const char *arg)
{
	char *s = xstrdup(arg), *p, *save = NULL;

	for (p = strtok_r(s, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save)) {
		o->req = xreallocarray(o->req, o->nreq + 1, sizeof(*o->req));
		o->req[o->nreq++] = xstrdup(p);
	}
	free(s);
}

/* Parses the options a subcommand allows (allowed: its letters and O_ codes). */
static int
parse_opts(int argc, char **argv, const char *shorts, const int *allowed,
    struct opts *o)
{
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		int ok = ch == 'h' || ch == O_VERSION;

		for (const int *a = allowed; *a != 0; a++)
			ok |= *a == ch;
		if (!ok) {
			tkt_warnx("%s: %s: %s", argv[0], argv[optind - 1],
			    ch == '?' || ch == ':' ? "unknown option or missing "
			    "argument" : "not an option of this command");
			usage();
		}
		switch (ch) {
		case 't':
			o->name = optarg;
			break;
		case O_AUTO:
			o->aut = 1;
			break;
		case 'l':
			o->locale = optarg;
			break;
		case 'D': {
			const char *eq = strchr(optarg, '=');
			char *name;

			if (eq == NULL || eq == optarg)
				tkt_errx(TKT_EXIT_USAGE,
				    "-D %s: expected NAME=VALUE", optarg);
			else {
				name = xstrndup(optarg, (size_t)(eq - optarg));
				tkt_vars_set(&o->defs, name, eq + 1);
				free(name);
			}
			break;
		}
		case O_JSON:
			o->json = 1;
			o->table = 0;
			break;
		case O_TABLE:
			o->table = 1;
			break;
		case O_STRICT:
			o->strict = 1;
			break;
		case O_REQ:
			add_list(o, optarg);
			break;
		case 'h':
			help();
		case O_VERSION:
			tkt_print_version();
			exit(tkt_close_stdout() ? TKT_EXIT_USAGE : TKT_EXIT_OK);
		default:
			usage();
		}
	}
	return optind;
}

/* A template by name, or by path when the name looks like a file. */
static struct tkt_tmpl *
find_template(const struct tkt_tmplset *set, const char *name,
    struct tkt_tmpl **own)
{
	struct tkt_tmpl *t;
	struct tkt_error err = { 0 };
	size_t n = strlen(name);

	*own = NULL;
	if (strchr(name, '/') == NULL && !(n > 5 &&
	    strcmp(name + n - 5, ".yaml") == 0)) {
		if ((t = tkt_tmplset_find(set, name)) == NULL)
			tkt_errx(TKT_EXIT_USAGE, "no template named '%s' "
			    "(tkt-template list shows them)", name);
		return t;
	}
	tkt_error_clear(&err);
	if ((t = tkt_tmpl_load(name, &err)) == NULL) {
		tkt_error_print(&err);
		exit(TKT_EXIT_USAGE);
	}
	if (tkt_tmpl_ndiags(t) > 0) {
		const struct tkt_tmpl_diag *d = tkt_tmpl_diag(t, 0);

		tkt_errx(TKT_EXIT_USAGE, "%s:%u:%u: %s (tkt-template lint "
		    "says more)", name, d->line, d->col, d->msg);
	}
	return *own = t;
}

static void
load_all(struct tkt_config *cfg, struct tkt_tmplset *set)
{
	struct tkt_error err = { 0 };

	tkt_error_clear(&err);
	if (tkt_config_load(cfg, &err) == -1) {
		tkt_error_print(&err);
		exit(TKT_EXIT_USAGE);
	}
	if (tkt_tmplset_load(set, cfg->template_dirs, cfg->ntemplate_dirs,
	    &err) == -1) {
		tkt_error_print(&err);
		exit(TKT_EXIT_USAGE);
	}
}

/* render: one record in, the same record with "reply" out. */
static int
render_one(struct tkt_rec *r, const struct opts *o, struct tkt_config *cfg,
    const struct tkt_tmplset *set, struct tkt_tmpl *fixed,
    struct tkt_buf *text, struct tkt_buf *reply, struct tkt_buf *line)
{
	struct tkt_tmpl *t = fixed;
	struct tkt_locale_pick pk;
	struct tkt_render_env env;
	struct tkt_error err = { 0 };
	struct tkt_jw w;
	struct tkt_edit ed;
	const char *store = tkt_rec_field(r, "store"), *id;
	int vi, failed = 0;

	tkt_buf_reset(reply);
	tkt_jw_init(&w, reply);
	tkt_error_clear(&err);
	if (t == NULL && (t = tkt_tmplset_match(set, r)) == NULL) {
		const char *f[] = { "type", "sub_label", "label", "state",
		    "locale" };

		tkt_buf_adds(text, "no template matches this ticket (");
		for (size_t i = 0; i < 5; i++) {
			const char *v = tkt_rec_field(r, f[i]);

			tkt_buf_printf(text, "%s%s %s", i ? ", " : "", f[i],
			    v ? v : "null");
		}
		tkt_buf_addc(text, ')');
		tkt_error_set(&err, TKT_EXIT_NO, TKT_E_LOCAL, "%s", text->s);
		failed = 1;
	}
	if (!failed) {
		env.nlayers = 0;
		env.layers[env.nlayers++] = &o->defs;
		for (size_t i = 0; store != NULL && i < cfg->nstores; i++)
			if (strcmp(cfg->stores[i].name, store) == 0)
				env.layers[env.nlayers++] = &cfg->stores[i].vars;
		env.layers[env.nlayers++] = &cfg->vars;
		vi = tkt_tmpl_pick(t, o->locale ? o->locale :
		    tkt_rec_field(r, "locale"), &pk);
		if (tkt_tmpl_render(t, (size_t)vi, r, &env, text, &err) == -1)
			failed = 1;
		else if (tkt_utf8_count(text->s, text->len) > TKT_REPLY_MAX) {
			tkt_error_set(&err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "template %s, locale %s: the reply is %zu characters,"
			    " over the limit of %d", tkt_tmpl_name(t), pk.locale,
			    tkt_utf8_count(text->s, text->len), TKT_REPLY_MAX);
			failed = 1;
		}
	}
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "template");
	tkt_jw_str(&w, t ? tkt_tmpl_name(t) : NULL);
	if (failed) {
		tkt_jw_key(&w, "error");
		tkt_jw_str(&w, err.msg);
		id = tkt_rec_field(r, "id");
		tkt_warnx("%s:%ju: ticket %s: %s", r->name, r->lineno,
		    id ? id : "(no id)", err.msg);
	} else {
		tkt_jw_key(&w, "locale");
		tkt_jw_str(&w, pk.locale);
		tkt_jw_key(&w, "requested_locale");
		tkt_jw_str(&w, pk.requested);
		tkt_jw_key(&w, "fallback");
		tkt_jw_bool(&w, pk.fallback);
		tkt_jw_key(&w, "text");
		tkt_jw_strn(&w, text->s, text->len);
	}
	tkt_jw_obj_end(&w);
	ed.key = "reply";
	ed.val = reply->s;
	ed.len = reply->len;
	tkt_buf_reset(line);
	tkt_rec_splice(r, &ed, 1, line);
	if (tkt_out_line(line->s, line->len) == -1)
		tkt_err(TKT_EXIT_NO, "write error on stdout");
	tkt_buf_reset(text);
	return failed ? TKT_EXIT_NO : TKT_EXIT_OK;
}

static int
cmd_render(int argc, char **argv, struct opts *o)
{
	static const int allowed[] = { 't', O_AUTO, 'l', 'D', 0 };
	struct tkt_config cfg;
	struct tkt_tmplset set;
	struct tkt_tmpl *fixed = NULL, *own = NULL;
	struct tkt_loop *rd;
	struct tkt_rec *r;
	struct tkt_buf text, reply, line;
	int i, status = TKT_EXIT_OK;

	i = parse_opts(argc, argv, "t:l:D:h", allowed, o);
	if ((o->name == NULL) == (o->aut == 0)) {
		tkt_warnx("render: give either -t NAME or --auto");
		usage();
	}
	load_all(&cfg, &set);
	if (o->name != NULL)
		fixed = find_template(&set, o->name, &own);
	rd = tkt_loop_new(argv + i, argc - i, TKT_RD_TREE);
	tkt_loop_hint(rd, "tickets (JSON lines, as tkt-list writes them)");
	tkt_out_init();
	tkt_buf_init(&text);
	tkt_buf_init(&reply);
	tkt_buf_init(&line);
	while (tkt_loop_next(rd, &r) == 1)
		status = tkt_exit_merge(status, render_one(r, o, &cfg, &set,
		    fixed, &text, &reply, &line));
	status = tkt_exit_merge(status, tkt_loop_status(rd));
	tkt_buf_free(&text);
	tkt_buf_free(&reply);
	tkt_buf_free(&line);
	tkt_loop_free(rd);
	tkt_tmpl_free(own);
	tkt_tmplset_free(&set);
	tkt_config_free(&cfg);
	tkt_vars_free(&o->defs);
	return status;
}

static void
print_finding(const struct tkt_finding *f, int json, struct tkt_buf *b)
{
	const char *sev = f->severity == TKT_SEV_ERROR ? "error" : "warning";

	tkt_buf_reset(b);
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
	} else
		tkt_buf_printf(b, "%s:%u:%u: %s: %s: %s", f->file, f->line,
		    f->col, sev, f->rule, f->message);
	tkt_buf_addc(b, '\n');
	if (tkt_out_line(b->s, b->len) == -1)
		tkt_err(TKT_EXIT_NO, "write error on stdout");
}

static int
cmd_lint(int argc, char **argv, struct opts *o)
{
	static const int allowed[] = { O_JSON, O_STRICT, O_REQ, 0 };
	struct tkt_config cfg;
	struct tkt_lint *l;
	struct tkt_error err = { 0 };
	struct tkt_buf b;
	int i, status = TKT_EXIT_OK;

	i = parse_opts(argc, argv, "h", allowed, o);
	if (i == argc) {
		tkt_warnx("lint: name the template files to check");
		usage();
	}
	tkt_error_clear(&err);
	if (tkt_config_load(&cfg, &err) == -1) {
		tkt_error_print(&err);
		return TKT_EXIT_USAGE;
	}
	if (o->nreq == 0)
		for (size_t j = 0; j < cfg.nrequired_locales; j++)
			add_list(o, cfg.required_locales[j]);
	if ((l = tkt_lint_new(o->req, o->nreq, &err)) == NULL) {
		tkt_error_print(&err);
		tkt_config_free(&cfg);
		return TKT_EXIT_USAGE;
	}
	tkt_out_init();
	tkt_buf_init(&b);
	for (; i < argc; i++) {
		struct tkt_finding *f;
		size_t n;

		tkt_error_clear(&err);
		if (tkt_lint_file(l, argv[i], &f, &n, &err) == -1) {
			tkt_error_print(&err);
			status = tkt_exit_merge(status, TKT_EXIT_USAGE);
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			print_finding(&f[j], o->json, &b);
			if (f[j].severity == TKT_SEV_ERROR || o->strict)
				status = tkt_exit_merge(status, TKT_EXIT_NO);
		}
		tkt_findings_free(f, n);
	}
	tkt_buf_free(&b);
	tkt_lint_free(l);
	tkt_config_free(&cfg);
	for (size_t j = 0; j < o->nreq; j++)
		free(o->req[j]);
	free(o->req);
	return status;
}

static int
cmd_list(int argc, char **argv, struct opts *o)
{
	static const int allowed[] = { O_JSON, O_TABLE, 0 };
	struct tkt_config cfg;
	struct tkt_tmplset set;
	struct tkt_buf b;
	int table;

	if (parse_opts(argc, argv, "h", allowed, o) != argc)
		usage();
	load_all(&cfg, &set);
	table = tkt_want_table(o->table);
	tkt_buf_init(&b);
	if (table)
		printf("%-28s %-6s %-5s %-22s %s\n", "NAME", "AUTO", "DEF",
		    "LOCALES", "DESCRIPTION");
	for (size_t i = 0; i < set.n; i++) {
		const struct tkt_tmpl *t = set.t[i];
		struct tkt_jw w;

		tkt_buf_reset(&b);
		if (table) {
			for (size_t j = 0; j < tkt_tmpl_nvariants(t); j++)
				tkt_buf_printf(&b, "%s%s", j ? "," : "",
				    tkt_tmpl_variant(t, j, NULL, NULL));
			printf("%-28s %-6s %-5s %-22s %s\n", tkt_tmpl_name(t),
			    tkt_tmpl_has_match(t) ? "yes" : "no",
			    tkt_tmpl_default_locale(t), b.s,
			    tkt_tmpl_description(t) ? tkt_tmpl_description(t) :
			    "");
			continue;
		}
		tkt_jw_init(&w, &b);
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
		tkt_jw_key(&w, "match");
		tkt_tmpl_match_json(t, &w);
		tkt_jw_obj_end(&w);
		tkt_buf_addc(&b, '\n');
		if (tkt_out_line(b.s, b.len) == -1)
			tkt_err(TKT_EXIT_NO, "write error on stdout");
	}
	tkt_buf_free(&b);
	tkt_tmplset_free(&set);
	tkt_config_free(&cfg);
	return TKT_EXIT_OK;
}

static int
cmd_show(int argc, char **argv, struct opts *o)
{
	static const int allowed[] = { 'l', 0 };
	struct tkt_config cfg;
	struct tkt_tmplset set;
	struct tkt_tmpl *t, *own;
	struct tkt_locale_pick pk;
	const char *text;
	size_t len;
	int i, vi;

	i = parse_opts(argc, argv, "l:h", allowed, o);
	if (argc - i != 1)
		usage();
	load_all(&cfg, &set);
	t = find_template(&set, argv[i], &own);
	if (o->locale == NULL) {
		FILE *fp = fopen(tkt_tmpl_path(t), "r");
		char buf[8192];
		size_t n;

		if (fp == NULL)
			tkt_err(TKT_EXIT_USAGE, "%s", tkt_tmpl_path(t));
		else {
			while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
				fwrite(buf, 1, n, stdout);
			fclose(fp);
		}
	} else {
		vi = tkt_tmpl_pick(t, o->locale, &pk);
		tkt_tmpl_variant(t, (size_t)vi, &text, &len);
		if (pk.fallback)
			tkt_warnx("%s has no text for %s; showing %s",
			    tkt_tmpl_name(t), o->locale, pk.locale);
		fwrite(text, 1, len, stdout);
	}
	tkt_tmpl_free(own);
	tkt_tmplset_free(&set);
	tkt_config_free(&cfg);
	return TKT_EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(int, char **, struct opts *);
	} cmds[] = {
		{ "render", cmd_render }, { "lint", cmd_lint },
		{ "list", cmd_list }, { "show", cmd_show }
	};
	struct opts o;
	int status;

	tkt_setprogname(argv[0]);
	memset(&o, 0, sizeof(o));
	o.table = -1;
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		help();
	if (strcmp(argv[1], "--version") == 0) {
		tkt_print_version();
		return tkt_close_stdout() ? TKT_EXIT_USAGE : TKT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		status = cmds[i].fn(argc - 1, argv + 1, &o);
		if (tkt_close_stdout())
			status = tkt_exit_merge(status, TKT_EXIT_NO);
		return status;
	}
	tkt_warnx("unknown command '%s'", argv[1]);
	usage();
}
