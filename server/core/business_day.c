/* business_day.c -- TARGET2 closing days, Easter, and counting days. */
#include <stdint.h>

#include "business_day.h"

#define GREGORIAN_FROM	1583	/* the first whole Gregorian year */

static bool
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int64_t y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

static bool
date_valid(int y, int m, int d)
{
	return y >= GREGORIAN_FROM && m >= 1 && m <= 12 && d >= 1 &&
	    d <= month_days(y, m);
}

/*
 * Days from 1970-01-01 to y-m-d, and back: the civil calendar algorithms
 * of Howard Hinnant ("chrono-compatible low-level date algorithms"),
 * with March as the first month of a 400-year era's years.
 */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/*
 * Easter Sunday of year y, as days from 1970-01-01: the anonymous
 * Gregorian algorithm (Meeus/Jones/Butcher).
 */
static int64_t
easter(int64_t y)
{
	int64_t a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int64_t f = (b + 8) / 25, g = (b - f + 1) / 3;
	int64_t h = (19 * a + b - d - g + 15) % 30;
	int64_t i = c / 4, k = c % 4;
	int64_t l = (32 + 2 * e + 2 * i - h - k) % 7;
	int64_t m = (a + 11 * h + 22 * l) / 451;
	int64_t month = (h + l - 7 * m + 114) / 31;
	int64_t day = (h + l - 7 * m + 114) % 31 + 1;

	return days_from_civil(y, (int)month, (int)day);
}

/* The day z (days from 1970-01-01, of year y, month m, day d) is open. */
static bool
open_day(int64_t z, int64_t y, int m, int d)
{
	/* 1970-01-01 was a Thursday: weekday 0 is Monday. */
	int64_t wd = ((z % 7) + 7 + 3) % 7;
	int64_t e;

	if (wd >= 5)
		return false;
	if ((m == 1 && d == 1) || (m == 5 && d == 1) ||
	    (m == 12 && (d == 25 || d == 26)))
		return false;
	e = easter(y);
	return z != e - 2 && z != e + 1;
}

bool
business_day_is(int year, int month, int day)
{
	if (!date_valid(year, month, day))
		return false;
	return open_day(days_from_civil(year, month, day), year, month, day);
}

void
business_day_after(int year, int month, int day, unsigned days, int *y,
    int *m, int *d)
{
	int64_t z, yy;
	int mm, dd;

	*y = *m = *d = 0;
	if (!date_valid(year, month, day))
		return;
	z = days_from_civil(year, month, day) + days;
	for (;;) {
		civil_from_days(z, &yy, &mm, &dd);
		if (open_day(z, yy, mm, dd))
			break;
		z++;
	}
	/* 2^32 days from year 9999 stays below 12 million. */
	*y = (int)yy;
	*m = mm;
	*d = dd;
}

int
business_day_parse(const char *ymd, int *y, int *m, int *d)
{
	int v[3] = { 0, 0, 0 }, i, f = 0;

	for (i = 0; i < 10; i++) {
		char c = ymd[i];

		if (i == 4 || i == 7) {
			if (c != '-')
				return -1;
			f++;
		} else if (c >= '0' && c <= '9')
			v[f] = v[f] * 10 + (c - '0');
		else
			return -1;
	}
	if (ymd[10] != '\0' || !date_valid(v[0], v[1], v[2]))
		return -1;
	*y = v[0];
	*m = v[1];
	*d = v[2];
	return 0;
}
