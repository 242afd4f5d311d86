/* keyreq.c -- key requests of the offline ceremony: encoding, signature, files.
 *
 * Encoding (big-endian), signed by the server's current signing key under
 * PN_TAG_KEYREQ:
 *
 *   "PNKREQ01" | kind u8 | signer kid u16 | created u64 | kid u16 |
 *   [certify: the certificate, its 64 signature bytes zero] |
 *   bundle length u32 | bundle | signature[64]
 */
#include <stdlib.h>
#include <string.h>

#include "passnum/keyreq.h"
#include "passnum/keys.h"
#include "passnum/fileio.h"
#include "sign.h"
#include "wire.h"

#define KEYREQ_MAGIC "PNKREQ01"

void
pn_keyreq_clear(struct pn_keyreq *r)
{
	if (r == NULL)
		return;
	free(r->bundle);
	r->bundle = NULL;
	r->bundle_len = 0;
}

/* The bytes the signature covers, malloc'd; NULL with err on failure. */
static uint8_t *
encode_body(const struct pn_keyreq *r, size_t *len, struct pn_error *err)
{
	struct pn_cert blank;
	struct pn_writer w;
	uint8_t *buf;
	size_t n, c = 0;

	if (r->kind == PN_KEYREQ_CERTIFY) {
		blank = r->cert;
		memset(blank.signature, 0, sizeof(blank.signature));
		c = pn_cert_encoded_len(&blank);
	}
	if (r->bundle_len > PN_KEYREQ_MAX_FILE) {
		pn_error_set(err, PN_E_ARG, "bundle too large for a request");
		return NULL;
	}
	n = 8 + 1 + 2 + 8 + 2 + c + 4 + r->bundle_len;
	if ((buf = malloc(n + 64)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	pn_writer_init(&w, buf, n);
	pn_write_bytes(&w, KEYREQ_MAGIC, 8);
	pn_write_u8(&w, r->kind);
	pn_write_u16(&w, r->signer);
	pn_write_u64(&w, (uint64_t)r->created);
	pn_write_u16(&w, r->kid);
	if (c > 0 && !w.failed) {
		if (pn_cert_encode(&blank, buf + w.off, w.cap - w.off) != c)
			w.failed = true;
		else
			w.off += c;
	}
	pn_write_u32(&w, (uint32_t)r->bundle_len);
	pn_write_bytes(&w, r->bundle, r->bundle_len);
	if (w.failed || w.off != n) {
		free(buf);
		pn_error_set(err, PN_E_ARG, "request encoding failed");
		return NULL;
	}
	*len = n;
	return buf;
}

int
pn_keyreq_sign(struct pn_keyreq *r, const struct pn_signing_key *key,
    struct pn_error *err)
{
	uint8_t *body;
	size_t n;
	int rc;

	if (key->kid != r->signer)
		return pn_error_set(err, PN_E_ARG, "the request names signer "
		    "%u, not key %u", r->signer, key->kid);
	if ((body = encode_body(r, &n, err)) == NULL)
		return -1;
	rc = pn_sign_tagged(r->signature, key->sk, PN_TAG_KEYREQ, body, n);
	free(body);
	if (rc != 0)
		return pn_error_set(err, PN_E_CRYPTO, "request signing failed");
	return 0;
}

bool
pn_keyreq_verify(const struct pn_keyreq *r, const uint8_t pk[32])
{
	uint8_t *body;
	size_t n;
	bool ok;

	if ((body = encode_body(r, &n, NULL)) == NULL)
		return false;
	ok = pn_verify_tagged(r->signature, pk, PN_TAG_KEYREQ, body, n);
	free(body);
	return ok;
}

int
pn_keyreq_decode(const uint8_t *in, size_t len, struct pn_keyreq *r,
    struct pn_error *err)
{
	struct pn_reader rd;
	const uint8_t *magic, *bundle, *sig;
	uint64_t created;
	size_t used;
	uint32_t blen;
	static const uint8_t zero[64];

	memset(r, 0, sizeof(*r));
	pn_reader_init(&rd, in, len);
	magic = pn_read_bytes(&rd, 8);
	if (magic == NULL || memcmp(magic, KEYREQ_MAGIC, 8) != 0)
		return pn_error_set(err, PN_E_FORMAT, "not a key request "
		    "(expected %s)", KEYREQ_MAGIC);
	r->kind = pn_read_u8(&rd);
	r->signer = pn_read_u16(&rd);
	created = pn_read_u64(&rd);
	r->kid = pn_read_u16(&rd);
	if (rd.failed)
		return pn_error_set(err, PN_E_FORMAT, "key request truncated");
	if (r->kind != PN_KEYREQ_CERTIFY && r->kind != PN_KEYREQ_REVOKE)
		return pn_error_set(err, PN_E_FORMAT, "key request of unknown "
		    "kind %u", r->kind);
	if (created > INT64_MAX || r->signer == 0 || r->kid == 0)
		return pn_error_set(err, PN_E_FORMAT, "key request: a time or "
		    "a kid out of range");
	r->created = (int64_t)created;
	if (r->kind == PN_KEYREQ_CERTIFY) {
		if (pn_cert_decode(in + rd.off, len - rd.off, &used, &r->cert,
		    err) != 0) {
			pn_error_prefix(err, "key request");
			return -1;
		}
		if (r->cert.kid != r->kid ||
		    memcmp(r->cert.signature, zero, 64) != 0)
			return pn_error_set(err, PN_E_FORMAT, "key request: the "
			    "certificate to sign is not kid %u's, unsigned",
			    r->kid);
		(void)pn_read_bytes(&rd, used);
	}
	blen = pn_read_u32(&rd);
	bundle = pn_read_bytes(&rd, blen);
	sig = pn_read_bytes(&rd, 64);
	if (rd.failed || bundle == NULL || sig == NULL)
		return pn_error_set(err, PN_E_FORMAT, "key request truncated");
	if (pn_reader_left(&rd) != 0)
		return pn_error_set(err, PN_E_FORMAT, "key request: %zu bytes "
		    "after the signature", pn_reader_left(&rd));
	if ((r->bundle = malloc(blen > 0 ? blen : 1)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	memcpy(r->bundle, bundle, blen);
	r->bundle_len = blen;
	memcpy(r->signature, sig, 64);
	return 0;
}

int
pn_keyreq_save(const struct pn_keyreq *r, const char *path,
    struct pn_error *err)
{
	uint8_t *buf;
	size_t n;
	int rc;

	if ((buf = encode_body(r, &n, err)) == NULL)
		return -1;
	memcpy(buf + n, r->signature, 64);
	rc = pn_file_write(path, buf, n + 64, 0644, false, err);
	free(buf);
	return rc;
}

int
pn_keyreq_load(const char *path, struct pn_keyreq *r, struct pn_error *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	memset(r, 0, sizeof(*r));
	if (pn_file_read(path, PN_KEYREQ_MAX_FILE, &buf, &len, err) != 0)
		return -1;
	if ((rc = pn_keyreq_decode(buf, len, r, err)) != 0) {
		pn_error_prefix(err, path);
		pn_keyreq_clear(r);
	}
	free(buf);
	return rc;
}
