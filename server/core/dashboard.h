/* dashboard.h -- the Département's dashboard ("Pilotage"): a programme's figures over a period.
 *
 * One programme, one period (a month, a quarter, a year, or days from
 * one to another): the money against the budget, what became of the
 * vouchers issued in the period, the people they reached, and seven
 * breakdowns (pathway, age band, issuing agency, commune, venue, theme,
 * month of issue), small numbers withheld (small_counts.h). A plain
 * structure, read once from the store (dashboard_load()), from which the
 * page (ui_dashboard.c), the CSV (dashboard_csv_write()) and passnum-admin
 * report dashboard print, and a chart or a PDF can be drawn: every figure
 * is an integer, a withheld one is marked by its line's state.
 * docs/report.md defines each figure.
 */
#ifndef PN_DASHBOARD_H
#define PN_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "small_counts.h"
#include "store.h"

/* --- The period -------------------------------------------------------- */

enum dash_period_kind {
	DASH_P_YEAR,			/* "2026" */
	DASH_P_QUARTER,			/* "2026-T4" */
	DASH_P_MONTH,			/* "2026-11" */
	DASH_P_DAYS			/* du=2026-01-01&au=2026-06-30 */
};

/* Custom periods: at most this many days (ten years). */
#define DASH_P_DAYSMAX_ 3660

struct dash_period {
	enum dash_period_kind kind;
	int64_t from, to;		/* [from, to), midnights in Paris */
	char periode[16];		/* the query's "periode", "" for DASH_P_DAYS */
	char du[11], au[11];		/* DASH_P_DAYS: first and last day, ISO */
	char label[96];			/* French: "novembre 2026", "du 01/01/2026 au 30/06/2026" */
};

/*
 * The period of the query's fields: periode ("2026", "2026-T4",
 * "2026-11") or du and au (first and last day, "2026-01-01", both
 * included); none of them: the year it is in Paris at now. NULL and ""
 * are absent. 0 with *p, or -1 with *field set to the field at fault
 * ("periode", "du" or "au") and a French message in msg: a period given
 * both ways, a day missing, a date that does not exist, au before du,
 * more than DASH_P_DAYSMAX_ days, a year outside 2000-9998.
 */
int dash_period_parse(const char *periode, const char *du, const char *au,
    int64_t now, struct dash_period *p, const char **field, char *msg,
    size_t msglen);

/* --- The figures ------------------------------------------------------- */

/* The breakdowns, in the order the page shows them. */
enum dash_table_id {
	DASH_PATHWAY,			/* the beneficiary's pathway */
	DASH_AGE,			/* the beneficiary's age band */
	DASH_AGENCY,			/* the booklet's issuing agency */
	DASH_COMMUNE,			/* the beneficiary's commune */
	DASH_VENUE,			/* where a voucher was used */
	DASH_THEME,			/* the theme of its session */
	DASH_MONTH,			/* the month the booklet was issued */
	DASH_TABLES
};

/* One line of a breakdown, or its total. */
struct dash_line {
	char label[128];		/* French, as printed */
	int64_t key;			/* agency or venue id; month: year * 12 + month - 1 */
	int64_t people;			/* distinct beneficiaries behind it */
	int64_t issued, issued_cents;	/* 0 in the venue and theme tables */
	int64_t used, used_cents;
	enum sc_state state;		/* SC_SHOWN, or withheld (small_counts.h) */
};

struct dash_table {
	const char *slug;		/* ?tableau= of the CSV: "parcours"... */
	const char *title;		/* French heading: "Par parcours" */
	const char *caption;		/* French caption of its table */
	const char *column;		/* French header of its first column */
	bool by_issue;			/* issued and the use rate mean something */
	struct dash_line *lines;	/* ranked (see docs/report.md) */
	size_t n;
	struct dash_line total;		/* the table's total line */
};

/* What became of a set of vouchers; issued = used + outstanding + expired + cancelled. */
struct dash_vouchers {
	int64_t issued, issued_cents;
	int64_t used, used_cents;		/* redeemed or settled */
	int64_t settled, settled_cents;		/* of those, paid to the venue */
	int64_t outstanding, outstanding_cents;	/* still valid */
	int64_t expired, expired_cents;
	int64_t cancelled, cancelled_cents;
};

struct dashboard {
	int64_t programme_id;
	char programme_name[128];
	struct dash_period period;
	int64_t read_at;		/* when the figures were read */
	unsigned min_people;		/* [report] min_people */

	/* Money: budget voted and committed to date, the programme's. */
	int64_t budget_cents;
	int64_t committed_to_date_cents;
	/* The vouchers issued in the period, as they stand at read_at. */
	struct dash_vouchers v;

	/* People, of the vouchers issued in the period. */
	int64_t people;			/* distinct beneficiaries reached */
	int64_t people_using;		/* who used at least one voucher */
	int64_t booklets;		/* booklets issued */
	int64_t booklets_used;		/* of those, with a voucher used */
	int64_t median_days;		/* issue to first use, -1: none used */
	enum sc_state people_state;	/* the whole programme's people: SC_FEW when few */

	struct dash_table tables[DASH_TABLES];
};

/*
 * Read the dashboard of programme_id over p from s (one read
 * transaction, so one snapshot), at Unix time now, withholding small
 * numbers with min_people. 0 with *out (free with dashboard_free()), 1
 * when there is no such programme, -1 with err.
 */
int dashboard_load(struct store *s, int64_t programme_id,
    const struct dash_period *p, unsigned min_people, int64_t now,
    struct dashboard **out, struct pn_error *err);

void dashboard_free(struct dashboard *d);

/* issued = used + outstanding + expired + cancelled, in number and cents; settled <= used. */
bool dash_vouchers_balanced(const struct dash_vouchers *v);

/*
 * part / whole as a French percentage with one decimal, "42,3 %" (rounded
 * half up), "—" when whole is 0; into buf.
 */
#define DASH_RATE_MAX 32
const char *dash_percent(int64_t part, int64_t whole, char buf[DASH_RATE_MAX]);

/* part / whole with one decimal, "3,4"; "—" when whole is 0. */
const char *dash_ratio(int64_t part, int64_t whole, char buf[DASH_RATE_MAX]);

/* The table of slug, or DASH_TABLES. */
enum dash_table_id dash_table_find(const char *slug);

/*
 * The CSV (docs/report.md) of table t, or of every table when t is
 * DASH_TABLES, with the conventions of report_csv.h; withheld cells carry
 * their mark. *out (free()) and *len, 0; -1 with err (PN_E_NOMEM).
 */
int dashboard_csv_write(const struct dashboard *d, enum dash_table_id t,
    char **out, size_t *len, struct pn_error *err);

#endif
