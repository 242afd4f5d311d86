/* terminal_enrol.h -- the operations "give a venue an enrolment code", "enrol a terminal with it" and "revoke a terminal" (op.h).
 *
 * A terminal signs every request with its own key, and what it redeems is
 * paid to its venue: enrolling one is giving it the venue's money path.
 * So a code is given for one venue by the Département's staff or by the
 * venue itself (its « Postes » page, after its user typed their password
 * again), is good once and for a day, and is kept only as its hash; a
 * wrong code and a used or expired one get the same answer, so that
 * guessing learns nothing. Who may act on a venue's terminals is
 * scope_venue_acts()'s rule: an admin any venue's, a venue user their
 * own venue's, and another venue's is answered as if it did not exist.
 */
#ifndef PN_TERMINAL_ENROL_H
#define PN_TERMINAL_ENROL_H

#include <stdint.h>

#include "enrol_code.h"
#include "op.h"

#define TERMINAL_LABEL_MAX 64
#define TERMINAL_REASON_MAX 500	/* bytes of why a terminal is revoked */

/* A fresh code, as it is shown once. */
struct terminal_code_out {
	char code[ENROL_CODE_TEXT_MAX];		/* "K7QM-2XHD-9RTW" */
	char venue_name[256];
	int64_t expires_at;
};

/*
 * Make a one-time enrolment code for the venue of SIRET siret (canonical,
 * 14 digits), valid STORE_ENROL_CODE_TTL from cx->now, for cx->who (NULL:
 * passnum-admin without --as). ERR_NONE with *out; ERR_FORBIDDEN (neither
 * admin nor venue user), ERR_VENUE_NOT_FOUND (none, or not who's),
 * ERR_VENUE_SUSPENDED_NO_ENROL, ERR_INTERNAL (no randomness, the store).
 */
enum err_code terminal_code_issue(const struct op_ctx *cx, const char *siret,
    struct terminal_code_out *out, struct op_refusal *why);

/* What a terminal sends to enrol. */
struct terminal_enrol_in {
	const char *code;			/* as typed; NULL: missing */
	uint8_t public_key[32];			/* its Ed25519 key */
	const char *label;			/* for the venue's list */
};

/*
 * Enrol in's terminal at cx->now. ERR_NONE with *out (the terminal as
 * stored); ERR_INVALID_FIELD (code, label, or a public key already
 * enrolled), ERR_ENROL_CODE (not a code, unknown, used or expired: one
 * answer), ERR_STORE_UNAVAILABLE.
 */
enum err_code terminal_enrol(const struct op_ctx *cx,
    const struct terminal_enrol_in *in, struct store_terminal *out,
    struct op_refusal *why);

/*
 * Revoke terminal id for reason (1 to TERMINAL_REASON_MAX bytes, no
 * control characters), with the audit row "terminal.revoke" of
 * op_actor(cx): its requests are refused from the next one on.
 * ERR_NONE; ERR_FORBIDDEN (neither admin nor venue user),
 * ERR_INVALID_FIELD (reason), ERR_TERMINAL_NOT_FOUND (none, or another
 * venue's for a venue user), ERR_TERMINAL_ALREADY_REVOKED,
 * ERR_STORE_UNAVAILABLE.
 */
enum err_code terminal_revoke(const struct op_ctx *cx, int64_t id,
    const char *reason, struct op_refusal *why);

#endif
