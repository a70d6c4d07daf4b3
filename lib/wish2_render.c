/*
 * wish2_render.c: a tkt record as Wish API v2 sends a ticket: {"Ticket":…}
 * and {"Reply":…} and {"Order":…} wrappers, every number and boolean as a
 * string ("1", "6.69", "True"), zone-less UTC times, image_urls as a
 * Python-repr string, and state and sender strings from wish-v2-map.
 */
#include <string.h>

#include "tkt.h"

char *
tkt_wish2_time(const char *s, size_t n, char buf[20])
{
	time_t t;
	char tmp[21];

	if (tkt_time_parsen(s, n, &t) == -1) {
		buf[0] = '\0';
		return buf;
	}
	tkt_time_format(t, tmp);
	memcpy(buf, tmp, 19);
	buf[19] = '\0';
	return buf;
}

/* Borrowed string (or the raw text of a number) of key in obj, or NULL. */
static const char *
get(const struct tkt_rec *r, const struct tkt_jnode *obj, const char *key,
    size_t *len)
{
	return tkt_rec_str(r, tkt_rec_get(r, obj, key), len);
}

/* A value as a v2 string; with opt, an absent or null value is left out. */
static void
put(struct tkt_jw *w, const struct tkt_rec *r, const struct tkt_jnode *obj,
    const char *key, const char *wkey, int opt)
{
	const struct tkt_jnode *n = tkt_rec_get(r, obj, key);
	size_t len;
	const char *s;

	if (n == NULL || n->type == TKT_J_NULL) {
		if (opt)
			return;
		tkt_jw_key(w, wkey);
		tkt_jw_str(w, "");
		return;
	}
	tkt_jw_key(w, wkey);
	if (n->type == TKT_J_TRUE || n->type == TKT_J_FALSE)
		tkt_jw_str(w, n->type == TKT_J_TRUE ? "True" : "False");
	else if ((s = tkt_rec_str(r, n, &len)) != NULL)
		tkt_jw_strn(w, s, len);
	else
		tkt_jw_str(w, "");
}

static void
put_time(struct tkt_jw *w, const struct tkt_rec *r, const struct tkt_jnode *obj,
    const char *key, const char *wkey, int opt)
{
	size_t len;
	const char *s = get(r, obj, key, &len);
	char buf[20];

	if (s == NULL && opt)
		return;
	tkt_jw_key(w, wkey);
	tkt_jw_str(w, s ? tkt_wish2_time(s, len, buf) : "");
}

static void
put_bool(struct tkt_jw *w, const struct tkt_rec *r, const struct tkt_jnode *obj,
    const char *key, const char *wkey)
{
	const struct tkt_jnode *n = tkt_rec_get(r, obj, key);

	tkt_jw_key(w, wkey);
	tkt_jw_str(w, n != NULL && n->type == TKT_J_TRUE ? "True" : "False");
}

/* Python's repr of a list of unicode strings: [u'a', u'b']. */
static void
image_urls(struct tkt_jw *w, const struct tkt_rec *r, const struct tkt_jnode *a)
{
	struct tkt_buf b;
	int first = 1;

	tkt_buf_init(&b);
	tkt_buf_addc(&b, '[');
	for (const struct tkt_jnode *c = tkt_rec_child(r, a); c != NULL;
	    c = tkt_rec_next(r, c)) {
		size_t len;
		const char *s = tkt_rec_str(r, c, &len);

		if (s == NULL)
			continue;
		if (!first)
			tkt_buf_adds(&b, ", ");
		first = 0;
		tkt_buf_adds(&b, "u'");
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '\'' || s[i] == '\\')
				tkt_buf_addc(&b, '\\');
			tkt_buf_addc(&b, s[i]);
		}
		tkt_buf_addc(&b, '\'');
	}
	tkt_buf_addc(&b, ']');
	tkt_jw_key(w, "image_urls");
	tkt_jw_strn(w, b.s, b.len);
	tkt_buf_free(&b);
}

static void
render_reply(struct tkt_jw *w, const struct tkt_rec *r,
    const struct tkt_jnode *rp, const struct tkt_wishmap *m)
{
	const char *sender = get(r, rp, "sender", NULL), *v2;
	const struct tkt_jnode *imgs = tkt_rec_get(r, rp, "images");
	int user = sender != NULL && strcmp(sender, "USER") == 0;

	v2 = tkt_wishmap_out(m, "sender", sender);
	tkt_jw_obj(w);
	tkt_jw_key(w, "Reply");
	tkt_jw_obj(w);
	put_time(w, r, rp, "at", "date", 0);
	tkt_jw_key(w, "sender");
	tkt_jw_str(w, v2 ? v2 : sender ? sender : "");
	put(w, r, rp, "message", "message", 0);
	if (user) {
		put(w, r, rp, "translated_message", "translated_message", 0);
		put(w, r, rp, "translated_message_zh", "translated_message_zh", 0);
	}
	image_urls(w, r, imgs);
	tkt_jw_obj_end(w);
	tkt_jw_obj_end(w);
}

static void
render_order(struct tkt_jw *w, const struct tkt_rec *r,
    const struct tkt_jnode *o, const char *buyer_id)
{
	static const char *const opt[] = {
		"shipping_provider", "tracking_number", "shipped_date",
		"refunded_by", "refunded_reason", "refunded_time"
	};
	static const char *const addr[] = {
		"name", "street_address1", "street_address2", "city", "state",
		"zipcode", "country", "phone_number"
	};
	const struct tkt_jnode *sd = tkt_rec_get(r, o, "shipping_detail");
	const char *pid = get(r, o, "product_id", NULL);

	tkt_jw_obj(w);
	tkt_jw_key(w, "Order");
	tkt_jw_obj(w);
	put(w, r, o, "id", "order_id", 0);
	put(w, r, o, "transaction_id", "transaction_id", 0);
	put(w, r, o, "product_id", "product_id", 0);
	put(w, r, o, "variant_id", "variant_id", 0);
	tkt_jw_key(w, "buyer_id");
	tkt_jw_str(w, buyer_id ? buyer_id : "");
	put(w, r, o, "product_name", "product_name", 0);
	if (pid != NULL) {
		struct tkt_buf u;

		tkt_buf_init(&u);
		tkt_buf_printf(&u, "https://contestimg.wish.com/api/webimage/"
		    "%s-medium.jpg", pid);
		tkt_jw_key(w, "product_image_url");
		tkt_jw_strn(w, u.s, u.len);
		tkt_buf_free(&u);
	}
	put(w, r, o, "sku", "sku", 0);
	put(w, r, o, "color", "color", 1);
	put(w, r, o, "size", "size", 1);
	put(w, r, o, "quantity", "quantity", 0);
	put(w, r, o, "price", "price", 0);
	put(w, r, o, "cost", "cost", 0);
	put(w, r, o, "shipping", "shipping", 0);
	put(w, r, o, "shipping_cost", "shipping_cost", 0);
	put(w, r, o, "order_total", "order_total", 0);
	put_time(w, r, o, "order_time", "order_time", 0);
	put_time(w, r, o, "last_updated", "last_updated", 0);
	put(w, r, o, "state", "state", 0);
	for (size_t i = 0; i < sizeof(opt) / sizeof(*opt); i++)
		put(w, r, o, opt[i], opt[i], 1);
	tkt_jw_key(w, "is_wish_express");
	tkt_jw_str(w, "False");
	if (sd != NULL && sd->type == TKT_J_OBJECT) {
		tkt_jw_key(w, "ShippingDetail");
		tkt_jw_obj(w);
		for (size_t i = 0; i < sizeof(addr) / sizeof(*addr); i++)
			put(w, r, sd, addr[i], addr[i], 1);
		tkt_jw_obj_end(w);
	}
	tkt_jw_obj_end(w);
	tkt_jw_obj_end(w);
}

/* state_id is opaque to clients (Wish never lists it); these are the sandbox's. */
static const char *
state_id(const char *state)
{
	static const char *const ids[][2] = {
		{ "AWAITING_MERCHANT", "1" }, { "AWAITING_USER", "2" },
		{ "AWAITING_WISH", "3" }, { "CLOSED", "4" },
		{ "PERMANENTLY_CLOSED", "5" }
	};

	for (size_t i = 0; state && i < sizeof(ids) / sizeof(*ids); i++)
		if (strcmp(ids[i][0], state) == 0)
			return ids[i][1];
	return "0";
}

void
tkt_wish2_render(const struct tkt_rec *r, const struct tkt_wishmap *m,
    struct tkt_buf *out)
{
	const struct tkt_jnode *root = &r->nodes[0], *n;
	const struct tkt_jnode *buyer = tkt_rec_get(r, root, "buyer");
	const char *state = tkt_rec_field(r, "state"), *v2;
	const char *buyer_id = get(r, buyer, "id", NULL);
	struct tkt_jw w;

	v2 = tkt_wishmap_out(m, "state", state);
	tkt_jw_init(&w, out);
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "Ticket");
	tkt_jw_obj(&w);
	put(&w, r, root, "id", "id", 0);
	put(&w, r, root, "transaction_id", "transaction_id", 0);
	put(&w, r, root, "merchant_id", "merchant_id", 0);
	tkt_jw_key(&w, "state");
	tkt_jw_str(&w, v2 ? v2 : state ? state : "");
	tkt_jw_key(&w, "state_id");
	tkt_jw_str(&w, state_id(state));
	put(&w, r, root, "subject", "subject", 0);
	put(&w, r, root, "label", "label", 0);
	put(&w, r, root, "sub_label", "sublabel", 0);
	put_time(&w, r, root, "opened_at", "open_date", 0);
	put_time(&w, r, root, "updated_at", "last_update_date", 0);
	put_time(&w, r, root, "closed_at", "close_date", 1);
	put(&w, r, root, "closed_by", "closed_by", 1);
	put_bool(&w, r, root, "photo_proof", "photo_proof");
	put(&w, r, root, "refund_reason", "default_refund_reason", 1);
	tkt_jw_key(&w, "UserInfo");
	tkt_jw_obj(&w);
	put(&w, r, buyer, "id", "id", 0);
	put(&w, r, buyer, "name", "name", 0);
	put(&w, r, buyer, "locale", "locale", 0);
	put_time(&w, r, buyer, "joined_date", "joined_date", 0);
	tkt_jw_obj_end(&w);
	tkt_jw_key(&w, "items");
	tkt_jw_arr(&w);
	n = tkt_rec_get(r, root, "orders");
	for (n = tkt_rec_child(r, n); n != NULL; n = tkt_rec_next(r, n))
		if (n->type == TKT_J_OBJECT)
			render_order(&w, r, n, buyer_id);
	tkt_jw_arr_end(&w);
	tkt_jw_key(&w, "replies");
	tkt_jw_arr(&w);
	n = tkt_rec_get(r, root, "replies");
	for (n = tkt_rec_child(r, n); n != NULL; n = tkt_rec_next(r, n))
		if (n->type == TKT_J_OBJECT)
			render_reply(&w, r, n, m);
	tkt_jw_arr_end(&w);
	tkt_jw_obj_end(&w);
	tkt_jw_obj_end(&w);
}
