/* typed.h -- a voucher typed by hand: its printed serial and its control key, read as a person types them.
 *
 * When a QR code does not scan, the venue types the serial printed under
 * it ("0000 0000 0001 3") and the control key printed beside the serial
 * ("K7QM-4XRT"): the serial alone is public and sequential, so the key is
 * what proves the paper is in hand (include/passnum/controlkey.h). Both
 * may come in one line, or the key apart (redeem --key, or the scan
 * prompt). Nothing here touches the network or the journal.
 */
#ifndef PN_TERM_TYPED_H
#define PN_TERM_TYPED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/controlkey.h"
#include "passnum/serial.h"

/* Longer than any serial and key typed with generous spacing. */
#define TYPED_ENTRY_MAX 128

enum typed_kind {
	TYPED_NOT,		/* not typed by hand: a scanned code */
	TYPED_FULL,		/* a well-formed serial and key */
	TYPED_NO_KEY,		/* a well-formed serial, no key */
	TYPED_BAD_SERIAL,	/* the serial is mistyped (serial_status) */
	TYPED_BAD_KEY		/* the serial is fine, the key is not (key_status) */
};

struct typed_entry {
	enum typed_kind kind;
	uint64_t serial;			/* TYPED_FULL, _NO_KEY, _BAD_KEY */
	char key[PN_CONTROL_KEY_SIZE];		/* TYPED_FULL: 8 canonical characters */
	enum pn_serial_status serial_status;	/* TYPED_BAD_SERIAL */
	enum pn_control_key_status key_status;	/* TYPED_BAD_KEY */
	char bad;				/* with PN_CONTROL_KEY_BAD_CHAR */
};

/*
 * True when text reads as typed by hand rather than scanned: it starts
 * (after blanks) with a digit and holds only digits, letters, blanks,
 * dashes and dots. A scanned voucher starts "PN1:".
 */
bool typed_looks_typed(const char *text);

/*
 * Read text (len bytes and a NUL; one holding a NUL byte is not typed) as
 * typed. With key NULL, text may hold the serial followed by
 * the key ("0000 0000 0001 3 K7QM-4XRT"): the key is its last 8
 * characters, blanks, dashes and dots aside (a key may start with digits,
 * so where the letters start is not enough); when that split does not
 * give a valid serial, the key is taken to start at the group holding the
 * first letter, so that a key one character short is named as the fault.
 * A text of digits only that is a valid serial is TYPED_NO_KEY, unless it
 * also splits into a valid serial and a valid key of digits (then
 * TYPED_FULL: the serial alone would have 21 digits). With key
 * given apart, text must be the serial alone. Never fails: out->kind says
 * what was found.
 */
void typed_entry_parse(const char *text, size_t len, const char *key,
    struct typed_entry *out);

#endif
