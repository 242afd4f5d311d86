/* test_store_redeem.c -- redemption through the store API: exactly once, conflicts, replays, mismatches, typed keys.
 *
 * The shell scenarios (test_redeem.sh, test_cheat.sh) drive the same path
 * through HTTP; these reach store_redeem() itself, with a booklet of real
 * vouchers issued through the store, so that a change of the store's
 * contract shows here first.
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

#include "passnum/controlkey.h"
#include "store_world.h"

#define NOW	(T_2026 + 100 * DAY)	/* inside the fixed key's window */

struct fixture {
	struct store_world w;
	unsigned nonce;
};

/* The world, with sessions s1 and s2 running at NOW. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	store_world_open(&f->w, "redeem", NOW, NOW - 600, 120);
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

/* The answer the store keeps and sends: the decision in a few words. */
static char *
answer(void *ctx, const struct store_decision *d, struct pn_error *err)
{
	char *out = malloc(64);

	(void)ctx;
	(void)err;
	if (out != NULL)
		snprintf(out, 64, "{\"outcome\":%d,\"serial\":%llu}", d->outcome,
		    (unsigned long long)d->serial);
	return out;
}

/* One record, as a terminal sends it, with the storage its pointers need. */
struct rec {
	uint8_t id[16];
	uint8_t session[16];
	uint8_t sig[64];
	struct pn_voucher v;
	struct store_redeem_record r;
};

/* Voucher i of the booklet, taken in session fill (0x51 or 0x52), record id. */
static void
rec_of(const struct fixture *f, struct rec *x, unsigned i, uint8_t fill,
    uint8_t id)
{
	memset(x, 0, sizeof(*x));
	memset(x->id, id, sizeof(x->id));
	memset(x->session, fill, sizeof(x->session));
	x->v = store_world_voucher(&f->w, i);
	x->r.redemption_id = x->id;
	x->r.session_uid = x->session;
	x->r.record_signature = x->sig;
	x->r.voucher = &x->v;
	x->r.terminal_time = NOW - 5;
	x->r.at = NOW;
	x->r.counter = id;
}

/* The rules passnumd's defaults give, online, at NOW. */
static void
test_rules(struct store_redeem_rules *rules)
{
	memset(rules, 0, sizeof(*rules));
	rules->now = NOW;
	rules->key_window = 86400;
	rules->key_limit_terminal = 5;
	rules->key_limit_venue = 10;
	rules->answer = answer;
}

/* Judge one record for terminal t under a fresh nonce: store_redeem()'s result. */
static int
judge(struct fixture *f, const struct store_terminal *t, struct rec *x)
{
	struct store_redeem_rules rules;
	struct store_nonce nonce;
	struct pn_error err;
	int rc;

	test_rules(&rules);
	memset(&nonce, 0, sizeof(nonce));
	nonce.at = NOW;
	f->nonce++;
	memcpy(nonce.bytes, &f->nonce, sizeof(f->nonce));
	free(x->r.answer);
	x->r.answer = NULL;
	rc = store_redeem(f->w.s, t, &nonce, &x->r, 1, &rules, &err);
	if (rc < 0)
		fail_msg("store_redeem: %s", err.message);
	return rc;
}

static long long
accepted_of(const struct fixture *f, unsigned i)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM redemption WHERE "
	    "serial = %llu AND outcome = 'accepted'",
	    (unsigned long long)f->w.b.vouchers[i].serial);
	return store_world_int(f->w.db, sql);
}

/* Accepted once: the voucher redeemed, on the deny list, an audit row. */
static void
test_accepted(void **state)
{
	struct fixture *f = *state;
	struct rec x;
	char sql[160];

	rec_of(f, &x, 1, 0x51, 0x11);
	assert_int_equal(judge(f, &f->w.t1, &x), 0);
	assert_int_equal(x.r.result, STORE_REDEEM_ACCEPTED);
	assert_false(x.r.replay);
	assert_non_null(strstr(x.r.answer, "\"outcome\":0"));
	assert_int_equal(accepted_of(f, 1), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM voucher WHERE "
	    "serial = %llu AND status = 'redeemed'",
	    (unsigned long long)f->w.b.vouchers[1].serial);
	assert_int_equal(store_world_int(f->w.db, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM deny_event WHERE "
	    "serial = %llu AND reason = 2",
	    (unsigned long long)f->w.b.vouchers[1].serial);
	assert_int_equal(store_world_int(f->w.db, sql), 1);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'redeem'"), 1);
	free(x.r.answer);
}

/* The same record again (a lost answer): the stored answer, nothing new. */
static void
test_replay(void **state)
{
	struct fixture *f = *state;
	struct rec x;
	char first[64];

	rec_of(f, &x, 2, 0x51, 0x12);
	assert_int_equal(judge(f, &f->w.t1, &x), 0);
	assert_int_equal(x.r.result, STORE_REDEEM_ACCEPTED);
	snprintf(first, sizeof(first), "%s", x.r.answer);
	assert_int_equal(judge(f, &f->w.t1, &x), 0);
	assert_true(x.r.replay);
	assert_int_equal(x.r.result, STORE_REDEEM_ACCEPTED);
	assert_string_equal(x.r.answer, first);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM redemption"), 1);
	free(x.r.answer);
}

/* Another venue's record of a voucher taken: a conflict, stored, once accepted. */
static void
test_conflict(void **state)
{
	struct fixture *f = *state;
	struct rec a, b;

	rec_of(f, &a, 3, 0x51, 0x13);
	assert_int_equal(judge(f, &f->w.t1, &a), 0);
	assert_int_equal(a.r.result, STORE_REDEEM_ACCEPTED);
	rec_of(f, &b, 3, 0x52, 0x23);
	assert_int_equal(judge(f, &f->w.t2, &b), 0);
	assert_int_equal(b.r.result, STORE_REDEEM_CONFLICT);
	assert_non_null(strstr(b.r.answer, "\"outcome\":1"));
	assert_int_equal(accepted_of(f, 3), 1);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM redemption WHERE "
	    "outcome = 'conflict' AND winner_id IS NOT NULL"), 1);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM audit_log WHERE "
	    "action = 'redeem.conflict'"), 1);
	free(a.r.answer);
	free(b.r.answer);
}

/* Not the voucher issued under its serial (a changed value): refused, nothing written. */
static void
test_mismatch(void **state)
{
	struct fixture *f = *state;
	struct rec x;

	rec_of(f, &x, 4, 0x51, 0x14);
	x.v.value_cents = 2000;
	assert_int_equal(judge(f, &f->w.t1, &x), 0);
	assert_int_equal(x.r.result, STORE_REDEEM_MISMATCH);
	assert_null(x.r.answer);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM redemption"), 0);
	assert_int_equal(accepted_of(f, 4), 0);
}

/* A session of another venue: refused. */
static void
test_other_venue_session(void **state)
{
	struct fixture *f = *state;
	struct rec x;

	rec_of(f, &x, 6, 0x52, 0x16);
	assert_int_equal(judge(f, &f->w.t1, &x), 0);
	assert_int_equal(x.r.result, STORE_REDEEM_NO_SESSION);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM redemption"), 0);
}

/* The request's nonce used twice: nothing judged the second time. */
static void
test_replayed_nonce(void **state)
{
	struct fixture *f = *state;
	struct store_redeem_rules rules;
	struct store_nonce nonce;
	struct pn_error err;
	struct rec a, b;

	test_rules(&rules);
	memset(&nonce, 0x77, sizeof(nonce));
	nonce.at = NOW;
	rec_of(f, &a, 7, 0x51, 0x17);
	assert_int_equal(store_redeem(f->w.s, &f->w.t1, &nonce, &a.r, 1, &rules,
	    &err), 0);
	assert_int_equal(a.r.result, STORE_REDEEM_ACCEPTED);
	rec_of(f, &b, 8, 0x51, 0x18);
	assert_int_equal(store_redeem(f->w.s, &f->w.t1, &nonce, &b.r, 1, &rules,
	    &err), 1);
	assert_int_equal(accepted_of(f, 8), 0);
	free(a.r.answer);
	free(b.r.answer);
}

/* Typed with a wrong control key: refused, the failure counted. */
static void
test_typed_bad_key(void **state)
{
	struct fixture *f = *state;
	struct rec x;

	rec_of(f, &x, 9, 0x51, 0x19);
	x.r.typed = true;
	memcpy(x.r.key, "AAAAAAAA", 8);
	assert_int_equal(judge(f, &f->w.t1, &x), 0);
	assert_int_equal(x.r.result, STORE_REDEEM_BAD_KEY);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM "
	    "control_key_failure"), 1);
	assert_int_equal(accepted_of(f, 9), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_venue_session, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replayed_nonce, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_typed_bad_key, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
