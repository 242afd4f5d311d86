/* config_file.h -- changing one value of passnumd's configuration file, every other byte kept. */
#ifndef PN_CONFIG_FILE_H
#define PN_CONFIG_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "passnum/error.h"

/*
 * A configuration file held as text. Lines are found as config.c reads
 * them (docs/config.md): "[section]" headers, "key = value" or
 * "key: value" lines, comments after ";" or "#" at the start of a line and
 * after " ;" on a value line.
 */
struct config_file {
	char *path;
	char *text;		/* NUL-terminated */
	size_t len;
	mode_t mode;		/* kept when the file is written back */
};

/*
 * Read the file at path (at most 1 MiB). Returns 0, or -1 with err; f is
 * then empty, and config_file_free() may still be called.
 */
int config_file_read(struct config_file *f, const char *path,
    struct pn_error *err);

/*
 * Copy the value of [section] name, as written in the file (a relative
 * path stays relative), into out. Returns 0, 1 when the file has no such
 * line, -1 with err when out is too small.
 */
int config_file_get(const struct config_file *f, const char *section,
    const char *name, char *out, size_t len, struct pn_error *err);

/*
 * Replace the value of [section] name in memory, keeping the rest of its
 * line (indentation, separator, a trailing " ; comment", the line end) and
 * every other line. The line must exist. The new text must still be a
 * valid configuration, which is checked by parsing it; otherwise nothing
 * changes. Returns 0 or -1 with err.
 */
int config_file_set(struct config_file *f, const char *section,
    const char *name, const char *value, struct pn_error *err);

/*
 * Write the text back over the file atomically (temporary file in the same
 * directory, fsync, rename, fsync of the directory), with the mode the
 * file had. Returns 0 or -1 with err; on failure the old file is intact.
 */
int config_file_write(const struct config_file *f, struct pn_error *err);

/* Free what config_file_read() allocated. */
void config_file_free(struct config_file *f);

#endif
