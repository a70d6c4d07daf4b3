/*
 * tkt-template: reply templates (tkt-template(1), tkt-template(5)).
 * render reads records (the files named, or stdin) and writes each one
 * back byte for byte with "reply" added, from -t name or --auto, in -l
 * locale or the buyer's, with -D name=value vars.  lint file ... prints
 * findings (--json, --strict, --require-locales).  list and show name
 * [-l locale] print the templates of the search path.  The drivers are
 * lib/tmplcmd.c's; each subcommand here is its options.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

enum { O_AUTO = 256, O_JSON, O_TABLE, O_STRICT, O_REQ, O_NOFALLBACK };

static const struct tkt_opt no_opts[] = {
	{ 0, NULL, NULL, NULL }
};

static const struct tkt_opt render_opts[] = {
	{ 't', "template", "name", "use template name (or a file) for every ticket" },
	{ O_AUTO, "auto", NULL, "the first template whose match fits each ticket" },
	{ 'l', "locale", "locale", "answer in locale, not the ticket's" },
	{ O_NOFALLBACK, "no-fallback", NULL, "a ticket with no text in its language is an error" },
	{ 'D', "define", "name=value", "set {{vars.name}} (over the config's vars)" },
	{ 0, NULL, NULL, NULL }
};

static const struct tkt_opt lint_opts[] = {
	{ O_JSON, "json", NULL, "one JSON object per finding" },
	{ O_STRICT, "strict", NULL, "warnings fail the run too" },
	{ O_REQ, "require-locales", "list", "a text for each locale (else the config's)" },
	{ 0, NULL, NULL, NULL }
};

static const struct tkt_opt list_opts[] = {
	{ O_JSON, "json", NULL, "JSON lines, even on a terminal" },
	{ O_TABLE, "table", NULL, "a table, even in a pipe" },
	{ 0, NULL, NULL, NULL }
};

static const struct tkt_opt show_opts[] = {
	{ 'l', "locale", "locale", "the text render would use for locale" },
	{ 0, NULL, NULL, NULL }
};

#define RENDER_SYN "tkt-template render (-t name | --auto) [-l locale] " \
	"[--no-fallback]\n                    [-D name=value ...] [file ...]"
#define LINT_SYN "tkt-template lint [--json] [--strict] " \
	"[--require-locales list] file ..."
#define LIST_SYN "tkt-template list [--json | --table]"
#define SHOW_SYN "tkt-template show name [-l locale]"

static const struct tkt_example top_ex[] = {
	{ "plan the replies to every ticket awaiting an answer, sending nothing",
	    "tkt-list | tkt-template render --auto | tkt-reply -n" },
	{ "answer one ticket in French with the tracking template",
	    "tkt-list 5f3c0001 | tkt-template render -t tracking-request -l fr" },
	{ "the German text of that template",
	    "tkt-template show tracking-request -l de" },
	{ NULL, NULL }
};

static const struct tkt_example render_ex[] = {
	{ "plan the replies to every ticket awaiting an answer, sending nothing",
	    "tkt-list | tkt-template render --auto | tkt-reply -n" },
	{ "answer one ticket in French with the tracking template",
	    "tkt-list 5f3c0001 | tkt-template render -t tracking-request -l fr" },
	{ "the tickets in a language the template has no text in",
	    "tkt-list | tkt-template render --auto --no-fallback 2>/dev/null | jq -c 'select(.reply.error)'" },
	{ NULL, NULL }
};

static const struct tkt_example lint_ex[] = {
	{ "the check a template repository runs in CI",
	    "tkt-template lint --strict --require-locales en,fr,de,es,it templates/*.yaml" },
	{ NULL, NULL }
};

static const struct tkt_example list_ex[] = {
	{ "which templates have a text in Italian",
	    "tkt-template list | jq -r 'select(any(.languages[]; . == \"it\")) | .name'" },
	{ NULL, NULL }
};

static const struct tkt_example show_ex[] = {
	{ "the German text of the tracking template",
	    "tkt-template show tracking-request -l de" },
	{ NULL, NULL }
};

static const struct tkt_tool top = {
	RENDER_SYN "\n       " LINT_SYN "\n       " LIST_SYN "\n       "
	SHOW_SYN,
	"Renders, lints, lists and shows reply templates (COMMAND -h: its options).",
	no_opts, NULL, NULL, NULL, top_ex
};

/*
 * The options of every subcommand in one switch: getopt takes only those
 * of the subcommand's own tool, so none can reach another's field.
 */
static void
parse(const struct tkt_tool *tool, int argc, char **argv,
    struct tkt_tmpl_opts *o)
{
	const char *arg;
	int c;

	while ((c = tkt_opt_next(tool, argc, argv, &arg)) != -1) {
		switch (c) {
		case 't': o->name = arg; break;
		case O_AUTO: o->aut = 1; break;
		case 'l': o->locale = tkt_opt_lang("-l", arg, TKT_LANG_UNDERSCORE); break;
		case O_NOFALLBACK: o->no_fallback = 1; break;
		case 'D': tkt_opt_define(&o->defs, arg); break;
		case O_JSON: o->json = 1; o->table = 0; break;
		case O_TABLE: o->table = 1; break;
		case O_STRICT: o->strict = 1; break;
		case O_REQ:
			tkt_opt_langlist(&o->req, "--require-locales", arg,
			    TKT_LANG_UNDERSCORE);
			break;
		}
	}
	o->operands = argv + optind;
	o->noperands = argc - optind;
}

static int
render(const struct tkt_tool *tool, struct tkt_tmpl_opts *o)
{
	if ((o->name == NULL) == (o->aut == 0)) {
		tkt_warnx("render: give either -t name or --auto");
		tkt_opt_usage(tool);
	}
	return tkt_template_render(o);
}

static int
lint(const struct tkt_tool *tool, struct tkt_tmpl_opts *o)
{
	if (o->noperands == 0) {
		tkt_warnx("lint: name the template files to check");
		tkt_opt_usage(tool);
	}
	return tkt_template_lint(o);
}

static int
list(const struct tkt_tool *tool, struct tkt_tmpl_opts *o)
{
	if (o->noperands != 0) {
		tkt_warnx("list: '%s': list takes no operand", o->operands[0]);
		tkt_opt_usage(tool);
	}
	return tkt_template_list(o);
}

static int
show(const struct tkt_tool *tool, struct tkt_tmpl_opts *o)
{
	if (o->noperands != 1) {
		tkt_warnx("show: name one template");
		tkt_opt_usage(tool);
	}
	o->name = o->operands[0];
	return tkt_template_show(o);
}

/* The subcommands: each its tool (synopsis, options, -h) and its checks. */
static const struct cmd {
	const char	*name;
	int		(*fn)(const struct tkt_tool *, struct tkt_tmpl_opts *);
	struct tkt_tool	 tool;
} cmds[] = {
	{ "render", render, { RENDER_SYN, "Writes each ticket read back with "
	    "a reply rendered from a template.", render_opts, NULL,
	    "tkt-template", NULL, render_ex } },
	{ "lint", lint, { LINT_SYN, "Checks template files; prints one "
	    "finding per line.", lint_opts, NULL, "tkt-template", NULL, lint_ex } },
	{ "list", list, { LIST_SYN, "Prints the templates of the search path, "
	    "in the order --auto tries them.", list_opts, NULL, "tkt-template",
	    NULL, list_ex } },
	{ "show", show, { SHOW_SYN, "Prints a template's file, or the text it "
	    "has for a locale.", show_opts, NULL, "tkt-template", NULL, show_ex } }
};

int
main(int argc, char *argv[])
{
	struct tkt_tmpl_opts o = { .table = -1 };
	const char *arg;
	int status;

	tkt_setprogname(argv[0]);
	if (argc >= 2 && argv[1][0] == '-')	/* -h, --version, or a mistake */
		while (tkt_opt_next(&top, 2, argv, &arg) != -1)
			continue;
	if (argc < 2 || argv[1][0] == '-')
		tkt_opt_usage(&top);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		/* getopt's messages name the subcommand: "tkt-template lint:" */
		argv[1] = xasprintf("%s %s", tkt_getprogname(), cmds[i].name);
		parse(&cmds[i].tool, argc - 1, argv + 1, &o);
		status = cmds[i].fn(&cmds[i].tool, &o);
		free(argv[1]);
		tkt_vars_free(&o.defs);
		tkt_strs_free(&o.req);
		return tkt_exit_stdout(status);
	}
	tkt_warnx("unknown command '%s'", argv[1]);
	tkt_opt_usage(&top);
}
