/*
 * wishmap.c: share/tkt/wish-v2-map, the v2 strings and the record values
 * they stand for, in both directions (client and sandbox share it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tkt.h"

struct row {
	char	*table;
	char	*v2;
	char	*value;
};

struct tkt_wishmap {
	struct row	*rows;
	size_t		 n;
};

struct tkt_wishmap *
tkt_wishmap_load(const char *path, struct tkt_error *err)
{
	FILE *fp;
	struct tkt_wishmap *m;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	while ((len = getline(&line, &cap, fp)) != -1) {
		char *a, *b;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((a = strchr(line, '\t')) == NULL ||
		    (b = strchr(a + 1, '\t')) == NULL) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "%s:%u: want TABLE<tab>V2<tab>VALUE", path, lineno);
			free(line);
			fclose(fp);
			tkt_wishmap_free(m);
			return NULL;
		}
		*a++ = '\0';
		*b++ = '\0';
		m->rows = xreallocarray(m->rows, m->n + 1, sizeof(*m->rows));
		m->rows[m->n].table = xstrdup(line);
		m->rows[m->n].v2 = xstrdup(a);
		m->rows[m->n].value = xstrdup(b);
		m->n++;
	}
	free(line);
	fclose(fp);
	return m;
}

static struct tkt_wishmap *shared;

static void
free_shared(void)
{
	tkt_wishmap_free(shared);
	shared = NULL;
}

struct tkt_wishmap *
tkt_wishmap_default(struct tkt_error *err)
{
	char *p;

	if (shared != NULL)
		return shared;
	p = tkt_datafile("wish-v2-map");
	shared = tkt_wishmap_load(p, err);
	free(p);
	if (shared != NULL)
		atexit(free_shared);
	return shared;
}

void
tkt_wishmap_free(struct tkt_wishmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->rows[i].table);
		free(m->rows[i].v2);
		free(m->rows[i].value);
	}
	free(m->rows);
	free(m);
}

const char *
tkt_wishmap_in(const struct tkt_wishmap *m, const char *table, const char *v2)
{
	if (v2 == NULL)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].table, table) == 0 &&
		    strcasecmp(m->rows[i].v2, v2) == 0)
			return m->rows[i].value;
	return NULL;
}

const char *
tkt_wishmap_out(const struct tkt_wishmap *m, const char *table,
    const char *value)
{
	if (value == NULL)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].table, table) == 0 &&
		    strcmp(m->rows[i].value, value) == 0)
			return m->rows[i].v2;
	return NULL;
}

const char *
tkt_wishmap_label(const struct tkt_wishmap *m, const char *label)
{
	if (label == NULL)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].table, "label") == 0 &&
		    strncasecmp(m->rows[i].v2, label, strlen(m->rows[i].v2)) == 0)
			return m->rows[i].value;
	return NULL;
}
