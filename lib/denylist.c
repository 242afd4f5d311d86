/* denylist.c -- signed deny-list documents, and the sorted list a holder keeps.
 *
 * Encoding (big-endian), signed by a certified signing key under
 * PN_TAG_DENYLIST:
 *   "PNDENY01" signer_kid[2] from_seq[8] to_seq[8] issued_at[8] count[4]
 *   (serial[8] expires_at[4] reason[1]) * count      serials increasing
 *   signature[64]
 */
#include <stdlib.h>
#include <string.h>

#include "passnum/denylist.h"
#include "passnum/keys.h"
#include "passnum/trust.h"
#include "passnum/fileio.h"
#include "sign.h"
#include "wire.h"

#define DENY_MAGIC	"PNDENY01"
#define HEADER_LEN	(8 + 2 + 8 + 8 + 8 + 4)
#define ENTRY_LEN	13

struct pn_denylist *
pn_denylist_new(void)
{
	return calloc(1, sizeof(struct pn_denylist));
}

void
pn_denylist_free(struct pn_denylist *d)
{
	if (d == NULL)
		return;
	free(d->entries);
	free(d);
}

static int
reserve(struct pn_denylist *d, size_t n, struct pn_error *err)
{
	struct pn_deny_entry *grown;
	size_t cap = d->cap == 0 ? 64 : d->cap;

	if (n <= d->cap)
		return 0;
	while (cap < n) {
		if (cap > SIZE_MAX / 2 / sizeof(*grown))
			return pn_error_set(err, PN_E_NOMEM, "deny list too "
			    "large");
		cap *= 2;
	}
	if ((grown = realloc(d->entries, cap * sizeof(*grown))) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	d->entries = grown;
	d->cap = cap;
	return 0;
}

/* Index of the first entry whose serial is >= serial. */
static size_t
lower_bound(const struct pn_denylist *d, uint64_t serial)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->entries[mid].serial < serial)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool
valid_reason(unsigned reason)
{
	return reason == PN_DENY_CANCELLED || reason == PN_DENY_REDEEMED;
}

int
pn_denylist_add(struct pn_denylist *d, uint64_t serial, uint32_t expires_at,
    enum pn_deny_reason reason, struct pn_error *err)
{
	struct pn_deny_entry e = { serial, expires_at, (uint8_t)reason };
	size_t at;

	if (!valid_reason(reason))
		return pn_error_set(err, PN_E_ARG, "deny list: unknown reason "
		    "%d for serial %llu", (int)reason,
		    (unsigned long long)serial);
	/* Appending in order, the common case when building, is O(1). */
	at = d->n > 0 && d->entries[d->n - 1].serial < serial ? d->n :
	    lower_bound(d, serial);
	if (at < d->n && d->entries[at].serial == serial) {
		d->entries[at] = e;
		return 0;
	}
	if (reserve(d, d->n + 1, err) != 0)
		return -1;
	memmove(&d->entries[at + 1], &d->entries[at],
	    (d->n - at) * sizeof(e));
	d->entries[at] = e;
	d->n++;
	return 0;
}

const struct pn_deny_entry *
pn_denylist_find(const struct pn_denylist *d, uint64_t serial)
{
	size_t at;

	if (d == NULL)
		return NULL;
	at = lower_bound(d, serial);
	return at < d->n && d->entries[at].serial == serial ?
	    &d->entries[at] : NULL;
}

/* Encode the body into a malloc'd buffer with room for the signature. */
static uint8_t *
encode_body(const struct pn_denylist *d, size_t *len, struct pn_error *err)
{
	struct pn_writer w;
	uint8_t *buf;
	size_t n, i;

	if (d->n > UINT32_MAX || d->n > (SIZE_MAX - HEADER_LEN - 64) /
	    ENTRY_LEN) {
		pn_error_set(err, PN_E_ARG, "deny list too large");
		return NULL;
	}
	n = HEADER_LEN + d->n * ENTRY_LEN;
	if ((buf = malloc(n + 64)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	pn_writer_init(&w, buf, n);
	pn_write_bytes(&w, DENY_MAGIC, 8);
	pn_write_u16(&w, d->signer_kid);
	pn_write_u64(&w, d->from_seq);
	pn_write_u64(&w, d->to_seq);
	pn_write_u64(&w, (uint64_t)d->issued_at);
	pn_write_u32(&w, (uint32_t)d->n);
	for (i = 0; i < d->n; i++) {
		pn_write_u64(&w, d->entries[i].serial);
		pn_write_u32(&w, d->entries[i].expires_at);
		pn_write_u8(&w, d->entries[i].reason);
	}
	*len = n;
	return buf;
}

int
pn_denylist_sign(struct pn_denylist *d, const struct pn_signing_key *key,
    uint64_t from_seq, uint64_t to_seq, int64_t issued_at,
    struct pn_error *err)
{
	uint8_t *body;
	size_t n;
	int rc;

	if (from_seq > to_seq)
		return pn_error_set(err, PN_E_ARG, "deny list: from_seq %llu "
		    "after to_seq %llu", (unsigned long long)from_seq,
		    (unsigned long long)to_seq);
	if (issued_at < 0)
		return pn_error_set(err, PN_E_ARG, "deny list: negative issue "
		    "time");
	d->signer_kid = key->kid;
	d->from_seq = from_seq;
	d->to_seq = to_seq;
	d->issued_at = issued_at;
	if ((body = encode_body(d, &n, err)) == NULL)
		return -1;
	rc = pn_sign_tagged(d->signature, key->sk, PN_TAG_DENYLIST, body, n);
	free(body);
	if (rc != 0)
		return pn_error_set(err, PN_E_CRYPTO, "deny list signing "
		    "failed");
	return 0;
}

int
pn_denylist_encode(const struct pn_denylist *d, uint8_t **out, size_t *len,
    struct pn_error *err)
{
	uint8_t *buf;
	size_t n;

	if ((buf = encode_body(d, &n, err)) == NULL)
		return -1;
	memcpy(buf + n, d->signature, 64);
	*out = buf;
	*len = n + 64;
	return 0;
}

struct pn_denylist *
pn_denylist_parse(const uint8_t *in, size_t len, struct pn_error *err)
{
	struct pn_denylist *d;
	struct pn_reader r;
	const uint8_t *magic;
	uint64_t issued;
	size_t i, count;

	pn_reader_init(&r, in, len);
	magic = pn_read_bytes(&r, 8);
	if (magic == NULL || memcmp(magic, DENY_MAGIC, 8) != 0) {
		pn_error_set(err, PN_E_FORMAT, "not a deny list (expected %s)",
		    DENY_MAGIC);
		return NULL;
	}
	if ((d = pn_denylist_new()) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	d->signer_kid = pn_read_u16(&r);
	d->from_seq = pn_read_u64(&r);
	d->to_seq = pn_read_u64(&r);
	issued = pn_read_u64(&r);
	count = pn_read_u32(&r);
	if (r.failed) {
		pn_error_set(err, PN_E_FORMAT, "deny list truncated in its "
		    "header");
		goto fail;
	}
	if (issued > INT64_MAX || d->from_seq > d->to_seq) {
		pn_error_set(err, PN_E_FORMAT, "deny list: issue time out of "
		    "range, or from_seq after to_seq");
		goto fail;
	}
	d->issued_at = (int64_t)issued;
	/* The count must match the length exactly: no allocation from a lie. */
	if (pn_reader_left(&r) < 64 ||
	    (pn_reader_left(&r) - 64) % ENTRY_LEN != 0 ||
	    (pn_reader_left(&r) - 64) / ENTRY_LEN != count) {
		pn_error_set(err, PN_E_FORMAT, "deny list: %zu entries "
		    "announced, but the file's length does not match", count);
		goto fail;
	}
	if (reserve(d, count, err) != 0)
		goto fail;
	for (i = 0; i < count; i++) {
		struct pn_deny_entry *e = &d->entries[i];

		e->serial = pn_read_u64(&r);
		e->expires_at = pn_read_u32(&r);
		e->reason = pn_read_u8(&r);
		if (!valid_reason(e->reason)) {
			pn_error_set(err, PN_E_FORMAT, "deny list: unknown "
			    "reason %u for serial %llu", e->reason,
			    (unsigned long long)e->serial);
			goto fail;
		}
		if (i > 0 && e->serial <= d->entries[i - 1].serial) {
			pn_error_set(err, PN_E_FORMAT, "deny list: serials "
			    "not strictly increasing at entry %zu", i);
			goto fail;
		}
		d->n++;
	}
	memcpy(d->signature, pn_read_bytes(&r, 64), 64);
	return d;
fail:
	pn_denylist_free(d);
	return NULL;
}

struct pn_denylist *
pn_denylist_decode(const uint8_t *in, size_t len, const struct pn_trust *trust,
    struct pn_error *err)
{
	struct pn_denylist *d = pn_denylist_parse(in, len, err);
	const struct pn_cert *c;

	if (d == NULL)
		return NULL;
	if (pn_trust_is_revoked(trust, d->signer_kid)) {
		pn_error_set(err, PN_E_UNTRUSTED, "deny list signed by revoked "
		    "key %u", d->signer_kid);
		goto fail;
	}
	if ((c = pn_trust_find(trust, d->signer_kid)) == NULL) {
		pn_error_set(err, PN_E_UNTRUSTED, "deny list signed by key %u,"
		    " which the trust bundle does not certify", d->signer_kid);
		goto fail;
	}
	if (d->issued_at < c->valid_from || d->issued_at > c->sign_until) {
		pn_error_set(err, PN_E_UNTRUSTED, "deny list issued outside "
		    "the signing window of key %u", d->signer_kid);
		goto fail;
	}
	if (!pn_verify_tagged(d->signature, c->pk, PN_TAG_DENYLIST, in,
	    len - 64)) {
		pn_error_set(err, PN_E_SIGNATURE, "deny list: signature does "
		    "not verify under key %u", d->signer_kid);
		goto fail;
	}
	return d;
fail:
	pn_denylist_free(d);
	return NULL;
}

struct pn_denylist *
pn_denylist_load(const char *path, const struct pn_trust *trust,
    struct pn_error *err)
{
	struct pn_denylist *d;
	uint8_t *buf;
	size_t len;

	if (pn_file_read(path, PN_DENYLIST_MAX_FILE, &buf, &len, err) != 0)
		return NULL;
	d = pn_denylist_decode(buf, len, trust, err);
	if (d == NULL)
		pn_error_prefix(err, path);
	free(buf);
	return d;
}

struct pn_denylist *
pn_denylist_load_chain(const char *const *paths, size_t n,
    const struct pn_trust *trust, int64_t prune_before, struct pn_error *err)
{
	struct pn_denylist *held = pn_denylist_new(), *d;
	size_t i;

	if (held == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if ((d = pn_denylist_load(paths[i], trust, err)) == NULL)
			goto fail;
		if (pn_denylist_merge(held, d, prune_before, err) != 0) {
			pn_error_prefix(err, paths[i]);
			pn_denylist_free(d);
			goto fail;
		}
		pn_denylist_free(d);
	}
	return held;
fail:
	pn_denylist_free(held);
	return NULL;
}

int
pn_denylist_save(const struct pn_denylist *d, const char *path,
    struct pn_error *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if (pn_denylist_encode(d, &buf, &len, err) != 0)
		return -1;
	rc = pn_file_write(path, buf, len, 0644, true, err);
	free(buf);
	return rc;
}

int
pn_denylist_merge(struct pn_denylist *held, const struct pn_denylist *doc,
    int64_t prune_before, struct pn_error *err)
{
	struct pn_deny_entry *out;
	size_t i = 0, j = 0, n = 0, cap;

	if (doc->from_seq > held->to_seq)
		return pn_error_set(err, PN_E_GAP, "deny list covers numbers "
		    "%llu to %llu, but the one held stops at %llu: a full list"
		    " is needed", (unsigned long long)doc->from_seq,
		    (unsigned long long)doc->to_seq,
		    (unsigned long long)held->to_seq);
	if (doc->to_seq < held->to_seq)
		return pn_error_set(err, PN_E_STALE, "deny list number %llu is"
		    " older than the one held (number %llu)",
		    (unsigned long long)doc->to_seq,
		    (unsigned long long)held->to_seq);
	cap = held->n + doc->n;
	if ((out = malloc((cap == 0 ? 1 : cap) * sizeof(*out))) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	while (i < held->n || j < doc->n) {
		struct pn_deny_entry e;

		if (j == doc->n || (i < held->n &&
		    held->entries[i].serial < doc->entries[j].serial))
			e = held->entries[i++];
		else {
			/* The document is newer: its entry wins a tie. */
			if (i < held->n &&
			    held->entries[i].serial == doc->entries[j].serial)
				i++;
			e = doc->entries[j++];
		}
		if ((int64_t)e.expires_at >= prune_before)
			out[n++] = e;
	}
	free(held->entries);
	held->entries = out;
	held->n = n;
	held->cap = cap == 0 ? 1 : cap;
	held->to_seq = doc->to_seq;
	held->signer_kid = doc->signer_kid;
	if (doc->issued_at > held->issued_at)
		held->issued_at = doc->issued_at;
	return 0;
}
