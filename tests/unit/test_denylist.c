/* test_denylist.c -- deny-list documents: building, signing, loading, merging. */
#include "testkeys.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "passnum/denylist.h"

struct fixture {
	struct pn_master_key *master;
	struct pn_signing_key *key;
	struct pn_trust *trust;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pn_cert c;

	assert_int_equal(pn_init(), 0);
	f->master = tk_master();
	f->key = tk_signing(1);
	c = tk_cert(f->master, f->key, 0, NULL);
	f->trust = tk_trust(f->master, &c, 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	pn_trust_free(f->trust);
	pn_signing_key_free(f->key);
	pn_master_key_free(f->master);
	free(f);
	return 0;
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A signed document with the given serials (reason: redeemed). */
static struct pn_denylist *
doc(const struct fixture *f, uint64_t from, uint64_t to,
    const uint64_t *serials, size_t n)
{
	struct pn_denylist *d = pn_denylist_new();
	struct pn_error err;
	size_t i;

	assert_non_null(d);
	for (i = 0; i < n; i++)
		assert_int_equal(pn_denylist_add(d, serials[i], T_2027,
		    PN_DENY_REDEEMED, &err), 0);
	assert_int_equal(pn_denylist_sign(d, f->key, from, to, T_VALID, &err),
	    0);
	return d;
}

static void
test_add_and_find(void **state)
{
	struct pn_denylist *d = pn_denylist_new();
	uint64_t s = 88172645463325252ULL, present[2000];
	size_t i, j;

	(void)state;
	for (i = 0; i < 2000; i++) {
		present[i] = xorshift(&s) % 100000;
		assert_int_equal(pn_denylist_add(d, present[i], 1,
		    PN_DENY_CANCELLED, NULL), 0);
	}
	for (i = 1; i < d->n; i++)
		assert_true(d->entries[i - 1].serial < d->entries[i].serial);
	/* Cross-check binary search against a linear scan. */
	for (i = 0; i < 5000; i++) {
		uint64_t q = xorshift(&s) % 100000;
		bool linear = false;

		for (j = 0; j < 2000; j++)
			linear = linear || present[j] == q;
		assert_int_equal(pn_denylist_find(d, q) != NULL, linear);
	}
	/* Adding a serial again keeps one entry, with the later reason. */
	i = d->n;
	assert_int_equal(pn_denylist_add(d, present[0], 9, PN_DENY_REDEEMED,
	    NULL), 0);
	assert_int_equal(d->n, i);
	assert_int_equal(pn_denylist_find(d, present[0])->reason,
	    PN_DENY_REDEEMED);
	assert_int_equal(pn_denylist_add(d, 5, 1, (enum pn_deny_reason)3,
	    NULL), -1);
	assert_null(pn_denylist_find(NULL, 5));
	pn_denylist_free(d);
}

static void
test_sign_encode_decode(void **state)
{
	struct fixture *f = *state;
	uint64_t serials[] = { 30, 10, 20, UINT64_MAX };
	struct pn_denylist *d = doc(f, 0, 7, serials, 4), *back;
	struct pn_error err;
	uint8_t *buf;
	size_t len, i;

	assert_int_equal(pn_denylist_encode(d, &buf, &len, &err), 0);
	assert_int_equal(len, 38 + 4 * 13 + 64);
	back = pn_denylist_decode(buf, len, f->trust, &err);
	assert_non_null(back);
	assert_int_equal(back->n, 4);
	assert_int_equal(back->to_seq, 7);
	assert_int_equal(back->signer_kid, 1);
	for (i = 0; i < 4; i++)
		assert_int_equal(back->entries[i].serial, d->entries[i].serial);
	assert_int_equal(back->entries[3].serial, UINT64_MAX);
	pn_denylist_free(back);

	/* Every bit flip is refused. */
	for (i = 0; i < 8 * len; i++) {
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		back = pn_denylist_decode(buf, len, f->trust, &err);
		if (back != NULL)
			fail_msg("deny list with bit %zu flipped accepted", i);
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	/* Truncated, or with a byte more. */
	for (i = 0; i < len; i++)
		assert_null(pn_denylist_decode(buf, i, f->trust, &err));
	free(buf);
	pn_denylist_free(d);
}

static void
test_untrusted_signers(void **state)
{
	struct fixture *f = *state;
	struct pn_signing_key *stranger = tk_signing(2);
	struct pn_denylist *d = pn_denylist_new();
	struct pn_error err;
	struct pn_trust *t;
	struct pn_cert c;
	uint8_t *buf;
	size_t len;

	/* Signed by a key the bundle does not certify. */
	assert_int_equal(pn_denylist_sign(d, stranger, 0, 1, T_VALID, &err), 0);
	assert_int_equal(pn_denylist_encode(d, &buf, &len, &err), 0);
	assert_null(pn_denylist_decode(buf, len, f->trust, &err));
	assert_int_equal(err.code, PN_E_UNTRUSTED);
	free(buf);
	/* Signed by a revoked key. */
	c = tk_cert(f->master, stranger, 0, NULL);
	t = tk_trust(f->master, &c, 1);
	assert_int_equal(pn_trust_revoke(t, 2, &err), 0);
	assert_int_equal(pn_denylist_encode(d, &buf, &len, &err), 0);
	assert_null(pn_denylist_decode(buf, len, t, &err));
	assert_int_equal(err.code, PN_E_UNTRUSTED);
	assert_non_null(strstr(err.message, "revoked"));
	free(buf);
	pn_trust_free(t);
	/* Issued outside the key's signing window. */
	assert_int_equal(pn_denylist_sign(d, f->key, 0, 1, T_2027 + 1, &err),
	    0);
	assert_int_equal(pn_denylist_encode(d, &buf, &len, &err), 0);
	assert_null(pn_denylist_decode(buf, len, f->trust, &err));
	assert_int_equal(err.code, PN_E_UNTRUSTED);
	free(buf);
	/* from after to is refused when signing. */
	assert_int_equal(pn_denylist_sign(d, f->key, 5, 4, T_VALID, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	pn_denylist_free(d);
	pn_signing_key_free(stranger);
}

static void
test_parse_errors(void **state)
{
	struct fixture *f = *state;
	uint64_t serials[] = { 1, 2 };
	struct pn_denylist *d = doc(f, 0, 1, serials, 2);
	struct pn_error err;
	uint8_t *buf;
	size_t len;

	assert_int_equal(pn_denylist_encode(d, &buf, &len, &err), 0);
	assert_null(pn_denylist_parse(buf, 7, &err));
	assert_non_null(strstr(err.message, "not a deny list"));
	buf[37] = 3;			/* count 2 -> 3 */
	assert_null(pn_denylist_parse(buf, len, &err));
	assert_non_null(strstr(err.message, "length does not match"));
	buf[37] = 2;
	buf[38 + 12] = 7;		/* first entry's reason */
	assert_null(pn_denylist_parse(buf, len, &err));
	assert_non_null(strstr(err.message, "unknown reason"));
	buf[38 + 12] = 1;
	buf[38 + 13 + 7] = 1;		/* second serial 2 -> 1: not increasing */
	assert_null(pn_denylist_parse(buf, len, &err));
	assert_non_null(strstr(err.message, "strictly increasing"));
	buf[38 + 13 + 7] = 2;
	buf[17] = 9;			/* from_seq 9 > to_seq 1 */
	assert_null(pn_denylist_parse(buf, len, &err));
	assert_non_null(strstr(err.message, "from_seq"));
	free(buf);
	pn_denylist_free(d);
}

static void
test_merge(void **state)
{
	struct fixture *f = *state;
	uint64_t full_s[] = { 10, 20, 30 }, inc_s[] = { 15, 20, 40 };
	struct pn_denylist *held = pn_denylist_new();
	struct pn_denylist *full = doc(f, 0, 5, full_s, 3);
	struct pn_denylist *inc = doc(f, 5, 8, inc_s, 3);
	struct pn_denylist *overlap = doc(f, 3, 9, inc_s, 1);
	struct pn_denylist *gap = doc(f, 10, 12, inc_s, 1);
	struct pn_denylist *same = doc(f, 9, 9, NULL, 0);
	struct pn_error err;

	assert_int_equal(pn_denylist_merge(held, inc, 0, &err), -1);
	assert_int_equal(err.code, PN_E_GAP);
	assert_int_equal(held->n, 0);
	assert_int_equal(pn_denylist_merge(held, full, 0, &err), 0);
	assert_int_equal(held->to_seq, 5);
	assert_int_equal(pn_denylist_merge(held, inc, 0, &err), 0);
	assert_int_equal(held->n, 5);	/* 10 15 20 30 40 */
	assert_int_equal(held->entries[1].serial, 15);
	assert_int_equal(held->entries[4].serial, 40);
	assert_int_equal(held->to_seq, 8);
	/* Going back is refused, and leaves the list as it was. */
	assert_int_equal(pn_denylist_merge(held, full, 0, &err), -1);
	assert_int_equal(err.code, PN_E_STALE);
	assert_int_equal(held->n, 5);
	/* An increment starting before our number overlaps harmlessly. */
	assert_int_equal(pn_denylist_merge(held, overlap, 0, &err), 0);
	assert_int_equal(held->n, 5);
	assert_int_equal(held->to_seq, 9);
	assert_int_equal(pn_denylist_merge(held, gap, 0, &err), -1);
	assert_int_equal(err.code, PN_E_GAP);
	assert_non_null(strstr(err.message, "full list"));
	/* "Nothing new since 9" is accepted: it proves freshness. */
	held->issued_at = 0;
	assert_int_equal(pn_denylist_merge(held, same, 0, &err), 0);
	assert_int_equal(held->issued_at, T_VALID);
	/* Entries of vouchers expired before prune_before are dropped. */
	assert_int_equal(pn_denylist_merge(held, same, T_2027 + 1, &err), 0);
	assert_int_equal(held->n, 0);
	pn_denylist_free(held);
	pn_denylist_free(full);
	pn_denylist_free(inc);
	pn_denylist_free(overlap);
	pn_denylist_free(gap);
	pn_denylist_free(same);
}

static void
test_files(void **state)
{
	struct fixture *f = *state;
	uint64_t serials[] = { 99 };
	struct pn_denylist *d = doc(f, 0, 1, serials, 1), *back;
	struct pn_error err;
	char dir[] = "/tmp/pn-deny-XXXXXX", path[64];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/deny.list", dir);
	assert_int_equal(pn_denylist_save(d, path, &err), 0);
	back = pn_denylist_load(path, f->trust, &err);
	assert_non_null(back);
	assert_non_null(pn_denylist_find(back, 99));
	pn_denylist_free(back);
	unlink(path);
	assert_null(pn_denylist_load(path, f->trust, &err));
	assert_int_equal(err.code, PN_E_IO);
	rmdir(dir);
	pn_denylist_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_find),
		cmocka_unit_test(test_sign_encode_decode),
		cmocka_unit_test(test_untrusted_signers),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
