/* devkey.h -- the terminal's Ed25519 device key, which signs its requests and records. */
#ifndef PN_TERM_DEVKEY_H
#define PN_TERM_DEVKEY_H

#include <stdint.h>

#include "passnum/error.h"

#define TERM_DEVKEY_SIZE 64	/* libsodium's secret key: seed || public key */

/*
 * Make a fresh key and write it to path (mode 0600, never over an existing
 * file). pk receives its public half. Returns 0, or -1 with err.
 */
int term_devkey_create(const char *path, uint8_t pk[32], struct pn_error *err);

/*
 * Load the key at path, refusing a file group or others may access, into
 * sodium_malloc() memory freed with pn_secret_free(); pk receives the
 * public half. NULL with err on failure.
 */
uint8_t *term_devkey_load(const char *path, uint8_t pk[32],
    struct pn_error *err);

#endif
