/*
 * strs.c: lists of option values.  Filter options take a comma list and
 * may repeat (tkt-list(1), Filters).  And sets of strings, for what a
 * listing has seen.
 */
#include <stdint.h>
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

/* FNV-1a, 64 bits, folded to the table's size by the caller. */
static size_t
hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot of s: where it is, or the empty one where it would go. */
static size_t
slot_of(char *const *slot, size_t cap, const char *s)
{
	size_t i = hash(s) & (cap - 1);

	while (slot[i] != NULL && strcmp(slot[i], s) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

int
tkt_strset_add(struct tkt_strset *set, const char *s)
{
	size_t i;

	/* At most half full: probes stay short. */
	if (2 * (set->n + 1) > set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 64;
		char **slot = xcalloc(cap, sizeof(*slot));

		for (size_t k = 0; k < set->cap; k++)
			if (set->slot[k] != NULL)
				slot[slot_of(slot, cap, set->slot[k])] =
				    set->slot[k];
		free(set->slot);
		set->slot = slot;
		set->cap = cap;
	}
	i = slot_of(set->slot, set->cap, s);
	if (set->slot[i] != NULL)
		return 0;
	set->slot[i] = xstrdup(s);
	set->n++;
	return 1;
}

void
tkt_strset_free(struct tkt_strset *set)
{
	for (size_t k = 0; k < set->cap; k++)
		free(set->slot[k]);
	free(set->slot);
	set->slot = NULL;
	set->n = set->cap = 0;
}
