/*
 * policy.c: the marketplace policy check on a final text (tkt-template(5),
 * Lint rules; tkt-reply(1), Checks):
 * no asking to change a review, no incentive for one, no contact off the
 * marketplace, no payment details.  The phrases are data (one word list
 * per language under share/tkt/lint/), POSIX extended regular expressions
 * matched against folded text: lowercase, Latin accents removed,
 * full-width ASCII (Japanese input) made ASCII, blanks collapsed.  Text
 * outside Latin (Japanese, Greek, ...) is kept byte for byte, so a list can
 * match it as plain UTF-8 sequences.  The folding is done here, byte by byte, so that neither the
 * match nor the fold depends on the C library's locale (setlocale is never
 * called; regcomp sees the C locale, where every byte is a character).
 */
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

static const char *rule_names[TKT_POL_NRULES] = {
	"review-policy", "review-incentive", "off-marketplace", "payment-request"
};

struct pentry {
	int		 rule;
	unsigned	 lineno;
	regex_t		 re;		/* REG_NOSUB: does it match? */
	regex_t		 re_pos;	/* where, for the message */
};

struct plist {
	char		*lang;
	struct pentry	*e;
	size_t		 n;
};

struct tkt_policy {
	struct plist	*l;
	size_t		 n;
};

const char *
tkt_policy_rule_name(int rule)
{
	if (rule < 0 || rule >= TKT_POL_NRULES)
		return "policy";
	return rule_names[rule];
}

static const char *rule_descs[TKT_POL_NRULES] = {
	"asks the buyer to change, remove or improve a review",
	"offers something in exchange for a review",
	"sends the buyer off the marketplace",
	"asks for payment details"
};

const char *
tkt_policy_rule_desc(int rule)
{
	if (rule < 0 || rule >= TKT_POL_NRULES)
		return "breaks the marketplace policy";
	return rule_descs[rule];
}

static size_t decode(const unsigned char *, size_t, unsigned *);

/*
 * Whether the character at text[i] belongs to a word a quote is widened
 * over: letters, digits, e-mail and URL punctuation, letters of alphabets
 * (accented Latin, Greek, Cyrillic) and full-width letters, digits and
 * "@._-".  Kana, kanji and CJK punctuation are not: Japanese has no spaces,
 * and its "word" would be the sentence.
 */
static int
wordchar(const char *text, size_t len, size_t i)
{
	unsigned cp;

	decode((const unsigned char *)text + i, len - i, &cp);
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9') || (cp != 0 && strchr("@._%+-/:", (int)cp) != NULL);
	if (cp >= 0xff01 && cp <= 0xff5e)
		return (cp >= 0xff10 && cp <= 0xff19) ||
		    (cp >= 0xff21 && cp <= 0xff3a) || (cp >= 0xff41 &&
		    cp <= 0xff5a) || cp == 0xff20 || cp == 0xff0e ||
		    cp == 0xff3f || cp == 0xff0d;
	return cp < 0x2000 && cp != 0xfffd;
}

/* The start of the character before text[i]. */
static size_t
char_before(const char *text, size_t i)
{
	size_t j = i - 1;

	while (j > 0 && i - j < 4 && ((unsigned char)text[j] & 0xc0) == 0x80)
		j--;
	return j;
}

/*
 * The whole words around a hit, [*bp, *ep): a rule may match a word's last
 * letter and the dot after it, or the "@" of an address and a letter
 * around it.
 */
static void
word_extent(const char *text, size_t len, const struct tkt_policy_hit *h,
    size_t *bp, size_t *ep)
{
	size_t b = h->off, e = h->off + h->len;

	while (b > 0 && h->off - b < 40 && wordchar(text, len,
	    char_before(text, b)))
		b = char_before(text, b);
	while (e < len && e - (h->off + h->len) < 40 && wordchar(text, len, e)) {
		unsigned cp;

		e += decode((const unsigned char *)text + e, len - e, &cp);
	}
	if (e > len)
		e = len;
	while (e > b && strchr(".:", text[e - 1]) != NULL && e > h->off + h->len)
		e--;
	*bp = b;
	*ep = e;
}

void
tkt_policy_quote(const char *text, size_t len, const struct tkt_policy_hit *h,
    struct tkt_buf *out)
{
	size_t b, e, n;
	int sp = 0;

	word_extent(text, len, h, &b, &e);
	n = e - b > 60 ? 60 : e - b;
	while (n < e - b && n > 0 && ((unsigned char)text[b + n] & 0xc0) == 0x80)
		n--;
	/* The quote stays on one line: blanks collapse to one space. */
	tkt_buf_reset(out);
	tkt_buf_adds(out, "");
	for (size_t j = 0; j < n; j++) {
		char c = text[b + j];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			sp = 1;
		else {
			if (sp && out->len > 0)
				tkt_buf_addc(out, ' ');
			sp = 0;
			tkt_buf_addc(out, c);
		}
	}
}

int
tkt_policy_rule_find(const char *name)
{
	for (int i = 0; i < TKT_POL_NRULES; i++)
		if (strcmp(rule_names[i], name) == 0)
			return i;
	return -1;
}

/*
 * Latin-1 Supplement and Latin Extended-A (U+00C0–U+017F) without their
 * marks, lowercase; "" keeps the character as it is (×, ÷).
 */
static const char *
latin_base(unsigned cp)
{
	static const char *l1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* C0 */
		"e", "e", "e", "e", "i", "i", "i", "i",		/* C8 */
		"d", "n", "o", "o", "o", "o", "o", "",		/* D0 */
		"o", "u", "u", "u", "u", "y", "th", "ss",	/* D8 */
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* E0 */
		"e", "e", "e", "e", "i", "i", "i", "i",		/* E8 */
		"d", "n", "o", "o", "o", "o", "o", "",		/* F0 */
		"o", "u", "u", "u", "u", "y", "th", "y"		/* F8 */
	};
	/* Latin Extended-A by ranges: first code point of each run. */
	static const struct {
		unsigned	 from;
		const char	*base;
	} xa[] = {
		{ 0x100, "a" }, { 0x106, "c" }, { 0x10e, "d" }, { 0x112, "e" },
		{ 0x11c, "g" }, { 0x124, "h" }, { 0x128, "i" }, { 0x132, "ij" },
		{ 0x134, "j" }, { 0x136, "k" }, { 0x139, "l" }, { 0x143, "n" },
		{ 0x14c, "o" }, { 0x152, "oe" }, { 0x154, "r" }, { 0x15a, "s" },
		{ 0x162, "t" }, { 0x168, "u" }, { 0x174, "w" }, { 0x176, "y" },
		{ 0x179, "z" }, { 0x17f, "s" }, { 0x180, NULL }
	};

	if (cp >= 0xc0 && cp < 0x100)
		return l1[cp - 0xc0];
	for (size_t i = 0; xa[i].base != NULL; i++)
		if (cp >= xa[i].from && cp < xa[i + 1].from)
			return xa[i].base;
	return NULL;
}

static int
is_space_cp(unsigned cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xa0 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x3000 ||
	    cp == 0x2028 || cp == 0x2029;
}

/* Decodes one UTF-8 character; an invalid byte is taken as itself. */
static size_t
decode(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t k;
	unsigned c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0)
		k = 2;
	else if ((c & 0xf0) == 0xe0)
		k = 3;
	else if ((c & 0xf8) == 0xf0)
		k = 4;
	else {
		*cp = 0xfffd;
		return 1;
	}
	if (k > n) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = c & (0x7f >> k);
	for (size_t j = 1; j < k; j++) {
		if ((s[j] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		*cp = *cp << 6 | (s[j] & 0x3f);
	}
	return k;
}

void
tkt_policy_fold(const char *text, size_t len, struct tkt_buf *out, size_t **mapp)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t *map = NULL, cap = 0;
	int space = 1;

#define EMIT(c, from) do {						\
	tkt_buf_addc(out, (c));						\
	if (mapp != NULL) {						\
		if (out->len > cap) {					\
			cap = out->len * 2 + 16;			\
			map = xreallocarray(map, cap, sizeof(*map));	\
		}							\
		map[out->len - 1] = (from);				\
	}								\
} while (0)

	tkt_buf_reset(out);
	tkt_buf_grow(out, len + 2);
	if (mapp != NULL) {
		cap = 2 * len + 16;	/* a fold at most doubles a character */
		map = xreallocarray(NULL, cap, sizeof(*map));
	}
	EMIT(' ', 0);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = decode(s + i, len - i, &cp);
		const char *b;

		if (is_space_cp(cp)) {
			if (!space)
				EMIT(' ', i);
			space = 1;
			i += k;
			continue;
		}
		space = 0;
		/* Full-width ASCII (U+FF01-U+FF5E), as Japanese text types it. */
		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xff01 - 0x21;
		/* Hyphens, dashes and the minus sign, as phone numbers use them. */
		else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212)
			cp = '-';
		if (cp < 0x80)
			EMIT(cp >= 'A' && cp <= 'Z' ? (int)cp + 32 : (int)cp, i);
		else if (cp == 0x2018 || cp == 0x2019)
			EMIT('\'', i);
		else if (cp == 0x201c || cp == 0x201d)
			EMIT('"', i);
		else if ((b = latin_base(cp)) != NULL && *b != '\0')
			for (; *b != '\0'; b++)
				EMIT(*b, i);
		else
			for (size_t j = 0; j < k; j++)
				EMIT(s[i + j], i + j);
		i += k;
	}
	if (!space)
		EMIT(' ', len);
#undef EMIT
	if (mapp != NULL)
		*mapp = map;
}

static void
list_free(struct plist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		regfree(&l->e[i].re);
		regfree(&l->e[i].re_pos);
	}
	free(l->e);
	free(l->lang);
}

static int
list_load(struct plist *l, const char *path, const char *lang,
    struct tkt_error *err)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	int rc = 0;

	memset(l, 0, sizeof(*l));
	l->lang = xstrdup(lang);
	if ((fp = fopen(path, "r")) == NULL) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s",
		    strerror(errno));
		tkt_error_where(err, "%s", path);
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		char *tab, *p = line;
		struct pentry *e;
		int rule, ec;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if ((tab = strchr(p, '\t')) == NULL) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "expected RULE<TAB>REGEX");
			rc = -1;
			break;
		}
		*tab++ = '\0';
		if ((rule = tkt_policy_rule_find(p)) == -1) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "unknown rule '%s'", p);
			rc = -1;
			break;
		}
		while (*tab == '\t')
			tab++;
		l->e = xreallocarray(l->e, l->n + 1, sizeof(*l->e));
		e = &l->e[l->n];
		e->rule = rule;
		e->lineno = lineno;
		if ((ec = regcomp(&e->re, tab, REG_EXTENDED | REG_ICASE |
		    REG_NOSUB)) != 0 || (ec = regcomp(&e->re_pos, tab,
		    REG_EXTENDED | REG_ICASE)) != 0) {
			char msg[256];

			regerror(ec, &e->re, msg, sizeof(msg));
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
			    "bad regular expression: %s", msg);
			rc = -1;
			break;
		}
		l->n++;
	}
	if (rc == -1)
		tkt_error_where(err, "%s:%u", path, lineno);
	free(line);
	fclose(fp);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct tkt_policy *
tkt_policy_load(const char *dir, struct tkt_error *err)
{
	struct tkt_policy *p = xcalloc(1, sizeof(*p));
	char *own = NULL, **names = NULL;
	size_t nnames = 0;
	DIR *d;
	struct dirent *de;

	if (dir == NULL)
		dir = own = tkt_datafile("lint");
	if ((d = opendir(dir)) == NULL) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "cannot read the word lists: %s", strerror(errno));
		tkt_error_where(err, "%s", dir);
		free(own);
		free(p);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		const char *nm = de->d_name;

		/* A list is named after its language: "fr", "pt-BR", "any". */
		if (nm[0] == '.' || strspn(nm, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") != strlen(nm))
			continue;
		names = xreallocarray(names, nnames + 1, sizeof(*names));
		names[nnames++] = xstrdup(nm);
	}
	closedir(d);
	if (nnames > 1)
		qsort(names, nnames, sizeof(*names), name_cmp);
	p->l = xcalloc(nnames ? nnames : 1, sizeof(*p->l));
	for (size_t i = 0; i < nnames; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		int rc = list_load(&p->l[p->n], path, names[i], err);

		free(path);
		p->n++;
		if (rc == -1) {
			for (size_t j = i; j < nnames; j++)
				free(names[j]);
			free(names);
			free(own);
			tkt_policy_free(p);
			return NULL;
		}
		free(names[i]);
	}
	free(names);
	free(own);
	return p;
}

void
tkt_policy_free(struct tkt_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		list_free(&p->l[i]);
	free(p->l);
	free(p);
}

static const struct plist *
find_list(const struct tkt_policy *p, const char *lang, size_t n)
{
	for (size_t i = 0; i < p->n; i++)
		if (strlen(p->l[i].lang) == n &&
		    strncasecmp(p->l[i].lang, lang, n) == 0)
			return &p->l[i];
	return NULL;
}

/* A match [so, eo) of the folded text f, as a hit on the original text. */
static void
hit_fill(struct tkt_policy_hit *h, const char *text, size_t len,
    const struct tkt_buf *f, const size_t *map, size_t so, size_t eo)
{
	/*
	 * The spaces the fold added are not in the text, nor is the context
	 * the expression matched around the words (also when it was a
	 * full-width sign, folded to ASCII).
	 */
	while (so + 1 < eo && strchr(" ,.;:!?\"'[]", f->s[so]) != NULL)
		so++;
	while (eo > so + 1 && strchr(" ,.;:!?\"'[]", f->s[eo - 1]) != NULL)
		eo--;
	h->off = so < f->len ? map[so] : len;
	h->len = eo > so ? map[eo - 1] + 1 - h->off : 0;
	if (h->off > len)
		h->off = len;
	if (h->off + h->len > len)
		h->len = len - h->off;
	/*
	 * A boundary such as [^a-z0-9] may have matched the last byte of a
	 * character (Japanese punctuation before a number): start after it.
	 */
	while (h->len > 1 && ((unsigned char)text[h->off] & 0xc0) == 0x80) {
		h->off++;
		h->len--;
	}
	/*
	 * Context the expression matched around the words is not quoted; an
	 * opening parenthesis closed inside the match is ("(020) 123 4567").
	 */
	while (h->len > 1 && strchr(" ,.;:!?\"'()[]", text[h->off]) != NULL &&
	    (text[h->off] != '(' || memchr(text + h->off, ')', h->len) == NULL)) {
		h->off++;
		h->len--;
	}
	while (h->len > 1 && strchr(" ,.;:!?\"'()[]",
	    text[h->off + h->len - 1]) != NULL)
		h->len--;
	/*
	 * End on a whole character: one matched in part was matched by a
	 * boundary ([^a-z0-9] takes one byte of it) and is left out.
	 */
	if (h->off + h->len < len &&
	    ((unsigned char)text[h->off + h->len] & 0xc0) == 0x80) {
		size_t e = h->off + h->len;

		while (e > h->off && ((unsigned char)text[e] & 0xc0) == 0x80)
			e--;
		if (e > h->off)
			h->len = e - h->off;
		else
			while (h->off + h->len < len && ((unsigned char)
			    text[h->off + h->len] & 0xc0) == 0x80)
				h->len++;
	}
	while (h->len > 1 && strchr(" ,.;:!?\"'()[]",
	    text[h->off + h->len - 1]) != NULL)
		h->len--;
}

struct found {
	struct tkt_policy_hit	 h;
	size_t			 order;	/* list, then line: ties in place */
	size_t			 wb, we; /* the words it quotes */
};

static int
found_cmp(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->h.off != y->h.off)
		return x->h.off < y->h.off ? -1 : 1;
	if (x->h.rule != y->h.rule)
		return x->h.rule < y->h.rule ? -1 : 1;
	/* Of two matches at one place, the longer one is quoted. */
	if (x->h.len != y->h.len)
		return x->h.len > y->h.len ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

size_t
tkt_policy_check(const struct tkt_policy *p, const char *text, size_t len,
    const char *locale, struct tkt_policy_hit *hits, size_t maxhits)
{
	const struct plist *lang = NULL;
	struct tkt_buf f;
	size_t *map = NULL, nf = 0, capf = 0, order = 0, nhits = 0;
	size_t end[TKT_POL_NRULES];
	struct found *fd = NULL;
	int any[TKT_POL_NRULES] = { 0 };

	if (locale != NULL && strcmp(locale, "und") != 0)
		lang = find_list(p, locale, strcspn(locale, "-_"));
	tkt_buf_init(&f);
	tkt_policy_fold(text, len, &f, &map);
	for (size_t i = 0; i < p->n; i++) {
		const struct plist *l = &p->l[i];

		if (lang != NULL && l != lang && strcmp(l->lang, "any") != 0)
			continue;
		for (size_t j = 0; j < l->n; j++, order++) {
			const struct pentry *e = &l->e[j];
			regmatch_t m[1];
			size_t pos = 0;

			if (regexec(&e->re, f.s, 0, NULL, 0) != 0)
				continue;
			/*
			 * Every match: the next search starts on the last
			 * byte of this one, which may be the boundary (a
			 * space) the next match begins with.
			 */
			while (pos < f.len && regexec(&e->re_pos, f.s + pos, 1,
			    m, pos > 0 ? REG_NOTBOL : 0) == 0) {
				size_t so = pos + (size_t)m[0].rm_so;
				size_t eo = pos + (size_t)m[0].rm_eo;

				if (nf == capf) {
					capf = capf ? capf * 2 : 16;
					fd = xreallocarray(fd, capf, sizeof(*fd));
				}
				hit_fill(&fd[nf].h, text, len, &f, map, so, eo);
				fd[nf].h.rule = e->rule;
				fd[nf].h.list = l->lang;
				fd[nf].h.lineno = e->lineno;
				fd[nf].order = order;
				word_extent(text, len, &fd[nf].h, &fd[nf].wb,
				    &fd[nf].we);
				nf++;
				pos = eo > so + 1 ? eo - 1 : so + 1;
			}
		}
	}
	if (nf > 1)
		qsort(fd, nf, sizeof(*fd), found_cmp);
	/*
	 * Matches of one rule that overlap, by several lines or one, are one;
	 * so are matches within the words one quote shows ("www." and ".nl" of
	 * www.shop.nl).
	 */
	for (size_t i = 0; i < nf; i++) {
		const struct tkt_policy_hit *h = &fd[i].h;

		if (any[h->rule] && fd[i].wb < end[h->rule]) {
			if (fd[i].we > end[h->rule])
				end[h->rule] = fd[i].we;
			continue;
		}
		any[h->rule] = 1;
		end[h->rule] = fd[i].we > fd[i].wb ? fd[i].we : fd[i].wb + 1;
		if (nhits < maxhits)
			hits[nhits] = *h;
		nhits++;
	}
	free(fd);
	free(map);
	tkt_buf_free(&f);
	return nhits;
}
