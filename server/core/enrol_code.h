/* enrol_code.h -- the one-time code that lets a terminal enrol for a venue. */
#ifndef PN_ENROL_CODE_H
#define PN_ENROL_CODE_H

#include <stdint.h>

#include "store.h"

/*
 * Twelve characters of Crockford's Base32 (no I, L, O, U: nothing to
 * misread on a phone call), 60 random bits, shown as "K7QM-2XHD-9RTW".
 */
#define ENROL_CODE_CHARS 12
#define ENROL_CODE_TEXT_MAX 16	/* with its two dashes and the NUL */

/* A fresh code's text and the hash the store keeps. 0, or -1. */
int enrol_code_new(char text[ENROL_CODE_TEXT_MAX],
    uint8_t hash[STORE_HASH_SIZE]);

/*
 * The hash of a code as typed: spaces and dashes are ignored, small
 * letters taken as capitals, and I, L, O read as 1, 1, 0. 0, or -1 when
 * it is not twelve characters of the alphabet.
 */
int enrol_code_hash(const char *typed, uint8_t hash[STORE_HASH_SIZE]);

#endif
