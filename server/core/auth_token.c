/* auth_token.c -- API tokens, stored by their hash.
 *
 * A token is "pn_" followed by 32 random bytes in Base64url. The store keeps
 * only its BLAKE2b-256 hash: a cheap look-up per request (no password
 * hashing on the hot path), and a stolen database yields no usable token.
 */
#include <string.h>

#include <sodium.h>

#include "auth_token.h"

int
auth_token_new(char text[AUTH_TOKEN_TEXT_MAX], uint8_t hash[STORE_HASH_SIZE])
{
	uint8_t raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(text, AUTH_TOKEN_PREFIX, 3);
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
