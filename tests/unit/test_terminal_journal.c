/* test_terminal_journal.c -- the terminal's journal, config file, typed entries and verdict lines, without a server.
 *
 * The unit-test rule links the server's and the library's archives only,
 * so the terminal modules under test are compiled in here, as the fuzz
 * targets do (the Makefile names them as dependencies).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "../../terminal/config.c"
#include "../../terminal/journal.c"
#include "../../terminal/typed.c"
#include "../../terminal/verdict.c"
#include "passnum/passnum.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/test_terminal_journal.XXXXXX");
	if (pn_init() != 0 || mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct journal *
fresh_journal(const char *name)
{
	char path[128];
	struct pn_error err;
	struct journal *j;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	j = journal_open(path, true, &err);
	assert_non_null(j);
	return j;
}

static void
add_session(struct journal *j, uint8_t first)
{
	struct journal_session s = { .starts_at = 1795000000,
	    .duration_minutes = 120, .here = true };
	struct pn_error err;

	memset(s.id, first, sizeof(s.id));
	(void)snprintf(s.theme, sizeof(s.theme), "démarches en ligne");
	assert_int_equal(journal_session_put(j, &s, &err), 0);
}

static void
make_record(struct journal_record *rec, uint64_t serial)
{
	memset(rec, 0, sizeof(*rec));
	randombytes_buf(rec->r.id, sizeof(rec->r.id));
	rec->r.terminal = 7;
	memset(rec->r.session, 0xab, sizeof(rec->r.session));
	rec->r.terminal_time = 1795000100;
	(void)snprintf(rec->r.voucher, sizeof(rec->r.voucher), "PN1:TEST%llu",
	    (unsigned long long)serial);
	rec->serial = serial;
	rec->has_value = true;
	rec->value_cents = 1000;
	rec->expires_at = 1798761599;
}

/* A voucher typed by hand: its text, no value, no expiry. */
static void
make_typed(struct journal_record *rec, uint64_t serial, const char *key)
{
	memset(rec, 0, sizeof(*rec));
	randombytes_buf(rec->r.id, sizeof(rec->r.id));
	rec->r.terminal = 7;
	memset(rec->r.session, 0xab, sizeof(rec->r.session));
	rec->r.terminal_time = 1795000200;
	pn_typed_voucher_format(serial, key, rec->r.voucher);
	rec->serial = serial;
}

static int
count_cb(const struct journal_record *rec, void *arg)
{
	(void)rec;
	(*(int *)arg)++;
	return 0;
}

static void
test_journal_records(void **state)
{
	uint8_t pk[32], sk[64];
	struct journal_record rec, again;
	struct pn_error err;
	struct journal *j = fresh_journal("records.sqlite");
	int n = 0;

	(void)state;
	crypto_sign_keypair(pk, sk);
	add_session(j, 0xab);
	make_record(&rec, 41);
	assert_int_equal(journal_record_add(j, &rec, sk, &err), 0);
	assert_int_equal(rec.r.counter, 1);
	assert_true(pn_redemption_verify(&rec.r, pk));

	/* The same serial again: refused, and the first record handed back. */
	make_record(&again, 41);
	assert_int_equal(journal_record_add(j, &again, sk, &err), 1);
	assert_memory_equal(again.r.id, rec.r.id, sizeof(rec.r.id));
	assert_int_equal(again.state, JOURNAL_PENDING);

	make_record(&again, 42);
	assert_int_equal(journal_record_add(j, &again, sk, &err), 0);
	assert_int_equal(again.r.counter, 2);
	assert_int_equal(journal_pending_count(j, &err), 2);

	/* A refused record frees its serial for another try. */
	rec.state = JOURNAL_REFUSED;
	rec.http_status = 404;
	rec.code = 4012;
	(void)snprintf(rec.message, sizeof(rec.message), "séance inconnue");
	assert_int_equal(journal_record_update(j, &rec, &err), 0);
	assert_int_equal(journal_record_by_serial(j, 41, &again, &err), 0);
	make_record(&again, 41);
	assert_int_equal(journal_record_add(j, &again, sk, &err), 0);
	assert_int_equal(again.r.counter, 3);

	/* An acceptance needs its receipt to be read back. */
	again.state = JOURNAL_ACCEPTED;
	(void)snprintf(again.receipt, sizeof(again.receipt), "AQID");
	(void)snprintf(again.winner_venue, sizeof(again.winner_venue), "Médiathèque de Rezé");
	assert_int_equal(journal_record_update(j, &again, &err), 0);
	assert_int_equal(journal_record_by_serial(j, 41, &rec, &err), 1);
	assert_string_equal(rec.winner_venue, "Médiathèque de Rezé");
	assert_int_equal(journal_history_each(j, 2, count_cb, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(journal_pending_count(j, &err), 1);
	journal_close(j);
}

static int
keep_serial(const struct journal_record *rec, void *arg)
{
	uint64_t *serials = arg;

	serials[serials[0] + 1] = rec->serial;
	serials[0]++;
	return 0;
}

static void
test_journal_typed_records(void **state)
{
	uint8_t pk[32], sk[64];
	struct journal_record rec, held;
	struct pn_error err;
	struct journal *j = fresh_journal("typed.sqlite");
	uint64_t serials[8];

	(void)state;
	crypto_sign_keypair(pk, sk);
	add_session(j, 0xab);
	/* Stored before its value is known; signed over the typed text. */
	make_typed(&rec, 43, "K7QM4XRT");
	assert_int_equal(journal_record_add(j, &rec, sk, &err), 0);
	assert_true(rec.typed);
	assert_true(pn_redemption_verify(&rec.r, pk));
	assert_int_equal(journal_record_by_serial(j, 43, &held, &err), 1);
	assert_true(held.typed);
	assert_false(held.has_value);
	assert_int_equal(held.expires_at, 0);
	assert_string_equal(held.r.voucher, "PNK1:43:K7QM4XRT");

	/* The guard on serials holds across the two kinds, both ways. */
	make_record(&held, 43);
	assert_int_equal(journal_record_add(j, &held, sk, &err), 1);
	assert_true(held.typed);
	make_record(&held, 44);
	assert_int_equal(journal_record_add(j, &held, sk, &err), 0);
	make_typed(&held, 44, "23456789");
	assert_int_equal(journal_record_add(j, &held, sk, &err), 1);
	assert_false(held.typed);

	/* Sync sends typed ones alone, scanned ones in batches. */
	serials[0] = 0;
	assert_int_equal(journal_pending_each(j, JOURNAL_TYPED, 0, keep_serial,
	    serials, &err), 0);
	assert_int_equal(serials[0], 1);
	assert_int_equal(serials[1], 43);
	serials[0] = 0;
	assert_int_equal(journal_pending_each(j, JOURNAL_SCANNED, 0,
	    keep_serial, serials, &err), 0);
	assert_int_equal(serials[0], 1);
	assert_int_equal(serials[1], 44);
	serials[0] = 0;
	assert_int_equal(journal_pending_each(j, JOURNAL_ANY, 0, keep_serial,
	    serials, &err), 0);
	assert_int_equal(serials[0], 2);

	/* The receipt's value fills it when the answer comes. */
	rec.state = JOURNAL_ACCEPTED;
	rec.has_value = true;
	rec.value_cents = 1000;
	(void)snprintf(rec.receipt, sizeof(rec.receipt), "AQID");
	assert_int_equal(journal_record_update(j, &rec, &err), 0);
	assert_int_equal(journal_record_by_serial(j, 43, &held, &err), 1);
	assert_true(held.has_value);
	assert_int_equal(held.value_cents, 1000);
	assert_int_equal(held.state, JOURNAL_ACCEPTED);

	/* Never sent: withdrawn while pending, and then never again. */
	make_typed(&rec, 45, "ABCDEFGH");
	assert_int_equal(journal_record_add(j, &rec, sk, &err), 0);
	rec.http_status = 0;
	(void)snprintf(rec.message, sizeof(rec.message), "non envoyé");
	assert_int_equal(journal_record_withdraw(j, &rec, &err), 0);
	assert_int_equal(rec.state, JOURNAL_REFUSED);
	assert_int_equal(journal_record_withdraw(j, &rec, &err), 1);
	assert_int_equal(journal_record_by_serial(j, 45, &held, &err), 0);
	assert_int_equal(journal_pending_count(j, &err), 1);
	/* An answer stored first is not overwritten by a withdrawal. */
	make_typed(&rec, 46, "ABCDEFGH");
	assert_int_equal(journal_record_add(j, &rec, sk, &err), 0);
	rec.state = JOURNAL_ACCEPTED;
	rec.has_value = true;
	(void)snprintf(rec.receipt, sizeof(rec.receipt), "AQID");
	assert_int_equal(journal_record_update(j, &rec, &err), 0);
	assert_int_equal(journal_record_withdraw(j, &rec, &err), 1);
	assert_int_equal(journal_record_by_serial(j, 46, &held, &err), 1);
	assert_int_equal(held.state, JOURNAL_ACCEPTED);

	/* A scanned record must come with its value. */
	make_record(&rec, 47);
	rec.has_value = false;
	assert_int_equal(journal_record_add(j, &rec, sk, &err), -1);
	journal_close(j);
}

/* Rows a typed record may not hold: each one refused by the loader. */
static void
test_journal_typed_damaged(void **state)
{
	static const struct {
		const char *values;
		const char *why;
	} rows[] = {
		/* The text names another serial than the guard holds. */
		{ "'PNK1:9:K7QM4XRT', 10, NULL, NULL, 'pending', 0",
		    "names another serial" },
		/* Not a typed text that reads. */
		{ "'PNK1:10:K7QM4XR', 10, NULL, NULL, 'pending', 0",
		    "does not read" },
		/* A scanned voucher without its value. */
		{ "'PN1:X', 10, NULL, 0, 'pending', 0", "missing for a scanned" },
		/* Taken offline. */
		{ "'PNK1:10:K7QM4XRT', 10, NULL, NULL, 'pending', 1",
		    "taken offline" },
		/* Accepted, without the receipt's value. */
		{ "'PNK1:10:K7QM4XRT', 10, NULL, NULL, 'accepted', 0",
		    "without its value" },
	};
	char sql[512], name[32];
	struct pn_error err;
	struct journal *j;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		(void)snprintf(name, sizeof(name), "typed-bad-%zu.sqlite", i);
		j = fresh_journal(name);
		add_session(j, 0xab);
		(void)snprintf(sql, sizeof(sql), "PRAGMA foreign_keys = OFF;"
		    "INSERT INTO record (counter, "
		    "redemption_id, session, terminal, terminal_time, "
		    "signature, voucher, serial, value_cents, expires_at, "
		    "state, offline, receipt, updated_at) VALUES (3, "
		    "zeroblob(16), zeroblob(16), 7, 0, zeroblob(64), %s, 'AQID', "
		    "0)", rows[i].values);
		assert_int_equal(sqlite3_exec(j->db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
		n = 0;
		assert_int_equal(journal_history_each(j, 0, count_cb, &n,
		    &err), -1);
		assert_int_equal(n, 0);
		assert_non_null(strstr(err.message, "journal record 3"));
		if (strstr(err.message, rows[i].why) == NULL)
			fail_msg("'%s' does not say '%s'", err.message,
			    rows[i].why);
		journal_close(j);
	}
}

/*
 * A journal of schema 1, as the previous terminal wrote it (migrations[0]
 * is that schema, never edited), opened by this one: migrated to the
 * current schema in place, its records kept and still guarded.
 */
static void
test_journal_migration(void **state)
{
	uint8_t pk[32], sk[64];
	struct journal_record rec, held;
	struct journal_checkpoint cp;
	char path[128];
	struct pn_error err;
	struct journal *j;
	sqlite3 *db;
	bool anchored;
	int n = 0;

	(void)state;
	crypto_sign_keypair(pk, sk);
	(void)snprintf(path, sizeof(path), "%s/v1.sqlite", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, migrations[0], NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1;"
	    "INSERT INTO session VALUES (zeroblob(16), 'démarches', 1795000000,"
	    " 120, 1, 1, 0);"
	    "INSERT INTO record (counter, redemption_id, session, terminal, "
	    "terminal_time, voucher, signature, serial, value_cents, "
	    "expires_at, state, offline, updated_at) VALUES "
	    "(1, randomblob(16), zeroblob(16), 7, 1, 'PN1:A', zeroblob(64), 41,"
	    " 1000, 1798761599, 'pending', 1, 0),"
	    "(2, randomblob(16), zeroblob(16), 7, 2, 'PN1:B', zeroblob(64), 42,"
	    " 500, 1798761599, 'refused', 0, 0);"
	    "INSERT INTO meta VALUES ('deny_fresh_at', 1795000000);", NULL,
	    NULL, NULL), SQLITE_OK);
	/* schema 1 could not hold a record without its value. */
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO record (counter, "
	    "redemption_id, session, terminal, terminal_time, voucher, "
	    "signature, serial, value_cents, expires_at, state, offline, "
	    "updated_at) VALUES (3, randomblob(16), zeroblob(16), 7, 3, "
	    "'PNK1:43:K7QM4XRT', zeroblob(64), 43, NULL, NULL, 'pending', 0, "
	    "0)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_non_null(j = journal_open(path, false, &err));
	assert_int_equal(user_version(j, &n, &err), 0);
	assert_int_equal(n, JOURNAL_SCHEMA_VERSION);
	n = 0;
	assert_int_equal(journal_history_each(j, 0, count_cb, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(journal_record_by_serial(j, 41, &held, &err), 1);
	assert_true(held.has_value);
	assert_int_equal(held.value_cents, 1000);
	assert_int_equal(held.expires_at, 1798761599);
	assert_true(held.offline);
	/* Schema 3: never confirmed, not anchored; no checkpoint held. */
	assert_int_equal(journal_record_anchor(j, 1, &held.winner_at, &anchored,
	    &err), 0);
	assert_int_equal(held.winner_at, 0);
	assert_false(anchored);
	assert_int_equal(journal_checkpoint_latest(j, &cp, &err), 0);
	assert_int_equal(journal_meta_get(j, "deny_fresh_at", &held.decided_at,
	    &err), 0);
	assert_int_equal(held.decided_at, 1795000000);
	/* The guard was made again with the table. */
	make_record(&rec, 41);
	memset(rec.r.session, 0, sizeof(rec.r.session));
	assert_int_equal(journal_record_add(j, &rec, sk, &err), 1);
	make_typed(&rec, 43, "K7QM4XRT");
	memset(rec.r.session, 0, sizeof(rec.r.session));
	assert_int_equal(journal_record_add(j, &rec, sk, &err), 0);
	assert_int_equal(rec.r.counter, 3);
	assert_int_equal(journal_pending_count(j, &err), 2);
	/* Foreign keys are on again after the migration. */
	memset(rec.r.session, 0x11, sizeof(rec.r.session));
	make_typed(&rec, 48, "K7QM4XRT");
	memset(rec.r.session, 0x11, sizeof(rec.r.session));
	assert_int_equal(journal_record_add(j, &rec, sk, &err), -1);
	journal_close(j);

	/* Opened again: nothing more to do. */
	assert_non_null(j = journal_open(path, false, &err));
	assert_int_equal(journal_pending_count(j, &err), 2);
	journal_close(j);
}

/* Accepted records 1..n (serials 61..), each with a receipt. */
static void
accepted_records(struct journal *j, const uint8_t *sk, int n)
{
	struct journal_record rec;
	struct pn_error err;
	int i;

	for (i = 0; i < n; i++) {
		make_record(&rec, 61 + (uint64_t)i);
		assert_int_equal(journal_record_add(j, &rec, sk, &err), 0);
		rec.state = JOURNAL_ACCEPTED;
		rec.http_status = 200;
		(void)snprintf(rec.receipt, sizeof(rec.receipt), "R%d", i);
		assert_int_equal(journal_record_update(j, &rec, &err), 0);
	}
}

static void
checkpoint_at(struct journal *j, uint64_t seq, int64_t at, bool lost)
{
	struct journal_checkpoint c;
	struct pn_error err;

	memset(&c, 0, sizeof(c));
	c.seq = seq;
	c.at = at;
	(void)snprintf(c.text, sizeof(c.text), "PNC1 seq=%llu at=%lld",
	    (unsigned long long)seq, (long long)at);
	assert_int_equal(journal_checkpoint_add(j, &c, lost, &err), 0);
}

static bool
anchored_rec(struct journal *j, uint64_t counter, int64_t *confirmed)
{
	struct pn_error err;
	bool a;

	assert_int_equal(journal_record_anchor(j, counter, confirmed, &a,
	    &err), 0);
	return a;
}

/*
 * Receipts and checkpoints (schema 3): a record is anchored by a
 * checkpoint held between two confirmations that found it known; one
 * merely later than a confirmation is not enough, nor is a restore; a
 * loss forgets every confirmation.
 */
static void
test_journal_receipts(void **state)
{
	uint8_t pk[32], sk[64];
	struct journal_checkpoint c;
	struct journal_record rec;
	struct pn_error err;
	struct journal *j = fresh_journal("receipts.sqlite");
	uint64_t one[] = { 1 }, two[] = { 1, 2 }, three[] = { 3 };
	int64_t confirmed, accepted, unanchored;
	size_t anchored;
	int n, i;

	(void)state;
	crypto_sign_keypair(pk, sk);
	add_session(j, 0xab);
	accepted_records(j, sk, 3);
	make_record(&rec, 90);
	assert_int_equal(journal_record_add(j, &rec, sk, &err), 0);
	assert_int_equal(journal_checkpoint_latest(j, &c, &err), 0);
	n = 0;
	assert_int_equal(journal_accepted_each(j, true, 0, 0, count_cb, &n,
	    &err), 0);
	assert_int_equal(n, 3);	/* the pending one is not sent */
	n = 0;
	assert_int_equal(journal_accepted_each(j, true, 1, 1, count_cb, &n,
	    &err), 0);
	assert_int_equal(n, 1);	/* after counter 1, one at most */

	/* Confirmed, then a checkpoint: not anchored by it alone. */
	assert_int_equal(journal_records_confirm(j, two, 2, 1000, false,
	    &anchored, &err), 0);
	assert_int_equal(anchored, 0);
	checkpoint_at(j, 5, 1500, false);
	assert_false(anchored_rec(j, 1, &confirmed));
	assert_int_equal(confirmed, 1000);
	/* Known again after it: anchored. Record 3, first confirmed now: not. */
	assert_int_equal(journal_records_confirm(j, one, 1, 2000, false,
	    &anchored, &err), 0);
	assert_int_equal(anchored, 1);
	assert_true(anchored_rec(j, 1, &confirmed));
	assert_int_equal(confirmed, 2000);
	assert_int_equal(journal_records_confirm(j, three, 1, 2000, false,
	    &anchored, &err), 0);
	assert_int_equal(anchored, 0);
	/* Restored after the checkpoint: it was gone then, not anchored. */
	assert_int_equal(journal_records_confirm(j, &two[1], 1, 2100, true,
	    NULL, &err), 0);
	assert_false(anchored_rec(j, 2, &confirmed));
	assert_int_equal(confirmed, 2100);
	/* A checkpoint dated the second of a confirmation anchors nothing. */
	checkpoint_at(j, 6, 2100, false);
	assert_int_equal(journal_records_confirm(j, &two[1], 1, 2200, false,
	    &anchored, &err), 0);
	assert_int_equal(anchored, 0);
	n = 0;
	assert_int_equal(journal_accepted_each(j, true, 0, 0, count_cb, &n,
	    &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(journal_anchor_counts(j, &accepted, &unanchored,
	    &err), 0);
	assert_int_equal(accepted, 3);
	assert_int_equal(unanchored, 2);
	assert_int_equal(journal_checkpoint_latest(j, &c, &err), 1);
	assert_int_equal(c.seq, 6);
	assert_int_equal(c.at, 2100);

	/* The server lost data: every confirmation forgotten. */
	checkpoint_at(j, 4, 2300, true);
	assert_false(anchored_rec(j, 1, &confirmed));
	assert_int_equal(confirmed, 0);
	assert_int_equal(journal_anchor_counts(j, &accepted, &unanchored,
	    &err), 0);
	assert_int_equal(unanchored, 3);
	assert_int_equal(journal_checkpoint_latest(j, &c, &err), 1);
	assert_int_equal(c.seq, 4);	/* the one received last */

	/* Only the latest JOURNAL_CHECKPOINTS_KEPT are kept. */
	for (i = 0; i < JOURNAL_CHECKPOINTS_KEPT + 5; i++)
		checkpoint_at(j, 10 + (uint64_t)i, 3000 + i, false);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(j->db, "SELECT count(*), "
		    "min(seq) FROM checkpoint", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0),
		    JOURNAL_CHECKPOINTS_KEPT);
		assert_int_equal(sqlite3_column_int(st, 1), 15);
		sqlite3_finalize(st);
	}
	assert_int_equal(journal_records_confirm(j, one, 1, 0, false, NULL,
	    &err), -1);
	journal_close(j);
}

static void
test_journal_damaged_row(void **state)
{
	struct journal *j = fresh_journal("damaged.sqlite");
	struct pn_error err;
	int n = 0;

	(void)state;
	add_session(j, 0xab);
	/* An edited file: an answered record without its receipt. */
	assert_int_equal(sqlite3_exec(j->db, "PRAGMA foreign_keys = OFF;"
	    "INSERT INTO record (counter, redemption_id, session, terminal, "
	    "terminal_time, voucher, signature, serial, value_cents, "
	    "expires_at, state, offline, updated_at) VALUES (5, zeroblob(16), "
	    "zeroblob(16), 7, 0, 'PN1:X', zeroblob(64), 9, 1000, 0, "
	    "'accepted', 0, 0)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(journal_history_each(j, 0, count_cb, &n, &err), -1);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err.message, "journal record 5"));
	assert_non_null(strstr(err.message, "receipt"));
	journal_close(j);
}

static void
test_journal_sessions(void **state)
{
	struct journal *j = fresh_journal("sessions.sqlite");
	struct journal_session s;
	struct pn_error err;

	(void)state;
	add_session(j, 0xab);
	add_session(j, 0xac);
	assert_int_equal(journal_session_find(j, "abab", &s, &err), 1);
	assert_int_equal(s.id[15], 0xab);
	assert_int_equal(journal_session_find(j, "aCab", &s, &err), 0);
	assert_int_equal(journal_session_find(j, "ab", &s, &err), 0);
	/* Another id that starts the same: a short prefix names both. */
	memset(s.id, 0xab, sizeof(s.id));
	s.id[15] = 0x01;
	(void)snprintf(s.theme, sizeof(s.theme), "t");
	s.duration_minutes = 1;
	s.declared = false;
	assert_int_equal(journal_session_put(j, &s, &err), 0);
	assert_int_equal(journal_session_find(j, "abab", &s, &err), 2);
	assert_int_equal(journal_session_find(j,
	    "abababababababababababababababab", &s, &err), 1);
	assert_int_equal(s.id[15], 0xab);
	assert_false(s.declared);
	assert_int_equal(journal_session_declared(j, s.id, &err), 0);
	assert_int_equal(journal_session_find(j,
	    "abababababababababababababababab", &s, &err), 1);
	assert_true(s.declared);
	journal_close(j);
}

/* journal_session_each() callback: count the sessions. */
static int
count_session(const struct journal_session *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

static int
sessions_to_declare(struct journal *j)
{
	struct pn_error err;
	int n = 0;

	assert_int_equal(journal_session_each(j, 0, true, count_session, &n,
	    &err), 0);
	return n;
}

/*
 * A session the server refused for good: left out of the sessions to
 * declare, read back with its code; a meta row, the schema unchanged.
 */
static void
test_journal_session_refused(void **state)
{
	struct journal *j = fresh_journal("refused.sqlite");
	static const char *const keys[] = { "a", "b", "c" };
	const int64_t values[] = { 1, -2, 3 };
	struct journal_session s;
	struct pn_error err;
	int64_t v;
	int n;

	(void)state;
	add_session(j, 0xcd);
	assert_int_equal(sessions_to_declare(j), 1);
	assert_int_equal(journal_session_find(j, "cdcd", &s, &err), 1);
	assert_int_equal(s.refused_code, 0);
	assert_int_equal(journal_session_refuse(j, s.id, 4026, &err), 0);
	assert_int_equal(sessions_to_declare(j), 0);
	assert_int_equal(journal_session_find(j, "cdcd", &s, &err), 1);
	assert_int_equal(s.refused_code, 4026);
	assert_false(s.declared);
	assert_int_equal(journal_meta_get(j, "session_refused:"
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", &v, &err), 0);
	assert_int_equal(v, 4026);
	assert_int_equal(journal_session_refuse(j, s.id, 0, &err), -1);
	/* Several named integers at once, read back one by one. */
	assert_int_equal(journal_meta_set_many(j, keys, values, 3, &err), 0);
	assert_int_equal(journal_meta_get(j, "b", &v, &err), 0);
	assert_int_equal(v, -2);
	assert_int_equal(journal_meta_get(j, "c", &v, &err), 0);
	assert_int_equal(v, 3);
	/* The schema is as it was. */
	assert_int_equal(user_version(j, &n, &err), 0);
	assert_int_equal(n, JOURNAL_SCHEMA_VERSION);
	journal_close(j);
}

static void
test_journal_version(void **state)
{
	char path[128];
	struct pn_error err;
	struct journal *j = fresh_journal("version.sqlite");

	(void)state;
	assert_int_equal(sqlite3_exec(j->db, "PRAGMA user_version = 9", NULL,
	    NULL, NULL), SQLITE_OK);
	journal_close(j);
	(void)snprintf(path, sizeof(path), "%s/version.sqlite", dir);
	assert_null(journal_open(path, true, &err));
	assert_non_null(strstr(err.message, "journal de version 9"));
	(void)snprintf(path, sizeof(path), "%s/missing.sqlite", dir);
	assert_null(journal_open(path, false, &err));
}

/* A missing or zero-length journal is lost; one with a schema is not. */
static void
test_journal_lost(void **state)
{
	char path[128];
	struct pn_error err;
	struct journal *j;
	struct stat sb;
	FILE *f;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/lost.sqlite", dir);
	assert_int_equal(journal_lost(path, &err), 1);
	assert_int_equal(stat(path, &sb), -1);
	assert_non_null(f = fopen(path, "w"));
	(void)fclose(f);
	assert_int_equal(journal_lost(path, &err), 1);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_null(journal_open(path, false, &err));
	assert_int_equal(journal_lost(path, &err), 1);
	assert_non_null(j = journal_open(path, true, &err));
	journal_close(j);
	assert_int_equal(journal_lost(path, &err), 0);
}

/* Each way a person types a serial and its key, and what is read. */
static void
test_typed_entry(void **state)
{
	static const struct {
		const char *text;
		const char *key;
		enum typed_kind kind;
		uint64_t serial;
		const char *canonical;
		int status;		/* of the serial or the key */
	} cases[] = {
		{ "PN1:ABC", NULL, TYPED_NOT, 0, NULL, 0 },
		{ "HELLO", NULL, TYPED_NOT, 0, NULL, 0 },
		{ "", NULL, TYPED_NOT, 0, NULL, 0 },
		{ "0000 0000 0001 3", NULL, TYPED_NO_KEY, 1, NULL, 0 },
		{ "  0000000000013", NULL, TYPED_NO_KEY, 1, NULL, 0 },
		{ "0000 0000 0001 3 K7QM-4XRT", NULL, TYPED_FULL, 1,
		    "K7QM4XRT", 0 },
		{ "0000-0000-0001-3-k7qm-4xrt", NULL, TYPED_FULL, 1,
		    "K7QM4XRT", 0 },
		{ "0000000000013K7QM4XRT", NULL, TYPED_FULL, 1, "K7QM4XRT", 0 },
		/* A key of digits only, and one starting with digits. */
		{ "0000 0000 0001 3 2345 6789", NULL, TYPED_FULL, 1,
		    "23456789", 0 },
		{ "0000 0000 0001 3 23QM-4XRT", NULL, TYPED_FULL, 1,
		    "23QM4XRT", 0 },
		/*
		 * Found by fuzz_typed_entry: a serial and a key of digits
		 * that also read as one 21-digit serial; the serial and its
		 * key are the likelier reading.
		 */
		{ "1005 4240 0013 0 2544-2234", NULL, TYPED_FULL,
		    100542400013ULL, "25442234", 0 },
		{ "100542 40001 302 54.....42234", NULL, TYPED_FULL,
		    100542400013ULL, "25442234", 0 },
		{ "0000 0000 0001 3", "K7QM 4XRT", TYPED_FULL, 1, "K7QM4XRT",
		    0 },
		/* The key's faults, named as such. */
		{ "0000 0000 0001 3 K7QM-4XR", NULL, TYPED_BAD_KEY, 1, NULL,
		    PN_CONTROL_KEY_LENGTH },
		{ "0000 0000 0001 3 K7QO-4XRT", NULL, TYPED_BAD_KEY, 1, NULL,
		    PN_CONTROL_KEY_BAD_CHAR },
		{ "0000 0000 0001 3 0K7Q-M4XR", NULL, TYPED_BAD_KEY, 1, NULL,
		    PN_CONTROL_KEY_BAD_CHAR },
		{ "0000 0000 0001 3 2345 6780", NULL, TYPED_BAD_KEY, 1, NULL,
		    PN_CONTROL_KEY_BAD_CHAR },
		{ "0000 0000 0001 3 K7QM-4XRTZ", NULL, TYPED_BAD_KEY, 1, NULL,
		    PN_CONTROL_KEY_LENGTH },
		{ "0000 0000 0001 3", "", TYPED_BAD_KEY, 1, NULL,
		    PN_CONTROL_KEY_EMPTY },
		/* The serial's faults. */
		{ "0000 0000 0001 4", NULL, TYPED_BAD_SERIAL, 0, NULL,
		    PN_SERIAL_CHECK },
		{ "0000 0000 0001 4 K7QM-4XRT", NULL, TYPED_BAD_SERIAL, 0,
		    NULL, PN_SERIAL_CHECK },
		{ "0000 0000 0001 34", NULL, TYPED_BAD_SERIAL, 0, NULL,
		    PN_SERIAL_LENGTH },
		{ "0000 0000 0001 3 K7QM-4XRT", "K7QM-4XRT", TYPED_BAD_SERIAL,
		    0, NULL, PN_SERIAL_BAD_CHAR },
		{ "12AB", NULL, TYPED_BAD_SERIAL, 0, NULL, PN_SERIAL_EMPTY },
	};
	char long_text[TYPED_ENTRY_MAX + 8];
	struct typed_entry te;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		typed_entry_parse(cases[i].text, strlen(cases[i].text),
		    cases[i].key, &te);
		if (te.kind != cases[i].kind)
			fail_msg("'%s': kind %d, %d expected", cases[i].text,
			    (int)te.kind, (int)cases[i].kind);
		if (te.kind != TYPED_NOT && te.kind != TYPED_BAD_SERIAL)
			assert_int_equal(te.serial, cases[i].serial);
		if (te.kind == TYPED_FULL)
			assert_string_equal(te.key, cases[i].canonical);
		if (te.kind == TYPED_BAD_KEY)
			assert_int_equal(te.key_status, cases[i].status);
		if (te.kind == TYPED_BAD_SERIAL)
			assert_int_equal(te.serial_status, cases[i].status);
	}
	/* A NUL byte inside: scanned, and unreadable there. */
	typed_entry_parse("0000 0000 0001 3\0K7QM", 21, NULL, &te);
	assert_int_equal(te.kind, TYPED_NOT);
	memset(long_text, '1', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	typed_entry_parse(long_text, strlen(long_text), NULL, &te);
	assert_int_equal(te.kind, TYPED_BAD_SERIAL);
	assert_int_equal(te.serial_status, PN_SERIAL_LENGTH);
}

static const char good_config[] =
	"{\"server\": \"https://passnum.example\", \"ca_file\": \"ca.pem\","
	" \"terminal\": 7, \"label\": \"poste 1\", \"venue\": {\"id\": 3,"
	" \"name\": \"Médiathèque\", \"siret\": \"21440143200015\"},"
	" \"themes\": [\"a\", \"b\"], \"max_batch\": 100,"
	" \"master_public_key\": \"\", \"max_denylist_age_hours\": 24}";

static void
config_refused(const char *text, const char *names)
{
	struct term_config c;
	struct pn_error err;

	assert_int_equal(term_config_parse(text, strlen(text), "config.json",
	    &c, &err), -1);
	if (strstr(err.message, names) == NULL)
		fail_msg("'%s' does not name '%s'", err.message, names);
}

static void
test_config(void **state)
{
	char path[128], text[1024];
	struct term_config c, d;
	struct pn_error err;

	(void)state;
	assert_int_equal(term_config_parse(good_config, strlen(good_config),
	    "config.json", &c, &err), 0);
	assert_int_equal(c.terminal, 7);
	assert_int_equal(c.max_denylist_age_hours, 24);
	assert_int_equal(c.connect_timeout, TERM_DEFAULT_CONNECT_TIMEOUT);
	assert_true(term_config_has_theme(&c, "b"));
	assert_false(term_config_has_theme(&c, "c"));
	memset(c.master_pk, 0x5a, sizeof(c.master_pk));
	c.has_master = true;
	(void)snprintf(path, sizeof(path), "%s/config.json", dir);
	assert_int_equal(term_config_save(path, &c, &err), 0);
	assert_int_equal(term_config_load(path, &d, &err), 0);
	assert_true(d.has_master);
	assert_memory_equal(d.master_pk, c.master_pk, sizeof(c.master_pk));
	assert_string_equal(d.venue_name, "Médiathèque");
	assert_int_equal(d.n_themes, 2);

	config_refused("{\"server\": \"x\", \"terminal\": 7, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}, \"colour\": 1}", "colour : clé inconnue");
	config_refused("{\"server\": \"x\", \"terminal\": 0, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}}", "terminal");
	config_refused("{\"server\": \"x\", \"terminal\": 1, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}, \"max_denylist_age_hours\": 0}",
	    "max_denylist_age_hours");
	config_refused("{\"server\": \"x\", \"terminal\": 1, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}, \"ca_file\": \"../ca.pem\"}",
	    "ca_file");
	config_refused("{\"server\": \"x\", \"terminal\": 1, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}, \"master_public_key\": \"ab\"}",
	    "master_public_key");
	config_refused("{\"server\": \"x\"}", "doivent y être");
	config_refused("{\"server\": \"x\", \"server\": \"y\"}", "ligne 1");
	(void)snprintf(text, sizeof(text), "[1, 2]");
	config_refused(text, "objet JSON");
}

static void
test_verdict_lines(void **state)
{
	struct pn_voucher v = { .serial = 123456, .value_cents = 1000,
	    .expires_at = 1801612799 };
	struct verdict out;

	(void)state;
	verdict_from_reason(&out, PN_R_CANCELLED, &v);
	assert_int_equal(out.kind, VERDICT_REFUSED);
	assert_int_equal(out.exit_code, 15);
	assert_non_null(strstr(out.text, "REFUSÉ — chèque annulé — chèque "
	    "0000 0012 3456"));
	verdict_from_reason(&out, PN_R_SIGNATURE, &v);
	assert_int_equal(out.exit_code, 12);
	assert_non_null(strstr(out.text, "chèque falsifié (signature invalide)"));
	verdict_from_reason(&out, PN_R_EXPIRED, &v);
	assert_non_null(strstr(out.text, "REFUSÉ — chèque expiré le "));
	/* Nothing read from a code that did not decode. */
	verdict_from_reason(&out, PN_R_TOO_SHORT, &v);
	assert_int_equal(out.exit_code, 10);
	assert_null(strstr(out.text, "0000 0012 3456"));
	assert_non_null(strstr(out.text, "tapez le numéro imprimé"));
	/* A suspended terminal: its own exit code, the code to quote. */
	verdict_suspended(&out);
	assert_int_equal(out.kind, VERDICT_REFUSED);
	assert_int_equal(out.exit_code, TERM_EXIT_SUSPENDED);
	assert_non_null(strstr(out.text, "REFUSÉ — ce poste est suspendu"));
	assert_non_null(strstr(out.text, "Le Département doit le réactiver"));
	assert_non_null(strstr(out.text, "(code 4009)"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_records),
		cmocka_unit_test(test_journal_typed_records),
		cmocka_unit_test(test_journal_typed_damaged),
		cmocka_unit_test(test_journal_migration),
		cmocka_unit_test(test_journal_receipts),
		cmocka_unit_test(test_journal_damaged_row),
		cmocka_unit_test(test_journal_sessions),
		cmocka_unit_test(test_journal_session_refused),
		cmocka_unit_test(test_journal_version),
		cmocka_unit_test(test_journal_lost),
		cmocka_unit_test(test_typed_entry),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_verdict_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
