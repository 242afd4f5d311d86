/* qrpng.c -- pn-qrpng: a voucher text as a QR code in a PNG file, for the terminal's --image test.
 *
 *   pn-qrpng TEXT FILE
 *
 * Draws with the library's pn_qr_png(), as the printed booklet does, at 4
 * pixels a module.
 */
#include <stdio.h>
#include <stdlib.h>

#include "passnum/qr.h"

int
main(int argc, char **argv)
{
	struct pn_error err;
	uint8_t *png;
	size_t len;
	FILE *f;
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: pn-qrpng TEXT FILE\n");
		return 2;
	}
	if (pn_qr_png(argv[1], 4, &png, &len, &err) != 0) {
		fprintf(stderr, "pn-qrpng: %s\n", err.message);
		return 1;
	}
	if ((f = fopen(argv[2], "wb")) == NULL ||
	    fwrite(png, 1, len, f) != len)
		rc = 1;
	if (f != NULL && fclose(f) != 0)
		rc = 1;
	if (rc != 0)
		fprintf(stderr, "pn-qrpng: %s: cannot write\n", argv[2]);
	free(png);
	return rc;
}
