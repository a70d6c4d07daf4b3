/*
 * journal.c: the journal of writes, so that a re-run (after a crash, from
 * cron, by a colleague) does not answer a buyer or refund an order twice.
 * One tab-separated line per state a write reached: store, ticket,
 * action, the time it acted on ("-" for none), the text's hash, the time,
 * and (format 2) the state: intent, requested, done or failed.  A line of
 * format 1 has no state field and says done: older versions wrote only
 * confirmed actions.  The last line of a write says where it stands.
 *
 * Runs share the file without holding it for long: a run claims a ticket
 * (a write lock on one byte far past the end, chosen by the ticket's
 * hash) before it checks the journal for it and holds the claim until it
 * is done with it.  Two runs on the same tickets take turns ticket by
 * ticket, and the second sees what the first did; two tools in one
 * pipeline never wait for each other, since the first is done with a
 * ticket before the second reads it.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tkt.h"

#define NBUCKET0 1024	/* buckets at first; doubled as lines come */
#define CLAIMBASE ((off_t)1 << 40)	/* claim bytes start here */
#define CLAIMSPAN ((off_t)1 << 30)

struct jent {
	char		*key;
	int		 state;		/* enum tkt_jstate */
	struct jent	*next;
};

static const char *const state_names[] = { "none", "intent", "requested",
    "done", "failed" };

struct tkt_journal {
	char		*path;
	int		 fd, readonly, dirty;
	off_t		 off;		/* bytes read so far (whole lines) */
	struct jent	**b;		/* nb buckets, a power of two */
	size_t		 nb, n;		/* buckets, entries */
	char		**claimed;	/* "store\tticket" claimed by this run */
	size_t		 nclaimed;
};

/* FNV-1a, 64 bits. */
static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
tkt_text_hash(const char *s, size_t n, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)fnv1a(s, n));
}

static size_t
bucket(const struct tkt_journal *j, const char *k)
{
	return (size_t)fnv1a(k, strlen(k)) & (j->nb - 1);
}

/* Doubles the buckets, keeping chains short however long the journal. */
static void
grow(struct tkt_journal *j)
{
	struct jent **old = j->b;
	size_t onb = j->nb;

	j->nb = onb ? onb * 2 : NBUCKET0;
	j->b = xcalloc(j->nb, sizeof(*j->b));
	for (size_t i = 0; i < onb; i++)
		for (struct jent *e = old[i], *n; e != NULL; e = n) {
			size_t k = bucket(j, e->key);

			n = e->next;
			e->next = j->b[k];
			j->b[k] = e;
		}
	free(old);
}

static char *
mkkey(const char *store, const char *ticket, const char *action,
    const char *waiting, const char *hash)
{
	return xasprintf("%s\t%s\t%s\t%s\t%s", store, ticket, action,
	    waiting && *waiting ? waiting : "-", hash);
}

static struct jent *
find(const struct tkt_journal *j, const char *key)
{
	if (j->nb == 0)
		return NULL;
	for (struct jent *e = j->b[bucket(j, key)]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* The latest line of a write wins; steals key. */
static void
put(struct tkt_journal *j, char *key, int state)
{
	struct jent *e = find(j, key);
	size_t i;

	if (e != NULL) {
		e->state = state;
		free(key);
		return;
	}
	e = xmalloc(sizeof(*e));
	if (j->n >= j->nb)
		grow(j);
	i = bucket(j, key);
	j->n++;
	e->key = key;
	e->state = state;
	e->next = j->b[i];
	j->b[i] = e;
}

const char *
tkt_jstate_name(int state)
{
	return state >= 0 && state <= TKT_JS_FAILED ? state_names[state] : "none";
}

static int
mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static char *
default_path(void)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (x != NULL && *x == '/')
		return xasprintf("%s/tkt/journal", x);
	return xasprintf("%s/.local/state/tkt/journal", home ? home : ".");
}

/*
 * Reads the lines added since the last call (all of them at first); a
 * line that is not ours is ignored, a last line without its newline is
 * left for later (tkt_journal_add ends a torn one before its own).
 */
static int
load(struct tkt_journal *j, struct tkt_error *err)
{
	struct tkt_buf b;
	char chunk[65536];
	ssize_t n;
	off_t at = j->off;

	if (j->fd == -1)
		return 0;
	tkt_buf_init(&b);
	while ((n = pread(j->fd, chunk, sizeof(chunk), at)) > 0) {
		tkt_buf_add(&b, chunk, (size_t)n);
		at += n;
	}
	if (n == -1) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "journal %s: %s",
		    j->path, strerror(errno));
		tkt_buf_free(&b);
		return -1;
	}
	for (char *p = b.s, *nl; b.len > 0 && p < b.s + b.len; p = nl + 1) {

		if ((nl = memchr(p, '\n', (size_t)(b.s + b.len - p))) == NULL)
			break;
		j->off += nl + 1 - p;
		*nl = '\0';
		/*
		 * The key is the first five fields; the time is not part of
		 * it; a seventh field is the state (format 2).
		 */
		int tabs = 0, state = TKT_JS_DONE;
		char *t = NULL, *st = NULL;

		for (char *q = p; *q != '\0'; q++)
			if (*q == '\t' && ++tabs == 5)
				t = q;
			else if (*q == '\t' && tabs == 6)
				st = q + 1;
		if (tabs == 6) {
			state = TKT_JS_NONE;
			for (int k = TKT_JS_INTENT; k <= TKT_JS_FAILED; k++)
				if (strcmp(st, state_names[k]) == 0)
					state = k;
		}
		if ((tabs == 5 || tabs == 6) && state != TKT_JS_NONE && t > p)
			put(j, xstrndup(p, (size_t)(t - p)), state);
	}
	tkt_buf_free(&b);
	return 0;
}

struct tkt_journal *
tkt_journal_open(const char *path, int readonly, struct tkt_error *err)
{
	struct tkt_journal *j = xcalloc(1, sizeof(*j));

	j->path = path ? xstrdup(path) : default_path();
	j->fd = -1;
	j->readonly = readonly;
	if (readonly) {
		if ((j->fd = open(j->path, O_RDONLY | O_CLOEXEC)) == -1 &&
		    errno != ENOENT)
			goto fail;
	} else {
		if (mkdirs(j->path) == -1)
			goto fail;
		if ((j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
		    0600)) == -1)
			goto fail;
	}
	if (load(j, err) == -1) {
		tkt_journal_close(j);
		return NULL;
	}
	return j;
fail:
	tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "journal %s: %s",
	    j->path, strerror(errno));
	tkt_journal_close(j);
	return NULL;
}

/* The claims of this run are few (the jobs in flight): a list will do. */
static ssize_t
claimed_at(const struct tkt_journal *j, const char *key)
{
	for (size_t i = 0; i < j->nclaimed; i++)
		if (strcmp(j->claimed[i], key) == 0)
			return (ssize_t)i;
	return -1;
}

static off_t
claim_byte(const char *key)
{
	char h[17];

	tkt_text_hash(key, strlen(key), h);
	return CLAIMBASE + (off_t)(strtoull(h + 8, NULL, 16) % (uint64_t)CLAIMSPAN);
}

int
tkt_journal_claim(struct tkt_journal *j, const char *store,
    const char *ticket, struct tkt_error *err)
{
	char *key = xasprintf("%s\t%s", store, ticket);
	struct flock fl;

	if (claimed_at(j, key) != -1) {
		free(key);
		return 1;
	}
	if (!j->readonly) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		fl.l_start = claim_byte(key);
		fl.l_len = 1;
		if (fcntl(j->fd, F_SETLK, &fl) == -1) {
			free(key);
			if (errno == EACCES || errno == EAGAIN)
				return 1;
			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
			    "journal %s: %s", j->path, strerror(errno));
			return -1;
		}
	}
	j->claimed = xreallocarray(j->claimed, j->nclaimed + 1,
	    sizeof(*j->claimed));
	j->claimed[j->nclaimed++] = key;
	/* What other runs did meanwhile. */
	return load(j, err);
}

void
tkt_journal_release(struct tkt_journal *j, const char *store,
    const char *ticket)
{
	char *key = xasprintf("%s\t%s", store, ticket);
	ssize_t i = claimed_at(j, key);
	struct flock fl;

	if (i != -1) {
		free(j->claimed[i]);
		j->claimed[i] = j->claimed[--j->nclaimed];
	}
	if (i != -1 && !j->readonly) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_UNLCK;
		fl.l_whence = SEEK_SET;
		fl.l_start = claim_byte(key);
		fl.l_len = 1;
		fcntl(j->fd, F_SETLK, &fl);
	}
	free(key);
}

void
tkt_journal_close(struct tkt_journal *j)
{
	if (j == NULL)
		return;
	if (j->fd != -1) {
		if (j->dirty)
			fsync(j->fd);
		close(j->fd);	/* releases the claims */
	}
	for (size_t i = 0; i < j->nb; i++)
		for (struct jent *e = j->b[i], *n; e != NULL; e = n) {
			n = e->next;
			free(e->key);
			free(e);
		}
	free(j->b);
	for (size_t i = 0; i < j->nclaimed; i++)
		free(j->claimed[i]);
	free(j->claimed);
	free(j->path);
	free(j);
}

int
tkt_journal_state(const struct tkt_journal *j, const char *store,
    const char *ticket, const char *action, const char *waiting,
    const char *hash)
{
	char *k = mkkey(store, ticket, action, waiting, hash);
	const struct jent *e = find(j, k);

	free(k);
	return e != NULL ? e->state : TKT_JS_NONE;
}

int
tkt_journal_add(struct tkt_journal *j, const char *store, const char *ticket,
    const char *action, const char *waiting, const char *hash, int state,
    time_t at, struct tkt_error *err)
{
	char *k = mkkey(store, ticket, action, waiting, hash), *line;
	char ts[21], last;
	struct stat st;
	size_t len, off = 0;
	ssize_t n;

	/*
	 * A line another run left torn (a crash, a full disk) is ended
	 * first, so that ours stands alone.
	 */
	if (fstat(j->fd, &st) == 0 && st.st_size > 0 &&
	    pread(j->fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
		line = xasprintf("\n%s\t%s\t%s\n", k, tkt_time_format(at, ts),
		    state_names[state]);
	else
		line = xasprintf("%s\t%s\t%s\n", k, tkt_time_format(at, ts),
		    state_names[state]);
	len = strlen(line);
	put(j, k, state);
	while (off < len) {
		if ((n = write(j->fd, line + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	j->dirty = 1;
	free(line);
	return 0;
fail:
	tkt_error_set(err, TKT_EXIT_SYSTEM, TKT_E_LOCAL, "journal %s: %s",
	    j->path, strerror(errno));
	free(line);
	return -1;
}

int
tkt_journal_sync(struct tkt_journal *j, struct tkt_error *err)
{
	if (j == NULL || !j->dirty)
		return 0;
	j->dirty = 0;
	if (fsync(j->fd) == -1) {
		tkt_error_set(err, TKT_EXIT_SYSTEM, TKT_E_LOCAL,
		    "journal %s: fsync: %s",
		    j->path, strerror(errno));
		return -1;
	}
	return 0;
}
