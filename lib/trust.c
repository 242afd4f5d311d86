/* trust.c -- the trust bundle: certified keys, revoked kids, master signature.
 *
 * Encoding (big-endian), signed by the master key under PN_TAG_TRUST:
 *   "PNTRUST1" master_pk[32] seq[8] issued_at[8]
 *   n_certs[2] certificate * n_certs (each as in cert.c, signature included)
 *   n_revoked[2] kid[2] * n_revoked
 *   signature[64]
 * Certificates are sorted by kid and revoked kids are sorted; duplicates are
 * refused, so that a bundle has one encoding.
 */
#include <stdlib.h>
#include <string.h>

#include "passnum/keys.h"
#include "passnum/trust.h"
#include "passnum/fileio.h"
#include "sign.h"
#include "wire.h"

#define TRUST_MAGIC "PNTRUST1"

struct pn_trust *
pn_trust_new(const uint8_t master_pk[32], uint64_t seq, int64_t issued_at)
{
	struct pn_trust *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	memcpy(t->master_pk, master_pk, 32);
	t->seq = seq;
	t->issued_at = issued_at;
	return t;
}

void
pn_trust_free(struct pn_trust *t)
{
	if (t == NULL)
		return;
	free(t->certs);
	free(t->revoked);
	free(t);
}

int
pn_trust_add_cert(struct pn_trust *t, const struct pn_cert *c,
    struct pn_error *err)
{
	struct pn_cert *grown;
	size_t i;

	if (pn_trust_find(t, c->kid) != NULL)
		return pn_error_set(err, PN_E_ARG, "kid %u is already in the "
		    "bundle", c->kid);
	if (t->n_certs >= PN_TRUST_MAX_CERTS)
		return pn_error_set(err, PN_E_ARG, "a bundle holds at most %d "
		    "certificates", PN_TRUST_MAX_CERTS);
	grown = realloc(t->certs, (t->n_certs + 1) * sizeof(*grown));
	if (grown == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	t->certs = grown;
	for (i = t->n_certs; i > 0 && t->certs[i - 1].kid > c->kid; i--)
		t->certs[i] = t->certs[i - 1];
	t->certs[i] = *c;
	t->n_certs++;
	return 0;
}

int
pn_trust_revoke(struct pn_trust *t, uint16_t kid, struct pn_error *err)
{
	uint16_t *grown;
	size_t i;

	if (kid == 0)
		return pn_error_set(err, PN_E_ARG, "kid 0 is never a key");
	if (pn_trust_is_revoked(t, kid))
		return 0;
	if (t->n_revoked >= PN_TRUST_MAX_REVOKED)
		return pn_error_set(err, PN_E_ARG, "a bundle holds at most %d "
		    "revoked kids", PN_TRUST_MAX_REVOKED);
	grown = realloc(t->revoked, (t->n_revoked + 1) * sizeof(*grown));
	if (grown == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	t->revoked = grown;
	for (i = t->n_revoked; i > 0 && t->revoked[i - 1] > kid; i--)
		t->revoked[i] = t->revoked[i - 1];
	t->revoked[i] = kid;
	t->n_revoked++;
	return 0;
}

const struct pn_cert *
pn_trust_find(const struct pn_trust *t, uint16_t kid)
{
	size_t lo = 0, hi = t->n_certs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->certs[mid].kid == kid)
			return &t->certs[mid];
		if (t->certs[mid].kid < kid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool
pn_trust_is_revoked(const struct pn_trust *t, uint16_t kid)
{
	size_t lo = 0, hi = t->n_revoked;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->revoked[mid] == kid)
			return true;
		if (t->revoked[mid] < kid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Length of the encoding without the signature. */
static size_t
body_len(const struct pn_trust *t)
{
	size_t n = 8 + 32 + 8 + 8 + 2 + 2 + 2 * t->n_revoked, i;

	for (i = 0; i < t->n_certs; i++)
		n += pn_cert_encoded_len(&t->certs[i]);
	return n;
}

/* Encode the body into a malloc'd buffer with room for the signature. */
static uint8_t *
encode_body(const struct pn_trust *t, size_t *len, struct pn_error *err)
{
	size_t n = body_len(t), i;
	uint8_t *buf = malloc(n + 64);
	struct pn_writer w;

	if (buf == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	pn_writer_init(&w, buf, n);
	pn_write_bytes(&w, TRUST_MAGIC, 8);
	pn_write_bytes(&w, t->master_pk, 32);
	pn_write_u64(&w, t->seq);
	pn_write_u64(&w, (uint64_t)t->issued_at);
	pn_write_u16(&w, (uint16_t)t->n_certs);
	for (i = 0; i < t->n_certs && !w.failed; i++) {
		size_t c = pn_cert_encode(&t->certs[i], w.p + w.off,
		    w.cap - w.off);

		if (c == 0)
			w.failed = true;
		w.off += c;
	}
	pn_write_u16(&w, (uint16_t)t->n_revoked);
	for (i = 0; i < t->n_revoked; i++)
		pn_write_u16(&w, t->revoked[i]);
	if (w.failed || w.off != n) {
		free(buf);
		pn_error_set(err, PN_E_ARG, "bundle encoding failed");
		return NULL;
	}
	*len = n;
	return buf;
}

int
pn_trust_sign(struct pn_trust *t, const struct pn_master_key *master,
    struct pn_error *err)
{
	uint8_t *body;
	size_t n;
	int rc;

	if (memcmp(t->master_pk, master->pk, 32) != 0)
		return pn_error_set(err, PN_E_ARG, "the bundle names another "
		    "master key than the one signing it");
	if ((body = encode_body(t, &n, err)) == NULL)
		return -1;
	rc = pn_sign_tagged(t->signature, master->sk, PN_TAG_TRUST, body, n);
	free(body);
	if (rc != 0)
		return pn_error_set(err, PN_E_CRYPTO, "bundle signing failed");
	return 0;
}

int
pn_trust_encode(const struct pn_trust *t, uint8_t **out, size_t *len,
    struct pn_error *err)
{
	uint8_t *buf;
	size_t n;

	if ((buf = encode_body(t, &n, err)) == NULL)
		return -1;
	memcpy(buf + n, t->signature, 64);
	*out = buf;
	*len = n + 64;
	return 0;
}

struct pn_trust *
pn_trust_parse(const uint8_t *in, size_t len, struct pn_error *err)
{
	struct pn_trust *t = NULL;
	struct pn_reader r;
	const uint8_t *magic, *pk;
	uint64_t seq, issued;
	size_t i, n;

	pn_reader_init(&r, in, len);
	magic = pn_read_bytes(&r, 8);
	if (magic == NULL || memcmp(magic, TRUST_MAGIC, 8) != 0) {
		pn_error_set(err, PN_E_FORMAT, "not a trust bundle (expected "
		    "%s)", TRUST_MAGIC);
		return NULL;
	}
	pk = pn_read_bytes(&r, 32);
	seq = pn_read_u64(&r);
	issued = pn_read_u64(&r);
	n = pn_read_u16(&r);
	if (r.failed) {
		pn_error_set(err, PN_E_FORMAT, "trust bundle truncated in its "
		    "header");
		return NULL;
	}
	if (issued > INT64_MAX) {
		pn_error_set(err, PN_E_FORMAT, "trust bundle: issue time out "
		    "of range");
		return NULL;
	}
	if (n > PN_TRUST_MAX_CERTS) {
		pn_error_set(err, PN_E_FORMAT, "trust bundle: %zu certificates,"
		    " at most %d allowed", n, PN_TRUST_MAX_CERTS);
		return NULL;
	}
	if ((t = pn_trust_new(pk, seq, (int64_t)issued)) == NULL ||
	    (n > 0 && (t->certs = calloc(n, sizeof(*t->certs))) == NULL)) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		size_t used;

		if (pn_cert_decode(in + r.off, pn_reader_left(&r), &used,
		    &t->certs[i], err) != 0) {
			pn_error_prefix(err, "trust bundle");
			goto fail;
		}
		r.off += used;
		t->n_certs++;
		if (i > 0 && t->certs[i].kid <= t->certs[i - 1].kid) {
			pn_error_set(err, PN_E_FORMAT, "trust bundle: "
			    "certificates not in strictly increasing kid "
			    "order (kid %u after %u)", t->certs[i].kid,
			    t->certs[i - 1].kid);
			goto fail;
		}
	}
	n = pn_read_u16(&r);
	if (r.failed || pn_reader_left(&r) != 2 * n + 64) {
		pn_error_set(err, PN_E_FORMAT, "trust bundle: revocation list "
		    "and signature do not match the file's length");
		goto fail;
	}
	if (n > PN_TRUST_MAX_REVOKED) {
		pn_error_set(err, PN_E_FORMAT, "trust bundle: %zu revoked kids,"
		    " at most %d allowed", n, PN_TRUST_MAX_REVOKED);
		goto fail;
	}
	if (n > 0 && (t->revoked = calloc(n, sizeof(*t->revoked))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		t->revoked[i] = pn_read_u16(&r);
		if (t->revoked[i] == 0 ||
		    (i > 0 && t->revoked[i] <= t->revoked[i - 1])) {
			pn_error_set(err, PN_E_FORMAT, "trust bundle: revoked "
			    "kids not strictly increasing, or kid 0");
			goto fail;
		}
	}
	t->n_revoked = n;
	memcpy(t->signature, pn_read_bytes(&r, 64), 64);
	return t;
fail:
	pn_trust_free(t);
	return NULL;
}

struct pn_trust *
pn_trust_decode(const uint8_t *in, size_t len, const uint8_t *pinned_master,
    uint64_t held_seq, struct pn_error *err)
{
	struct pn_trust *t = pn_trust_parse(in, len, err);
	size_t i;

	if (t == NULL)
		return NULL;
	if (pinned_master != NULL && memcmp(t->master_pk, pinned_master, 32)) {
		pn_error_set(err, PN_E_UNTRUSTED, "trust bundle made by "
		    "another master key than the pinned one");
		goto fail;
	}
	if (!pn_verify_tagged(t->signature, t->master_pk, PN_TAG_TRUST, in,
	    len - 64)) {
		pn_error_set(err, PN_E_SIGNATURE, "trust bundle: signature "
		    "does not verify under its master key");
		goto fail;
	}
	for (i = 0; i < t->n_certs; i++) {
		if (!pn_cert_verify(&t->certs[i], t->master_pk)) {
			pn_error_set(err, PN_E_SIGNATURE, "trust bundle: "
			    "certificate of kid %u is not signed by the master"
			    " key", t->certs[i].kid);
			goto fail;
		}
	}
	if (t->seq < held_seq) {
		pn_error_set(err, PN_E_STALE, "trust bundle number %llu is "
		    "older than the one already held (number %llu)",
		    (unsigned long long)t->seq,
		    (unsigned long long)held_seq);
		goto fail;
	}
	return t;
fail:
	pn_trust_free(t);
	return NULL;
}

struct pn_trust *
pn_trust_load(const char *path, const uint8_t *pinned_master,
    uint64_t held_seq, struct pn_error *err)
{
	struct pn_trust *t;
	uint8_t *buf;
	size_t len;

	if (pn_file_read(path, PN_TRUST_MAX_FILE, &buf, &len, err) != 0)
		return NULL;
	t = pn_trust_decode(buf, len, pinned_master, held_seq, err);
	if (t == NULL)
		pn_error_prefix(err, path);
	free(buf);
	return t;
}

int
pn_trust_save(const struct pn_trust *t, const char *path,
    struct pn_error *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if (pn_trust_encode(t, &buf, &len, err) != 0)
		return -1;
	rc = pn_file_write(path, buf, len, 0644, true, err);
	free(buf);
	return rc;
}
