/* terminal_enrol.h -- the operations "give a venue an enrolment code" and "enrol a terminal with it" (op.h).
 *
 * A terminal signs every request with its own key, and what it redeems is
 * paid to its venue: enrolling one is giving it the venue's money path.
 * So a code is given by the Département's staff only, for one venue, is
 * good once and for a day, and is kept only as its hash; a wrong code and
 * a used or expired one get the same answer, so that guessing learns
 * nothing.
 */
#ifndef PN_TERMINAL_ENROL_H
#define PN_TERMINAL_ENROL_H

#include <stdint.h>

#include "enrol_code.h"
#include "op.h"

#define TERMINAL_LABEL_MAX 64

/* A fresh code, as it is shown once. */
struct terminal_code_out {
	char code[ENROL_CODE_TEXT_MAX];		/* "K7QM-2XHD-9RTW" */
	char venue_name[256];
	int64_t expires_at;
};

/*
 * Make a one-time enrolment code for the venue of SIRET siret (canonical,
 * 14 digits), valid STORE_ENROL_CODE_TTL from cx->now. ERR_NONE with
 * *out; ERR_VENUE_NOT_FOUND, ERR_INTERNAL (no randomness, the store).
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

#endif
