/* tkt_wish.h: part of tkt.h (see there); include tkt.h, not this. */

/*
 * The marketplace interface.  The engines (list.c, action.c, oauth.c)
 * never know a wire form: they ask a store's marketplace module for each
 * request (a struct tkt_mreq for the http engine) and for the reading of
 * each answer, and test its capabilities (TKT_MC_*), never its version.
 * A module fills one struct tkt_market: Wish v2 in wish2_market.c, Wish
 * v3 in wish3_market.c (over wish.c, wish2.c, wish3.c and
 * wish3_refund.c, which read and write its forms); market.c's
 * tkt_market() gives a store's.  Another marketplace is one more module
 * and one more line in tkt_market().
 */
struct tkt_norm;

struct tkt_mreq {
	int		 method;	/* enum tkt_method */
	char		*url;		/* new */
	char		*body;		/* new, or NULL */
	size_t		 bodylen;
	const char	*ctype;		/* static, or NULL */
};

/* An order as a refund's outcome (see wish3_refund.c). */
enum { TKT_RF_NONE, TKT_RF_IN_PROGRESS, TKT_RF_SUCCEEDED, TKT_RF_FAILED };

struct tkt_refund_view {
	int	 refunded;	/* state REFUNDED */
	int	 processing;	/* the order carries processing_status at all */
	int	 status;	/* TKT_RF_*: a REFUND being (or last) processed */
	long	 nrefunds;	/* entries of refunds[] */
};

/* What a step writes, and with what (NULL where it takes nothing). */
struct tkt_mwrite {
	int		 act;		/* enum tkt_act */
	const char	*ticket, *order, *text, *reason, *note;
};

/* Capabilities. */
#define TKT_MC_LIST_ALL		0x01	/* lists tickets in every state */
#define TKT_MC_REOPEN_TEXT	0x02	/* a re-open posts its reason (and needs one) */
#define TKT_MC_ORDERS_APART	0x04	/* tickets name orders; details are read apart */
#define TKT_MC_ASYNC_REFUND	0x08	/* a refund is taken, then processed: read, polled */
#define TKT_MC_TRANSLATE	0x10	/* a ticket is read again in a language */

/* What a refund reason is to a marketplace (TKT_RR_*, below) */
enum { TKT_RR_NONE, TKT_RR_ORDER, TKT_RR_TICKET, TKT_RR_FOREIGN };

/* A listing's filters, as the engine asks for them. */
struct tkt_mlist {
	const struct tkt_strs	*states, *types;
	int			 all;		/* every state */
	time_t			 since;		/* updated_at from, or (time_t)-1 */
};

/* What a page came to (a pager's page): done, more to ask, or stuck. */
enum { TKT_PG_END, TKT_PG_MORE, TKT_PG_STOP };

/*
 * A ticket of a page, for the engine: bad NULL, the record is in the
 * pager's line and nm; else it could not be read (bad says why).  1 to go
 * on, 0 to stop the page there.
 */
typedef int	(*tkt_each_fn)(void *arg, struct tkt_error *bad);

struct tkt_strs;
struct tkt_pager;

struct tkt_market {
	const char	*api;		/* "v2", "v3": a store's api */
	unsigned	 caps;
	/*
	 * Listing: a pager keeps a listing's place in the pages, and gives
	 * the first page's request; page() reads a page's data (a node of
	 * env), hands each ticket to each, and says what is next: the next
	 * request in *next (TKT_PG_MORE), the end, or a stop (the listing
	 * cannot go on without losing tickets).  err, when its msg is not
	 * empty, is a warning about the page (a stop's reason).
	 */
	struct tkt_pager *(*pager_new)(const struct tkt_store *,
		    const struct tkt_mlist *, struct tkt_mreq *first);
	int	(*pager_page)(struct tkt_pager *, const struct tkt_rec *env,
		    const struct tkt_jnode *data, struct tkt_norm *,
		    struct tkt_buf *line, tkt_each_fn, void *arg,
		    struct tkt_mreq *next, struct tkt_error *err);
	void	(*pager_free)(struct tkt_pager *);
	void	(*get_ticket)(const struct tkt_store *, const char *id,
		    struct tkt_mreq *);
	/* Orders, their refund reasons (TKT_MC_ASYNC_REFUND, ORDERS_APART). */
	void	(*get_order)(const struct tkt_store *, const char *id,
		    struct tkt_mreq *);
	void	(*get_reasons)(const struct tkt_store *, const char *order,
		    struct tkt_mreq *);
	void	(*write)(const struct tkt_store *, const struct tkt_mwrite *,
		    struct tkt_mreq *);
	/* OAuth: the refresh of an access token. */
	void	(*refresh)(const struct tkt_store *, const char *client_id,
		    const char *secret, const char *refresh_token,
		    struct tkt_mreq *);
	/* What a code says of the token (TKT_TOKEN_*, below). */
	int	(*token_code)(long code);
	/* What a refund reason is (TKT_RR_*): a code of the other version's is FOREIGN. */
	int	(*refund_reason)(const char *reason);
	/* A ticket (a node of env) to a record line (tkt_wish2_record). */
	int	(*record)(const struct tkt_rec *env, const struct tkt_jnode *t,
		    struct tkt_norm *, struct tkt_buf *out, struct tkt_error *);
	/* An order (a node of env) as the record's order (TKT_MC_ORDERS_APART). */
	int	(*order)(const struct tkt_rec *env, const struct tkt_jnode *o,
		    const char *id, struct tkt_buf *out, struct tkt_error *);
	/* An answer's Content-Language as a record's locale (TKT_MC_TRANSLATE). */
	int	(*content_locale)(const char *header, char out[36]);
	/* An order (a node of env) as a refund's outcome. */
	void	(*refund)(const struct tkt_rec *env, const struct tkt_jnode *o,
		    struct tkt_refund_view *);
};

/* Borrowed, static: the module a store's api names, or NULL. */
const struct tkt_market	*tkt_market(const struct tkt_store *);
/* Frees what a module filled in a request. */
void	tkt_mreq_free(struct tkt_mreq *);
/* The path of a request's url (from "/api/…" on, no query), for a dry run: new. */
char	*tkt_mreq_path(const struct tkt_store *, const struct tkt_mreq *);

/* wish.c: the Wish API's envelope, errors and URLs (both versions). */

/*
 * What a marketplace code of API api ("v2", "v3") says of the token:
 * nothing (TKT_TOKEN_NO), refused, which a new token may cure
 * (TKT_TOKEN_REFUSED), or the account disabled, which no token cures
 * (TKT_TOKEN_DISABLED; v3's 1002).  The table is in tkt(7).
 */
enum { TKT_TOKEN_NO, TKT_TOKEN_REFUSED, TKT_TOKEN_DISABLED };
int	tkt_wish_token_code(const char *api, long code);
int	tkt_wish2_token_code(long code);
int	tkt_wish3_token_code(long code);
/* Both versions' token refresh request (the market's refresh). */
void	tkt_wish_refresh(const struct tkt_store *, const char *client_id,
	    const char *secret, const char *refresh_token, struct tkt_mreq *);
/*
 * Checks a finished request's answer: parses the {code,data,message}
 * envelope and fills err on any failure (network, HTTP status, non-zero
 * code, malformed body).  0 when code is 0.  An answer under HTTP 300,
 * which may carry records, is parsed into env (TKT_RD_TREE) for its data;
 * an error (300 and over) is read as a tree with jansson and leaves env
 * alone.  err->status is 4 for a refused token, 3 for remote failures, 1
 * for a refusal of this one request (a 4xx with a code, e.g. not found).
 */
int	tkt_wish_envelope(const struct tkt_http_req *, struct tkt_rec *env,
	    struct tkt_error *);
/*
 * The same checks for an answer that carries no record (an OAuth
 * answer): the envelope as a jansson tree (tkt_jsonx.h), a new reference
 * to json_decref, or NULL and err.
 */
struct json_t	*tkt_wish_envelope_tree(const struct tkt_http_req *,
		    struct tkt_error *);
/*
 * A new envelope {"code":code,"data":data,"message":msg}, as tkt-sandbox
 * answers: data is stolen, NULL stands for {}.
 */
struct json_t	*tkt_wish_envelope_new(long code, struct json_t *data,
		    const char *msg);
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
 * JSON line with "\n": a v2 Ticket (wrapped or not), a v3 Ticket.
 * Returns -1 (err) when t is not a ticket.  The v2 and v3 forms of one
 * ticket give equal values for every field both carry (tkt-record(5)).
 */
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

/* Reads the Order o (a node of r); an absent o reads as nothing known. */
void	tkt_wish3_refund(const struct tkt_rec *r, const struct tkt_jnode *o,
	    struct tkt_refund_view *);
/*
 * What a v3 refund reason is: TKT_RR_ORDER, one of the orders'
 * RefundReason values (what a refund takes); TKT_RR_TICKET, one of the
 * four only a ticket's refund_reason has; TKT_RR_FOREIGN, a v2 code (all
 * digits); TKT_RR_NONE, none of them.
 */
int	tkt_wish3_refund_reason(const char *reason);
/* v2 takes any code (Wish never published the list): ORDER. */
int	tkt_wish2_refund_reason(const char *reason);
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
