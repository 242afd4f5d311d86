/* test_booklet_sign.c -- vouchers signed before their booklet's transaction, on serials reserved in memory.
 *
 * booklet_sign() then store_booklet_issue() with the signed vouchers, as
 * issue.c does: the signed vouchers are the ones stored and the counter
 * follows; a refused booklet gives its serials back to the next one; a
 * programme changed in between, or serials taken meanwhile by another
 * connection, make the store sign again on serials of its own, and never
 * store a voucher that does not say what the programme gives.
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

#include "booklet_sign.h"
#include "store_world.h"

#define NOW	(T_2026 + 100 * DAY)	/* inside the fixed key's window */

struct fixture {
	struct store_world w;
	struct pn_cert cert;		/* the fixed key's, as the world's */
	struct store_booklet_request r;
	struct pn_voucher v[STORE_BOOKLET_MAX];
	unsigned n;
	struct store_booklet b;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pn_master_key *master;
	struct pn_error err;

	assert_non_null(f);
	/* The world's booklet took serials 1 to 10. */
	store_world_open(&f->w, "sign", NOW, NOW - 600, 120);
	master = fx_master_with(FX_MASTER_SEED);
	assert_non_null(master);
	assert_int_equal(fx_cert(&f->cert, master, f->w.key, 0, NULL, &err),
	    0);
	pn_master_key_free(master);
	f->r.programme_id = 1;
	f->r.pathway = "rsa";
	f->r.age_band = "45-64";
	f->r.commune = "Nantes";
	f->r.by = &f->w.who;
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

static long long
counter(const struct fixture *f)
{
	return store_world_int(f->w.db,
	    "SELECT next FROM serial_counter WHERE id = 1");
}

/* Sign a booklet of programme 1 at NOW, for the request of f. */
static void
sign(struct fixture *f)
{
	assert_int_equal(booklet_sign(f->w.s, f->w.key, &f->cert, 1, NOW,
	    f->v, &f->n), 0);
	f->r.presigned = f->v;
	f->r.n_presigned = f->n;
}

static int
issue(struct fixture *f)
{
	struct pn_error err;

	memset(&f->b, 0, sizeof(f->b));
	return store_booklet_issue(f->w.s, &f->r, f->w.key, &f->cert, NOW,
	    &f->b, &err);
}

/* The voucher the store should hold for serial, signed again here. */
static void
assert_signed_as(const struct fixture *f, const struct store_voucher *sv,
    int64_t value)
{
	struct pn_voucher v;

	memset(&v, 0, sizeof(v));
	v.programme = 1;
	v.serial = sv->serial;
	v.value_cents = (uint32_t)value;
	v.issued_at = (uint32_t)NOW;
	v.expires_at = (uint32_t)sv->expires_at;
	assert_int_equal(pn_voucher_sign(&v, f->w.key), 0);
	assert_int_equal(sv->value, value);
	/* Ed25519 is deterministic: the same voucher, the same signature. */
	assert_memory_equal(sv->signature, v.signature, 64);
}

/*
 * The signed vouchers are the ones stored, even when two booklets commit
 * in the other order than they were signed (the store signing itself
 * would have taken 11 to 20 from the counter for the first to commit);
 * the counter follows the highest.
 */
static void
test_signed_beforehand_are_issued(void **state)
{
	struct fixture *f = *state;
	struct pn_voucher first[STORE_BOOKLET_MAX];
	unsigned i;

	sign(f);
	assert_int_equal(f->n, 10);
	assert_int_equal(f->v[0].serial, 11);
	memcpy(first, f->v, sizeof(first));
	sign(f);
	assert_int_equal(f->v[0].serial, 21);
	assert_int_equal(counter(f), 11);	/* nothing moves before */
	assert_int_equal(issue(f), STORE_ISSUED);
	assert_int_equal(f->b.n, 10);
	for (i = 0; i < 10; i++) {
		assert_int_equal(f->b.vouchers[i].serial, 21 + i);
		assert_memory_equal(f->b.vouchers[i].signature,
		    f->v[i].signature, 64);
		assert_signed_as(f, &f->b.vouchers[i], 1000);
	}
	assert_int_equal(counter(f), 31);
	/* The booklet signed first commits second, on its own serials. */
	memcpy(f->v, first, sizeof(first));
	f->r.commune = "Rezé";
	assert_int_equal(issue(f), STORE_ISSUED);
	assert_int_equal(f->b.vouchers[0].serial, 11);
	assert_int_equal(f->b.vouchers[9].serial, 20);
	assert_int_equal(counter(f), 31);
	/* The next reservation follows every one before. */
	sign(f);
	assert_int_equal(f->v[0].serial, 31);
}

/* A refused booklet gives its serials back: the next one takes them. */
static void
test_refusal_leaves_no_gap(void **state)
{
	struct fixture *f = *state;

	store_world_exec(f->w.db, "UPDATE programme SET budget = committed");
	sign(f);
	assert_int_equal(f->v[0].serial, 11);
	assert_int_equal(issue(f), STORE_OVER_BUDGET);
	assert_int_equal(counter(f), 11);
	store_world_exec(f->w.db,
	    "UPDATE programme SET budget = committed + 100000");
	sign(f);
	assert_int_equal(f->v[0].serial, 11);
	assert_int_equal(issue(f), STORE_ISSUED);
	assert_int_equal(f->b.vouchers[0].serial, 11);
	assert_int_equal(f->b.vouchers[9].serial, 20);
	assert_int_equal(counter(f), 21);
	assert_int_equal(store_world_int(f->w.db,
	    "SELECT count(*) FROM voucher"), 20);
}

/*
 * The face value changes between the signing and the transaction: the
 * vouchers signed at the old value are not stored; the store signs the
 * new value itself.
 */
static void
test_programme_changed_meanwhile(void **state)
{
	struct fixture *f = *state;
	unsigned i;

	sign(f);
	store_world_exec(f->w.db, "UPDATE programme SET face_value = 2000");
	assert_int_equal(issue(f), STORE_ISSUED);
	for (i = 0; i < 10; i++) {
		assert_memory_not_equal(f->b.vouchers[i].signature,
		    f->v[i].signature, 64);
		assert_signed_as(f, &f->b.vouchers[i], 2000);
	}
	assert_int_equal(store_world_int(f->w.db,
	    "SELECT count(*) FROM voucher WHERE value = 1000 AND serial > 10"),
	    0);
	assert_int_equal(counter(f), 21);
}

/*
 * Another connection (as passnum-admin would) takes serials from the
 * counter after ours were reserved: ours are no longer free, and the
 * store issues on serials of its own instead of failing.
 */
static void
test_serials_taken_meanwhile(void **state)
{
	struct fixture *f = *state;
	struct store_booklet_request other = f->r;
	struct store_booklet ob;
	struct pn_error err;
	struct store *s2;

	sign(f);
	assert_int_equal(f->v[0].serial, 11);
	assert_non_null(s2 = store_open(f->w.db, STORE_WORLD_BUSY_MS, &err));
	other.presigned = NULL;
	other.n_presigned = 0;
	other.commune = "Saint-Herblain";
	assert_int_equal(store_booklet_issue(s2, &other, f->w.key, &f->cert,
	    NOW, &ob, &err), STORE_ISSUED);
	assert_int_equal(ob.vouchers[0].serial, 11);
	store_close(s2);
	assert_int_equal(issue(f), STORE_ISSUED);
	assert_int_equal(f->b.vouchers[0].serial, 21);
	assert_signed_as(f, &f->b.vouchers[0], 1000);
	assert_int_equal(counter(f), 31);
	assert_int_equal(store_world_int(f->w.db,
	    "SELECT count(DISTINCT serial) FROM voucher"), 30);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_signed_beforehand_are_issued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_leaves_no_gap,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_programme_changed_meanwhile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_serials_taken_meanwhile,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
