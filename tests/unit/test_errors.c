/* test_errors.c -- the error table: unique codes, real statuses, docs in step. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

static const enum err_code all[] = {
#define ERR(num, name, status, fr, en) ERR_##name,
#include "passnum/errors.def"
#undef ERR
};
#define NALL (sizeof(all) / sizeof(all[0]))

static void
test_table(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < NALL; i++) {
		const struct err_info *e = err_lookup(all[i]);

		assert_int_equal(e->code, all[i]);
		assert_true(e->status >= 400 && e->status <= 599);
		assert_true(strlen(e->fr) > 5);
		assert_true(strlen(e->en) > 5);
		assert_null(strchr(e->fr, '|'));	/* Markdown tables */
		assert_null(strchr(e->en, '|'));
		for (j = 0; j < i; j++)
			assert_int_not_equal(all[j], all[i]);
	}
	/* Stable numbers that clients rely on. */
	assert_int_equal(ERR_NOT_FOUND, 1001);
	assert_int_equal(err_lookup(ERR_BODY_TOO_LARGE)->status, 413);
	assert_int_equal(err_lookup(ERR_URL_TOO_LONG)->status, 414);
	assert_int_equal(err_lookup(ERR_TOO_MANY_CONNECTIONS)->status, 429);
	assert_int_equal(err_lookup(ERR_REQUEST_TIMEOUT)->status, 408);
	/* Unknown codes fall back to the internal error. */
	assert_int_equal(err_lookup((enum err_code)1)->code, ERR_INTERNAL);
}

/* docs/errors.md is exactly what the table generates (make docs). */
static void
test_docs_in_step(void **state)
{
	char *want = NULL, *got;
	size_t want_len = 0;
	FILE *mem = open_memstream(&want, &want_len), *doc;
	long n;

	(void)state;
	assert_non_null(mem);
	err_write_markdown(mem);
	assert_int_equal(fclose(mem), 0);
	doc = fopen("docs/errors.md", "r");
	if (doc == NULL)
		fail_msg("docs/errors.md missing: run make docs");
	assert_int_equal(fseek(doc, 0, SEEK_END), 0);
	n = ftell(doc);
	rewind(doc);
	got = malloc((size_t)n + 1);
	assert_int_equal(fread(got, 1, (size_t)n, doc), (size_t)n);
	got[n] = '\0';
	fclose(doc);
	if ((size_t)n != want_len || memcmp(got, want, want_len) != 0)
		fail_msg("docs/errors.md is out of date: run make docs");
	free(got);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_docs_in_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
