/* fuzzseeds.c -- pn-fuzzseeds: write the seed corpora of the fuzz targets.
 *
 *   pn-fuzzseeds DIR        (normally tests/fuzz/corpus)
 *
 * Keys come from the same fixed seeds as the fuzz targets and unit tests,
 * so that seed vouchers verify and the fuzzers start past the signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "passnum/base45.h"
#include "passnum/cert.h"
#include "passnum/denylist.h"
#include "passnum/keys.h"
#include "passnum/passnum.h"
#include "passnum/serial.h"
#include "passnum/trust.h"
#include "passnum/voucher.h"
#include "fixtures.h"

static const char *root;

static void
put(const char *target, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", root, target, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, len, f) != len ||
	    fclose(f) != 0) {
		fprintf(stderr, "pn-fuzzseeds: cannot write %s\n", path);
		exit(1);
	}
}

/* A seed for fuzz_small_parsers: selector byte then the input. */
static void
put_small(const char *name, unsigned selector, const void *data, size_t len)
{
	uint8_t buf[4096];

	buf[0] = (uint8_t)selector;
	memcpy(buf + 1, data, len);
	put("fuzz_small_parsers", name, buf, len + 1);
}

int
main(int argc, char **argv)
{
	static const uint32_t progs[] = { 7, 9 };
	uint8_t *buf, key_file[42];
	struct pn_master_key *m;
	struct pn_signing_key *k;
	struct pn_cert c;
	struct pn_trust *t;
	struct pn_denylist *d;
	struct pn_voucher v;
	char text[PN_VOUCHER_TEXT_LEN + 1], serial[PN_SERIAL_TEXT_MAX];
	uint8_t cert[PN_CERT_MAX_SIZE];
	size_t len;

	if (argc != 2 || pn_init() != 0) {
		fprintf(stderr, "usage: pn-fuzzseeds DIR\n");
		return 2;
	}
	root = argv[1];
	m = fx_master_with(FX_MASTER_SEED);
	k = fx_signing(1);
	if (m == NULL || k == NULL || fx_cert(&c, m, k, 2, progs, NULL) != 0) {
		fprintf(stderr, "pn-fuzzseeds: cannot make the test keys\n");
		return 1;
	}

	/* Vouchers: valid, and each structural variant. */
	memset(&v, 0, sizeof(v));
	v.programme = 7;
	v.serial = 123456;
	v.value_cents = 1000;
	v.issued_at = 1772355600;
	v.expires_at = 1801439999;
	pn_voucher_sign(&v, k);
	pn_voucher_to_text(&v, text);
	put("fuzz_voucher_text", "valid", text, strlen(text));
	put("fuzz_voucher_text", "truncated", text, strlen(text) - 3);
	put("fuzz_voucher_text", "prefix-only", "PN1:", 4);
	put("fuzz_voucher_text", "lowercase", "pn1:abc", 7);
	put("fuzz_voucher_text", "overflow", "PN1::::", 7);

	/* Bundle with one certificate and one revoked kid. */
	t = pn_trust_new(m->pk, 3, 1767225600);
	pn_trust_add_cert(t, &c, NULL);
	pn_trust_revoke(t, 2, NULL);
	pn_trust_sign(t, m, NULL);
	pn_trust_encode(t, &buf, &len, NULL);
	put("fuzz_trust_bundle", "one-cert", buf, len);
	free(buf);

	/* Deny lists: full and increment. */
	d = pn_denylist_new();
	pn_denylist_add(d, 5, 1801439999, PN_DENY_CANCELLED, NULL);
	pn_denylist_add(d, 123456, 1801439999, PN_DENY_REDEEMED, NULL);
	pn_denylist_sign(d, k, 0, 4, 1780000000, NULL);
	pn_denylist_encode(d, &buf, &len, NULL);
	put("fuzz_denylist", "full", buf, len);
	free(buf);
	pn_denylist_sign(d, k, 4, 6, 1780000000, NULL);
	pn_denylist_encode(d, &buf, &len, NULL);
	put("fuzz_denylist", "increment", buf, len);
	free(buf);

	/* Small parsers: Base45, serial, date, key files and certificate. */
	put_small("base45", 0, text + 4, strlen(text) - 4);
	pn_serial_format(123456, serial);
	put_small("serial", 1, serial, strlen(serial));
	put_small("date", 2, "2026-12-31T23:59:59Z", 20);
	put_small("date-short", 2, "2028-02-29", 10);
	put_small("date-unix", 2, "@1798761599", 11);
	memcpy(key_file, "PNSSEC01", 8);
	key_file[8] = 0;
	key_file[9] = 1;
	memset(key_file + 10, 1, 32);
	put_small("signing-key", 3, key_file, sizeof(key_file));
	len = pn_cert_encode(&c, cert, sizeof(cert));
	put_small("cert", 3, cert, len);

	pn_denylist_free(d);
	pn_trust_free(t);
	pn_signing_key_free(k);
	pn_master_key_free(m);
	return 0;
}
