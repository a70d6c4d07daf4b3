/*
 * norm.c: fuzzes the v2 and v3 normalizers, the record function of each
 * marketplace module (lib/wish2.c, lib/wish3.c, via tkt_market()), and
 * v3's readers of an order (tkt_wish3_order, tkt_wish3_refund).
 *
 * The input is an API answer: an envelope {"code","data","message"} whose
 * data is a ticket or a page of them, or a bare ticket; each ticket goes
 * to both modules, with and without "raw".  Invariants, for the output
 * of a ticket that is read:
 *
 *   - one line: a JSON object (RFC 8259, fuzz.h's checker), then "\n";
 *   - it parses again as a record, its id the ticket's id, its store and
 *     api the store's, its state, type and senders from the record's
 *     lists (tkt-record(5)), its times "YYYY-MM-DDTHH:MM:SSZ" or null;
 *   - with raw, its "raw" is the ticket's object byte for byte, line
 *     breaks aside (spaces: the record is one line);
 * and a ticket not read says why, writing nothing.
 */
#include "fuzz.h"

static struct tkt_store stores[2] = {
	{ .name = "shop", .api = "v2", .sla = 48 * 3600 },
	{ .name = "shop3", .api = "v3", .sla = 48 * 3600 },
};
static struct tkt_wishmap *map;

static int
in_list(const char *const *set, const char *s, size_t n)
{
	for (; *set != NULL; set++)
		if (strlen(*set) == n && memcmp(*set, s, n) == 0)
			return 1;
	return 0;
}

/* A member of the record: a string from set (or "UNKNOWN"), or null. */
static void
check_enum(const struct tkt_rec *r, const struct tkt_jnode *o,
    const char *key, const char *const *set, int null_ok, const char *line)
{
	const struct tkt_jnode *n = tkt_rec_get(r, o, key);
	size_t len;
	const char *s = tkt_rec_str(r, n, &len);

	if (n != NULL && n->type == TKT_J_NULL && null_ok)
		return;
	FUZZ_CHECK(n != NULL && n->type == TKT_J_STRING && (in_list(set, s,
	    len) || (len == 7 && memcmp(s, "UNKNOWN", 7) == 0)),
	    "%s is not one of its values: %s", key, line);
}

static void
check_time(const struct tkt_rec *r, const struct tkt_jnode *o,
    const char *key, const char *line)
{
	const struct tkt_jnode *n = tkt_rec_get(r, o, key);
	size_t len;
	const char *s = tkt_rec_str(r, n, &len);
	time_t t;
	char buf[21];

	FUZZ_CHECK(n != NULL, "no %s: %s", key, line);
	if (n->type == TKT_J_NULL)
		return;
	FUZZ_CHECK(n->type == TKT_J_STRING && len == 20 &&
	    tkt_time_parsen(s, len, &t) == 0 &&
	    strcmp(tkt_time_format(t, buf), s) == 0,
	    "%s is not a record time: %s", key, line);
}

static void
check_record(const struct tkt_market *mk, const struct tkt_store *st,
    const struct tkt_rec *env, const struct tkt_jnode *t,
    const struct tkt_norm *nm, const struct tkt_buf *out)
{
	struct tkt_rec r;
	struct tkt_error e;
	const struct tkt_jnode *root, *n, *c;
	const char *s = out->s;
	size_t len;

	fuzz_check_line(mk->api, out->s, out->len);
	tkt_rec_init(&r);
	tkt_error_clear(&e);
	FUZZ_CHECK(tkt_rec_parse(&r, out->s, out->len - 1, TKT_RD_TREE, &e) == 0,
	    "%s: the record does not parse: %s: %s", mk->api, e.msg, s);
	root = &r.nodes[0];

	/*
	 * Its id is the ticket's, as nm says (borrowed from the answer);
	 * bytes that are not UTF-8 (from a lone surrogate escape) are
	 * U+FFFD in the record.
	 */
	n = tkt_rec_get(&r, root, "id");
	s = tkt_rec_str(&r, n, &len);
	FUZZ_CHECK(n != NULL && n->type == TKT_J_STRING && nm->id != NULL,
	    "%s: the id is not a string: %s", mk->api, out->s);
	if (tkt_utf8_check(nm->id, strlen(nm->id)) == (size_t)-1)
		FUZZ_CHECK(len >= strlen(nm->id) &&
		    memcmp(s, nm->id, strlen(nm->id)) == 0,
		    "%s: the id is not the ticket's: %s", mk->api, out->s);
	s = tkt_rec_field(&r, "store");
	FUZZ_CHECK(s != NULL && strcmp(s, st->name) == 0,
	    "%s: the store is not %s: %s", mk->api, st->name, out->s);
	s = tkt_rec_field(&r, "api");
	FUZZ_CHECK(s != NULL && strcmp(s, mk->api) == 0,
	    "%s: the api is not %s: %s", mk->api, mk->api, out->s);
	check_enum(&r, root, "state", tkt_states, 0, out->s);
	check_enum(&r, root, "type", tkt_types, 0, out->s);
	s = tkt_rec_field(&r, "locale");
	FUZZ_CHECK(s != NULL && *s != '\0' && strlen(s) < 36,
	    "%s: no locale: %s", mk->api, out->s);
	check_time(&r, root, "opened_at", out->s);
	check_time(&r, root, "updated_at", out->s);
	check_time(&r, root, "closed_at", out->s);
	check_time(&r, root, "waiting_since", out->s);
	check_time(&r, root, "due_at", out->s);
	n = tkt_rec_get(&r, root, "replies");
	FUZZ_CHECK(n != NULL && n->type == TKT_J_ARRAY, "%s: no replies: %s",
	    mk->api, out->s);
	for (c = tkt_rec_child(&r, n); c != NULL; c = tkt_rec_next(&r, c)) {
		check_enum(&r, c, "sender", tkt_senders, 0, out->s);
		check_time(&r, c, "at", out->s);
	}
	n = tkt_rec_get(&r, root, "orders");
	FUZZ_CHECK(n != NULL && n->type == TKT_J_ARRAY, "%s: no orders: %s",
	    mk->api, out->s);
	/* raw is the API's ticket object: v2's inside its {"Ticket": …}. */
	n = tkt_rec_get(env, t, "Ticket");
	if (strcmp(mk->api, "v2") == 0 && n != NULL && n->type == TKT_J_OBJECT)
		t = n;
	n = tkt_rec_get(&r, root, "raw");
	if (nm->raw) {
		FUZZ_CHECK(n != NULL && n->end - n->start == t->end - t->start,
		    "%s: raw is not the ticket's length: %s", mk->api, out->s);
		/* Byte for byte, but for line breaks, each a space. */
		for (uint32_t i = 0; i < t->end - t->start; i++) {
			char a = env->line[t->start + i], b = r.line[n->start + i];

			FUZZ_CHECK(a == b || ((a == '\n' || a == '\r') && b == ' '),
			    "%s: raw is not the ticket byte for byte (%u): %s",
			    mk->api, i, out->s);
		}
	} else
		FUZZ_CHECK(n == NULL, "%s: raw without asking: %s", mk->api,
		    out->s);
	tkt_rec_free(&r);
}

static void
one_ticket(const struct tkt_rec *env, const struct tkt_jnode *t)
{
	struct tkt_buf out;
	struct tkt_error e;

	tkt_buf_init(&out);
	for (int i = 0; i < 2; i++) {
		const struct tkt_market *mk = tkt_market(&stores[i]);

		FUZZ_CHECK(mk != NULL && strcmp(mk->api, stores[i].api) == 0,
		    "no module for api %s", stores[i].api);
		for (int raw = 0; raw < 2; raw++) {
			struct tkt_norm nm;

			memset(&nm, 0, sizeof(nm));
			nm.store = &stores[i];
			nm.map = map;
			nm.raw = raw;
			tkt_buf_reset(&out);
			tkt_error_clear(&e);
			if (mk->record(env, t, &nm, &out, &e) == 0)
				check_record(mk, &stores[i], env, t, &nm, &out);
			else
				FUZZ_CHECK(e.msg[0] != '\0' && out.len == 0,
				    "%s: a ticket not read, without a reason "
				    "or with output", mk->api);
		}
		if (mk->order != NULL) {
			size_t bad;

			tkt_buf_reset(&out);
			if (mk->order(env, t, NULL, &out, &e) == 0)
				FUZZ_CHECK(fuzz_json_object(out.s, out.len, &bad),
				    "%s: the order is not one JSON object (at "
				    "byte %zu): %s", mk->api, bad, out.s);
		}
		if (mk->refund != NULL) {
			struct tkt_refund_view v;

			memset(&v, 0, sizeof(v));
			mk->refund(env, t, &v);
			FUZZ_CHECK(v.status >= TKT_RF_NONE &&
			    v.status <= TKT_RF_FAILED && v.nrefunds >= 0,
			    "%s: a refund's status out of range", mk->api);
		}
	}
	tkt_buf_free(&out);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tkt_error e;

	(void)argc;
	(void)argv;
	fuzz_env("fuzz-norm");
	if ((map = tkt_wishmap_default(&e)) == NULL) {
		tkt_error_print(&e);
		exit(2);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_strndup(data, size);
	struct tkt_rec env;
	struct tkt_error e;
	const struct tkt_jnode *d, *c;
	size_t n = 0;

	tkt_rec_init(&env);
	tkt_error_clear(&e);
	/* As tkt_wish_envelope reads an answer. */
	if (tkt_rec_parse(&env, body, size, TKT_RD_TREE, &e) == 0) {
		d = tkt_rec_get(&env, &env.nodes[0], "data");
		if (d == NULL)
			one_ticket(&env, &env.nodes[0]);
		else if (d->type == TKT_J_ARRAY)
			for (c = tkt_rec_child(&env, d); c != NULL && n < 64;
			    c = tkt_rec_next(&env, c), n++)
				one_ticket(&env, c);
		else
			one_ticket(&env, d);
	}
	tkt_rec_free(&env);
	free(body);
	return 0;
}
