/* serial.h -- the printed form of a voucher serial, for typing it by hand.
 *
 * Twelve digits (more for serials of 10^12 and above) in groups of four,
 * then one Damm check digit: "0000 0012 3456 6". The Damm check digit
 * catches every single-digit error and every transposition of two adjacent
 * digits, the check digit included.
 */
#ifndef PASSNUM_SERIAL_H
#define PASSNUM_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#define PN_SERIAL_MIN_DIGITS	12
#define PN_SERIAL_TEXT_MAX	32	/* 20 digits, spaces, check, NUL */

enum pn_serial_status {
	PN_SERIAL_OK = 0,
	PN_SERIAL_EMPTY,	/* no digit at all */
	PN_SERIAL_BAD_CHAR,	/* something other than digits, spaces, dashes */
	PN_SERIAL_LENGTH,	/* wrong number of digits */
	PN_SERIAL_CHECK,	/* check digit does not match: a typing error */
	PN_SERIAL_RANGE		/* larger than any serial can be */
};

/* Damm check digit ('0'..'9') of a string of n ASCII digits. */
char pn_damm_check(const char *digits, size_t n);

/* Write the printed form of serial into buf (at least PN_SERIAL_TEXT_MAX). */
void pn_serial_format(uint64_t serial, char buf[PN_SERIAL_TEXT_MAX]);

/*
 * Parse a typed serial. Spaces, tabs and dashes anywhere are ignored, as are
 * lower/upper case differences (the form has digits only). The number of
 * digits must be that of the printed form, so a dropped digit is caught
 * for serials below 10^12 (printed with 12 digits). A longer form that
 * loses a digit may read as a shorter valid one (a 1 in 10 chance): serials
 * are sequential, and a Département will not issue 10^12 vouchers.
 */
enum pn_serial_status pn_serial_parse(const char *text, uint64_t *serial);

/* French message for a status, for the person who typed it. */
const char *pn_serial_status_message(enum pn_serial_status s);

#endif
