/* auth.h -- who a request acts for: API tokens now, session cookies later. */
#ifndef PN_AUTH_H
#define PN_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "store.h"

#define AUTH_TOKEN_TEXT_MAX 64	/* "pn_" + 43 Base64url characters + NUL */

/*
 * Make a new API token: its text (shown once to the operator) and the
 * hash the store keeps. Returns 0, or -1 when randomness fails.
 */
int auth_token_new(char text[AUTH_TOKEN_TEXT_MAX],
    uint8_t hash[STORE_HASH_SIZE]);

/* The hash under which a token's text is stored. */
void auth_token_hash(const char *text, uint8_t hash[STORE_HASH_SIZE]);

/*
 * Authenticate req for a route open to the roles in the bitmask allowed.
 * Returns 0 with *who set; otherwise the request has been answered (401
 * without or with a bad token, 403 for a role not allowed, 503 when the
 * store fails) and the caller returns *result.
 */
int auth_require(struct http_request *req, unsigned allowed,
    struct store_principal *who, enum MHD_Result *result);

#endif
