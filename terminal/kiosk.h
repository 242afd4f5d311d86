/* kiosk.h -- scan --kiosk: a screen at the entrance, the verdict filling it. */
#ifndef PN_TERM_KIOSK_H
#define PN_TERM_KIOSK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "verdict.h"

/* What stays on screen whatever the last verdict. */
struct kiosk_view {
	const char *venue;
	unsigned long long terminal;
	char session[320];	/* theme, start and length of the session */
	size_t accepted;	/* offline ones included */
	size_t offline;
	size_t refused;
	int64_t cents;
};

/*
 * Clear the screen and draw the header (venue, session, counters), then
 * the verdict in large letters on its colour across the screen, its text
 * below, or a waiting band when v is NULL. The last rows are left to
 * scroll (messages, the prompt): the cursor is put there. A refusal rings
 * three times, an offline acceptance or an error once.
 */
void kiosk_show(FILE *out, const struct kiosk_view *k, const struct verdict *v);

/* Give the terminal its whole screen back to scroll (at the end). */
void kiosk_end(FILE *out);

#endif
