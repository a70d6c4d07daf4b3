/*
 * template.c: fuzzes the template loader and renderer (lib/template.c):
 * the input is a template file (tkt-template(5)), loaded with
 * tkt_tmpl_load and, when it loads clean, each of its texts rendered
 * against two fixed records, a full one and a bare one.  Invariants:
 *
 *   - a file that does not load says why, at the file's path; one that
 *     loads with problems lists them in file order, each at a line and
 *     column of the file, with a message (printed, it is escaped as text
 *     shown to a person: tkt_warnx);
 *   - a clean template has a name; its tags are in text order, inside
 *     their text, at positions inside the file; picking a text's own
 *     locale gives that text (or one of the same locale, case aside);
 *   - its match rules are written as a JSON object or null;
 *   - a render gives UTF-8 text, the same twice, or fails saying why.
 */
#include <strings.h>

#include "fuzz.h"

/* A record with every field a template uses (test/fixtures/template/golden). */
static const char full[] =
    "{\"id\":\"5f3c00000000000000000001\",\"store\":\"main\",\"api\":\"v2\","
    "\"type\":\"ORDER\",\"type_inferred\":true,\"state\":\"AWAITING_MERCHANT\","
    "\"subject\":\"My order\",\"label\":\"ORDER_ISSUE\","
    "\"sub_label\":\"Item Not Received\",\"refund_reason\":\"19\","
    "\"opened_at\":\"2026-11-20T10:00:00Z\",\"updated_at\":\"2026-11-22T08:30:00Z\","
    "\"closed_at\":null,\"closed_by\":null,\"locale\":\"fr-CA\","
    "\"buyer\":{\"id\":\"b1\",\"name\":\"Zo\\u00e9 *Star* <b>\",\"locale\":\"fr-CA\"},"
    "\"orders\":[{\"id\":\"5f3d0001\",\"transaction_id\":\"tx1\",\"product_id\":\"p1\","
    "\"product_name\":\"T_shirt [XL]\",\"sku\":\"TS-01\",\"size\":\"M\",\"color\":\"Blue\","
    "\"quantity\":1,\"price\":\"6.69\",\"cost\":\"5.00\",\"shipping\":\"1.00\","
    "\"order_total\":\"7.69\",\"currency\":\"USD\",\"state\":\"SHIPPED\","
    "\"shipping_provider\":\"USPS\",\"tracking_number\":\"LP0012345678\","
    "\"shipped_date\":\"2026-11-18\",\"refunded_reason\":null,\"refunded_time\":null},"
    "{\"id\":\"o2\",\"product_name\":null,\"tracking_number\":null,\"price\":\"6.69\"}],"
    "\"replies\":[{\"sender\":\"USER\",\"at\":\"2026-11-22T08:30:00Z\","
    "\"message\":\"Where is my order?\",\"translated_message\":null,\"images\":[]}],"
    "\"waiting_since\":\"2026-11-22T08:30:00Z\",\"due_at\":\"2026-11-24T08:30:00Z\","
    "\"csat\":null}";
static const char bare[] = "{\"id\":\"t9\",\"orders\":[],\"buyer\":null}";

static struct tkt_rec recs[2];
static struct tkt_vars vars;
static struct tkt_render_env env;

static void
check_pos(unsigned line, unsigned col, unsigned max, const char *what)
{
	FUZZ_CHECK(line >= 1 && line <= max && col >= 1,
	    "%s at %u:%u, the file has %u lines", what, line, col, max);
}

static void
check_template(struct tkt_tmpl *t, unsigned max)
{
	size_t nv = tkt_tmpl_nvariants(t), bad;
	struct tkt_buf out, again;
	struct tkt_error e;
	struct tkt_jw w;

	FUZZ_CHECK(tkt_tmpl_name(t) != NULL, "a clean template without a name");
	tkt_buf_init(&out);
	tkt_buf_init(&again);
	tkt_jw_init(&w, &out);
	tkt_tmpl_match_json(t, &w);
	FUZZ_CHECK(strcmp(out.s, "null") == 0 ||
	    fuzz_json_object(out.s, out.len, &bad),
	    "the match rules are not a JSON object: %s", out.s);
	for (size_t vi = 0; vi < nv; vi++) {
		const char *text, *loc = tkt_tmpl_variant(t, vi, &text, NULL);
		const struct tkt_tmpl_tag *tags;
		struct tkt_locale_pick pk;
		size_t len, ntags, last = 0;
		unsigned line, col;
		int pi;

		tkt_tmpl_variant(t, vi, &text, &len);
		tkt_tmpl_variant_key_pos(t, vi, &line, &col);
		check_pos(line, col, max, "a text's locale key");
		tags = tkt_tmpl_tags(t, vi, &ntags);
		for (size_t k = 0; k < ntags; k++) {
			FUZZ_CHECK(tags[k].off >= last && tags[k].off < len &&
			    tags[k].path != NULL, "tag %zu of %s at %zu, out of "
			    "order or past the text (%zu)", k, loc, tags[k].off,
			    len);
			last = tags[k].off;
			tkt_tmpl_variant_pos(t, vi, tags[k].off, &line, &col);
			check_pos(line, col, max, "a tag");
		}
		pi = tkt_tmpl_pick(t, loc, &pk);
		FUZZ_CHECK(pi >= 0 && strcasecmp(tkt_tmpl_variant(t, (size_t)pi,
		    NULL, NULL), loc) == 0 && !pk.fallback,
		    "picking locale '%s' gives text %d", loc, pi);
		for (int r = 0; r < 2; r++) {
			int rc;

			tkt_error_clear(&e);
			rc = tkt_tmpl_render(t, vi, &recs[r], &env, &out, &e);
			if (rc == -1) {
				FUZZ_CHECK(e.msg[0] != '\0' &&
				    e.status == TKT_EXIT_NO,
				    "a render failed without a reason");
				continue;
			}
			FUZZ_CHECK(tkt_utf8_check(out.s, out.len) == (size_t)-1,
			    "rendered %s, not UTF-8: %s", loc, out.s);
			tkt_error_clear(&e);
			FUZZ_CHECK(tkt_tmpl_render(t, vi, &recs[r], &env, &again,
			    &e) == 0 && again.len == out.len &&
			    (out.len == 0 || memcmp(again.s, out.s, out.len) == 0),
			    "rendered %s twice, two texts", loc);
		}
	}
	for (int r = 0; r < 2; r++)
		(void)tkt_tmpl_matches(t, &recs[r]);
	tkt_buf_free(&out);
	tkt_buf_free(&again);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tkt_error e;

	(void)argc;
	(void)argv;
	fuzz_env("fuzz-template");
	tkt_rec_init(&recs[0]);
	tkt_rec_init(&recs[1]);
	if (tkt_rec_parse(&recs[0], full, strlen(full), TKT_RD_TREE, &e) == -1 ||
	    tkt_rec_parse(&recs[1], bare, strlen(bare), TKT_RD_TREE, &e) == -1) {
		tkt_error_print(&e);
		exit(2);
	}
	tkt_vars_set(&vars, "signature", "The *Acme* team");
	tkt_vars_set(&vars, "store", "Acme");
	env.layers[0] = &vars;
	env.nlayers = 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("template.yaml", data, size);
	unsigned max = fuzz_yaml_lines(data, size);
	struct tkt_tmpl *t;
	struct tkt_error e;

	tkt_error_clear(&e);
	if ((t = tkt_tmpl_load(path, &e)) == NULL) {
		FUZZ_CHECK(e.msg[0] != '\0' && strncmp(e.where, path,
		    strlen(path)) == 0, "a template refused without a reason "
		    "at its path: '%s' '%s'", e.where, e.msg);
		return 0;
	}
	for (size_t i = 0; i < tkt_tmpl_ndiags(t); i++) {
		const struct tkt_tmpl_diag *d = tkt_tmpl_diag(t, i);

		check_pos(d->line, d->col, max, "a problem");
		FUZZ_CHECK(d->msg != NULL && d->msg[0] != '\0',
		    "a problem without a message");
		if (i > 0) {
			const struct tkt_tmpl_diag *p = tkt_tmpl_diag(t, i - 1);

			FUZZ_CHECK(p->line < d->line || (p->line == d->line &&
			    p->col <= d->col), "problems out of file order");
		}
	}
	if (tkt_tmpl_ndiags(t) == 0)
		check_template(t, max);
	tkt_tmpl_free(t);
	return 0;
}
