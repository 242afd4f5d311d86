/* session_declare.h -- the operation "a venue's terminal declares a training session" (op.h).
 *
 * A session is what a venue is paid for: every voucher is redeemed in
 * one. A venue paid per voucher would like sessions it never held, or
 * held long ago, so the rules are here: a theme of the programme, a
 * duration of at most a working day, and no start before what the
 * terminal's clock and its last exchange allow (honest_time.h). The
 * principal is the terminal of the signed request; its nonce is recorded
 * in the same transaction, so that a replayed request declares nothing.
 */
#ifndef PN_SESSION_DECLARE_H
#define PN_SESSION_DECLARE_H

#include <stdbool.h>
#include <stdint.h>

#include "op.h"

#define SESSION_DURATION_MAX 600	/* minutes: a working day, at most */

/* A session as the terminal sends it. */
struct session_declare_in {
	const struct store_terminal *terminal;	/* who declares */
	const struct store_nonce *nonce;	/* of its signed request */
	uint8_t uid[16];			/* the terminal's id of it */
	const char *theme;			/* NULL: missing */
	int64_t starts_at;			/* Unix time; <= 0: missing */
	int64_t duration_minutes;		/* as sent */
	/*
	 * Declared from the venue's pages (web_terminal.h): a browser is
	 * online when it declares, so no offline allowance, whatever its
	 * previous exchange.
	 */
	bool browser;
};

struct session_declare_out {
	struct store_training session;		/* as stored */
	bool created;				/* else declared before, the same */
};

/*
 * Declare in's session at cx->now. ERR_NONE with *out; or
 * ERR_INVALID_FIELD (theme, starts_at, duration_minutes),
 * ERR_UNKNOWN_THEME, ERR_SESSION_MISMATCH (its uid was declared with
 * another content), ERR_SESSION_BACKDATED, ERR_REPLAYED_NONCE,
 * ERR_STORE_UNAVAILABLE.
 */
enum err_code session_declare(const struct op_ctx *cx,
    const struct session_declare_in *in, struct session_declare_out *out,
    struct op_refusal *why);

#endif
