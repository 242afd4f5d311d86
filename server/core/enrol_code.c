/* enrol_code.c -- one-time enrolment codes: made by passnum-admin, typed into a terminal. */
#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "enrol_code.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The hash covers a tag, so that it can be nothing but a code's. */
static void
hash_code(const char canonical[ENROL_CODE_CHARS],
    uint8_t hash[STORE_HASH_SIZE])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, STORE_HASH_SIZE);
	crypto_generichash_update(&st, (const uint8_t *)"passnum-enrol-code",
	    18);
	crypto_generichash_update(&st, (const uint8_t *)canonical,
	    ENROL_CODE_CHARS);
	crypto_generichash_final(&st, hash, STORE_HASH_SIZE);
}

int
enrol_code_new(char text[ENROL_CODE_TEXT_MAX], uint8_t hash[STORE_HASH_SIZE])
{
	char canonical[ENROL_CODE_CHARS];
	size_t i, o = 0;

	for (i = 0; i < ENROL_CODE_CHARS; i++) {
		canonical[i] = alphabet[randombytes_uniform(32)];
		if (i > 0 && i % 4 == 0)
			text[o++] = '-';
		text[o++] = canonical[i];
	}
	text[o] = '\0';
	hash_code(canonical, hash);
	return 0;
}

int
enrol_code_hash(const char *typed, uint8_t hash[STORE_HASH_SIZE])
{
	char canonical[ENROL_CODE_CHARS];
	size_t n = 0;
	int c;

	for (; *typed != '\0'; typed++) {
		if (*typed == ' ' || *typed == '-')
			continue;
		c = toupper((unsigned char)*typed);
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		if (c == '\0' || strchr(alphabet, c) == NULL ||
		    n == ENROL_CODE_CHARS)
			return -1;
		canonical[n++] = (char)c;
	}
	if (n != ENROL_CODE_CHARS)
		return -1;
	hash_code(canonical, hash);
	return 0;
}
