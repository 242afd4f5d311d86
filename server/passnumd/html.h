/* html.h -- building HTML text in memory, every interpolated value escaped.
 *
 * html_put() takes a small format of its own so that escaping is the
 * default: "%s" is text (escaped for element content and quoted
 * attributes), "%R" is markup the program made itself (not escaped),
 * "%d" an int, "%u" an unsigned, "%L" an int64_t, "%%" a percent sign,
 * "%F" a French message printed as a sentence (html_sentence()).
 */
#ifndef PN_HTML_H
#define PN_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * Append s, escaped, as one sentence: its first letter a capital (the
 * error table's messages start in lower case, to follow a code) and a
 * final period unless it ends with one (or "!", "?", "…"). The one place
 * pages turn a message into a sentence.
 */
void html_sentence(struct html *h, const char *s);

/*
 * one or many as n asks, French style (0 and 1 singular): "%L %s",
 * n, html_plural(n, "chèque", "chèques"). Never "chèque(s)".
 */
const char *html_plural(int64_t n, const char *one, const char *many);

#endif
