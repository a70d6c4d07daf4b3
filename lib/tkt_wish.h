/* tkt_wish.h: part of tkt.h (see there); include tkt.h, not this. */

/* wish.c: the Wish API's envelope, errors and URLs (both versions). */

/*
 * What a marketplace code of API api ("v2", "v3") says of the token:
 * nothing (TKT_TOKEN_NO), refused, which a new token may cure
 * (TKT_TOKEN_REFUSED), or the account disabled, which no token cures
 * (TKT_TOKEN_DISABLED; v3's 1002).  The table is in tkt(7).
 */
enum { TKT_TOKEN_NO, TKT_TOKEN_REFUSED, TKT_TOKEN_DISABLED };
int	tkt_wish_token_code(const char *api, long code);
/*
 * Checks a finished request's answer: parses the {code,data,message}
 * envelope into env (TKT_RD_TREE) and fills err on any failure (network,
 * HTTP status, non-zero code, malformed body).  0 when code is 0.
 * err->status is 4 for a refused token, 3 for remote failures, 1 for a
 * refusal of this one request (a 4xx with a code, e.g. not found).
 */
int	tkt_wish_envelope(const struct tkt_http_req *, struct tkt_rec *env,
	    struct tkt_error *);
/*
 * The record's values, each list NULL-terminated and the same as v3's
 * enums: states (without "UNKNOWN"), types, and reply senders.
 */
extern const char *const tkt_states[];
extern const char *const tkt_types[];
extern const char *const tkt_senders[];
/* Borrowed: the member of set equal to s (static), or NULL. */
const char	*tkt_wish_enum(const char *const *set, const char *s);
/* A new URL: origin "/api/" api "/" path ["?" query]. */
char	*tkt_wish_url(const struct tkt_store *, const char *path,
	    const char *query);

/* wish2.c, wish3.c: API v2 and v3 tickets to tkt records. */
struct tkt_norm {
	const struct tkt_store	*store;		/* borrowed */
	const struct tkt_wishmap *map;		/* borrowed */
	int			 raw;		/* add "raw" */
	/* Filled per ticket, for filters, paging and warnings. */
	const char		*id;		/* borrowed from the tree */
	const char		*updated_raw;	/* borrowed: updated_at as sent, or NULL */
	const char		*state;		/* borrowed, static */
	const char		*state_raw;	/* borrowed from the tree, or NULL */
	const char		*type;		/* static */
	char			 locale[36];
	time_t			 updated_at, waiting_since, due_at;
	int			 bad_time;	/* a time could not be read */
};

/*
 * Appends the record of the Ticket object t (a node of env) to out as one
 * JSON line with "\n", as the API of nm->store reads: v2 or v3.  Returns
 * -1 (err) when t is not a ticket.  The v2 and v3 forms of one ticket
 * give equal values for every field both carry (tkt-record(5)).
 */
int	tkt_wish_record(const struct tkt_rec *env, const struct tkt_jnode *t,
	    struct tkt_norm *, struct tkt_buf *out, struct tkt_error *);
/* The same for a v2 Ticket (wrapped or not) and a v3 Ticket. */
int	tkt_wish2_record(const struct tkt_rec *env, const struct tkt_jnode *t,
	    struct tkt_norm *, struct tkt_buf *out, struct tkt_error *);
int	tkt_wish3_record(const struct tkt_rec *env, const struct tkt_jnode *t,
	    struct tkt_norm *, struct tkt_buf *out, struct tkt_error *);
/*
 * Appends to out the record's order (tkt-record(5), one object) for the
 * v3 Order o, a node of env (the data of GET /api/v3/orders/{id}): the
 * members v2 gives in a ticket's items, with the same values.  -1 (err)
 * when o is not an order, or is another order than id (when id is not
 * NULL).
 */
int	tkt_wish3_order(const struct tkt_rec *env, const struct tkt_jnode *o,
	    const char *id, struct tkt_buf *out, struct tkt_error *);
/* wish3_refund.c: a v3 Order as a refund's outcome. */
enum { TKT_RF_NONE, TKT_RF_IN_PROGRESS, TKT_RF_SUCCEEDED, TKT_RF_FAILED };

struct tkt_refund_view {
	int	 refunded;	/* state REFUNDED */
	int	 processing;	/* the order carries processing_status at all */
	int	 status;	/* TKT_RF_*: a REFUND being (or last) processed */
	long	 nrefunds;	/* entries of refunds[] */
};

/* Reads the Order o (a node of r); an absent o reads as nothing known. */
void	tkt_wish3_refund(const struct tkt_rec *r, const struct tkt_jnode *o,
	    struct tkt_refund_view *);
/*
 * What a v3 refund reason is: TKT_RR_ORDER, one of the orders'
 * RefundReason values (what a refund takes); TKT_RR_TICKET, one of the
 * four only a ticket's refund_reason has; TKT_RR_NONE, neither.
 */
enum { TKT_RR_NONE, TKT_RR_ORDER, TKT_RR_TICKET };
int	tkt_wish3_refund_reason(const char *reason);
/*
 * The record's content_locale for the Content-Language of a v3 answer:
 * its first language, as the record writes a locale ("pt_BR" is
 * "pt-BR"), into out.  0, or -1 when the header names none.
 */
int	tkt_wish3_content_locale(const char *header, char out[36]);
/* Parses v2's image_urls string forms into url strings appended to w. */
void	tkt_wish2_images(const char *, size_t, struct tkt_jw *w);

/*
 * wish2_render.c: a record as Wish v2 sends it; the other direction, which
 * tkt-sandbox serves.
 */
/* Appends {"Ticket":{…}} for rec (parsed with TKT_RD_TREE). */
void	tkt_wish2_render(const struct tkt_rec *, const struct tkt_wishmap *,
	    struct tkt_buf *);
/* A record time ("…Z") as v2 writes it, zone-less, into a 20-byte buffer. */
char	*tkt_wish2_time(const char *, size_t, char buf[20]);

/* wish3_render.c: a record as Wish v3 sends it. */
/* How to render: */
#define TKT_W3_EN	0x1	/* replies in English where translated */
#define TKT_W3_NOPROC	0x2	/* orders without processing_* */
/* Appends the flat v3 ticket object for rec (parsed with TKT_RD_TREE). */
void		 tkt_wish3_render(const struct tkt_rec *, int flags,
		    struct tkt_buf *);
/* Appends v3's object for the reply node rp of rec. */
void		 tkt_wish3_render_reply(const struct tkt_rec *,
		    const struct tkt_jnode *rp, struct tkt_buf *);
/* A shipment the record does not hold (borrowed strings). */
struct tkt_w3_tracking {
	const char	*number;
	const char	*carrier;
};
/*
 * Appends v3's object for the order node o of rec; earlier, when not NULL,
 * is listed after the record's tracking as an earlier shipment of an order
 * that has tracking.
 */
void		 tkt_wish3_render_order(const struct tkt_rec *,
		    const struct tkt_jnode *o, int flags,
		    const struct tkt_w3_tracking *earlier, struct tkt_buf *);
/*
 * A time as v3 writes it, "2026-11-23T12:00:00.000+00:00", in one of four
 * offset forms ("+00:00", "Z", "+08:00", "-05:00"); a ticket's form comes
 * from its id.
 */
char		*tkt_wish3_render_time(time_t, int form, char buf[32]);
int		 tkt_wish3_render_form(const char *id);
/* The ticket refund_reason enum for a stored v2 code (or enum); NULL for NULL. */
const char	*tkt_wish3_render_reason(const char *);
