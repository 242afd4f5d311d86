/* wire.h -- big-endian readers and writers for the signed binary documents.
 *
 * Internal to lib/. A reader never reads past its end: once a read fails,
 * the reader is marked failed and every later read returns zeros, so a
 * parser can read a whole structure and check ->failed once.
 */
#ifndef PN_WIRE_H
#define PN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pn_reader {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool failed;
};

static inline void
pn_reader_init(struct pn_reader *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->failed = false;
}

static inline size_t
pn_reader_left(const struct pn_reader *r)
{
	return r->failed ? 0 : r->len - r->off;
}

/* Returns a pointer to the next n bytes and skips them, or NULL. */
static inline const uint8_t *
pn_read_bytes(struct pn_reader *r, size_t n)
{
	const uint8_t *q;

	if (r->failed || r->len - r->off < n) {
		r->failed = true;
		return NULL;
	}
	q = r->p + r->off;
	r->off += n;
	return q;
}

static inline uint64_t
pn_read_be(struct pn_reader *r, size_t n)
{
	const uint8_t *q = pn_read_bytes(r, n);
	uint64_t v = 0;
	size_t i;

	if (q == NULL)
		return 0;
	for (i = 0; i < n; i++)
		v = (v << 8) | q[i];
	return v;
}

static inline uint8_t  pn_read_u8(struct pn_reader *r)  { return (uint8_t)pn_read_be(r, 1); }
static inline uint16_t pn_read_u16(struct pn_reader *r) { return (uint16_t)pn_read_be(r, 2); }
static inline uint32_t pn_read_u32(struct pn_reader *r) { return (uint32_t)pn_read_be(r, 4); }
static inline uint64_t pn_read_u64(struct pn_reader *r) { return pn_read_be(r, 8); }

/* A writer into a caller's fixed buffer; overflow marks it failed. */
struct pn_writer {
	uint8_t *p;
	size_t cap;
	size_t off;
	bool failed;
};

static inline void
pn_writer_init(struct pn_writer *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->off = 0;
	w->failed = false;
}

static inline void
pn_write_bytes(struct pn_writer *w, const void *src, size_t n)
{
	if (w->failed || w->cap - w->off < n) {
		w->failed = true;
		return;
	}
	if (n > 0)
		memcpy(w->p + w->off, src, n);
	w->off += n;
}

static inline void
pn_write_be(struct pn_writer *w, uint64_t v, size_t n)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[n - 1 - i] = (uint8_t)(v >> (8 * i));
	pn_write_bytes(w, b, n);
}

static inline void pn_write_u8(struct pn_writer *w, uint8_t v)   { pn_write_be(w, v, 1); }
static inline void pn_write_u16(struct pn_writer *w, uint16_t v) { pn_write_be(w, v, 2); }
static inline void pn_write_u32(struct pn_writer *w, uint32_t v) { pn_write_be(w, v, 4); }
static inline void pn_write_u64(struct pn_writer *w, uint64_t v) { pn_write_be(w, v, 8); }

#endif
