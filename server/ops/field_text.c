/* field_text.c -- the rule of a short text field (field_text.h). */
#include <string.h>

#include "field_text.h"

enum err_code
field_text_check(const char *field, const char *text, size_t max,
    struct op_refusal *why)
{
	size_t n = text != NULL ? strlen(text) : 0, i;

	if (n == 0 || n > max)
		return op_refuse(why, ERR_INVALID_FIELD, field, "%s: 1 to %zu "
		    "bytes", field, max);
	for (i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return op_refuse(why, ERR_INVALID_FIELD, field, "%s: no "
			    "control characters", field);
	return ERR_NONE;
}
