/*
 * sig.c: what a signal does to a run (tkt(7), "Interruptions").  SIGINT,
 * SIGTERM and SIGHUP ask the run to stop: nothing new starts, what is in
 * flight finishes, every record read comes out whole, and the exit status
 * is 128 + the signal.  A second SIGINT ends it at once.  SIGPIPE is
 * ignored, so that a reader gone away is a failed write the run sees
 * (tkt_sig_pipe) and stops on, with status 141.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tkt.h"

static volatile sig_atomic_t caught;
static int installed[3];	/* which of sigs[] have our handler */
static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

static void
handler(int sig)
{
	if (caught != 0 && sig == SIGINT) {
		/* The second: at once, as if there were no handler. */
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
		return;
	}
	if (caught == 0)
		caught = sig;
}

static void
install(int restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (installed[i])
			sigaction(sigs[i], &sa, NULL);
}

void
tkt_sig_init(void)
{
	static int done;

	if (done++)
		return;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* Ignored when we started (nohup, a background job): it stays so. */
		installed[i] = !(sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN);
	}
	/* Writes finish whole; a wait for input is a poll, which wakes. */
	install(1);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * A read that a signal must end: of a terminal, where a job in the
 * background is stopped (SIGTTIN) at each try, and a restarted read would
 * stop it again after the SIGTERM and SIGCONT of "kill %1".  -1 with errno
 * EINTR once a signal asked the run to stop.
 */
ssize_t
tkt_sig_read(int fd, void *buf, size_t len)
{
	ssize_t n;
	int e;

	install(0);
	if (caught != 0) {
		n = -1;
		e = EINTR;
	} else {
		n = read(fd, buf, len);
		e = errno;
	}
	install(1);
	errno = e;
	return n;
}

int
tkt_sig_caught(void)
{
	return caught;
}

void
tkt_sig_pipe(void)
{
	if (caught == 0)
		caught = SIGPIPE;
}

const char *
tkt_sig_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	case SIGPIPE: return "SIGPIPE";
	default: return "a signal";
	}
}
