/* test_audit_money.c -- the audit's signature pass: keys and their certificates, every voucher verified on worker threads.
 *
 * Each test gets a fresh database. Vouchers are signed with the fixed keys
 * of fixtures.h and written with a raw SQLite connection (foreign keys off,
 * as an intruder's would be), thousands at once, so that the pass runs
 * through many chunks; tampering goes through the same connection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/passnum.h"
#include "passnum/trust.h"
#include "passnum/voucher.h"
#include "audit_money.h"
#include "fixtures.h"
#include "store.h"

#define N_VOUCHERS	10000	/* more than two chunks of AUDIT_CHUNK_ROWS */
#define ISSUED_AT	(T_2026 + 30 * DAY)
#define EXPIRES_AT	(T_2027 + 31 * DAY - 1)

struct fixture {
	char dir[256];
	char db[300];
	struct pn_master_key *master;
	struct pn_signing_key *key;
	struct store *s;
};

/* A raw connection to the store's file. */
static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, 10000), SQLITE_OK);
	return db;
}

static void
raw_exec(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
raw_exec(const char *path, const char *fmt, ...)
{
	sqlite3 *db = raw_open(path);
	char sql[512], *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	assert_true(vsnprintf(sql, sizeof(sql), fmt, ap) < (int)sizeof(sql));
	va_end(ap);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* Write vouchers first .. first + n - 1 of programme prog, signed by key. */
static void
write_vouchers(const char *path, const struct pn_signing_key *key,
    uint64_t first, unsigned n, uint32_t prog, uint32_t issued_at)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st;
	struct pn_voucher v;
	unsigned i;

	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO voucher (serial,"
	    " booklet_id, programme_id, kid, value, issued_at, expires_at,"
	    " signature) VALUES (?1, 1, ?2, ?3, 1000, ?4, ?5, ?6)", -1, &st,
	    NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		memset(&v, 0, sizeof(v));
		v.programme = prog;
		v.serial = first + i;
		v.value_cents = 1000;
		v.issued_at = issued_at;
		v.expires_at = EXPIRES_AT;
		assert_int_equal(pn_voucher_sign(&v, key), 0);
		sqlite3_bind_int64(st, 1, (int64_t)v.serial);
		sqlite3_bind_int64(st, 2, prog);
		sqlite3_bind_int64(st, 3, v.kid);
		sqlite3_bind_int64(st, 4, v.issued_at);
		sqlite3_bind_int64(st, 5, v.expires_at);
		sqlite3_bind_blob(st, 6, v.signature, 64, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}

/* Record key with a certificate from master for the programmes given. */
static void
record_key(struct fixture *f, const struct pn_signing_key *key,
    size_t nprog, const uint32_t *progs)
{
	struct pn_cert *c = calloc(1, sizeof(*c));
	struct pn_error err;

	assert_non_null(c);
	assert_int_equal(fx_cert(c, f->master, key, nprog, progs, &err), 0);
	assert_int_equal(store_signing_key_add(f->s, c, T_2026, "test", &err),
	    0);
	free(c);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	struct pn_error err;

	assert_non_null(f);
	assert_int_equal(pn_init(), 0);
	snprintf(f->dir, sizeof(f->dir), "%s/pn-audit-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/passnum.db", f->dir);
	assert_non_null(f->master = fx_master_with(FX_MASTER_SEED));
	assert_non_null(f->key = fx_signing(1));
	f->s = store_open(f->db, 10000, &err);
	assert_non_null(f->s);
	record_key(f, f->key, 0, NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[512];

	store_close(f->s);
	pn_signing_key_free(f->key);
	pn_master_key_free(f->master);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Problems handed over by audit_keys_load(), kept for the asserts. */
struct seen {
	unsigned n;
	char text[4][AUDIT_PROBLEM_MAX];
};

static int
see(void *ctx, const char *problem)
{
	struct seen *s = ctx;

	if (s->n < 4)
		snprintf(s->text[s->n], AUDIT_PROBLEM_MAX, "%s", problem);
	s->n++;
	return 0;
}

/* The keys, checked against the fixtures' master key. */
static struct audit_keys *
keys_of(struct fixture *f, int64_t want_problems, struct seen *seen)
{
	struct audit_master m;
	struct audit_keys *k;
	struct pn_error err;
	int64_t problems = -1;
	size_t n_keys = 0;

	memset(&m, 0, sizeof(m));
	m.have = true;
	memcpy(m.pk, f->master->pk, 32);
	memset(seen, 0, sizeof(*seen));
	k = audit_keys_load(f->s, &m, see, seen, &problems, &n_keys, &err);
	assert_non_null(k);
	assert_int_equal(problems, want_problems);
	assert_int_equal(seen->n, (unsigned)want_problems);
	return k;
}

/* Run the pass on threads workers; the report in *r. */
static void
pass(struct fixture *f, struct audit_keys *k, unsigned threads,
    struct audit_signature_report *r)
{
	struct pn_error err;

	assert_int_equal(store_money_begin(f->s, &err), 0);
	assert_int_equal(audit_signatures(f->s, k, threads, r, &err), 0);
	store_money_end(f->s);
}

static void
test_all_verify_whatever_the_threads(void **state)
{
	static struct audit_signature_report r;
	static const unsigned threads[] = { 1, 2, 3, 8 };
	struct fixture *f = *state;
	struct audit_keys *k;
	struct seen seen;
	size_t i;

	write_vouchers(f->db, f->key, 1, N_VOUCHERS, 1, ISSUED_AT);
	k = keys_of(f, 0, &seen);
	for (i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		pass(f, k, threads[i], &r);
		assert_int_equal(r.vouchers, N_VOUCHERS);
		assert_int_equal(r.failed, 0);
		assert_int_equal(r.n_shown, 0);
		assert_int_equal(r.threads, threads[i]);
	}
	audit_keys_free(k);
}

static void
test_empty_database(void **state)
{
	static struct audit_signature_report r;
	struct fixture *f = *state;
	struct audit_keys *k;
	struct seen seen;

	k = keys_of(f, 0, &seen);
	pass(f, k, 0, &r);
	assert_int_equal(r.vouchers, 0);
	assert_int_equal(r.failed, 0);
	assert_true(r.threads >= 1);
	audit_keys_free(k);
}

static void
test_tampered_vouchers_named(void **state)
{
	static struct audit_signature_report r;
	struct fixture *f = *state;
	struct audit_keys *k;
	struct seen seen;

	write_vouchers(f->db, f->key, 1, N_VOUCHERS, 1, ISSUED_AT);
	raw_exec(f->db, "UPDATE voucher SET value = 1200 WHERE serial = 9999;"
	    "UPDATE voucher SET signature = zeroblob(64) WHERE serial = 5000;"
	    "UPDATE voucher SET expires_at = expires_at + 1"
	    " WHERE serial = 77;");
	k = keys_of(f, 0, &seen);
	pass(f, k, 2, &r);
	assert_int_equal(r.vouchers, N_VOUCHERS);
	assert_int_equal(r.failed, 3);
	assert_int_equal(r.n_shown, 3);
	assert_int_equal(r.shown[0].serial, 77);
	assert_int_equal(r.shown[1].serial, 5000);
	assert_int_equal(r.shown[2].serial, 9999);
	assert_string_equal(r.shown[1].text,
	    "voucher 5000: signature does not verify under key 1");
	audit_keys_free(k);
}

static void
test_twenty_lowest_shown(void **state)
{
	static struct audit_signature_report r;
	struct fixture *f = *state;
	struct audit_keys *k;
	struct seen seen;
	size_t i;

	write_vouchers(f->db, f->key, 1, N_VOUCHERS, 1, ISSUED_AT);
	/* 100 forged vouchers, spread over every chunk: each 97th. */
	raw_exec(f->db, "UPDATE voucher SET value = 999 WHERE serial %% 97 = 0"
	    " AND serial <= 9700");
	k = keys_of(f, 0, &seen);
	pass(f, k, 3, &r);
	assert_int_equal(r.failed, 100);
	assert_int_equal(r.n_shown, AUDIT_SHOWN);
	for (i = 0; i < AUDIT_SHOWN; i++)
		assert_int_equal(r.shown[i].serial, 97 * (i + 1));
	audit_keys_free(k);
}

static void
test_key_window_scope_and_unknown(void **state)
{
	static struct audit_signature_report r;
	static const uint32_t only3[] = { 3 };
	struct fixture *f = *state;
	struct pn_signing_key *k2 = fx_signing(2);
	struct audit_keys *k;
	struct seen seen;

	assert_non_null(k2);
	record_key(f, k2, 1, only3);
	write_vouchers(f->db, f->key, 1, 10, 1, ISSUED_AT);
	/* Well signed, but before key 1 could sign (its window: 2026). */
	write_vouchers(f->db, f->key, 11, 1, 1, T_2026 - DAY);
	/* Well signed by key 2, for programme 1 outside its scope. */
	write_vouchers(f->db, k2, 12, 1, 1, ISSUED_AT);
	write_vouchers(f->db, k2, 13, 1, 3, ISSUED_AT);
	/* A kid that is not recorded. */
	raw_exec(f->db, "UPDATE voucher SET kid = 9 WHERE serial = 3");
	k = keys_of(f, 0, &seen);
	pass(f, k, 2, &r);
	assert_int_equal(r.vouchers, 13);
	assert_int_equal(r.failed, 3);
	assert_string_equal(r.shown[0].text, "voucher 3: its key 9 is not "
	    "recorded, or not usable");
	assert_string_equal(r.shown[1].text, "voucher 11: issued at "
	    "2025-12-31T00:00:00Z, outside key 1's signing window "
	    "(2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z)");
	assert_string_equal(r.shown[2].text, "voucher 12: programme 1 is "
	    "outside key 2's scope");
	audit_keys_free(k);
	pn_signing_key_free(k2);
}

static void
test_keys_checked(void **state)
{
	static struct audit_signature_report r;
	struct fixture *f = *state;
	struct pn_master_key *other = fx_master_with(0x77);
	struct pn_signing_key *k3 = fx_signing(3), *k4 = fx_signing(4);
	struct pn_cert *c = calloc(1, sizeof(*c));
	struct audit_master m;
	struct audit_keys *k;
	struct pn_error err;
	struct seen seen;
	int64_t problems;
	size_t n_keys;

	assert_non_null(other);
	assert_non_null(c);
	/* Key 3 certified by another master; key 4's public key changed. */
	assert_int_equal(fx_cert(c, other, k3, 0, NULL, &err), 0);
	assert_int_equal(store_signing_key_add(f->s, c, T_2026, "test", &err),
	    0);
	record_key(f, k4, 0, NULL);
	raw_exec(f->db, "UPDATE signing_key SET public_key = zeroblob(32)"
	    " WHERE kid = 4");
	k = keys_of(f, 2, &seen);
	assert_string_equal(seen.text[0], "key 3: its certificate is not "
	    "signed by the master key");
	assert_string_equal(seen.text[1], "key 4: its certificate certifies "
	    "another public key than the one recorded");
	audit_keys_free(k);

	/* Without a master key, only what needs none is checked. */
	memset(&m, 0, sizeof(m));
	memset(&seen, 0, sizeof(seen));
	k = audit_keys_load(f->s, &m, see, &seen, &problems, &n_keys, &err);
	assert_non_null(k);
	assert_int_equal(n_keys, 3);
	assert_int_equal(problems, 1);
	/* A voucher of key 4 verifies under no recorded public key. */
	write_vouchers(f->db, k4, 1, 2, 1, ISSUED_AT);
	pass(f, k, 1, &r);
	assert_int_equal(r.failed, 2);
	audit_keys_free(k);
	free(c);
	pn_signing_key_free(k3);
	pn_signing_key_free(k4);
	pn_master_key_free(other);
}

static void
test_master_key_sources(void **state)
{
	struct fixture *f = *state;
	struct pn_trust *t = pn_trust_new(f->master->pk, 1, T_2026);
	struct audit_master m;
	struct pn_error err;
	char dir[400], bundle[400];

	snprintf(dir, sizeof(dir), "%s/master", f->dir);
	snprintf(bundle, sizeof(bundle), "%s/trust.bundle", f->dir);
	assert_int_equal(pn_master_key_save(f->master, dir, &err), 0);
	assert_non_null(t);
	assert_int_equal(pn_trust_sign(t, f->master, &err), 0);
	assert_int_equal(pn_trust_save(t, bundle, &err), 0);
	pn_trust_free(t);

	assert_int_equal(audit_master_key(dir, bundle, &m, &err), 0);
	assert_true(m.have);
	assert_memory_equal(m.pk, f->master->pk, 32);
	assert_non_null(strstr(m.source, "given by --master"));

	assert_int_equal(audit_master_key(NULL, bundle, &m, &err), 0);
	assert_true(m.have);
	assert_memory_equal(m.pk, f->master->pk, 32);
	assert_non_null(strstr(m.source, "named by the trust bundle"));

	assert_int_equal(audit_master_key(NULL, "", &m, &err), 0);
	assert_false(m.have);
	assert_non_null(strstr(m.source, "no master key"));

	/* A file that is not a bundle is refused, not used. */
	assert_int_equal(audit_master_key(NULL, f->db, &m, &err), -1);
	assert_false(m.have);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_all_verify_whatever_the_threads),
		T(test_empty_database),
		T(test_tampered_vouchers_named),
		T(test_twenty_lowest_shown),
		T(test_key_window_scope_and_unknown),
		T(test_keys_checked),
		T(test_master_key_sources),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
