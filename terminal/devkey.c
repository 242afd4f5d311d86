/* devkey.c -- making and loading the device key file. */
#include <string.h>

#include <sodium.h>

#include "devkey.h"
#include "passnum/keys.h"

int
term_devkey_create(const char *path, uint8_t pk[32], struct pn_error *err)
{
	uint8_t *sk;
	int rc;

	/* Secret bytes only ever in guarded memory, wiped when freed. */
	if ((sk = sodium_malloc(TERM_DEVKEY_SIZE)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	if (crypto_sign_keypair(pk, sk) != 0) {
		sodium_free(sk);
		return pn_error_set(err, PN_E_CRYPTO, "création de la clé du "
		    "poste impossible");
	}
	rc = pn_secret_file_write(path, sk, TERM_DEVKEY_SIZE, err);
	sodium_free(sk);
	return rc;
}

uint8_t *
term_devkey_load(const char *path, uint8_t pk[32], struct pn_error *err)
{
	uint8_t *sk = pn_secret_file_read(path, TERM_DEVKEY_SIZE, err);
	uint8_t check[32], seed[32];
	uint8_t *tmp;

	if (sk == NULL)
		return NULL;
	/*
	 * The public half is stored in the file too; recompute it from the
	 * seed so that a damaged file is caught here, not as "bad signature"
	 * answers from the server.
	 */
	if ((tmp = sodium_malloc(TERM_DEVKEY_SIZE)) == NULL) {
		pn_secret_free(sk);
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		return NULL;
	}
	crypto_sign_ed25519_sk_to_seed(seed, sk);
	crypto_sign_seed_keypair(check, tmp, seed);
	sodium_memzero(seed, sizeof(seed));
	sodium_free(tmp);
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	if (sodium_memcmp(check, pk, 32) != 0) {
		pn_secret_free(sk);
		pn_error_set(err, PN_E_FORMAT, "%s : clé du poste abîmée "
		    "(ses deux moitiés ne correspondent pas). Prévenez le "
		    "Département", path);
		return NULL;
	}
	return sk;
}
