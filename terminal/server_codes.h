/* server_codes.h -- the server's error codes on which the terminal acts differently, in one place.
 *
 * A refusal carries its French message in "error": the terminal shows and
 * stores that text, whatever the code. Only the codes below change what
 * the terminal does, and only they are named here (docs/errors.md).
 */
#ifndef PN_TERM_SERVER_CODES_H
#define PN_TERM_SERVER_CODES_H

#include "passnum/codes.h"

/* GET /api/v1/checkpoint (503): the server has made no checkpoint yet. */
#define SERVER_CODE_NO_CHECKPOINT	PN_SERVER_NO_CHECKPOINT
/* GET /api/v1/denylist: the server lost numbers we hold; fetch a full list. */
#define SERVER_CODE_DENYLIST_SINCE	PN_SERVER_BAD_SEQUENCE
/*
 * Any signed route (401): the request's time is more than 5 minutes from
 * the server's clock. Nothing was judged: what was sent stays pending,
 * and the terminal says which clock seems off (skew.h).
 */
#define SERVER_CODE_STALE		PN_SERVER_STALE_REQUEST
/*
 * Any signed route (403): this terminal is suspended pending review, after
 * too many wrong control keys. Nothing was judged: the terminal stops
 * taking vouchers and syncing, and says so (TERM_EXIT_SUSPENDED).
 */
#define SERVER_CODE_SUSPENDED		PN_SERVER_TERMINAL_SUSPENDED
/* POST /api/v1/redemptions (409): another record took the voucher; a receipt proves it. */
#define SERVER_CODE_CONFLICT		PN_SERVER_ALREADY_REDEEMED
/*
 * POST /api/v1/sessions: refusals of the session itself, for good (an
 * invalid field, a theme the server does not know, another session under
 * that id, a start too far back): the terminal stops declaring it. Any
 * other refusal (of the terminal's standing or clock) leaves it to
 * declare again.
 */
#define SERVER_CODE_INVALID_FIELD	PN_SERVER_INVALID_FIELD
#define SERVER_CODE_UNKNOWN_THEME	PN_SERVER_UNKNOWN_THEME
#define SERVER_CODE_SESSION_MISMATCH	PN_SERVER_SESSION_MISMATCH
#define SERVER_CODE_SESSION_BACKDATED	PN_SERVER_SESSION_BACKDATED

#endif
