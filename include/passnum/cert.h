/* cert.h -- a signing key's certificate, signed by the master key.
 *
 * The certificate says which key (kid, public key) may sign vouchers, when
 * (valid_from .. sign_until), until when its vouchers verify (verify_until),
 * and for which programmes. Encoding: docs/keys.md.
 */
#ifndef PASSNUM_CERT_H
#define PASSNUM_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"

#define PN_CERT_MAX_PROGRAMMES	256
#define PN_CERT_MAX_SIZE	(133 + 4 * PN_CERT_MAX_PROGRAMMES)

struct pn_master_key;

struct pn_cert {
	uint16_t kid;			/* 1..65535; 0 is never a key */
	uint8_t pk[32];
	int64_t valid_from;		/* may sign from this second ... */
	int64_t sign_until;		/* ... to this one, inclusive */
	int64_t verify_until;		/* its vouchers verify until then */
	bool all_programmes;		/* scope: every programme ... */
	uint16_t n_programmes;		/* ... or these, strictly increasing */
	uint32_t programmes[PN_CERT_MAX_PROGRAMMES];
	uint8_t signature[64];
};

/*
 * Check the fields of c: kid non-zero, 0 <= valid_from < sign_until <=
 * verify_until, scope either all programmes or a non-empty strictly
 * increasing list. Returns 0 or -1 with err naming the field.
 */
int pn_cert_check_fields(const struct pn_cert *c, struct pn_error *err);

/* Check the fields, then sign c with the master key. */
int pn_cert_sign(struct pn_cert *c, const struct pn_master_key *master,
    struct pn_error *err);

/* True when c's signature verifies under master_pk. */
bool pn_cert_verify(const struct pn_cert *c, const uint8_t master_pk[32]);

/* True when c's scope includes programme. */
bool pn_cert_covers(const struct pn_cert *c, uint32_t programme);

/* Encoded length of c, signature included. */
size_t pn_cert_encoded_len(const struct pn_cert *c);

/* Encode c into out; returns the length written, or 0 when cap is short. */
size_t pn_cert_encode(const struct pn_cert *c, uint8_t *out, size_t cap);

/*
 * Decode one certificate from the start of in. Sets *used to the bytes it
 * took. Checks structure and fields, not the signature. Returns 0 or -1.
 */
int pn_cert_decode(const uint8_t *in, size_t len, size_t *used,
    struct pn_cert *c, struct pn_error *err);

/* Write a certificate file (0644); refuses to overwrite. */
int pn_cert_save(const struct pn_cert *c, const char *path,
    struct pn_error *err);

/*
 * Read a certificate file. When master_pk is not NULL, a certificate whose
 * signature does not verify under it is refused.
 */
int pn_cert_load(const char *path, const uint8_t *master_pk,
    struct pn_cert *c, struct pn_error *err);

#endif
