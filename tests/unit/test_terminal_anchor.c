/* test_terminal_anchor.c -- the terminal's comparison of the server's checkpoint with the one it holds: every way a newer one can show a loss.
 *
 * anchor_compare.c is compiled in (the unit-test rule links the server's
 * and the library's archives only; the Makefile names it as a
 * dependency). The checkpoints are signed with a fixed key, as the
 * server's are, though the comparison trusts them as given: the caller
 * has verified them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../../terminal/anchor_compare.c"
#include "passnum/passnum.h"
#include "fixtures.h"

static struct pn_signing_key *key;

static int
setup(void **state)
{
	(void)state;
	if (pn_init() != 0 || (key = fx_signing(3)) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pn_signing_key_free(key);
	return 0;
}

/* The checkpoint held: n° 15, 200 redemptions, audit log to row 1234. */
static void
held_one(struct pn_checkpoint *c, char text[PN_CHECKPOINT_TEXT_MAX])
{
	struct pn_error err;

	memset(c, 0, sizeof(*c));
	c->seq = 15;
	c->at = T_2026 + 10 * DAY;
	memset(c->prev, 0x11, sizeof(c->prev));
	c->audit_last = 1234;
	memset(c->audit_head, 0x22, sizeof(c->audit_head));
	c->next_serial = 5601;
	c->redeemed = 200;
	c->redeemed_last = 987;
	memset(c->redeemed_hash, 0x33, sizeof(c->redeemed_hash));
	assert_int_equal(pn_checkpoint_sign(c, key, &err), 0);
	pn_checkpoint_to_text(c, text);
}

/* The next one after held, as the server makes it: later, more, chained. */
static void
next_one(const struct pn_checkpoint *held, struct pn_checkpoint *c)
{
	*c = *held;
	c->seq = held->seq + 1;
	c->at = held->at + 900;
	pn_checkpoint_digest(held, c->prev);
	c->audit_last += 10;
	c->redeemed += 3;
	c->redeemed_last += 3;
	c->next_serial += 50;
	memset(c->redeemed_hash, 0x44, sizeof(c->redeemed_hash));
}

/* anchor_compare() of held and now (signed here), its words in why. */
static int
compare(const struct pn_checkpoint *held, const char *held_text,
    struct pn_checkpoint *now, char *why, size_t len)
{
	char text[PN_CHECKPOINT_TEXT_MAX];
	struct pn_error err;

	assert_int_equal(pn_checkpoint_sign(now, key, &err), 0);
	pn_checkpoint_to_text(now, text);
	why[0] = '\0';
	return anchor_compare(held, held_text, now, text, why, len);
}

static void
test_same_and_newer(void **state)
{
	struct pn_checkpoint held, now;
	char text[PN_CHECKPOINT_TEXT_MAX], why[400];

	(void)state;
	held_one(&held, text);
	now = held;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 1);
	next_one(&held, &now);
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	/* Some checkpoints later: no chain to check, more of everything. */
	next_one(&held, &now);
	now.seq += 4;
	memset(now.prev, 0x55, sizeof(now.prev));
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 0);
	/* As much, a checkpoint later (nothing happened but audit rows). */
	next_one(&held, &now);
	now.redeemed = held.redeemed;
	now.redeemed_last = held.redeemed_last;
	now.next_serial = held.next_serial;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 0);
}

static void
test_older_or_other(void **state)
{
	struct pn_checkpoint held, now;
	char text[PN_CHECKPOINT_TEXT_MAX], why[400];

	(void)state;
	held_one(&held, text);
	now = held;
	now.seq = 12;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 2);
	assert_string_equal(why, "le serveur a perdu des données : son point "
	    "de contrôle n° 12 est plus ancien que le n° 15 que ce poste a "
	    "reçu");
	now = held;
	now.redeemed = 199;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 2);
	assert_non_null(strstr(why, "n° 15 n'est pas celui que ce poste a "
	    "reçu sous ce numéro"));
}

static void
test_newer_with_less(void **state)
{
	struct pn_checkpoint held, now;
	char text[PN_CHECKPOINT_TEXT_MAX], why[400];

	(void)state;
	held_one(&held, text);
	/* A database put back: the next number, chained, but less in it. */
	next_one(&held, &now);
	now.redeemed = 150;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 2);
	assert_non_null(strstr(why, "son point de contrôle n° 16 compte moins "
	    "que le n° 15 que ce poste a reçu (150 encaissements contre "
	    "200"));
	next_one(&held, &now);
	now.audit_last = 1233;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 2);
	next_one(&held, &now);
	now.redeemed_last = 986;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 2);
	next_one(&held, &now);
	now.next_serial = 5600;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 2);
	/* Much later, still with less. */
	next_one(&held, &now);
	now.seq = 40;
	now.redeemed = 10;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 2);
}

static void
test_broken_chain(void **state)
{
	struct pn_checkpoint held, now;
	char text[PN_CHECKPOINT_TEXT_MAX], why[400];

	(void)state;
	held_one(&held, text);
	next_one(&held, &now);
	now.prev[0] ^= 1;
	assert_int_equal(compare(&held, text, &now, why, sizeof(why)), 2);
	assert_non_null(strstr(why, "n° 16 ne fait pas suite au n° 15"));
}

#define T(fn) cmocka_unit_test(fn)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_same_and_newer),
		T(test_older_or_other),
		T(test_newer_with_less),
		T(test_broken_chain),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
