/* qr_image.h -- the text of the one QR code in an uploaded photo (JPEG or PNG), within strict limits.
 *
 * A venue volunteer redeems a voucher by photographing it with a phone;
 * the page uploads the photo as it is and the server reads the code. The
 * upload comes from anyone who can reach the page, so every cost is
 * bounded before it is paid:
 *
 *   - bytes: the upload is refused above max_bytes (8 MiB: a 12 MP phone
 *     photo is 2 to 5 MB, a 48 MP one up to 8);
 *   - declared pixels: the width and height in the file's header (PNG's
 *     IHDR, JPEG's SOF) are checked against max_pixels (50 MP: the largest
 *     phone sensors give 48 MP) and max_side before anything the size of
 *     the image is allocated, so a 100000 x 100000 "decompression bomb"
 *     of a few hundred bytes costs nothing;
 *   - decoded pixels: the image is decoded to 8-bit grey at most
 *     QR_IMAGE_WORK_PIXELS (4 MP). A JPEG is scaled down by libjpeg's DCT
 *     scaling (a 12 MP photo decodes at half size, 3 MP, faster than at
 *     full size); a PNG is read row by row and averaged down in boxes.
 *     zbar's time grows with the pixels it scans, so this bounds it too;
 *   - time: decoding stops after max_ms milliseconds (checked between
 *     rows and between a progressive JPEG's scans, of which at most
 *     QR_IMAGE_JPEG_MAX_SCANS are read);
 *   - concurrency: at most qr_image_slots_set() decodes run at once (2
 *     unless set); a decode beyond that is refused at once with
 *     QR_IMAGE_BUSY instead of waiting, so a flood of uploads cannot
 *     multiply the memory below.
 *
 * Worst-case memory of one decode, besides the caller's copy of the
 * upload (max_bytes): libjpeg's own allocations, capped at
 * QR_IMAGE_JPEG_MEMORY (48 MiB; only a progressive JPEG needs that much,
 * its coefficients being kept whole: up to about 16 MP of 4:2:0 colour;
 * a larger progressive one is refused as too big), or libpng's rows (two
 * rows of at most max_side RGBA 16-bit pixels and a row of sums, under
 * 1 MiB) plus its chunk limit (1 MiB); the grey working image
 * (QR_IMAGE_WORK_PIXELS bytes, 4 MB); and zbar's scan of it, about twice
 * the working image again (its QR finder binarises a copy). So about
 * 48 + 4 + 8 = 60 MiB for a JPEG, 14 MiB for a PNG; with two slots and
 * two 8 MiB uploads held by the caller, about 136 MiB at worst.
 *
 * Recognised by their magic bytes, never by a declared content type.
 * HEIC (the iPhone's default) and every other format are refused as
 * QR_IMAGE_NOT_AN_IMAGE, whose French text says how to take a JPEG.
 */
#ifndef PN_QR_IMAGE_H
#define PN_QR_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"

/* The defaults of qr_image_limits_default(). */
#define QR_IMAGE_MAX_BYTES	(8u * 1024 * 1024)
#define QR_IMAGE_MAX_PIXELS	(50u * 1000 * 1000)
#define QR_IMAGE_MAX_SIDE	16384u
#define QR_IMAGE_MAX_MS		4000u
#define QR_IMAGE_SLOTS		2u

/* Fixed bounds, not settable: the memory above is computed from them. */
#define QR_IMAGE_WORK_PIXELS	(4u * 1000 * 1000)
#define QR_IMAGE_JPEG_MEMORY	(48u * 1024 * 1024)
#define QR_IMAGE_JPEG_MAX_SCANS	100
/* A voucher's text is under 512 bytes; the caller's buffer may be less. */
#define QR_IMAGE_TEXT_MAX	512

struct qr_image_limits {
	size_t max_bytes;	/* of the upload */
	uint64_t max_pixels;	/* declared width x height */
	unsigned max_side;	/* declared width or height */
	unsigned max_ms;	/* wall time of the decoding, 0 for none */
};

enum qr_image_result {
	QR_IMAGE_OK = 0,	/* text holds the code's text */
	QR_IMAGE_EMPTY,		/* no bytes at all */
	QR_IMAGE_TOO_LARGE,	/* more than max_bytes */
	QR_IMAGE_TOO_MANY_PIXELS, /* declared size above the limits */
	QR_IMAGE_NOT_AN_IMAGE,	/* neither JPEG nor PNG (HEIC included) */
	QR_IMAGE_DAMAGED,	/* truncated or corrupt image data */
	QR_IMAGE_NO_CODE,	/* no QR code found */
	QR_IMAGE_SEVERAL_CODES,	/* more than one distinct QR code */
	QR_IMAGE_FOREIGN_CODE,	/* a code too long or not text: no voucher */
	QR_IMAGE_TOO_SLOW,	/* decoding took more than max_ms */
	QR_IMAGE_BUSY,		/* every slot taken: try again shortly */
	QR_IMAGE_NO_MEMORY	/* an allocation failed */
};

/* The defaults above. */
struct qr_image_limits qr_image_limits_default(void);

/*
 * Decode the image of data (len bytes) and copy the text of its single QR
 * code into text, NUL-terminated; textlen (at least 1) bounds it, and a
 * code whose text does not fit, or holds a NUL byte, is
 * QR_IMAGE_FOREIGN_CODE. lim NULL means qr_image_limits_default().
 * Returns QR_IMAGE_OK, or the refusal with text set to "" and err (which
 * may be NULL) saying in English what was wrong, for the log: the
 * library's message, the declared size, the number of codes. Never exits
 * and never reads outside data, whatever it holds. Thread-safe.
 */
enum qr_image_result qr_image_decode(const uint8_t *data, size_t len,
    const struct qr_image_limits *lim, char *text, size_t textlen,
    struct pn_error *err);

/*
 * One French sentence for the venue volunteer: what went wrong and what
 * to do ("La photo est trop lourde (8 Mo au plus) : reprenez-la ...").
 * Never NULL; an unknown value gives the sentence of QR_IMAGE_DAMAGED.
 */
const char *qr_image_result_text(enum qr_image_result r);

/*
 * The number of decodes that may run at once (QR_IMAGE_SLOTS unless set;
 * 0 refuses every decode). Decodes already running keep their slots.
 */
void qr_image_slots_set(unsigned n);

/*
 * Take a slot, as qr_image_decode() does, or return false when all are
 * taken; every true is matched by one qr_image_slot_release(). Public so
 * that a test can hold the slots; a caller of qr_image_decode() needs
 * neither.
 */
bool qr_image_slot_acquire(void);
void qr_image_slot_release(void);

#endif
