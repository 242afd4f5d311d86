/* receipt.c -- the server's signed answer to a redemption record (receipt.h). */
#include <string.h>

#include <sodium.h>

#include "passnum/keys.h"
#include "passnum/receipt.h"
#include "passnum/trust.h"
#include "sign.h"
#include "wire.h"

/* The bytes the signature covers; returns their length (0: the name is too long). */
static size_t
encode_body(const struct pn_receipt *r, uint8_t out[PN_RECEIPT_MAX_SIZE])
{
	struct pn_writer w;
	size_t name = strlen(r->winner_venue_name);

	if (name > PN_RECEIPT_NAME_MAX)
		return 0;
	pn_writer_init(&w, out, PN_RECEIPT_MAX_SIZE);
	pn_write_u8(&w, PN_RECEIPT_VERSION);
	pn_write_u16(&w, r->kid);
	pn_write_bytes(&w, r->redemption_id, sizeof(r->redemption_id));
	pn_write_u64(&w, r->serial);
	pn_write_u8(&w, r->outcome);
	pn_write_u32(&w, r->value_cents);
	pn_write_u64(&w, (uint64_t)r->decided_at);
	pn_write_u64(&w, r->venue);
	pn_write_bytes(&w, r->winner_id, sizeof(r->winner_id));
	pn_write_u64(&w, r->winner_venue);
	pn_write_u64(&w, (uint64_t)r->winner_at);
	pn_write_u8(&w, (uint8_t)name);
	pn_write_bytes(&w, r->winner_venue_name, name);
	return w.failed ? 0 : w.off;
}

int
pn_receipt_sign(struct pn_receipt *r, const struct pn_signing_key *key,
    struct pn_error *err)
{
	uint8_t body[PN_RECEIPT_MAX_SIZE];
	size_t n;

	r->kid = key->kid;
	if ((n = encode_body(r, body)) == 0)
		return pn_error_set(err, PN_E_ARG, "receipt: venue name longer "
		    "than %d bytes", PN_RECEIPT_NAME_MAX);
	if (pn_sign_tagged(r->signature, key->sk, PN_RECEIPT_TAG, body, n) != 0)
		return pn_error_set(err, PN_E_CRYPTO, "receipt signing failed");
	return 0;
}

void
pn_receipt_to_text(const struct pn_receipt *r, char out[PN_RECEIPT_TEXT_MAX])
{
	uint8_t doc[PN_RECEIPT_MAX_SIZE];
	size_t n = encode_body(r, doc);

	memcpy(doc + n, r->signature, 64);
	sodium_bin2base64(out, PN_RECEIPT_TEXT_MAX, doc, n + 64,
	    sodium_base64_VARIANT_ORIGINAL);
}

/* Decode text into r, its bytes into doc (*len of them). 0, or -1. */
static int
decode(const char *text, struct pn_receipt *r,
    uint8_t doc[PN_RECEIPT_MAX_SIZE], size_t *lenp, struct pn_error *err)
{
	const uint8_t *p;
	struct pn_reader rd;
	size_t len, name;

	memset(r, 0, sizeof(*r));
	if (sodium_base642bin(doc, PN_RECEIPT_MAX_SIZE, text, strlen(text),
	    NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return pn_error_set(err, PN_E_FORMAT, "receipt: not Base64, or "
		    "longer than %d bytes", PN_RECEIPT_MAX_SIZE);
	pn_reader_init(&rd, doc, len);
	if (pn_read_u8(&rd) != PN_RECEIPT_VERSION)
		return pn_error_set(err, PN_E_FORMAT, "receipt: unknown "
		    "version");
	r->kid = pn_read_u16(&rd);
	if ((p = pn_read_bytes(&rd, sizeof(r->redemption_id))) != NULL)
		memcpy(r->redemption_id, p, sizeof(r->redemption_id));
	r->serial = pn_read_u64(&rd);
	r->outcome = pn_read_u8(&rd);
	r->value_cents = pn_read_u32(&rd);
	r->decided_at = (int64_t)pn_read_u64(&rd);
	r->venue = pn_read_u64(&rd);
	if ((p = pn_read_bytes(&rd, sizeof(r->winner_id))) != NULL)
		memcpy(r->winner_id, p, sizeof(r->winner_id));
	r->winner_venue = pn_read_u64(&rd);
	r->winner_at = (int64_t)pn_read_u64(&rd);
	name = pn_read_u8(&rd);
	if (name > PN_RECEIPT_NAME_MAX ||
	    (p = pn_read_bytes(&rd, name)) == NULL)
		return pn_error_set(err, PN_E_FORMAT, "receipt: truncated");
	memcpy(r->winner_venue_name, p, name);
	r->winner_venue_name[name] = '\0';
	if ((p = pn_read_bytes(&rd, 64)) == NULL || pn_reader_left(&rd) != 0)
		return pn_error_set(err, PN_E_FORMAT, "receipt: %s",
		    rd.failed ? "truncated" : "trailing bytes");
	memcpy(r->signature, p, 64);
	if (r->outcome != PN_RECEIPT_ACCEPTED &&
	    r->outcome != PN_RECEIPT_CONFLICT)
		return pn_error_set(err, PN_E_FORMAT, "receipt: unknown "
		    "outcome %u", r->outcome);
	*lenp = len;
	return 0;
}

int
pn_receipt_from_text(const char *text, const struct pn_trust *trust,
    struct pn_receipt *r, struct pn_error *err)
{
	uint8_t doc[PN_RECEIPT_MAX_SIZE];
	const struct pn_cert *c;
	size_t len;

	if (decode(text, r, doc, &len, err) != 0)
		return -1;
	if (pn_trust_is_revoked(trust, r->kid))
		return pn_error_set(err, PN_E_UNTRUSTED, "receipt signed by "
		    "revoked key %u", r->kid);
	if ((c = pn_trust_find(trust, r->kid)) == NULL)
		return pn_error_set(err, PN_E_UNTRUSTED, "receipt signed by "
		    "key %u, which the trust bundle does not certify", r->kid);
	if (r->decided_at < c->valid_from || r->decided_at > c->verify_until)
		return pn_error_set(err, PN_E_UNTRUSTED, "receipt dated "
		    "outside the validity of key %u", r->kid);
	if (!pn_verify_tagged(r->signature, c->pk, PN_RECEIPT_TAG, doc,
	    len - 64))
		return pn_error_set(err, PN_E_SIGNATURE, "receipt: signature "
		    "does not verify");
	return 0;
}

int
pn_receipt_check(const char *text,
    const uint8_t *(*pk_of)(const void *ctx, uint16_t kid), const void *ctx,
    struct pn_receipt *r, struct pn_error *err)
{
	uint8_t doc[PN_RECEIPT_MAX_SIZE];
	const uint8_t *pk;
	size_t len;

	if (decode(text, r, doc, &len, err) != 0)
		return -1;
	if ((pk = pk_of(ctx, r->kid)) == NULL)
		return pn_error_set(err, PN_E_UNTRUSTED, "receipt signed by "
		    "key %u, which is not recorded", r->kid);
	if (!pn_verify_tagged(r->signature, pk, PN_RECEIPT_TAG, doc,
	    len - 64))
		return pn_error_set(err, PN_E_SIGNATURE, "receipt: signature "
		    "does not verify under key %u", r->kid);
	return 0;
}
