/*
 * sandbox_store.c: the sandbox's tickets.  Each ticket is kept as its record
 * line, bytes as written, plus a small index (id, state); 200,000 tickets
 * cost their lines and a few megabytes more.  Ticket and order ids are found
 * through open-addressing hash tables; the tickets awaiting the merchant are
 * kept in a sorted array so that a v2 page is an offset into it.  Each
 * ticket's state, type and updated_at are kept beside it for v3's queries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox_priv.h"

#define IDLEN 32
#define CHUNK (4 << 20)
#define NSTATES 5
#define NTYPES 3

const char *const tkt_sb_states[NSTATES] = {
	"AWAITING_MERCHANT", "AWAITING_USER", "AWAITING_WISH", "CLOSED",
	"PERMANENTLY_CLOSED"
};
const char *const tkt_sb_types[NTYPES] = {
	"ORDER", "PRE_PURCHASE", "POST_CUSTOMER_SUPPORT"
};

/* What the store keeps of a ticket besides its line. */
struct meta {
	const char	*id;
	int64_t		 updated;
	uint8_t		 state, type;
};

struct sbt {
	char		*line;
	uint32_t	 len;
	int64_t		 updated;	/* updated_at, or INT64_MIN */
	uint8_t		 state;		/* index in tkt_sb_states */
	uint8_t		 type;		/* index in tkt_sb_types, or NTYPES */
	uint8_t		 awaiting;	/* state is AWAITING_MERCHANT */
	uint8_t		 heap;		/* line was malloc'd, not in an arena chunk */
	char		 id[IDLEN];
};

struct oent {
	uint32_t	 t1;		/* ticket index + 1; 0 is empty */
	char		 id[IDLEN];
};

struct tkt_sbstore {
	struct sbt	*t;
	size_t		 n, cap;
	uint32_t	*ids;		/* ticket index + 1; 0 is empty */
	size_t		 idcap;
	struct oent	*ord;
	size_t		 nord, ordcap;
	uint32_t	*aw;		/* sorted ticket indexes */
	size_t		 naw, awcap;
	char		**chunks;	/* arena for lines that are never freed alone */
	size_t		 nchunks, chunkused;
	int		 logfd;
	char		*logpath;
	struct tkt_rec	 rec;
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

struct tkt_sbstore *
tkt_sbstore_new(void)
{
	struct tkt_sbstore *s = xcalloc(1, sizeof(*s));

	s->logfd = -1;
	tkt_rec_init(&s->rec);
	return s;
}

void
tkt_sbstore_free(struct tkt_sbstore *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].heap)
			free(s->t[i].line);
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
	free(s->t);
	free(s->ids);
	free(s->ord);
	free(s->aw);
	if (s->logfd != -1)
		close(s->logfd);
	free(s->logpath);
	tkt_rec_free(&s->rec);
	free(s);
}

static size_t
id_slot(const struct tkt_sbstore *s, const char *id)
{
	size_t m = s->idcap - 1, i = (size_t)hash(id) & m;

	while (s->ids[i] != 0 && strcmp(s->t[s->ids[i] - 1].id, id) != 0)
		i = (i + 1) & m;
	return i;
}

static void
ids_grow(struct tkt_sbstore *s)
{
	uint32_t *old = s->ids;
	size_t oldcap = s->idcap;

	s->idcap = oldcap ? oldcap * 2 : 1024;
	s->ids = xcalloc(s->idcap, sizeof(*s->ids));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != 0)
			s->ids[id_slot(s, s->t[old[i] - 1].id)] = old[i];
	free(old);
}

static size_t
ord_slot(const struct tkt_sbstore *s, const char *id)
{
	size_t m = s->ordcap - 1, i = (size_t)hash(id) & m;

	while (s->ord[i].t1 != 0 && strcmp(s->ord[i].id, id) != 0)
		i = (i + 1) & m;
	return i;
}

static void
ord_put(struct tkt_sbstore *s, const char *id, size_t ti)
{
	size_t i;

	if ((s->nord + 1) * 2 > s->ordcap) {
		struct oent *old = s->ord;
		size_t oldcap = s->ordcap;

		s->ordcap = oldcap ? oldcap * 2 : 1024;
		s->ord = xcalloc(s->ordcap, sizeof(*s->ord));
		for (size_t j = 0; j < oldcap; j++)
			if (old[j].t1 != 0)
				s->ord[ord_slot(s, old[j].id)] = old[j];
		free(old);
	}
	i = ord_slot(s, id);
	if (s->ord[i].t1 == 0) {
		s->nord++;
		snprintf(s->ord[i].id, IDLEN, "%s", id);
	}
	s->ord[i].t1 = (uint32_t)ti + 1;
}

/* Position of ticket index ti in the sorted awaiting array (or where it goes). */
static size_t
aw_pos(const struct tkt_sbstore *s, uint32_t ti)
{
	size_t lo = 0, hi = s->naw;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->aw[mid] < ti)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
aw_set(struct tkt_sbstore *s, size_t ti, int on)
{
	size_t p;

	if (s->t[ti].awaiting == on)
		return;
	s->t[ti].awaiting = on;
	p = aw_pos(s, (uint32_t)ti);
	if (on) {
		if (s->naw == s->awcap) {
			s->awcap = s->awcap ? s->awcap * 2 : 1024;
			s->aw = xreallocarray(s->aw, s->awcap, sizeof(*s->aw));
		}
		memmove(s->aw + p + 1, s->aw + p, (s->naw - p) * sizeof(*s->aw));
		s->aw[p] = (uint32_t)ti;
		s->naw++;
	} else {
		memmove(s->aw + p, s->aw + p + 1, (s->naw - p - 1) * sizeof(*s->aw));
		s->naw--;
	}
}

/* Parses line into s->rec and checks what the store needs. */
static int
check(struct tkt_sbstore *s, const char *line, size_t len, struct meta *m,
    struct tkt_error *err)
{
	const char *state, *type, *up;
	time_t t;
	size_t i;

	if (tkt_rec_parse(&s->rec, line, len, TKT_RD_TREE, err) == -1)
		return -1;
	m->id = tkt_rec_field(&s->rec, "id");
	if (m->id == NULL || *m->id == '\0' || strlen(m->id) >= IDLEN) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "a ticket needs an \"id\" string (at most %d bytes)",
		    IDLEN - 1);
		return -1;
	}
	state = tkt_rec_field(&s->rec, "state");
	for (i = 0; state != NULL && i < NSTATES; i++)
		if (strcmp(state, tkt_sb_states[i]) == 0)
			break;
	if (state == NULL || i == NSTATES) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "ticket %s: \"state\" is not a known state", m->id);
		return -1;
	}
	m->state = (uint8_t)i;
	type = tkt_rec_field(&s->rec, "type");
	for (i = 0; type != NULL && i < NTYPES; i++)
		if (strcmp(type, tkt_sb_types[i]) == 0)
			break;
	m->type = (uint8_t)(type != NULL ? i : NTYPES);
	up = tkt_rec_field(&s->rec, "updated_at");
	m->updated = up != NULL && tkt_time_parse(up, &t) == 0 ? (int64_t)t :
	    INT64_MIN;
	return 0;
}

static void
set_meta(struct sbt *t, const struct meta *m)
{
	t->updated = m->updated;
	t->state = m->state;
	t->type = m->type;
}

static void
index_orders(struct tkt_sbstore *s, size_t ti)
{
	const struct tkt_jnode *o = tkt_rec_get(&s->rec, &s->rec.nodes[0],
	    "orders");

	if (o == NULL || o->type != TKT_J_ARRAY)
		return;
	for (o = tkt_rec_child(&s->rec, o); o != NULL;
	    o = tkt_rec_next(&s->rec, o)) {
		const char *oid = tkt_rec_str(&s->rec,
		    tkt_rec_get(&s->rec, o, "id"), NULL);

		if (oid != NULL && *oid != '\0' && strlen(oid) < IDLEN)
			ord_put(s, oid, ti);
	}
}

/*
 * Loaded and generated lines go into big chunks: a malloc per line costs
 * more than the parse at 200,000 tickets.  Updated lines are malloc'd.
 */
static char *
arena_copy(struct tkt_sbstore *s, const char *line, size_t len, uint8_t *heap)
{
	char *p;

	if (len + 1 > CHUNK / 16) {
		*heap = 1;
		return xstrndup(line, len);
	}
	if (s->nchunks == 0 || s->chunkused + len + 1 > CHUNK) {
		s->chunks = xreallocarray(s->chunks, s->nchunks + 1,
		    sizeof(*s->chunks));
		s->chunks[s->nchunks++] = xmalloc(CHUNK);
		s->chunkused = 0;
	}
	p = s->chunks[s->nchunks - 1] + s->chunkused;
	memcpy(p, line, len);
	p[len] = '\0';
	s->chunkused += len + 1;
	*heap = 0;
	return p;
}

int
tkt_sbstore_put(struct tkt_sbstore *s, const char *line, size_t len,
    struct tkt_error *err)
{
	struct meta m;
	size_t slot, ti;

	if (check(s, line, len, &m, err) == -1)
		return -1;
	if ((s->n + 1) * 2 > s->idcap)
		ids_grow(s);
	slot = id_slot(s, m.id);
	if (s->ids[slot] != 0) {
		ti = s->ids[slot] - 1;
		if (s->t[ti].heap)
			free(s->t[ti].line);
	} else {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->t = xreallocarray(s->t, s->cap, sizeof(*s->t));
		}
		ti = s->n++;
		memset(&s->t[ti], 0, sizeof(s->t[ti]));
		snprintf(s->t[ti].id, IDLEN, "%s", m.id);
		s->ids[slot] = (uint32_t)ti + 1;
	}
	s->t[ti].line = arena_copy(s, line, len, &s->t[ti].heap);
	s->t[ti].len = (uint32_t)len;
	set_meta(&s->t[ti], &m);
	aw_set(s, ti, m.state == 0);
	index_orders(s, ti);
	return 0;
}

struct load {
	struct tkt_sbstore	*s;
	struct tkt_error	*err;
	int			 failed;
};

static int
load_one(struct tkt_rec *rec, void *arg)
{
	struct load *l = arg;

	if (tkt_sbstore_put(l->s, rec->line, rec->len, l->err) == 0)
		return TKT_EXIT_OK;
	tkt_error_where(l->err, "%s:%ju", rec->name, rec->lineno);
	l->failed = 1;
	return -1;
}

int
tkt_sbstore_load(struct tkt_sbstore *s, const char *path,
    struct tkt_error *err)
{
	struct load l = { s, err, 0 };
	char *paths[1];
	struct tkt_loop *rd;
	int fd, status;

	/* The loop would skip an unreadable file; say so instead. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s: %s", path,
		    strerror(errno));
		return -1;
	}
	close(fd);
	paths[0] = (char *)path;
	rd = tkt_loop_new(paths, 1, 0);
	status = tkt_loop_run(rd, load_one, &l);
	tkt_loop_free(rd);
	if (!l.failed && status != TKT_EXIT_OK)
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s: bad "
		    "lines (above); nothing is served", path);
	if (l.failed || status != TKT_EXIT_OK) {
		err->status = TKT_EXIT_USAGE;
		err->kind = TKT_E_USAGE;
		return -1;
	}
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
in_use(const char *path, struct tkt_error *err)
{
	tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s: another "
	    "tkt-sandbox is using this store file (one sandbox a file)", path);
}

/*
 * The store file is locked (flock) by the sandbox serving it, from before
 * it is read until the sandbox exits; the lock is on the log's descriptor.
 * A save writes a new file, locks it and puts it in place, and that file's
 * descriptor becomes the log: the lock moves with the name.
 */
int
tkt_sbstore_claim(struct tkt_sbstore *s, const char *path,
    struct tkt_error *err)
{
	struct stat a, b;

	for (int tries = 0; tries < 10; tries++) {
		int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

		if (fd == -1 && errno == ENOENT)
			return 0;
		if (fd == -1) {
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s: %s",
			    path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno == EWOULDBLOCK)
				in_use(path, err);
			else
				tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
				    "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		/* Locked; but is it still the file of that name? */
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			s->logfd = fd;
			free(s->logpath);
			s->logpath = xstrdup(path);
			return 1;
		}
		close(fd);
	}
	in_use(path, err);
	return -1;
}

int
tkt_sbstore_save(struct tkt_sbstore *s, const char *path,
    struct tkt_error *err)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	struct tkt_buf b;
	struct stat st;
	int fd, bad = 0, taken = 0;

	/*
	 * A new file only, never one that is there (a link to another file
	 * least of all), that nobody else can read while it is written; it
	 * takes the mode of the file it replaces.
	 */
	if ((fd = open(tmp, O_WRONLY | O_APPEND | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s: %s", tmp,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	bad = flock(fd, LOCK_EX | LOCK_NB) == -1;
	tkt_buf_init(&b);
	for (size_t i = 0; i < s->n && !bad; i++) {
		tkt_buf_add(&b, s->t[i].line, s->t[i].len);
		tkt_buf_addc(&b, '\n');
		if (b.len >= (1 << 20) || i + 1 == s->n) {
			bad = write_all(fd, b.s, b.len) == -1;
			tkt_buf_reset(&b);
		}
	}
	tkt_buf_free(&b);
	if (!bad && s->logfd != -1 && fstat(s->logfd, &st) == 0)
		bad = fchmod(fd, st.st_mode & 07777) == -1;
	if (!bad)
		bad = fsync(fd) == -1;
	/*
	 * Over the file this sandbox holds; else (a new store) only where
	 * there is none, since another sandbox may have made one meanwhile.
	 */
	if (!bad && s->logfd != -1)
		bad = rename(tmp, path) == -1;
	else if (!bad && link(tmp, path) == -1) {
		taken = errno == EEXIST;
		bad = 1;
	} else if (!bad)
		unlink(tmp);
	if (bad) {
		if (taken)
			in_use(path, err);
		else
			tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE, "%s: %s",
			    path, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	if (s->logfd != -1)
		close(s->logfd);
	s->logfd = fd;
	if (s->logpath == NULL)
		s->logpath = xstrdup(path);
	return 0;
}

long
tkt_sbstore_find(const struct tkt_sbstore *s, const char *id)
{
	size_t slot;

	if (s->idcap == 0)
		return -1;
	slot = id_slot(s, id);
	return s->ids[slot] ? (long)s->ids[slot] - 1 : -1;
}

long
tkt_sbstore_find_order(const struct tkt_sbstore *s, const char *id)
{
	size_t slot;

	if (s->ordcap == 0)
		return -1;
	slot = ord_slot(s, id);
	return s->ord[slot].t1 ? (long)s->ord[slot].t1 - 1 : -1;
}

size_t
tkt_sbstore_count(const struct tkt_sbstore *s)
{
	return s->n;
}

const char *
tkt_sbstore_line(const struct tkt_sbstore *s, long i, size_t *len)
{
	*len = s->t[i].len;
	return s->t[i].line;
}

size_t
tkt_sbstore_nawaiting(const struct tkt_sbstore *s)
{
	return s->naw;
}

long
tkt_sbstore_awaiting(const struct tkt_sbstore *s, size_t pos)
{
	return pos < s->naw ? (long)s->aw[pos] : -1;
}

int
tkt_sbstore_update(struct tkt_sbstore *s, long i, const char *line,
    size_t len, struct tkt_error *err)
{
	struct meta m;

	if (check(s, line, len, &m, err) == -1)
		return -1;
	if (strcmp(m.id, s->t[i].id) != 0) {
		tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL,
		    "ticket %s: an update may not change the id", s->t[i].id);
		return -1;
	}
	if (s->logfd != -1) {
		struct tkt_buf b;
		int bad;

		tkt_buf_init(&b);
		tkt_buf_add(&b, line, len);
		tkt_buf_addc(&b, '\n');
		bad = write_all(s->logfd, b.s, b.len);
		tkt_buf_free(&b);
		if (bad == -1) {
			tkt_error_set(err, TKT_EXIT_NO, TKT_E_LOCAL, "%s: %s",
			    s->logpath, strerror(errno));
			return -1;
		}
	}
	if (s->t[i].heap)
		free(s->t[i].line);
	s->t[i].line = xstrndup(line, len);
	s->t[i].heap = 1;
	s->t[i].len = (uint32_t)len;
	set_meta(&s->t[i], &m);
	aw_set(s, (size_t)i, m.state == 0);
	index_orders(s, (size_t)i);
	return 0;
}

struct hit {
	int64_t		 t;
	const char	*id;
	uint32_t	 ti;
};

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return strcmp(x->id, y->id);
}

size_t
tkt_sbstore_select(const struct tkt_sbstore *s, const struct tkt_sbquery *q,
    long *out, size_t max)
{
	struct hit *h = xreallocarray(NULL, s->n ? s->n : 1, sizeof(*h));
	size_t n = 0, k;

	for (size_t i = 0; i < s->n; i++) {
		const struct sbt *t = &s->t[i];

		if (q->states != 0 && !(q->states & (1u << t->state)))
			continue;
		if (q->types != 0 && (t->type == NTYPES ||
		    !(q->types & (1u << t->type))))
			continue;
		if ((q->min_ms != INT64_MIN || q->max_ms != INT64_MAX) &&
		    t->updated == INT64_MIN)
			continue;
		if (t->updated != INT64_MIN &&
		    (t->updated < q->min_ms / 1000 + (q->min_ms % 1000 > 0) ||
		    t->updated > q->max_ms / 1000 - (q->max_ms % 1000 < 0)))
			continue;
		h[n++] = (struct hit){ t->updated, t->id, (uint32_t)i };
	}
	qsort(h, n, sizeof(*h), hit_cmp);
	k = n < max ? n : max;
	for (size_t i = 0; i < k; i++)
		out[i] = (long)h[q->desc ? n - 1 - i : i].ti;
	free(h);
	return k;
}
