/* verdict.h -- what the venue's staff see after each code: one line in French, coloured on a terminal. */
#ifndef PN_TERM_VERDICT_H
#define PN_TERM_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "passnum/reason.h"

struct pn_voucher;

enum verdict_kind {
	VERDICT_ACCEPTED,	/* the server took it */
	VERDICT_OFFLINE,	/* taken here, to be confirmed at sync */
	VERDICT_REFUSED,	/* do not accept this voucher */
	VERDICT_ERROR		/* the terminal could not decide */
};

#define VERDICT_TEXT_MAX 512

struct verdict {
	enum verdict_kind kind;
	int exit_code;		/* of redeem: see terminal.h */
	char text[VERDICT_TEXT_MAX];
	int64_t cents;		/* an accepted voucher's value, for totals */
};

void verdict_set(struct verdict *v, enum verdict_kind kind, int exit_code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The verdict of the local check: "REFUSÉ — chèque expiré le 31/01/2027 —
 * chèque 0000 0012 3456 7 (motif 43)". v is the decoded voucher, or NULL.
 */
void verdict_from_reason(struct verdict *out, enum pn_reason r,
    const struct pn_voucher *v);

/*
 * This terminal is suspended (server_codes.h, SERVER_CODE_SUSPENDED): the
 * French explanation, and the verdict for a voucher presented meanwhile
 * (exit code TERM_EXIT_SUSPENDED). Told by the terminal itself, because
 * it must be told offline too.
 */
extern const char verdict_suspended_text[];
void verdict_suspended(struct verdict *out);

/* True when out is a terminal and NO_COLOR is not set (no-color.org). */
bool verdict_colour_wanted(FILE *out);

/*
 * Print the verdict: with colour, as a wide coloured banner (green,
 * yellow for offline, red) so that it can be read from a step away; and a
 * bell for anything but an acceptance, to make staff look up.
 */
void verdict_print(FILE *out, const struct verdict *v, bool colour);

#endif
