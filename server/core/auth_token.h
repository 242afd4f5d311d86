/* auth_token.h -- API tokens: made by passnum-admin, checked by passnumd's auth.c. */
#ifndef PN_AUTH_TOKEN_H
#define PN_AUTH_TOKEN_H

#include <stdint.h>

#include "store.h"

#define AUTH_TOKEN_PREFIX "pn_"
#define AUTH_TOKEN_TEXT_MAX 64	/* "pn_" + 43 Base64url characters + NUL */

/*
 * Make a new API token: its text (shown once to the operator) and the
 * hash the store keeps. Returns 0, or -1 when randomness fails.
 */
int auth_token_new(char text[AUTH_TOKEN_TEXT_MAX],
    uint8_t hash[STORE_HASH_SIZE]);

/* The hash under which a token's text is stored. */
void auth_token_hash(const char *text, uint8_t hash[STORE_HASH_SIZE]);

#endif
