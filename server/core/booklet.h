/* booklet.h -- a stored booklet's vouchers in the forms people and scanners read.
 *
 * The JSON replies, the pages and the printed booklet show the same forms
 * of each voucher; all take them from here.
 */
#ifndef PN_BOOKLET_H
#define PN_BOOKLET_H

#include "passnum/controlkey.h"
#include "passnum/serial.h"
#include "passnum/voucher.h"
#include "store.h"

struct booklet_codes {
	char text[PN_VOUCHER_TEXT_LEN + 1];	/* "PN1:...", the QR's content */
	char printed[PN_SERIAL_TEXT_MAX];	/* "0000 0000 0001 3" */
	char control_key[PN_CONTROL_KEY_TEXT_MAX];	/* "K7QM-4XRT" */
};

/*
 * The text form, the printed serial and the printed control key of
 * voucher sv of booklet b, from its stored fields and signature
 * (docs/voucher-format.md).
 */
void booklet_codes(const struct store_booklet *b,
    const struct store_voucher *sv, struct booklet_codes *out);

/* The same for a voucher of programme programme_id, found on its own. */
void voucher_codes(int64_t programme_id, const struct store_voucher *sv,
    struct booklet_codes *out);

#endif
