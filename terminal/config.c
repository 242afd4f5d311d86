/* config.c -- reading and writing the terminal's config.json.
 *
 * The file is written by enrolment and sync, and may be edited by an
 * operator for the few keys documented in docs/terminal.md; so every key is
 * checked on load and an unknown key (a typing mistake) is refused with its
 * name, rather than silently ignored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "passnum/fileio.h"
#include "passnum/request.h"

#define CONFIG_MAX_FILE (256u << 10)

void
term_config_init(struct term_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_batch = TERM_DEFAULT_MAX_BATCH;
	c->max_denylist_age_hours = TERM_DEFAULT_DENY_AGE_HOURS;
	c->connect_timeout = TERM_DEFAULT_CONNECT_TIMEOUT;
	c->request_timeout = TERM_DEFAULT_REQUEST_TIMEOUT;
}

/* Copy a string member; refuses one too long for dst or holding a NUL. */
static int
get_string(const json_t *v, const char *name, const char *key, char *dst,
    size_t cap, bool required, struct pn_error *err)
{
	size_t n;

	if (!json_is_string(v))
		return pn_error_set(err, PN_E_FORMAT, "%s : %s : texte "
		    "attendu", name, key);
	n = json_string_length(v);
	if (n >= cap || strlen(json_string_value(v)) != n)
		return pn_error_set(err, PN_E_FORMAT, "%s : %s : au plus %zu "
		    "octets, sans NUL", name, key, cap - 1);
	if (required && n == 0)
		return pn_error_set(err, PN_E_FORMAT, "%s : %s : ne doit pas "
		    "être vide", name, key);
	memcpy(dst, json_string_value(v), n + 1);
	return 0;
}

static int
get_int(const json_t *v, const char *name, const char *key, int64_t min,
    int64_t max, int64_t *out, struct pn_error *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return pn_error_set(err, PN_E_FORMAT, "%s : %s : nombre entier "
		    "de %lld à %lld attendu", name, key, (long long)min,
		    (long long)max);
	*out = (int64_t)json_integer_value(v);
	return 0;
}

static int
get_venue(const json_t *v, const char *name, struct term_config *c,
    struct pn_error *err)
{
	const char *key;
	json_t *m;
	int64_t id;

	if (!json_is_object(v))
		return pn_error_set(err, PN_E_FORMAT, "%s : venue : objet "
		    "attendu", name);
	json_object_foreach((json_t *)v, key, m) {
		if (strcmp(key, "id") == 0) {
			if (get_int(m, name, "venue.id", 1, INT64_MAX, &id,
			    err) != 0)
				return -1;
			c->venue_id = (uint64_t)id;
		} else if (strcmp(key, "name") == 0) {
			if (get_string(m, name, "venue.name", c->venue_name,
			    sizeof(c->venue_name), true, err) != 0)
				return -1;
		} else if (strcmp(key, "siret") == 0) {
			if (get_string(m, name, "venue.siret", c->venue_siret,
			    sizeof(c->venue_siret), false, err) != 0)
				return -1;
		} else
			return pn_error_set(err, PN_E_FORMAT, "%s : "
			    "venue.%.64s : clé inconnue", name, key);
	}
	return 0;
}

static int
get_themes(const json_t *v, const char *name, struct term_config *c,
    struct pn_error *err)
{
	size_t i;
	json_t *t;

	if (!json_is_array(v) || json_array_size(v) > TERM_THEMES_MAX)
		return pn_error_set(err, PN_E_FORMAT, "%s : themes : liste "
		    "d'au plus %d textes attendue", name, TERM_THEMES_MAX);
	json_array_foreach((json_t *)v, i, t)
		if (get_string(t, name, "themes[]", c->themes[i],
		    sizeof(c->themes[i]), true, err) != 0)
			return -1;
	c->n_themes = json_array_size(v);
	return 0;
}

static int
get_member(const char *key, const json_t *v, const char *name,
    struct term_config *c, struct pn_error *err)
{
	char hex[65];
	int64_t n;

	if (strcmp(key, "server") == 0)
		return get_string(v, name, key, c->server, sizeof(c->server),
		    true, err);
	if (strcmp(key, "ca_file") == 0) {
		if (get_string(v, name, key, c->ca_file, sizeof(c->ca_file),
		    false, err) != 0)
			return -1;
		/* A name inside the data dir, never a path out of it. */
		if (strchr(c->ca_file, '/') != NULL ||
		    strcmp(c->ca_file, "..") == 0 ||
		    strcmp(c->ca_file, ".") == 0)
			return pn_error_set(err, PN_E_FORMAT, "%s : ca_file : "
			    "nom d'un fichier du dossier des données "
			    "attendu", name);
		return 0;
	}
	if (strcmp(key, "label") == 0)
		return get_string(v, name, key, c->label, sizeof(c->label),
		    false, err);
	if (strcmp(key, "venue") == 0)
		return get_venue(v, name, c, err);
	if (strcmp(key, "themes") == 0)
		return get_themes(v, name, c, err);
	if (strcmp(key, "master_public_key") == 0) {
		if (get_string(v, name, key, hex, sizeof(hex), false, err) != 0)
			return -1;
		if (hex[0] == '\0') {
			c->has_master = false;
			return 0;
		}
		if (!pn_hex_decode(hex, c->master_pk, sizeof(c->master_pk)))
			return pn_error_set(err, PN_E_FORMAT, "%s : %s : 64 "
			    "chiffres hexadécimaux en minuscules "
			    "attendus", name, key);
		c->has_master = true;
		return 0;
	}
	if (strcmp(key, "terminal") == 0) {
		if (get_int(v, name, key, 1, INT64_MAX, &n, err) != 0)
			return -1;
		c->terminal = (uint64_t)n;
	} else if (strcmp(key, "max_batch") == 0) {
		if (get_int(v, name, key, 1, 1000000, &n, err) != 0)
			return -1;
		c->max_batch = (uint32_t)n;
	} else if (strcmp(key, "max_denylist_age_hours") == 0) {
		if (get_int(v, name, key, 1, 24 * 366, &n, err) != 0)
			return -1;
		c->max_denylist_age_hours = (uint32_t)n;
	} else if (strcmp(key, "connect_timeout_seconds") == 0) {
		if (get_int(v, name, key, 1, 600, &n, err) != 0)
			return -1;
		c->connect_timeout = (uint32_t)n;
	} else if (strcmp(key, "request_timeout_seconds") == 0) {
		if (get_int(v, name, key, 1, 3600, &n, err) != 0)
			return -1;
		c->request_timeout = (uint32_t)n;
	} else if (strcmp(key, "enrolled_at") == 0) {
		if (get_int(v, name, key, 0, INT64_MAX, &n, err) != 0)
			return -1;
		c->enrolled_at = n;
	} else
		return pn_error_set(err, PN_E_FORMAT, "%s : %.64s : clé "
		    "inconnue", name, key);
	return 0;
}

int
term_config_parse(const char *text, size_t len, const char *name,
    struct term_config *c, struct pn_error *err)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	int rc = 0;

	term_config_init(c);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return pn_error_set(err, PN_E_FORMAT, "%s : ligne %d : %s",
		    name, jerr.line, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return pn_error_set(err, PN_E_FORMAT, "%s : objet JSON "
		    "attendu", name);
	}
	json_object_foreach(root, key, v)
		if ((rc = get_member(key, v, name, c, err)) != 0)
			break;
	json_decref(root);
	if (rc != 0)
		return -1;
	if (c->server[0] == '\0' || c->terminal == 0 || c->venue_id == 0)
		return pn_error_set(err, PN_E_FORMAT, "%s : server, terminal "
		    "et venue doivent y être", name);
	return 0;
}

int
term_config_load(const char *path, struct term_config *c,
    struct pn_error *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if (pn_file_read(path, CONFIG_MAX_FILE, &buf, &len, err) != 0)
		return -1;
	rc = term_config_parse((const char *)buf, len, path, c, err);
	free(buf);
	return rc;
}

int
term_config_save(const char *path, const struct term_config *c,
    struct pn_error *err)
{
	char hex[65] = "";
	json_t *root, *themes;
	char *text = NULL, *line;
	size_t i, len;
	int rc = -1;

	if (c->has_master)
		pn_hex_encode(c->master_pk, sizeof(c->master_pk), hex);
	if ((themes = json_array()) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
	for (i = 0; i < c->n_themes; i++)
		json_array_append_new(themes, json_string(c->themes[i]));
	root = json_pack("{s:s, s:s, s:I, s:s, s:{s:I, s:s, s:s}, s:o, s:I, "
	    "s:s, s:I, s:I, s:I, s:I}",
	    "server", c->server,
	    "ca_file", c->ca_file,
	    "terminal", (json_int_t)c->terminal,
	    "label", c->label,
	    "venue", "id", (json_int_t)c->venue_id, "name", c->venue_name,
	    "siret", c->venue_siret,
	    "themes", themes,
	    "max_batch", (json_int_t)c->max_batch,
	    "master_public_key", hex,
	    "max_denylist_age_hours", (json_int_t)c->max_denylist_age_hours,
	    "connect_timeout_seconds", (json_int_t)c->connect_timeout,
	    "request_timeout_seconds", (json_int_t)c->request_timeout,
	    "enrolled_at", (json_int_t)c->enrolled_at);
	if (root == NULL || (text = json_dumps(root, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "%s : écriture impossible", path);
		goto out;
	}
	/* Not secret, but it names the venue: no need for others to read it. */
	len = strlen(text);
	if ((line = malloc(len + 2)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		goto out;
	}
	memcpy(line, text, len);
	line[len] = '\n';	/* a text file ends with a line ending */
	rc = pn_file_write(path, line, len + 1, 0600, true, err);
	free(line);
out:
	free(text);
	json_decref(root);
	return rc;
}

bool
term_config_has_theme(const struct term_config *c, const char *theme)
{
	size_t i;

	for (i = 0; i < c->n_themes; i++)
		if (strcmp(c->themes[i], theme) == 0)
			return true;
	return false;
}
