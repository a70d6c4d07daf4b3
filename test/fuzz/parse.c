/*
 * parse.c: fuzzes the parsers of numbers, durations and times
 * (lib/parse.c), UTF-8 (lib/utf8.c) and ids (lib/id.c), each against a
 * small reference written here from the rule it implements.  Invariants:
 *
 *   - tkt_num_parse takes [+-]digits within [min, max], and says why not;
 *   - tkt_duration_parse takes what tkt(7) says ("90m", "1h30m", a bare
 *     number of seconds) when the total fits in 64 bits, with that total;
 *   - tkt_time_parsen takes the RFC 3339 forms of tkt-record(5) with real
 *     dates, whose instant tkt_time_format can write (years 0000 to 9999),
 *     at the instant timegm(3) gives; a parsed time formats back to the
 *     same instant and that text parses equal;
 *   - tkt_since_parse never overflows, whatever "now" is;
 *   - tkt_utf8_check agrees with a validator from Unicode's table of
 *     well-formed byte sequences, on the offset of the first bad byte;
 *     tkt_utf8_count counts the code points of valid text;
 *   - tkt_id_valid takes 1 to 64 printable ASCII bytes but & ? # /.
 */
#include <limits.h>
#include <time.h>

#include "fuzz.h"

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static void
check_num(const char *s)
{
	static const long long range[][2] = {
		{ LLONG_MIN, LLONG_MAX }, { 0, 100 }, { 1, 5 },
		{ -1000000000, 1000000000 }, { 0, UINT32_MAX },
	};

	for (size_t k = 0; k < sizeof(range) / sizeof(range[0]); k++) {
		long long min = range[k][0], max = range[k][1], v = 12345;
		const char *why, *want = NULL;
		size_t i = 0;
		__int128 ref = 0;
		int neg = 0, rc;

		if (s[i] == '+' || s[i] == '-')
			neg = s[i++] == '-';
		if (!isdig(s[i]))
			want = "invalid";
		for (; want == NULL && s[i] != '\0'; i++) {
			if (!isdig(s[i]))
				want = "invalid";
			else if (ref <= (__int128)LLONG_MAX + 1)
				ref = ref * 10 + (s[i] - '0');
		}
		if (neg)
			ref = -ref;
		if (want == NULL && ref < min)
			want = "too small";
		else if (want == NULL && ref > max)
			want = "too large";
		rc = tkt_num_parse(s, min, max, &v, &why);
		FUZZ_CHECK((rc == 0) == (want == NULL), "num '%s' [%lld, %lld]: "
		    "%s, the reference: %s", s, min, max, rc ? why : "taken",
		    want ? want : "taken");
		FUZZ_CHECK(rc == 0 ? why == NULL && v == (long long)ref :
		    why != NULL && strcmp(why, want) == 0,
		    "num '%s': %lld (%s), the reference %s", s, v,
		    why ? why : "-", want ? want : "taken");
	}
}

/* What tkt(7) says a duration is, with exact arithmetic. */
static int
ref_duration(const char *s, int64_t *out)
{
	__int128 total = 0;
	int any = 0;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		__int128 n = 0, unit;

		if (!isdig(*s))
			return -1;
		while (isdig(*s)) {
			n = n * 10 + (*s++ - '0');
			if (n > INT64_MAX)
				return -1;
		}
		switch (*s) {
		case '\0':
			if (any)
				return -1;
			unit = 1;
			break;
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default:
			return -1;
		}
		if (*s != '\0')
			s++;
		total += n * unit;
		if (total > INT64_MAX)
			return -1;
		any = 1;
	}
	*out = (int64_t)total;
	return 0;
}

static void
check_duration(const char *s)
{
	int64_t d = -1, ref = -1;
	int rc = tkt_duration_parse(s, &d), want = ref_duration(s, &ref);
	char human[64];

	FUZZ_CHECK(rc == want && (rc != 0 || d == ref),
	    "duration '%s': %s %lld, the reference: %s %lld", s,
	    rc ? "refused" : "taken", (long long)d, want ? "refused" : "taken",
	    (long long)ref);
	if (rc == 0) {
		tkt_duration_human(d, human, sizeof(human));
		FUZZ_CHECK(human[0] != '\0' && strlen(human) < 40,
		    "duration_human(%lld) is '%s'", (long long)d, human);
	}
}

/* tkt-record(5)'s time forms, field by field; -1, or 0 and the instant. */
static int
ref_time(const char *s, size_t n, int64_t *out)
{
	static const char date[] = "dddd-dd-dd", tod[] = "dd:dd:dd";
	int f[8] = { 0 }, off = 0;
	size_t i;
	struct tm tm;
	int64_t t;

	if (n < 10)
		return -1;
	for (i = 0; i < 10; i++)
		if (date[i] == 'd' ? !isdig(s[i]) : s[i] != date[i])
			return -1;
	f[0] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	f[1] = (s[5] - '0') * 10 + (s[6] - '0');
	f[2] = (s[8] - '0') * 10 + (s[9] - '0');
	if (n > 10) {
		if (n < 19 || strchr("Tt ", s[10]) == NULL || s[10] == '\0')
			return -1;
		for (i = 0; i < 8; i++)
			if (tod[i] == 'd' ? !isdig(s[11 + i]) :
			    s[11 + i] != tod[i])
				return -1;
		f[3] = (s[11] - '0') * 10 + (s[12] - '0');
		f[4] = (s[14] - '0') * 10 + (s[15] - '0');
		f[5] = (s[17] - '0') * 10 + (s[18] - '0');
		i = 19;
		if (i < n && s[i] == '.') {
			if (++i >= n || !isdig(s[i]))
				return -1;
			while (i < n && isdig(s[i]))
				i++;
		}
		if (i < n && (s[i] == 'Z' || s[i] == 'z'))
			i++;
		else if (i < n && (s[i] == '+' || s[i] == '-')) {
			if (n - i < 6 || !isdig(s[i + 1]) || !isdig(s[i + 2]) ||
			    s[i + 3] != ':' || !isdig(s[i + 4]) || !isdig(s[i + 5]))
				return -1;
			f[6] = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
			f[7] = (s[i + 4] - '0') * 10 + (s[i + 5] - '0');
			if (f[6] > 23 || f[7] > 59)
				return -1;
			off = (s[i] == '-' ? -1 : 1) * (f[6] * 3600 + f[7] * 60);
			i += 6;
		}
		if (i != n)
			return -1;
	}
	{
		int leap = f[0] % 4 == 0 && (f[0] % 100 != 0 || f[0] % 400 == 0);
		int mdays[] = { 31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30,
		    31, 30, 31 };

		if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > mdays[f[1] - 1] ||
		    f[3] > 23 || f[4] > 59 || f[5] > 60)
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5] == 60 ? 59 : f[5];	/* a leap second is :59 */
	t = (int64_t)timegm(&tm) - off;
	/* What tkt_time_format can write: 0000-01-01 to 9999-12-31, UTC. */
	if (t < -62167219200LL || t > 253402300799LL)
		return -1;
	*out = t;
	return 0;
}

static void
check_time(const char *data, size_t size, const char *s)
{
	time_t t = -1, t2 = -1;
	int64_t ref = 0;
	char buf[21], buf2[21];
	int rc = tkt_time_parsen(data, size, &t);
	int want = ref_time(data, size, &ref);

	FUZZ_CHECK(rc == want && (rc != 0 || (int64_t)t == ref),
	    "time '%.*s': %s %lld, the reference: %s %lld", (int)size, data,
	    rc ? "refused" : "taken", (long long)t, want ? "refused" : "taken",
	    (long long)ref);
	if (rc == 0) {
		tkt_time_format(t, buf);
		FUZZ_CHECK(strlen(buf) == 20 && tkt_time_parse(buf, &t2) == 0 &&
		    t2 == t, "time '%.*s' (%lld) formats as '%s', which reads "
		    "as %lld", (int)size, data, (long long)t, buf,
		    (long long)t2);
		tkt_time_format(t2, buf2);
		FUZZ_CHECK(strcmp(buf, buf2) == 0, "'%s' formats again as '%s'",
		    buf, buf2);
	}
	/* The C string form agrees with the counted one. */
	if (strlen(s) == size)
		FUZZ_CHECK(tkt_time_parse(s, &t2) == rc && (rc || t2 == t),
		    "tkt_time_parse and tkt_time_parsen disagree on '%s'", s);
}

static void
check_since(const char *s)
{
	static const time_t nows[] = { 0, 1795435200, -62167219200LL,
	    253402300799LL };

	for (size_t i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		time_t out = 0;
		char buf[21];

		if (tkt_since_parse(s, nows[i], &out) == 0)
			tkt_time_format(out, buf);
	}
}

/* The reference: the offset of the first ill-formed sequence, or -1. */
static size_t
ref_utf8(const char *s, size_t n, size_t *count)
{
	size_t i = 0, k;

	*count = 0;
	while (i < n) {
		if ((k = fuzz_utf8_seq((const unsigned char *)s, n, i)) == 0)
			return i;
		i += k;
		(*count)++;
	}
	return (size_t)-1;
}

static void
check_utf8(const char *s, size_t n)
{
	size_t count, want = ref_utf8(s, n, &count), got = tkt_utf8_check(s, n);

	FUZZ_CHECK(got == want, "utf8_check says %zd, the reference %zd",
	    (ssize_t)got, (ssize_t)want);
	if (want == (size_t)-1)
		FUZZ_CHECK(tkt_utf8_count(s, n) == count,
		    "utf8_count says %zu, the reference %zu",
		    tkt_utf8_count(s, n), count);
}

static void
check_id(const char *s, size_t n)
{
	int want = n >= 1 && n <= 64;

	for (size_t i = 0; i < n && want; i++)
		if (s[i] < '!' || s[i] > '~' || strchr("&?#/", s[i]) != NULL)
			want = 0;
	FUZZ_CHECK(tkt_id_valid(s, n) == want, "id '%.*s': %d, the reference %d",
	    (int)n, s, tkt_id_valid(s, n), want);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env("fuzz-parse");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	/* An exact copy for the counted parsers: no NUL after it. */
	char *exact = malloc(size ? size : 1);

	if (exact == NULL)
		abort();
	if (size > 0)
		memcpy(exact, data, size);
	check_num(s);
	check_duration(s);
	check_time(exact, size, s);
	check_since(s);
	check_utf8(exact, size);
	check_id(exact, size);
	free(exact);
	free(s);
	return 0;
}
