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

/*
 * "overdue 3h", then "in 5h" (pre "in") or "due in 5h" (pre "due in"), or
 * "-"; *level 2 overdue, 1 soon, 0 else.
 */
static void
due_text(time_t due, const char *pre, char *buf, size_t len, int *level)
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
		snprintf(buf, len, "%s %s", pre, d);
	}
}

/*
 * Writes s on one line (a newline, return or tab is a space), escaped as
 * text shown to a person (tkt_esc_char), cut to at most max display
 * columns with "…" (0: no cut), then padded with spaces to pad columns.
 */
static void
put_cut(FILE *fp, const char *s, int max, int pad)
{
	size_t n = strlen(s), keep, cols;
	char *line = xstrdup(s);

	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r' || line[i] == '\t')
			line[i] = ' ';
	if (max > 0)
		keep = tkt_width_cut(line, n, (size_t)max, &cols);
	else {
		keep = n;
		cols = tkt_width_str(line, n);
	}
	tkt_esc_put(fp, line, keep, 0);
	if (keep < n) {
		fputs("…", fp);
		cols++;
	}
	for (; cols < (size_t)pad; cols++)
		fputc(' ', fp);
	free(line);
}

void
tkt_table_cut(FILE *fp, const char *s, int max)
{
	put_cut(fp, s, max, 0);
}

static const char *
short_type(const char *t)
{
	if (strcmp(t, "POST_CUSTOMER_SUPPORT") == 0)
		return "POST_CS";
	return t;
}

/*
 * The columns, in their order, and the widths their values need at most:
 * an id is 24 hex digits; PRE_PURCHASE and PERMANENTLY_CLOSED the longest
 * type and state; "Nov 22 04:24" a time (the tools run in the C locale);
 * "overdue 3d21h" the longest DUE short of a week (then "overdue 12d").
 * A longer value (a locale, a store's name) is cut with "…".
 */
enum { C_ID, C_STORE, C_TYPE, C_STATE, C_LOCALE, C_WAITING, C_DUE, C_SUBJECT };

static const struct {
	const char	*name;
	int		 w;
} cols[TKT_TABLE_NCOL] = {
	{ "ID", 24 }, { "STORE", 5 }, { "TYPE", 12 }, { "STATE", 18 },
	{ "LOCALE", 6 }, { "WAITING", 12 }, { "DUE", 13 }, { "SUBJECT", 0 },
};

#define GAP		2	/* spaces between two columns */
#define STORE_MAX	16	/* a store's name, at most */
#define SUBJECT_MIN	16	/* what the subject is given before a column goes */

/*
 * Does the listing show one state only?  Rows are printed as they come,
 * so it is told from the options: a listing (no operand) of the one state
 * --state names, or without -A and --state of AWAITING_MERCHANT alone.
 */
static int
one_state(const struct tkt_list_opts *o)
{
	return o->noperands == 0 &&
	    (o->states.n == 1 || (o->states.n == 0 && !o->all));
}

static int
fixed(const struct tkt_table *t)
{
	int used = 0;

	for (int c = 0; c < C_SUBJECT; c++)
		if (t->show & (1u << c))
			used += t->w[c] + GAP;
	return used;
}

void
tkt_table_init(struct tkt_table *t, const struct tkt_list_opts *o,
    const char *const *stores, size_t nstores, int color)
{
	/* When room is short, WAITING goes first (DUE says the same), then LOCALE, TYPE. */
	static const int drop[] = { C_WAITING, C_LOCALE, C_TYPE };
	int width = tkt_table_width();

	memset(t, 0, sizeof(*t));
	t->color = color;
	for (int c = 0; c < TKT_TABLE_NCOL; c++) {
		t->w[c] = cols[c].w;
		if (c != C_STORE && c != C_STATE)
			t->show |= 1u << c;
	}
	if (!one_state(o))
		t->show |= 1u << C_STATE;
	if (nstores > 1) {
		t->show |= 1u << C_STORE;
		for (size_t i = 0; i < nstores; i++) {
			size_t w = tkt_width_str(stores[i], strlen(stores[i]));

			if (w > (size_t)t->w[C_STORE])
				t->w[C_STORE] = w > STORE_MAX ? STORE_MAX : (int)w;
		}
	}
	if (width == 0)
		return;		/* no limit: every column, the subject whole */
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]) &&
	    width - fixed(t) < SUBJECT_MIN; i++)
		t->show &= ~(1u << drop[i]);
	while ((t->show & (1u << C_STORE)) && t->w[C_STORE] > cols[C_STORE].w &&
	    width - fixed(t) < SUBJECT_MIN)
		t->w[C_STORE]--;
	/* Narrower than 80 columns the line may still be too long. */
	t->w[C_SUBJECT] = width - fixed(t) > 1 ? width - fixed(t) : 1;
}

void
tkt_table_header(FILE *fp, const struct tkt_table *t)
{
	fputs(t->color ? BOLD : "", fp);
	for (int c = 0; c < C_SUBJECT; c++)
		if (t->show & (1u << c))
			fprintf(fp, "%-*s%*s", t->w[c], cols[c].name, GAP, "");
	fprintf(fp, "%s%s\n", cols[C_SUBJECT].name, t->color ? RESET : "");
}

void
tkt_table_row(FILE *fp, const struct tkt_table *t, const struct tkt_rec *r)
{
	char waiting[32], due[48];
	const char *v[TKT_TABLE_NCOL];
	int level;
	const struct tkt_jnode *root = &r->nodes[0];

	localtm(tkt_rec_time(r, tkt_rec_get(r, root, "waiting_since")), waiting,
	    sizeof(waiting));
	due_text(tkt_rec_time(r, tkt_rec_get(r, root, "due_at")), "in", due,
	    sizeof(due), &level);
	v[C_ID] = str(r, "id", "-");
	v[C_STORE] = str(r, "store", "-");
	v[C_TYPE] = short_type(str(r, "type", "-"));
	v[C_STATE] = str(r, "state", "-");
	v[C_LOCALE] = str(r, "locale", "und");
	v[C_WAITING] = waiting;
	v[C_DUE] = due;
	v[C_SUBJECT] = str(r, "subject", "");
	for (int c = 0; c < C_SUBJECT; c++) {
		int paint = c == C_DUE && t->color && level > 0;

		if (!(t->show & (1u << c)))
			continue;
		if (paint)
			fputs(level == 2 ? RED : YELLOW, fp);
		put_cut(fp, v[c], t->w[c], t->w[c]);
		if (paint)
			fputs(RESET, fp);
		fprintf(fp, "%*s", GAP, "");
	}
	put_cut(fp, v[C_SUBJECT], t->w[C_SUBJECT], 0);
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

static const char *files_dir;

void
tkt_thread_files_dir(const char *dir)
{
	files_dir = dir;
}

/* --save-files: each file a reply's images were saved as, under DIR. */
static void
put_files(FILE *fp, const struct tkt_rec *r, const struct tkt_jnode *files,
    int color)
{
	const struct tkt_jnode *f;

	if (files == NULL || files->type != TKT_J_ARRAY)
		return;
	for (f = tkt_rec_child(r, files); f != NULL; f = tkt_rec_next(r, f)) {
		size_t n;
		const char *p = tkt_rec_str(r, tkt_rec_get(r, f, "path"), &n);

		if (p == NULL)
			continue;
		fprintf(fp, "    %ssaved: ", color ? DIM : "");
		if (files_dir != NULL && p[0] != '/') {
			tkt_esc_put(fp, files_dir, strlen(files_dir), 0);
			fputc('/', fp);
		}
		tkt_esc_put(fp, p, n, 0);
		fprintf(fp, "%s\n", color ? RESET : "");
	}
}

void
tkt_thread_print(FILE *fp, const struct tkt_rec *r, int color)
{
	const struct tkt_jnode *root = &r->nodes[0], *reps, *c;
	const char *lang;
	char due[48], when[32];
	int level;

	due_text(tkt_rec_time(r, tkt_rec_get(r, root, "due_at")), "due in", due,
	    sizeof(due), &level);
	put_field(fp, color ? BOLD : "", str(r, "id", "-"), color ? RESET : "");
	put_field(fp, "  ", str(r, "type", "-"), "  ");
	put_field(fp, "", str(r, "state", "-"), "  ");
	put_field(fp, "", str(r, "locale", "und"), "");
	/* The time left, however far; none for a ticket with no due time. */
	if (strcmp(due, "-") != 0)
		fprintf(fp, "  %s%s%s", color && level > 0 ?
		    (level == 2 ? RED : YELLOW) : "", due,
		    color && level > 0 ? RESET : "");
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
		put_files(fp, r, tkt_rec_get(r, c, "files"), color);
	}
	fputc('\n', fp);
}
