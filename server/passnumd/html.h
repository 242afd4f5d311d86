/* html.h -- building HTML text in memory, every interpolated value escaped.
 *
 * html_put() takes a small format of its own so that escaping is the
 * default: "%s" is text (escaped for element content and quoted
 * attributes), "%R" is markup the program made itself (not escaped),
 * "%d" an int, "%u" an unsigned, "%L" an int64_t, "%%" a percent sign.
 */
#ifndef PN_HTML_H
#define PN_HTML_H

#include <stdbool.h>
#include <stddef.h>

struct html {
	char *buf;
	size_t len, cap;
	bool failed;			/* out of memory: the text is cut */
};

void html_init(struct html *h);
void html_free(struct html *h);

void html_put(struct html *h, const char *fmt, ...);

/* Append len bytes of s, escaped. */
void html_text(struct html *h, const char *s, size_t len);

#endif
