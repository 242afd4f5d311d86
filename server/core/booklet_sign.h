/* booklet_sign.h -- a booklet's vouchers signed before its transaction. */
#ifndef PN_BOOKLET_SIGN_H
#define PN_BOOKLET_SIGN_H

#include <stdint.h>

#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/voucher.h"
#include "store.h"

/*
 * Sign the vouchers programme would give a booklet issued at now, on
 * serials reserved for them (store_serials_reserve()), into out; *n gets
 * their number. The store issues them if nothing changed meanwhile
 * (store_booklet_request.presigned). Returns 0, or -1 when they cannot be
 * made here (no such programme, the key's window, the database): nothing
 * is reserved, and the store then signs in the transaction, and refuses
 * or fails as it would have.
 */
int booklet_sign(struct store *s, const struct pn_signing_key *key,
    const struct pn_cert *cert, int64_t programme, int64_t now,
    struct pn_voucher out[STORE_BOOKLET_MAX], unsigned *n);

#endif
