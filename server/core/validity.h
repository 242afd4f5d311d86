/* validity.h -- how long a programme's vouchers stay valid: a pure rule, no I/O.
 *
 * Two kinds of rule, written as text in a programme's settings:
 *   "year-end+D"  valid until 31 December of the year of issue, 23:59:59
 *                 in Paris, plus D days of tolerance (0..366)
 *   "days:N"      valid for N days (1..3660) from the second of issue
 */
#ifndef PN_VALIDITY_H
#define PN_VALIDITY_H

#include <stdint.h>

enum validity_kind {
	VALIDITY_YEAR_END,
	VALIDITY_DAYS
};

struct validity_rule {
	enum validity_kind kind;
	unsigned days;		/* tolerance for YEAR_END, length for DAYS */
};

/* Parse a rule's text. Returns 0, or -1 when it is neither form. */
int validity_parse(const char *text, struct validity_rule *rule);

/* Write the rule's text form ("year-end+31", "days:90") into buf. */
void validity_format(const struct validity_rule *rule, char *buf,
    unsigned len);

/*
 * The expiry (last valid second, Unix time) of a voucher issued at
 * issued_at under rule. Vouchers carry 32-bit times: returns -1 when the
 * expiry would not fit.
 */
int64_t validity_expiry(const struct validity_rule *rule, int64_t issued_at);

#endif
