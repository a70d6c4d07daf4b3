/*
 * sandbox.h: the header of libtktsandbox.a, tkt-sandbox's server, which
 * only cmd/tkt-sandbox links.  Include tkt.h first.
 */
#ifndef TKT_SANDBOX_H
#define TKT_SANDBOX_H

/* sandbox.c: tkt-sandbox, the fake Wish API server (tkt-sandbox(1)). */

/* The tokens the sandbox accepts when --token, --refresh-token are not given. */
#define TKT_SANDBOX_TOKEN	"sandbox-token"
#define TKT_SANDBOX_REFRESH	"sandbox-refresh"
/* An access token's life without --token-ttl: Wish's 30 days. */
#define TKT_SANDBOX_TTL		(30 * 86400)

/*
 * The options as the user typed them (NULL when absent); the driver checks
 * them.  ready is called once, with the origin, when the server listens.
 */
struct tkt_sandbox_opts {
	const char	*port;
	const char	*file;
	const char	*token;
	const char	*refresh_token;
	const char	*token_ttl;
	const char	*seed;
	const char	*tickets;
	const char	*now;
	const char	*rate;
	const char	*faults;
	const char	*refund_delay;
	int		 no_processing;
	const char	*reset_format;
	const char	*rate_headers;
	void		(*ready)(const char *origin, void *arg);
	void		*arg;
};

/*
 * Serves until SIGTERM or SIGINT, then compacts the store file.  Returns 0,
 * or -1 with err (status 2) when the options, the port or the file are bad.
 */
int	tkt_sandbox_run(const struct tkt_sandbox_opts *, struct tkt_error *);

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
/* Writes every ticket to path atomically (temporary file, fsync, rename). */
int			 tkt_sbstore_save(const struct tkt_sbstore *,
			    const char *path, struct tkt_error *);
/* From now on every tkt_sbstore_update is appended to path first. */
int			 tkt_sbstore_log_open(struct tkt_sbstore *, const char *path,
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

#endif /* TKT_SANDBOX_H */
