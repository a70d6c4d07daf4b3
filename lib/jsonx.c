/*
 * jsonx.c: small JSON documents as trees, with jansson (tkt_jsonx.h):
 * what the Wish API and tkt-sandbox exchange that is neither a record nor
 * money, where no number has to survive byte for byte.  jansson allocates
 * with xmalloc, so that running out of memory ends the program the one
 * way the library does.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"
#include "tkt_jsonx.h"

static pthread_once_t	once = PTHREAD_ONCE_INIT;

static void
alloc_funcs(void)
{
	json_set_alloc_funcs(xmalloc, free);
}

static void
init(void)
{
	pthread_once(&once, alloc_funcs);
}

json_t *
tkt_jx_strn(const char *s, size_t n)
{
	struct tkt_buf b;
	size_t i, bad;
	json_t *j;

	init();
	if (s == NULL)
		return json_null();
	if ((bad = tkt_utf8_check(s, n)) == (size_t)-1)
		return json_stringn_nocheck(s, n);
	tkt_buf_init(&b);
	for (i = 0; bad != (size_t)-1; i += bad + 1,
	    bad = tkt_utf8_check(s + i, n - i)) {
		tkt_buf_add(&b, s + i, bad);
		tkt_buf_adds(&b, "\xef\xbf\xbd");
	}
	tkt_buf_add(&b, s + i, n - i);
	j = json_stringn_nocheck(b.s, b.len);
	tkt_buf_free(&b);
	return j;
}

json_t *
tkt_jx_str(const char *s)
{
	return tkt_jx_strn(s, s != NULL ? strlen(s) : 0);
}

json_t *
tkt_jx_pack(const char *fmt, ...)
{
	json_error_t je;
	va_list ap;
	json_t *j;

	init();
	va_start(ap, fmt);
	j = json_vpack_ex(&je, 0, fmt, ap);
	va_end(ap);
	if (j == NULL) {
		/* A format or an argument this file's rules forbid. */
		tkt_warnx("internal error: json_pack \"%s\": %s", fmt, je.text);
		j = json_null();
	}
	return j;
}

json_t *
tkt_jx_load(const char *s, size_t n, char *why, size_t whysize)
{
	json_error_t je;
	json_t *j;

	init();
	if ((j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		snprintf(why, whysize, "invalid JSON at byte %d: %s",
		    je.position, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		snprintf(why, whysize, "not a JSON object");
		json_decref(j);
		return NULL;
	}
	return j;
}

int
tkt_jx_digits(double v)
{
	char t[40];
	int d;

	for (d = 1; d < 17; d++) {
		snprintf(t, sizeof(t), "%.*g", d, v);
		if (strtod(t, NULL) == v)
			break;
	}
	return d;
}

/* The most digits a real of j needs (tkt_jx_digits), at least d. */
static int
tree_digits(const json_t *j, int d)
{
	const char *k;
	json_t *v;
	size_t i;
	int n;

	switch (json_typeof(j)) {
	case JSON_REAL:
		n = tkt_jx_digits(json_real_value(j));
		return n > d ? n : d;
	case JSON_ARRAY:
		json_array_foreach(j, i, v)
			d = tree_digits(v, d);
		return d;
	case JSON_OBJECT:
		json_object_foreach((json_t *)j, k, v)
			d = tree_digits(v, d);
		return d;
	default:
		return d;
	}
}

void
tkt_jx_dump(const json_t *j, struct tkt_buf *out)
{
	/*
	 * jansson writes every real of a document with one precision (17
	 * digits unless told, and 6.69 is 6.6900000000000004 in 17): that
	 * of the real that needs the most.  Each reads back the same, and
	 * up to 15 digits each is written in its own fewest.
	 */
	size_t flags = JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_REAL_PRECISION(tree_digits(j, 1));
	size_t n;

	init();
	n = json_dumpb(j, NULL, 0, flags);
	tkt_buf_grow(out, n);
	n = json_dumpb(j, out->s + out->len, n, flags);
	out->len += n;
	out->s[out->len] = '\0';
}
