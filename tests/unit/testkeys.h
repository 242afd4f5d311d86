/* testkeys.h -- fixed keys, certificates and bundles for the unit tests.
 *
 * The fixtures of fixtures.h, as cmocka helpers: each fails the running
 * test (cmocka's assert) rather than returning an error.
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
#include "fixtures.h"

static inline struct pn_master_key *
tk_master_with(uint8_t fill)
{
	struct pn_master_key *m = fx_master_with(fill);

	assert_non_null(m);
	return m;
}

static inline struct pn_master_key *
tk_master(void)
{
	return tk_master_with(FX_MASTER_SEED);
}

static inline struct pn_signing_key *
tk_signing(uint16_t kid)
{
	struct pn_signing_key *k = fx_signing(kid);

	assert_non_null(k);
	return k;
}

/* fx_cert(), failing the test on error. */
static inline struct pn_cert
tk_cert(const struct pn_master_key *master, const struct pn_signing_key *key,
    size_t nprog, const uint32_t *progs)
{
	struct pn_cert c;
	struct pn_error err;

	if (fx_cert(&c, master, key, nprog, progs, &err) != 0)
		fail_msg("fx_cert: %s", err.message);
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
