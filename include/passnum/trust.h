/* trust.h -- the trust bundle: the certified signing keys and the revoked ones.
 *
 * Signed by the master key, numbered by a sequence number that only grows.
 * A terminal pins the master public key and replaces its bundle only with a
 * newer one. Encoding: docs/keys.md.
 */
#ifndef PASSNUM_TRUST_H
#define PASSNUM_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/cert.h"
#include "passnum/error.h"

#define PN_TRUST_MAX_CERTS	1024
#define PN_TRUST_MAX_REVOKED	4096
#define PN_TRUST_MAX_FILE	(4u << 20)

struct pn_master_key;

struct pn_trust {
	uint8_t master_pk[32];	/* the key that signed (or will sign) it */
	uint64_t seq;
	int64_t issued_at;
	size_t n_certs;
	struct pn_cert *certs;	/* sorted by kid, no duplicates */
	size_t n_revoked;
	uint16_t *revoked;	/* sorted, no duplicates */
	uint8_t signature[64];
};

/* An empty bundle to fill and sign. NULL when out of memory. */
struct pn_trust *pn_trust_new(const uint8_t master_pk[32], uint64_t seq,
    int64_t issued_at);

void pn_trust_free(struct pn_trust *t);

/* Add a certificate (its kid must not be present yet). */
int pn_trust_add_cert(struct pn_trust *t, const struct pn_cert *c,
    struct pn_error *err);

/* Mark kid revoked; revoking twice is harmless. */
int pn_trust_revoke(struct pn_trust *t, uint16_t kid, struct pn_error *err);

/* Sign with master (whose public key must be t->master_pk). */
int pn_trust_sign(struct pn_trust *t, const struct pn_master_key *master,
    struct pn_error *err);

/* Encode, signature included, into a malloc'd buffer the caller frees. */
int pn_trust_encode(const struct pn_trust *t, uint8_t **out, size_t *len,
    struct pn_error *err);

/*
 * Parse a bundle's structure without checking any signature: for
 * inspection tools and fuzzing. Use pn_trust_decode() to trust one.
 */
struct pn_trust *pn_trust_parse(const uint8_t *in, size_t len,
    struct pn_error *err);

/*
 * Parse and verify a bundle: the bundle's and every certificate's signature
 * under the master key, and its sequence number. When pinned_master is not
 * NULL the bundle must name and be signed by that key; when it is NULL the
 * key named inside the bundle is used, and the caller vouches for the
 * file's origin. A sequence number below held_seq is refused (PN_E_STALE).
 */
struct pn_trust *pn_trust_decode(const uint8_t *in, size_t len,
    const uint8_t *pinned_master, uint64_t held_seq, struct pn_error *err);

/* pn_trust_decode() on the contents of a file. */
struct pn_trust *pn_trust_load(const char *path, const uint8_t *pinned_master,
    uint64_t held_seq, struct pn_error *err);

/* Write a signed bundle to path, replacing it atomically. */
int pn_trust_save(const struct pn_trust *t, const char *path,
    struct pn_error *err);

/* The certificate of kid, or NULL. */
const struct pn_cert *pn_trust_find(const struct pn_trust *t, uint16_t kid);

bool pn_trust_is_revoked(const struct pn_trust *t, uint16_t kid);

#endif
