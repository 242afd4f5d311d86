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

/*
 * Parse a time of day as a venue types it, in Paris time: "14:30" (that
 * time on the day it is in Paris at now), "2026-12-06 14:30" or
 * "2026-12-06T14:30". When summer time ends, a time that happens twice
 * is its first; a time summer time skips, or anything else, returns -1.
 */
int pn_paris_time_parse(const char *s, int64_t now, int64_t *out);

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

/* Format t as its date and time in Paris, "31/12/2026 23:59" (24-hour). */
void pn_time_format_paris(int64_t t, char buf[PN_TIME_TEXT_MAX]);

/*
 * Parse a month as "2026-11" (year from 1970, month 01-12). Returns 0, or
 * -1 for anything else.
 */
int pn_month_parse(const char *s, int *year, int *month);

/*
 * Parse a quarter as "2026-T4" (French: trimestre) or "2026-Q4" (year
 * from 1970, quarter 1-4). Returns 0, or -1 for anything else.
 */
int pn_quarter_parse(const char *s, int *year, int *quarter);

/* A duration as the venue reads it: "45 min", "2 h", "1 h 30". */
void pn_duration_format(unsigned minutes, char *out, size_t cap);

/* The month (1-12) and year it is in Paris at t. */
void pn_paris_month_of(int64_t t, int *year, int *month);

/*
 * The Unix times of midnight in Paris starting the first day of month
 * (1-12) of year, *from, and starting the next month, *to: the month is
 * [*from, *to). Returns 0, or -1 for a year outside 1970-9999 or a month
 * outside 1-12.
 */
int pn_paris_month_bounds(int year, int month, int64_t *from, int64_t *to);

#endif
