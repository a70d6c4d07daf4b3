/*
 * yajlscan: the floor for reading records with yajl.  Each line of the
 * files named (or stdin) is checked alone, as a record reader must (a bad
 * line is reported and the next one read), through one yajl handle kept
 * across lines, with no callbacks: nothing built, nothing written.  Exits
 * 1 if a line is not valid JSON.  The baseline of test/bench/metrics.sh;
 * not installed.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

static int
line(yajl_handle *h, const char *s, size_t n)
{
	if (*h == NULL) {
		*h = yajl_alloc(NULL, NULL, NULL);
		yajl_config(*h, yajl_allow_multiple_values, 1);
	}
	if (yajl_parse(*h, (const unsigned char *)s, n) == yajl_status_ok &&
	    yajl_complete_parse(*h) == yajl_status_ok)
		return 0;
	yajl_free(*h);
	*h = NULL;
	return -1;
}

static int
scan(int fd, yajl_handle *h)
{
	static char buf[1 << 20];
	size_t have = 0;
	ssize_t n;
	int bad = 0;

	while ((n = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		char *p = buf, *end = buf + have + n, *nl;

		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			bad |= line(h, p, (size_t)(nl - p));
			p = nl + 1;
		}
		have = (size_t)(end - p);
		memmove(buf, p, have);
	}
	if (have > 0)
		bad |= line(h, buf, have);
	return n == 0 ? bad : -1;
}

int
main(int argc, char *argv[])
{
	yajl_handle h = NULL;
	int status = 0;

	if (argc < 2)
		status |= scan(STDIN_FILENO, &h);
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);

		if (fd == -1 || scan(fd, &h) == -1)
			status = -1;
		if (fd != -1)
			close(fd);
	}
	if (h != NULL)
		yajl_free(h);
	return status ? 1 : 0;
}
