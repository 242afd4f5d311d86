/* bench_report.c -- the funder's report on a large database: 1,000,000 vouchers by default.
 *
 * Makes a database in a temporary directory with the store's schema and
 * fills it with raw SQL, as fast as SQLite takes rows: 20 agencies and
 * booklets issued without one, 200 communes, two programmes, booklets of
 * 10 vouchers whose statuses are drawn as at the end of a programme (40 %
 * outstanding, 30 % redeemed, 20 % settled, 5 % expired, 5 % cancelled).
 * Then times the report as the page and the CSV make it (report_load(),
 * the store's one query and the breakdowns, then report_csv_write()), for
 * every programme and for the larger one, best of 5 runs.
 *
 * BENCH_VOUCHERS changes the number of vouchers (a multiple of 10). No
 * target: the figures are for information. Exit 2 when the set-up or an
 * operation fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "passnum/parse.h"
#include "report.h"
#include "report_csv.h"
#include "store.h"

#include "bench.h"

#define PROG		"bench_report"
#define AGENCIES	20
#define COMMUNES	200
#define PER_BOOKLET	10
#define RUNS		5

/* Run sql on db, or die. */
static void
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		bench_fatalx(PROG, "%s: %s", sql, msg);
}

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		bench_fatalx(PROG, "%s: %s", sql, sqlite3_errmsg(db));
	return st;
}

static void
step(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		bench_fatalx(PROG, "insert: %s", sqlite3_errmsg(db));
	sqlite3_reset(st);
}

/* A deterministic draw in [0, 100): the same database on every run. */
static unsigned
draw(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((*state >> 33) % 100);
}

/* Fill the database at path with n vouchers (the schema made already). */
static void
fill(const char *path, uint64_t n)
{
	static const char *const statuses[] = {
		"issued", "redeemed", "settled", "expired", "cancelled"
	};
	uint8_t hash[32], sig[64];
	sqlite3_stmt *ben, *book, *v;
	uint64_t b, k, serial = 1, rnd = 7;
	unsigned d, agency;
	char name[64];
	sqlite3 *db;
	int i;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		bench_fatalx(PROG, "%s: cannot open", path);
	exec(db, "PRAGMA synchronous = OFF; BEGIN;"
	    "INSERT INTO signing_key VALUES (1, zeroblob(32), 0, 0, 0, x'00', 0);"
	    "INSERT INTO user (id, login, display_name, role, password_hash,"
	    " created_at) VALUES (1, 'bench', 'bench', 'admin', 'x', 0);"
	    "INSERT INTO programme (id, name, face_value, per_booklet, validity,"
	    " territory, budget, max_booklets, created_at) VALUES"
	    " (1, 'Pass numérique 2026', 1000, 10, 'year-end+31', 'T', 0, 1, 0),"
	    " (2, 'Pass numérique 2027', 1000, 10, 'year-end+31', 'T', 0, 1, 0);");
	for (i = 1; i <= AGENCIES; i++) {
		char sql[160];

		(void)snprintf(sql, sizeof(sql), "INSERT INTO agency (id, name,"
		    " kind, commune) VALUES (%d, 'EDS %02d', 'eds', 'X')", i, i);
		exec(db, sql);
	}
	ben = prepare(db, "INSERT INTO beneficiary (id, ref_hash, pathway,"
	    " age_band, commune, created_at) VALUES (?1, ?2, 'rsa', '26-44', ?3, 0)");
	book = prepare(db, "INSERT INTO booklet (id, programme_id,"
	    " beneficiary_id, agency_id, issued_by, issued_at, per_booklet)"
	    " VALUES (?1, ?2, ?1, ?3, 1, 0,"
	    " (SELECT per_booklet FROM programme WHERE id = ?2))");
	v = prepare(db, "INSERT INTO voucher (serial, booklet_id, programme_id,"
	    " kid, value, issued_at, expires_at, signature, status)"
	    " VALUES (?1, ?2, ?3, 1, 1000, 0, 0, ?4, ?5)");
	memset(sig, 0, sizeof(sig));
	for (b = 1; b <= n / PER_BOOKLET; b++) {
		memset(hash, 0, sizeof(hash));
		memcpy(hash, &b, sizeof(b));
		(void)snprintf(name, sizeof(name), "Commune %03u",
		    draw(&rnd) * COMMUNES / 100);
		sqlite3_bind_int64(ben, 1, (int64_t)b);
		sqlite3_bind_blob(ben, 2, hash, sizeof(hash), SQLITE_STATIC);
		sqlite3_bind_text(ben, 3, name, -1, SQLITE_TRANSIENT);
		step(db, ben);
		agency = draw(&rnd) % (AGENCIES + 1);
		sqlite3_bind_int64(book, 1, (int64_t)b);
		sqlite3_bind_int64(book, 2, b % 3 != 0 ? 1 : 2);
		if (agency == 0)
			sqlite3_bind_null(book, 3);
		else
			sqlite3_bind_int64(book, 3, agency);
		step(db, book);
		for (k = 0; k < PER_BOOKLET; k++, serial++) {
			d = draw(&rnd);
			sqlite3_bind_int64(v, 1, (int64_t)serial);
			sqlite3_bind_int64(v, 2, (int64_t)b);
			sqlite3_bind_int64(v, 3, b % 3 != 0 ? 1 : 2);
			sqlite3_bind_blob(v, 4, sig, sizeof(sig), SQLITE_STATIC);
			sqlite3_bind_text(v, 5, statuses[d < 40 ? 0 : d < 70 ? 1 :
			    d < 90 ? 2 : d < 95 ? 3 : 4], -1, SQLITE_STATIC);
			step(db, v);
		}
	}
	sqlite3_finalize(ben);
	sqlite3_finalize(book);
	sqlite3_finalize(v);
	exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);");
	sqlite3_close(db);
}

/* The report of programme (0: all) and its CSV, best of RUNS; seconds. */
static void
measure(struct store *s, int64_t programme, double *load, double *csv,
    int64_t *issued, size_t *bytes)
{
	struct pn_error err;
	struct report *r;
	char *text;
	double t;
	int i;

	*load = *csv = 1e9;
	for (i = 0; i < RUNS; i++) {
		t = bench_now();
		if (report_load(s, programme, &r, &err) != 0)
			bench_fatalx(PROG, "report_load: %s", err.message);
		t = bench_now() - t;
		if (t < *load)
			*load = t;
		t = bench_now();
		if (report_csv_write(r, &text, bytes, &err) != 0)
			bench_fatalx(PROG, "report_csv_write: %s", err.message);
		t = bench_now() - t;
		if (t < *csv)
			*csv = t;
		if (!report_balanced(&r->total))
			bench_fatalx(PROG, "the report does not balance");
		*issued = r->total.issued;
		free(text);
		report_free(r);
	}
}

int
main(void)
{
	const char *env = getenv("BENCH_VOUCHERS"), *tmp = getenv("TMPDIR");
	char dir[4096], path[4200], side[4300];
	uint64_t n = 1000000;
	double t, load, csv;
	struct pn_error err;
	struct store *s;
	int64_t issued;
	size_t bytes;

	if (env != NULL && *env != '\0' && (pn_parse_u64(env, UINT64_C(1) << 40,
	    &n) != 0 || n == 0 || n % PER_BOOKLET != 0))
		bench_fatalx(PROG, "BENCH_VOUCHERS=\"%s\": expected a multiple "
		    "of %d", env, PER_BOOKLET);
	(void)snprintf(dir, sizeof(dir), "%s/bench_report.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		bench_fatalx(PROG, "%s: cannot make a directory", dir);
	(void)snprintf(path, sizeof(path), "%s/passnum.db", dir);
	printf("%s: passnum %s, SQLite %s, %ld CPUs online; best of %d runs\n",
	    PROG, PN_VERSION, sqlite3_libversion(),
	    sysconf(_SC_NPROCESSORS_ONLN), RUNS);
	printf("funder's report (informational)\n");
	fflush(stdout);
	if ((s = store_open(path, 5000, &err)) == NULL)
		bench_fatalx(PROG, "store_open: %s", err.message);
	store_close(s);
	t = bench_now();
	fill(path, n);
	printf("  database of %llu vouchers made in %.1f s\n",
	    (unsigned long long)n, bench_now() - t);
	if ((s = store_open(path, 5000, &err)) == NULL)
		bench_fatalx(PROG, "store_open: %s", err.message);
	measure(s, 0, &load, &csv, &issued, &bytes);
	printf("  every programme (%lld vouchers): report %.0f ms, CSV %.1f ms "
	    "(%zu bytes)\n", (long long)issued, load * 1000, csv * 1000, bytes);
	measure(s, 1, &load, &csv, &issued, &bytes);
	printf("  programme 1 (%lld vouchers):     report %.0f ms, CSV %.1f ms "
	    "(%zu bytes)\n", (long long)issued, load * 1000, csv * 1000, bytes);
	store_close(s);
	(void)unlink(path);
	(void)snprintf(side, sizeof(side), "%s-wal", path);
	(void)unlink(side);
	(void)snprintf(side, sizeof(side), "%s-shm", path);
	(void)unlink(side);
	(void)rmdir(dir);
	printf("%s: no target\n", PROG);
	return 0;
}
