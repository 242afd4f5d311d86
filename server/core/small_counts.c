/* small_counts.c -- statistical confidentiality: no figure about fewer than N people. */
#include <stdio.h>

#include "small_counts.h"

enum sc_state
small_counts_apply(unsigned min_people, const int64_t *people, size_t n,
    int64_t total_people, enum sc_state *state)
{
	size_t i, hidden = 0, lone = 0, pick = n;

	for (i = 0; i < n; i++)
		state[i] = SC_SHOWN;
	/* A threshold of 1 or less hides nothing (people counts are >= 0). */
	if (total_people > 0 && total_people < (int64_t)min_people) {
		for (i = 0; i < n; i++)
			if (people[i] > 0)
				state[i] = SC_FEW;
		return SC_FEW;
	}
	for (i = 0; i < n; i++)
		if (people[i] > 0 && people[i] < (int64_t)min_people) {
			state[i] = SC_FEW;
			hidden++;
			lone = i;
		}
	if (hidden != 1)
		return SC_SHOWN;
	/*
	 * One line withheld: the total less the shown lines would give it.
	 * The next smallest goes with it. Lines with nobody behind them
	 * (all zeros) hide nothing.
	 */
	for (i = 0; i < n; i++)
		if (i != lone && people[i] > 0 &&
		    (pick == n || people[i] < people[pick]))
			pick = i;
	if (pick == n)
		return SC_MASKED;
	state[pick] = SC_MASKED;
	return SC_SHOWN;
}

const char *
small_counts_mark(enum sc_state st, unsigned min_people,
    char buf[SMALL_COUNTS_MARK_MAX])
{
	if (st == SC_FEW)
		(void)snprintf(buf, SMALL_COUNTS_MARK_MAX, "< %u", min_people);
	else if (st == SC_MASKED)
		(void)snprintf(buf, SMALL_COUNTS_MARK_MAX, "secret");
	else
		buf[0] = '\0';
	return buf;
}
