/*
 * buf.c: a growable byte buffer, always NUL-terminated.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

void
tkt_buf_init(struct tkt_buf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void
tkt_buf_free(struct tkt_buf *b)
{
	free(b->s);
	tkt_buf_init(b);
}

void
tkt_buf_reset(struct tkt_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
tkt_buf_grow(struct tkt_buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (b->cap < 64)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void
tkt_buf_add(struct tkt_buf *b, const void *p, size_t n)
{
	tkt_buf_grow(b, n);
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
tkt_buf_addc(struct tkt_buf *b, int c)
{
	tkt_buf_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

void
tkt_buf_adds(struct tkt_buf *b, const char *s)
{
	tkt_buf_add(b, s, strlen(s));
}

void
tkt_buf_printf(struct tkt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	tkt_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
tkt_buf_take(struct tkt_buf *b)
{
	char *s;

	if (b->s == NULL)
		return xstrdup("");
	s = b->s;
	tkt_buf_init(b);
	return s;
}

/* In buf.c, not utf8.c, which a message's printer calls: no circle. */
void
tkt_esc_buf(struct tkt_buf *b, const char *s, size_t n, int keep)
{
	char piece[TKT_ESC_MAX];
	int c;

	for (size_t i = 0; i < n;) {
		i += tkt_esc_char(s + i, n - i, keep, piece, &c);
		tkt_buf_adds(b, piece);
	}
}
