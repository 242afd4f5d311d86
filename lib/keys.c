/* keys.c -- master and signing key pairs: generation, key files, wiping.
 *
 * Key files (docs/keys.md), big-endian:
 *   master.key   "PNMSEC01" || seed[32]                  mode 0600
 *   master.pub   "PNMPUB01" || public key[32]
 *   signing key  "PNSSEC01" || kid[2] || seed[32]        mode 0600
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "passnum/keys.h"
#include "passnum/fileio.h"
#include "wire.h"

#define MAGIC_LEN	8
#define MASTER_SECRET	"PNMSEC01"
#define MASTER_PUBLIC	"PNMPUB01"
#define SIGNING_SECRET	"PNSSEC01"
#define SEED_LEN	crypto_sign_SEEDBYTES
#define MASTER_FILE_LEN	(MAGIC_LEN + SEED_LEN)
#define SIGNING_FILE_LEN (MAGIC_LEN + 2 + SEED_LEN)

/*
 * Make a secret key in guarded memory from seed (or at random when seed is
 * NULL), filling pk. Returns the 64-byte secret, read-only, or NULL.
 */
static uint8_t *
secret_new(const uint8_t *seed, uint8_t pk[32], struct pn_error *err)
{
	uint8_t *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	int rc;

	if (sk == NULL) {
		pn_error_set(err, PN_E_NOMEM, "cannot allocate secure memory "
		    "for a key");
		return NULL;
	}
	rc = seed != NULL ? crypto_sign_seed_keypair(pk, sk, seed) :
	    crypto_sign_keypair(pk, sk);
	if (rc != 0 || sodium_mprotect_readonly(sk) != 0) {
		sodium_free(sk);
		pn_error_set(err, PN_E_CRYPTO, "key generation failed");
		return NULL;
	}
	return sk;
}

/*
 * Write a secret key file: magic, optional kid, seed of sk. The buffer that
 * holds the seed is guarded memory, wiped when freed.
 */
static int
secret_save(const char *path, const char *magic, const uint16_t *kid,
    const uint8_t *sk, struct pn_error *err)
{
	size_t len = MAGIC_LEN + (kid != NULL ? 2 : 0) + SEED_LEN;
	uint8_t *buf = sodium_malloc(len);
	struct pn_writer w;
	int rc;

	if (buf == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of secure memory");
	pn_writer_init(&w, buf, len);
	pn_write_bytes(&w, magic, MAGIC_LEN);
	if (kid != NULL)
		pn_write_u16(&w, *kid);
	if (crypto_sign_ed25519_sk_to_seed(buf + w.off, sk) != 0) {
		sodium_free(buf);
		return pn_error_set(err, PN_E_CRYPTO, "cannot extract seed");
	}
	rc = pn_file_write(path, buf, len, S_IRUSR | S_IWUSR, false, err);
	sodium_free(buf);
	return rc;
}

struct pn_master_key *
pn_master_key_from_seed(const uint8_t seed[32], struct pn_error *err)
{
	struct pn_master_key *k = calloc(1, sizeof(*k));

	if (k == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	if ((k->sk = secret_new(seed, k->pk, err)) == NULL) {
		free(k);
		return NULL;
	}
	return k;
}

struct pn_master_key *
pn_master_key_generate(struct pn_error *err)
{
	return pn_master_key_from_seed(NULL, err);
}

void
pn_master_key_free(struct pn_master_key *key)
{
	if (key == NULL)
		return;
	sodium_free(key->sk);
	free(key);
}

int
pn_master_key_save(const struct pn_master_key *key, const char *dir,
    struct pn_error *err)
{
	char sec[4096], pub[4096];
	uint8_t buf[MAGIC_LEN + 32];

	if (pn_dir_ensure(dir, S_IRWXU, err) != 0 ||
	    pn_path_join(sec, sizeof(sec), dir, PN_MASTER_SECRET_FILE, err) ||
	    pn_path_join(pub, sizeof(pub), dir, PN_MASTER_PUBLIC_FILE, err))
		return -1;
	if (access(sec, F_OK) == 0 || access(pub, F_OK) == 0)
		return pn_error_set(err, PN_E_EXISTS, "%s: a master key is "
		    "already there; refusing to overwrite it", dir);
	memcpy(buf, MASTER_PUBLIC, MAGIC_LEN);
	memcpy(buf + MAGIC_LEN, key->pk, 32);
	if (secret_save(sec, MASTER_SECRET, NULL, key->sk, err) != 0)
		return -1;
	if (pn_file_write(pub, buf, sizeof(buf), 0644, false, err) != 0) {
		/* Leave no secret key without its public half. */
		unlink(sec);
		return -1;
	}
	return 0;
}

struct pn_master_key *
pn_master_key_parse(const uint8_t *in, size_t len, struct pn_error *err)
{
	if (len != MASTER_FILE_LEN || memcmp(in, MASTER_SECRET, MAGIC_LEN)) {
		pn_error_set(err, PN_E_FORMAT, "not a passnum master secret "
		    "key (expected %d bytes starting with %s)", MASTER_FILE_LEN,
		    MASTER_SECRET);
		return NULL;
	}
	return pn_master_key_from_seed(in + MAGIC_LEN, err);
}

struct pn_master_key *
pn_master_key_load(const char *dir, struct pn_error *err)
{
	struct pn_master_key *k;
	char path[4096];
	uint8_t *buf;
	size_t len;

	if (pn_path_join(path, sizeof(path), dir, PN_MASTER_SECRET_FILE, err))
		return NULL;
	if (pn_file_read_secret(path, 4096, &buf, &len, err) != 0)
		return NULL;
	k = pn_master_key_parse(buf, len, err);
	sodium_free(buf);
	if (k == NULL)
		pn_error_prefix(err, path);
	return k;
}

int
pn_master_public_load(const char *path, uint8_t pk[32], struct pn_error *err)
{
	char file[4096];
	struct stat st;
	uint8_t *buf;
	size_t len;
	int rc = 0;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (pn_path_join(file, sizeof(file), path,
		    PN_MASTER_PUBLIC_FILE, err))
			return -1;
	} else if (snprintf(file, sizeof(file), "%s", path) >=
	    (int)sizeof(file))
		return pn_error_set(err, PN_E_ARG, "%s: path too long", path);
	if (pn_file_read(file, 4096, &buf, &len, err) != 0)
		return -1;
	if (len != MAGIC_LEN + 32 || memcmp(buf, MASTER_PUBLIC, MAGIC_LEN))
		rc = pn_error_set(err, PN_E_FORMAT, "%s: not a passnum master "
		    "public key (expected %d bytes starting with %s)", file,
		    MAGIC_LEN + 32, MASTER_PUBLIC);
	else
		memcpy(pk, buf + MAGIC_LEN, 32);
	free(buf);
	return rc;
}

struct pn_signing_key *
pn_signing_key_from_seed(uint16_t kid, const uint8_t seed[32],
    struct pn_error *err)
{
	struct pn_signing_key *k;

	if (kid == 0) {
		pn_error_set(err, PN_E_ARG, "kid 0 is reserved; use 1..65535");
		return NULL;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	k->kid = kid;
	if ((k->sk = secret_new(seed, k->pk, err)) == NULL) {
		free(k);
		return NULL;
	}
	return k;
}

struct pn_signing_key *
pn_signing_key_generate(uint16_t kid, struct pn_error *err)
{
	return pn_signing_key_from_seed(kid, NULL, err);
}

void
pn_signing_key_free(struct pn_signing_key *key)
{
	if (key == NULL)
		return;
	sodium_free(key->sk);
	free(key);
}

int
pn_signing_key_save(const struct pn_signing_key *key, const char *path,
    struct pn_error *err)
{
	return secret_save(path, SIGNING_SECRET, &key->kid, key->sk, err);
}

struct pn_signing_key *
pn_signing_key_parse(const uint8_t *in, size_t len, struct pn_error *err)
{
	uint16_t kid;

	if (len != SIGNING_FILE_LEN || memcmp(in, SIGNING_SECRET, MAGIC_LEN)) {
		pn_error_set(err, PN_E_FORMAT, "not a passnum signing key "
		    "(expected %d bytes starting with %s)", SIGNING_FILE_LEN,
		    SIGNING_SECRET);
		return NULL;
	}
	kid = (uint16_t)(in[MAGIC_LEN] << 8 | in[MAGIC_LEN + 1]);
	return pn_signing_key_from_seed(kid, in + MAGIC_LEN + 2, err);
}

struct pn_signing_key *
pn_signing_key_load(const char *path, struct pn_error *err)
{
	struct pn_signing_key *k;
	uint8_t *buf;
	size_t len;

	if (pn_file_read_secret(path, 4096, &buf, &len, err) != 0)
		return NULL;
	k = pn_signing_key_parse(buf, len, err);
	sodium_free(buf);
	if (k == NULL)
		pn_error_prefix(err, path);
	return k;
}

int
pn_signing_key_filename(uint16_t kid, char *buf, size_t len)
{
	int n = snprintf(buf, len, "signing-%05u.key", (unsigned)kid);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
pn_cert_filename(uint16_t kid, char *buf, size_t len)
{
	int n = snprintf(buf, len, "signing-%05u.cert", (unsigned)kid);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
pn_key_dir_ensure(const char *dir, struct pn_error *err)
{
	return pn_dir_ensure(dir, S_IRWXU, err);
}

int
pn_secret_file_write(const char *path, const uint8_t *data, size_t len,
    struct pn_error *err)
{
	return pn_file_write(path, data, len, S_IRUSR | S_IWUSR, false, err);
}

uint8_t *
pn_secret_file_read(const char *path, size_t len, struct pn_error *err)
{
	uint8_t *buf;
	size_t got;

	if (pn_file_read_secret(path, len, &buf, &got, err) != 0)
		return NULL;
	if (got != len) {
		sodium_free(buf);
		pn_error_set(err, PN_E_FORMAT, "%s: %zu bytes, expected %zu",
		    path, got, len);
		return NULL;
	}
	return buf;
}

void
pn_secret_free(uint8_t *secret)
{
	sodium_free(secret);
}
