/*
 * record.c: fuzzes the record reader and splice (lib/record.c).
 *
 * The input's first line is a record; the bytes after its newline choose
 * more edits; the whole input is also read as a stream of lines by the
 * record loop.  Invariants:
 *
 *   - tkt_rec_parse gives a line one verdict whatever the flags (none,
 *     TKT_RD_TOP, TKT_RD_TREE, TKT_RD_TREE|TKT_RD_NOSPAN), and the trees
 *     it builds agree; a line it takes is one JSON object by RFC 8259
 *     (checked by fuzz.h, not by yajl), and one that is, no deeper than
 *     the reader's limit, is taken;
 *   - tkt_rec_copy is the same record on bytes of its own;
 *   - every splice of a parsed line (no edit; deleting or replacing each
 *     member; adding one; the edits the input chooses) is one JSON
 *     object line that parses again, with the members expected in their
 *     order: the untouched ones byte for byte, key and value, a replaced
 *     one with its key as written and the new value, an added one last;
 *   - the record loop (tkt_loop_next) takes and refuses the lines that
 *     tkt_rec_parse does, in order, with the same members, and builds the
 *     paths of its want list as a full tree would.
 */
#include "fuzz.h"

/* The deepest a line may nest and still be read (record.c's MAX_DEPTH - 2). */
#define READ_DEPTH 510
#define MAXMEM 24	/* members tried one by one */
#define MAXEDITS 8	/* edits chosen by the input */

static const char *const values[] = {
	"null",
	"{\"ok\":true,\"steps\":[1,-2.5e3,\"\\u00e9\",{}],\"error\":null}",
	"\"\"",
	"[]",
	"-0.5E+2",
};
#define NVALUES (sizeof(values) / sizeof(values[0]))

/* Keys a tool adds: plain, and one that needs escapes. */
static const char *const newkeys[] = {
	"result", "reply", "fuzz_added", "q\"\\\n\t\x01\xc3\xa9", "",
};
#define NNEWKEYS (sizeof(newkeys) / sizeof(newkeys[0]))

static const char *
key_of(const struct tkt_rec *r, const struct tkt_jnode *c, size_t *len)
{
	return tkt_rec_key(r, c, len);
}

static int
key_is(const struct tkt_rec *r, const struct tkt_jnode *c, const char *key)
{
	size_t n, klen = strlen(key);
	const char *k = key_of(r, c, &n);

	return n == klen && memcmp(k, key, n) == 0;
}

/* The edit that names member c, or -1. */
static int
edit_of(const struct tkt_rec *r, const struct tkt_jnode *c,
    const struct tkt_edit *ed, size_t ned)
{
	for (size_t i = 0; i < ned; i++)
		if (key_is(r, c, ed[i].key))
			return (int)i;
	return -1;
}

static int
bytes_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* Applies the edits to r and checks the line that comes out. */
static void
check_splice(const struct tkt_rec *r, const struct tkt_edit *ed, size_t ned,
    const char *what)
{
	struct tkt_buf out;
	struct tkt_rec o;
	struct tkt_error e;
	const struct tkt_jnode *c, *oc;
	size_t nexp = 0, klen, oklen;
	const char *k, *ok;
	unsigned char used[MAXMEM + MAXEDITS + 64] = { 0 };

	tkt_buf_init(&out);
	tkt_rec_init(&o);
	tkt_error_clear(&e);
	tkt_rec_splice(r, ed, ned, &out);
	fuzz_check_line(what, out.s, out.len);
	FUZZ_CHECK(tkt_rec_parse(&o, out.s, out.len - 1, TKT_RD_TOP, &e) == 0,
	    "%s: the spliced line does not parse again: %s: %.*s", what, e.msg,
	    (int)out.len, out.s);

	/* The members of the original, edited, in order. */
	oc = tkt_rec_child(&o, &o.nodes[0]);
	for (c = tkt_rec_child(r, &r->nodes[0]); c != NULL;
	    c = tkt_rec_next(r, c)) {
		int i = edit_of(r, c, ed, ned);

		if (i >= 0)
			used[i] = 1;
		if (i >= 0 && ed[i].val == NULL)
			continue;
		nexp++;
		FUZZ_CHECK(oc != NULL, "%s: member %zu is missing: %.*s", what,
		    nexp, (int)out.len, out.s);
		k = key_of(r, c, &klen);
		ok = key_of(&o, oc, &oklen);
		FUZZ_CHECK(bytes_eq(k, klen, ok, oklen),
		    "%s: member %zu has another key: %.*s", what, nexp,
		    (int)out.len, out.s);
		if (i < 0)
			FUZZ_CHECK(bytes_eq(r->line + c->kstart,
			    c->end - c->kstart, o.line + oc->kstart,
			    oc->end - oc->kstart),
			    "%s: member %zu is not byte for byte: %.*s", what,
			    nexp, (int)out.len, out.s);
		else
			FUZZ_CHECK(bytes_eq(r->line + c->kstart,
			    c->start - c->kstart, o.line + oc->kstart,
			    oc->start - oc->kstart) &&
			    bytes_eq(ed[i].val, ed[i].len, o.line + oc->start,
			    oc->end - oc->start),
			    "%s: member %zu is not replaced as asked: %.*s",
			    what, nexp, (int)out.len, out.s);
		oc = tkt_rec_next(&o, oc);
	}
	/* Then the edits that named no member, added in their order. */
	for (size_t i = 0; i < ned; i++) {
		if (used[i] || ed[i].val == NULL)
			continue;
		nexp++;
		FUZZ_CHECK(oc != NULL, "%s: added member %zu is missing: %.*s",
		    what, nexp, (int)out.len, out.s);
		FUZZ_CHECK(key_is(&o, oc, ed[i].key) && bytes_eq(ed[i].val,
		    ed[i].len, o.line + oc->start, oc->end - oc->start),
		    "%s: added member %zu is not as asked: %.*s", what, nexp,
		    (int)out.len, out.s);
		oc = tkt_rec_next(&o, oc);
	}
	FUZZ_CHECK(oc == NULL && o.nodes[0].nchild == nexp,
	    "%s: %u members, %zu expected: %.*s", what, o.nodes[0].nchild,
	    nexp, (int)out.len, out.s);
	tkt_rec_free(&o);
	tkt_buf_free(&out);
}

/* Is key already among the edits (a splice takes each key once)? */
static int
edit_has(const struct tkt_edit *ed, size_t ned, const char *key)
{
	for (size_t i = 0; i < ned; i++)
		if (strcmp(ed[i].key, key) == 0)
			return 1;
	return 0;
}

/* A member's key as a C string, or NULL when it holds a NUL byte. */
static char *
ckey(const struct tkt_rec *r, const struct tkt_jnode *c)
{
	size_t n;
	const char *k = key_of(r, c, &n);

	if (memchr(k, '\0', n) != NULL)
		return NULL;
	return xstrndup(k, n);
}

static const struct tkt_jnode *
member(const struct tkt_rec *r, size_t i)
{
	const struct tkt_jnode *c = tkt_rec_child(r, &r->nodes[0]);

	while (c != NULL && i-- > 0)
		c = tkt_rec_next(r, c);
	return c;
}

static void
splices(const struct tkt_rec *r, const uint8_t *rest, size_t nrest)
{
	struct tkt_edit ed[64];
	char *keys[64];
	size_t ned = 0, nmem = r->nodes[0].nchild, i;
	struct tkt_buf sv;
	const struct tkt_jnode *c;

	/* No edit: the object as it was, from '{' to '}'. */
	{
		struct tkt_buf out;
		const struct tkt_jnode *root = &r->nodes[0];

		tkt_buf_init(&out);
		tkt_rec_splice(r, NULL, 0, &out);
		FUZZ_CHECK(out.len == root->end - root->start + 1 &&
		    memcmp(out.s, r->line + root->start, out.len - 1) == 0,
		    "no edit changed the line: %.*s", (int)out.len, out.s);
		tkt_buf_free(&out);
	}

	/* Each member deleted, then replaced. */
	for (i = 0, c = member(r, 0); c != NULL && i < MAXMEM;
	    i++, c = tkt_rec_next(r, c)) {
		char *k = ckey(r, c);

		if (k == NULL)
			continue;
		ed[0] = (struct tkt_edit){ k, NULL, 0 };
		check_splice(r, ed, 1, "delete one");
		ed[0].val = values[1];
		ed[0].len = strlen(values[1]);
		check_splice(r, ed, 1, "replace one");
		free(k);
	}

	/* Every member deleted at once (each key once). */
	for (c = member(r, 0); c != NULL && ned < 64; c = tkt_rec_next(r, c)) {
		char *k = ckey(r, c);

		if (k == NULL || edit_has(ed, ned, k)) {
			free(k);
			continue;
		}
		keys[ned] = k;
		ed[ned++] = (struct tkt_edit){ k, NULL, 0 };
	}
	check_splice(r, ed, ned, "delete all");
	for (i = 0; i < ned; i++)
		free(keys[i]);

	/* New keys added. */
	ned = 0;
	for (i = 0; i < NNEWKEYS; i++)
		ed[ned++] = (struct tkt_edit){ newkeys[i], values[i % NVALUES],
		    strlen(values[i % NVALUES]) };
	check_splice(r, ed, ned, "add");

	/*
	 * The input's edits: two bytes each, an action and its value, on a
	 * member by index or a new key; values are JSON text, a string of
	 * the input's own bytes, or another member's value as written.
	 */
	tkt_buf_init(&sv);
	if (tkt_utf8_check((const char *)rest, nrest) == (size_t)-1)
		tkt_json_str(&sv, (const char *)rest, nrest);
	else
		tkt_buf_adds(&sv, "\"not UTF-8\"");
	ned = 0;
	for (i = 0; i + 1 < nrest && ned < MAXEDITS; i += 2) {
		unsigned op = rest[i] % 4, arg = rest[i] / 4, v = rest[i + 1];
		const struct tkt_jnode *m = nmem ? member(r, arg % nmem) : NULL;
		struct tkt_edit e = { NULL, NULL, 0 };
		char *k = NULL;

		if (op == 2 || m == NULL)
			e.key = newkeys[arg % NNEWKEYS];
		else if ((e.key = k = ckey(r, m)) == NULL)
			continue;
		if (op == 3 && nmem > 0) {
			const struct tkt_jnode *from = member(r, v % nmem);

			e.val = r->line + from->start;
			e.len = from->end - from->start;
		} else if (op != 0 || m == NULL) {
			if (v % (NVALUES + 1) == NVALUES) {
				e.val = sv.s;
				e.len = sv.len;
			} else {
				e.val = values[v % (NVALUES + 1)];
				e.len = strlen(e.val);
			}
		}
		if (edit_has(ed, ned, e.key)) {
			free(k);
			continue;
		}
		keys[ned] = k;
		ed[ned++] = e;
	}
	check_splice(r, ed, ned, "the input's edits");
	for (i = 0; i < ned; i++)
		free(keys[i]);
	tkt_buf_free(&sv);
}

/* Do two parses of one line build the same nodes (spans aside when asked)? */
static void
same_tree(const struct tkt_rec *a, const struct tkt_rec *b, int spans,
    const char *what)
{
	FUZZ_CHECK(a->nnodes == b->nnodes, "%s: %u nodes against %u", what,
	    a->nnodes, b->nnodes);
	for (uint32_t i = 0; i < a->nnodes; i++) {
		const struct tkt_jnode *x = &a->nodes[i], *y = &b->nodes[i];
		size_t xl, yl;
		const char *xs, *ys;

		FUZZ_CHECK(x->type == y->type && x->parent == y->parent &&
		    x->next == y->next && x->child == y->child &&
		    x->nchild == y->nchild, "%s: node %u differs", what, i);
		FUZZ_CHECK(!spans || (x->start == y->start && x->end == y->end &&
		    x->kstart == y->kstart), "%s: node %u's span differs",
		    what, i);
		if (x->parent != TKT_J_NONE &&
		    a->nodes[x->parent].type == TKT_J_OBJECT) {
			xs = tkt_rec_key(a, x, &xl);
			ys = tkt_rec_key(b, y, &yl);
			FUZZ_CHECK(bytes_eq(xs, xl, ys, yl),
			    "%s: node %u's key differs", what, i);
		}
		xs = tkt_rec_str(a, x, &xl);
		ys = tkt_rec_str(b, y, &yl);
		FUZZ_CHECK((xs == NULL) == (ys == NULL) &&
		    (xs == NULL || bytes_eq(xs, xl, ys, yl)),
		    "%s: node %u's text differs", what, i);
	}
}

/* The root's members of a full tree, as TKT_RD_TOP builds them. */
static void
same_top(const struct tkt_rec *top, const struct tkt_rec *tree,
    const char *what)
{
	const struct tkt_jnode *a = tkt_rec_child(top, &top->nodes[0]);
	const struct tkt_jnode *b = tkt_rec_child(tree, &tree->nodes[0]);

	FUZZ_CHECK(top->nodes[0].nchild == tree->nodes[0].nchild &&
	    top->nodes[0].start == tree->nodes[0].start &&
	    top->nodes[0].end == tree->nodes[0].end,
	    "%s: the root differs", what);
	for (; a != NULL && b != NULL; a = tkt_rec_next(top, a),
	    b = tkt_rec_next(tree, b)) {
		size_t al, bl;
		const char *ak = tkt_rec_key(top, a, &al);
		const char *bk = tkt_rec_key(tree, b, &bl);

		FUZZ_CHECK(a->type == b->type && a->start == b->start &&
		    a->end == b->end && a->kstart == b->kstart &&
		    bytes_eq(ak, al, bk, bl), "%s: a member differs", what);
	}
	FUZZ_CHECK(a == NULL && b == NULL, "%s: members differ", what);
}

static const char *const wanted[] = {
	"id", "buyer.name", "replies.sender", "orders.id", NULL
};
static const char *const probes[] = {
	"id", "buyer.name", "replies.0.sender", "orders.1.id", NULL
};

/* Where a bare id starts in a line (record.c's skip_sep), and ends. */
static int
bare_id(const char *line, size_t len, size_t *b, size_t *e)
{
	for (*b = 0; *b < len && line[*b] != '\0' &&
	    strchr(" \t\n\r:,", line[*b]) != NULL;)
		(*b)++;
	if (*b < len && line[*b] == '{')
		return 0;
	for (*e = len; *e > *b && (line[*e - 1] == ' ' || line[*e - 1] == '\t');)
		(*e)--;
	return 1;
}

/*
 * The loop over the input as a file, as the tools run it: each line it
 * gives or refuses, against tkt_rec_parse of that line alone.
 */
static void
check_loop(const char *path, const uint8_t *data, size_t size, int flags,
    int want)
{
	char *paths[1] = { (char *)path };
	struct tkt_loop *L = tkt_loop_new(paths, 1, flags);
	struct tkt_rec *got, fresh;
	struct tkt_error e;
	size_t at = 0, nbad = 0;
	int pflags = want ? TKT_RD_TREE : flags & ~TKT_RD_BAREID;
	int spans = !(flags & TKT_RD_NOSPAN);

	if (want)
		tkt_loop_want(L, wanted);
	tkt_rec_init(&fresh);
	fuzz_quiet(1);
	while (at < size) {
		const char *line = (const char *)data + at;
		const char *nl = memchr(line, '\n', size - at);
		size_t len = nl ? (size_t)(nl - line) : size - at, b, end;
		int blank = 1;

		at += len + (nl != NULL);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		for (b = 0; b < len; b++)
			if (line[b] != ' ' && line[b] != '\t')
				blank = 0;
		if (blank)
			continue;
		if ((flags & TKT_RD_BAREID) && bare_id(line, len, &b, &end)) {
			FUZZ_CHECK(tkt_loop_next(L, &got) == 1 && got->bare &&
			    bytes_eq(got->line, got->len, line + b, end - b),
			    "the loop reads a bare id otherwise: %.*s",
			    (int)len, line);
			continue;
		}
		tkt_error_clear(&e);
		if (tkt_rec_parse(&fresh, line, len, pflags, &e) == -1) {
			nbad++;
			continue;
		}
		FUZZ_CHECK(tkt_loop_next(L, &got) == 1,
		    "the loop ends before a good line: %.*s", (int)len, line);
		FUZZ_CHECK(!got->bare && bytes_eq(got->line, got->len, line, len),
		    "the loop gives another line: %.*s", (int)got->len,
		    got->line);
		FUZZ_CHECK(tkt_loop_nbad(L) == nbad,
		    "the loop refused %ju lines, tkt_rec_parse %zu",
		    tkt_loop_nbad(L), nbad);
		if (!want) {
			same_tree(got, &fresh, spans, "loop against parse");
			continue;
		}
		if (flags & TKT_RD_TOP)
			same_top(got, &fresh, "loop with want list");
		for (const char *const *p = probes; *p != NULL; p++) {
			const struct tkt_jnode *x = tkt_rec_path(got, *p);
			const struct tkt_jnode *y = tkt_rec_path(&fresh, *p);
			size_t xl, yl;
			const char *xs = tkt_rec_str(got, x, &xl);
			const char *ys = tkt_rec_str(&fresh, y, &yl);

			FUZZ_CHECK((x == NULL) == (y == NULL) && (x == NULL ||
			    (x->type == y->type && x->nchild == y->nchild)),
			    "the loop's want list built %s otherwise", *p);
			FUZZ_CHECK((xs == NULL) == (ys == NULL) &&
			    (xs == NULL || bytes_eq(xs, xl, ys, yl)),
			    "the loop's %s reads otherwise", *p);
		}
	}
	FUZZ_CHECK(tkt_loop_next(L, &got) == 0, "the loop gives one line more");
	FUZZ_CHECK(tkt_loop_nbad(L) == nbad &&
	    tkt_loop_status(L) == (nbad ? TKT_EXIT_NO : TKT_EXIT_OK),
	    "the loop refused %ju lines, tkt_rec_parse %zu", tkt_loop_nbad(L),
	    nbad);
	fuzz_quiet(0);
	tkt_loop_free(L);
	tkt_rec_free(&fresh);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env("fuzz-record");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t len = nl ? (size_t)(nl - data) : size, bad;
	char *line = fuzz_strndup(data, len);
	struct tkt_rec flat, top, tree, nospan, copy;
	struct tkt_error e;
	int rc[4], strict;
	static const int flags[4] = { 0, TKT_RD_TOP, TKT_RD_TREE,
	    TKT_RD_TREE | TKT_RD_NOSPAN };
	struct tkt_rec *recs[4] = { &flat, &top, &tree, &nospan };
	const char *path;

	for (int i = 0; i < 4; i++) {
		tkt_rec_init(recs[i]);
		tkt_error_clear(&e);
		rc[i] = tkt_rec_parse(recs[i], line, len, flags[i], &e);
		FUZZ_CHECK(rc[i] == 0 || (e.msg[0] != '\0' &&
		    e.status == TKT_EXIT_NO), "a refusal without a reason");
		FUZZ_CHECK(rc[i] == rc[0], "flags %#x: %s, flags 0: %s",
		    flags[i], rc[i] ? "refused" : "taken",
		    rc[0] ? "refused" : "taken");
	}
	strict = fuzz_json_object(line, len, &bad);
	FUZZ_CHECK(rc[0] != 0 || strict,
	    "taken, but not one JSON object (byte %zu): %.*s", bad, (int)len,
	    line);
	FUZZ_CHECK(rc[0] == 0 || !strict ||
	    fuzz_json_depth(line, len) > READ_DEPTH,
	    "refused, but one JSON object: %.*s", (int)len, line);
	if (rc[0] == 0) {
		same_tree(&tree, &nospan, 0, "TREE against TREE|NOSPAN");
		same_top(&top, &tree, "TOP against TREE");
		tkt_rec_init(&copy);
		tkt_rec_copy(&copy, &tree);
		memset(line, 'X', len);		/* the copy owns its bytes */
		tkt_rec_free(&tree);
		tkt_rec_parse(&tree, (const char *)data, len, TKT_RD_TREE, &e);
		same_tree(&copy, &tree, 1, "copy");
		FUZZ_CHECK(bytes_eq(copy.line, copy.len, (const char *)data,
		    len), "the copy's line differs");
		tkt_rec_free(&copy);
		memcpy(line, data, len);
		splices(&top, nl ? nl + 1 : data + size,
		    nl ? size - len - 1 : 0);
	}
	for (int i = 0; i < 4; i++)
		tkt_rec_free(recs[i]);
	free(line);

	path = fuzz_file("lines.jsonl", data, size);
	/* As tkt-list, tkt-reply, tkt-metrics and a splicing tool read. */
	check_loop(path, data, size, TKT_RD_TOP | TKT_RD_BAREID, 0);
	check_loop(path, data, size, TKT_RD_TREE | TKT_RD_BAREID, 0);
	check_loop(path, data, size, TKT_RD_TREE | TKT_RD_NOSPAN, 1);
	check_loop(path, data, size, TKT_RD_TREE | TKT_RD_TOP, 1);
	return 0;
}
