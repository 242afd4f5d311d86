/* errors.h -- passnumd's error codes, from the table in errors.def. */
#ifndef PN_ERRORS_H
#define PN_ERRORS_H

#include <stdio.h>

enum err_code {
	ERR_NONE = 0,		/* no error: done */
#define ERR(num, name, status, fr, en) ERR_##name = num,
#include "passnum/errors.def"
#undef ERR
};

struct err_info {
	enum err_code code;
	const char *name;
	unsigned status;	/* HTTP status */
	const char *fr;
	const char *en;
};

/* The entry of code; never NULL (unknown codes map to ERR_INTERNAL). */
const struct err_info *err_lookup(enum err_code code);

/* Write the Markdown table of docs/errors.md to out. */
void err_write_markdown(FILE *out);

#endif
