/* report_csv.h -- the funder's report as CSV, for a spreadsheet or the Département's finance software.
 *
 * The conventions of the finance files (as the mandate list's): UTF-8
 * with a byte order mark, ';' between fields, CRLF line ends, a header
 * row, amounts in euros with a decimal comma and no thousands separator
 * ("1234,50"), fields quoted as RFC 4180 says (those holding ';', '"',
 * CR or LF, with '"' doubled), and a text field that starts with '=',
 * '+', '-', '@', a tab or a CR preceded by an apostrophe, so that a
 * spreadsheet never runs it as a formula. docs/report.md lists the
 * columns.
 */
#ifndef PN_REPORT_CSV_H
#define PN_REPORT_CSV_H

#include <stddef.h>

#include "passnum/error.h"
#include "report.h"

/*
 * The report r as CSV: for each programme, its agencies' rows, its
 * communes' rows and its total row; a grand total row when r holds more
 * than one programme. Returns 0 with *out (malloc'd, not NUL-terminated:
 * the caller frees it) and *len, or -1 with err (PN_E_NOMEM).
 */
int report_csv_write(const struct report *r, char **out, size_t *len,
    struct pn_error *err);

/*
 * Append field (UTF-8 text) to the CSV being built in *buf (*len bytes
 * of *cap), guarded and quoted as above. 0, or -1 when out of memory.
 * report_csv_write() and attendance_csv_write() are built on it, so that
 * the files a spreadsheet opens are guarded one way; tests call it too.
 */
int report_csv_field(char **buf, size_t *len, size_t *cap, const char *field);

#endif
