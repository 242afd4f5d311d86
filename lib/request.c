/* request.c -- signing and checking a terminal's HTTP request (request.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "passnum/request.h"
#include "sign.h"

/*
 * The signed text after the tag. Method and path are short in practice;
 * anything too long to fit is refused rather than cut, so that two
 * different requests can never sign the same text.
 */
#define SIGNED_MAX 2048

static int
signed_text(char *buf, size_t cap, const char *method, const char *path,
    int64_t time, const char *nonce, const void *body, size_t body_len)
{
	uint8_t hash[crypto_generichash_BYTES];
	char hex[2 * crypto_generichash_BYTES + 1];
	int n;

	crypto_generichash(hash, sizeof(hash), body, body_len, NULL, 0);
	pn_hex_encode(hash, sizeof(hash), hex);
	n = snprintf(buf, cap, "%s\n%s\n%lld\n%s\n%s", method, path,
	    (long long)time, nonce, hex);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int
pn_request_sign(uint8_t sig[64], const uint8_t *sk, const char *method,
    const char *path, int64_t time, const char *nonce, const void *body,
    size_t body_len)
{
	char text[SIGNED_MAX];
	int n = signed_text(text, sizeof(text), method, path, time, nonce,
	    body, body_len);

	if (n < 0)
		return -1;
	return pn_sign_tagged(sig, sk, PN_REQUEST_TAG, (const uint8_t *)text,
	    (size_t)n);
}

bool
pn_request_verify(const uint8_t sig[64], const uint8_t pk[32],
    const char *method, const char *path, int64_t time, const char *nonce,
    const void *body, size_t body_len)
{
	char text[SIGNED_MAX];
	int n = signed_text(text, sizeof(text), method, path, time, nonce,
	    body, body_len);

	if (n < 0)
		return false;
	return pn_verify_tagged(sig, pk, PN_REQUEST_TAG, (const uint8_t *)text,
	    (size_t)n);
}

void
pn_nonce_new(char out[PN_NONCE_HEX])
{
	uint8_t raw[PN_NONCE_SIZE];

	randombytes_buf(raw, sizeof(raw));
	pn_hex_encode(raw, sizeof(raw), out);
}

bool
pn_hex_decode(const char *text, uint8_t *out, size_t n)
{
	size_t i;

	if (text == NULL || strlen(text) != 2 * n)
		return false;
	/* sodium_hex2bin() accepts capitals; the wire form is lowercase. */
	for (i = 0; i < 2 * n; i++)
		if (!((text[i] >= '0' && text[i] <= '9') ||
		    (text[i] >= 'a' && text[i] <= 'f')))
			return false;
	return sodium_hex2bin(out, n, text, 2 * n, NULL, NULL, NULL) == 0;
}

void
pn_hex_encode(const uint8_t *in, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}
