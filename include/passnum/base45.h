/* base45.h -- Base45 (RFC 9285), the text encoding of vouchers in QR codes.
 *
 * Base45's 45 characters are exactly QR's alphanumeric set, so a voucher's
 * text fits the densest QR mode that any scanner reads.
 */
#ifndef PASSNUM_BASE45_H
#define PASSNUM_BASE45_H

#include <stddef.h>
#include <stdint.h>

enum pn_base45_status {
	PN_B45_OK = 0,
	PN_B45_BAD_CHAR,	/* a character outside the 45-character alphabet */
	PN_B45_BAD_LENGTH,	/* length is 1 modulo 3: a dangling character */
	PN_B45_OVERFLOW,	/* a triple above 65535 or a final pair above 255 */
	PN_B45_NOSPACE		/* valid, but longer than the output buffer */
};

/* Number of characters that encoding n bytes produces. */
size_t pn_base45_encoded_len(size_t n);

/*
 * Encode n bytes of in into out, NUL-terminated. outcap must be at least
 * pn_base45_encoded_len(n) + 1. Returns the number of characters written,
 * or -1 (and writes nothing) when out is too small.
 */
long pn_base45_encode(const uint8_t *in, size_t n, char *out, size_t outcap);

/*
 * Decode n characters of in into out. The whole input is validated, in this
 * order: alphabet, length, value of each group; the first problem found is
 * returned and *where is set to the offset of the offending character (or
 * group). On PN_B45_OK and PN_B45_NOSPACE, *outlen holds the decoded length
 * (for NOSPACE, the length that would have been needed; out then holds
 * only its first outcap bytes). where and outlen may be NULL.
 */
enum pn_base45_status pn_base45_decode(const char *in, size_t n, uint8_t *out,
    size_t outcap, size_t *outlen, size_t *where);

#endif
