/* store_world.h -- a store holding what redemption needs, for the unit tests that go through the store API.
 *
 * In a fresh directory: the fixed signing key recorded, a programme of
 * 10,00 EUR vouchers (10 a booklet, up to 10 of a booklet in a session),
 * a caseworker's booklet of real signed vouchers issued through the store,
 * venue 1 (Rezé) with terminal 1 and session uid 51.., venue 2 (Nantes)
 * with terminal 2 and session uid 52.. (the terminals and sessions written
 * as the routes would, by SQL). Included by one test file each: its
 * functions are static inline.
 */
#ifndef PN_TEST_STORE_WORLD_H
#define PN_TEST_STORE_WORLD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "passnum/passnum.h"
#include "fixtures.h"
#include "store.h"

#define STORE_WORLD_BUSY_MS	10000

struct store_world {
	char dir[256];
	char db[300];
	struct store *s;
	struct pn_signing_key *key;
	struct store_booklet b;
	struct store_principal who;	/* the caseworker */
	struct store_terminal t1, t2;	/* venue 1, venue 2 */
};

/* Run sql on a connection of its own. */
static inline void
store_world_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, STORE_WORLD_BUSY_MS),
	    SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The integer the query gives (one row, one column). */
static inline long long
store_world_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static inline void
store_world_venue(struct store *s, const char *name, const char *siret)
{
	struct store_venue v;
	struct pn_error err;
	int64_t id;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "%s", name);
	snprintf(v.siret, sizeof(v.siret), "%s", siret);
	snprintf(v.commune, sizeof(v.commune), "Rezé");
	snprintf(v.iban, sizeof(v.iban), "FR7630006000011234567890189");
	snprintf(v.bic, sizeof(v.bic), "AGRIFRPP");
	v.accredited_from = 1000;
	if (store_venue_add(s, &v, 100, "test", &id, &err) != 0)
		fail_msg("venue %s: %s", name, err.message);
}

/*
 * Make the world in a new directory named after name, at now (inside the
 * fixed key's window); sessions s1 and s2 start at session_start and last
 * session_minutes.
 */
static inline void
store_world_open(struct store_world *w, const char *name, int64_t now,
    int64_t session_start, int session_minutes)
{
	const char *tmp = getenv("TMPDIR");
	struct pn_master_key *master;
	struct store_booklet_request r;
	struct store_programme p;
	struct pn_cert cert;
	struct pn_error err;
	char sql[1024];
	int64_t prog, uid;

	memset(w, 0, sizeof(*w));
	assert_int_equal(pn_init(), 0);
	snprintf(w->dir, sizeof(w->dir), "%s/pn-%s-XXXXXX",
	    tmp != NULL ? tmp : "/tmp", name);
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->db, sizeof(w->db), "%s/passnum.db", w->dir);
	if ((w->s = store_open(w->db, STORE_WORLD_BUSY_MS, &err)) == NULL)
		fail_msg("%s", err.message);
	master = fx_master_with(FX_MASTER_SEED);
	w->key = fx_signing(1);
	assert_true(master != NULL && w->key != NULL);
	assert_int_equal(fx_cert(&cert, master, w->key, 0, NULL, &err), 0);
	pn_master_key_free(master);
	assert_int_equal(store_signing_key_add(w->s, &cert, now, "test", &err),
	    0);
	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "Pass numérique");
	p.face_value = 1000;
	p.per_booklet = 10;
	snprintf(p.validity, sizeof(p.validity), "year-end+31");
	snprintf(p.territory, sizeof(p.territory), "Loire-Atlantique");
	p.budget = 1000000;
	p.max_booklets = 9;
	p.max_per_session = 10;
	assert_int_equal(store_programme_add(w->s, &p, now, "test", &prog,
	    &err), 0);
	assert_int_equal(store_user_add(w->s, "cw", "Camille", ROLE_CASEWORKER,
	    0, 0, "x", now, "test", &uid, &err), 0);
	w->who.user_id = uid;
	w->who.role = ROLE_CASEWORKER;
	snprintf(w->who.login, sizeof(w->who.login), "cw");
	memset(&r, 0, sizeof(r));
	r.programme_id = prog;
	r.pathway = "rsa";
	r.age_band = "26-44";
	r.commune = "Rezé";
	r.by = &w->who;
	assert_int_equal(store_booklet_issue(w->s, &r, w->key, &cert, now,
	    &w->b, &err), STORE_ISSUED);
	store_world_venue(w->s, "Médiathèque de Rezé", "21440143800012");
	store_world_venue(w->s, "Espace Nantes", "35600000000001");
	snprintf(sql, sizeof(sql),
	    "INSERT INTO terminal (id, venue_id, public_key, label,"
	    " enrolled_at) VALUES (1, 1, randomblob(32), 'Accueil', 100),"
	    " (2, 2, randomblob(32), 'Poste 1', 100);"
	    "INSERT INTO training_session (id, uid, venue_id, terminal_id,"
	    " theme, starts_at, duration_minutes, declared_at) VALUES"
	    " (1, x'51515151515151515151515151515151', 1, 1, 'démarches',"
	    " %lld, %d, %lld),"
	    " (2, x'52525252525252525252525252525252', 2, 2, 'e-mail',"
	    " %lld, %d, %lld);", (long long)session_start, session_minutes,
	    (long long)session_start, (long long)session_start,
	    session_minutes, (long long)session_start);
	store_world_exec(w->db, sql);
	assert_int_equal(store_terminal_get(w->s, 1, &w->t1, &err), 0);
	assert_int_equal(store_terminal_get(w->s, 2, &w->t2, &err), 0);
}

static inline void
store_world_close(struct store_world *w)
{
	char cmd[512];

	store_close(w->s);
	pn_signing_key_free(w->key);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	assert_int_equal(system(cmd), 0);
}

/* Voucher i of the booklet, as a terminal decodes it. */
static inline struct pn_voucher
store_world_voucher(const struct store_world *w, unsigned i)
{
	const struct store_voucher *sv = &w->b.vouchers[i];
	struct pn_voucher v;

	memset(&v, 0, sizeof(v));
	v.format = PN_VOUCHER_FORMAT;
	v.kid = sv->kid;
	v.programme = (uint32_t)w->b.programme_id;
	v.serial = sv->serial;
	v.value_cents = (uint32_t)sv->value;
	v.issued_at = (uint32_t)sv->issued_at;
	v.expires_at = (uint32_t)sv->expires_at;
	memcpy(v.signature, sv->signature, sizeof(v.signature));
	return v;
}

#endif
