/* settle_rules.c -- the settlement's rules: periods, who may act, what a person types, labels.
 *
 * The store keeps the money and its invariants (one settlement per
 * redemption, four-eyes as a CHECK too); the operations of server/ops/
 * make the changes; this file checks what a person typed and decides the
 * dates and names, with no I/O.
 */
#include <stdio.h>
#include <string.h>

#include "passnum/timefmt.h"
#include "business_day.h"
#include "settle_rules.h"

static const char *const month_names[12] = {
	"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre",
};

/* Fill out for the months first..last (1-12) of year. */
static int
period_fill(int year, int first, int last, enum config_period kind,
    struct settle_period *out)
{
	int64_t ignored;

	if (pn_paris_month_bounds(year, first, &out->start, &ignored) != 0 ||
	    pn_paris_month_bounds(year, last, &ignored, &out->end) != 0)
		return -1;
	if (kind == CONFIG_PERIOD_MONTH) {
		(void)snprintf(out->text, sizeof(out->text), "%04u-%02u",
		    (unsigned)year % 10000u, (unsigned)first % 100u);
		(void)snprintf(out->label, sizeof(out->label), "%s %04d",
		    month_names[first - 1], year);
	} else {
		int q = (first - 1) / 3 + 1;

		(void)snprintf(out->text, sizeof(out->text), "%04u-T%u",
		    (unsigned)year % 10000u, (unsigned)q % 10u);
		(void)snprintf(out->label, sizeof(out->label), "%d%s trimestre "
		    "%04d", q, q == 1 ? "er" : "e", year);
	}
	return 0;
}

enum err_code
settle_period_parse(const char *text, enum config_period kind,
    struct settle_period *out, struct pn_error *err)
{
	int year, month, quarter;

	memset(out, 0, sizeof(*out));
	if (kind == CONFIG_PERIOD_MONTH) {
		if (text != NULL && pn_month_parse(text, &year, &month) == 0 &&
		    period_fill(year, month, month, kind, out) == 0)
			return ERR_NONE;
		pn_error_set(err, PN_E_ARG, "period '%.40s': expected a month "
		    "YYYY-MM such as 2026-11", text != NULL ? text : "");
		return ERR_BAD_PERIOD;
	}
	if (text != NULL && pn_quarter_parse(text, &year, &quarter) == 0 &&
	    period_fill(year, quarter * 3 - 2, quarter * 3, kind, out) == 0)
		return ERR_NONE;
	pn_error_set(err, PN_E_ARG, "period '%.40s': expected a quarter "
	    "YYYY-TN such as 2026-T4 (or 2026-Q4)", text != NULL ? text : "");
	return ERR_BAD_PERIOD;
}

void
settle_period_before(int64_t t, enum config_period kind,
    struct settle_period *out)
{
	int year, month;

	pn_paris_month_of(t, &year, &month);
	if (kind == CONFIG_PERIOD_QUARTER)
		month = (month - 1) / 3 * 3 + 1;	/* first month of t's quarter */
	/* The month before that (and its quarter). */
	if (--month == 0) {
		month = 12;
		year--;
	}
	if (kind == CONFIG_PERIOD_MONTH)
		(void)period_fill(year, month, month, kind, out);
	else
		(void)period_fill(year, month - 2, month, kind, out);
}

enum err_code
settle_may_act(const struct store_principal *who, struct pn_error *err)
{
	if (who != NULL && (who->role & (ROLE_ACCOUNTANT | ROLE_ADMIN)) != 0)
		return ERR_NONE;
	pn_error_set(err, PN_E_ARG, "'%s' is not an accountant or an admin",
	    who != NULL ? who->login : "");
	return ERR_NOT_ACCOUNTANT;
}

enum err_code
settle_text_check(const char *text, size_t max, enum err_code code,
    const char *what, struct pn_error *err)
{
	const char *s;
	size_t n;

	if (text == NULL)
		text = "";
	while (*text == ' ')
		text++;
	n = strlen(text);
	while (n > 0 && text[n - 1] == ' ')
		n--;
	for (s = text; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			break;
	if (n == 0 || n > max || *s != '\0') {
		pn_error_set(err, PN_E_ARG, "%s: expected 1 to %zu characters "
		    "without control characters, got %zu byte(s)", what, max,
		    n);
		return code;
	}
	return ERR_NONE;
}

void
settle_rules_of(const struct config *cfg, struct store_settle_rules *r)
{
	r->contest_seconds = (int64_t)cfg->settlement.contest_days * 86400;
	r->minimum_cents = (int64_t)cfg->settlement.minimum_cents;
}

void
settle_paris_day(int64_t t, int *y, int *m, int *d)
{
	char buf[PN_TIME_TEXT_MAX];

	pn_time_format_paris_date(t, buf);	/* "31/12/2026" */
	if (sscanf(buf, "%d/%d/%d", d, m, y) != 3) {
		*y = 1970;
		*m = 1;
		*d = 1;
	}
}

enum err_code
settle_bank_reference_check(const char *bank_reference, struct pn_error *err)
{
	const char *c;

	if (bank_reference == NULL || bank_reference[0] == '\0' ||
	    strlen(bank_reference) > SETTLE_BANK_REF_MAX) {
		pn_error_set(err, PN_E_ARG, "bank reference: expected 1 to 35 "
		    "characters");
		return ERR_BAD_PAYMENT;
	}
	for (c = bank_reference; *c != '\0'; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f) {
			pn_error_set(err, PN_E_ARG, "bank reference: expected "
			    "printable ASCII without spaces, got '%.35s'",
			    bank_reference);
			return ERR_BAD_PAYMENT;
		}
	return ERR_NONE;
}

enum err_code
settle_paid_on_check(const char *paid_on, int64_t now, struct pn_error *err)
{
	int y, m, d, ty, tm, td;

	settle_paris_day(now, &ty, &tm, &td);
	if (paid_on == NULL || business_day_parse(paid_on, &y, &m, &d) != 0) {
		pn_error_set(err, PN_E_ARG, "date: expected YYYY-MM-DD, got "
		    "'%.20s'", paid_on != NULL ? paid_on : "");
		return ERR_BAD_PAYMENT;
	}
	if (y * 10000 + m * 100 + d > ty * 10000 + tm * 100 + td) {
		pn_error_set(err, PN_E_ARG, "date %s is in the future", paid_on);
		return ERR_BAD_PAYMENT;
	}
	return ERR_NONE;
}

const char *
settle_status_label(const char *status)
{
	if (strcmp(status, "draft") == 0)
		return "brouillon";
	if (strcmp(status, "approved") == 0)
		return "approuvé";
	if (strcmp(status, "paid") == 0)
		return "payé";
	if (strcmp(status, "rejected") == 0)
		return "rejeté";
	return status;
}
