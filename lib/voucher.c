/* voucher.c -- the 92-byte voucher: packing, PN1: text, signing, verification. */
#include <string.h>

#include "passnum/base45.h"
#include "passnum/denylist.h"
#include "passnum/keys.h"
#include "passnum/trust.h"
#include "passnum/voucher.h"
#include "sign.h"
#include "wire.h"

_Static_assert(PN_VOUCHER_PREFIX_LEN + 138 == PN_VOUCHER_TEXT_LEN,
    "92 bytes are 138 Base45 characters after the prefix");

void
pn_voucher_pack(const struct pn_voucher *v, uint8_t out[PN_VOUCHER_SIZE])
{
	struct pn_writer w;

	pn_writer_init(&w, out, PN_VOUCHER_SIZE);
	pn_write_u8(&w, v->format);
	pn_write_u16(&w, v->kid);
	pn_write_u32(&w, v->programme);
	pn_write_u64(&w, v->serial);
	pn_write_u32(&w, v->value_cents);
	pn_write_u8(&w, v->reserved);
	pn_write_u32(&w, v->issued_at);
	pn_write_u32(&w, v->expires_at);
	pn_write_bytes(&w, v->signature, PN_SIGNATURE_SIZE);
}

enum pn_reason
pn_voucher_unpack(const uint8_t *in, size_t len, struct pn_voucher *v)
{
	struct pn_reader r;

	if (len < PN_VOUCHER_SIZE)
		return PN_R_TOO_SHORT;
	if (len > PN_VOUCHER_SIZE)
		return PN_R_TOO_LONG;
	pn_reader_init(&r, in, len);
	v->format = pn_read_u8(&r);
	v->kid = pn_read_u16(&r);
	v->programme = pn_read_u32(&r);
	v->serial = pn_read_u64(&r);
	v->value_cents = pn_read_u32(&r);
	v->reserved = pn_read_u8(&r);
	v->issued_at = pn_read_u32(&r);
	v->expires_at = pn_read_u32(&r);
	memcpy(v->signature, pn_read_bytes(&r, PN_SIGNATURE_SIZE),
	    PN_SIGNATURE_SIZE);
	if (v->format != PN_VOUCHER_FORMAT)
		return PN_R_FORMAT;
	if (v->reserved != 0)
		return PN_R_RESERVED;
	return PN_R_OK;
}

int
pn_voucher_sign(struct pn_voucher *v, const struct pn_signing_key *key)
{
	uint8_t raw[PN_VOUCHER_SIZE];

	v->format = PN_VOUCHER_FORMAT;
	v->reserved = 0;
	v->kid = key->kid;
	pn_voucher_pack(v, raw);
	return pn_sign_tagged(v->signature, key->sk, PN_TAG_VOUCHER, raw,
	    PN_VOUCHER_SIGNED_SIZE);
}

void
pn_voucher_to_text(const struct pn_voucher *v,
    char out[PN_VOUCHER_TEXT_LEN + 1])
{
	uint8_t raw[PN_VOUCHER_SIZE];

	pn_voucher_pack(v, raw);
	memcpy(out, PN_VOUCHER_PREFIX, PN_VOUCHER_PREFIX_LEN);
	(void)pn_base45_encode(raw, sizeof(raw), out + PN_VOUCHER_PREFIX_LEN,
	    PN_VOUCHER_TEXT_LEN + 1 - PN_VOUCHER_PREFIX_LEN);
}

enum pn_reason
pn_voucher_from_text(const char *text, size_t len, struct pn_voucher *v)
{
	uint8_t raw[PN_VOUCHER_SIZE];
	size_t i, outlen = 0;

	if (len == 0)
		return PN_R_EMPTY;
	if (len < PN_VOUCHER_PREFIX_LEN ||
	    memcmp(text, PN_VOUCHER_PREFIX, PN_VOUCHER_PREFIX_LEN) != 0) {
		/* A scanner with Caps Lock on turns "PN1:" into "pn1:". */
		if (len >= PN_VOUCHER_PREFIX_LEN &&
		    memcmp(text, "pn1:", PN_VOUCHER_PREFIX_LEN) == 0)
			return PN_R_LOWERCASE;
		return PN_R_PREFIX;
	}
	text += PN_VOUCHER_PREFIX_LEN;
	len -= PN_VOUCHER_PREFIX_LEN;
	for (i = 0; i < len; i++)
		if (text[i] >= 'a' && text[i] <= 'z')
			return PN_R_LOWERCASE;
	switch (pn_base45_decode(text, len, raw, sizeof(raw), &outlen, NULL)) {
	case PN_B45_OK:
		break;
	case PN_B45_BAD_CHAR:
		return PN_R_BASE45_CHAR;
	case PN_B45_BAD_LENGTH:
		return PN_R_BASE45_LENGTH;
	case PN_B45_OVERFLOW:
		return PN_R_BASE45_VALUE;
	case PN_B45_NOSPACE:
		return PN_R_TOO_LONG;
	}
	return pn_voucher_unpack(raw, outlen, v);
}

/* The checks after the signature: the fields are the issuer's own words. */
static enum pn_reason
verify_fields(const struct pn_voucher *v, const struct pn_cert *c,
    const struct pn_denylist *deny, int64_t at)
{
	const struct pn_deny_entry *e;

	if (v->issued_at < c->valid_from || v->issued_at > c->sign_until)
		return PN_R_ISSUED_OUTSIDE_KEY;
	if (v->expires_at < v->issued_at)
		return PN_R_BAD_DATES;
	if (at + PN_VOUCHER_CLOCK_SKEW < (int64_t)v->issued_at)
		return PN_R_NOT_YET_VALID;
	if (at > (int64_t)v->expires_at)
		return PN_R_EXPIRED;
	if (at > c->verify_until)
		return PN_R_KEY_EXPIRED;
	if (!pn_cert_covers(c, v->programme))
		return PN_R_PROGRAMME;
	if ((e = pn_denylist_find(deny, v->serial)) != NULL)
		return e->reason == PN_DENY_CANCELLED ? PN_R_CANCELLED :
		    PN_R_REDEEMED;
	return PN_R_OK;
}

/* The signing key of v: PN_R_OK with *c, or why there is none. */
static enum pn_reason
signing_cert(const struct pn_voucher *v, const struct pn_trust *trust,
    const struct pn_cert **c)
{
	if (pn_trust_is_revoked(trust, v->kid))
		return PN_R_REVOKED_KID;
	if ((*c = pn_trust_find(trust, v->kid)) == NULL)
		return PN_R_UNKNOWN_KID;
	return PN_R_OK;
}

enum pn_reason
pn_voucher_verify(const struct pn_voucher *v, const struct pn_trust *trust,
    const struct pn_denylist *deny, int64_t at)
{
	uint8_t raw[PN_VOUCHER_SIZE];
	const struct pn_cert *c;
	enum pn_reason r;

	if ((r = signing_cert(v, trust, &c)) != PN_R_OK)
		return r;
	pn_voucher_pack(v, raw);
	if (!pn_verify_tagged(v->signature, c->pk, PN_TAG_VOUCHER, raw,
	    PN_VOUCHER_SIGNED_SIZE))
		return PN_R_SIGNATURE;
	return verify_fields(v, c, deny, at);
}

enum pn_reason
pn_voucher_verify_issued(const struct pn_voucher *v,
    const struct pn_trust *trust, int64_t at)
{
	const struct pn_cert *c;
	enum pn_reason r;

	if ((r = signing_cert(v, trust, &c)) != PN_R_OK)
		return r;
	return verify_fields(v, c, NULL, at);
}

enum pn_reason
pn_voucher_check_text(const char *text, size_t len,
    const struct pn_trust *trust, const struct pn_denylist *deny, int64_t at,
    struct pn_voucher *v)
{
	struct pn_voucher tmp;
	enum pn_reason r;

	if (v == NULL)
		v = &tmp;
	if ((r = pn_voucher_from_text(text, len, v)) != PN_R_OK)
		return r;
	return pn_voucher_verify(v, trust, deny, at);
}
