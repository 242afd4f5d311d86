/* keyring.c -- loading and holding the server's keys. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "passnum/fileio.h"
#include "passnum/keys.h"
#include "passnum/trust.h"
#include "keyring.h"

static const struct keyring *current;

static int
load_signing(struct keyring *k, const char *key_path, struct pn_error *err)
{
	char cert_path[CONFIG_PATH_MAX];
	size_t n = strlen(key_path);

	if (n < 4 || strcmp(key_path + n - 4, ".key") != 0 ||
	    n + 2 > sizeof(cert_path))
		return pn_error_set(err, PN_E_ARG, "%s: a signing key file "
		    "name ends in .key (its certificate ends in .cert)",
		    key_path);
	memcpy(cert_path, key_path, n - 4);
	memcpy(cert_path + n - 4, ".cert", 6);
	if ((k->signing = pn_signing_key_load(key_path, err)) == NULL ||
	    pn_cert_load(cert_path, NULL, &k->cert, err) != 0)
		return -1;
	if (k->cert.kid != k->signing->kid ||
	    memcmp(k->cert.pk, k->signing->pk, 32) != 0)
		return pn_error_set(err, PN_E_FORMAT, "%s: certificate of kid "
		    "%u does not match the signing key %s", cert_path,
		    k->cert.kid, key_path);
	return 0;
}

/*
 * Check the signing key's certificate (k->cert, read from the ".cert" beside
 * key_path) against the bundle k->trust, itself verified under its master
 * key: the certificate must be signed by that master key, and the bundle
 * must list this kid with a certificate identical to the file's. The file
 * is not trusted on its own: an edited sign_until would let the server sign
 * vouchers that terminals refuse. Returns 0, or -1 with err naming the
 * certificate file and what is wrong.
 */
static int
check_signing_cert(const struct keyring *k, const char *key_path,
    const char *bundle_path, struct pn_error *err)
{
	uint8_t mine[PN_CERT_MAX_SIZE], listed[PN_CERT_MAX_SIZE];
	const struct pn_cert *in_bundle;
	char cert_path[CONFIG_PATH_MAX];
	size_t n = strlen(key_path), mine_len, listed_len;

	/* load_signing() checked the name ends in ".key" and fits. */
	memcpy(cert_path, key_path, n - 4);
	memcpy(cert_path + n - 4, ".cert", 6);
	if (!pn_cert_verify(&k->cert, k->trust->master_pk))
		return pn_error_set(err, PN_E_SIGNATURE, "%s: certificate of "
		    "kid %u is not signed by the master key of the trust "
		    "bundle %s (edited, or made by another master key); "
		    "refusing to sign with it", cert_path, k->cert.kid,
		    bundle_path);
	if ((in_bundle = pn_trust_find(k->trust, k->signing->kid)) == NULL)
		return pn_error_set(err, PN_E_UNTRUSTED, "%s: the bundle does "
		    "not certify signing key %u: terminals would refuse its "
		    "vouchers", bundle_path, k->signing->kid);
	mine_len = pn_cert_encode(&k->cert, mine, sizeof(mine));
	listed_len = pn_cert_encode(in_bundle, listed, sizeof(listed));
	if (mine_len == 0 || mine_len != listed_len ||
	    memcmp(mine, listed, mine_len) != 0)
		return pn_error_set(err, PN_E_UNTRUSTED, "%s: certificate of "
		    "kid %u differs from the one the trust bundle %s lists "
		    "for this kid", cert_path, k->cert.kid, bundle_path);
	if (pn_trust_is_revoked(k->trust, k->signing->kid))
		return pn_error_set(err, PN_E_UNTRUSTED, "%s: the trust bundle "
		    "revokes signing key %u", bundle_path, k->signing->kid);
	return 0;
}

/*
 * The token of [metrics] token_file: its first line (at least 16
 * characters), kept as its BLAKE2b-256 hash.
 */
static int
load_metrics_token(struct keyring *k, const char *path, struct pn_error *err)
{
	uint8_t *text;
	size_t len, n;

	if (pn_file_read_secret(path, 1024, &text, &len, err) != 0)
		return -1;
	for (n = 0; n < len && text[n] != '\n' && text[n] != '\r'; n++)
		;
	if (n < 16) {
		sodium_free(text);
		return pn_error_set(err, PN_E_FORMAT, "%s: [metrics] token_file "
		    "holds a token of at least 16 characters on its first line",
		    path);
	}
	crypto_generichash(k->metrics_token, STORE_HASH_SIZE, text, n, NULL, 0);
	k->has_metrics_token = true;
	sodium_memzero(text, len);
	sodium_free(text);
	return 0;
}

bool
keyring_metrics_token_ok(const struct keyring *k, const char *given)
{
	uint8_t hash[STORE_HASH_SIZE];

	if (k == NULL || !k->has_metrics_token || given == NULL)
		return false;
	crypto_generichash(hash, STORE_HASH_SIZE, (const uint8_t *)given,
	    strlen(given), NULL, 0);
	return sodium_memcmp(hash, k->metrics_token, STORE_HASH_SIZE) == 0;
}

int
keyring_load(struct keyring *k, const struct config *cfg,
    struct pn_error *err)
{
	struct pn_trust *t;

	memset(k, 0, sizeof(*k));
	if (cfg->keys.signing_key[0] != '\0' &&
	    load_signing(k, cfg->keys.signing_key, err) != 0)
		goto fail;
	if (cfg->keys.trust_bundle[0] != '\0') {
		if ((t = pn_trust_load(cfg->keys.trust_bundle, NULL, 0, err)) ==
		    NULL)
			goto fail;
		/* The encoding is canonical: these are the file's bytes. */
		if (pn_trust_encode(t, &k->bundle, &k->bundle_len, err) != 0) {
			pn_trust_free(t);
			goto fail;
		}
		k->trust = t;
		if (k->signing != NULL && check_signing_cert(k,
		    cfg->keys.signing_key, cfg->keys.trust_bundle, err) != 0)
			goto fail;
	} else if (k->signing != NULL) {
		pn_error_set(err, PN_E_UNTRUSTED, "%s: no [keys] trust_bundle "
		    "is configured, so the certificate of this signing key "
		    "cannot be checked against the master key",
		    cfg->keys.signing_key);
		goto fail;
	}
	if (cfg->keys.ref_secret[0] != '\0' && (k->ref_secret =
	    pn_secret_file_read(cfg->keys.ref_secret, 32, err)) == NULL)
		goto fail;
	if (cfg->metrics.token_file[0] != '\0' &&
	    load_metrics_token(k, cfg->metrics.token_file, err) != 0)
		goto fail;
	return 0;
fail:
	keyring_free(k);
	return -1;
}

void
keyring_free(struct keyring *k)
{
	pn_signing_key_free(k->signing);
	free(k->bundle);
	pn_trust_free(k->trust);
	if (k->ref_secret != NULL)
		pn_secret_free(k->ref_secret);
	memset(k, 0, sizeof(*k));
}

const struct keyring *
keyring_current(void)
{
	return current;
}

void
keyring_set_current(const struct keyring *k)
{
	current = k;
}

void
keyring_ref_hash(const struct keyring *k, const char *ref,
    uint8_t out[STORE_HASH_SIZE])
{
	crypto_generichash(out, STORE_HASH_SIZE, (const uint8_t *)ref,
	    strlen(ref), k->ref_secret, 32);
}

/*
 * crypto_kdf's context keeps this derivation apart from the keyed hash of
 * file references made with the same secret; the subkey id is the user's.
 */
int
keyring_web_terminal_key(const struct keyring *k, int64_t user_id,
    uint8_t pk[32], uint8_t sk[64])
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	int rc;

	if (k->ref_secret == NULL || user_id <= 0)
		return -1;
	rc = crypto_kdf_derive_from_key(seed, sizeof(seed), (uint64_t)user_id,
	    "PNWEBTRM", k->ref_secret);
	if (rc == 0)
		rc = crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
	return rc == 0 ? 0 : -1;
}
