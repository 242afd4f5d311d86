/* serial.c -- printed serials with a Damm check digit. */
#include <stdio.h>
#include <string.h>

#include "passnum/serial.h"

/*
 * The Damm quasigroup of order 10 (H. M. Damm, 2004): weakly totally
 * anti-symmetric, so that running a string through it detects every single
 * substitution and every adjacent transposition.
 */
static const unsigned char damm[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

char
pn_damm_check(const char *digits, size_t n)
{
	unsigned interim = 0;
	size_t i;

	for (i = 0; i < n; i++)
		interim = damm[interim][(unsigned char)digits[i] - '0'];
	return (char)('0' + interim);
}

void
pn_serial_format(uint64_t serial, char buf[PN_SERIAL_TEXT_MAX])
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%0*llu", PN_SERIAL_MIN_DIGITS,
	    (unsigned long long)serial);
	size_t o = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0 && i % 4 == 0)
			buf[o++] = ' ';
		buf[o++] = digits[i];
	}
	buf[o++] = ' ';
	buf[o++] = pn_damm_check(digits, (size_t)n);
	buf[o] = '\0';
}

enum pn_serial_status
pn_serial_parse(const char *text, uint64_t *serial)
{
	char digits[22];
	size_t n = 0, i;
	uint64_t v = 0;

	for (; *text != '\0'; text++) {
		if (*text == ' ' || *text == '\t' || *text == '-')
			continue;
		if (*text < '0' || *text > '9')
			return PN_SERIAL_BAD_CHAR;
		if (n == sizeof(digits))
			return PN_SERIAL_LENGTH;
		digits[n++] = *text;
	}
	if (n == 0)
		return PN_SERIAL_EMPTY;
	/* n - 1 data digits: at least 12, and no padding beyond 12. */
	if (n - 1 < PN_SERIAL_MIN_DIGITS || n - 1 > 20 ||
	    (n - 1 > PN_SERIAL_MIN_DIGITS && digits[0] == '0'))
		return PN_SERIAL_LENGTH;
	if (pn_damm_check(digits, n) != '0')
		return PN_SERIAL_CHECK;
	for (i = 0; i + 1 < n; i++) {
		unsigned d = (unsigned)(digits[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return PN_SERIAL_RANGE;
		v = v * 10 + d;
	}
	*serial = v;
	return PN_SERIAL_OK;
}

const char *
pn_serial_status_message(enum pn_serial_status s)
{
	switch (s) {
	case PN_SERIAL_OK:
		return "numéro valide";
	case PN_SERIAL_EMPTY:
		return "aucun chiffre saisi";
	case PN_SERIAL_BAD_CHAR:
		return "le numéro ne contient que des chiffres (espaces et "
		    "tirets acceptés)";
	case PN_SERIAL_LENGTH:
		return "nombre de chiffres incorrect : vérifiez qu'aucun "
		    "chiffre ne manque ni ne dépasse";
	case PN_SERIAL_CHECK:
		return "erreur de saisie : le chiffre de contrôle ne "
		    "correspond pas, relisez le numéro";
	case PN_SERIAL_RANGE:
		return "numéro trop grand";
	}
	return "numéro invalide";
}
