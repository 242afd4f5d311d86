/* config_file.c -- changing one value of passnumd's configuration file, every other byte kept.
 *
 * passnum-admin keys rotate switches [keys] signing_key to the new key this
 * way: the operator's comments and layout survive, and passnumd, which
 * reads the file only at start, finds either the old file or the new one.
 */
#include <ctype.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "passnum/fileio.h"
#include "config.h"
#include "config_file.h"

/* As config.c: larger files are not configuration files. */
#define CONFIG_FILE_MAX (1024 * 1024)

/* Where the value of a key line starts and ends in the text. */
struct span {
	size_t start, end;
};

/*
 * Find the value of [section] name: the text after the separator and its
 * following blanks, up to an inline " ;" comment or the end of the line,
 * trailing blanks (and a CR) left out. Returns true when found.
 */
static bool
find_value(const char *text, size_t len, const char *section,
    const char *name, struct span *v)
{
	const char *line, *end, *nl, *p, *sep, *k, *close;
	bool in_section = false;
	size_t pos = 0;

	while (pos < len) {
		line = text + pos;
		nl = memchr(line, '\n', len - pos);
		end = nl != NULL ? nl : text + len;
		pos = (size_t)(end - text) + (nl != NULL ? 1 : 0);
		p = line;
		if (line == text && end - p >= 3 &&
		    memcmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end || *p == ';' || *p == '#')
			continue;
		if (*p == '[') {
			close = memchr(p, ']', (size_t)(end - p));
			in_section = close != NULL &&
			    (size_t)(close - p - 1) == strlen(section) &&
			    memcmp(p + 1, section, strlen(section)) == 0;
			continue;
		}
		for (sep = p; sep < end && *sep != '=' && *sep != ':'; sep++)
			;
		if (!in_section || sep == end)
			continue;
		for (k = sep; k > p && isspace((unsigned char)k[-1]); k--)
			;
		if ((size_t)(k - p) != strlen(name) ||
		    memcmp(p, name, strlen(name)) != 0)
			continue;
		for (p = sep + 1; p < end && isspace((unsigned char)*p); p++)
			;
		v->start = (size_t)(p - text);
		for (k = p; k < end; k++)
			if (*k == ';' && k > p && isspace((unsigned char)k[-1]))
				break;
		while (k > p && isspace((unsigned char)k[-1]))
			k--;
		v->end = (size_t)(k - text);
		return true;
	}
	return false;
}

int
config_file_read(struct config_file *f, const char *path,
    struct pn_error *err)
{
	struct stat st;
	uint8_t *buf = NULL, *grown;
	size_t len;

	memset(f, 0, sizeof(*f));
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return pn_error_set(err, PN_E_IO, "%s: not a readable file",
		    path);
	if (pn_file_read(path, CONFIG_FILE_MAX, &buf, &len, err) != 0)
		return -1;
	if ((grown = realloc(buf, len + 1)) == NULL) {
		free(buf);
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	}
	buf = grown;
	buf[len] = '\0';
	if (strlen((char *)buf) != len) {
		free(buf);
		return pn_error_set(err, PN_E_FORMAT, "%s: holds a NUL byte",
		    path);
	}
	if ((f->path = strdup(path)) == NULL) {
		free(buf);
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	}
	f->text = (char *)buf;
	f->len = len;
	f->mode = st.st_mode & 07777;
	return 0;
}

int
config_file_get(const struct config_file *f, const char *section,
    const char *name, char *out, size_t len, struct pn_error *err)
{
	struct span v;

	if (!find_value(f->text, f->len, section, name, &v))
		return 1;
	if (v.end - v.start >= len)
		return pn_error_set(err, PN_E_ARG, "%s: [%s] %s: value too "
		    "long", f->path, section, name);
	memcpy(out, f->text + v.start, v.end - v.start);
	out[v.end - v.start] = '\0';
	return 0;
}

/* Parse text as the file would be read, from the file's directory. */
static int
check_text(const struct config_file *f, const char *text,
    struct pn_error *err)
{
	struct config *c = malloc(sizeof(*c));
	char *copy = strdup(f->path), msg[1024];
	int rc = 0;

	if (c == NULL || copy == NULL)
		rc = pn_error_set(err, PN_E_NOMEM, "out of memory");
	else if (config_parse_string(text, f->path, dirname(copy), c, msg,
	    sizeof(msg)) != 0)
		rc = pn_error_set(err, PN_E_FORMAT, "the changed configuration "
		    "would not be valid: %s", msg);
	free(copy);
	free(c);
	return rc;
}

int
config_file_set(struct config_file *f, const char *section, const char *name,
    const char *value, struct pn_error *err)
{
	struct span v;
	size_t n = strlen(value), len;
	char *text;
	bool pad;

	/* A value is one line, taken as written (docs/config.md). */
	if (strpbrk(value, "\r\n") != NULL || value[0] == '"' ||
	    value[0] == '\'' || strstr(value, " ;") != NULL ||
	    strstr(value, "\t;") != NULL)
		return pn_error_set(err, PN_E_ARG, "[%s] %s: '%s' cannot be "
		    "written as a value", section, name, value);
	if (!find_value(f->text, f->len, section, name, &v))
		return pn_error_set(err, PN_E_ARG, "%s: no '%s = ...' line in "
		    "[%s]", f->path, name, section);
	/* "key =" with nothing after: keep a blank before the new value. */
	pad = v.start == v.end && n > 0 && v.start > 0 &&
	    (f->text[v.start - 1] == '=' || f->text[v.start - 1] == ':');
	len = v.start + pad + n + (f->len - v.end);
	if ((text = malloc(len + 1)) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	memcpy(text, f->text, v.start);
	if (pad)
		text[v.start] = ' ';
	memcpy(text + v.start + pad, value, n);
	memcpy(text + v.start + pad + n, f->text + v.end, f->len - v.end);
	text[len] = '\0';
	if (check_text(f, text, err) != 0) {
		free(text);
		return -1;
	}
	free(f->text);
	f->text = text;
	f->len = len;
	return 0;
}

int
config_file_write(const struct config_file *f, struct pn_error *err)
{
	return pn_file_write(f->path, f->text, f->len, f->mode, true, err);
}

void
config_file_free(struct config_file *f)
{
	free(f->path);
	free(f->text);
	memset(f, 0, sizeof(*f));
}
