/* keyreq.h -- a key request: what the server asks the offline master key to sign.
 *
 * The offline key ceremony (docs/keys.md): the server prepares a request
 * to certify its next signing key, or to revoke a kid; the operator
 * carries it to the machine that holds the master key, which certifies it
 * and signs the next trust bundle; the server installs the answer. The
 * request carries the server's current trust bundle (signed by the master
 * key, so that the offline machine needs nothing else to number the next
 * one and keep the other keys) and is signed by the server's current
 * signing key, which that bundle certifies. Encoding: docs/keys.md.
 */
#ifndef PASSNUM_KEYREQ_H
#define PASSNUM_KEYREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/cert.h"
#include "passnum/error.h"

#define PN_KEYREQ_CERTIFY	1	/* certify cert (its signature is zero) */
#define PN_KEYREQ_REVOKE	2	/* revoke kid */
#define PN_KEYREQ_MAX_FILE	(5u << 20)

struct pn_signing_key;

struct pn_keyreq {
	uint8_t kind;			/* PN_KEYREQ_CERTIFY or _REVOKE */
	uint16_t signer;		/* kid of the key that signs the request */
	int64_t created;
	uint16_t kid;			/* the key to certify, or to revoke */
	struct pn_cert cert;		/* PN_KEYREQ_CERTIFY only */
	uint8_t *bundle;		/* the server's current bundle (malloc) */
	size_t bundle_len;
	uint8_t signature[64];
};

/* Free what r holds (its bundle copy); r itself is the caller's. */
void pn_keyreq_clear(struct pn_keyreq *r);

/* Sign r with key (whose kid must be r->signer). 0 or -1. */
int pn_keyreq_sign(struct pn_keyreq *r, const struct pn_signing_key *key,
    struct pn_error *err);

/* True when r's signature verifies under the signing public key pk. */
bool pn_keyreq_verify(const struct pn_keyreq *r, const uint8_t pk[32]);

/*
 * Parse a request: structure and fields only, no signature checked (the
 * caller checks it with pn_keyreq_verify() once it trusts a key). On
 * success r holds a copy of the bundle, freed with pn_keyreq_clear().
 */
int pn_keyreq_decode(const uint8_t *in, size_t len, struct pn_keyreq *r,
    struct pn_error *err);

/* Write a signed request to a new file (0644); never overwrites. */
int pn_keyreq_save(const struct pn_keyreq *r, const char *path,
    struct pn_error *err);

/* pn_keyreq_decode() on the contents of a file. */
int pn_keyreq_load(const char *path, struct pn_keyreq *r,
    struct pn_error *err);

#endif
