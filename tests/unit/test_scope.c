/* test_scope.c -- the one rule of agency scope: who sees which agency's booklets and vouchers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scope.h"

static struct store_principal
user(unsigned role, int64_t agency)
{
	struct store_principal p;

	memset(&p, 0, sizeof(p));
	p.role = role;
	p.agency_id = agency;
	return p;
}

/* A caseworker sees their own agency's booklets, and no other. */
static void
test_caseworker(void **state)
{
	struct store_principal cw = user(ROLE_CASEWORKER, 3);

	(void)state;
	assert_int_equal(scope_agency(&cw), 3);
	assert_true(scope_sees(&cw, 3));
	assert_false(scope_sees(&cw, 4));
	/* A booklet issued by an administrator has no agency. */
	assert_false(scope_sees(&cw, 0));
}

/* An administrator sees every agency's, and those of none. */
static void
test_admin(void **state)
{
	struct store_principal admin = user(ROLE_ADMIN, 0);

	(void)state;
	assert_int_equal(scope_agency(&admin), 0);
	assert_true(scope_sees(&admin, 3));
	assert_true(scope_sees(&admin, 0));
}

/*
 * A caseworker without an agency (the CLI refuses to make one) sees
 * nothing: not every agency, which 0 would mean to the store.
 */
static void
test_caseworker_without_agency(void **state)
{
	struct store_principal cw = user(ROLE_CASEWORKER, 0);

	(void)state;
	assert_int_equal(scope_agency(&cw), SCOPE_NONE);
	assert_false(scope_sees(&cw, 0));
	assert_false(scope_sees(&cw, 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caseworker),
		cmocka_unit_test(test_admin),
		cmocka_unit_test(test_caseworker_without_agency),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
