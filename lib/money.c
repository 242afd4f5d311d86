/* money.c -- euro amounts held as integer cents: printed, and read as typed. */
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

/* The length of the space at t (plain, no-break, narrow no-break), or 0. */
static size_t
space_len(const char *t)
{
	if (*t == ' ')
		return 1;
	if (strncmp(t, NBSP, 2) == 0)
		return 2;
	if (strncmp(t, NNBSP, 3) == 0)
		return 3;
	return 0;
}

int
pn_money_parse(const char *text, int64_t max, int64_t *cents)
{
	const char *t = text, *end = text + strlen(text);
	int64_t euros = 0, frac = 0;
	size_t n, digits = 0, decimals = 0;

	*cents = 0;
	while ((n = space_len(t)) != 0)
		t += n;
	/* The end: trailing spaces, then a euro sign, then spaces again. */
	for (;;) {
		if (end > t && end[-1] == ' ')
			end--;
		else if (end - t >= 2 && strncmp(end - 2, NBSP, 2) == 0)
			end -= 2;
		else if (end - t >= 3 && (strncmp(end - 3, NNBSP, 3) == 0 ||
		    strncmp(end - 3, "\xe2\x82\xac", 3) == 0))
			end -= 3;
		else
			break;
	}
	while (t < end) {
		if (*t >= '0' && *t <= '9') {
			/* So that euros * 100 still fits. */
			if (euros > (INT64_MAX / 100 - (*t - '0')) / 10)
				return -1;
			euros = euros * 10 + (*t++ - '0');
			digits++;
		} else if (digits > 0 && (n = space_len(t)) != 0 &&
		    t + n < end && t[n] >= '0' && t[n] <= '9')
			t += n;		/* a group's space, between digits */
		else
			break;
	}
	if (digits == 0)
		return -1;
	if (t < end && (*t == ',' || *t == '.')) {
		for (t++; t < end && *t >= '0' && *t <= '9' && decimals < 2;
		    t++, decimals++)
			frac = frac * 10 + (*t - '0');
		if (decimals == 0)
			return -1;
		if (decimals == 1)
			frac *= 10;
	}
	if (t != end || euros > max / 100 || euros * 100 > max - frac)
		return -1;
	*cents = euros * 100 + frac;
	return 0;
}
