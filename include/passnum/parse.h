/* parse.h -- numbers as operators type them on command lines. */
#ifndef PASSNUM_PARSE_H
#define PASSNUM_PARSE_H

#include <stdint.h>

/*
 * Parse a decimal integer in 0..max: digits only, no sign, no spaces, no
 * trailing text. Returns 0, or -1 (and leaves *out alone).
 */
int pn_parse_u64(const char *s, uint64_t max, uint64_t *out);

#endif
