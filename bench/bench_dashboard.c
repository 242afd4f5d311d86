/* bench_dashboard.c -- the dashboard (/pilotage) of a programme of 1,000,000 vouchers and a year of redemptions.
 *
 * Makes a database in a temporary directory with the store's schema and
 * fills it with raw SQL: one programme, 100,000 booklets of 10 vouchers
 * issued over 2026 to 100,000 people (three pathways, five age bands,
 * 200 communes), by 20 agencies and without one; 200 venues holding
 * 20,000 sessions of 12 themes over the year; 70 % of the vouchers used
 * (an accepted redemption each, a third of them paid), the others
 * outstanding, expired or cancelled. Then, best of 5 runs, times:
 *
 *   - the raw SQL aggregate: vouchers by status, and by commune with
 *     their distinct people, two GROUP BY statements, as a baseline;
 *   - the page: dashboard_load() and ui_dashboard_body(), what GET
 *     /pilotage runs between the request and the reply (the frame
 *     around it is a few hundred bytes), its charts included;
 *   - the printed bilan: the same figures and dash_bilan_pdf(), what
 *     GET /pilotage/bilan.pdf runs.
 *
 * Targets: the page in under 1 s, the bilan in under 2 s. BENCH_VOUCHERS changes the number of
 * vouchers (a multiple of 10). Exit 1 when the target is missed, 2 when
 * the set-up or an operation fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "passnum/parse.h"
#include "dashboard.h"
#include "dashboard_charts.h"
#include "html.h"
#include "store.h"
#include "ui.h"

#include "bench.h"

#define PROG		"bench_dashboard"
#define AGENCIES	20
#define COMMUNES	200
#define VENUES		200
#define SESSIONS	20000
#define THEMES		12
#define PER_BOOKLET	10
#define RUNS		5
#define TARGET_S	1.0
#define TARGET_PDF_S	2.0	/* the printed bilan, figures included */
/* 2026-01-01T00:00:00+01:00, and a year. */
#define YEAR_START	1767222000
#define YEAR_SECONDS	(365 * 86400)

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

/* A deterministic draw in [0, n): the same database on every run. */
static unsigned
draw(uint64_t *state, unsigned n)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((*state >> 33) % n);
}

static void
fill(const char *path, uint64_t n)
{
	static const char *const pathways[] = { "rsa", "revenu-jeunes",
	    "other" };
	static const char *const ages[] = { "16-25", "26-44", "45-59",
	    "60-74", "75+" };
	uint8_t blob[32], sig[64];
	sqlite3_stmt *ben, *book, *v, *ses, *red;
	uint64_t b, k, serial = 1, rnd = 7, rid = 1;
	int64_t issued_at, starts;
	unsigned d, agency, s;
	char name[64], sql[256];
	sqlite3 *db;
	int i;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		bench_fatalx(PROG, "%s: cannot open", path);
	exec(db, "PRAGMA synchronous = OFF; BEGIN;"
	    "INSERT INTO signing_key VALUES (1, zeroblob(32), 0, 0, 0, x'00', 0);"
	    "INSERT INTO user (id, login, display_name, role, password_hash,"
	    " created_at) VALUES (1, 'bench', 'bench', 'admin', 'x', 0);"
	    "INSERT INTO programme (id, name, face_value, per_booklet, validity,"
	    " territory, budget, committed, max_booklets, created_at) VALUES"
	    " (1, 'Pass numérique 2026', 1000, 10, 'year-end+31', 'T',"
	    " 2000000000, 1000000000, 1, 0);");
	for (i = 1; i <= AGENCIES; i++) {
		(void)snprintf(sql, sizeof(sql), "INSERT INTO agency (id, name,"
		    " kind, commune) VALUES (%d, 'EDS %02d', 'eds', 'X')", i, i);
		exec(db, sql);
	}
	for (i = 1; i <= VENUES; i++) {
		(void)snprintf(sql, sizeof(sql), "INSERT INTO venue (id, name,"
		    " siret, address, commune, iban, bic, contact,"
		    " accredited_from, created_at) VALUES (%d, 'Lieu %03d',"
		    " '%014d', 'a', 'c', 'FR7630001007941234567890185',"
		    " 'BDFEFRPP', 'x', 0, 0)", i, i, i);
		exec(db, sql);
	}
	ses = prepare(db, "INSERT INTO training_session (id, uid, venue_id,"
	    " terminal_id, theme, starts_at, duration_minutes, declared_at)"
	    " VALUES (?1, ?2, ?3, 1, ?4, ?5, 60, 0)");
	memset(blob, 0, sizeof(blob));
	for (s = 1; s <= SESSIONS; s++) {
		memcpy(blob, &s, sizeof(s));
		(void)snprintf(name, sizeof(name), "Thème %02u",
		    draw(&rnd, THEMES));
		sqlite3_bind_int64(ses, 1, s);
		sqlite3_bind_blob(ses, 2, blob, 16, SQLITE_STATIC);
		sqlite3_bind_int64(ses, 3, 1 + (s - 1) % VENUES);
		sqlite3_bind_text(ses, 4, name, -1, SQLITE_TRANSIENT);
		/* Spread over the year, in order of id. */
		sqlite3_bind_int64(ses, 5, YEAR_START +
		    (int64_t)(s - 1) * (YEAR_SECONDS / SESSIONS));
		step(db, ses);
	}
	sqlite3_finalize(ses);
	ben = prepare(db, "INSERT INTO beneficiary (id, ref_hash, pathway,"
	    " age_band, commune, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 0)");
	book = prepare(db, "INSERT INTO booklet (id, programme_id,"
	    " beneficiary_id, agency_id, issued_by, issued_at, per_booklet)"
	    " VALUES (?1, 1, ?1, ?2, 1, ?3,"
	    " (SELECT per_booklet FROM programme WHERE id = 1))");
	v = prepare(db, "INSERT INTO voucher (serial, booklet_id, programme_id,"
	    " kid, value, issued_at, expires_at, signature, status)"
	    " VALUES (?1, ?2, 1, 1, 1000, ?3, 0, ?4, ?5)");
	red = prepare(db, "INSERT INTO redemption (redemption_id, serial,"
	    " session_id, terminal_id, venue_id, terminal_time, counter,"
	    " record_signature, outcome, value, received_at, answer)"
	    " VALUES (?1, ?2, ?3, 1, ?4, ?5, 0, ?6, 'accepted', 1000, ?5, '')");
	memset(sig, 0, sizeof(sig));
	for (b = 1; b <= n / PER_BOOKLET; b++) {
		memset(blob, 0, sizeof(blob));
		memcpy(blob, &b, sizeof(b));
		(void)snprintf(name, sizeof(name), "Commune %03u",
		    draw(&rnd, COMMUNES));
		sqlite3_bind_int64(ben, 1, (int64_t)b);
		sqlite3_bind_blob(ben, 2, blob, sizeof(blob), SQLITE_STATIC);
		sqlite3_bind_text(ben, 3, pathways[draw(&rnd, 3)], -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(ben, 4, ages[draw(&rnd, 5)], -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(ben, 5, name, -1, SQLITE_TRANSIENT);
		step(db, ben);
		agency = draw(&rnd, AGENCIES + 1);
		/* Issued in order over the first 11 months. */
		issued_at = YEAR_START + (int64_t)(b - 1) * (YEAR_SECONDS / 12 *
		    11) / (int64_t)(n / PER_BOOKLET);
		sqlite3_bind_int64(book, 1, (int64_t)b);
		if (agency == 0)
			sqlite3_bind_null(book, 2);
		else
			sqlite3_bind_int64(book, 2, agency);
		sqlite3_bind_int64(book, 3, issued_at);
		step(db, book);
		for (k = 0; k < PER_BOOKLET; k++, serial++) {
			const char *status;

			d = draw(&rnd, 100);
			status = d < 47 ? "redeemed" : d < 70 ? "settled" :
			    d < 85 ? "issued" : d < 95 ? "expired" :
			    "cancelled";
			sqlite3_bind_int64(v, 1, (int64_t)serial);
			sqlite3_bind_int64(v, 2, (int64_t)b);
			sqlite3_bind_int64(v, 3, issued_at);
			sqlite3_bind_blob(v, 4, sig, sizeof(sig), SQLITE_STATIC);
			sqlite3_bind_text(v, 5, status, -1, SQLITE_STATIC);
			step(db, v);
			if (d >= 70)
				continue;
			/* A session after the issue, within a few weeks. */
			starts = issued_at + (int64_t)draw(&rnd, 60) * 86400;
			s = (unsigned)((starts - YEAR_START) /
			    (YEAR_SECONDS / SESSIONS)) + 1;
			if (s > SESSIONS)
				s = SESSIONS;
			memset(blob, 0, sizeof(blob));
			memcpy(blob, &rid, sizeof(rid));
			rid++;
			sqlite3_bind_blob(red, 1, blob, 16, SQLITE_STATIC);
			sqlite3_bind_int64(red, 2, (int64_t)serial);
			sqlite3_bind_int64(red, 3, s);
			sqlite3_bind_int64(red, 4, 1 + (s - 1) % VENUES);
			sqlite3_bind_int64(red, 5, starts);
			sqlite3_bind_blob(red, 6, sig, sizeof(sig), SQLITE_STATIC);
			step(db, red);
		}
	}
	sqlite3_finalize(ben);
	sqlite3_finalize(book);
	sqlite3_finalize(v);
	sqlite3_finalize(red);
	exec(db, "COMMIT; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
	sqlite3_close(db);
}

/* The raw aggregate: two GROUP BY statements stepped through; seconds. */
static double
raw_sql(const char *path, int64_t *issued)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	double best = 1e9, t;
	int i;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		bench_fatalx(PROG, "%s: cannot open", path);
	for (i = 0; i < RUNS; i++) {
		t = bench_now();
		*issued = 0;
		st = prepare(db, "SELECT status, count(*), sum(value) FROM"
		    " voucher WHERE programme_id = 1 GROUP BY status");
		while (sqlite3_step(st) == SQLITE_ROW)
			*issued += sqlite3_column_int64(st, 1);
		sqlite3_finalize(st);
		st = prepare(db, "SELECT be.commune,"
		    " count(DISTINCT b.beneficiary_id), count(*),"
		    " count(*) FILTER (WHERE v.status IN ('redeemed', 'settled'))"
		    " FROM voucher v JOIN booklet b ON b.id = v.booklet_id"
		    " JOIN beneficiary be ON be.id = b.beneficiary_id"
		    " WHERE v.programme_id = 1 GROUP BY be.commune");
		while (sqlite3_step(st) == SQLITE_ROW)
			;
		sqlite3_finalize(st);
		t = bench_now() - t;
		if (t < best)
			best = t;
	}
	sqlite3_close(db);
	return best;
}

/* The page's figures, its HTML and the printed bilan, best of RUNS; seconds. */
static void
page(struct store *s, double *load, double *render, double *pdf_s,
    size_t *bytes, size_t *pdf_bytes, int64_t *issued, int64_t *used)
{
	uint8_t *pdf;
	size_t pdf_len;
	struct dash_period p;
	struct dashboard *d;
	struct pn_error err;
	const char *field;
	struct html h;
	char msg[160];
	double t, t2;
	int i;

	if (dash_period_parse("2026", NULL, NULL, 0, &p, &field, msg,
	    sizeof(msg)) != 0)
		bench_fatalx(PROG, "period: %s", msg);
	*load = *render = *pdf_s = 1e9;
	for (i = 0; i < RUNS; i++) {
		t = bench_now();
		if (dashboard_load(s, 1, &p, 5, YEAR_START + YEAR_SECONDS, &d,
		    &err) != 0)
			bench_fatalx(PROG, "dashboard_load: %s", err.message);
		t2 = bench_now();
		html_init(&h);
		ui_dashboard_body(&h, d);
		if (h.failed)
			bench_fatalx(PROG, "render: out of memory");
		t = t2 - t;
		t2 = bench_now() - t2;
		if (t < *load)
			*load = t;
		if (t2 < *render)
			*render = t2;
		t2 = bench_now();
		if (dash_bilan_pdf(d, &pdf, &pdf_len, &err) != 0)
			bench_fatalx(PROG, "bilan: %s", err.message);
		t2 = bench_now() - t2;
		if (t2 < *pdf_s)
			*pdf_s = t2;
		*pdf_bytes = pdf_len;
		free(pdf);
		if (!dash_vouchers_balanced(&d->v))
			bench_fatalx(PROG, "the dashboard does not balance");
		*bytes = h.len;
		*issued = d->v.issued;
		*used = d->v.used;
		html_free(&h);
		dashboard_free(d);
	}
}

int
main(void)
{
	const char *env = getenv("BENCH_VOUCHERS"), *tmp = getenv("TMPDIR");
	char dir[4096], path[4200], side[4300];
	uint64_t n = 1000000;
	double t, raw, load, render, pdf;
	struct pn_error err;
	struct store *s;
	int64_t issued, raw_issued, used;
	size_t bytes, pdf_bytes;
	int missed;

	if (env != NULL && *env != '\0' && (pn_parse_u64(env, UINT64_C(1) << 40,
	    &n) != 0 || n == 0 || n % PER_BOOKLET != 0))
		bench_fatalx(PROG, "BENCH_VOUCHERS=\"%s\": expected a multiple "
		    "of %d", env, PER_BOOKLET);
	(void)snprintf(dir, sizeof(dir), "%s/bench_dashboard.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		bench_fatalx(PROG, "%s: cannot make a directory", dir);
	(void)snprintf(path, sizeof(path), "%s/passnum.db", dir);
	printf("%s: passnum %s, SQLite %s, %ld CPUs online; best of %d runs\n",
	    PROG, PN_VERSION, sqlite3_libversion(),
	    sysconf(_SC_NPROCESSORS_ONLN), RUNS);
	printf("dashboard of one programme over a year (targets: page < %.1f s,"
	    " printed bilan < %.1f s)\n", TARGET_S, TARGET_PDF_S);
	fflush(stdout);
	if ((s = store_open(path, 5000, &err)) == NULL)
		bench_fatalx(PROG, "store_open: %s", err.message);
	store_close(s);
	t = bench_now();
	fill(path, n);
	printf("  database of %llu vouchers made in %.1f s\n",
	    (unsigned long long)n, bench_now() - t);
	raw = raw_sql(path, &raw_issued);
	if ((s = store_open(path, 5000, &err)) == NULL)
		bench_fatalx(PROG, "store_open: %s", err.message);
	page(s, &load, &render, &pdf, &bytes, &pdf_bytes, &issued, &used);
	store_close(s);
	if (issued != raw_issued)
		bench_fatalx(PROG, "the dashboard counts %lld vouchers, SQL %lld",
		    (long long)issued, (long long)raw_issued);
	printf("  raw SQL aggregate (status; commune and people): %.0f ms\n",
	    raw * 1000);
	printf("  page: figures %.0f ms + HTML %.1f ms = %.0f ms (%zu bytes; "
	    "%lld vouchers, %lld used)\n", load * 1000, render * 1000,
	    (load + render) * 1000, bytes, (long long)issued, (long long)used);
	printf("  printed bilan: figures %.0f ms + PDF %.1f ms = %.0f ms (%zu "
	    "bytes, one page)\n", load * 1000, pdf * 1000, (load + pdf) * 1000,
	    pdf_bytes);
	(void)unlink(path);
	(void)snprintf(side, sizeof(side), "%s-wal", path);
	(void)unlink(side);
	(void)snprintf(side, sizeof(side), "%s-shm", path);
	(void)unlink(side);
	(void)rmdir(dir);
	missed = load + render >= TARGET_S || load + pdf >= TARGET_PDF_S;
	printf("%s: %s\n", PROG, missed ? "target missed" : "target met");
	return missed ? 1 : 0;
}
