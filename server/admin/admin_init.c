/* admin_init.c -- passnum-admin init: a data directory ready for passnumd.
 *
 *   init --data DIR [--demo] [--port N]
 *
 * Makes DIR/passnumd.ini, the database, and the keys of a development or
 * test set-up: a master key (which production keeps offline instead, see
 * docs/keys.md), signing key 1 certified by it, the trust bundle and the
 * secret keying beneficiary references. With --demo, also an agency, the
 * programme "Pass numérique 2026", a caseworker and an admin whose
 * passwords are printed, and an API token for the caseworker.
 */
/* nftw() is an XSI function. */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/parse.h"
#include "passnum/trust.h"
#include "account.h"
#include "admin.h"
#include "programme_setup.h"
#include "store.h"

#define CMD "init"
#define YEAR (366 * 86400LL)

struct paths {
	char dir[1024], keys[1100], master[1100], signing[1200], cert[1200];
	char bundle[1100], ref[1100], config[1100], db[1100], creds[1100];
};

static int
make_paths(struct paths *p, const char *dir)
{
	int bad = 0;

#define SET(field, ...) \
	bad |= snprintf(p->field, sizeof(p->field), __VA_ARGS__) >= \
	    (int)sizeof(p->field)
	SET(dir, "%s", dir);
	SET(keys, "%s/keys", dir);
	SET(master, "%s/keys/master", dir);
	SET(signing, "%s/keys/signing-00001.key", dir);
	SET(cert, "%s/keys/signing-00001.cert", dir);
	SET(bundle, "%s/keys/trust.bundle", dir);
	SET(ref, "%s/keys/ref.key", dir);
	SET(config, "%s/passnumd.ini", dir);
	SET(db, "%s/passnum.db", dir);
	SET(creds, "%s/demo-credentials.txt", dir);
#undef SET
	return bad ? -1 : 0;
}

/* Master key, signing key 1 and its certificate, bundle, reference secret. */
static int
make_keys(const struct paths *p, int64_t now, struct pn_cert *cert,
    struct pn_error *err)
{
	struct pn_master_key *m = NULL;
	struct pn_signing_key *k = NULL;
	struct pn_trust *t = NULL;
	uint8_t ref[32];
	int rc = -1;

	if (pn_key_dir_ensure(p->keys, err) != 0 ||
	    (m = pn_master_key_generate(err)) == NULL ||
	    pn_master_key_save(m, p->master, err) != 0 ||
	    (k = pn_signing_key_generate(1, err)) == NULL)
		goto done;
	memset(cert, 0, sizeof(*cert));
	cert->kid = 1;
	memcpy(cert->pk, k->pk, 32);
	cert->valid_from = now - 86400;
	cert->sign_until = now + YEAR;
	/* Room for vouchers valid until the end of next year plus tolerance. */
	cert->verify_until = cert->sign_until + YEAR + 62 * 86400;
	cert->all_programmes = true;
	if (pn_cert_sign(cert, m, err) != 0 ||
	    pn_signing_key_save(k, p->signing, err) != 0 ||
	    pn_cert_save(cert, p->cert, err) != 0 ||
	    (t = pn_trust_new(m->pk, 1, now)) == NULL ||
	    pn_trust_add_cert(t, cert, err) != 0 ||
	    pn_trust_sign(t, m, err) != 0 ||
	    pn_trust_save(t, p->bundle, err) != 0)
		goto done;
	randombytes_buf(ref, sizeof(ref));
	rc = pn_secret_file_write(p->ref, ref, sizeof(ref), err);
	sodium_memzero(ref, sizeof(ref));
done:
	pn_trust_free(t);
	pn_signing_key_free(k);
	pn_master_key_free(m);
	return rc;
}

static int
write_config(const struct paths *p, unsigned port, struct pn_error *err)
{
	FILE *f = fopen(p->config, "wx");

	if (f == NULL)
		return pn_error_set(err, PN_E_IO, "%s: cannot create", p->config);
	fprintf(f, "; passnumd configuration made by passnum-admin init.\n"
	    "; Every key: docs/config.md. Paths are relative to this file.\n\n"
	    "[server]\nlisten = 127.0.0.1\nport = %u\nthreads = 4\n\n"
	    "[store]\npath = passnum.db\n\n"
	    "[keys]\nsigning_key = keys/signing-00001.key\n"
	    "trust_bundle = keys/trust.bundle\nref_secret = keys/ref.key\n",
	    port);
	if (fclose(f) != 0)
		return pn_error_set(err, PN_E_IO, "%s: cannot write", p->config);
	return 0;
}

/* The demo's set-up refused: the refusal as err, -1. */
static int
demo_refused(const struct op_refusal *why, struct pn_error *err)
{
	return pn_error_set(err, PN_E_ARG, "%s", why->detail);
}

static int
make_demo(const struct paths *p, const char *shown_creds, struct store *s,
    int64_t now, struct pn_error *err)
{
	const struct agency_add_in agency_in = { "EDS Nantes Est", "eds",
	    "Nantes" };
	const struct programme_add_in prog = {
		.name = "Pass numérique 2026",
		.face_value = 1000,
		.per_booklet = 10,
		.validity = "year-end+31",
		.territory = "Loire-Atlantique",
		.budget = 10000000,
		.max_booklets = 1,
		.instructions = "Chaque chèque vaut une séance d’initiation au "
		    "numérique chez un lieu partenaire. Présentez le chèque "
		    "au début de la séance : l’animateur le scanne. Un chèque "
		    "ne sert qu’une fois ; il n’a aucune valeur en argent. En "
		    "cas de perte, prévenez votre référent.",
		.venues = "Médiathèque Jacques Demy, 24 quai de la Fosse, "
		    "Nantes\n"
		    "Espace numérique de Rezé, 2 rue Jean Jaurès, Rezé\n"
		    "France services de Saint-Herblain, 7 place de la Paix, "
		    "Saint-Herblain\n"
		    "Association Ordi’Solidaire, 12 rue des Forges, "
		    "Saint-Nazaire",
	};
	const struct op_ctx cx = { s, NULL, NULL, NULL, now, ADMIN_ACTOR };
	struct user_add_in caseworker = { "caseworker", "Camille Martin",
	    ROLE_CASEWORKER, 0, NULL, NULL };
	struct user_add_in admin = { "admin", "Administrateur", ROLE_ADMIN, 0,
	    NULL, NULL };
	const struct token_add_in token_in = { "caseworker", "demo",
	    ADMIN_TOKEN_DAYS };
	char pw_case[17], pw_admin[17];
	struct token_add_out token;
	struct user_add_out user;
	struct op_refusal why;
	int64_t agency, programme;
	FILE *f;

	admin_password_new(pw_case, sizeof(pw_case));
	admin_password_new(pw_admin, sizeof(pw_admin));
	caseworker.password = pw_case;
	admin.password = pw_admin;
	if (agency_add(&cx, &agency_in, &agency, &why) != ERR_NONE)
		return demo_refused(&why, err);
	caseworker.agency_id = agency;
	if (programme_add(&cx, &prog, &programme, &why) != ERR_NONE ||
	    user_add(&cx, &caseworker, &user, &why) != ERR_NONE ||
	    user_add(&cx, &admin, &user, &why) != ERR_NONE ||
	    token_add(&cx, &token_in, &token, &why) != ERR_NONE)
		return demo_refused(&why, err);
	umask(077);
	if ((f = fopen(p->creds, "wx")) == NULL)
		return pn_error_set(err, PN_E_IO, "%s: cannot create", p->creds);
	fprintf(f, "caseworker password: %s\nadmin password: %s\n"
	    "caseworker API token: %s\nprogramme: %lld\n", pw_case, pw_admin,
	    token.token, (long long)programme);
	fclose(f);
	printf("demo: agency %lld 'EDS Nantes Est', programme %lld 'Pass "
	    "numérique 2026' (10 x 10,00 EUR)\n"
	    "demo: caseworker / %s, admin / %s\n"
	    "demo: caseworker API token %s\n"
	    "demo: the same, in %s (mode 0600)\n", (long long)agency,
	    (long long)programme, pw_case, pw_admin, token.token, shown_creds);
	sodium_memzero(pw_case, sizeof(pw_case));
	sodium_memzero(pw_admin, sizeof(pw_admin));
	sodium_memzero(token.token, sizeof(token.token));
	return 0;
}

/* True when dir does not exist, or is an empty directory. */
static bool
usable_target(const char *dir)
{
	struct dirent *de;
	bool empty = true;
	DIR *d;

	if (access(dir, F_OK) != 0)
		return errno == ENOENT;
	if ((d = opendir(dir)) == NULL)
		return false;
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove a directory made by this command, and everything in it. */
static void
remove_tree(const char *dir)
{
	(void)nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
admin_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "demo", no_argument, NULL, 'x' },
		{ "port", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	static struct paths p, shown;
	char tmp[1100], target[1024];
	const char *dir = NULL;
	size_t n;
	struct pn_cert cert;
	struct pn_error err;
	struct store *s = NULL;
	int64_t now = (int64_t)time(NULL);
	uint64_t port = 8080;
	bool demo = false;
	int c;

	pn_error_clear(&err);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'x': demo = true; break;
		case 'p':
			if (pn_parse_u64(optarg, 65535, &port) != 0)
				return admin_usage_error(CMD, "--port: 0 to "
				    "65535");
			break;
		default: return ADMIN_EXIT_USAGE;
		}
	}
	if (dir == NULL || optind != argc)
		return admin_usage_error(CMD, "usage: init --data DIR [--demo] "
		    "[--port N]");
	/* "demo/" names the directory "demo": its temporary twin goes beside. */
	if (snprintf(target, sizeof(target), "%s", dir) >= (int)sizeof(target))
		return admin_usage_error(CMD, "--data: path too long");
	for (n = strlen(target); n > 1 && target[n - 1] == '/'; n--)
		target[n - 1] = '\0';
	dir = target;
	if (!usable_target(dir)) {
		fprintf(stderr, "passnum-admin %s: %s exists and is not an "
		    "empty directory; refusing to overwrite a set-up\n", CMD,
		    dir);
		return ADMIN_EXIT_FAIL;
	}
	/*
	 * Build everything in a fresh sibling directory and rename it into
	 * place at the end: a failed init leaves nothing half-made behind.
	 */
	if (snprintf(tmp, sizeof(tmp), "%s.init-XXXXXX", dir) >=
	    (int)sizeof(tmp) || mkdtemp(tmp) == NULL)
		return admin_usage_error(CMD, "--data: cannot create a "
		    "directory beside %s", dir);
	if (make_paths(&p, tmp) != 0 || make_paths(&shown, dir) != 0)
		return admin_usage_error(CMD, "--data: path too long");
	if (make_keys(&p, now, &cert, &err) != 0 ||
	    write_config(&p, (unsigned)port, &err) != 0 ||
	    (s = store_open(p.db, 5000, &err)) == NULL ||
	    store_signing_key_add(s, &cert, now, "admin-cli", &err) != 0 ||
	    (demo && make_demo(&p, shown.creds, s, now, &err) != 0))
		goto fail;
	store_close(s);
	s = NULL;
	(void)rmdir(dir);	/* an empty target is replaced */
	if (chmod(tmp, 0700) != 0 || rename(tmp, dir) != 0) {
		pn_error_set(&err, PN_E_IO, "%s: cannot move the set-up into "
		    "place: %s", dir, strerror(errno));
		goto fail;
	}
	p = shown;
	printf("set-up ready in %s: passnumd --config %s\n"
	    "note: the master key is in %s for development only; in "
	    "production it stays offline (docs/keys.md)\n", dir, p.config,
	    p.master);
	return ADMIN_EXIT_OK;
fail:
	fprintf(stderr, "passnum-admin %s: %s\n", CMD,
	    err.message[0] != '\0' ? err.message : dir);
	store_close(s);
	remove_tree(tmp);
	return ADMIN_EXIT_FAIL;
}
