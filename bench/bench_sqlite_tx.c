/* bench_sqlite_tx.c -- the raw rate of one-row durable SQLite transactions.
 *
 *   bench_sqlite_tx DIR SECONDS
 *
 * Creates a database in DIR with the store's settings (WAL,
 * synchronous=FULL) and, for SECONDS, commits one transaction of one
 * INSERT after another on one connection; prints "raw-tx-per-s N". What a
 * durable commit costs on this machine (mostly an fsync): the baseline of
 * bench_redeem.sh, whose redemptions must come at no less than this rate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
must(int rc, sqlite3 *db, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "bench_sqlite_tx: %s: %s\n", what,
		    sqlite3_errmsg(db));
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	char path[4096];
	sqlite3 *db;
	sqlite3_stmt *ins;
	double t0, secs;
	unsigned long n = 0;

	if (argc != 3 || (secs = atof(argv[2])) <= 0) {
		fprintf(stderr, "usage: bench_sqlite_tx DIR SECONDS\n");
		return 2;
	}
	(void)snprintf(path, sizeof(path), "%s/raw-tx.db", argv[1]);
	must(sqlite3_open(path, &db), db, "open");
	must(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB)",
	    NULL, NULL, NULL), db, "setup");
	must(sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES (randomblob(100))",
	    -1, &ins, NULL), db, "prepare");
	t0 = now_s();
	while (now_s() - t0 < secs) {
		must(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db,
		    "begin");
		must(sqlite3_step(ins), db, "insert");
		sqlite3_reset(ins);
		must(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
		n++;
	}
	printf("raw-tx-per-s %.0f\n", (double)n / (now_s() - t0));
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}
