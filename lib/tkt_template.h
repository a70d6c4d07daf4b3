/* tkt_template.h: part of tkt.h (see there); include tkt.h, not this. */

/*
 * policy.c: the marketplace policy check on a final text, shared by
 * tkt-template lint and tkt-reply.  Word lists are share/tkt/lint/LANG
 * (plus "any", applied to every language): lines "RULE<TAB>ERE".  Text is
 * folded before matching (lowercase, Latin accents removed, full-width
 * ASCII made ASCII, whitespace runs made one space, one space at each
 * end), so matching never depends on the
 * C library's locale.
 */
enum tkt_policy_rule {
	TKT_POL_REVIEW_POLICY,		/* "review-policy" */
	TKT_POL_REVIEW_INCENTIVE,	/* "review-incentive" */
	TKT_POL_OFF_MARKETPLACE,	/* "off-marketplace" */
	TKT_POL_PAYMENT_REQUEST,	/* "payment-request" */
	TKT_POL_NRULES
};

struct tkt_policy_hit {
	int		 rule;		/* enum tkt_policy_rule */
	size_t		 off, len;	/* the matched bytes of the original text */
	const char	*list;		/* borrowed: "fr", "any", … */
	unsigned	 lineno;	/* the rule's line in that list */
};

struct tkt_policy;

/* A new policy from the lists in dir (NULL: the data dir's "lint"); NULL with err. */
struct tkt_policy	*tkt_policy_load(const char *dir, struct tkt_error *);
void			 tkt_policy_free(struct tkt_policy *);
/*
 * Checks text (UTF-8) written for locale ("fr-CA" uses the "fr" list;
 * a language without a list, "und" or NULL uses every list), always with
 * "any".  Every match is a hit, in text order (matches of one rule that
 * overlap, by one line of a list or several, are one hit).  Fills at most
 * maxhits hits and returns how many there are, which may be more than
 * maxhits (0: the text passes).
 */
size_t			 tkt_policy_check(const struct tkt_policy *,
			    const char *text, size_t len, const char *locale,
			    struct tkt_policy_hit *hits, size_t maxhits);
const char		*tkt_policy_rule_name(int rule);
/* What a rule forbids, in words: "sends the buyer off the marketplace". */
const char		*tkt_policy_rule_desc(int rule);
/*
 * Quotes a hit for a one-line message into out (reset first): the whole
 * word around the match, at most 60 bytes, blanks squeezed.
 */
void			 tkt_policy_quote(const char *text, size_t len,
			    const struct tkt_policy_hit *, struct tkt_buf *out);
/* The rule for a name, or -1. */
int			 tkt_policy_rule_find(const char *name);
/*
 * Folds text into out (reset first); when map is not NULL it is set to a
 * new array giving, for each byte of out, the offset in text it came from.
 */
void			 tkt_policy_fold(const char *text, size_t len,
			    struct tkt_buf *out, size_t **map);

/* template.c: templates (tkt-template(5)): load, match, render. */
#define TKT_REPLY_MAX 2000	/* code points of a reply */
#define TKT_TMPL_DEPTH 64	/* sections nested in sections, at most */

struct tkt_tmpl;	/* one parsed template file */

/* A problem found while loading a template: always file:line:col. */
struct tkt_tmpl_diag {
	unsigned	 line, col;
	char		*locale;	/* the variant, or NULL */
	char		*msg;
};

/* The locale chain's outcome for one variant choice. */
struct tkt_locale_pick {
	const char	*locale;	/* borrowed: the variant used */
	const char	*requested;	/* borrowed: what was asked, NULL if nothing */
	int		 fallback;	/* in another language than the one asked */
};

/*
 * Do two locales have one language ("fr-CA" and "fr": yes; "nl" and
 * "en": no)?  The language is what comes before the first '-' or '_',
 * compared without case; a NULL or empty locale has none (0).
 */
int		 tkt_locale_same_lang(const char *, const char *);
/* The length of a locale's language ("fr-CA": 2). */
size_t		 tkt_locale_lang_len(const char *);

/*
 * Where a reply's text came from the record: span i covers code points
 * [start, end) of the text (bytes [bstart, bend)), the value of field, a
 * path as tkt-record(5) names fields ("buyer.name", "orders[].product_name").
 * Spans are in text order and do not overlap.
 */
struct tkt_span {
	size_t		 start, end;	/* code points */
	size_t		 bstart, bend;	/* bytes */
	size_t		 field;		/* offset of its name in names */
};

struct tkt_spans {
	struct tkt_span	*v;
	size_t		 n, cap;
	struct tkt_buf	 names;		/* the fields' names, each NUL-ended */
};

void		 tkt_spans_init(struct tkt_spans *);
void		 tkt_spans_reset(struct tkt_spans *);
void		 tkt_spans_free(struct tkt_spans *);
/* Appends a span (both kinds of offset given). */
void		 tkt_spans_add(struct tkt_spans *, const char *field, size_t flen,
		    size_t start, size_t end, size_t bstart, size_t bend);
/* Borrowed: span i's field. */
const char	*tkt_span_field(const struct tkt_spans *, size_t i);
/* Writes the spans as a JSON array of {field, start, end} with w. */
void		 tkt_spans_json(const struct tkt_spans *, struct tkt_jw *);

/* Values that are not in the record: -D over store vars over global vars. */
struct tkt_render_env {
	const struct tkt_vars	*layers[4];	/* first that has the name wins */
	size_t			 nlayers;
};

/*
 * Loads a template file.  Returns a new template, or NULL with err when
 * the file cannot be read or is not YAML.  A template that loaded with
 * problems (tkt_tmpl_ndiags > 0) can be linted but not rendered.
 */
struct tkt_tmpl	*tkt_tmpl_load(const char *path, struct tkt_error *);
void		 tkt_tmpl_free(struct tkt_tmpl *);
size_t		 tkt_tmpl_ndiags(const struct tkt_tmpl *);
const struct tkt_tmpl_diag *tkt_tmpl_diag(const struct tkt_tmpl *, size_t i);
/* Borrowed strings; NULL when the file lacks them. */
const char	*tkt_tmpl_name(const struct tkt_tmpl *);
const char	*tkt_tmpl_path(const struct tkt_tmpl *);
const char	*tkt_tmpl_description(const struct tkt_tmpl *);
const char	*tkt_tmpl_default_locale(const struct tkt_tmpl *);
int		 tkt_tmpl_has_match(const struct tkt_tmpl *);
/* Writes the match rules as a JSON object (or null) with w. */
void		 tkt_tmpl_match_json(const struct tkt_tmpl *, struct tkt_jw *);
size_t		 tkt_tmpl_nvariants(const struct tkt_tmpl *);
/* Borrowed: variant i's locale and source text. */
const char	*tkt_tmpl_variant(const struct tkt_tmpl *, size_t i,
		    const char **text, size_t *len);
/* The file position of byte off of variant i's text. */
void		 tkt_tmpl_variant_pos(const struct tkt_tmpl *, size_t i,
		    size_t off, unsigned *line, unsigned *col);
/*
 * Index of the variant for locale, or -1: the locale (fr-CA), its language
 * (fr), the first text in its language (fr-BE), default_locale.
 */
int		 tkt_tmpl_pick(const struct tkt_tmpl *, const char *locale,
		    struct tkt_locale_pick *);
/* Does the record fit the template's match rules (no match: never)? */
int		 tkt_tmpl_matches(const struct tkt_tmpl *, const struct tkt_rec *);
/*
 * The record's values of the fields the template's match rules name, as
 * "type ORDER, sub_label Size Advice", appended to b.
 */
void		 tkt_tmpl_match_desc(const struct tkt_tmpl *,
		    const struct tkt_rec *, struct tkt_buf *);
/*
 * Renders variant vi against rec into out (reset first).  -1 with a
 * message in err ("missing value for {{buyer.name}}") on failure.
 */
int		 tkt_tmpl_render(const struct tkt_tmpl *, size_t vi,
		    const struct tkt_rec *, const struct tkt_render_env *,
		    struct tkt_buf *out, struct tkt_error *);
/* The same, and where each record value went in out (spans; reset first). */
int		 tkt_tmpl_render_spans(const struct tkt_tmpl *, size_t vi,
		    const struct tkt_rec *, const struct tkt_render_env *,
		    struct tkt_buf *out, struct tkt_spans *, struct tkt_error *);
/*
 * Why a reply is a fallback, into out (reset first): "no text in nl
 * (template T has en, fr, fr-CA)".
 */
void		 tkt_tmpl_fallback_msg(const struct tkt_tmpl *,
		    const struct tkt_locale_pick *, struct tkt_buf *out);
/*
 * A reply for rec from template t, as tkt-template render and tkt-reply -t
 * write it: vars from defs (-D; may be NULL) over the vars of the record's
 * store over cfg's global vars; the text for locale (NULL: the record's)
 * by the locale chain (*pk); at most TKT_REPLY_MAX code points.  0 with
 * the reply in text (reset first) and, when spans is not NULL, where the
 * record's values are in it; or -1 with err ("template T, locale L:
 * missing value for {{buyer.name}}").
 */
int		 tkt_reply_render(const struct tkt_tmpl *, const struct tkt_config *,
		    const struct tkt_vars *defs, const char *locale,
		    const struct tkt_rec *, struct tkt_buf *text,
		    struct tkt_spans *, struct tkt_locale_pick *,
		    struct tkt_error *);
/* Appends s escaped for Markdown (see tkt-template(5)). */
void		 tkt_md_escape(struct tkt_buf *, const char *s, size_t len);

/*
 * One placeholder or section tag of a variant, for lint: its path as
 * written, its byte offset in the text, its kind ('$' value, '#' section,
 * '^' inverted, '/' end), and its default.
 */
struct tkt_tmpl_tag {
	int		 kind;
	const char	*path;		/* borrowed */
	size_t		 off;
	const char	*def;		/* NULL: no default */
};

/* Borrowed: the tags of variant vi, in text order. */
const struct tkt_tmpl_tag *tkt_tmpl_tags(const struct tkt_tmpl *, size_t vi,
		    size_t *n);
/* The file position of variant vi's locale key. */
void		 tkt_tmpl_variant_key_pos(const struct tkt_tmpl *, size_t vi,
		    unsigned *line, unsigned *col);

/* A search path of template files: config dirs, then the data dir's "templates". */
struct tkt_tmplset {
	struct tkt_tmpl	**t;
	size_t		  n;
};

/*
 * Loads every *.yaml file of each dir in order (sorted by name within a
 * dir).  -1 with err at the first file that cannot be read or has
 * problems; a name found twice keeps the first.
 */
int		 tkt_tmplset_load(struct tkt_tmplset *, char **dirs, size_t ndirs,
		    struct tkt_error *);
void		 tkt_tmplset_free(struct tkt_tmplset *);
/* Borrowed: the template named name, or NULL. */
struct tkt_tmpl	*tkt_tmplset_find(const struct tkt_tmplset *, const char *name);
/* Borrowed: the first template whose match fits, or NULL. */
struct tkt_tmpl	*tkt_tmplset_match(const struct tkt_tmplset *,
		    const struct tkt_rec *);

/* lint.c: every lint rule of tkt-template(5). */
enum { TKT_SEV_WARNING, TKT_SEV_ERROR };

struct tkt_finding {
	char		*file;
	unsigned	 line, col;
	int		 severity;
	const char	*rule;		/* "syntax", "review-policy", … */
	char		*message;
	char		*locale;	/* the variant, or NULL */
};

struct tkt_lint;

/*
 * A new linter (record fields, word lists, worst-case record); NULL with
 * err.  It borrows required_locales until tkt_lint_free.
 */
struct tkt_lint	*tkt_lint_new(char **required_locales, size_t nrequired,
		    struct tkt_error *);
void		 tkt_lint_free(struct tkt_lint *);
/*
 * Lints one file: *out is a new array of *n findings in file order
 * (tkt_findings_free releases it).  -1 with err when the file cannot be
 * read; a file that is not YAML is a "syntax" finding.
 */
int		 tkt_lint_file(struct tkt_lint *, const char *path,
		    struct tkt_finding **out, size_t *n, struct tkt_error *);
void		 tkt_findings_free(struct tkt_finding *, size_t n);
/*
 * Appends a finding as tkt-template lint prints it, one line with its
 * newline: "file:line:col: severity: rule: message", the message escaped
 * as text shown to a person (tkt_esc_buf: it quotes the file), or with
 * json one JSON object.
 */
void		 tkt_finding_line(const struct tkt_finding *, int json,
		    struct tkt_buf *);

/*
 * tmplcmd.c: the tkt-template drivers, one a subcommand (tkt-template(1)).
 * Each prints its own messages and output and returns the exit status; a
 * failed write to stdout stops it, and tkt_exit_stdout then says so.
 */
struct tkt_tmpl_opts {
	const char	*name;		/* render -t; show's operand */
	int		 aut;		/* render --auto */
	const char	*locale;	/* render and show -l, or NULL */
	int		 no_fallback;	/* render --no-fallback */
	struct tkt_vars	 defs;		/* render -D */
	int		 json, strict;	/* lint */
	struct tkt_strs	 req;		/* lint --require-locales; none: config */
	int		 table;		/* list: -1 auto, 0 --json, 1 --table */
	char		**operands;	/* render: record files; lint: templates */
	int		 noperands;
};

int	tkt_template_render(const struct tkt_tmpl_opts *);
int	tkt_template_lint(const struct tkt_tmpl_opts *);
int	tkt_template_list(const struct tkt_tmpl_opts *);
int	tkt_template_show(const struct tkt_tmpl_opts *);
