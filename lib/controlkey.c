/* controlkey.c -- control keys derived from voucher signatures, and typed voucher texts. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "passnum/controlkey.h"

#define ALPHABET_SIZE 31

void
pn_control_key(const uint8_t sig[64], char key[PN_CONTROL_KEY_SIZE])
{
	static const char alphabet[] = PN_CONTROL_KEY_ALPHABET;
	crypto_generichash_state st;
	uint8_t h[8];
	uint64_t n = 0;
	int i;

	(void)crypto_generichash_init(&st, NULL, 0, sizeof(h));
	(void)crypto_generichash_update(&st,
	    (const unsigned char *)PN_CONTROL_KEY_TAG,
	    strlen(PN_CONTROL_KEY_TAG));
	(void)crypto_generichash_update(&st, sig, 64);
	(void)crypto_generichash_final(&st, h, sizeof(h));
	for (i = 0; i < 8; i++)
		n = n << 8 | h[i];
	/*
	 * 2^64 is about 2.2 * 10^7 times 31^8: the bias of the reduction is
	 * below one part in ten million.
	 */
	for (i = PN_CONTROL_KEY_LEN - 1; i >= 0; i--) {
		key[i] = alphabet[n % ALPHABET_SIZE];
		n /= ALPHABET_SIZE;
	}
	key[PN_CONTROL_KEY_LEN] = '\0';
}

void
pn_control_key_format(const char key[PN_CONTROL_KEY_SIZE],
    char text[PN_CONTROL_KEY_TEXT_MAX])
{
	memcpy(text, key, 4);
	text[4] = '-';
	memcpy(text + 5, key + 4, 4);
	text[9] = '\0';
}

static bool
in_alphabet(char c)
{
	return c != '\0' && strchr(PN_CONTROL_KEY_ALPHABET, c) != NULL;
}

enum pn_control_key_status
pn_control_key_parse(const char *typed, char key[PN_CONTROL_KEY_SIZE],
    char *bad)
{
	size_t n = 0;
	char c;

	for (; *typed != '\0'; typed++) {
		c = *typed;
		if (c == ' ' || c == '\t' || c == '-' || c == '.')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!in_alphabet(c)) {
			if (bad != NULL)
				*bad = *typed;
			return PN_CONTROL_KEY_BAD_CHAR;
		}
		if (n == PN_CONTROL_KEY_LEN)
			return PN_CONTROL_KEY_LENGTH;
		key[n++] = c;
	}
	if (n == 0)
		return PN_CONTROL_KEY_EMPTY;
	if (n != PN_CONTROL_KEY_LEN)
		return PN_CONTROL_KEY_LENGTH;
	key[n] = '\0';
	return PN_CONTROL_KEY_OK;
}

const char *
pn_control_key_status_message(enum pn_control_key_status s)
{
	switch (s) {
	case PN_CONTROL_KEY_OK:
		return "clé de contrôle bien formée";
	case PN_CONTROL_KEY_EMPTY:
		return "clé de contrôle manquante : tapez les 8 caractères "
		    "imprimés à côté du numéro";
	case PN_CONTROL_KEY_BAD_CHAR:
		return "caractère impossible dans une clé de contrôle (elle "
		    "n'a ni 0, ni 1, ni I, ni L, ni O) : relisez-la sur le "
		    "chèque";
	case PN_CONTROL_KEY_LENGTH:
		return "une clé de contrôle a 8 caractères : relisez-la sur "
		    "le chèque";
	}
	return "clé de contrôle illisible";
}

bool
pn_control_key_equal(const char *a, const char *b)
{
	return sodium_memcmp(a, b, PN_CONTROL_KEY_LEN) == 0;
}

void
pn_typed_voucher_format(uint64_t serial,
    const char key[PN_CONTROL_KEY_SIZE], char text[PN_TYPED_TEXT_MAX])
{
	(void)snprintf(text, PN_TYPED_TEXT_MAX, "%s%llu:%.8s",
	    PN_TYPED_PREFIX, (unsigned long long)serial, key);
}

bool
pn_typed_voucher_is(const char *text, size_t len)
{
	size_t n = strlen(PN_TYPED_PREFIX);

	return len >= n && memcmp(text, PN_TYPED_PREFIX, n) == 0;
}

int
pn_typed_voucher_parse(const char *text, size_t len, uint64_t *serial,
    char key[PN_CONTROL_KEY_SIZE])
{
	size_t i = strlen(PN_TYPED_PREFIX), digits = 0;
	uint64_t n = 0;

	if (!pn_typed_voucher_is(text, len))
		return -1;
	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
		if (digits == 0 && text[i] == '0')
			return -1;	/* no leading zero, no serial 0 */
		if (n > (uint64_t)INT64_MAX / 10)
			return -1;
		n = n * 10 + (uint64_t)(text[i] - '0');
		if (n > (uint64_t)INT64_MAX)
			return -1;
	}
	if (digits == 0 || i >= len || text[i] != ':')
		return -1;
	i++;
	if (len - i != PN_CONTROL_KEY_LEN)
		return -1;
	for (digits = 0; digits < PN_CONTROL_KEY_LEN; digits++) {
		if (!in_alphabet(text[i + digits]))
			return -1;
		key[digits] = text[i + digits];
	}
	key[PN_CONTROL_KEY_LEN] = '\0';
	*serial = n;
	return 0;
}
