/* tkt_metrics.h: part of tkt.h (see there); include tkt.h, not this. */

/* metrics.c: records in, numbers out (tkt-metrics(1)). */

/* --by: how records are grouped (day and week: of opened_at, UTC, ISO weeks). */
enum tkt_metrics_by {
	TKT_BY_NONE, TKT_BY_TYPE, TKT_BY_LOCALE, TKT_BY_SUB_LABEL,
	TKT_BY_STORE, TKT_BY_DAY, TKT_BY_WEEK
};

/* Parses a --by word; -1 when it is none of the keys above. */
int	tkt_metrics_by_parse(const char *, int *by);
const char *tkt_metrics_by_name(int by);

struct tkt_failif;

struct tkt_metrics_opts {
	int			 by;		/* enum tkt_metrics_by */
	time_t			 now;
	time_t			 since;		/* updated_at >= since; -1: all */
	int64_t			 sla;		/* seconds; -1: the store's, else config */
	int64_t			 due_within;	/* seconds */
	int			 table;		/* 1: a table, 0: JSON lines */
	int			 color;
	int			 width;		/* table columns; 0: no limit (80 for bars) */
	int			 utf8;		/* bars of block characters, else '#' */
	const struct tkt_config	*cfg;		/* borrowed: sla per store, bands */
	const struct tkt_failif	*fail;		/* borrowed, may be NULL */
};

struct tkt_metrics;

/* A new accumulator; opts is copied (its pointers are borrowed). */
struct tkt_metrics	*tkt_metrics_new(const struct tkt_metrics_opts *);
void			 tkt_metrics_free(struct tkt_metrics *);
/*
 * Counts one record (borrowed, a TKT_RD_TREE parse).  0 when counted or
 * left out by --since, -1 with err (where and why) when the record cannot
 * be counted; then nothing of it is.
 */
int	tkt_metrics_add(struct tkt_metrics *, const struct tkt_rec *,
	    struct tkt_error *);
/* Computes the results; after it, nothing more can be added.  Groups are sorted by key. */
void	tkt_metrics_finish(struct tkt_metrics *);
size_t	tkt_metrics_ngroups(const struct tkt_metrics *);
/* Appends group g as one compact JSON object and a newline. */
void	tkt_metrics_json(const struct tkt_metrics *, size_t g, struct tkt_buf *);
/* Appends the table (key/value, or one row per group with --by). */
void	tkt_metrics_table(const struct tkt_metrics *, struct tkt_buf *);
/* Borrowed group key ("fr", "2026-11-23"); NULL for a null key or no --by. */
const char *tkt_metrics_group(const struct tkt_metrics *, size_t g);
/*
 * The number of a key in group g ("late_rate", "first_response_s.p90",
 * "by_state.CLOSED"): 1 and *out, 0 when it is null, -1 for no such key.
 */
int	tkt_metrics_value(const struct tkt_metrics *, size_t g, const char *key,
	    double *out);

/* --fail-if: comma-separated comparisons KEY OP VALUE, OP one of > >= < <= == !=. */
enum tkt_fail_unit {
	TKT_FU_NUMBER,		/* 0.05, 3: the observed value as a number */
	TKT_FU_PERCENT,		/* 5%: as a percentage */
	TKT_FU_DURATION		/* 24h, 1d12h: as a duration, 1d23h */
};
struct tkt_failif {
	struct tkt_fcond {
		char	*text;		/* as written, for messages */
		char	*key;
		int	 op;
		double	 value;
		int	 unit;	/* enum tkt_fail_unit: how value was written */
	}	*c;
	size_t	 n;
};

/*
 * Adds the comparisons of one --fail-if (the option may repeat); -1 with
 * err pointing at the bad comparison.  "5%" is 0.05; keys in seconds
 * (*_s) also take durations ("24h").
 */
int	tkt_failif_parse(struct tkt_failif *, const char *, struct tkt_error *);
void	tkt_failif_free(struct tkt_failif *);
/* Is comparison i true in group g?  A null number makes it false. */
int	tkt_failif_true(const struct tkt_failif *, size_t i,
	    const struct tkt_metrics *, size_t g, double *value);
/*
 * An observed value v of comparison i written as its threshold was: "20%"
 * for a percentage (at most one decimal, more only where one would read
 * as the threshold itself), "1d23h" for a duration (every unit that is
 * not zero, d h m s), else "0.2" (%.10g).  Returns buf.
 */
char	*tkt_failif_format(const struct tkt_failif *, size_t i, double v,
	    char *buf, size_t len);

/*
 * The driver of tkt-metrics: reads the operands, reports bad lines, prints
 * the metrics and the --fail-if comparisons that hold.  Returns the exit
 * status.
 */
int	tkt_metrics_run(const struct tkt_metrics_opts *, char **paths,
	    int npaths);
