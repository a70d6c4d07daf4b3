/*
 * strs.c: lists of option values.  Filter options take a comma list and
 * may repeat (tkt-list(1), Filters).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tkt.h"

void
tkt_strs_addlist(struct tkt_strs *l, const char *list)
{
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");

		if (n > 0) {
			l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
			l->v[l->n++] = xstrndup(p, n);
		}
		p += n + (p[n] == ',');
	}
}

void
tkt_strs_add(struct tkt_strs *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

int
tkt_strs_has(const struct tkt_strs *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

int
tkt_strs_locale(const struct tkt_strs *l, const char *loc)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->v[i]);

		if (strncasecmp(l->v[i], loc, n) == 0 &&
		    (loc[n] == '\0' || loc[n] == '-'))
			return 1;
	}
	return 0;
}

void
tkt_strs_free(struct tkt_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
