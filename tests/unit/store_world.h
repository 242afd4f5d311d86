/* store_world.h -- a store holding what redemption needs, for the unit tests that go through the store API.
 *
 * In a fresh directory: the fixed signing key recorded, a programme of
 * 10,00 EUR vouchers (10 a booklet; store_programme_add() leaves its
 * max_per_session at the schema's default, 1 of a booklet in a session),
 * a caseworker's booklet of real signed vouchers issued through the store,
 * venue 1 (Rezé) with terminal 1 and session uid 51.., venue 2 (Nantes)
 * with terminal 2 and session uid 52.. (the terminals and sessions written
 * as the routes would, by SQL). Helpers add users and sessions, and
 * redeem vouchers through store_redeem() as the terminal routes do.
 * Included by one test file each: its functions are static inline.
 */
#ifndef PN_TEST_STORE_WORLD_H
#define PN_TEST_STORE_WORLD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "passnum/passnum.h"
#include "booklet_issue.h"
#include "fixtures.h"
#include "store.h"

#define STORE_WORLD_BUSY_MS	10000

struct store_world {
	char dir[256];
	char db[300];
	struct store *s;
	struct pn_signing_key *key;
	struct store_booklet b;
	struct store_principal who;	/* the caseworker */
	struct store_terminal t1, t2;	/* venue 1, venue 2 */
	unsigned redeemed;		/* store_world_redeem()'s requests so far */
};

/* Run sql on a connection of its own. */
static inline void
store_world_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, STORE_WORLD_BUSY_MS),
	    SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The integer the query gives (one row, one column). */
static inline long long
store_world_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static inline void
store_world_venue(struct store *s, const char *name, const char *siret)
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
 * Make the world in a new directory named after name, at now (inside the
 * fixed key's window); sessions s1 and s2 start at session_start and last
 * session_minutes.
 */
static inline void
store_world_open(struct store_world *w, const char *name, int64_t now,
    int64_t session_start, int session_minutes)
{
	const char *tmp = getenv("TMPDIR");
	struct pn_master_key *master;
	struct store_booklet_request r;
	struct store_programme p;
	struct store_signer signer;
	struct pn_cert cert;
	struct pn_error err;
	char sql[1024];
	int64_t prog, uid;

	memset(w, 0, sizeof(*w));
	assert_int_equal(pn_init(), 0);
	snprintf(w->dir, sizeof(w->dir), "%s/pn-%s-XXXXXX",
	    tmp != NULL ? tmp : "/tmp", name);
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->db, sizeof(w->db), "%s/passnum.db", w->dir);
	if ((w->s = store_open(w->db, STORE_WORLD_BUSY_MS, &err)) == NULL)
		fail_msg("%s", err.message);
	master = fx_master_with(FX_MASTER_SEED);
	w->key = fx_signing(1);
	assert_true(master != NULL && w->key != NULL);
	assert_int_equal(fx_cert(&cert, master, w->key, 0, NULL, &err), 0);
	pn_master_key_free(master);
	assert_int_equal(store_signing_key_add(w->s, &cert, now, "test", &err),
	    0);
	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "Pass numérique");
	p.face_value = 1000;
	p.per_booklet = 10;
	snprintf(p.validity, sizeof(p.validity), "year-end+31");
	snprintf(p.territory, sizeof(p.territory), "Loire-Atlantique");
	p.budget = 1000000;
	p.max_booklets = 9;
	p.max_per_session = 10;
	assert_int_equal(store_programme_add(w->s, &p, now, "test", &prog,
	    &err), 0);
	assert_int_equal(store_user_add(w->s, "cw", "Camille", ROLE_CASEWORKER,
	    0, 0, "x", now, "test", &uid, &err), 0);
	w->who.user_id = uid;
	w->who.role = ROLE_CASEWORKER;
	snprintf(w->who.login, sizeof(w->who.login), "cw");
	memset(&r, 0, sizeof(r));
	r.programme_id = prog;
	r.pathway = "rsa";
	r.age_band = "26-44";
	r.commune = "Rezé";
	r.by = &w->who;
	booklet_signer(&signer, w->key, &cert);
	assert_int_equal(store_booklet_issue(w->s, &r, &signer, now,
	    &w->b, &err), STORE_ISSUED);
	store_world_venue(w->s, "Médiathèque de Rezé", "21440143200015");
	store_world_venue(w->s, "Espace Nantes", "35600000000001");
	snprintf(sql, sizeof(sql),
	    "INSERT INTO terminal (id, venue_id, public_key, label,"
	    " enrolled_at) VALUES (1, 1, randomblob(32), 'Accueil', 100),"
	    " (2, 2, randomblob(32), 'Poste 1', 100);"
	    "INSERT INTO training_session (id, uid, venue_id, terminal_id,"
	    " theme, starts_at, duration_minutes, declared_at) VALUES"
	    " (1, x'51515151515151515151515151515151', 1, 1, 'démarches',"
	    " %lld, %d, %lld),"
	    " (2, x'52525252525252525252525252525252', 2, 2, 'e-mail',"
	    " %lld, %d, %lld);", (long long)session_start, session_minutes,
	    (long long)session_start, (long long)session_start,
	    session_minutes, (long long)session_start);
	store_world_exec(w->db, sql);
	assert_int_equal(store_terminal_get(w->s, 1, &w->t1, &err), 0);
	assert_int_equal(store_terminal_get(w->s, 2, &w->t2, &err), 0);
}

static inline void
store_world_close(struct store_world *w)
{
	char cmd[512];

	store_close(w->s);
	pn_signing_key_free(w->key);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	assert_int_equal(system(cmd), 0);
}

/* Voucher i of the booklet, as a terminal decodes it. */
static inline struct pn_voucher
store_world_voucher(const struct store_world *w, unsigned i)
{
	const struct store_voucher *sv = &w->b.vouchers[i];
	struct pn_voucher v;

	memset(&v, 0, sizeof(v));
	v.format = PN_VOUCHER_FORMAT;
	v.kid = sv->kid;
	v.programme = (uint32_t)w->b.programme_id;
	v.serial = sv->serial;
	v.value_cents = (uint32_t)sv->value;
	v.issued_at = (uint32_t)sv->issued_at;
	v.expires_at = (uint32_t)sv->expires_at;
	memcpy(v.signature, sv->signature, sizeof(v.signature));
	return v;
}

/* Add a user of role (ROLE_ACCOUNTANT...) at now: the user's id. */
static inline int64_t
store_world_user(struct store_world *w, const char *login, unsigned role,
    int64_t now)
{
	struct pn_error err;
	int64_t id = 0;

	if (store_user_add(w->s, login, login, role, 0, 0, "x", now, "test",
	    &id, &err) != 0)
		fail_msg("user %s: %s", login, err.message);
	return id;
}

/*
 * Add session id to venue (1 or 2, on that venue's terminal), its uid 16
 * bytes of fill, starting at starts_at for minutes, declared then.
 */
static inline void
store_world_session(struct store_world *w, int64_t id, uint8_t fill,
    int64_t venue, int64_t starts_at, int minutes)
{
	char sql[512], uid[33];
	int k;

	for (k = 0; k < 32; k++)
		uid[k] = "0123456789abcdef"[k % 2 == 0 ? fill >> 4 : fill & 15];
	uid[32] = '\0';
	snprintf(sql, sizeof(sql), "INSERT INTO training_session (id, uid,"
	    " venue_id, terminal_id, theme, starts_at, duration_minutes,"
	    " declared_at) VALUES (%lld, x'%s', %lld, %lld, 'atelier',"
	    " %lld, %d, %lld)", (long long)id, uid, (long long)venue,
	    (long long)venue, (long long)starts_at, minutes,
	    (long long)starts_at);
	store_world_exec(w->db, sql);
}

/* The answer store_redeem() stores and sends: the decision in a few words. */
static inline char *
store_world_answer(void *ctx, const struct store_decision *d,
    struct pn_error *err)
{
	char *out = malloc(64);

	(void)ctx;
	(void)err;
	if (out != NULL)
		snprintf(out, 64, "{\"outcome\":%d,\"serial\":%llu}",
		    d->outcome, (unsigned long long)d->serial);
	return out;
}

/*
 * Redeem voucher i of the booklet at terminal t, in the session whose uid
 * is 16 bytes of fill, in a request of its own received at now: online
 * when taken_at is 0 (the session must be running at now), else offline,
 * taken at taken_at. Each call is a new record (a redemption id and a
 * nonce of its own). store_redeem()'s result for the record (enum
 * store_redeem_result); a failure of the store or a refused nonce fails
 * the test.
 */
static inline int
store_world_redeem(struct store_world *w, const struct store_terminal *t,
    unsigned i, uint8_t fill, int64_t now, int64_t taken_at)
{
	struct store_redeem_record r;
	struct store_redeem_rules rules;
	struct store_nonce nonce;
	struct pn_voucher v;
	struct pn_error err;
	uint8_t id[16], session[16], sig[64];
	unsigned n = ++w->redeemed;
	int rc;

	memset(&rules, 0, sizeof(rules));
	rules.now = now;
	rules.offline = taken_at != 0;
	rules.key_window = 86400;
	rules.key_limit_terminal = 5;
	rules.key_limit_venue = 10;
	rules.answer = store_world_answer;
	memset(&nonce, 0, sizeof(nonce));
	nonce.at = now;
	memcpy(nonce.bytes, &n, sizeof(n));
	memset(id, 0xa5, sizeof(id));
	memcpy(id, &n, sizeof(n));
	memset(session, fill, sizeof(session));
	memset(sig, 0, sizeof(sig));
	v = store_world_voucher(w, i);
	memset(&r, 0, sizeof(r));
	r.redemption_id = id;
	r.session_uid = session;
	r.record_signature = sig;
	r.voucher = &v;
	r.terminal_time = taken_at != 0 ? taken_at : now;
	r.at = r.terminal_time;
	r.counter = n;
	rc = store_redeem(w->s, t, &nonce, &r, 1, &rules, &err);
	free(r.answer);
	if (rc != 0)
		fail_msg("store_redeem of voucher %u: %d: %s", i, rc,
		    rc < 0 ? err.message : "nonce refused");
	return r.result;
}

/* Voucher i redeemed online at t, in the session of uid fill, at at: accepted. */
static inline void
store_world_take(struct store_world *w, const struct store_terminal *t,
    unsigned i, uint8_t fill, int64_t at)
{
	assert_int_equal(store_world_redeem(w, t, i, fill, at, 0),
	    STORE_REDEEM_ACCEPTED);
}

/* The audit rows of action. */
static inline long long
store_world_audit_rows(const struct store_world *w, const char *action)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE"
	    " action = '%s'", action);
	return store_world_int(w->db, sql);
}

/* The active settlement items of voucher i (0, or 1 once in a batch). */
static inline long long
store_world_active_items(const struct store_world *w, unsigned i)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM settlement_item"
	    " WHERE serial = %llu AND active = 1",
	    (unsigned long long)w->b.vouchers[i].serial);
	return store_world_int(w->db, sql);
}

/*
 * Draft period p (its text and bounds) on s, as user by named actor, at
 * now: store_settle_draft()'s result (0, or a refusal such as
 * ERR_NOTHING_TO_SETTLE); a failure of the store fails the test.
 * existing may be NULL.
 */
static inline int
store_world_draft(struct store *s, const char *period, int64_t start,
    int64_t end, const struct store_settle_rules *rules, int64_t by,
    const char *actor, int64_t now, struct store_batch *b, bool *existing)
{
	struct pn_error err;
	bool ignored;
	int rc;

	rc = store_settle_draft(s, period, start, end, rules, by, actor, now, b,
	    existing != NULL ? existing : &ignored, &err);
	if (rc < 0)
		fail_msg("store_settle_draft: %s", err.message);
	return rc;
}

/*
 * Approve batch b on s as user by (login actor) at now, as
 * settle_approve() does but with files of a few bytes: begin on a
 * snapshot, whose paid lines must add up to what begin stamped, stage a
 * payment file and a mandate list, write, publish, commit; after a
 * refusal or a failure once files were made, unstage them. The first
 * refusal (a positive err_code), 0 when approved, -1 when commit failed;
 * any other failure fails the test.
 */
static inline int
store_world_approve(struct store *s, const struct store_batch *b,
    int64_t by, const char *actor, int64_t now)
{
	struct store_batch_stamp stamp;
	struct store_file_in fs[2];
	struct settle_export x;
	struct pn_error err;
	char msg_id[64];
	bool same;
	int rc;

	if ((rc = store_batch_approve_begin(s, b->id, by, &stamp, &err)) != 0) {
		if (rc < 0)
			fail_msg("approve begin: %s", err.message);
		return rc;
	}
	/*
	 * A failure from here ends the approval first: a test failing with
	 * a write transaction open would leave the store's write mutex
	 * held, and every later test of the process waiting for it.
	 */
	if (store_batch_export(s, b->id, &x, &err) != 0) {
		store_batch_approve_abort(s);
		fail_msg("approve export: %s", err.message);
	}
	same = (int64_t)x.n_lines == stamp.n_lines &&
	    x.total_cents == stamp.total_cents;
	store_settle_export_free(&x);
	if (!same) {
		store_batch_approve_abort(s);
		fail_msg("batch %s: its paid lines do not add up to its stamp "
		    "(%lld lines, %lld cents)", b->reference,
		    (long long)stamp.n_lines, (long long)stamp.total_cents);
	}
	memset(fs, 0, sizeof(fs));
	fs[0].kind = "sepa";
	snprintf(fs[0].name, sizeof(fs[0].name), "%s-pain.001.001.09.xml",
	    b->reference);
	fs[0].media_type = "application/xml";
	fs[0].data = (unsigned char *)"<x/>";
	fs[0].len = 4;
	fs[1].kind = "mandates";
	snprintf(fs[1].name, sizeof(fs[1].name), "%s-mandats.csv",
	    b->reference);
	fs[1].media_type = "text/csv; charset=utf-8";
	fs[1].data = (unsigned char *)"a;b\r\n";
	fs[1].len = 5;
	if ((rc = store_batch_files_stage(s, b->id, by, fs, 2, now,
	    &err)) != 0) {
		store_batch_approve_abort(s);
		store_batch_files_unstage(s, b->id);
		if (rc < 0)
			fail_msg("approve stage: %s", err.message);
		return rc;
	}
	if ((rc = store_batch_approve_write(s, b->id, by, &stamp, &err)) != 0) {
		store_batch_files_unstage(s, b->id);
		if (rc < 0)
			fail_msg("approve write: %s", err.message);
		return rc;
	}
	if (store_batch_files_publish(s, b->id, fs, 2, now, actor, &err) != 0) {
		store_batch_approve_abort(s);
		store_batch_files_unstage(s, b->id);
		fail_msg("approve publish: %s", err.message);
	}
	snprintf(msg_id, sizeof(msg_id), "%s-%lld", b->reference,
	    (long long)now);
	if (store_batch_approve_commit(s, b->id, by, msg_id, "2026-12-14", 9,
	    0, now, actor, &err) != 0) {
		store_batch_files_unstage(s, b->id);
		return -1;
	}
	return 0;
}

static inline int
store_world_problem(void *ctx, const char *problem)
{
	snprintf(ctx, 512, "%s", problem);
	return 1;
}

/*
 * Every check of the money audit (store_money_check(), what passnum-admin
 * audit runs) finds nothing in the database as it is; else the test
 * fails naming the check and its first problem.
 */
static inline void
store_world_money_ok(struct store_world *w)
{
	struct pn_error err;
	char problem[512];
	int64_t n;
	int i;

	assert_int_equal(store_money_begin(w->s, &err), 0);
	for (i = 0; i < store_money_checks(); i++) {
		problem[0] = '\0';
		assert_int_equal(store_money_check(w->s, i, store_world_problem,
		    problem, &n, &err), 0);
		if (n != 0)
			fail_msg("%s: %lld problem(s), the first: %s",
			    store_money_check_name(i), (long long)n, problem);
	}
	store_money_end(w->s);
}

#endif
