/*
 * parse.c: the one checked parser for numbers, durations and times, and
 * the clock every tool shares (--now, $TKT_NOW).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tkt.h"

int
tkt_num_parse(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	char *end;
	long long v;

	*errstr = NULL;
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		*errstr = "invalid";
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = "invalid";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

int
tkt_duration_parse(const char *s, int64_t *out)
{
	int64_t total = 0;
	int any = 0;

	if (s == NULL || *s == '\0')
		return -1;
	while (*s != '\0') {
		int64_t n = 0, unit;

		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s)) {
			int d = *s++ - '0';

			if (n > (INT64_MAX - d) / 10)
				return -1;
			n = n * 10 + d;
		}
		switch (*s) {
		case '\0':
			if (any)
				return -1;	/* "1h30" is ambiguous */
			unit = 1;
			break;
		case 's':
			unit = 1;
			s++;
			break;
		case 'm':
			unit = 60;
			s++;
			break;
		case 'h':
			unit = 3600;
			s++;
			break;
		case 'd':
			unit = 86400;
			s++;
			break;
		case 'w':
			unit = 7 * 86400;
			s++;
			break;
		default:
			return -1;
		}
		if (n > INT64_MAX / unit || total > INT64_MAX - n * unit)
			return -1;
		total += n * unit;
		any = 1;
	}
	*out = total;
	return 0;
}

int
tkt_duration_unitless(const char *s)
{
	size_t n = s != NULL ? strspn(s, "0123456789") : 0;

	return n > 0 && s[n] == '\0' && strspn(s, "0") < n;
}

/*
 * A time read must be one tkt can write, "YYYY-MM-DDTHH:MM:SSZ", so that
 * it is written back as the same instant (tkt.h, TKT_TIME_MIN).
 */
#define TIME_MIN TKT_TIME_MIN
#define TIME_MAX TKT_TIME_MAX

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static inline int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
digits(const char *s, size_t n, size_t at, size_t cnt, int *out)
{
	int v = 0;

	if (at + cnt > n)
		return -1;
	for (size_t i = at; i < at + cnt; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

/* n (at most 8) bytes as a little-endian number, whatever the machine's order. */
static inline uint64_t
le(const char *s, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, s, n);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v) >> (64 - 8 * n);
#endif
	return v;
}

/*
 * days_from_civil for a valid date, shorter from 1970 to 2099: every
 * fourth year a leap year, 2000 too.
 */
static inline int64_t
days_z(int y, int mo, int d)
{
	static const int before[] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};

	if (y < 1970 || y > 2099)
		return days_from_civil(y, (unsigned)mo, (unsigned)d);
	return (int64_t)(y - 1970) * 365 + (y - 1969) / 4 + before[mo - 1] +
	    (mo > 2 && y % 4 == 0) + d - 1;
}

/* Are all 8 bytes of x ASCII digits? */
static inline int
all_digits(uint64_t x)
{
	return ((x & 0xf0f0f0f0f0f0f0f0u) |
	    (((x + 0x0606060606060606u) & 0xf0f0f0f0f0f0f0f0u) >> 4)) ==
	    0x3333333333333333u;
}

/*
 * "YYYY-MM-DDTHH:MM:SSZ", the form tkt writes and nearly every record
 * holds, checked and converted 8 bytes at a time: the same checks as the
 * general path, so the same answer.  Anything else, valid or not, is left
 * to the general path (1).
 */
static inline int
time_parse_z(const char *s, time_t *out)
{
	/* The separators' places, in each of the 8-byte words. */
	const uint64_t sa = 0xff0000ff00000000u, sb = 0x0000ff0000ff0000u;
	const uint64_t sc = 0x00000000ff0000ffu;
	uint64_t a = le(s, 8), b = le(s + 8, 8), c = le(s + 16, 4);
	int y, mo, d, h, mi, sec;

	if ((a & sa) != 0x2d00002d00000000u ||	/* YYYY-MM- */
	    (b & sb) != 0x00003a0000540000u ||	/* DDTHH:MM */
	    (c & sc) != 0x000000005a00003au)	/* :SSZ */
		return 1;
	/* The separators made '0's, every byte a digit: each minus '0'. */
	a = (a & ~sa) | (0x3000003000000000u & sa);
	b = (b & ~sb) | (0x0000300000300000u & sb);
	c = (c & ~sc) | 0x3030303030000030u;
	if (!all_digits(a) || !all_digits(b) || !all_digits(c))
		return 1;
	a -= 0x3030303030303030u;
	b -= 0x3030303030303030u;
	c -= 0x3030303030303030u;
	/* Byte i of a * 10 + (a >> 8): digits i and i + 1 as a number. */
	a = a * 10 + (a >> 8);
	b = b * 10 + (b >> 8);
	c = c * 10 + (c >> 8);
	y = (int)(a & 0xff) * 100 + (int)(a >> 16 & 0xff);
	mo = (int)(a >> 40 & 0xff);
	d = (int)(b & 0xff);
	h = (int)(b >> 24 & 0xff);
	mi = (int)(b >> 48 & 0xff);
	sec = (int)(c >> 8 & 0xff);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return 1;
	if (h > 23 || mi > 59 || sec > 60)
		return 1;
	*out = (time_t)(days_z(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    (sec == 60 ? 59 : sec));
	return 0;
}

/* Any RFC 3339 time or date tkt takes. */
static __attribute__((noinline)) int
time_parse_any(const char *s, size_t n, time_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	size_t i;
	int64_t t;

	if (digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' ||
	    digits(s, n, 5, 2, &mo) || s[7] != '-' || digits(s, n, 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return -1;
	i = 10;
	if (i < n) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return -1;
		if (digits(s, n, 11, 2, &h) || n < 19 || s[13] != ':' ||
		    digits(s, n, 14, 2, &mi) || s[16] != ':' ||
		    digits(s, n, 17, 2, &sec))
			return -1;
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		i = 19;
		if (i < n && s[i] == '.') {
			i++;
			if (i >= n || !isdigit((unsigned char)s[i]))
				return -1;
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
		}
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			int oh, om, sign = s[i] == '-' ? -1 : 1;

			if (digits(s, n, i + 1, 2, &oh) || i + 3 >= n ||
			    s[i + 3] != ':' || digits(s, n, i + 4, 2, &om) ||
			    oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
			i += 6;
		}
		if (i != n)
			return -1;
	}
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + (sec == 60 ? 59 : sec) - off;
	/* "0000-01-01T00:30:00+01:00" is in year -1: no "YYYY" writes it. */
	if (t < TIME_MIN || t > TIME_MAX)
		return -1;
	*out = (time_t)t;
	return 0;
}

int
tkt_time_parsen(const char *s, size_t n, time_t *out)
{
	if (n == 20 && time_parse_z(s, out) == 0)
		return 0;
	return time_parse_any(s, n, out);
}

int
tkt_time_parse(const char *s, time_t *out)
{
	if (s == NULL)
		return -1;
	return tkt_time_parsen(s, strlen(s), out);
}

char *
tkt_time_format(time_t t, char buf[21])
{
	int64_t days, rem, z, era, y;
	unsigned doe, yoe, doy, mp, d, m;

	/* A time out of range is written as the nearest one in range. */
	if ((int64_t)t < TIME_MIN)
		t = (time_t)TIME_MIN;
	else if ((int64_t)t > TIME_MAX)
		t = (time_t)TIME_MAX;
	days = (int64_t)t / 86400;
	rem = (int64_t)t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y,
	    m % 100, d % 100, (int)(rem / 3600), (int)(rem % 3600 / 60),
	    (int)(rem % 60));
	memcpy(buf, tmp, 20);
	buf[20] = '\0';
	return buf;
}

char *
tkt_duration_human(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		s = -s;
	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else if (s % 86400 / 3600 == 0 || s >= 7 * 86400)
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
	else
		snprintf(buf, len, "%lldd%lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
	return buf;
}

int
tkt_since_parse(const char *s, time_t now, time_t *out)
{
	int64_t d;

	if (tkt_duration_parse(s, &d) == 0) {
		/* Back from now, but no further than the first time tkt writes. */
		*out = d > (int64_t)now - TIME_MIN ? (time_t)TIME_MIN :
		    now - (time_t)d;
		return 0;
	}
	return tkt_time_parse(s, out);
}

static time_t fixed_now = (time_t)-1;

int
tkt_now_init(const char *opt, struct tkt_error *err)
{
	const char *v = opt, *what = "--now";

	tkt_error_clear(err);
	if (v == NULL) {
		v = getenv("TKT_NOW");
		what = "TKT_NOW";
	}
	if (v == NULL || *v == '\0') {
		fixed_now = (time_t)-1;
		return 0;
	}
	if (tkt_time_parse(v, &fixed_now) == -1) {
		fixed_now = (time_t)-1;
		tkt_error_set(err, TKT_EXIT_USAGE, TKT_E_USAGE,
		    "%s: '%s' is not a time (want RFC 3339, e.g. 2026-11-23T09:00:00Z)",
		    what, v);
		return -1;
	}
	return 0;
}

time_t
tkt_now(void)
{
	return fixed_now != (time_t)-1 ? fixed_now : time(NULL);
}
