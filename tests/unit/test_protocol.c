/* test_protocol.c -- what a terminal and the server sign for each other: requests, records, receipts. */
#include "testkeys.h"

#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "passnum/receipt.h"
#include "passnum/redemption.h"
#include "passnum/request.h"

static const char body[] = "{\"session\":\"00\"}";
static const char nonce[] = "000102030405060708090a0b0c0d0e0f";

static void
device_key(uint8_t pk[32], uint8_t sk[64])
{
	uint8_t seed[32];

	memset(seed, 0x5a, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
}

/* A request signed once verifies once: any other method, path, time, nonce, body or key fails. */
static void
test_request(void **state)
{
	uint8_t pk[32], sk[64], other_pk[32], other_sk[64], sig[64];

	(void)state;
	device_key(pk, sk);
	crypto_sign_keypair(other_pk, other_sk);
	assert_int_equal(pn_request_sign(sig, sk, "POST", "/api/v1/sessions",
	    T_2026, nonce, body, strlen(body)), 0);
	assert_true(pn_request_verify(sig, pk, "POST", "/api/v1/sessions",
	    T_2026, nonce, body, strlen(body)));
	assert_false(pn_request_verify(sig, pk, "GET", "/api/v1/sessions",
	    T_2026, nonce, body, strlen(body)));
	assert_false(pn_request_verify(sig, pk, "POST", "/api/v1/redemptions",
	    T_2026, nonce, body, strlen(body)));
	assert_false(pn_request_verify(sig, pk, "POST", "/api/v1/sessions",
	    T_2026 + 1, nonce, body, strlen(body)));
	assert_false(pn_request_verify(sig, pk, "POST", "/api/v1/sessions",
	    T_2026, "100102030405060708090a0b0c0d0e0f", body, strlen(body)));
	assert_false(pn_request_verify(sig, pk, "POST", "/api/v1/sessions",
	    T_2026, nonce, body, strlen(body) - 1));
	assert_false(pn_request_verify(sig, other_pk, "POST",
	    "/api/v1/sessions", T_2026, nonce, body, strlen(body)));
	/* An empty body (a GET) signs the hash of nothing. */
	assert_int_equal(pn_request_sign(sig, sk, "GET", "/api/v1/terminal",
	    T_2026, nonce, NULL, 0), 0);
	assert_true(pn_request_verify(sig, pk, "GET", "/api/v1/terminal",
	    T_2026, nonce, "", 0));
	/* The separator cannot be smuggled: a path with a newline differs. */
	assert_false(pn_request_verify(sig, pk, "GET", "/api/v1/terminal\n",
	    T_2026, nonce, "", 0));
}

static void
test_hex(void **state)
{
	uint8_t out[4];
	char text[9];

	(void)state;
	assert_true(pn_hex_decode("00ff10ab", out, 4));
	assert_int_equal(out[1], 0xff);
	pn_hex_encode(out, 4, text);
	assert_string_equal(text, "00ff10ab");
	assert_false(pn_hex_decode("00FF10AB", out, 4));	/* lowercase only */
	assert_false(pn_hex_decode("00ff10a", out, 4));
	assert_false(pn_hex_decode("00ff10abc", out, 4));
	assert_false(pn_hex_decode("00ff10ag", out, 4));
	assert_false(pn_hex_decode(NULL, out, 4));
}

static struct pn_redemption
record(const uint8_t sk[64])
{
	struct pn_redemption r;

	memset(&r, 0, sizeof(r));
	memset(r.id, 0x11, sizeof(r.id));
	r.terminal = 7;
	memset(r.session, 0x22, sizeof(r.session));
	r.terminal_time = T_2026;
	r.counter = 41;
	(void)snprintf(r.voucher, sizeof(r.voucher), "PN1:ABC");
	assert_int_equal(pn_redemption_sign(&r, sk), 0);
	return r;
}

/* A record survives its JSON form, and every signed field is signed. */
static void
test_record(void **state)
{
	uint8_t pk[32], sk[64];
	struct pn_redemption r, back, bad;
	struct pn_error err;
	json_t *j;

	(void)state;
	device_key(pk, sk);
	r = record(sk);
	assert_true(pn_redemption_verify(&r, pk));
	assert_non_null(j = pn_redemption_to_json(&r));
	assert_int_equal(pn_redemption_from_json(j, &back, &err), 0);
	assert_memory_equal(&r, &back, sizeof(r));
	assert_true(pn_redemption_verify(&back, pk));
	json_decref(j);

	bad = r; bad.id[15] ^= 1;
	assert_false(pn_redemption_verify(&bad, pk));
	bad = r; bad.terminal = 8;
	assert_false(pn_redemption_verify(&bad, pk));
	bad = r; bad.session[0] ^= 1;
	assert_false(pn_redemption_verify(&bad, pk));
	bad = r; bad.terminal_time++;
	assert_false(pn_redemption_verify(&bad, pk));
	bad = r; bad.counter++;
	assert_false(pn_redemption_verify(&bad, pk));
	bad = r; bad.voucher[6] = 'D';
	assert_false(pn_redemption_verify(&bad, pk));
	bad = r; bad.voucher[7] = 'D';		/* longer text */
	assert_false(pn_redemption_verify(&bad, pk));
}

/* Each malformed record names its field. */
static void
test_record_json_errors(void **state)
{
	static const struct {
		const char *json;
		const char *message;
	} cases[] = {
		{ "[]", "a record must be a JSON object" },
		{ "{}", "redemption_id: missing" },
		{ "{\"redemption_id\":\"11\"}", "redemption_id: 32 lowercase" },
		{ "{\"redemption_id\":\"11111111111111111111111111111111\","
		  "\"terminal\":0}", "terminal: an integer of at least 1" },
		{ "{\"redemption_id\":\"11111111111111111111111111111111\","
		  "\"terminal\":\"7\"}", "terminal: an integer" },
		{ "{\"redemption_id\":\"11111111111111111111111111111111\","
		  "\"terminal\":7,\"session\":\"zz\"}", "session: 32" },
		{ "{\"redemption_id\":\"11111111111111111111111111111111\","
		  "\"terminal\":7,\"session\":\"22222222222222222222222222222222\","
		  "\"terminal_time\":-1}", "terminal_time: an integer of at least 0" },
		{ "{\"redemption_id\":\"11111111111111111111111111111111\","
		  "\"terminal\":7,\"session\":\"22222222222222222222222222222222\","
		  "\"terminal_time\":1,\"counter\":1,\"signature\":\"00\"}",
		  "signature: 128 lowercase" },
		{ "{\"extra\":1}", "extra: not a field of a redemption record" },
	};
	struct pn_redemption r;
	struct pn_error err;
	json_t *j;
	size_t i;
	char full[1024], sig[129];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(j = json_loads(cases[i].json, 0, NULL));
		assert_int_equal(pn_redemption_from_json(j, &r, &err), -1);
		if (strstr(err.message, cases[i].message) == NULL)
			fail_msg("%s: got '%s'", cases[i].json, err.message);
		json_decref(j);
	}
	/* The voucher: missing, not a string, empty, too long. */
	memset(sig, '0', 128);
	sig[128] = '\0';
	(void)snprintf(full, sizeof(full), "{\"redemption_id\":"
	    "\"11111111111111111111111111111111\",\"terminal\":7,\"session\":"
	    "\"22222222222222222222222222222222\",\"terminal_time\":1,"
	    "\"counter\":1,\"signature\":\"%s\"}", sig);
	assert_non_null(j = json_loads(full, 0, NULL));
	assert_int_equal(pn_redemption_from_json(j, &r, &err), -1);
	assert_string_equal(err.message, "voucher: missing");
	json_object_set_new(j, "voucher", json_integer(3));
	assert_int_equal(pn_redemption_from_json(j, &r, &err), -1);
	assert_string_equal(err.message, "voucher: a string expected");
	json_object_set_new(j, "voucher", json_string(""));
	assert_int_equal(pn_redemption_from_json(j, &r, &err), -1);
	assert_non_null(strstr(err.message, "voucher: 1 to 512"));
	memset(full, 'A', 513);
	full[513] = '\0';
	json_object_set_new(j, "voucher", json_string(full));
	assert_int_equal(pn_redemption_from_json(j, &r, &err), -1);
	full[512] = '\0';
	json_object_set_new(j, "voucher", json_string(full));
	assert_int_equal(pn_redemption_from_json(j, &r, &err), 0);
	json_decref(j);
}

struct keys {
	struct pn_master_key *master;
	struct pn_signing_key *key, *other;
	struct pn_trust *trust, *revoked;
};

static int
setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));
	struct pn_cert c;
	struct pn_error err;

	assert_int_equal(pn_init(), 0);
	k->master = tk_master();
	k->key = tk_signing(1);
	k->other = tk_signing(2);
	c = tk_cert(k->master, k->key, 0, NULL);
	k->trust = tk_trust(k->master, &c, 1);
	k->revoked = tk_trust(k->master, &c, 1);
	assert_int_equal(pn_trust_revoke(k->revoked, 1, &err), 0);
	*state = k;
	return 0;
}

static int
teardown(void **state)
{
	struct keys *k = *state;

	pn_trust_free(k->trust);
	pn_trust_free(k->revoked);
	pn_signing_key_free(k->key);
	pn_signing_key_free(k->other);
	pn_master_key_free(k->master);
	free(k);
	return 0;
}

static struct pn_receipt
receipt(void)
{
	struct pn_receipt r;

	memset(&r, 0, sizeof(r));
	memset(r.redemption_id, 0x33, 16);
	r.serial = 1234;
	r.outcome = PN_RECEIPT_CONFLICT;
	r.value_cents = 1000;
	r.decided_at = T_VALID;
	r.venue = 4;
	memset(r.winner_id, 0x44, 16);
	r.winner_venue = 3;
	r.winner_at = T_VALID - 3600;
	(void)snprintf(r.winner_venue_name, sizeof(r.winner_venue_name),
	    "Médiathèque de Rezé");
	return r;
}

/* A receipt round-trips through its text; changing any byte breaks it. */
static void
test_receipt(void **state)
{
	struct keys *k = *state;
	struct pn_receipt r = receipt(), back;
	char text[PN_RECEIPT_TEXT_MAX], bad[PN_RECEIPT_TEXT_MAX];
	unsigned char raw[PN_RECEIPT_MAX_SIZE];
	struct pn_error err;
	size_t len, i;

	assert_int_equal(pn_receipt_sign(&r, k->key, &err), 0);
	pn_receipt_to_text(&r, text);
	assert_int_equal(pn_receipt_from_text(text, k->trust, &back, &err), 0);
	assert_memory_equal(&r, &back, sizeof(r));

	/* Flip each byte of the document in turn: never accepted. */
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), text,
	    strlen(text), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	for (i = 0; i < len; i++) {
		raw[i] ^= 0x01;
		sodium_bin2base64(bad, sizeof(bad), raw, len,
		    sodium_base64_VARIANT_ORIGINAL);
		assert_int_equal(pn_receipt_from_text(bad, k->trust, &back,
		    &err), -1);
		raw[i] ^= 0x01;
	}
	/* Truncated, or with a byte more. */
	sodium_bin2base64(bad, sizeof(bad), raw, len - 1,
	    sodium_base64_VARIANT_ORIGINAL);
	assert_int_equal(pn_receipt_from_text(bad, k->trust, &back, &err), -1);
	assert_non_null(strstr(err.message, "truncated"));
	assert_int_equal(pn_receipt_from_text("not base64!", k->trust, &back,
	    &err), -1);
	/* A revoked signer, or one the bundle does not know. */
	assert_int_equal(pn_receipt_from_text(text, k->revoked, &back, &err),
	    -1);
	assert_non_null(strstr(err.message, "revoked key 1"));
	r = receipt();
	assert_int_equal(pn_receipt_sign(&r, k->other, &err), 0);
	pn_receipt_to_text(&r, text);
	assert_int_equal(pn_receipt_from_text(text, k->trust, &back, &err), -1);
	assert_non_null(strstr(err.message, "does not certify"));
	/* Dated outside its key's validity. */
	r = receipt();
	r.decided_at = (int64_t)T_2027_07 * 4;
	assert_int_equal(pn_receipt_sign(&r, k->key, &err), 0);
	pn_receipt_to_text(&r, text);
	assert_int_equal(pn_receipt_from_text(text, k->trust, &back, &err), -1);
	assert_non_null(strstr(err.message, "outside the validity"));
}

/* The audit's key lookup: the one recorded key, by its kid. */
static const uint8_t *
one_key(const void *ctx, uint16_t kid)
{
	const struct pn_signing_key *key = ctx;

	return kid == key->kid ? key->pk : NULL;
}

/*
 * pn_receipt_check(): verified under the recorded key of its kid, with
 * no trust bundle; any byte changed, or a kid not recorded, refused.
 */
static void
test_receipt_check(void **state)
{
	struct keys *k = *state;
	struct pn_receipt r = receipt(), back;
	char text[PN_RECEIPT_TEXT_MAX], bad[PN_RECEIPT_TEXT_MAX];
	unsigned char raw[PN_RECEIPT_MAX_SIZE];
	struct pn_error err;
	size_t len, i;

	assert_int_equal(pn_receipt_sign(&r, k->key, &err), 0);
	pn_receipt_to_text(&r, text);
	assert_int_equal(pn_receipt_check(text, one_key, k->key, &back, &err),
	    0);
	assert_memory_equal(&r, &back, sizeof(r));
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), text,
	    strlen(text), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	for (i = 0; i < len; i++) {
		raw[i] ^= 0x01;
		sodium_bin2base64(bad, sizeof(bad), raw, len,
		    sodium_base64_VARIANT_ORIGINAL);
		assert_int_equal(pn_receipt_check(bad, one_key, k->key, &back,
		    &err), -1);
		raw[i] ^= 0x01;
	}
	/* Under another key than the one it names. */
	assert_int_equal(pn_receipt_check(text, one_key, k->other, &back,
	    &err), -1);
	if (k->other->kid == k->key->kid)
		assert_non_null(strstr(err.message, "does not verify"));
	else
		assert_non_null(strstr(err.message, "not recorded"));
}

/*
 * The issuer's check without the signature: every other check of
 * pn_voucher_verify(), in the same order.
 */
static void
test_verify_issued(void **state)
{
	struct keys *k = *state;
	struct pn_voucher v = tk_voucher(k->key, 99), w;

	assert_int_equal(pn_voucher_verify_issued(&v, k->trust, T_VALID),
	    PN_R_OK);
	w = v;
	w.signature[0] ^= 1;	/* not looked at: the issuer compares it */
	assert_int_equal(pn_voucher_verify_issued(&w, k->trust, T_VALID),
	    PN_R_OK);
	assert_int_equal(pn_voucher_verify(&w, k->trust, NULL, T_VALID),
	    PN_R_SIGNATURE);
	assert_int_equal(pn_voucher_verify_issued(&v, k->revoked, T_VALID),
	    PN_R_REVOKED_KID);
	w = tk_voucher(k->other, 99);
	assert_int_equal(pn_voucher_verify_issued(&w, k->trust, T_VALID),
	    PN_R_UNKNOWN_KID);
	assert_int_equal(pn_voucher_verify_issued(&v, k->trust, T_2027_07),
	    PN_R_EXPIRED);
	assert_int_equal(pn_voucher_verify_issued(&v, k->trust,
	    T_2026 - DAY), PN_R_NOT_YET_VALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_record_json_errors),
		cmocka_unit_test(test_receipt),
		cmocka_unit_test(test_receipt_check),
		cmocka_unit_test(test_verify_issued),
	};

	assert_int_equal(pn_init(), 0);
	return cmocka_run_group_tests(tests, setup, teardown);
}
