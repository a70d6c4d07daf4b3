/*
 * lint.c: fuzzes the template linter (lib/lint.c): the input is a
 * template file, linted as tkt-template lint does with en and fr
 * required, against the shipped word lists and record fields.
 * Invariants:
 *
 *   - a file that can be read is always linted (never the "unreadable"
 *     error), into findings in file order, each at a line and column of
 *     the file, of a known rule and severity, with a message;
 *   - each finding, as tkt-template lint prints it (tkt_finding_line), is
 *     one line of UTF-8, "file:line:col: severity: rule: message"; with
 *     --json one JSON object (RFC 8259) with the same fields;
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

/* A finding as tkt-template lint prints it, in both forms. */
static void
check_printed(const struct tkt_finding *f, const char *path)
{
	struct tkt_buf b, want;
	struct tkt_rec r;
	struct tkt_error e;
	const char *sev = f->severity == TKT_SEV_ERROR ? "error" : "warning";
	const struct tkt_jnode *n;
	size_t len;
	const char *s;

	tkt_buf_init(&b);
	tkt_buf_init(&want);
	tkt_finding_line(f, 0, &b);
	tkt_buf_printf(&want, "%s:%u:%u: %s: %s: ", path, f->line, f->col, sev,
	    f->rule);
	FUZZ_CHECK(b.len > want.len && memcmp(b.s, want.s, want.len) == 0 &&
	    b.s[b.len - 1] == '\n' && memchr(b.s, '\n', b.len - 1) == NULL &&
	    memchr(b.s, '\r', b.len) == NULL &&
	    tkt_utf8_check(b.s, b.len) == (size_t)-1,
	    "a finding printed is not one line of UTF-8: %s", b.s);

	tkt_buf_reset(&b);
	tkt_finding_line(f, 1, &b);
	fuzz_check_line("a finding in JSON", b.s, b.len);
	tkt_rec_init(&r);
	tkt_error_clear(&e);
	FUZZ_CHECK(tkt_rec_parse(&r, b.s, b.len - 1, TKT_RD_TREE, &e) == 0,
	    "a finding in JSON does not parse: %s: %s", e.msg, b.s);
	n = tkt_rec_get(&r, &r.nodes[0], "line");
	s = tkt_rec_str(&r, n, &len);
	FUZZ_CHECK(n != NULL && n->type == TKT_J_NUMBER &&
	    (unsigned)strtoul(s, NULL, 10) == f->line,
	    "a finding in JSON has another line: %s", b.s);
	s = tkt_rec_field(&r, "rule");
	FUZZ_CHECK(s != NULL && strcmp(s, f->rule) == 0 &&
	    (s = tkt_rec_field(&r, "severity")) != NULL && strcmp(s, sev) == 0 &&
	    (s = tkt_rec_field(&r, "file")) != NULL && strcmp(s, path) == 0,
	    "a finding in JSON has other fields: %s", b.s);
	tkt_rec_free(&r);
	tkt_buf_free(&b);
	tkt_buf_free(&want);
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
		FUZZ_CHECK(m != NULL && m[0] != '\0',
		    "finding %zu (%s) without a message", i, f[i].rule);
		check_printed(&f[i], path);
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
