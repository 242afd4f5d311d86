/* keys.h -- the master key and the signing keys, in memory and on disk.
 *
 * Secret keys live in sodium_malloc() memory, read-only once made, and are
 * wiped when freed. Files holding a secret are created with mode 0600 and
 * refused when group or others may access them. Formats: docs/keys.md.
 */
#ifndef PASSNUM_KEYS_H
#define PASSNUM_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"

#define PN_MASTER_SECRET_FILE	"master.key"
#define PN_MASTER_PUBLIC_FILE	"master.pub"

struct pn_master_key {
	uint8_t pk[32];
	uint8_t *sk;		/* 64 bytes in sodium_malloc() memory */
};

struct pn_signing_key {
	uint16_t kid;
	uint8_t pk[32];
	uint8_t *sk;		/* 64 bytes in sodium_malloc() memory */
};

/* Make a fresh key from the system's random source. NULL on failure. */
struct pn_master_key *pn_master_key_generate(struct pn_error *err);

/* Derive a key from a 32-byte seed (tests and worked examples only). */
struct pn_master_key *pn_master_key_from_seed(const uint8_t seed[32],
    struct pn_error *err);

/*
 * Write DIR/master.key (0600) and DIR/master.pub. DIR is created (0700) if
 * missing. Existing key files are never overwritten.
 */
int pn_master_key_save(const struct pn_master_key *key, const char *dir,
    struct pn_error *err);

/* Load DIR/master.key, refusing a file readable by group or others. */
struct pn_master_key *pn_master_key_load(const char *dir, struct pn_error *err);

/*
 * Read a master public key from path: either a master.pub file or a
 * directory that holds one.
 */
int pn_master_public_load(const char *path, uint8_t pk[32],
    struct pn_error *err);

/* Free a key, wiping its secret. NULL is accepted. */
void pn_master_key_free(struct pn_master_key *key);

struct pn_signing_key *pn_signing_key_generate(uint16_t kid,
    struct pn_error *err);
struct pn_signing_key *pn_signing_key_from_seed(uint16_t kid,
    const uint8_t seed[32], struct pn_error *err);

/* Write a signing key file (0600) at path; never overwrites. */
int pn_signing_key_save(const struct pn_signing_key *key, const char *path,
    struct pn_error *err);

/* Load a signing key file, refusing one readable by group or others. */
struct pn_signing_key *pn_signing_key_load(const char *path,
    struct pn_error *err);

void pn_signing_key_free(struct pn_signing_key *key);

/*
 * File names inside a key directory for a signing key: "signing-00007.key"
 * and "signing-00007.cert". Return 0, or -1 when buf is too small.
 */
int pn_signing_key_filename(uint16_t kid, char *buf, size_t len);
int pn_cert_filename(uint16_t kid, char *buf, size_t len);

/* Create a directory for secret keys (mode 0700), and its parents, unless it exists. */
int pn_key_dir_ensure(const char *dir, struct pn_error *err);

/*
 * Write len secret bytes to a new file (mode 0600, never overwriting), or
 * read exactly len of them from one (refused when group or others may
 * access it) into sodium_malloc() memory, freed with pn_secret_free().
 */
int pn_secret_file_write(const char *path, const uint8_t *data, size_t len,
    struct pn_error *err);
uint8_t *pn_secret_file_read(const char *path, size_t len,
    struct pn_error *err);
void pn_secret_free(uint8_t *secret);

/* Parse the bytes of key files (used by the loaders, exposed for fuzzing). */
struct pn_master_key *pn_master_key_parse(const uint8_t *in, size_t len,
    struct pn_error *err);
struct pn_signing_key *pn_signing_key_parse(const uint8_t *in, size_t len,
    struct pn_error *err);

#endif
