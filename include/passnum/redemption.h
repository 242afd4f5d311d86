/* redemption.h -- a terminal's signed redemption record and its JSON form.
 *
 * A terminal writes one record for each voucher it takes, online or not,
 * and signs it with its device key, so that the record proves which
 * terminal took which voucher, for which session, by the terminal's clock:
 *
 *   "PASSNUM-REDEEMR1" || redemption_id (16) || terminal (8) ||
 *   session (16) || terminal_time (8) || counter (8) ||
 *   length of the voucher text (2) || voucher text
 *
 * (integers big-endian). The voucher text is signed as scanned, so that a
 * record holding an unreadable code can still be judged and answered.
 * JSON form: docs/api.md ("Redemption records").
 */
#ifndef PASSNUM_REDEMPTION_H
#define PASSNUM_REDEMPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "passnum/error.h"

#define PN_REDEMPTION_TAG	"PASSNUM-REDEEMR1"
#define PN_REDEMPTION_ID_SIZE	16
#define PN_SESSION_ID_SIZE	16
#define PN_REDEMPTION_TEXT_MAX	512	/* longest voucher text a record holds */

struct pn_redemption {
	uint8_t id[PN_REDEMPTION_ID_SIZE];	/* random, chosen by the terminal */
	uint64_t terminal;			/* the terminal's number */
	uint8_t session[PN_SESSION_ID_SIZE];	/* the training session's id */
	int64_t terminal_time;			/* Unix seconds, for audit only */
	uint64_t counter;			/* the terminal's record counter */
	char voucher[PN_REDEMPTION_TEXT_MAX + 1];	/* as scanned */
	uint8_t signature[64];
};

/* Sign r with the device's 64-byte secret key. 0, or -1. */
int pn_redemption_sign(struct pn_redemption *r, const uint8_t *sk);

/* True when r's signature verifies under the device's public key pk. */
bool pn_redemption_verify(const struct pn_redemption *r,
    const uint8_t pk[32]);

/* The record as a JSON object (new reference), or NULL when out of memory. */
json_t *pn_redemption_to_json(const struct pn_redemption *r);

/*
 * Read a record from its JSON object: every field present, of its type and
 * form, and no other field. Returns 0, or -1 with err naming the field
 * (PN_E_FORMAT).
 */
int pn_redemption_from_json(const json_t *j, struct pn_redemption *r,
    struct pn_error *err);

#endif
