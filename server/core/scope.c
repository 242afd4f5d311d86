/* scope.c -- whose booklets, vouchers and venue terminals a user may see and act on. */
#include "scope.h"

int64_t
scope_agency(const struct store_principal *who)
{
	if (who->role != ROLE_CASEWORKER)
		return 0;
	/* A caseworker without an agency (never made so) sees nothing. */
	return who->agency_id > 0 ? who->agency_id : SCOPE_NONE;
}

bool
scope_sees(const struct store_principal *who, int64_t agency)
{
	int64_t mine = scope_agency(who);

	return mine == 0 || agency == mine;
}

bool
scope_venue_acts(const struct store_principal *who, int64_t venue_id)
{
	if (who->role == ROLE_ADMIN)
		return true;
	return who->role == ROLE_VENUE && who->venue_id > 0 &&
	    who->venue_id == venue_id;
}
