/* timefmt.h -- dates as operators type them and as reports print them. */
#ifndef PASSNUM_TIMEFMT_H
#define PASSNUM_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define PN_TIME_TEXT_MAX 32

/*
 * Parse a point in time, in UTC: "2026-12-31" (midnight UTC starting that
 * day), "2026-12-31T23:59:59Z", or "@1798761599" (Unix seconds). Anything
 * else, or an impossible date such as 2026-02-30, returns -1.
 */
int pn_time_parse(const char *s, int64_t *out);

/* Format t as "2026-12-31T23:59:59Z" into buf. */
void pn_time_format(int64_t t, char buf[PN_TIME_TEXT_MAX]);

/* Format t as a French local date, "31/12/2026", in the machine's zone. */
void pn_time_format_fr_date(int64_t t, char buf[PN_TIME_TEXT_MAX]);

/*
 * Format t as the date it is in Paris, "31/12/2026", whatever the
 * machine's zone (a server's is often UTC) and without the time zone
 * database: UTC+1, and UTC+2 from the last Sunday of March to the last
 * Sunday of October, 01:00 UTC both, the rule of the European Union since
 * 1996 (earlier dates follow it too).
 */
void pn_time_format_paris_date(int64_t t, char buf[PN_TIME_TEXT_MAX]);

#endif
