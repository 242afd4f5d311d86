/* terminal_standing.c -- whether a terminal may act now. */
#include <string.h>

#include "terminal_standing.h"

enum err_code
terminal_standing(const struct store_terminal *t, int64_t now,
    const char **why)
{
	if (t->revoked_at != 0) {
		*why = t->revoke_reason[0] != '\0' ? t->revoke_reason :
		    "the terminal is revoked";
		return ERR_TERMINAL_REVOKED;
	}
	if (t->suspended_at != 0) {
		*why = t->suspend_reason[0] != '\0' ? t->suspend_reason :
		    "the terminal is suspended";
		return ERR_TERMINAL_SUSPENDED;
	}
	if (strcmp(t->venue_status, "active") != 0) {
		*why = "the venue is suspended";
		return ERR_VENUE_NOT_ALLOWED;
	}
	if (now < t->accredited_from ||
	    (t->accredited_until != 0 && now >= t->accredited_until)) {
		*why = "the venue is not accredited today";
		return ERR_VENUE_NOT_ALLOWED;
	}
	*why = "";
	return ERR_NONE;
}
