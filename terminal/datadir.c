/* datadir.c -- naming and creating the terminal's data directory. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir.h"

static int
fits(int n, size_t len)
{
	return n >= 0 && (size_t)n < len;
}

int
term_data_dir(const char *opt, char *buf, size_t len, struct pn_error *err)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (opt != NULL && opt[0] != '\0') {
		if (!fits(snprintf(buf, len, "%s", opt), len))
			return pn_error_set(err, PN_E_ARG, "--data : chemin "
			    "trop long");
		return 0;
	}
	/* The XDG spec says a relative XDG_DATA_HOME is to be ignored. */
	if (xdg != NULL && xdg[0] == '/') {
		if (!fits(snprintf(buf, len, "%s/passnum-terminal", xdg), len))
			return pn_error_set(err, PN_E_ARG, "XDG_DATA_HOME : "
			    "chemin trop long");
		return 0;
	}
	if ((home == NULL || home[0] == '\0') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] == '\0')
		return pn_error_set(err, PN_E_ARG, "ni --data, ni "
		    "XDG_DATA_HOME, ni HOME : donnez le dossier des données "
		    "avec --data DIR");
	if (!fits(snprintf(buf, len, "%s/.local/share/passnum-terminal", home),
	    len))
		return pn_error_set(err, PN_E_ARG, "HOME : chemin trop long");
	return 0;
}

int
term_path(char *buf, size_t len, const char *dir, const char *name,
    struct pn_error *err)
{
	if (!fits(snprintf(buf, len, "%s/%s", dir, name), len))
		return pn_error_set(err, PN_E_ARG, "%s/%s : chemin trop "
		    "long", dir, name);
	return 0;
}

int
term_data_dir_create(const char *dir, struct pn_error *err)
{
	char path[TERM_PATH_MAX];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return pn_error_set(err, PN_E_ARG, "dossier des données : "
		    "chemin incorrect");
	memcpy(path, dir, n + 1);
	/* Parents as the umask wants them; the data dir itself private. */
	for (i = 1; i < n; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return pn_error_set(err, PN_E_IO, "création de %s "
			    "impossible (%s)", path, strerror(errno));
		path[i] = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return pn_error_set(err, PN_E_IO, "création de %s "
		    "impossible (%s)", path, strerror(errno));
	return 0;
}

int
term_journal_lost_error(const char *path, struct pn_error *err)
{
	/* The path last: a long one is cut, the advice is not. */
	return pn_error_set(err, PN_E_IO, "journal absent ou vide alors que "
	    "ce poste est inscrit : des encaissements hors ligne ont pu être "
	    "perdus ; ne réinscrivez pas le poste, restaurez le fichier "
	    "journal depuis une sauvegarde (poste arrêté) ou prévenez le "
	    "Département ; fichier : %s", path);
}
