/* attendance_pdf.h -- a training session's attendance sheet (feuille d'émargement), as PDF and as CSV.
 *
 * A venue keeps, with its records, the list of the vouchers taken at each
 * of its sessions: the session (venue, theme, start in Paris time,
 * duration, terminal), then each voucher by its printed serial, with its
 * face value and the time the terminal took it, and the totals. The PDF
 * is to print, with a blank column where each participant signs; the CSV
 * for a spreadsheet.
 *
 * The sheet names no beneficiary: a voucher is its serial, nothing more.
 * The caller lists only the accepted records: a record that lost (a
 * conflict) was never taken at the session.
 */
#ifndef PN_ATTENDANCE_PDF_H
#define PN_ATTENDANCE_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"

/* A voucher taken at the session. */
struct attendance_voucher {
	uint64_t serial;
	int64_t value_cents;		/* face value, never negative */
	int64_t taken_at;		/* the terminal's clock, Unix seconds */
};

/* The sheet of one session. */
struct attendance_sheet {
	char venue_name[256];
	int64_t session_id;
	char theme[520];		/* UTF-8 */
	int64_t starts_at;		/* Unix seconds */
	unsigned duration_minutes;
	char terminal_label[260];	/* UTF-8 */
	int64_t printed_at;		/* "Édité le", and the PDF's date */
	const struct attendance_voucher *vouchers;	/* in the order taken */
	size_t n_vouchers;
};

/*
 * The number of vouchers of a and the sum of their values into *count and
 * *cents. 0, or -1 with err (PN_E_ARG) when a value is negative, the sum
 * would overflow, or vouchers are announced but missing.
 */
int attendance_totals(const struct attendance_sheet *a, size_t *count,
    int64_t *cents, struct pn_error *err);

/*
 * The sheet a as an A4 PDF in French. Returns 0 with *out (malloc'd: the
 * caller frees it) and *len, or -1 with err. The document depends on a
 * alone: the same sheet gives the same bytes.
 */
int attendance_pdf_render(const struct attendance_sheet *a,
    unsigned char **out, size_t *len, struct pn_error *err);

/*
 * The sheet a as CSV with the conventions of the finance files
 * (report_csv.h): UTF-8 with a byte order mark, ';', CRLF, a header row,
 * amounts in euros with a decimal comma, fields quoted and formulas
 * defused as report_csv_field() does. One row per voucher, then a total
 * row; the session's fields repeated on every row, so that each row
 * stands alone. Returns 0 with *out (malloc'd, not NUL-terminated: the
 * caller frees it) and *len, or -1 with err.
 */
int attendance_csv_write(const struct attendance_sheet *a, char **out,
    size_t *len, struct pn_error *err);

#endif
