/* venue_register.h -- the operations "record a partner venue" and "suspend or resume it" (op.h).
 *
 * A venue is where vouchers are redeemed and the account its money is
 * paid to: SIRET, IBAN and BIC are checked here, as people type them
 * (spaces and lower case allowed), and recorded in their canonical form,
 * since a typing mistake in an IBAN would send public money to the wrong
 * account, or nowhere. A suspended venue redeems nothing until resumed.
 */
#ifndef PN_VENUE_REGISTER_H
#define PN_VENUE_REGISTER_H

#include <stdbool.h>
#include <stdint.h>

#include "passnum/bankid.h"
#include "op.h"

/* The longest texts of a venue, in bytes. */
#define VENUE_NAME_MAX		140
#define VENUE_ADDRESS_MAX	200
#define VENUE_COMMUNE_MAX	64
#define VENUE_CONTACT_MAX	200
#define VENUE_REASON_MAX	500

/* A venue as it is typed. */
struct venue_add_in {
	const char *name;
	const char *siret;		/* spaces allowed */
	const char *address;
	const char *commune;
	const char *iban;		/* spaces and lower case allowed */
	const char *bic;
	const char *contact;		/* who to call, phone or e-mail */
	int64_t accredited_from;
	int64_t accredited_until;	/* 0: no end date */
};

/*
 * Check in only, as venue_add() does, and fill *v with the venue it
 * would record (identifiers canonical): ERR_NONE, or ERR_INVALID_FIELD
 * naming the field (name, address, commune, contact, siret, iban, bic,
 * accredited_until). Touches nothing: an adapter may call it before it
 * opens the store.
 */
enum err_code venue_add_check(const struct venue_add_in *in,
    struct store_venue *v, struct op_refusal *why);

/*
 * Record in's venue, with an audit row "venue.add". ERR_NONE with *out
 * (the venue as recorded, with its id); ERR_INVALID_FIELD,
 * ERR_ALREADY_RECORDED (its SIRET is recorded already), ERR_INTERNAL.
 */
enum err_code venue_add(const struct op_ctx *cx, const struct venue_add_in *in,
    struct store_venue *out, struct op_refusal *why);

/* Suspending a venue (with why), or making it active again. */
struct venue_status_in {
	const char *siret;		/* spaces allowed */
	bool suspend;
	const char *reason;		/* 1 to VENUE_REASON_MAX bytes; NULL
					   and unread when resuming */
};

/*
 * Check in only, as venue_set_status() does: ERR_NONE and the canonical
 * SIRET in siret, or ERR_INVALID_FIELD (siret, reason). Touches nothing.
 */
enum err_code venue_status_check(const struct venue_status_in *in,
    char siret[PN_SIRET_LEN + 1], struct op_refusal *why);

/*
 * Suspend or resume in's venue, with an audit row ("venue.suspend",
 * "venue.resume"). ERR_NONE; ERR_INVALID_FIELD, ERR_VENUE_NOT_FOUND,
 * ERR_VENUE_STATUS_UNCHANGED (already suspended, or already active:
 * nothing written), ERR_INTERNAL.
 */
enum err_code venue_set_status(const struct op_ctx *cx,
    const struct venue_status_in *in, struct op_refusal *why);

/* What an admin may change of a venue from its page (not SIRET nor bank). */
struct venue_edit_in {
	int64_t id;
	const char *name;
	const char *address;
	const char *commune;
	const char *contact;
	int64_t accredited_from;
	int64_t accredited_until;	/* 0: no end date */
};

/*
 * Check in only, as venue_edit() does, into *v: ERR_NONE, or
 * ERR_INVALID_FIELD (name, address, commune, contact, accredited_until).
 */
enum err_code venue_edit_check(const struct venue_edit_in *in,
    struct store_venue *v, struct op_refusal *why);

/*
 * Change in's venue's contact details and accreditation dates, with an
 * audit row "venue.edit"; admins only (cx->who). ERR_NONE; ERR_FORBIDDEN,
 * ERR_INVALID_FIELD, ERR_VENUE_NOT_FOUND, ERR_INTERNAL.
 */
enum err_code venue_edit(const struct op_ctx *cx,
    const struct venue_edit_in *in, struct op_refusal *why);

/*
 * Ask, as cx->who (an admin), for venue_id's bank account to become iban
 * and bic (checked as typed). The change waits for a second admin
 * (venue_bank_approve()): until then, every batch drafted pays the old
 * account. Audit row "venue.bank.request". ERR_NONE; ERR_FORBIDDEN,
 * ERR_INVALID_FIELD (iban, bic), ERR_VENUE_NOT_FOUND,
 * ERR_BANK_CHANGE_SAME, ERR_BANK_CHANGE_PENDING, ERR_INTERNAL.
 */
enum err_code venue_bank_request(const struct op_ctx *cx, int64_t venue_id,
    const char *iban, const char *bic, struct op_refusal *why);

/*
 * Approve, as cx->who (an admin other than the one who asked), venue_id's
 * pending change change_id: the venue is paid on its new account from the
 * next batch drafted. The adapter has had the approver's password typed
 * again and checked by session_password_check() (throttled as a login).
 * Audit row "venue.bank.approve". ERR_NONE; ERR_FORBIDDEN,
 * ERR_BANK_CHANGE_NOT_FOUND, ERR_BANK_CHANGE_OWN, ERR_INTERNAL.
 */
enum err_code venue_bank_approve(const struct op_ctx *cx, int64_t venue_id,
    int64_t change_id, struct op_refusal *why);

#endif
