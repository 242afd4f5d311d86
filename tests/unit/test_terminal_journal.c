/* test_terminal_journal.c -- the terminal's journal, config file and verdict lines, without a server.
 *
 * The unit-test rule links the server's and the library's archives only,
 * so the terminal modules under test are compiled in here, as the fuzz
 * targets do (the Makefile names them as dependencies).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../../terminal/config.c"
#include "../../terminal/journal.c"
#include "../../terminal/verdict.c"
#include "passnum/passnum.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/test_terminal_journal.XXXXXX");
	if (pn_init() != 0 || mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct journal *
fresh_journal(const char *name)
{
	char path[128];
	struct pn_error err;
	struct journal *j;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	j = journal_open(path, true, &err);
	assert_non_null(j);
	return j;
}

static void
add_session(struct journal *j, uint8_t first)
{
	struct journal_session s = { .starts_at = 1795000000,
	    .duration_minutes = 120, .here = true };
	struct pn_error err;

	memset(s.id, first, sizeof(s.id));
	(void)snprintf(s.theme, sizeof(s.theme), "démarches en ligne");
	assert_int_equal(journal_session_put(j, &s, &err), 0);
}

static void
make_record(struct journal_record *rec, uint64_t serial)
{
	memset(rec, 0, sizeof(*rec));
	randombytes_buf(rec->r.id, sizeof(rec->r.id));
	rec->r.terminal = 7;
	memset(rec->r.session, 0xab, sizeof(rec->r.session));
	rec->r.terminal_time = 1795000100;
	(void)snprintf(rec->r.voucher, sizeof(rec->r.voucher), "PN1:TEST%llu",
	    (unsigned long long)serial);
	rec->serial = serial;
	rec->value_cents = 1000;
	rec->expires_at = 1798761599;
}

static int
count_cb(const struct journal_record *rec, void *arg)
{
	(void)rec;
	(*(int *)arg)++;
	return 0;
}

static void
test_journal_records(void **state)
{
	uint8_t pk[32], sk[64];
	struct journal_record rec, again;
	struct pn_error err;
	struct journal *j = fresh_journal("records.sqlite");
	int n = 0;

	(void)state;
	crypto_sign_keypair(pk, sk);
	add_session(j, 0xab);
	make_record(&rec, 41);
	assert_int_equal(journal_record_add(j, &rec, sk, &err), 0);
	assert_int_equal(rec.r.counter, 1);
	assert_true(pn_redemption_verify(&rec.r, pk));

	/* The same serial again: refused, and the first record handed back. */
	make_record(&again, 41);
	assert_int_equal(journal_record_add(j, &again, sk, &err), 1);
	assert_memory_equal(again.r.id, rec.r.id, sizeof(rec.r.id));
	assert_int_equal(again.state, JOURNAL_PENDING);

	make_record(&again, 42);
	assert_int_equal(journal_record_add(j, &again, sk, &err), 0);
	assert_int_equal(again.r.counter, 2);
	assert_int_equal(journal_pending_count(j, &err), 2);

	/* A refused record frees its serial for another try. */
	rec.state = JOURNAL_REFUSED;
	rec.http_status = 404;
	rec.code = 4012;
	(void)snprintf(rec.message, sizeof(rec.message), "séance inconnue");
	assert_int_equal(journal_record_update(j, &rec, &err), 0);
	assert_int_equal(journal_record_by_serial(j, 41, &again, &err), 0);
	make_record(&again, 41);
	assert_int_equal(journal_record_add(j, &again, sk, &err), 0);
	assert_int_equal(again.r.counter, 3);

	/* An acceptance needs its receipt to be read back. */
	again.state = JOURNAL_ACCEPTED;
	(void)snprintf(again.receipt, sizeof(again.receipt), "AQID");
	(void)snprintf(again.winner_venue, sizeof(again.winner_venue), "Médiathèque de Rezé");
	assert_int_equal(journal_record_update(j, &again, &err), 0);
	assert_int_equal(journal_record_by_serial(j, 41, &rec, &err), 1);
	assert_string_equal(rec.winner_venue, "Médiathèque de Rezé");
	assert_int_equal(journal_history_each(j, 2, count_cb, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(journal_pending_count(j, &err), 1);
	journal_close(j);
}

static void
test_journal_damaged_row(void **state)
{
	struct journal *j = fresh_journal("damaged.sqlite");
	struct pn_error err;
	int n = 0;

	(void)state;
	add_session(j, 0xab);
	/* An edited file: an answered record without its receipt. */
	assert_int_equal(sqlite3_exec(j->db, "PRAGMA foreign_keys = OFF;"
	    "INSERT INTO record (counter, redemption_id, session, terminal, "
	    "terminal_time, voucher, signature, serial, value_cents, "
	    "expires_at, state, offline, updated_at) VALUES (5, zeroblob(16), "
	    "zeroblob(16), 7, 0, 'PN1:X', zeroblob(64), 9, 1000, 0, "
	    "'accepted', 0, 0)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(journal_history_each(j, 0, count_cb, &n, &err), -1);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err.message, "journal record 5"));
	assert_non_null(strstr(err.message, "receipt"));
	journal_close(j);
}

static void
test_journal_sessions(void **state)
{
	struct journal *j = fresh_journal("sessions.sqlite");
	struct journal_session s;
	struct pn_error err;

	(void)state;
	add_session(j, 0xab);
	add_session(j, 0xac);
	assert_int_equal(journal_session_find(j, "abab", &s, &err), 1);
	assert_int_equal(s.id[15], 0xab);
	assert_int_equal(journal_session_find(j, "aCab", &s, &err), 0);
	assert_int_equal(journal_session_find(j, "ab", &s, &err), 0);
	/* Another id that starts the same: a short prefix names both. */
	memset(s.id, 0xab, sizeof(s.id));
	s.id[15] = 0x01;
	(void)snprintf(s.theme, sizeof(s.theme), "t");
	s.duration_minutes = 1;
	s.declared = false;
	assert_int_equal(journal_session_put(j, &s, &err), 0);
	assert_int_equal(journal_session_find(j, "abab", &s, &err), 2);
	assert_int_equal(journal_session_find(j,
	    "abababababababababababababababab", &s, &err), 1);
	assert_int_equal(s.id[15], 0xab);
	assert_false(s.declared);
	assert_int_equal(journal_session_declared(j, s.id, &err), 0);
	assert_int_equal(journal_session_find(j,
	    "abababababababababababababababab", &s, &err), 1);
	assert_true(s.declared);
	journal_close(j);
}

static void
test_journal_version(void **state)
{
	char path[128];
	struct pn_error err;
	struct journal *j = fresh_journal("version.sqlite");

	(void)state;
	assert_int_equal(sqlite3_exec(j->db, "PRAGMA user_version = 9", NULL,
	    NULL, NULL), SQLITE_OK);
	journal_close(j);
	(void)snprintf(path, sizeof(path), "%s/version.sqlite", dir);
	assert_null(journal_open(path, true, &err));
	assert_non_null(strstr(err.message, "schema version 9"));
	(void)snprintf(path, sizeof(path), "%s/missing.sqlite", dir);
	assert_null(journal_open(path, false, &err));
}

static const char good_config[] =
	"{\"server\": \"https://passnum.example\", \"ca_file\": \"ca.pem\","
	" \"terminal\": 7, \"label\": \"poste 1\", \"venue\": {\"id\": 3,"
	" \"name\": \"Médiathèque\", \"siret\": \"21440143800012\"},"
	" \"themes\": [\"a\", \"b\"], \"max_batch\": 100,"
	" \"master_public_key\": \"\", \"max_denylist_age_hours\": 24}";

static void
config_refused(const char *text, const char *names)
{
	struct term_config c;
	struct pn_error err;

	assert_int_equal(term_config_parse(text, strlen(text), "config.json",
	    &c, &err), -1);
	if (strstr(err.message, names) == NULL)
		fail_msg("'%s' does not name '%s'", err.message, names);
}

static void
test_config(void **state)
{
	char path[128], text[1024];
	struct term_config c, d;
	struct pn_error err;

	(void)state;
	assert_int_equal(term_config_parse(good_config, strlen(good_config),
	    "config.json", &c, &err), 0);
	assert_int_equal(c.terminal, 7);
	assert_int_equal(c.max_denylist_age_hours, 24);
	assert_int_equal(c.connect_timeout, TERM_DEFAULT_CONNECT_TIMEOUT);
	assert_true(term_config_has_theme(&c, "b"));
	assert_false(term_config_has_theme(&c, "c"));
	memset(c.master_pk, 0x5a, sizeof(c.master_pk));
	c.has_master = true;
	(void)snprintf(path, sizeof(path), "%s/config.json", dir);
	assert_int_equal(term_config_save(path, &c, &err), 0);
	assert_int_equal(term_config_load(path, &d, &err), 0);
	assert_true(d.has_master);
	assert_memory_equal(d.master_pk, c.master_pk, sizeof(c.master_pk));
	assert_string_equal(d.venue_name, "Médiathèque");
	assert_int_equal(d.n_themes, 2);

	config_refused("{\"server\": \"x\", \"terminal\": 7, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}, \"colour\": 1}", "colour: unknown");
	config_refused("{\"server\": \"x\", \"terminal\": 0, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}}", "terminal");
	config_refused("{\"server\": \"x\", \"terminal\": 1, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}, \"max_denylist_age_hours\": 0}",
	    "max_denylist_age_hours");
	config_refused("{\"server\": \"x\", \"terminal\": 1, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}, \"ca_file\": \"../ca.pem\"}",
	    "ca_file");
	config_refused("{\"server\": \"x\", \"terminal\": 1, \"venue\": "
	    "{\"id\": 1, \"name\": \"v\"}, \"master_public_key\": \"ab\"}",
	    "master_public_key");
	config_refused("{\"server\": \"x\"}", "required");
	config_refused("{\"server\": \"x\", \"server\": \"y\"}", "line 1");
	(void)snprintf(text, sizeof(text), "[1, 2]");
	config_refused(text, "a JSON object");
}

static void
test_verdict_lines(void **state)
{
	struct pn_voucher v = { .serial = 123456, .value_cents = 1000,
	    .expires_at = 1801612799 };
	struct verdict out;

	(void)state;
	verdict_from_reason(&out, PN_R_CANCELLED, &v);
	assert_int_equal(out.kind, VERDICT_REFUSED);
	assert_int_equal(out.exit_code, 15);
	assert_non_null(strstr(out.text, "REFUSÉ — chèque annulé — chèque "
	    "0000 0012 3456"));
	verdict_from_reason(&out, PN_R_SIGNATURE, &v);
	assert_int_equal(out.exit_code, 12);
	assert_non_null(strstr(out.text, "chèque falsifié (signature invalide)"));
	verdict_from_reason(&out, PN_R_EXPIRED, &v);
	assert_non_null(strstr(out.text, "REFUSÉ — chèque expiré le "));
	/* Nothing read from a code that did not decode. */
	verdict_from_reason(&out, PN_R_TOO_SHORT, &v);
	assert_int_equal(out.exit_code, 10);
	assert_null(strstr(out.text, "0000 0012 3456"));
	assert_non_null(strstr(out.text, "tapez le numéro imprimé"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_records),
		cmocka_unit_test(test_journal_damaged_row),
		cmocka_unit_test(test_journal_sessions),
		cmocka_unit_test(test_journal_version),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_verdict_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
