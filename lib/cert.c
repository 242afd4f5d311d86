/* cert.c -- signing-key certificates: fields, encoding, master signature.
 *
 * Encoding (big-endian), signed by the master key under PN_TAG_CERT:
 *   "PNCERT01" kid[2] pk[32] valid_from[8] sign_until[8] verify_until[8]
 *   flags[1] n_programmes[2] programmes[4 * n] signature[64]
 * flags bit 0: all programmes (then n_programmes is 0). Other bits: zero.
 */
#include <stdlib.h>
#include <string.h>

#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/fileio.h"
#include "sign.h"
#include "wire.h"

#define CERT_MAGIC	"PNCERT01"
#define FLAG_ALL	0x01

int
pn_cert_check_fields(const struct pn_cert *c, struct pn_error *err)
{
	size_t i;

	if (c->kid == 0)
		return pn_error_set(err, PN_E_FORMAT, "certificate: kid 0 is "
		    "reserved");
	if (c->valid_from < 0)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u: "
		    "valid_from is before 1970", c->kid);
	if (c->sign_until <= c->valid_from)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u: "
		    "sign_until must come after valid_from", c->kid);
	if (c->verify_until < c->sign_until)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u: "
		    "verify_until must not come before sign_until", c->kid);
	if (c->all_programmes && c->n_programmes != 0)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u: "
		    "both 'all programmes' and a list of programmes", c->kid);
	if (!c->all_programmes && c->n_programmes == 0)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u: "
		    "empty programme scope", c->kid);
	if (c->n_programmes > PN_CERT_MAX_PROGRAMMES)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u: "
		    "more than %d programmes", c->kid, PN_CERT_MAX_PROGRAMMES);
	for (i = 1; i < c->n_programmes; i++)
		if (c->programmes[i] <= c->programmes[i - 1])
			return pn_error_set(err, PN_E_FORMAT, "certificate of "
			    "kid %u: programmes not in strictly increasing "
			    "order", c->kid);
	return 0;
}

size_t
pn_cert_encoded_len(const struct pn_cert *c)
{
	return 133 + 4 * (size_t)c->n_programmes;
}

/* Encode everything but the signature; returns the length, 0 if cap short. */
static size_t
encode_body(const struct pn_cert *c, uint8_t *out, size_t cap)
{
	struct pn_writer w;
	size_t i;

	pn_writer_init(&w, out, cap);
	pn_write_bytes(&w, CERT_MAGIC, 8);
	pn_write_u16(&w, c->kid);
	pn_write_bytes(&w, c->pk, 32);
	pn_write_u64(&w, (uint64_t)c->valid_from);
	pn_write_u64(&w, (uint64_t)c->sign_until);
	pn_write_u64(&w, (uint64_t)c->verify_until);
	pn_write_u8(&w, c->all_programmes ? FLAG_ALL : 0);
	pn_write_u16(&w, c->n_programmes);
	for (i = 0; i < c->n_programmes; i++)
		pn_write_u32(&w, c->programmes[i]);
	return w.failed ? 0 : w.off;
}

int
pn_cert_sign(struct pn_cert *c, const struct pn_master_key *master,
    struct pn_error *err)
{
	uint8_t body[PN_CERT_MAX_SIZE];
	size_t n;

	if (pn_cert_check_fields(c, err) != 0)
		return -1;
	n = encode_body(c, body, sizeof(body));
	if (n == 0 || pn_sign_tagged(c->signature, master->sk, PN_TAG_CERT,
	    body, n) != 0)
		return pn_error_set(err, PN_E_CRYPTO, "certificate of kid %u: "
		    "signing failed", c->kid);
	return 0;
}

bool
pn_cert_verify(const struct pn_cert *c, const uint8_t master_pk[32])
{
	uint8_t body[PN_CERT_MAX_SIZE];
	size_t n = encode_body(c, body, sizeof(body));

	return n != 0 && pn_verify_tagged(c->signature, master_pk, PN_TAG_CERT,
	    body, n);
}

bool
pn_cert_covers(const struct pn_cert *c, uint32_t programme)
{
	size_t lo = 0, hi = c->n_programmes;

	if (c->all_programmes)
		return true;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->programmes[mid] == programme)
			return true;
		if (c->programmes[mid] < programme)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

size_t
pn_cert_encode(const struct pn_cert *c, uint8_t *out, size_t cap)
{
	size_t n = encode_body(c, out, cap);

	if (n == 0 || cap - n < 64)
		return 0;
	memcpy(out + n, c->signature, 64);
	return n + 64;
}

int
pn_cert_decode(const uint8_t *in, size_t len, size_t *used, struct pn_cert *c,
    struct pn_error *err)
{
	struct pn_reader r;
	const uint8_t *magic, *pk, *sig;
	uint64_t from, sign_until, verify_until;
	uint8_t flags;
	size_t i;

	memset(c, 0, sizeof(*c));
	pn_reader_init(&r, in, len);
	magic = pn_read_bytes(&r, 8);
	if (magic == NULL || memcmp(magic, CERT_MAGIC, 8) != 0)
		return pn_error_set(err, PN_E_FORMAT, "not a signing-key "
		    "certificate (expected %s)", CERT_MAGIC);
	c->kid = pn_read_u16(&r);
	pk = pn_read_bytes(&r, 32);
	from = pn_read_u64(&r);
	sign_until = pn_read_u64(&r);
	verify_until = pn_read_u64(&r);
	flags = pn_read_u8(&r);
	c->n_programmes = pn_read_u16(&r);
	if (r.failed)
		return pn_error_set(err, PN_E_FORMAT, "certificate truncated");
	if (flags & ~FLAG_ALL)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u: "
		    "unknown flags 0x%02x", c->kid, flags);
	if (from > INT64_MAX || sign_until > INT64_MAX ||
	    verify_until > INT64_MAX)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u: "
		    "a date is out of range", c->kid);
	if (c->n_programmes > PN_CERT_MAX_PROGRAMMES)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u: "
		    "%u programmes, at most %d allowed", c->kid,
		    c->n_programmes, PN_CERT_MAX_PROGRAMMES);
	memcpy(c->pk, pk, 32);
	c->valid_from = (int64_t)from;
	c->sign_until = (int64_t)sign_until;
	c->verify_until = (int64_t)verify_until;
	c->all_programmes = (flags & FLAG_ALL) != 0;
	for (i = 0; i < c->n_programmes; i++)
		c->programmes[i] = pn_read_u32(&r);
	sig = pn_read_bytes(&r, 64);
	if (r.failed)
		return pn_error_set(err, PN_E_FORMAT, "certificate of kid %u "
		    "truncated", c->kid);
	memcpy(c->signature, sig, 64);
	if (pn_cert_check_fields(c, err) != 0)
		return -1;
	*used = r.off;
	return 0;
}

int
pn_cert_save(const struct pn_cert *c, const char *path, struct pn_error *err)
{
	uint8_t buf[PN_CERT_MAX_SIZE];
	size_t n = pn_cert_encode(c, buf, sizeof(buf));

	if (n == 0)
		return pn_error_set(err, PN_E_ARG, "certificate too large");
	return pn_file_write(path, buf, n, 0644, false, err);
}

int
pn_cert_load(const char *path, const uint8_t *master_pk, struct pn_cert *c,
    struct pn_error *err)
{
	uint8_t *buf;
	size_t len, used;
	int rc = -1;

	if (pn_file_read(path, PN_CERT_MAX_SIZE, &buf, &len, err) != 0)
		return -1;
	if (pn_cert_decode(buf, len, &used, c, err) != 0)
		pn_error_prefix(err, path);
	else if (used != len)
		pn_error_set(err, PN_E_FORMAT, "%s: %zu bytes after the "
		    "certificate", path, len - used);
	else if (master_pk != NULL && !pn_cert_verify(c, master_pk))
		pn_error_set(err, PN_E_SIGNATURE, "%s: certificate of kid %u "
		    "is not signed by this master key", path, c->kid);
	else
		rc = 0;
	free(buf);
	return rc;
}
