/* fuzz_small_parsers.c -- libFuzzer target: Base45, printed serials, dates,
 * numbers, settlement periods, key files, certificates, key requests, SIRET, IBAN and
 * BIC, control keys with the typed voucher text, and amounts of euros.
 *
 * The first byte chooses the parser; each round-trips what it accepts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/bankid.h"
#include "passnum/base45.h"
#include "passnum/cert.h"
#include "passnum/controlkey.h"
#include "passnum/keyreq.h"
#include "passnum/keys.h"
#include "passnum/money.h"
#include "passnum/parse.h"
#include "passnum/passnum.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input, for the string parsers. */
static char *
cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void
fuzz_base45(const uint8_t *data, size_t size)
{
	uint8_t out[512];
	char back[1024];
	size_t outlen;

	if (pn_base45_decode((const char *)data, size, out, sizeof(out),
	    &outlen, NULL) == PN_B45_OK) {
		if (pn_base45_encode(out, outlen, back, sizeof(back)) < 0 ||
		    strlen(back) != size || memcmp(back, data, size) != 0)
			abort();
	}
}

static void
fuzz_serial(const uint8_t *data, size_t size)
{
	char *s = cstring(data, size), text[PN_SERIAL_TEXT_MAX];
	uint64_t serial, again;

	if (pn_serial_parse(s, &serial) == PN_SERIAL_OK) {
		pn_serial_format(serial, text);
		if (pn_serial_parse(text, &again) != PN_SERIAL_OK ||
		    again != serial)
			abort();
	}
	free(s);
}

static void
fuzz_time(const uint8_t *data, size_t size)
{
	char *s = cstring(data, size), text[PN_TIME_TEXT_MAX];
	int64_t t, again;
	uint64_t u;

	if (pn_time_parse(s, &t) == 0 && t < 253402300800) {
		pn_time_format(t, text);
		if (pn_time_parse(text, &again) != 0 || again != t)
			abort();
	}
	(void)pn_parse_u64(s, 1000, &u);
	{
		/* Settlement periods: what is accepted writes back the same. */
		int y, m;
		char back[16];

		if (pn_month_parse(s, &y, &m) == 0) {
			(void)snprintf(back, sizeof(back), "%04u-%02u",
			    (unsigned)y % 10000u, (unsigned)m % 100u);
			if (strcmp(back, s) != 0)
				abort();
		}
		if (pn_quarter_parse(s, &y, &m) == 0 &&
		    (strlen(s) != 7 || s[6] != (char)('0' + m) || y < 1970))
			abort();
	}
	free(s);
}

static void
fuzz_keys(const uint8_t *data, size_t size)
{
	struct pn_cert c;
	size_t used;

	struct pn_keyreq req;
	static const uint8_t pk[32];

	pn_master_key_free(pn_master_key_parse(data, size, NULL));
	pn_signing_key_free(pn_signing_key_parse(data, size, NULL));
	/* A key request: what parses must have a bundle of the length said. */
	if (pn_keyreq_decode(data, size, &req, NULL) == 0) {
		if (req.bundle_len >= size || req.bundle == NULL)
			abort();
		(void)pn_keyreq_verify(&req, pk);
	}
	pn_keyreq_clear(&req);
	if (pn_cert_decode(data, size, &used, &c, NULL) == 0) {
		uint8_t back[PN_CERT_MAX_SIZE];

		if (used > size || pn_cert_encode(&c, back, sizeof(back)) !=
		    used || memcmp(back, data, used) != 0)
			abort();
	}
}

/*
 * SIRET, IBAN and BIC: what is accepted is canonical (parsed again, it is
 * itself), and an IBAN in groups of four reads back as the same IBAN.
 */
static void
fuzz_bankid(const uint8_t *data, size_t size)
{
	char *s = cstring(data, size);
	char siret[PN_SIRET_LEN + 1], iban[PN_IBAN_MAX + 1];
	char bic[PN_BIC_MAX + 1], again[PN_IBAN_MAX + 1];
	char text[PN_IBAN_TEXT_MAX], msg[48];
	enum pn_id_status st;

	st = pn_siret_parse(s, siret);
	if (st == PN_ID_OK && (strlen(siret) != PN_SIRET_LEN ||
	    pn_siret_parse(siret, again) != PN_ID_OK ||
	    strcmp(again, siret) != 0))
		abort();
	if (pn_id_status_message(st, s, msg, sizeof(msg)) != msg ||
	    strlen(msg) >= sizeof(msg))
		abort();

	st = pn_iban_parse(s, iban);
	if (st == PN_ID_OK) {
		if (pn_iban_parse(iban, again) != PN_ID_OK ||
		    strcmp(again, iban) != 0)
			abort();
		pn_iban_format(iban, text);
		if (pn_iban_parse(text, again) != PN_ID_OK ||
		    strcmp(again, iban) != 0)
			abort();
	}
	pn_iban_format(s, text);
	if (strlen(text) >= sizeof(text))
		abort();

	st = pn_bic_parse(s, bic);
	if (st == PN_ID_OK && (pn_bic_parse(bic, again) != PN_ID_OK ||
	    strcmp(again, bic) != 0))
		abort();
	free(s);
}

/*
 * Control keys and typed voucher texts: what is accepted is canonical, and
 * formats back to text that parses to the same.
 */
static void
fuzz_control_key(const uint8_t *data, size_t size)
{
	char *s = cstring(data, size);
	char key[PN_CONTROL_KEY_SIZE], again[PN_CONTROL_KEY_SIZE];
	char text[PN_CONTROL_KEY_TEXT_MAX], typed[PN_TYPED_TEXT_MAX], bad;
	uint64_t serial, serial2;

	if (pn_control_key_parse(s, key, &bad) == PN_CONTROL_KEY_OK) {
		pn_control_key_format(key, text);
		if (pn_control_key_parse(text, again, NULL) !=
		    PN_CONTROL_KEY_OK || !pn_control_key_equal(key, again))
			abort();
	}
	if (pn_typed_voucher_parse((const char *)data, size, &serial,
	    key) == 0) {
		pn_typed_voucher_format(serial, key, typed);
		if (strlen(typed) != size || memcmp(typed, data, size) != 0 ||
		    pn_typed_voucher_parse(typed, size, &serial2, again) != 0 ||
		    serial2 != serial)
			abort();
	}
	free(s);
}

/* An amount read is within its maximum, and prints back to itself. */
static void
fuzz_money(const uint8_t *data, size_t size)
{
	char *s = cstring(data, size), text[PN_MONEY_TEXT_MAX];
	int64_t cents, again;

	if (pn_money_parse(s, INT64_MAX / 2, &cents) == 0) {
		if (cents < 0 || cents > INT64_MAX / 2)
			abort();
		pn_money_format(cents, text);
		if (pn_money_parse(text, INT64_MAX / 2, &again) != 0 ||
		    again != cents)
			abort();
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	pn_init();
	switch (data[0] % 7) {
	case 0:
		fuzz_base45(data + 1, size - 1);
		break;
	case 1:
		fuzz_serial(data + 1, size - 1);
		break;
	case 2:
		fuzz_time(data + 1, size - 1);
		break;
	case 3:
		fuzz_keys(data + 1, size - 1);
		break;
	case 4:
		fuzz_bankid(data + 1, size - 1);
		break;
	case 5:
		fuzz_control_key(data + 1, size - 1);
		break;
	case 6:
		fuzz_money(data + 1, size - 1);
		break;
	}
	return 0;
}
