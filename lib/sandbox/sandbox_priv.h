/*
 * sandbox_priv.h: the internals tkt-sandbox's files share (sandbox.c the
 * server, sandbox_req.c parameters and answers, sandbox_store.c the
 * tickets, sandbox_gen.c the generator, sandbox_fault.c --faults and
 * --rate, sandbox_ops.c the store changes, sandbox_auth.c the tokens,
 * sandbox_v2.c and sandbox_v3.c the endpoints of each API version).
 * Nothing outside lib/sandbox/ includes it.
 */
#ifndef SANDBOX_PRIV_H
#define SANDBOX_PRIV_H

#include <pthread.h>

#include "tkt.h"
#include "tkt_jsonx.h"
#include "sandbox.h"

/* sandbox_store.c: the tickets, one record line each, plus small indexes. */
struct tkt_sbstore;

struct tkt_sbstore	*tkt_sbstore_new(void);
void			 tkt_sbstore_free(struct tkt_sbstore *);
/* Adds a record line, or replaces the one with its id; -1 with err. */
int			 tkt_sbstore_put(struct tkt_sbstore *, const char *line,
			    size_t len, struct tkt_error *);
/* Reads a store file (later lines win); -1 with err ("file:line: …"). */
int			 tkt_sbstore_load(struct tkt_sbstore *, const char *path,
			    struct tkt_error *);
/*
 * Opens the store file path and locks it (flock) for this sandbox, before
 * it is read: 1 when it exists (tkt_sbstore_load it next), 0 when it does
 * not (tkt_sbstore_save creates it), -1 with err (status 2) when another
 * sandbox holds it or it cannot be opened.  From then on every
 * tkt_sbstore_update is appended to the file first.
 */
int			 tkt_sbstore_claim(struct tkt_sbstore *, const char *path,
			    struct tkt_error *);
/*
 * Writes every ticket to path atomically (temporary file, fsync, rename)
 * and keeps it locked, as the file updates are appended to.  A store that
 * claimed no file makes a new one, and fails (status 2) when another
 * sandbox made it meanwhile.
 */
int			 tkt_sbstore_save(struct tkt_sbstore *, const char *path,
			    struct tkt_error *);
/* Ticket index by ticket id, or by the id of one of its orders; -1 if none. */
long			 tkt_sbstore_find(const struct tkt_sbstore *, const char *id);
long			 tkt_sbstore_find_order(const struct tkt_sbstore *,
			    const char *order_id);
size_t			 tkt_sbstore_count(const struct tkt_sbstore *);
/* Borrowed: ticket i's line (no newline), valid until it is updated. */
const char		*tkt_sbstore_line(const struct tkt_sbstore *, long i,
			    size_t *len);
/* Tickets awaiting the merchant, in store order: how many, and the pos-th. */
size_t			 tkt_sbstore_nawaiting(const struct tkt_sbstore *);
long			 tkt_sbstore_awaiting(const struct tkt_sbstore *, size_t pos);
/* Replaces ticket i's line (appending it to the log first); -1 with err. */
int			 tkt_sbstore_update(struct tkt_sbstore *, long i,
			    const char *line, size_t len, struct tkt_error *);

/* The states and types a stored ticket may have; bit i of a query is [i]. */
extern const char *const tkt_sb_states[5];
extern const char *const tkt_sb_types[3];

/* A v3 list: which tickets, in which order. */
struct tkt_sbquery {
	unsigned	 states;	/* bits of tkt_sb_states; 0 is any */
	unsigned	 types;		/* bits of tkt_sb_types; 0 is any */
	int64_t		 min_ms;	/* updated_at bounds, inclusive, in */
	int64_t		 max_ms;	/* ms (INT64_MIN, INT64_MAX: none) */
	int		 desc;		/* newest first */
};

/*
 * Fills out with up to max indexes of the tickets q selects, sorted by
 * updated_at and then id (both reversed when q->desc); returns how many.
 * A ticket without a readable updated_at is left out of a bounded query.
 */
size_t			 tkt_sbstore_select(const struct tkt_sbstore *,
			    const struct tkt_sbquery *q, long *out, size_t max);

/* sandbox_gen.c: a small PRNG and the ticket generator. */
struct tkt_rng {
	uint64_t	s;
};

void		tkt_rng_seed(struct tkt_rng *, uint64_t seed);
uint64_t	tkt_rng_next(struct tkt_rng *);
/* Uniform in [0, n) (n > 0), and in [0, 1). */
uint64_t	tkt_rng_below(struct tkt_rng *, uint64_t n);
double		tkt_rng_unit(struct tkt_rng *);

/*
 * Calls fn with n generated ticket records (one line each, no newline),
 * the same bytes for the same seed and now; stops when fn returns -1.
 */
int		tkt_sbgen_run(uint64_t seed, long n, time_t now,
		    int (*fn)(void *arg, const char *line, size_t len), void *arg);
/*
 * Was order_id, shipped with provider, shipped once before?  1 with that
 * earlier carrier (another one) and tracking number, for one order in four
 * (by its id); 0 for the others.
 */
int		tkt_sbgen_earlier_tracking(const char *order_id,
		    const char *provider, const char **carrier, char num[64]);
/* The English text of a v2 refund reason code the sandbox knows, or NULL. */
const char	*tkt_sbgen_refund_text(const char *code);

/* sandbox_fault.c: injected faults (--faults) and the rate limiter (--rate). */
enum tkt_fkind {
	TKT_F_NONE, TKT_F_500, TKT_F_502, TKT_F_503, TKT_F_429,
	TKT_F_DROP_BEFORE, TKT_F_DROP_AFTER, TKT_F_GARBAGE,
	TKT_F_REFUND_FAIL	/* a v3 refund started ends FAILED */
};

struct tkt_fault {
	int	kind;		/* enum tkt_fkind */
	long	slow_ms;	/* sleep this long first (0: none) */
};

struct tkt_faults;

/* Returns a new rule set, or NULL with err naming the bad rule. */
struct tkt_faults	*tkt_faults_parse(const char *spec, uint64_t seed,
			    struct tkt_error *);
void			 tkt_faults_free(struct tkt_faults *);
/* Counts one request and picks its fault (thread-safe). */
void			 tkt_faults_pick(struct tkt_faults *, const char *method,
			    const char *path, struct tkt_fault *);

struct tkt_ratelim;

/* "N/s" or "N" requests a second, bursts up to N; NULL with err. */
struct tkt_ratelim	*tkt_ratelim_parse(const char *spec, struct tkt_error *);
void			 tkt_ratelim_free(struct tkt_ratelim *);
/*
 * Takes a token (thread-safe): 1 if admitted, 0 if not.  *remaining is
 * what is left; *reset the seconds until the next token comes.
 */
int			 tkt_ratelim_take(struct tkt_ratelim *, long *remaining,
			    double *reset);

#define SB_MAX_REPLY	2000	/* code points */
#define SB_MAX_LIMIT	500
#define SB_DEF_LIMIT	50
#define SB_MAX_BODY	(1 << 20)
/*
 * Connections served at once (more wait to be accepted), and the seconds
 * one may sit idle, half a request sent or between requests, before it is
 * closed: idle connections cannot hold the others out for long.
 */
#define SB_CONN_LIMIT	128
#define SB_CONN_TIMEOUT	5

/* HTTP statuses, so that only sandbox.c needs microhttpd.h. */
enum {
	SB_HTTP_OK = 200, SB_HTTP_BAD_REQUEST = 400, SB_HTTP_UNAUTHORIZED = 401,
	SB_HTTP_NOT_FOUND = 404, SB_HTTP_METHOD_NOT_ALLOWED = 405,
	SB_HTTP_TOO_MANY = 429, SB_HTTP_SERVER_ERROR = 500
};

struct sb_auth;

/* --reset-format: how a v3 429 says when to come back. */
enum sb_reset_fmt {
	SB_RESET_SECONDS, SB_RESET_UNIX, SB_RESET_UNIX_MS, SB_RESET_HTTP_DATE,
	SB_RESET_ISO8601
};

/* A v3 refund in progress: its order, and when it ends (real clock, ms). */
struct sb_pending {
	char		 order[32];
	int64_t		 due;
};

struct sandbox {
	struct tkt_sbstore	*st;
	const struct tkt_wishmap *map;
	struct tkt_faults	*faults;
	struct tkt_ratelim	*rl;
	struct sb_auth		*auth;
	int			 noproc;	/* --no-processing */
	int			 files;		/* --files */
	int			 reset_fmt;	/* enum sb_reset_fmt */
	int			 rate_429_only;	/* --rate-headers 429 */
	int64_t			 refund_delay_ms; /* --refund-delay */
	struct sb_pending	*pend;		/* v3 refunds in progress */
	size_t			 npend, cappend;
	char			 merchant_id[32];
	char			 origin[64];
	pthread_mutex_t		 mu;		/* the store */
	pthread_mutex_t		 idmu;
	unsigned long long	 nreq;
	uint32_t		 idbase;
};

struct sb_param {
	char		*key;
	struct tkt_buf	 val;
};

struct MHD_PostProcessor;

struct sb_req {
	struct sandbox		*sb;
	const char		*method;	/* borrowed from the server */
	struct sb_param		*p;
	size_t			 np;
	char			*token;		/* the access token it carried, or NULL */
	char			*accept_lang;	/* its Accept-Language, or NULL */
	int			 v3;		/* its path is under /api/v3/ */
	struct tkt_buf		 body;		/* the raw body, up to SB_MAX_BODY */
	int			 body_big;	/* it was longer: refused */
	struct MHD_PostProcessor *pp;
	struct tkt_fault	 fault;
	int			 admitted;
	long			 remaining;
	double			 reset;
	char			 rid[32];
};

struct sb_answer {
	unsigned	 status;
	struct tkt_buf	 body;
	const char	*content_language;	/* static; NULL: no header */
	const char	*ctype;		/* static; NULL: JSON (or HTML) */
};

/* sandbox_files.c: --files, the replies' images behind signed links. */

/* Each Wish bucket image URL in body made a fresh signed link to the sandbox. */
void	sb_files_rewrite(struct sandbox *, struct tkt_buf *body);
/*
 * GET /files/NAME: its bytes to a link well signed and not expired, else
 * 403; logged on stderr with whether Authorization and Cookie came.
 */
void	sb_files_answer(struct sb_req *, const char *name, const char *auth,
	    const char *cookie, struct sb_answer *);

/* sandbox_req.c: parameters and answers. */

/* A new parameter key, its value empty, after the others of r. */
struct sb_param	*sb_param_add(struct sb_req *, const char *key);
/* The last value given for key (bodies come after the query), or NULL. */
const char	*sb_param(const struct sb_req *, const char *key);
/*
 * The JSON object body of r (an empty body is {}): a new reference, or
 * NULL after answering HTTP 400 code 1000 (not JSON, not an object, a
 * key given twice; a body over SB_MAX_BODY never reaches an endpoint).
 */
json_t		*sb_body(const struct sb_req *, struct sb_answer *);
/*
 * Adds each string, number or boolean member of a body that is a JSON
 * object (one starting with "{"): 0, or -1 after answering as sb_body.
 */
int		 sb_json_params(struct sb_req *, struct sb_answer *);
/*
 * Answers {"code":code,"data":data,"message":msg} (tkt_wish_envelope_new,
 * jansson): data is stolen, NULL stands for {}.  For answers that carry
 * no money: those that do (tickets, orders) are written byte for byte.
 */
void		 sb_envelope(struct sb_answer *, unsigned status, long code,
		    json_t *data, const char *msg);
void		 sb_fail(struct sb_answer *, unsigned status, long code,
		    json_t *data, const char *fmt, ...) TKT_PRINTF(5, 6);
/* {"code":0,"data":{"success":true},"message":""}. */
void		 sb_success(struct sb_answer *);
/* A required parameter, or NULL after answering HTTP 400 code 1001. */
const char	*sb_need(const struct sb_req *, struct sb_answer *,
		    const char *key);

/* sandbox_ops.c: changes to the store, shared by both API versions. */

/* What went wrong, for either version to render. */
struct sb_err {
	unsigned	 http;
	long		 code;
	long		 data;		/* v2's data: an error number, 0 for {} */
	char		 msg[512];
};

enum { SB_REPLY, SB_CLOSE, SB_APPEAL, SB_REOPEN };

void	sb_err_set(struct sb_err *, unsigned http, long code, long data,
	    const char *fmt, ...) TKT_PRINTF(5, 6);
/* Checks a reply text (UTF-8, at most SB_MAX_REPLY code points); -1 and e. */
int	sb_text_check(const char *param, const char *text, struct sb_err *);
/*
 * Moves ticket id by op under the store lock (text: the reply, or the
 * re-open reason appended as a merchant reply; NULL for none) and appends
 * the ticket's new line to line when it is not NULL.  0, or -1 and e.
 */
int	sb_ticket_move(struct sandbox *, const char *id, int op,
	    const char *text, struct tkt_buf *line, struct sb_err *);
/*
 * Refunds order id at once (v2) with reason (the order's refunded_reason
 * text); the ticket's new line is appended to line when it is not NULL.
 * An order refunded already is HTTP 400 code 1000 "… already refunded",
 * one with a v3 refund in progress code 1000 "… is in progress".
 */
int	sb_refund(struct sandbox *, const char *id, const char *reason,
	    struct tkt_buf *line, struct sb_err *);

/* A v3 refund. */
struct sb_refund {
	const char	*reason;	/* the RefundReason */
	const char	*note;		/* refund_reason_note, or NULL */
	const char	*text;		/* the refunded_reason it leaves */
	int		 fail;		/* it is to end FAILED */
	/* Does an order in state take reason?  0, or -1 and e. */
	int		(*check)(const char *state, const char *reason,
			    const char *id, struct sb_err *e);
};

/*
 * Starts refunding order id (v3), with the refusals of sb_refund and then
 * those of rq->check: the order is IN_PROGRESS, and the ticket's line as
 * it is then is appended to line.  The refund ends --refund-delay later
 * (without it, before this returns).  0, or -1 and e.
 */
int	sb_refund_start(struct sandbox *, const char *id,
	    const struct sb_refund *rq, struct tkt_buf *line, struct sb_err *);
/* Ends the refunds whose time has come (takes the store lock). */
void	sb_settle(struct sandbox *);
/* Finds the refunds in progress in the store, as loaded. */
void	sb_pending_load(struct sandbox *);
/* Milliseconds since the epoch on the real clock (never --now). */
int64_t	sb_clock_ms(void);
/* Copies ticket id's line (or that of order id's ticket) into line; -1 and e. */
int	sb_ticket_copy(struct sandbox *, const char *id, int by_order,
	    struct tkt_buf *line, struct sb_err *);

/* sandbox_auth.c: access tokens, their expiry and their refresh. */

enum { SB_TOK_OK, SB_TOK_NONE, SB_TOK_WRONG, SB_TOK_EXPIRED, SB_TOK_REVOKED };

/* A token issued now, expiring ttl seconds later; refresh renews it. */
struct sb_auth	*sb_auth_new(const char *token, const char *refresh,
		    int64_t ttl);
void		 sb_auth_free(struct sb_auth *);
/* Is tok (NULL: none given) the current token?  One of SB_TOK_*. */
int		 sb_auth_check(struct sb_auth *, const char *tok);
/*
 * Replaces the access token when refresh is the refresh token, revoking
 * the old one: 0, with the new token (a new string), when it expires, its
 * life in seconds and the refresh token (borrowed, unchanged); -1 for a
 * wrong refresh token.
 */
int		 sb_auth_refresh(struct sb_auth *, const char *refresh,
		    char **token, time_t *expiry, int64_t *ttl,
		    const char **refresh_out);
/* The token clock: --now (or the real clock) plus the time served. */
time_t		 sb_auth_now(const struct sb_auth *);

/* sandbox_v2.c and sandbox_v3.c: the endpoints of each version. */

struct sb_route {
	const char	*path;		/* exact, or a pattern with {id} */
	const char	*methods;	/* "GET,POST", …; others are HTTP 405 */
	int		 v3;		/* Bearer only, v3's token errors */
	int		 noauth;	/* no access token needed (a refresh) */
	void		(*fn)(struct sb_req *, const char *id,
			    struct sb_answer *);
};

extern const struct sb_route	sb_v2_routes[];
extern const size_t		sb_v2_nroutes;
extern const struct sb_route	sb_v3_routes[];
extern const size_t		sb_v3_nroutes;

#endif /* SANDBOX_PRIV_H */
