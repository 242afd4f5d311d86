/* scope.c -- whose booklets and vouchers a user may see and act on. */
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
