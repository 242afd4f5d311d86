/* report.c -- the funder's report built from the store's tally: breakdowns by agency and commune, totals, invariants. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "report.h"

/* *sum += v for amounts that are never negative; false on overflow. */
static bool
add(int64_t *sum, int64_t v)
{
	if (v < 0 || *sum > INT64_MAX - v)
		return false;
	*sum += v;
	return true;
}

/*
 * The figures of a store row: the five statuses, then what the report
 * derives from them. false when a figure would overflow or is negative.
 */
static bool
figures_of(const struct store_voucher_tally *t, struct report_figures *f)
{
	memset(f, 0, sizeof(*f));
	if (!add(&f->issued, t->outstanding) || !add(&f->issued, t->redeemed) ||
	    !add(&f->issued, t->settled) || !add(&f->issued, t->expired) ||
	    !add(&f->issued, t->cancelled) ||
	    !add(&f->issued_cents, t->outstanding_cents) ||
	    !add(&f->issued_cents, t->redeemed_cents) ||
	    !add(&f->issued_cents, t->settled_cents) ||
	    !add(&f->issued_cents, t->expired_cents) ||
	    !add(&f->issued_cents, t->cancelled_cents) ||
	    !add(&f->redeemed, t->redeemed) || !add(&f->redeemed, t->settled) ||
	    !add(&f->redeemed_cents, t->redeemed_cents) ||
	    !add(&f->redeemed_cents, t->settled_cents) ||
	    !add(&f->settled, t->settled) ||
	    !add(&f->settled_cents, t->settled_cents) ||
	    !add(&f->outstanding, t->outstanding) ||
	    !add(&f->outstanding_cents, t->outstanding_cents) ||
	    !add(&f->expired, t->expired) ||
	    !add(&f->expired_cents, t->expired_cents) ||
	    !add(&f->cancelled, t->cancelled) ||
	    !add(&f->cancelled_cents, t->cancelled_cents))
		return false;
	f->handed_out = f->issued;
	f->handed_out_cents = f->issued_cents;
	return true;
}

bool
report_figures_add(struct report_figures *sum, const struct report_figures *f)
{
	struct report_figures r = *sum;

	if (!add(&r.issued, f->issued) ||
	    !add(&r.issued_cents, f->issued_cents) ||
	    !add(&r.handed_out, f->handed_out) ||
	    !add(&r.handed_out_cents, f->handed_out_cents) ||
	    !add(&r.redeemed, f->redeemed) ||
	    !add(&r.redeemed_cents, f->redeemed_cents) ||
	    !add(&r.settled, f->settled) ||
	    !add(&r.settled_cents, f->settled_cents) ||
	    !add(&r.outstanding, f->outstanding) ||
	    !add(&r.outstanding_cents, f->outstanding_cents) ||
	    !add(&r.expired, f->expired) ||
	    !add(&r.expired_cents, f->expired_cents) ||
	    !add(&r.cancelled, f->cancelled) ||
	    !add(&r.cancelled_cents, f->cancelled_cents))
		return false;
	*sum = r;
	return true;
}

bool
report_balanced(const struct report_figures *f)
{
	/* No sum of figures that each fit can overflow once compared as unsigned. */
	uint64_t n = (uint64_t)f->redeemed + (uint64_t)f->outstanding +
	    (uint64_t)f->cancelled + (uint64_t)f->expired;
	uint64_t c = (uint64_t)f->redeemed_cents +
	    (uint64_t)f->outstanding_cents + (uint64_t)f->cancelled_cents +
	    (uint64_t)f->expired_cents;

	return f->issued >= 0 && f->redeemed >= 0 && f->outstanding >= 0 &&
	    f->cancelled >= 0 && f->expired >= 0 && f->settled >= 0 &&
	    f->issued_cents >= 0 && f->redeemed_cents >= 0 &&
	    f->outstanding_cents >= 0 && f->cancelled_cents >= 0 &&
	    f->expired_cents >= 0 && f->settled_cents >= 0 &&
	    n == (uint64_t)f->issued && c == (uint64_t)f->issued_cents &&
	    f->settled <= f->redeemed &&
	    f->settled_cents <= f->redeemed_cents &&
	    f->handed_out == f->issued &&
	    f->handed_out_cents == f->issued_cents;
}

struct report *
report_new(struct pn_error *err)
{
	struct report *r = calloc(1, sizeof(*r));

	if (r == NULL)
		pn_error_set(err, PN_E_NOMEM, "out of memory for a report");
	return r;
}

void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n_programmes; i++) {
		free(r->programmes[i].agencies);
		free(r->programmes[i].communes);
	}
	free(r->programmes);
	free(r);
}

const struct report_programme *
report_programme_find(const struct report *r, int64_t id)
{
	size_t i;

	for (i = 0; i < r->n_programmes; i++)
		if (r->programmes[i].id == id)
			return &r->programmes[i];
	return NULL;
}

int
report_add_programme(struct report *r, int64_t id, const char *name,
    struct pn_error *err)
{
	struct report_programme *p;

	p = realloc(r->programmes, (r->n_programmes + 1) * sizeof(*p));
	if (p == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory for a "
		    "report");
	r->programmes = p;
	p = &r->programmes[r->n_programmes++];
	memset(p, 0, sizeof(*p));
	p->id = id;
	(void)snprintf(p->name, sizeof(p->name), "%s", name);
	return 0;
}

/*
 * Append a line to *lines (*n of them) and return it, zeroed; NULL when
 * out of memory.
 */
static struct report_line *
line_new(struct report_line **lines, size_t *n)
{
	struct report_line *l = realloc(*lines, (*n + 1) * sizeof(*l));

	if (l == NULL)
		return NULL;
	*lines = l;
	l = &l[(*n)++];
	memset(l, 0, sizeof(*l));
	return l;
}

int
report_add_row(struct report *r, const struct store_report_row *row,
    struct pn_error *err)
{
	struct report_programme *p = (struct report_programme *)
	    report_programme_find(r, row->programme_id);
	struct report_figures f, total, programme;
	struct report_line *a = NULL, *c;
	size_t i;

	if (p == NULL)
		return pn_error_set(err, PN_E_ARG, "report: a row of programme "
		    "%lld, which is not in the report",
		    (long long)row->programme_id);
	/* Totals first: once they hold, no line's sum can overflow. */
	total = r->total;
	programme = p->total;
	if (!figures_of(&row->t, &f) || !report_figures_add(&total, &f) ||
	    !report_figures_add(&programme, &f))
		return pn_error_set(err, PN_E_ARG, "report: the figures of "
		    "programme %lld overflow", (long long)row->programme_id);
	/* Rows come by agency: its line is most often the last one. */
	for (i = p->n_agencies; i > 0 && a == NULL; i--)
		if (p->agencies[i - 1].agency_id == row->agency_id)
			a = &p->agencies[i - 1];
	if (a == NULL) {
		if ((a = line_new(&p->agencies, &p->n_agencies)) == NULL)
			return pn_error_set(err, PN_E_NOMEM, "out of memory "
			    "for a report");
		a->agency_id = row->agency_id;
		(void)snprintf(a->name, sizeof(a->name), "%s",
		    row->agency_id == 0 ? REPORT_NO_AGENCY : row->agency_name);
	}
	/* One line per row; report_finish() merges a commune's lines. */
	if ((c = line_new(&p->communes, &p->n_communes)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory for a "
		    "report");
	(void)snprintf(c->name, sizeof(c->name), "%s", row->commune);
	c->f = f;
	(void)report_figures_add(&a->f, &f);
	r->total = total;
	p->total = programme;
	return 0;
}

/* By name; the line without agency after the others. */
static int
agency_cmp(const void *x, const void *y)
{
	const struct report_line *a = x, *b = y;

	if ((a->agency_id == 0) != (b->agency_id == 0))
		return a->agency_id == 0 ? 1 : -1;
	return strcmp(a->name, b->name);
}

static int
commune_cmp(const void *x, const void *y)
{
	const struct report_line *a = x, *b = y;

	return strcmp(a->name, b->name);
}

void
report_finish(struct report *r)
{
	struct report_programme *p;
	size_t i, j, k;

	for (i = 0; i < r->n_programmes; i++) {
		p = &r->programmes[i];
		if (p->n_agencies > 1)
			qsort(p->agencies, p->n_agencies, sizeof(*p->agencies),
			    agency_cmp);
		if (p->n_communes < 2)
			continue;
		qsort(p->communes, p->n_communes, sizeof(*p->communes),
		    commune_cmp);
		/*
		 * Merge the lines of one commune. Their sum is at most the
		 * programme's total, which did not overflow.
		 */
		for (j = 0, k = 1; k < p->n_communes; k++) {
			if (strcmp(p->communes[j].name, p->communes[k].name) == 0)
				(void)report_figures_add(&p->communes[j].f,
				    &p->communes[k].f);
			else
				p->communes[++j] = p->communes[k];
		}
		p->n_communes = j + 1;
	}
}

/* The state of report_load(), for its callbacks. */
struct load {
	struct report *r;
	int64_t only;			/* the programme asked for; 0: all */
	int failed;			/* err is set */
	struct pn_error *err;
};

static int
programme_visit(void *ctx, const struct store_programme *p)
{
	struct load *l = ctx;

	if (l->only != 0 && p->id != l->only)
		return 0;
	if (report_add_programme(l->r, p->id, p->name, l->err) != 0) {
		l->failed = 1;
		return 1;
	}
	return 0;
}

static int
row_visit(void *ctx, const struct store_report_row *row)
{
	struct load *l = ctx;

	/* A programme added since the list was read: add it too. */
	if (report_programme_find(l->r, row->programme_id) == NULL &&
	    report_add_programme(l->r, row->programme_id, row->programme_name,
	    l->err) != 0) {
		l->failed = 1;
		return 1;
	}
	if (report_add_row(l->r, row, l->err) != 0) {
		l->failed = 1;
		return 1;
	}
	return 0;
}

int
report_load(struct store *s, int64_t programme_id, struct report **out,
    struct pn_error *err)
{
	struct load l = { NULL, programme_id, 0, err };

	*out = NULL;
	if ((l.r = report_new(err)) == NULL)
		return -1;
	if (store_programme_each(s, programme_visit, &l, err) != 0 ||
	    l.failed)
		goto fail;
	if (programme_id != 0 && l.r->n_programmes == 0) {
		report_free(l.r);
		return 1;
	}
	if (store_report_funder(s, programme_id, row_visit, &l, err) != 0 ||
	    l.failed)
		goto fail;
	report_finish(l.r);
	*out = l.r;
	return 0;

fail:	/* err set by the store or the builder. */
	report_free(l.r);
	return -1;
}
