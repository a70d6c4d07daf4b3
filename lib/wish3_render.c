/*
 * wish3_render.c: a tkt record as Wish API v3 sends a ticket: flat
 * objects, enums, real JSON arrays, and times with milliseconds and a UTC
 * offset.  The offset form is chosen per ticket from its id
 * ("+00:00", "Z", "+08:00" or "-05:00", the same instant each time), so a
 * client must read them all.  Orders render in the shape of v3's Order
 * object, limited to what the record holds.
 */
#include <stdio.h>
#include <string.h>

#include "tkt.h"

static const struct {
	const char	*suffix;
	int		 off;		/* seconds east of UTC */
} forms[] = {
	{ "+00:00", 0 }, { "Z", 0 }, { "+08:00", 8 * 3600 }, { "-05:00", -5 * 3600 }
};

char *
tkt_wish3_render_time(time_t t, int form, char buf[32])
{
	char tmp[21];

	form = form < 0 ? 0 : form % (int)(sizeof(forms) / sizeof(*forms));
	tkt_time_format(t + forms[form].off, tmp);
	snprintf(buf, 32, "%.19s.000%s", tmp, forms[form].suffix);
	return buf;
}

int
tkt_wish3_render_form(const char *id)
{
	uint32_t h = 2166136261u;

	while (id != NULL && *id != '\0')
		h = (h ^ (unsigned char)*id++) * 16777619u;
	return (int)(h % (sizeof(forms) / sizeof(*forms)));
}

/*
 * The sandbox's v2 reason codes (tkt-sandbox(1)) as the ticket's v3
 * refund_reason enum, which has no "wrong item", "poor quality" or
 * "missing parts": those three become ITEM_DOES_NOT_MATCH_LISTING.
 */
static const char *const ticket_reasons[] = {
	"OTHER", "SHIPPING_TAKING_TOO_LONG", "USER_NO_LONGER_WANTS_ITEM",
	"ITEM_DOES_NOT_FIT", "ITEM_IS_DAMAGED", "ITEM_DOES_NOT_MATCH_LISTING",
	"USER_PLACED_ORDER_BY_MISTAKE", "ITEM_IS_COUNTERFEIT",
	"ITEM_DOES_NOT_WORK_AS_DESCRIBED", "ITEM_NEVER_ARRIVED",
	"EMPTY_PACKAGE", "RECEIVED_NOTE_FROM_MERCHANT"
};

static const struct {
	const char	*code;
	const char	*reason;
} code_reasons[] = {
	{ "18", "SHIPPING_TAKING_TOO_LONG" },
	{ "19", "USER_NO_LONGER_WANTS_ITEM" },
	{ "20", "ITEM_DOES_NOT_MATCH_LISTING" },
	{ "21", "ITEM_DOES_NOT_MATCH_LISTING" },
	{ "22", "ITEM_DOES_NOT_WORK_AS_DESCRIBED" },
	{ "23", "ITEM_IS_DAMAGED" },
	{ "24", "ITEM_DOES_NOT_MATCH_LISTING" },
};

const char *
tkt_wish3_render_reason(const char *v)
{
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(code_reasons) / sizeof(*code_reasons); i++)
		if (strcmp(code_reasons[i].code, v) == 0)
			return code_reasons[i].reason;
	for (size_t i = 0; i < sizeof(ticket_reasons) / sizeof(*ticket_reasons);
	    i++)
		if (strcmp(ticket_reasons[i], v) == 0)
			return ticket_reasons[i];
	return "OTHER";
}

/* Borrowed string of key in obj, or NULL. */
static const char *
get(const struct tkt_rec *r, const struct tkt_jnode *obj, const char *key,
    size_t *len)
{
	return obj == NULL ? NULL : tkt_rec_str(r, tkt_rec_get(r, obj, key), len);
}

static void
put_str(struct tkt_jw *w, const struct tkt_rec *r, const struct tkt_jnode *obj,
    const char *key, const char *wkey)
{
	size_t len;
	const char *s = get(r, obj, key, &len);

	tkt_jw_key(w, wkey);
	if (s != NULL)
		tkt_jw_strn(w, s, len);
	else
		tkt_jw_null(w);
}

static void
put_time(struct tkt_jw *w, const struct tkt_rec *r, const struct tkt_jnode *obj,
    const char *key, const char *wkey, int form)
{
	size_t len;
	const char *s = get(r, obj, key, &len);
	char buf[32];
	time_t t;

	tkt_jw_key(w, wkey);
	if (s != NULL && tkt_time_parsen(s, len, &t) == 0)
		tkt_jw_str(w, tkt_wish3_render_time(t, form, buf));
	else
		tkt_jw_null(w);
}

/* "merchant" and "wish support" as v3's sender enum. */
static void
put_enum(struct tkt_jw *w, const char *wkey, const char *s)
{
	char buf[64];
	size_t i;

	tkt_jw_key(w, wkey);
	if (s == NULL) {
		tkt_jw_null(w);
		return;
	}
	for (i = 0; s[i] != '\0' && i + 1 < sizeof(buf); i++)
		buf[i] = s[i] == ' ' || s[i] == '-' ? '_' :
		    s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
	buf[i] = '\0';
	tkt_jw_str(w, buf);
}

/*
 * A reply; with TKT_W3_EN its translated_message stands for its message
 * when it has one (buyers' replies do; English ones are their own).
 */
static void
render_reply(struct tkt_jw *w, const struct tkt_rec *r,
    const struct tkt_jnode *rp, int form, int flags)
{
	const struct tkt_jnode *imgs = tkt_rec_get(r, rp, "images"), *c;

	tkt_jw_obj(w);
	if ((flags & TKT_W3_EN) && get(r, rp, "translated_message", NULL) != NULL)
		put_str(w, r, rp, "translated_message", "message");
	else
		put_str(w, r, rp, "message", "message");
	put_time(w, r, rp, "at", "replied_at", form);
	put_enum(w, "sender", get(r, rp, "sender", NULL));
	tkt_jw_key(w, "supporting_files");
	tkt_jw_arr(w);
	for (c = tkt_rec_child(r, imgs); c != NULL; c = tkt_rec_next(r, c)) {
		size_t len;
		const char *u = tkt_rec_str(r, c, &len);
		size_t base = len;

		if (u == NULL)
			continue;
		while (base > 0 && u[base - 1] != '/')
			base--;
		tkt_jw_obj(w);
		tkt_jw_key(w, "url");
		tkt_jw_strn(w, u, len);
		tkt_jw_key(w, "file_name");
		tkt_jw_strn(w, u + base, len - base);
		tkt_jw_obj_end(w);
	}
	tkt_jw_arr_end(w);
	tkt_jw_obj_end(w);
}

void
tkt_wish3_render_reply(const struct tkt_rec *r, const struct tkt_jnode *rp,
    struct tkt_buf *out)
{
	struct tkt_jw w;

	tkt_jw_init(&w, out);
	render_reply(&w, r, rp, tkt_wish3_render_form(tkt_rec_field(r, "id")), 0);
}

void
tkt_wish3_render(const struct tkt_rec *r, int flags, struct tkt_buf *out)
{
	const struct tkt_jnode *root = &r->nodes[0], *n, *o;
	const struct tkt_jnode *buyer = tkt_rec_get(r, root, "buyer");
	const struct tkt_jnode *orders = tkt_rec_get(r, root, "orders");
	const char *closed_by = tkt_rec_field(r, "closed_by");
	const char *locale;
	int form = tkt_wish3_render_form(tkt_rec_field(r, "id"));
	struct tkt_jw w;

	tkt_jw_init(&w, out);
	tkt_jw_obj(&w);
	put_str(&w, r, root, "id", "id");
	put_str(&w, r, root, "type", "type");
	put_str(&w, r, root, "state", "state");
	put_str(&w, r, root, "subject", "subject");
	put_str(&w, r, root, "sub_label", "sub_label");
	put_time(&w, r, root, "opened_at", "opened_at", form);
	put_time(&w, r, root, "updated_at", "updated_at", form);
	put_str(&w, r, root, "merchant_id", "merchant_id");
	/* Left out, as v3 leaves out what it lacks, until a ticket is closed. */
	if (closed_by != NULL || tkt_rec_field(r, "closed_at") != NULL) {
		tkt_jw_key(&w, "resolution_info");
		tkt_jw_obj(&w);
		put_time(&w, r, root, "closed_at", "closed_at", form);
		put_enum(&w, "closed_by", closed_by);
		tkt_jw_obj_end(&w);
	}
	tkt_jw_key(&w, "orders");
	tkt_jw_arr(&w);
	for (o = tkt_rec_child(r, orders); o != NULL; o = tkt_rec_next(r, o)) {
		tkt_jw_obj(&w);
		put_str(&w, r, o, "id", "id");
		tkt_jw_obj_end(&w);
	}
	tkt_jw_arr_end(&w);
	tkt_jw_key(&w, "products");
	tkt_jw_arr(&w);
	for (o = tkt_rec_child(r, orders); o != NULL; o = tkt_rec_next(r, o)) {
		const char *pid = get(r, o, "product_id", NULL), *prev;
		int seen = 0;

		if (pid == NULL)
			continue;
		for (n = tkt_rec_child(r, orders); n != o && !seen;
		    n = tkt_rec_next(r, n))
			seen = (prev = get(r, n, "product_id", NULL)) != NULL &&
			    strcmp(prev, pid) == 0;
		if (seen)
			continue;
		tkt_jw_obj(&w);
		tkt_jw_key(&w, "id");
		tkt_jw_str(&w, pid);
		tkt_jw_obj_end(&w);
	}
	tkt_jw_arr_end(&w);
	tkt_jw_key(&w, "buyer_info");
	tkt_jw_obj(&w);
	locale = get(r, buyer, "locale", NULL);
	tkt_jw_key(&w, "locale");
	tkt_jw_str(&w, locale != NULL ? locale : tkt_rec_field(r, "locale"));
	put_str(&w, r, buyer, "name", "name");
	tkt_jw_obj_end(&w);
	tkt_jw_key(&w, "refund_reason");
	tkt_jw_str(&w, tkt_wish3_render_reason(tkt_rec_field(r, "refund_reason")));
	tkt_jw_key(&w, "replies");
	tkt_jw_arr(&w);
	n = tkt_rec_get(r, root, "replies");
	for (n = tkt_rec_child(r, n); n != NULL; n = tkt_rec_next(r, n))
		if (n->type == TKT_J_OBJECT)
			render_reply(&w, r, n, form, flags);
	tkt_jw_arr_end(&w);
	tkt_jw_obj_end(&w);
}

/* A decimal string ("6.69") as a JSON number, the digits as they are. */
static void
put_money(struct tkt_jw *w, const struct tkt_rec *r, const struct tkt_jnode *o,
    const char *key, const char *wkey, const char *currency)
{
	size_t len, i, dots = 0;
	const char *s = get(r, o, key, &len);

	for (i = 0; s != NULL && i < len; i++)
		if (s[i] == '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			break;
	tkt_jw_key(w, wkey);
	if (s == NULL || len == 0 || i < len || dots > 1 || s[0] == '.' ||
	    s[len - 1] == '.') {
		tkt_jw_null(w);
		return;
	}
	tkt_jw_obj(w);
	tkt_jw_key(w, "amount");
	tkt_jw_raw(w, s, len);
	tkt_jw_key(w, "currency_code");
	tkt_jw_str(w, currency != NULL ? currency : "USD");
	tkt_jw_obj_end(w);
}

void
tkt_wish3_render_order(const struct tkt_rec *r, const struct tkt_jnode *o,
    int flags, const struct tkt_w3_tracking *earlier, struct tkt_buf *out)
{
	const struct tkt_jnode *sd = tkt_rec_get(r, o, "shipping_detail");
	const struct tkt_jnode *q = tkt_rec_get(r, o, "quantity");
	const char *cur = get(r, o, "currency", NULL);
	const char *state = get(r, o, "state", NULL);
	const struct tkt_jnode *pr = tkt_rec_get(r, o, "processing");
	int form = tkt_wish3_render_form(tkt_rec_field(r, "id"));
	struct tkt_jw w;

	if (pr != NULL && pr->type != TKT_J_OBJECT)
		pr = NULL;
	tkt_jw_init(&w, out);
	tkt_jw_obj(&w);
	put_str(&w, r, o, "id", "id");
	put_str(&w, r, o, "transaction_id", "transaction_id");
	put_str(&w, r, o, "state", "state");
	/*
	 * Only an order a v3 refund has touched has them (Wish may leave them
	 * empty), and none with TKT_W3_NOPROC.
	 */
	if (pr != NULL && !(flags & TKT_W3_NOPROC)) {
		put_str(&w, r, pr, "source", "processing_source");
		put_str(&w, r, pr, "status", "processing_status");
	}
	put_time(&w, r, o, "order_time", "released_at", form);
	put_time(&w, r, o, "last_updated", "updated_at", form);
	tkt_jw_key(&w, "product_information");
	tkt_jw_obj(&w);
	put_str(&w, r, o, "product_id", "id");
	put_str(&w, r, o, "variant_id", "variation_id");
	put_str(&w, r, o, "product_name", "name");
	put_str(&w, r, o, "sku", "sku");
	put_str(&w, r, o, "size", "size");
	put_str(&w, r, o, "color", "color");
	tkt_jw_obj_end(&w);
	tkt_jw_key(&w, "order_payment");
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "general_payment_details");
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "product_quantity");
	if (q != NULL && q->type == TKT_J_NUMBER)
		tkt_jw_raw(&w, r->line + q->start, q->end - q->start);
	else
		tkt_jw_null(&w);
	put_money(&w, r, o, "price", "product_price", cur);
	put_money(&w, r, o, "cost", "product_merchant_payment", cur);
	put_money(&w, r, o, "shipping", "product_shipping_price", cur);
	put_money(&w, r, o, "order_total", "payment_total", cur);
	tkt_jw_obj_end(&w);
	tkt_jw_obj_end(&w);
	/* Newest first: the record's tracking, then an earlier one, if any. */
	tkt_jw_key(&w, "tracking_information");
	tkt_jw_arr(&w);
	if (get(r, o, "tracking_number", NULL) != NULL) {
		tkt_jw_obj(&w);
		put_str(&w, r, o, "tracking_number", "tracking_number");
		tkt_jw_key(&w, "shipping_provider");
		tkt_jw_obj(&w);
		put_str(&w, r, o, "shipping_provider", "name");
		tkt_jw_obj_end(&w);
		tkt_jw_obj_end(&w);
		if (earlier != NULL) {
			tkt_jw_obj(&w);
			tkt_jw_key(&w, "tracking_number");
			tkt_jw_str(&w, earlier->number);
			tkt_jw_key(&w, "shipping_provider");
			tkt_jw_obj(&w);
			tkt_jw_key(&w, "name");
			tkt_jw_str(&w, earlier->carrier);
			tkt_jw_obj_end(&w);
			tkt_jw_obj_end(&w);
		}
	}
	tkt_jw_arr_end(&w);
	tkt_jw_key(&w, "fulfillment_records");
	tkt_jw_arr(&w);
	if (get(r, o, "shipped_date", NULL) != NULL) {
		tkt_jw_obj(&w);
		tkt_jw_key(&w, "event_type");
		tkt_jw_str(&w, "MARK_SHIPPED");
		put_time(&w, r, o, "shipped_date", "event_time", form);
		tkt_jw_obj_end(&w);
	}
	tkt_jw_arr_end(&w);
	if (sd != NULL && sd->type == TKT_J_OBJECT) {
		static const char *const keys[] = {
			"name", "street_address1", "street_address2", "city",
			"state", "zipcode"
		};

		tkt_jw_key(&w, "full_address");
		tkt_jw_obj(&w);
		tkt_jw_key(&w, "shipping_detail");
		tkt_jw_obj(&w);
		for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
			if (get(r, sd, keys[i], NULL) != NULL)
				put_str(&w, r, sd, keys[i], keys[i]);
		put_str(&w, r, sd, "country", "country_code");
		if (get(r, sd, "phone_number", NULL) != NULL) {
			tkt_jw_key(&w, "phone_number");
			tkt_jw_obj(&w);
			put_str(&w, r, sd, "phone_number", "number");
			tkt_jw_obj_end(&w);
		}
		tkt_jw_obj_end(&w);
		tkt_jw_obj_end(&w);
	}
	/*
	 * A v3 refund keeps its reason, note and end; others (v2's, the
	 * generator's) have the refunded_reason text and day.
	 */
	tkt_jw_key(&w, "refunds");
	tkt_jw_arr(&w);
	if (state != NULL && strcmp(state, "REFUNDED") == 0) {
		const char *st = get(r, pr, "status", NULL);
		int v3 = st != NULL && strcmp(st, "SUCCEEDED") == 0;

		tkt_jw_obj(&w);
		if (v3) {
			put_str(&w, r, pr, "reason", "refund_reason");
			put_str(&w, r, pr, "note", "refund_reason_note");
			put_time(&w, r, pr, "ended_at", "refund_time", form);
		} else {
			put_str(&w, r, o, "refunded_reason", "refund_reason");
			tkt_jw_key(&w, "refund_reason_note");
			tkt_jw_null(&w);
			put_time(&w, r, o, "refunded_time", "refund_time", form);
		}
		tkt_jw_key(&w, "refund_source");
		tkt_jw_str(&w, "MERCHANT");
		tkt_jw_obj_end(&w);
	}
	tkt_jw_arr_end(&w);
	tkt_jw_obj_end(&w);
}
