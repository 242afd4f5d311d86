/* html.c -- an HTML text buffer whose format escapes by default. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

void
html_init(struct html *h)
{
	memset(h, 0, sizeof(*h));
}

void
html_free(struct html *h)
{
	free(h->buf);
	memset(h, 0, sizeof(*h));
}

static void
raw(struct html *h, const char *s, size_t n)
{
	char *grown;
	size_t cap;

	if (h->failed)
		return;
	if (h->len + n + 1 > h->cap) {
		cap = h->cap != 0 ? h->cap : 4096;
		while (cap < h->len + n + 1)
			cap *= 2;
		if ((grown = realloc(h->buf, cap)) == NULL) {
			h->failed = true;
			return;
		}
		h->buf = grown;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = '\0';
}

void
html_text(struct html *h, const char *s, size_t len)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		raw(h, s + start, i - start);
		raw(h, rep, strlen(rep));
		start = i + 1;
	}
	raw(h, s + start, len - start);
}

/*
 * The French accented lower-case letters a sentence may start with, and
 * their capitals (UTF-8, two bytes each).
 */
static const char *const accents[][2] = {
	{ "é", "É" }, { "è", "È" }, { "ê", "Ê" }, { "à", "À" },
	{ "â", "Â" }, { "ç", "Ç" }, { "î", "Î" }, { "ô", "Ô" },
	{ "û", "Û" },
};

void
html_sentence(struct html *h, const char *s)
{
	size_t n = strlen(s), i;
	char first[2];

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		n--;
	if (n == 0)
		return;
	if (s[0] >= 'a' && s[0] <= 'z') {
		first[0] = (char)(s[0] - 'a' + 'A');
		first[1] = '\0';
		raw(h, first, 1);
		s++;
		n--;
	} else {
		for (i = 0; i < sizeof(accents) / sizeof(accents[0]); i++)
			if (strncmp(s, accents[i][0], 2) == 0) {
				raw(h, accents[i][1], 2);
				s += 2;
				n -= 2;
				break;
			}
	}
	html_text(h, s, n);
	/* A sentence ends once: "... l'administrateur." never "...ur..". */
	if (n > 0 && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?'))
		return;
	if (n >= 3 && memcmp(s + n - 3, "…", 3) == 0)
		return;
	raw(h, ".", 1);
}

const char *
html_plural(int64_t n, const char *one, const char *many)
{
	/* French: 0 and 1 take the singular ("0 chèque", "1 chèque"). */
	return n >= -1 && n <= 1 ? one : many;
}

void
html_put(struct html *h, const char *fmt, ...)
{
	char num[32];
	const char *p, *s;
	va_list ap;

	va_start(ap, fmt);
	for (p = fmt; *p != '\0'; p++) {
		const char *pct = strchr(p, '%');

		if (pct == NULL) {
			raw(h, p, strlen(p));
			break;
		}
		raw(h, p, (size_t)(pct - p));
		p = pct + 1;
		switch (*p) {
		case 's':
			s = va_arg(ap, const char *);
			html_text(h, s, strlen(s));
			break;
		case 'R':
			s = va_arg(ap, const char *);
			raw(h, s, strlen(s));
			break;
		case 'F':
			html_sentence(h, va_arg(ap, const char *));
			break;
		case 'd':
			(void)snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			raw(h, num, strlen(num));
			break;
		case 'u':
			(void)snprintf(num, sizeof(num), "%u",
			    va_arg(ap, unsigned));
			raw(h, num, strlen(num));
			break;
		case 'L':
			(void)snprintf(num, sizeof(num), "%" PRId64,
			    va_arg(ap, int64_t));
			raw(h, num, strlen(num));
			break;
		case '%':
			raw(h, "%", 1);
			break;
		default:
			/* A programming error; show it rather than crash. */
			raw(h, "%?", 2);
			if (*p == '\0')
				p--;
			break;
		}
	}
	va_end(ap);
}
