/* codeinput.c -- voucher codes from arguments and from scanners on standard input. */
#include <stdio.h>
#include <string.h>

#include "passnum/codeinput.h"

void
pn_code_chomp(char *s, size_t *len)
{
	while (*len > 0 && (s[*len - 1] == '\n' || s[*len - 1] == '\r'))
		s[--*len] = '\0';
}

int
pn_code_input(const char *arg, char *buf, size_t cap, size_t *len)
{
	if (strcmp(arg, "-") != 0) {
		*len = strlen(arg);
		if (*len >= cap) {
			(void)snprintf(buf, cap, "code longer than %zu "
			    "characters", cap - 1);
			return -1;
		}
		memcpy(buf, arg, *len + 1);
		pn_code_chomp(buf, len);
		return 0;
	}
	if (fgets(buf, (int)cap, stdin) == NULL) {
		(void)snprintf(buf, cap, "nothing on standard input");
		return -1;
	}
	*len = strlen(buf);
	if (*len == cap - 1 && buf[*len - 1] != '\n') {
		(void)snprintf(buf, cap, "line longer than %zu characters",
		    cap - 2);
		return -1;
	}
	pn_code_chomp(buf, len);
	return 0;
}
