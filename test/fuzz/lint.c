/*
 * lint.c: fuzzes the template linter (lib/lint.c): the input is a
 * template file, linted as tkt-template lint does with en and fr
 * required, against the shipped word lists and record fields.
 * Invariants:
 *
 *   - a file that can be read is always linted (never the "unreadable"
 *     error), into findings in file order, each at a line and column of
 *     the file, of a known rule and severity, with a message of one line
 *     of UTF-8 (tkt-template lint prints "file:line:col: severity: rule:
 *     message" a line, and --json the same fields);
 *   - the "syntax" rule fires exactly when the template does not load
 *     clean (tkt_tmpl_load fails or lists problems).
 */
#include "fuzz.h"

static struct tkt_lint *lint;

static const char *const rules[] = {
	"syntax", "empty-default", "unknown-field", "nullable-field",
	"scaffolding", "length", "placeholder-mismatch", "missing-locale",
	"review-policy", "review-incentive", "off-marketplace",
	"payment-request", NULL
};

static int
known_rule(const char *r)
{
	for (const char *const *p = rules; *p != NULL; p++)
		if (strcmp(*p, r) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *req[] = { "en", "fr" };
	struct tkt_error e;

	(void)argc;
	(void)argv;
	fuzz_env("fuzz-lint");
	if ((lint = tkt_lint_new(req, 2, &e)) == NULL) {
		tkt_error_print(&e);
		exit(2);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("template.yaml", data, size);
	struct tkt_finding *f = NULL;
	struct tkt_tmpl *t;
	struct tkt_error e;
	size_t n = 0, nsyntax = 0;
	unsigned max = fuzz_yaml_lines(data, size);
	int clean;

	tkt_error_clear(&e);
	FUZZ_CHECK(tkt_lint_file(lint, path, &f, &n, &e) == 0,
	    "a readable file not linted: %s", e.msg);
	for (size_t i = 0; i < n; i++) {
		const char *m = f[i].message;

		FUZZ_CHECK(f[i].line >= 1 && f[i].line <= max && f[i].col >= 1,
		    "finding %zu at %u:%u, the file has %u lines", i,
		    f[i].line, f[i].col, max);
		FUZZ_CHECK(f[i].rule != NULL && known_rule(f[i].rule),
		    "finding %zu of an unknown rule '%s'", i,
		    f[i].rule ? f[i].rule : "(null)");
		FUZZ_CHECK(f[i].severity == TKT_SEV_WARNING ||
		    f[i].severity == TKT_SEV_ERROR, "finding %zu: severity %d",
		    i, f[i].severity);
		FUZZ_CHECK(f[i].file != NULL && strcmp(f[i].file, path) == 0,
		    "finding %zu names another file", i);
		FUZZ_CHECK(m != NULL && m[0] != '\0' && strchr(m, '\n') == NULL &&
		    strchr(m, '\r') == NULL &&
		    tkt_utf8_check(m, strlen(m)) == (size_t)-1,
		    "finding %zu (%s): the message is not one line of UTF-8: "
		    "'%s'", i, f[i].rule, m ? m : "(null)");
		FUZZ_CHECK(f[i].locale == NULL ||
		    tkt_utf8_check(f[i].locale, strlen(f[i].locale)) ==
		    (size_t)-1, "finding %zu: the locale is not UTF-8", i);
		if (i > 0)
			FUZZ_CHECK(f[i - 1].line < f[i].line ||
			    (f[i - 1].line == f[i].line &&
			    f[i - 1].col <= f[i].col),
			    "findings %zu and %zu out of file order", i - 1, i);
		nsyntax += strcmp(f[i].rule, "syntax") == 0;
	}
	tkt_findings_free(f, n);

	tkt_error_clear(&e);
	t = tkt_tmpl_load(path, &e);
	clean = t != NULL && tkt_tmpl_ndiags(t) == 0;
	FUZZ_CHECK(clean == (nsyntax == 0), "%zu syntax findings for a template "
	    "that %s", nsyntax, clean ? "loads clean" : "does not");
	tkt_tmpl_free(t);
	return 0;
}
