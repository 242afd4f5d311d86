/* reason.c -- the table of verdict reasons: number, class, French and English text. */
#include <stddef.h>

#include "passnum/reason.h"

struct reason_info {
	enum pn_reason reason;
	enum pn_reason_class class;
	const char *name;
	const char *fr;
	const char *en;
};

static const struct reason_info reasons[] = {
	{ PN_R_OK, PN_RC_VALID, "ok",
	  "chèque valide",
	  "valid voucher" },
	{ PN_R_EMPTY, PN_RC_UNREADABLE, "empty",
	  "code vide : rien n'a été lu",
	  "empty code: nothing was read" },
	{ PN_R_PREFIX, PN_RC_UNREADABLE, "prefix",
	  "ce code n'est pas un chèque Pass numérique (il ne commence pas par PN1:)",
	  "not a passnum voucher (the text does not start with PN1:)" },
	{ PN_R_LOWERCASE, PN_RC_UNREADABLE, "lowercase",
	  "code lu en minuscules : vérifiez la touche Verr. Maj du lecteur et scannez à nouveau",
	  "code read in lower case: check the scanner's Caps Lock and scan again" },
	{ PN_R_BASE45_CHAR, PN_RC_UNREADABLE, "base45-char",
	  "code illisible : caractère non autorisé",
	  "unreadable code: a character outside the Base45 alphabet" },
	{ PN_R_BASE45_LENGTH, PN_RC_UNREADABLE, "base45-length",
	  "code illisible : longueur impossible (code tronqué ?)",
	  "unreadable code: impossible Base45 length (truncated?)" },
	{ PN_R_BASE45_VALUE, PN_RC_UNREADABLE, "base45-value",
	  "code illisible : groupe de caractères hors limites",
	  "unreadable code: a Base45 group is out of range" },
	{ PN_R_TOO_SHORT, PN_RC_UNREADABLE, "too-short",
	  "code incomplet : il manque des caractères",
	  "incomplete code: the record is shorter than 92 bytes" },
	{ PN_R_TOO_LONG, PN_RC_UNREADABLE, "too-long",
	  "code trop long : ce n'est pas un chèque valide",
	  "code too long: the record is longer than 92 bytes" },
	{ PN_R_FORMAT, PN_RC_UNREADABLE, "format",
	  "format de chèque inconnu : mettez à jour le terminal",
	  "unknown voucher format version" },
	{ PN_R_RESERVED, PN_RC_UNREADABLE, "reserved",
	  "format de chèque inconnu (octet réservé non nul)",
	  "reserved byte is not zero" },
	{ PN_R_UNKNOWN_KID, PN_RC_UNKNOWN_KEY, "unknown-key",
	  "clé de signature inconnue : mettez à jour les clés du terminal, sinon refusez le chèque",
	  "unknown signing key: update the trust bundle, otherwise refuse" },
	{ PN_R_REVOKED_KID, PN_RC_UNKNOWN_KEY, "revoked-key",
	  "clé de signature révoquée : chèque refusé, le bénéficiaire doit contacter son référent",
	  "the signing key is revoked" },
	{ PN_R_SIGNATURE, PN_RC_FORGED, "signature",
	  "chèque falsifié (signature invalide)",
	  "forged voucher (invalid signature)" },
	{ PN_R_ISSUED_OUTSIDE_KEY, PN_RC_FORGED, "issued-outside-key",
	  "chèque émis hors de la période de la clé de signature",
	  "issued outside the signing key's signing window" },
	{ PN_R_BAD_DATES, PN_RC_FORGED, "bad-dates",
	  "dates du chèque incohérentes (expiration avant émission)",
	  "inconsistent dates (expires before it was issued)" },
	{ PN_R_NOT_YET_VALID, PN_RC_DATES, "not-yet-valid",
	  "chèque pas encore valide : vérifiez la date et l'heure du terminal",
	  "not yet valid: check the terminal's date and time" },
	{ PN_R_EXPIRED, PN_RC_DATES, "expired",
	  "chèque expiré",
	  "expired voucher" },
	{ PN_R_KEY_EXPIRED, PN_RC_DATES, "key-expired",
	  "chèque trop ancien : sa clé de signature n'est plus reconnue",
	  "the signing key is past its verification period" },
	{ PN_R_PROGRAMME, PN_RC_PROGRAMME, "programme",
	  "chèque d'un programme non couvert par sa clé de signature",
	  "the programme is outside the signing key's scope" },
	{ PN_R_CANCELLED, PN_RC_DENIED, "cancelled",
	  "chèque annulé",
	  "cancelled voucher" },
	{ PN_R_REDEEMED, PN_RC_DENIED, "redeemed",
	  "chèque déjà utilisé",
	  "voucher already redeemed" },
};

#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))

const enum pn_reason pn_reasons_all[] = {
	PN_R_OK, PN_R_EMPTY, PN_R_PREFIX, PN_R_LOWERCASE, PN_R_BASE45_CHAR,
	PN_R_BASE45_LENGTH, PN_R_BASE45_VALUE, PN_R_TOO_SHORT, PN_R_TOO_LONG,
	PN_R_FORMAT, PN_R_RESERVED, PN_R_UNKNOWN_KID, PN_R_REVOKED_KID,
	PN_R_SIGNATURE, PN_R_ISSUED_OUTSIDE_KEY, PN_R_BAD_DATES,
	PN_R_NOT_YET_VALID, PN_R_EXPIRED, PN_R_KEY_EXPIRED, PN_R_PROGRAMME,
	PN_R_CANCELLED, PN_R_REDEEMED,
};
const unsigned pn_reasons_count = sizeof(pn_reasons_all) / sizeof(pn_reasons_all[0]);

_Static_assert(sizeof(pn_reasons_all) / sizeof(pn_reasons_all[0]) == NREASONS,
    "every reason is listed in pn_reasons_all and in the table");

static const struct reason_info *
lookup(enum pn_reason r)
{
	size_t i;

	for (i = 0; i < NREASONS; i++)
		if (reasons[i].reason == r)
			return &reasons[i];
	return NULL;
}

const char *
pn_reason_message(enum pn_reason r, enum pn_lang lang)
{
	const struct reason_info *ri = lookup(r);

	if (ri == NULL)
		return lang == PN_LANG_FR ? "motif inconnu" : "unknown reason";
	return lang == PN_LANG_FR ? ri->fr : ri->en;
}

const char *
pn_reason_name(enum pn_reason r)
{
	const struct reason_info *ri = lookup(r);

	return ri == NULL ? "unknown" : ri->name;
}

enum pn_reason_class
pn_reason_class(enum pn_reason r)
{
	const struct reason_info *ri = lookup(r);

	return ri == NULL ? PN_RC_UNREADABLE : ri->class;
}
