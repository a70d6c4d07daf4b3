/* tkt_action.h: part of tkt.h (see there); include tkt.h, not this. */

/*
 * journal.c: where each write stands, one line per state it reached; the
 * last line of a write wins.  INTENT: about to be sent (it may have been
 * applied); REQUESTED: sent and accepted, its outcome pending (a refund
 * Wish is still processing); DONE: confirmed; FAILED: it did not happen
 * (it may be sent again).  Lines of older versions say DONE.
 */
struct tkt_journal;

enum tkt_jstate {
	TKT_JS_NONE, TKT_JS_INTENT, TKT_JS_REQUESTED, TKT_JS_DONE, TKT_JS_FAILED
};

/* "intent", "requested", "done", "failed" ("none" for none). */
const char		*tkt_jstate_name(int state);

/*
 * Opens $XDG_STATE_HOME/tkt/journal (path NULL), creating it unless
 * readonly (a dry run; a missing file is empty), and reads it.  New, or
 * NULL with err.
 */
struct tkt_journal	*tkt_journal_open(const char *path, int readonly,
			    struct tkt_error *);
/*
 * Claims a ticket for this run before the journal is checked for it:
 * 0 when claimed (and the lines other runs added since are read), 1 when
 * another run, or another job of this one, holds it (try again later),
 * -1 with err.
 */
int			 tkt_journal_claim(struct tkt_journal *,
			    const char *store, const char *ticket,
			    struct tkt_error *);
/* Ends a claim; the ticket may be claimed again. */
void			 tkt_journal_release(struct tkt_journal *,
			    const char *store, const char *ticket);
void			 tkt_journal_close(struct tkt_journal *);
/* Where this write stands (enum tkt_jstate).  waiting may be NULL. */
int			 tkt_journal_state(const struct tkt_journal *,
			    const char *store, const char *ticket,
			    const char *action, const char *waiting,
			    const char *hash);
/*
 * Appends one line, the write's new state (the file has it at once, for
 * every other run); it reaches the disk at the next tkt_journal_sync.
 * -1 with err.
 */
int			 tkt_journal_add(struct tkt_journal *, const char *store,
			    const char *ticket, const char *action,
			    const char *waiting, const char *hash, int state,
			    time_t at, struct tkt_error *);
/*
 * fsyncs what was added since the last call: one fsync for many actions,
 * before their results are printed.  -1 with err.
 */
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
	const char	*refund_wait;	/* --refund-wait DUR; NULL: 60s */
	struct tkt_strs	 orders;	/* --order ID */
	int		 no_check, dry_run, force, verbose;
	int		 no_fallback;	/* refuse a reply in another language */
	struct tkt_strs	 allow_fields;	/* --allow-field FIELD */
	int		 parallel;	/* 0: 4 */
	double		 rate;		/* starts per second, 0: none */
	const char	*journal;	/* NULL: the default path */
	const char	*now;		/* --now */
	int		 summary;	/* --summary: the summary line always */
	int		 strict;	/* --strict: -t must match the ticket */
	int		 interactive;	/* -i: each reply reviewed on /dev/tty */
};

const char	*tkt_act_name(int act);
/* Values of the long-only options every action tool shares. */
enum { TKT_OPT_FORCE = 1000, TKT_OPT_NOW, TKT_OPT_RATE, TKT_OPT_SUMMARY };
/* The options every action tool shares: its tkt_tool's shared table. */
extern const struct tkt_opt tkt_action_optv[];
/*
 * tkt_opt_next for an action tool: takes the shared options into o itself
 * (exits 2 on a bad value) and returns the tool's own, or -1.
 */
int		 tkt_action_next(const struct tkt_tool *, struct tkt_action_opts *,
		    int argc, char **argv, const char **arg);
/*
 * The rest of an action tool's main(): argv from optind on are the
 * operands; runs the action and returns the exit status.
 */
int		 tkt_action_run(struct tkt_action_opts *, int argc, char **argv);
int		 tkt_action_main(struct tkt_action_opts *);

/*
 * plan.c: a dry run's plan as a person reads it, when stdout is a
 * terminal (a pipe gets the JSON lines): a few lines per record, one
 * summing the run up at the end (tkt-reply(1), -n).
 */
struct tkt_plan;

/* A plan for o's run: NULL unless a dry run writing to a terminal. */
struct tkt_plan	*tkt_plan_new(const struct tkt_action_opts *o);
/*
 * One record's lines: rec the input record (no nodes for a bare id), id
 * its ticket, text the reply or re-open reason, or the ticket's refund
 * reason (NULL: none), result[0..len) the JSON of its "result".
 */
void		 tkt_plan_put(struct tkt_plan *, const struct tkt_rec *rec,
		    const char *id, const char *text, const char *result,
		    size_t len);
/* "N would be sent, M already done", then frees the plan (NULL: none). */
void		 tkt_plan_end(struct tkt_plan *);
