/* test_honest_time.c -- the bounds on the times a terminal claims. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"
#include "honest_time.h"

#define NOW 1796000000
#define DAY 86400

static struct config_redemption
rules(void)
{
	struct config_redemption c;

	memset(&c, 0, sizeof(c));
	c.offline_grace = 7 * DAY;
	c.session_tolerance = 900;
	c.clock_tolerance = 300;
	return c;
}

/* A terminal enrolled 30 days ago, last seen at seen, run since since. */
static struct store_terminal
terminal(int64_t seen, int64_t since, int64_t before)
{
	struct store_terminal t;

	memset(&t, 0, sizeof(t));
	t.enrolled_at = NOW - 30 * DAY;
	t.seen_at = seen;
	t.contact_since = since;
	t.seen_before = before;
	return t;
}

static void
test_a_new_run_after_a_gap(void **state)
{
	struct store_terminal t = terminal(NOW - 3 * DAY, NOW - 3 * DAY - 60,
	    NOW - 4 * DAY);

	(void)state;
	/* Three days away: this request begins a run, the previous is then. */
	assert_true(honest_new_contact(&t, NOW));
	assert_int_equal(honest_previous_exchange(&t, NOW), NOW - 3 * DAY);
	/* Two minutes after the last request: the same run. */
	t = terminal(NOW - 120, NOW - 600, NOW - 3 * DAY);
	assert_false(honest_new_contact(&t, NOW));
	assert_int_equal(honest_previous_exchange(&t, NOW), NOW - 3 * DAY);
	/* Just over the gap: a new run. */
	t = terminal(NOW - HONEST_CONTACT_GAP - 1, NOW - 600, NOW - DAY);
	assert_true(honest_new_contact(&t, NOW));
	assert_int_equal(honest_previous_exchange(&t, NOW),
	    NOW - HONEST_CONTACT_GAP - 1);
}

static void
test_a_run_lasts_an_hour_at_most(void **state)
{
	/* Constant contact since 61 minutes ago: a new run begins now. */
	struct store_terminal t = terminal(NOW - 10, NOW - 3660, NOW - DAY);

	(void)state;
	assert_true(honest_new_contact(&t, NOW));
	assert_int_equal(honest_previous_exchange(&t, NOW), NOW - 10);
}

static void
test_never_before_enrolment(void **state)
{
	struct store_terminal t = terminal(0, 0, 0);

	(void)state;
	assert_int_equal(honest_previous_exchange(&t, NOW), NOW - 30 * DAY);
	t.enrolled_at = NOW - 100;
	assert_int_equal(honest_previous_exchange(&t, NOW), NOW - 100);
	/* A run whose previous exchange is unknown: enrolment. */
	t = terminal(NOW - 10, NOW - 100, 0);
	assert_int_equal(honest_previous_exchange(&t, NOW), NOW - 30 * DAY);
}

static void
test_earliest_session(void **state)
{
	struct config_redemption c = rules();
	struct store_terminal t;

	(void)state;
	/* Seen 400 s ago, a new run: the online tolerance is the bound. */
	t = terminal(NOW - 400, NOW - 500, NOW - DAY);
	assert_int_equal(honest_earliest_session(&t, NOW, &c), NOW - 900);
	/*
	 * A run begun ten minutes ago after a day without contact: a
	 * session opened offline during that day is possible.
	 */
	t = terminal(NOW - 10, NOW - 600, NOW - DAY);
	assert_int_equal(honest_earliest_session(&t, NOW, &c),
	    NOW - DAY - 300);
	/* In constant contact, the run before ended just before this one. */
	t = terminal(NOW - 10, NOW - 600, NOW - 700);
	assert_int_equal(honest_earliest_session(&t, NOW, &c), NOW - 1000);
	/* Back after three days away: its last contact, less the clock. */
	t = terminal(NOW - 3 * DAY, NOW - 3 * DAY, NOW - 4 * DAY);
	assert_int_equal(honest_earliest_session(&t, NOW, &c),
	    NOW - 3 * DAY - 300);
	/* Back after ten days: no further than the offline grace. */
	t = terminal(NOW - 10 * DAY, NOW - 10 * DAY, NOW - 11 * DAY);
	assert_int_equal(honest_earliest_session(&t, NOW, &c), NOW - 7 * DAY);
}

static void
test_earliest_record(void **state)
{
	struct config_redemption c = rules();
	struct store_terminal t = terminal(NOW - 3 * DAY, NOW - 3 * DAY,
	    NOW - 4 * DAY);

	(void)state;
	assert_int_equal(honest_earliest_record(&t, NOW, &c),
	    NOW - 3 * DAY - 300);
	/* In a run: the exchange before it, not the run's own requests. */
	t = terminal(NOW - 5, NOW - 40, NOW - 2 * DAY);
	assert_int_equal(honest_earliest_record(&t, NOW, &c),
	    NOW - 2 * DAY - 300);
}

static void
test_session_hours(void **state)
{
	(void)state;
	assert_true(honest_in_session_hours(NOW, NOW, 60));
	assert_true(honest_in_session_hours(NOW - 3600, NOW, 60));
	assert_false(honest_in_session_hours(NOW - 3601, NOW, 60));
	assert_true(honest_in_session_hours(NOW + 7200, NOW, 60));
	assert_false(honest_in_session_hours(NOW + 7201, NOW, 60));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_new_run_after_a_gap),
		cmocka_unit_test(test_a_run_lasts_an_hour_at_most),
		cmocka_unit_test(test_never_before_enrolment),
		cmocka_unit_test(test_earliest_session),
		cmocka_unit_test(test_earliest_record),
		cmocka_unit_test(test_session_hours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
