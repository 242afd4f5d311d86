/* money.c -- printing euro amounts held as integer cents. */
#include <stdio.h>
#include <string.h>

#include "passnum/money.h"

#define NNBSP "\xe2\x80\xaf"	/* U+202F narrow no-break space */
#define NBSP  "\xc2\xa0"	/* U+00A0 no-break space */

void
pn_money_format(int64_t cents, char buf[PN_MONEY_TEXT_MAX])
{
	char digits[24], grouped[48];
	/* Work on the magnitude as unsigned: INT64_MIN has no positive twin. */
	uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents :
	    (uint64_t)cents;
	size_t n, i, o = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu",
	    (unsigned long long)(mag / 100));
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			memcpy(grouped + o, NNBSP, 3);
			o += 3;
		}
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	(void)snprintf(buf, PN_MONEY_TEXT_MAX, "%s%s,%02u" NBSP "€",
	    cents < 0 ? "-" : "", grouped, (unsigned)(mag % 100));
}
