/* linereader.h -- lines from a file descriptor, with a timeout, for the scan loop. */
#ifndef PN_TERM_LINEREADER_H
#define PN_TERM_LINEREADER_H

#include <stdbool.h>
#include <stddef.h>

#include "passnum/codeinput.h"

enum line_status {
	LINE_OK,	/* a line, its ending removed */
	LINE_TIMEOUT,	/* nothing complete within the timeout */
	LINE_TOO_LONG,	/* a line longer than the buffer, dropped whole */
	LINE_EOF	/* end of input (a last line without ending comes first) */
};

struct linereader {
	int fd;
	char buf[PN_CODE_INPUT_MAX];
	size_t len;
	bool dropping;	/* inside a line too long, until its end */
	bool eof;
};

void line_init(struct linereader *lr, int fd);

/*
 * The next line into out (cap bytes with its NUL), waiting at most
 * timeout_ms (-1: forever). A keyboard-wedge scanner types a whole code
 * and Enter at once, so a line is all that is ever needed.
 */
enum line_status line_next(struct linereader *lr, int timeout_ms, char *out,
    size_t cap, size_t *len);

#endif
