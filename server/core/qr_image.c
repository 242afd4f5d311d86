/* qr_image.c -- the one QR code of an uploaded JPEG or PNG photo: libjpeg, libpng and zbar behind strict limits.
 *
 * Each stage refuses before it pays: the size of the upload, then the
 * declared dimensions (read from the header before libjpeg or libpng
 * allocates anything of the image's size), then the decode, to 8-bit grey
 * of at most QR_IMAGE_WORK_PIXELS, under a deadline, then zbar on that.
 * The libraries' errors come back through longjmp (libjpeg and libpng
 * would otherwise exit), and so does every libjpeg warning: a warning
 * means the data was truncated or corrupt, and what libjpeg decodes from
 * there is garbage.
 */
#include <assert.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <zbar.h>

#include "qr_image.h"

/* libpng may allocate this much for one ancillary chunk (an ICC profile
 * of a phone is a few kB); a larger one is dropped, not read. */
#define PNG_CHUNK_MAX		(1024u * 1024)
/* Ancillary chunks kept at most (sPLT, tEXt, unknown). */
#define PNG_CHUNK_CACHE		128

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned slots_max = QR_IMAGE_SLOTS;
static unsigned slots_used;

/* One decode: the limits, the deadline, and the grey image made. */
struct decode {
	const struct qr_image_limits *lim;
	uint64_t deadline_ms;	/* monotonic; 0 for none */
	uint8_t *grey;		/* w x h bytes, malloc'd */
	unsigned w, h;
	struct pn_error *err;
};

struct qr_image_limits
qr_image_limits_default(void)
{
	struct qr_image_limits l;

	l.max_bytes = QR_IMAGE_MAX_BYTES;
	l.max_pixels = QR_IMAGE_MAX_PIXELS;
	l.max_side = QR_IMAGE_MAX_SIDE;
	l.max_ms = QR_IMAGE_MAX_MS;
	return l;
}

void
qr_image_slots_set(unsigned n)
{
	pthread_mutex_lock(&slots_lock);
	slots_max = n;
	pthread_mutex_unlock(&slots_lock);
}

bool
qr_image_slot_acquire(void)
{
	bool ok;

	pthread_mutex_lock(&slots_lock);
	ok = slots_used < slots_max;
	if (ok)
		slots_used++;
	pthread_mutex_unlock(&slots_lock);
	return ok;
}

void
qr_image_slot_release(void)
{
	pthread_mutex_lock(&slots_lock);
	assert(slots_used > 0);
	slots_used--;
	pthread_mutex_unlock(&slots_lock);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool
past_deadline(const struct decode *d)
{
	return d->deadline_ms != 0 && now_ms() > d->deadline_ms;
}

/* The declared size against the limits; err names it when refused. */
static enum qr_image_result
check_declared(const struct decode *d, const char *format, uint64_t w,
    uint64_t h)
{
	if (w > d->lim->max_side || h > d->lim->max_side ||
	    w * h > d->lim->max_pixels) {
		pn_error_set(d->err, PN_E_ARG, "%s declares %llu x %llu pixels, "
		    "over the limits (%u a side, %llu in all)", format,
		    (unsigned long long)w, (unsigned long long)h,
		    d->lim->max_side, (unsigned long long)d->lim->max_pixels);
		return QR_IMAGE_TOO_MANY_PIXELS;
	}
	return QR_IMAGE_OK;
}

/* JPEG ------------------------------------------------------------------ */

/* libjpeg's error manager, with the way back out. */
struct jpeg_guard {
	struct jpeg_error_mgr pub;	/* first: libjpeg casts to it */
	struct jpeg_progress_mgr progress;
	jmp_buf jmp;
	enum qr_image_result result;	/* of the longjmp */
	char message[JMSG_LENGTH_MAX];
	struct decode *d;
};

static void __attribute__((noreturn))
jpeg_leave(j_common_ptr c, enum qr_image_result r)
{
	struct jpeg_guard *g = (struct jpeg_guard *)c->err;

	g->result = r;
	longjmp(g->jmp, 1);
}

/* An error: libjpeg cannot go on. */
static void
jpeg_on_error(j_common_ptr c)
{
	struct jpeg_guard *g = (struct jpeg_guard *)c->err;

	(*c->err->format_message)(c, g->message);
	if (c->err->msg_code == JERR_OUT_OF_MEMORY)
		jpeg_leave(c, QR_IMAGE_NO_MEMORY);
	/* Over max_memory_to_use: an image too big for the bound. */
	if (c->err->msg_code == JERR_NO_BACKING_STORE)
		jpeg_leave(c, QR_IMAGE_TOO_MANY_PIXELS);
	jpeg_leave(c, QR_IMAGE_DAMAGED);
}

/* A warning (level -1) is corrupt or missing data: stop there. Trace
 * messages (level 0 and up) are ignored. */
static void
jpeg_on_message(j_common_ptr c, int level)
{
	struct jpeg_guard *g = (struct jpeg_guard *)c->err;

	if (level >= 0)
		return;
	(*c->err->format_message)(c, g->message);
	jpeg_leave(c, QR_IMAGE_DAMAGED);
}

/* Called between rows and between scans: the deadline, and the number of
 * scans (thousands of tiny progressive scans cost time, not bytes). */
static void
jpeg_on_progress(j_common_ptr c)
{
	struct jpeg_guard *g = (struct jpeg_guard *)c->err;
	j_decompress_ptr dc = (j_decompress_ptr)c;

	if (dc->input_scan_number > QR_IMAGE_JPEG_MAX_SCANS) {
		snprintf(g->message, sizeof(g->message), "more than %d scans",
		    QR_IMAGE_JPEG_MAX_SCANS);
		jpeg_leave(c, QR_IMAGE_DAMAGED);
	}
	if (past_deadline(g->d)) {
		snprintf(g->message, sizeof(g->message), "over %u ms",
		    g->d->lim->max_ms);
		jpeg_leave(c, QR_IMAGE_TOO_SLOW);
	}
}

/*
 * Bytes of the coefficients libjpeg keeps whole for a multi-scan JPEG
 * (progressive, or components in separate scans): two bytes for each of
 * a component's DCT coefficients, in blocks of 8 x 8.
 */
static uint64_t
jpeg_whole_image_bytes(const struct jpeg_decompress_struct *c)
{
	uint64_t total = 0, bw, bh;
	int ci;

	for (ci = 0; ci < c->num_components; ci++) {
		const jpeg_component_info *comp = &c->comp_info[ci];

		bw = ((uint64_t)c->image_width * comp->h_samp_factor +
		    (uint64_t)c->max_h_samp_factor * 8 - 1) /
		    ((uint64_t)c->max_h_samp_factor * 8);
		bh = ((uint64_t)c->image_height * comp->v_samp_factor +
		    (uint64_t)c->max_v_samp_factor * 8 - 1) /
		    ((uint64_t)c->max_v_samp_factor * 8);
		total += bw * bh * DCTSIZE2 * sizeof(JCOEF);
	}
	return total;
}

static enum qr_image_result
decode_jpeg(struct decode *d, const uint8_t *data, size_t len)
{
	struct jpeg_decompress_struct c;
	struct jpeg_guard g;
	enum qr_image_result r;
	JSAMPROW row;
	uint64_t whole;
	unsigned m;

	memset(&c, 0, sizeof(c));
	memset(&g, 0, sizeof(g));
	g.d = d;
	c.err = jpeg_std_error(&g.pub);
	g.pub.error_exit = jpeg_on_error;
	g.pub.emit_message = jpeg_on_message;
	g.progress.progress_monitor = jpeg_on_progress;
	if (setjmp(g.jmp) != 0) {
		/* d->grey is freed by the caller. */
		jpeg_destroy_decompress(&c);
		pn_error_set(d->err, PN_E_FORMAT, "JPEG: %s", g.message);
		return g.result;
	}
	jpeg_create_decompress(&c);
	/* A backstop for jpeg_whole_image_bytes() below: libjpeg-turbo
	 * compares its large allocations with this and, having no backing
	 * store, fails with JERR_NO_BACKING_STORE. */
	c.mem->max_memory_to_use = QR_IMAGE_JPEG_MEMORY;
	c.progress = &g.progress;
	jpeg_mem_src(&c, data, (unsigned long)len);
	(void)jpeg_read_header(&c, TRUE);
	if ((r = check_declared(d, "JPEG", c.image_width, c.image_height)) !=
	    QR_IMAGE_OK)
		goto refused;
	if (jpeg_has_multiple_scans(&c) &&
	    (whole = jpeg_whole_image_bytes(&c)) > QR_IMAGE_JPEG_MEMORY) {
		pn_error_set(d->err, PN_E_ARG, "multi-scan JPEG of %u x %u "
		    "would need %llu MiB, over %u", c.image_width,
		    c.image_height, (unsigned long long)(whole >> 20),
		    QR_IMAGE_JPEG_MEMORY >> 20);
		r = QR_IMAGE_TOO_MANY_PIXELS;
		goto refused;
	}
	c.out_color_space = JCS_GRAYSCALE;
	/* The largest scale m/8 whose output fits the working size: 4/8 for
	 * a 12 MP photo, 2/8 for 48 MP. The IDCT then computes only the
	 * pixels kept, which is faster than decoding all of them. */
	for (m = 8; m >= 1; m--) {
		c.scale_num = m;
		c.scale_denom = 8;
		jpeg_calc_output_dimensions(&c);
		if ((uint64_t)c.output_width * c.output_height <=
		    QR_IMAGE_WORK_PIXELS)
			break;
	}
	if (m == 0) {
		pn_error_set(d->err, PN_E_ARG, "JPEG of %u x %u: over %u "
		    "pixels even at 1/8", c.image_width, c.image_height,
		    QR_IMAGE_WORK_PIXELS);
		r = QR_IMAGE_TOO_MANY_PIXELS;
		goto refused;
	}
	(void)jpeg_start_decompress(&c);
	if (c.output_components != 1) {
		snprintf(g.message, sizeof(g.message), "%d components after "
		    "conversion to grey", c.output_components);
		jpeg_leave((j_common_ptr)&c, QR_IMAGE_DAMAGED);
	}
	d->w = c.output_width;
	d->h = c.output_height;
	if ((d->grey = malloc((size_t)d->w * d->h)) == NULL) {
		snprintf(g.message, sizeof(g.message), "out of memory for "
		    "%u x %u", d->w, d->h);
		jpeg_leave((j_common_ptr)&c, QR_IMAGE_NO_MEMORY);
	}
	while (c.output_scanline < c.output_height) {
		row = d->grey + (size_t)c.output_scanline * d->w;
		if (jpeg_read_scanlines(&c, &row, 1) != 1) {
			snprintf(g.message, sizeof(g.message), "no row %u",
			    c.output_scanline);
			jpeg_leave((j_common_ptr)&c, QR_IMAGE_DAMAGED);
		}
	}
	(void)jpeg_finish_decompress(&c);
	jpeg_destroy_decompress(&c);
	return QR_IMAGE_OK;
refused:
	jpeg_destroy_decompress(&c);
	return r;
}

/* PNG ------------------------------------------------------------------- */

struct png_guard {
	jmp_buf jmp;
	enum qr_image_result result;	/* of the longjmp */
	char message[256];
	const uint8_t *data;
	size_t len, off;
	png_structp png;
	png_infop info;
	uint8_t *row;		/* one decoded row (or the whole image) */
	png_bytep *rows;	/* an interlaced image's rows */
	uint32_t *sums;		/* a band's sums, one per output pixel */
};

/* Leave decode_png() through its setjmp with r and message. */
static void __attribute__((noreturn))
png_leave(struct png_guard *g, enum qr_image_result r, const char *message)
{
	snprintf(g->message, sizeof(g->message), "%s", message);
	g->result = r;
	longjmp(g->jmp, 1);
}

static void
png_on_error(png_structp png, png_const_charp msg)
{
	png_leave(png_get_error_ptr(png), QR_IMAGE_DAMAGED, msg);
}

/* Warnings (a known-wrong sRGB profile, a bad ancillary chunk dropped)
 * leave the image readable. */
static void
png_on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void
png_on_read(png_structp png, png_bytep out, size_t n)
{
	struct png_guard *g = png_get_io_ptr(png);

	if (n > g->len - g->off)
		png_error(png, "truncated");
	memcpy(out, g->data + g->off, n);
	g->off += n;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* A decoded pixel, grey or grey and alpha, composed over white. */
static unsigned
png_grey(const uint8_t *px, int channels)
{
	unsigned v = px[0], a;

	if (channels == 1)
		return v;
	a = px[1];
	return (v * a + 255 * (255 - a) + 127) / 255;
}

static enum qr_image_result
decode_png(struct decode *d, const uint8_t *data, size_t len)
{
	struct png_guard g;
	png_uint_32 w, h, y, x, band;
	enum qr_image_result r;
	int depth, type, interlace, channels;
	unsigned f;
	size_t rowbytes;

	/* IHDR is the first chunk, at offset 8: its size is checked here,
	 * before libpng is started. */
	if (len < 24 || memcmp(data + 12, "IHDR", 4) != 0) {
		pn_error_set(d->err, PN_E_FORMAT, "PNG: no IHDR chunk first");
		return QR_IMAGE_DAMAGED;
	}
	if ((r = check_declared(d, "PNG", be32(data + 16), be32(data + 20))) !=
	    QR_IMAGE_OK)
		return r;

	memset(&g, 0, sizeof(g));
	g.data = data;
	g.len = len;
	if (setjmp(g.jmp) != 0) {
		r = g.result;
		pn_error_set(d->err, r == QR_IMAGE_NO_MEMORY ? PN_E_NOMEM :
		    PN_E_FORMAT, "PNG: %s", g.message);
		goto out;
	}
	g.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &g,
	    png_on_error, png_on_warning);
	if (g.png == NULL || (g.info = png_create_info_struct(g.png)) ==
	    NULL) {
		pn_error_set(d->err, PN_E_NOMEM, "PNG: out of memory");
		r = QR_IMAGE_NO_MEMORY;
		goto out;
	}
	png_set_user_limits(g.png, d->lim->max_side, d->lim->max_side);
	png_set_chunk_malloc_max(g.png, PNG_CHUNK_MAX);
	png_set_chunk_cache_max(g.png, PNG_CHUNK_CACHE);
	png_set_read_fn(g.png, &g, png_on_read);
	png_read_info(g.png, g.info);
	png_get_IHDR(g.png, g.info, &w, &h, &depth, &type, &interlace, NULL,
	    NULL);

	/* To 8-bit grey, with an alpha channel if the image has any. */
	if (type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(g.png);
	if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(g.png);
	if (png_get_valid(g.png, g.info, PNG_INFO_tRNS))
		png_set_tRNS_to_alpha(g.png);
	if (depth == 16)
		png_set_scale_16(g.png);
	if (type & PNG_COLOR_MASK_COLOR)
		png_set_rgb_to_gray_fixed(g.png, PNG_ERROR_ACTION_NONE, -1, -1);
	(void)png_set_interlace_handling(g.png);
	png_read_update_info(g.png, g.info);
	channels = png_get_channels(g.png, g.info);
	rowbytes = png_get_rowbytes(g.png, g.info);
	if (png_get_bit_depth(g.png, g.info) != 8 || channels < 1 ||
	    channels > 2 || rowbytes != (size_t)w * (size_t)channels) {
		png_leave(&g, QR_IMAGE_DAMAGED, "not 8-bit grey after "
		    "conversion");
	}

	/* The smallest box of f x f pixels that brings the image within the
	 * working size. */
	for (f = 1; (uint64_t)((w + f - 1) / f) * ((h + f - 1) / f) >
	    QR_IMAGE_WORK_PIXELS; f++)
		;
	d->w = (w + f - 1) / f;
	d->h = (h + f - 1) / f;

	if (interlace != PNG_INTERLACE_NONE) {
		/* The passes fill the whole image in turn: it is held whole,
		 * so only an image within the working size is read. */
		if (f > 1) {
			pn_error_set(d->err, PN_E_ARG, "interlaced PNG of "
			    "%u x %u: over %u pixels", (unsigned)w,
			    (unsigned)h, QR_IMAGE_WORK_PIXELS);
			r = QR_IMAGE_TOO_MANY_PIXELS;
			goto out;
		}
		if ((g.row = malloc(rowbytes * h)) == NULL ||
		    (g.rows = calloc(h, sizeof(*g.rows))) == NULL ||
		    (d->grey = malloc((size_t)w * h)) == NULL)
			png_leave(&g, QR_IMAGE_NO_MEMORY, "out of memory");
		for (y = 0; y < h; y++)
			g.rows[y] = g.row + rowbytes * y;
		png_read_image(g.png, g.rows);
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++)
				d->grey[(size_t)y * w + x] = (uint8_t)png_grey(
				    g.row + rowbytes * y + (size_t)x * channels,
				    channels);
	} else {
		if ((g.row = malloc(rowbytes)) == NULL ||
		    (g.sums = calloc(d->w, sizeof(*g.sums))) == NULL ||
		    (d->grey = malloc((size_t)d->w * d->h)) == NULL)
			png_leave(&g, QR_IMAGE_NO_MEMORY, "out of memory");
		for (y = 0, band = 0; y < h; y++) {
			if (past_deadline(d)) {
				pn_error_set(d->err, PN_E_ARG, "PNG: over %u "
				    "ms at row %u", d->lim->max_ms,
				    (unsigned)y);
				r = QR_IMAGE_TOO_SLOW;
				goto out;
			}
			png_read_row(g.png, g.row, NULL);
			for (x = 0; x < w; x++)
				g.sums[x / f] += png_grey(g.row +
				    (size_t)x * channels, channels);
			if (++band < f && y + 1 < h)
				continue;
			/* The band is complete: its boxes' averages are a
			 * row of the output (the last ones may be short). */
			for (x = 0; x < d->w; x++) {
				unsigned bw = w - x * f < f ? w - x * f : f;
				uint32_t n = bw * band;

				d->grey[(size_t)(y / f) * d->w + x] =
				    (uint8_t)((g.sums[x] + n / 2) / n);
				g.sums[x] = 0;
			}
			band = 0;
		}
	}
	png_read_end(g.png, NULL);
	r = QR_IMAGE_OK;
out:
	png_destroy_read_struct(g.png != NULL ? &g.png : NULL,
	    g.info != NULL ? &g.info : NULL, NULL);
	free(g.row);
	free(g.rows);
	free(g.sums);
	return r;
}

/* zbar ------------------------------------------------------------------ */

static enum qr_image_result
scan(struct decode *d, char *text, size_t textlen)
{
	zbar_image_scanner_t *scanner;
	zbar_image_t *img;
	const zbar_symbol_t *sym;
	const char *first = NULL, *s;
	unsigned first_len = 0, n, found = 0, distinct = 0;
	enum qr_image_result r;

	if ((scanner = zbar_image_scanner_create()) == NULL)
		return QR_IMAGE_NO_MEMORY;
	if ((img = zbar_image_create()) == NULL) {
		zbar_image_scanner_destroy(scanner);
		return QR_IMAGE_NO_MEMORY;
	}
	zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE,
	    1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, d->w, d->h);
	/* No cleanup handler: d->grey stays the caller's to free. */
	zbar_image_set_data(img, d->grey, (unsigned long)d->w * d->h, NULL);
	if (zbar_scan_image(scanner, img) < 0) {
		pn_error_set(d->err, PN_E_NOMEM, "zbar: scan failed");
		r = QR_IMAGE_NO_MEMORY;
		goto out;
	}
	for (sym = zbar_image_first_symbol(img); sym != NULL;
	    sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		s = zbar_symbol_get_data(sym);
		n = zbar_symbol_get_data_length(sym);
		found++;
		if (first == NULL) {
			first = s;
			first_len = n;
			distinct = 1;
		} else if (n != first_len || memcmp(s, first, n) != 0)
			distinct++;
	}
	if (found == 0) {
		pn_error_set(d->err, PN_E_FORMAT, "no QR code in %u x %u",
		    d->w, d->h);
		r = QR_IMAGE_NO_CODE;
	} else if (distinct > 1) {
		pn_error_set(d->err, PN_E_FORMAT, "%u distinct QR codes",
		    distinct);
		r = QR_IMAGE_SEVERAL_CODES;
	} else if (first_len >= textlen || memchr(first, '\0', first_len) !=
	    NULL) {
		pn_error_set(d->err, PN_E_FORMAT, "a QR code of %u bytes, not "
		    "a text under %zu", first_len, textlen);
		r = QR_IMAGE_FOREIGN_CODE;
	} else {
		memcpy(text, first, first_len);
		text[first_len] = '\0';
		r = QR_IMAGE_OK;
	}
out:
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(scanner);
	return r;
}

/* What a refused file looks like, for the log. */
static const char *
sniff(const uint8_t *p, size_t len)
{
	if (len >= 12 && memcmp(p + 4, "ftyp", 4) == 0) {
		if (memcmp(p + 8, "heic", 4) == 0 ||
		    memcmp(p + 8, "heix", 4) == 0 ||
		    memcmp(p + 8, "mif1", 4) == 0 ||
		    memcmp(p + 8, "msf1", 4) == 0)
			return "HEIC";
		if (memcmp(p + 8, "avif", 4) == 0)
			return "AVIF";
		return "ISO media (a video?)";
	}
	if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0))
		return "GIF";
	if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return "PDF";
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return "WebP";
	return "unknown";
}

enum qr_image_result
qr_image_decode(const uint8_t *data, size_t len,
    const struct qr_image_limits *lim, char *text, size_t textlen,
    struct pn_error *err)
{
	static const uint8_t png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n' };
	struct qr_image_limits deflim = qr_image_limits_default();
	struct decode d;
	enum qr_image_result r;
	bool jpeg, png;

	assert(text != NULL && textlen > 0);
	text[0] = '\0';
	pn_error_clear(err);
	if (lim == NULL)
		lim = &deflim;
	if (data == NULL || len == 0) {
		pn_error_set(err, PN_E_ARG, "empty upload");
		return QR_IMAGE_EMPTY;
	}
	if (len > lim->max_bytes) {
		pn_error_set(err, PN_E_ARG, "%zu bytes, over %zu", len,
		    lim->max_bytes);
		return QR_IMAGE_TOO_LARGE;
	}
	jpeg = len >= 3 && data[0] == 0xff && data[1] == 0xd8 &&
	    data[2] == 0xff;
	png = len >= sizeof(png_magic) &&
	    memcmp(data, png_magic, sizeof(png_magic)) == 0;
	if (!jpeg && !png) {
		pn_error_set(err, PN_E_FORMAT, "neither JPEG nor PNG: %s",
		    sniff(data, len));
		return QR_IMAGE_NOT_AN_IMAGE;
	}
	if (!qr_image_slot_acquire()) {
		pn_error_set(err, PN_E_ARG, "every decoding slot is taken");
		return QR_IMAGE_BUSY;
	}
	memset(&d, 0, sizeof(d));
	d.lim = lim;
	d.err = err;
	if (lim->max_ms > 0)
		d.deadline_ms = now_ms() + lim->max_ms;
	r = jpeg ? decode_jpeg(&d, data, len) : decode_png(&d, data, len);
	if (r == QR_IMAGE_OK && past_deadline(&d)) {
		pn_error_set(err, PN_E_ARG, "decoded after more than %u ms",
		    lim->max_ms);
		r = QR_IMAGE_TOO_SLOW;
	}
	if (r == QR_IMAGE_OK)
		r = scan(&d, text, textlen);
	free(d.grey);
	qr_image_slot_release();
	if (r != QR_IMAGE_OK)
		text[0] = '\0';
	return r;
}

const char *
qr_image_result_text(enum qr_image_result r)
{
	switch (r) {
	case QR_IMAGE_OK:
		return "Le QR code du chèque a été lu.";
	case QR_IMAGE_EMPTY:
		return "La photo est vide : reprenez-la et envoyez-la de "
		    "nouveau.";
	case QR_IMAGE_TOO_LARGE:
		return "La photo est trop lourde (8 Mo au plus) : reprenez-la "
		    "en qualité normale, ou recadrez-la sur le chèque.";
	case QR_IMAGE_TOO_MANY_PIXELS:
		return "La photo a trop de pixels (50 millions au plus) : "
		    "reprenez-la avec la résolution habituelle de "
		    "l’appareil.";
	case QR_IMAGE_NOT_AN_IMAGE:
		return "Ce fichier n’est pas une photo au format JPEG ou "
		    "PNG : sur iPhone, choisissez « Le plus compatible » dans "
		    "Réglages, Appareil photo, Formats, puis reprenez la "
		    "photo.";
	case QR_IMAGE_DAMAGED:
		break;
	case QR_IMAGE_NO_CODE:
		return "Aucun QR code n’a été trouvé sur la photo : reprenez-la "
		    "de plus près, nette et bien éclairée, avec le QR code du "
		    "chèque en entier.";
	case QR_IMAGE_SEVERAL_CODES:
		return "La photo montre plusieurs QR codes : photographiez un "
		    "seul chèque à la fois, de près.";
	case QR_IMAGE_FOREIGN_CODE:
		return "Ce QR code n’est pas celui d’un chèque Pass numérique : "
		    "photographiez le QR code imprimé sur le chèque.";
	case QR_IMAGE_TOO_SLOW:
		return "La lecture de la photo a pris trop de temps : "
		    "reprenez-la avec la résolution habituelle de l’appareil.";
	case QR_IMAGE_BUSY:
		return "Le serveur lit déjà d’autres photos : patientez quelques "
		    "secondes, puis envoyez-la de nouveau.";
	case QR_IMAGE_NO_MEMORY:
		return "Le serveur manque de mémoire pour lire la photo : "
		    "patientez une minute, puis envoyez-la de nouveau.";
	}
	return "La photo est incomplète ou abîmée : reprenez-la, puis "
	    "envoyez-la de nouveau.";
}
