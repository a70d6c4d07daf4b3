/*
 * tkt_priv.h: internals shared by a few files of libtkt and by nothing
 * outside it.  Include it after tkt.h.
 */
#ifndef TKT_PRIV_H
#define TKT_PRIV_H

/*
 * wish.c: the record writer both normalizers (wish2.c, wish3.c) use, so
 * that the two API versions cannot drift apart in the record they make.
 */

/* A borrowed string; s == NULL stands for JSON null. */
struct tkt_sv {
	const char	*s;
	size_t		 n;
};

/* The members of an order in a record, in record order (tkt-record(5)). */
enum {
	TKT_O_ID, TKT_O_TRANSACTION_ID, TKT_O_PRODUCT_ID, TKT_O_PRODUCT_NAME,
	TKT_O_SKU, TKT_O_SIZE, TKT_O_COLOR, TKT_O_QUANTITY, TKT_O_PRICE,
	TKT_O_COST, TKT_O_SHIPPING, TKT_O_ORDER_TOTAL, TKT_O_CURRENCY,
	TKT_O_STATE, TKT_O_SHIPPING_PROVIDER, TKT_O_TRACKING_NUMBER,
	TKT_O_SHIPPED_DATE, TKT_O_REFUNDED_REASON, TKT_O_REFUNDED_TIME,
	TKT_O_N
};
extern const char *const tkt_order_keys[TKT_O_N];

/* What a normalizer read from the wire, for the record's head. */
struct tkt_wire {
	const char	*api;		/* "v2" or "v3" */
	int		 type_inferred;
	struct tkt_sv	 id, subject, label, sub_label, refund_reason,
			 closed_by, buyer_id, buyer_name;
	time_t		 opened_at, updated_at, closed_at;
};

#define TKT_MAX_REPLIES 4096

/* One record being written: the JSON writer and the replies seen. */
struct tkt_recw {
	struct tkt_jw		 w;
	struct tkt_buf		*out;		/* borrowed */
	struct tkt_reply_ev	 ev[TKT_MAX_REPLIES];
	size_t			 nev;
};

/* A string member of object o (numbers give their text); "" is null when blank_null. */
struct tkt_sv	tkt_wish_str(const struct tkt_rec *, const struct tkt_jnode *o,
		    const char *key, int blank_null);
/* A time member of o, or (time_t)-1 (absent, empty or unreadable). */
time_t		tkt_wish_time(const struct tkt_rec *, const struct tkt_jnode *o,
		    const char *key, struct tkt_norm *);
/*
 * wire's opened_at and updated_at from the members named (a ticket never
 * updated has updated_at = opened_at), and nm's updated_at and updated_raw.
 */
void		tkt_wish_times(const struct tkt_rec *, const struct tkt_jnode *o,
		    const char *opened, const char *updated, struct tkt_norm *,
		    struct tkt_wire *);
/* nm->locale from a buyer's locale ("pt_BR" → "pt-BR"; "und" if unknown). */
void		tkt_wish_locale(struct tkt_norm *, struct tkt_sv);
/* nm->state: value (a record state), else "UNKNOWN" with raw as state_raw. */
void		tkt_wish_state(struct tkt_norm *, const char *value,
		    const char *raw);
/*
 * Opens the record on out and writes its head, "id" to "buyer", from wire
 * and from nm's type, state and locale.
 */
void		tkt_wish_head(struct tkt_recw *, struct tkt_buf *out,
		    const struct tkt_norm *, const struct tkt_wire *);
/*
 * Writes key and opens its array; returns the first element of o's member
 * src when it is an array (walk on with tkt_rec_next), else NULL.
 * tkt_wish_list_end closes the array.
 */
const struct tkt_jnode *tkt_wish_list(struct tkt_recw *, const char *key,
		    const struct tkt_rec *, const struct tkt_jnode *o,
		    const char *src);
void		tkt_wish_list_end(struct tkt_recw *);
/* One order: v[TKT_O_N] ("quantity" is written as an integer or null). */
void		tkt_wish_order(struct tkt_jw *, const struct tkt_sv *v);
/*
 * Opens one reply and writes it up to its "images" array, left open for
 * the caller's URLs; tkt_wish_reply_end closes both.
 */
void		tkt_wish_reply(struct tkt_recw *, const char *sender, time_t at,
		    struct tkt_sv message, struct tkt_sv translated);
void		tkt_wish_reply_end(struct tkt_recw *);
/*
 * Writes waiting_since and due_at (the deadline rule of tkt-record(5); into
 * nm too), csat and, with nm->raw, the API's object raw[0..rawlen); closes
 * the record and its line.
 */
void		tkt_wish_tail(struct tkt_recw *, struct tkt_norm *,
		    const char *raw, size_t rawlen);

#endif /* TKT_PRIV_H */
