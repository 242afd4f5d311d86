/* controlkey.h -- the control key printed beside a voucher's serial: proof that the paper was in hand.
 *
 * A serial is public and sequential, so typing one proves nothing. The
 * control key is derived from the voucher's Ed25519 signature, which only
 * the paper (its QR code) and the issuing server hold:
 *
 *   BLAKE2b-64("PASSNUM-CTRLKEY1" || signature), read as a big-endian
 *   integer, reduced modulo 31^8 and written as 8 characters of the
 *   alphabet 23456789ABCDEFGHJKMNPQRSTUVWXYZ (no 0, 1, I, L or O),
 *
 * printed in two groups of four: "K7QM-4XRT". Every voucher ever issued
 * has one, with no new secret. 31^8 is about 8.5 * 10^11 (39.6 bits).
 *
 * A voucher typed by hand travels in a redemption record as the text
 *
 *   "PNK1:" serial (decimal, no leading zero) ":" the 8 key characters
 *
 * in place of the scanned "PN1:" code; the server compares the key with
 * the one of the voucher it issued under that serial, in constant time.
 */
#ifndef PASSNUM_CONTROLKEY_H
#define PASSNUM_CONTROLKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PN_CONTROL_KEY_TAG	"PASSNUM-CTRLKEY1"
#define PN_CONTROL_KEY_LEN	8	/* characters */
#define PN_CONTROL_KEY_SIZE	(PN_CONTROL_KEY_LEN + 1)	/* with the NUL */
#define PN_CONTROL_KEY_TEXT_MAX	(PN_CONTROL_KEY_LEN + 2)	/* "XXXX-XXXX" */
#define PN_CONTROL_KEY_ALPHABET	"23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define PN_TYPED_PREFIX		"PNK1:"
#define PN_TYPED_TEXT_MAX	40	/* "PNK1:" 20 digits ":" 8 keys, NUL */

enum pn_control_key_status {
	PN_CONTROL_KEY_OK = 0,
	PN_CONTROL_KEY_EMPTY,		/* nothing but separators */
	PN_CONTROL_KEY_BAD_CHAR,	/* a character outside the alphabet */
	PN_CONTROL_KEY_LENGTH		/* not 8 characters */
};

/* The key of the voucher whose signature is sig: 8 characters and a NUL. */
void pn_control_key(const uint8_t sig[64], char key[PN_CONTROL_KEY_SIZE]);

/* The printed form of key: "XXXX-XXXX" and a NUL. */
void pn_control_key_format(const char key[PN_CONTROL_KEY_SIZE],
    char text[PN_CONTROL_KEY_TEXT_MAX]);

/*
 * Read a key as a person typed it: case is ignored, and so are spaces,
 * tabs, dashes and dots. On success key holds the 8 canonical characters;
 * on PN_CONTROL_KEY_BAD_CHAR *bad (when not NULL) is the offending byte.
 */
enum pn_control_key_status pn_control_key_parse(const char *typed,
    char key[PN_CONTROL_KEY_SIZE], char *bad);

/* French message for a status, for the person who typed the key. */
const char *pn_control_key_status_message(enum pn_control_key_status s);

/* True when a and b (8 canonical characters each) are equal; constant time. */
bool pn_control_key_equal(const char *a, const char *b);

/* The record text of a typed voucher: "PNK1:<serial>:<key>". */
void pn_typed_voucher_format(uint64_t serial,
    const char key[PN_CONTROL_KEY_SIZE], char text[PN_TYPED_TEXT_MAX]);

/* True when text starts with the typed prefix (whatever follows). */
bool pn_typed_voucher_is(const char *text, size_t len);

/*
 * Read a typed record text: exactly "PNK1:", a decimal serial (1 to
 * INT64_MAX, no sign, no leading zero) ":" and 8 canonical key
 * characters, nothing else. 0, or -1.
 */
int pn_typed_voucher_parse(const char *text, size_t len, uint64_t *serial,
    char key[PN_CONTROL_KEY_SIZE]);

#endif
