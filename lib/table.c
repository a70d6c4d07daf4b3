/*
 * table.c: tickets as a person reads them on a terminal: one row per
 * ticket, or the whole conversation.  Local time, relative ages.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "tkt.h"

#define RED	"\033[31m"
#define YELLOW	"\033[33m"
#define BOLD	"\033[1m"
#define DIM	"\033[2m"
#define RESET	"\033[0m"
#define SOON	(6 * 3600)

int
tkt_table_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	long long v;
	const char *es;

	if (c != NULL && tkt_num_parse(c, 20, 10000, &v, &es) == 0)
		return (int)v;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 20)
		return ws.ws_col;
	return 0;	/* no limit */
}

int
tkt_locale_utf8(void)
{
	static int known = -1;
	const char *old, *cs;
	char *saved;

	if (known >= 0)
		return known;
	known = 0;
	old = setlocale(LC_CTYPE, NULL);
	saved = xstrdup(old != NULL ? old : "C");
	if (setlocale(LC_CTYPE, "") != NULL) {
		cs = nl_langinfo(CODESET);
		known = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
		    strcasecmp(cs, "UTF8") == 0);
	}
	setlocale(LC_CTYPE, saved);
	free(saved);
	return known;
}

static const char *
str(const struct tkt_rec *r, const char *path, const char *dflt)
{
	const char *s = tkt_rec_str(r, tkt_rec_path(r, path), NULL);

	return s ? s : dflt;
}

static void
localtm(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == (time_t)-1 || localtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%b %d %H:%M", &tm);
}

/* "overdue 3h", "in 5h", or "-"; *level 2 overdue, 1 soon, 0 else. */
static void
due_text(time_t due, char *buf, size_t len, int *level)
{
	char d[32];
	time_t now = tkt_now();

	*level = 0;
	if (due == (time_t)-1) {
		snprintf(buf, len, "-");
		return;
	}
	tkt_duration_human((int64_t)(due - now), d, sizeof(d));
	if (now > due) {
		*level = 2;
		snprintf(buf, len, "overdue %s", d);
	} else {
		*level = due - now <= SOON;
		snprintf(buf, len, "in %s", d);
	}
}

/* The first character of s[0..n) on one line: a newline, return or tab is a space. */
static size_t
line_char(const char *s, size_t n, char piece[TKT_ESC_MAX], int *cols)
{
	if (*s == '\n' || *s == '\r' || *s == '\t') {
		piece[0] = ' ';
		piece[1] = '\0';
		*cols = 1;
		return 1;
	}
	return tkt_esc_char(s, n, 0, piece, cols);
}

/*
 * Writes s on one line, escaped as text shown to a person (tkt_esc_char),
 * cut to at most max columns with "…" (0: no cut), then padded with
 * spaces to pad columns.
 */
static void
put_cut(FILE *fp, const char *s, int max, int pad)
{
	char piece[TKT_ESC_MAX];
	size_t n = strlen(s), i;
	int cols = 0, total = 0, c;

	for (i = 0; max > 0 && i < n; total += c)
		i += line_char(s + i, n - i, piece, &c);
	for (i = 0; i < n; cols += c) {
		i += line_char(s + i, n - i, piece, &c);
		if (max > 0 && total > max && cols + c > max - 1) {
			fputs("…", fp);
			cols++;
			break;
		}
		fputs(piece, fp);
	}
	for (; cols < pad; cols++)
		fputc(' ', fp);
}

void
tkt_table_cut(FILE *fp, const char *s, int max)
{
	put_cut(fp, s, max, 0);
}

/* A column of a row: s padded to w columns, then two spaces. */
static void
cell(FILE *fp, const char *s, int w)
{
	put_cut(fp, s, 0, w);
	fputs("  ", fp);
}

static const char *
short_type(const char *t)
{
	if (strcmp(t, "POST_CUSTOMER_SUPPORT") == 0)
		return "POST_CS";
	return t;
}

void
tkt_table_header(FILE *fp, int color)
{
	fprintf(fp, "%s%-24s  %-12s  %-18s  %-6s  %-12s  %-12s  %s%s\n",
	    color ? BOLD : "", "ID", "TYPE", "STATE", "LOCALE", "WAITING",
	    "DUE", "SUBJECT", color ? RESET : "");
}

void
tkt_table_row(FILE *fp, const struct tkt_rec *r, int color)
{
	char waiting[32], due[48];
	int level, w = tkt_table_width(), used = 24 + 2 + 12 + 2 + 18 + 2 + 6 + 2 + 12 + 2 + 12 + 2;
	const struct tkt_jnode *root = &r->nodes[0];

	localtm(tkt_rec_time(r, tkt_rec_get(r, root, "waiting_since")), waiting,
	    sizeof(waiting));
	due_text(tkt_rec_time(r, tkt_rec_get(r, root, "due_at")), due,
	    sizeof(due), &level);
	cell(fp, str(r, "id", "-"), 24);
	cell(fp, short_type(str(r, "type", "-")), 12);
	cell(fp, str(r, "state", "-"), 18);
	cell(fp, str(r, "locale", "und"), 6);
	fprintf(fp, "%-12s  ", waiting);
	if (color && level > 0)
		fprintf(fp, "%s%-12s%s  ", level == 2 ? RED : YELLOW, due, RESET);
	else
		fprintf(fp, "%-12s  ", due);
	put_cut(fp, str(r, "subject", ""), w > used + 10 ? w - used : (w ? 10 : 0),
	    0);
	fputc('\n', fp);
}

/* Each line of a message, indented, escaped but for its tabs. */
static void
put_text(FILE *fp, const char *indent, const char *s)
{
	char piece[TKT_ESC_MAX];
	size_t n = strlen(s), k;
	int c;

	fputs(indent, fp);
	for (size_t i = 0; i < n; i += k) {
		k = 1;
		if (s[i] == '\r')
			continue;
		if (s[i] == '\n') {
			fputc('\n', fp);
			if (i + 1 < n)
				fputs(indent, fp);
			continue;
		}
		k = tkt_esc_char(s + i, n - i, TKT_ESC_TAB, piece, &c);
		fputs(piece, fp);
	}
	fputc('\n', fp);
}

/* pre, then s on one line, escaped (put_cut), then post. */
static void
put_field(FILE *fp, const char *pre, const char *s, const char *post)
{
	fputs(pre, fp);
	put_cut(fp, s, 0, 0);
	fputs(post, fp);
}

void
tkt_thread_print(FILE *fp, const struct tkt_rec *r, int color)
{
	const struct tkt_jnode *root = &r->nodes[0], *reps, *c;
	const char *lang;
	char due[48], when[32];
	int level;

	due_text(tkt_rec_time(r, tkt_rec_get(r, root, "due_at")), due,
	    sizeof(due), &level);
	put_field(fp, color ? BOLD : "", str(r, "id", "-"), color ? RESET : "");
	put_field(fp, "  ", str(r, "type", "-"), "  ");
	put_field(fp, "", str(r, "state", "-"), "  ");
	put_field(fp, "", str(r, "locale", "und"), "");
	if (level > 0)
		fprintf(fp, "  %s%s%s", color ? (level == 2 ? RED : YELLOW) : "",
		    due, color ? RESET : "");
	put_field(fp, "\nSubject: ", str(r, "subject", ""), "\n");
	if (tkt_rec_str(r, tkt_rec_path(r, "sub_label"), NULL) != NULL)
		put_field(fp, "Label: ", str(r, "sub_label", ""), "\n");
	/* tkt-list --lang: the language the translations came back in. */
	lang = tkt_rec_str(r, tkt_rec_get(r, root, "content_locale"), NULL);
	reps = tkt_rec_get(r, root, "replies");
	for (c = tkt_rec_child(r, reps); c != NULL; c = tkt_rec_next(r, c)) {
		const char *snd = tkt_rec_str(r, tkt_rec_get(r, c, "sender"), NULL);
		const char *msg = tkt_rec_str(r, tkt_rec_get(r, c, "message"), NULL);
		const char *tr = tkt_rec_str(r, tkt_rec_get(r, c,
		    "translated_message"), NULL);
		const struct tkt_jnode *imgs = tkt_rec_get(r, c, "images");

		localtm(tkt_rec_time(r, tkt_rec_get(r, c, "at")), when,
		    sizeof(when));
		fprintf(fp, "\n  %s%s  %s", color ? DIM : "", when,
		    color ? RESET : "");
		if (snd != NULL && strcmp(snd, "USER") == 0) {
			fprintf(fp, "%sbuyer%s", color ? BOLD : "",
			    color ? RESET : "");
			if (tkt_rec_str(r, tkt_rec_path(r, "buyer.name"), NULL))
				put_field(fp, " · ", str(r, "buyer.name", ""), "");
			fputc('\n', fp);
		} else
			put_field(fp, "", snd ? snd : "?", "\n");
		put_text(fp, "    ", msg ? msg : "");
		if (tr != NULL && (msg == NULL || strcmp(tr, msg) != 0)) {
			fprintf(fp, "    %s[translation", color ? DIM : "");
			if (lang != NULL)
				put_field(fp, ", ", lang, "");
			fprintf(fp, "]%s\n", color ? RESET : "");
			put_text(fp, "    ", tr);
		}
		if (imgs != NULL && imgs->nchild > 0)
			fprintf(fp, "    [%u image%s]\n", imgs->nchild,
			    imgs->nchild == 1 ? "" : "s");
	}
	fputc('\n', fp);
}
