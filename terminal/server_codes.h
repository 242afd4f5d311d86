/* server_codes.h -- the server's error codes on which the terminal acts differently, in one place.
 *
 * A refusal carries its French message in "error": the terminal shows and
 * stores that text, whatever the code. Only the codes below change what
 * the terminal does, and only they are named here (docs/errors.md).
 */
#ifndef PN_TERM_SERVER_CODES_H
#define PN_TERM_SERVER_CODES_H

/* GET /api/v1/checkpoint (503): the server has made no checkpoint yet. */
#define SERVER_CODE_NO_CHECKPOINT	3014
/* GET /api/v1/denylist: the server lost numbers we hold; fetch a full list. */
#define SERVER_CODE_DENYLIST_SINCE	3010
/*
 * Any signed route (401): the request's time is more than 5 minutes from
 * the server's clock. Nothing was judged: what was sent stays pending,
 * and the terminal says which clock seems off (skew.h).
 */
#define SERVER_CODE_STALE		4005
/*
 * Any signed route (403): this terminal is suspended pending review, after
 * too many wrong control keys. Nothing was judged: the terminal stops
 * taking vouchers and syncing, and says so (TERM_EXIT_SUSPENDED).
 */
#define SERVER_CODE_SUSPENDED		4009
/* POST /api/v1/redemptions (409): another record took the voucher; a receipt proves it. */
#define SERVER_CODE_CONFLICT		4020
/*
 * POST /api/v1/sessions: refusals of the session itself, for good (an
 * invalid field, a theme the server does not know, another session under
 * that id, a start too far back): the terminal stops declaring it. Any
 * other refusal (of the terminal's standing or clock) leaves it to
 * declare again.
 */
#define SERVER_CODE_INVALID_FIELD	3001
#define SERVER_CODE_UNKNOWN_THEME	4010
#define SERVER_CODE_SESSION_MISMATCH	4011
#define SERVER_CODE_SESSION_BACKDATED	4026

#endif
