/* gen_errors_md.c -- print docs/errors.md from the error table (make docs). */
#include <stdio.h>

#include "errors.h"

int
main(void)
{
	err_write_markdown(stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
