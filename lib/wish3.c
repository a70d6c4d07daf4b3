/*
 * wish3.c: Wish API v3 tickets to tkt records (SPEC §3).  v3 is flat and
 * typed: enums for type, state, sender and closed_by, real arrays, times
 * with milliseconds and an offset.  The record is the one wish2.c makes,
 * through the same writer, so both versions agree on every field they
 * both carry.
 */
#include <string.h>

#include "tkt.h"
#include "tkt_priv.h"

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

	/* v3 names the orders only; the rest of each is null. */
	memset(v, 0, sizeof(v));
	for (c = tkt_wish_list(&rw, "orders", r, t, "orders"); c != NULL;
	    c = tkt_rec_next(r, c)) {
		if (c->type == TKT_J_STRING)
			v[TKT_O_ID] = (struct tkt_sv){ r->strs + c->str, c->strlen };
		else
			v[TKT_O_ID] = tkt_wish_str(r, c, "id", 1);
		if (v[TKT_O_ID].s != NULL)
			tkt_wish_order(&rw, v);
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
