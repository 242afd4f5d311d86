/* fixtures.h -- fixed keys and certificates shared by tests, fuzz targets and tools.
 *
 * Keys come from seeds of 32 equal bytes (master: 0x4d, signing key kid k:
 * k), so that failures reproduce and docs/voucher-format.md's worked example
 * matches. Never use these keys for real vouchers.
 */
#ifndef PN_FIXTURES_H
#define PN_FIXTURES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "passnum/cert.h"
#include "passnum/keys.h"

/* 2026-01-01T00:00:00Z, 2027-01-01, 2027-07-01: a key's year of signing. */
#define T_2026		1767225600
#define T_2027		1798761600
#define T_2027_07	1814486400
#define DAY		86400

#define FX_MASTER_SEED	0x4d

static inline struct pn_master_key *
fx_master_with(uint8_t fill)
{
	uint8_t seed[32];

	memset(seed, fill, sizeof(seed));
	return pn_master_key_from_seed(seed, NULL);
}

static inline struct pn_signing_key *
fx_signing(uint16_t kid)
{
	uint8_t seed[32];

	memset(seed, (uint8_t)kid, sizeof(seed));
	return pn_signing_key_from_seed(kid, seed, NULL);
}

/*
 * Make *c a certificate of key signed by master: signs during 2026,
 * verifies until mid-2027, for every programme when nprog is 0, else for
 * the nprog programmes given (strictly increasing). Returns 0 or -1.
 */
static inline int
fx_cert(struct pn_cert *c, const struct pn_master_key *master,
    const struct pn_signing_key *key, size_t nprog, const uint32_t *progs,
    struct pn_error *err)
{
	memset(c, 0, sizeof(*c));
	c->kid = key->kid;
	memcpy(c->pk, key->pk, 32);
	c->valid_from = T_2026;
	c->sign_until = T_2027;
	c->verify_until = T_2027_07;
	c->all_programmes = nprog == 0;
	c->n_programmes = (uint16_t)nprog;
	if (nprog > PN_CERT_MAX_PROGRAMMES)
		return -1;
	if (nprog > 0)
		memcpy(c->programmes, progs, nprog * sizeof(*progs));
	return pn_cert_sign(c, master, err);
}

#endif
