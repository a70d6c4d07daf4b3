/*
 * sig.c: what a signal does to a run (tkt(7), "Interruptions").  SIGINT,
 * SIGTERM and SIGHUP ask the run to stop: nothing new starts, what is in
 * flight finishes, every record read comes out whole, and the exit status
 * is 128 + the signal.  A second SIGINT ends it at once.  SIGPIPE is
 * ignored, so that a reader gone away is a failed write the run sees
 * (tkt_sig_pipe) and stops on, with status 141.
 */
#include <signal.h>
#include <string.h>

#include "tkt.h"

static volatile sig_atomic_t caught;

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

void
tkt_sig_init(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static int done;
	struct sigaction sa;

	if (done++)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	/* Writes finish whole; a wait for input is a poll, which wakes. */
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* Ignored when we started (nohup, a background job): it stays so. */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
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
