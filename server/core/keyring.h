/* keyring.h -- the keys passnumd holds while it runs: signing key, bundle, reference secret. */
#ifndef PN_KEYRING_H
#define PN_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/cert.h"
#include "passnum/error.h"
#include "passnum/trust.h"
#include "config.h"
#include "store.h"

struct keyring {
	struct pn_signing_key *signing;	/* NULL: none configured */
	struct pn_cert cert;		/* the signing key's certificate */
	uint8_t *bundle;		/* the trust bundle, encoded; NULL: none */
	size_t bundle_len;
	struct pn_trust *trust;		/* the bundle, decoded; NULL: none */
	uint8_t *ref_secret;		/* 32 bytes, guarded memory; NULL: none */
	bool has_metrics_token;		/* [metrics] token_file was given */
	uint8_t metrics_token[STORE_HASH_SIZE];	/* BLAKE2b-256 of its token */
};

/*
 * Load what cfg names. The certificate comes from the signing key's
 * directory (".key" replaced by ".cert") and must carry the key's public
 * key. Returns 0, or -1 with err naming the file.
 */
int keyring_load(struct keyring *k, const struct config *cfg,
    struct pn_error *err);

void keyring_free(struct keyring *k);

/* The keyring of the running server (set once at start-up). */
const struct keyring *keyring_current(void);
void keyring_set_current(const struct keyring *k);

/*
 * Whether given (the text after "Bearer ", or NULL) is the token of
 * [metrics] token_file, compared in constant time.
 */
bool keyring_metrics_token_ok(const struct keyring *k, const char *given);

/*
 * The Ed25519 key pair of venue user user_id's browser terminal
 * (web_terminal.h), derived from the reference secret: the server signs
 * for that browser without storing a key, and the pair is the same after
 * a restart. 0, or -1 when no reference secret is configured.
 */
int keyring_web_terminal_key(const struct keyring *k, int64_t user_id,
    uint8_t pk[32], uint8_t sk[64]);

/* Keyed BLAKE2b-256 of a caseworker's file reference. */
void keyring_ref_hash(const struct keyring *k, const char *ref,
    uint8_t out[STORE_HASH_SIZE]);

#endif
