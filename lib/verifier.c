/* verifier.c -- loading an offline verifier, and French verdict lines. */
#include <stdio.h>
#include <string.h>

#include "passnum/denylist.h"
#include "passnum/keys.h"
#include "passnum/money.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "passnum/trust.h"
#include "passnum/verifier.h"
#include "passnum/voucher.h"

int
pn_verifier_open(struct pn_verifier *v, const char *bundle_path,
    const char *master_pub, const char *const *denylists, size_t n,
    struct pn_error *err)
{
	uint8_t pin[32];

	memset(v, 0, sizeof(*v));
	if (master_pub != NULL && pn_master_public_load(master_pub, pin, err))
		return -1;
	v->trust = pn_trust_load(bundle_path, master_pub != NULL ? pin : NULL,
	    0, err);
	if (v->trust == NULL)
		return -1;
	/* No pruning: a verdict at any --at time must see every entry. */
	v->deny = pn_denylist_load_chain(denylists, n, v->trust, INT64_MIN,
	    err);
	if (v->deny == NULL) {
		pn_verifier_close(v);
		return -1;
	}
	return 0;
}

void
pn_verifier_close(struct pn_verifier *v)
{
	pn_trust_free(v->trust);
	pn_denylist_free(v->deny);
	v->trust = NULL;
	v->deny = NULL;
}

void
pn_verdict_format(enum pn_reason r, const struct pn_voucher *v,
    char buf[PN_VERDICT_MAX])
{
	char serial[PN_SERIAL_TEXT_MAX], amount[PN_MONEY_TEXT_MAX];
	char date[PN_TIME_TEXT_MAX], why[160];

	if (v == NULL || (r != PN_R_OK && r < PN_R_UNKNOWN_KID)) {
		(void)snprintf(buf, PN_VERDICT_MAX, "REFUSÉ — %s (motif %d)",
		    pn_reason_message(r, PN_LANG_FR), (int)r);
		return;
	}
	pn_serial_format(v->serial, serial);
	pn_money_format(v->value_cents, amount);
	pn_time_format_fr_date(v->expires_at, date);
	if (r == PN_R_OK) {
		(void)snprintf(buf, PN_VERDICT_MAX, "VALIDE — %s — chèque %s — "
		    "valable jusqu'au %s", amount, serial, date);
		return;
	}
	if (r == PN_R_EXPIRED)
		(void)snprintf(why, sizeof(why), "chèque expiré le %s", date);
	else
		(void)snprintf(why, sizeof(why), "%s",
		    pn_reason_message(r, PN_LANG_FR));
	(void)snprintf(buf, PN_VERDICT_MAX, "REFUSÉ — %s — chèque %s (motif "
	    "%d)", why, serial, (int)r);
}
