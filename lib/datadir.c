/*
 * datadir.c: where share/tkt lives: $TKT_DATADIR, else share/tkt beside
 * the running binary's directory (a build tree or PREFIX), else the
 * compiled-in PREFIX.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tkt.h"

#ifndef TKT_DATADIR_DEFAULT
#define TKT_DATADIR_DEFAULT "/usr/local/share/tkt"
#endif

static char *datadir;

static int
isdir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *
tkt_datadir(void)
{
	const char *env;
	char exe[PATH_MAX];
	ssize_t n;

	if (datadir != NULL)
		return datadir;
	if ((env = getenv("TKT_DATADIR")) != NULL && *env != '\0') {
		datadir = xstrdup(env);
		return datadir;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash, *cand;

		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			cand = xasprintf("%s/../share/tkt", exe);
			if (isdir(cand)) {
				datadir = cand;
				return datadir;
			}
			free(cand);
		}
	}
	datadir = xstrdup(TKT_DATADIR_DEFAULT);
	return datadir;
}

char *
tkt_datafile(const char *name)
{
	return xasprintf("%s/%s", tkt_datadir(), name);
}
