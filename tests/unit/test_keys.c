/* test_keys.c -- key generation, key files, permissions, parsing. */
#include "testkeys.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

struct fixture {
	char dir[256];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	assert_int_equal(pn_init(), 0);
	snprintf(f->dir, sizeof(f->dir), "%s/pn-keys-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Sign a message with sk and check it under pk: the pair belongs together. */
static void
assert_pair(const uint8_t *sk, const uint8_t pk[32])
{
	uint8_t sig[64];
	static const uint8_t msg[] = "pair";

	assert_int_equal(crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk),
	    0);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof(msg), pk),
	    0);
}

static void
test_master_save_load(void **state)
{
	struct fixture *f = *state;
	struct pn_master_key *m = pn_master_key_generate(NULL), *back;
	struct pn_error err;
	char path[512];
	uint8_t pk[32];

	assert_non_null(m);
	snprintf(path, sizeof(path), "%s/master", f->dir);
	assert_int_equal(pn_master_key_save(m, path, &err), 0);
	snprintf(path, sizeof(path), "%s/master/master.key", f->dir);
	assert_int_equal(mode_of(path), 0600);
	snprintf(path, sizeof(path), "%s/master", f->dir);
	assert_int_equal(mode_of(path), 0700);
	back = pn_master_key_load(path, &err);
	assert_non_null(back);
	assert_memory_equal(back->pk, m->pk, 32);
	assert_pair(back->sk, m->pk);
	assert_int_equal(pn_master_public_load(path, pk, &err), 0);
	assert_memory_equal(pk, m->pk, 32);
	snprintf(path, sizeof(path), "%s/master/master.pub", f->dir);
	assert_int_equal(pn_master_public_load(path, pk, &err), 0);
	assert_memory_equal(pk, m->pk, 32);

	/* Never overwrite a master key. */
	snprintf(path, sizeof(path), "%s/master", f->dir);
	assert_int_equal(pn_master_key_save(back, path, &err), -1);
	assert_int_equal(err.code, PN_E_EXISTS);
	pn_master_key_free(back);
	pn_master_key_free(m);
	pn_master_key_free(NULL);
}

static void
test_refuses_readable_secret(void **state)
{
	struct fixture *f = *state;
	struct pn_master_key *m = tk_master();
	struct pn_signing_key *k = tk_signing(4), *back;
	struct pn_error err;
	char dir[512], path[600];

	snprintf(dir, sizeof(dir), "%s/loose", f->dir);
	assert_int_equal(pn_master_key_save(m, dir, &err), 0);
	snprintf(path, sizeof(path), "%s/master.key", dir);
	assert_int_equal(chmod(path, 0644), 0);
	assert_null(pn_master_key_load(dir, &err));
	assert_int_equal(err.code, PN_E_PERM);
	assert_non_null(strstr(err.message, "0644"));
	assert_non_null(strstr(err.message, "accessible to others"));
	assert_non_null(strstr(err.message, path));
	assert_int_equal(chmod(path, 0640), 0);
	assert_null(pn_master_key_load(dir, &err));
	assert_int_equal(err.code, PN_E_PERM);
	assert_int_equal(chmod(path, 0400), 0);	/* owner-only is fine */
	pn_master_key_free(pn_master_key_load(dir, &err));

	snprintf(path, sizeof(path), "%s/signing-00004.key", f->dir);
	assert_int_equal(pn_signing_key_save(k, path, &err), 0);
	assert_int_equal(mode_of(path), 0600);
	back = pn_signing_key_load(path, &err);
	assert_non_null(back);
	assert_int_equal(back->kid, 4);
	assert_memory_equal(back->pk, k->pk, 32);
	assert_pair(back->sk, k->pk);
	pn_signing_key_free(back);
	assert_int_equal(chmod(path, 0604), 0);
	assert_null(pn_signing_key_load(path, &err));
	assert_int_equal(err.code, PN_E_PERM);
	/* And the existing file is not overwritten. */
	assert_int_equal(pn_signing_key_save(k, path, &err), -1);
	assert_int_equal(err.code, PN_E_EXISTS);
	pn_signing_key_free(k);
	pn_master_key_free(m);
}

static void
test_seeds_are_deterministic(void **state)
{
	struct pn_signing_key *a = tk_signing(5), *b = tk_signing(5);
	struct pn_master_key *m1 = tk_master(), *m2 = tk_master_with(1);

	(void)state;
	assert_memory_equal(a->pk, b->pk, 32);
	assert_memory_not_equal(m1->pk, m2->pk, 32);
	pn_signing_key_free(a);
	pn_signing_key_free(b);
	pn_master_key_free(m1);
	pn_master_key_free(m2);
}

static void
test_parse_errors(void **state)
{
	uint8_t buf[64];
	struct pn_error err;
	uint8_t seed[32] = { 0 };

	(void)state;
	memset(buf, 0, sizeof(buf));
	assert_null(pn_master_key_parse(buf, 40, &err));
	assert_int_equal(err.code, PN_E_FORMAT);
	memcpy(buf, "PNMSEC01", 8);
	assert_null(pn_master_key_parse(buf, 39, &err));
	assert_int_equal(err.code, PN_E_FORMAT);
	assert_null(pn_master_key_parse(buf, 41, &err));
	pn_master_key_free(pn_master_key_parse(buf, 40, &err));
	/* A signing key file given where a master key is expected. */
	memcpy(buf, "PNSSEC01", 8);
	assert_null(pn_master_key_parse(buf, 42, &err));
	assert_int_equal(err.code, PN_E_FORMAT);
	assert_null(pn_signing_key_parse(buf, 41, &err));
	/* kid 0 is refused. */
	assert_null(pn_signing_key_parse(buf, 42, &err));
	assert_int_equal(err.code, PN_E_ARG);
	buf[9] = 3;
	{
		struct pn_signing_key *k = pn_signing_key_parse(buf, 42, &err);

		assert_non_null(k);
		assert_int_equal(k->kid, 3);
		pn_signing_key_free(k);
	}
	assert_null(pn_signing_key_from_seed(0, seed, &err));
}

static void
test_missing_and_wrong_files(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	char path[512];
	uint8_t pk[32];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/nowhere", f->dir);
	assert_null(pn_master_key_load(path, &err));
	assert_int_equal(err.code, PN_E_IO);
	assert_non_null(strstr(err.message, "nowhere"));
	assert_int_equal(pn_master_public_load(path, pk, &err), -1);
	snprintf(path, sizeof(path), "%s/junk.pub", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("not a key\n", fp);
	fclose(fp);
	assert_int_equal(pn_master_public_load(path, pk, &err), -1);
	assert_int_equal(err.code, PN_E_FORMAT);
	assert_non_null(strstr(err.message, "junk.pub"));
	/* A directory is not a key file. */
	assert_null(pn_signing_key_load(f->dir, &err));
	assert_int_equal(err.code, PN_E_IO);
}

static void
test_filenames(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(pn_signing_key_filename(7, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "signing-00007.key");
	assert_int_equal(pn_cert_filename(65535, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "signing-65535.cert");
	assert_int_equal(pn_cert_filename(1, buf, 8), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_master_save_load),
		cmocka_unit_test(test_refuses_readable_secret),
		cmocka_unit_test(test_seeds_are_deterministic),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_missing_and_wrong_files),
		cmocka_unit_test(test_filenames),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
