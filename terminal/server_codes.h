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
 * Any signed route (403): this terminal is suspended pending review, after
 * too many wrong control keys. Nothing was judged: the terminal stops
 * taking vouchers and syncing, and says so (TERM_EXIT_SUSPENDED).
 */
#define SERVER_CODE_SUSPENDED		4009
/* POST /api/v1/redemptions (409): another record took the voucher; a receipt proves it. */
#define SERVER_CODE_CONFLICT		4020

#endif
