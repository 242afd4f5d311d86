/* admin_bundle.c -- passnum-admin bundle: sign the trust bundle for terminals.
 *
 *   bundle --master DIR --certs DIR --seq N --out FILE [--revoke LIST]
 *          [--at TIME]
 *
 * Every *.cert file of the certificates directory must be signed by the
 * master key (one that is not stops the command: a stray file is a question
 * for a person). Certificates whose verify_until has passed are left out,
 * as are revoked ones, whose kids go on the revocation list.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "passnum/keys.h"
#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "passnum/trust.h"
#include "admin.h"

#define CMD "bundle"

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
parse_revoked(const char *list, struct pn_trust *t)
{
	char *copy = strdup(list), *tok, *save = NULL;
	struct pn_error err;
	uint64_t kid;
	int rc = 0;

	if (copy == NULL)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ",", &save)) {
		if (pn_parse_u64(tok, UINT16_MAX, &kid) != 0 || kid == 0) {
			admin_usage_error(CMD, "--revoke: '%s' is not a key id "
			    "(1..65535)", tok);
			rc = -1;
		} else if (pn_trust_revoke(t, (uint16_t)kid, &err) != 0) {
			admin_usage_error(CMD, "--revoke: %s", err.message);
			rc = -1;
		}
	}
	free(copy);
	return rc;
}

/* Add every certificate of dir that is current and not revoked. */
static int
add_certs(struct pn_trust *t, const char *dir, int64_t now,
    struct pn_error *err)
{
	struct dirent *de;
	struct pn_cert c;
	char path[4096];
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL)
		return pn_error_set(err, PN_E_IO, "%s: cannot open the "
		    "certificates directory", dir);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!ends_with(de->d_name, ".cert"))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path)) {
			rc = pn_error_set(err, PN_E_ARG, "%s: path too long",
			    dir);
			break;
		}
		if (pn_cert_load(path, t->master_pk, &c, err) != 0) {
			rc = -1;
			break;
		}
		if (pn_trust_is_revoked(t, c.kid)) {
			fprintf(stderr, "note: kid %u is revoked: its "
			    "certificate is left out\n", c.kid);
			continue;
		}
		if (c.verify_until < now) {
			fprintf(stderr, "note: kid %u no longer verifies "
			    "(verify_until passed): left out\n", c.kid);
			continue;
		}
		rc = pn_trust_add_cert(t, &c, err);
	}
	closedir(d);
	return rc;
}

int
admin_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "master", required_argument, NULL, 'm' },
		{ "certs", required_argument, NULL, 'c' },
		{ "seq", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "revoke", required_argument, NULL, 'r' },
		{ "at", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *master_dir = NULL, *certs = NULL, *out = NULL;
	const char *revoke = NULL;
	struct pn_master_key *master = NULL;
	struct pn_trust *t = NULL, *old;
	struct pn_error err;
	int64_t now = (int64_t)time(NULL);
	uint64_t seq = 0;
	bool have_seq = false;
	int c, rc = ADMIN_EXIT_FAIL;
	size_t i;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			master_dir = optarg;
			break;
		case 'c':
			certs = optarg;
			break;
		case 's':
			if (pn_parse_u64(optarg, UINT64_MAX, &seq) != 0 ||
			    seq == 0)
				return admin_usage_error(CMD, "--seq: '%s' is "
				    "not a positive number", optarg);
			have_seq = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			revoke = optarg;
			break;
		case 'a':
			if (admin_parse_time(CMD, "--at", optarg, &now) != 0)
				return ADMIN_EXIT_USAGE;
			break;
		default:
			return ADMIN_EXIT_USAGE;
		}
	}
	if (master_dir == NULL || certs == NULL || out == NULL || !have_seq ||
	    optind != argc)
		return admin_usage_error(CMD, "usage: bundle --master DIR "
		    "--certs DIR --seq N --out FILE [--revoke LIST] [--at "
		    "TIME]");
	if ((master = pn_master_key_load(master_dir, &err)) == NULL)
		goto fail;
	/* Terminals refuse a number they have passed: catch it here. */
	if (access(out, F_OK) == 0) {
		if ((old = pn_trust_load(out, master->pk, 0, &err)) == NULL)
			goto fail;
		if (old->seq >= seq) {
			fprintf(stderr, "passnum-admin %s: %s holds bundle "
			    "number %llu; terminals accept only a higher "
			    "number than %llu\n", CMD, out,
			    (unsigned long long)old->seq,
			    (unsigned long long)old->seq);
			pn_trust_free(old);
			goto done;
		}
		pn_trust_free(old);
	}
	if ((t = pn_trust_new(master->pk, seq, now)) == NULL) {
		pn_error_set(&err, PN_E_NOMEM, "out of memory");
		goto fail;
	}
	if (revoke != NULL && parse_revoked(revoke, t) != 0) {
		rc = ADMIN_EXIT_USAGE;
		goto done;
	}
	if (add_certs(t, certs, now, &err) != 0 ||
	    pn_trust_sign(t, master, &err) != 0 ||
	    pn_trust_save(t, out, &err) != 0)
		goto fail;
	printf("trust bundle number %llu written to %s: %zu key(s)",
	    (unsigned long long)seq, out, t->n_certs);
	for (i = 0; i < t->n_certs; i++)
		printf("%s%u", i == 0 ? " (kid " : ", ", t->certs[i].kid);
	printf("%s, %zu revoked\n", t->n_certs > 0 ? ")" : "", t->n_revoked);
	if (t->n_certs == 0)
		fprintf(stderr, "warning: the bundle certifies no key: no "
		    "voucher will verify with it\n");
	rc = ADMIN_EXIT_OK;
	goto done;
fail:
	fprintf(stderr, "passnum-admin %s: %s\n", CMD, err.message);
done:
	pn_trust_free(t);
	pn_master_key_free(master);
	return rc;
}
