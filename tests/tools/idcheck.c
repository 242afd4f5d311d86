/* idcheck.c -- pn-idcheck: passnum's SIRET, IBAN and BIC checks, a line each.
 *
 *   pn-idcheck < LINES
 *
 * Each input line is "siret TEXT", "iban TEXT" or "bic TEXT"; each output
 * line is "ok CANONICAL" or "bad STATUS" (the pn_id_status number), in the
 * same order. tests/e2e/test_identifiers.sh compares them with
 * python-stdnum's answers for the same identifiers.
 */
#include <stdio.h>
#include <string.h>

#include "passnum/bankid.h"

int
main(void)
{
	char line[256], out[PN_IBAN_MAX + 1];
	enum pn_id_status st;
	char *text;
	size_t n;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		n = strcspn(line, "\n");
		line[n] = '\0';
		if ((text = strchr(line, ' ')) == NULL) {
			fprintf(stderr, "pn-idcheck: no identifier: %s\n", line);
			return 2;
		}
		*text++ = '\0';
		if (strcmp(line, "siret") == 0)
			st = pn_siret_parse(text, out);
		else if (strcmp(line, "iban") == 0)
			st = pn_iban_parse(text, out);
		else if (strcmp(line, "bic") == 0)
			st = pn_bic_parse(text, out);
		else {
			fprintf(stderr, "pn-idcheck: unknown kind: %s\n", line);
			return 2;
		}
		if (st == PN_ID_OK)
			printf("ok %s\n", out);
		else
			printf("bad %d\n", (int)st);
	}
	return ferror(stdin) ? 1 : 0;
}
