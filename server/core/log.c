/* log.c -- passnumd's log on stderr, in logfmt (log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Set once at start-up, before any thread, then only read. */
static enum log_level threshold = LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_set_level(enum log_level level)
{
	threshold = level;
}

int
log_level_parse(const char *name, enum log_level *level)
{
	unsigned i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(name, level_names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	return -1;
}

bool
log_enabled(enum log_level level)
{
	return level >= threshold;
}

void
log_line(enum log_level level, const char *fmt, ...)
{
	char line[2048];
	struct timespec now;
	struct tm tm;
	size_t n;
	int k;
	va_list ap;

	if (!log_enabled(level))
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	n = strftime(line, sizeof(line), "time=%Y-%m-%dT%H:%M:%S", &tm);
	k = snprintf(line + n, sizeof(line) - n, ".%03ldZ level=%s ",
	    now.tv_nsec / 1000000, level_names[level]);
	if (k < 0)
		return;
	n += (size_t)k;
	va_start(ap, fmt);
	k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	n += (size_t)k;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;	/* cut: the line still ends */
	line[n++] = '\n';
	/* One write per line: lines of different threads do not mix. */
	(void)!write(STDERR_FILENO, line, n);
}

const char *
log_quote(const char *s, char *out, unsigned size)
{
	const unsigned char *p;
	unsigned n = 0;
	bool plain = s[0] != '\0';

	for (p = (const unsigned char *)s; *p != '\0' && plain; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._/:@+,{}", *p) !=
		    NULL;
	if (plain) {
		(void)snprintf(out, size, "%s", s);
		return out;
	}
	if (size < 3) {
		if (size > 0)
			out[0] = '\0';
		return out;
	}
	out[n++] = '"';
	for (p = (const unsigned char *)s; *p != '\0' && n + 5 < size; p++) {
		if (*p == '"' || *p == '\\') {
			out[n++] = '\\';
			out[n++] = (char)*p;
		} else if (*p < 0x20 || *p == 0x7f) {
			(void)snprintf(out + n, size - n, "\\x%02x", *p);
			n += 4;
		} else
			out[n++] = (char)*p;
	}
	out[n++] = '"';
	out[n] = '\0';
	return out;
}
