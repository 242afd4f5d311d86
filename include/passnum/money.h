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

/*
 * Parse an amount of euros as a person types it, into *cents: "12",
 * "12,5", "1 234,50 €", "1234.50". Digits may be grouped by spaces
 * (plain, no-break or narrow no-break, as pn_money_format() writes
 * them) between digits only; a comma or a point comes before one or two
 * decimals; a euro sign may end it. No sign: amounts here are never
 * negative. 0, or -1 when text is not such an amount or is over max.
 */
int pn_money_parse(const char *text, int64_t max, int64_t *cents);

#endif
