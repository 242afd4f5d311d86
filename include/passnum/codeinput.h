/* codeinput.h -- a voucher code as a scanner or a person hands it over. */
#ifndef PASSNUM_CODEINPUT_H
#define PASSNUM_CODEINPUT_H

#include <stddef.h>

#define PN_CODE_INPUT_MAX 1024

/*
 * Remove the line ending a keyboard-wedge scanner sends (CR, LF or both)
 * from the end of s. Spaces are kept: a space is a Base45 character.
 */
void pn_code_chomp(char *s, size_t *len);

/*
 * Take a code from a command-line argument, or one line of standard input
 * when arg is "-". Lines longer than cap - 1 are refused rather than cut.
 * Returns 0, or -1 with a message in buf.
 */
int pn_code_input(const char *arg, char *buf, size_t cap, size_t *len);

#endif
