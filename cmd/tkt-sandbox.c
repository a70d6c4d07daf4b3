/*
 * tkt-sandbox: a fake Wish Merchant API, v2 and v3, on 127.0.0.1, for
 * tests, demos and benchmarks.  Reads nothing; writes its origin as the one
 * line on stdout, then serves until SIGTERM or SIGINT.  Flags: -p PORT,
 * -d FILE, --token, --refresh-token, --token-ttl, --seed, --tickets, --now,
 * --rate N/s, --faults SPEC, --refund-delay DUR, --no-processing,
 * --reset-format FORMAT, --rate-headers all|429.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "tkt.h"
#include "sandbox/sandbox.h"

enum {
	O_TOKEN = 256, O_REFRESH, O_TTL, O_SEED, O_TICKETS, O_NOW, O_RATE,
	O_FAULTS, O_REFUND_DELAY, O_NO_PROCESSING, O_RESET_FORMAT,
	O_RATE_HEADERS, O_FILES
};

static const struct tkt_opt opts[] = {
	{ 'p', "port", "port", "listen on this loopback port (else a free one)" },
	{ 'd', "data", "file", "keep the tickets in file (JSON lines)" },
	{ O_TOKEN, "token", "token", "the access token it accepts" },
	{ O_REFRESH, "refresh-token", "token", "the refresh token it accepts" },
	{ O_TTL, "token-ttl", "seconds", "access tokens expire after this" },
	{ O_SEED, "seed", "n", "the seed of the generated tickets" },
	{ O_TICKETS, "tickets", "n", "how many tickets to generate" },
	{ O_NOW, "now", "time", "the time the tickets are made around" },
	{ O_RATE, "rate", "n/s", "answer 429 beyond n requests a second" },
	{ O_FAULTS, "faults", "spec", "inject faults (tkt-sandbox(1))" },
	{ O_REFUND_DELAY, "refund-delay", "duration", "v3 refunds stay "
	    "IN_PROGRESS this long" },
	{ O_NO_PROCESSING, "no-processing", NULL, "v3 orders show no refund "
	    "processing fields" },
	{ O_RESET_FORMAT, "reset-format", "format", "the rate Reset header: "
	    "seconds, unix, unix-ms, http-date, iso8601" },
	{ O_RATE_HEADERS, "rate-headers", "all|429", "rate headers on every "
	    "answer, or on 429s only" },
	{ O_FILES, "files", NULL, "serve the replies' images behind links "
	    "that expire" },
	{ 0, NULL, NULL, NULL }
};

static const struct tkt_example examples[] = {
	{ "200 tickets on a free port, its origin the first line of origin",
	    "tkt-sandbox --tickets 200 --now 2026-11-23T12:00:00Z >origin &" },
	{ "access tokens that live a minute, for refresh tests",
	    "tkt-sandbox --tickets 10 --token-ttl 60 >origin &" },
	{ NULL, NULL }
};

static const struct tkt_tool tool = {
	"tkt-sandbox [-p port] [-d file] [--token token]\n"
	"                   [--refresh-token token] [--token-ttl seconds] [--seed n]\n"
	"                   [--tickets n] [--now time] [--rate n/s] [--faults spec]\n"
	"                   [--refund-delay duration] [--no-processing]\n"
	"                   [--reset-format format] [--rate-headers all|429] [--files]",
	"Serves a fake Wish Merchant API (v2 and v3) on 127.0.0.1 until "
	"SIGTERM.",
	opts, NULL, NULL, NULL, examples
};

static void
ready(const char *origin, void *arg)
{
	(void)arg;
	printf("%s\n", origin);
	fflush(stdout);
}

int
main(int argc, char *argv[])
{
	struct tkt_sandbox_opts o = { .ready = ready };
	struct tkt_error err = { 0 };
	const char *arg;
	int ch;

	tkt_setprogname(argv[0]);
	while ((ch = tkt_opt_next(&tool, argc, argv, &arg)) != -1) {
		switch (ch) {
		case 'p': o.port = arg; break;
		case 'd': o.file = arg; break;
		case O_TOKEN: o.token = arg; break;
		case O_REFRESH: o.refresh_token = arg; break;
		case O_TTL: o.token_ttl = arg; break;
		case O_SEED: o.seed = arg; break;
		case O_TICKETS: o.tickets = arg; break;
		case O_NOW: o.now = arg; break;
		case O_RATE: o.rate = arg; break;
		case O_FAULTS: o.faults = arg; break;
		case O_REFUND_DELAY: o.refund_delay = arg; break;
		case O_NO_PROCESSING: o.no_processing = 1; break;
		case O_RESET_FORMAT: o.reset_format = arg; break;
		case O_RATE_HEADERS: o.rate_headers = arg; break;
		case O_FILES: o.files = 1; break;
		}
	}
	if (optind < argc) {
		tkt_warnx("unexpected operand '%s'", argv[optind]);
		tkt_opt_usage(&tool);
	}
	tkt_error_clear(&err);
	if (tkt_sandbox_run(&o, &err) == -1) {
		tkt_error_print(&err);
		return TKT_EXIT_USAGE;
	}
	return tkt_exit_stdout(TKT_EXIT_OK);
}
