/* base45.c -- Base45 encoding and decoding (RFC 9285). */
#include <stdbool.h>

#include "passnum/base45.h"

static const char alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Value of a character in the alphabet, or -1 for any other character. */
static int
value_of(unsigned char c)
{
	static const char tail[] = " $%*+-./:";
	size_t i;

	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	for (i = 0; i < sizeof(tail) - 1; i++)
		if (tail[i] == c)
			return 36 + (int)i;
	return -1;
}

size_t
pn_base45_encoded_len(size_t n)
{
	return n / 2 * 3 + n % 2 * 2;
}

long
pn_base45_encode(const uint8_t *in, size_t n, char *out, size_t outcap)
{
	size_t need = pn_base45_encoded_len(n), i, o = 0;

	if (outcap < need + 1)
		return -1;
	for (i = 0; i + 1 < n; i += 2) {
		unsigned v = (unsigned)in[i] << 8 | in[i + 1];

		out[o++] = alphabet[v % 45];
		out[o++] = alphabet[v / 45 % 45];
		out[o++] = alphabet[v / 2025];
	}
	if (n % 2 == 1) {
		unsigned v = in[n - 1];

		out[o++] = alphabet[v % 45];
		out[o++] = alphabet[v / 45];
	}
	out[o] = '\0';
	return (long)o;
}

enum pn_base45_status
pn_base45_decode(const char *in, size_t n, uint8_t *out, size_t outcap,
    size_t *outlen, size_t *where)
{
	size_t i, o = 0, need;

	for (i = 0; i < n; i++) {
		if (value_of((unsigned char)in[i]) < 0) {
			if (where != NULL)
				*where = i;
			return PN_B45_BAD_CHAR;
		}
	}
	if (n % 3 == 1) {
		if (where != NULL)
			*where = n - 1;
		return PN_B45_BAD_LENGTH;
	}
	need = n / 3 * 2 + (n % 3 == 2);
	for (i = 0; i < n; i += 3) {
		bool pair = n - i == 2;
		unsigned v = (unsigned)value_of((unsigned char)in[i]) +
		    (unsigned)value_of((unsigned char)in[i + 1]) * 45;

		if (!pair)
			v += (unsigned)value_of((unsigned char)in[i + 2]) * 2025;
		if (v > (pair ? 255u : 65535u)) {
			if (where != NULL)
				*where = i;
			return PN_B45_OVERFLOW;
		}
		if (pair) {
			if (o < outcap)
				out[o] = (uint8_t)v;
			o++;
		} else {
			if (o < outcap)
				out[o] = (uint8_t)(v >> 8);
			if (o + 1 < outcap)
				out[o + 1] = (uint8_t)v;
			o += 2;
		}
	}
	if (outlen != NULL)
		*outlen = need;
	return need > outcap ? PN_B45_NOSPACE : PN_B45_OK;
}
