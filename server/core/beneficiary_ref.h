/* beneficiary_ref.h -- one spelling for a beneficiary's file reference, before it is hashed. */
#ifndef PN_BENEFICIARY_REF_H
#define PN_BENEFICIARY_REF_H

#include <stddef.h>

/*
 * The normal form of a caseworker's file reference (UTF-8), so that the
 * spellings of one reference are one person for the per-person limit:
 *
 *  1. Look-alikes are folded (a small explicit table, docs/api.md):
 *     fullwidth ASCII (U+FF01-U+FF5E) to ASCII; the Unicode dashes and
 *     minus (U+00AD, U+2010-U+2015, U+2212, U+FE58, U+FE63) to '-'; the
 *     Unicode spaces and invisible joiners (U+00A0, U+2000-U+200D,
 *     U+202F, U+205F, U+2060, U+3000, U+FEFF) to a space; the Cyrillic
 *     and Greek capitals and small letters drawn like Latin ones (А В Е
 *     К М Н О Р С Т Х, а е о р с у х, І і Ј ј Ѕ ѕ; Α Β Ε Ζ Η Ι Κ Μ Ν Ο
 *     Ρ Τ Υ Χ, ο) to those Latin letters.
 *  2. Spaces, tabs and dashes are removed, wherever they are.
 *  3. Letters are case-folded: A-Z and the Latin-1 capitals À-Þ (not ×)
 *     to small letters. Accents are kept: "é" is not "e".
 *
 * Anything else is kept as it is. Writes the result to out (outlen bytes
 * with its NUL; 4 times the input's length is always enough). Returns 0,
 * or -1 when nothing is left (the reference had no letter or digit) or
 * out is too small.
 */
int beneficiary_ref_normalise(const char *in, char *out, size_t outlen);

#endif
