/*
 * yaml.c: loads one YAML document into a small tree that remembers where
 * each node stood, so config and template errors can say file:line:col.
 * Aliases and multiple documents are refused: tkt's files need neither.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "tkt.h"

static void
node_free(struct tkt_ynode *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nitems; i++)
		node_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
}

static void
add_item(struct tkt_ynode *p, struct tkt_ynode *c)
{
	p->items = xreallocarray(p->items, p->nitems + 1, sizeof(*p->items));
	p->items[p->nitems++] = c;
}


/* One load: the parser, the input's name, and where its last line is. */
struct yload {
	yaml_parser_t	 p;
	const char	*name;
	size_t		 nlines;	/* lines, as YAML breaks them */
	size_t		 lastcol;	/* the column after the last line's text */
};

/* Counts the input's lines as libyaml does: CR LF, CR, LF, NEL, LS, PS. */
static void
yload_lines(struct yload *L, const unsigned char *s, size_t n)
{
	L->nlines = 1;
	L->lastcol = 1;
	for (size_t i = 0; i < n; i++) {
		size_t brk = 0;

		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n ||
		    s[i + 1] != '\n')))
			brk = 1;
		else if (s[i] == 0xc2 && i + 1 < n && s[i + 1] == 0x85)
			brk = 2;
		else if (s[i] == 0xe2 && i + 2 < n && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
			brk = 3;
		if (brk > 0) {
			L->nlines++;
			L->lastcol = 1;
			i += brk - 1;
		} else if ((s[i] & 0xc0) != 0x80)
			L->lastcol++;	/* libyaml counts characters */
	}
}

/*
 * A mark of the input as a 1-based line and column.  libyaml places what
 * it finds at the end of an input that does not end with a line break
 * one line past its last: that is the last line, after its text.
 */
static void
pos(const struct yload *L, const yaml_mark_t *m, size_t *line, size_t *col)
{
	*line = m->line + 1;
	*col = m->column + 1;
	if (*line > L->nlines) {
		*line = L->nlines;
		*col = L->lastcol;
	}
}

static struct tkt_ynode *
new_node(const struct yload *L, int type, const yaml_mark_t *m)
{
	struct tkt_ynode *n = xcalloc(1, sizeof(*n));
	size_t line, col;

	pos(L, m, &line, &col);
	n->type = type;
	n->line = (unsigned)line;
	n->col = (unsigned)col;
	return n;
}

/* err's where, "name:line:col", for a mark of the input. */
static void
where(struct tkt_error *err, const struct yload *L, const yaml_mark_t *m)
{
	size_t line, col;

	pos(L, m, &line, &col);
	tkt_error_where(err, "%s:%zu:%zu", L->name, line, col);
}

/* Parses one node whose first event is ev; NULL with err. */
static struct tkt_ynode *
parse_node(struct yload *L, yaml_event_t *ev, struct tkt_error *err, int depth)
{
	yaml_parser_t *p = &L->p;
	struct tkt_ynode *n;
	yaml_event_t e;
	int end;

	if (depth > 64) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "nested too deeply");
		where(err, L, &ev->start_mark);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = new_node(L, TKT_Y_SCALAR, &ev->start_mark);
		n->value = xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return n;
	case YAML_ALIAS_EVENT:
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "aliases (*name) are not supported");
		where(err, L, &ev->start_mark);
		return NULL;
	case YAML_SEQUENCE_START_EVENT:
		n = new_node(L, TKT_Y_SEQ, &ev->start_mark);
		end = YAML_SEQUENCE_END_EVENT;
		break;
	case YAML_MAPPING_START_EVENT:
		n = new_node(L, TKT_Y_MAP, &ev->start_mark);
		end = YAML_MAPPING_END_EVENT;
		break;
	default:
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "unexpected YAML event");
		where(err, L, &ev->start_mark);
		return NULL;
	}
	for (;;) {
		struct tkt_ynode *c;

		if (!yaml_parser_parse(p, &e)) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s",
			    p->problem ? p->problem : "syntax error");
			where(err, L, &p->problem_mark);
			node_free(n);
			return NULL;
		}
		if ((int)e.type == end) {
			yaml_event_delete(&e);
			return n;
		}
		if (n->type == TKT_Y_MAP && n->nitems % 2 == 0 &&
		    e.type != YAML_SCALAR_EVENT) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "a mapping key must be a plain scalar");
			where(err, L, &e.start_mark);
			yaml_event_delete(&e);
			node_free(n);
			return NULL;
		}
		c = parse_node(L, &e, err, depth + 1);
		yaml_event_delete(&e);
		if (c == NULL) {
			node_free(n);
			return NULL;
		}
		if (n->type == TKT_Y_MAP && n->nitems % 2 == 0 &&
		    tkt_yaml_get(n, c->value) != NULL) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "duplicate key '%s'", c->value);
			tkt_error_where(err, "%s:%u:%u", L->name, c->line,
			    c->col);
			node_free(c);
			node_free(n);
			return NULL;
		}
		add_item(n, c);
	}
}

struct tkt_ydoc *
tkt_yaml_loadbuf(const char *name, const char *buf, size_t len,
    struct tkt_error *err)
{
	struct yload L;
	yaml_parser_t *p = &L.p;
	yaml_event_t e;
	struct tkt_ydoc *doc;
	int state = 0;	/* 0 before doc, 1 in doc, 2 after doc */

	doc = xcalloc(1, sizeof(*doc));
	doc->path = xstrdup(name);
	if (!yaml_parser_initialize(p))
		tkt_errx(TKT_EXIT_SYSTEM, "out of memory");
	yaml_parser_set_input_string(p, (const unsigned char *)buf, len);
	L.name = name;
	yload_lines(&L, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(p, &e)) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s%s%s",
			    p->problem ? p->problem : "syntax error",
			    p->context ? " " : "", p->context ? p->context : "");
			where(err, &L, &p->problem_mark);
			goto fail;
		}
		if (e.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		if (e.type == YAML_DOCUMENT_START_EVENT) {
			if (state == 2) {
				tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
				    "only one YAML document is allowed");
				where(err, &L, &e.start_mark);
				yaml_event_delete(&e);
				goto fail;
			}
			state = 1;
		} else if (e.type == YAML_DOCUMENT_END_EVENT) {
			state = 2;
		} else if (e.type == YAML_SCALAR_EVENT ||
		    e.type == YAML_SEQUENCE_START_EVENT ||
		    e.type == YAML_MAPPING_START_EVENT ||
		    e.type == YAML_ALIAS_EVENT) {
			doc->root = parse_node(&L, &e, err, 0);
			if (doc->root == NULL) {
				yaml_event_delete(&e);
				goto fail;
			}
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(p);
	if (doc->root != NULL && doc->root->type == TKT_Y_SCALAR &&
	    doc->root->len == 0 && doc->root->plain) {
		node_free(doc->root);
		doc->root = NULL;
	}
	return doc;
fail:
	yaml_parser_delete(p);
	tkt_yaml_free(doc);
	return NULL;
}

struct tkt_ydoc *
tkt_yaml_load(const char *path, struct tkt_error *err)
{
	FILE *fp;
	struct tkt_buf b;
	char chunk[8192];
	size_t n;
	struct tkt_ydoc *doc;

	if ((fp = fopen(path, "r")) == NULL) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s", strerror(errno));
		tkt_error_where(err, "%s", path);
		return NULL;
	}
	tkt_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		tkt_buf_add(&b, chunk, n);
	if (ferror(fp)) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s", strerror(errno));
		tkt_error_where(err, "%s", path);
		fclose(fp);
		tkt_buf_free(&b);
		return NULL;
	}
	fclose(fp);
	doc = tkt_yaml_loadbuf(path, b.s ? b.s : "", b.len, err);
	tkt_buf_free(&b);
	return doc;
}

void
tkt_yaml_free(struct tkt_ydoc *doc)
{
	if (doc == NULL)
		return;
	node_free(doc->root);
	free(doc->path);
	free(doc);
}

struct tkt_ynode *
tkt_yaml_get(const struct tkt_ynode *map, const char *key)
{
	if (map == NULL || map->type != TKT_Y_MAP || key == NULL)
		return NULL;
	for (size_t i = 0; i + 1 < map->nitems; i += 2)
		if (strcmp(map->items[i]->value, key) == 0)
			return map->items[i + 1];
	return NULL;
}
