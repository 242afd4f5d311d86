/* test_trust.c -- certificates and the trust bundle: signing, encoding, loading. */
#include "testkeys.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "passnum/keyreq.h"

/* The whole file at path, malloc'd. */
static int
read_whole(const char *path, uint8_t **buf, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (*buf = malloc((size_t)n)) == NULL ||
	    fread(*buf, 1, (size_t)n, fp) != (size_t)n) {
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	fclose(fp);
	*len = (size_t)n;
	return 0;
}

struct fixture {
	struct pn_master_key *master;
	struct pn_signing_key *k1, *k2;
	struct pn_cert c1, c2;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	uint32_t progs[] = { 1, 5, 200000 };

	assert_int_equal(pn_init(), 0);
	f->master = tk_master();
	f->k1 = tk_signing(1);
	f->k2 = tk_signing(2);
	f->c1 = tk_cert(f->master, f->k1, 0, NULL);
	f->c2 = tk_cert(f->master, f->k2, 3, progs);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	pn_signing_key_free(f->k1);
	pn_signing_key_free(f->k2);
	pn_master_key_free(f->master);
	free(f);
	return 0;
}

static void
test_cert_round_trip(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[PN_CERT_MAX_SIZE];
	struct pn_cert back;
	struct pn_error err;
	size_t n, used;

	n = pn_cert_encode(&f->c2, buf, sizeof(buf));
	assert_int_equal(n, 133 + 12);
	assert_int_equal(n, pn_cert_encoded_len(&f->c2));
	assert_int_equal(pn_cert_decode(buf, n, &used, &back, &err), 0);
	assert_int_equal(used, n);
	assert_int_equal(back.kid, 2);
	assert_int_equal(back.n_programmes, 3);
	assert_int_equal(back.programmes[2], 200000);
	assert_false(back.all_programmes);
	assert_true(pn_cert_verify(&back, f->master->pk));
	assert_true(pn_cert_covers(&back, 5));
	assert_true(pn_cert_covers(&back, 200000));
	assert_false(pn_cert_covers(&back, 4));
	assert_false(pn_cert_covers(&back, 0));
	assert_true(pn_cert_covers(&f->c1, 123456));
	/* Any change of a signed field breaks the signature. */
	back.verify_until++;
	assert_false(pn_cert_verify(&back, f->master->pk));
	/* Short buffers. */
	assert_int_equal(pn_cert_encode(&f->c2, buf, n - 1), 0);
	assert_int_equal(pn_cert_decode(buf, n - 1, &used, &back, &err), -1);
	assert_int_equal(err.code, PN_E_FORMAT);
}

static void
test_cert_field_checks(void **state)
{
	struct fixture *f = *state;
	struct pn_cert c;
	struct pn_error err;

#define REFUSED(change, words) do {					\
	c = f->c2;							\
	change;								\
	assert_int_equal(pn_cert_sign(&c, f->master, &err), -1);	\
	assert_int_equal(err.code, PN_E_FORMAT);			\
	assert_non_null(strstr(err.message, words));			\
} while (0)

	REFUSED(c.kid = 0, "kid 0");
	REFUSED(c.valid_from = -5, "before 1970");
	REFUSED(c.sign_until = c.valid_from, "sign_until");
	REFUSED(c.verify_until = c.sign_until - 1, "verify_until");
	REFUSED(c.all_programmes = true, "both");
	REFUSED(c.n_programmes = 0, "empty programme scope");
	REFUSED(c.programmes[1] = 1, "strictly increasing");
	REFUSED(c.n_programmes = PN_CERT_MAX_PROGRAMMES + 1, "more than");
#undef REFUSED
}

static struct pn_trust *
bundle(const struct fixture *f, uint64_t seq)
{
	struct pn_cert certs[2] = { f->c2, f->c1 };	/* out of order */
	struct pn_trust *t = pn_trust_new(f->master->pk, seq, T_2026 + 5);
	struct pn_error err;

	assert_non_null(t);
	assert_int_equal(pn_trust_add_cert(t, &certs[0], &err), 0);
	assert_int_equal(pn_trust_add_cert(t, &certs[1], &err), 0);
	assert_int_equal(pn_trust_revoke(t, 40, &err), 0);
	assert_int_equal(pn_trust_revoke(t, 7, &err), 0);
	assert_int_equal(pn_trust_revoke(t, 40, &err), 0);
	assert_int_equal(pn_trust_sign(t, f->master, &err), 0);
	return t;
}

static void
test_bundle_round_trip(void **state)
{
	struct fixture *f = *state;
	struct pn_trust *t = bundle(f, 12), *back;
	struct pn_error err;
	uint8_t *buf;
	size_t len;

	assert_int_equal(t->certs[0].kid, 1);	/* kept sorted */
	assert_int_equal(t->n_revoked, 2);
	assert_int_equal(t->revoked[0], 7);
	assert_int_equal(pn_trust_add_cert(t, &f->c1, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(pn_trust_encode(t, &buf, &len, &err), 0);
	back = pn_trust_decode(buf, len, f->master->pk, 12, &err);
	assert_non_null(back);
	assert_int_equal(back->seq, 12);
	assert_int_equal(back->issued_at, T_2026 + 5);
	assert_int_equal(back->n_certs, 2);
	assert_non_null(pn_trust_find(back, 2));
	assert_null(pn_trust_find(back, 3));
	assert_true(pn_trust_is_revoked(back, 40));
	assert_false(pn_trust_is_revoked(back, 2));
	pn_trust_free(back);
	/* Without a pinned key, the bundle's own master key is used. */
	back = pn_trust_decode(buf, len, NULL, 0, &err);
	assert_non_null(back);
	assert_memory_equal(back->master_pk, f->master->pk, 32);
	pn_trust_free(back);
	free(buf);
	pn_trust_free(t);
}

static void
test_bundle_wrong_master(void **state)
{
	struct fixture *f = *state;
	struct pn_master_key *other = tk_master_with(0x77);
	struct pn_trust *t = bundle(f, 3), *mixed;
	struct pn_cert foreign;
	struct pn_error err;
	uint8_t *buf;
	size_t len;

	/* Pinned to another master: refused before anything else. */
	assert_int_equal(pn_trust_encode(t, &buf, &len, &err), 0);
	assert_null(pn_trust_decode(buf, len, other->pk, 0, &err));
	assert_int_equal(err.code, PN_E_UNTRUSTED);
	/* A bundle naming our master but signed by another: bad signature. */
	assert_int_equal(pn_trust_sign(t, other, &err), -1);
	free(buf);
	memcpy(t->master_pk, other->pk, 32);
	assert_int_equal(pn_trust_sign(t, other, &err), 0);
	memcpy(t->master_pk, f->master->pk, 32);
	assert_int_equal(pn_trust_encode(t, &buf, &len, &err), 0);
	assert_null(pn_trust_decode(buf, len, f->master->pk, 0, &err));
	assert_int_equal(err.code, PN_E_SIGNATURE);
	free(buf);
	/* A certificate signed by another master inside a good bundle. */
	foreign = tk_cert(other, f->k2, 0, NULL);
	foreign.kid = 9;
	assert_int_equal(pn_cert_sign(&foreign, other, &err), 0);
	mixed = pn_trust_new(f->master->pk, 4, T_2026);
	assert_int_equal(pn_trust_add_cert(mixed, &foreign, &err), 0);
	assert_int_equal(pn_trust_sign(mixed, f->master, &err), 0);
	assert_int_equal(pn_trust_encode(mixed, &buf, &len, &err), 0);
	assert_null(pn_trust_decode(buf, len, f->master->pk, 0, &err));
	assert_int_equal(err.code, PN_E_SIGNATURE);
	assert_non_null(strstr(err.message, "kid 9"));
	free(buf);
	pn_trust_free(mixed);
	pn_trust_free(t);
	pn_master_key_free(other);
}

static void
test_bundle_sequence(void **state)
{
	struct fixture *f = *state;
	struct pn_trust *t = bundle(f, 10), *back;
	struct pn_error err;
	uint8_t *buf;
	size_t len;

	assert_int_equal(pn_trust_encode(t, &buf, &len, &err), 0);
	back = pn_trust_decode(buf, len, f->master->pk, 10, &err);
	assert_non_null(back);		/* the same one again: fine */
	pn_trust_free(back);
	assert_null(pn_trust_decode(buf, len, f->master->pk, 11, &err));
	assert_int_equal(err.code, PN_E_STALE);
	assert_non_null(strstr(err.message, "older"));
	free(buf);
	pn_trust_free(t);
}

/* Every bit flip and every truncation of an encoded bundle is refused. */
static void
test_bundle_tampering(void **state)
{
	struct fixture *f = *state;
	struct pn_trust *t = bundle(f, 2), *back;
	struct pn_error err;
	uint8_t *buf, *longer;
	size_t len, bit, cut;

	assert_int_equal(pn_trust_encode(t, &buf, &len, &err), 0);
	for (bit = 0; bit < 8 * len; bit++) {
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		back = pn_trust_decode(buf, len, f->master->pk, 0, &err);
		if (back != NULL)
			fail_msg("bundle with bit %zu flipped accepted", bit);
		assert_true(err.code == PN_E_FORMAT ||
		    err.code == PN_E_SIGNATURE || err.code == PN_E_UNTRUSTED);
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	for (cut = 0; cut < len; cut++) {
		assert_null(pn_trust_decode(buf, cut, f->master->pk, 0, &err));
		assert_int_equal(err.code, PN_E_FORMAT);
	}
	longer = malloc(len + 1);
	memcpy(longer, buf, len);
	longer[len] = 0;
	assert_null(pn_trust_decode(longer, len + 1, f->master->pk, 0, &err));
	assert_int_equal(err.code, PN_E_FORMAT);
	free(longer);
	free(buf);
	pn_trust_free(t);
}

static void
test_files(void **state)
{
	struct fixture *f = *state;
	struct pn_trust *t = bundle(f, 5), *back;
	struct pn_master_key *other = tk_master_with(0x78);
	struct pn_cert c;
	struct pn_error err;
	char dir[] = "/tmp/pn-trust-XXXXXX", path[64], cpath[64];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/trust.bundle", dir);
	assert_int_equal(pn_trust_save(t, path, &err), 0);
	back = pn_trust_load(path, f->master->pk, 5, &err);
	assert_non_null(back);
	pn_trust_free(back);
	assert_null(pn_trust_load(path, other->pk, 0, &err));
	assert_non_null(strstr(err.message, path));

	snprintf(cpath, sizeof(cpath), "%s/signing-00002.cert", dir);
	assert_int_equal(pn_cert_save(&f->c2, cpath, &err), 0);
	assert_int_equal(pn_cert_load(cpath, f->master->pk, &c, &err), 0);
	assert_int_equal(c.kid, 2);
	assert_int_equal(pn_cert_load(cpath, other->pk, &c, &err), -1);
	assert_int_equal(err.code, PN_E_SIGNATURE);
	assert_int_equal(pn_cert_load(cpath, NULL, &c, &err), 0);
	assert_int_equal(pn_cert_save(&f->c2, cpath, &err), -1);
	assert_int_equal(err.code, PN_E_EXISTS);
	/* A bundle is not a certificate. */
	assert_int_equal(pn_cert_load(path, NULL, &c, &err), -1);
	assert_int_equal(err.code, PN_E_FORMAT);
	unlink(path);
	unlink(cpath);
	rmdir(dir);
	pn_master_key_free(other);
	pn_trust_free(t);
}

/*
 * A key request (the offline ceremony): it round-trips, its signature
 * covers every byte, and it carries the bundle unchanged.
 */
static void
test_keyreq(void **state)
{
	struct fixture *f = *state;
	struct pn_trust *t = bundle(f, 3);
	struct pn_keyreq req, back, rev;
	struct pn_error err;
	uint8_t *buf = NULL;
	char path[] = "/tmp/test_keyreq_XXXXXX";
	size_t len = 0, i;
	int fd;

	memset(&req, 0, sizeof(req));
	req.kind = PN_KEYREQ_CERTIFY;
	req.signer = 1;
	req.kid = 2;
	req.created = T_2026;
	req.cert = f->c2;
	memset(req.cert.signature, 0, 64);
	assert_int_equal(pn_trust_encode(t, &req.bundle, &req.bundle_len,
	    &err), 0);
	/* Only the key the request names may sign it. */
	assert_int_equal(pn_keyreq_sign(&req, f->k2, &err), -1);
	assert_int_equal(pn_keyreq_sign(&req, f->k1, &err), 0);
	assert_true(pn_keyreq_verify(&req, f->k1->pk));
	assert_false(pn_keyreq_verify(&req, f->k2->pk));

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(pn_keyreq_save(&req, path, &err), 0);
	assert_int_equal(pn_keyreq_save(&req, path, &err), -1);	/* kept */
	assert_int_equal(pn_keyreq_load(path, &back, &err), 0);
	assert_int_equal(back.kind, PN_KEYREQ_CERTIFY);
	assert_int_equal(back.kid, 2);
	assert_int_equal(back.cert.n_programmes, 3);
	assert_memory_equal(back.cert.pk, f->c2.pk, 32);
	assert_int_equal(back.bundle_len, req.bundle_len);
	assert_memory_equal(back.bundle, req.bundle, req.bundle_len);
	assert_true(pn_keyreq_verify(&back, f->k1->pk));
	pn_keyreq_clear(&back);

	/* Every byte changed either breaks the parse or the signature. */
	assert_int_equal(read_whole(path, &buf, &len), 0);
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		if (pn_keyreq_decode(buf, len, &back, &err) == 0)
			assert_false(pn_keyreq_verify(&back, f->k1->pk));
		pn_keyreq_clear(&back);
		buf[i] ^= 0x01;
	}
	/* Truncated anywhere, or with a byte more: refused. */
	for (i = 0; i < len; i += 7)
		assert_int_equal(pn_keyreq_decode(buf, i, &back, &err), -1);
	assert_int_equal(pn_keyreq_decode(buf, len - 1, &back, &err), -1);
	free(buf);
	unlink(path);

	/* A revocation carries no certificate. */
	memset(&rev, 0, sizeof(rev));
	rev.kind = PN_KEYREQ_REVOKE;
	rev.signer = 1;
	rev.kid = 2;
	rev.bundle = req.bundle;
	rev.bundle_len = req.bundle_len;
	assert_int_equal(pn_keyreq_sign(&rev, f->k1, &err), 0);
	assert_int_equal(pn_keyreq_save(&rev, path, &err), 0);
	assert_int_equal(pn_keyreq_load(path, &back, &err), 0);
	assert_int_equal(back.kind, PN_KEYREQ_REVOKE);
	assert_true(pn_keyreq_verify(&back, f->k1->pk));
	pn_keyreq_clear(&back);
	unlink(path);
	pn_keyreq_clear(&req);
	pn_trust_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cert_round_trip),
		cmocka_unit_test(test_cert_field_checks),
		cmocka_unit_test(test_bundle_round_trip),
		cmocka_unit_test(test_bundle_wrong_master),
		cmocka_unit_test(test_bundle_sequence),
		cmocka_unit_test(test_bundle_tampering),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_keyreq),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
