/* error.h -- errors of library calls that touch files or parse documents.
 *
 * Verdicts on vouchers have their own, richer type (reason.h): this one is for
 * the operator's side: a file that cannot be read, a key with loose
 * permissions, a bundle signed by the wrong master key.
 */
#ifndef PASSNUM_ERROR_H
#define PASSNUM_ERROR_H

enum pn_errcode {
	PN_E_OK = 0,
	PN_E_ARG,	/* a caller's argument is out of range */
	PN_E_IO,	/* a file could not be read or written */
	PN_E_PERM,	/* a private key file is readable by others */
	PN_E_EXISTS,	/* refusing to overwrite a file */
	PN_E_FORMAT,	/* a document is malformed */
	PN_E_SIGNATURE,	/* a document's signature does not verify */
	PN_E_UNTRUSTED,	/* signed by a key we do not trust */
	PN_E_STALE,	/* a sequence number older than the one held */
	PN_E_GAP,	/* an increment that does not follow the one held */
	PN_E_NOMEM,	/* allocation failed */
	PN_E_CRYPTO	/* libsodium failed */
};

#define PN_ERROR_MESSAGE_MAX 512

/* Filled by a failing call: the code for programs, the message for people. */
struct pn_error {
	enum pn_errcode code;
	char message[PN_ERROR_MESSAGE_MAX];
};

/*
 * Record an error. Returns -1 so that callers can write
 * "return pn_error_set(err, ...);". err may be NULL.
 */
int pn_error_set(struct pn_error *err, enum pn_errcode code, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* Put "prefix: " before err's message (to name the file it concerns). */
void pn_error_prefix(struct pn_error *err, const char *prefix);

/* Reset err to "no error". err may be NULL. */
void pn_error_clear(struct pn_error *err);

#endif
