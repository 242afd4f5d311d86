/* validity.c -- voucher expiry from a programme's validity rule. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "validity.h"

/*
 * Paris is UTC+1 in winter, and 31 December is always in winter: the last
 * second of 31 December in Paris is 22:59:59 UTC.
 */
#define PARIS_WINTER_OFFSET 3600

int
validity_parse(const char *text, struct validity_rule *rule)
{
	uint64_t n;

	if (strncmp(text, "year-end+", 9) == 0) {
		if (pn_parse_u64(text + 9, 366, &n) != 0)
			return -1;
		rule->kind = VALIDITY_YEAR_END;
		rule->days = (unsigned)n;
		return 0;
	}
	if (strncmp(text, "days:", 5) == 0) {
		if (pn_parse_u64(text + 5, 3660, &n) != 0 || n == 0)
			return -1;
		rule->kind = VALIDITY_DAYS;
		rule->days = (unsigned)n;
		return 0;
	}
	return -1;
}

void
validity_format(const struct validity_rule *rule, char *buf, unsigned len)
{
	if (rule->kind == VALIDITY_YEAR_END)
		(void)snprintf(buf, len, "year-end+%u", rule->days);
	else
		(void)snprintf(buf, len, "days:%u", rule->days);
}

int64_t
validity_expiry(const struct validity_rule *rule, int64_t issued_at)
{
	struct tm tm;
	time_t t = (time_t)(issued_at + PARIS_WINTER_OFFSET), next_year;
	int64_t expiry;
	int year;

	if (issued_at < 0)
		return -1;
	if (rule->kind == VALIDITY_DAYS) {
		expiry = issued_at + (int64_t)rule->days * 86400 - 1;
	} else {
		/* The year of issue as Paris sees it. */
		if (gmtime_r(&t, &tm) == NULL)
			return -1;
		year = tm.tm_year;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = year + 1;
		tm.tm_mday = 1;
		next_year = timegm(&tm);
		expiry = (int64_t)next_year - PARIS_WINTER_OFFSET - 1 +
		    (int64_t)rule->days * 86400;
	}
	return expiry > UINT32_MAX ? -1 : expiry;
}
