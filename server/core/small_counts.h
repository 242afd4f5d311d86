/* small_counts.h -- statistical confidentiality: no figure about fewer than N people.
 *
 * A dashboard table (one line per commune, age band, agency...) shows,
 * for each line, how many people are behind it and what they did. A line
 * of 1 to N - 1 people could point at one person ("the one 18-25 of
 * Saint-Mars"): its figures are withheld (primary suppression). When a
 * table shows its total, one withheld line would be the total less the
 * others: the shown line with the fewest people is withheld too
 * (secondary suppression), so that the withheld lines can only be
 * recomputed together. The page, the CSV and passnum-admin all apply
 * small_counts_apply() and print the same marks (docs/report.md).
 */
#ifndef PN_SMALL_COUNTS_H
#define PN_SMALL_COUNTS_H

#include <stddef.h>
#include <stdint.h>

/* The default of [report] min_people. */
#define SMALL_COUNTS_DEFAULT 5

/* What becomes of a line's figures. */
enum sc_state {
	SC_SHOWN = 0,
	SC_FEW,			/* fewer people than the threshold: "< 5" */
	SC_MASKED		/* withheld so that a FEW one cannot be recomputed */
};

/*
 * Decide which of the n lines of a table to withhold, into state[]:
 * people[i] is the number of distinct people behind line i, total_people
 * those behind the table's total, which is shown beside the lines and
 * which the lines' other figures (vouchers, amounts) add up to. A line of
 * 1 to min_people - 1 people is SC_FEW; when that leaves exactly one line
 * withheld, the shown line with the fewest people (the first of them in
 * the table's order) is SC_MASKED. Returns the total's state: SC_FEW when
 * fewer than min_people are behind it (every line then is SC_FEW), or
 * SC_MASKED when a lone withheld line has no other line to hide behind
 * (the total would be that line).
 */
enum sc_state small_counts_apply(unsigned min_people, const int64_t *people,
    size_t n, int64_t total_people, enum sc_state *state);

/*
 * The mark printed for a withheld cell: "< 5" for SC_FEW (min_people 5),
 * "secret" for SC_MASKED; into buf (at least SMALL_COUNTS_MARK_MAX).
 */
#define SMALL_COUNTS_MARK_MAX 24
const char *small_counts_mark(enum sc_state st, unsigned min_people,
    char buf[SMALL_COUNTS_MARK_MAX]);

#endif
