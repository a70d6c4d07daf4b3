/*
 * wish3.c: Wish API v3 tickets and orders to tkt records (tkt-record(5)).
 * v3 is flat and typed: enums for type, state, sender and closed_by, real
 * arrays, times with milliseconds and an offset.  The record is the one
 * wish2.c makes, through the same writer, so both versions agree on every
 * field they both carry.  A ticket names its orders only; an Order
 * (GET /api/v3/orders/{id}) nests what v2 gives flat in each item.
 */
#include <string.h>

#include "tkt.h"
#include "tkt_priv.h"

/*
 * The first element (or the last, when last is set) of array a, a member
 * of o, whose key is there and equals val (any value when val is NULL);
 * NULL when none does.
 */
static const struct tkt_jnode *
elem_with(const struct tkt_rec *r, const struct tkt_jnode *o, const char *a,
    const char *key, const char *val, int last)
{
	const struct tkt_jnode *c, *found = NULL;
	struct tkt_sv v;

	for (c = tkt_rec_child(r, tkt_rec_get(r, o, a)); c != NULL;
	    c = tkt_rec_next(r, c)) {
		if (c->type != TKT_J_OBJECT)
			continue;
		v = tkt_wish_str(r, c, key, 1);
		if (v.s != NULL && (val == NULL ||
		    (v.n == strlen(val) && memcmp(v.s, val, v.n) == 0))) {
			found = c;
			if (!last)
				break;
		}
	}
	return found;
}

/* A money object {amount, currency_code}: its amount as sent ("6.69"). */
static struct tkt_sv
money(const struct tkt_rec *r, const struct tkt_jnode *o, const char *key,
    struct tkt_sv *currency)
{
	const struct tkt_jnode *m = tkt_rec_get(r, o, key);

	if (currency->s == NULL)
		*currency = tkt_wish_str(r, m, "currency_code", 1);
	return tkt_wish_str(r, m, "amount", 1);
}

/*
 * A v3 time as the record's date, the UTC day of that instant: v2 sends
 * shipped_date and refunded_time as days ("2026-11-18"), v3 as times.
 */
static struct tkt_sv
day(struct tkt_sv v, char buf[21])
{
	time_t t;

	if (v.s == NULL || tkt_time_parsen(v.s, v.n, &t) == -1)
		return (struct tkt_sv){ NULL, 0 };
	tkt_time_format(t, buf);
	return (struct tkt_sv){ buf, 10 };
}

/*
 * The record's members of order o: a v3 Order, or what a ticket's orders
 * hold ({id} or a bare id).  Strings are borrowed from r or from days.
 */
static void
order_values(const struct tkt_rec *r, const struct tkt_jnode *o,
    struct tkt_sv v[TKT_O_N], char days[2][21])
{
	const struct tkt_jnode *pi, *pay, *tr, *ev, *rf;

	memset(v, 0, TKT_O_N * sizeof(*v));
	if (o->type == TKT_J_STRING) {
		v[TKT_O_ID] = (struct tkt_sv){ r->strs + o->str, o->strlen };
		return;
	}
	v[TKT_O_ID] = tkt_wish_str(r, o, "id", 1);
	v[TKT_O_TRANSACTION_ID] = tkt_wish_str(r, o, "transaction_id", 1);
	v[TKT_O_STATE] = tkt_wish_str(r, o, "state", 1);
	pi = tkt_rec_get(r, o, "product_information");
	v[TKT_O_PRODUCT_ID] = tkt_wish_str(r, pi, "id", 1);
	v[TKT_O_PRODUCT_NAME] = tkt_wish_str(r, pi, "name", 1);
	v[TKT_O_SKU] = tkt_wish_str(r, pi, "sku", 1);
	v[TKT_O_SIZE] = tkt_wish_str(r, pi, "size", 1);
	v[TKT_O_COLOR] = tkt_wish_str(r, pi, "color", 1);
	pay = tkt_rec_get(r, tkt_rec_get(r, o, "order_payment"),
	    "general_payment_details");
	v[TKT_O_QUANTITY] = tkt_wish_str(r, pay, "product_quantity", 1);
	v[TKT_O_PRICE] = money(r, pay, "product_price", &v[TKT_O_CURRENCY]);
	/* What Wish pays the merchant per unit: v2's cost. */
	v[TKT_O_COST] = money(r, pay, "product_merchant_payment",
	    &v[TKT_O_CURRENCY]);
	v[TKT_O_SHIPPING] = money(r, pay, "product_shipping_price",
	    &v[TKT_O_CURRENCY]);
	v[TKT_O_ORDER_TOTAL] = money(r, pay, "payment_total",
	    &v[TKT_O_CURRENCY]);
	/*
	 * v2 has one tracking number: the latest, when it was shipped again.
	 * v3 sorts tracking_information newest first.
	 */
	if ((tr = elem_with(r, o, "tracking_information", "tracking_number",
	    NULL, 0)) != NULL) {
		v[TKT_O_TRACKING_NUMBER] = tkt_wish_str(r, tr,
		    "tracking_number", 1);
		v[TKT_O_SHIPPING_PROVIDER] = tkt_wish_str(r,
		    tkt_rec_get(r, tr, "shipping_provider"), "name", 1);
	}
	if ((ev = elem_with(r, o, "fulfillment_records", "event_type",
	    "MARK_SHIPPED", 1)) != NULL)
		v[TKT_O_SHIPPED_DATE] = day(tkt_wish_str(r, ev, "event_time", 1),
		    days[0]);
	if ((rf = elem_with(r, o, "refunds", "refund_time", NULL, 1)) != NULL) {
		v[TKT_O_REFUNDED_REASON] = tkt_wish_str(r, rf, "refund_reason", 1);
		v[TKT_O_REFUNDED_TIME] = day(tkt_wish_str(r, rf, "refund_time", 1),
		    days[1]);
	}
}

int
tkt_wish3_order(const struct tkt_rec *r, const struct tkt_jnode *o,
    const char *id, struct tkt_buf *out, struct tkt_error *err)
{
	struct tkt_sv v[TKT_O_N];
	char days[2][21];
	struct tkt_jw w;

	if (o == NULL || o->type != TKT_J_OBJECT ||
	    (order_values(r, o, v, days), v[TKT_O_ID].s == NULL)) {
		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
		    "malformed answer: an order without an id");
		return -1;
	}
	if (id != NULL && (v[TKT_O_ID].n != strlen(id) ||
	    memcmp(v[TKT_O_ID].s, id, v[TKT_O_ID].n) != 0)) {
		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
		    "malformed answer: order '%.*s' came back for '%s'",
		    (int)(v[TKT_O_ID].n > 64 ? 64 : v[TKT_O_ID].n),
		    v[TKT_O_ID].s, id);
		return -1;
	}
	tkt_jw_init(&w, out);
	tkt_wish_order(&w, v);
	return 0;
}

static void
put_images(struct tkt_jw *w, const struct tkt_rec *r,
    const struct tkt_jnode *reply)
{
	const struct tkt_jnode *files, *f;
	struct tkt_sv u;

	files = tkt_rec_get(r, reply, "supporting_files");
	if (files == NULL || files->type != TKT_J_ARRAY)
		return;
	for (f = tkt_rec_child(r, files); f != NULL; f = tkt_rec_next(r, f)) {
		/* A file is {url, file_name}; a bare URL string is taken too. */
		if (f->type == TKT_J_STRING)
			u = (struct tkt_sv){ r->strs + f->str, f->strlen };
		else
			u = tkt_wish_str(r, f, "url", 1);
		if (u.s != NULL && u.n > 0)
			tkt_jw_strn(w, u.s, u.n);
	}
}

int
tkt_wish3_record(const struct tkt_rec *r, const struct tkt_jnode *t,
    struct tkt_norm *nm, struct tkt_buf *out, struct tkt_error *err)
{
	const struct tkt_jnode *buyer, *res, *orders, *c;
	struct tkt_recw rw;
	struct tkt_wire wt;
	struct tkt_sv st, v[TKT_O_N];
	char days[2][21];
	size_t norders = 0;

	memset(&wt, 0, sizeof(wt));
	if (t == NULL || t->type != TKT_J_OBJECT ||
	    (wt.id = tkt_wish_str(r, t, "id", 1)).s == NULL) {
		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
		    "malformed answer: a ticket without an id");
		return -1;
	}
	nm->bad_time = 0;
	nm->id = wt.id.s;
	wt.api = "v3";
	orders = tkt_rec_get(r, t, "orders");
	if (orders != NULL && orders->type == TKT_J_ARRAY)
		norders = orders->nchild;
	/*
	 * A ticket without a type (a partial answer) or with one this
	 * version does not know is typed as v2's are when no label says
	 * more: by whether it concerns an order.
	 */
	nm->type = tkt_wish_enum(tkt_types, tkt_wish_str(r, t, "type", 1).s);
	if (nm->type == NULL) {
		nm->type = norders == 0 ? "PRE_PURCHASE" : "ORDER";
		wt.type_inferred = 1;
	}
	st = tkt_wish_str(r, t, "state", 0);
	tkt_wish_state(nm, tkt_wish_enum(tkt_states, st.s), st.s);
	buyer = tkt_rec_get(r, t, "buyer_info");
	tkt_wish_locale(nm, tkt_wish_str(r, buyer, "locale", 1));
	wt.subject = tkt_wish_str(r, t, "subject", 0);
	wt.sub_label = tkt_wish_str(r, t, "sub_label", 1);
	wt.refund_reason = tkt_wish_str(r, t, "refund_reason", 1);
	tkt_wish_times(r, t, "opened_at", "updated_at", nm, &wt);
	res = tkt_rec_get(r, t, "resolution_info");
	wt.closed_at = tkt_wish_time(r, res, "closed_at", nm);
	wt.closed_by = tkt_wish_str(r, res, "closed_by", 1);
	wt.buyer_name = tkt_wish_str(r, buyer, "name", 1);
	tkt_wish_head(&rw, out, nm, &wt);

	/* A ticket names its orders only: the rest of each is null. */
	for (c = tkt_wish_list(&rw, "orders", r, t, "orders"); c != NULL;
	    c = tkt_rec_next(r, c)) {
		order_values(r, c, v, days);
		if (v[TKT_O_ID].s != NULL)
			tkt_wish_order(&rw.w, v);
	}
	tkt_wish_list_end(&rw);
	for (c = tkt_wish_list(&rw, "replies", r, t, "replies"); c != NULL;
	    c = tkt_rec_next(r, c)) {
		const char *snd;

		if (c->type != TKT_J_OBJECT)
			continue;
		snd = tkt_wish_enum(tkt_senders, tkt_wish_str(r, c, "sender", 0).s);
		tkt_wish_reply(&rw, snd ? snd : "UNKNOWN",
		    tkt_wish_time(r, c, "replied_at", nm),
		    tkt_wish_str(r, c, "message", 0), (struct tkt_sv){ NULL, 0 });
		put_images(&rw.w, r, c);
		tkt_wish_reply_end(&rw);
	}
	tkt_wish_list_end(&rw);
	tkt_wish_tail(&rw, nm, r->line + t->start, t->end - t->start);
	return 0;
}

int
tkt_wish3_content_locale(const char *h, char out[36])
{
	struct tkt_norm nm;
	size_t n;

	h += strspn(h, " \t");
	n = strcspn(h, ",;");
	while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	if (n == 0)
		return -1;
	memset(&nm, 0, sizeof(nm));
	tkt_wish_locale(&nm, (struct tkt_sv){ h, n });
	memcpy(out, nm.locale, sizeof(nm.locale));
	return 0;
}
