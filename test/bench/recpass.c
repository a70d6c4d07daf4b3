/*
 * recpass: the record layer alone.  Reads JSON lines (files or stdin),
 * validates each and keeps the root's members (TKT_RD_TOP, what a tool
 * that adds a field needs), and writes every record back unchanged.
 * Used by test/bench/record.sh; not installed.
 */
#include "tkt.h"

int
main(int argc, char *argv[])
{
	struct tkt_loop *rd;
	struct tkt_rec *r;
	int status;

	tkt_setprogname(argv[0]);
	tkt_out_init();
	rd = tkt_loop_new(argv + 1, argc - 1, TKT_RD_TOP);
	while (tkt_loop_next(rd, &r) == 1) {
		if (tkt_out_line(r->line, r->len) == -1 || tkt_out_line("\n", 1) == -1)
			break;
	}
	status = tkt_loop_status(rd);
	tkt_loop_free(rd);
	return tkt_exit_merge(status, tkt_close_stdout());
}
