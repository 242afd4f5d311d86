/* mint.c -- pn-mint: sign vouchers with a signing key file, for tests and the demo.
 *
 *   pn-mint --key FILE --programme N --serial FIRST [--count N] --value CENTS
 *           --issued TIME --expires TIME [--qr-dir DIR]
 *
 * Prints one voucher text per line. With --qr-dir, also writes SERIAL.png
 * and SERIAL.svg there. Not installed: the issuing server is what mints
 * vouchers in production, recording each one; this tool records nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/keys.h"
#include "passnum/parse.h"
#include "passnum/passnum.h"
#include "passnum/qr.h"
#include "passnum/timefmt.h"
#include "passnum/voucher.h"

static int
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (f == NULL)
		return -1;
	if (fwrite(data, 1, len, f) != len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static int
write_qr(const char *dir, uint64_t serial, const char *text)
{
	struct pn_error err;
	char path[4096];
	uint8_t *png = NULL;
	char *svg = NULL;
	size_t len;
	int rc = -1;

	if (pn_qr_png(text, 4, &png, &len, &err) != 0 ||
	    snprintf(path, sizeof(path), "%s/%llu.png", dir,
	    (unsigned long long)serial) >= (int)sizeof(path) ||
	    write_file(path, png, len) != 0)
		goto done;
	if (pn_qr_svg(text, 4, &svg, &len, &err) != 0 ||
	    snprintf(path, sizeof(path), "%s/%llu.svg", dir,
	    (unsigned long long)serial) >= (int)sizeof(path) ||
	    write_file(path, svg, len) != 0)
		goto done;
	rc = 0;
done:
	free(png);
	free(svg);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "programme", required_argument, NULL, 'p' },
		{ "serial", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "value", required_argument, NULL, 'v' },
		{ "issued", required_argument, NULL, 'i' },
		{ "expires", required_argument, NULL, 'e' },
		{ "qr-dir", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key_path = NULL, *qr_dir = NULL;
	uint64_t programme = 0, serial = 0, count = 1, value = 0;
	int64_t issued = -1, expires = -1;
	struct pn_signing_key *key;
	struct pn_error err;
	struct pn_voucher v;
	char text[PN_VOUCHER_TEXT_LEN + 1];
	uint64_t i;
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key_path = optarg; break;
		case 'p': bad |= pn_parse_u64(optarg, UINT32_MAX, &programme); break;
		case 's': bad |= pn_parse_u64(optarg, UINT64_MAX, &serial); break;
		case 'n': bad |= pn_parse_u64(optarg, 1000000, &count); break;
		case 'v': bad |= pn_parse_u64(optarg, UINT32_MAX, &value); break;
		case 'i': bad |= pn_time_parse(optarg, &issued); break;
		case 'e': bad |= pn_time_parse(optarg, &expires); break;
		case 'q': qr_dir = optarg; break;
		default: bad = 1;
		}
	}
	if (bad || key_path == NULL || issued < 0 || expires < 0 ||
	    issued > UINT32_MAX || expires > UINT32_MAX || optind != argc) {
		fprintf(stderr, "usage: pn-mint --key FILE --programme N "
		    "--serial FIRST [--count N] --value CENTS --issued TIME "
		    "--expires TIME [--qr-dir DIR]\n");
		return 2;
	}
	if (pn_init() != 0 || (key = pn_signing_key_load(key_path, &err)) ==
	    NULL) {
		fprintf(stderr, "pn-mint: %s\n", err.message);
		return 1;
	}
	for (i = 0; i < count; i++) {
		memset(&v, 0, sizeof(v));
		v.programme = (uint32_t)programme;
		v.serial = serial + i;
		v.value_cents = (uint32_t)value;
		v.issued_at = (uint32_t)issued;
		v.expires_at = (uint32_t)expires;
		if (pn_voucher_sign(&v, key) != 0) {
			fprintf(stderr, "pn-mint: signing failed\n");
			pn_signing_key_free(key);
			return 1;
		}
		pn_voucher_to_text(&v, text);
		printf("%s\n", text);
		if (qr_dir != NULL && write_qr(qr_dir, v.serial, text) != 0) {
			fprintf(stderr, "pn-mint: cannot write QR files in "
			    "%s\n", qr_dir);
			pn_signing_key_free(key);
			return 1;
		}
	}
	pn_signing_key_free(key);
	return 0;
}
