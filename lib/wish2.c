/*
 * wish2.c: Wish API v2 tickets to records (tkt-record(5)).  v2 wraps objects
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
#include "tkt_priv.h"

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

	if (n != NULL && n->type == TKT_J_STRING)
		tkt_wish2_images(r->strs + n->str, n->strlen, w);
	else if (n != NULL && n->type == TKT_J_ARRAY)
		for (const struct tkt_jnode *c = tkt_rec_child(r, n); c != NULL;
		    c = tkt_rec_next(r, c))
			if (c->type == TKT_J_STRING)
				put_url(w, r->strs + c->str, c->strlen);
}

static void
put_order(struct tkt_recw *rw, const struct tkt_rec *r,
    const struct tkt_jnode *o)
{
	struct tkt_sv v[TKT_O_N];

	/* v2's Order members have the record's names, but for order_id. */
	for (int i = 0; i < TKT_O_N; i++)
		v[i] = tkt_wish_str(r, o, i == TKT_O_ID ? "order_id" :
		    tkt_order_keys[i], 1);
	tkt_wish_order(&rw->w, v);
}

/* A v2 sender or closed_by string as the record's value. */
static const char *
sender_of(const struct tkt_norm *nm, const char *s)
{
	const char *v = tkt_wishmap_in(nm->map, "sender", s);

	return v ? v : "UNKNOWN";
}

int
tkt_wish2_record(const struct tkt_rec *r, const struct tkt_jnode *tn,
    struct tkt_norm *nm, struct tkt_buf *out, struct tkt_error *err)
{
	const struct tkt_jnode *t, *user, *c, *o;
	struct tkt_recw rw;
	struct tkt_wire wt;
	struct tkt_sv tx, st;
	const char *by;

	t = unwrap(r, tn, "Ticket");
	memset(&wt, 0, sizeof(wt));
	if (t == NULL || (wt.id = tkt_wish_str(r, t, "id", 1)).s == NULL) {
		tkt_error_set(err, TKT_EXIT_REMOTE, TKT_E_REMOTE,
		    "malformed answer: a ticket without an id");
		return -1;
	}
	nm->bad_time = 0;
	nm->id = wt.id.s;
	wt.api = "v2";
	wt.type_inferred = 1;
	wt.label = tkt_wish_str(r, t, "label", 1);
	tx = tkt_wish_str(r, t, "transaction_id", 1);
	if ((nm->type = tkt_wishmap_label(nm->map, wt.label.s)) == NULL)
		nm->type = tx.s == NULL ? "PRE_PURCHASE" : "ORDER";
	st = tkt_wish_str(r, t, "state", 0);
	tkt_wish_state(nm, tkt_wishmap_in(nm->map, "state", st.s), st.s);
	user = unwrap(r, tkt_rec_get(r, t, "UserInfo"), "UserInfo");
	tkt_wish_locale(nm, tkt_wish_str(r, user, "locale", 1));
	wt.subject = tkt_wish_str(r, t, "subject", 0);
	wt.sub_label = tkt_wish_str(r, t, "sublabel", 1);
	wt.refund_reason = tkt_wish_str(r, t, "default_refund_reason", 1);
	tkt_wish_times(r, t, "open_date", "last_update_date", nm, &wt);
	wt.closed_at = tkt_wish_time(r, t, "close_date", nm);
	/* v2 says "wish support" where v3 says WISH_SUPPORT: the same value. */
	wt.closed_by = tkt_wish_str(r, t, "closed_by", 1);
	if ((by = tkt_wishmap_in(nm->map, "sender", wt.closed_by.s)) != NULL) {
		wt.closed_by.s = by;
		wt.closed_by.n = strlen(by);
	}
	wt.buyer_id = tkt_wish_str(r, user, "id", 1);
	wt.buyer_name = tkt_wish_str(r, user, "name", 1);
	tkt_wish_head(&rw, out, nm, &wt);

	for (c = tkt_wish_list(&rw, "orders", r, t, "items"); c != NULL;
	    c = tkt_rec_next(r, c))
		if ((o = unwrap(r, c, "Order")) != NULL)
			put_order(&rw, r, o);
	tkt_wish_list_end(&rw);
	for (c = tkt_wish_list(&rw, "replies", r, t, "replies"); c != NULL;
	    c = tkt_rec_next(r, c)) {
		if ((o = unwrap(r, c, "Reply")) == NULL)
			continue;
		tkt_wish_reply(&rw, sender_of(nm,
		    tkt_wish_str(r, o, "sender", 0).s),
		    tkt_wish_time(r, o, "date", nm),
		    tkt_wish_str(r, o, "message", 0),
		    tkt_wish_str(r, o, "translated_message", 1));
		put_images(&rw.w, r, o);
		tkt_wish_reply_end(&rw);
	}
	tkt_wish_list_end(&rw);
	tkt_wish_tail(&rw, nm, r->line + t->start, t->end - t->start);
	return 0;
}
