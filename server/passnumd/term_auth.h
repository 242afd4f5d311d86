/* term_auth.h -- checking a terminal's signed request (include/passnum/request.h). */
#ifndef PN_TERM_AUTH_H
#define PN_TERM_AUTH_H

#include <stdint.h>

#include <microhttpd.h>

#include "passnum/request.h"
#include "http.h"
#include "store.h"

/*
 * Check req's terminal headers: well formed (4007), the time within
 * PN_REQUEST_WINDOW of the server's clock (4005), a known terminal
 * (4002) whose signature over the request verifies (4003), not revoked
 * (4004), of a venue active and accredited today (4008). A GET's nonce is
 * recorded here (4006 when used before); a POST's is recorded by the
 * store in the transaction of its change, so that a refused change does
 * not use it up. Returns 0 with *t and nonce filled, or -1 after
 * answering, *rc holding what to return.
 */
int term_auth(struct http_request *req, struct store_terminal *t,
    struct store_nonce *nonce, enum MHD_Result *rc);

/*
 * The checks of term_auth() that need no body (the headers, the clock, a
 * known terminal, not revoked or suspended, its venue allowed), made when
 * a signed route's headers are in and its body may be large: a request
 * that would be refused anyway is answered before its body is read.
 * Returns 0, or -1 after answering.
 */
int term_auth_early(struct http_request *req, enum MHD_Result *rc);

#endif
