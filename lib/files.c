/*
 * files.c: tkt-list --save-files DIR, the buyers' photos saved while
 * their links live.  Each reply's images are fetched (no token, no
 * cookie, no redirect followed, at most TKT_FILE_MAX bytes, over https
 * or plain http to loopback only, from the places the store's file_hosts
 * allow) and stored by content: DIR/ab/abcdef….ext, the SHA-256 of the
 * bytes in hex, its first two digits a directory.  DIR/index.jsonl says,
 * a line each, which file a ticket's reply had under which name, so that
 * a later run does not fetch it again: v3 hands out a new signed link on
 * every read, and only the ticket, the reply's time and the file's name
 * stay the same.  tkt-list(1), Saving files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tkt.h"

struct fentry {
	char	*ticket, *at, *name, *path;
	char	 sha[65];
	long long bytes;
};

struct tkt_files {
	char		*dir;
	struct tkt_http	*http;
	struct fentry	*v;
	size_t		 n, cap;
	struct tkt_strs	 refused;	/* places said once */
	struct tkt_rec	 idx;
	long long	 fetched, reused;
};

static void
flog(void *arg, const char *line)
{
	(void)arg;
	tkt_warnx("%s", line);
}

static void
add_entry(struct tkt_files *F, const char *ticket, const char *at,
    const char *name, const char *sha, long long bytes, const char *path)
{
	struct fentry *e;

	if (F->n == F->cap) {
		F->cap = F->cap ? F->cap * 2 : 64;
		F->v = xreallocarray(F->v, F->cap, sizeof(*F->v));
	}
	e = &F->v[F->n++];
	e->ticket = xstrdup(ticket);
	e->at = xstrdup(at);
	e->name = xstrdup(name);
	e->path = xstrdup(path);
	snprintf(e->sha, sizeof(e->sha), "%s", sha);
	e->bytes = bytes;
}

/* Is s a path under DIR as this file writes them: hh/64 hex[.ext]? */
static int
good_path(const char *s, const char *sha)
{
	return strlen(s) >= 67 && strncmp(s, sha, 2) == 0 && s[2] == '/' &&
	    strncmp(s + 3, sha, 64) == 0 && (s[67] == '\0' || s[67] == '.') &&
	    strchr(s + 67, '/') == NULL;
}

/* Reads DIR/index.jsonl; lines it cannot use are skipped. */
static void
load_index(struct tkt_files *F)
{
	struct tkt_error e;
	char *path, *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *fp;

	if (asprintf(&path, "%s/index.jsonl", F->dir) == -1)
		tkt_errx(TKT_EXIT_SYSTEM, "out of memory");
	fp = fopen(path, "r");
	free(path);
	if (fp == NULL)
		return;
	while ((len = getline(&line, &cap, fp)) > 0) {
		const char *t, *at, *name, *sha, *p, *n;
		const struct tkt_jnode *root;

		if (line[len - 1] == '\n')
			len--;
		if (tkt_rec_parse(&F->idx, line, (size_t)len, TKT_RD_TREE,
		    &e) == -1)
			continue;
		root = &F->idx.nodes[0];
		t = tkt_rec_field(&F->idx, "ticket");
		at = tkt_rec_field(&F->idx, "at");
		name = tkt_rec_field(&F->idx, "name");
		sha = tkt_rec_field(&F->idx, "sha256");
		p = tkt_rec_field(&F->idx, "path");
		n = tkt_rec_str(&F->idx, tkt_rec_get(&F->idx, root, "bytes"),
		    NULL);
		if (t == NULL || at == NULL || name == NULL || sha == NULL ||
		    p == NULL || strlen(sha) != 64 || !good_path(p, sha))
			continue;
		add_entry(F, t, at, name, sha, n != NULL ? atoll(n) : 0, p);
	}
	free(line);
	fclose(fp);
}

struct tkt_files *
tkt_files_new(const char *dir, int verbose, struct tkt_error *err)
{
	struct tkt_files *F;
	struct tkt_http_opts ho;
	struct stat sb;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--save-files: cannot make '%s': %s", dir, strerror(errno));
		return NULL;
	}
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode) ||
	    access(dir, W_OK | X_OK) == -1) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "--save-files: '%s' is not a directory this user can write",
		    dir);
		return NULL;
	}
	memset(&ho, 0, sizeof(ho));
	ho.retries = -1;
	ho.max_body = TKT_FILE_MAX;
	if (verbose)
		ho.log = flog;
	F = xcalloc(1, sizeof(*F));
	if ((F->http = tkt_http_new(&ho, err)) == NULL) {
		free(F);
		return NULL;
	}
	F->dir = xstrdup(dir);
	tkt_rec_init(&F->idx);
	load_index(F);
	return F;
}

void
tkt_files_free(struct tkt_files *F)
{
	if (F == NULL)
		return;
	for (size_t i = 0; i < F->n; i++) {
		free(F->v[i].ticket);
		free(F->v[i].at);
		free(F->v[i].name);
		free(F->v[i].path);
	}
	free(F->v);
	tkt_strs_free(&F->refused);
	tkt_rec_free(&F->idx);
	tkt_http_free(F->http);
	free(F->dir);
	free(F);
}

/* Does the store's file_hosts allow the URL? */
static int
allowed(const struct tkt_store *st, const struct tkt_url *p)
{
	for (size_t i = 0; i < st->nfile_hosts; i++) {
		const char *e = st->file_hosts[i], *slash = strchr(e, '/');
		size_t hl = (size_t)(slash - e), pl = strlen(slash);

		if (hl == p->hostlen && strncasecmp(e, p->host, hl) == 0 &&
		    p->pathlen >= pl && memcmp(p->path, slash, pl) == 0)
			return 1;
	}
	return 0;
}

/* The file's extension, "" or ".jpg" (1 to 8 letters and digits). */
static void
extension(const struct tkt_url *p, char ext[10])
{
	const char *dot = NULL;
	size_t n;

	ext[0] = '\0';
	for (size_t i = 0; i < p->namelen; i++)
		if (p->name[i] == '.')
			dot = p->name + i;
	if (dot == NULL || dot == p->name)
		return;
	n = (size_t)(p->name + p->namelen - dot - 1);
	if (n == 0 || n > 8)
		return;
	for (size_t i = 1; i <= n; i++)
		if (!((dot[i] >= 'a' && dot[i] <= 'z') ||
		    (dot[i] >= 'A' && dot[i] <= 'Z') ||
		    (dot[i] >= '0' && dot[i] <= '9')))
			return;
	ext[0] = '.';
	for (size_t i = 1; i <= n; i++)
		ext[i] = (char)(dot[i] >= 'A' && dot[i] <= 'Z' ? dot[i] + 32 :
		    dot[i]);
	ext[n + 1] = '\0';
}

/* Writes data to DIR/rel (ab/…) unless it is there: 0, or -1 (said). */
static int
store(struct tkt_files *F, const char *rel, const char *data, size_t len)
{
	char *sub, *path, *tmp;
	struct stat sb;
	int fd, rc = -1;
	size_t off = 0;

	if (asprintf(&sub, "%s/%.2s", F->dir, rel) == -1 ||
	    asprintf(&path, "%s/%s", F->dir, rel) == -1 ||
	    asprintf(&tmp, "%s/.tmp.%ld.XXXXXX", sub, (long)getpid()) == -1)
		tkt_errx(TKT_EXIT_SYSTEM, "out of memory");
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (size_t)sb.st_size == len) {
		rc = 0;
		goto out;
	}
	if (mkdir(sub, 0700) == -1 && errno != EEXIST) {
		tkt_warn("--save-files: %s", sub);
		goto out;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		tkt_warn("--save-files: %s", tmp);
		goto out;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off < len || fsync(fd) == -1 || close(fd) == -1) {
		tkt_warn("--save-files: %s", path);
		if (off < len)
			close(fd);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		tkt_warn("--save-files: %s", path);
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(sub);
	free(path);
	free(tmp);
	return rc;
}

/* Appends e to DIR/index.jsonl, one write(2) of one line. */
static int
index_append(struct tkt_files *F, const struct fentry *e)
{
	struct tkt_buf b;
	struct tkt_jw w;
	char *path;
	int fd, rc = -1;
	ssize_t n;

	tkt_buf_init(&b);
	tkt_jw_init(&w, &b);
	tkt_jw_obj(&w);
	tkt_jw_key(&w, "ticket");
	tkt_jw_str(&w, e->ticket);
	tkt_jw_key(&w, "at");
	tkt_jw_str(&w, e->at);
	tkt_jw_key(&w, "name");
	tkt_jw_str(&w, e->name);
	tkt_jw_key(&w, "sha256");
	tkt_jw_str(&w, e->sha);
	tkt_jw_key(&w, "bytes");
	tkt_jw_int(&w, e->bytes);
	tkt_jw_key(&w, "path");
	tkt_jw_str(&w, e->path);
	tkt_jw_obj_end(&w);
	tkt_buf_addc(&b, '\n');
	if (asprintf(&path, "%s/index.jsonl", F->dir) == -1)
		tkt_errx(TKT_EXIT_SYSTEM, "out of memory");
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		tkt_warn("--save-files: %s", path);
	else {
		do
			n = write(fd, b.s, b.len);
		while (n == -1 && errno == EINTR);
		if (n != (ssize_t)b.len || close(fd) == -1)
			tkt_warn("--save-files: %s", path);
		else
			rc = 0;
		if (n != (ssize_t)b.len)
			close(fd);
	}
	free(path);
	tkt_buf_free(&b);
	return rc;
}

static const struct fentry *
find(const struct tkt_files *F, const char *ticket, const char *at,
    const char *name)
{
	/* The last line wins: a file saved again replaces the earlier one. */
	for (size_t i = F->n; i-- > 0;)
		if (strcmp(F->v[i].ticket, ticket) == 0 &&
		    strcmp(F->v[i].at, at) == 0 && strcmp(F->v[i].name, name) == 0)
			return &F->v[i];
	return NULL;
}

/* Is DIR/path a regular file? */
static int
present(const struct tkt_files *F, const char *path)
{
	struct stat sb;
	char *p;
	int ok;

	if (asprintf(&p, "%s/%s", F->dir, path) == -1)
		tkt_errx(TKT_EXIT_SYSTEM, "out of memory");
	ok = stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
	free(p);
	return ok;
}

static void
done_cb(struct tkt_http_req *r, void *arg)
{
	(void)r;
	(void)arg;
}

/* Why a fetch r failed, for a message. */
static void
why(const struct tkt_http_req *r, char *buf, size_t len)
{
	if (r->outcome == TKT_HTTP_DONE && (r->status == 403 ||
	    r->status == 401 || r->status == 410))
		snprintf(buf, len, "HTTP %ld: the link has expired or was "
		    "refused (saved only while a ticket's links live)",
		    r->status);
	else if (r->outcome == TKT_HTTP_DONE && r->status >= 300 &&
	    r->status < 400)
		snprintf(buf, len, "HTTP %ld: a redirect, not followed",
		    r->status);
	else if (r->outcome == TKT_HTTP_DONE)
		snprintf(buf, len, "HTTP %ld", r->status);
	else
		snprintf(buf, len, "%s", r->errmsg[0] ? r->errmsg :
		    "no answer");
}

/*
 * One image url of reply (ticket, at) into the files array w: fetched
 * and stored, or found in the index; said when it is not (*status 1).
 */
static void
one(struct tkt_files *F, const struct tkt_store *st, const char *ticket,
    const char *at, const char *url, struct tkt_jw *w, int *status)
{
	const struct fentry *e;
	struct tkt_http_req r;
	struct tkt_url p;
	struct fentry ne;
	char name[256], ext[10], sha[65], rel[80], reason[300];

	if (tkt_url_parse(url, &p) == -1) {
		tkt_warnx("ticket %s: reply at %s: not saving '%.200s': not an "
		    "http or https URL", ticket, at, url);
		*status = tkt_exit_merge(*status, TKT_EXIT_NO);
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)p.namelen, p.name);
	if ((e = find(F, ticket, at, name)) != NULL && present(F, e->path)) {
		F->reused++;
		goto put;
	}
	if (!p.https && !tkt_host_loopback(p.host, p.hlen)) {
		tkt_warnx("ticket %s: reply at %s: not saving %s: plain http is "
		    "refused except to loopback", ticket, at, name);
		*status = tkt_exit_merge(*status, TKT_EXIT_NO);
		return;
	}
	if (!allowed(st, &p)) {
		char place[600];
		size_t dl = (size_t)(p.name - p.path);

		snprintf(place, sizeof(place), "%.*s%.*s", (int)p.hostlen,
		    p.host, (int)(dl > 300 ? 300 : dl), p.path);
		if (!tkt_strs_has(&F->refused, place)) {
			tkt_strs_add(&F->refused, place);
			tkt_warnx("not saving files from %s: add it to "
			    "file_hosts (file_hosts: [\"%s\"])", place, place);
		}
		*status = tkt_exit_merge(*status, TKT_EXIT_NO);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.method = TKT_GET;
	r.url = xstrdup(url);
	r.bearer = NULL;		/* never a credential to a file host */
	r.may_repeat = 1;
	r.done = done_cb;
	tkt_http_submit(F->http, &r);
	while (tkt_http_run(F->http) == 1)
		;
	F->fetched++;
	if (r.outcome != TKT_HTTP_DONE || r.status != 200) {
		why(&r, reason, sizeof(reason));
		tkt_warnx("ticket %s: reply at %s: %s not saved: %s", ticket,
		    at, name, reason);
		*status = tkt_exit_merge(*status, TKT_EXIT_NO);
		tkt_http_req_free(&r);
		return;
	}
	tkt_sha256_hex(r.resp.s != NULL ? r.resp.s : "", r.resp.len, sha);
	extension(&p, ext);
	snprintf(rel, sizeof(rel), "%.2s/%s%s", sha, sha, ext);
	if (store(F, rel, r.resp.s != NULL ? r.resp.s : "", r.resp.len) == -1) {
		*status = tkt_exit_merge(*status, TKT_EXIT_SYSTEM);
		tkt_http_req_free(&r);
		return;
	}
	ne.ticket = (char *)ticket;
	ne.at = (char *)at;
	ne.name = name;
	ne.path = rel;
	snprintf(ne.sha, sizeof(ne.sha), "%s", sha);
	ne.bytes = (long long)r.resp.len;
	tkt_http_req_free(&r);
	if (index_append(F, &ne) == -1)
		*status = tkt_exit_merge(*status, TKT_EXIT_SYSTEM);
	add_entry(F, ticket, at, name, sha, ne.bytes, rel);
	e = &F->v[F->n - 1];
put:
	tkt_jw_obj(w);
	tkt_jw_key(w, "url");
	tkt_jw_str(w, url);
	tkt_jw_key(w, "path");
	tkt_jw_str(w, e->path);
	tkt_jw_key(w, "sha256");
	tkt_jw_str(w, e->sha);
	tkt_jw_key(w, "bytes");
	tkt_jw_int(w, e->bytes);
	tkt_jw_obj_end(w);
}

int
tkt_files_replies(struct tkt_files *F, const struct tkt_store *st,
    const struct tkt_rec *rec, struct tkt_buf *out, int *status)
{
	const struct tkt_jnode *reps, *c, *imgs, *i, *old;
	const char *ticket = tkt_rec_field(rec, "id");
	struct tkt_buf fb;
	struct tkt_jw w;

	reps = tkt_rec_get(rec, &rec->nodes[0], "replies");
	if (ticket == NULL || reps == NULL || reps->type != TKT_J_ARRAY)
		return -1;
	tkt_buf_init(&fb);
	tkt_buf_addc(out, '[');
	for (c = tkt_rec_child(rec, reps); c != NULL; c = tkt_rec_next(rec, c)) {
		const char *at = tkt_rec_str(rec, tkt_rec_get(rec, c, "at"), NULL);

		if (c != tkt_rec_child(rec, reps))
			tkt_buf_addc(out, ',');
		if (c->type != TKT_J_OBJECT) {
			tkt_buf_add(out, rec->line + c->start, c->end - c->start);
			continue;
		}
		tkt_buf_reset(&fb);
		tkt_jw_init(&w, &fb);
		tkt_jw_arr(&w);
		imgs = tkt_rec_get(rec, c, "images");
		for (i = imgs != NULL && imgs->type == TKT_J_ARRAY ?
		    tkt_rec_child(rec, imgs) : NULL; i != NULL;
		    i = tkt_rec_next(rec, i)) {
			const char *u = tkt_rec_str(rec, i, NULL);

			if (u != NULL && tkt_sig_caught() == 0)
				one(F, st, ticket, at != NULL ? at : "", u, &w,
				    status);
		}
		tkt_jw_arr_end(&w);
		/* The reply as it is, its "files" replaced or added last. */
		if ((old = tkt_rec_get(rec, c, "files")) != NULL) {
			tkt_buf_add(out, rec->line + c->start,
			    old->start - c->start);
			tkt_buf_add(out, fb.s, fb.len);
			tkt_buf_add(out, rec->line + old->end, c->end - old->end);
		} else {
			tkt_buf_add(out, rec->line + c->start,
			    c->end - 1 - c->start);
			tkt_buf_adds(out, c->nchild > 0 ? ",\"files\":" :
			    "\"files\":");
			tkt_buf_add(out, fb.s, fb.len);
			tkt_buf_addc(out, '}');
		}
	}
	tkt_buf_addc(out, ']');
	tkt_buf_free(&fb);
	return 0;
}
