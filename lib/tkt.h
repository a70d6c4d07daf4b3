/*
 * tkt.h: the one public header of libtkt.
 *
 * Sections are named after the file that defines them.  Ownership follows
 * jansson's words: a function returns a *new* reference (the caller frees
 * it), a *borrowed* one (valid as long as its owner), or *steals* one.
 * Library functions never print and never exit (the x* allocators and the
 * tkt_opt_* option parsers aside);
 * they return 0/-1 or NULL and fill a struct tkt_error.
 */
#ifndef TKT_H
#define TKT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct curl_slist;

#ifndef TKT_VERSION
#define TKT_VERSION "0.1.0"
#endif

#if defined(__GNUC__)
#define TKT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define TKT_NORETURN __attribute__((noreturn))
#else
#define TKT_PRINTF(a, b)
#define TKT_NORETURN
#endif

/* err.c */

/* The exit-status table of every binary; when outcomes mix, see tkt_exit_merge. */
enum tkt_exit {
	TKT_EXIT_OK = 0,	/* success */
	TKT_EXIT_NO = 1,	/* some records failed, nothing matched, a check failed */
	TKT_EXIT_USAGE = 2,	/* usage or configuration error; nothing done */
	TKT_EXIT_REMOTE = 3,	/* remote failure after retries, no record succeeded */
	TKT_EXIT_TOKEN = 4,	/* the marketplace refused the token */
	TKT_EXIT_SYSTEM = 5	/* local system failure: memory, a failed write */
};

/* Error kinds of remote failures and of action results (tkt-reply(1)). */
enum tkt_ekind {
	TKT_E_NONE = 0,
	TKT_E_LOCAL,		/* bad input, policy, not awaiting the merchant */
	TKT_E_REMOTE,		/* the API answered with an error */
	TKT_E_REFUSED,		/* the token was refused */
	TKT_E_NETWORK,		/* no usable answer */
	TKT_E_USAGE,		/* configuration or usage */
	TKT_E_PENDING,		/* a write accepted, its outcome not known yet */
	TKT_E_INTERRUPTED,	/* a signal stopped the run first */
	TKT_E_SKIPPED		/* not sent: skipped at review (-i) */
};

struct tkt_error {
	int status;		/* enum tkt_exit this error implies */
	int kind;		/* enum tkt_ekind */
	long http;		/* HTTP status, 0 if none */
	long code;		/* marketplace code, 0 if none */
	char where[512];	/* "file:line" or "file:line:col", may be "" */
	char request_id[128];	/* Wish-Request-Id, may be "" */
	char msg[1024];
};

void		 tkt_setprogname(const char *argv0);
const char	*tkt_getprogname(void);
void		 tkt_error_clear(struct tkt_error *);
void		 tkt_error_set(struct tkt_error *, int status, int kind,
		    const char *fmt, ...) TKT_PRINTF(4, 5);
void		 tkt_error_vset(struct tkt_error *, int status, int kind,
		    const char *fmt, va_list) TKT_PRINTF(4, 0);
void		 tkt_error_where(struct tkt_error *, const char *fmt, ...)
		    TKT_PRINTF(2, 3);
/* Prints "prog: where: msg (request id …)" for a filled error. */
void		 tkt_error_print(const struct tkt_error *);
int		 tkt_exit_merge(int a, int b);
const char	*tkt_ekind_name(int kind);

void		 tkt_warn(const char *fmt, ...) TKT_PRINTF(1, 2);
void		 tkt_warnx(const char *fmt, ...) TKT_PRINTF(1, 2);
void		 tkt_vwarnx(const char *fmt, va_list);
TKT_NORETURN void tkt_err(int status, const char *fmt, ...) TKT_PRINTF(2, 3);
TKT_NORETURN void tkt_errx(int status, const char *fmt, ...) TKT_PRINTF(2, 3);
/* Prints "tkt-list (tkt) 0.1.0" on stdout. */
void		 tkt_print_version(void);
/* Table or JSON lines: opt is -1 (auto: a table on a tty), 0 (--json), 1 (--table). */
int		 tkt_want_table(int opt);
/* Colour on stdout: a tty and NO_COLOR unset or empty. */
int		 tkt_want_color(void);
/* Flushes and closes stdout; returns nonzero (and warns) on a failed write. */
int		 tkt_close_stdout(void);
/*
 * Closes stdout; status merged with TKT_EXIT_SYSTEM if it could not be
 * written; after a signal (sig.c), 128 + the signal, which outranks all.
 */
int		 tkt_exit_stdout(int status);

/* sig.c: SIGINT, SIGTERM, SIGHUP stop a run; SIGPIPE is a failed write. */
void		 tkt_sig_init(void);
/* The signal that asked the run to stop (SIGPIPE: the output's reader left), or 0. */
int		 tkt_sig_caught(void);
/* A write found the output's reader gone: the run stops as for a signal. */
void		 tkt_sig_pipe(void);
const char	*tkt_sig_name(int sig);
/* read(2) that a signal ends (EINTR), for a terminal; see sig.c. */
ssize_t		 tkt_sig_read(int fd, void *buf, size_t len);

/* xmalloc.c: allocation that exits with status 5 when memory runs out. */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xrealloc(void *, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
char		*xasprintf(const char *fmt, ...) TKT_PRINTF(1, 2);

/* buf.c: a growable byte buffer, always NUL-terminated. */
struct tkt_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

void	tkt_buf_init(struct tkt_buf *);
void	tkt_buf_free(struct tkt_buf *);
void	tkt_buf_reset(struct tkt_buf *);
void	tkt_buf_grow(struct tkt_buf *, size_t more);
void	tkt_buf_add(struct tkt_buf *, const void *, size_t);
void	tkt_buf_addc(struct tkt_buf *, int);
void	tkt_buf_adds(struct tkt_buf *, const char *);
void	tkt_buf_printf(struct tkt_buf *, const char *fmt, ...) TKT_PRINTF(2, 3);
/* Steals the bytes: returns a new string, leaves the buffer empty. */
char	*tkt_buf_take(struct tkt_buf *);

/* json.c: writing JSON text into a buffer, and escaping. */
void	tkt_json_str(struct tkt_buf *, const char *, size_t);
void	tkt_json_strz(struct tkt_buf *, const char *);	/* NULL writes null */

#define TKT_JW_DEPTH 32
struct tkt_jw {
	struct tkt_buf	*b;		/* borrowed */
	int		 depth;
	unsigned char	 first[TKT_JW_DEPTH];
	int		 after_key;
};

void	tkt_jw_init(struct tkt_jw *, struct tkt_buf *);
void	tkt_jw_obj(struct tkt_jw *);
void	tkt_jw_obj_end(struct tkt_jw *);
void	tkt_jw_arr(struct tkt_jw *);
void	tkt_jw_arr_end(struct tkt_jw *);
void	tkt_jw_key(struct tkt_jw *, const char *);
void	tkt_jw_str(struct tkt_jw *, const char *);	/* NULL writes null */
void	tkt_jw_strn(struct tkt_jw *, const char *, size_t);
void	tkt_jw_null(struct tkt_jw *);
void	tkt_jw_bool(struct tkt_jw *, int);
void	tkt_jw_int(struct tkt_jw *, long long);
void	tkt_jw_double(struct tkt_jw *, double);
void	tkt_jw_time(struct tkt_jw *, time_t);	/* (time_t)-1 writes null */
void	tkt_jw_raw(struct tkt_jw *, const char *, size_t);	/* a JSON value */

/* parse.c: the one checked parser for numbers, durations and times. */
/* Like strtonum(3): 0 on success, -1 with *errstr "invalid", "too small", "too large". */
int	tkt_num_parse(const char *, long long min, long long max,
	    long long *out, const char **errstr);
/* "90m", "48h", "2d", "1w", "30s"; a bare number is seconds.  Seconds out. */
int	tkt_duration_parse(const char *, int64_t *out);
/*
 * Is s a bare number other than 0 ("48")?  Where a user writes a
 * duration, such a number has no unit to go by, and is refused rather
 * than taken for seconds.
 */
int	tkt_duration_unitless(const char *);
/* RFC 3339 ("…Z", "…+02:00", fractions allowed) or zone-less UTC; "YYYY-MM-DD" is midnight UTC. */
int	tkt_time_parse(const char *, time_t *out);
int	tkt_time_parsen(const char *, size_t, time_t *out);
/*
 * The times tkt reads and writes: 0000-01-01T00:00:00Z to
 * 9999-12-31T23:59:59Z.  A time read outside them is not a time; one
 * worked out past them is the nearest of them.
 */
#define TKT_TIME_MIN (-62167219200LL)
#define TKT_TIME_MAX 253402300799LL
/* "YYYY-MM-DDTHH:MM:SSZ" into a 21-byte buffer. */
char	*tkt_time_format(time_t, char buf[21]);
/* A duration for a person: "3h", "2d 4h", "45m". */
char	*tkt_duration_human(int64_t secs, char *buf, size_t len);
/* --since: a duration back from now, or a time. */
int	tkt_since_parse(const char *, time_t now, time_t *out);
/* "now" for every tool: --now, else $TKT_NOW, else the clock.  -1 on a bad value. */
int	tkt_now_init(const char *opt, struct tkt_error *);
time_t	tkt_now(void);

/* sha256.c: SHA-256 (FIPS 180-4). */
struct tkt_sha256 {
	uint32_t	 h[8];
	uint64_t	 len;		/* bytes hashed */
	unsigned char	 buf[64];
	size_t		 nbuf;
};

void	tkt_sha256_init(struct tkt_sha256 *);
void	tkt_sha256_update(struct tkt_sha256 *, const void *, size_t);
void	tkt_sha256_final(struct tkt_sha256 *, unsigned char out[32]);
/* The digest of data[0..n) as 64 lowercase hex digits and a NUL. */
void	tkt_sha256_hex(const void *data, size_t n, char hex[65]);

/* utf8.c */
/* Returns the offset of the first invalid byte, or (size_t)-1 if valid. */
size_t	tkt_utf8_check(const char *, size_t);
size_t	tkt_utf8_count(const char *, size_t);	/* code points */
/*
 * Text shown to a person (tables, threads, messages on stderr), never
 * JSON: a control character (C0, DEL, C1) or a byte of invalid UTF-8
 * comes out as a backslash and three octal digits for each of its bytes,
 * ESC as "\033" (tkt(7), Common conventions).  Newline and tab stay
 * as they are where keep says (TKT_ESC_NL, TKT_ESC_TAB).
 *
 * tkt_esc_char shows the first character of s[0..n) (n > 0) into out,
 * NUL-terminated, and returns the bytes of s it took, *cols the columns
 * it fills (1, or 4 for each byte escaped).  tkt_esc_put writes s to fp
 * so, returning its columns; tkt_esc_buf (buf.c) appends it to b.
 */
#define TKT_ESC_NL	0x1
#define TKT_ESC_TAB	0x2
#define TKT_ESC_MAX	17
size_t	tkt_esc_char(const char *s, size_t n, int keep, char out[TKT_ESC_MAX],
	    int *cols);
size_t	tkt_esc_put(FILE *, const char *s, size_t n, int keep);
void	tkt_esc_buf(struct tkt_buf *, const char *s, size_t n, int keep);

/*
 * width.c: the columns of a terminal text fills, from Unicode's tables
 * kept in width.c (its version is named there), never from the locale.
 * tkt_width_cp: 2 for East Asian Wide and Fullwidth (emoji among them), 0
 * for a combining mark or another character that joins the one before
 * (ZWJ, variation selectors, skin tones), -1 for a control character,
 * else 1.  tkt_width_str: the columns of s[0..len) as tkt_esc_char shows
 * it (a control character or invalid byte 4 columns a byte).
 * tkt_width_cut: the bytes of s[0..len) to show in max (>= 1) columns:
 * all of it when it fits, *cols its columns; else the longest start of it
 * that leaves a column for "…", never splitting a character, a character
 * and its marks, a ZWJ sequence or a flag, *cols the columns of that start.
 */
int	tkt_width_cp(uint32_t cp);
size_t	tkt_width_str(const char *s, size_t len);
size_t	tkt_width_cut(const char *s, size_t len, size_t max, size_t *cols);

/* datadir.c: where share/tkt is ($TKT_DATADIR, beside the binary, or PREFIX). */
const char *tkt_datadir(void);
/* A new string: datadir "/" name. */
char	*tkt_datafile(const char *name);

/* yaml.c: a small YAML document tree with positions, for config and templates. */
enum tkt_ytype { TKT_Y_SCALAR, TKT_Y_SEQ, TKT_Y_MAP };

struct tkt_ynode {
	int			 type;
	char			*value;		/* scalar text, NUL-terminated */
	size_t			 len;
	int			 plain;		/* an unquoted scalar */
	unsigned		 line, col;	/* 1-based */
	struct tkt_ynode	**items;	/* SEQ: values; MAP: key, value, key, value … */
	size_t			 nitems;
};

struct tkt_ydoc {
	char			*path;
	struct tkt_ynode	*root;		/* NULL for an empty document */
};

/* Returns a new document, or NULL with err ("path:line:col: …"). */
struct tkt_ydoc		*tkt_yaml_load(const char *path, struct tkt_error *);
struct tkt_ydoc		*tkt_yaml_loadbuf(const char *name, const char *, size_t,
			    struct tkt_error *);
void			 tkt_yaml_free(struct tkt_ydoc *);
/* Borrowed: the value of key in a map, or NULL. */
struct tkt_ynode	*tkt_yaml_get(const struct tkt_ynode *, const char *key);

/* config.c: configuration, stores and secrets (tkt-config(5)). */
struct tkt_var {
	char	*name;
	char	*value;
};

struct tkt_vars {
	struct tkt_var	*v;
	size_t		 n;
};

struct tkt_store {
	char		*name;
	char		*api;		/* "v2" or "v3" */
	char		*url;		/* origin: scheme://host[:port] */
	char		*token_file;
	char		*token_env;
	char		*token;		/* loaded by tkt_store_token */
	int		 chosen;	/* the environment's overrides apply */
	time_t		 expiry;	/* the token's, from its file; 0 unknown */
	int		 token_stored;	/* token read from token_file */
	/* OAuth refresh (oauth.c); refresh_token_file NULL: none. */
	char		*refresh_token_file;
	char		*client_id;
	char		*client_secret_file;
	char		*client_secret_env;
	int		 refreshed;	/* a refresh was tried in this run */
	int		 processing;	/* v3: its orders showed processing_status */
	int		 warned;	/* the expiry warning was given */
	char		**old_tokens;	/* replaced, kept for requests in flight */
	size_t		 nold_tokens;
	int64_t		 sla;		/* seconds */
	struct tkt_vars	 vars;		/* store vars over global vars */
	char		**required_locales;
	size_t		 nrequired_locales;
	/* file_hosts: where tkt-list --save-files may fetch from. */
	char		**file_hosts;
	size_t		 nfile_hosts;
	int		 file_hosts_set;	/* given, maybe empty */
	char		 where[256];	/* where it was configured */
};

struct tkt_config {
	char		*path;		/* the file read, or NULL */
	struct tkt_store *stores;
	size_t		 nstores;
	char		*default_store;
	int64_t		 sla;
	double		 late_warning, late_critical;	/* fractions */
	double		 csat_warning, csat_critical;
	char		**template_dirs;
	size_t		 ntemplate_dirs;
	struct tkt_vars	 vars;
	char		**required_locales;
	size_t		 nrequired_locales;
	int		 fallback_refuse;	/* fallback: refuse */
	char		**allow_fields;		/* allow_fields: record fields */
	size_t		 nallow_fields;
	char		**file_hosts;		/* file_hosts, for every store */
	size_t		 nfile_hosts;
	int		 file_hosts_set;
};

/* The file_hosts of a store that gives none, nor the config: Wish's bucket. */
#define TKT_FILE_HOSTS_DEFAULT \
	"s3-us-west-1.amazonaws.com/sweeper-production-ticket-image-uploads/"

/* Reads $TKT_CONFIG or $XDG_CONFIG_HOME/tkt/config.yaml (a missing default file is empty). */
int		 tkt_config_load(struct tkt_config *, struct tkt_error *);
void		 tkt_config_free(struct tkt_config *);
/* Borrowed: the store by name (NULL: -s, $TKT_STORE, default_store, the only one). */
struct tkt_store *tkt_config_store(struct tkt_config *, const char *name,
		    struct tkt_error *);
/*
 * Several stores for one run (tkt-list -s a,b): a new array of borrowed
 * stores in *out, each named once, in the order given.  With no name,
 * $TKT_STORE (a comma list too), else as tkt_config_store.  One store
 * takes the environment's overrides as tkt_config_store does; several
 * refuse them (TKT_API_URL, TKT_API, TKT_TOKEN are each one store's).
 */
struct tkt_strs;
int		 tkt_config_stores(struct tkt_config *, const struct tkt_strs *names,
		    struct tkt_store ***out, size_t *nout, struct tkt_error *);
/*
 * Loads store->token under the secrets rules of tkt-config(5), and its
 * expiry when the token file gives one (an "expiry_time: TIME" line).
 */
int		 tkt_store_token(struct tkt_store *, struct tkt_error *);
/*
 * Reads a token file under the secrets rules: *token a new string (the
 * first line, trimmed; maybe empty), *expiry its "expiry_time: TIME" line
 * or 0; -1 with err when the file cannot be read or is open to others.
 */
int		 tkt_token_file_read(const char *path, char **token,
		    time_t *expiry, struct tkt_error *);
/*
 * Once a process holds a secret, no core dump may hold it too: sets
 * RLIMIT_CORE to 0 and, on Linux, makes the process not dumpable (nor
 * open to ptrace by its user).  Called before any secret is read;
 * a second call does nothing.  tkt-config(5), Secrets.
 */
void		 tkt_secrets_guard(void);
/* A new secret read from a file that group and others cannot read. */
char		*tkt_secret_file(const char *path, const char *what,
		    struct tkt_error *);
/*
 * Is host (n bytes, as a URL has it, without its port) a loopback host:
 * localhost, [::1], or a dotted-quad in 127.0.0.0/8 (tkt-config(5))?
 */
int		 tkt_host_loopback(const char *host, size_t n);
/*
 * The parts of an http or https URL, pointing into it: -1 for another
 * scheme, no host, or a user (@) in it.  path is "/" when it has none.
 */
struct tkt_url {
	int		 https;
	const char	*host;		/* host[:port] */
	size_t		 hostlen;
	size_t		 hlen;		/* the host alone, without :port */
	const char	*path;		/* from its "/" to the query */
	size_t		 pathlen;
	const char	*name;		/* the path's last part */
	size_t		 namelen;
};
int		 tkt_url_parse(const char *u, struct tkt_url *);
/* Checks an origin: http(s), no path; plain http only to loopback. */
int		 tkt_origin_check(const char *url, struct tkt_error *);
/* Does url have exactly this origin (scheme, host, port)? */
int		 tkt_same_origin(const char *url, const char *origin);
const char	*tkt_vars_get(const struct tkt_vars *, const char *name);
void		 tkt_vars_set(struct tkt_vars *, const char *name, const char *value);
void		 tkt_vars_free(struct tkt_vars *);

/* record.c: the only reader and writer of JSON lines (tkt-record(5)). */
enum tkt_jtype {
	TKT_J_NULL, TKT_J_FALSE, TKT_J_TRUE, TKT_J_NUMBER, TKT_J_STRING,
	TKT_J_OBJECT, TKT_J_ARRAY
};

#define TKT_J_NONE UINT32_MAX

/*
 * A parsed line as a flat tree of nodes.  Node 0 is the root object.
 * Strings and keys are decoded into rec->strs; numbers keep their raw text.
 * Every node keeps its byte span in the line, so fields can be spliced.
 */
struct tkt_jnode {
	uint32_t	 type;
	uint32_t	 parent;
	uint32_t	 next;		/* next sibling, or TKT_J_NONE */
	uint32_t	 child;		/* first child, or TKT_J_NONE */
	uint32_t	 nchild;
	uint32_t	 key, keylen;	/* offsets into strs (members of objects) */
	uint32_t	 str, strlen;	/* strings (decoded) and numbers (raw) */
	uint32_t	 start, end;	/* value span in the line */
	uint32_t	 kstart;	/* where the member's key starts */
};

struct tkt_rec {
	const char		*line;		/* borrowed: the bytes, no newline */
	size_t			 len;
	const char		*name;		/* "<stdin>" or a path */
	uintmax_t		 lineno;
	struct tkt_jnode	*nodes;
	uint32_t		 nnodes, capnodes;
	char			*strs;
	size_t			 strslen, strscap;
	int			 tree;		/* nodes were built */
	int			 bare;		/* a bare id line (TKT_RD_BAREID) */
	char			*own;		/* the line, when the record owns it */
};

/* Reader flags: how much of each line to build (every line is validated). */
#define TKT_RD_TREE	0x1	/* every node */
#define TKT_RD_TOP	0x2	/* the root and its members only (enough to splice) */
#define TKT_RD_BAREID	0x4	/* a line not starting with '{' is a bare id (rec->bare) */
#define TKT_RD_NOSPAN	0x8	/* no byte spans (start, end 0): a record not to splice */

/*
 * The one record loop, every tool's: the records of the operands ("-" is
 * stdin; none is stdin), in order, each parsed as flags and the want list
 * ask.  A bad line or unreadable file is reported once ("prog: file:line:
 * what"), counted, and skipped; the loop goes on and its status becomes 1.
 */
struct tkt_loop;

struct tkt_loop	*tkt_loop_new(char **paths, int npaths, int flags);
void		 tkt_loop_free(struct tkt_loop *);
/*
 * With TKT_RD_TREE, builds only these dotted paths (NULL-terminated; arrays
 * are transparent: "replies.sender"), and the root's members all with
 * TKT_RD_TOP (a record to splice).  Before the first record.
 */
void		 tkt_loop_want(struct tkt_loop *, const char *const *paths);
/* What stdin should give ("records (JSON lines)"), said when it is a terminal. */
void		 tkt_loop_hint(struct tkt_loop *, const char *what);
/*
 * The next record: 1 and *rec (borrowed, valid until the next call), 0 at
 * the end, or once a signal asked the run to stop.
 */
int		 tkt_loop_next(struct tkt_loop *, struct tkt_rec **);
/*
 * Each record to fn, which returns an exit status (merged) or -1 to stop;
 * returns the merged status, bad lines included.
 */
int		 tkt_loop_run(struct tkt_loop *,
		    int (*fn)(struct tkt_rec *, void *), void *);
/* TKT_EXIT_NO when a line was bad, else 0; and how many were. */
int		 tkt_loop_status(const struct tkt_loop *);
uintmax_t	 tkt_loop_nbad(const struct tkt_loop *);
/* Did a signal (sig.c) end the loop before the end of its input? */
int		 tkt_loop_cut(const struct tkt_loop *);

/* Parses one line into rec (a new tree in rec's arenas); -1 with err. */
int			 tkt_rec_parse(struct tkt_rec *, const char *, size_t,
			    int flags, struct tkt_error *);
void			 tkt_rec_init(struct tkt_rec *);
void			 tkt_rec_free(struct tkt_rec *);
/* Makes dst a copy of src that owns its line: a record kept past the loop's next. */
void			 tkt_rec_copy(struct tkt_rec *dst, const struct tkt_rec *src);
/* Borrowed node of key in object node obj, or NULL. */
const struct tkt_jnode	*tkt_rec_get(const struct tkt_rec *,
			    const struct tkt_jnode *obj, const char *key);
/* Dotted path from the root ("buyer.name"), or NULL. */
const struct tkt_jnode	*tkt_rec_path(const struct tkt_rec *, const char *path);
const struct tkt_jnode	*tkt_rec_child(const struct tkt_rec *,
			    const struct tkt_jnode *);
const struct tkt_jnode	*tkt_rec_next(const struct tkt_rec *,
			    const struct tkt_jnode *);
/* Borrowed decoded string of a string node (NULL for others). */
const char		*tkt_rec_str(const struct tkt_rec *,
			    const struct tkt_jnode *, size_t *len);
const char		*tkt_rec_key(const struct tkt_rec *,
			    const struct tkt_jnode *, size_t *len);
/* Top-level string field, NULL when absent, null or not a string. */
const char		*tkt_rec_field(const struct tkt_rec *, const char *key);
/* A time field ("…Z"), or (time_t)-1. */
time_t			 tkt_rec_time(const struct tkt_rec *,
			    const struct tkt_jnode *);

/* One top-level field to add or replace; val is JSON text (NULL deletes). */
struct tkt_edit {
	const char	*key;
	const char	*val;
	size_t		 len;
};

/* Appends rec's line with the edits applied, byte for byte elsewhere, plus "\n". */
void	tkt_rec_splice(const struct tkt_rec *, const struct tkt_edit *, size_t,
	    struct tkt_buf *);
/* Writes one line to stdout; -1 (errno set) on a failed write. */
int	tkt_out_line(const char *, size_t);
/* Sets up stdout for record output (buffering). */
void	tkt_out_init(void);

/* id.c: a ticket or order id that is safe in a URL (1-64 printable bytes, no &?#/). */
int	tkt_id_valid(const char *, size_t);

/* strs.c: comma lists of option values ("--state a,b --state c"). */
struct tkt_strs {
	char	**v;
	size_t	 n;
};

void	tkt_strs_addlist(struct tkt_strs *, const char *commalist);
/* One value, commas and all. */
void	tkt_strs_add(struct tkt_strs *, const char *);
int	tkt_strs_has(const struct tkt_strs *, const char *);
/* A locale filter: "fr" matches "fr" and "fr-CA"; "fr-CA" only itself. */
int	tkt_strs_locale(const struct tkt_strs *, const char *locale);
void	tkt_strs_free(struct tkt_strs *);
/* A set of strings, hashed: what a listing has seen, however long it runs. */
struct tkt_strset {
	char	**slot;		/* NULL: empty */
	size_t	  n, cap;	/* cap 0, or a power of two */
};
/* Adds a copy of s: 1 when it was not in the set, 0 when it was. */
int	tkt_strset_add(struct tkt_strset *, const char *s);
/* Empties the set (it may be used again). */
void	tkt_strset_free(struct tkt_strset *);

/*
 * opt.c: the one contract of the seven tools.  A tool's options are one
 * table, a line an option; getopt_long's tables, the -h text and the usage
 * come from it.  -h/--help and --version are every tool's.
 */
enum { TKT_O_VERSION = 4095 };	/* a tool's long-only values: 256 to 4094 */

struct tkt_opt {
	int		 val;	/* the letter, or a value from 256 */
	const char	*name;	/* the long name, or NULL */
	const char	*arg;	/* the argument's name, NULL: none */
	const char	*help;	/* one line for -h */
};

/*
 * An example for -h: what it does, and the command, a line of the manual
 * page's EXAMPLES as it reads there (test/contract.bats holds them equal).
 */
struct tkt_example {
	const char	*what;	/* a few words, printed as a comment */
	const char	*cmd;	/* the command line */
};

struct tkt_tool {
	const char		*synopsis;	/* as SYNOPSIS words it, lines joined */
	const char		*about;		/* one line: what it does */
	const struct tkt_opt	*opts;		/* its own, ending with { 0 } */
	const struct tkt_opt	*shared;	/* shared with other tools, or NULL */
	const char		*page, *section;	/* the manual page; NULL: the tool, 1 */
	const struct tkt_example *examples;	/* ending with { NULL }, or NULL */
};

/*
 * The next option: its val and *arg, or -1 at the first operand (optind).
 * Answers -h (stdout, exit 0) and --version itself; an unknown option or
 * a missing argument: getopt's line and the usage on stderr, exit 2.
 */
int		 tkt_opt_next(const struct tkt_tool *, int argc, char **argv,
		    const char **arg);
TKT_NORETURN void tkt_opt_usage(const struct tkt_tool *);
TKT_NORETURN void tkt_opt_help(const struct tkt_tool *);
TKT_NORETURN void tkt_opt_version(void);
/* Value parsers: each exits 2 with "OPT: 'ARG' is …" on a bad value. */
long long	 tkt_opt_num(const char *opt, const char *arg, long long min,
		    long long max);
int64_t		 tkt_opt_duration(const char *opt, const char *arg);
double		 tkt_opt_rate(const char *opt, const char *arg);	/* "10/s" */
/* --now: sets the run's "now" (tkt_now_init). */
void		 tkt_opt_now(const char *arg);
/* --since from "now" (call tkt_opt_now first); NULL gives (time_t)-1. */
time_t		 tkt_opt_since(const char *opt, const char *arg);
/* -D NAME=VALUE */
void		 tkt_opt_define(struct tkt_vars *, const char *arg);
/*
 * A language tag: parts of 1 to 8 letters or digits, the first of letters
 * only, at most TKT_LANG_MAX bytes; the parts joined by '-' or, with
 * TKT_LANG_UNDERSCORE, by '_' too (pt_BR: a locale, never a header's).
 */
enum { TKT_LANG_MAX = 35, TKT_LANG_UNDERSCORE = 1 };
int		 tkt_lang_tag(const char *s, int flags);
/* Warns "OPT: 'ARG' is not a language tag (…)"; 0 when it is one. */
int		 tkt_lang_check(const char *opt, const char *arg, int flags);
/* -l, --locale, --lang: arg, or exits 2 with tkt_lang_check's line. */
const char	*tkt_opt_lang(const char *opt, const char *arg, int flags);
/* The same for each member of a comma list (--locale fr,de). */
void		 tkt_opt_langlist(struct tkt_strs *, const char *opt,
		    const char *arg, int flags);

/* table.c: what a person sees on a terminal. */
struct tkt_list_opts;
#define TKT_TABLE_NCOL	8
/* A table's columns, chosen once before its first row (tkt_table_init). */
struct tkt_table {
	int		 color;
	unsigned	 show;			/* the columns shown, a bit each */
	int		 w[TKT_TABLE_NCOL];	/* their widths; SUBJECT's 0: no limit */
};
/*
 * The columns for what o lists from the stores named (nstores of them):
 * STATE unless o's listing makes it one state, STORE with several stores,
 * all of it fitted to tkt_table_width().
 */
void	tkt_table_init(struct tkt_table *, const struct tkt_list_opts *o,
	    const char *const *stores, size_t nstores, int color);
void	tkt_table_header(FILE *, const struct tkt_table *);
void	tkt_table_row(FILE *, const struct tkt_table *, const struct tkt_rec *);
void	tkt_thread_print(FILE *, const struct tkt_rec *, int color);
/* --save-files DIR: the thread shows each reply's saved files under dir. */
void	tkt_thread_files_dir(const char *dir);
/* Columns to fill: $COLUMNS (20 to 10000), else stdout's terminal; 0: no limit. */
int	tkt_table_width(void);
/*
 * s on one line, escaped (tkt_esc_char; newline and tab as spaces), cut
 * to at most max display columns with "…" (0: no cut; tkt_width_cut).
 */
void	tkt_table_cut(FILE *, const char *s, int max);
/*
 * Does the user's locale write UTF-8?  nl_langinfo(CODESET) of the locale
 * that LC_ALL, LC_CTYPE or LANG name, as setlocale(LC_CTYPE, "") picks it
 * (a locale the system lacks is C: no).  LC_CTYPE is put back as it was,
 * so the tools keep running in the C locale.  Asked once.
 */
int	tkt_locale_utf8(void);

/* list.c: the tkt-list driver. */
struct tkt_list_opts {
	struct tkt_strs	 stores;	/* -s, each once; none: the default */
	char		**operands;
	int		 noperands;
	int		 all, overdue, exists, thread, raw, verbose;
	int		 with_orders;	/* v3: fetch each order's details */
	const char	*lang;		/* v3: read each ticket again in it, or NULL */
	int		 table;		/* -1 auto, 0 --json, 1 --table */
	struct tkt_strs	 states, types, locales;
	time_t		 since;		/* (time_t)-1: none */
	int64_t		 due_within;	/* seconds, -1: none */
	long long	 limit;		/* 0: no limit */
	int		 parallel;
	int		 sort;		/* TKT_SORT_*; TKT_SORT_AUTO: due on a tty */
	const char	*save_files;	/* --save-files DIR, or NULL */
};

/* --sort: the order records are printed in (tkt-list(1)). */
enum { TKT_SORT_AUTO = -1, TKT_SORT_NONE, TKT_SORT_DUE, TKT_SORT_OPENED,
    TKT_SORT_UPDATED };

/*
 * files.c: tkt-list --save-files DIR (tkt-list(1), Saving files).  The
 * files of each reply fetched with no credential, stored by content under
 * DIR, and named in an index so that they are not fetched again.
 */
#define TKT_FILE_MAX	(20u << 20)	/* bytes a file may have */
struct tkt_files;

/* DIR made if need be and its index read; NULL with err. */
struct tkt_files *tkt_files_new(const char *dir, int verbose,
		    struct tkt_error *);
void		 tkt_files_free(struct tkt_files *);
/*
 * Appends to out the replies of rec (parsed with TKT_RD_TREE, read from
 * store st), each with "files": what was saved of its images; failures
 * said and merged into *status.  -1 (nothing appended) when rec has no
 * id or replies list.
 */
int		 tkt_files_replies(struct tkt_files *, const struct tkt_store *st,
		    const struct tkt_rec *rec, struct tkt_buf *out, int *status);

/* Runs tkt-list; prints its own messages; returns the exit status. */
int	tkt_list_main(struct tkt_list_opts *);

/* wishmap.c: share/tkt/wish-v2-map, v2 strings to record values and back. */
struct tkt_wishmap;

struct tkt_wishmap	*tkt_wishmap_load(const char *path, struct tkt_error *);
/* Borrowed: the shared map from the data dir, loaded once; NULL with err. */
struct tkt_wishmap	*tkt_wishmap_default(struct tkt_error *);
void			 tkt_wishmap_free(struct tkt_wishmap *);
/* Record value for a v2 string of a table ("state", "sender"), or NULL. */
const char		*tkt_wishmap_in(const struct tkt_wishmap *,
			    const char *table, const char *v2);
/* The first v2 string for a record value, or NULL. */
const char		*tkt_wishmap_out(const struct tkt_wishmap *,
			    const char *table, const char *value);
/* The type for a v2 label by prefix, or NULL. */
const char		*tkt_wishmap_label(const struct tkt_wishmap *,
			    const char *label);

/* deadline.c: the one deadline rule (tkt-record(5)). */
struct tkt_reply_ev {
	int	 sender;	/* enum below */
	time_t	 at;
};

enum { TKT_S_OTHER, TKT_S_USER, TKT_S_MERCHANT };

/* waiting_since, or -1; replies oldest first. */
time_t	tkt_waiting_since(const struct tkt_reply_ev *, size_t n,
	    int awaiting_merchant);
int	tkt_sender_kind(const char *sender);
/* For each USER reply, when the first MERCHANT reply after it came (or -1). */
void	tkt_answer_times(const struct tkt_reply_ev *, size_t n, time_t *answered);
/* waiting_since + sla, or -1 when nothing is waiting.  Overdue: now > due. */
time_t	tkt_due_at(time_t waiting_since, int64_t sla);

/* One buyer message under the rule: not due yet, answered on time, or late. */
enum { TKT_MSG_PENDING, TKT_MSG_ONTIME, TKT_MSG_LATE };

/*
 * A message answered (answered != -1) is on time when the answer came at
 * most sla after it, else late; an unanswered one is late once it waits
 * past sla on a ticket awaiting the merchant, else not due yet.
 */
int	tkt_message_status(time_t at, time_t answered, int awaiting,
	    time_t now, int64_t sla);

/*
 * The parts below are declared in their own files while they are being
 * built, one per area, and included here: tkt.h stays the one header.
 */
#include "tkt_http.h"
#include "tkt_wish.h"
#include "tkt_template.h"
#include "tkt_metrics.h"
#include "tkt_action.h"

#endif /* TKT_H */
