/* test_ops.c -- the runner of operations (server/ops/op.h) and the operations themselves, through their contract.
 *
 * The runner first: a step's writes, made through the store's ordinary
 * functions on the committer's connection, land together or not at all;
 * a refusal undoes them; a store function that queues its own write
 * (store_tx() inside a step) joins the step instead of waiting for
 * itself; the audit rows say where the change came from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store_world.h"
#include "op.h"

#define NOW 1775865600		/* 11 April 2026, inside the fixed key's window */

struct fixture {
	struct store_world w;
	struct op_ctx cx;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	store_world_open(&f->w, "ops", NOW, NOW - 3600, 120);
	f->cx.s = f->w.s;
	f->cx.who = &f->w.who;
	f->cx.now = NOW;
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

/* A step adding the agencies named in arg (NULL-terminated), then refusing if asked. */
struct agencies {
	const char *names[4];
	enum err_code then;
	bool nested_tx;		/* the second through store_tx() */
};

static int
add_one(struct store *tx, void *arg, struct pn_error *err)
{
	int64_t id;

	return store_agency_add(tx, arg, "eds", "Nantes", NOW, "test", &id,
	    err);
}

static enum err_code
add_agencies(struct store *tx, void *arg, struct op_refusal *why)
{
	struct agencies *a = arg;
	struct pn_error err;
	int64_t id;
	int rc;
	size_t i;

	for (i = 0; a->names[i] != NULL; i++) {
		if (a->nested_tx && i == 1)
			rc = store_tx(tx, add_one, (void *)a->names[i], &err);
		else
			rc = store_agency_add(tx, a->names[i], "eds", "Nantes",
			    NOW, "test", &id, &err);
		if (rc != 0)
			return op_failed(why, ERR_INTERNAL, &err);
	}
	if (store_audit_append(tx, NOW, "test", "test.step", "agency", "",
	    &err) != 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (a->then != ERR_NONE)
		return op_refuse(why, a->then, "name", "refused after %zu", i);
	return ERR_NONE;
}

static long long
agencies(const struct fixture *f)
{
	return store_world_int(f->w.db, "SELECT count(*) FROM agency");
}

static void
test_step_kept_whole(void **state)
{
	struct fixture *f = *state;
	struct agencies a = { { "CAF Nantes", "CCAS Rezé", NULL }, ERR_NONE,
	    false };
	struct op_refusal why;
	struct pn_error err;
	uint64_t rows;
	int64_t bad;

	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	assert_int_equal(agencies(f), 2);
	assert_int_equal(store_world_audit_rows(&f->w, "agency.add"), 2);
	assert_int_equal(store_audit_verify(f->w.s, &rows, &bad, &err), 0);
}

static void
test_refusal_undoes_everything(void **state)
{
	struct fixture *f = *state;
	struct agencies a = { { "CAF Nantes", "CCAS Rezé", NULL },
	    ERR_INVALID_FIELD, false };
	struct op_refusal why;

	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_INVALID_FIELD);
	assert_int_equal(why.code, ERR_INVALID_FIELD);
	assert_string_equal(why.field, "name");
	assert_string_equal(why.detail, "refused after 2");
	assert_int_equal(agencies(f), 0);
	assert_int_equal(store_world_audit_rows(&f->w, "agency.add"), 0);
}

static void
test_store_failure_undoes_the_step(void **state)
{
	struct fixture *f = *state;
	/* The second name is taken by the first: the store refuses it. */
	struct agencies a = { { "CAF Nantes", "CAF Nantes", NULL }, ERR_NONE,
	    false };
	struct op_refusal why;

	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_INTERNAL);
	assert_non_null(strstr(why.detail, "CAF Nantes"));
	assert_int_equal(agencies(f), 0);
	/* And the runner goes on with the next operation. */
	a.names[1] = "CCAS Rezé";
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	assert_int_equal(agencies(f), 2);
}

static void
test_nested_write_joins_the_step(void **state)
{
	struct fixture *f = *state;
	struct agencies a = { { "CAF Nantes", "CCAS Rezé", "Mission locale",
	    NULL }, ERR_NONE, true };
	struct op_refusal why;

	/* Without the join, this would wait for its own committer for ever. */
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	assert_int_equal(agencies(f), 3);
	a.names[0] = "A";
	a.names[1] = "B";
	a.names[2] = "C";
	a.then = ERR_NOT_CANCELLABLE;
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NOT_CANCELLABLE);
	assert_int_equal(agencies(f), 3);
}

static void
test_audit_says_where_from(void **state)
{
	struct fixture *f = *state;
	struct agencies a = { { "CAF Nantes", NULL }, ERR_NONE, false };
	struct op_refusal why;

	store_audit_via(f->w.s, "cli");
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	store_audit_via(f->w.s, NULL);
	a.names[0] = "CCAS Rezé";
	assert_int_equal(op_run(&f->cx, add_agencies, &a, ERR_INTERNAL, &why),
	    ERR_NONE);
	assert_int_equal(store_world_int(f->w.db, "SELECT count(*) FROM"
	    " audit_log WHERE action = 'test.step' AND"
	    " detail = '{\"via\":\"cli\"}'"), 1);
	assert_int_equal(store_world_audit_rows(&f->w, "test.step"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_step_kept_whole, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusal_undoes_everything,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_failure_undoes_the_step, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_nested_write_joins_the_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_says_where_from,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
