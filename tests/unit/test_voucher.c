/* test_voucher.c -- the voucher record, its text form, and every verdict. */
#include "testkeys.h"

#include <stdio.h>
#include <stdlib.h>

#include "passnum/base45.h"
#include "passnum/controlkey.h"
#include "passnum/denylist.h"
#include "passnum/reason.h"

struct fixture {
	struct pn_master_key *master;
	struct pn_signing_key *key;	/* kid 1, all programmes */
	struct pn_signing_key *scoped;	/* kid 2, programmes 3 and 9 only */
	struct pn_trust *trust;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pn_cert certs[2];
	uint32_t progs[] = { 3, 9 };

	assert_int_equal(pn_init(), 0);
	f->master = tk_master();
	f->key = tk_signing(1);
	f->scoped = tk_signing(2);
	certs[0] = tk_cert(f->master, f->key, 0, NULL);
	certs[1] = tk_cert(f->master, f->scoped, 2, progs);
	f->trust = tk_trust(f->master, certs, 2);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	pn_trust_free(f->trust);
	pn_signing_key_free(f->scoped);
	pn_signing_key_free(f->key);
	pn_master_key_free(f->master);
	free(f);
	return 0;
}

/* Text form of raw bytes with the PN1: prefix. */
static void
text_of_raw(const uint8_t *raw, size_t n, char *out, size_t cap)
{
	memcpy(out, PN_VOUCHER_PREFIX, PN_VOUCHER_PREFIX_LEN);
	assert_true(pn_base45_encode(raw, n, out + PN_VOUCHER_PREFIX_LEN,
	    cap - PN_VOUCHER_PREFIX_LEN) >= 0);
}

static enum pn_reason
check(const struct fixture *f, const char *text, const struct pn_denylist *d,
    int64_t at)
{
	return pn_voucher_check_text(text, strlen(text), f->trust, d, at, NULL);
}

/* Field by field (a struct's padding bytes are not compared). */
static bool
same_voucher(const struct pn_voucher *a, const struct pn_voucher *b)
{
	uint8_t ra[PN_VOUCHER_SIZE], rb[PN_VOUCHER_SIZE];

	pn_voucher_pack(a, ra);
	pn_voucher_pack(b, rb);
	return memcmp(ra, rb, sizeof(ra)) == 0;
}

static void
test_layout(void **state)
{
	struct pn_voucher v = {
		.format = 1, .kid = 0x0102, .programme = 0x03040506,
		.serial = 0x0708090a0b0c0d0eULL, .value_cents = 0x0f101112,
		.reserved = 0, .issued_at = 0x14151617,
		.expires_at = 0x18191a1b,
	};
	static const uint8_t want[28] = {
		1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
		0x0f, 0x10, 0x11, 0x12, 0, 0x14, 0x15, 0x16, 0x17,
		0x18, 0x19, 0x1a, 0x1b,
	};
	uint8_t raw[PN_VOUCHER_SIZE];
	struct pn_voucher back;

	(void)state;
	memset(v.signature, 0xab, sizeof(v.signature));
	pn_voucher_pack(&v, raw);
	assert_memory_equal(raw, want, sizeof(want));
	assert_int_equal(raw[28], 0xab);
	assert_int_equal(raw[91], 0xab);
	assert_int_equal(pn_voucher_unpack(raw, sizeof(raw), &back), PN_R_OK);
	assert_memory_equal(&back.serial, &v.serial, sizeof(v.serial));
	assert_int_equal(back.kid, v.kid);
	assert_int_equal(back.programme, v.programme);
	assert_int_equal(back.value_cents, v.value_cents);
	assert_int_equal(back.issued_at, v.issued_at);
	assert_int_equal(back.expires_at, v.expires_at);
}

static void
test_text_round_trip(void **state)
{
	struct fixture *f = *state;
	char text[PN_VOUCHER_TEXT_LEN + 1];
	struct pn_voucher v, back;
	uint64_t serial;

	for (serial = 1; serial < 200; serial += 7) {
		v = tk_voucher(f->key, serial * 1000003);
		pn_voucher_to_text(&v, text);
		assert_int_equal(strlen(text), PN_VOUCHER_TEXT_LEN);
		assert_memory_equal(text, "PN1:", 4);
		assert_int_equal(pn_voucher_check_text(text, strlen(text),
		    f->trust, NULL, T_VALID, &back), PN_R_OK);
		assert_true(same_voucher(&back, &v));
	}
}

/* Every one of the 736 single-bit flips of a signed voucher is refused. */
static void
test_every_bit_flip_rejected(void **state)
{
	struct fixture *f = *state;
	struct pn_voucher v = tk_voucher(f->key, 424242);
	char text[PN_VOUCHER_TEXT_LEN + 1];
	uint8_t raw[PN_VOUCHER_SIZE];
	unsigned bit, rejected = 0;

	pn_voucher_pack(&v, raw);
	text_of_raw(raw, sizeof(raw), text, sizeof(text));
	assert_int_equal(check(f, text, NULL, T_VALID), PN_R_OK);
	for (bit = 0; bit < 8 * PN_VOUCHER_SIZE; bit++) {
		raw[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		text_of_raw(raw, sizeof(raw), text, sizeof(text));
		if (check(f, text, NULL, T_VALID) != PN_R_OK)
			rejected++;
		else
			fail_msg("flip of bit %u accepted", bit);
		raw[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_int_equal(rejected, 736);
}

static void
test_malformed_texts(void **state)
{
	struct fixture *f = *state;
	struct pn_voucher v = tk_voucher(f->key, 77);
	char text[PN_VOUCHER_TEXT_LEN + 1], buf[256];
	uint8_t raw[PN_VOUCHER_SIZE + 1];
	enum pn_reason r;
	size_t i;

	pn_voucher_to_text(&v, text);
	assert_int_equal(check(f, "", NULL, T_VALID), PN_R_EMPTY);
	assert_int_equal(check(f, "PN", NULL, T_VALID), PN_R_PREFIX);
	assert_int_equal(check(f, "http://example.org/", NULL, T_VALID),
	    PN_R_PREFIX);
	memcpy(buf, text, sizeof(text));
	buf[2] = '2';			/* PN2: a future format */
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_PREFIX);

	/* Lower case, as a keyboard-wedge scanner with Caps Lock sends it. */
	for (i = 0; i < sizeof(text); i++)
		buf[i] = (text[i] >= 'A' && text[i] <= 'Z') ?
		    (char)(text[i] - 'A' + 'a') : text[i];
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_LOWERCASE);

	/*
	 * Truncated by one character, the last triple becomes a pair: too
	 * short, or out of range when its value exceeds 255. By two: an
	 * impossible Base45 length. By three: a whole group, 90 bytes.
	 */
	memcpy(buf, text, sizeof(text));
	buf[PN_VOUCHER_TEXT_LEN - 1] = '\0';
	r = check(f, buf, NULL, T_VALID);
	assert_true(r == PN_R_TOO_SHORT || r == PN_R_BASE45_VALUE);
	buf[PN_VOUCHER_TEXT_LEN - 2] = '\0';
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_BASE45_LENGTH);
	buf[PN_VOUCHER_TEXT_LEN - 3] = '\0';
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_TOO_SHORT);
	assert_int_equal(check(f, "PN1:", NULL, T_VALID), PN_R_TOO_SHORT);

	/* One byte too long. */
	pn_voucher_pack(&v, raw);
	raw[PN_VOUCHER_SIZE] = 0;
	text_of_raw(raw, sizeof(raw), buf, sizeof(buf));
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_TOO_LONG);

	/* A character outside Base45, and a triple above 65535. */
	memcpy(buf, text, sizeof(text));
	buf[40] = '#';
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_BASE45_CHAR);
	buf[40] = '\n';
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_BASE45_CHAR);
	memcpy(buf, text, sizeof(text));
	memcpy(buf + 4, ":::", 3);
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_BASE45_VALUE);

	/* Unknown format and a non-zero reserved byte. */
	pn_voucher_pack(&v, raw);
	raw[0] = 2;
	text_of_raw(raw, PN_VOUCHER_SIZE, buf, sizeof(buf));
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_FORMAT);
	raw[0] = 1;
	raw[19] = 1;
	text_of_raw(raw, PN_VOUCHER_SIZE, buf, sizeof(buf));
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_RESERVED);

	/* Not NUL-terminated: only len bytes are read. */
	memcpy(buf, text, PN_VOUCHER_TEXT_LEN);
	buf[PN_VOUCHER_TEXT_LEN] = 'X';
	assert_int_equal(pn_voucher_check_text(buf, PN_VOUCHER_TEXT_LEN,
	    f->trust, NULL, T_VALID, NULL), PN_R_OK);
}

/* Sign v's fields as given (bypassing tk_voucher's defaults). */
static void
text_signed(const struct pn_signing_key *k, struct pn_voucher *v, char *text)
{
	assert_int_equal(pn_voucher_sign(v, k), 0);
	pn_voucher_to_text(v, text);
}

/*
 * Each reason is provoked here; the table of seen reasons is compared with
 * the list of all reasons at the end, so a new reason without a test fails.
 */
static void
test_every_reason(void **state)
{
	struct fixture *f = *state;
	bool seen[128] = { false };
	char text[PN_VOUCHER_TEXT_LEN + 1], buf[256];
	struct pn_voucher v, w;
	struct pn_denylist *deny;
	struct pn_signing_key *rogue, *k3;
	struct pn_master_key *other;
	struct pn_cert c3;
	struct pn_trust *t;
	uint8_t raw[PN_VOUCHER_SIZE + 1];
	unsigned i;

#define SEE(expr, want) do {						\
	enum pn_reason got_ = (expr);					\
	assert_int_equal(got_, want);					\
	seen[got_] = true;						\
} while (0)

	v = tk_voucher(f->key, 1001);
	pn_voucher_to_text(&v, text);
	SEE(check(f, text, NULL, T_VALID), PN_R_OK);
	SEE(check(f, "", NULL, T_VALID), PN_R_EMPTY);
	SEE(check(f, "XN1:AAA", NULL, T_VALID), PN_R_PREFIX);
	SEE(check(f, "pn1:abc", NULL, T_VALID), PN_R_LOWERCASE);
	SEE(check(f, "PN1:AB#", NULL, T_VALID), PN_R_BASE45_CHAR);
	SEE(check(f, "PN1:ABCD", NULL, T_VALID), PN_R_BASE45_LENGTH);
	SEE(check(f, "PN1:::::::", NULL, T_VALID), PN_R_BASE45_VALUE);
	SEE(check(f, "PN1:BB8", NULL, T_VALID), PN_R_TOO_SHORT);
	pn_voucher_pack(&v, raw);
	raw[PN_VOUCHER_SIZE] = 0x55;
	text_of_raw(raw, PN_VOUCHER_SIZE + 1, buf, sizeof(buf));
	SEE(check(f, buf, NULL, T_VALID), PN_R_TOO_LONG);
	raw[0] = 0;
	text_of_raw(raw, PN_VOUCHER_SIZE, buf, sizeof(buf));
	SEE(check(f, buf, NULL, T_VALID), PN_R_FORMAT);
	raw[0] = 1;
	raw[19] = 0x80;
	text_of_raw(raw, PN_VOUCHER_SIZE, buf, sizeof(buf));
	SEE(check(f, buf, NULL, T_VALID), PN_R_RESERVED);

	/* Keys: unknown kid, revoked kid, a key the bundle does not certify. */
	k3 = tk_signing(3);
	w = tk_voucher(k3, 1002);
	pn_voucher_to_text(&w, buf);
	SEE(check(f, buf, NULL, T_VALID), PN_R_UNKNOWN_KID);
	c3 = tk_cert(f->master, k3, 0, NULL);
	t = tk_trust(f->master, &c3, 1);
	assert_int_equal(pn_trust_revoke(t, 3, NULL), 0);
	SEE(pn_voucher_check_text(buf, strlen(buf), t, NULL, T_VALID, NULL),
	    PN_R_REVOKED_KID);
	/* Revoked but absent from the certificates: still "revoked". */
	assert_int_equal(pn_trust_revoke(f->trust, 9, NULL), 0);
	rogue = tk_signing(9);
	w = tk_voucher(rogue, 1003);
	pn_voucher_to_text(&w, buf);
	SEE(check(f, buf, NULL, T_VALID), PN_R_REVOKED_KID);
	pn_signing_key_free(rogue);
	/* A different key claiming kid 1: the signature does not verify. */
	{
		uint8_t seed[32];

		memset(seed, 0x66, sizeof(seed));
		rogue = pn_signing_key_from_seed(1, seed, NULL);
		assert_non_null(rogue);
	}
	w = tk_voucher(rogue, 1004);
	pn_voucher_to_text(&w, buf);
	SEE(check(f, buf, NULL, T_VALID), PN_R_SIGNATURE);
	pn_signing_key_free(rogue);
	/* A key certified by another master: the pinned bundle has no such key. */
	other = tk_master_with(0x99);
	pn_trust_free(t);
	c3 = tk_cert(other, k3, 0, NULL);
	t = tk_trust(other, &c3, 1);
	w = tk_voucher(k3, 1005);
	pn_voucher_to_text(&w, buf);
	assert_int_equal(pn_voucher_check_text(buf, strlen(buf), t, NULL,
	    T_VALID, NULL), PN_R_OK);	/* fine for a holder of *that* bundle */
	SEE(check(f, buf, NULL, T_VALID), PN_R_UNKNOWN_KID);
	pn_trust_free(t);
	pn_master_key_free(other);
	pn_signing_key_free(k3);

	/* Fields. */
	w = tk_voucher(f->key, 1006);
	w.issued_at = T_2026 - 1;	/* before the key's window */
	text_signed(f->key, &w, buf);
	SEE(check(f, buf, NULL, T_VALID), PN_R_ISSUED_OUTSIDE_KEY);
	w.issued_at = T_2027 + 1;	/* after sign_until */
	text_signed(f->key, &w, buf);
	SEE(check(f, buf, NULL, T_2027 + 2), PN_R_ISSUED_OUTSIDE_KEY);
	w = tk_voucher(f->key, 1007);
	w.expires_at = w.issued_at - 1;
	text_signed(f->key, &w, buf);
	SEE(check(f, buf, NULL, T_VALID), PN_R_BAD_DATES);
	/* Not yet valid beyond the clock skew, fine within it. */
	w = tk_voucher(f->key, 1008);
	pn_voucher_to_text(&w, buf);
	SEE(check(f, buf, NULL, (int64_t)w.issued_at - PN_VOUCHER_CLOCK_SKEW
	    - 1), PN_R_NOT_YET_VALID);
	assert_int_equal(check(f, buf, NULL, (int64_t)w.issued_at -
	    PN_VOUCHER_CLOCK_SKEW), PN_R_OK);
	/* Expired: valid on its last second, refused the second after. */
	assert_int_equal(check(f, buf, NULL, w.expires_at), PN_R_OK);
	SEE(check(f, buf, NULL, (int64_t)w.expires_at + 1), PN_R_EXPIRED);
	/* Voucher still valid but its key no longer verifies. */
	w.expires_at = T_2027_07 + 10 * DAY;
	text_signed(f->key, &w, buf);
	assert_int_equal(check(f, buf, NULL, T_2027_07), PN_R_OK);
	SEE(check(f, buf, NULL, T_2027_07 + 1), PN_R_KEY_EXPIRED);
	/* Programme outside the scoped key's list; inside it is fine. */
	w = tk_voucher(f->scoped, 1009);
	pn_voucher_to_text(&w, buf);
	SEE(check(f, buf, NULL, T_VALID), PN_R_PROGRAMME);
	w.programme = 9;
	text_signed(f->scoped, &w, buf);
	assert_int_equal(check(f, buf, NULL, T_VALID), PN_R_OK);

	/* Deny list. */
	deny = pn_denylist_new();
	assert_non_null(deny);
	assert_int_equal(pn_denylist_add(deny, 2001, T_2027, PN_DENY_CANCELLED,
	    NULL), 0);
	assert_int_equal(pn_denylist_add(deny, 2002, T_2027, PN_DENY_REDEEMED,
	    NULL), 0);
	w = tk_voucher(f->key, 2001);
	pn_voucher_to_text(&w, buf);
	SEE(check(f, buf, deny, T_VALID), PN_R_CANCELLED);
	w = tk_voucher(f->key, 2002);
	pn_voucher_to_text(&w, buf);
	SEE(check(f, buf, deny, T_VALID), PN_R_REDEEMED);
	w = tk_voucher(f->key, 2003);
	pn_voucher_to_text(&w, buf);
	assert_int_equal(check(f, buf, deny, T_VALID), PN_R_OK);
	pn_denylist_free(deny);

	for (i = 0; i < pn_reasons_count; i++)
		if (!seen[pn_reasons_all[i]])
			fail_msg("reason %d (%s) was never provoked",
			    pn_reasons_all[i],
			    pn_reason_name(pn_reasons_all[i]));
#undef SEE
}

/* The signature is checked before any field: a forged expiry is "forged". */
static void
test_signature_before_fields(void **state)
{
	struct fixture *f = *state;
	struct pn_voucher v = tk_voucher(f->key, 5);
	char text[PN_VOUCHER_TEXT_LEN + 1];

	v.expires_at = 0;		/* changed after signing */
	pn_voucher_to_text(&v, text);
	assert_int_equal(check(f, text, NULL, T_VALID), PN_R_SIGNATURE);
	v = tk_voucher(f->key, 5);
	v.programme = 99999;
	pn_voucher_to_text(&v, text);
	assert_int_equal(check(f, text, NULL, T_VALID), PN_R_SIGNATURE);
}

static void
test_reason_table(void **state)
{
	unsigned i, j;

	(void)state;
	assert_int_equal(pn_reasons_all[0], PN_R_OK);
	for (i = 0; i < pn_reasons_count; i++) {
		enum pn_reason r = pn_reasons_all[i];

		assert_true(strlen(pn_reason_message(r, PN_LANG_FR)) > 5);
		assert_true(strlen(pn_reason_message(r, PN_LANG_EN)) > 5);
		assert_string_not_equal(pn_reason_name(r), "unknown");
		assert_int_equal(pn_reason_class(r) == PN_RC_VALID,
		    r == PN_R_OK);
		for (j = 0; j < i; j++) {
			assert_true(pn_reasons_all[j] < r);
			assert_string_not_equal(pn_reason_name(pn_reasons_all[j]),
			    pn_reason_name(r));
		}
	}
	/* Stable numbers: these are printed and quoted; never renumber. */
	assert_int_equal(PN_R_SIGNATURE, 30);
	assert_int_equal(PN_R_EXPIRED, 43);
	assert_int_equal(PN_R_REDEEMED, 51);
	assert_string_equal(pn_reason_message(PN_R_SIGNATURE, PN_LANG_FR),
	    "chèque falsifié (signature invalide)");
	assert_string_equal(pn_reason_name((enum pn_reason)99), "unknown");
}

/* The worked example of docs/voucher-format.md, byte for byte. */
static void
test_worked_example(void **state)
{
	static const char want_text[] = "PN1:V50V50000$*0000000WA0448300$ET:"
	    "FDG00$PD$TPOWO1RMM4IW%O71OD+R%342B84H5R.9A$K.3TSOTE4H$TAXPC9K9F."
	    "TG99SNI1+S:ROJIJ$%G:HUJUM4F8AFNPUS*0PCK1U:K";
	static const uint8_t want_head[28] = {
		0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x01, 0xe2, 0x40, 0x00, 0x00, 0x03, 0xe8, 0x00,
		0x69, 0xa4, 0x00, 0x10, 0x6b, 0x5f, 0xca, 0xff,
	};
	struct fixture *f = *state;
	struct pn_voucher v;
	uint8_t raw[PN_VOUCHER_SIZE];
	char text[PN_VOUCHER_TEXT_LEN + 1], key[PN_CONTROL_KEY_SIZE];
	char printed[PN_CONTROL_KEY_TEXT_MAX], typed[PN_TYPED_TEXT_MAX];

	memset(&v, 0, sizeof(v));
	v.programme = 7;
	v.serial = 123456;
	v.value_cents = 1000;
	v.issued_at = 1772355600;	/* 2026-03-01T09:00:00Z */
	v.expires_at = 1801439999;	/* 2027-01-31T23:59:59Z */
	assert_int_equal(pn_voucher_sign(&v, f->key), 0);
	pn_voucher_pack(&v, raw);
	assert_memory_equal(raw, want_head, sizeof(want_head));
	assert_int_equal(raw[28], 0xc3);	/* signature starts c390b2c6 */
	assert_int_equal(raw[29], 0x90);
	assert_int_equal(raw[91], 0x0e);	/* ... and ends 79a60e */
	pn_voucher_to_text(&v, text);
	assert_string_equal(text, want_text);
	assert_int_equal(sizeof(want_text) - 1, PN_VOUCHER_TEXT_LEN);
	/* Its control key, and the record text of the voucher typed. */
	pn_control_key(v.signature, key);
	pn_control_key_format(key, printed);
	pn_typed_voucher_format(v.serial, key, typed);
	assert_string_equal(printed, "V4AC-3BDZ");
	assert_string_equal(typed, "PNK1:123456:V4AC3BDZ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_text_round_trip),
		cmocka_unit_test(test_every_bit_flip_rejected),
		cmocka_unit_test(test_malformed_texts),
		cmocka_unit_test(test_every_reason),
		cmocka_unit_test(test_signature_before_fields),
		cmocka_unit_test(test_reason_table),
		cmocka_unit_test(test_worked_example),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
