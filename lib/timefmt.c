/* timefmt.c -- parsing and printing dates. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"

/* Read exactly n digits at s into *v. */
static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
pn_time_parse(const char *s, int64_t *out)
{
	struct tm tm, back;
	size_t len;
	time_t t;
	uint64_t u;

	if (s == NULL)
		return -1;
	if (s[0] == '@') {
		if (pn_parse_u64(s + 1, INT64_MAX, &u) != 0)
			return -1;
		*out = (int64_t)u;
		return 0;
	}
	len = strlen(s);
	if (len != 10 && len != 20)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (digits(s, 4, &tm.tm_year) || s[4] != '-' ||
	    digits(s + 5, 2, &tm.tm_mon) || s[7] != '-' ||
	    digits(s + 8, 2, &tm.tm_mday))
		return -1;
	if (len == 20 && (s[10] != 'T' || digits(s + 11, 2, &tm.tm_hour) ||
	    s[13] != ':' || digits(s + 14, 2, &tm.tm_min) || s[16] != ':' ||
	    digits(s + 17, 2, &tm.tm_sec) || s[19] != 'Z'))
		return -1;
	if (tm.tm_year < 1970)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	t = timegm(&tm);
	/* timegm() normalises 2026-02-30 to March: refuse what moved. */
	if (t == (time_t)-1 || tm.tm_year != back.tm_year ||
	    tm.tm_mon != back.tm_mon || tm.tm_mday != back.tm_mday ||
	    tm.tm_hour != back.tm_hour || tm.tm_min != back.tm_min ||
	    tm.tm_sec != back.tm_sec)
		return -1;
	*out = (int64_t)t;
	return 0;
}

void
pn_time_format(int64_t t, char buf[PN_TIME_TEXT_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, PN_TIME_TEXT_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(buf, PN_TIME_TEXT_MAX, "@%lld", (long long)t);
}

void
pn_time_format_fr_date(int64_t t, char buf[PN_TIME_TEXT_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, PN_TIME_TEXT_MAX, "%d/%m/%Y", &tm) == 0)
		(void)snprintf(buf, PN_TIME_TEXT_MAX, "@%lld", (long long)t);
}

/* 01:00 UTC on the last Sunday of month mon (0-11) of year (tm_year). */
static int64_t
last_sunday_1am(int year, int mon)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year;
	tm.tm_mon = mon;
	tm.tm_mday = 31;		/* March and October have 31 days */
	tm.tm_hour = 1;
	t = timegm(&tm);		/* also sets tm_wday */
	return (int64_t)t - (int64_t)tm.tm_wday * 86400;
}

/*
 * The broken-down time it is in Paris at t (its fields as gmtime_r() fills
 * them). Returns 0, or -1 when the year does not fit struct tm.
 */
static int
paris_tm(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;
	int64_t offset = 3600;

	if (gmtime_r(&tt, tm) == NULL)
		return -1;
	if (t >= last_sunday_1am(tm->tm_year, 2) &&
	    t < last_sunday_1am(tm->tm_year, 9))
		offset = 7200;
	tt = (time_t)(t + offset);
	return gmtime_r(&tt, tm) == NULL ? -1 : 0;
}

/*
 * t in Paris, its date and, when with_time, its hour and minute; "@t"
 * when it cannot be. (Literal formats: -Wformat-nonliteral checks them.)
 */
static void
paris_format(int64_t t, bool with_time, char buf[PN_TIME_TEXT_MAX])
{
	struct tm tm;
	size_t n;

	if (paris_tm(t, &tm) != 0)
		n = 0;
	else if (with_time)
		n = strftime(buf, PN_TIME_TEXT_MAX, "%d/%m/%Y %H:%M", &tm);
	else
		n = strftime(buf, PN_TIME_TEXT_MAX, "%d/%m/%Y", &tm);
	if (n == 0)
		(void)snprintf(buf, PN_TIME_TEXT_MAX, "@%lld", (long long)t);
}

void
pn_time_format_paris_date(int64_t t, char buf[PN_TIME_TEXT_MAX])
{
	paris_format(t, false, buf);
}

void
pn_time_format_paris(int64_t t, char buf[PN_TIME_TEXT_MAX])
{
	paris_format(t, true, buf);
}

int
pn_month_parse(const char *s, int *year, int *month)
{
	int y, m;

	if (s == NULL || strlen(s) != 7 || digits(s, 4, &y) != 0 ||
	    s[4] != '-' || digits(s + 5, 2, &m) != 0 || y < 1970 ||
	    m < 1 || m > 12)
		return -1;
	*year = y;
	*month = m;
	return 0;
}

int
pn_quarter_parse(const char *s, int *year, int *quarter)
{
	int y, q;

	if (s == NULL || strlen(s) != 7 || digits(s, 4, &y) != 0 ||
	    s[4] != '-' || (s[5] != 'T' && s[5] != 'Q') ||
	    digits(s + 6, 1, &q) != 0 || y < 1970 || q < 1 || q > 4)
		return -1;
	*year = y;
	*quarter = q;
	return 0;
}

void
pn_duration_format(unsigned minutes, char *out, size_t cap)
{
	if (minutes < 60)
		(void)snprintf(out, cap, "%u min", minutes);
	else if (minutes % 60 == 0)
		(void)snprintf(out, cap, "%u h", minutes / 60);
	else
		(void)snprintf(out, cap, "%u h %02u", minutes / 60,
		    minutes % 60);
}

int
pn_paris_time_parse(const char *s, int64_t now, int64_t *out)
{
	static const int64_t offsets[] = { 7200, 3600 };	/* summer first */
	struct tm want, back;
	const char *hm = s;
	time_t local;
	int64_t t;
	size_t i;

	if (s == NULL)
		return -1;
	if (strlen(s) == 16 && (s[10] == ' ' || s[10] == 'T')) {
		memset(&want, 0, sizeof(want));
		if (digits(s, 4, &want.tm_year) || s[4] != '-' ||
		    digits(s + 5, 2, &want.tm_mon) || s[7] != '-' ||
		    digits(s + 8, 2, &want.tm_mday) || want.tm_year < 1970)
			return -1;
		want.tm_year -= 1900;
		want.tm_mon -= 1;
		hm = s + 11;
	} else if (strlen(s) != 5 || paris_tm(now, &want) != 0)
		return -1;
	if (digits(hm, 2, &want.tm_hour) || hm[2] != ':' ||
	    digits(hm + 3, 2, &want.tm_min) || want.tm_hour > 23 ||
	    want.tm_min > 59)
		return -1;
	want.tm_sec = 0;
	back = want;
	if ((local = timegm(&back)) == (time_t)-1 ||
	    back.tm_mday != want.tm_mday || back.tm_mon != want.tm_mon)
		return -1;		/* 2026-02-30 */
	/* The UTC time that Paris shows as want: one of its two offsets. */
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		t = (int64_t)local - offsets[i];
		if (paris_tm(t, &back) == 0 && back.tm_hour == want.tm_hour &&
		    back.tm_min == want.tm_min &&
		    back.tm_mday == want.tm_mday) {
			*out = t;
			return 0;
		}
	}
	return -1;
}

void
pn_paris_month_of(int64_t t, int *year, int *month)
{
	struct tm tm;

	if (paris_tm(t, &tm) != 0) {
		*year = 1970;
		*month = 1;
		return;
	}
	*year = tm.tm_year + 1900;
	*month = tm.tm_mon + 1;
}

/* Midnight in Paris starting the first day of month (1-12) of year. */
static int
paris_month_start(int year, int month, int64_t *out)
{
	struct tm tm, back;
	time_t utc;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = 1;
	if ((utc = timegm(&tm)) == (time_t)-1)
		return -1;
	/*
	 * Midnight in Paris is 23:00 or 22:00 UTC the day before. Summer time
	 * changes at 01:00 UTC on a last Sunday, never later than 01:00 UTC
	 * on the 31st: at 22:00 UTC the evening before a first of the month,
	 * the offset is already the one of that midnight.
	 */
	if (paris_tm((int64_t)utc - 7200, &back) != 0)
		return -1;
	/* back is then 23:00 (UTC+1) or 00:00 the next day (UTC+2). */
	*out = (int64_t)utc - (back.tm_hour == 23 ? 3600 : 7200);
	return 0;
}

int
pn_paris_month_bounds(int year, int month, int64_t *from, int64_t *to)
{
	if (year < 1970 || year > 9999 || month < 1 || month > 12)
		return -1;
	if (paris_month_start(year, month, from) != 0 ||
	    paris_month_start(month == 12 ? year + 1 : year,
	    month == 12 ? 1 : month + 1, to) != 0)
		return -1;
	return 0;
}
