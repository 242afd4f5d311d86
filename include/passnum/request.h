/* request.h -- a terminal's signed HTTP request: what is signed and how it travels.
 *
 * Every request a terminal makes after enrolment carries four headers:
 *
 *   X-Passnum-Terminal:  the terminal's number, given at enrolment
 *   X-Passnum-Time:      the terminal's clock, Unix seconds
 *   X-Passnum-Nonce:     16 random bytes, 32 lowercase hex digits
 *   X-Passnum-Signature: 128 hex digits, Ed25519 under the device key of
 *
 *     "PASSNUM-REQUEST1" || METHOD "\n" PATH "\n" TIME "\n" NONCE "\n"
 *     hex(BLAKE2b-256(body))
 *
 * PATH is the request's path, without a query string (signed routes take
 * none); TIME is the header's decimal text. The server refuses a time more than
 * PN_REQUEST_WINDOW seconds away from its own clock and a nonce it has
 * seen. Specification: docs/api.md ("Terminal requests").
 */
#ifndef PASSNUM_REQUEST_H
#define PASSNUM_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PN_REQUEST_TAG		"PASSNUM-REQUEST1"
#define PN_REQUEST_WINDOW	300	/* seconds either side of the server's clock */
#define PN_NONCE_SIZE		16
#define PN_NONCE_HEX		(2 * PN_NONCE_SIZE + 1)
#define PN_SIG_HEX		(2 * 64 + 1)

#define PN_HDR_TERMINAL		"X-Passnum-Terminal"
#define PN_HDR_TIME		"X-Passnum-Time"
#define PN_HDR_NONCE		"X-Passnum-Nonce"
#define PN_HDR_SIGNATURE	"X-Passnum-Signature"

/*
 * Sign a request with the device's 64-byte secret key sk. nonce is the 32
 * hex digits of the header. Returns 0, or -1 when memory or libsodium fails.
 */
int pn_request_sign(uint8_t sig[64], const uint8_t *sk, const char *method,
    const char *path, int64_t time, const char *nonce, const void *body,
    size_t body_len);

/* True when sig signs that request under the device's public key pk. */
bool pn_request_verify(const uint8_t sig[64], const uint8_t pk[32],
    const char *method, const char *path, int64_t time, const char *nonce,
    const void *body, size_t body_len);

/* A fresh nonce as 32 lowercase hex digits. */
void pn_nonce_new(char out[PN_NONCE_HEX]);

/* True when text is exactly 2*n lowercase hex digits; then out holds them. */
bool pn_hex_decode(const char *text, uint8_t *out, size_t n);

/* Write n bytes as 2*n lowercase hex digits and a NUL. */
void pn_hex_encode(const uint8_t *in, size_t n, char *out);

#endif
