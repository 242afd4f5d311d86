/* test_anomalies.c -- a batch's alerts: each rule at its thresholds, and its words. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "anomalies.h"

/* 1 November 2026, 00:00 in Paris. */
#define NOV_1 1793487600

/* A venue's line with nothing to say about it. */
static struct store_line_signals
quiet(void)
{
	struct store_line_signals v;

	memset(&v, 0, sizeof(v));
	v.line_id = 3;
	v.venue_id = 7;
	(void)snprintf(v.name, sizeof(v.name), "Tiers-lieu");
	(void)snprintf(v.siret, sizeof(v.siret), "44234567400018");
	(void)snprintf(v.commune, sizeof(v.commune), "Saint-Herblain");
	v.vouchers = 12;
	v.history_lines = 3;
	v.history_vouchers = 30;
	return v;
}

/* The alerts of v (and terminals t), in *l; fails the test on NOMEM. */
static void
alerts(const struct store_line_signals *v,
    const struct store_suspended_terminal *t, size_t n,
    struct anomaly_list *l)
{
	anomaly_list_free(l);
	assert_int_equal(anomalies_of_line(v, t, n, NOV_1, l), 0);
}

/* The alert of kind in l, or NULL. */
static const struct anomaly *
find(const struct anomaly_list *l, enum anomaly_kind kind)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->a[i].kind == kind)
			return &l->a[i];
	return NULL;
}

static void
test_quiet_line(void **state)
{
	struct store_line_signals v = quiet();
	struct anomaly_list l = { NULL, 0, 0 };

	(void)state;
	alerts(&v, NULL, 0, &l);
	assert_int_equal(l.n, 0);
	anomaly_list_free(&l);
}

static void
test_first_occurrence_kinds(void **state)
{
	struct store_line_signals v = quiet();
	struct anomaly_list l = { NULL, 0, 0 };
	const struct anomaly *a;

	(void)state;
	v.key_failures = 1;
	v.outside_hours = 1;
	v.late_sync = 2;
	v.declared_late = 1;
	v.over_limit = 2;
	v.over_most = 3;
	v.over_allowed = 1;
	alerts(&v, NULL, 0, &l);
	assert_int_equal(l.n, 5);
	/* In the order of the kinds, each naming its venue. */
	assert_int_equal(l.a[0].kind, ANOMALY_KEY_FAILURES);
	assert_int_equal(l.a[4].kind, ANOMALY_BOOKLET_LIMIT);
	assert_int_equal(l.a[2].venue_id, 7);
	assert_string_equal(l.a[2].siret, "44234567400018");
	assert_string_equal(l.a[0].text, "1 clé de contrôle erronée saisie sur "
	    "ses terminaux depuis le 01/11/2026");
	assert_string_equal(l.a[1].text, "1 chèque présenté en dehors des "
	    "horaires de sa séance (enregistré hors ligne)");
	assert_string_equal(l.a[2].text, "2 chèques synchronisés en retard par "
	    "le terminal");
	assert_int_equal(l.a[2].count, 2);
	assert_string_equal(l.a[3].text, "1 séance déclarée après sa fin");
	a = find(&l, ANOMALY_BOOKLET_LIMIT);
	assert_non_null(a);
	assert_string_equal(a->text, "2 séances où un même carnet a servi plus "
	    "que le programme ne le permet (jusqu’à 3 chèques d’un carnet "
	    "dans une séance, pour 1 permis)");
	anomaly_list_free(&l);
}

static void
test_volume(void **state)
{
	struct store_line_signals v = quiet();
	struct anomaly_list l = { NULL, 0, 0 };
	const struct anomaly *a;

	(void)state;
	/* History: 3 lines, 20 vouchers (6,7 on average); 3 x that is 20. */
	v.history_vouchers = 20;
	v.vouchers = 20;
	alerts(&v, NULL, 0, &l);
	assert_null(find(&l, ANOMALY_VOLUME));
	v.vouchers = 21;
	alerts(&v, NULL, 0, &l);
	a = find(&l, ANOMALY_VOLUME);
	assert_non_null(a);
	assert_int_equal(a->count, 21);
	assert_string_equal(a->text, "21 chèques dans ce lot, plus de 3 fois "
	    "la moyenne de ses 3 règlements précédents (6,7 chèques en "
	    "moyenne)");
	/* Under the minimum, however small the history. */
	v.vouchers = 19;
	v.history_vouchers = 3;
	alerts(&v, NULL, 0, &l);
	assert_null(find(&l, ANOMALY_VOLUME));
	/* No history: nothing to compare with. */
	v.vouchers = 500;
	v.history_lines = 0;
	v.history_vouchers = 0;
	alerts(&v, NULL, 0, &l);
	assert_null(find(&l, ANOMALY_VOLUME));
	/* One line before. */
	v.vouchers = 40;
	v.history_lines = 1;
	v.history_vouchers = 1;
	alerts(&v, NULL, 0, &l);
	a = find(&l, ANOMALY_VOLUME);
	assert_non_null(a);
	assert_string_equal(a->text, "40 chèques dans ce lot, plus de 3 fois "
	    "son règlement précédent (1 chèque)");
	anomaly_list_free(&l);
}

static void
test_other_commune(void **state)
{
	struct store_line_signals v = quiet();
	struct anomaly_list l = { NULL, 0, 0 };
	const struct anomaly *a;

	(void)state;
	v.vouchers = 20;
	v.other_commune = 10;		/* 10, and half: an alert */
	alerts(&v, NULL, 0, &l);
	a = find(&l, ANOMALY_OTHER_COMMUNE);
	assert_non_null(a);
	assert_int_equal(a->count, 10);
	assert_string_equal(a->text, "10 chèques sur 20 remis à des personnes "
	    "d’une autre commune que celle du lieu (Saint-Herblain)");
	v.vouchers = 21;		/* 10 of 21: under half */
	alerts(&v, NULL, 0, &l);
	assert_null(find(&l, ANOMALY_OTHER_COMMUNE));
	v.vouchers = 9;			/* all of them, but 9 */
	v.other_commune = 9;
	alerts(&v, NULL, 0, &l);
	assert_null(find(&l, ANOMALY_OTHER_COMMUNE));
	anomaly_list_free(&l);
}

static void
test_suspended_terminals(void **state)
{
	struct store_line_signals v = quiet();
	struct store_suspended_terminal t[3];
	struct anomaly_list l = { NULL, 0, 0 };
	const struct anomaly *a;
	size_t i;

	(void)state;
	memset(t, 0, sizeof(t));
	for (i = 0; i < 3; i++) {
		t[i].venue_id = i == 1 ? 8 : 7;	/* the second is another's */
		t[i].suspended_at = 1796837400;	/* 9/12/2026 18:30 Paris */
		(void)snprintf(t[i].label, sizeof(t[i].label), "Poste %zu",
		    i + 1);
	}
	(void)snprintf(t[0].reason, sizeof(t[0].reason), "5 clés erronées");
	alerts(&v, t, 1, &l);
	a = find(&l, ANOMALY_TERMINAL_SUSPENDED);
	assert_non_null(a);
	assert_string_equal(a->text, "1 terminal suspendu en attente "
	    "d’examen : « Poste 1 », suspendu le 09/12/2026 18:30 (motif : 5 "
	    "clés erronées)");
	alerts(&v, t, 3, &l);
	a = find(&l, ANOMALY_TERMINAL_SUSPENDED);
	assert_non_null(a);
	assert_int_equal(a->count, 2);
	assert_non_null(strstr(a->text, "2 terminaux suspendus"));
	assert_non_null(strstr(a->text, "(motif : non précisé)"));
	assert_null(strstr(a->text, "Poste 2"));
	/* Long reasons: the text keeps whole terminals, then says how many more. */
	for (i = 0; i < 3; i++) {
		t[i].venue_id = 7;
		memset(t[i].reason, 'x', 450);
		t[i].reason[450] = '\0';
	}
	alerts(&v, t, 3, &l);
	a = find(&l, ANOMALY_TERMINAL_SUSPENDED);
	assert_non_null(a);
	assert_int_equal(a->count, 3);
	assert_true(strlen(a->text) < ANOMALY_TEXT_MAX - 1);
	assert_non_null(strstr(a->text, "; et 2 autres"));
	anomaly_list_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_line),
		cmocka_unit_test(test_first_occurrence_kinds),
		cmocka_unit_test(test_volume),
		cmocka_unit_test(test_other_commune),
		cmocka_unit_test(test_suspended_terminals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
