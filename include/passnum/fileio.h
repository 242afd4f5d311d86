/* fileio.h -- reading files whole and writing them atomically.
 *
 * Shared by lib/, the server and the terminal (configuration files, the
 * terminal's device key, exports). A file written here is
 * either absent or complete: the data goes to a temporary file in the same
 * directory, is synced, and is then linked or renamed into place.
 */
#ifndef PN_FILEIO_H
#define PN_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "passnum/error.h"

/*
 * Read the whole file at path into a malloc'd buffer (*out, freed by the
 * caller). Files longer than maxlen are refused.
 */
int pn_file_read(const char *path, size_t maxlen, uint8_t **out, size_t *len,
    struct pn_error *err);

/*
 * Read a secret file into sodium_malloc() memory (freed with sodium_free()).
 * Refuses a file that is not a regular file or whose mode lets group or
 * others read, write or execute it.
 */
int pn_file_read_secret(const char *path, size_t maxlen, uint8_t **out,
    size_t *len, struct pn_error *err);

/*
 * Write data to path with the given mode, durably. When replace is false an
 * existing file is left alone and PN_E_EXISTS is returned.
 */
int pn_file_write(const char *path, const void *data, size_t len, mode_t mode,
    bool replace, struct pn_error *err);

/* Create directory path with mode if it does not exist yet. */
int pn_dir_ensure(const char *path, mode_t mode, struct pn_error *err);

/* Join dir and name into buf; -1 with err when it does not fit. */
int pn_path_join(char *buf, size_t len, const char *dir, const char *name,
    struct pn_error *err);

#endif
