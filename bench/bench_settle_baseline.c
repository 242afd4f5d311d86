/* bench_settle_baseline.c -- what bench_settle.sh compares its figures with, measured in the same run.
 *
 *   bench_settle_baseline --verify SECONDS
 *   bench_settle_baseline --copy DB
 *
 * --verify times raw crypto_sign_verify_detached on one thread, best of 5
 * slices, and prints "raw-verify-per-s RATE": the audit verifies every
 * voucher's signature.
 *
 * --copy times SQLite alone doing the least a draft must do: read every
 * accepted redemption of DB and write each once into a table (in memory,
 * with the page cache a draft has), best of three, and prints
 * "raw-copy-s SECONDS ROWS".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "bench.h"

#define PROG		"bench_settle_baseline"

struct verify_ctx {
	uint8_t pk[32], msg[44], sig[64];
};

static int
op_verify(void *arg)
{
	struct verify_ctx *c = arg;

	return crypto_sign_verify_detached(c->sig, c->msg, sizeof(c->msg),
	    c->pk) == 0 ? 0 : -1;
}

static int
verify_baseline(double seconds)
{
	struct verify_ctx c;
	uint8_t sk[64];
	double best = 0, rate;
	int i;

	crypto_sign_keypair(c.pk, sk);
	randombytes_buf(c.msg, sizeof(c.msg));
	crypto_sign_detached(c.sig, NULL, c.msg, sizeof(c.msg), sk);
	/* Best of 5 slices: a shared machine only ever slows a slice down. */
	for (i = 0; i < 5; i++) {
		if ((rate = bench_run(op_verify, &c, seconds / 5)) < 0)
			bench_fatalx(PROG, "raw verification failed");
		if (rate > best)
			best = rate;
	}
	printf("raw-verify-per-s %.0f\n", best);
	return 0;
}

static int
copy_baseline(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	double best = 0, t0, t;
	int64_t rows = 0;
	char *msg = NULL;
	int i;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		bench_fatalx(PROG, "%s: %s", path, sqlite3_errmsg(db));
	if (sqlite3_exec(db, "PRAGMA cache_size = -65536;"
	    "PRAGMA temp_store = MEMORY;", NULL, NULL, &msg) != SQLITE_OK)
		bench_fatalx(PROG, "%s: %s", path, msg);
	for (i = 0; i < 3; i++) {
		t0 = bench_now();
		if (sqlite3_exec(db, "DROP TABLE IF EXISTS temp.copy;"
		    "CREATE TEMP TABLE copy AS SELECT id, serial, session_id,"
		    " venue_id, value FROM redemption"
		    " WHERE outcome = 'accepted';", NULL, NULL, &msg) !=
		    SQLITE_OK)
			bench_fatalx(PROG, "%s: %s", path, msg);
		t = bench_now() - t0;
		if (i == 0 || t < best)
			best = t;
	}
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM temp.copy", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		bench_fatalx(PROG, "%s: %s", path, sqlite3_errmsg(db));
	rows = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	printf("raw-copy-s %.4f %lld\n", best, (long long)rows);
	return 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		bench_fatalx(PROG, "sodium_init failed");
	if (argc == 3 && strcmp(argv[1], "--verify") == 0)
		return verify_baseline(atof(argv[2]) > 0 ? atof(argv[2]) : 1);
	if (argc == 3 && strcmp(argv[1], "--copy") == 0)
		return copy_baseline(argv[2]);
	fprintf(stderr, "usage: %s --verify SECONDS\n"
	    "       %s --copy DB\n", PROG, PROG);
	return 2;
}
