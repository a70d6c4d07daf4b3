/*
 * sandbox.h: the public header of libtktsandbox.a, tkt-sandbox's server,
 * which only cmd/tkt-sandbox links; what its files share among themselves
 * is in sandbox_priv.h.  Include tkt.h first.
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
	int		 files;		/* --files */
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

#endif /* TKT_SANDBOX_H */
