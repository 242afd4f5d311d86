/* errors.c -- the error table in memory, and its Markdown rendering. */
#include <stddef.h>

#include "errors.h"

static const struct err_info table[] = {
#define ERR(num, name, status, fr, en) { ERR_##name, #name, status, fr, en },
#include "passnum/errors.def"
#undef ERR
};

#define NERRORS (sizeof(table) / sizeof(table[0]))

const struct err_info *
err_lookup(enum err_code code)
{
	size_t i;

	for (i = 0; i < NERRORS; i++)
		if (table[i].code == code)
			return &table[i];
	return &table[0];
}

void
err_write_markdown(FILE *out)
{
	size_t i;

	fprintf(out, "# Error codes\n\n"
	    "Generated from `include/passnum/errors.def` by `make docs`; do not edit.\n\n"
	    "Every error reply of `passnumd` is a JSON object\n"
	    "`{\"code\": N, \"error\": \"message\", \"detail\": \"...\"}` with the "
	    "HTTP status below.\n`error` is the French message; `detail` says "
	    "what was wrong in this request.\nNumbers are stable: a number is "
	    "never reused.\n\n"
	    "| code | name | HTTP | message (fr) | message (en) |\n"
	    "| ---: | --- | ---: | --- | --- |\n");
	for (i = 0; i < NERRORS; i++)
		fprintf(out, "| %d | `%s` | %u | %s | %s |\n", (int)table[i].code,
		    table[i].name, table[i].status, table[i].fr, table[i].en);
}
