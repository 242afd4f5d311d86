/* auth.c -- API tokens: made by passnum-admin, checked on every request by hash look-up.
 *
 * A token is "pn_" followed by 32 random bytes in Base64url. The store keeps
 * only its BLAKE2b-256 hash: a cheap look-up per request (no password
 * hashing on the hot path), and a stolen database yields no usable token.
 */
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "worker.h"

#define TOKEN_PREFIX "pn_"

int
auth_token_new(char text[AUTH_TOKEN_TEXT_MAX], uint8_t hash[STORE_HASH_SIZE])
{
	uint8_t raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(text, TOKEN_PREFIX, 3);
	if (sodium_bin2base64(text + 3, AUTH_TOKEN_TEXT_MAX - 3, raw,
	    sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING) == NULL)
		return -1;
	sodium_memzero(raw, sizeof(raw));
	auth_token_hash(text, hash);
	return 0;
}

void
auth_token_hash(const char *text, uint8_t hash[STORE_HASH_SIZE])
{
	crypto_generichash(hash, STORE_HASH_SIZE, (const uint8_t *)text,
	    strlen(text), NULL, 0);
}

int
auth_require(struct http_request *req, unsigned allowed,
    struct store_principal *who, enum MHD_Result *result)
{
	const char *h = http_request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	uint8_t hash[STORE_HASH_SIZE];
	struct pn_error err;
	struct store *s;
	int rc;

	if (h == NULL || strncmp(h, "Bearer ", 7) != 0 ||
	    strncmp(h + 7, TOKEN_PREFIX, 3) != 0 ||
	    strlen(h + 7) >= AUTH_TOKEN_TEXT_MAX) {
		*result = http_reply_error(req, ERR_UNAUTHENTICATED,
		    "send 'Authorization: Bearer pn_...' with a token from "
		    "passnum-admin token create");
		return -1;
	}
	auth_token_hash(h + 7, hash);
	if ((s = worker_store(&err)) == NULL ||
	    (rc = store_token_lookup(s, hash, who, &err)) < 0) {
		*result = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		return -1;
	}
	if (rc == 1) {
		*result = http_reply_error(req, ERR_UNAUTHENTICATED, "unknown "
		    "or revoked token");
		return -1;
	}
	if ((who->role & allowed) == 0) {
		*result = http_reply_error(req, ERR_FORBIDDEN, "role %s may "
		    "not use this route", store_role_name(who->role));
		return -1;
	}
	return 0;
}
