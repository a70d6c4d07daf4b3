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

static const char usage_text[] =
    "usage: tkt-sandbox [-p PORT] [-d FILE] [--token TOKEN]\n"
    "                   [--refresh-token TOKEN] [--token-ttl SECONDS] [--seed N]\n"
    "                   [--tickets N] [--now TIME] [--rate N/s] [--faults SPEC]\n"
    "                   [--refund-delay DUR] [--no-processing]\n"
    "                   [--reset-format FORMAT] [--rate-headers all|429]\n";

enum {
	O_TOKEN = 256, O_REFRESH, O_TTL, O_SEED, O_TICKETS, O_NOW, O_RATE,
	O_FAULTS, O_REFUND_DELAY, O_NO_PROCESSING, O_RESET_FORMAT,
	O_RATE_HEADERS, O_VERSION
};

static const struct option longopts[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "data", required_argument, NULL, 'd' },
	{ "token", required_argument, NULL, O_TOKEN },
	{ "refresh-token", required_argument, NULL, O_REFRESH },
	{ "token-ttl", required_argument, NULL, O_TTL },
	{ "seed", required_argument, NULL, O_SEED },
	{ "tickets", required_argument, NULL, O_TICKETS },
	{ "now", required_argument, NULL, O_NOW },
	{ "rate", required_argument, NULL, O_RATE },
	{ "faults", required_argument, NULL, O_FAULTS },
	{ "refund-delay", required_argument, NULL, O_REFUND_DELAY },
	{ "no-processing", no_argument, NULL, O_NO_PROCESSING },
	{ "reset-format", required_argument, NULL, O_RESET_FORMAT },
	{ "rate-headers", required_argument, NULL, O_RATE_HEADERS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
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
	int ch;

	tkt_setprogname(argv[0]);
	while ((ch = getopt_long(argc, argv, "p:d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': o.port = optarg; break;
		case 'd': o.file = optarg; break;
		case O_TOKEN: o.token = optarg; break;
		case O_REFRESH: o.refresh_token = optarg; break;
		case O_TTL: o.token_ttl = optarg; break;
		case O_SEED: o.seed = optarg; break;
		case O_TICKETS: o.tickets = optarg; break;
		case O_NOW: o.now = optarg; break;
		case O_RATE: o.rate = optarg; break;
		case O_FAULTS: o.faults = optarg; break;
		case O_REFUND_DELAY: o.refund_delay = optarg; break;
		case O_NO_PROCESSING: o.no_processing = 1; break;
		case O_RESET_FORMAT: o.reset_format = optarg; break;
		case O_RATE_HEADERS: o.rate_headers = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			return TKT_EXIT_OK;
		case O_VERSION:
			tkt_print_version();
			return TKT_EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return TKT_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		tkt_warnx("unexpected operand '%s'", argv[optind]);
		fputs(usage_text, stderr);
		return TKT_EXIT_USAGE;
	}
	tkt_error_clear(&err);
	if (tkt_sandbox_run(&o, &err) == -1) {
		tkt_error_print(&err);
		return TKT_EXIT_USAGE;
	}
	return tkt_close_stdout() ? TKT_EXIT_USAGE : TKT_EXIT_OK;
}
