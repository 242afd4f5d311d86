/* epc_text.c -- transliterating UTF-8 into the EPC's basic Latin set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "epc_text.h"

/*
 * What each character of U+00A0 to U+024F becomes: Latin-1 Supplement,
 * Latin Extended-A and Extended-B. "" drops the character (the soft
 * hyphen); " " is a space, also for what has no spelling in the set.
 * Letters come from their Unicode decomposition with the marks taken
 * away, and those that have none (Æ, Ð, Ø, Þ, ß, Đ, Ħ, ı, Ĳ, ĸ, Ŀ, Ł, ŉ,
 * Ŋ, Œ, Ŧ, ſ, ...) from their name: "with stroke", "with hook" or "bar"
 * leave the base letter. No entry is longer than the character's UTF-8,
 * which keeps the result no longer than its input.
 */
static const char latin[0x250 - 0xA0][3] = {
	/* 00A0 */ " ", " ", " ", " ", " ", " ", "/", " ",
	/* 00A8 */ " ", " ", "a", "'", "-", "", " ", "-",
	/* 00B0 */ "o", "+", "2", "3", "'", "u", " ", ".",
	/* 00B8 */ " ", "1", "o", "'", " ", " ", " ", "?",
	/* 00C0 */ "A", "A", "A", "A", "A", "A", "AE", "C",
	/* 00C8 */ "E", "E", "E", "E", "I", "I", "I", "I",
	/* 00D0 */ "D", "N", "O", "O", "O", "O", "O", "x",
	/* 00D8 */ "O", "U", "U", "U", "U", "Y", "TH", "ss",
	/* 00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* 00E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* 00F0 */ "d", "n", "o", "o", "o", "o", "o", "/",
	/* 00F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	/* 0100 */ "A", "a", "A", "a", "A", "a", "C", "c",
	/* 0108 */ "C", "c", "C", "c", "C", "c", "D", "d",
	/* 0110 */ "D", "d", "E", "e", "E", "e", "E", "e",
	/* 0118 */ "E", "e", "E", "e", "G", "g", "G", "g",
	/* 0120 */ "G", "g", "G", "g", "H", "h", "H", "h",
	/* 0128 */ "I", "i", "I", "i", "I", "i", "I", "i",
	/* 0130 */ "I", "i", "IJ", "ij", "J", "j", "K", "k",
	/* 0138 */ "k", "L", "l", "L", "l", "L", "l", "L",
	/* 0140 */ "l", "L", "l", "N", "n", "N", "n", "N",
	/* 0148 */ "n", "'n", "N", "n", "O", "o", "O", "o",
	/* 0150 */ "O", "o", "OE", "oe", "R", "r", "R", "r",
	/* 0158 */ "R", "r", "S", "s", "S", "s", "S", "s",
	/* 0160 */ "S", "s", "T", "t", "T", "t", "T", "t",
	/* 0168 */ "U", "u", "U", "u", "U", "u", "U", "u",
	/* 0170 */ "U", "u", "U", "u", "W", "w", "Y", "y",
	/* 0178 */ "Y", "Z", "z", "Z", "z", "Z", "z", "s",
	/* 0180 */ "b", "B", "B", "b", " ", " ", " ", "C",
	/* 0188 */ "c", " ", "D", "D", "d", " ", " ", " ",
	/* 0190 */ " ", "F", "f", "G", " ", " ", " ", "I",
	/* 0198 */ "K", "k", "l", " ", " ", "N", "n", "O",
	/* 01A0 */ "O", "o", " ", " ", "P", "p", " ", " ",
	/* 01A8 */ " ", " ", " ", "t", "T", "t", "T", "U",
	/* 01B0 */ "u", " ", "V", "Y", "y", "Z", "z", " ",
	/* 01B8 */ " ", " ", " ", " ", " ", " ", " ", " ",
	/* 01C0 */ " ", " ", " ", " ", "DZ", "Dz", "dz", "LJ",
	/* 01C8 */ "Lj", "lj", "NJ", "Nj", "nj", "A", "a", "I",
	/* 01D0 */ "i", "O", "o", "U", "u", "U", "u", "U",
	/* 01D8 */ "u", "U", "u", "U", "u", " ", "A", "a",
	/* 01E0 */ "A", "a", "AE", "ae", "G", "g", "G", "g",
	/* 01E8 */ "K", "k", "O", "o", "O", "o", " ", " ",
	/* 01F0 */ "j", "DZ", "Dz", "dz", "G", "g", " ", " ",
	/* 01F8 */ "N", "n", "A", "a", "AE", "ae", "O", "o",
	/* 0200 */ "A", "a", "A", "a", "E", "e", "E", "e",
	/* 0208 */ "I", "i", "I", "i", "O", "o", "O", "o",
	/* 0210 */ "R", "r", "R", "r", "U", "u", "U", "u",
	/* 0218 */ "S", "s", "T", "t", " ", " ", "H", "h",
	/* 0220 */ "N", "d", " ", " ", "Z", "z", "A", "a",
	/* 0228 */ "E", "e", "O", "o", "O", "o", "O", "o",
	/* 0230 */ "O", "o", "Y", "y", "l", "n", "t", " ",
	/* 0238 */ " ", " ", "A", "C", "c", "L", "T", "s",
	/* 0240 */ "z", " ", " ", "B", "U", " ", "E", "e",
	/* 0248 */ "J", "j", " ", "q", "R", "r", "Y", "y",
};

/* U+1E00 to U+1EFF, Latin Extended Additional (Vietnamese, Welsh...). */
static const char latin_additional[0x1F00 - 0x1E00][3] = {
	/* 1E00 */ "A", "a", "B", "b", "B", "b", "B", "b",
	/* 1E08 */ "C", "c", "D", "d", "D", "d", "D", "d",
	/* 1E10 */ "D", "d", "D", "d", "E", "e", "E", "e",
	/* 1E18 */ "E", "e", "E", "e", "E", "e", "F", "f",
	/* 1E20 */ "G", "g", "H", "h", "H", "h", "H", "h",
	/* 1E28 */ "H", "h", "H", "h", "I", "i", "I", "i",
	/* 1E30 */ "K", "k", "K", "k", "K", "k", "L", "l",
	/* 1E38 */ "L", "l", "L", "l", "L", "l", "M", "m",
	/* 1E40 */ "M", "m", "M", "m", "N", "n", "N", "n",
	/* 1E48 */ "N", "n", "N", "n", "O", "o", "O", "o",
	/* 1E50 */ "O", "o", "O", "o", "P", "p", "P", "p",
	/* 1E58 */ "R", "r", "R", "r", "R", "r", "R", "r",
	/* 1E60 */ "S", "s", "S", "s", "S", "s", "S", "s",
	/* 1E68 */ "S", "s", "T", "t", "T", "t", "T", "t",
	/* 1E70 */ "T", "t", "U", "u", "U", "u", "U", "u",
	/* 1E78 */ "U", "u", "U", "u", "V", "v", "V", "v",
	/* 1E80 */ "W", "w", "W", "w", "W", "w", "W", "w",
	/* 1E88 */ "W", "w", "X", "x", "X", "x", "Y", "y",
	/* 1E90 */ "Z", "z", "Z", "z", "Z", "z", "h", "t",
	/* 1E98 */ "w", "y", "a", "s", "s", "s", "SS", " ",
	/* 1EA0 */ "A", "a", "A", "a", "A", "a", "A", "a",
	/* 1EA8 */ "A", "a", "A", "a", "A", "a", "A", "a",
	/* 1EB0 */ "A", "a", "A", "a", "A", "a", "A", "a",
	/* 1EB8 */ "E", "e", "E", "e", "E", "e", "E", "e",
	/* 1EC0 */ "E", "e", "E", "e", "E", "e", "E", "e",
	/* 1EC8 */ "I", "i", "I", "i", "O", "o", "O", "o",
	/* 1ED0 */ "O", "o", "O", "o", "O", "o", "O", "o",
	/* 1ED8 */ "O", "o", "O", "o", "O", "o", "O", "o",
	/* 1EE0 */ "O", "o", "O", "o", "U", "u", "U", "u",
	/* 1EE8 */ "U", "u", "U", "u", "U", "u", "U", "u",
	/* 1EF0 */ "U", "u", "Y", "y", "Y", "y", "Y", "y",
	/* 1EF8 */ "Y", "y", " ", " ", " ", " ", "Y", "y",
};

/* The f, s and t ligatures of U+FB00 to U+FB06. */
static const char ligatures[7][4] = {
	"ff", "fi", "fl", "ffi", "ffl", "st", "st"
};

bool
epc_char_valid(int c)
{
	if (c <= 0 || c >= 0x80)
		return false;
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("/-?:().,'+ ", c) != NULL;
}

bool
epc_text_valid(const char *s)
{
	for (; *s != '\0'; s++)
		if (!epc_char_valid((unsigned char)*s))
			return false;
	return true;
}

/* What the ASCII character c becomes: itself, its nearest mark, a space. */
static char
ascii_map(unsigned char c)
{
	if (epc_char_valid(c))
		return (char)c;
	switch (c) {
	case '"':
	case '`':
		return '\'';
	case '&':
		return '+';
	case '[':
	case '{':
	case '<':
		return '(';
	case ']':
	case '}':
	case '>':
		return ')';
	case '\\':
	case '|':
		return '/';
	case ';':
		return ',';
	case '!':
		return '.';
	case '_':
		return '-';
	default:
		/* Controls, DEL, # $ % * = @ ^ ~. */
		return ' ';
	}
}

/*
 * Decode the code point at s[*i] (len bytes in all) into *cp and move *i
 * past it. Returns -1, *i unchanged, when the bytes there are not UTF-8:
 * a stray continuation byte, a sequence cut short, an overlong form, a
 * surrogate or a code point beyond U+10FFFF.
 */
static int
utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	unsigned char c = s[*i], lo = 0x80, hi = 0xbf;
	size_t more, k;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		(*i)++;
		return 0;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		more = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		more = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		more = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f;	/* beyond U+10FFFF */
	} else
		return -1;
	if (len - *i <= more)
		return -1;
	for (k = 1; k <= more; k++) {
		unsigned char b = s[*i + k];

		if (k == 1 ? (b < lo || b > hi) : (b & 0xc0) != 0x80)
			return -1;
		v = (v << 6) | (b & 0x3f);
	}
	*cp = v;
	*i += more + 1;
	return 0;
}

bool
epc_utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	uint32_t cp;

	while (i < len)
		if (utf8_next((const unsigned char *)s, len, &i, &cp) != 0) {
			if (bad != NULL)
				*bad = i;
			return false;
		}
	return true;
}

/*
 * What the code point cp becomes: a string of EPC characters, "" for
 * nothing. buf (2 bytes) holds one-character answers.
 */
static const char *
map_cp(uint32_t cp, char buf[2])
{
	buf[1] = '\0';
	if (cp < 0x80) {
		buf[0] = ascii_map((unsigned char)cp);
		return buf;
	}
	if (cp >= 0xa0 && cp < 0x250)
		return latin[cp - 0xa0];
	if (cp >= 0x1e00 && cp < 0x1f00)
		return latin_additional[cp - 0x1e00];
	if (cp >= 0xfb00 && cp <= 0xfb06)
		return ligatures[cp - 0xfb00];
	/* Fullwidth forms of ASCII, as East Asian keyboards type them. */
	if (cp >= 0xff01 && cp <= 0xff5e) {
		buf[0] = ascii_map((unsigned char)(cp - 0xfee0));
		return buf;
	}
	/* Combining marks: what they sit on is already written. */
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f))
		return "";
	switch (cp) {
	case 0x200b:	/* zero width space */
	case 0x200c:	/* zero width non-joiner */
	case 0x200d:	/* zero width joiner */
	case 0x200e:	/* left-to-right mark */
	case 0x200f:	/* right-to-left mark */
	case 0x2060:	/* word joiner */
	case 0xfeff:	/* byte order mark, zero width no-break space */
		return "";
	case 0x2bc:	/* modifier letter apostrophe */
	case 0x2b9:	/* modifier letter prime */
	case 0x2bb:	/* modifier letter turned comma */
	case 0x2018:	/* left single quotation mark */
	case 0x2019:	/* right single quotation mark, the apostrophe */
	case 0x201a:	/* single low-9 quotation mark */
	case 0x201b:	/* single high-reversed-9 quotation mark */
	case 0x201c:	/* left double quotation mark */
	case 0x201d:	/* right double quotation mark */
	case 0x201e:	/* double low-9 quotation mark */
	case 0x201f:	/* double high-reversed-9 quotation mark */
	case 0x2032:	/* prime */
	case 0x2033:	/* double prime */
	case 0x2039:	/* single left-pointing angle quotation mark */
	case 0x203a:	/* single right-pointing angle quotation mark */
		return "'";
	case 0x2010:	/* hyphen */
	case 0x2011:	/* non-breaking hyphen */
	case 0x2012:	/* figure dash */
	case 0x2013:	/* en dash */
	case 0x2014:	/* em dash */
	case 0x2015:	/* horizontal bar */
	case 0x2043:	/* hyphen bullet */
	case 0x2212:	/* minus sign */
		return "-";
	case 0x2024:	/* one dot leader */
		return ".";
	case 0x2025:	/* two dot leader */
		return "..";
	case 0x2026:	/* horizontal ellipsis */
		return "...";
	case 0x2044:	/* fraction slash */
	case 0x2215:	/* division slash */
		return "/";
	case 0x20ac:	/* euro sign */
		return "EUR";
	case 0x2116:	/* numero sign */
		return "No";
	default:
		/*
		 * Spaces of every width (U+2000-U+200A, U+202F, U+205F,
		 * U+3000), line and paragraph separators, C1 controls,
		 * other scripts, symbols: a space.
		 */
		return " ";
	}
}

long
epc_transliterate(const char *in, size_t len, char *out, size_t size,
    struct pn_error *err)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, at;
	uint32_t cp;
	char one[2];
	const char *t;

	if (size == 0)
		return pn_error_set(err, PN_E_ARG, "no room for the text");
	out[0] = '\0';
	while (i < len) {
		at = i;
		if (utf8_next(s, len, &i, &cp) != 0) {
			out[0] = '\0';
			return pn_error_set(err, PN_E_FORMAT,
			    "invalid UTF-8 at byte %zu", at);
		}
		for (t = map_cp(cp, one); *t != '\0'; t++) {
			/* One space between words, none at the start. */
			if (*t == ' ' && (o == 0 || out[o - 1] == ' '))
				continue;
			if (o + 1 >= size) {
				out[0] = '\0';
				return pn_error_set(err, PN_E_ARG, "the text is "
				    "longer than the %zu bytes it may take",
				    size - 1);
			}
			out[o++] = *t;
		}
	}
	if (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return (long)o;
}

/* c may be left at the end of a cut text: a space or a separator. */
static bool
dangling(char c)
{
	return c == ' ' || c == '-' || c == ',' || c == ':' || c == '/' ||
	    c == '(' || c == '+';
}

size_t
epc_truncate(char *s, size_t max)
{
	size_t n = strlen(s), cut = max, i;

	if (n <= max)
		return n;
	if (s[max] != ' ') {
		/* Back to the space before the word the limit falls in. */
		for (i = max; i > 0 && s[i - 1] != ' '; i--)
			;
		if (i > 0)
			cut = i - 1;
	}
	while (cut > 0 && dangling(s[cut - 1]))
		cut--;
	if (cut == 0) {
		/* Nothing but separators before the limit: keep them. */
		cut = max;
		while (cut > 0 && s[cut - 1] == ' ')
			cut--;
	}
	s[cut] = '\0';
	return cut;
}

long
epc_field(const char *in, size_t max, char *out, size_t size,
    struct pn_error *err)
{
	size_t len = strlen(in);
	char *tmp;
	long n;

	if (size <= max)
		return pn_error_set(err, PN_E_ARG, "no room for %zu characters",
		    max);
	if ((tmp = malloc(len + 1)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	if ((n = epc_transliterate(in, len, tmp, len + 1, err)) >= 0) {
		n = (long)epc_truncate(tmp, max);
		memcpy(out, tmp, (size_t)n + 1);
	} else
		out[0] = '\0';
	free(tmp);
	return n;
}

const char *
epc_ref_check(const char *ref)
{
	size_t n = strlen(ref), i;

	if (n == 0)
		return "is empty";
	if (n > EPC_REF_MAX)
		return "is longer than 35 characters";
	for (i = 0; i < n; i++)
		if (ref[i] == ' ' || !epc_char_valid((unsigned char)ref[i]))
			return "holds a character other than a-z A-Z 0-9 "
			    "/ - ? : ( ) . , ' +";
	if (ref[0] == '/')
		return "starts with '/'";
	if (ref[n - 1] == '/')
		return "ends with '/'";
	if (strstr(ref, "//") != NULL)
		return "contains \"//\"";
	return NULL;
}

bool
epc_ref_valid(const char *ref)
{
	return epc_ref_check(ref) == NULL;
}
