/* test_settle.c -- settlement periods in Paris time, their labels, who may settle, and what a person types. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "passnum/timefmt.h"
#include "settle_rules.h"

static void
test_month(void **state)
{
	struct settle_period p;
	struct pn_error err;
	int64_t t;

	(void)state;
	assert_int_equal(settle_period_parse("2026-11", CONFIG_PERIOD_MONTH, &p,
	    &err), ERR_NONE);
	assert_string_equal(p.text, "2026-11");
	assert_string_equal(p.label, "novembre 2026");
	/* Midnight in Paris: 23:00 UTC the day before, in winter. */
	assert_int_equal(pn_time_parse("2026-10-31T23:00:00Z", &t), 0);
	assert_int_equal(p.start, t);
	assert_int_equal(pn_time_parse("2026-11-30T23:00:00Z", &t), 0);
	assert_int_equal(p.end, t);
	/* October starts in summer time: 22:00 UTC. */
	assert_int_equal(settle_period_parse("2026-10", CONFIG_PERIOD_MONTH, &p,
	    &err), ERR_NONE);
	assert_int_equal(pn_time_parse("2026-09-30T22:00:00Z", &t), 0);
	assert_int_equal(p.start, t);
	assert_int_equal(settle_period_parse("2026-08", CONFIG_PERIOD_MONTH, &p,
	    &err), ERR_NONE);
	assert_string_equal(p.label, "août 2026");
}

static void
test_quarter(void **state)
{
	struct settle_period p;
	struct pn_error err;
	int64_t t;

	(void)state;
	assert_int_equal(settle_period_parse("2026-T4", CONFIG_PERIOD_QUARTER,
	    &p, &err), ERR_NONE);
	assert_string_equal(p.text, "2026-T4");
	assert_string_equal(p.label, "4e trimestre 2026");
	assert_int_equal(pn_time_parse("2026-09-30T22:00:00Z", &t), 0);
	assert_int_equal(p.start, t);
	assert_int_equal(pn_time_parse("2026-12-31T23:00:00Z", &t), 0);
	assert_int_equal(p.end, t);
	/* Q is read as T: one canonical text. */
	assert_int_equal(settle_period_parse("2027-Q1", CONFIG_PERIOD_QUARTER,
	    &p, &err), ERR_NONE);
	assert_string_equal(p.text, "2027-T1");
	assert_string_equal(p.label, "1er trimestre 2027");
}

static void
test_refusals(void **state)
{
	static const char *const months[] = {
		"2026-13", "2026-00", "2026-1", "26-11", "2026/11", "2026-11 ",
		"", "1969-12", "2026-T4", "novembre",
	};
	static const char *const quarters[] = {
		"2026-T5", "2026-T0", "2026-11", "2026-t4", "2026-T44", "",
	};
	struct settle_period p;
	struct pn_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(months) / sizeof(months[0]); i++) {
		assert_int_equal(settle_period_parse(months[i],
		    CONFIG_PERIOD_MONTH, &p, &err), ERR_BAD_PERIOD);
		assert_non_null(strstr(err.message, "YYYY-MM"));
	}
	for (i = 0; i < sizeof(quarters) / sizeof(quarters[0]); i++) {
		assert_int_equal(settle_period_parse(quarters[i],
		    CONFIG_PERIOD_QUARTER, &p, &err), ERR_BAD_PERIOD);
		assert_non_null(strstr(err.message, "2026-T4"));
	}
	assert_int_equal(settle_period_parse(NULL, CONFIG_PERIOD_MONTH, &p,
	    &err), ERR_BAD_PERIOD);
}

static void
test_before(void **state)
{
	struct settle_period p;
	int64_t t;

	(void)state;
	assert_int_equal(pn_time_parse("2026-12-10T09:00:00Z", &t), 0);
	settle_period_before(t, CONFIG_PERIOD_MONTH, &p);
	assert_string_equal(p.text, "2026-11");
	settle_period_before(t, CONFIG_PERIOD_QUARTER, &p);
	assert_string_equal(p.text, "2026-T3");
	/* 1 January 00:30 in Paris is still 31 December in UTC. */
	assert_int_equal(pn_time_parse("2026-12-31T23:30:00Z", &t), 0);
	settle_period_before(t, CONFIG_PERIOD_MONTH, &p);
	assert_string_equal(p.text, "2026-12");
	settle_period_before(t, CONFIG_PERIOD_QUARTER, &p);
	assert_string_equal(p.text, "2026-T4");
	assert_int_equal(pn_time_parse("2027-01-15T12:00:00Z", &t), 0);
	settle_period_before(t, CONFIG_PERIOD_MONTH, &p);
	assert_string_equal(p.text, "2026-12");
	assert_string_equal(p.label, "décembre 2026");
}

/* Reasons and notes, a bank's reference, a payment's date. */
static void
test_typed(void **state)
{
	char longest[SETTLE_TEXT_MAX + 3];
	struct pn_error err;
	int64_t t;

	(void)state;
	assert_int_equal(settle_text_check("  séance non tenue ", 500,
	    ERR_REASON_REQUIRED, "reason", &err), ERR_NONE);
	assert_int_equal(settle_text_check("   ", 500, ERR_REASON_REQUIRED,
	    "reason", &err), ERR_REASON_REQUIRED);
	assert_non_null(strstr(err.message, "reason"));
	assert_int_equal(settle_text_check(NULL, 500, ERR_REASON_REQUIRED,
	    "note", &err), ERR_REASON_REQUIRED);
	assert_non_null(strstr(err.message, "note"));
	assert_int_equal(settle_text_check("a\nb", 500, ERR_REASON_REQUIRED,
	    "reason", &err), ERR_REASON_REQUIRED);
	assert_int_equal(settle_text_check("a\x7f", 500, ERR_REASON_REQUIRED,
	    "reason", &err), ERR_REASON_REQUIRED);
	/* 500 bytes between spaces are enough, 501 too many. */
	memset(longest, 'x', sizeof(longest));
	longest[0] = ' ';
	longest[SETTLE_TEXT_MAX + 1] = ' ';
	longest[SETTLE_TEXT_MAX + 2] = '\0';
	assert_int_equal(settle_text_check(longest, SETTLE_TEXT_MAX,
	    ERR_REASON_REQUIRED, "reason", &err), ERR_NONE);
	longest[SETTLE_TEXT_MAX + 1] = 'x';
	assert_int_equal(settle_text_check(longest, SETTLE_TEXT_MAX,
	    ERR_REASON_REQUIRED, "reason", &err), ERR_REASON_REQUIRED);

	assert_int_equal(settle_bank_reference_check("VIR-2026-11-0042", &err),
	    ERR_NONE);
	assert_int_equal(settle_bank_reference_check(
	    "12345678901234567890123456789012345", &err), ERR_NONE);
	assert_int_equal(settle_bank_reference_check(
	    "123456789012345678901234567890123456", &err), ERR_BAD_PAYMENT);
	assert_int_equal(settle_bank_reference_check("", &err),
	    ERR_BAD_PAYMENT);
	assert_int_equal(settle_bank_reference_check(NULL, &err),
	    ERR_BAD_PAYMENT);
	assert_int_equal(settle_bank_reference_check("VIR 42", &err),
	    ERR_BAD_PAYMENT);
	assert_int_equal(settle_bank_reference_check("VIRÉ", &err),
	    ERR_BAD_PAYMENT);

	/* 31 December 23:30 UTC is 1 January in Paris: paid that day. */
	assert_int_equal(pn_time_parse("2026-12-31T23:30:00Z", &t), 0);
	assert_int_equal(settle_paid_on_check("2027-01-01", t, &err), ERR_NONE);
	assert_int_equal(settle_paid_on_check("2026-12-31", t, &err), ERR_NONE);
	assert_int_equal(settle_paid_on_check("2027-01-02", t, &err),
	    ERR_BAD_PAYMENT);
	assert_non_null(strstr(err.message, "future"));
	assert_int_equal(settle_paid_on_check("2026-02-30", t, &err),
	    ERR_BAD_PAYMENT);
	assert_int_equal(settle_paid_on_check("31/12/2026", t, &err),
	    ERR_BAD_PAYMENT);
	assert_int_equal(settle_paid_on_check(NULL, t, &err), ERR_BAD_PAYMENT);
}

static void
test_who_and_labels(void **state)
{
	struct store_principal who;
	struct pn_error err;

	(void)state;
	memset(&who, 0, sizeof(who));
	strcpy(who.login, "claire");
	who.role = ROLE_ACCOUNTANT;
	assert_int_equal(settle_may_act(&who, &err), ERR_NONE);
	who.role = ROLE_ADMIN;
	assert_int_equal(settle_may_act(&who, &err), ERR_NONE);
	who.role = ROLE_CASEWORKER;
	assert_int_equal(settle_may_act(&who, &err), ERR_NOT_ACCOUNTANT);
	assert_non_null(strstr(err.message, "claire"));
	who.role = ROLE_VENUE;
	assert_int_equal(settle_may_act(&who, &err), ERR_NOT_ACCOUNTANT);
	assert_int_equal(settle_may_act(NULL, &err), ERR_NOT_ACCOUNTANT);
	assert_string_equal(settle_status_label("draft"), "brouillon");
	assert_string_equal(settle_status_label("approved"), "approuvé");
	assert_string_equal(settle_status_label("paid"), "payé");
	assert_string_equal(settle_status_label("rejected"), "rejeté");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_month),
		cmocka_unit_test(test_quarter),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_before),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_who_and_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
