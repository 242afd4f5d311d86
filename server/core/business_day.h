/* business_day.h -- the TARGET2 calendar, the days SEPA transfers settle on.
 *
 * TARGET2, the Eurosystem's settlement system, is open every day but
 * Saturdays, Sundays, 1 January, Good Friday, Easter Monday, 1 May, 25 and
 * 26 December. A SEPA credit transfer's requested execution date should
 * be one of its business days. French public holidays (14 July, 11
 * November...) are not closing days of TARGET2. Pure arithmetic on the
 * proleptic Gregorian calendar: no clock, no time zone, no table.
 */
#ifndef PN_BUSINESS_DAY_H
#define PN_BUSINESS_DAY_H

#include <stdbool.h>

/*
 * year-month-day is a TARGET2 business day. false too for a date that
 * does not exist (2026-02-30) or a year before 1583, when the Gregorian
 * calendar started and Easter's rule with it.
 */
bool business_day_is(int year, int month, int day);

/*
 * The first business day on or after year-month-day plus days calendar
 * days, into *y, *m, *d. year-month-day must be a real date from 1583
 * (business_day_parse() checks it): otherwise *y, *m, *d are 0.
 */
void business_day_after(int year, int month, int day, unsigned days, int *y,
    int *m, int *d);

/*
 * Parse ymd as "YYYY-MM-DD", exactly ten characters, a date that exists
 * in a year from 1583 to 9999. Returns 0 with *y, *m, *d, or -1.
 */
int business_day_parse(const char *ymd, int *y, int *m, int *d);

#endif
