/* test_store_restore.c -- receipts resent by terminals, through the store: known, put back once, conflicts and losses that cannot be repaired, each with its alarm.
 *
 * A booklet of real vouchers is issued through the store; the terminals,
 * sessions and the redemptions the database "still holds" are written
 * with a raw connection, as the redemption routes would have written
 * them. The items are what api_receipts.c hands the store once the record
 * and the receipt have verified.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>

#include "passnum/controlkey.h"
#include "passnum/passnum.h"
#include "store_world.h"

#define NOW	(T_2026 + 100 * DAY)	/* inside the fixed key's window */
#define TAKEN	(NOW - 3600)		/* when the lost redemptions were accepted */

struct fixture {
	struct store_world w;		/* what follows points into it */
	const char *db;
	struct store *s;
	struct pn_signing_key *key;
	struct store_booklet *b;
	struct store_terminal t1, t2;	/* venue 1, venue 2 */
	uint8_t s1[16], s2[16];		/* a session of each venue */
	unsigned nonce;			/* the last nonce used */
};

#define raw_exec store_world_exec
#define raw_int store_world_int

/* Voucher i of the booklet, as a terminal decodes it. */
static struct pn_voucher
voucher(const struct fixture *f, unsigned i)
{
	return store_world_voucher(&f->w, i);
}

/*
 * Venue 1 (Rezé) with terminal 1 and session s1, venue 2 (Nantes) with
 * terminal 2 and session s2; a booklet of 10 vouchers of 10,00 EUR. The
 * database holds: voucher 0 redeemed at terminal 1 (redemption id 01..),
 * voucher 2 redeemed at terminal 2 after the loss (id 02..), voucher 5
 * cancelled.
 */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pn_error err;
	char sql[2048];

	assert_non_null(f);
	store_world_open(&f->w, "restore", NOW, TAKEN - 600, 120);
	f->db = f->w.db;
	f->s = f->w.s;
	f->key = f->w.key;
	f->b = &f->w.b;
	f->t1 = f->w.t1;
	f->t2 = f->w.t2;
	memset(f->s1, 0x51, sizeof(f->s1));
	memset(f->s2, 0x52, sizeof(f->s2));
	snprintf(sql, sizeof(sql),
	    "UPDATE training_session SET starts_at = %lld, declared_at = %lld,"
	    " duration_minutes = 60 WHERE id = 2;"
	    "UPDATE voucher SET status = 'redeemed' WHERE serial IN (%llu, %llu);"
	    "INSERT INTO redemption (redemption_id, serial, session_id,"
	    " terminal_id, venue_id, terminal_time, counter, record_signature,"
	    " outcome, value, received_at, answer) VALUES"
	    " (x'01010101010101010101010101010101', %llu, 1, 1, 1, %lld, 1,"
	    "  zeroblob(64), 'accepted', 1000, %lld, '{}'),"
	    " (x'02020202020202020202020202020202', %llu, 2, 2, 2, %lld, 1,"
	    "  zeroblob(64), 'accepted', 1000, %lld, '{}');"
	    "INSERT INTO deny_event (serial, reason, at) VALUES (%llu, 2, %lld),"
	    " (%llu, 2, %lld);",
	    (long long)TAKEN, (long long)TAKEN,
	    (unsigned long long)f->b->vouchers[0].serial,
	    (unsigned long long)f->b->vouchers[2].serial,
	    (unsigned long long)f->b->vouchers[0].serial, (long long)TAKEN,
	    (long long)TAKEN, (unsigned long long)f->b->vouchers[2].serial,
	    (long long)NOW - 60, (long long)NOW - 60,
	    (unsigned long long)f->b->vouchers[0].serial, (long long)TAKEN,
	    (unsigned long long)f->b->vouchers[2].serial, (long long)NOW - 60);
	raw_exec(f->db, sql);
	assert_int_equal(store_voucher_cancel(f->s, f->b->vouchers[5].serial, 0,
	    "perdu", &f->w.who, NOW, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_world_close(&f->w);
	free(f);
	return 0;
}

/* What the tests hand the store, with the storage its pointers need. */
struct item {
	uint8_t id[16];
	uint8_t session[16];
	uint8_t sig[64];
	struct pn_voucher v;
	char key[PN_CONTROL_KEY_SIZE];
	struct store_training training;
	struct store_receipt r;
};

/* The receipt of voucher i, taken at terminal 1 in session s1, record id. */
static void
item_of(const struct fixture *f, struct item *it, unsigned i, uint8_t id)
{
	memset(it, 0, sizeof(*it));
	memset(it->id, id, sizeof(it->id));
	memcpy(it->session, f->s1, sizeof(it->session));
	memset(it->sig, 0x5a, sizeof(it->sig));
	it->v = voucher(f, i);
	it->r.redemption_id = it->id;
	it->r.session_uid = it->session;
	it->r.record_signature = it->sig;
	it->r.terminal_time = TAKEN - 5;
	it->r.counter = id;
	it->r.serial = it->v.serial;
	it->r.voucher = &it->v;
	it->r.value = it->v.value_cents;
	it->r.decided_at = TAKEN;
	it->r.answer = "{\"receipt\":\"test\"}";
}

static void
words(void *ctx, const struct store_receipt_event *e, char *out, size_t len)
{
	(void)ctx;
	snprintf(out, len, "%d/%d serial %llu winner %lld status %s",
	    e->r->status, e->r->why, (unsigned long long)e->r->serial,
	    (long long)e->winner_terminal_id, e->voucher_status);
}

/* Check items with a new nonce as terminal t; the store's result. */
static int
check(struct fixture *f, const struct store_terminal *t, struct item *items,
    size_t n)
{
	struct store_receipt r[8];
	struct store_nonce nonce;
	struct pn_error err;
	size_t i;
	int rc;

	assert_true(n <= 8);
	memset(&nonce, 0, sizeof(nonce));
	nonce.at = NOW;
	f->nonce++;
	memcpy(nonce.bytes, &f->nonce, sizeof(f->nonce));
	for (i = 0; i < n; i++)
		r[i] = items[i].r;
	rc = store_receipts_check(f->s, t, &nonce, r, n, NOW, words, NULL,
	    &err);
	if (rc < 0)
		fail_msg("store_receipts_check: %s", err.message);
	for (i = 0; i < n; i++)
		items[i].r = r[i];
	return rc;
}

static long long
alarms(const struct fixture *f, const char *kind)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM integrity_alarm"
	    " WHERE kind = '%s'", kind);
	return raw_int(f->db, sql);
}

/* Every money check of the audit passes. */
static void
money_holds(struct fixture *f)
{
	struct pn_error err;
	int64_t problems, total = 0;
	int c;

	assert_int_equal(store_money_begin(f->s, &err), 0);
	for (c = 0; c < store_money_checks(); c++) {
		assert_int_equal(store_money_check(f->s, c, NULL, NULL,
		    &problems, &err), 0);
		if (problems != 0)
			print_error("%s: %lld problem(s)\n",
			    store_money_check_name(c), (long long)problems);
		total += problems;
	}
	store_money_end(f->s);
	assert_int_equal(total, 0);
}

static void
test_known(void **state)
{
	struct fixture *f = *state;
	struct item it;

	item_of(f, &it, 0, 0x01);
	assert_int_equal(check(f, &f->t1, &it, 1), 0);
	assert_int_equal(it.r.status, STORE_RECEIPT_KNOWN);
	assert_int_equal(it.r.alarm_id, 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM integrity_alarm"),
	    0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM redemption"), 2);
}

static void
test_restored_once(void **state)
{
	struct fixture *f = *state;
	struct item it;
	char sql[256];
	long long audit;

	item_of(f, &it, 1, 0x11);
	audit = raw_int(f->db, "SELECT count(*) FROM audit_log");
	assert_int_equal(check(f, &f->t1, &it, 1), 0);
	assert_int_equal(it.r.status, STORE_RECEIPT_RESTORED);
	assert_true(it.r.alarm_id > 0 && it.r.row_id > 0);
	assert_false(it.r.session_made);
	assert_non_null(strstr(it.r.alarm, "status issued"));
	snprintf(sql, sizeof(sql), "SELECT status = 'redeemed' FROM voucher"
	    " WHERE serial = %llu", (unsigned long long)it.r.serial);
	assert_int_equal(raw_int(f->db, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM redemption WHERE"
	    " id = %lld AND outcome = 'accepted' AND value = 1000 AND"
	    " received_at = %lld AND terminal_id = 1 AND venue_id = 1 AND"
	    " session_id = 1 AND answer = '{\"receipt\":\"test\"}'",
	    (long long)it.r.row_id, (long long)TAKEN);
	assert_int_equal(raw_int(f->db, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM redemption_restored"
	    " WHERE redemption_id = %lld AND alarm_id = %lld AND"
	    " terminal_id = 1", (long long)it.r.row_id,
	    (long long)it.r.alarm_id);
	assert_int_equal(raw_int(f->db, sql), 1);
	assert_int_equal(alarms(f, "receipt_restored"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'redeem.restore'"), 1);
	/* The alarm's and the restore's audit rows, in the chain. */
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log"),
	    audit + 2);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM deny_event WHERE"
	    " serial = %llu AND reason = 2", (unsigned long long)it.r.serial);
	assert_int_equal(raw_int(f->db, sql), 1);
	money_holds(f);

	/* Once: the second time it is known, and nothing is written. */
	item_of(f, &it, 1, 0x11);
	assert_int_equal(check(f, &f->t1, &it, 1), 0);
	assert_int_equal(it.r.status, STORE_RECEIPT_KNOWN);
	assert_int_equal(alarms(f, "receipt_restored"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM redemption"), 3);
}

static void
test_session_made_again(void **state)
{
	struct fixture *f = *state;
	struct item it;

	item_of(f, &it, 3, 0x13);
	memset(it.session, 0x77, sizeof(it.session));
	/* Lost too, and none given: refused, nothing written. */
	assert_int_equal(check(f, &f->t1, &it, 1), 0);
	assert_int_equal(it.r.status, STORE_RECEIPT_NO_SESSION);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM redemption"), 2);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM integrity_alarm"),
	    0);

	item_of(f, &it, 3, 0x13);
	memset(it.session, 0x77, sizeof(it.session));
	memcpy(it.training.uid, it.session, 16);
	snprintf(it.training.theme, sizeof(it.training.theme), "smartphone");
	it.training.starts_at = TAKEN - 1800;
	it.training.duration_minutes = 90;
	it.r.session = &it.training;
	assert_int_equal(check(f, &f->t1, &it, 1), 0);
	assert_int_equal(it.r.status, STORE_RECEIPT_RESTORED);
	assert_true(it.r.session_made);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM training_session"
	    " WHERE uid = x'77777777777777777777777777777777' AND venue_id = 1"
	    " AND terminal_id = 1 AND theme = 'smartphone' AND"
	    " duration_minutes = 90"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'session.restore'"), 1);
	money_holds(f);
}

static void
test_conflict_once(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	struct item it;
	int64_t first;

	/* Voucher 2 was redeemed again at venue 2 after the loss. */
	item_of(f, &it, 2, 0x12);
	assert_int_equal(check(f, &f->t1, &it, 1), 0);
	assert_int_equal(it.r.status, STORE_RECEIPT_CONFLICT);
	assert_true(it.r.alarm_id > 0);
	first = it.r.alarm_id;
	assert_non_null(strstr(it.r.alarm, "winner 2"));
	assert_int_equal(alarms(f, "receipt_conflict"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM redemption"), 2);
	/* Said again, not raised again: the same alarm. */
	item_of(f, &it, 2, 0x12);
	assert_int_equal(check(f, &f->t1, &it, 1), 0);
	assert_int_equal(it.r.status, STORE_RECEIPT_CONFLICT);
	assert_int_equal(it.r.alarm_id, first);
	assert_non_null(strstr(it.r.alarm, "winner 2"));
	assert_int_equal(alarms(f, "receipt_conflict"), 1);
	/* Acknowledged by an administrator: closed, nothing written. */
	assert_int_equal(store_alarm_ack(f->s, first, "réglé", "user:1",
	    "admin", 2000000000, &err), 0);
	item_of(f, &it, 2, 0x12);
	assert_int_equal(check(f, &f->t1, &it, 1), 0);
	assert_int_equal(it.r.status, STORE_RECEIPT_CLOSED);
	assert_int_equal(it.r.alarm_id, first);
	assert_int_equal(alarms(f, "receipt_conflict"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM redemption"), 2);
	money_holds(f);
}

static void
test_unrestorable(void **state)
{
	struct fixture *f = *state;
	struct item it[4];

	/* No voucher of that serial: issued in the lost part. */
	item_of(f, &it[0], 4, 0x21);
	it[0].v.serial = it[0].r.serial = 999999;
	/* Another voucher under the serial. */
	item_of(f, &it[1], 4, 0x22);
	it[1].v.signature[0] ^= 1;
	/* Another value than the voucher's. */
	item_of(f, &it[2], 6, 0x23);
	it[2].r.value = 2000;
	/* Cancelled since. */
	item_of(f, &it[3], 5, 0x24);
	assert_int_equal(check(f, &f->t1, it, 4), 0);
	assert_int_equal(it[0].r.status, STORE_RECEIPT_UNRESTORABLE);
	assert_int_equal(it[0].r.why, STORE_UNRESTORABLE_NO_VOUCHER);
	assert_int_equal(it[1].r.status, STORE_RECEIPT_UNRESTORABLE);
	assert_int_equal(it[1].r.why, STORE_UNRESTORABLE_OTHER_VOUCHER);
	assert_int_equal(it[2].r.status, STORE_RECEIPT_UNRESTORABLE);
	assert_int_equal(it[2].r.why, STORE_UNRESTORABLE_OTHER_VOUCHER);
	assert_int_equal(it[3].r.status, STORE_RECEIPT_UNRESTORABLE);
	assert_int_equal(it[3].r.why, STORE_UNRESTORABLE_CANCELLED);
	assert_int_equal(alarms(f, "receipt_unrestorable"), 4);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM redemption"), 2);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM voucher WHERE"
	    " status = 'redeemed'"), 2);
	money_holds(f);
}

static void
test_typed(void **state)
{
	struct fixture *f = *state;
	struct item it[2];

	item_of(f, &it[0], 7, 0x31);
	pn_control_key(it[0].v.signature, it[0].key);
	it[0].r.voucher = NULL;
	it[0].r.key = it[0].key;
	item_of(f, &it[1], 8, 0x32);
	pn_control_key(it[1].v.signature, it[1].key);
	it[1].key[0] = it[1].key[0] == 'A' ? 'B' : 'A';
	it[1].r.voucher = NULL;
	it[1].r.key = it[1].key;
	assert_int_equal(check(f, &f->t1, it, 2), 0);
	assert_int_equal(it[0].r.status, STORE_RECEIPT_RESTORED);
	assert_int_equal(it[1].r.status, STORE_RECEIPT_UNRESTORABLE);
	assert_int_equal(it[1].r.why, STORE_UNRESTORABLE_OTHER_VOUCHER);
	/* The audit rebuilds its text as typed. */
	assert_int_equal(raw_int(f->db, "SELECT flags FROM redemption WHERE"
	    " redemption_id = x'31313131313131313131313131313131'"),
	    STORE_FLAG_TYPED);
	money_holds(f);
}

static void
test_refusals(void **state)
{
	struct fixture *f = *state;
	struct item it[3];

	/* The id of voucher 0's redemption, with another voucher. */
	item_of(f, &it[0], 4, 0x01);
	/* Voucher 0's redemption resent by terminal 2: not its own. */
	item_of(f, &it[1], 0, 0x01);
	/* Lost, and its session is venue 2's. */
	item_of(f, &it[2], 4, 0x41);
	memcpy(it[2].session, f->s2, sizeof(it[2].session));
	assert_int_equal(check(f, &f->t1, &it[0], 1), 0);
	assert_int_equal(check(f, &f->t2, &it[1], 1), 0);
	assert_int_equal(check(f, &f->t1, &it[2], 1), 0);
	assert_int_equal(it[0].r.status, STORE_RECEIPT_ID_REUSED);
	assert_int_equal(it[1].r.status, STORE_RECEIPT_ID_REUSED);
	assert_int_equal(it[2].r.status, STORE_RECEIPT_OTHER_SESSION);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM redemption"), 2);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM integrity_alarm"),
	    0);
	assert_int_equal(raw_int(f->db, "SELECT status = 'issued' FROM voucher"
	    " ORDER BY serial LIMIT 1 OFFSET 4"), 1);
}

static void
test_replayed_nonce(void **state)
{
	struct fixture *f = *state;
	struct item it;

	item_of(f, &it, 1, 0x11);
	assert_int_equal(check(f, &f->t1, &it, 1), 0);
	f->nonce--;	/* the same nonce again */
	item_of(f, &it, 3, 0x13);
	assert_int_equal(check(f, &f->t1, &it, 1), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM redemption"), 3);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_known),
		T(test_restored_once),
		T(test_session_made_again),
		T(test_conflict_once),
		T(test_unrestorable),
		T(test_typed),
		T(test_refusals),
		T(test_replayed_nonce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
