/* test_checkpoint.c -- checkpoints: the signed text, and the store's side (making, chaining, comparing), and integrity alarms. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>

#include "passnum/checkpoint.h"
#include "passnum/keys.h"
#include "passnum/passnum.h"
#include "checkpoint.h"
#include "store.h"

static struct pn_signing_key *
key(uint16_t kid, uint8_t fill)
{
	uint8_t seed[32];
	struct pn_signing_key *k;

	memset(seed, fill, sizeof(seed));
	assert_non_null(k = pn_signing_key_from_seed(kid, seed, NULL));
	return k;
}

static const uint8_t *
one_key(const void *ctx, uint16_t kid)
{
	const struct pn_signing_key *k = ctx;

	return kid == k->kid ? k->pk : NULL;
}

static void
sample(struct pn_checkpoint *c)
{
	memset(c, 0, sizeof(*c));
	c->seq = 7;
	c->at = 1796600000;
	memset(c->prev, 0xab, sizeof(c->prev));
	c->audit_last = 120;
	memset(c->audit_head, 0x01, sizeof(c->audit_head));
	c->next_serial = 5601;
	c->redeemed = 200;
	c->redeemed_last = 987;
	memset(c->redeemed_hash, 0xfe, sizeof(c->redeemed_hash));
}

/* Signed, written, read back and verified: the same checkpoint. */
static void
test_round_trip(void **state)
{
	struct pn_signing_key *k = key(3, 1);
	struct pn_checkpoint c, back;
	char text[PN_CHECKPOINT_TEXT_MAX], line[PN_CHECKPOINT_TEXT_MAX + 2];
	struct pn_error err;

	(void)state;
	sample(&c);
	assert_int_equal(pn_checkpoint_sign(&c, k, &err), 0);
	assert_int_equal(c.kid, 3);
	pn_checkpoint_to_text(&c, text);
	assert_true(strncmp(text, "PNC1 seq=7 at=1796600000 kid=3 prev=abab",
	    40) == 0);
	assert_int_equal(pn_checkpoint_check(text, strlen(text), one_key, k,
	    &back, &err), 0);
	assert_memory_equal(&c, &back, sizeof(c));
	/* A history line ends with a newline (or CRLF): still the same. */
	snprintf(line, sizeof(line), "%s\r\n", text);
	assert_int_equal(pn_checkpoint_check(line, strlen(line), one_key, k,
	    &back, &err), 0);
	pn_signing_key_free(k);
}

/* Each field changed, and another key: the signature no longer holds. */
static void
test_tampered(void **state)
{
	static const char *const from[] = {
		"seq=7 ", "at=1796600000", "audit=120:", "next_serial=5601",
		"redeemed=200:", ":987:",
	};
	static const char *const to[] = {
		"seq=8 ", "at=1796600001", "audit=119:", "next_serial=5600",
		"redeemed=199:", ":986:",
	};
	struct pn_signing_key *k = key(3, 1), *other = key(3, 2);
	struct pn_checkpoint c, back;
	char text[PN_CHECKPOINT_TEXT_MAX], bad[PN_CHECKPOINT_TEXT_MAX + 8];
	struct pn_error err;
	size_t i;

	(void)state;
	sample(&c);
	assert_int_equal(pn_checkpoint_sign(&c, k, &err), 0);
	pn_checkpoint_to_text(&c, text);
	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		char *at = strstr(text, from[i]);

		assert_non_null(at);
		snprintf(bad, sizeof(bad), "%.*s%s%s", (int)(at - text), text,
		    to[i], at + strlen(from[i]));
		assert_int_equal(pn_checkpoint_check(bad, strlen(bad), one_key,
		    k, &back, &err), -1);
		assert_int_equal(err.code, PN_E_SIGNATURE);
	}
	assert_int_equal(pn_checkpoint_check(text, strlen(text), one_key,
	    other, &back, &err), -1);
	assert_int_equal(err.code, PN_E_SIGNATURE);
	/* A key the database never recorded. */
	other->kid = 4;
	assert_int_equal(pn_checkpoint_check(text, strlen(text), one_key,
	    other, &back, &err), -1);
	assert_int_equal(err.code, PN_E_UNTRUSTED);
	pn_signing_key_free(k);
	pn_signing_key_free(other);
}

/* One spelling only: each deviation names its field. */
static void
test_strict(void **state)
{
	static const struct {
		const char *from, *to, *field;
	} cases[] = {
		{ "PNC1 ", "PNC2 ", "PNC1" },
		{ "seq=7 ", "seq=07 ", "seq" },
		{ "seq=7 ", "seq=0 ", "seq" },
		{ "seq=7 ", "seq=-7 ", "seq" },
		{ "kid=3 ", "kid=65536 ", "kid" },
		{ "prev=abab", "prev=ABAB", "prev" },
		{ "audit=120:", "audit=120;", "audit" },
		{ "next_serial=5601", "next_serial=0", "next_serial" },
		{ " sig=", "  sig=", "sig" },
		{ "at=", "at =", "at" },
	};
	struct pn_signing_key *k = key(3, 1);
	struct pn_checkpoint c, back;
	char text[PN_CHECKPOINT_TEXT_MAX], bad[PN_CHECKPOINT_TEXT_MAX + 8];
	struct pn_error err;
	size_t i;

	(void)state;
	sample(&c);
	assert_int_equal(pn_checkpoint_sign(&c, k, &err), 0);
	pn_checkpoint_to_text(&c, text);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *at = strstr(text, cases[i].from);

		assert_non_null(at);
		snprintf(bad, sizeof(bad), "%.*s%s%s", (int)(at - text), text,
		    cases[i].to, at + strlen(cases[i].from));
		assert_int_equal(pn_checkpoint_parse(bad, strlen(bad), &back,
		    &err), -1);
		assert_int_equal(err.code, PN_E_FORMAT);
		assert_non_null(strstr(err.message, cases[i].field));
	}
	snprintf(bad, sizeof(bad), "%s x", text);
	assert_int_equal(pn_checkpoint_parse(bad, strlen(bad), &back, &err),
	    -1);
	assert_non_null(strstr(err.message, "trailing"));
	assert_int_equal(pn_checkpoint_parse(text, strlen(text) - 1, &back,
	    &err), -1);
	pn_signing_key_free(k);
}

/* The running hash: order and every field count. */
static void
test_fold(void **state)
{
	struct pn_checkpoint_redemption a, b;
	uint8_t h1[32] = { 0 }, h2[32] = { 0 }, h3[32] = { 0 };

	(void)state;
	memset(&a, 0, sizeof(a));
	a.serial = 1;
	a.terminal_id = 2;
	a.value_cents = 1000;
	a.received_at = 1796600000;
	b = a;
	b.serial = 2;
	pn_checkpoint_fold(h1, &a);
	pn_checkpoint_fold(h1, &b);
	pn_checkpoint_fold(h2, &b);
	pn_checkpoint_fold(h2, &a);
	assert_memory_not_equal(h1, h2, 32);
	b = a;
	b.record_signature[63] = 1;
	pn_checkpoint_fold(h3, &b);
	memset(h2, 0, sizeof(h2));
	pn_checkpoint_fold(h2, &a);
	assert_memory_not_equal(h2, h3, 32);
}

/* --- The store's side ------------------------------------------------------ */

struct fixture {
	char dir[256];
	char db[300];
	char history[300];
	struct store *s;
	struct pn_signing_key *k;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pn_error err;

	assert_non_null(f);
	assert_int_equal(pn_init(), 0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/pn-checkpoint-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/passnum.db", f->dir);
	assert_int_equal(checkpoint_history_path(f->db, f->history,
	    sizeof(f->history)), 0);
	assert_non_null(f->s = store_open(f->db, 5000, &err));
	f->k = key(1, 9);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[512];

	store_close(f->s);
	pn_signing_key_free(f->k);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
sql(struct fixture *f, const char *q)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
audit_row(struct fixture *f, int64_t at)
{
	struct pn_error err;

	assert_int_equal(store_audit_append(f->s, at, "admin-cli", "test.row",
	    "x", "", &err), 0);
}

/* Made when the state changed only; chained; the history has each line. */
static void
test_make_and_chain(void **state)
{
	struct fixture *f = *state;
	char text[PN_CHECKPOINT_TEXT_MAX], last[PN_CHECKPOINT_TEXT_MAX + 64];
	struct pn_checkpoint one, two;
	uint8_t digest[32];
	struct pn_error err;
	bool made;

	assert_int_equal(store_checkpoint_last(f->s, text, sizeof(text), &err),
	    1);
	assert_int_equal(checkpoint_make(f->s, f->k, f->history, NULL, 100,
	    false, &made, text, &err), 0);
	assert_true(made);
	assert_int_equal(pn_checkpoint_parse(text, strlen(text), &one, &err),
	    0);
	assert_int_equal(one.seq, 1);
	assert_int_equal(one.next_serial, 1);
	/* Nothing changed: none made, unless forced. */
	assert_int_equal(checkpoint_make(f->s, f->k, f->history, NULL, 101,
	    false, &made, NULL, &err), 0);
	assert_false(made);
	audit_row(f, 102);
	assert_int_equal(checkpoint_make(f->s, f->k, f->history, NULL, 103,
	    false, &made, text, &err), 0);
	assert_true(made);
	assert_int_equal(pn_checkpoint_parse(text, strlen(text), &two, &err),
	    0);
	assert_int_equal(two.seq, 2);
	assert_int_equal(two.audit_last, one.audit_last + 1);
	pn_checkpoint_digest(&one, digest);
	assert_memory_equal(two.prev, digest, 32);
	assert_int_equal(checkpoint_file_last(f->history, last, sizeof(last),
	    &err), 1);
	assert_string_equal(last, text);

	/*
	 * The database goes back (its last checkpoint row lost): the next
	 * one follows the history, not the database.
	 */
	sql(f, "DELETE FROM checkpoint WHERE seq = 2");
	assert_int_equal(checkpoint_make(f->s, f->k, f->history, NULL, 104,
	    true, &made, text, &err), 0);
	assert_int_equal(pn_checkpoint_parse(text, strlen(text), &one, &err),
	    0);
	assert_int_equal(one.seq, 3);
	pn_checkpoint_digest(&two, digest);
	assert_memory_equal(one.prev, digest, 32);
}

static void
verify_one(struct fixture *f, const char *text, unsigned want)
{
	struct store_checkpoint_check v;
	struct pn_checkpoint c;
	struct pn_error err;

	assert_int_equal(pn_checkpoint_parse(text, strlen(text), &c, &err), 0);
	memset(&v, 0, sizeof(v));
	v.c = &c;
	v.text = text;
	assert_int_equal(store_checkpoint_verify(f->s, &v, 1, &err), 0);
	assert_int_equal(v.findings, want);
}

/* What the database lost, each named. */
static void
test_verify(void **state)
{
	struct fixture *f = *state;
	char text[PN_CHECKPOINT_TEXT_MAX];
	struct pn_error err;
	bool made;

	audit_row(f, 100);
	audit_row(f, 101);
	sql(f, "UPDATE serial_counter SET next = 41");
	assert_int_equal(checkpoint_make(f->s, f->k, f->history, NULL, 102,
	    false, &made, text, &err), 0);
	verify_one(f, text, 0);
	sql(f, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM "
	    "audit_log)");
	verify_one(f, text, CPF_AUDIT_CUT);
	audit_row(f, 103);	/* another row where the cut one was */
	verify_one(f, text, CPF_AUDIT_CHANGED);
	sql(f, "UPDATE serial_counter SET next = 11");
	verify_one(f, text, CPF_AUDIT_CHANGED | CPF_SERIAL_BEHIND);
	sql(f, "DELETE FROM checkpoint");
	verify_one(f, text, CPF_AUDIT_CHANGED | CPF_SERIAL_BEHIND |
	    CPF_NOT_IN_DB);
}

/* The findings in French: each named, the list ended by a full stop. */
static void
test_findings_words(void **state)
{
	struct store_checkpoint_check v;
	struct pn_checkpoint c;
	char words[1024];

	(void)state;
	sample(&c);
	memset(&v, 0, sizeof(v));
	v.c = &c;
	v.findings = CPF_REDEEMED_FEWER | CPF_NOT_IN_DB;
	v.db_redeemed = 150;
	checkpoint_findings_fr(&v, words, sizeof(words));
	assert_non_null(strstr(words, "50 encaissements acceptés manquent "
	    "(150 au lieu de 200) ;"));
	assert_non_null(strstr(words, "plus ancienne que lui. Les postes"));
	assert_null(strstr(words, " ;."));
	v.findings = 0;
	checkpoint_findings_fr(&v, words, sizeof(words));
	assert_string_equal(words, "");
}

static int
count_open(void *ctx, const struct store_alarm *a)
{
	int *n = ctx;

	assert_int_equal(a->acknowledged_at, 0);
	(*n)++;
	return 0;
}

/* Raised, listed while open, acknowledged once with a note and an audit row. */
static void
test_alarms(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	int64_t id;
	int n = 0;

	assert_int_equal(store_alarm_add(f->s, 100, "checkpoint_gap",
	    "La base a perdu 5 encaissements.", &id, &err), 0);
	assert_int_equal(store_alarm_each(f->s, true, 0, count_open, &n, &err),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(store_alarm_ack(f->s, id, "repris", "user:1", "admin",
	    200, &err), 0);
	assert_int_equal(store_alarm_ack(f->s, id, "encore", "user:1", "admin",
	    201, &err), 1);
	assert_int_equal(store_alarm_ack(f->s, id + 1, "?", "user:1", "admin",
	    201, &err), 1);
	n = 0;
	assert_int_equal(store_alarm_each(f->s, true, 0, count_open, &n, &err),
	    0);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_findings_words),
		cmocka_unit_test_setup_teardown(test_make_and_chain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alarms, setup, teardown),
	};

	assert_int_equal(pn_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
