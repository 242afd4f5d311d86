/* log.h -- passnumd's log on stderr: one logfmt line per event, for journald.
 *
 * A line reads "time=2026-12-06T22:30:01.123Z level=info msg=... key=value";
 * values with spaces, quotes or '=' are quoted. Never pass a voucher code,
 * a password, a control key, a file reference or an IBAN: the log is read
 * by more people than the database.
 */
#ifndef PN_LOG_H
#define PN_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR
};

/* Keep only lines of level or above; the default is LOG_INFO. */
void log_set_level(enum log_level level);

/*
 * The level named name ("debug", "info", "warn", "error") into *level.
 * Returns 0, or -1 for any other name.
 */
int log_level_parse(const char *name, enum log_level *level);

/* A line of level would be written. */
bool log_enabled(enum log_level level);

/*
 * Write one line: time and level, then fields, which are "key=value"
 * pairs separated by spaces as printf(fmt, ...) makes them; the caller
 * quotes values with log_quote(). Lines are written whole (one write).
 */
void log_line(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * s as a logfmt value into out (size bytes): as it is when it holds only
 * letters, digits and "-._/:@+,", otherwise in double quotes with '"',
 * '\\' and control characters escaped. Cut to fit. Returns out.
 */
const char *log_quote(const char *s, char *out, unsigned size);

#endif
