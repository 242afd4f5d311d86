/* web_terminal.h -- a venue user's browser as a terminal: found or recorded, and what it signs.
 *
 * Every session and every redemption is signed by a terminal of the
 * venue, and the audit verifies those signatures (audit_integrity.h). A
 * browser holds no key, so the server holds one for it: one terminal per
 * venue user, whose Ed25519 key is derived from the reference secret and
 * the user's id (keyring_web_terminal_key()), recorded the first time the
 * user acts from the pages, labelled with the user's login. Its records
 * then go the terminals' own way: the same rules, the same exactly-once
 * store path, the same audit rows.
 *
 * What the signature proves is weaker than a device key's: that the
 * server, for a logged-in venue user, made the record, not that a device
 * in the venue's hands did. The audit row names the user; the control key
 * (or the whole signed voucher, from a photo) is still required, and the
 * terminal is suspended after wrong keys like any other. docs/terminal.md
 * says so to the venues, docs/threat-model.md to the Département.
 */
#ifndef PN_WEB_TERMINAL_H
#define PN_WEB_TERMINAL_H

#include <stdint.h>

#include "passnum/redemption.h"
#include "op.h"

struct web_terminal {
	struct store_terminal t;	/* as stored, standing included */
	uint8_t sk[64];			/* its signing key, derived */
};

/*
 * The browser terminal of cx->who, a venue user, at cx->now: found, or
 * recorded (audit row "terminal.web"), and allowed to act now. ERR_NONE
 * with *wt, to be wiped with web_terminal_forget(); ERR_VENUE_USER_ONLY,
 * ERR_NO_VENUE, ERR_WEB_TERMINAL_UNAVAILABLE, ERR_TERMINAL_REVOKED,
 * ERR_TERMINAL_SUSPENDED, ERR_VENUE_NOT_ALLOWED, ERR_STORE_UNAVAILABLE.
 */
enum err_code web_terminal_of(const struct op_ctx *cx, struct web_terminal *wt,
    struct op_refusal *why);

/* Wipe wt's key. */
void web_terminal_forget(struct web_terminal *wt);

/* A fresh nonce for one request of a browser terminal, at cx->now. */
void web_terminal_nonce(const struct op_ctx *cx, struct store_nonce *nonce);

/*
 * The record of voucher text (scanned or "PNK1:<serial>:<key>") taken
 * now in session session_uid by wt, signed: a random id, the server's
 * time as its terminal time, and a counter that grows (microseconds).
 * 0, or -1 when the text is too long to be a voucher's.
 */
int web_terminal_record(const struct op_ctx *cx, const struct web_terminal *wt,
    const uint8_t session_uid[PN_SESSION_ID_SIZE], const char *text,
    struct pn_redemption *rec);

#endif
