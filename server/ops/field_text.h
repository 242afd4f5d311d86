/* field_text.h -- the rule of a short text field of the Département's records (names, addresses, reasons).
 *
 * The store keeps such texts in fixed buffers when it reads them back: a
 * longer one would come back cut, maybe in the middle of a letter, so it
 * is refused instead; a control character would let a name forge a line
 * of a listing or of the audit log.
 */
#ifndef PN_FIELD_TEXT_H
#define PN_FIELD_TEXT_H

#include <stddef.h>

#include "op.h"

/*
 * ERR_NONE when text is 1 to max bytes without control characters; else
 * ERR_INVALID_FIELD naming field, with the detail "FIELD: 1 to MAX bytes"
 * (also for NULL) or "FIELD: no control characters".
 */
enum err_code field_text_check(const char *field, const char *text,
    size_t max, struct op_refusal *why);

#endif
