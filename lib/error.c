/* error.c -- filling struct pn_error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "passnum/error.h"

int
pn_error_set(struct pn_error *err, enum pn_errcode code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	/* A message cut at 511 bytes is still useful: truncation is accepted. */
	(void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

void
pn_error_clear(struct pn_error *err)
{
	if (err == NULL)
		return;
	err->code = PN_E_OK;
	err->message[0] = '\0';
}

void
pn_error_prefix(struct pn_error *err, const char *prefix)
{
	char msg[sizeof(err->message)];

	if (err == NULL)
		return;
	memcpy(msg, err->message, sizeof(msg));
	/* A message cut at 511 bytes is still useful: truncation is accepted. */
	if (snprintf(err->message, sizeof(err->message), "%s: %s", prefix,
	    msg) < 0)
		err->message[0] = '\0';
}
