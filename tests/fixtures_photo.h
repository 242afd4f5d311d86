/* fixtures_photo.h -- a page "photographed" by a phone: cropped, turned, scaled, noisy, as JPEG or PNG.
 *
 * Shared by pn-phone_photo (tests/tools/phone_photo.c) and the tests of
 * server/core/qr_image.c, which make their photos in memory instead of
 * committing large files. Everything is static inline: each includer uses
 * a part, and the project compiles with -Wmissing-prototypes. Functions
 * return 0, or -1 with a short English reason in *why.
 */
#ifndef PN_FIXTURES_PHOTO_H
#define PN_FIXTURES_PHOTO_H

#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

/* An image of w x h pixels of ch bytes (1 grey, 3 RGB), row by row. */
struct photo {
	unsigned w, h, ch;
	uint8_t *px;		/* malloc'd */
};

/* How the phone takes the picture. */
struct photo_shot {
	unsigned w, h;		/* of the photo: 3024 x 4032 for 12 MP */
	double angle;		/* degrees, counterclockwise */
	double fill;		/* the page's share of the photo (0..1] */
	unsigned noise;		/* +-noise on each pixel, 0 for none */
	uint64_t seed;		/* of the noise */
};

static inline void
photo_free(struct photo *p)
{
	free(p->px);
	memset(p, 0, sizeof(*p));
}

static inline int
photo_alloc(struct photo *p, unsigned w, unsigned h, unsigned ch)
{
	p->w = w;
	p->h = h;
	p->ch = ch;
	p->px = malloc((size_t)w * h * ch);
	return p->px != NULL ? 0 : -1;
}

/* A header number of a PNM file: skips blanks and # comments. */
static inline long
photo_pnm_number(const uint8_t *buf, size_t len, size_t *off)
{
	long v = 0;
	int digits = 0;

	for (;;) {
		while (*off < len && (buf[*off] == ' ' || buf[*off] == '\t' ||
		    buf[*off] == '\n' || buf[*off] == '\r'))
			(*off)++;
		if (*off < len && buf[*off] == '#') {
			while (*off < len && buf[*off] != '\n')
				(*off)++;
			continue;
		}
		break;
	}
	while (*off < len && buf[*off] >= '0' && buf[*off] <= '9' &&
	    v < 1000000) {
		v = v * 10 + (buf[(*off)++] - '0');
		digits++;
	}
	return digits > 0 ? v : -1;
}

/* A binary PGM (P5) or PPM (P6) of 8 bits, as pdftoppm writes them, to
 * grey. */
static inline int
photo_read_pnm(const uint8_t *buf, size_t len, struct photo *out,
    const char **why)
{
	size_t off = 2, i, n;
	long w, h, max;
	unsigned ch;

	if (len < 2 || buf[0] != 'P' || (buf[1] != '5' && buf[1] != '6')) {
		*why = "not a binary PGM or PPM";
		return -1;
	}
	ch = buf[1] == '5' ? 1 : 3;
	w = photo_pnm_number(buf, len, &off);
	h = photo_pnm_number(buf, len, &off);
	max = photo_pnm_number(buf, len, &off);
	if (w <= 0 || h <= 0 || max != 255 || off >= len) {
		*why = "bad PNM header (8-bit P5 or P6 expected)";
		return -1;
	}
	off++;	/* the single blank after the maximum */
	n = (size_t)w * (size_t)h;
	if (len - off < n * ch) {
		*why = "PNM file shorter than its header says";
		return -1;
	}
	if (photo_alloc(out, (unsigned)w, (unsigned)h, 1) != 0) {
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < n; i++) {
		const uint8_t *p = buf + off + i * ch;

		out->px[i] = ch == 1 ? p[0] :
		    (uint8_t)((299 * p[0] + 587 * p[1] + 114 * p[2]) / 1000);
	}
	return 0;
}

/* A PNG of any kind, to grey over white. */
static inline int
photo_read_png(const uint8_t *buf, size_t len, struct photo *out,
    const char **why)
{
	png_image img;
	png_color white = { 255, 255, 255 };

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, buf, len)) {
		*why = "not a readable PNG";
		return -1;
	}
	img.format = PNG_FORMAT_GRAY;
	if (photo_alloc(out, img.width, img.height, 1) != 0) {
		png_image_free(&img);
		*why = "out of memory";
		return -1;
	}
	if (!png_image_finish_read(&img, &white, out->px, 0, NULL)) {
		photo_free(out);
		*why = "PNG decoding failed";
		return -1;
	}
	return 0;
}

/* Keep the rectangle x, y, w, h of p (grey), clipped to the image. */
static inline int
photo_crop(struct photo *p, unsigned x, unsigned y, unsigned w, unsigned h,
    const char **why)
{
	struct photo c;
	unsigned r;

	if (x >= p->w || y >= p->h || w == 0 || h == 0) {
		*why = "crop outside the image";
		return -1;
	}
	if (w > p->w - x)
		w = p->w - x;
	if (h > p->h - y)
		h = p->h - y;
	if (photo_alloc(&c, w, h, 1) != 0) {
		*why = "out of memory";
		return -1;
	}
	for (r = 0; r < h; r++)
		memcpy(c.px + (size_t)r * w, p->px + (size_t)(y + r) * p->w + x,
		    w);
	photo_free(p);
	*p = c;
	return 0;
}

static inline uint64_t
photo_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/*
 * Photograph the grey page onto a table: an RGB photo of s->w x s->h with
 * the page, scaled to s->fill of it, turned by s->angle about the centre
 * and sampled bilinearly; light falling off towards one side, a warm tint
 * and the noise of a small sensor.
 */
static inline int
photo_shoot(const struct photo *page, const struct photo_shot *s,
    struct photo *out, const char **why)
{
	double a = s->angle * M_PI / 180, ca = cos(a), sa = sin(a);
	double scale = s->fill * fmin((double)s->w / page->w,
	    (double)s->h / page->h);
	uint64_t seed = s->seed != 0 ? s->seed : 0x9e3779b97f4a7c15ULL;
	unsigned X, Y;

	if (page->ch != 1 || s->w == 0 || s->h == 0 || !(s->fill > 0)) {
		*why = "bad shot";
		return -1;
	}
	if (photo_alloc(out, s->w, s->h, 3) != 0) {
		*why = "out of memory";
		return -1;
	}
	for (Y = 0; Y < s->h; Y++) {
		for (X = 0; X < s->w; X++) {
			double dx = X + 0.5 - s->w / 2.0;
			double dy = Y + 0.5 - s->h / 2.0;
			double sx = (ca * dx - sa * dy) / scale + page->w / 2.0
			    - 0.5;
			double sy = (sa * dx + ca * dy) / scale + page->h / 2.0
			    - 0.5;
			double v, light;
			uint8_t *o = out->px + ((size_t)Y * s->w + X) * 3;
			int n, c;

			if (sx < 0 || sy < 0 || sx > page->w - 1 ||
			    sy > page->h - 1) {
				v = 70;	/* the table */
			} else {
				unsigned x0 = (unsigned)sx, y0 = (unsigned)sy;
				unsigned x1 = x0 + 1 < page->w ? x0 + 1 : x0;
				unsigned y1 = y0 + 1 < page->h ? y0 + 1 : y0;
				double fx = sx - x0, fy = sy - y0;
				const uint8_t *p = page->px;

				v = (1 - fy) * ((1 - fx) * p[(size_t)y0 *
				    page->w + x0] + fx * p[(size_t)y0 *
				    page->w + x1]) + fy * ((1 - fx) *
				    p[(size_t)y1 * page->w + x0] + fx *
				    p[(size_t)y1 * page->w + x1]);
				/* Paper is never quite white, ink never
				 * quite black. */
				v = 30 + v * (225.0 / 255);
			}
			light = 0.85 + 0.15 * X / s->w;
			n = s->noise > 0 ? (int)(photo_rand(&seed) %
			    (2 * s->noise + 1)) - (int)s->noise : 0;
			for (c = 0; c < 3; c++) {
				double t = c == 0 ? 1.0 : c == 1 ? 0.97 : 0.9;
				double w = v * light * t + n;

				o[c] = (uint8_t)(w < 0 ? 0 : w > 255 ? 255 :
				    w + 0.5);
			}
		}
	}
	return 0;
}

struct photo_jpeg_error {
	struct jpeg_error_mgr pub;
	jmp_buf jmp;
};

static inline void
photo_jpeg_fail(j_common_ptr c)
{
	longjmp(((struct photo_jpeg_error *)c->err)->jmp, 1);
}

/* p as a baseline JPEG of the given quality, in *out (malloc'd) and *len;
 * progressive when asked. */
static inline int
photo_jpeg(const struct photo *p, int quality, int progressive,
    uint8_t **out, size_t *len, const char **why)
{
	struct jpeg_compress_struct c;
	struct photo_jpeg_error e;
	unsigned char *buf = NULL;
	unsigned long size = 0;
	JSAMPROW row;

	*out = NULL;
	*len = 0;
	memset(&c, 0, sizeof(c));
	c.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = photo_jpeg_fail;
	if (setjmp(e.jmp) != 0) {
		jpeg_destroy_compress(&c);
		free(buf);
		*why = "libjpeg failed";
		return -1;
	}
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &buf, &size);
	c.image_width = p->w;
	c.image_height = p->h;
	c.input_components = (int)p->ch;
	c.in_color_space = p->ch == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		row = p->px + (size_t)c.next_scanline * p->w * p->ch;
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	*out = buf;
	*len = size;
	return 0;
}

/* p as an 8-bit PNG (grey or RGB), in *out (malloc'd) and *len. */
static inline int
photo_png(const struct photo *p, uint8_t **out, size_t *len,
    const char **why)
{
	png_image img;
	png_alloc_size_t size = 0;

	*out = NULL;
	*len = 0;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = p->w;
	img.height = p->h;
	img.format = p->ch == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
	if (!png_image_write_get_memory_size(img, size, 0, p->px, 0, NULL) ||
	    (*out = malloc(size)) == NULL) {
		*why = "PNG encoding failed";
		return -1;
	}
	if (!png_image_write_to_memory(&img, *out, &size, 0, p->px, 0,
	    NULL)) {
		free(*out);
		*out = NULL;
		*why = "PNG encoding failed";
		return -1;
	}
	*len = size;
	return 0;
}

#endif
