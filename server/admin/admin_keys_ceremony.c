/* admin_keys_ceremony.c -- the offline key ceremony: prepare, certify, install.
 *
 *   keys prepare --config FILE [--sign-days N] [--verify-days N] --out REQ
 *   keys prepare-revoke --config FILE --kid N --out REQ
 *   keys certify --master DIR --request REQ --out CERTDIR     (offline)
 *   keys install --config FILE --from CERTDIR
 *
 * The master secret key never comes to the server. The server makes its
 * next signing key (the secret stays in its key directory, 0600) and a
 * request (lib/keyreq.c) that carries the new key's certificate to sign,
 * or a kid to revoke, and its current trust bundle, signed by its current
 * signing key. The operator carries the request to the offline machine,
 * where certify checks the request against the master key alone (no
 * configuration, no database) and writes the certificate and the next
 * bundle into CERTDIR. The operator carries CERTDIR back; install checks it
 * against the master public key of the bundle the server holds and against
 * the request it kept (KEYDIR/pending.request), then puts it in place.
 * Procedure: docs/keys.md.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "passnum/cert.h"
#include "passnum/keyreq.h"
#include "passnum/keys.h"
#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "passnum/trust.h"
#include "admin.h"
#include "admin_keys.h"
#include "config.h"
#include "config_file.h"
#include "store.h"

#define PENDING_FILE "pending.request"
#define BUNDLE_FILE "trust.bundle"

/* What the server side of the ceremony reads before it writes. */
struct server_side {
	struct config cfg;
	struct store *s;
	struct pn_trust *held;		/* the bundle terminals have now */
	struct pn_cert current;		/* the key passnumd signs with now */
	char key_dir[CONFIG_PATH_MAX];
	char pending[CONFIG_PATH_MAX + 32];
};

static int
fail(const char *cmd, const struct pn_error *err, const char *then)
{
	fprintf(stderr, "passnum-admin %s: %s\n", cmd, err->message);
	if (then != NULL)
		fprintf(stderr, "%s\n", then);
	return ADMIN_EXIT_FAIL;
}

static void
print_cert(const char *label, const struct pn_cert *c)
{
	char hex[65], from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];
	char verify[PN_TIME_TEXT_MAX];
	uint16_t i;

	sodium_bin2hex(hex, sizeof(hex), c->pk, 32);
	pn_time_format(c->valid_from, from);
	pn_time_format(c->sign_until, until);
	pn_time_format(c->verify_until, verify);
	printf("%s kid %u\n  public key %s\n  signs from %s until %s; its "
	    "vouchers verify until %s\n  programmes ", label, c->kid, hex, from,
	    until, verify);
	if (c->all_programmes)
		printf("all");
	for (i = 0; !c->all_programmes && i < c->n_programmes; i++)
		printf("%s%u", i == 0 ? "" : ",", c->programmes[i]);
	printf("\n");
}

/* True when a and b say the same thing (their signatures aside). */
static bool
cert_same_fields(const struct pn_cert *a, const struct pn_cert *b)
{
	return a->kid == b->kid && memcmp(a->pk, b->pk, 32) == 0 &&
	    a->valid_from == b->valid_from && a->sign_until == b->sign_until &&
	    a->verify_until == b->verify_until &&
	    a->all_programmes == b->all_programmes &&
	    a->n_programmes == b->n_programmes &&
	    memcmp(a->programmes, b->programmes,
	    a->n_programmes * sizeof(a->programmes[0])) == 0;
}

/*
 * Read the configuration, the bundle it names (checked under the master
 * key the bundle names: the server holds no other copy of it) and the
 * current key's certificate, which that bundle must certify.
 */
static int
server_open(const char *cmd, const char *config, struct server_side *sv,
    struct pn_error *err)
{
	const struct config_keys *k;
	const struct pn_cert *in_bundle;
	char cert_path[CONFIG_PATH_MAX + 8];

	if ((sv->s = admin_open_config(cmd, config, &sv->cfg)) == NULL)
		return pn_error_set(err, PN_E_IO, "cannot open the store");
	k = &sv->cfg.keys;
	if (k->signing_key[0] == '\0' || k->trust_bundle[0] == '\0')
		return pn_error_set(err, PN_E_ARG, "%s: [keys] signing_key and "
		    "trust_bundle must be set (docs/keys.md, first set-up)",
		    sv->cfg.source);
	if ((sv->held = pn_trust_load(k->trust_bundle, NULL, 0, err)) == NULL)
		return -1;
	if (admin_keys_cert_path(k->signing_key, cert_path, sizeof(cert_path),
	    err) != 0 || pn_cert_load(cert_path, sv->held->master_pk,
	    &sv->current, err) != 0)
		return -1;
	in_bundle = pn_trust_find(sv->held, sv->current.kid);
	if (in_bundle == NULL || pn_trust_is_revoked(sv->held,
	    sv->current.kid) || memcmp(in_bundle->pk, sv->current.pk, 32) != 0)
		return pn_error_set(err, PN_E_UNTRUSTED, "%s does not certify "
		    "the current signing key %u", k->trust_bundle,
		    sv->current.kid);
	if (admin_keys_dir(k->signing_key, sv->key_dir, sizeof(sv->key_dir),
	    err) != 0 || admin_keys_check_writable(sv->key_dir, true, err) != 0)
		return -1;
	if (snprintf(sv->pending, sizeof(sv->pending), "%s/%s", sv->key_dir,
	    PENDING_FILE) >= (int)sizeof(sv->pending))
		return pn_error_set(err, PN_E_ARG, "%s: path too long",
		    sv->key_dir);
	return 0;
}

static void
server_close(struct server_side *sv)
{
	store_close(sv->s);
	pn_trust_free(sv->held);
}

/* Refuse a second request while one waits for its answer. */
static int
no_pending(const struct server_side *sv, struct pn_error *err)
{
	if (access(sv->pending, F_OK) == 0)
		return pn_error_set(err, PN_E_EXISTS, "%s: a request is already "
		    "waiting for its answer: install it (keys install), or "
		    "delete this file to abandon it", sv->pending);
	return 0;
}

/*
 * Sign the request with the current key and write it to out and to the
 * pending file; the audit row last. On failure nothing stays but the
 * caller's own files (which it removes).
 */
static int
request_write(struct server_side *sv, struct pn_keyreq *req, const char *out,
    const char *action, struct pn_error *err)
{
	struct pn_signing_key *key;
	char object[32], detail[64];
	int rc;

	if (pn_trust_encode(sv->held, &req->bundle, &req->bundle_len,
	    err) != 0)
		return -1;
	req->signer = sv->current.kid;
	if ((key = pn_signing_key_load(sv->cfg.keys.signing_key, err)) ==
	    NULL)
		return -1;
	rc = memcmp(key->pk, sv->current.pk, 32) != 0 ? pn_error_set(err,
	    PN_E_ARG, "%s does not match its certificate",
	    sv->cfg.keys.signing_key) : pn_keyreq_sign(req, key, err);
	pn_signing_key_free(key);
	if (rc != 0)
		return -1;
	if (pn_keyreq_save(req, sv->pending, err) != 0)
		return -1;
	if (pn_keyreq_save(req, out, err) != 0) {
		unlink(sv->pending);
		return -1;
	}
	(void)snprintf(object, sizeof(object), "key:%u", req->kid);
	(void)snprintf(detail, sizeof(detail), "{\"kid\":%u,\"bundle\":%llu}",
	    req->kid, (unsigned long long)sv->held->seq);
	if (store_audit_append(sv->s, time(NULL), ADMIN_ACTOR, action, object,
	    detail, err) != 0) {
		unlink(out);
		unlink(sv->pending);
		return -1;
	}
	return 0;
}

static int
keys_prepare(int argc, char **argv)
{
	static struct server_side sv;
	const char *cmd = "keys prepare";
	const char *config = NULL, *out = NULL, *sign = NULL, *verify = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "out", &out, true },
		{ "sign-days", &sign, false },
		{ "verify-days", &verify, false },
		{ NULL, NULL, false },
	};
	uint64_t sign_days, verify_days;
	struct pn_signing_key *key = NULL;
	struct pn_trust *recorded = NULL;
	struct pn_keyreq req;
	struct pn_error err;
	char name[64], key_path[CONFIG_PATH_MAX + 80];
	int64_t now = (int64_t)time(NULL);
	uint16_t kid = 0;
	int rc;

	if ((rc = admin_getopt(cmd, "keys prepare --config FILE [--sign-days "
	    "N] [--verify-days N] --out REQ", argc, argv, opts)) != 0)
		return rc;
	if ((rc = admin_keys_parse_days(cmd, sign, verify, &sign_days,
	    &verify_days)) != 0)
		return rc;
	memset(&sv, 0, sizeof(sv));
	memset(&req, 0, sizeof(req));
	pn_error_clear(&err);
	rc = ADMIN_EXIT_FAIL;
	key_path[0] = '\0';
	if (server_open(cmd, config, &sv, &err) != 0 ||
	    no_pending(&sv, &err) != 0 ||
	    admin_keys_check_owner(cmd, sv.cfg.keys.signing_key, &err) != 0 ||
	    admin_keys_check_writable(out, false, &err) != 0 ||
	    (recorded = admin_keys_recorded(sv.s, sv.held->master_pk,
	    &err)) == NULL ||
	    admin_keys_next_kid(sv.current.kid, recorded, sv.held, sv.key_dir,
	    &kid, &err) != 0)
		goto done;
	req.kind = PN_KEYREQ_CERTIFY;
	req.kid = kid;
	req.created = now;
	if (admin_keys_next_cert(sv.s, &sv.current, kid, now, sign_days,
	    verify_days, &req.cert, &err) != 0 ||
	    pn_signing_key_filename(kid, name, sizeof(name)) != 0 ||
	    snprintf(key_path, sizeof(key_path), "%s/%s", sv.key_dir, name) >=
	    (int)sizeof(key_path) ||
	    (key = pn_signing_key_generate(kid, &err)) == NULL)
		goto done;
	memcpy(req.cert.pk, key->pk, 32);
	if (pn_signing_key_save(key, key_path, &err) != 0) {
		key_path[0] = '\0';	/* not ours to remove */
		goto done;
	}
	if (request_write(&sv, &req, out, "key.prepare", &err) != 0)
		goto done;
	printf("signing key %u made; its secret stays in %s (0600)\n", kid,
	    key_path);
	print_cert("request to certify", &req.cert);
	printf("request written to %s (and kept in %s)\ncarry it to the "
	    "offline machine: passnum-admin keys certify --master DIR "
	    "--request REQ --out CERTDIR; compare the public key above with "
	    "the one it shows\n", out, sv.pending);
	rc = ADMIN_EXIT_OK;
done:
	if (rc != ADMIN_EXIT_OK) {
		fail(cmd, &err, "nothing was changed");
		if (key_path[0] != '\0')
			unlink(key_path);
	}
	pn_signing_key_free(key);
	pn_trust_free(recorded);
	pn_keyreq_clear(&req);
	server_close(&sv);
	return rc;
}

static int
keys_prepare_revoke(int argc, char **argv)
{
	static struct server_side sv;
	const char *cmd = "keys prepare-revoke";
	const char *config = NULL, *out = NULL, *kid_text = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "kid", &kid_text, true },
		{ "out", &out, true },
		{ NULL, NULL, false },
	};
	struct pn_keyreq req;
	struct pn_error err;
	uint64_t kid;
	int rc;

	if ((rc = admin_getopt(cmd, "keys prepare-revoke --config FILE --kid N "
	    "--out REQ", argc, argv, opts)) != 0)
		return rc;
	if (pn_parse_u64(kid_text, UINT16_MAX, &kid) != 0 || kid == 0)
		return admin_usage_error(cmd, "--kid: 1 to %d", UINT16_MAX);
	memset(&sv, 0, sizeof(sv));
	memset(&req, 0, sizeof(req));
	pn_error_clear(&err);
	rc = ADMIN_EXIT_FAIL;
	if (server_open(cmd, config, &sv, &err) != 0 ||
	    no_pending(&sv, &err) != 0 ||
	    admin_keys_check_writable(out, false, &err) != 0)
		goto done;
	if (pn_trust_is_revoked(sv.held, (uint16_t)kid)) {
		pn_error_set(&err, PN_E_ARG, "key %u is revoked already",
		    (unsigned)kid);
		goto done;
	}
	if (pn_trust_find(sv.held, (uint16_t)kid) == NULL) {
		pn_error_set(&err, PN_E_ARG, "key %u is not in the trust bundle",
		    (unsigned)kid);
		goto done;
	}
	if (kid == sv.current.kid) {
		pn_error_set(&err, PN_E_ARG, "key %u is the one passnumd signs "
		    "with: make its successor first (keys prepare, certify, "
		    "install, restart), then revoke it", (unsigned)kid);
		goto done;
	}
	req.kind = PN_KEYREQ_REVOKE;
	req.kid = (uint16_t)kid;
	req.created = (int64_t)time(NULL);
	if (request_write(&sv, &req, out, "key.revoke_request", &err) != 0)
		goto done;
	printf("request to revoke key %u written to %s (and kept in %s)\n"
	    "carry it to the offline machine: passnum-admin keys certify "
	    "--master DIR --request REQ --out CERTDIR\n", (unsigned)kid, out,
	    sv.pending);
	rc = ADMIN_EXIT_OK;
done:
	if (rc != ADMIN_EXIT_OK)
		fail(cmd, &err, "nothing was changed");
	pn_keyreq_clear(&req);
	server_close(&sv);
	return rc;
}

/*
 * Offline: check the request with the master key alone, sign the
 * certificate (or the revocation) and the next bundle into CERTDIR.
 */
static int
keys_certify(int argc, char **argv)
{
	const char *cmd = "keys certify";
	const char *master_dir = NULL, *request = NULL, *out = NULL;
	const struct admin_opt opts[] = {
		{ "master", &master_dir, true },
		{ "request", &request, true },
		{ "out", &out, true },
		{ NULL, NULL, false },
	};
	struct pn_master_key *master = NULL;
	struct pn_trust *held = NULL, *next = NULL;
	const struct pn_cert *signer;
	struct pn_keyreq req;
	struct pn_error err;
	char path[4096], name[64];
	int64_t now = (int64_t)time(NULL);
	size_t i;
	int rc;

	if ((rc = admin_getopt(cmd, "keys certify --master DIR --request REQ "
	    "--out CERTDIR", argc, argv, opts)) != 0)
		return rc;
	memset(&req, 0, sizeof(req));
	pn_error_clear(&err);
	rc = ADMIN_EXIT_FAIL;
	if ((master = admin_master_load(master_dir, &err)) == NULL ||
	    pn_keyreq_load(request, &req, &err) != 0)
		goto done;
	if ((held = pn_trust_decode(req.bundle, req.bundle_len, master->pk, 0,
	    &err)) == NULL) {
		if (err.code == PN_E_UNTRUSTED || err.code == PN_E_SIGNATURE)
			pn_error_set(&err, PN_E_UNTRUSTED, "%s: the server's "
			    "bundle in the request is not signed by the master "
			    "key of %s: is it the right key, the right "
			    "server?", request, master_dir);
		goto done;
	}
	signer = pn_trust_find(held, req.signer);
	if (signer == NULL || pn_trust_is_revoked(held, req.signer) ||
	    !pn_keyreq_verify(&req, signer->pk)) {
		pn_error_set(&err, PN_E_SIGNATURE, "%s: the request's signature "
		    "does not verify under the server's key %u: it was altered "
		    "on the way, or made elsewhere", request, req.signer);
		goto done;
	}
	if (held->seq == UINT64_MAX) {
		pn_error_set(&err, PN_E_ARG, "bundle number %llu is the last "
		    "one possible", (unsigned long long)held->seq);
		goto done;
	}
	if ((next = pn_trust_new(master->pk, held->seq + 1, now)) == NULL) {
		pn_error_set(&err, PN_E_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < held->n_revoked; i++)
		if (pn_trust_revoke(next, held->revoked[i], &err) != 0)
			goto done;
	if (req.kind == PN_KEYREQ_REVOKE) {
		if (req.kid == req.signer || pn_trust_find(held, req.kid) ==
		    NULL) {
			pn_error_set(&err, PN_E_ARG, "%s: key %u is %s", request,
			    req.kid, req.kid == req.signer ? "the one that "
			    "signed the request, which the server still signs "
			    "with" : "not in the server's bundle");
			goto done;
		}
		if (pn_trust_revoke(next, req.kid, &err) != 0)
			goto done;
	} else {
		if (req.kid <= admin_keys_max_kid(held)) {
			pn_error_set(&err, PN_E_ARG, "%s: kid %u was used "
			    "already: a kid is never reused", request, req.kid);
			goto done;
		}
		print_cert("certifying", &req.cert);
		if (pn_cert_sign(&req.cert, master, &err) != 0)
			goto done;
	}
	for (i = 0; i < held->n_certs; i++)
		if (admin_keys_bundle_keep(next, &held->certs[i], now, true,
		    &err) != 0)
			goto done;
	if ((req.kind == PN_KEYREQ_CERTIFY &&
	    pn_trust_add_cert(next, &req.cert, &err) != 0) ||
	    pn_trust_sign(next, master, &err) != 0)
		goto done;

	/* CERTDIR is carried to the server: never the master's directory. */
	if (mkdir(out, 0755) != 0 && errno != EEXIST) {
		pn_error_set(&err, PN_E_IO, "%s: %s", out, strerror(errno));
		goto done;
	}
	if (snprintf(path, sizeof(path), "%s/%s", out, PN_MASTER_SECRET_FILE) >=
	    (int)sizeof(path) || access(path, F_OK) == 0) {
		pn_error_set(&err, PN_E_ARG, "%s holds a master key: the "
		    "answer goes to the server, give another --out", out);
		goto done;
	}
	if (snprintf(path, sizeof(path), "%s/%s", out, BUNDLE_FILE) >=
	    (int)sizeof(path) || access(path, F_OK) == 0) {
		pn_error_set(&err, PN_E_EXISTS, "%s already holds a %s: give an "
		    "empty directory", out, BUNDLE_FILE);
		goto done;
	}
	if (req.kind == PN_KEYREQ_CERTIFY) {
		if (pn_cert_filename(req.kid, name, sizeof(name)) != 0 ||
		    snprintf(path, sizeof(path), "%s/%s", out, name) >=
		    (int)sizeof(path)) {
			pn_error_set(&err, PN_E_ARG, "%s: path too long", out);
			goto done;
		}
		if (pn_cert_save(&req.cert, path, &err) != 0)
			goto done;
		printf("certificate of key %u written to %s\n", req.kid, path);
	} else
		printf("key %u revoked\n", req.kid);
	(void)snprintf(path, sizeof(path), "%s/%s", out, BUNDLE_FILE);
	if (pn_trust_save(next, path, &err) != 0)
		goto done;
	printf("trust bundle number %llu written to %s: %zu key(s)",
	    (unsigned long long)next->seq, path, next->n_certs);
	for (i = 0; i < next->n_certs; i++)
		printf("%s%u", i == 0 ? " (kid " : ", ", next->certs[i].kid);
	printf("%s, %zu revoked\ncarry %s back to the server: passnum-admin "
	    "keys install --config FILE --from CERTDIR\n", next->n_certs > 0 ?
	    ")" : "", next->n_revoked, out);
	rc = ADMIN_EXIT_OK;
done:
	if (rc != ADMIN_EXIT_OK)
		fail(cmd, &err, NULL);
	pn_trust_free(next);
	pn_trust_free(held);
	pn_keyreq_clear(&req);
	pn_master_key_free(master);
	return rc;
}

/* The one "*.cert" file of dir, in path; an error when none or several. */
static int
find_one_cert(const char *dir, char *path, size_t len, struct pn_error *err)
{
	struct dirent *de;
	size_t n, found = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return pn_error_set(err, PN_E_IO, "%s: %s", dir,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n <= 5 || strcmp(de->d_name + n - 5, ".cert") != 0)
			continue;
		if (found++ == 0 && snprintf(path, len, "%s/%s", dir,
		    de->d_name) >= (int)len) {
			closedir(d);
			return pn_error_set(err, PN_E_ARG, "%s: path too long",
			    dir);
		}
	}
	closedir(d);
	if (found != 1)
		return pn_error_set(err, PN_E_FORMAT, "%s: expected one "
		    "certificate (*.cert), found %zu", dir, found);
	return 0;
}

/*
 * Check an answer to a request to certify: its certificate is signed by
 * the bundle's master key and certifies exactly the prepared key, whose
 * secret the key directory holds; the new bundle carries it.
 */
static int
check_certified(const struct server_side *sv, const struct pn_keyreq *req,
    const char *from, const struct pn_trust *next, struct pn_cert *cert,
    char *key_path, size_t key_len, struct pn_error *err)
{
	struct pn_signing_key *key;
	const struct pn_cert *in_next;
	char path[CONFIG_PATH_MAX + 80], name[64], hex[65];
	bool same;

	if (find_one_cert(from, path, sizeof(path), err) != 0)
		return -1;
	if (pn_cert_load(path, sv->held->master_pk, cert, err) != 0) {
		if (err->code == PN_E_SIGNATURE)
			pn_error_set(err, PN_E_SIGNATURE, "%s: the certificate's "
			    "signature does not verify under the master key of "
			    "the current bundle: altered, or made with another "
			    "master key", path);
		return -1;
	}
	if (!cert_same_fields(cert, &req->cert)) {
		sodium_bin2hex(hex, sizeof(hex), cert->pk, 32);
		return pn_error_set(err, PN_E_UNTRUSTED, "%s certifies another "
		    "key (kid %u, public key %.16s...) than the one prepared "
		    "(kid %u): is it the answer to this server's request?",
		    path, cert->kid, hex, req->kid);
	}
	in_next = pn_trust_find(next, cert->kid);
	if (in_next == NULL || pn_trust_is_revoked(next, cert->kid) ||
	    memcmp(in_next->pk, cert->pk, 32) != 0 ||
	    memcmp(in_next->signature, cert->signature, 64) != 0)
		return pn_error_set(err, PN_E_UNTRUSTED, "%s/%s does not carry "
		    "the certificate of key %u", from, BUNDLE_FILE, cert->kid);
	if (pn_signing_key_filename(cert->kid, name, sizeof(name)) != 0 ||
	    snprintf(key_path, key_len, "%s/%s", sv->key_dir, name) >=
	    (int)key_len)
		return pn_error_set(err, PN_E_ARG, "%s: path too long",
		    sv->key_dir);
	if ((key = pn_signing_key_load(key_path, err)) == NULL)
		return -1;
	same = memcmp(key->pk, cert->pk, 32) == 0;
	pn_signing_key_free(key);
	if (!same)
		return pn_error_set(err, PN_E_UNTRUSTED, "%s is not the key "
		    "the certificate names", key_path);
	return 0;
}

/*
 * Install the answer to the pending request: see the file's comment. The
 * order of the writes is keys rotate's (admin_keys.c): the certificate,
 * the database, the bundle, the audit row, the configuration last; a stop
 * at any step leaves passnumd a working set-up on the old key.
 */
static int
keys_install(int argc, char **argv)
{
	static struct server_side sv;
	static struct config_file file;
	static char old_value[CONFIG_PATH_MAX], new_value[CONFIG_PATH_MAX];
	const char *cmd = "keys install";
	const char *config = NULL, *from = NULL, *step = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "from", &from, true },
		{ NULL, NULL, false },
	};
	struct pn_trust *next = NULL, *asked = NULL;
	const struct pn_cert *cur;
	struct pn_cert cert, kept;
	struct pn_keyreq req;
	bool added;
	struct pn_error err;
	char path[4096], key_path[CONFIG_PATH_MAX + 80], cert_path[4096];
	char object[32], detail[128];
	int64_t now = (int64_t)time(NULL);
	int rc;

	if ((rc = admin_getopt(cmd, "keys install --config FILE --from CERTDIR",
	    argc, argv, opts)) != 0)
		return rc;
	memset(&sv, 0, sizeof(sv));
	memset(&file, 0, sizeof(file));
	memset(&req, 0, sizeof(req));
	pn_error_clear(&err);
	rc = ADMIN_EXIT_FAIL;
	if (server_open(cmd, config, &sv, &err) != 0)
		goto refused;
	if (access(sv.pending, F_OK) != 0) {
		pn_error_set(&err, PN_E_ARG, "no request is waiting (%s): run "
		    "keys prepare or keys prepare-revoke first", sv.pending);
		goto refused;
	}
	if (pn_keyreq_load(sv.pending, &req, &err) != 0 ||
	    (asked = pn_trust_parse(req.bundle, req.bundle_len, &err)) ==
	    NULL)
		goto refused;
	if (asked->seq != sv.held->seq) {
		pn_error_set(&err, PN_E_STALE, "the trust bundle changed since "
		    "the request was made (number %llu then, %llu now): delete "
		    "%s and prepare a new request",
		    (unsigned long long)asked->seq,
		    (unsigned long long)sv.held->seq, sv.pending);
		goto refused;
	}
	if (snprintf(path, sizeof(path), "%s/%s", from, BUNDLE_FILE) >=
	    (int)sizeof(path)) {
		pn_error_set(&err, PN_E_ARG, "%s: path too long", from);
		goto refused;
	}
	/* Pinned to the master key of the bundle held, and newer than it. */
	if ((next = pn_trust_load(path, sv.held->master_pk, sv.held->seq,
	    &err)) == NULL) {
		if (err.code == PN_E_UNTRUSTED)
			pn_error_set(&err, PN_E_UNTRUSTED, "%s is signed by "
			    "another master key than the current bundle", path);
		else if (err.code == PN_E_SIGNATURE)
			pn_error_set(&err, PN_E_SIGNATURE, "%s: its signature "
			    "does not verify under the master key of the "
			    "current bundle: altered on the way?", path);
		else if (err.code == PN_E_STALE)
			pn_error_set(&err, PN_E_STALE, "%s is older than the "
			    "current bundle (number %llu): terminals would "
			    "refuse it", path,
			    (unsigned long long)sv.held->seq);
		goto refused;
	}
	if (next->seq == sv.held->seq) {
		pn_error_set(&err, PN_E_STALE, "%s has the current bundle's "
		    "number %llu: it is not newer", path,
		    (unsigned long long)next->seq);
		goto refused;
	}
	cur = pn_trust_find(next, sv.current.kid);
	if (cur == NULL || pn_trust_is_revoked(next, sv.current.kid) ||
	    memcmp(cur->pk, sv.current.pk, 32) != 0) {
		pn_error_set(&err, PN_E_UNTRUSTED, "%s does not certify key %u, "
		    "the one passnumd signs with", path, sv.current.kid);
		goto refused;
	}
	if (req.kind == PN_KEYREQ_REVOKE) {
		if (!pn_trust_is_revoked(next, req.kid) ||
		    pn_trust_find(next, req.kid) != NULL) {
			pn_error_set(&err, PN_E_UNTRUSTED, "%s does not revoke "
			    "key %u, as the request asked", path, req.kid);
			goto refused;
		}
		step = "writing the trust bundle";
		if (pn_trust_save(next, sv.cfg.keys.trust_bundle, &err) != 0)
			goto failed;
		step = "auditing the revocation";
		(void)snprintf(object, sizeof(object), "key:%u", req.kid);
		(void)snprintf(detail, sizeof(detail), "{\"kid\":%u,"
		    "\"bundle\":%llu}", req.kid, (unsigned long long)next->seq);
		if (store_audit_append(sv.s, now, ADMIN_ACTOR, "key.revoke",
		    object, detail, &err) != 0)
			goto failed;
		unlink(sv.pending);
		printf("trust bundle number %llu installed in %s: key %u is "
		    "revoked\nrestart passnumd to serve it; terminals refuse "
		    "key %u's vouchers once they take it\n",
		    (unsigned long long)next->seq, sv.cfg.keys.trust_bundle,
		    req.kid, req.kid);
		rc = ADMIN_EXIT_OK;
		goto done;
	}
	if (check_certified(&sv, &req, from, next, &cert, key_path,
	    sizeof(key_path), &err) != 0 ||
	    admin_keys_cert_path(key_path, cert_path, sizeof(cert_path),
	    &err) != 0 ||
	    admin_keys_check_writable(sv.cfg.keys.trust_bundle, false,
	    &err) != 0 ||
	    admin_keys_check_writable(sv.cfg.source, false, &err) != 0 ||
	    admin_keys_config_switch(&file, sv.cfg.source, cert.kid, old_value,
	    new_value, &err) != 0)
		goto refused;

	/* Each step may be run again: a second run finds its work done. */
	step = "writing the certificate";
	if (pn_cert_load(cert_path, sv.held->master_pk, &kept, NULL) != 0 ||
	    !cert_same_fields(&kept, &cert)) {
		if (pn_cert_save(&cert, cert_path, &err) != 0)
			goto failed;
	}
	step = "recording the key in the database";
	if (store_signing_key_register(sv.s, &cert, now, ADMIN_ACTOR, &added,
	    &err) != 0)
		goto failed;
	step = "writing the trust bundle";
	if (pn_trust_save(next, sv.cfg.keys.trust_bundle, &err) != 0)
		goto failed;
	printf("trust bundle number %llu installed in %s\n",
	    (unsigned long long)next->seq, sv.cfg.keys.trust_bundle);
	step = "auditing the installation";
	(void)snprintf(object, sizeof(object), "key:%u", cert.kid);
	(void)snprintf(detail, sizeof(detail), "{\"from\":%u,\"to\":%u,"
	    "\"bundle\":%llu}", sv.current.kid, cert.kid,
	    (unsigned long long)next->seq);
	if (store_audit_append(sv.s, now, ADMIN_ACTOR, "key.install", object,
	    detail, &err) != 0)
		goto failed;
	step = "changing the configuration";
	if (config_file_write(&file, &err) != 0) {
		fail(cmd, &err, NULL);
		fprintf(stderr, "the key, the database and the bundle are "
		    "ready: set 'signing_key = %s' in [keys] of %s by hand, "
		    "then restart passnumd\n", new_value, sv.cfg.source);
		goto done;
	}
	unlink(sv.pending);
	printf("%s: [keys] signing_key = %s (was %s)\nrestart passnumd to "
	    "sign with key %u\n", sv.cfg.source, new_value, old_value,
	    cert.kid);
	rc = ADMIN_EXIT_OK;
	goto done;
refused:
	fail(cmd, &err, "nothing was installed");
	goto done;
failed:
	fprintf(stderr, "passnum-admin %s: %s: %s\npassnumd still signs with "
	    "key %u, which %s still names; run keys install again once the "
	    "cause is fixed\n", cmd, step, err.message, sv.current.kid,
	    sv.cfg.source);
done:
	config_file_free(&file);
	pn_trust_free(next);
	pn_trust_free(asked);
	pn_keyreq_clear(&req);
	server_close(&sv);
	return rc;
}

int
admin_keys_ceremony(int argc, char **argv)
{
	if (strcmp(argv[0], "prepare") == 0)
		return keys_prepare(argc, argv);
	if (strcmp(argv[0], "prepare-revoke") == 0)
		return keys_prepare_revoke(argc, argv);
	if (strcmp(argv[0], "certify") == 0)
		return keys_certify(argc, argv);
	if (strcmp(argv[0], "install") == 0)
		return keys_install(argc, argv);
	return -1;
}
