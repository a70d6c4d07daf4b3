/*
 * json.c: writing JSON text.  Strings are written as UTF-8 with only the
 * escapes JSON requires, so text stays readable in a terminal; a byte that
 * is not UTF-8 (from a string read with a lone low surrogate escape, which
 * yajl decodes to one, or from a -D value) is written as U+FFFD, so that
 * every line out is JSON.
 */
#include <stdio.h>
#include <string.h>

#include "tkt.h"
#include "tkt_jsonx.h"

void
tkt_json_str(struct tkt_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run;

	tkt_buf_grow(b, n + 2);
	tkt_buf_addc(b, '"');
	for (i = 0; i < n; i = run) {
		unsigned char c;

		run = i;
		while (run < n) {
			c = (unsigned char)s[run];
			if (c < 0x20 || c == '"' || c == '\\')
				break;
			run++;
		}
		/* Only UTF-8 goes out: U+FFFD stands for each byte that is not. */
		while (i < run) {
			size_t bad = tkt_utf8_check(s + i, run - i);

			if (bad == (size_t)-1) {
				tkt_buf_add(b, s + i, run - i);
				break;
			}
			tkt_buf_add(b, s + i, bad);
			tkt_buf_add(b, "\\ufffd", 6);
			i += bad + 1;
		}
		if (run == n)
			break;
		c = (unsigned char)s[run++];
		switch (c) {
		case '"':
			tkt_buf_add(b, "\\\"", 2);
			break;
		case '\\':
			tkt_buf_add(b, "\\\\", 2);
			break;
		case '\n':
			tkt_buf_add(b, "\\n", 2);
			break;
		case '\r':
			tkt_buf_add(b, "\\r", 2);
			break;
		case '\t':
			tkt_buf_add(b, "\\t", 2);
			break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			tkt_buf_add(b, u, 6);
		}
		}
	}
	tkt_buf_addc(b, '"');
}

void
tkt_json_strz(struct tkt_buf *b, const char *s)
{
	if (s == NULL)
		tkt_buf_add(b, "null", 4);
	else
		tkt_json_str(b, s, strlen(s));
}

void
tkt_jw_init(struct tkt_jw *w, struct tkt_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

/* Writes the separator a new value needs at the current level. */
static void
sep(struct tkt_jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth - 1])
			tkt_buf_addc(w->b, ',');
		w->first[w->depth - 1] = 0;
	}
}

static void
jw_open(struct tkt_jw *w, int c)
{
	sep(w);
	tkt_buf_addc(w->b, c);
	if (w->depth < TKT_JW_DEPTH)
		w->first[w->depth] = 1;
	w->depth++;
}

static void
jw_close(struct tkt_jw *w, int c)
{
	tkt_buf_addc(w->b, c);
	w->depth--;
}

void
tkt_jw_obj(struct tkt_jw *w)
{
	jw_open(w, '{');
}

void
tkt_jw_obj_end(struct tkt_jw *w)
{
	jw_close(w, '}');
}

void
tkt_jw_arr(struct tkt_jw *w)
{
	jw_open(w, '[');
}

void
tkt_jw_arr_end(struct tkt_jw *w)
{
	jw_close(w, ']');
}

void
tkt_jw_key(struct tkt_jw *w, const char *k)
{
	sep(w);
	tkt_json_strz(w->b, k);
	tkt_buf_addc(w->b, ':');
	w->after_key = 1;
}

void
tkt_jw_strn(struct tkt_jw *w, const char *s, size_t n)
{
	sep(w);
	tkt_json_str(w->b, s, n);
}

void
tkt_jw_str(struct tkt_jw *w, const char *s)
{
	sep(w);
	tkt_json_strz(w->b, s);
}

void
tkt_jw_null(struct tkt_jw *w)
{
	sep(w);
	tkt_buf_add(w->b, "null", 4);
}

void
tkt_jw_bool(struct tkt_jw *w, int v)
{
	sep(w);
	tkt_buf_adds(w->b, v ? "true" : "false");
}

void
tkt_jw_int(struct tkt_jw *w, long long v)
{
	sep(w);
	tkt_buf_printf(w->b, "%lld", v);
}

void
tkt_jw_double(struct tkt_jw *w, double v)
{
	sep(w);
	if (v != v) {
		tkt_buf_add(w->b, "null", 4);
		return;
	}
	/* The shortest text that reads back the same. */
	tkt_buf_printf(w->b, "%.*g", tkt_jx_digits(v), v);
}

void
tkt_jw_time(struct tkt_jw *w, time_t t)
{
	char buf[21];

	sep(w);
	if (t == (time_t)-1) {
		tkt_buf_add(w->b, "null", 4);
		return;
	}
	tkt_buf_addc(w->b, '"');
	tkt_buf_adds(w->b, tkt_time_format(t, buf));
	tkt_buf_addc(w->b, '"');
}

void
tkt_jw_raw(struct tkt_jw *w, const char *s, size_t n)
{
	sep(w);
	tkt_buf_add(w->b, s, n);
}
