/* epc_text.h -- text for SEPA fields: the EPC's basic Latin character set.
 *
 * The EPC lets every SEPA bank refuse any character outside
 *
 *     a-z A-Z 0-9 / - ? : ( ) . , ' + space
 *
 * so names and remittance text are transliterated into that set before
 * they go into a payment file, and references (message, payment and
 * end-to-end identifiers) are checked against it. Pure functions: the
 * same bytes always give the same text, whatever the locale.
 *
 * Transliteration, character by character (docs/settlement-formats.md
 * has the whole table):
 *   - letters with diacritics lose them (é -> e, È -> E, ç -> c, ÿ -> y),
 *     ligatures and special letters are spelt out (œ -> oe, Æ -> AE,
 *     ß -> ss, Þ -> TH); all of Latin-1 Supplement, Latin Extended-A and
 *     Latin Extended Additional, most of Latin Extended-B; combining marks
 *     are dropped, so decomposed text (e + U+0301) gives the same result;
 *   - typographic apostrophes and quotes, and '"' and '`', become ''',
 *     guillemets too; hyphens, dashes and the minus sign become '-';
 *     '&' becomes '+' (one character for one, and the sign banks
 *     themselves use), '…' becomes "...", '€' "EUR";
 *   - a few ASCII signs take their nearest mark: [ { < -> (, ] } > -> ),
 *     \ | -> /, ; -> ',', ! -> '.', _ -> '-';
 *   - every space and control character, and anything else that has no
 *     sensible spelling in the set (#, %, @, *, other scripts, symbols,
 *     emoji) becomes a space: a '.' or '?' would read as punctuation that
 *     was never there, and a name that is nothing but such characters
 *     comes out empty, which the caller refuses, rather than as "....";
 *   - soft hyphens, zero-width spaces and joiners, and byte order marks
 *     are dropped;
 *   - then runs of spaces become one and the ends are trimmed.
 * The result is never longer than the input, byte for byte.
 */
#ifndef PN_EPC_TEXT_H
#define PN_EPC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "passnum/error.h"

#define EPC_REF_MAX		35	/* Max35Text identifiers */
#define EPC_NAME_MAX		70	/* Nm of a party */
#define EPC_REMITTANCE_MAX	140	/* RmtInf/Ustrd */

/* c is one of the EPC's basic Latin characters. */
bool epc_char_valid(int c);

/* Every character of the NUL-terminated s is in the EPC set. */
bool epc_text_valid(const char *s);

/*
 * s (len bytes) is UTF-8 with no overlong form, surrogate or code point
 * beyond U+10FFFF. When it is not, *bad (if not NULL) is the offset of
 * the first byte of the first sequence that is not.
 */
bool epc_utf8_valid(const char *s, size_t len, size_t *bad);

/*
 * Transliterate the UTF-8 text in (len bytes; NUL bytes count as control
 * characters) into the EPC set, NUL-terminated, into out (size bytes;
 * len + 1 always suffices). Returns the length written, or -1 with err
 * set and out empty: PN_E_FORMAT naming the byte offset when in is not
 * UTF-8, PN_E_ARG when out is too small. The result may be empty.
 */
long epc_transliterate(const char *in, size_t len, char *out, size_t size,
    struct pn_error *err);

/*
 * Cut the EPC text s (as epc_transliterate() leaves it) in place to at
 * most max characters. The cut falls at the last space that keeps it
 * within max, so that no word is cut needlessly; only when the first max
 * characters hold no space at all is a word cut, at max. Spaces and the
 * separators " - , : / ( +" left at the new end are removed. Returns the
 * new length; s is unchanged when it was short enough.
 */
size_t epc_truncate(char *s, size_t max);

/*
 * A field of at most max characters from the UTF-8 text in:
 * epc_transliterate() then epc_truncate(). out has size bytes, at least
 * max + 1. Returns the length (0 when nothing representable was left),
 * or -1 with err set.
 */
long epc_field(const char *in, size_t max, char *out, size_t size,
    struct pn_error *err);

/*
 * The rule an EPC reference (MsgId, PmtInfId, EndToEndId...) breaks, as
 * English text for a message ("starts with '/'"), or NULL when ref is a
 * valid one: 1 to 35 characters of the EPC set, no space (banks do not
 * agree on keeping one), not starting or ending with '/', no "//".
 */
const char *epc_ref_check(const char *ref);

/* epc_ref_check(ref) == NULL. */
bool epc_ref_valid(const char *ref);

#endif
