/* fixtures_booklet.h -- a stored booklet of signed vouchers, for the printed booklet's test and benchmark.
 *
 * Needs the server's headers (-Iserver) beside fixtures.h.
 */
#ifndef PN_FIXTURES_BOOKLET_H
#define PN_FIXTURES_BOOKLET_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "passnum/voucher.h"
#include "booklet.h"
#include "fixtures.h"
#include "store.h"

/*
 * Fill *b as booklet id of programme, issued 2026-03-01, with n
 * outstanding vouchers of 10,00 EUR (serials first, first + 1, ...)
 * valid until expires_at and signed by key, and codes[0..n) with their
 * text form and printed serial. Returns 0, or -1 when signing fails.
 */
static inline int
fx_booklet(struct store_booklet *b, struct booklet_codes *codes,
    const struct pn_signing_key *key, int64_t id, uint32_t programme,
    uint64_t first, unsigned n, uint32_t expires_at)
{
	struct pn_voucher v;
	unsigned i;

	memset(b, 0, sizeof(*b));
	b->id = id;
	b->programme_id = programme;
	b->issued_at = T_2026 + 59 * DAY;
	(void)snprintf(b->status, sizeof(b->status), "issued");
	b->n = n;
	for (i = 0; i < n; i++) {
		struct store_voucher *sv = &b->vouchers[i];

		memset(&v, 0, sizeof(v));
		v.programme = programme;
		v.serial = first + i;
		v.value_cents = 1000;
		v.issued_at = (uint32_t)b->issued_at;
		v.expires_at = expires_at;
		if (pn_voucher_sign(&v, key) != 0)
			return -1;
		sv->serial = v.serial;
		sv->kid = v.kid;
		sv->value = v.value_cents;
		sv->issued_at = v.issued_at;
		sv->expires_at = v.expires_at;
		memcpy(sv->signature, v.signature, sizeof(sv->signature));
		(void)snprintf(sv->status, sizeof(sv->status), "issued");
		booklet_codes(b, sv, &codes[i]);
	}
	return 0;
}

#endif
