/* booklet_pdf.h -- the printed booklet: a cover, then the vouchers on A4 cards to cut apart, as PDF.
 *
 * A pure function of the booklet, its programme and its vouchers' codes:
 * no database, no network, no temporary file. Only the fonts are read
 * from disk (libharu embeds them, so that accents and the euro sign print
 * everywhere).
 */
#ifndef PN_BOOKLET_PDF_H
#define PN_BOOKLET_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "booklet.h"
#include "store.h"

/* The fonts embedded in every booklet (Debian's fonts-dejavu-core). */
#define BOOKLET_PDF_FONT	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define BOOKLET_PDF_FONT_BOLD	"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

/*
 * The side of a printed QR code, quiet zone included, in millimetres.
 * A voucher's symbol is 49 modules and the quiet zone 2 x 4: each module
 * is 40/57 = 0.70 mm and the symbol itself 34.4 mm, readable by a phone or
 * a hand scanner at arm's length.
 */
#define BOOKLET_PDF_QR_MM	40.0

/* TrueType files to embed: a regular and a bold face. */
struct booklet_pdf_fonts {
	const char *regular;
	const char *bold;
};

/*
 * Render booklet b of programme p as a PDF document: page 1 opens with a
 * cover (programme, booklet number and date of issue, the programme's
 * instructions, what a venue types when a code does not scan, its partner
 * venues), then each voucher is a card of a 2-column grid with dashed cut
 * lines, 8 cards to a full page, each page numbered "page X / Y". codes
 * holds the text form, printed serial and control key of each of b's
 * vouchers, in order (booklet_codes()).
 *
 * A voucher still outstanding (status "issued") gets its QR code and its
 * control key ("Clé de contrôle : K7QM-4XRT") under its serial; any other
 * (cancelled) is printed without either and marked "ANNULÉ" across the
 * card, so that a reprint cannot put a dead voucher back in someone's
 * hands.
 *
 * fonts NULL means BOOKLET_PDF_FONT and BOOKLET_PDF_FONT_BOLD. Returns 0
 * with *out malloc'd (the caller frees it) and *len its size; or -1 with
 * *out NULL and err set: PN_E_IO naming a font file that cannot be read,
 * PN_E_NOMEM, PN_E_ARG for a voucher text that cannot be a QR code, PN_E_IO
 * with libharu's error number when the PDF library fails.
 */
int booklet_pdf(const struct store_booklet *b, const struct store_programme *p,
    const struct booklet_codes *codes, const struct booklet_pdf_fonts *fonts,
    uint8_t **out, size_t *len, struct pn_error *err);

#endif
