/* admin_keys.h -- what keys rotate and the offline key ceremony share (admin_keys.c). */
#ifndef PN_ADMIN_KEYS_H
#define PN_ADMIN_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * A new key's windows: it signs for ADMIN_KEYS_SIGN_DAYS from now and its
 * vouchers verify ADMIN_KEYS_VERIFY_DAYS longer (a voucher issued on the
 * last signing day under "year-end+31" lives 366 + 31 days; a month more
 * is margin): the windows passnum-admin init gives the first key.
 */
#define ADMIN_KEYS_SIGN_DAYS	366
#define ADMIN_KEYS_VERIFY_DAYS	(366 + 62)
#define ADMIN_KEYS_DAYS_MAX	3660

struct config_file;
struct pn_cert;
struct pn_error;
struct pn_master_key;
struct pn_trust;
struct store;

/* The master key from its directory or its master.key file; NULL, err. */
struct pn_master_key *admin_master_load(const char *path,
    struct pn_error *err);

/*
 * passnumd must be able to read a new private key (0600): it is written
 * as the user who owns the current one, key_path, the one passnumd runs
 * as. 0, or -1 with err naming that user when it is another.
 */
int admin_keys_check_owner(const char *cmd, const char *key_path,
    struct pn_error *err);

/* The directory of a signing key file, "." when the path has none. */
int admin_keys_dir(const char *key_path, char out[CONFIG_PATH_MAX],
    size_t len, struct pn_error *err);

/* The certificate file beside a signing key file (".key" -> ".cert"). */
int admin_keys_cert_path(const char *key_path, char *out, size_t len,
    struct pn_error *err);

/* 0 when the directory (is_dir) or the file's directory is writable. */
int admin_keys_check_writable(const char *path, bool is_dir,
    struct pn_error *err);

/* The keys the database records, as a set under master_pk; NULL, err. */
struct pn_trust *admin_keys_recorded(struct store *s,
    const uint8_t master_pk[32], struct pn_error *err);

/* The largest kid t certifies or revokes; 0 when none. */
unsigned admin_keys_max_kid(const struct pn_trust *t);

/*
 * --sign-days and --verify-days (NULL: the defaults above), 1 to
 * ADMIN_KEYS_DAYS_MAX each. 0, or the usage error's exit status.
 */
int admin_keys_parse_days(const char *cmd, const char *sign,
    const char *verify, uint64_t *sign_days, uint64_t *verify_days);

/* The next kid, above floor and every kid known anywhere (never reused). */
int admin_keys_next_kid(unsigned floor, const struct pn_trust *recorded,
    const struct pn_trust *held, const char *key_dir, uint16_t *kid,
    struct pn_error *err);

/*
 * The certificate of the next key kid (its public key left to fill): it
 * signs from now for sign_days, its vouchers verify verify_days longer,
 * for the current key's programmes; its fields and the programmes'
 * windows checked (admin_keys_check_windows). 0, or -1 with err.
 */
int admin_keys_next_cert(struct store *s, const struct pn_cert *current,
    uint16_t kid, int64_t now, uint64_t sign_days, uint64_t verify_days,
    struct pn_cert *c, struct pn_error *err);

/* Refuse windows that would let a programme's vouchers outlive the key's. */
int admin_keys_check_windows(struct store *s, const struct pn_cert *c,
    struct pn_error *err);

/*
 * Add c to t unless present, revoked, or no longer verifying at now
 * (printed when note); a certificate not signed by t's master is refused.
 */
int admin_keys_bundle_keep(struct pn_trust *t, const struct pn_cert *c,
    int64_t now, bool note, struct pn_error *err);

/*
 * Read the configuration source into f and set its [keys] signing_key to
 * kid's file, in the directory the old value names; old_value and
 * new_value receive both. f is written by the caller (config_file_write).
 */
int admin_keys_config_switch(struct config_file *f, const char *source,
    uint16_t kid, char old_value[CONFIG_PATH_MAX],
    char new_value[CONFIG_PATH_MAX], struct pn_error *err);

/*
 * keys prepare, prepare-revoke, certify and install (admin_keys_ceremony.c):
 * argv[0] names the subcommand. Its exit status, or -1 for another name.
 */
int admin_keys_ceremony(int argc, char **argv);

#endif
