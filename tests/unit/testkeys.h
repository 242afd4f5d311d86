/* testkeys.h -- fixed keys, certificates and bundles for the unit tests.
 *
 * Keys come from fixed seeds so that failures reproduce and the worked
 * example in docs/voucher-format.md can be checked against the tests.
 * Every helper fails the running test (cmocka's assert) rather than
 * returning an error.
 */
#ifndef PN_TESTKEYS_H
#define PN_TESTKEYS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "passnum/passnum.h"
#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/trust.h"
#include "passnum/voucher.h"

/* 2026-01-01T00:00:00Z, 2027-01-01, 2027-07-01: a key's year of signing. */
#define T_2026		1767225600
#define T_2027		1798761600
#define T_2027_07	1814486400
#define DAY		86400

/* Seed i: 32 bytes all equal to i (master: 0x4d 'M'; signing kid k: k). */
static inline void
tk_seed(uint8_t seed[32], uint8_t fill)
{
	memset(seed, fill, 32);
}

static inline struct pn_master_key *
tk_master_with(uint8_t fill)
{
	uint8_t seed[32];
	struct pn_master_key *m;

	tk_seed(seed, fill);
	m = pn_master_key_from_seed(seed, NULL);
	assert_non_null(m);
	return m;
}

static inline struct pn_master_key *
tk_master(void)
{
	return tk_master_with(0x4d);
}

static inline struct pn_signing_key *
tk_signing(uint16_t kid)
{
	uint8_t seed[32];
	struct pn_signing_key *k;

	tk_seed(seed, (uint8_t)kid);
	k = pn_signing_key_from_seed(kid, seed, NULL);
	assert_non_null(k);
	return k;
}

/*
 * A certificate for key, signed by master: signs during 2026, verifies
 * until mid-2027, for every programme when nprog is 0, else for the
 * nprog programmes given.
 */
static inline struct pn_cert
tk_cert(const struct pn_master_key *master, const struct pn_signing_key *key,
    size_t nprog, const uint32_t *progs)
{
	struct pn_cert c;
	struct pn_error err;

	memset(&c, 0, sizeof(c));
	c.kid = key->kid;
	memcpy(c.pk, key->pk, 32);
	c.valid_from = T_2026;
	c.sign_until = T_2027;
	c.verify_until = T_2027_07;
	c.all_programmes = nprog == 0;
	c.n_programmes = (uint16_t)nprog;
	if (nprog > 0)
		memcpy(c.programmes, progs, nprog * sizeof(*progs));
	if (pn_cert_sign(&c, master, &err) != 0)
		fail_msg("pn_cert_sign: %s", err.message);
	return c;
}

/* A signed bundle (seq 1) holding the given certificates. */
static inline struct pn_trust *
tk_trust(const struct pn_master_key *master, const struct pn_cert *certs,
    size_t n)
{
	struct pn_trust *t = pn_trust_new(master->pk, 1, T_2026);
	struct pn_error err;
	size_t i;

	assert_non_null(t);
	for (i = 0; i < n; i++)
		if (pn_trust_add_cert(t, &certs[i], &err) != 0)
			fail_msg("pn_trust_add_cert: %s", err.message);
	if (pn_trust_sign(t, master, &err) != 0)
		fail_msg("pn_trust_sign: %s", err.message);
	return t;
}

/* A voucher of programme 7, 10,00 EUR, issued 2026-03-01, expiring 2027-01-31. */
static inline struct pn_voucher
tk_voucher(const struct pn_signing_key *key, uint64_t serial)
{
	struct pn_voucher v;

	memset(&v, 0, sizeof(v));
	v.programme = 7;
	v.serial = serial;
	v.value_cents = 1000;
	v.issued_at = T_2026 + 59 * DAY;
	v.expires_at = T_2027 + 31 * DAY - 1;
	assert_int_equal(pn_voucher_sign(&v, key), 0);
	return v;
}

/* A moment when tk_voucher()'s vouchers are valid: 2026-06-01. */
#define T_VALID (T_2026 + 151 * DAY)

#endif
