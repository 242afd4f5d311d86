/* report.h -- the funder's end-of-programme report: what became of the vouchers, by agency and by commune.
 *
 * Built from the store's tally (store_report_funder()), one row per
 * programme, agency and commune, into per-programme breakdowns that the
 * page (ui_report.c), the CSV (report_csv.c) and passnum-admin report
 * print. docs/report.md defines each figure.
 */
#ifndef PN_REPORT_H
#define PN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "store.h"

/* What an agency's or commune's line of the report holds for the label. */
#define REPORT_NO_AGENCY	"(sans agence)"

/*
 * What became of a set of vouchers: how many, and their face value in
 * cents. issued = redeemed + outstanding + cancelled + expired, and
 * settled <= redeemed (report_balanced()).
 */
struct report_figures {
	int64_t issued, issued_cents;		/* every voucher minted */
	/*
	 * passnum mints a booklet's vouchers when a caseworker hands it
	 * to the person: handed out is issued, by construction.
	 */
	int64_t handed_out, handed_out_cents;
	int64_t redeemed, redeemed_cents;	/* used: redeemed or settled */
	int64_t settled, settled_cents;		/* of those, paid to the venue */
	int64_t outstanding, outstanding_cents;	/* still valid: status issued */
	int64_t expired, expired_cents;
	int64_t cancelled, cancelled_cents;
};

/* One line of a breakdown: an agency, or a commune. */
struct report_line {
	char name[128];			/* the agency's, REPORT_NO_AGENCY, or the commune */
	int64_t agency_id;		/* by agency: its id, 0 for none */
	struct report_figures f;
};

/* One programme's report. */
struct report_programme {
	int64_t id;
	char name[128];
	struct report_line *agencies;	/* by name, REPORT_NO_AGENCY last */
	size_t n_agencies;
	struct report_line *communes;	/* by name (byte order of UTF-8) */
	size_t n_communes;
	struct report_figures total;
};

struct report {
	struct report_programme *programmes;	/* by id */
	size_t n_programmes;
	struct report_figures total;		/* of every programme */
};

/*
 * The report of programme_id, or of every programme when it is 0, read
 * from s: every programme appears, those without a voucher with zeros.
 * Returns 0 with *out (free with report_free()), 1 when programme_id
 * names no programme, -1 with err.
 */
int report_load(struct store *s, int64_t programme_id, struct report **out,
    struct pn_error *err);

void report_free(struct report *r);

/*
 * Building a report by hand (report_load() does it from the store): an
 * empty report, a programme added to it (in id order, no vouchers yet),
 * then the store's rows (each of a programme added before, any order),
 * then report_finish() to sort the lines. 0, or -1 with err (PN_E_NOMEM;
 * PN_E_ARG for a row of an unknown programme or a total that would
 * overflow).
 */
struct report *report_new(struct pn_error *err);
int report_add_programme(struct report *r, int64_t id, const char *name,
    struct pn_error *err);
int report_add_row(struct report *r, const struct store_report_row *row,
    struct pn_error *err);
void report_finish(struct report *r);

/* *sum += f, figure by figure; false (sum unchanged) on overflow. */
bool report_figures_add(struct report_figures *sum,
    const struct report_figures *f);

/* The programme of id in r, or NULL. */
const struct report_programme *report_programme_find(const struct report *r,
    int64_t id);

/*
 * The money invariants on f: issued = redeemed + outstanding + cancelled
 * + expired, in number and in cents, settled <= redeemed, handed out =
 * issued.
 */
bool report_balanced(const struct report_figures *f);

#endif
