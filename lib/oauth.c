/*
 * oauth.c: renews a store's access token with its refresh token (the
 * marketplace's refresh request, tkt.h), keeps the new one in the store's
 * token file (0600, written beside it, renamed over it), and, for a store
 * that cannot refresh, warns of a token that expires within 7 days, once
 * a day (below).  The drivers call it where an answer refuses the token: a refused request was not
 * applied, so it is sent again with the new token.  Runs that share a
 * token file (overlapping cron jobs) must not refresh in turn, since a
 * refresh revokes the token the other run holds: a run first takes a
 * token another run wrote to the file, and refreshes only under a lock
 * on the file and when the file still holds the refused token.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tkt.h"
#include "tkt_jsonx.h"

#define SOON	(7 * 86400)

static int
token_ok(const char *t)
{
	if (t == NULL || *t == '\0')
		return 0;
	for (; *t != '\0'; t++)
		if ((unsigned char)*t < 0x21 || (unsigned char)*t > 0x7e)
			return 0;
	return 1;
}

/* The first line of a secret file, trimmed (new), or NULL with err. */
static char *
first_line(const char *path, const char *what, struct tkt_error *err)
{
	char *buf, *p, *out;
	size_t n;

	if ((buf = tkt_secret_file(path, what, err)) == NULL)
		return NULL;
	p = buf + strspn(buf, " \t\r\n");
	n = strcspn(p, "\r\n");
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	out = xstrndup(p, n);
	explicit_bzero(buf, strlen(buf));
	free(buf);
	if (!token_ok(out)) {
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "%s %s is empty or has a space or a control character",
		    what, path);
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Replaces path by text: a temporary file 0600 in the same directory,
 * written, synced and renamed over path, then the directory synced, so
 * that path holds the old text or the new one, never a part.
 */
static int
write_atomic(const char *path, const char *text, struct tkt_error *err)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path + 1)) :
	    xstrdup("./");
	char *tmp = xasprintf("%s.%s.XXXXXX", dir, slash ? slash + 1 : path);
	size_t len = strlen(text), off = 0;
	ssize_t n;
	int fd, dfd, rc = -1;

	if ((fd = mkstemp(tmp)) == -1) {
		tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
		    "cannot write beside %s: %s", path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) == -1)
		goto fail;
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
	goto out;
fail:
	tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED, "cannot write %s: %s",
	    path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	free(dir);
	return rc;
}

/* Sends the refresh and waits for its answer, on an engine of its own. */
static int
ask(struct tkt_store *s, const char *refresh, const char *secret,
    struct tkt_http_req *r, struct tkt_error *err)
{
	struct tkt_http_opts o;
	struct tkt_http *h;
	struct tkt_mreq m;

	memset(&o, 0, sizeof(o));
	o.retries = -1;
	if ((h = tkt_http_new(&o, err)) == NULL)
		return -1;
	tkt_market(s)->refresh(s, s->client_id, secret, refresh, &m);
	memset(r, 0, sizeof(*r));
	r->method = m.method;
	r->url = m.url;
	r->body = m.body;
	r->bodylen = m.bodylen;
	r->ctype = m.ctype;
	r->may_repeat = 1;
	tkt_http_submit(h, r);
	tkt_http_run(h);
	tkt_http_free(h);
	return 0;
}

/* What a JSON value is, for a message. */
static const char *
jtype(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* Why root has no access_token string in its data, into why. */
static void
no_token(json_t *root, char *why, size_t whysize)
{
	json_t *data = json_object_get(root, "data"), *at;

	if (data == NULL)
		snprintf(why, whysize, "the answer has no data");
	else if (!json_is_object(data))
		snprintf(why, whysize, "data is %s, not an object",
		    jtype(data));
	else if ((at = json_object_get(data, "access_token")) == NULL)
		snprintf(why, whysize, "data has no access_token");
	else
		snprintf(why, whysize, "access_token is %s, not a string",
		    jtype(at));
}

/*
 * Reads the answer's data, an access token: access_token, a string, and
 * maybe refresh_token, a string, and expiry_time, Unix seconds (v2) or a
 * time (v3).  Without a usable access_token the refresh failed.  The
 * others are only warned of when they cannot be read: the refresh has
 * revoked the token it replaced, and the new one works without them.
 */
static int
answer(struct tkt_store *s, const struct tkt_http_req *r, char **tok,
    char **refresh, time_t *expiry, struct tkt_error *err)
{
	json_t *root, *rt = NULL, *ex = NULL;
	json_error_t je;
	struct tkt_error e;
	const char *v;
	char why[160];
	size_t len;
	int rc = -1;

	*tok = *refresh = NULL;
	*expiry = 0;
	if ((root = tkt_wish_envelope_tree(r, &e)) == NULL) {
		if (e.status == TKT_EXIT_TOKEN)
			tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
			    "the refresh token was refused (HTTP %ld, code %ld)",
			    e.http, e.code);
		else
			tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
			    "the refresh failed: %s", e.msg);
		snprintf(err->request_id, sizeof(err->request_id), "%s",
		    e.request_id);
		return -1;
	}
	if (json_unpack_ex(root, &je, 0, "{s:{s:s% s?o s?o}}", "data",
	    "access_token", &v, &len, "refresh_token", &rt, "expiry_time",
	    &ex) == -1) {
		no_token(root, why, sizeof(why));
		tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
		    "the refresh answered no usable access_token: %s", why);
		goto out;
	}
	if (!token_ok((*tok = xstrndup(v, len)))) {
		tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
		    "the refresh answered no usable access_token: it is empty "
		    "or has a space or a control character");
		goto out;
	}
	if (json_is_string(rt) && json_string_length(rt) > 0)
		*refresh = xstrndup(json_string_value(rt),
		    json_string_length(rt));
	else if (rt != NULL && !json_is_null(rt) && !json_is_string(rt))
		tkt_warnx("store '%s': the refresh answered refresh_token as "
		    "%s, not a string: it is not kept", s->name, jtype(rt));
	/* v2 gives Unix seconds, v3 a time. */
	if (json_is_integer(ex) && json_integer_value(ex) >= 1 &&
	    json_integer_value(ex) <= 253402300799LL)
		*expiry = (time_t)json_integer_value(ex);
	else if (json_is_string(ex) && tkt_time_parsen(json_string_value(ex),
	    json_string_length(ex), expiry) == 0)
		;
	else if (ex != NULL && !json_is_null(ex)) {
		*expiry = 0;
		tkt_warnx("store '%s': the refresh answered an expiry_time that "
		    "is %s: the new token's expiry is not known", s->name,
		    json_is_integer(ex) ? "out of range" : json_is_string(ex) ?
		    "not a time" : "neither Unix seconds nor a time");
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* The store's new token, and the old one kept for requests in flight. */
static void
adopt(struct tkt_store *s, char *tok, time_t expiry)
{
	s->old_tokens = xreallocarray(s->old_tokens, s->nold_tokens + 1,
	    sizeof(*s->old_tokens));
	s->old_tokens[s->nold_tokens++] = s->token;
	s->token = tok;
	s->expiry = expiry;
	s->warned = 0;
}

/* Renews s's token: 0, or -1 with err (a person must act). */
static int
refresh(struct tkt_store *s, struct tkt_error *err)
{
	struct tkt_http_req r;
	struct tkt_buf text;
	char *rt = NULL, *secret = NULL, *tok = NULL, *newrt = NULL, t[21];
	const char *v;
	time_t expiry;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	if ((rt = first_line(s->refresh_token_file, "refresh token file",
	    err)) == NULL)
		goto out;
	if (s->client_secret_file != NULL)
		secret = first_line(s->client_secret_file, "client secret file",
		    err);
	else if ((v = getenv(s->client_secret_env)) != NULL && *v != '\0')
		secret = xstrdup(v);
	else
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "client_secret_env names %s, which is not set",
		    s->client_secret_env);
	if (secret == NULL || ask(s, rt, secret, &r, err) == -1 ||
	    answer(s, &r, &tok, &newrt, &expiry, err) == -1)
		goto out;
	/* A new refresh token first: the access token is worth less. */
	if (newrt != NULL && strcmp(newrt, rt) != 0) {
		tkt_buf_init(&text);
		tkt_buf_printf(&text, "%s\n", newrt);
		rc = write_atomic(s->refresh_token_file, text.s, err);
		explicit_bzero(text.s, text.len);
		tkt_buf_free(&text);
		if (rc == -1)
			goto out;
		rc = -1;
	}
	tkt_buf_init(&text);
	tkt_buf_printf(&text, "%s\n", tok);
	if (expiry > 0)
		tkt_buf_printf(&text, "expiry_time: %s\n",
		    tkt_time_format(expiry, t));
	rc = write_atomic(s->token_file, text.s, err);
	explicit_bzero(text.s, text.len);
	tkt_buf_free(&text);
	if (rc == 0) {
		adopt(s, tok, expiry);
		tok = NULL;
	}
out:
	/*
	 * The URL holds the secrets (cleared only now: the answer's API is
	 * read from it), the answer the new tokens.
	 */
	if (r.url != NULL)
		explicit_bzero(r.url, strlen(r.url));
	if (r.resp.s != NULL)
		explicit_bzero(r.resp.s, r.resp.len);
	tkt_http_req_free(&r);
	if (rt != NULL)
		explicit_bzero(rt, strlen(rt));
	if (secret != NULL)
		explicit_bzero(secret, strlen(secret));
	if (newrt != NULL)
		explicit_bzero(newrt, strlen(newrt));
	if (tok != NULL)
		explicit_bzero(tok, strlen(tok));
	free(rt);
	free(secret);
	free(newrt);
	free(tok);
	return rc;
}

/*
 * The token file again: 1 when it holds another token than the refused
 * one (another run renewed it), which s takes; 0 when it holds the same;
 * -1 with err when it cannot be read or holds no usable token.
 */
static int
reread(struct tkt_store *s, const char *refused, struct tkt_error *err)
{
	char *tok;
	time_t expiry;

	if (tkt_token_file_read(s->token_file, &tok, &expiry, err) == -1)
		return -1;
	if (!token_ok(tok)) {
		tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
		    "token file %s is empty or has a space or a control "
		    "character", s->token_file);
		explicit_bzero(tok, strlen(tok));
		free(tok);
		return -1;
	}
	if (strcmp(tok, refused) == 0) {
		explicit_bzero(tok, strlen(tok));
		free(tok);
		return 0;
	}
	adopt(s, tok, expiry);
	return 1;
}

/*
 * Takes the lock of s's token file, TOKEN-FILE.lock beside it (never the
 * token file itself, which a refresh replaces): its descriptor, or -1
 * with err.  flock(2), not fcntl(2): closing any other descriptor of the
 * lock file would drop an fcntl lock, and the kernel drops both when a
 * run dies.  It waits for another run's refresh, bounded by LOCK_WAIT.
 */
#define LOCK_WAIT	300	/* seconds */

static int
lock_token_file(const struct tkt_store *s, struct tkt_error *err)
{
	char *path = xasprintf("%s.lock", s->token_file);
	struct timespec nap = { 0, 50 * 1000000L }, now;
	time_t until;
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
		    "cannot open the lock %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	until = now.tv_sec + LOCK_WAIT;
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (saved == EWOULDBLOCK && now.tv_sec >= until)
			tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
			    "another run has held the lock %s for %d seconds",
			    path, LOCK_WAIT);
		else if (saved != EWOULDBLOCK && saved != EINTR)
			tkt_error_set(err, TKT_EXIT_TOKEN, TKT_E_REFUSED,
			    "cannot lock %s: %s", path, strerror(saved));
		else {
			nanosleep(&nap, NULL);
			continue;
		}
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

/*
 * Renews the refused token, under the lock: 1 when another run renewed
 * the token file meanwhile (s took its token), 2 when this run refreshed,
 * -1 with err.
 */
static int
renew(struct tkt_store *s, const char *refused, struct tkt_error *err)
{
	int fd, rc;

	if ((fd = lock_token_file(s, err)) == -1)
		return -1;
	if ((rc = reread(s, refused, err)) == 0) {
		s->refreshed = 1;
		rc = refresh(s, err) == 0 ? 2 : -1;
	}
	close(fd);	/* releases the lock */
	return rc;
}

int
tkt_oauth_resend(struct tkt_http *h, struct tkt_store *s,
    struct tkt_http_req *r, struct tkt_error *e)
{
	struct tkt_error re;
	char code[32] = "";
	int rc, tried = 0;

	if (e->status != TKT_EXIT_TOKEN || r->url == NULL || s->token == NULL ||
	    tkt_http_stopped(h))
		return 0;
	/* A disabled account: no token, old or new, cures it. */
	if (tkt_market(s)->token_code(e->code) == TKT_TOKEN_DISABLED)
		return 0;
	/* Sent before this run took another token (the renewal revoked it). */
	if (r->bearer != NULL && r->bearer != s->token)
		goto again;
	if (!s->token_stored)
		return 0;
	tkt_error_clear(&re);
	if (e->code != 0)
		snprintf(code, sizeof(code), ", code %ld", e->code);
	/*
	 * Another run that shares the token file may have renewed it, and a
	 * v3 refresh revokes every earlier token: take the file's token, and
	 * refresh only when the file still holds the refused one.
	 */
	if ((rc = reread(s, s->token, &re)) == 1)
		goto again;
	if (rc == 0 && s->refresh_token_file == NULL)
		return 0;
	if (rc == 0 && s->refreshed) {
		snprintf(e->msg + strlen(e->msg), sizeof(e->msg) - strlen(e->msg),
		    " (the token refreshed in this run was refused too)");
		return 0;
	}
	if (rc == 0) {
		if ((rc = renew(s, s->token, &re)) > 0)
			goto again;
		tried = s->refreshed;
	}
	tkt_error_set(e, TKT_EXIT_TOKEN, TKT_E_REFUSED,
	    "store '%s': the token was refused (HTTP %ld%s) and %s: %s; "
	    "a person must act", s->name, e->http, code,
	    tried ? "its refresh failed" : "cannot be renewed", re.msg);
	if (re.request_id[0] != '\0')
		snprintf(e->request_id, sizeof(e->request_id), "%s",
		    re.request_id);
	return 0;
again:
	tkt_oauth_warn(s);
	r->bearer = s->token;
	tkt_http_submit(h, r);
	return 1;
}

/*
 * The expiry warning is for a person, who must renew the token by hand,
 * so it is given only when the store cannot refresh, and at most once a
 * day a store even from a cron job that runs every few minutes: the time
 * of the last one is kept in $XDG_STATE_HOME/tkt/token-warnings (default
 * ~/.local/state/tkt/token-warnings, beside the journal), one line a
 * store: its name, the token's expiry and the warning's time, separated
 * by tabs.  A store whose token changed expiry is warned of again.  The
 * file is replaced whole (a temporary file renamed over it); when it
 * cannot be read or written the warning is given anyway: a lost note
 * costs a warning too many, never one too few.
 */
#define WARN_EVERY	86400	/* seconds */

static char *
warnings_path(void)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (x != NULL && *x == '/')
		return xasprintf("%s/tkt/token-warnings", x);
	return xasprintf("%s/.local/state/tkt/token-warnings",
	    home ? home : ".");
}

/* The file's bytes (new, NUL-terminated), or NULL with errno (ENOENT). */
static char *
read_small(const char *path)
{
	struct tkt_buf b;
	char chunk[4096];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return NULL;
	tkt_buf_init(&b);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || b.len > (1 << 20)) {
			int saved = n == -1 ? errno : EFBIG;

			close(fd);
			tkt_buf_free(&b);
			errno = saved;
			return NULL;
		}
		tkt_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	if (b.s == NULL)
		tkt_buf_adds(&b, "");
	return tkt_buf_take(&b);
}

/* Is LINE (LEN bytes, no newline) the line of store NAME? */
static int
line_of(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len > n && memcmp(line, name, n) == 0 && line[n] == '\t';
}

/*
 * 1 when the file says store s was warned of this same expiry less than a
 * day before now; 0 otherwise, a file that is missing or unreadable too.
 */
static int
warned_lately(const char *text, const struct tkt_store *s, time_t now)
{
	const char *p = text, *nl;

	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		const char *f2, *f3;
		time_t expiry, at;

		nl = p + strcspn(p, "\n");
		if (!line_of(p, (size_t)(nl - p), s->name))
			continue;
		f2 = p + strlen(s->name) + 1;
		if ((f3 = memchr(f2, '\t', (size_t)(nl - f2))) == NULL ||
		    tkt_time_parsen(f2, (size_t)(f3 - f2), &expiry) == -1 ||
		    tkt_time_parsen(f3 + 1, (size_t)(nl - f3 - 1), &at) == -1)
			return 0;
		return expiry == s->expiry && now >= at &&
		    now - at < WARN_EVERY;
	}
	return 0;
}

/*
 * Writes the file again with store s's line saying it was warned of now,
 * the other stores' lines kept: 0, or -1 with errno.
 */
static int
note_warning(const char *path, const char *old, const struct tkt_store *s,
    time_t now)
{
	struct tkt_buf b;
	char t1[21], t2[21], *tmp, *dir, *slash;
	const char *p, *nl;
	size_t off;
	int fd, saved;

	if (strpbrk(s->name, "\t\n") != NULL) {
		errno = EINVAL;
		return -1;
	}
	tkt_buf_init(&b);
	for (p = old ? old : ""; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if (nl > p && !line_of(p, (size_t)(nl - p), s->name)) {
			tkt_buf_add(&b, p, (size_t)(nl - p));
			tkt_buf_addc(&b, '\n');
		}
	}
	tkt_buf_printf(&b, "%s\t%s\t%s\n", s->name,
	    tkt_time_format(s->expiry, t1), tkt_time_format(now, t2));
	/* The directories, 0700, as the journal makes them. */
	dir = xstrdup(path);
	for (slash = dir + 1; *slash != '\0'; slash++) {
		if (*slash != '/')
			continue;
		*slash = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			saved = errno;
			free(dir);
			tkt_buf_free(&b);
			errno = saved;
			return -1;
		}
		*slash = '/';
	}
	free(dir);
	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		goto fail;
	for (off = 0; off < b.len; ) {
		ssize_t n = write(fd, b.s + off, b.len - off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			unlink(tmp);
			errno = saved;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	free(tmp);
	tkt_buf_free(&b);
	return 0;
fail:
	saved = errno;
	free(tmp);
	tkt_buf_free(&b);
	errno = saved;
	return -1;
}

void
tkt_oauth_warn(struct tkt_store *s)
{
	char t[21], d[64], *path, *old;
	time_t now = tkt_now();
	int rerr;

	/* A store that refreshes its token needs no one: nothing to say. */
	if (s->warned || s->refresh_token_file != NULL || s->expiry <= 0 ||
	    s->expiry - now > SOON)
		return;
	s->warned = 1;
	path = warnings_path();
	old = read_small(path);
	rerr = old == NULL ? errno : 0;
	if (old != NULL && warned_lately(old, s, now)) {
		free(old);
		free(path);
		return;
	}
	if (s->expiry <= now)
		tkt_warnx("store '%s': the access token expired at %s; renew it",
		    s->name, tkt_time_format(s->expiry, t));
	else
		tkt_warnx("store '%s': the access token expires at %s (in %s); "
		    "renew it before then", s->name,
		    tkt_time_format(s->expiry, t),
		    tkt_duration_human(s->expiry - now, d, sizeof(d)));
	/* Unreadable, it is left as it is: it may hold other stores' lines. */
	if (old == NULL && rerr != ENOENT)
		tkt_warnx("store '%s': cannot read %s (%s): this warning is "
		    "given again on the next run", s->name, path,
		    strerror(rerr));
	else if (note_warning(path, old, s, now) == -1)
		tkt_warnx("store '%s': cannot keep the time of this warning in "
		    "%s (%s): it is given again on the next run", s->name,
		    path, strerror(errno));
	free(old);
	free(path);
}
