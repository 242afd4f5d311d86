/* sign.h -- Ed25519 signatures over a 16-byte purpose tag followed by a message.
 *
 * Internal to lib/. Each kind of signed document has its own tag, so that a
 * signature made for one kind can never pass for another. The tags are
 * listed in docs/voucher-format.md and docs/keys.md.
 */
#ifndef PN_SIGN_H
#define PN_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/voucher.h"

#define PN_TAG_LEN 16

#define PN_TAG_VOUCHER	PN_VOUCHER_TAG	/* public: see voucher.h */
#define PN_TAG_CERT	"PASSNUM-KEYCERT1"
#define PN_TAG_TRUST	"PASSNUM-TRUSTBN1"
#define PN_TAG_DENYLIST	"PASSNUM-DENYLST1"
#define PN_TAG_KEYREQ	"PASSNUM-KEYREQ01"

/*
 * Sign tag || msg with the 64-byte secret key sk. Returns 0, or -1 when
 * memory for a long message cannot be had.
 */
int pn_sign_tagged(uint8_t sig[64], const uint8_t *sk, const char *tag,
    const uint8_t *msg, size_t len);

/* True when sig is a valid signature of tag || msg under pk. */
bool pn_verify_tagged(const uint8_t sig[64], const uint8_t pk[32],
    const char *tag, const uint8_t *msg, size_t len);

#endif
