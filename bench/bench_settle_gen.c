/* bench_settle_gen.c -- a year's worth of a département in one database: the audit and settlement benchmark's data.
 *
 *   bench_settle_gen DIR [--vouchers N] [--redemptions N] [--month YYYY-MM]
 *                        [--commission-bp N] [--threads N]
 *
 * Makes DIR (new or empty): keys (a master key, signing key 1 certified by
 * it, the trust bundle), passnum.db created through the store (migrations,
 * the key, an agency, a programme of 10 x 10,00 EUR, users alice (admin),
 * bob (accountant) and camille (caseworker), Argon2id hashes as passnum-
 * admin makes them), then, with raw SQLite in large transactions
 * (synchronous OFF, for this generator only): 2,000 venues with valid
 * SIRETs (Luhn) and IBANs (RIB key and mod 97), one terminal each, N
 * vouchers (default 1,000,000) in booklets of 10, each genuinely signed
 * (on every CPU), and for the first R of them (default: all) an accepted
 * redemption in training sessions of 5 vouchers spread over the venues,
 * on days 2 to 21 of --month (default: the month before this one), so
 * that "settle draft" for that month, run in the next, finds them past
 * their contest window. The audit log is chained
 * as the server chains it (docs/store.md), one row per booklet, session
 * and redemption. Writes DIR/passnumd.ini ([store], [keys], [settlement]
 * with a valid debtor IBAN and BIC) and DIR/bench-credentials.txt, and
 * prints how long it took. passnum-admin audit passes on the result.
 * bench_settle_baseline measures what its figures are compared with.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "passnum/bankid.h"
#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/passnum.h"
#include "passnum/receipt.h"
#include "passnum/redemption.h"
#include "passnum/timefmt.h"
#include "passnum/trust.h"
#include "passnum/voucher.h"
#include "store.h"
#include "validity.h"

#include "bench.h"

#define PROG		"bench_settle_gen"
#define VENUES		2000
#define PER_BOOKLET	10
#define PER_SESSION	5
#define FACE_VALUE	1000
#define RANGE		4000	/* vouchers signed together: 400 booklets */
#define RING		64	/* ranges signed ahead of the inserts */
#define COMMIT_EVERY	16	/* ranges per transaction */
#define DAY_S		86400

/* --- Identifiers that pass their checks ----------------------------------- */

/* The Luhn key of the n digits at d, for the digit after them. */
static char
luhn_key(const char *d, int n)
{
	int sum = 0, i, v;

	for (i = 0; i < n; i++) {
		/* From the right, every second digit doubled (key: n+1th). */
		v = d[n - 1 - i] - '0';
		if (i % 2 == 0 && (v *= 2) > 9)
			v -= 9;
		sum += v;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

/*
 * A SIRET from n: a SIREN "4" and 7 digits of n / 10000 with its Luhn key,
 * then n % 10000 and the key of the 14 (never La Poste's SIREN).
 */
static void
make_siret(unsigned n, char out[PN_SIRET_LEN + 1])
{
	char canon[PN_SIRET_LEN + 1];

	(void)snprintf(out, PN_SIRET_LEN + 1, "4%07u0%04u0",
	    n / 10000 % 10000000, n % 10000);
	out[8] = luhn_key(out, 8);
	out[13] = luhn_key(out, 13);
	if (pn_siret_parse(out, canon) != PN_ID_OK)
		bench_fatalx(PROG, "%s: SIRET %s does not pass its check",
		    __func__, out);
}

/* The remainder of a string of digits divided by 97. */
static unsigned
mod97(const char *digits)
{
	unsigned r = 0;

	for (; *digits != '\0'; digits++)
		r = (r * 10 + (unsigned)(*digits - '0')) % 97;
	return r;
}

/*
 * A French IBAN: bank (5 digits), branch (5), account (11 digits), RIB key
 * (97 - (89 bank + 15 branch + 3 account) mod 97), then the ISO 13616
 * check digits (98 - the BBAN and "FR00", letters as numbers, mod 97).
 */
static void
make_iban(unsigned bank, unsigned branch, unsigned long long account,
    char out[PN_IBAN_MAX + 1])
{
	char bban[64], num[80], iban[80], canon[PN_IBAN_MAX + 1];
	unsigned key;

	key = 97 - (unsigned)((89ULL * bank + 15ULL * branch +
	    3ULL * (account % 100000000000ULL)) % 97);
	if (snprintf(bban, sizeof(bban), "%05u%05u%011llu%02u", bank, branch,
	    account % 100000000000ULL, key) != 23)
		bench_fatalx(PROG, "%s: bank %u or branch %u too long",
		    __func__, bank, branch);
	/* F = 15, R = 27. */
	(void)snprintf(num, sizeof(num), "%s152700", bban);
	(void)snprintf(iban, sizeof(iban), "FR%02u%s", 98 - mod97(num), bban);
	memcpy(out, iban, 28);		/* 27 characters, checked below */
	if (strlen(out) != 27 || pn_iban_parse(out, canon) != PN_ID_OK)
		bench_fatalx(PROG, "%s: IBAN %s does not pass its check",
		    __func__, out);
}

/* len bytes from a tag and a number: unique ids without randomness. */
static void
derive(uint8_t *out, size_t len, const char *tag, uint64_t n)
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, len);
	crypto_generichash_update(&h, (const uint8_t *)tag, strlen(tag));
	crypto_generichash_update(&h, (const uint8_t *)&n, sizeof(n));
	crypto_generichash_final(&h, out, len);
}

/* --- The audit chain, as store_sqlite_audit.c makes it -------------------- */

struct chain {
	sqlite3_stmt *insert;
	int64_t id;
	uint8_t prev[32];
};

static void
put_be(crypto_generichash_state *h, uint64_t v, int n)
{
	uint8_t be[8];
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		be[i] = (uint8_t)v;
	crypto_generichash_update(h, be, (unsigned long long)n);
}

static void
chain_append(struct chain *c, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail)
{
	const char *text[4] = { actor, action, object, detail };
	crypto_generichash_state h;
	uint8_t hash[32];
	size_t len;
	int i;

	c->id++;
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, c->prev, 32);
	put_be(&h, (uint64_t)c->id, 8);
	put_be(&h, (uint64_t)at, 8);
	for (i = 0; i < 4; i++) {
		len = strlen(text[i]);
		put_be(&h, len, 4);
		crypto_generichash_update(&h, (const uint8_t *)text[i], len);
	}
	crypto_generichash_final(&h, hash, 32);
	sqlite3_bind_int64(c->insert, 1, c->id);
	sqlite3_bind_int64(c->insert, 2, at);
	for (i = 0; i < 4; i++)
		sqlite3_bind_text(c->insert, 3 + i, text[i], -1, SQLITE_STATIC);
	sqlite3_bind_blob(c->insert, 7, c->prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(c->insert, 8, hash, 32, SQLITE_STATIC);
	if (sqlite3_step(c->insert) != SQLITE_DONE)
		bench_fatalx(PROG, "audit row %lld: %s", (long long)c->id,
		    sqlite3_errmsg(sqlite3_db_handle(c->insert)));
	sqlite3_reset(c->insert);
	memcpy(c->prev, hash, 32);
}

/* --- What the generator makes --------------------------------------------- */

struct gen {
	const char *dir;
	char db_path[4096];
	uint64_t n_vouchers, n_redeemed;
	int64_t month_start, month_end;
	char month[8];
	unsigned commission_bp;
	unsigned threads;
	int64_t issue_start;		/* first booklet's issue time */
	struct validity_rule rule;
	struct pn_master_key *master;
	struct pn_signing_key *key;
	struct pn_cert cert;
	uint8_t (*term_sk)[64];		/* terminal i's secret key: [i - 1] */
	sqlite3 *db;
	struct chain chain;
	int64_t agency, programme, caseworker;
};

static void
sql(struct gen *g, const char *text)
{
	char *msg = NULL;

	if (sqlite3_exec(g->db, text, NULL, NULL, &msg) != SQLITE_OK)
		bench_fatalx(PROG, "%s: %s", text, msg);
}

static sqlite3_stmt *
prepare(struct gen *g, const char *text)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(g->db, text, -1, &st, NULL) != SQLITE_OK)
		bench_fatalx(PROG, "%s: %s", text, sqlite3_errmsg(g->db));
	return st;
}

static void
step(struct gen *g, sqlite3_stmt *st, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		bench_fatalx(PROG, "%s: %s", what, sqlite3_errmsg(g->db));
	sqlite3_reset(st);
}

/* Booklet b (0-based) is issued at this time: over 60 days, a minute apart. */
static int64_t
booklet_time(const struct gen *g, uint64_t b)
{
	return g->issue_start + (int64_t)(b % 60) * DAY_S +
	    (int64_t)(b / 60 % 480) * 60;
}

/* The voucher of serial s, all but its signature. */
static void
voucher_of(const struct gen *g, uint64_t s, struct pn_voucher *v)
{
	int64_t at = booklet_time(g, (s - 1) / PER_BOOKLET), exp;

	memset(v, 0, sizeof(*v));
	v->format = PN_VOUCHER_FORMAT;
	v->kid = g->key->kid;
	v->programme = (uint32_t)g->programme;
	v->serial = s;
	v->value_cents = FACE_VALUE;
	v->issued_at = (uint32_t)at;
	exp = validity_expiry(&g->rule, at);
	if (exp < 0 || exp > UINT32_MAX)
		bench_fatalx(PROG, "voucher %llu: no expiry fits",
		    (unsigned long long)s);
	v->expires_at = (uint32_t)exp;
}

/* --- Signing on every CPU, RING ranges ahead of the inserts --------------- */

struct signer {
	const struct gen *g;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t n_ranges, next, consumed;
	bool done[RING];
	uint8_t (*sigs)[PN_SIGNATURE_SIZE];	/* RING * RANGE */
};

static void *
sign_worker(void *arg)
{
	struct signer *sg = arg;
	struct pn_voucher v;
	uint64_t r, s, first, last;

	for (;;) {
		pthread_mutex_lock(&sg->mu);
		while (sg->next < sg->n_ranges &&
		    sg->next >= sg->consumed + RING)
			pthread_cond_wait(&sg->cv, &sg->mu);
		if (sg->next >= sg->n_ranges) {
			pthread_mutex_unlock(&sg->mu);
			return NULL;
		}
		r = sg->next++;
		pthread_mutex_unlock(&sg->mu);
		first = r * RANGE + 1;
		last = first + RANGE - 1;
		if (last > sg->g->n_vouchers)
			last = sg->g->n_vouchers;
		for (s = first; s <= last; s++) {
			voucher_of(sg->g, s, &v);
			if (pn_voucher_sign(&v, sg->g->key) != 0)
				bench_fatalx(PROG, "signing voucher %llu "
				    "failed", (unsigned long long)s);
			memcpy(sg->sigs[(r % RING) * RANGE + (s - first)],
			    v.signature, PN_SIGNATURE_SIZE);
		}
		pthread_mutex_lock(&sg->mu);
		sg->done[r % RING] = true;
		pthread_cond_broadcast(&sg->cv);
		pthread_mutex_unlock(&sg->mu);
	}
}

/* --- The rows ------------------------------------------------------------- */

static void
venues(struct gen *g)
{
	static const char *const communes[] = { "Nantes", "Saint-Nazaire",
	    "Rezé", "Saint-Herblain", "Orvault", "Vertou", "Carquefou",
	    "Guérande", "Ancenis", "Châteaubriant", "Clisson", "Pornic" };
	static const char *const bics[] = { "AGRIFRPP", "CMCIFRPP",
	    "CCBPFRPP", "SOGEFRPP", "PSSTFRPPNTE", "CEPAFRPP444" };
	sqlite3_stmt *v, *t;
	char siret[PN_SIRET_LEN + 1], iban[PN_IBAN_MAX + 1], name[64];
	uint8_t pk[32], seed[crypto_sign_SEEDBYTES];
	int64_t from = g->issue_start - 365 * DAY_S;
	unsigned i;

	if ((g->term_sk = calloc(VENUES, sizeof(*g->term_sk))) == NULL)
		bench_fatalx(PROG, "out of memory");

	v = prepare(g, "INSERT INTO venue (id, name, siret, address, commune,"
	    " iban, bic, contact, accredited_from, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)");
	t = prepare(g, "INSERT INTO terminal (id, venue_id, public_key, label,"
	    " enrolled_at) VALUES (?1, ?1, ?2, 'Accueil', ?3)");
	for (i = 1; i <= VENUES; i++) {
		make_siret(i, siret);
		make_iban(10000 + i % 90000, 100 + i % 900, 1000000ULL * i + 17,
		    iban);
		(void)snprintf(name, sizeof(name), "Lieu numérique %04u", i);
		sqlite3_bind_int64(v, 1, i);
		sqlite3_bind_text(v, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(v, 3, siret, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(v, 4, "1 place de la Mairie", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(v, 5, communes[i % 12], -1, SQLITE_STATIC);
		sqlite3_bind_text(v, 6, iban, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(v, 7, bics[i % 6], -1, SQLITE_STATIC);
		sqlite3_bind_text(v, 8, "02 40 00 00 00", -1, SQLITE_STATIC);
		sqlite3_bind_int64(v, 9, from);
		step(g, v, "inserting a venue");
		/* A device key from a derived seed: its records are signed. */
		derive(seed, sizeof(seed), "terminal", i);
		crypto_sign_seed_keypair(pk, g->term_sk[i - 1], seed);
		sqlite3_bind_int64(t, 1, i);
		sqlite3_bind_blob(t, 2, pk, 32, SQLITE_TRANSIENT);
		sqlite3_bind_int64(t, 3, from + DAY_S);
		step(g, t, "inserting a terminal");
	}
	sqlite3_finalize(v);
	sqlite3_finalize(t);
}

/* Beneficiaries, booklets and vouchers, with a "booklet.issue" row each. */
static void
vouchers(struct gen *g)
{
	static struct signer sg;
	pthread_t tid[64];
	sqlite3_stmt *ben, *bk, *vo;
	struct pn_voucher v;
	uint8_t ref[32];
	char object[48], detail[160];
	uint64_t r, s, first, last, b;
	unsigned i;

	memset(&sg, 0, sizeof(sg));
	sg.g = g;
	sg.n_ranges = (g->n_vouchers + RANGE - 1) / RANGE;
	if ((sg.sigs = calloc((size_t)RING * RANGE, PN_SIGNATURE_SIZE)) == NULL)
		bench_fatalx(PROG, "%s: out of memory", __func__);
	pthread_mutex_init(&sg.mu, NULL);
	pthread_cond_init(&sg.cv, NULL);
	for (i = 0; i < g->threads; i++)
		if (pthread_create(&tid[i], NULL, sign_worker, &sg) != 0)
			bench_fatalx(PROG, "cannot start a signing thread");

	ben = prepare(g, "INSERT INTO beneficiary (id, ref_hash, pathway,"
	    " age_band, commune, created_at)"
	    " VALUES (?1, ?2, 'rsa', '26-44', 'Nantes', ?3)");
	bk = prepare(g, "INSERT INTO booklet (id, programme_id, beneficiary_id,"
	    " agency_id, issued_by, issued_at, per_booklet)"
	    " VALUES (?1, ?2, ?1, ?3, ?4, ?5,"
	    " (SELECT per_booklet FROM programme WHERE id = ?2))");
	vo = prepare(g, "INSERT INTO voucher (serial, booklet_id, programme_id,"
	    " kid, value, issued_at, expires_at, signature, status)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	sql(g, "BEGIN");
	for (r = 0; r < sg.n_ranges; r++) {
		pthread_mutex_lock(&sg.mu);
		while (!sg.done[r % RING])
			pthread_cond_wait(&sg.cv, &sg.mu);
		pthread_mutex_unlock(&sg.mu);
		first = r * RANGE + 1;
		last = first + RANGE - 1;
		if (last > g->n_vouchers)
			last = g->n_vouchers;
		for (s = first; s <= last; s++) {
			b = (s - 1) / PER_BOOKLET + 1;
			voucher_of(g, s, &v);
			if ((s - 1) % PER_BOOKLET == 0) {
				derive(ref, sizeof(ref), "beneficiary", b);
				sqlite3_bind_int64(ben, 1, (int64_t)b);
				sqlite3_bind_blob(ben, 2, ref, 32,
				    SQLITE_STATIC);
				sqlite3_bind_int64(ben, 3, v.issued_at);
				step(g, ben, "inserting a beneficiary");
				sqlite3_bind_int64(bk, 1, (int64_t)b);
				sqlite3_bind_int64(bk, 2, g->programme);
				sqlite3_bind_int64(bk, 3, g->agency);
				sqlite3_bind_int64(bk, 4, g->caseworker);
				sqlite3_bind_int64(bk, 5, v.issued_at);
				step(g, bk, "inserting a booklet");
				(void)snprintf(object, sizeof(object),
				    "booklet:%llu", (unsigned long long)b);
				(void)snprintf(detail, sizeof(detail),
				    "{\"programme\":%lld,\"vouchers\":%d,"
				    "\"first_serial\":%llu,\"amount\":%d,"
				    "\"override\":false}",
				    (long long)g->programme, PER_BOOKLET,
				    (unsigned long long)s,
				    PER_BOOKLET * FACE_VALUE);
				chain_append(&g->chain, v.issued_at, "camille",
				    "booklet.issue", object, detail);
			}
			sqlite3_bind_int64(vo, 1, (int64_t)s);
			sqlite3_bind_int64(vo, 2, (int64_t)b);
			sqlite3_bind_int64(vo, 3, v.programme);
			sqlite3_bind_int64(vo, 4, v.kid);
			sqlite3_bind_int64(vo, 5, v.value_cents);
			sqlite3_bind_int64(vo, 6, v.issued_at);
			sqlite3_bind_int64(vo, 7, v.expires_at);
			sqlite3_bind_blob(vo, 8, sg.sigs[(r % RING) * RANGE +
			    (s - first)], PN_SIGNATURE_SIZE, SQLITE_STATIC);
			sqlite3_bind_text(vo, 9, s <= g->n_redeemed ?
			    "redeemed" : "issued", -1, SQLITE_STATIC);
			step(g, vo, "inserting a voucher");
		}
		pthread_mutex_lock(&sg.mu);
		sg.done[r % RING] = false;
		sg.consumed++;
		pthread_cond_broadcast(&sg.cv);
		pthread_mutex_unlock(&sg.mu);
		if ((r + 1) % COMMIT_EVERY == 0) {
			sql(g, "COMMIT");
			sql(g, "BEGIN");
		}
	}
	sql(g, "COMMIT");
	for (i = 0; i < g->threads; i++)
		pthread_join(tid[i], NULL);
	sqlite3_finalize(ben);
	sqlite3_finalize(bk);
	sqlite3_finalize(vo);
	pthread_cond_destroy(&sg.cv);
	pthread_mutex_destroy(&sg.mu);
	free(sg.sigs);
}

/* Session j: venue j mod VENUES, days 2 to 21 of the month, 9-15 h UTC. */
static int64_t
session_start(const struct gen *g, uint64_t j)
{
	return g->month_start + (int64_t)(1 + j % 20) * DAY_S + 9 * 3600 +
	    (int64_t)(j / VENUES % 4) * 2 * 3600;
}

/* Sessions of 5 vouchers, their accepted redemptions, the deny list. */
static void
redemptions(struct gen *g)
{
	sqlite3_stmt *se, *re, *de, *vo;
	uint64_t i, j;
	int64_t venue, start = 0, at;
	uint8_t uid[16], rid[16];
	char object[48], detail[160], actor[32];
	char text[PN_RECEIPT_TEXT_MAX], answer[PN_RECEIPT_TEXT_MAX + 32];
	struct pn_redemption rec;
	struct pn_receipt rc;
	struct pn_voucher v;
	struct pn_error err;
	se = prepare(g, "INSERT INTO training_session (id, uid, venue_id,"
	    " terminal_id, theme, starts_at, duration_minutes, declared_at)"
	    " VALUES (?1, ?2, ?3, ?3, 'démarches en ligne', ?4, 120, ?4)");
	/*
	 * Each record signed by its terminal over the voucher's text, and
	 * its answer a receipt signed by the signing key, as passnumd
	 * stores them: passnum-admin audit verifies both.
	 */
	re = prepare(g, "INSERT INTO redemption (id, redemption_id, serial,"
	    " session_id, terminal_id, venue_id, terminal_time, counter,"
	    " record_signature, outcome, value, received_at, answer)"
	    " VALUES (?1, ?2, ?1, ?3, ?4, ?4, ?5, ?1, ?6, 'accepted', ?7, ?8,"
	    " ?9)");
	vo = prepare(g, "SELECT programme_id, kid, value, issued_at,"
	    " expires_at, signature FROM voucher WHERE serial = ?1");
	de = prepare(g, "INSERT INTO deny_event (serial, reason, at)"
	    " VALUES (?1, 2, ?2)");
	sql(g, "BEGIN");
	for (i = 0; i < g->n_redeemed; i++) {
		j = i / PER_SESSION;
		venue = (int64_t)(j % VENUES) + 1;
		if (i % PER_SESSION == 0) {
			start = session_start(g, j);
			derive(uid, sizeof(uid), "session", j);
			sqlite3_bind_int64(se, 1, (int64_t)j + 1);
			sqlite3_bind_blob(se, 2, uid, 16, SQLITE_STATIC);
			sqlite3_bind_int64(se, 3, venue);
			sqlite3_bind_int64(se, 4, start);
			step(g, se, "inserting a session");
			(void)snprintf(actor, sizeof(actor), "terminal:%lld",
			    (long long)venue);
			(void)snprintf(object, sizeof(object), "session:%llu",
			    (unsigned long long)j + 1);
			chain_append(&g->chain, start, actor, "session.declare",
			    object, "");
		}
		at = start + 60 * (int64_t)(i % PER_SESSION) + 5;
		derive(rid, sizeof(rid), "redemption", i);
		sqlite3_bind_int64(re, 1, (int64_t)i + 1);
		sqlite3_bind_blob(re, 2, rid, 16, SQLITE_STATIC);
		sqlite3_bind_int64(re, 3, (int64_t)j + 1);
		sqlite3_bind_int64(re, 4, venue);
		sqlite3_bind_int64(re, 5, at - 5);
		memset(&v, 0, sizeof(v));
		v.format = PN_VOUCHER_FORMAT;
		v.serial = i + 1;
		sqlite3_bind_int64(vo, 1, (int64_t)i + 1);
		if (sqlite3_step(vo) != SQLITE_ROW ||
		    sqlite3_column_bytes(vo, 5) != 64)
			bench_fatalx(PROG, "voucher %llu: not found",
			    (unsigned long long)i + 1);
		v.programme = (uint32_t)sqlite3_column_int64(vo, 0);
		v.kid = (uint16_t)sqlite3_column_int64(vo, 1);
		v.value_cents = (uint32_t)sqlite3_column_int64(vo, 2);
		v.issued_at = (uint32_t)sqlite3_column_int64(vo, 3);
		v.expires_at = (uint32_t)sqlite3_column_int64(vo, 4);
		memcpy(v.signature, sqlite3_column_blob(vo, 5), 64);
		sqlite3_reset(vo);
		memset(&rec, 0, sizeof(rec));
		memcpy(rec.id, rid, sizeof(rec.id));
		rec.terminal = (uint64_t)venue;
		memcpy(rec.session, uid, sizeof(rec.session));
		rec.terminal_time = at - 5;
		rec.counter = i + 1;
		pn_voucher_to_text(&v, rec.voucher);
		if (pn_redemption_sign(&rec, g->term_sk[venue - 1]) != 0)
			bench_fatalx(PROG, "signing a record failed");
		memset(&rc, 0, sizeof(rc));
		memcpy(rc.redemption_id, rid, sizeof(rc.redemption_id));
		rc.serial = i + 1;
		rc.outcome = PN_RECEIPT_ACCEPTED;
		rc.value_cents = FACE_VALUE;
		rc.decided_at = at;
		rc.venue = (uint64_t)venue;
		memcpy(rc.winner_id, rid, sizeof(rc.winner_id));
		rc.winner_venue = (uint64_t)venue;
		rc.winner_at = at;
		if (pn_receipt_sign(&rc, g->key, &err) != 0)
			bench_fatalx(PROG, "receipt: %s", err.message);
		pn_receipt_to_text(&rc, text);
		(void)snprintf(answer, sizeof(answer), "{\"receipt\":\"%s\"}",
		    text);
		sqlite3_bind_blob(re, 6, rec.signature, 64, SQLITE_TRANSIENT);
		sqlite3_bind_int64(re, 7, FACE_VALUE);
		sqlite3_bind_int64(re, 8, at);
		sqlite3_bind_text(re, 9, answer, -1, SQLITE_TRANSIENT);
		step(g, re, "inserting a redemption");
		sqlite3_bind_int64(de, 1, (int64_t)i + 1);
		sqlite3_bind_int64(de, 2, at);
		step(g, de, "adding to the deny list");
		(void)snprintf(actor, sizeof(actor), "terminal:%lld",
		    (long long)venue);
		(void)snprintf(object, sizeof(object), "voucher:%llu",
		    (unsigned long long)i + 1);
		(void)snprintf(detail, sizeof(detail), "{\"redemption\":%llu,"
		    "\"venue\":%lld,\"terminal\":%lld,\"session\":%llu}",
		    (unsigned long long)i + 1, (long long)venue,
		    (long long)venue, (unsigned long long)j + 1);
		chain_append(&g->chain, at, actor, "redeem", object, detail);
		if ((i + 1) % (RANGE * COMMIT_EVERY) == 0) {
			sql(g, "COMMIT");
			sql(g, "BEGIN");
		}
	}
	sql(g, "COMMIT");
	sqlite3_finalize(se);
	sqlite3_finalize(re);
	sqlite3_finalize(de);
	sqlite3_finalize(vo);
}

/* The programme's commission and committed amount, the next serial. */
static void
set_totals(struct gen *g)
{
	sqlite3_stmt *st;

	st = prepare(g, "UPDATE programme SET commission_bp = ?1,"
	    " committed = ?2 WHERE id = ?3");
	sqlite3_bind_int64(st, 1, g->commission_bp);
	sqlite3_bind_int64(st, 2, (int64_t)g->n_vouchers * FACE_VALUE);
	sqlite3_bind_int64(st, 3, g->programme);
	step(g, st, "setting the programme's totals");
	sqlite3_finalize(st);
	st = prepare(g, "UPDATE serial_counter SET next = ?1 WHERE id = 1");
	sqlite3_bind_int64(st, 1, (int64_t)g->n_vouchers + 1);
	step(g, st, "setting the next serial");
	sqlite3_finalize(st);
}

/* --- Keys, the store's own rows, the configuration ------------------------ */

static void
path_of(const struct gen *g, const char *name, char *out, size_t len)
{
	if (snprintf(out, len, "%s/%s", g->dir, name) >= (int)len)
		bench_fatalx(PROG, "%s/%s: path too long", g->dir, name);
}

static void
keys(struct gen *g, int64_t now)
{
	char path[4200];
	struct pn_trust *t;
	struct pn_error err;
	uint8_t secret[32];

	path_of(g, "keys", path, sizeof(path));
	if (pn_key_dir_ensure(path, &err) != 0 ||
	    (g->master = pn_master_key_generate(&err)) == NULL ||
	    (g->key = pn_signing_key_generate(1, &err)) == NULL)
		bench_fatalx(PROG, "keys: %s", err.message);
	memset(&g->cert, 0, sizeof(g->cert));
	g->cert.kid = 1;
	memcpy(g->cert.pk, g->key->pk, 32);
	g->cert.valid_from = g->issue_start - DAY_S;
	g->cert.sign_until = (now > g->month_end ? now : g->month_end) +
	    366 * DAY_S;
	g->cert.verify_until = g->cert.sign_until + 400 * DAY_S;
	g->cert.all_programmes = true;
	if (pn_cert_sign(&g->cert, g->master, &err) != 0)
		bench_fatalx(PROG, "certificate: %s", err.message);
	path_of(g, "keys/master", path, sizeof(path));
	if (pn_master_key_save(g->master, path, &err) != 0)
		bench_fatalx(PROG, "%s", err.message);
	path_of(g, "keys/signing-00001.key", path, sizeof(path));
	if (pn_signing_key_save(g->key, path, &err) != 0)
		bench_fatalx(PROG, "%s", err.message);
	path_of(g, "keys/signing-00001.cert", path, sizeof(path));
	if (pn_cert_save(&g->cert, path, &err) != 0)
		bench_fatalx(PROG, "%s", err.message);
	if ((t = pn_trust_new(g->master->pk, 1, now)) == NULL ||
	    pn_trust_add_cert(t, &g->cert, &err) != 0 ||
	    pn_trust_sign(t, g->master, &err) != 0)
		bench_fatalx(PROG, "trust bundle: %s", err.message);
	path_of(g, "keys/trust.bundle", path, sizeof(path));
	if (pn_trust_save(t, path, &err) != 0)
		bench_fatalx(PROG, "%s", err.message);
	pn_trust_free(t);
	randombytes_buf(secret, sizeof(secret));
	path_of(g, "keys/ref.key", path, sizeof(path));
	if (pn_secret_file_write(path, secret, sizeof(secret), &err) != 0)
		bench_fatalx(PROG, "%s", err.message);
	sodium_memzero(secret, sizeof(secret));
}

/* A user with a fresh password, hashed as passnum-admin hashes it. */
static void
user(struct store *s, FILE *creds, const char *login, const char *name,
    unsigned role, int64_t agency, int64_t now, int64_t *id)
{
	char password[17], hash[crypto_pwhash_STRBYTES];
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	struct pn_error err;
	size_t i;

	for (i = 0; i + 1 < sizeof(password); i++)
		password[i] = alphabet[randombytes_uniform(sizeof(alphabet) -
		    1)];
	password[sizeof(password) - 1] = '\0';
	if (crypto_pwhash_str(hash, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		bench_fatalx(PROG, "password hashing ran out of memory");
	if (store_user_add(s, login, name, role, agency, 0, hash, now,
	    "bench", id, &err) != 0)
		bench_fatalx(PROG, "user %s: %s", login, err.message);
	fprintf(creds, "%s password: %s\n", login, password);
	sodium_memzero(password, sizeof(password));
}

/* Through the store: migrations, the key, agency, programme, users. */
static void
store_rows(struct gen *g, int64_t now)
{
	struct store_programme p;
	struct pn_error err;
	struct store *s;
	char path[4200];
	int64_t id;
	FILE *creds;

	if ((s = store_open(g->db_path, 5000, &err)) == NULL ||
	    store_signing_key_add(s, &g->cert, now, "bench", &err) != 0 ||
	    store_agency_add(s, "EDS Nantes Est", "eds", "Nantes", now,
	    "bench", &g->agency, &err) != 0)
		bench_fatalx(PROG, "%s", err.message);
	memset(&p, 0, sizeof(p));
	(void)snprintf(p.name, sizeof(p.name), "Pass numérique "
	    "(banc d'essai)");
	p.face_value = FACE_VALUE;
	p.per_booklet = PER_BOOKLET;
	(void)snprintf(p.validity, sizeof(p.validity), "year-end+31");
	(void)snprintf(p.territory, sizeof(p.territory), "Loire-Atlantique");
	p.budget = (int64_t)g->n_vouchers * FACE_VALUE * 2;
	p.max_booklets = 1;
	if (store_programme_add(s, &p, now, "bench", &g->programme, &err) != 0)
		bench_fatalx(PROG, "%s", err.message);
	path_of(g, "bench-credentials.txt", path, sizeof(path));
	umask(077);
	if ((creds = fopen(path, "wx")) == NULL)
		bench_fatalx(PROG, "%s: cannot create", path);
	user(s, creds, "alice", "Alice Admin", ROLE_ADMIN, 0, now, &id);
	user(s, creds, "bob", "Bob Comptable", ROLE_ACCOUNTANT, 0, now, &id);
	user(s, creds, "camille", "Camille Martin", ROLE_CASEWORKER,
	    g->agency, now, &g->caseworker);
	fclose(creds);
	umask(022);
	store_close(s);
}

static void
write_config(struct gen *g)
{
	char path[4200], debtor[PN_IBAN_MAX + 1];
	FILE *f;

	/* The public accountant's account at the Banque de France. */
	make_iban(30001, 440, 44000000099ULL, debtor);
	path_of(g, "passnumd.ini", path, sizeof(path));
	if ((f = fopen(path, "wx")) == NULL)
		bench_fatalx(PROG, "%s: cannot create", path);
	fprintf(f, "; made by bench_settle_gen: %llu vouchers, %llu redeemed "
	    "in %s\n\n[server]\nlisten = 127.0.0.1\nport = 0\n\n"
	    "[store]\npath = passnum.db\n\n"
	    "[keys]\nsigning_key = keys/signing-00001.key\n"
	    "trust_bundle = keys/trust.bundle\nref_secret = keys/ref.key\n\n"
	    "[settlement]\ndebtor_name = Département de Loire-Atlantique\n"
	    "debtor_iban = %s\ndebtor_bic = BDFEFRPPCCT\n",
	    (unsigned long long)g->n_vouchers,
	    (unsigned long long)g->n_redeemed, g->month, debtor);
	if (fclose(f) != 0)
		bench_fatalx(PROG, "%s: cannot write", path);
}

/* --- The baseline --------------------------------------------------------- */

/* --- Arguments ------------------------------------------------------------ */

static uint64_t
number(const char *opt, const char *text, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v > max ||
	    text[0] == '-')
		bench_fatalx(PROG, "%s: expected a number up to %llu, got '%s'",
		    opt, (unsigned long long)max, text);
	return v;
}

static int
usage(void)
{
	fprintf(stderr, "usage: %s DIR [--vouchers N] [--redemptions N] "
	    "[--month YYYY-MM] [--commission-bp N] [--threads N]\n", PROG);
	return 2;
}

int
main(int argc, char **argv)
{
	static struct gen g;
	int64_t now = (int64_t)time(NULL), from, to;
	struct stat st;
	double t0, t_sign;
	int year = 0, month = 0, i;
	bool redeemed_set = false;
	sqlite3_stmt *last;

	if (pn_init() != 0)
		bench_fatalx(PROG, "pn_init: no secure random source");
	if (argc < 2 || argv[1][0] == '-')
		return usage();
	g.dir = argv[1];
	g.n_vouchers = 1000000;
	g.threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--vouchers") == 0)
			g.n_vouchers = number(argv[i], argv[i + 1], 100000000);
		else if (strcmp(argv[i], "--redemptions") == 0) {
			g.n_redeemed = number(argv[i], argv[i + 1], 100000000);
			redeemed_set = true;
		} else if (strcmp(argv[i], "--month") == 0) {
			if (strlen(argv[i + 1]) != 7 || sscanf(argv[i + 1],
			    "%4d-%2d", &year, &month) != 2)
				bench_fatalx(PROG, "--month: expected YYYY-MM");
		} else if (strcmp(argv[i], "--commission-bp") == 0)
			g.commission_bp = (unsigned)number(argv[i], argv[i + 1],
			    10000);
		else if (strcmp(argv[i], "--threads") == 0)
			g.threads = (unsigned)number(argv[i], argv[i + 1], 64);
		else
			return usage();
	}
	if (i != argc)
		return usage();
	if (!redeemed_set)
		g.n_redeemed = g.n_vouchers;
	if (g.n_vouchers == 0 || g.n_vouchers % PER_BOOKLET != 0 ||
	    g.n_redeemed > g.n_vouchers)
		bench_fatalx(PROG, "--vouchers: a non-zero multiple of %d, and "
		    "--redemptions at most as many", PER_BOOKLET);
	if (g.threads < 1)
		g.threads = 1;
	if (g.threads > 64)
		g.threads = 64;
	if (year == 0) {
		/* The month before this one, in Paris. */
		pn_paris_month_of(now, &year, &month);
		if (--month == 0) {
			month = 12;
			year--;
		}
	}
	if (pn_paris_month_bounds(year, month, &from, &to) != 0)
		bench_fatalx(PROG, "--month: %04d-%02d is not a month", year,
		    month);
	g.month_start = from;
	g.month_end = to;
	(void)snprintf(g.month, sizeof(g.month), "%04d-%02d", year, month);
	/* Booklets issued over 60 days, ending 30 days before the month. */
	g.issue_start = from - 90 * DAY_S;
	if (validity_parse("year-end+31", &g.rule) != 0)
		bench_fatalx(PROG, "validity rule refused");

	if (stat(g.dir, &st) != 0 && mkdir(g.dir, 0755) != 0)
		bench_fatalx(PROG, "%s: cannot create: %s", g.dir,
		    strerror(errno));
	path_of(&g, "passnum.db", g.db_path, sizeof(g.db_path));
	if (stat(g.db_path, &st) == 0)
		bench_fatalx(PROG, "%s exists: give a new directory",
		    g.db_path);

	t0 = bench_now();
	keys(&g, now);
	/* The set-up happened before the first booklet. */
	store_rows(&g, g.issue_start - 2 * DAY_S);
	if (sqlite3_open(g.db_path, &g.db) != SQLITE_OK)
		bench_fatalx(PROG, "%s: %s", g.db_path, sqlite3_errmsg(g.db));
	sql(&g, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;"
	    " PRAGMA foreign_keys = ON; PRAGMA cache_size = -262144");
	/* The chain goes on from the rows the store wrote. */
	last = prepare(&g, "SELECT id, hash FROM audit_log ORDER BY id DESC"
	    " LIMIT 1");
	if (sqlite3_step(last) != SQLITE_ROW ||
	    sqlite3_column_bytes(last, 1) != 32)
		bench_fatalx(PROG, "the store wrote no audit row");
	g.chain.id = sqlite3_column_int64(last, 0);
	memcpy(g.chain.prev, sqlite3_column_blob(last, 1), 32);
	sqlite3_finalize(last);
	g.chain.insert = prepare(&g, "INSERT INTO audit_log (id, at, actor,"
	    " action, object, detail, prev_hash, hash)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	set_totals(&g);
	sql(&g, "BEGIN");
	venues(&g);
	sql(&g, "COMMIT");
	vouchers(&g);
	t_sign = bench_now();
	redemptions(&g);
	sqlite3_finalize(g.chain.insert);
	sql(&g, "PRAGMA wal_checkpoint(TRUNCATE)");
	if (sqlite3_close(g.db) != SQLITE_OK)
		bench_fatalx(PROG, "closing the database failed");
	write_config(&g);
	printf("bench_settle_gen: %llu vouchers signed on %u threads and "
	    "written in %.1f s, %llu redeemed in %s in %llu sessions at %d "
	    "venues in %.1f s; %.1f s in all\n",
	    (unsigned long long)g.n_vouchers, g.threads, t_sign - t0,
	    (unsigned long long)g.n_redeemed, g.month,
	    (unsigned long long)((g.n_redeemed + PER_SESSION - 1) /
	    PER_SESSION), VENUES, bench_now() - t_sign, bench_now() - t0);
	pn_signing_key_free(g.key);
	if (g.term_sk != NULL)
		sodium_memzero(g.term_sk, VENUES * sizeof(*g.term_sk));
	free(g.term_sk);
	pn_master_key_free(g.master);
	return 0;
}
