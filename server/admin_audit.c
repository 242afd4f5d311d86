/* admin_audit.c -- passnum-admin audit and backup: the database's soundness and copies.
 *
 *   audit --config FILE
 *   backup --config FILE --out FILE
 *
 * Checks, and reports in plain words: SQLite's integrity check, the audit
 * log's hash chain, every booklet whole (as many vouchers as its programme
 * says), and each programme's committed amount equal to the face value of
 * its vouchers. Exit 0 only when everything holds. Safe while passnumd runs.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "store.h"

int
admin_audit(int argc, char **argv)
{
	struct pn_error err;
	struct store *s;
	uint64_t rows;
	int64_t bad_id, problems;
	int failed = 0, rc;

	if (argc != 3 || strcmp(argv[1], "--config") != 0)
		return admin_usage_error("audit", "usage: audit --config FILE");
	if ((s = admin_open_store("audit", argv[2])) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_integrity_check(s, &err) != 0) {
		printf("FAIL database integrity: %s\n", err.message);
		failed = 1;
	} else
		printf("ok   database integrity\n");
	rc = store_audit_verify(s, &rows, &bad_id, &err);
	if (rc == 0)
		printf("ok   audit log: %llu rows, hash chain unbroken\n",
		    (unsigned long long)rows);
	else {
		printf("FAIL audit log: %s\n", err.message);
		failed = 1;
	}
	if (store_check_booklets(s, &problems, &err) != 0) {
		printf("FAIL booklets: %s\n", err.message);
		failed = 1;
	} else if (problems > 0) {
		printf("FAIL booklets: %lld problem(s) above: booklets not "
		    "whole, or programme amounts that differ from their "
		    "vouchers\n", (long long)problems);
		failed = 1;
	} else
		printf("ok   booklets whole, programme amounts equal to their "
		    "vouchers\n");
	store_close(s);
	return failed ? ADMIN_EXIT_FAIL : ADMIN_EXIT_OK;
}

/* A consistent copy of the live database (safe while passnumd runs). */
int
admin_backup(int argc, char **argv)
{
	struct pn_error err;
	struct store *s;

	if (argc != 5 || strcmp(argv[1], "--config") != 0 ||
	    strcmp(argv[3], "--out") != 0)
		return admin_usage_error("backup", "usage: backup --config FILE "
		    "--out FILE");
	if ((s = admin_open_store("backup", argv[2])) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_backup(s, argv[4], &err) != 0) {
		fprintf(stderr, "passnum-admin backup: %s\n", err.message);
		store_close(s);
		return ADMIN_EXIT_FAIL;
	}
	store_close(s);
	printf("backup written to %s (integrity checked)\n", argv[4]);
	return ADMIN_EXIT_OK;
}
