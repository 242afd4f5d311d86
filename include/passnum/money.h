/* money.h -- amounts in euro cents, as French readers expect them. */
#ifndef PASSNUM_MONEY_H
#define PASSNUM_MONEY_H

#include <stdint.h>

#define PN_MONEY_TEXT_MAX 64

/*
 * Format cents as "1 234,50 €" (narrow no-break space between thousands,
 * no-break space before the euro sign, as French typography wants).
 * Integer arithmetic only.
 */
void pn_money_format(int64_t cents, char buf[PN_MONEY_TEXT_MAX]);

#endif
