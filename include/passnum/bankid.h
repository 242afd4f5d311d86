/* bankid.h -- the identifiers of a partner venue: SIRET, IBAN and BIC.
 *
 * Each is checked as typed by a person (spaces allowed, any letter case)
 * and written back in its canonical form: digits only for a SIRET, no
 * space and capitals for an IBAN or a BIC. A SIRET carries a Luhn check
 * (La Poste's establishments, SIREN 356 000 000, follow their own rule:
 * the sum of the digits is a multiple of 5; its head office, 356 000 000
 * 00048, kept a Luhn-valid one); an IBAN its ISO 13616 mod-97 check and its
 * country's length; a BIC (ISO 9362) has 8 or 11 characters.
 *
 * "Spaces" are ASCII spaces and tabs. The parsers read text up to its NUL
 * whatever its length, write at most the size of out, and leave out empty
 * unless they return PN_ID_OK. Character errors come first (PN_ID_BAD_CHAR
 * over PN_ID_LENGTH), so "12 34" typed for an IBAN is a character error.
 */
#ifndef PASSNUM_BANKID_H
#define PASSNUM_BANKID_H

#include <stddef.h>

#define PN_SIRET_LEN		14
#define PN_IBAN_MAX		34	/* characters, canonical form */
#define PN_IBAN_TEXT_MAX	(PN_IBAN_MAX + PN_IBAN_MAX / 4 + 1)
#define PN_BIC_MAX		11

enum pn_id_status {
	PN_ID_OK = 0,
	PN_ID_EMPTY,		/* nothing but spaces */
	PN_ID_BAD_CHAR,		/* a character the identifier cannot hold */
	PN_ID_LENGTH,		/* wrong number of characters */
	PN_ID_CHECK,		/* the check digits do not match: a typo */
	PN_ID_COUNTRY		/* IBAN or BIC: not a known country code */
};

/*
 * text as a SIRET: 14 digits, spaces ignored, into out (15 bytes). Luhn
 * catches every single mistyped digit; La Poste's rule only those that do
 * not change the sum by 5. The SIREN (the first 9 digits) must pass Luhn on
 * its own too, La Poste's included, as INSEE issues it (PN_ID_CHECK).
 */
enum pn_id_status pn_siret_parse(const char *text,
    char out[PN_SIRET_LEN + 1]);

/*
 * text as an IBAN: spaces ignored, letters of any case; the country code
 * must be one of the SEPA scheme's countries (PN_ID_COUNTRY otherwise),
 * with that country's length from the SWIFT IBAN Registry (PN_ID_LENGTH),
 * and the mod-97 check must hold, with check digits 02 to 98 (PN_ID_CHECK).
 * Spain's, Belgium's, Montenegro's and Norway's account numbers carry
 * check digits of their own, checked as python-stdnum does (PN_ID_CHECK;
 * a letter in their all-digit account number is PN_ID_BAD_CHAR).
 * The canonical form (capitals, no space) goes into out.
 */
enum pn_id_status pn_iban_parse(const char *text, char out[PN_IBAN_MAX + 1]);

/*
 * The IBAN iban (canonical) in groups of four for people to read:
 * "FR76 3000 6000 0112 3456 7890 189". Spaces in iban are skipped and at
 * most PN_IBAN_MAX characters are taken, so that any string fits in out.
 */
void pn_iban_format(const char *iban, char out[PN_IBAN_TEXT_MAX]);

/*
 * text as a BIC: 4 letters (bank), 2 letters (country, a SEPA country or
 * territory: PN_ID_COUNTRY otherwise), 2 letters or digits (location),
 * optionally 3 more (branch); spaces ignored, letters of any case; canonical
 * form into out. "BNPAFRPP" and "BNPAFRPPXXX" are both kept as typed.
 */
enum pn_id_status pn_bic_parse(const char *text, char out[PN_BIC_MAX + 1]);

/*
 * French message for status about what ("SIRET", "IBAN", "BIC"), for the
 * person who typed it: "IBAN : la clé de contrôle ne correspond pas...".
 * Written into buf (len bytes, cut short on a whole UTF-8 character), and
 * buf returned; "" when buf is NULL or len is 0.
 */
const char *pn_id_status_message(enum pn_id_status status, const char *what,
    char *buf, size_t len);

#endif
