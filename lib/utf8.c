/*
 * utf8.c: UTF-8 checks and code point counts, without the C library's
 * locale; and the one escaping of text shown to a person (tkt(7), Common
 * conventions).
 */
#include <stdio.h>
#include <string.h>

#include "tkt.h"

/* The length of the valid UTF-8 sequence at s[0..n) (n > 0), or 0. */
static size_t
seq_len(const unsigned char *s, size_t n, unsigned *cpp)
{
	unsigned c = s[0], cp, min;
	size_t k;

	if (c < 0x80) {
		*cpp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		k = 1;
		cp = c & 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		k = 2;
		cp = c & 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		k = 3;
		cp = c & 0x07;
		min = 0x10000;
	} else
		return 0;
	for (size_t j = 1; j <= k; j++) {
		if (j >= n || (s[j] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[j] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cpp = cp;
	return k + 1;
}

size_t
tkt_utf8_check(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, k;
	unsigned cp;
	uint64_t w;

	while (i < n) {
		/* ASCII eight bytes at a time: every record line is read so. */
		if (n - i >= 8 && (memcpy(&w, s + i, 8),
		    (w & 0x8080808080808080ULL) == 0)) {
			i += 8;
			continue;
		}
		if ((k = seq_len(s + i, n - i, &cp)) == 0)
			return i;
		i += k;
	}
	return (size_t)-1;
}

size_t
tkt_utf8_count(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t cnt = 0;

	for (size_t i = 0; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			cnt++;
	return cnt;
}

size_t
tkt_esc_char(const char *p, size_t n, int keep, char out[TKT_ESC_MAX],
    int *cols)
{
	const unsigned char *s = (const unsigned char *)p;
	unsigned cp = 0;
	size_t k = seq_len(s, n, &cp);
	int ctl = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);

	if (k > 0 && (!ctl || (cp == '\n' && (keep & TKT_ESC_NL)) ||
	    (cp == '\t' && (keep & TKT_ESC_TAB)))) {
		memcpy(out, p, k);
		out[k] = '\0';
		*cols = 1;
		return k;
	}
	/* A control character, each of its bytes; or one invalid byte. */
	if (k == 0)
		k = 1;
	for (size_t i = 0; i < k; i++)
		snprintf(out + 4 * i, TKT_ESC_MAX - 4 * i, "\\%03o", s[i]);
	*cols = 4 * (int)k;
	return k;
}

size_t
tkt_esc_put(FILE *fp, const char *s, size_t n, int keep)
{
	char piece[TKT_ESC_MAX];
	size_t cols = 0;
	int c;

	for (size_t i = 0; i < n; cols += (size_t)c) {
		i += tkt_esc_char(s + i, n - i, keep, piece, &c);
		fputs(piece, fp);
	}
	return cols;
}
