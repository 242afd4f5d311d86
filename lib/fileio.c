/* fileio.c -- whole-file reads, secret-file reads and atomic durable writes. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "passnum/fileio.h"

/* Read exactly len bytes from fd into buf. Returns 0, or -1 with errno. */
static int
read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;	/* shrank while we read it */
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/*
 * Common body of the two readers. secret selects sodium_malloc() and the
 * permission check.
 */
static int
read_file(const char *path, size_t maxlen, bool secret, uint8_t **out,
    size_t *len, struct pn_error *err)
{
	struct stat st;
	uint8_t *buf = NULL, extra;
	size_t size;
	int fd;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return pn_error_set(err, PN_E_IO, "%s: cannot open: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) != 0) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		pn_error_set(err, PN_E_IO, "%s: not a regular file", path);
		goto fail;
	}
	if (secret && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		pn_error_set(err, PN_E_PERM,
		    "%s: private key file is accessible to others (mode %04o); "
		    "refusing to use it: it must be 0600 (chmod 600 %s), and "
		    "the key should be considered exposed",
		    path, (unsigned)(st.st_mode & 07777), path);
		goto fail;
	}
	if ((uint64_t)st.st_size > maxlen) {
		pn_error_set(err, PN_E_FORMAT,
		    "%s: file is %lld bytes, more than the %zu expected", path,
		    (long long)st.st_size, maxlen);
		goto fail;
	}
	size = (size_t)st.st_size;
	/* Allocate at least one byte so that empty files need no special case. */
	buf = secret ? sodium_malloc(size + 1) : malloc(size + 1);
	if (buf == NULL) {
		pn_error_set(err, PN_E_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	if (read_full(fd, buf, size) != 0) {
		pn_error_set(err, PN_E_IO, "%s: read failed: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (read(fd, &extra, 1) != 0) {
		pn_error_set(err, PN_E_IO, "%s: file changed while being read",
		    path);
		goto fail;
	}
	close(fd);
	*out = buf;
	*len = size;
	return 0;
fail:
	if (secret)
		sodium_free(buf);
	else
		free(buf);
	close(fd);
	return -1;
}

int
pn_file_read(const char *path, size_t maxlen, uint8_t **out, size_t *len,
    struct pn_error *err)
{
	return read_file(path, maxlen, false, out, len, err);
}

int
pn_file_read_secret(const char *path, size_t maxlen, uint8_t **out,
    size_t *len, struct pn_error *err)
{
	return read_file(path, maxlen, true, out, len, err);
}

/* fsync the directory holding path, so that a new name survives a crash. */
static int
sync_parent(const char *path)
{
	char copy[4096];
	int fd, rc;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -1;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
pn_file_write(const char *path, const void *data, size_t len, mode_t mode,
    bool replace, struct pn_error *err)
{
	char tmp[4096];
	const uint8_t *p = data;
	size_t done = 0;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >=
	    (int)sizeof(tmp))
		return pn_error_set(err, PN_E_ARG, "%s: path too long", path);
	if (!replace && access(path, F_OK) == 0)
		return pn_error_set(err, PN_E_EXISTS,
		    "%s: already exists; refusing to overwrite it", path);
	if ((fd = mkstemp(tmp)) < 0)
		return pn_error_set(err, PN_E_IO, "%s: cannot create: %s", tmp,
		    strerror(errno));
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (replace) {
		if (rename(tmp, path) != 0)
			goto fail;
	} else {
		/* link() fails if path appeared meanwhile: never overwrite. */
		if (link(tmp, path) != 0) {
			int e = errno;

			unlink(tmp);
			if (e == EEXIST)
				return pn_error_set(err, PN_E_EXISTS,
				    "%s: already exists; refusing to overwrite "
				    "it", path);
			return pn_error_set(err, PN_E_IO, "%s: cannot create: "
			    "%s", path, strerror(e));
		}
		unlink(tmp);
	}
	if (sync_parent(path) != 0)
		return pn_error_set(err, PN_E_IO, "%s: cannot sync its "
		    "directory: %s", path, strerror(errno));
	return 0;
fail:
	pn_error_set(err, PN_E_IO, "%s: cannot write: %s", path,
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

int
pn_dir_ensure(const char *path, mode_t mode, struct pn_error *err)
{
	char parent[4096];
	struct stat st;
	size_t i;

	/* Parents first, as "mkdir -p" makes them; only the last gets mode. */
	if (snprintf(parent, sizeof(parent), "%s", path) >= (int)sizeof(parent))
		return pn_error_set(err, PN_E_ARG, "%s: path too long", path);
	for (i = 1; parent[i] != '\0'; i++) {
		if (parent[i] != '/')
			continue;
		parent[i] = '\0';
		if (mkdir(parent, 0755) != 0 && errno != EEXIST)
			return pn_error_set(err, PN_E_IO, "%s: cannot create "
			    "directory: %s", parent, strerror(errno));
		parent[i] = '/';
	}
	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return pn_error_set(err, PN_E_IO, "%s: cannot create directory: %s",
	    path, errno == EEXIST ? "a file of that name exists" :
	    strerror(errno));
}

int
pn_path_join(char *buf, size_t len, const char *dir, const char *name,
    struct pn_error *err)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len)
		return pn_error_set(err, PN_E_ARG, "%s/%s: path too long", dir,
		    name);
	return 0;
}
