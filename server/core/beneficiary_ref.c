/* beneficiary_ref.c -- one spelling for a beneficiary's file reference, before it is hashed. */
#include <stdint.h>
#include <string.h>

#include "beneficiary_ref.h"

/* Look-alikes folded to an ASCII character (step 1 of the header). */
static const struct {
	uint32_t from;
	char to;
} look_alikes[] = {
	{ 0x00A0, ' ' }, { 0x00AD, '-' },
	{ 0x0391, 'a' }, { 0x0392, 'b' }, { 0x0395, 'e' }, { 0x0396, 'z' },
	{ 0x0397, 'h' }, { 0x0399, 'i' }, { 0x039A, 'k' }, { 0x039C, 'm' },
	{ 0x039D, 'n' }, { 0x039F, 'o' }, { 0x03A1, 'p' }, { 0x03A4, 't' },
	{ 0x03A5, 'y' }, { 0x03A7, 'x' }, { 0x03BF, 'o' },
	{ 0x0405, 's' }, { 0x0406, 'i' }, { 0x0408, 'j' },
	{ 0x0410, 'a' }, { 0x0412, 'b' }, { 0x0415, 'e' }, { 0x041A, 'k' },
	{ 0x041C, 'm' }, { 0x041D, 'h' }, { 0x041E, 'o' }, { 0x0420, 'p' },
	{ 0x0421, 'c' }, { 0x0422, 't' }, { 0x0425, 'x' },
	{ 0x0430, 'a' }, { 0x0435, 'e' }, { 0x043E, 'o' }, { 0x0440, 'p' },
	{ 0x0441, 'c' }, { 0x0443, 'y' }, { 0x0445, 'x' },
	{ 0x0455, 's' }, { 0x0456, 'i' }, { 0x0458, 'j' },
	{ 0x202F, ' ' }, { 0x205F, ' ' }, { 0x2060, ' ' }, { 0x2212, '-' },
	{ 0x3000, ' ' }, { 0xFE58, '-' }, { 0xFE63, '-' }, { 0xFEFF, ' ' },
};

/*
 * The code point at *s (UTF-8), advancing *s; a byte that starts no valid
 * sequence is returned as itself (0x80-0xFF), so that nothing is lost.
 */
static uint32_t
next_code_point(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c;
	int n, i;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	n = p[0] >= 0xF0 && p[0] < 0xF5 ? 3 : p[0] >= 0xE0 ? (p[0] < 0xF0 ?
	    2 : 0) : p[0] >= 0xC2 ? 1 : 0;
	c = n == 3 ? p[0] & 0x07u : n == 2 ? p[0] & 0x0Fu : p[0] & 0x1Fu;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			n = 0;
			break;
		}
		c = (c << 6) | (p[i] & 0x3Fu);
	}
	if (n == 0) {
		*s = p + 1;
		return p[0];
	}
	*s = p + n + 1;
	return c;
}

/* Append code point c to out as UTF-8 (raw bytes 0x80-0xFF as bytes). */
static int
put(char *out, size_t outlen, size_t *at, uint32_t c, int raw)
{
	unsigned char b[4];
	size_t n;

	if (c < 0x80 || raw) {
		b[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (unsigned char)(0xC0 | (c >> 6));
		b[1] = (unsigned char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (c >> 12));
		b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | (c >> 18));
		b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (c & 0x3F));
		n = 4;
	}
	if (*at + n >= outlen)
		return -1;
	memcpy(out + *at, b, n);
	*at += n;
	return 0;
}

static uint32_t
fold(uint32_t c)
{
	size_t i;

	if (c >= 0xFF01 && c <= 0xFF5E)
		c -= 0xFEE0;			/* fullwidth ASCII */
	else if ((c >= 0x2000 && c <= 0x200D))
		c = ' ';
	else if (c >= 0x2010 && c <= 0x2015)
		c = '-';
	else
		for (i = 0; i < sizeof(look_alikes) / sizeof(look_alikes[0]);
		    i++)
			if (look_alikes[i].from == c) {
				c = (unsigned char)look_alikes[i].to;
				break;
			}
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	else if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		c += 0x20;			/* Latin-1 capitals */
	return c;
}

int
beneficiary_ref_normalise(const char *in, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	const unsigned char *start;
	size_t at = 0;
	uint32_t c;
	int raw;

	if (outlen == 0)
		return -1;
	while (*s != '\0') {
		start = s;
		c = next_code_point(&s);
		/* A lone byte came back as itself: keep it as a byte. */
		raw = c >= 0x80 && c <= 0xFF && s == start + 1;
		if (!raw)
			c = fold(c);
		if (c == ' ' || c == '\t' || c == '-')
			continue;
		if (put(out, outlen, &at, c, raw) != 0)
			return -1;
	}
	out[at] = '\0';
	return at == 0 ? -1 : 0;
}
