/* test_report.c -- the funder's report: the store's tally by programme, agency and commune, the figures derived, and the CSV.
 *
 * The store tests issue, cancel and expire booklets through the store as
 * the server does, in a fresh temporary database; redemption and payment
 * are written with a raw connection (their own rules are test_redeem's and
 * the settlement's), as test_venue_pages does.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>

#include "booklet_issue.h"
#include "passnum/passnum.h"
#include "fixtures.h"
#include "report.h"
#include "report_csv.h"
#include "store.h"

#define BUSY_MS	10000
#define NOW	(T_2026 + 100 * DAY)	/* inside the fixed key's window */

/* --- The CSV writer, on reports built by hand ------------------------------ */

/* A store row of programme prog, agency (0: none), commune, five statuses. */
static struct store_report_row
row_of(int64_t prog, int64_t agency, const char *agency_name,
    const char *commune, int64_t outstanding, int64_t redeemed,
    int64_t settled, int64_t expired, int64_t cancelled, int64_t value)
{
	struct store_report_row r;

	memset(&r, 0, sizeof(r));
	r.programme_id = prog;
	r.agency_id = agency;
	(void)snprintf(r.agency_name, sizeof(r.agency_name), "%s", agency_name);
	(void)snprintf(r.commune, sizeof(r.commune), "%s", commune);
	r.t.outstanding = outstanding;
	r.t.outstanding_cents = outstanding * value;
	r.t.redeemed = redeemed;
	r.t.redeemed_cents = redeemed * value;
	r.t.settled = settled;
	r.t.settled_cents = settled * value;
	r.t.expired = expired;
	r.t.expired_cents = expired * value;
	r.t.cancelled = cancelled;
	r.t.cancelled_cents = cancelled * value;
	return r;
}

static void
add_row(struct report *r, struct store_report_row row)
{
	struct pn_error err;

	if (report_add_row(r, &row, &err) != 0)
		fail_msg("report_add_row: %s", err.message);
}

/* The CSV of r as a NUL-terminated string (malloc'd). */
static char *
csv_of(const struct report *r)
{
	struct pn_error err;
	char *csv, *text;
	size_t len;

	if (report_csv_write(r, &csv, &len, &err) != 0)
		fail_msg("report_csv_write: %s", err.message);
	text = malloc(len + 1);
	assert_non_null(text);
	memcpy(text, csv, len);
	text[len] = '\0';
	free(csv);
	return text;
}

/* The CSV's line that starts with prefix, without its CRLF, or fail. */
static void
line_starting(const char *csv, const char *prefix, char *out, size_t cap)
{
	const char *p = csv, *end;
	size_t n = strlen(prefix);

	for (; p != NULL && *p != '\0'; p = end != NULL ? end + 2 : NULL) {
		end = strstr(p, "\r\n");
		if (strncmp(p, prefix, n) == 0) {
			assert_non_null(end);
			assert_true((size_t)(end - p) < cap);
			memcpy(out, p, (size_t)(end - p));
			out[end - p] = '\0';
			return;
		}
	}
	fail_msg("no line starts with \"%s\" in:\n%s", prefix, csv);
}

static const char header[] = "\xef\xbb\xbf" "N° programme;Programme;"
    "Ventilation;Libellé;Chèques émis;Montant émis;Chèques remis;"
    "Montant remis;Chèques utilisés;Montant utilisé;dont réglés;"
    "Montant réglé;Chèques en circulation;Montant en circulation;"
    "Chèques expirés;Montant expiré;Chèques annulés;Montant annulé\r\n";

/*
 * One programme: BOM and header, CRLF everywhere, decimal comma, agency
 * and commune lines merged and sorted, "(sans agence)" last, the total;
 * fields quoted as RFC 4180 says and formulas defused.
 */
static void
test_csv(void **state)
{
	struct pn_error err;
	struct report *r = report_new(&err);
	char *csv, line[512];
	const char *p;

	(void)state;
	assert_non_null(r);
	assert_int_equal(report_add_programme(r, 3, "Pass numérique 2026",
	    &err), 0);
	add_row(r, row_of(3, 0, "", "Nantes", 1, 0, 0, 0, 0, 1005));
	add_row(r, row_of(3, 7, "EDS Nantes Est", "Nantes", 4, 3, 1, 0, 2,
	    1005));
	add_row(r, row_of(3, 7, "EDS Nantes Est", "Rezé", 0, 0, 0, 5, 0,
	    1005));
	add_row(r, row_of(3, 9, "=HYPERLINK(\"x\")", "Saint-Jean \"le\"; "
	    "Vieux", 1, 0, 0, 0, 0, 1005));
	add_row(r, row_of(3, 9, "=HYPERLINK(\"x\")", "+33\nLigne", 0, 1, 0,
	    0, 0, 1005));
	add_row(r, row_of(3, 9, "=HYPERLINK(\"x\")", "@Rezé", 0, 0, 0, 0, 0,
	    1005));
	report_finish(r);
	csv = csv_of(r);
	assert_memory_equal(csv, header, strlen(header));
	/* No line feed without its carriage return. */
	for (p = csv; (p = strchr(p, '\n')) != NULL; p++)
		if (p == csv || p[-1] != '\r') {
			/* but inside the quoted commune, which keeps its own */
			assert_true(p > csv + 3 && strncmp(p - 3, "+33", 3) == 0);
		}
	line_starting(csv, "3;Pass numérique 2026;Agence;EDS", line,
	    sizeof(line));
	assert_string_equal(line, "3;Pass numérique 2026;Agence;"
	    "EDS Nantes Est;15;150,75;15;150,75;4;40,20;1;10,05;4;40,20;"
	    "5;50,25;2;20,10");
	line_starting(csv, "3;Pass numérique 2026;Agence;\"'=HYP", line,
	    sizeof(line));
	assert_string_equal(line, "3;Pass numérique 2026;Agence;"
	    "\"'=HYPERLINK(\"\"x\"\")\";2;20,10;2;20,10;1;10,05;0;0,00;1;"
	    "10,05;0;0,00;0;0,00");
	/* The agency without a name comes after those with one. */
	assert_true(strstr(csv, "Agence;(sans agence)") >
	    strstr(csv, "Agence;\"'=HYP"));
	line_starting(csv, "3;Pass numérique 2026;Commune;Nantes", line,
	    sizeof(line));
	assert_string_equal(line, "3;Pass numérique 2026;Commune;Nantes;11;"
	    "110,55;11;110,55;4;40,20;1;10,05;5;50,25;0;0,00;2;20,10");
	assert_non_null(strstr(csv, "\r\n3;Pass numérique 2026;Commune;"
	    "\"Saint-Jean \"\"le\"\"; Vieux\";1;10,05;"));
	assert_non_null(strstr(csv, "\r\n3;Pass numérique 2026;Commune;"
	    "\"'+33\nLigne\";1;10,05;"));
	assert_non_null(strstr(csv, "\r\n3;Pass numérique 2026;Commune;"
	    "'@Rezé;0;0,00;"));
	line_starting(csv, "3;Pass numérique 2026;Total;", line, sizeof(line));
	assert_string_equal(line, "3;Pass numérique 2026;Total;"
	    "Total du programme;18;180,90;18;180,90;5;50,25;1;10,05;6;60,30;"
	    "5;50,25;2;20,10");
	/* One programme: no grand total; the CSV ends with its CRLF. */
	assert_null(strstr(csv, "Total général"));
	assert_string_equal(csv + strlen(csv) - 2, "\r\n");
	assert_true(report_balanced(&r->programmes[0].total));
	free(csv);
	report_free(r);
}

/* The field writer alone: what is quoted, what is guarded, what is left. */
static void
test_csv_field(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "Nantes", "Nantes" },
		{ "", "" },
		{ "Saint-Nazaire", "Saint-Nazaire" },
		{ "a;b", "\"a;b\"" },
		{ "dit \"Le Lieu\"", "\"dit \"\"Le Lieu\"\"\"" },
		{ "deux\r\nlignes", "\"deux\r\nlignes\"" },
		{ "=1+1", "'=1+1" },
		{ "+33 2 40", "'+33 2 40" },
		{ "-2", "'-2" },
		{ "@SUM(A1)", "'@SUM(A1)" },
		{ "=A1;B1", "\"'=A1;B1\"" },
		{ "\t=1", "'\t=1" },
		{ "\r=1", "\"'\r=1\"" },
		{ " =1", " =1" },		/* not at the start */
		{ "Médiathèque", "Médiathèque" },
	};
	char *buf = NULL;
	size_t len, cap = 0, i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = 0;
		assert_int_equal(report_csv_field(&buf, &len, &cap,
		    cases[i].in), 0);
		if (len != strlen(cases[i].out) ||
		    memcmp(buf, cases[i].out, len) != 0)
			fail_msg("\"%s\" wrote \"%.*s\", not \"%s\"",
			    cases[i].in, (int)len, buf, cases[i].out);
	}
	free(buf);
}

/*
 * Two programmes: a grand total; rows of a programme not in the report
 * and figures that overflow are refused; the invariants catch a report
 * that does not add up.
 */
static void
test_two_programmes_and_refusals(void **state)
{
	struct pn_error err;
	struct report *r = report_new(&err);
	struct store_report_row row;
	struct report_figures f;
	char *csv, line[512];

	(void)state;
	assert_non_null(r);
	assert_int_equal(report_add_programme(r, 1, "Pass 2026", &err), 0);
	assert_int_equal(report_add_programme(r, 2, "Pass 2027", &err), 0);
	add_row(r, row_of(1, 1, "EDS", "Nantes", 10, 0, 0, 0, 0, 1000));
	add_row(r, row_of(2, 1, "EDS", "Nantes", 0, 2, 2, 0, 0, 2000));
	row = row_of(5, 1, "EDS", "Nantes", 1, 0, 0, 0, 0, 1000);
	assert_int_equal(report_add_row(r, &row, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_non_null(strstr(err.message, "programme 5"));
	row = row_of(1, 1, "EDS", "Nantes", 1, 0, 0, 0, 0, 1000);
	row.t.outstanding_cents = INT64_MAX;
	assert_int_equal(report_add_row(r, &row, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_non_null(strstr(err.message, "overflow"));
	report_finish(r);
	/* The refused rows changed nothing. */
	assert_int_equal(r->total.issued, 14);
	assert_int_equal(r->total.issued_cents, 18000);
	assert_int_equal(r->programmes[0].n_communes, 1);
	csv = csv_of(r);
	line_starting(csv, ";Tous les programmes;Total;", line, sizeof(line));
	assert_string_equal(line, ";Tous les programmes;Total;Total général;"
	    "14;180,00;14;180,00;4;80,00;2;40,00;10;100,00;0;0,00;0;0,00");
	free(csv);
	assert_true(report_balanced(&r->total));
	f = r->total;
	f.expired++;
	assert_false(report_balanced(&f));
	f = r->total;
	f.settled = f.redeemed + 1;
	assert_false(report_balanced(&f));
	f = r->total;
	f.outstanding_cents--;
	assert_false(report_balanced(&f));
	f = r->total;
	f.handed_out--;
	assert_false(report_balanced(&f));
	report_free(r);
	report_free(NULL);
}

/* --- The store's tally ----------------------------------------------------- */

struct world {
	char dir[256];
	char db[300];
	struct store *s;
	struct pn_master_key *master;
	struct pn_signing_key *key;
	struct pn_cert cert;
	int64_t prog1, prog2, agency1, agency2;
	struct store_principal cw1, cw2, admin;
	int64_t booklets[6];
	uint64_t first_serial[6];
};

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, BUSY_MS), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static void
principal(struct store_principal *who, int64_t id, unsigned role,
    int64_t agency, const char *login)
{
	memset(who, 0, sizeof(*who));
	who->user_id = id;
	who->role = role;
	who->agency_id = agency;
	(void)snprintf(who->login, sizeof(who->login), "%s", login);
}

static void
programme(struct world *w, const char *name, int64_t face, unsigned per,
    int64_t *id)
{
	struct store_programme p;
	struct pn_error err;

	memset(&p, 0, sizeof(p));
	(void)snprintf(p.name, sizeof(p.name), "%s", name);
	p.face_value = face;
	p.per_booklet = per;
	(void)snprintf(p.validity, sizeof(p.validity), "year-end+31");
	(void)snprintf(p.territory, sizeof(p.territory), "Loire-Atlantique");
	p.budget = 100000000;
	p.max_booklets = 9;
	if (store_programme_add(w->s, &p, NOW, "test", id, &err) != 0)
		fail_msg("programme: %s", err.message);
}

/* Issue booklet i of programme prog by who for a person of commune. */
static void
issue(struct world *w, int i, int64_t prog, const struct store_principal *who,
    const char *commune)
{
	struct store_booklet_request r;
	static struct store_booklet b;
	struct store_signer signer;
	struct pn_error err;
	int rc;

	booklet_signer(&signer, w->key, &w->cert);
	memset(&r, 0, sizeof(r));
	r.programme_id = prog;
	crypto_generichash(r.ref_hash, sizeof(r.ref_hash),
	    (const uint8_t *)&i, sizeof(i), NULL, 0);
	r.pathway = "rsa";
	r.age_band = "26-44";
	r.commune = commune;
	r.by = who;
	rc = store_booklet_issue(w->s, &r, &signer, NOW, &b, &err);
	if (rc != STORE_ISSUED)
		fail_msg("issue %d: %d %s", i, rc, rc < 0 ? err.message : "");
	w->booklets[i] = b.id;
	w->first_serial[i] = b.vouchers[0].serial;
}

/*
 * A programme of 10,00 EUR vouchers, 5 a booklet, and one of 20,00 EUR, 2
 * a booklet; two agencies, a caseworker in each and an admin in none:
 *   0  agency 1, Nantes    1 cancelled, 4 outstanding
 *   1  agency 1, Nantes    3 redeemed, 1 settled, 1 outstanding
 *   2  agency 1, Rezé      cancelled whole: 5 cancelled
 *   3  agency 2, Rezé      5 expired
 *   4  no agency, Nantes   1 settled, 4 outstanding
 *   5  agency 2, Saint-Herblain, the second programme: 2 outstanding
 */
static int
world_setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	const char *tmp = getenv("TMPDIR");
	struct pn_error err;
	char sql[512];
	unsigned cancelled;
	uint64_t count;
	int64_t cents, uid;

	assert_non_null(w);
	assert_int_equal(pn_init(), 0);
	(void)snprintf(w->dir, sizeof(w->dir), "%s/pn-report-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(w->dir));
	(void)snprintf(w->db, sizeof(w->db), "%s/passnum.db", w->dir);
	w->master = fx_master_with(FX_MASTER_SEED);
	w->key = fx_signing(1);
	assert_true(w->master != NULL && w->key != NULL);
	assert_int_equal(fx_cert(&w->cert, w->master, w->key, 0, NULL, &err),
	    0);
	if ((w->s = store_open(w->db, BUSY_MS, &err)) == NULL)
		fail_msg("store_open: %s", err.message);
	assert_int_equal(store_signing_key_add(w->s, &w->cert, NOW, "test",
	    &err), 0);
	programme(w, "Pass numérique 2026", 1000, 5, &w->prog1);
	programme(w, "Pass seniors", 2000, 2, &w->prog2);
	assert_int_equal(store_agency_add(w->s, "EDS Nantes Est", "eds",
	    "Nantes", NOW, "test", &w->agency1, &err), 0);
	assert_int_equal(store_agency_add(w->s, "=Agence \"Sud\"; Rezé",
	    "partner", "Rezé", NOW, "test", &w->agency2, &err), 0);
	assert_int_equal(store_user_add(w->s, "cw1", "Camille", ROLE_CASEWORKER,
	    w->agency1, 0, "x", NOW, "test", &uid, &err), 0);
	principal(&w->cw1, uid, ROLE_CASEWORKER, w->agency1, "cw1");
	assert_int_equal(store_user_add(w->s, "cw2", "Dominique",
	    ROLE_CASEWORKER, w->agency2, 0, "x", NOW, "test", &uid, &err), 0);
	principal(&w->cw2, uid, ROLE_CASEWORKER, w->agency2, "cw2");
	assert_int_equal(store_user_add(w->s, "adm", "Admin", ROLE_ADMIN, 0, 0,
	    "x", NOW, "test", &uid, &err), 0);
	principal(&w->admin, uid, ROLE_ADMIN, 0, "adm");

	issue(w, 0, w->prog1, &w->cw1, "Nantes");
	issue(w, 1, w->prog1, &w->cw1, "Nantes");
	issue(w, 2, w->prog1, &w->cw1, "Rezé");
	issue(w, 3, w->prog1, &w->cw2, "Rezé");
	issue(w, 4, w->prog1, &w->admin, "Nantes");
	issue(w, 5, w->prog2, &w->cw2, "Saint-Herblain");

	assert_int_equal(store_voucher_cancel(w->s, w->first_serial[0],
	    w->agency1, "perdu", &w->cw1, NOW, &err), 0);
	assert_int_equal(store_booklet_cancel(w->s, w->booklets[2], w->agency1,
	    "carnet perdu", &w->cw1, NOW, &cancelled, &err), 0);
	assert_int_equal(cancelled, 5);
	(void)snprintf(sql, sizeof(sql), "UPDATE voucher SET expires_at = %lld"
	    " WHERE booklet_id = %lld", (long long)(NOW - DAY),
	    (long long)w->booklets[3]);
	raw_exec(w->db, sql);
	assert_int_equal(store_expire(w->s, NOW, NOW, "test", &count, &cents,
	    &err), 0);
	assert_int_equal(count, 5);
	(void)snprintf(sql, sizeof(sql), "UPDATE voucher SET status ="
	    " 'redeemed' WHERE serial BETWEEN %llu AND %llu;"
	    " UPDATE voucher SET status = 'settled' WHERE serial IN (%llu, %llu)",
	    (unsigned long long)w->first_serial[1],
	    (unsigned long long)w->first_serial[1] + 2,
	    (unsigned long long)w->first_serial[1] + 3,
	    (unsigned long long)w->first_serial[4]);
	raw_exec(w->db, sql);
	*state = w;
	return 0;
}

static int
world_teardown(void **state)
{
	struct world *w = *state;
	char cmd[512];

	store_close(w->s);
	pn_signing_key_free(w->key);
	pn_master_key_free(w->master);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	assert_int_equal(system(cmd), 0);
	free(w);
	return 0;
}

/* The line named name of lines, or fail. */
static const struct report_line *
line_named(const struct report_line *lines, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(lines[i].name, name) == 0)
			return &lines[i];
	fail_msg("no line \"%s\"", name);
	return NULL;
}

/* f holds these counts, each voucher worth value cents. */
static void
expect_figures(const char *what, const struct report_figures *f,
    int64_t issued, int64_t redeemed, int64_t settled, int64_t outstanding,
    int64_t expired, int64_t cancelled, int64_t value)
{
	if (f->issued != issued || f->issued_cents != issued * value ||
	    f->handed_out != issued || f->handed_out_cents != issued * value ||
	    f->redeemed != redeemed || f->redeemed_cents != redeemed * value ||
	    f->settled != settled || f->settled_cents != settled * value ||
	    f->outstanding != outstanding ||
	    f->outstanding_cents != outstanding * value ||
	    f->expired != expired || f->expired_cents != expired * value ||
	    f->cancelled != cancelled || f->cancelled_cents != cancelled * value)
		fail_msg("%s: issued %lld (%lld), redeemed %lld, settled %lld, "
		    "outstanding %lld, expired %lld, cancelled %lld", what,
		    (long long)f->issued, (long long)f->issued_cents,
		    (long long)f->redeemed, (long long)f->settled,
		    (long long)f->outstanding, (long long)f->expired,
		    (long long)f->cancelled);
	assert_true(report_balanced(f));
}

/* Every programme, by agency and by commune, as the world was made. */
static void
test_store_all(void **state)
{
	struct world *w = *state;
	const struct report_programme *p;
	struct report *r;
	struct pn_error err;

	assert_int_equal(report_load(w->s, 0, &r, &err), 0);
	assert_int_equal(r->n_programmes, 2);
	p = &r->programmes[0];
	assert_int_equal(p->id, w->prog1);
	assert_string_equal(p->name, "Pass numérique 2026");
	assert_int_equal(p->n_agencies, 3);
	/* By name, the line without agency last. */
	assert_string_equal(p->agencies[0].name, "=Agence \"Sud\"; Rezé");
	assert_string_equal(p->agencies[1].name, "EDS Nantes Est");
	assert_string_equal(p->agencies[2].name, "(sans agence)");
	expect_figures("agency 1", &p->agencies[1].f, 15, 4, 1, 5, 0, 6, 1000);
	expect_figures("agency 2", &p->agencies[0].f, 5, 0, 0, 0, 5, 0, 1000);
	expect_figures("no agency", &p->agencies[2].f, 5, 1, 1, 4, 0, 0, 1000);
	assert_int_equal(p->n_communes, 2);
	expect_figures("Nantes", &line_named(p->communes, p->n_communes,
	    "Nantes")->f, 15, 5, 2, 9, 0, 1, 1000);
	expect_figures("Rezé", &line_named(p->communes, p->n_communes,
	    "Rezé")->f, 10, 0, 0, 0, 5, 5, 1000);
	expect_figures("programme 1", &p->total, 25, 5, 2, 9, 5, 6, 1000);

	p = &r->programmes[1];
	assert_int_equal(p->id, w->prog2);
	assert_int_equal(p->n_agencies, 1);
	assert_int_equal(p->n_communes, 1);
	expect_figures("programme 2", &p->total, 2, 0, 0, 2, 0, 0, 2000);
	expect_figures("Saint-Herblain", &p->communes[0].f, 2, 0, 0, 2, 0, 0,
	    2000);
	assert_int_equal(r->total.issued, 27);
	assert_int_equal(r->total.issued_cents, 29000);
	assert_true(report_balanced(&r->total));
	report_free(r);
}

/* One programme alone; an unknown one; a programme without vouchers. */
static void
test_store_one(void **state)
{
	struct world *w = *state;
	struct report *r;
	struct pn_error err;
	int64_t empty;
	char *csv;

	assert_int_equal(report_load(w->s, w->prog2, &r, &err), 0);
	assert_int_equal(r->n_programmes, 1);
	assert_int_equal(r->programmes[0].id, w->prog2);
	assert_string_equal(r->programmes[0].agencies[0].name,
	    "=Agence \"Sud\"; Rezé");
	expect_figures("programme 2 alone", &r->total, 2, 0, 0, 2, 0, 0, 2000);
	csv = csv_of(r);
	/* The agency's name from the store, defused and quoted. */
	assert_non_null(strstr(csv, "\r\n2;Pass seniors;Agence;"
	    "\"'=Agence \"\"Sud\"\"; Rezé\";2;40,00;2;40,00;0;0,00;0;0,00;2;"
	    "40,00;0;0,00;0;0,00\r\n"));
	free(csv);
	report_free(r);

	assert_int_equal(report_load(w->s, 999, &r, &err), 1);
	assert_null(r);

	programme(w, "Programme vide", 1000, 10, &empty);
	assert_int_equal(report_load(w->s, empty, &r, &err), 0);
	assert_int_equal(r->n_programmes, 1);
	assert_int_equal(r->programmes[0].n_agencies, 0);
	assert_int_equal(r->programmes[0].n_communes, 0);
	expect_figures("empty", &r->programmes[0].total, 0, 0, 0, 0, 0, 0, 0);
	report_free(r);
	assert_int_equal(report_load(w->s, 0, &r, &err), 0);
	assert_int_equal(r->n_programmes, 3);
	report_free(r);
}

/* The store's rows, as the store returns them: ordered, one per group. */
struct seen {
	unsigned rows;
	int64_t last_programme, last_agency;
	bool ordered;
};

static int
seen_row(void *ctx, const struct store_report_row *row)
{
	struct seen *s = ctx;

	if (s->rows > 0 && (row->programme_id < s->last_programme ||
	    (row->programme_id == s->last_programme &&
	    row->agency_id < s->last_agency)))
		s->ordered = false;
	s->last_programme = row->programme_id;
	s->last_agency = row->agency_id;
	s->rows++;
	return 0;
}

static int
stop_at_first(void *ctx, const struct store_report_row *row)
{
	(void)row;
	(*(unsigned *)ctx)++;
	return 1;
}

static void
test_store_rows(void **state)
{
	struct world *w = *state;
	struct seen s = { 0, 0, 0, true };
	struct pn_error err;
	unsigned n = 0;

	assert_int_equal(store_report_funder(w->s, 0, seen_row, &s, &err), 0);
	/* agency 1: Nantes, Rezé; agency 2: Rezé, Saint-Herblain; none: Nantes. */
	assert_int_equal(s.rows, 5);
	assert_true(s.ordered);
	assert_int_equal(store_report_funder(w->s, 0, stop_at_first, &n, &err),
	    0);
	assert_int_equal(n, 1);
	/* The statement was reset: it runs again. */
	s.rows = 0;
	assert_int_equal(store_report_funder(w->s, w->prog1, seen_row, &s,
	    &err), 0);
	assert_int_equal(s.rows, 4);
}

int
main(void)
{
	const struct CMUnitTest csv_tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_two_programmes_and_refusals),
	};
	const struct CMUnitTest store_tests[] = {
		cmocka_unit_test(test_store_all),
		cmocka_unit_test(test_store_rows),
		cmocka_unit_test(test_store_one),
	};
	int failed;

	failed = cmocka_run_group_tests_name("csv", csv_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("store", store_tests,
	    world_setup, world_teardown);
	return failed;
}
