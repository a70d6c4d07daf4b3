/*
 * fuzz.h: what the libFuzzer harnesses of test/fuzz/ share (make fuzz
 * builds one binary per test/fuzz/NAME.c, each with this header): a
 * scratch directory for the inputs that must be files, a strict JSON
 * checker written from RFC 8259 alone (neither yajl nor jansson: tkt's
 * own reader is yajl, and the fuzzers check it), and the one way an
 * invariant fails, an abort that libFuzzer keeps as a crash.
 */
#ifndef TKT_FUZZ_H
#define TKT_FUZZ_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tkt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* Not every harness uses every helper. */
#define FUZZ_FN static __attribute__((unused))

/* An invariant that does not hold: says which, then aborts. */
#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);	\
} while (0)

static int fuzz_stderr = -1;	/* the real stderr while quiet */

__attribute__((noreturn, format(printf, 4, 5))) FUZZ_FN void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	if (fuzz_stderr != -1)
		dup2(fuzz_stderr, STDERR_FILENO);
	fprintf(stderr, "\n%s:%d: invariant failed: %s\n  ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/*
 * Silences stderr around library calls that report bad input there (the
 * record loop); TKT_FUZZ_VERBOSE=1 keeps it, to read them when replaying.
 * A sanitizer report while quiet is lost, but libFuzzer still keeps the
 * input: replay it with TKT_FUZZ_VERBOSE=1.
 */
FUZZ_FN void
fuzz_quiet(int on)
{
	static int verbose = -1;

	if (verbose == -1)
		verbose = getenv("TKT_FUZZ_VERBOSE") != NULL;
	if (verbose)
		return;
	fflush(stderr);
	if (on && fuzz_stderr == -1) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		fuzz_stderr = dup(STDERR_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	} else if (!on && fuzz_stderr != -1) {
		dup2(fuzz_stderr, STDERR_FILENO);
		close(fuzz_stderr);
		fuzz_stderr = -1;
	}
}

/* The scratch directory, made once, removed at exit with what is in it. */
static char fuzz_dir[4096];

FUZZ_FN void
fuzz_rmdir(void)
{
	char cmd[4200];

	if (fuzz_dir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir);
}

/* The environment of a test run (test_helper.bash): C locale, UTC. */
FUZZ_FN void
fuzz_env(const char *name)
{
	const char *tmp = getenv("TMPDIR");

	tkt_setprogname(name);
	setenv("LC_ALL", "C", 1);
	setenv("TZ", "UTC", 1);
	/* The data dir of the source tree (make fuzz says where it is). */
#ifdef TKT_FUZZ_DATADIR
	setenv("TKT_DATADIR", TKT_FUZZ_DATADIR, 0);
#endif
	unsetenv("TKT_CONFIG");
	unsetenv("TKT_API");
	unsetenv("TKT_API_URL");
	unsetenv("TKT_TOKEN");
	unsetenv("TKT_STORE");
	unsetenv("TKT_NOW");
	unsetenv("XDG_CONFIG_HOME");
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/tkt-fuzz.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL) {
		perror(fuzz_dir);
		exit(2);
	}
	atexit(fuzz_rmdir);
}

/* Writes an input to name in the scratch directory; its path (static). */
FUZZ_FN const char *
fuzz_file(const char *name, const void *data, size_t n)
{
	static char path[4200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
	if ((fp = fopen(path, "w")) == NULL ||
	    (n > 0 && fwrite(data, 1, n, fp) != n) || fclose(fp) != 0) {
		perror(path);
		abort();
	}
	return path;
}

/* A copy of the input on the heap, exactly n bytes and a NUL after them. */
FUZZ_FN char *
fuzz_strndup(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/*
 * How many lines a YAML file has: YAML breaks lines at LF, CR LF, a lone
 * CR, NEL, LS and PS.
 */
FUZZ_FN unsigned
fuzz_yaml_lines(const uint8_t *s, size_t n)
{
	unsigned lines = 1;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n ||
		    s[i + 1] != '\n')) || (s[i] == 0xc2 && i + 1 < n &&
		    s[i + 1] == 0x85) || (s[i] == 0xe2 && i + 2 < n &&
		    s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)))
			lines++;
	return lines;
}

/*
 * The strict JSON checker: RFC 8259's grammar, whitespace being space,
 * tab, CR and LF only, strings valid UTF-8 without control characters.
 * Returns the offset just past the value at s[i], or 0 with *bad set to
 * where it went wrong.
 */
struct fuzz_json {
	const unsigned char	*s;
	size_t			 n;
	size_t			 bad;
	int			 depth;
};

FUZZ_FN size_t
fuzz_json_ws(const struct fuzz_json *j, size_t i)
{
	while (i < j->n && (j->s[i] == ' ' || j->s[i] == '\t' ||
	    j->s[i] == '\n' || j->s[i] == '\r'))
		i++;
	return i;
}

FUZZ_FN size_t
fuzz_json_fail(struct fuzz_json *j, size_t i)
{
	j->bad = i;
	return 0;
}

/* One UTF-8 sequence at s[i] (Unicode, Table 3-7); its length or 0. */
FUZZ_FN size_t
fuzz_utf8_seq(const unsigned char *s, size_t n, size_t i)
{
	unsigned c = s[i];
	unsigned lo = 0x80, hi = 0xbf;
	size_t k;

	if (c <= 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		k = 2;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 3;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (i + k >= n)
		return 0;
	if (s[i + 1] < lo || s[i + 1] > hi)
		return 0;
	for (size_t m = 2; m <= k; m++)
		if (s[i + m] < 0x80 || s[i + m] > 0xbf)
			return 0;
	return k + 1;
}

FUZZ_FN size_t
fuzz_json_string(struct fuzz_json *j, size_t i)
{
	i++;	/* the quote */
	while (i < j->n && j->s[i] != '"') {
		size_t k;

		if (j->s[i] < 0x20)
			return fuzz_json_fail(j, i);
		if (j->s[i] == '\\') {
			if (i + 1 >= j->n)
				return fuzz_json_fail(j, i);
			if (j->s[i + 1] == 'u') {
				for (k = 2; k < 6; k++)
					if (i + k >= j->n ||
					    strchr("0123456789abcdefABCDEF",
					    j->s[i + k]) == NULL || j->s[i + k] == 0)
						return fuzz_json_fail(j, i);
				i += 6;
				continue;
			}
			if (strchr("\"\\/bfnrt", j->s[i + 1]) == NULL ||
			    j->s[i + 1] == 0)
				return fuzz_json_fail(j, i);
			i += 2;
			continue;
		}
		if ((k = fuzz_utf8_seq(j->s, j->n, i)) == 0)
			return fuzz_json_fail(j, i);
		i += k;
	}
	if (i >= j->n)
		return fuzz_json_fail(j, i);
	return i + 1;
}

FUZZ_FN size_t
fuzz_json_number(struct fuzz_json *j, size_t i)
{
	size_t d;

	if (i < j->n && j->s[i] == '-')
		i++;
	if (i < j->n && j->s[i] == '0')
		i++;
	else if (i < j->n && j->s[i] >= '1' && j->s[i] <= '9')
		while (i < j->n && j->s[i] >= '0' && j->s[i] <= '9')
			i++;
	else
		return fuzz_json_fail(j, i);
	if (i < j->n && j->s[i] == '.') {
		for (d = ++i; i < j->n && j->s[i] >= '0' && j->s[i] <= '9'; i++)
			;
		if (i == d)
			return fuzz_json_fail(j, i);
	}
	if (i < j->n && (j->s[i] == 'e' || j->s[i] == 'E')) {
		i++;
		if (i < j->n && (j->s[i] == '+' || j->s[i] == '-'))
			i++;
		for (d = i; i < j->n && j->s[i] >= '0' && j->s[i] <= '9'; i++)
			;
		if (i == d)
			return fuzz_json_fail(j, i);
	}
	return i;
}

FUZZ_FN size_t
fuzz_json_value(struct fuzz_json *j, size_t i)
{
	static const char *const lit[] = { "true", "false", "null" };
	int close;

	i = fuzz_json_ws(j, i);
	if (i >= j->n)
		return fuzz_json_fail(j, i);
	switch (j->s[i]) {
	case '"':
		return fuzz_json_string(j, i);
	case '{':
	case '[':
		close = j->s[i] == '{' ? '}' : ']';
		if (++j->depth > 4096)
			return fuzz_json_fail(j, i);
		i = fuzz_json_ws(j, i + 1);
		if (i < j->n && j->s[i] == close) {
			j->depth--;
			return i + 1;
		}
		for (;;) {
			if (close == '}') {
				i = fuzz_json_ws(j, i);
				if (i >= j->n || j->s[i] != '"')
					return fuzz_json_fail(j, i);
				if ((i = fuzz_json_string(j, i)) == 0)
					return 0;
				i = fuzz_json_ws(j, i);
				if (i >= j->n || j->s[i] != ':')
					return fuzz_json_fail(j, i);
				i++;
			}
			if ((i = fuzz_json_value(j, i)) == 0)
				return 0;
			i = fuzz_json_ws(j, i);
			if (i < j->n && j->s[i] == ',') {
				i++;
				continue;
			}
			if (i < j->n && j->s[i] == close) {
				j->depth--;
				return i + 1;
			}
			return fuzz_json_fail(j, i);
		}
	default:
		for (size_t k = 0; k < 3; k++) {
			size_t l = strlen(lit[k]);

			if (j->n - i >= l && memcmp(j->s + i, lit[k], l) == 0)
				return i + l;
		}
		return fuzz_json_number(j, i);
	}
}

/*
 * Is s[0..n) one JSON object, whitespace around it allowed?  1, or 0
 * with *bad the offset where it stops being one.
 */
FUZZ_FN int
fuzz_json_object(const char *s, size_t n, size_t *bad)
{
	struct fuzz_json j = { (const unsigned char *)s, n, 0, 0 };
	size_t i = fuzz_json_ws(&j, 0);

	if (i >= n || s[i] != '{') {
		*bad = i;
		return 0;
	}
	if ((i = fuzz_json_value(&j, i)) == 0) {
		*bad = j.bad;
		return 0;
	}
	if ((i = fuzz_json_ws(&j, i)) != n) {
		*bad = i;
		return 0;
	}
	return 1;
}

/* The deepest nesting of brackets outside strings (for valid JSON). */
FUZZ_FN int
fuzz_json_depth(const char *s, size_t n)
{
	int d = 0, max = 0, in = 0;

	for (size_t i = 0; i < n; i++) {
		if (in) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in = 0;
		} else if (s[i] == '"')
			in = 1;
		else if (s[i] == '{' || s[i] == '[') {
			if (++d > max)
				max = d;
		} else if (s[i] == '}' || s[i] == ']')
			d--;
	}
	return max;
}

/*
 * Is s[0..n) one record line: one JSON object, then "\n", no other
 * newline?  Fails the run with what is wrong when it is not.
 */
FUZZ_FN void
fuzz_check_line(const char *what, const char *s, size_t n)
{
	size_t bad;

	FUZZ_CHECK(n > 0 && s[n - 1] == '\n', "%s: not ended by a newline", what);
	FUZZ_CHECK(memchr(s, '\n', n - 1) == NULL,
	    "%s: a newline inside the line: %.*s", what, (int)n, s);
	FUZZ_CHECK(fuzz_json_object(s, n - 1, &bad),
	    "%s: not one JSON object (at byte %zu): %.*s", what, bad,
	    (int)(n > 2000 ? 2000 : n), s);
}

#endif /* TKT_FUZZ_H */
