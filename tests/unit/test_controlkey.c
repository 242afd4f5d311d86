/* test_controlkey.c -- control keys derived from voucher signatures, and typed voucher texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "passnum/controlkey.h"
#include "passnum/passnum.h"

/* The key of a signature of 64 bytes 0x00..0x3f, computed once by hand. */
static void
fixed_signature(uint8_t sig[64])
{
	int i;

	for (i = 0; i < 64; i++)
		sig[i] = (uint8_t)i;
}

static void
test_key_is_derived_from_the_signature(void **state)
{
	uint8_t sig[64], h[8];
	char key[PN_CONTROL_KEY_SIZE], again[PN_CONTROL_KEY_SIZE];
	crypto_generichash_state st;
	uint64_t n = 0;
	char expect[PN_CONTROL_KEY_SIZE];
	int i;

	(void)state;
	fixed_signature(sig);
	pn_control_key(sig, key);
	assert_int_equal(strlen(key), PN_CONTROL_KEY_LEN);
	/* The documented derivation, step by step. */
	crypto_generichash_init(&st, NULL, 0, 8);
	crypto_generichash_update(&st, (const unsigned char *)"PASSNUM-CTRLKEY1",
	    16);
	crypto_generichash_update(&st, sig, 64);
	crypto_generichash_final(&st, h, 8);
	for (i = 0; i < 8; i++)
		n = n << 8 | h[i];
	for (i = 7; i >= 0; i--) {
		expect[i] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"[n % 31];
		n /= 31;
	}
	expect[8] = '\0';
	assert_string_equal(key, expect);
	/* Deterministic, and one bit of the signature changes it. */
	pn_control_key(sig, again);
	assert_string_equal(key, again);
	sig[63] ^= 1;
	pn_control_key(sig, again);
	assert_string_not_equal(key, again);
}

static void
test_keys_use_only_the_alphabet(void **state)
{
	uint8_t sig[64];
	char key[PN_CONTROL_KEY_SIZE];
	unsigned seen[256];
	int i, j;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 20000; i++) {
		randombytes_buf(sig, sizeof(sig));
		pn_control_key(sig, key);
		for (j = 0; j < PN_CONTROL_KEY_LEN; j++) {
			assert_non_null(strchr(PN_CONTROL_KEY_ALPHABET, key[j]));
			seen[(unsigned char)key[j]]++;
		}
	}
	/* Every character comes up, none of the confusable ones ever. */
	for (i = 0; PN_CONTROL_KEY_ALPHABET[i] != '\0'; i++)
		assert_true(seen[(unsigned char)PN_CONTROL_KEY_ALPHABET[i]] >
		    20000 * 8 / 31 / 2);
	assert_int_equal(seen['0'] + seen['1'] + seen['I'] + seen['L'] +
	    seen['O'], 0);
}

static void
test_parse_forgives_case_and_separators(void **state)
{
	char key[PN_CONTROL_KEY_SIZE], text[PN_CONTROL_KEY_TEXT_MAX];

	(void)state;
	assert_int_equal(pn_control_key_parse("k7qm-4xrt", key, NULL),
	    PN_CONTROL_KEY_OK);
	assert_string_equal(key, "K7QM4XRT");
	assert_int_equal(pn_control_key_parse(" K7QM 4XRT\t", key, NULL),
	    PN_CONTROL_KEY_OK);
	assert_string_equal(key, "K7QM4XRT");
	assert_int_equal(pn_control_key_parse("K.7.Q.M.4.X.R.T", key, NULL),
	    PN_CONTROL_KEY_OK);
	pn_control_key_format(key, text);
	assert_string_equal(text, "K7QM-4XRT");
}

static void
test_parse_names_what_is_wrong(void **state)
{
	char key[PN_CONTROL_KEY_SIZE], bad = 0;

	(void)state;
	assert_int_equal(pn_control_key_parse("", key, NULL),
	    PN_CONTROL_KEY_EMPTY);
	assert_int_equal(pn_control_key_parse(" - ", key, NULL),
	    PN_CONTROL_KEY_EMPTY);
	assert_int_equal(pn_control_key_parse("K7QM-4XR", key, NULL),
	    PN_CONTROL_KEY_LENGTH);
	assert_int_equal(pn_control_key_parse("K7QM-4XRTA", key, NULL),
	    PN_CONTROL_KEY_LENGTH);
	assert_int_equal(pn_control_key_parse("K7QM-4XR0", key, &bad),
	    PN_CONTROL_KEY_BAD_CHAR);
	assert_int_equal(bad, '0');
	assert_int_equal(pn_control_key_parse("O7QM-4XRT", key, &bad),
	    PN_CONTROL_KEY_BAD_CHAR);
	assert_int_equal(bad, 'O');
	assert_int_equal(pn_control_key_parse("K7QM-4XRl", key, &bad),
	    PN_CONTROL_KEY_BAD_CHAR);
	assert_int_equal(bad, 'l');
	assert_non_null(strstr(pn_control_key_status_message(
	    PN_CONTROL_KEY_LENGTH), "8 caractères"));
	assert_non_null(strstr(pn_control_key_status_message(
	    PN_CONTROL_KEY_BAD_CHAR), "ni 0"));
}

static void
test_equal_compares_all_characters(void **state)
{
	(void)state;
	assert_true(pn_control_key_equal("K7QM4XRT", "K7QM4XRT"));
	assert_false(pn_control_key_equal("K7QM4XRT", "K7QM4XRS"));
	assert_false(pn_control_key_equal("K7QM4XRT", "A7QM4XRT"));
}

static void
test_typed_text_round_trips(void **state)
{
	char text[PN_TYPED_TEXT_MAX], key[PN_CONTROL_KEY_SIZE];
	uint64_t serial;

	(void)state;
	pn_typed_voucher_format(13, "K7QM4XRT", text);
	assert_string_equal(text, "PNK1:13:K7QM4XRT");
	assert_true(pn_typed_voucher_is(text, strlen(text)));
	assert_int_equal(pn_typed_voucher_parse(text, strlen(text), &serial,
	    key), 0);
	assert_int_equal(serial, 13);
	assert_string_equal(key, "K7QM4XRT");
	pn_typed_voucher_format(INT64_MAX, "ZZZZZZZZ", text);
	assert_int_equal(pn_typed_voucher_parse(text, strlen(text), &serial,
	    key), 0);
	assert_int_equal(serial, (uint64_t)INT64_MAX);
}

static void
test_typed_text_is_strict(void **state)
{
	static const char *const bad[] = {
		"PNK1:0:K7QM4XRT",		/* serial 0 */
		"PNK1:013:K7QM4XRT",		/* leading zero */
		"PNK1::K7QM4XRT",		/* no serial */
		"PNK1:13:k7qm4xrt",		/* not canonical */
		"PNK1:13:K7QM-4XRT",		/* not canonical */
		"PNK1:13:K7QM4XR",		/* short key */
		"PNK1:13:K7QM4XRTT",		/* long key */
		"PNK1:13:K7QM4XR0",		/* outside the alphabet */
		"PNK1:13K7QM4XRT",		/* no colon */
		"PNK1:-13:K7QM4XRT",		/* sign */
		"PNK1:9223372036854775808:K7QM4XRT",	/* past INT64_MAX */
		"PNK1:99999999999999999999:K7QM4XRT",	/* past 2^64 */
		"PNK2:13:K7QM4XRT",		/* another version */
		"PN1:13:K7QM4XRT",
		"",
	};
	char key[PN_CONTROL_KEY_SIZE];
	uint64_t serial;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pn_typed_voucher_parse(bad[i], strlen(bad[i]),
		    &serial, key), -1);
	/* The length given counts: a NUL inside is not the end. */
	assert_int_equal(pn_typed_voucher_parse("PNK1:13:K7QM4XRT\0",
	    17, &serial, key), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_is_derived_from_the_signature),
		cmocka_unit_test(test_keys_use_only_the_alphabet),
		cmocka_unit_test(test_parse_forgives_case_and_separators),
		cmocka_unit_test(test_parse_names_what_is_wrong),
		cmocka_unit_test(test_equal_compares_all_characters),
		cmocka_unit_test(test_typed_text_round_trips),
		cmocka_unit_test(test_typed_text_is_strict),
	};

	if (pn_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
