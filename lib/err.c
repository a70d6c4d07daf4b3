/*
 * err.c: the err(3)-style printers every binary shares, the error record
 * library functions fill, and the exit-status merge rule of tkt(7) (EXIT
 * STATUS: when outcomes mix, the first that applies wins: 4, 2, 3, 1, 0).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tkt.h"

static const char *progname = "tkt";

void
tkt_setprogname(const char *argv0)
{
	const char *p;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	p = strrchr(argv0, '/');
	progname = p ? p + 1 : argv0;
}

const char *
tkt_getprogname(void)
{
	return progname;
}

void
tkt_error_clear(struct tkt_error *e)
{
	if (e == NULL)
		return;
	/* The strings are read up to their NUL: no need to wipe 1.7 KB. */
	e->status = e->kind = 0;
	e->http = e->code = 0;
	e->where[0] = e->request_id[0] = e->msg[0] = '\0';
}

void
tkt_error_vset(struct tkt_error *e, int status, int kind, const char *fmt,
    va_list ap)
{
	if (e == NULL)
		return;
	e->status = status;
	e->kind = kind;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

void
tkt_error_set(struct tkt_error *e, int status, int kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tkt_error_vset(e, status, kind, fmt, ap);
	va_end(ap);
}

void
tkt_error_where(struct tkt_error *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e->where, sizeof(e->where), fmt, ap);
	va_end(ap);
}

void
tkt_error_print(const struct tkt_error *e)
{
	char extra[192] = "";

	if (e->request_id[0] != '\0')
		snprintf(extra, sizeof(extra), " (request id %s)", e->request_id);
	if (e->where[0] != '\0')
		tkt_warnx("%s: %s%s", e->where, e->msg, extra);
	else
		tkt_warnx("%s%s", e->msg, extra);
}

/* When outcomes mix, the first that applies wins: 5, 4, 2, 3, 1, 0. */
int
tkt_exit_merge(int a, int b)
{
	static const int rank[] = { 0, 1, 3, 2, 4, 5 };

	if (a < 0 || a > 5)
		return b;
	if (b < 0 || b > 5)
		return a;
	return rank[a] >= rank[b] ? a : b;
}

const char *
tkt_ekind_name(int kind)
{
	switch (kind) {
	case TKT_E_LOCAL:
		return "local";
	case TKT_E_REMOTE:
		return "remote";
	case TKT_E_REFUSED:
		return "refused";
	case TKT_E_NETWORK:
		return "network";
	case TKT_E_USAGE:
		return "usage";
	case TKT_E_PENDING:
		return "pending";
	case TKT_E_INTERRUPTED:
		return "interrupted";
	case TKT_E_SKIPPED:
		return "skipped";
	default:
		return "none";
	}
}

/*
 * "prog: message\n", or with saved >= 0 "prog: message: strerror(saved)\n",
 * the message escaped as text shown to a person (tkt_esc_put): a message
 * quotes what servers and buyers wrote.
 */
static void
say(int saved, const char *fmt, va_list ap)
{
	char small[1024], *m = small;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	/* No allocator that reports running out: this is where it reports. */
	if (n >= (int)sizeof(small) && (m = malloc((size_t)n + 1)) != NULL)
		vsnprintf(m, (size_t)n + 1, fmt, ap);
	if (m == NULL)
		m = small;
	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	tkt_esc_put(stderr, m, strlen(m), 0);
	if (saved >= 0)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
	if (m != small)
		free(m);
}

void
tkt_vwarnx(const char *fmt, va_list ap)
{
	say(-1, fmt, ap);
}

void
tkt_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tkt_vwarnx(fmt, ap);
	va_end(ap);
}

void
tkt_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	say(saved, fmt, ap);
	va_end(ap);
}

void
tkt_errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tkt_vwarnx(fmt, ap);
	va_end(ap);
	exit(status);
}

void
tkt_err(int status, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	say(saved, fmt, ap);
	va_end(ap);
	exit(status);
}

int
tkt_close_stdout(void)
{
	int bad;

	bad = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		bad = 1;
	if (bad && errno == EPIPE)
		tkt_sig_pipe();
	if (bad && errno != EPIPE && tkt_sig_caught() != SIGPIPE) {
		tkt_warn("write error on stdout");
		return 1;
	}
	return bad;
}

int
tkt_exit_stdout(int status)
{
	status = tkt_exit_merge(status, tkt_close_stdout() ? TKT_EXIT_SYSTEM : 0);
	return tkt_sig_caught() ? 128 + tkt_sig_caught() : status;
}

void
tkt_print_version(void)
{
	printf("%s (tkt) %s\n", progname, TKT_VERSION);
}

int
tkt_want_table(int opt)
{
	if (opt >= 0)
		return opt;
	return isatty(STDOUT_FILENO);
}

int
tkt_want_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
}
