/* test_terminal_skew.c -- which clock moved when the terminal's and the server's disagree (terminal/skew.c).
 *
 * The unit-test rule links the server's and the library's archives only,
 * so the terminal module under test is compiled in here (the Makefile
 * names it as a dependency).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../terminal/skew.c"

/* 2026-12-07 10:45:00 UTC (11:45 in Paris), and 1 h 33 in seconds. */
#define AT	1796640300
#define JUMP	5580

/* The reference: both clocks agreeing, on boot 7, 1000 s after it. */
static const struct skew_sample ref = {
	.wall = AT - 600, .ticks = 1000, .boot = 7, .server = AT - 601
};

/* A sample 600 s of ticks after ref, each clock moved by its own amount. */
static struct skew_sample
later(int64_t terminal_moved, int64_t server_moved)
{
	struct skew_sample s = ref;

	s.ticks += 600;
	s.wall += 600 + terminal_moved;
	s.server += 600 + server_moved;
	return s;
}

static int
setup(void **state)
{
	(void)state;
	/* Times are shown in local time: make it UTC here. */
	if (setenv("TZ", "UTC", 1) != 0)
		return -1;
	tzset();
	return 0;
}

static void
test_agrees(void **state)
{
	struct skew_sample s = { .wall = AT, .ticks = 5, .server = AT + 300 };

	(void)state;
	assert_true(skew_agrees(&s));
	s.server = AT - 300;
	assert_true(skew_agrees(&s));
	s.server = AT + 301;
	assert_false(skew_agrees(&s));
	s.server = AT - 301;
	assert_false(skew_agrees(&s));
	/* No Date, or no sample at all: nothing to agree on. */
	s.server = 0;
	assert_false(skew_agrees(&s));
	s.server = AT;
	s.wall = 0;
	assert_false(skew_agrees(&s));
}

/* The server's clock jumped back 1 h 33; this one ran on with the ticks. */
static void
test_server_moved(void **state)
{
	struct skew_sample now = later(0, -JUMP);
	struct skew_judgement j;

	(void)state;
	skew_judge(&ref, &now, &j);
	assert_int_equal(j.side, SKEW_SERVER);
	assert_int_equal(j.why, SKEW_WHY_NONE);
	assert_int_equal(j.server_moved, -JUMP);
	assert_int_equal(j.terminal_moved, 0);
	assert_int_equal(j.offset, -JUMP - 1);
	/* Forward too, and a second of the Date's grain changes nothing. */
	now = later(1, JUMP);
	skew_judge(&ref, &now, &j);
	assert_int_equal(j.side, SKEW_SERVER);
	assert_int_equal(j.server_moved, JUMP);
}

/* This machine's clock jumped ahead, or drifted slowly past the bound. */
static void
test_terminal_moved(void **state)
{
	struct skew_sample now = later(JUMP, 0);
	struct skew_judgement j;

	(void)state;
	skew_judge(&ref, &now, &j);
	assert_int_equal(j.side, SKEW_TERMINAL);
	assert_int_equal(j.terminal_moved, JUMP);
	assert_int_equal(j.server_moved, 0);
	assert_true(j.offset < 0);	/* this clock is ahead */
	/* A month without NTP, 6 min slow: that too is this machine's. */
	now = ref;
	now.ticks += 30 * 86400;
	now.wall += 30 * 86400 - 360;
	now.server += 30 * 86400;
	skew_judge(&ref, &now, &j);
	assert_int_equal(j.side, SKEW_TERMINAL);
	assert_int_equal(j.terminal_moved, -360);
	/* Just past the bound, and just within it. */
	now = later(SKEW_MOVED + 1, 0);
	skew_judge(&ref, &now, &j);
	assert_int_equal(j.side, SKEW_TERMINAL);
	now = later(SKEW_MOVED, 0);
	skew_judge(&ref, &now, &j);
	assert_int_equal(j.side, SKEW_UNKNOWN);
	assert_int_equal(j.why, SKEW_WHY_BOTH_MOVED);
}

/* When it cannot be told, it is said why. */
static void
test_cannot_tell(void **state)
{
	struct skew_sample none = { .wall = 0 }, now = later(JUMP, 0), shifted;
	struct skew_judgement j;

	(void)state;
	skew_judge(&none, &now, &j);
	assert_int_equal(j.side, SKEW_UNKNOWN);
	assert_int_equal(j.why, SKEW_WHY_NO_REFERENCE);
	assert_int_equal(j.offset, -JUMP - 1);
	/* Another boot: its ticks start over. */
	now.boot = 8;
	skew_judge(&ref, &now, &j);
	assert_int_equal(j.why, SKEW_WHY_REBOOT);
	/* The same boot id, ticks gone backwards: a reboot all the same. */
	now = later(JUMP, 0);
	now.ticks = ref.ticks - 1;
	skew_judge(&ref, &now, &j);
	assert_int_equal(j.why, SKEW_WHY_REBOOT);
	/* Both moved. */
	now = later(JUMP, -JUMP);
	skew_judge(&ref, &now, &j);
	assert_int_equal(j.side, SKEW_UNKNOWN);
	assert_int_equal(j.why, SKEW_WHY_BOTH_MOVED);
	/*
	 * Neither moved far, yet they disagree: 250 s apart at the
	 * reference (within the window), a minute more each way since.
	 */
	shifted = ref;
	shifted.server = ref.wall - 250;
	now = shifted;
	now.ticks += 600;
	now.wall += 600 + 60;
	now.server += 600 - 60;
	skew_judge(&shifted, &now, &j);
	assert_false(skew_agrees(&now));
	assert_int_equal(j.side, SKEW_UNKNOWN);
	assert_int_equal(j.why, SKEW_WHY_BOTH_MOVED);
}

static void
test_describe(void **state)
{
	struct skew_sample now = { .wall = AT, .ticks = 1, .boot = 7,
	    .server = AT - JUMP };
	struct skew_judgement j = { .side = SKEW_SERVER, .offset = -JUMP,
	    .server_moved = -JUMP };
	char buf[SKEW_TEXT_MAX];

	(void)state;
	skew_describe(&now, &j, buf, sizeof(buf));
	assert_string_equal(buf, "l'horloge du serveur semble décalée (il "
	    "annonce 10:12, ce poste 11:45) : depuis le dernier échange "
	    "réussi, elle a sauté de 1 h 33 en arrière alors que celle du "
	    "poste a suivi le temps écoulé : prévenez le Département");
	now.server = AT;
	now.wall = AT + JUMP;
	j = (struct skew_judgement){ .side = SKEW_TERMINAL, .offset = -JUMP,
	    .terminal_moved = JUMP };
	skew_describe(&now, &j, buf, sizeof(buf));
	assert_string_equal(buf, "l'horloge de ce poste est décalée de 1 h 33 "
	    "en avance (il affiche 13:18, le serveur 11:45) : depuis le "
	    "dernier échange réussi, elle a sauté alors que celle du serveur "
	    "a suivi le temps écoulé : mettez-la à l'heure");
	j.offset = JUMP;
	skew_describe(&now, &j, buf, sizeof(buf));
	assert_non_null(strstr(buf, "1 h 33 en retard"));
	/* On different days, the dates are shown. */
	now.wall = AT + 86400;
	j = (struct skew_judgement){ .side = SKEW_UNKNOWN,
	    .why = SKEW_WHY_REBOOT, .offset = -86400 };
	skew_describe(&now, &j, buf, sizeof(buf));
	assert_string_equal(buf, "l'heure de ce poste (08/12/2026 11:45) et "
	    "celle du serveur (07/12/2026 11:45) diffèrent de 1 j 0 h, "
	    "impossible de dire laquelle est fausse (le poste a redémarré "
	    "depuis le dernier échange réussi) : vérifiez l'heure du poste ; "
	    "si elle est juste, prévenez le Département");
	j.why = SKEW_WHY_NO_REFERENCE;
	skew_describe(&now, &j, buf, sizeof(buf));
	assert_non_null(strstr(buf, "(aucun échange réussi à comparer)"));
	j.why = SKEW_WHY_BOTH_MOVED;
	skew_describe(&now, &j, buf, sizeof(buf));
	assert_non_null(strstr(buf, "(les deux ont bougé"));
	/* A small buffer is cut, never overrun. */
	skew_describe(&now, &j, buf, 16);
	assert_int_equal(strlen(buf), 15);
}

static void
test_duration(void **state)
{
	char buf[32];

	(void)state;
	skew_duration_text(45, buf, sizeof(buf));
	assert_string_equal(buf, "45 s");
	skew_duration_text(-59, buf, sizeof(buf));
	assert_string_equal(buf, "59 s");
	skew_duration_text(89, buf, sizeof(buf));
	assert_string_equal(buf, "1 min");
	skew_duration_text(90, buf, sizeof(buf));
	assert_string_equal(buf, "2 min");
	/* To the nearest minute: a second of the Date's grain is lost. */
	skew_duration_text(JUMP - 1, buf, sizeof(buf));
	assert_string_equal(buf, "1 h 33");
	skew_duration_text(-JUMP, buf, sizeof(buf));
	assert_string_equal(buf, "1 h 33");
	skew_duration_text(3600, buf, sizeof(buf));
	assert_string_equal(buf, "1 h 00");
	skew_duration_text(3 * 86400 + 4 * 3600 + 10, buf, sizeof(buf));
	assert_string_equal(buf, "3 j 4 h");
}

static void
test_local(void **state)
{
	struct skew_sample s;
	int64_t before = (int64_t)time(NULL);

	(void)state;
	skew_local(&s, 42);
	assert_true(s.wall >= before && s.wall <= before + 1);
	assert_true(s.ticks >= 0);
	assert_int_equal(s.boot, 42);
	assert_int_equal(s.server, 0);
	assert_true(skew_ticks() >= s.ticks);
	/* Linux has one; the same for the whole boot. */
	assert_true(skew_boot_id() != 0);
	assert_int_equal(skew_boot_id(), skew_boot_id());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agrees),
		cmocka_unit_test(test_server_moved),
		cmocka_unit_test(test_terminal_moved),
		cmocka_unit_test(test_cannot_tell),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_local),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
