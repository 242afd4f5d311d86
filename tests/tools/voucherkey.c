/* voucherkey.c -- pn-voucherkey: the control key printed beside a voucher's serial, for the terminal's tests.
 *
 *   pn-voucherkey CODE
 *
 * Prints the key of the voucher whose PN1: text is CODE, as printed
 * ("K7QM-4XRT"), derived from its signature by pn_control_key(). The
 * signature is not verified: this reads what the paper would carry.
 */
#include <stdio.h>
#include <string.h>

#include "passnum/controlkey.h"
#include "passnum/passnum.h"
#include "passnum/voucher.h"

int
main(int argc, char **argv)
{
	char key[PN_CONTROL_KEY_SIZE], text[PN_CONTROL_KEY_TEXT_MAX];
	struct pn_voucher v;
	enum pn_reason r;

	if (argc != 2) {
		fprintf(stderr, "usage: pn-voucherkey CODE\n");
		return 2;
	}
	if (pn_init() != 0)
		return 1;
	if ((r = pn_voucher_from_text(argv[1], strlen(argv[1]), &v)) !=
	    PN_R_OK) {
		fprintf(stderr, "pn-voucherkey: not a voucher (reason %d)\n",
		    (int)r);
		return 1;
	}
	pn_control_key(v.signature, key);
	pn_control_key_format(key, text);
	printf("%s\n", text);
	return 0;
}
