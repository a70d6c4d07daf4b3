/*
 * journal.c: the journal of confirmed actions, so that a re-run (after a
 * crash, from cron, by a colleague) does not answer a buyer twice.  One
 * tab-separated line per action: store, ticket, action, the waiting_since
 * it answered ("-" for none), the text's hash, the time.  A writer holds
 * an exclusive flock(2) for its whole run: concurrent runs wait, and the
 * second sees what the first did.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tkt.h"

#define NBUCKET 4096

struct jent {
	char		*key;
	struct jent	*next;
};

struct tkt_journal {
	char		*path;
	int		 fd;
	int		 dirty;		/* written since the last fsync */
	struct jent	*b[NBUCKET];
};

void
tkt_text_hash(const char *s, size_t n, char out[17])
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static unsigned
bucket(const char *k)
{
	char h[17];

	tkt_text_hash(k, strlen(k), h);
	return (unsigned)strtoul(h + 12, NULL, 16) % NBUCKET;
}

static char *
mkkey(const char *store, const char *ticket, const char *action,
    const char *waiting, const char *hash)
{
	return xasprintf("%s\t%s\t%s\t%s\t%s", store, ticket, action,
	    waiting && *waiting ? waiting : "-", hash);
}

static void
put(struct tkt_journal *j, char *key)
{
	unsigned i = bucket(key);
	struct jent *e = xmalloc(sizeof(*e));

	e->key = key;
	e->next = j->b[i];
	j->b[i] = e;
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

/* Reads every line; a line that is not ours is ignored. */
static int
load(struct tkt_journal *j, struct tkt_error *err)
{
	struct tkt_buf b;
	char chunk[65536];
	ssize_t n;

	tkt_buf_init(&b);
	if (lseek(j->fd, 0, SEEK_SET) == -1)
		goto fail;
	while ((n = read(j->fd, chunk, sizeof(chunk))) > 0)
		tkt_buf_add(&b, chunk, (size_t)n);
	if (n == -1)
		goto fail;
	for (char *p = b.s, *nl; p < b.s + b.len; p = nl + 1) {
		char *t;

		if ((nl = memchr(p, '\n', (size_t)(b.s + b.len - p))) == NULL)
			break;	/* a torn last line */
		*nl = '\0';
		/* The key is the first five fields; the time is not part of it. */
		if ((t = strrchr(p, '\t')) != NULL && t > p) {
			int tabs = 0;

			for (char *q = p; q < t; q++)
				tabs += *q == '\t';
			if (tabs == 4)
				put(j, xstrndup(p, (size_t)(t - p)));
		}
	}
	tkt_buf_free(&b);
	return 0;
fail:
	tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s: %s", j->path,
	    strerror(errno));
	tkt_buf_free(&b);
	return -1;
}

struct tkt_journal *
tkt_journal_open(const char *path, int readonly, int *waited,
    struct tkt_error *err)
{
	struct tkt_journal *j = xcalloc(1, sizeof(*j));

	*waited = 0;
	j->path = path ? xstrdup(path) : default_path();
	j->fd = -1;
	if (readonly) {
		if ((j->fd = open(j->path, O_RDONLY | O_CLOEXEC)) == -1) {
			if (errno == ENOENT)
				return j;
			goto fail;
		}
		if (flock(j->fd, LOCK_SH | LOCK_NB) == -1) {
			*waited = 1;
			if (flock(j->fd, LOCK_SH) == -1)
				goto fail;
		}
	} else {
		if (mkdirs(j->path) == -1)
			goto fail;
		if ((j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
		    0600)) == -1)
			goto fail;
		if (flock(j->fd, LOCK_EX | LOCK_NB) == -1) {
			*waited = 1;
			if (flock(j->fd, LOCK_EX) == -1)
				goto fail;
		}
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

void
tkt_journal_close(struct tkt_journal *j)
{
	if (j == NULL)
		return;
	if (j->dirty)
		(void)fsync(j->fd);
	if (j->fd != -1)
		close(j->fd);	/* releases the lock */
	for (size_t i = 0; i < NBUCKET; i++)
		for (struct jent *e = j->b[i], *n; e != NULL; e = n) {
			n = e->next;
			free(e->key);
			free(e);
		}
	free(j->path);
	free(j);
}

int
tkt_journal_has(const struct tkt_journal *j, const char *store,
    const char *ticket, const char *action, const char *waiting,
    const char *hash)
{
	char *k = mkkey(store, ticket, action, waiting, hash);
	int found = 0;

	for (struct jent *e = j->b[bucket(k)]; e != NULL && !found; e = e->next)
		found = strcmp(e->key, k) == 0;
	free(k);
	return found;
}

int
tkt_journal_add(struct tkt_journal *j, const char *store, const char *ticket,
    const char *action, const char *waiting, const char *hash, time_t at,
    struct tkt_error *err)
{
	char *k = mkkey(store, ticket, action, waiting, hash), *line;
	char ts[21];
	size_t len, off = 0;
	ssize_t n;

	line = xasprintf("%s\t%s\n", k, tkt_time_format(at, ts));
	len = strlen(line);
	put(j, k);
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
	tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "journal %s: %s", j->path,
	    strerror(errno));
	free(line);
	return -1;
}

int
tkt_journal_dirty(const struct tkt_journal *j)
{
	return j->dirty;
}

int
tkt_journal_sync(struct tkt_journal *j, struct tkt_error *err)
{
	if (!j->dirty)
		return 0;
	if (fsync(j->fd) == -1) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "journal %s: %s",
		    j->path, strerror(errno));
		return -1;
	}
	j->dirty = 0;
	return 0;
}
