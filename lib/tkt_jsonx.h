/*
 * tkt_jsonx.h: small JSON documents as trees, with jansson (jsonx.c).
 * Include it after tkt.h, and only where a file builds or reads such a
 * document: request bodies, OAuth answers, error envelopes, refund
 * reasons, the sandbox's answers that carry no money.  Records and money
 * never go through here: they stay byte for byte, read by the record
 * layer (yajl, record.c) and written by tkt_jw (json.c).
 */
#ifndef TKT_JSONX_H
#define TKT_JSONX_H

#include <jansson.h>

/*
 * A new string of s[0..n) (tkt_jx_str: of s, and null for NULL); never
 * NULL.  JSON text is UTF-8 and nothing else: each byte of s that is not
 * part of a UTF-8 sequence becomes U+FFFD.
 */
json_t	*tkt_jx_strn(const char *s, size_t n);
json_t	*tkt_jx_str(const char *s);
/*
 * json_pack(fmt, …): a new reference, never NULL, since jansson allocates
 * with xmalloc and the strings it is given are to be tkt_jx_str's ("o")
 * or literals ("s").
 */
json_t	*tkt_jx_pack(const char *fmt, ...);
/*
 * Parses s[0..n) as one JSON object, refusing a key given twice: a new
 * reference, or NULL and why ("invalid JSON at byte N: …", "not a JSON
 * object"), NUL-terminated in why[whysize].
 */
json_t	*tkt_jx_load(const char *s, size_t n, char *why, size_t whysize);
/*
 * Appends j, any value, as compact JSON text.  Its reals are written with
 * the fewest digits with which every real of j reads back the same: 6.69
 * as 6.69, never 6.6900000000000004.
 */
void	 tkt_jx_dump(const json_t *j, struct tkt_buf *out);
/* The fewest significant digits (1 to 17) with which v reads back as v. */
int	 tkt_jx_digits(double v);

#endif /* TKT_JSONX_H */
