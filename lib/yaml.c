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

static struct tkt_ynode *
new_node(int type, const yaml_mark_t *m)
{
	struct tkt_ynode *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	return n;
}

/* Parses one node whose first event is ev; NULL with err. */
static struct tkt_ynode *
parse_node(yaml_parser_t *p, yaml_event_t *ev, const char *name,
    struct tkt_error *err, int depth)
{
	struct tkt_ynode *n;
	yaml_event_t e;
	int end;

	if (depth > 64) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "nested too deeply");
		tkt_error_where(err, "%s:%zu:%zu", name, ev->start_mark.line + 1,
		    ev->start_mark.column + 1);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = new_node(TKT_Y_SCALAR, &ev->start_mark);
		n->value = xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return n;
	case YAML_ALIAS_EVENT:
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "aliases (*name) are not supported");
		tkt_error_where(err, "%s:%zu:%zu", name, ev->start_mark.line + 1,
		    ev->start_mark.column + 1);
		return NULL;
	case YAML_SEQUENCE_START_EVENT:
		n = new_node(TKT_Y_SEQ, &ev->start_mark);
		end = YAML_SEQUENCE_END_EVENT;
		break;
	case YAML_MAPPING_START_EVENT:
		n = new_node(TKT_Y_MAP, &ev->start_mark);
		end = YAML_MAPPING_END_EVENT;
		break;
	default:
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "unexpected YAML event");
		tkt_error_where(err, "%s:%zu:%zu", name, ev->start_mark.line + 1,
		    ev->start_mark.column + 1);
		return NULL;
	}
	for (;;) {
		struct tkt_ynode *c;

		if (!yaml_parser_parse(p, &e)) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s",
			    p->problem ? p->problem : "syntax error");
			tkt_error_where(err, "%s:%zu:%zu", name,
			    p->problem_mark.line + 1, p->problem_mark.column + 1);
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
			tkt_error_where(err, "%s:%zu:%zu", name,
			    e.start_mark.line + 1, e.start_mark.column + 1);
			yaml_event_delete(&e);
			node_free(n);
			return NULL;
		}
		c = parse_node(p, &e, name, err, depth + 1);
		yaml_event_delete(&e);
		if (c == NULL) {
			node_free(n);
			return NULL;
		}
		if (n->type == TKT_Y_MAP && n->nitems % 2 == 0 &&
		    tkt_yaml_get(n, c->value) != NULL) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "duplicate key '%s'", c->value);
			tkt_error_where(err, "%s:%u:%u", name, c->line, c->col);
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
	yaml_parser_t p;
	yaml_event_t e;
	struct tkt_ydoc *doc;
	int state = 0;	/* 0 before doc, 1 in doc, 2 after doc */

	doc = xcalloc(1, sizeof(*doc));
	doc->path = xstrdup(name);
	if (!yaml_parser_initialize(&p))
		tkt_errx(TKT_EXIT_SYSTEM, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &e)) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s%s%s",
			    p.problem ? p.problem : "syntax error",
			    p.context ? " " : "", p.context ? p.context : "");
			tkt_error_where(err, "%s:%zu:%zu", name,
			    p.problem_mark.line + 1, p.problem_mark.column + 1);
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
				tkt_error_where(err, "%s:%zu:%zu", name,
				    e.start_mark.line + 1, e.start_mark.column + 1);
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
			doc->root = parse_node(&p, &e, name, err, 0);
			if (doc->root == NULL) {
				yaml_event_delete(&e);
				goto fail;
			}
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	if (doc->root != NULL && doc->root->type == TKT_Y_SCALAR &&
	    doc->root->len == 0 && doc->root->plain) {
		node_free(doc->root);
		doc->root = NULL;
	}
	return doc;
fail:
	yaml_parser_delete(&p);
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
