/* scope.h -- whose booklets, vouchers and venue terminals a user may see and act on: the one rule of scope. */
#ifndef PN_SCOPE_H
#define PN_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

#define SCOPE_NONE (-1)

/*
 * The agency whose booklets and vouchers who may see, cancel or print: a
 * caseworker's own agency (SCOPE_NONE, matching no agency, when a
 * caseworker has none); 0, every agency, for an administrator. The
 * store's functions that take an agency (store_voucher_get(),
 * store_voucher_cancel(), store_booklet_cancel()) take this.
 */
int64_t scope_agency(const struct store_principal *who);

/*
 * Whether who may see a booklet or voucher issued by agency. One out of
 * scope is answered as if it did not exist ("not found", never
 * "forbidden"), so that a caseworker cannot learn which booklet numbers
 * another agency holds.
 */
bool scope_sees(const struct store_principal *who, int64_t agency);

/*
 * Whether who may act on the terminals of venue venue_id (give it an
 * enrolment code, revoke one): an administrator for every venue, a venue
 * user for their own venue only, nobody else. A venue that is not one's
 * own is answered as if it did not exist, as for scope_sees().
 */
bool scope_venue_acts(const struct store_principal *who, int64_t venue_id);

#endif
