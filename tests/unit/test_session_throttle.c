/* test_session_throttle.c -- the login throttle's rule (session_throttle_wait()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "session.h"

static struct config_session
limits(void)
{
	struct config c;

	config_defaults(&c);
	return c.session;	/* 5 per (login, address), 30 per address, 900 s */
}

/* pair failures of (login, address), the latest at latest. */
static unsigned
wait_pair(unsigned pair, int64_t latest, int64_t now)
{
	struct config_session cfg = limits();
	struct store_login_counts c = { pair, latest, pair, latest };

	return session_throttle_wait(&cfg, &c, now);
}

static void
test_under_the_limit(void **state)
{
	(void)state;
	assert_int_equal(wait_pair(0, 0, 1000), 0);
	assert_int_equal(wait_pair(4, 1000, 1000), 0);
}

/* 60 s at the limit, doubling with each failure past it, up to 900 s. */
static void
test_growing_delays(void **state)
{
	(void)state;
	assert_int_equal(wait_pair(5, 1000, 1000), 60);
	assert_int_equal(wait_pair(5, 1000, 1059), 1);
	assert_int_equal(wait_pair(5, 1000, 1060), 0);
	assert_int_equal(wait_pair(6, 1000, 1000), 120);
	assert_int_equal(wait_pair(7, 1000, 1000), 240);
	assert_int_equal(wait_pair(8, 1000, 1000), 480);
	assert_int_equal(wait_pair(9, 1000, 1000), 900);
	assert_int_equal(wait_pair(1000, 1000, 1000), 900);
	assert_int_equal(wait_pair(4000000000u, 1000, 1000), 900);
}

/* 30 failures from one address hold it until the oldest leaves 900 s. */
static void
test_address_limit(void **state)
{
	struct config_session cfg = limits();
	struct store_login_counts c = { 0, 0, 30, 1000 };

	(void)state;
	assert_int_equal(session_throttle_wait(&cfg, &c, 1100), 800);
	c.address = 29;
	assert_int_equal(session_throttle_wait(&cfg, &c, 1100), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_under_the_limit),
		cmocka_unit_test(test_growing_delays),
		cmocka_unit_test(test_address_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
