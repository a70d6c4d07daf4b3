/* tkt_http.h: part of tkt.h (see there); include tkt.h, not this. */

/* http.c: the only code that calls libcurl; a curl-multi engine. */
enum tkt_method { TKT_GET, TKT_POST, TKT_PUT };

/* What a finished request came to. */
enum tkt_outcome {
	TKT_HTTP_DONE,		/* an HTTP answer, any status */
	TKT_HTTP_NOTSENT,	/* no answer; the request never reached the server */
	TKT_HTTP_UNKNOWN,	/* no answer after the request may have been applied */
	TKT_HTTP_FATAL		/* no answer, and retrying cannot help (TLS, size) */
};

struct tkt_http_opts {
	long	 connect_timeout_ms;	/* 0: 10 s, or $TKT_CONNECT_TIMEOUT */
	long	 timeout_ms;		/* 0: 60 s, or $TKT_TIMEOUT */
	int	 parallel;		/* transfers in flight; 0: 1 */
	double	 rate;			/* starts per second; 0: unlimited */
	int	 retries;		/* -1: 4, or $TKT_RETRIES */
	long	 backoff_ms;		/* first backoff; 0: 250 ms */
	long	 max_wait_ms;		/* cap on any server-asked wait; 0: 60 s,
					   or $TKT_MAX_WAIT */
	size_t	 max_body;		/* 0: 64 MiB */
	void	(*log)(void *, const char *);	/* -v: one line per attempt */
	void	*logarg;
	/*
	 * Called once per turn of tkt_http_run, after the callbacks of the
	 * requests that finished and before new ones start: the place for
	 * work done once for many answers (an fsync, printing in order).
	 */
	void	(*tick)(void *);
	void	*tickarg;
};

struct tkt_http_req {
	/* Filled by the caller. */
	int		 method;
	char		*url;		/* new: freed by tkt_http_req_free */
	char		*body;		/* new, may be NULL */
	size_t		 bodylen;
	const char	*ctype;		/* borrowed */
	const char	*bearer;	/* borrowed token for Authorization */
	const char	*accept_language; /* borrowed, a checked tag, or NULL */
	int		 may_repeat;	/* safe to send twice (reads) */
	void		(*done)(struct tkt_http_req *, void *);
	void		*arg;
	void		*user;		/* the caller's, untouched */
	/* Filled by the engine before done() is called. */
	int		 outcome;
	long		 status;
	struct tkt_buf	 resp;
	char		 request_id[128];
	char		 content_language[36];	/* the answer's, cut short, or "" */
	char		 errmsg[256];	/* for outcomes other than DONE */
	int		 attempts;
	double		 secs;		/* of the last attempt */
	/* Private to http.c. */
	void		*easy;
	struct tkt_http *eng;
	struct curl_slist *hdrs;
	int64_t		 not_before_ms;
	struct tkt_http_req *qnext;
	uint64_t	 seq;		/* attempts finished when this one started */
	size_t		 sent;		/* body bytes handed to libcurl */
	double		 retry_after;	/* seconds, capped; -1 if none */
	long		 rl_remaining;	/* -1 if none */
	double		 rl_reset;	/* seconds from now, capped; -1 if none */
};

struct tkt_http;

/* A new engine; NULL with err when libcurl cannot start. */
struct tkt_http	*tkt_http_new(const struct tkt_http_opts *, struct tkt_error *);
void		 tkt_http_free(struct tkt_http *);
/* Queues req (the caller keeps ownership of req itself). */
void		 tkt_http_submit(struct tkt_http *, struct tkt_http_req *);
/*
 * A timer: req's done callback runs after ms milliseconds, from inside
 * tkt_http_run, without any request being sent (req->url must be NULL).
 */
void		 tkt_http_after(struct tkt_http *, struct tkt_http_req *, long ms);
/*
 * Queues req, a request its caller sends again (a write the read-back
 * showed was not applied), after the backoff of its n-th retry; 0 if
 * queued, -1 when n is past the retries.
 */
int		 tkt_http_resubmit(struct tkt_http *, struct tkt_http_req *, int n);
/* Queues req again after a backoff, if attempts remain; 0 if queued, -1 if not. */
int		 tkt_http_retry(struct tkt_http *, struct tkt_http_req *);
/*
 * Runs until nothing is queued or in flight (done() may submit more): 0;
 * or, after tkt_http_yield, until the next tick: 1, the rest kept for the
 * next run (a caller that feeds requests as room frees up).
 */
int		 tkt_http_run(struct tkt_http *);
/* From a tick or a done(): tkt_http_run returns after the next tick. */
void		 tkt_http_yield(struct tkt_http *);
/*
 * While fd >= 0: tkt_http_run also wakes when fd is readable (a person's
 * answer on a terminal) and returns 1 after the next tick.  -1: none.
 */
void		 tkt_http_watch(struct tkt_http *, int fd);
/* Stops: queued requests are dropped, in-flight ones abandoned. */
void		 tkt_http_stop(struct tkt_http *);
int		 tkt_http_stopped(const struct tkt_http *);
/* Frees what the engine filled and owns (url, body, resp, handles). */
void		 tkt_http_req_free(struct tkt_http_req *);
/* A copy of url with any access_token value replaced by "…" (new). */
char		*tkt_http_redact(const char *url);
/*
 * Where a redirect answer to r points (its Location, made absolute and
 * redacted as tkt_http_redact does; new), or NULL: redirects are never
 * followed.  Valid until r is sent again or freed.
 */
char		*tkt_http_location(const struct tkt_http_req *);
/* Percent-encodes s into b (form and query values). */
void		 tkt_url_encode(struct tkt_buf *, const char *s);
/* Counters for -v and benchmarks. */
struct tkt_http_stats {
	unsigned long	 requests, retries, http429, connects;
};
void		 tkt_http_stats(const struct tkt_http *, struct tkt_http_stats *);

/*
 * oauth.c: a store's token renewed with its refresh token (tkt-config(5)).
 * After an answer to r (a request of store s on engine h) that refused the
 * token (e->status TKT_EXIT_TOKEN), r is queued again with another token
 * and 1 is returned when this run renewed the token since r was sent,
 * when the token file holds another token than the refused one (another
 * run renewed it), or when the store's refresh, tried once a run under a
 * lock on the token file, renews it now (the token file replaced, 0600).
 * Otherwise 0, always for a disabled account; when a refresh failed, e
 * says so and that a person must act.  A refused request was not applied,
 * so sending it again is safe.
 */
struct tkt_store;
int	tkt_oauth_resend(struct tkt_http *, struct tkt_store *,
	    struct tkt_http_req *, struct tkt_error *e);
/*
 * Warns on stderr, once a store and at most once a day (a state file
 * remembers), when a store that cannot refresh has a token that expires
 * within 7 days.
 */
void	tkt_oauth_warn(struct tkt_store *);
