/*
 * sandbox_files.c: tkt-sandbox --files, the buyers' photos behind links
 * that expire.  The image URLs of the tickets' replies (Wish's bucket,
 * TKT_FILE_HOSTS_DEFAULT) are handed out, on every read of either API, as
 * signed links to the sandbox itself, /files/NAME?expires=UNIX&sig=HEX,
 * that live 60 minutes on the sandbox's clock; /files/NAME serves the
 * same bytes for the same NAME to a link that is well signed and not
 * expired, and 403 to any other.  The signature is no secret: the SHA-256
 * in hex of "tkt-sandbox-files:NAME:UNIX".  tkt-sandbox(1), Files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox_priv.h"

#define PREFIX	"https://" TKT_FILE_HOSTS_DEFAULT
#define LIFE	3600

/* The signature of a link to name that expires at t. */
static void
sign(const char *name, size_t n, long long t, char hex[65])
{
	char *s;
	int len;

	len = asprintf(&s, "tkt-sandbox-files:%.*s:%lld", (int)n, name, t);
	if (len == -1)
		tkt_errx(TKT_EXIT_SYSTEM, "out of memory");
	tkt_sha256_hex(s, (size_t)len, hex);
	free(s);
}

/* Does the file name's stem (before its last ".") start with word? */
static int
stem_is(const char *name, const char *word)
{
	return strncmp(name, word, strlen(word)) == 0;
}

void
sb_files_rewrite(struct sandbox *sb, struct tkt_buf *body)
{
	struct tkt_buf out;
	const char *s = body->s, *end, *hit;
	size_t plen = strlen(PREFIX);
	long long now = (long long)sb_auth_now(sb->auth);

	if (s == NULL || body->len == 0)
		return;
	end = s + body->len;
	tkt_buf_init(&out);
	while ((hit = memmem(s, (size_t)(end - s), PREFIX, plen)) != NULL) {
		const char *name = hit + plen, *p = name;
		long long t;
		char sig[65];

		while (p < end && *p != '"' && *p != '\'' && *p != '\\' &&
		    *p != '?' && *p != '&' && *p != '#' && *p != '/' &&
		    *p != ']' && *p != ',' && *p != ' ')
			p++;
		tkt_buf_add(&out, s, (size_t)(hit - s));
		if (p == name) {
			tkt_buf_add(&out, hit, plen);
			s = name;
			continue;
		}
		t = stem_is(name, "expired-") ? now - 60 : now + LIFE;
		sign(name, (size_t)(p - name), t, sig);
		tkt_buf_printf(&out, "%s/files/%.*s?expires=%lld&sig=%s",
		    sb->origin, (int)(p - name), name, t, sig);
		/* A query the stored link had is the sandbox's to replace. */
		if (p < end && *p == '?')
			while (p < end && *p != '"' && *p != '\'' &&
			    *p != '\\' && *p != ']' && *p != ',' && *p != ' ')
				p++;
		s = p;
	}
	tkt_buf_add(&out, s, (size_t)(end - s));
	tkt_buf_free(body);
	*body = out;
}

/* The bytes of file name: text-WORD.ext is WORD, big-* one byte too many. */
static void
content(const char *name, struct tkt_buf *b)
{
	uint64_t h = 1469598103934665603ULL;
	size_t n;

	if (stem_is(name, "text-")) {
		const char *w = name + 5, *dot = strrchr(w, '.');

		tkt_buf_add(b, w, dot != NULL ? (size_t)(dot - w) : strlen(w));
		return;
	}
	for (const char *p = name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	n = stem_is(name, "big-") ? (size_t)TKT_FILE_MAX + 1 :
	    1000 + (size_t)(h % 4000);
	tkt_buf_grow(b, n);
	for (size_t i = 0; i < n; i++) {
		h ^= h << 13;
		h ^= h >> 7;
		h ^= h << 17;
		tkt_buf_addc(b, (int)(h & 0xff));
	}
}

void
sb_files_answer(struct sb_req *r, const char *name, const char *auth,
    const char *cookie, struct sb_answer *a)
{
	const char *exp = sb_param(r, "expires"), *sig = sb_param(r, "sig");
	long long now = (long long)sb_auth_now(r->sb->auth), t = 0;
	const char *why = NULL;
	char want[65], *e;

	tkt_buf_reset(&a->body);
	if (exp == NULL || sig == NULL)
		why = "not a signed link";
	else {
		t = strtoll(exp, &e, 10);
		sign(name, strlen(name), t, want);
		if (*exp == '\0' || *e != '\0' || strcmp(sig, want) != 0)
			why = "bad signature";
		else if (t < now)
			why = "expired";
	}
	if (why != NULL) {
		a->status = 403;
		a->ctype = "text/plain";
		tkt_buf_printf(&a->body, "Request has %s\n", why);
	} else {
		a->status = SB_HTTP_OK;
		a->ctype = "application/octet-stream";
		content(name, &a->body);
	}
	/* What the file host was sent, for tests: never a credential. */
	tkt_warnx("files: %s /files/%s: %u%s%s, %zu bytes; Authorization: %s; "
	    "Cookie: %s", r->method, name, a->status, why ? " " : "",
	    why ? why : "", a->body.len, auth != NULL ? "sent" : "none",
	    cookie != NULL ? "sent" : "none");
}
