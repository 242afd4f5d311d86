/* checkpoint.c -- the server's signed summary of its state (checkpoint.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "passnum/checkpoint.h"
#include "passnum/keys.h"
#include "passnum/trust.h"
#include "sign.h"

#define HEX_HASH	(2 * PN_CHECKPOINT_HASH)

static void
put_be(uint8_t *out, uint64_t v)
{
	int j;

	for (j = 7; j >= 0; j--, v >>= 8)
		out[j] = (uint8_t)v;
}

void
pn_checkpoint_fold(uint8_t h[PN_CHECKPOINT_HASH],
    const struct pn_checkpoint_redemption *r)
{
	crypto_generichash_state st;
	uint8_t be[8];

	crypto_generichash_init(&st, NULL, 0, PN_CHECKPOINT_HASH);
	crypto_generichash_update(&st, h, PN_CHECKPOINT_HASH);
	crypto_generichash_update(&st, r->redemption_id,
	    sizeof(r->redemption_id));
	put_be(be, r->serial);
	crypto_generichash_update(&st, be, 8);
	put_be(be, (uint64_t)r->terminal_id);
	crypto_generichash_update(&st, be, 8);
	put_be(be, (uint64_t)r->value_cents);
	crypto_generichash_update(&st, be, 8);
	put_be(be, (uint64_t)r->received_at);
	crypto_generichash_update(&st, be, 8);
	crypto_generichash_update(&st, r->record_signature,
	    sizeof(r->record_signature));
	crypto_generichash_final(&st, h, PN_CHECKPOINT_HASH);
}

/* The signed part of the text (everything before " sig="); its length. */
static int
body_text(const struct pn_checkpoint *c, char *out, size_t size)
{
	char prev[HEX_HASH + 1], head[HEX_HASH + 1], red[HEX_HASH + 1];

	sodium_bin2hex(prev, sizeof(prev), c->prev, PN_CHECKPOINT_HASH);
	sodium_bin2hex(head, sizeof(head), c->audit_head, PN_CHECKPOINT_HASH);
	sodium_bin2hex(red, sizeof(red), c->redeemed_hash, PN_CHECKPOINT_HASH);
	return snprintf(out, size, "PNC1 seq=%" PRIu64 " at=%" PRId64
	    " kid=%u prev=%s audit=%" PRId64 ":%s next_serial=%" PRIu64
	    " redeemed=%" PRIu64 ":%" PRId64 ":%s", c->seq, c->at,
	    (unsigned)c->kid, prev, c->audit_last, head, c->next_serial,
	    c->redeemed, c->redeemed_last, red);
}

int
pn_checkpoint_sign(struct pn_checkpoint *c, const struct pn_signing_key *key,
    struct pn_error *err)
{
	char body[PN_CHECKPOINT_TEXT_MAX];
	int n;

	if (c->at < 0 || c->audit_last < 0 || c->redeemed_last < 0)
		return pn_error_set(err, PN_E_ARG, "checkpoint: negative field");
	c->kid = key->kid;
	n = body_text(c, body, sizeof(body));
	if (pn_sign_tagged(c->signature, key->sk, PN_CHECKPOINT_TAG,
	    (const uint8_t *)body, (size_t)n) != 0)
		return pn_error_set(err, PN_E_CRYPTO, "checkpoint signing "
		    "failed");
	return 0;
}

void
pn_checkpoint_to_text(const struct pn_checkpoint *c,
    char out[PN_CHECKPOINT_TEXT_MAX])
{
	char sig[2 * 64 + 1];
	int n = body_text(c, out, PN_CHECKPOINT_TEXT_MAX);

	sodium_bin2hex(sig, sizeof(sig), c->signature, 64);
	snprintf(out + n, PN_CHECKPOINT_TEXT_MAX - (size_t)n, " sig=%s", sig);
}

void
pn_checkpoint_digest(const struct pn_checkpoint *c,
    uint8_t out[PN_CHECKPOINT_HASH])
{
	char text[PN_CHECKPOINT_TEXT_MAX];

	pn_checkpoint_to_text(c, text);
	crypto_generichash(out, PN_CHECKPOINT_HASH, (const uint8_t *)text,
	    strlen(text), NULL, 0);
}

/* A cursor over the text being parsed. */
struct cursor {
	const char *p, *end;
};

/* Consume the literal s. 0, or -1. */
static int
literal(struct cursor *cur, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(cur->end - cur->p) < n || memcmp(cur->p, s, n) != 0)
		return -1;
	cur->p += n;
	return 0;
}

/* A decimal in 0..max, no sign, no leading zero. 0, or -1. */
static int
number(struct cursor *cur, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = cur->p;

	while (cur->p < cur->end && *cur->p >= '0' && *cur->p <= '9') {
		unsigned d = (unsigned)(*cur->p - '0');

		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
		cur->p++;
	}
	if (cur->p == start || (*start == '0' && cur->p - start > 1))
		return -1;
	*out = v;
	return 0;
}

/* 2 * len lowercase hex digits. 0, or -1. */
static int
hex(struct cursor *cur, uint8_t *out, size_t len)
{
	size_t i, bin;

	if ((size_t)(cur->end - cur->p) < 2 * len)
		return -1;
	for (i = 0; i < 2 * len; i++)
		if (!((cur->p[i] >= '0' && cur->p[i] <= '9') ||
		    (cur->p[i] >= 'a' && cur->p[i] <= 'f')))
			return -1;
	if (sodium_hex2bin(out, len, cur->p, 2 * len, NULL, &bin, NULL) != 0 ||
	    bin != len)
		return -1;
	cur->p += 2 * len;
	return 0;
}

/* The body's length in *body: the signature covers text[0..*body). */
static int
parse(const char *text, size_t len, struct pn_checkpoint *c, size_t *body,
    struct pn_error *err)
{
	struct cursor cur = { text, text + len };
	uint64_t v;

	memset(c, 0, sizeof(*c));
	if (len > 0 && text[len - 1] == '\n')
		cur.end--;
	if (cur.end > cur.p && cur.end[-1] == '\r')
		cur.end--;
	if (literal(&cur, "PNC1 ") != 0)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: does not "
		    "begin with \"PNC1 \"");
	if (literal(&cur, "seq=") != 0 || number(&cur, INT64_MAX, &c->seq) ||
	    c->seq == 0)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: bad seq");
	if (literal(&cur, " at=") != 0 || number(&cur, INT64_MAX, &v) != 0)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: bad at");
	c->at = (int64_t)v;
	if (literal(&cur, " kid=") != 0 || number(&cur, UINT16_MAX, &v) != 0)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: bad kid");
	c->kid = (uint16_t)v;
	if (literal(&cur, " prev=") != 0 ||
	    hex(&cur, c->prev, PN_CHECKPOINT_HASH) != 0)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: bad prev");
	if (literal(&cur, " audit=") != 0 ||
	    number(&cur, INT64_MAX, &v) != 0 || literal(&cur, ":") != 0 ||
	    hex(&cur, c->audit_head, PN_CHECKPOINT_HASH) != 0)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: bad audit");
	c->audit_last = (int64_t)v;
	if (literal(&cur, " next_serial=") != 0 ||
	    number(&cur, INT64_MAX, &c->next_serial) != 0 ||
	    c->next_serial == 0)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: bad "
		    "next_serial");
	if (literal(&cur, " redeemed=") != 0 ||
	    number(&cur, INT64_MAX, &c->redeemed) != 0 ||
	    literal(&cur, ":") != 0 || number(&cur, INT64_MAX, &v) != 0 ||
	    literal(&cur, ":") != 0 ||
	    hex(&cur, c->redeemed_hash, PN_CHECKPOINT_HASH) != 0)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: bad "
		    "redeemed");
	c->redeemed_last = (int64_t)v;
	*body = (size_t)(cur.p - text);
	if (literal(&cur, " sig=") != 0 || hex(&cur, c->signature, 64) != 0)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: bad sig");
	if (cur.p != cur.end)
		return pn_error_set(err, PN_E_FORMAT, "checkpoint: trailing "
		    "text");
	return 0;
}

int
pn_checkpoint_parse(const char *text, size_t len, struct pn_checkpoint *c,
    struct pn_error *err)
{
	size_t body;

	return parse(text, len, c, &body, err);
}

int
pn_checkpoint_from_text(const char *text, size_t len,
    const struct pn_trust *trust, struct pn_checkpoint *c,
    struct pn_error *err)
{
	const struct pn_cert *cert;
	size_t body;

	if (parse(text, len, c, &body, err) != 0)
		return -1;
	if (pn_trust_is_revoked(trust, c->kid))
		return pn_error_set(err, PN_E_UNTRUSTED, "checkpoint signed "
		    "by revoked key %u", c->kid);
	if ((cert = pn_trust_find(trust, c->kid)) == NULL)
		return pn_error_set(err, PN_E_UNTRUSTED, "checkpoint signed "
		    "by key %u, which the trust bundle does not certify",
		    c->kid);
	if (c->at < cert->valid_from || c->at > cert->verify_until)
		return pn_error_set(err, PN_E_UNTRUSTED, "checkpoint dated "
		    "outside the validity of key %u", c->kid);
	if (!pn_verify_tagged(c->signature, cert->pk, PN_CHECKPOINT_TAG,
	    (const uint8_t *)text, body))
		return pn_error_set(err, PN_E_SIGNATURE, "checkpoint: "
		    "signature does not verify");
	return 0;
}

int
pn_checkpoint_check(const char *text, size_t len,
    const uint8_t *(*pk_of)(const void *ctx, uint16_t kid), const void *ctx,
    struct pn_checkpoint *c, struct pn_error *err)
{
	const uint8_t *pk;
	size_t body;

	if (parse(text, len, c, &body, err) != 0)
		return -1;
	if ((pk = pk_of(ctx, c->kid)) == NULL)
		return pn_error_set(err, PN_E_UNTRUSTED, "checkpoint signed "
		    "by key %u, which is not recorded", c->kid);
	if (!pn_verify_tagged(c->signature, pk, PN_CHECKPOINT_TAG,
	    (const uint8_t *)text, body))
		return pn_error_set(err, PN_E_SIGNATURE, "checkpoint: "
		    "signature does not verify under key %u", c->kid);
	return 0;
}
