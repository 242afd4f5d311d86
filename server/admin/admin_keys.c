/* admin_keys.c -- passnum-admin keys rotate: passnumd's next signing key, certified and published.
 *
 *   keys rotate --config FILE --master DIR [--sign-days N] [--verify-days N]
 *
 * Makes a signing key with the next kid beside the current one, certifies
 * it with the master key (signing from now for --sign-days, default 366;
 * its vouchers verifying --verify-days longer, default 428, the lifetime of
 * a voucher issued on its last signing day under "year-end+31" and a
 * month's margin: the same windows as passnum-admin init's first key),
 * records it in the database, signs a trust bundle with the next sequence
 * number that holds every certificate still verifying (the old key's
 * vouchers stay good until its verify_until), and points the
 * configuration's [keys] signing_key at the new key. passnumd reads keys
 * at start only: it signs with the new key once restarted.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "passnum/trust.h"
#include "admin.h"
#include "admin_keys.h"
#include "config.h"
#include "config_file.h"
#include "store.h"
#include "validity.h"

#define CMD "keys rotate"
#define DAY 86400LL
#define DAYS_MAX ADMIN_KEYS_DAYS_MAX

/* Everything a rotation reads, checks and makes before it writes. */
struct rotation {
	struct config cfg;
	struct config_file file;	/* the configuration, to be changed */
	char key_dir[CONFIG_PATH_MAX];
	char key_path[CONFIG_PATH_MAX + 32], cert_path[CONFIG_PATH_MAX + 32];
	char old_value[CONFIG_PATH_MAX], new_value[CONFIG_PATH_MAX];
	struct pn_master_key *master;
	struct pn_trust *held;		/* the bundle terminals have now */
	struct pn_trust *recorded;	/* the keys of the database, as a set */
	struct pn_trust *bundle;	/* the next one */
	struct pn_cert current;		/* the key passnumd signs with now */
	struct pn_cert cert;		/* the new key's */
	struct pn_signing_key *key;
	struct store *s;
	int64_t now;
};

static int
say_error(const char *what, const struct pn_error *err)
{
	fprintf(stderr, "passnum-admin %s: %s%s%s\n", CMD, what != NULL ?
	    what : "", what != NULL ? ": " : "", err->message);
	return ADMIN_EXIT_FAIL;
}

/* --master takes the master key's directory, or its master.key file. */
struct pn_master_key *
admin_master_load(const char *path, struct pn_error *err)
{
	char copy[CONFIG_PATH_MAX], file[CONFIG_PATH_MAX];
	struct stat st;

	if (stat(path, &st) != 0 || S_ISDIR(st.st_mode))
		return pn_master_key_load(path, err);
	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy) ||
	    snprintf(file, sizeof(file), "%s", path) >= (int)sizeof(file)) {
		pn_error_set(err, PN_E_ARG, "%s: path too long", path);
		return NULL;
	}
	if (strcmp(basename(file), PN_MASTER_SECRET_FILE) != 0) {
		pn_error_set(err, PN_E_ARG, "--master %s: expected the master "
		    "key's directory or its %s file", path,
		    PN_MASTER_SECRET_FILE);
		return NULL;
	}
	return pn_master_key_load(dirname(copy), err);
}

/* The kid of a "signing-NNNNN.key" or ".cert" file name, else 0. */
static unsigned
kid_of_name(const char *name)
{
	char digits[8];
	uint64_t kid;
	size_t n;

	if (strncmp(name, "signing-", 8) != 0)
		return 0;
	n = strspn(name + 8, "0123456789");
	if (n == 0 || n >= sizeof(digits) || (strcmp(name + 8 + n, ".key") != 0
	    && strcmp(name + 8 + n, ".cert") != 0))
		return 0;
	memcpy(digits, name + 8, n);
	digits[n] = '\0';
	return pn_parse_u64(digits, UINT16_MAX, &kid) == 0 ? (unsigned)kid : 0;
}

struct recorded {
	struct pn_trust *set;
	struct pn_error *err;
	bool failed;
};

static int
record_cert(void *ctx, const struct pn_cert *c)
{
	struct recorded *rec = ctx;

	/* A kid is the table's primary key: no duplicates to refuse. */
	rec->failed = pn_trust_add_cert(rec->set, c, rec->err) != 0;
	return rec->failed;
}

int
admin_keys_check_owner(const char *cmd, const char *key_path,
    struct pn_error *err)
{
	struct stat st;

	if (stat(key_path, &st) != 0)
		return pn_error_set(err, PN_E_IO, "%s: %s", key_path,
		    strerror(errno));
	if (st.st_uid != geteuid())
		return pn_error_set(err, PN_E_PERM, "%s belongs to uid %u: run "
		    "%s as that user, the one passnumd runs as, so that it can "
		    "read the new key", key_path, (unsigned)st.st_uid, cmd);
	return 0;
}

/* The directory of the signing key file key_path ("." when none). */
int
admin_keys_dir(const char *key_path, char out[CONFIG_PATH_MAX],
    size_t len, struct pn_error *err)
{
	char *slash;

	if (snprintf(out, len, "%s", key_path) >= (int)len)
		return pn_error_set(err, PN_E_ARG, "%s: path too long",
		    key_path);
	if ((slash = strrchr(out, '/')) != NULL)
		*(slash == out ? slash + 1 : slash) = '\0';
	else
		(void)snprintf(out, len, ".");
	return 0;
}

struct pn_trust *
admin_keys_recorded(struct store *s, const uint8_t master_pk[32],
    struct pn_error *err)
{
	struct recorded rec;

	if ((rec.set = pn_trust_new(master_pk, 0, 0)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	rec.err = err;
	rec.failed = false;
	if (store_signing_key_each(s, record_cert, &rec, err) != 0 ||
	    rec.failed) {
		pn_trust_free(rec.set);
		return NULL;
	}
	return rec.set;
}

int
admin_keys_config_switch(struct config_file *f, const char *source,
    uint16_t kid, char old_value[CONFIG_PATH_MAX],
    char new_value[CONFIG_PATH_MAX], struct pn_error *err)
{
	char name[64];
	const char *slash;
	size_t n;

	if (config_file_read(f, source, err) != 0)
		return -1;
	if (config_file_get(f, "keys", "signing_key", old_value,
	    CONFIG_PATH_MAX, err) != 0)
		return pn_error_set(err, PN_E_ARG, "%s: no [keys] signing_key "
		    "line to change", source);
	slash = strrchr(old_value, '/');
	n = slash != NULL ? (size_t)(slash - old_value) + 1 : 0;
	if (pn_signing_key_filename(kid, name, sizeof(name)) != 0 ||
	    snprintf(new_value, CONFIG_PATH_MAX, "%.*s%s", (int)n,
	    old_value, name) >= CONFIG_PATH_MAX)
		return pn_error_set(err, PN_E_ARG, "%s: path too long", source);
	return config_file_set(f, "keys", "signing_key", new_value, err);
}

unsigned
admin_keys_max_kid(const struct pn_trust *t)
{
	unsigned max = 0;
	size_t i;

	for (i = 0; i < t->n_certs; i++)
		if (t->certs[i].kid > max)
			max = t->certs[i].kid;
	for (i = 0; i < t->n_revoked; i++)
		if (t->revoked[i] > max)
			max = t->revoked[i];
	return max;
}

int
admin_keys_parse_days(const char *cmd, const char *sign, const char *verify,
    uint64_t *sign_days, uint64_t *verify_days)
{
	*sign_days = ADMIN_KEYS_SIGN_DAYS;
	*verify_days = ADMIN_KEYS_VERIFY_DAYS;
	if ((sign != NULL && (pn_parse_u64(sign, ADMIN_KEYS_DAYS_MAX,
	    sign_days) != 0 || *sign_days == 0)) || (verify != NULL &&
	    (pn_parse_u64(verify, ADMIN_KEYS_DAYS_MAX, verify_days) != 0 ||
	    *verify_days == 0)))
		return admin_usage_error(cmd, "--sign-days and --verify-days: "
		    "1 to %d days (--verify-days counts from the end of "
		    "signing)", ADMIN_KEYS_DAYS_MAX);
	return 0;
}

/*
 * The next kid: above floor, every kid the database records, the key
 * directory holds, and the bundle certifies or revokes, since a kid is
 * never reused.
 */
int
admin_keys_next_kid(unsigned floor, const struct pn_trust *recorded,
    const struct pn_trust *held, const char *key_dir, uint16_t *kid,
    struct pn_error *err)
{
	struct dirent *de;
	unsigned max = floor, k;
	DIR *d;

	if ((k = admin_keys_max_kid(recorded)) > max)
		max = k;
	if ((k = admin_keys_max_kid(held)) > max)
		max = k;
	if ((d = opendir(key_dir)) == NULL)
		return pn_error_set(err, PN_E_IO, "%s: cannot read the key "
		    "directory: %s", key_dir, strerror(errno));
	while ((de = readdir(d)) != NULL)
		if ((k = kid_of_name(de->d_name)) > max)
			max = k;
	closedir(d);
	if (max >= UINT16_MAX)
		return pn_error_set(err, PN_E_ARG, "kid %u is the last one "
		    "possible: no kid is left for a new key", max);
	*kid = (uint16_t)(max + 1);
	return 0;
}

struct window_check {
	const struct pn_cert *cert;
	char problem[512];
};

/*
 * A voucher issued on the key's last signing day must still verify until
 * it expires: the server refuses to issue one that would not.
 */
static int
check_programme(void *ctx, const struct store_programme *p)
{
	struct window_check *w = ctx;
	struct validity_rule rule;
	char last[PN_TIME_TEXT_MAX], exp[PN_TIME_TEXT_MAX];
	int64_t expires;

	if (!pn_cert_covers(w->cert, (uint32_t)p->id) ||
	    validity_parse(p->validity, &rule) != 0)
		return 0;
	expires = validity_expiry(&rule, w->cert->sign_until);
	if (expires >= 0 && expires <= w->cert->verify_until)
		return 0;
	pn_time_format(w->cert->sign_until, last);
	pn_time_format(expires, exp);
	(void)snprintf(w->problem, sizeof(w->problem), "programme %lld '%s' "
	    "(validity %s): a voucher issued at %s, when the new key stops "
	    "signing, would expire at %s, after its vouchers stop verifying; "
	    "give --verify-days %lld or more", (long long)p->id, p->name,
	    p->validity, last, exp, expires < 0 ? DAYS_MAX :
	    (long long)((expires - w->cert->sign_until + DAY - 1) / DAY));
	return 1;
}

/*
 * Add c to the next bundle unless it is there already, revoked, or no
 * longer verifying (then said when note is true: terminals had it).
 */
int
admin_keys_bundle_keep(struct pn_trust *t, const struct pn_cert *c, int64_t now,
    bool note, struct pn_error *err)
{
	if (pn_trust_find(t, c->kid) != NULL || pn_trust_is_revoked(t, c->kid))
		return 0;
	if (c->verify_until < now) {
		if (note)
			printf("note: key %u no longer verifies (verify_until "
			    "passed): left out of the bundle\n", c->kid);
		return 0;
	}
	if (!pn_cert_verify(c, t->master_pk))
		return pn_error_set(err, PN_E_UNTRUSTED, "signing key %u, "
		    "recorded in the database, is not certified by this master "
		    "key: a question for a person before any rotation", c->kid);
	return pn_trust_add_cert(t, c, err);
}

/* The certificate file beside a signing key file (".key" -> ".cert"). */
int
admin_keys_cert_path(const char *key_path, char *out, size_t len,
    struct pn_error *err)
{
	size_t n = strlen(key_path);

	if (n < 4 || strcmp(key_path + n - 4, ".key") != 0 || n + 2 > len)
		return pn_error_set(err, PN_E_ARG, "%s: a signing key file name "
		    "ends in .key", key_path);
	memcpy(out, key_path, n - 4);
	memcpy(out + n - 4, ".cert", 6);
	return 0;
}

int
admin_keys_next_cert(struct store *s, const struct pn_cert *current,
    uint16_t kid, int64_t now, uint64_t sign_days, uint64_t verify_days,
    struct pn_cert *c, struct pn_error *err)
{
	memset(c, 0, sizeof(*c));
	c->kid = kid;
	c->valid_from = now;
	c->sign_until = now + (int64_t)sign_days * DAY;
	c->verify_until = c->sign_until + (int64_t)verify_days * DAY;
	/* The new key takes over the current key's programmes. */
	c->all_programmes = current->all_programmes;
	c->n_programmes = current->n_programmes;
	memcpy(c->programmes, current->programmes, sizeof(c->programmes));
	if (pn_cert_check_fields(c, err) != 0)
		return -1;
	return admin_keys_check_windows(s, c, err);
}

int
admin_keys_check_windows(struct store *s, const struct pn_cert *c,
    struct pn_error *err)
{
	struct window_check w;

	w.cert = c;
	w.problem[0] = '\0';
	if (store_programme_each(s, check_programme, &w, err) != 0)
		return -1;
	if (w.problem[0] != '\0')
		return pn_error_set(err, PN_E_ARG, "%s", w.problem);
	return 0;
}

/* Every directory written to must be writable before anything is. */
int
admin_keys_check_writable(const char *path, bool is_dir, struct pn_error *err)
{
	char copy[CONFIG_PATH_MAX];
	const char *dir = path;

	if (!is_dir) {
		if (snprintf(copy, sizeof(copy), "%s", path) >=
		    (int)sizeof(copy))
			return pn_error_set(err, PN_E_ARG, "%s: path too long",
			    path);
		dir = dirname(copy);
	}
	if (access(dir, W_OK | X_OK) != 0)
		return pn_error_set(err, PN_E_PERM, "%s: cannot write in this "
		    "directory (%s)", dir, strerror(errno));
	return 0;
}

/* Read and check everything; make the key and the bundle in memory. */
static int
prepare(struct rotation *r, const char *master_dir, uint64_t sign_days,
    uint64_t verify_days, struct pn_error *err)
{
	const struct config_keys *k = &r->cfg.keys;
	char cert_path[CONFIG_PATH_MAX + 8], name[64];
	uint16_t kid = 0;
	size_t i;

	if (k->signing_key[0] == '\0' || k->trust_bundle[0] == '\0')
		return pn_error_set(err, PN_E_ARG, "%s: [keys] signing_key and "
		    "trust_bundle must be set: rotation replaces the current "
		    "key and bundle (docs/keys.md, first set-up)",
		    r->cfg.source);
	if ((r->master = admin_master_load(master_dir, err)) == NULL)
		return -1;
	/* Pinned to this master key: the wrong --master stops here. */
	if ((r->held = pn_trust_load(k->trust_bundle, r->master->pk, 0,
	    err)) == NULL) {
		if (err->code == PN_E_UNTRUSTED)
			pn_error_set(err, PN_E_UNTRUSTED, "%s is signed by "
			    "another master key than %s: is --master the "
			    "right key?", k->trust_bundle, master_dir);
		return -1;
	}
	if (r->held->seq == UINT64_MAX)
		return pn_error_set(err, PN_E_ARG, "%s: bundle number %llu is "
		    "the last one possible", k->trust_bundle,
		    (unsigned long long)r->held->seq);
	if (admin_keys_cert_path(k->signing_key, cert_path, sizeof(cert_path),
	    err) != 0 ||
	    pn_cert_load(cert_path, r->master->pk, &r->current, err) != 0)
		return -1;
	if (admin_keys_check_owner(CMD, k->signing_key, err) != 0 ||
	    admin_keys_dir(k->signing_key, r->key_dir, sizeof(r->key_dir),
	    err) != 0 || admin_keys_check_writable(r->key_dir, true, err) != 0 ||
	    admin_keys_check_writable(k->trust_bundle, false, err) != 0 ||
	    admin_keys_check_writable(r->cfg.source, false, err) != 0)
		return -1;

	if ((r->recorded = admin_keys_recorded(r->s, r->master->pk, err)) ==
	    NULL || admin_keys_next_kid(r->current.kid, r->recorded,
	    r->held, r->key_dir, &kid, err) != 0)
		return -1;

	if (admin_keys_next_cert(r->s, &r->current, kid, r->now, sign_days,
	    verify_days, &r->cert, err) != 0)
		return -1;

	/* The new name in the configuration, in the directory as written. */
	if (pn_signing_key_filename(kid, name, sizeof(name)) != 0 ||
	    snprintf(r->key_path, sizeof(r->key_path), "%s/%s", r->key_dir,
	    name) >= (int)sizeof(r->key_path) ||
	    pn_cert_filename(kid, name, sizeof(name)) != 0 ||
	    snprintf(r->cert_path, sizeof(r->cert_path), "%s/%s", r->key_dir,
	    name) >= (int)sizeof(r->cert_path))
		return pn_error_set(err, PN_E_ARG, "%s: path too long",
		    r->key_dir);
	if (admin_keys_config_switch(&r->file, r->cfg.source, kid,
	    r->old_value, r->new_value, err) != 0)
		return -1;

	if ((r->key = pn_signing_key_generate(kid, err)) == NULL)
		return -1;
	memcpy(r->cert.pk, r->key->pk, 32);
	if (pn_cert_sign(&r->cert, r->master, err) != 0)
		return -1;
	if ((r->bundle = pn_trust_new(r->master->pk, r->held->seq + 1,
	    r->now)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	/* Revoked stays revoked; what terminals have, and what was issued. */
	for (i = 0; i < r->held->n_revoked; i++)
		if (pn_trust_revoke(r->bundle, r->held->revoked[i], err) != 0)
			return -1;
	for (i = 0; i < r->held->n_certs; i++)
		if (admin_keys_bundle_keep(r->bundle, &r->held->certs[i], r->now, true,
		    err) != 0)
			return -1;
	for (i = 0; i < r->recorded->n_certs; i++)
		if (admin_keys_bundle_keep(r->bundle, &r->recorded->certs[i], r->now, false,
		    err) != 0)
			return -1;
	if (pn_trust_add_cert(r->bundle, &r->cert, err) != 0 ||
	    pn_trust_sign(r->bundle, r->master, err) != 0)
		return -1;
	return 0;
}

/*
 * Write, in an order where stopping after any step leaves passnumd a
 * consistent set-up with the old key, which the configuration still names
 * and every bundle still certifies:
 *
 *   1. the new key and certificate files: new names, nothing refers to
 *      them yet (the key is removed again if its certificate fails);
 *   2. the key in the database ("key.add"), before anything may sign
 *      with it, since vouchers refer to it;
 *   3. the new bundle, replacing the old one atomically: it certifies the
 *      old key as well, so passnumd restarted on the old key still starts;
 *   4. the audit row "key.rotate";
 *   5. the configuration, replaced atomically: the switch itself, last,
 *      once everything it relies on is in place.
 *
 * A run stopped before step 5 is run again: it takes the next kid, as a
 * kid is never reused, and the unfinished key stays unused.
 */
static int
commit(struct rotation *r)
{
	struct pn_error err;
	char detail[128], object[32], from[PN_TIME_TEXT_MAX];
	char until[PN_TIME_TEXT_MAX], verify[PN_TIME_TEXT_MAX];
	const char *step;
	size_t i;

	step = "writing the key";
	if (pn_signing_key_save(r->key, r->key_path, &err) != 0)
		goto fail;
	if (pn_cert_save(&r->cert, r->cert_path, &err) != 0) {
		unlink(r->key_path);
		goto fail;
	}
	pn_time_format(r->cert.valid_from, from);
	pn_time_format(r->cert.sign_until, until);
	pn_time_format(r->cert.verify_until, verify);
	printf("signing key %u written to %s (secret, 0600) and its "
	    "certificate to %s\n  it signs from %s until %s; its vouchers "
	    "verify until %s\n", r->cert.kid, r->key_path, r->cert_path, from,
	    until, verify);

	step = "recording the key in the database";
	if (store_signing_key_add(r->s, &r->cert, r->now, ADMIN_ACTOR,
	    &err) != 0)
		goto fail;
	printf("signing key %u recorded in the database\n", r->cert.kid);

	step = "writing the trust bundle";
	if (pn_trust_save(r->bundle, r->cfg.keys.trust_bundle, &err) != 0)
		goto fail;
	printf("trust bundle number %llu written to %s: %zu key(s)",
	    (unsigned long long)r->bundle->seq, r->cfg.keys.trust_bundle,
	    r->bundle->n_certs);
	for (i = 0; i < r->bundle->n_certs; i++)
		printf("%s%u", i == 0 ? " (kid " : ", ",
		    r->bundle->certs[i].kid);
	printf("), %zu revoked\n", r->bundle->n_revoked);

	step = "auditing the rotation";
	(void)snprintf(object, sizeof(object), "key:%u", r->cert.kid);
	(void)snprintf(detail, sizeof(detail), "{\"from\":%u,\"to\":%u,"
	    "\"bundle\":%llu}", r->current.kid, r->cert.kid,
	    (unsigned long long)r->bundle->seq);
	if (store_audit_append(r->s, r->now, ADMIN_ACTOR, "key.rotate", object,
	    detail, &err) != 0)
		goto fail;

	step = "changing the configuration";
	if (config_file_write(&r->file, &err) != 0) {
		say_error(step, &err);
		fprintf(stderr, "the key, the database and the bundle are "
		    "ready: set 'signing_key = %s' in [keys] of %s by hand, "
		    "then restart passnumd; until then it signs with key %u, "
		    "which stays valid\n", r->new_value, r->cfg.source,
		    r->current.kid);
		return ADMIN_EXIT_FAIL;
	}
	printf("%s: [keys] signing_key = %s (was %s)\n", r->cfg.source,
	    r->new_value, r->old_value);
	pn_time_format(r->current.sign_until, until);
	pn_time_format(r->current.verify_until, verify);
	printf("restart passnumd to sign with key %u; until then it signs "
	    "with key %u (until %s; its vouchers verify until %s)\n",
	    r->cert.kid, r->current.kid, until, verify);
	return ADMIN_EXIT_OK;
fail:
	say_error(step, &err);
	fprintf(stderr, "passnumd still signs with key %u, which %s still "
	    "names and the trust bundle still certifies; run keys rotate "
	    "again when the cause is fixed", r->current.kid, r->cfg.source);
	if (access(r->key_path, F_OK) == 0)
		fprintf(stderr, " (it takes the next kid: the files of key %u "
		    "stay unused and may be deleted)", r->cert.kid);
	fputc('\n', stderr);
	return ADMIN_EXIT_FAIL;
}

static void
rotation_free(struct rotation *r)
{
	store_close(r->s);
	pn_signing_key_free(r->key);
	pn_trust_free(r->bundle);
	pn_trust_free(r->recorded);
	pn_trust_free(r->held);
	pn_master_key_free(r->master);
	config_file_free(&r->file);
}

static int
keys_rotate(int argc, char **argv)
{
	static struct rotation r;	/* large: the configuration's paths */
	const char *config = NULL, *master = NULL, *sign = NULL;
	const char *verify = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "master", &master, true },
		{ "sign-days", &sign, false },
		{ "verify-days", &verify, false },
		{ NULL, NULL, false },
	};
	uint64_t sign_days, verify_days;
	struct pn_error err;
	int rc;

	if ((rc = admin_getopt(CMD, "keys rotate --config FILE --master DIR "
	    "[--sign-days N] [--verify-days N]", argc, argv, opts)) != 0)
		return rc;
	if ((rc = admin_keys_parse_days(CMD, sign, verify, &sign_days,
	    &verify_days)) != 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.now = (int64_t)time(NULL);
	pn_error_clear(&err);
	if ((r.s = admin_open_config(CMD, config, &r.cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (prepare(&r, master, sign_days, verify_days, &err) != 0) {
		say_error(NULL, &err);
		fprintf(stderr, "nothing was changed\n");
		rc = ADMIN_EXIT_FAIL;
	} else
		rc = commit(&r);
	rotation_free(&r);
	return rc;
}

int
admin_keys(int argc, char **argv)
{
	int rc;

	if (argc >= 2 && strcmp(argv[1], "rotate") == 0)
		return keys_rotate(argc - 1, argv + 1);
	if (argc >= 2 && (rc = admin_keys_ceremony(argc - 1, argv + 1)) >= 0)
		return rc;
	return admin_usage_error("keys", "expected 'prepare', "
	    "'prepare-revoke', 'certify', 'install' or 'rotate'");
}
