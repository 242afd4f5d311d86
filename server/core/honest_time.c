/* honest_time.c -- bounds on the times a terminal claims (honest_time.h). */
#include "honest_time.h"

bool
honest_new_contact(const struct store_terminal *t, int64_t now)
{
	return t->seen_at == 0 || now - t->seen_at > HONEST_CONTACT_GAP ||
	    now - t->contact_since > HONEST_CONTACT_MAX;
}

int64_t
honest_previous_exchange(const struct store_terminal *t, int64_t now)
{
	int64_t prev = honest_new_contact(t, now) ? t->seen_at :
	    t->seen_before;

	return prev > t->enrolled_at ? prev : t->enrolled_at;
}

int64_t
honest_earliest_session(const struct store_terminal *t, int64_t now,
    const struct config_redemption *c)
{
	int64_t online = now - (int64_t)c->session_tolerance;
	int64_t offline = honest_earliest_record(t, now, c);
	int64_t grace = now - (int64_t)c->offline_grace;

	if (offline < grace)
		offline = grace;
	return offline < online ? offline : online;
}

int64_t
honest_earliest_record(const struct store_terminal *t, int64_t now,
    const struct config_redemption *c)
{
	return honest_previous_exchange(t, now) - (int64_t)c->clock_tolerance;
}

bool
honest_in_session_hours(int64_t at, int64_t starts_at,
    unsigned duration_minutes)
{
	return at >= starts_at - HONEST_SESSION_MARGIN &&
	    at <= starts_at + (int64_t)duration_minutes * 60 +
	    HONEST_SESSION_MARGIN;
}
