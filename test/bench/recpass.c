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
	struct tkt_reader *rd;
	struct tkt_rec *r;
	struct tkt_error e;
	int rc, status = 0;

	tkt_setprogname(argv[0]);
	tkt_out_init();
	rd = tkt_reader_new(argv + 1, argc - 1, TKT_RD_TOP);
	while ((rc = tkt_reader_next(rd, &r, &e)) != 0) {
		if (rc == -1) {
			tkt_error_print(&e);
			status = 1;
			continue;
		}
		if (tkt_out_line(r->line, r->len) == -1 || tkt_out_line("\n", 1) == -1)
			break;
	}
	tkt_reader_free(rd);
	return tkt_exit_merge(status, tkt_close_stdout());
}
