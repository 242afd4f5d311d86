/* bankid.c -- SIRET, IBAN and BIC of a partner venue, as typed by people. */
#include <stdio.h>
#include <string.h>

#include "passnum/bankid.h"

/* La Poste's SIREN, and the SIRET of its head office (see pn_siret_parse). */
#define LA_POSTE_SIREN		"356000000"
#define LA_POSTE_HEAD_OFFICE	"35600000000048"

/*
 * The countries of the SEPA schemes' geographical scope (European Payments
 * Council, "EPC list of countries and territories", 41 countries in 2025:
 * the EU and EEA; CH, GB, MC, SM, VA, AD; AL and ME since November 2024, MD
 * and MK since March 2025, RS since May 2025), with the length of their IBAN
 * from the SWIFT IBAN Registry (ISO 13616). Gibraltar has IBANs of its own.
 *
 * The other territories of the scope have their own ISO 3166 code, which a
 * BIC may carry (a bank of La Réunion, "...RE..."), but their IBANs use the
 * country's: FR for the French overseas departments and collectivities, FI
 * for Åland, GB for the Crown Dependencies. Their iban_len is 0: a BIC
 * country, not an IBAN one.
 *
 * Alphabetical by code.
 */
static const struct sepa_country {
	char code[3];
	unsigned char iban_len;
} sepa[] = {
	{ "AD", 24 },	/* Andorra */
	{ "AL", 28 },	/* Albania */
	{ "AT", 20 },	/* Austria */
	{ "AX", 0 },	/* Åland: FI IBANs */
	{ "BE", 16 },	/* Belgium */
	{ "BG", 22 },	/* Bulgaria */
	{ "BL", 0 },	/* Saint-Barthélemy: FR IBANs */
	{ "CH", 21 },	/* Switzerland */
	{ "CY", 28 },	/* Cyprus */
	{ "CZ", 24 },	/* Czechia */
	{ "DE", 22 },	/* Germany */
	{ "DK", 18 },	/* Denmark */
	{ "EE", 20 },	/* Estonia */
	{ "ES", 24 },	/* Spain */
	{ "FI", 18 },	/* Finland */
	{ "FR", 27 },	/* France, overseas included */
	{ "GB", 22 },	/* United Kingdom */
	{ "GF", 0 },	/* French Guiana: FR IBANs */
	{ "GG", 0 },	/* Guernsey: GB IBANs */
	{ "GI", 23 },	/* Gibraltar */
	{ "GP", 0 },	/* Guadeloupe: FR IBANs */
	{ "GR", 27 },	/* Greece */
	{ "HR", 21 },	/* Croatia */
	{ "HU", 28 },	/* Hungary */
	{ "IE", 22 },	/* Ireland */
	{ "IM", 0 },	/* Isle of Man: GB IBANs */
	{ "IS", 26 },	/* Iceland */
	{ "IT", 27 },	/* Italy */
	{ "JE", 0 },	/* Jersey: GB IBANs */
	{ "LI", 21 },	/* Liechtenstein */
	{ "LT", 20 },	/* Lithuania */
	{ "LU", 20 },	/* Luxembourg */
	{ "LV", 21 },	/* Latvia */
	{ "MC", 27 },	/* Monaco */
	{ "MD", 24 },	/* Moldova */
	{ "ME", 22 },	/* Montenegro */
	{ "MF", 0 },	/* Saint-Martin: FR IBANs */
	{ "MK", 19 },	/* North Macedonia */
	{ "MQ", 0 },	/* Martinique: FR IBANs */
	{ "MT", 31 },	/* Malta */
	{ "NL", 18 },	/* Netherlands */
	{ "NO", 15 },	/* Norway */
	{ "PL", 28 },	/* Poland */
	{ "PM", 0 },	/* Saint-Pierre-et-Miquelon: FR IBANs */
	{ "PT", 25 },	/* Portugal */
	{ "RE", 0 },	/* La Réunion: FR IBANs */
	{ "RO", 24 },	/* Romania */
	{ "RS", 22 },	/* Serbia */
	{ "SE", 24 },	/* Sweden */
	{ "SI", 19 },	/* Slovenia */
	{ "SK", 24 },	/* Slovakia */
	{ "SM", 27 },	/* San Marino */
	{ "VA", 22 },	/* Vatican City */
	{ "YT", 0 },	/* Mayotte: FR IBANs */
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* c in capitals when it is an ASCII letter. */
static char
upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* The table's entry for the two capitals at code, or NULL. */
static const struct sepa_country *
sepa_find(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(sepa) / sizeof(sepa[0]); i++)
		if (sepa[i].code[0] == code[0] && sepa[i].code[1] == code[1])
			return &sepa[i];
	return NULL;
}

/*
 * The characters of text other than blanks, in capitals, into buf (at most
 * cap of them, not NUL-terminated); their number goes into *n, counted to
 * the end of text even past cap. Returns PN_ID_BAD_CHAR when one of them is
 * not an ASCII letter or digit (or, with digits_only, not a digit).
 */
static enum pn_id_status
compact(const char *text, int digits_only, char *buf, size_t cap, size_t *n)
{
	enum pn_id_status st = PN_ID_OK;
	char c;

	*n = 0;
	for (; *text != '\0'; text++) {
		if (is_blank(*text))
			continue;
		c = digits_only ? *text : upper(*text);
		if (!is_digit(c) && (digits_only || !is_upper(c)))
			st = PN_ID_BAD_CHAR;
		if (*n < cap)
			buf[*n] = c;
		(*n)++;
	}
	return st;
}

/*
 * compact(), then the checks every identifier starts with, in their order:
 * nothing typed, a bad character, more than cap characters.
 */
static enum pn_id_status
compact_checked(const char *text, int digits_only, char *buf, size_t cap,
    size_t *n)
{
	enum pn_id_status st = compact(text, digits_only, buf, cap, n);

	if (*n == 0)
		return PN_ID_EMPTY;
	if (st != PN_ID_OK)
		return st;
	return *n > cap ? PN_ID_LENGTH : PN_ID_OK;
}

/* Luhn: from the right, every second digit doubled (minus 9 above 9). */
static int
luhn_ok(const char *digits, size_t n)
{
	unsigned sum = 0, d;
	size_t i;

	for (i = 0; i < n; i++) {
		d = (unsigned)(digits[n - 1 - i] - '0');
		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

enum pn_id_status
pn_siret_parse(const char *text, char out[PN_SIRET_LEN + 1])
{
	char d[PN_SIRET_LEN];
	enum pn_id_status st;
	unsigned sum = 0;
	size_t n, i;
	int ok;

	out[0] = '\0';
	if ((st = compact_checked(text, 1, d, sizeof(d), &n)) != PN_ID_OK)
		return st;
	if (n != PN_SIRET_LEN)
		return PN_ID_LENGTH;
	if (memcmp(d, LA_POSTE_SIREN, 9) == 0) {
		/*
		 * La Poste numbers its establishments under one SIREN, more
		 * of them than Luhn leaves room for: INSEE gives them SIRETs
		 * whose digits add up to a multiple of 5. Its head office
		 * kept its Luhn-valid SIRET (digits adding up to 26).
		 */
		for (i = 0; i < n; i++)
			sum += (unsigned)(d[i] - '0');
		ok = sum % 5 == 0 ||
		    memcmp(d, LA_POSTE_HEAD_OFFICE, PN_SIRET_LEN) == 0;
	} else
		ok = luhn_ok(d, n);
	/*
	 * The SIREN, the firm's number, carries its own Luhn key, and the
	 * establishment's number is appended to it: a SIRET whose 14 digits
	 * pass Luhn can still hold a SIREN no firm was ever given (INSEE,
	 * and python-stdnum's fr.siret). La Poste's SIREN passes too.
	 */
	if (!ok || !luhn_ok(d, 9))
		return PN_ID_CHECK;
	memcpy(out, d, PN_SIRET_LEN);
	out[PN_SIRET_LEN] = '\0';
	return PN_ID_OK;
}

/*
 * ISO 13616 / ISO 7064 MOD 97-10 over the n characters of iban: its first
 * four moved to the end, each letter read as two digits (A = 10 ... Z = 35),
 * the remainder of that number by 97, a digit or two at a time.
 */
static unsigned
iban_mod97(const char *iban, size_t n)
{
	unsigned r = 0;
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		c = iban[(i + 4) % n];
		if (is_digit(c))
			r = (r * 10 + (unsigned)(c - '0')) % 97;
		else
			r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
	}
	return r;
}

/* Whether the n characters at s are all digits. */
static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/*
 * One of Spain's two control digits over 10 digits (Código Cuenta Cliente):
 * digit i weighed by 2^i mod 11, the sum's complement to 11, 0 or 1 kept.
 */
static char
es_ccc_digit(const char *d)
{
	static const unsigned w[10] = { 1, 2, 4, 8, 5, 10, 9, 7, 3, 6 };
	unsigned sum = 0, i, c;

	for (i = 0; i < 10; i++)
		sum += w[i] * (unsigned)(d[i] - '0');
	c = sum % 11;
	return (char)('0' + (c < 2 ? c : 11 - c));
}

/*
 * The national check digits some countries keep inside the BBAN, as
 * python-stdnum checks them (es.ccc, be.iban, me.iban, no.kontonr): an
 * IBAN whose mod 97 holds can still carry an account number its bank never
 * issued, the mod 97 key having been computed over a mistyped one.
 * bban holds n characters; PN_ID_BAD_CHAR when the country's BBAN is all
 * digits and this one is not.
 */
static enum pn_id_status
iban_national(const char *cc, const char *bban, size_t n)
{
	char ten[10];
	unsigned long long v = 0;
	unsigned sum = 0, i;
	static const unsigned no_w[10] = { 6, 7, 8, 9, 4, 5, 6, 7, 8, 9 };

	if (memcmp(cc, "ES", 2) == 0) {
		/* Bank (4), branch (4), 2 control digits, account (10). */
		if (n != 20 || !all_digits(bban, n))
			return PN_ID_BAD_CHAR;
		ten[0] = ten[1] = '0';
		memcpy(ten + 2, bban, 8);
		if (bban[8] != es_ccc_digit(ten) ||
		    bban[9] != es_ccc_digit(bban + 10))
			return PN_ID_CHECK;
	} else if (memcmp(cc, "BE", 2) == 0) {
		/* Bank (3), account (7), the 10 digits mod 97 (97 for 0). */
		if (n != 12 || !all_digits(bban, n))
			return PN_ID_BAD_CHAR;
		for (i = 0; i < 10; i++)
			v = v * 10 + (unsigned)(bban[i] - '0');
		v %= 97;
		if (v == 0)
			v = 97;
		if ((unsigned)(bban[10] - '0') * 10 +
		    (unsigned)(bban[11] - '0') != v)
			return PN_ID_CHECK;
	} else if (memcmp(cc, "ME", 2) == 0) {
		/* Bank (3), account (13), 2 digits: the 18 mod 97 is 1. */
		if (n != 18 || !all_digits(bban, n))
			return PN_ID_BAD_CHAR;
		for (i = 0; i < n; i++)
			v = (v * 10 + (unsigned)(bban[i] - '0')) % 97;
		if (v != 1)
			return PN_ID_CHECK;
	} else if (memcmp(cc, "NO", 2) == 0) {
		/* Kontonummer: 11 digits, the last a weighted mod 11. */
		if (n != 11 || !all_digits(bban, n))
			return PN_ID_BAD_CHAR;
		if (memcmp(bban, "0000", 4) == 0) {
			/*
			 * The old Postgiro accounts: bank code 0000 and a
			 * 7-digit number under Luhn (stdnum's kontonr drops
			 * the zeros and checks what is left that way).
			 */
			if (!luhn_ok(bban + 4, 7))
				return PN_ID_CHECK;
		} else {
			for (i = 0; i < 10; i++)
				sum += no_w[i] * (unsigned)(bban[i] - '0');
			/* A remainder of 10 has no digit: never issued. */
			if (sum % 11 == 10 ||
			    (unsigned)(bban[10] - '0') != sum % 11)
				return PN_ID_CHECK;
		}
	}
	return PN_ID_OK;
}

enum pn_id_status
pn_iban_parse(const char *text, char out[PN_IBAN_MAX + 1])
{
	char s[PN_IBAN_MAX];
	const struct sepa_country *country;
	enum pn_id_status st;
	size_t n, i;

	out[0] = '\0';
	if ((st = compact_checked(text, 0, s, sizeof(s), &n)) != PN_ID_OK)
		return st;
	/* Country code: two letters; check digits: two digits. */
	for (i = 0; i < n && i < 4; i++)
		if (i < 2 ? !is_upper(s[i]) : !is_digit(s[i]))
			return PN_ID_BAD_CHAR;
	if (n < 2)
		return PN_ID_LENGTH;
	country = sepa_find(s);
	if (country == NULL || country->iban_len == 0)
		return PN_ID_COUNTRY;
	if (n != country->iban_len)
		return PN_ID_LENGTH;
	/* Check digits run from 02 to 98: 00, 01 and 99 are never issued. */
	if ((s[2] == '0' && s[3] <= '1') || (s[2] == '9' && s[3] == '9') ||
	    iban_mod97(s, n) != 1)
		return PN_ID_CHECK;
	if ((st = iban_national(s, s + 4, n - 4)) != PN_ID_OK)
		return st;
	memcpy(out, s, n);
	out[n] = '\0';
	return PN_ID_OK;
}

void
pn_iban_format(const char *iban, char out[PN_IBAN_TEXT_MAX])
{
	size_t n = 0, o = 0;

	for (; *iban != '\0' && n < PN_IBAN_MAX; iban++) {
		if (is_blank(*iban))
			continue;
		if (n > 0 && n % 4 == 0)
			out[o++] = ' ';
		out[o++] = *iban;
		n++;
	}
	out[o] = '\0';
}

enum pn_id_status
pn_bic_parse(const char *text, char out[PN_BIC_MAX + 1])
{
	char s[PN_BIC_MAX];
	const struct sepa_country *country;
	enum pn_id_status st;
	size_t n, i;

	out[0] = '\0';
	if ((st = compact_checked(text, 0, s, sizeof(s), &n)) != PN_ID_OK)
		return st;
	/* Bank and country: letters; location and branch: letters, digits. */
	for (i = 0; i < n && i < 6; i++)
		if (!is_upper(s[i]))
			return PN_ID_BAD_CHAR;
	if (n >= 6) {
		country = sepa_find(s + 4);
		if (country == NULL)
			return PN_ID_COUNTRY;
	}
	if (n != 8 && n != PN_BIC_MAX)
		return PN_ID_LENGTH;
	memcpy(out, s, n);
	out[n] = '\0';
	return PN_ID_OK;
}

/* The detail of a message for status about what. */
static const char *
status_detail(enum pn_id_status status, const char *what)
{
	int siret = strcmp(what, "SIRET") == 0;
	int iban = strcmp(what, "IBAN") == 0;
	int bic = strcmp(what, "BIC") == 0;

	switch (status) {
	case PN_ID_OK:
		return "valide";
	case PN_ID_EMPTY:
		return "rien n’a été saisi";
	case PN_ID_BAD_CHAR:
		if (siret)
			return "seuls des chiffres sont permis";
		if (iban)
			return "seuls des lettres et des chiffres sont permis : "
			    "2 lettres (le pays), 2 chiffres (la clé), puis "
			    "des lettres ou des chiffres";
		if (bic)
			return "seuls des lettres et des chiffres sont permis : "
			    "4 lettres (la banque), 2 lettres (le pays), puis "
			    "des lettres ou des chiffres";
		return "caractère non permis";
	case PN_ID_LENGTH:
		if (siret)
			return "14 chiffres sont attendus";
		if (iban)
			return "nombre de caractères incorrect pour ce pays, "
			    "vérifiez qu’aucun ne manque ni ne dépasse";
		if (bic)
			return "8 ou 11 caractères sont attendus";
		return "nombre de caractères incorrect";
	case PN_ID_CHECK:
		return "la clé de contrôle ne correspond pas, relisez-le "
		    "(une erreur de saisie)";
	case PN_ID_COUNTRY:
		return "pays inconnu ou hors de la zone SEPA";
	}
	return "saisie invalide";
}

const char *
pn_id_status_message(enum pn_id_status status, const char *what,
    char *buf, size_t len)
{
	size_t n, lead;
	int r;

	if (buf == NULL || len == 0)
		return "";
	if (what == NULL)
		what = "Identifiant";
	r = snprintf(buf, len, "%s : %s", what, status_detail(status, what));
	if (r < 0) {
		buf[0] = '\0';
		return buf;
	}
	if ((size_t)r < len)
		return buf;
	/* Cut short: drop a UTF-8 character the cut left unfinished. */
	n = strlen(buf);
	lead = n;
	while (lead > 0 && ((unsigned char)buf[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead > 0 && (unsigned char)buf[lead - 1] >= 0xc0) {
		unsigned char c = (unsigned char)buf[lead - 1];
		size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		if (n - (lead - 1) < want)
			buf[lead - 1] = '\0';
	}
	return buf;
}
