/* test_small_counts.c -- statistical confidentiality: no line of 1 to N - 1 people, not even by subtraction from the total. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dashboard.h"
#include "small_counts.h"

#define N_MAX 12

/* A line of 1 to 4 people is withheld, the others are shown. */
static void
test_primary(void **state)
{
	const int64_t people[] = { 40, 3, 12, 1, 9 };
	enum sc_state st[5];

	(void)state;
	assert_int_equal(small_counts_apply(5, people, 5, 65, st), SC_SHOWN);
	assert_int_equal(st[0], SC_SHOWN);
	assert_int_equal(st[1], SC_FEW);
	assert_int_equal(st[2], SC_SHOWN);
	assert_int_equal(st[3], SC_FEW);
	assert_int_equal(st[4], SC_SHOWN);
}

/* One line withheld: the next smallest goes with it (the first of ties). */
static void
test_secondary(void **state)
{
	const int64_t people[] = { 40, 2, 7, 12, 7 };
	enum sc_state st[5];

	(void)state;
	assert_int_equal(small_counts_apply(5, people, 5, 68, st), SC_SHOWN);
	assert_int_equal(st[1], SC_FEW);
	assert_int_equal(st[2], SC_MASKED);
	assert_int_equal(st[0], SC_SHOWN);
	assert_int_equal(st[3], SC_SHOWN);
	assert_int_equal(st[4], SC_SHOWN);
}

/* Five people exactly are shown; zero people hide nothing. */
static void
test_edges(void **state)
{
	const int64_t people[] = { 5, 0, 6 };
	const int64_t lone[] = { 4 };
	enum sc_state st[3];

	(void)state;
	assert_int_equal(small_counts_apply(5, people, 3, 11, st), SC_SHOWN);
	assert_int_equal(st[0], SC_SHOWN);
	assert_int_equal(st[1], SC_SHOWN);
	assert_int_equal(st[2], SC_SHOWN);
	/* Fewer than 5 behind the total: the total and every line. */
	assert_int_equal(small_counts_apply(5, lone, 1, 4, st), SC_FEW);
	assert_int_equal(st[0], SC_FEW);
	/*
	 * A lone line of few people whose table's total has more (people
	 * counted in several lines): no line to hide it behind, so the
	 * total goes.
	 */
	assert_int_equal(small_counts_apply(5, lone, 1, 9, st), SC_MASKED);
	assert_int_equal(st[0], SC_FEW);
	/* No line at all. */
	assert_int_equal(small_counts_apply(5, NULL, 0, 0, st), SC_SHOWN);
}

/* The marks, with the threshold in them. */
static void
test_marks(void **state)
{
	char buf[SMALL_COUNTS_MARK_MAX];

	(void)state;
	assert_string_equal(small_counts_mark(SC_FEW, 5, buf), "< 5");
	assert_string_equal(small_counts_mark(SC_FEW, 11, buf), "< 11");
	assert_string_equal(small_counts_mark(SC_MASKED, 5, buf), "secret");
	assert_string_equal(small_counts_mark(SC_SHOWN, 5, buf), "");
}

static uint64_t
draw(uint64_t *s, unsigned n)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (*s >> 33) % n;
}

/*
 * 100,000 random tables whose people add up to their total (a commune,
 * an age band): whatever is shown, a line of 1 to 4 people is never
 * shown, and never is exactly one line withheld under a shown total,
 * which would be the total less the shown lines. The same with a total
 * smaller than the sum (an agency: one person in several lines).
 */
static void
test_never_recomputable(void **state)
{
	int64_t people[N_MAX], total;
	enum sc_state st[N_MAX], tot;
	uint64_t seed = 42;
	unsigned round, n, i, withheld, min;

	(void)state;
	for (round = 0; round < 100000; round++) {
		n = 1 + (unsigned)draw(&seed, N_MAX);
		min = 2 + (unsigned)draw(&seed, 9);
		total = 0;
		for (i = 0; i < n; i++) {
			/* Many small lines, some zeros, some large. */
			people[i] = draw(&seed, 4) == 0 ?
			    (int64_t)draw(&seed, 200) :
			    (int64_t)draw(&seed, min + 2);
			total += people[i];
		}
		if (round % 2 == 1 && total > 0)
			total -= (int64_t)draw(&seed, (unsigned)total);
		tot = small_counts_apply(min, people, n, total, st);
		withheld = 0;
		for (i = 0; i < n; i++) {
			if (st[i] == SC_SHOWN) {
				assert_false(people[i] > 0 &&
				    people[i] < (int64_t)min);
			} else
				withheld++;
		}
		if (tot == SC_SHOWN) {
			assert_false(total > 0 && total < (int64_t)min);
			assert_true(withheld == 0 || withheld >= 2);
		}
	}
}

/* The period's forms, and the error at its field. */
static void
test_period(void **state)
{
	struct dash_period p;
	const char *field;
	char msg[160];

	(void)state;
	assert_int_equal(dash_period_parse("2026", NULL, NULL, 0, &p, &field,
	    msg, sizeof(msg)), 0);
	/* 2026-01-01 00:00 in Paris is 2025-12-31 23:00 UTC. */
	assert_int_equal(p.from, 1767222000);
	assert_int_equal(p.to, 1798758000);
	assert_string_equal(p.label, "année 2026");
	assert_int_equal(dash_period_parse("2026-T4", "", "", 0, &p, &field,
	    msg, sizeof(msg)), 0);
	assert_string_equal(p.label, "4e trimestre 2026");
	assert_int_equal(dash_period_parse("2026-Q1", NULL, NULL, 0, &p,
	    &field, msg, sizeof(msg)), 0);
	assert_string_equal(p.periode, "2026-T1");
	assert_int_equal(dash_period_parse("2026-11", NULL, NULL, 0, &p,
	    &field, msg, sizeof(msg)), 0);
	assert_string_equal(p.label, "novembre 2026");
	assert_int_equal(dash_period_parse(NULL, "2026-01-01", "2026-06-30",
	    0, &p, &field, msg, sizeof(msg)), 0);
	assert_int_equal(p.from, 1767222000);
	/* 2026-07-01 00:00 in Paris, summer time: 2026-06-30 22:00 UTC. */
	assert_int_equal(p.to, 1782856800);
	assert_string_equal(p.label, "du 01/01/2026 au 30/06/2026");
	/* Default: the year it is in Paris (2026-12-31 23:30 UTC: 2027). */
	assert_int_equal(dash_period_parse(NULL, NULL, NULL, 1798759800, &p,
	    &field, msg, sizeof(msg)), 0);
	assert_string_equal(p.periode, "2027");

	assert_int_equal(dash_period_parse("2026-13", NULL, NULL, 0, &p,
	    &field, msg, sizeof(msg)), -1);
	assert_string_equal(field, "periode");
	assert_int_equal(dash_period_parse("2026", "2026-01-01", NULL, 0, &p,
	    &field, msg, sizeof(msg)), -1);
	assert_string_equal(field, "periode");
	assert_int_equal(dash_period_parse(NULL, "2026-01-01", NULL, 0, &p,
	    &field, msg, sizeof(msg)), -1);
	assert_string_equal(field, "au");
	assert_int_equal(dash_period_parse(NULL, "2026-02-30", "2026-03-01",
	    0, &p, &field, msg, sizeof(msg)), -1);
	assert_string_equal(field, "du");
	assert_int_equal(dash_period_parse(NULL, "2026-03-02", "2026-03-01",
	    0, &p, &field, msg, sizeof(msg)), -1);
	assert_string_equal(field, "au");
	assert_int_equal(dash_period_parse(NULL, "2000-01-01", "2026-03-01",
	    0, &p, &field, msg, sizeof(msg)), -1);
	assert_string_equal(field, "au");
	assert_int_equal(dash_period_parse("<script>", NULL, NULL, 0, &p,
	    &field, msg, sizeof(msg)), -1);
	assert_int_equal(dash_period_parse("1999", NULL, NULL, 0, &p,
	    &field, msg, sizeof(msg)), -1);
}

static void
test_rates(void **state)
{
	char buf[DASH_RATE_MAX];

	(void)state;
	assert_string_equal(dash_percent(1, 3, buf), "33,3\xc2\xa0%");
	assert_string_equal(dash_percent(2, 3, buf), "66,7\xc2\xa0%");
	assert_string_equal(dash_percent(5, 5, buf), "100,0\xc2\xa0%");
	assert_string_equal(dash_percent(0, 7, buf), "0,0\xc2\xa0%");
	assert_string_equal(dash_percent(3, 0, buf), "—");
	assert_string_equal(dash_ratio(17, 5, buf), "3,4");
	assert_string_equal(dash_ratio(1, 0, buf), "—");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primary),
		cmocka_unit_test(test_secondary),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_never_recomputable),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_rates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
