/*
 * opt.c: the one contract of the seven tools (tkt(7)).  Each tool has one
 * table of its options, a line each; from it come getopt_long's tables,
 * the -h text and the usage, so the three never disagree.  -h, --help and
 * --version are every tool's and answered here.  The value parsers end
 * the program with status 2 and one line naming the option.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

#define MAXOPTS 64

static const struct tkt_opt common[] = {
	{ 'h', "help", NULL, "print this help and exit" },
	{ TKT_O_VERSION, "version", NULL, "print the version and exit" },
	{ 0, NULL, NULL, NULL }
};

/* getopt_long's tables for one tool, built on its first option. */
static struct {
	const struct tkt_tool	*tool;
	struct option		 lo[MAXOPTS + 1];
	char			 so[3 * MAXOPTS + 2];
} gt;

static void
add_table(const struct tkt_opt *o, size_t *nl, size_t *ns)
{
	for (; o != NULL && o->val != 0; o++) {
		if (o->name != NULL && *nl < MAXOPTS) {
			gt.lo[*nl].name = o->name;
			gt.lo[*nl].has_arg = o->arg ? required_argument :
			    no_argument;
			gt.lo[*nl].flag = NULL;
			gt.lo[(*nl)++].val = o->val;
		}
		if (o->val < 256 && *ns + 3 < sizeof(gt.so)) {
			gt.so[(*ns)++] = (char)o->val;
			if (o->arg != NULL)
				gt.so[(*ns)++] = ':';
		}
	}
}

static void
build(const struct tkt_tool *t)
{
	size_t nl = 0, ns = 0;

	memset(&gt, 0, sizeof(gt));
	gt.tool = t;
	add_table(t->opts, &nl, &ns);
	add_table(t->shared, &nl, &ns);
	add_table(common, &nl, &ns);
}

int
tkt_opt_next(const struct tkt_tool *t, int argc, char **argv,
    const char **arg)
{
	int c;

	if (gt.tool != t)
		build(t);
	c = getopt_long(argc, argv, gt.so, gt.lo, NULL);
	*arg = optarg;
	switch (c) {
	case -1:
		return -1;
	case 'h':
		tkt_opt_help(t);
	case TKT_O_VERSION:
		tkt_opt_version();
	case '?':
	case ':':
		tkt_opt_usage(t);
	}
	return c;
}

static void
print_usage(FILE *fp, const struct tkt_tool *t)
{
	fprintf(fp, "usage: %s\n", t->synopsis);
}

void
tkt_opt_usage(const struct tkt_tool *t)
{
	fflush(stdout);
	print_usage(stderr, t);
	exit(TKT_EXIT_USAGE);
}

static void
help_lines(const struct tkt_opt *o)
{
	char left[64];

	for (; o != NULL && o->val != 0; o++) {
		int n = 0;

		if (o->val < 256)
			n = snprintf(left, sizeof(left), "-%c%s", o->val,
			    o->name ? ", " : "");
		if (o->name != NULL)
			snprintf(left + n, sizeof(left) - (size_t)n, "--%s",
			    o->name);
		if (o->arg != NULL) {
			size_t l = strlen(left);

			snprintf(left + l, sizeof(left) - l, " %s", o->arg);
		}
		if (strlen(left) > 24)
			printf("  %s\n  %-24s  %s\n", left, "", o->help);
		else
			printf("  %-24s  %s\n", left, o->help);
	}
}

/* Each example as a comment, then the command as the manual writes it. */
static void
help_examples(const struct tkt_example *ex)
{
	if (ex == NULL || ex->cmd == NULL)
		return;
	printf("\nExamples:\n");
	for (; ex->cmd != NULL; ex++)
		printf("  # %s\n  %s\n", ex->what, ex->cmd);
}

void
tkt_opt_help(const struct tkt_tool *t)
{
	print_usage(stdout, t);
	printf("\n%s\n\n", t->about);
	help_lines(t->opts);
	help_lines(t->shared);
	help_lines(common);
	help_examples(t->examples);
	printf("\nSee %s(%s).\n", t->page ? t->page : tkt_getprogname(),
	    t->section ? t->section : "1");
	exit(tkt_exit_stdout(TKT_EXIT_OK));
}

void
tkt_opt_version(void)
{
	tkt_print_version();
	exit(tkt_exit_stdout(TKT_EXIT_OK));
}

long long
tkt_opt_num(const char *opt, const char *arg, long long min, long long max)
{
	long long n;
	const char *es;

	if (tkt_num_parse(arg, min, max, &n, &es) == -1) {
		if (max > 1000000)
			tkt_errx(TKT_EXIT_USAGE, "%s: '%s' is %s (at least %lld)",
			    opt, arg, es, min);
		tkt_errx(TKT_EXIT_USAGE, "%s: '%s' is %s (%lld to %lld)", opt,
		    arg, es, min, max);
	}
	return n;
}

/* Exits 2 when arg is a number without a unit, suggesting unit. */
static void
need_unit(const char *opt, const char *arg, const char *unit)
{
	if (tkt_duration_unitless(arg))
		tkt_errx(TKT_EXIT_USAGE, "%s: '%s' has no unit: %s%s?", opt,
		    arg, arg, unit);
}

int64_t
tkt_opt_duration(const char *opt, const char *arg)
{
	int64_t d;

	need_unit(opt, arg, "h");
	if (tkt_duration_parse(arg, &d) == -1)
		tkt_errx(TKT_EXIT_USAGE, "%s: '%s' is not a duration (90m, 6h, "
		    "2d)", opt, arg);
	return d;
}

double
tkt_opt_rate(const char *opt, const char *arg)
{
	size_t len = strlen(arg);
	char *num = xstrndup(arg, len > 2 && strcmp(arg + len - 2, "/s") == 0 ?
	    len - 2 : len);
	long long n;
	const char *es;

	if (tkt_num_parse(num, 1, 100000, &n, &es) == -1)
		tkt_errx(TKT_EXIT_USAGE, "%s: '%s' is not a rate (requests per "
		    "second: 10/s)", opt, arg);
	free(num);
	return (double)n;
}

void
tkt_opt_now(const char *arg)
{
	struct tkt_error e;

	tkt_error_clear(&e);
	if (tkt_now_init(arg, &e) == -1) {
		tkt_error_print(&e);
		exit(TKT_EXIT_USAGE);
	}
}

time_t
tkt_opt_since(const char *opt, const char *arg)
{
	time_t t;

	if (arg == NULL)
		return (time_t)-1;
	need_unit(opt, arg, "d");
	if (tkt_since_parse(arg, tkt_now(), &t) == -1)
		tkt_errx(TKT_EXIT_USAGE, "%s: '%s' is neither a duration (30d, "
		    "48h) nor a time (2026-11-01T00:00:00Z)", opt, arg);
	return t;
}

void
tkt_opt_define(struct tkt_vars *v, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;

	if (eq == NULL || eq == arg)
		tkt_errx(TKT_EXIT_USAGE, "-D %s: expected NAME=VALUE", arg);
	else {
		name = xstrndup(arg, (size_t)(eq - arg));
		tkt_vars_set(v, name, eq + 1);
		free(name);
	}
}

int
tkt_lang_tag(const char *s, int flags)
{
	size_t n = 0, len = strlen(s);
	int first = 1;

	if (len == 0 || len > TKT_LANG_MAX)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		char c = s[i];

		if (c == '-' || c == '\0' ||
		    (c == '_' && (flags & TKT_LANG_UNDERSCORE))) {
			if (n == 0 || n > 8)
				return 0;
			n = 0;
			first = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (!first && c >= '0' && c <= '9'))
			n++;
		else
			return 0;
	}
	return 1;
}

int
tkt_lang_check(const char *opt, const char *arg, int flags)
{
	if (tkt_lang_tag(arg, flags))
		return 0;
	tkt_warnx("%s: '%.64s' is not a language tag (letters and digits in "
	    "parts joined by '-'%s, at most %d characters: de, pt-BR, zh-Hant)",
	    opt, arg, flags & TKT_LANG_UNDERSCORE ? " or '_'" : "",
	    TKT_LANG_MAX);
	return -1;
}

const char *
tkt_opt_lang(const char *opt, const char *arg, int flags)
{
	if (tkt_lang_check(opt, arg, flags) == -1)
		exit(TKT_EXIT_USAGE);
	return arg;
}

void
tkt_opt_langlist(struct tkt_strs *l, const char *opt, const char *arg,
    int flags)
{
	size_t from = l->n;

	tkt_strs_addlist(l, arg);
	if (l->n == from)	/* "" or ",": no language at all */
		tkt_opt_lang(opt, arg, flags);
	for (size_t i = from; i < l->n; i++)
		tkt_opt_lang(opt, l->v[i], flags);
}
