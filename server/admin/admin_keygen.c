/* admin_keygen.c -- passnum-admin keygen: make the master key and signing keys.
 *
 *   keygen master --out DIR
 *   keygen signing --master DIR --kid N --valid-from DATE --sign-until DATE
 *                  --verify-until DATE [--programmes LIST] --out DIR
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "admin.h"

static void
print_public_key(const char *label, const uint8_t pk[32])
{
	char hex[65];

	sodium_bin2hex(hex, sizeof(hex), pk, 32);
	printf("%s %s\n", label, hex);
}

static int
keygen_master(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	struct pn_master_key *key;
	struct pn_error err;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o')
			return ADMIN_EXIT_USAGE;
		out = optarg;
	}
	if (out == NULL || optind != argc)
		return admin_usage_error("keygen master", "usage: keygen "
		    "master --out DIR");
	if ((key = pn_master_key_generate(&err)) == NULL ||
	    pn_master_key_save(key, out, &err) != 0) {
		fprintf(stderr, "passnum-admin keygen master: %s\n",
		    err.message);
		pn_master_key_free(key);
		return ADMIN_EXIT_FAIL;
	}
	printf("master key written to %s/%s (secret: keep it offline) and "
	    "%s/%s\n", out, PN_MASTER_SECRET_FILE, out, PN_MASTER_PUBLIC_FILE);
	print_public_key("master public key:", key->pk);
	pn_master_key_free(key);
	return ADMIN_EXIT_OK;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Parse "1,5,9" into c's scope, sorted and without duplicates. */
static int
parse_programmes(const char *list, struct pn_cert *c)
{
	char *copy = strdup(list), *tok, *save = NULL;
	uint64_t v;
	size_t n = 0, i, o;

	if (copy == NULL)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (pn_parse_u64(tok, UINT32_MAX, &v) != 0) {
			admin_usage_error("keygen signing", "--programmes: "
			    "'%s' is not a programme number (0..4294967295)",
			    tok);
			free(copy);
			return -1;
		}
		if (n == PN_CERT_MAX_PROGRAMMES) {
			admin_usage_error("keygen signing", "--programmes: "
			    "at most %d programmes", PN_CERT_MAX_PROGRAMMES);
			free(copy);
			return -1;
		}
		c->programmes[n++] = (uint32_t)v;
	}
	free(copy);
	if (n == 0) {
		admin_usage_error("keygen signing", "--programmes: empty list");
		return -1;
	}
	qsort(c->programmes, n, sizeof(c->programmes[0]), cmp_u32);
	for (i = 1, o = 1; i < n; i++)
		if (c->programmes[i] != c->programmes[o - 1])
			c->programmes[o++] = c->programmes[i];
	c->n_programmes = (uint16_t)o;
	c->all_programmes = false;
	return 0;
}

static int
keygen_signing(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "master", required_argument, NULL, 'm' },
		{ "kid", required_argument, NULL, 'k' },
		{ "valid-from", required_argument, NULL, 'f' },
		{ "sign-until", required_argument, NULL, 's' },
		{ "verify-until", required_argument, NULL, 'v' },
		{ "programmes", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "keygen signing", *master_dir = NULL, *out = NULL;
	struct pn_master_key *master = NULL;
	struct pn_signing_key *key = NULL;
	struct pn_cert cert;
	struct pn_error err;
	char name[64], key_path[4096], cert_path[4096];
	bool have_from = false, have_sign = false, have_verify = false;
	uint64_t kid = 0;
	int c, rc = ADMIN_EXIT_FAIL;

	memset(&cert, 0, sizeof(cert));
	cert.all_programmes = true;
	pn_error_clear(&err);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			master_dir = optarg;
			break;
		case 'k':
			if (pn_parse_u64(optarg, UINT16_MAX, &kid) != 0 ||
			    kid == 0)
				return admin_usage_error(cmd, "--kid: '%s' is "
				    "not a key id (1..65535)", optarg);
			break;
		case 'f':
			if (admin_parse_time(cmd, "--valid-from", optarg,
			    &cert.valid_from))
				return ADMIN_EXIT_USAGE;
			have_from = true;
			break;
		case 's':
			if (admin_parse_time(cmd, "--sign-until", optarg,
			    &cert.sign_until))
				return ADMIN_EXIT_USAGE;
			have_sign = true;
			break;
		case 'v':
			if (admin_parse_time(cmd, "--verify-until", optarg,
			    &cert.verify_until))
				return ADMIN_EXIT_USAGE;
			have_verify = true;
			break;
		case 'p':
			if (parse_programmes(optarg, &cert) != 0)
				return ADMIN_EXIT_USAGE;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return ADMIN_EXIT_USAGE;
		}
	}
	if (master_dir == NULL || out == NULL || kid == 0 || !have_from ||
	    !have_sign || !have_verify || optind != argc)
		return admin_usage_error(cmd, "usage: keygen signing --master "
		    "DIR --kid N --valid-from DATE --sign-until DATE "
		    "--verify-until DATE [--programmes LIST] --out DIR");
	cert.kid = (uint16_t)kid;
	if (pn_cert_check_fields(&cert, &err) != 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
		return ADMIN_EXIT_USAGE;
	}
	if (pn_signing_key_filename(cert.kid, name, sizeof(name)) != 0 ||
	    snprintf(key_path, sizeof(key_path), "%s/%s", out, name) >=
	    (int)sizeof(key_path) ||
	    pn_cert_filename(cert.kid, name, sizeof(name)) != 0 ||
	    snprintf(cert_path, sizeof(cert_path), "%s/%s", out, name) >=
	    (int)sizeof(cert_path))
		pn_error_set(&err, PN_E_ARG, "%s: path too long", out);
	else if (pn_key_dir_ensure(out, &err) == 0)
		err.code = PN_E_OK;
	if (err.code != PN_E_OK) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
		return ADMIN_EXIT_FAIL;
	}
	if (access(key_path, F_OK) == 0 || access(cert_path, F_OK) == 0) {
		fprintf(stderr, "passnum-admin %s: kid %u already exists in %s;"
		    " refusing to overwrite it (a kid is never reused)\n", cmd,
		    cert.kid, out);
		return ADMIN_EXIT_FAIL;
	}
	if ((master = pn_master_key_load(master_dir, &err)) == NULL ||
	    (key = pn_signing_key_generate(cert.kid, &err)) == NULL)
		goto fail;
	memcpy(cert.pk, key->pk, 32);
	if (pn_cert_sign(&cert, master, &err) != 0 ||
	    pn_signing_key_save(key, key_path, &err) != 0)
		goto fail;
	if (pn_cert_save(&cert, cert_path, &err) != 0) {
		/* Leave no key without its certificate. */
		unlink(key_path);
		goto fail;
	}
	printf("signing key %u written to %s (secret, 0600) and its "
	    "certificate to %s\n", cert.kid, key_path, cert_path);
	print_public_key("signing public key:", key->pk);
	rc = ADMIN_EXIT_OK;
	goto done;
fail:
	fprintf(stderr, "passnum-admin %s: %s\n", cmd, err.message);
done:
	pn_signing_key_free(key);
	pn_master_key_free(master);
	return rc;
}

int
admin_keygen(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "master") == 0)
		return keygen_master(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "signing") == 0)
		return keygen_signing(argc - 1, argv + 1);
	return admin_usage_error("keygen", "expected 'master' or 'signing'");
}
