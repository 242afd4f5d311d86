/* form.h -- the bodies HTML forms post: urlencoded, or multipart with a file. */
#ifndef PN_FORM_H
#define PN_FORM_H

#include <stddef.h>

#define FORM_FIELDS_MAX 32
#define FORM_FILES_MAX 2

struct form_field {
	const char *name;
	const char *value;
};

/* A file sent with a multipart form (<input type="file">). */
struct form_file {
	const char *name;		/* the field's */
	const char *filename;		/* as the browser named it, or "" */
	const char *type;		/* as the browser declared it, or "" */
	unsigned char *data;		/* its bytes (owned by the form) */
	size_t len;
};

/* A decoded form; its strings live in buf. */
struct form {
	char *buf;
	size_t n;
	struct form_field fields[FORM_FIELDS_MAX];
	size_t n_files;
	struct form_file files[FORM_FILES_MAX];
};

/*
 * Decode body (len bytes): fields separated by '&', "name=value" ('=' and
 * value may be left out), '+' for a space, "%XX" for a byte. A bad escape,
 * a NUL byte, text that is not UTF-8, an empty or repeated name, or more
 * than FORM_FIELDS_MAX fields is refused: -1 with a message in err naming
 * the field. 0 on success; form_free() then releases *f.
 */
int form_parse(const char *body, size_t len, struct form *f, char *err,
    size_t errlen);

/* The value of the field name, or NULL when the form has none. */
const char *form_get(const struct form *f, const char *name);

/* The file sent in the field name, or NULL when the form has none. */
const struct form_file *form_file_get(const struct form *f,
    const char *name);

/* Release what form_parse() allocated; a zeroed form is accepted. */
void form_free(struct form *f);

/* s (of len bytes) is well-formed UTF-8 with no overlong form or surrogate. */
int form_utf8_valid(const char *s, size_t len);

#endif
