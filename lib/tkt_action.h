/* tkt_action.h: part of tkt.h (see there); include tkt.h, not this. */

/* journal.c: the record of confirmed actions (SPEC §6), one line each. */
struct tkt_journal;

/*
 * Opens $XDG_STATE_HOME/tkt/journal (path NULL) and reads it under a
 * lock: exclusive for a run that writes (held until tkt_journal_close, so
 * concurrent runs wait), shared for a dry run (readonly; a missing file is
 * empty).  *waited is set when another run held the lock.  New, or NULL
 * with err.
 */
struct tkt_journal	*tkt_journal_open(const char *path, int readonly,
			    int *waited, struct tkt_error *);
void			 tkt_journal_close(struct tkt_journal *);
/* Was this action confirmed before?  waiting may be NULL. */
int			 tkt_journal_has(const struct tkt_journal *,
			    const char *store, const char *ticket,
			    const char *action, const char *waiting,
			    const char *hash);
/*
 * Appends one line (written, not yet fsynced: see tkt_journal_sync); -1
 * with err.
 */
int			 tkt_journal_add(struct tkt_journal *, const char *store,
			    const char *ticket, const char *action,
			    const char *waiting, const char *hash, time_t at,
			    struct tkt_error *);
/* Lines added since the last sync? */
int			 tkt_journal_dirty(const struct tkt_journal *);
/* fsyncs the lines added so far (close does too); -1 with err. */
int			 tkt_journal_sync(struct tkt_journal *, struct tkt_error *);
/* A 64-bit FNV-1a hash of text as 16 hex digits. */
void			 tkt_text_hash(const char *, size_t, char out[17]);

/* action.c: the one engine that changes tickets (tkt-reply, -close, -appeal). */
enum tkt_act {
	TKT_ACT_REPLY, TKT_ACT_CLOSE, TKT_ACT_APPEAL, TKT_ACT_REOPEN,
	TKT_ACT_REFUND
};

struct tkt_action_opts {
	int		 action;	/* the tool's: REPLY, CLOSE, APPEAL, REOPEN */
	const char	*store;
	char		**operands;
	int		 noperands;
	const char	*text;		/* -m: the reply, or the re-open reason */
	const char	*tmpl;		/* -t NAME */
	int		 resolve;	/* reply, then close */
	int		 refund;	/* refund the orders, then close */
	const char	*reason;	/* --reason CODE */
	const char	*note;		/* --note TEXT */
	struct tkt_strs	 orders;	/* --order ID */
	int		 no_check, dry_run, force, verbose;
	int		 parallel;	/* 0: 4 */
	double		 rate;		/* starts per second, 0: none */
	const char	*journal;	/* NULL: the default path */
};

const char	*tkt_act_name(int act);
/* Long-option values of the options every action tool shares. */
enum { TKT_OPT_FORCE = 1000, TKT_OPT_NOW, TKT_OPT_RATE, TKT_OPT_VERSION };
/* Handles -n -P -s -v --force --now --rate; 1 if c was one (exits 2 on a bad value). */
int		 tkt_action_option(struct tkt_action_opts *, int c,
		    const char *arg, const char **now);
/* Runs the action over every record read; prints its own messages; returns the exit status. */
int		 tkt_action_main(struct tkt_action_opts *);
