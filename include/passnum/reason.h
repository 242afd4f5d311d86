/* reason.h -- why a voucher was accepted or refused.
 *
 * Every verdict of the verifier is one of these reasons. Numbers are stable:
 * they are printed on screens, logged, and quoted on the phone to support,
 * so a number is never reused or renumbered. New reasons take new numbers.
 */
#ifndef PASSNUM_REASON_H
#define PASSNUM_REASON_H

enum pn_reason {
	PN_R_OK = 0,

	/* The text cannot be read as a voucher (checked in this order). */
	PN_R_EMPTY = 1,
	PN_R_PREFIX = 2,
	PN_R_LOWERCASE = 3,
	PN_R_BASE45_CHAR = 4,
	PN_R_BASE45_LENGTH = 5,
	PN_R_BASE45_VALUE = 6,
	PN_R_TOO_SHORT = 7,
	PN_R_TOO_LONG = 8,
	PN_R_FORMAT = 9,
	PN_R_RESERVED = 10,

	/* The signing key. */
	PN_R_UNKNOWN_KID = 20,
	PN_R_REVOKED_KID = 21,

	/* The signature. */
	PN_R_SIGNATURE = 30,

	/* The signed fields, checked against the key and the clock. */
	PN_R_ISSUED_OUTSIDE_KEY = 40,
	PN_R_BAD_DATES = 41,
	PN_R_NOT_YET_VALID = 42,
	PN_R_EXPIRED = 43,
	PN_R_KEY_EXPIRED = 44,
	PN_R_PROGRAMME = 45,

	/* The deny list. */
	PN_R_CANCELLED = 50,
	PN_R_REDEEMED = 51
};

/*
 * Classes of reasons, for exit codes and for what a person should do next.
 * Their values are the exit codes of "passnum-terminal verify".
 */
enum pn_reason_class {
	PN_RC_VALID = 0,
	PN_RC_UNREADABLE = 10,	/* rescan, or type the printed serial */
	PN_RC_UNKNOWN_KEY = 11,	/* update the trust bundle, else refuse */
	PN_RC_FORGED = 12,	/* refuse and report */
	PN_RC_DATES = 13,	/* expired or not yet valid */
	PN_RC_PROGRAMME = 14,	/* not valid for this programme */
	PN_RC_DENIED = 15	/* cancelled or already used */
};

enum pn_lang { PN_LANG_FR, PN_LANG_EN };

/* Message for a reason, never NULL (unknown numbers get a generic text). */
const char *pn_reason_message(enum pn_reason r, enum pn_lang lang);

/* Symbolic name ("expired"), never NULL. */
const char *pn_reason_name(enum pn_reason r);

enum pn_reason_class pn_reason_class(enum pn_reason r);

/* Every defined reason, in numeric order, for tests and documentation. */
extern const enum pn_reason pn_reasons_all[];
extern const unsigned pn_reasons_count;

#endif
