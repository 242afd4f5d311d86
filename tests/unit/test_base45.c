/* test_base45.c -- Base45 against RFC 9285, round trips, and every refusal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "passnum/base45.h"

#define ALPHABET	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
#define CANARY		0xA5

/* xorshift64: a fixed-seed generator, so that a failure reproduces. */
static uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* Encode n bytes and check the text and its length against want. */
static void
check_encode(const char *bytes, size_t n, const char *want)
{
	char out[64];
	long r;

	assert_true(strlen(want) < sizeof(out));
	r = pn_base45_encode((const uint8_t *)bytes, n, out, sizeof(out));
	assert_int_equal(r, (long)strlen(want));
	assert_int_equal(pn_base45_encoded_len(n), strlen(want));
	assert_string_equal(out, want);
}

/* Decode text and check the bytes against want (n bytes). */
static void
check_decode(const char *text, const char *want, size_t n)
{
	uint8_t out[64];
	size_t outlen = 12345, where = 12345;

	memset(out, CANARY, sizeof(out));
	assert_int_equal(pn_base45_decode(text, strlen(text), out,
	    sizeof(out), &outlen, &where), PN_B45_OK);
	assert_int_equal(outlen, n);
	assert_memory_equal(out, want, n);
	/* Nothing written past the decoded bytes. */
	assert_int_equal(out[n], CANARY);
}

/* Decode text, expect status st at offset where. */
static void
check_refused(const char *text, size_t n, enum pn_base45_status st,
    size_t want_where)
{
	uint8_t out[64];
	size_t where = 12345, outlen = 12345;

	assert_int_equal(pn_base45_decode(text, n, out, sizeof(out), &outlen,
	    &where), st);
	assert_int_equal(where, want_where);
	/* where and outlen may be NULL. */
	assert_int_equal(pn_base45_decode(text, n, out, sizeof(out), NULL,
	    NULL), st);
}

static void
test_rfc9285_examples(void **state)
{
	(void)state;
	check_encode("AB", 2, "BB8");
	check_encode("Hello!!", 7, "%69 VD92EX0");
	check_encode("base-45", 7, "UJCLQE7W581");
	check_encode("ietf!", 5, "QED8WEX0");

	check_decode("BB8", "AB", 2);
	check_decode("%69 VD92EX0", "Hello!!", 7);
	check_decode("UJCLQE7W581", "base-45", 7);
	check_decode("QED8WEX0", "ietf!", 5);
}

static void
test_empty(void **state)
{
	char text[4];
	uint8_t out[4];
	size_t outlen = 12345, where = 12345;

	(void)state;
	assert_int_equal(pn_base45_encoded_len(0), 0);
	memset(text, 'x', sizeof(text));
	assert_int_equal(pn_base45_encode((const uint8_t *)"", 0, text,
	    sizeof(text)), 0);
	assert_string_equal(text, "");
	/* Even the empty text needs room for its NUL. */
	assert_int_equal(pn_base45_encode((const uint8_t *)"", 0, text, 0), -1);

	memset(out, CANARY, sizeof(out));
	assert_int_equal(pn_base45_decode("", 0, out, sizeof(out), &outlen,
	    &where), PN_B45_OK);
	assert_int_equal(outlen, 0);
	assert_int_equal(out[0], CANARY);
	assert_int_equal(pn_base45_decode("", 0, out, 0, &outlen, NULL),
	    PN_B45_OK);
	assert_int_equal(outlen, 0);
}

static void
test_round_trip_random(void **state)
{
	uint8_t in[300], back[300 + 1];
	char text[450 + 1 + 1];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	size_t n, i, outlen, where, rounds = 0;
	int k;
	long r;

	(void)state;
	for (n = 0; n <= sizeof(in); n++) {
		for (k = 0; k < 8; k++) {
			for (i = 0; i < n; i++)
				in[i] = (uint8_t)xorshift64(&seed);
			/* Make the extremes appear at every length. */
			if (k == 0)
				memset(in, 0x00, n);
			else if (k == 1)
				memset(in, 0xff, n);

			memset(text, 'x', sizeof(text));
			r = pn_base45_encode(in, n, text, sizeof(text));
			assert_true(r >= 0);
			assert_int_equal((size_t)r, pn_base45_encoded_len(n));
			assert_int_equal((size_t)r, n / 2 * 3 + n % 2 * 2);
			assert_int_equal(text[r], '\0');
			assert_int_equal(strlen(text), (size_t)r);
			assert_int_equal(strspn(text, ALPHABET), (size_t)r);

			/* Exactly the room needed is enough. */
			memset(back, CANARY, sizeof(back));
			outlen = 12345;
			assert_int_equal(pn_base45_decode(text, (size_t)r,
			    back, n, &outlen, &where), PN_B45_OK);
			assert_int_equal(outlen, n);
			assert_memory_equal(back, in, n);
			assert_int_equal(back[n], CANARY);
			rounds++;
		}
	}
	assert_int_equal(rounds, 301 * 8);
}

static void
test_alphabet_order(void **state)
{
	static const char alphabet[] = ALPHABET;
	char text[4], want[3];
	uint8_t b, out[2];
	size_t outlen;

	(void)state;
	/* A byte v < 45 encodes as its character, then '0' (RFC 9285, 4). */
	for (b = 0; b < 45; b++) {
		assert_int_equal(pn_base45_encode(&b, 1, text, sizeof(text)),
		    2);
		want[0] = alphabet[b];
		want[1] = '0';
		want[2] = '\0';
		assert_string_equal(text, want);
		outlen = 0;
		assert_int_equal(pn_base45_decode(want, 2, out, sizeof(out),
		    &outlen, NULL), PN_B45_OK);
		assert_int_equal(outlen, 1);
		assert_int_equal(out[0], b);
	}
}

static void
test_bad_char(void **state)
{
	char hi[] = "BB8\x80" "B8";
	char ff[] = "\xff" "B8";

	(void)state;
	/* Lowercase is not Base45, even though it looks like the alphabet. */
	check_refused("BB8bB8", 6, PN_B45_BAD_CHAR, 3);
	check_refused("a", 1, PN_B45_BAD_CHAR, 0);
	check_refused("BB#", 3, PN_B45_BAD_CHAR, 2);
	check_refused(hi, 6, PN_B45_BAD_CHAR, 3);
	check_refused(ff, 3, PN_B45_BAD_CHAR, 0);
	/* An embedded NUL within n is a character like any other. */
	check_refused("BB8\0B8", 6, PN_B45_BAD_CHAR, 3);
	/* The alphabet is checked before the length: the first bad one. */
	check_refused("BB8B#", 5, PN_B45_BAD_CHAR, 4);
	check_refused("::a:", 4, PN_B45_BAD_CHAR, 2);
}

static void
test_bad_length(void **state)
{
	(void)state;
	check_refused("B", 1, PN_B45_BAD_LENGTH, 0);
	check_refused("BB8B", 4, PN_B45_BAD_LENGTH, 3);
	check_refused("%69 VD92EX0BB", 13, PN_B45_BAD_LENGTH, 12);
	/* The length is checked before the value of the groups. */
	check_refused(":::B", 4, PN_B45_BAD_LENGTH, 3);
}

static void
test_overflow(void **state)
{
	(void)state;
	/* 44 + 44 * 45 + 44 * 2025 = 91124 > 65535. */
	check_refused(":::", 3, PN_B45_OVERFLOW, 0);
	check_refused("BB8:::", 6, PN_B45_OVERFLOW, 3);
	check_refused("BB8BB8:::BB8", 12, PN_B45_OVERFLOW, 6);
	/* 65535 = 15 + 16 * 45 + 32 * 2025 is the largest triple. */
	check_decode("FGW", "\xff\xff", 2);
	/* 65536 = 16 + 16 * 45 + 32 * 2025 is one too many. */
	check_refused("GGW", 3, PN_B45_OVERFLOW, 0);
	/* Final pair: 44 + 44 * 45 = 2024 > 255; 255 = 30 + 5 * 45. */
	check_refused("::", 2, PN_B45_OVERFLOW, 0);
	check_refused("BB8::", 5, PN_B45_OVERFLOW, 3);
	check_decode("U5", "\xff", 1);
	check_decode("FGWU5", "\xff\xff\xff", 3);
	/* 256 = 31 + 5 * 45. */
	check_refused("V5", 2, PN_B45_OVERFLOW, 0);
	/* The first group in error is the one reported. */
	check_refused("BB8:::GGW", 9, PN_B45_OVERFLOW, 3);
}

static void
test_nospace(void **state)
{
	static const char text[] = "%69 VD92EX0";	/* "Hello!!" */
	uint8_t out[16];
	size_t cap, outlen, where, i;

	(void)state;
	for (cap = 0; cap < 7; cap++) {
		memset(out, CANARY, sizeof(out));
		outlen = 12345;
		assert_int_equal(pn_base45_decode(text, strlen(text), out, cap,
		    &outlen, &where), PN_B45_NOSPACE);
		assert_int_equal(outlen, 7);
		assert_memory_equal(out, "Hello!!", cap);
		for (i = cap; i < sizeof(out); i++)
			assert_int_equal(out[i], CANARY);
	}
	/* An invalid group is still found past the end of the room. */
	assert_int_equal(pn_base45_decode("BB8:::", 6, out, 1, &outlen,
	    &where), PN_B45_OVERFLOW);
	assert_int_equal(where, 3);
}

static void
test_encode_too_small(void **state)
{
	char out[16];
	size_t i;

	(void)state;
	/* "Hello!!" needs 11 characters and a NUL: 11 bytes are refused. */
	memset(out, 'x', sizeof(out));
	assert_int_equal(pn_base45_encode((const uint8_t *)"Hello!!", 7, out,
	    11), -1);
	for (i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 'x');
	assert_int_equal(pn_base45_encode((const uint8_t *)"AB", 2, out, 3),
	    -1);
	assert_int_equal(out[0], 'x');
	assert_int_equal(pn_base45_encode((const uint8_t *)"AB", 2, out, 4), 3);
	assert_string_equal(out, "BB8");
	assert_int_equal(out[4], 'x');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9285_examples),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_alphabet_order),
		cmocka_unit_test(test_round_trip_random),
		cmocka_unit_test(test_bad_char),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_nospace),
		cmocka_unit_test(test_encode_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
