/* test_venue_pages.c -- what the venue pages read from the store: month totals, sessions, redemptions, conflicts, and each venue kept to its own.
 *
 * There is no store function yet that records redemptions: the rows of
 * terminals, sessions and redemptions are written here with a second, raw
 * SQLite connection (foreign keys off, so that no booklet has to be issued
 * for the serials), as the terminal routes will write them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "passnum/passnum.h"
#include "passnum/timefmt.h"
#include "store.h"

/* November 2026 in Paris: [2026-10-31T23:00Z, 2026-11-30T23:00Z). */
#define NOV_FROM 1793487600
#define NOV_TO 1796079600
#define OCT_FROM 1790805600

struct fixture {
	char dir[256];
	char db[300];
	struct store *s;
};

/* Run sql on the database with a raw connection; fails the test on error. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, 10000), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* A redemption row; winner 0 for an accepted one. */
static void
redemption(const char *path, int id, int serial, int session, int terminal,
    int venue, int64_t terminal_time, int winner, int value,
    int64_t received_at)
{
	char sql[1024], win[32] = "NULL";

	if (winner != 0)
		snprintf(win, sizeof(win), "%d", winner);
	snprintf(sql, sizeof(sql), "INSERT INTO redemption (id, redemption_id,"
	    " serial, session_id, terminal_id, venue_id, terminal_time,"
	    " counter, record_signature, outcome, winner_id, value,"
	    " received_at, answer) VALUES (%d, randomblob(16), %d, %d, %d, %d,"
	    " %lld, %d, zeroblob(64), '%s', %s, %d, %lld, '{}')", id, serial,
	    session, terminal, venue, (long long)terminal_time, id,
	    winner == 0 ? "accepted" : "conflict", win, value,
	    (long long)received_at);
	raw_exec(path, sql);
}

static void
venue(struct store *s, const char *name, const char *siret)
{
	struct store_venue v;
	struct pn_error err;
	int64_t id;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "%s", name);
	snprintf(v.siret, sizeof(v.siret), "%s", siret);
	snprintf(v.commune, sizeof(v.commune), "Rezé");
	snprintf(v.iban, sizeof(v.iban), "FR7630006000011234567890189");
	snprintf(v.bic, sizeof(v.bic), "AGRIFRPP");
	v.accredited_from = 1000;
	if (store_venue_add(s, &v, 100, "test", &id, &err) != 0)
		fail_msg("venue %s: %s", name, err.message);
}

/*
 * Venues 1 (Rezé), 2 (Nantes) and 3 (nothing); a terminal at each of the
 * first two; sessions of venue 1 on both sides of the bounds of November,
 * one of venue 2; and the redemptions, two of them conflicts:
 *
 *   session 1  venue 1  01/11 00:00 (the first second of November)
 *   session 2  venue 1  31/10 23:59:59 (October)
 *   session 3  venue 1  30/11 23:59
 *   session 4  venue 1  01/12 00:00 (December)
 *   session 5  venue 2  in November
 *   session 6  venue 1  in November, no voucher
 *
 *   1  serial 101  session 1  accepted  10,00
 *   2  serial 102  session 1  accepted  10,00
 *   3  serial 103  session 3  accepted   5,00
 *   4  serial 104  session 2  accepted  10,00
 *   5  serial 105  session 4  accepted  10,00
 *   6  serial 201  session 5  accepted  10,00 (venue 2)
 *   7  serial 201  session 3  conflict, lost to 6 (venue 1)
 *   8  serial 101  session 5  conflict, lost to 1 (venue 2)
 */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	struct pn_error err;

	assert_non_null(f);
	assert_int_equal(pn_init(), 0);
	snprintf(f->dir, sizeof(f->dir), "%s/pn-venue-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/passnum.db", f->dir);
	if ((f->s = store_open(f->db, 10000, &err)) == NULL)
		fail_msg("%s", err.message);
	venue(f->s, "Médiathèque de Rezé", "21440143200015");
	venue(f->s, "Espace <&\"> Nantes", "35600000000001");
	venue(f->s, "Bureau sans séance", "21440143200023");
	raw_exec(f->db,
	    "INSERT INTO terminal (id, venue_id, public_key, label,"
	    " enrolled_at) VALUES (1, 1, randomblob(32), 'Accueil', 100),"
	    " (2, 2, randomblob(32), 'Poste 1', 100);"
	    "INSERT INTO training_session (id, uid, venue_id, terminal_id,"
	    " theme, starts_at, duration_minutes, declared_at) VALUES"
	    " (1, randomblob(16), 1, 1, 'démarches en ligne', 1793487600, 120, 1),"
	    " (2, randomblob(16), 1, 1, 'e-mail', 1793487599, 60, 1),"
	    " (3, randomblob(16), 1, 1, 'smartphone', 1796079540, 90, 1),"
	    " (4, randomblob(16), 1, 1, 'e-mail', 1796079600, 60, 1),"
	    " (5, randomblob(16), 2, 2, 'e-mail', 1794000000, 45, 1),"
	    " (6, randomblob(16), 1, 1, 'smartphone', 1794500000, 30, 1);");
	redemption(f->db, 1, 101, 1, 1, 1, 1793487700, 0, 1000, 1793487710);
	redemption(f->db, 2, 102, 1, 1, 1, 1793487650, 0, 1000, 1793487720);
	redemption(f->db, 3, 103, 3, 1, 1, 1796079550, 0, 500, 1796079560);
	redemption(f->db, 4, 104, 2, 1, 1, 1793487599, 0, 1000, 1793487600);
	redemption(f->db, 5, 105, 4, 1, 1, 1796079700, 0, 1000, 1796079710);
	redemption(f->db, 6, 201, 5, 2, 2, 1794000100, 0, 1000, 1794000110);
	redemption(f->db, 7, 201, 3, 1, 1, 1796079555, 6, 1000, 1796079565);
	redemption(f->db, 8, 101, 5, 2, 2, 1794000200, 1, 1000, 1794000210);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[512];

	store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
expect_month(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    unsigned sessions, unsigned accepted, int64_t amount, unsigned conflicts)
{
	struct store_venue_month m;
	struct pn_error err;

	assert_int_equal(store_venue_month(s, venue_id, from, to, &m, &err), 0);
	assert_int_equal(m.sessions, sessions);
	assert_int_equal(m.accepted, accepted);
	assert_int_equal(m.amount, amount);
	assert_int_equal(m.conflicts, conflicts);
}

/*
 * A session counts in the month in which it starts in Paris: the first
 * second of November in, the last of October out; a session without a
 * voucher counts as a session; a conflict is not money.
 */
static void
test_month_totals(void **state)
{
	struct fixture *f = *state;
	int64_t from, to;

	assert_int_equal(pn_paris_month_bounds(2026, 11, &from, &to), 0);
	assert_int_equal(from, NOV_FROM);
	assert_int_equal(to, NOV_TO);
	expect_month(f->s, 1, NOV_FROM, NOV_TO, 3, 3, 2500, 1);
	expect_month(f->s, 1, OCT_FROM, NOV_FROM, 1, 1, 1000, 0);
	expect_month(f->s, 1, NOV_TO, NOV_TO + 31 * 86400, 1, 1, 1000, 0);
	expect_month(f->s, 2, NOV_FROM, NOV_TO, 1, 1, 1000, 1);
	expect_month(f->s, 3, NOV_FROM, NOV_TO, 0, 0, 0, 0);
	expect_month(f->s, 99, NOV_FROM, NOV_TO, 0, 0, 0, 0);
}

static int
collect_session(void *ctx, const struct store_venue_session *t)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 512 - n, "%lld|%s|%u|%s|%u|%lld|%u;",
	    (long long)t->id, t->theme, t->duration_minutes, t->terminal_label,
	    t->accepted, (long long)t->amount, t->conflicts);
	return 0;
}

/* The month's sessions in order of start, with their own totals. */
static void
test_sessions_of_month(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	char out[512] = "";

	assert_int_equal(store_venue_sessions(f->s, 1, NOV_FROM, NOV_TO,
	    collect_session, out, &err), 0);
	assert_string_equal(out,
	    "1|démarches en ligne|120|Accueil|2|2000|0;"
	    "6|smartphone|30|Accueil|0|0|0;"
	    "3|smartphone|90|Accueil|1|500|1;");
	out[0] = '\0';
	assert_int_equal(store_venue_sessions(f->s, 2, NOV_FROM, NOV_TO,
	    collect_session, out, &err), 0);
	assert_string_equal(out, "5|e-mail|45|Poste 1|1|1000|1;");
	out[0] = '\0';
	assert_int_equal(store_venue_sessions(f->s, 3, NOV_FROM, NOV_TO,
	    collect_session, out, &err), 0);
	assert_string_equal(out, "");
}

static int
collect_redemption(void *ctx, const struct store_venue_redemption *r)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 512 - n, "%lld|%llu|%lld|%s|%lld|%lld|%s;",
	    (long long)r->id, (unsigned long long)r->serial,
	    (long long)r->value, r->accepted ? "accepted" : "conflict",
	    (long long)r->terminal_time, (long long)r->received_at,
	    r->terminal_label);
	return 0;
}

/*
 * One session and its redemptions, in the order the terminal took them;
 * another venue's session is not found, and its redemptions not listed.
 */
static void
test_session_scoped(void **state)
{
	struct fixture *f = *state;
	struct store_venue_session t;
	struct pn_error err;
	char out[512] = "";

	assert_int_equal(store_venue_session_get(f->s, 1, 1, &t, &err), 0);
	assert_string_equal(t.theme, "démarches en ligne");
	assert_int_equal(t.starts_at, NOV_FROM);
	assert_int_equal(t.declared_at, 1);
	assert_int_equal(t.terminal_id, 1);
	assert_int_equal(t.accepted, 2);
	assert_int_equal(t.amount, 2000);
	assert_int_equal(store_venue_session_redemptions(f->s, 1, 1,
	    collect_redemption, out, &err), 0);
	assert_string_equal(out,
	    "2|102|1000|accepted|1793487650|1793487720|Accueil;"
	    "1|101|1000|accepted|1793487700|1793487710|Accueil;");

	/* Session 5 is venue 2's. */
	assert_int_equal(store_venue_session_get(f->s, 1, 5, &t, &err), 1);
	assert_int_equal(store_venue_session_get(f->s, 3, 5, &t, &err), 1);
	assert_int_equal(store_venue_session_get(f->s, 2, 1, &t, &err), 1);
	assert_int_equal(store_venue_session_get(f->s, 1, 999, &t, &err), 1);
	out[0] = '\0';
	assert_int_equal(store_venue_session_redemptions(f->s, 1, 5,
	    collect_redemption, out, &err), 0);
	assert_string_equal(out, "");
	assert_int_equal(store_venue_session_redemptions(f->s, 2, 1,
	    collect_redemption, out, &err), 0);
	assert_string_equal(out, "");
	assert_int_equal(store_venue_session_get(f->s, 2, 5, &t, &err), 0);
	assert_int_equal(t.conflicts, 1);
	assert_int_equal(store_venue_session_redemptions(f->s, 2, 5,
	    collect_redemption, out, &err), 0);
	assert_string_equal(out,
	    "6|201|1000|accepted|1794000100|1794000110|Poste 1;"
	    "8|101|1000|conflict|1794000200|1794000210|Poste 1;");
}

/* The month's total is the sum of its sessions'. */
static int
sum_session(void *ctx, const struct store_venue_session *t)
{
	struct store_venue_month *m = ctx;

	m->sessions++;
	m->accepted += t->accepted;
	m->amount += t->amount;
	m->conflicts += t->conflicts;
	return 0;
}

static void
test_month_is_sum_of_sessions(void **state)
{
	struct fixture *f = *state;
	struct store_venue_month whole, sum;
	struct pn_error err;
	int64_t venue_id, from;

	for (venue_id = 1; venue_id <= 3; venue_id++)
		for (from = OCT_FROM - 86400 * 40; from < NOV_TO + 86400 * 40;
		    from += 86400 * 7) {
			memset(&sum, 0, sizeof(sum));
			assert_int_equal(store_venue_month(f->s, venue_id, from,
			    from + 86400 * 30, &whole, &err), 0);
			assert_int_equal(store_venue_sessions(f->s, venue_id,
			    from, from + 86400 * 30, sum_session, &sum, &err),
			    0);
			assert_memory_equal(&whole, &sum, sizeof(whole));
		}
}

static int
collect_conflict(void *ctx, const struct store_venue_conflict *c)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 512 - n, "%lld|%llu|%lld|%s|%lld|%s|%lld|%lld;",
	    (long long)c->lost.id, (unsigned long long)c->lost.serial,
	    (long long)c->session_id, c->session_theme,
	    (long long)c->winner_venue_id, c->winner_venue_name,
	    (long long)c->winner_terminal_time,
	    (long long)c->winner_received_at);
	return 0;
}

/*
 * Each venue sees its own records that lost, with the winner's venue and
 * times as proof; not the other venue's conflicts; newest first, cut at
 * the limit.
 */
static void
test_conflicts(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	char out[512] = "";

	assert_int_equal(store_venue_conflicts(f->s, 1, 50, collect_conflict,
	    out, &err), 0);
	assert_string_equal(out, "7|201|3|smartphone|2|Espace <&\"> Nantes|"
	    "1794000100|1794000110;");
	out[0] = '\0';
	assert_int_equal(store_venue_conflicts(f->s, 2, 50, collect_conflict,
	    out, &err), 0);
	assert_string_equal(out, "8|101|5|e-mail|1|Médiathèque de Rezé|"
	    "1793487700|1793487710;");
	out[0] = '\0';
	assert_int_equal(store_venue_conflicts(f->s, 3, 50, collect_conflict,
	    out, &err), 0);
	assert_string_equal(out, "");

	/* A second conflict of venue 1, sent later (an offline terminal): listed first. */
	redemption(f->db, 9, 102, 6, 1, 1, 1794500100, 2, 1000, 1796090000);
	assert_int_equal(store_venue_conflicts(f->s, 1, 50, collect_conflict,
	    out, &err), 0);
	assert_string_equal(out, "9|102|6|smartphone|1|Médiathèque de Rezé|"
	    "1793487650|1793487720;"
	    "7|201|3|smartphone|2|Espace <&\"> Nantes|1794000100|1794000110;");
	out[0] = '\0';
	assert_int_equal(store_venue_conflicts(f->s, 1, 1, collect_conflict,
	    out, &err), 0);
	assert_string_equal(out, "9|102|6|smartphone|1|Médiathèque de Rezé|"
	    "1793487650|1793487720;");
	expect_month(f->s, 1, NOV_FROM, NOV_TO, 3, 3, 2500, 2);
}

/* Venues found by id and by SIRET, for the pages and passnum-admin. */
/* Each money row as "redemption|state|batch|statement|paid_on|ref|reason;". */
static int
collect_money(void *ctx, const struct store_venue_money *m)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%lld|%d|%s|%d|%s|%s|%s;",
	    (long long)m->redemption_id, (int)m->state, m->batch_reference,
	    m->statement, m->paid_on, m->paid_reference, m->dispute_reason);
	return 0;
}

/*
 * Where each voucher's money stands: disputed, held with it, paid in a
 * batch with its statement, refused, validated, in its window; and
 * another venue's disputes, batches and statements never found.
 */
static void
test_money_states(void **state)
{
	struct fixture *f = *state;
	struct store_batch b;
	struct pn_error err;
	char out[1024] = "";
	int64_t line = 0, week = 7 * 86400, now = NOV_TO + 30 * 86400;

	raw_exec(f->db,
	    "INSERT OR IGNORE INTO user (id, login, display_name, role,"
	    " password_hash, created_at) VALUES (1, 'alice', 'A', 'accountant',"
	    " 'x', 1), (2, 'bob', 'B', 'accountant', 'x', 1);"
	    "INSERT INTO dispute (redemption_id, reason, opened_by, opened_at)"
	    " VALUES (1, 'absent', 1, 1793500000);"
	    "INSERT INTO dispute (redemption_id, reason, opened_by, opened_at,"
	    " resolution, resolution_note, resolved_by, resolved_at)"
	    " VALUES (4, 'doublon', 1, 1793500000, 'upheld', 'vu', 1,"
	    " 1793600000);"
	    "INSERT INTO settlement_batch (id, reference, period, period_start,"
	    " period_end, status, drafted_by, drafted_at, n_lines, n_vouchers,"
	    " total_cents, approved_by, approved_at, paid_reference, paid_on,"
	    " paid_by, paid_at) VALUES (1, 'PN-2026-11-01', '2026-11',"
	    " 1793487600, 1796079600, 'paid', 1, 1, 1, 1, 500, 2, 2, 'VIR1',"
	    " '2026-12-10', 1, 1797000000);"
	    "INSERT INTO settlement_line (id, batch_id, venue_id, name, siret,"
	    " iban, bic, sessions, vouchers, gross_cents, commission_cents,"
	    " amount_cents) VALUES (1, 1, 1, 'M', '21440143200015', 'FR76',"
	    " 'AGRIFRPP', 1, 1, 500, 0, 500);"
	    "INSERT INTO settlement_item (line_id, redemption_id, serial,"
	    " session_id, programme_id, value, commission, commission_bp)"
	    " VALUES (1, 3, 103, 3, 1, 500, 0, 0);"
	    "INSERT INTO settlement_file (batch_id, kind, venue_id, name,"
	    " media_type, content, hash, created_at) VALUES (1, 'statement',"
	    " 1, 'r1.pdf', 'application/pdf', x'00', zeroblob(32), 2);");

	/* Venue 1's November: 1 disputed, 2 held with it, 3 paid. */
	assert_int_equal(store_venue_money(f->s, 1, NOV_FROM, NOV_TO, 0, week,
	    now, collect_money, out, &err), 0);
	assert_string_equal(out,
	    "2|5||0|||;1|4||0|||absent;3|3|PN-2026-11-01|1|2026-12-10|VIR1|;");
	/* October: the upheld dispute refuses its voucher. */
	out[0] = '\0';
	assert_int_equal(store_venue_money(f->s, 1, OCT_FROM, NOV_FROM, 0,
	    week, now, collect_money, out, &err), 0);
	assert_string_equal(out, "4|6||0|||doublon;");
	/* Venue 2's voucher: in its window, then validated. */
	out[0] = '\0';
	assert_int_equal(store_venue_money(f->s, 2, NOV_FROM, NOV_TO, 0, week,
	    1794000110 + week - 1, collect_money, out, &err), 0);
	assert_string_equal(out, "6|1||0|||;");
	out[0] = '\0';
	assert_int_equal(store_venue_money(f->s, 2, 0, 0, 5, week, now,
	    collect_money, out, &err), 0);
	assert_string_equal(out, "6|2||0|||;");

	/* Venue 2 finds nothing of venue 1's sessions, disputes or batch. */
	out[0] = '\0';
	assert_int_equal(store_venue_money(f->s, 2, 0, 0, 1, week, now,
	    collect_money, out, &err), 0);
	assert_int_equal(store_venue_money(f->s, 2, 0, 0, 3, week, now,
	    collect_money, out, &err), 0);
	assert_int_equal(store_venue_money(f->s, 3, NOV_FROM, NOV_TO, 0, week,
	    now, collect_money, out, &err), 0);
	assert_string_equal(out, "");
	assert_int_equal(store_venue_statement_line(f->s, 2, "PN-2026-11-01",
	    &line, &b, &err), 1);
	assert_int_equal(store_venue_statement_line(f->s, 1, "PN-2026-11-02",
	    &line, &b, &err), 1);
	assert_int_equal(store_venue_statement_line(f->s, 1, "PN-2026-11-01",
	    &line, &b, &err), 0);
	assert_int_equal(line, 1);
	assert_string_equal(b.status, "paid");
	assert_string_equal(b.paid_reference, "VIR1");
}

static void
test_venue_lookup(void **state)
{
	struct fixture *f = *state;
	struct store_venue v;
	struct pn_error err;

	assert_int_equal(store_venue_get(f->s, 2, &v, &err), 0);
	assert_string_equal(v.name, "Espace <&\"> Nantes");
	assert_string_equal(v.siret, "35600000000001");
	assert_string_equal(v.status, "active");
	assert_int_equal(store_venue_get(f->s, 4, &v, &err), 1);
	assert_int_equal(store_venue_by_siret(f->s, "21440143200015", &v, &err),
	    0);
	assert_int_equal(v.id, 1);
	assert_int_equal(store_venue_by_siret(f->s, "21440143200018", &v, &err),
	    1);
	assert_int_equal(store_venue_set_status(f->s, "21440143200015", true,
	    "contrôle en cours", 200, "test", &err), 0);
	assert_int_equal(store_venue_get(f->s, 1, &v, &err), 0);
	assert_string_equal(v.status, "suspended");
	assert_string_equal(v.status_reason, "contrôle en cours");
}

/*
 * A venue user's principal carries the venue, from a token, a session and
 * the login's credentials alike; other users carry none.
 */
static void
test_principal_venue(void **state)
{
	struct fixture *f = *state;
	struct store_credentials cred;
	struct store_principal who;
	struct store_session sess;
	uint8_t token[STORE_HASH_SIZE], cookie[STORE_HASH_SIZE];
	struct pn_error err;
	int64_t id;

	memset(token, 0x7e, sizeof(token));
	memset(cookie, 0x3c, sizeof(cookie));
	assert_int_equal(store_user_add(f->s, "rezé", "Claire", ROLE_VENUE, 0,
	    1, "h", 100, "test", &id, &err), 0);
	assert_int_equal(store_user_add(f->s, "root", "Admin", ROLE_ADMIN, 0,
	    0, "h", 100, "test", &id, &err), 0);
	assert_int_equal(store_token_add(f->s, "rezé", token, "t", 100, 1000,
	    "test", &id, &err), 0);
	assert_int_equal(store_token_lookup(f->s, token, 100, &who, &err), 0);
	assert_int_equal(who.role, ROLE_VENUE);
	assert_int_equal(who.venue_id, 1);
	assert_string_equal(who.login, "rezé");
	assert_string_equal(who.name, "Claire");
	assert_int_equal(store_user_credentials(f->s, "rezé", &cred, &err), 0);
	assert_int_equal(cred.who.venue_id, 1);
	assert_string_equal(cred.password_hash, "h");
	assert_false(cred.disabled);
	assert_int_equal(store_session_create(f->s, cookie, "csrf", &cred.who,
	    "127.0.0.1", 200, 0, &err), 0);
	assert_int_equal(store_session_lookup(f->s, cookie, &sess, &err), 0);
	assert_int_equal(sess.who.venue_id, 1);
	assert_string_equal(sess.who.name, "Claire");
	assert_int_equal(store_user_credentials(f->s, "root", &cred, &err), 0);
	assert_int_equal(cred.who.venue_id, 0);
	assert_int_equal(cred.who.role, ROLE_ADMIN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_month_totals),
		T(test_sessions_of_month),
		T(test_session_scoped),
		T(test_month_is_sum_of_sessions),
		T(test_conflicts),
		T(test_money_states),
		T(test_venue_lookup),
		T(test_principal_venue),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
