/*
 * wish2.c: Wish API v2 tickets to tkt records (SPEC §3).  v2 wraps objects
 * ({"Ticket": …}, {"Reply": …}, {"Order": …}), sends numbers and booleans
 * as strings, times without a zone (UTC), and image_urls as a Python-repr
 * string; the record has none of that.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tkt.h"

#define MAX_REPLIES 4096

/* The value of a wrapper ({"Ticket": {…}}) or the object itself. */
static const struct tkt_jnode *
unwrap(const struct tkt_rec *r, const struct tkt_jnode *n, const char *wrap)
{
	const struct tkt_jnode *in;

	if (n == NULL || n->type != TKT_J_OBJECT)
		return NULL;
	if ((in = tkt_rec_get(r, n, wrap)) != NULL && in->type == TKT_J_OBJECT)
		return in;
	return n;
}

/* A string member; numbers give their text.  "" and null give NULL when blank_null. */
static const char *
get(const struct tkt_rec *r, const struct tkt_jnode *o, const char *key,
    size_t *len, int blank_null)
{
	const struct tkt_jnode *n = tkt_rec_get(r, o, key);
	const char *s;
	size_t l;

	if ((s = tkt_rec_str(r, n, &l)) == NULL)
		return NULL;
	if (blank_null && l == 0)
		return NULL;
	if (len != NULL)
		*len = l;
	return s;
}

static void
put_str(struct tkt_jw *w, const char *key, const struct tkt_rec *r,
    const struct tkt_jnode *o, const char *src, int blank_null)
{
	size_t len;
	const char *s = get(r, o, src, &len, blank_null);

	tkt_jw_key(w, key);
	if (s == NULL)
		tkt_jw_null(w);
	else
		tkt_jw_strn(w, s, len);
}

static time_t
get_time(const struct tkt_rec *r, const struct tkt_jnode *o, const char *key,
    struct tkt_norm *nm)
{
	size_t len;
	const char *s = get(r, o, key, &len, 1);
	time_t t;

	if (s == NULL)
		return (time_t)-1;
	if (tkt_time_parsen(s, len, &t) == -1) {
		nm->bad_time = 1;
		return (time_t)-1;
	}
	return t;
}

static void
put_time(struct tkt_jw *w, const char *key, time_t t)
{
	tkt_jw_key(w, key);
	tkt_jw_time(w, t);
}

/* BCP 47 from v2's locale ("pt_BR" → "pt-BR"); "und" when unknown. */
static void
locale_of(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i;

	if (s == NULL || len == 0 || len >= outlen) {
		snprintf(out, outlen, "und");
		return;
	}
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '_')
			c = '-';
		if (!isalnum((unsigned char)c) && c != '-') {
			snprintf(out, outlen, "und");
			return;
		}
		out[i] = c;
	}
	out[i] = '\0';
	/* Language lowercase, region uppercase. */
	for (i = 0; out[i] && out[i] != '-'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	if (out[i] == '-' && strlen(out + i + 1) == 2)
		for (i++; out[i]; i++)
			out[i] = (char)toupper((unsigned char)out[i]);
}

/* One image URL, HTML escapes undone. */
static void
put_url(struct tkt_jw *w, const char *s, size_t n)
{
	struct tkt_buf b;

	tkt_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '&' && n - i >= 5 && strncmp(s + i, "&amp;", 5) == 0) {
			tkt_buf_addc(&b, '&');
			i += 4;
		} else
			tkt_buf_addc(&b, s[i]);
	}
	tkt_jw_strn(w, b.s ? b.s : "", b.len);
	tkt_buf_free(&b);
}

void
tkt_wish2_images(const char *s, size_t n, struct tkt_jw *w)
{
	struct tkt_buf u;
	size_t i;

	/* Undo HTML escaping of quotes first (&#39; &quot;). */
	tkt_buf_init(&u);
	for (i = 0; i < n; i++) {
		if (s[i] == '&' && n - i >= 5 && strncmp(s + i, "&#39;", 5) == 0) {
			tkt_buf_addc(&u, '\'');
			i += 4;
		} else if (s[i] == '&' && n - i >= 6 &&
		    strncmp(s + i, "&quot;", 6) == 0) {
			tkt_buf_addc(&u, '"');
			i += 5;
		} else
			tkt_buf_addc(&u, s[i]);
	}
	s = u.s ? u.s : "";
	n = u.len;
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n > 0 && s[0] == '[') {
		/* A Python or JSON list: every quoted string in it. */
		for (i = 1; i < n; i++) {
			char q = s[i];
			size_t j;

			if (q != '\'' && q != '"')
				continue;
			for (j = i + 1; j < n && s[j] != q; j++)
				if (s[j] == '\\')
					j++;
			if (j >= n)
				break;
			if (j > i + 1)
				put_url(w, s + i + 1, j - i - 1);
			i = j;
		}
	} else if (n > 0 && memchr(s, ' ', n) == NULL &&
	    strncasecmp(s, "none", n) != 0 && strncasecmp(s, "null", n) != 0)
		put_url(w, s, n);
	tkt_buf_free(&u);
}

static void
put_images(struct tkt_jw *w, const struct tkt_rec *r,
    const struct tkt_jnode *reply)
{
	const struct tkt_jnode *n = tkt_rec_get(r, reply, "image_urls");

	tkt_jw_key(w, "images");
	tkt_jw_arr(w);
	if (n != NULL && n->type == TKT_J_STRING)
		tkt_wish2_images(r->strs + n->str, n->strlen, w);
	else if (n != NULL && n->type == TKT_J_ARRAY)
		for (const struct tkt_jnode *c = tkt_rec_child(r, n); c != NULL;
		    c = tkt_rec_next(r, c))
			if (c->type == TKT_J_STRING)
				put_url(w, r->strs + c->str, c->strlen);
	tkt_jw_arr_end(w);
}

static void
put_order(struct tkt_jw *w, const struct tkt_rec *r, const struct tkt_jnode *o)
{
	static const char *same[] = { "transaction_id", "product_id",
	    "product_name", "sku", "size", "color" };
	static const char *money[] = { "price", "cost", "shipping",
	    "order_total", "currency", "state", "shipping_provider",
	    "tracking_number", "shipped_date", "refunded_reason",
	    "refunded_time" };
	const char *q;
	size_t len;
	long long qty;
	const char *es;

	tkt_jw_obj(w);
	put_str(w, "id", r, o, "order_id", 1);
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		put_str(w, same[i], r, o, same[i], 1);
	tkt_jw_key(w, "quantity");
	q = get(r, o, "quantity", &len, 1);
	if (q != NULL && len < 20) {
		char tmp[24];

		memcpy(tmp, q, len);
		tmp[len] = '\0';
		if (tkt_num_parse(tmp, 0, 1000000000, &qty, &es) == 0)
			tkt_jw_int(w, qty);
		else
			tkt_jw_null(w);
	} else
		tkt_jw_null(w);
	for (size_t i = 0; i < sizeof(money) / sizeof(money[0]); i++)
		put_str(w, money[i], r, o, money[i], 1);
	tkt_jw_obj_end(w);
}

static int
sender_of(const struct tkt_norm *nm, const char *s, const char **out)
{
	const char *v = tkt_wishmap_in(nm->map, "sender", s);

	*out = v ? v : "UNKNOWN";
	return v != NULL;
}

int
tkt_wish2_record(const struct tkt_rec *r, const struct tkt_jnode *tn,
    struct tkt_norm *nm, struct tkt_buf *out, struct tkt_error *err)
{
	const struct tkt_jnode *t, *user, *items, *replies, *c;
	struct tkt_reply_ev ev[MAX_REPLIES];
	size_t nev = 0, len;
	const char *id, *label, *tx, *state, *s;
	struct tkt_jw w;
	time_t opened, closed;

	t = unwrap(r, tn, "Ticket");
	if (t == NULL || (id = get(r, t, "id", NULL, 1)) == NULL) {
		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
		    "malformed answer: a ticket without an id");
		return -1;
	}
	nm->bad_time = 0;
	nm->state_raw = NULL;
	label = get(r, t, "label", NULL, 1);
	tx = get(r, t, "transaction_id", NULL, 1);
	if ((nm->type = tkt_wishmap_label(nm->map, label)) == NULL)
		nm->type = tx == NULL ? "PRE_PURCHASE" : "ORDER";
	s = get(r, t, "state", NULL, 0);
	if ((state = tkt_wishmap_in(nm->map, "state", s)) == NULL) {
		state = "UNKNOWN";
		nm->state_raw = s ? s : "";
	}
	nm->state = state;
	user = unwrap(r, tkt_rec_get(r, t, "UserInfo"), "UserInfo");
	s = get(r, user, "locale", &len, 1);
	locale_of(s, s ? len : 0, nm->locale, sizeof(nm->locale));

	tkt_jw_init(&w, out);
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "id");
	tkt_jw_str(&w, id);
	tkt_jw_key(&w, "store");
	tkt_jw_str(&w, nm->store->name);
	tkt_jw_key(&w, "api");
	tkt_jw_str(&w, "v2");
	tkt_jw_key(&w, "type");
	tkt_jw_str(&w, nm->type);
	tkt_jw_key(&w, "type_inferred");
	tkt_jw_bool(&w, 1);
	tkt_jw_key(&w, "state");
	tkt_jw_str(&w, state);
	if (nm->state_raw != NULL) {
		tkt_jw_key(&w, "state_raw");
		tkt_jw_str(&w, nm->state_raw);
	}
	put_str(&w, "subject", r, t, "subject", 0);
	put_str(&w, "label", r, t, "label", 1);
	put_str(&w, "sub_label", r, t, "sublabel", 1);
	put_str(&w, "refund_reason", r, t, "default_refund_reason", 1);
	opened = get_time(r, t, "open_date", nm);
	put_time(&w, "opened_at", opened);
	nm->updated_at = get_time(r, t, "last_update_date", nm);
	if (nm->updated_at == (time_t)-1)
		nm->updated_at = opened;
	put_time(&w, "updated_at", nm->updated_at);
	closed = get_time(r, t, "close_date", nm);
	put_time(&w, "closed_at", closed);
	put_str(&w, "closed_by", r, t, "closed_by", 1);
	tkt_jw_key(&w, "locale");
	tkt_jw_str(&w, nm->locale);
	tkt_jw_key(&w, "buyer");
	tkt_jw_obj(&w);
	put_str(&w, "id", r, user, "id", 1);
	put_str(&w, "name", r, user, "name", 1);
	tkt_jw_key(&w, "locale");
	tkt_jw_str(&w, nm->locale);
	tkt_jw_obj_end(&w);

	tkt_jw_key(&w, "orders");
	tkt_jw_arr(&w);
	items = tkt_rec_get(r, t, "items");
	if (items != NULL && items->type == TKT_J_ARRAY)
		for (c = tkt_rec_child(r, items); c != NULL; c = tkt_rec_next(r, c)) {
			const struct tkt_jnode *o = unwrap(r, c, "Order");

			if (o != NULL)
				put_order(&w, r, o);
		}
	tkt_jw_arr_end(&w);

	tkt_jw_key(&w, "replies");
	tkt_jw_arr(&w);
	replies = tkt_rec_get(r, t, "replies");
	if (replies != NULL && replies->type == TKT_J_ARRAY)
		for (c = tkt_rec_child(r, replies); c != NULL;
		    c = tkt_rec_next(r, c)) {
			const struct tkt_jnode *rp = unwrap(r, c, "Reply");
			const char *snd;
			time_t at;

			if (rp == NULL)
				continue;
			sender_of(nm, get(r, rp, "sender", NULL, 0), &snd);
			at = get_time(r, rp, "date", nm);
			if (nev < MAX_REPLIES) {
				ev[nev].sender = tkt_sender_kind(snd);
				ev[nev].at = at;
				nev++;
			}
			tkt_jw_obj(&w);
			tkt_jw_key(&w, "sender");
			tkt_jw_str(&w, snd);
			put_time(&w, "at", at);
			put_str(&w, "message", r, rp, "message", 0);
			put_str(&w, "translated_message", r, rp,
			    "translated_message", 1);
			put_images(&w, r, rp);
			tkt_jw_obj_end(&w);
		}
	tkt_jw_arr_end(&w);

	nm->waiting_since = tkt_waiting_since(ev, nev,
	    strcmp(state, "AWAITING_MERCHANT") == 0);
	nm->due_at = nm->waiting_since == (time_t)-1 ? (time_t)-1 :
	    nm->waiting_since + (time_t)nm->store->sla;
	put_time(&w, "waiting_since", nm->waiting_since);
	put_time(&w, "due_at", nm->due_at);
	tkt_jw_key(&w, "csat");
	tkt_jw_null(&w);
	if (nm->raw) {
		tkt_jw_key(&w, "raw");
		tkt_jw_raw(&w, r->line + t->start, t->end - t->start);
	}
	tkt_jw_obj_end(&w);
	tkt_buf_addc(out, '\n');
	return 0;
}
