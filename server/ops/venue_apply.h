/* venue_apply.h -- the operations "a venue applies", "accept its application", "refuse it" (op.h).
 *
 * Anyone may apply from the public page « Devenir lieu partenaire »: an
 * application is only a request, kept apart from the venues, and nothing
 * is ever paid to it. Its SIRET, IBAN and BIC are checked as
 * venue_add_check() checks a venue's, so that an admin accepts only what
 * venue_add() would record. Accepting makes, in one transaction, the
 * venue, its first user (login "lieu-SIRET") with a one-time password
 * drawn here, and the application's decision; refusing records why.
 */
#ifndef PN_VENUE_APPLY_H
#define PN_VENUE_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "op.h"

/* Applications accepted from one address within a day. */
#define APPLY_PER_DAY		3
#define APPLY_CONTACT_MAX	100	/* a contact's name or e-mail, bytes */
#define APPLY_PHONE_MAX		20
#define APPLY_THEMES_MAX	500
#define APPLY_MESSAGE_MAX	2000
#define APPLY_REASON_MAX	500
#define APPLY_PASSWORD_LEN	16	/* the one-time password's characters */

/* What the public form sent. */
struct venue_apply_in {
	const char *name, *siret, *address, *commune;
	const char *contact_name, *contact_email, *contact_phone;
	const char *iban, *bic;
	const char *themes;		/* the themes ticked, one a line; "" */
	const char *message;		/* free text; "" */
	const char *from_address;	/* the sender's address */
};

/*
 * Check every field of in, each on its own, into why[0..max): the number
 * of refusals (0: none, and *a is the application to record, identifiers
 * canonical). Each refusal names its field: name, siret, address,
 * commune, contact_name, contact_email, contact_phone, iban, bic, themes,
 * message. Touches nothing.
 */
size_t venue_apply_check(const struct venue_apply_in *in,
    struct store_application *a, struct op_refusal *why, size_t max);

/*
 * Record in as a pending application, with an audit row
 * "application.receive": ERR_NONE and *id; ERR_INVALID_FIELD (the first
 * refusal of venue_apply_check()), ERR_APPLICATION_RATE_LIMITED
 * (APPLY_PER_DAY from its address within the last day), ERR_INTERNAL.
 */
enum err_code venue_apply(const struct op_ctx *cx,
    const struct venue_apply_in *in, int64_t *id, struct op_refusal *why);

struct application_accept_out {
	struct store_venue venue;	/* as recorded, with its id */
	char login[64];			/* its first user's */
	char password[APPLY_PASSWORD_LEN + 1];	/* shown once; wipe it */
};

/*
 * Accept pending application id: venue_add()'s venue (audit row
 * "venue.add"), its first venue user (user_add()'s, "user.add") with a
 * fresh one-time password, and the decision ("application.accept"), all
 * or nothing. ERR_NONE with *out; ERR_APPLICATION_NOT_FOUND,
 * ERR_APPLICATION_DECIDED, ERR_INVALID_FIELD (the application no longer
 * passes venue_add_check()), ERR_ALREADY_RECORDED (its SIRET is a venue
 * already, or its login taken), ERR_INTERNAL.
 */
enum err_code application_accept(const struct op_ctx *cx, int64_t id,
    struct application_accept_out *out, struct op_refusal *why);

/*
 * Refuse pending application id for reason (1 to APPLY_REASON_MAX bytes),
 * with an audit row "application.refuse". ERR_NONE; ERR_INVALID_FIELD
 * (reason), ERR_APPLICATION_NOT_FOUND, ERR_APPLICATION_DECIDED,
 * ERR_INTERNAL.
 */
enum err_code application_refuse(const struct op_ctx *cx, int64_t id,
    const char *reason, struct op_refusal *why);

#endif
