/* form.c -- decoding application/x-www-form-urlencoded bodies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
form_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, more;
	unsigned cp;

	while (i < len) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			more = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			more = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			more = 3, cp = c & 0x07;
		else
			return 0;
		if (len - i <= more)
			return 0;
		for (k = 1; k <= more; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += more + 1;
	}
	return 1;
}

/*
 * Decode the n bytes at src into dst (which has room for n + 1) in place
 * of '+' and "%XX"; returns the decoded length, or -1 on a bad escape or
 * a NUL byte.
 */
static long
decode(const char *src, size_t n, char *dst)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (src[i] == '+')
			dst[o++] = ' ';
		else if (src[i] == '%') {
			if (n - i < 3 || (hi = hex_value(src[i + 1])) < 0 ||
			    (lo = hex_value(src[i + 2])) < 0 ||
			    (hi == 0 && lo == 0))
				return -1;
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (src[i] == '\0')
			return -1;
		else
			dst[o++] = src[i];
	}
	dst[o] = '\0';
	return (long)o;
}

int
form_parse(const char *body, size_t len, struct form *f, char *err,
    size_t errlen)
{
	const char *p = body, *end = body + len;
	char *out;

	memset(f, 0, sizeof(*f));
	/* Decoding never grows a field; each gets its own NUL. */
	if ((f->buf = malloc(2 * len + 2)) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return -1;
	}
	out = f->buf;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp != NULL ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *name_end = eq != NULL ? eq : stop;
		long nlen, vlen;
		char *name = out, *value;

		if (stop == p) {	/* "a=1&&b=2": an empty piece */
			p = stop + 1;
			continue;
		}
		if ((nlen = decode(p, (size_t)(name_end - p), name)) <= 0 ||
		    !form_utf8_valid(name, (size_t)nlen)) {
			(void)snprintf(err, errlen, "field %zu: the name is "
			    "empty, badly escaped or not UTF-8", f->n + 1);
			goto fail;
		}
		value = name + nlen + 1;
		vlen = eq != NULL ? decode(eq + 1, (size_t)(stop - eq - 1),
		    value) : (value[0] = '\0', 0);
		if (vlen < 0 || !form_utf8_valid(value, (size_t)vlen)) {
			(void)snprintf(err, errlen, "field '%s': the value is "
			    "badly escaped or not UTF-8", name);
			goto fail;
		}
		if (form_get(f, name) != NULL) {
			(void)snprintf(err, errlen, "field '%s' is repeated",
			    name);
			goto fail;
		}
		if (f->n == FORM_FIELDS_MAX) {
			(void)snprintf(err, errlen, "more than %d fields",
			    FORM_FIELDS_MAX);
			goto fail;
		}
		f->fields[f->n].name = name;
		f->fields[f->n++].value = value;
		out = value + vlen + 1;
		p = amp != NULL ? amp + 1 : end;
	}
	return 0;
fail:
	form_free(f);
	return -1;
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}

const struct form_file *
form_file_get(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_files; i++)
		if (strcmp(f->files[i].name, name) == 0)
			return &f->files[i];
	return NULL;
}

void
form_free(struct form *f)
{
	size_t i;

	for (i = 0; i < f->n_files; i++)
		free(f->files[i].data);
	free(f->buf);
	memset(f, 0, sizeof(*f));
}
