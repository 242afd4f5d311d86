/* test_ops_apply.c -- venue applications (venue_apply.h), through their contract.
 *
 * As an adversary would: every bad field is named at once; a fourth
 * application from one address within a day is refused and writes
 * nothing; accepting is all or nothing (a SIRET already a venue leaves no
 * user, no decision, no audit row); a decided application stays decided.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "store_world.h"
#include "op.h"
#include "venue_apply.h"
#include "venue_register.h"

#define NOW 1775865600		/* 11 April 2026 */

struct fixture {
	struct store_world w;
	struct config cfg;
	struct op_ctx cx;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	store_world_open(&f->w, "ops-apply", NOW, NOW - 3600, 120);
	f->cx.s = f->w.s;
	f->cx.cfg = &f->cfg;
	f->cx.now = NOW;
	f->cx.actor = "public";
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_world_close(&f->w);
	free(f);
	return 0;
}

static long long
count(const struct fixture *f, const char *sql)
{
	return store_world_int(f->w.db, sql);
}

/* The text the query gives (one row, one column) into buf. */
static void
text_of(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	(void)snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st,
	    0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static struct venue_apply_in
good(const char *siret, const char *from)
{
	struct venue_apply_in in = {
		.name = "Tiers-lieu du Port",
		.siret = siret,
		.address = "2 quai Nord",
		.commune = "Nantes",
		.contact_name = "Alex Morel",
		.contact_email = "alex@example.fr",
		.contact_phone = "02 40 00 00 00",
		.iban = "fr76 3000 6000 0112 3456 7890 189",
		.bic = "ccbp fr pp nan",
		.themes = "Démarches en ligne\n",
		.message = "Ateliers le mardi",
		.from_address = from,
	};

	return in;
}

static void
test_every_error_at_once(void **state)
{
	struct fixture *f = *state;
	struct venue_apply_in in = good("12345678901234", "10.0.0.1");
	struct store_application a;
	struct op_refusal why[12];
	int64_t id;

	in.iban = "FR00 0000";
	in.bic = "";
	in.contact_email = "pas une adresse";
	in.name = "";
	assert_int_equal(venue_apply_check(&in, &a, why, 12), 5);
	assert_string_equal(why[0].field, "name");
	assert_string_equal(why[1].field, "siret");
	assert_string_equal(why[2].field, "contact_email");
	assert_string_equal(why[3].field, "iban");
	assert_string_equal(why[4].field, "bic");
	assert_int_equal(venue_apply(&f->cx, &in, &id, why), ERR_INVALID_FIELD);
	assert_int_equal(count(f, "SELECT count(*) FROM venue_application"), 0);
	/* A forged line in the free text's place: refused. */
	in = good("73282932000074", "10.0.0.1");
	in.message = "ok\033[2J";
	assert_int_equal(venue_apply_check(&in, &a, why, 12), 1);
	assert_string_equal(why[0].field, "message");
}

static void
test_three_a_day_per_address(void **state)
{
	struct fixture *f = *state;
	struct venue_apply_in in = good("73282932000074", "10.0.0.1");
	struct op_refusal why;
	long long rows;
	int64_t id;
	int i;

	for (i = 0; i < APPLY_PER_DAY; i++)
		assert_int_equal(venue_apply(&f->cx, &in, &id, &why), ERR_NONE);
	rows = count(f, "SELECT count(*) FROM audit_log");
	assert_int_equal(venue_apply(&f->cx, &in, &id, &why),
	    ERR_APPLICATION_RATE_LIMITED);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), rows);
	/* Another address, or the next day: accepted. */
	in.from_address = "10.0.0.2";
	assert_int_equal(venue_apply(&f->cx, &in, &id, &why), ERR_NONE);
	in.from_address = "10.0.0.1";
	f->cx.now = NOW + 86401;
	assert_int_equal(venue_apply(&f->cx, &in, &id, &why), ERR_NONE);
	assert_int_equal(count(f, "SELECT count(*) FROM venue_application"),
	    APPLY_PER_DAY + 2);
}

static void
test_accept_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct venue_apply_in in = good("73282932000074", "10.0.0.1");
	struct venue_add_in vin = { "Déjà là", "73282932000074", "1 rue",
	    "Rezé", "FR7630006000011234567890189", "AGRIFRPP", "02", NOW, 0 };
	struct application_accept_out out;
	struct store_venue v;
	struct op_refusal why;
	long long rows;
	int64_t id;

	assert_int_equal(venue_apply(&f->cx, &in, &id, &why), ERR_NONE);
	f->cx.actor = "admin";
	assert_int_equal(venue_add(&f->cx, &vin, &v, &why), ERR_NONE);
	rows = count(f, "SELECT count(*) FROM audit_log");
	assert_int_equal(application_accept(&f->cx, id, &out, &why),
	    ERR_ALREADY_RECORDED);
	assert_int_equal(out.password[0], '\0');
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), rows);
	assert_int_equal(count(f, "SELECT count(*) FROM user WHERE login ="
	    " 'lieu-73282932000074'"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM venue_application"
	    " WHERE status = 'pending'"), 1);
	assert_int_equal(application_accept(&f->cx, 999, &out, &why),
	    ERR_APPLICATION_NOT_FOUND);
}

static void
test_accept_once(void **state)
{
	struct fixture *f = *state;
	struct venue_apply_in in = good("73282932001007", "10.0.0.1");
	struct application_accept_out out;
	struct op_refusal why;
	char hash[200];
	int64_t id;

	assert_int_equal(venue_apply(&f->cx, &in, &id, &why), ERR_NONE);
	f->cx.actor = "admin";
	assert_int_equal(application_accept(&f->cx, id, &out, &why), ERR_NONE);
	assert_int_equal(strlen(out.password), APPLY_PASSWORD_LEN);
	assert_string_equal(out.login, "lieu-73282932001007");
	assert_string_equal(out.venue.iban, "FR7630006000011234567890189");
	assert_string_equal(out.venue.bic, "CCBPFRPPNAN");
	text_of(f->w.db, "SELECT password_hash FROM user WHERE login"
	    " = 'lieu-73282932001007'", hash, sizeof(hash));
	assert_int_equal(crypto_pwhash_str_verify(hash, out.password,
	    strlen(out.password)), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE"
	    " actor = 'admin' AND action IN ('venue.add', 'user.add',"
	    " 'application.accept')"), 3);
	assert_int_equal(application_accept(&f->cx, id, &out, &why),
	    ERR_APPLICATION_DECIDED);
	assert_int_equal(application_refuse(&f->cx, id, "trop tard", &why),
	    ERR_APPLICATION_DECIDED);
	assert_int_equal(count(f, "SELECT count(*) FROM venue WHERE siret ="
	    " '73282932001007'"), 1);
}

static void
test_refuse_with_reason(void **state)
{
	struct fixture *f = *state;
	struct venue_apply_in in = good("73282932001007", "10.0.0.1");
	struct application_accept_out out;
	struct op_refusal why;
	int64_t id;

	assert_int_equal(venue_apply(&f->cx, &in, &id, &why), ERR_NONE);
	f->cx.actor = "admin";
	assert_int_equal(application_refuse(&f->cx, id, "", &why),
	    ERR_INVALID_FIELD);
	assert_int_equal(application_refuse(&f->cx, id, NULL, &why),
	    ERR_INVALID_FIELD);
	assert_int_equal(application_refuse(&f->cx, id, "Pas d'ateliers",
	    &why), ERR_NONE);
	assert_int_equal(count(f, "SELECT count(*) FROM venue_application"
	    " WHERE status = 'refused' AND reason = 'Pas d''ateliers'"
	    " AND decided_by = 'admin'"), 1);
	assert_int_equal(application_accept(&f->cx, id, &out, &why),
	    ERR_APPLICATION_DECIDED);
	assert_int_equal(count(f, "SELECT count(*) FROM venue WHERE siret ="
	    " '73282932001007'"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_error_at_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_three_a_day_per_address,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_all_or_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refuse_with_reason,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
