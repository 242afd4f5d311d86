/* typed.c -- splitting a typed serial from its control key (typed.h). */
#include <string.h>

#include "typed.h"

static bool
is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '.';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool
typed_looks_typed(const char *text)
{
	const char *p = text;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!is_digit(*p))
		return false;
	for (; *p != '\0'; p++)
		if (!is_digit(*p) && !is_letter(*p) && !is_separator(*p))
			return false;
	return true;
}

/* The serial in text[0..n): PN_SERIAL_OK with *serial, or why not. */
static enum pn_serial_status
serial_prefix(const char *text, size_t n, uint64_t *serial)
{
	char buf[TYPED_ENTRY_MAX];

	if (n >= sizeof(buf))
		return PN_SERIAL_LENGTH;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return pn_serial_parse(buf, serial);
}

/*
 * Where the last PN_CONTROL_KEY_LEN significant characters of text start,
 * or 0 when text has no more than that.
 */
static size_t
last_key_start(const char *text, size_t len)
{
	size_t i = len, seen = 0;

	while (i > 0 && seen < PN_CONTROL_KEY_LEN)
		if (!is_separator(text[--i]))
			seen++;
	return seen == PN_CONTROL_KEY_LEN ? i : 0;
}

/* Whether text[0..split) is a valid serial and text + split a valid key. */
static bool
key_follows(const char *text, size_t split)
{
	char key[PN_CONTROL_KEY_SIZE], bad;
	uint64_t serial;

	return serial_prefix(text, split, &serial) == PN_SERIAL_OK &&
	    pn_control_key_parse(text + split, key, &bad) ==
	    PN_CONTROL_KEY_OK;
}

static void
take_key(const char *key, uint64_t serial, struct typed_entry *out)
{
	out->serial = serial;
	out->key_status = pn_control_key_parse(key, out->key, &out->bad);
	out->kind = out->key_status == PN_CONTROL_KEY_OK ? TYPED_FULL :
	    TYPED_BAD_KEY;
	if (out->kind != TYPED_FULL)
		out->key[0] = '\0';
}

void
typed_entry_parse(const char *text, size_t len, const char *key,
    struct typed_entry *out)
{
	enum pn_serial_status whole;
	size_t split, i;
	uint64_t serial;
	bool letters = false;

	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len) != NULL || !typed_looks_typed(text)) {
		out->kind = TYPED_NOT;
		return;
	}
	if (len >= TYPED_ENTRY_MAX) {
		out->kind = TYPED_BAD_SERIAL;
		out->serial_status = PN_SERIAL_LENGTH;
		return;
	}
	if (key != NULL) {
		if ((out->serial_status = pn_serial_parse(text, &serial)) !=
		    PN_SERIAL_OK) {
			out->kind = TYPED_BAD_SERIAL;
			return;
		}
		take_key(key, serial, out);
		return;
	}
	for (i = 0; i < len; i++)
		letters |= is_letter(text[i]);
	whole = pn_serial_parse(text, &serial);
	split = last_key_start(text, len);
	/*
	 * Digits only that read as one serial, unless they also read as a
	 * serial and a key of digits: "1005 4240 0013 0 2544-2234" is a
	 * 21-digit serial too (one number in ten has the right check digit).
	 * A serial alone that also splits so would need 21 digits, 10^19
	 * vouchers; the serial and its key, 10^11: the likelier reading.
	 */
	if (!letters && whole == PN_SERIAL_OK && !(split > 0 &&
	    key_follows(text, split))) {
		out->kind = TYPED_NO_KEY;
		out->serial = serial;
		return;
	}
	/* The serial, then the key's 8 characters at the end. */
	if (split > 0 && serial_prefix(text, split, &serial) == PN_SERIAL_OK) {
		take_key(text + split, serial, out);
		return;
	}
	if (!letters) {
		out->kind = TYPED_BAD_SERIAL;
		out->serial_status = whole;
		return;
	}
	/* The key starts at the group holding the first letter. */
	for (split = 0; !is_letter(text[split]); split++)
		;
	while (split > 0 && !is_separator(text[split - 1]))
		split--;
	if ((out->serial_status = serial_prefix(text, split, &serial)) !=
	    PN_SERIAL_OK) {
		out->kind = TYPED_BAD_SERIAL;
		return;
	}
	take_key(text + split, serial, out);
}
