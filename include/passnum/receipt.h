/* receipt.h -- the server's signed answer to a redemption record.
 *
 * When the server decides money (a voucher accepted, or refused because
 * another record took it first), it signs a receipt with its online
 * signing key, which the trust bundle certifies. The terminal keeps the
 * receipt as proof. Binary layout (big-endian), signed as
 * "PASSNUM-RECEIPT1" || every byte before the signature:
 *
 *   version = 1 (1)  kid (2)  redemption_id (16)  serial (8)  outcome (1)
 *   value cents (4)  decided_at (8)  venue (8)  winner redemption_id (16)
 *   winner venue (8)  winner accepted_at (8)  winner venue name length (1)
 *   name (UTF-8, at most 140 bytes)  signature (64)
 *
 * Sent as standard Base64 in the "receipt" field of the JSON answer.
 */
#ifndef PASSNUM_RECEIPT_H
#define PASSNUM_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "passnum/redemption.h"

#define PN_RECEIPT_TAG		"PASSNUM-RECEIPT1"
#define PN_RECEIPT_VERSION	1
#define PN_RECEIPT_NAME_MAX	140
#define PN_RECEIPT_MAX_SIZE	(1 + 2 + 16 + 8 + 1 + 4 + 8 + 8 + 16 + 8 + 8 + \
    1 + PN_RECEIPT_NAME_MAX + 64)
/* Base64 of the largest receipt, with its NUL. */
#define PN_RECEIPT_TEXT_MAX	(4 * ((PN_RECEIPT_MAX_SIZE + 2) / 3) + 1)

enum pn_receipt_outcome {
	PN_RECEIPT_ACCEPTED = 1,	/* this record took the voucher */
	PN_RECEIPT_CONFLICT = 2		/* another record had taken it */
};

struct pn_receipt {
	uint16_t kid;				/* the key that signed */
	uint8_t redemption_id[PN_REDEMPTION_ID_SIZE];
	uint64_t serial;
	uint8_t outcome;			/* enum pn_receipt_outcome */
	uint32_t value_cents;
	int64_t decided_at;			/* the server's clock */
	uint64_t venue;				/* the venue of this record */
	uint8_t winner_id[PN_REDEMPTION_ID_SIZE];	/* accepted record */
	uint64_t winner_venue;
	int64_t winner_at;			/* when it was accepted */
	char winner_venue_name[PN_RECEIPT_NAME_MAX + 1];
	uint8_t signature[64];
};

struct pn_signing_key;
struct pn_trust;

/*
 * Sign r with the server's signing key (sets kid and signature). A venue
 * name longer than PN_RECEIPT_NAME_MAX bytes is refused. 0, or -1.
 */
int pn_receipt_sign(struct pn_receipt *r, const struct pn_signing_key *key,
    struct pn_error *err);

/* The receipt's Base64 text, NUL-terminated. */
void pn_receipt_to_text(const struct pn_receipt *r,
    char out[PN_RECEIPT_TEXT_MAX]);

/*
 * Decode a receipt's Base64 text and verify it: the layout, then the
 * signer a key of trust that is not revoked, decided_at inside that key's
 * validity, and the signature. 0, or -1 with err.
 */
int pn_receipt_from_text(const char *text, const struct pn_trust *trust,
    struct pn_receipt *r, struct pn_error *err);

/*
 * Decode a receipt's Base64 text and verify its signature under the public
 * key pk_of(ctx, kid) gives for the kid it names (NULL: no such key), with
 * no trust bundle: passnum-admin audit checks stored answers against the
 * keys the server recorded. 0, or -1 with err.
 */
int pn_receipt_check(const char *text,
    const uint8_t *(*pk_of)(const void *ctx, uint16_t kid), const void *ctx,
    struct pn_receipt *r, struct pn_error *err);

#endif
