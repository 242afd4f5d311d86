/* voucher.h -- the 92-byte signed voucher record and its PN1: text form.
 *
 * Layout (big-endian), see docs/voucher-format.md:
 *   0  format (1)      1  kid (2)         3  programme (4)   7 serial (8)
 *   15 value cents (4) 19 reserved (1)    20 issued at (4)   24 expires at (4)
 *   28 Ed25519 signature (64) over "PASSNUM-VOUCHER1" || bytes 0..27
 */
#ifndef PASSNUM_VOUCHER_H
#define PASSNUM_VOUCHER_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/reason.h"

#define PN_VOUCHER_FORMAT	1
#define PN_VOUCHER_SIZE		92
#define PN_VOUCHER_SIGNED_SIZE	28	/* bytes covered by the signature */
#define PN_VOUCHER_PREFIX	"PN1:"
#define PN_VOUCHER_PREFIX_LEN	4
#define PN_VOUCHER_TEXT_LEN	142	/* prefix + Base45 of 92 bytes */
#define PN_SIGNATURE_SIZE	64
#define PN_VOUCHER_TAG		"PASSNUM-VOUCHER1"	/* signed, not printed */
#define PN_VOUCHER_TAG_LEN	16
#define PN_PUBLIC_KEY_SIZE	32

/*
 * A voucher whose clock says it was issued up to this many seconds in the
 * future is still accepted: terminals' clocks drift, and refusing a voucher
 * printed a minute ago would help nobody.
 */
#define PN_VOUCHER_CLOCK_SKEW	600

struct pn_trust;
struct pn_denylist;
struct pn_signing_key;

struct pn_voucher {
	uint8_t format;
	uint16_t kid;
	uint32_t programme;
	uint64_t serial;
	uint32_t value_cents;
	uint8_t reserved;
	uint32_t issued_at;	/* Unix seconds */
	uint32_t expires_at;	/* Unix seconds: last second of validity */
	uint8_t signature[PN_SIGNATURE_SIZE];
};

/* Write the 92-byte record of v into out. */
void pn_voucher_pack(const struct pn_voucher *v, uint8_t out[PN_VOUCHER_SIZE]);

/*
 * Read a record of len bytes into *v, checking the exact length, the format
 * and the reserved byte. Nothing is trusted yet: the signature is checked
 * by pn_voucher_verify().
 */
enum pn_reason pn_voucher_unpack(const uint8_t *in, size_t len,
    struct pn_voucher *v);

/*
 * Sign v with key: sets format, reserved, kid and signature; the caller
 * fills the other fields. Returns 0, or -1 when libsodium fails.
 */
int pn_voucher_sign(struct pn_voucher *v, const struct pn_signing_key *key);

/* Write the PN1: text form of v, NUL-terminated, into out. */
void pn_voucher_to_text(const struct pn_voucher *v,
    char out[PN_VOUCHER_TEXT_LEN + 1]);

/*
 * Decode a voucher's text form (len bytes, not NUL-terminated necessarily):
 * prefix, Base45, exact length, format, reserved. On PN_R_OK *v is filled
 * but not yet verified.
 */
enum pn_reason pn_voucher_from_text(const char *text, size_t len,
    struct pn_voucher *v);

/*
 * Verify a decoded voucher at time at (Unix seconds) against the keys of
 * trust and, when deny is not NULL, against the deny list. The order is
 * that of docs/voucher-format.md: kid known, kid not revoked, signature,
 * then the fields. No field is trusted before the signature is checked.
 */
enum pn_reason pn_voucher_verify(const struct pn_voucher *v,
    const struct pn_trust *trust, const struct pn_denylist *deny, int64_t at);

/*
 * For the issuer, which keeps every voucher it signed: the checks of
 * pn_voucher_verify() but the signature, which the issuer checks instead
 * by finding the very same 92 bytes in its own records (an exact
 * comparison, where an Ed25519 verification costs tens of microseconds).
 * Whoever does not hold the signed original must use pn_voucher_verify().
 */
enum pn_reason pn_voucher_verify_issued(const struct pn_voucher *v,
    const struct pn_trust *trust, int64_t at);

/* pn_voucher_from_text() then pn_voucher_verify(); v may be NULL. */
enum pn_reason pn_voucher_check_text(const char *text, size_t len,
    const struct pn_trust *trust, const struct pn_denylist *deny, int64_t at,
    struct pn_voucher *v);

#endif
