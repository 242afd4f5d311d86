/* qrdecode.c -- libzbar for images and cameras; libpng reads the images (zbar has no loader of its own). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <png.h>
#include <zbar.h>

#include "qrdecode.h"

/* Larger images are refused: a photo of a voucher needs far less. */
#define IMAGE_MAX_PIXELS (40u * 1000 * 1000)
/* The same code seen again within this many seconds is the same scan. */
#define CAMERA_REPEAT_SECONDS 3

static void
only_qr(zbar_image_scanner_t *s)
{
	zbar_image_scanner_set_config(s, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(s, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
}

int
qr_decode_png(const char *path, qr_code_cb cb, void *arg,
    struct pn_error *err)
{
	png_image img;
	zbar_image_scanner_t *scanner = NULL;
	zbar_image_t *zi = NULL;
	const zbar_symbol_t *sym;
	uint8_t *pixels = NULL;
	int n = -1, found;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, img.message);
		return -1;
	}
	if ((uint64_t)img.width * img.height > IMAGE_MAX_PIXELS) {
		pn_error_set(err, PN_E_FORMAT, "%s: image too large", path);
		goto out;
	}
	img.format = PNG_FORMAT_GRAY;
	if ((pixels = malloc(PNG_IMAGE_SIZE(img))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		goto out;
	}
	if (!png_image_finish_read(&img, NULL, pixels, 0, NULL)) {
		pn_error_set(err, PN_E_FORMAT, "%s: %s", path, img.message);
		goto out;
	}
	if ((scanner = zbar_image_scanner_create()) == NULL ||
	    (zi = zbar_image_create()) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "cannot start zbar");
		goto out;
	}
	only_qr(scanner);
	/* Y800: 8-bit grey, one byte a pixel, as libpng gave it. */
	zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zi, img.width, img.height);
	zbar_image_set_data(zi, pixels, PNG_IMAGE_SIZE(img), NULL);
	if ((found = zbar_scan_image(scanner, zi)) < 0) {
		pn_error_set(err, PN_E_FORMAT, "%s: zbar cannot scan it", path);
		goto out;
	}
	n = 0;
	for (sym = zbar_image_first_symbol(zi); sym != NULL;
	    sym = zbar_symbol_next(sym)) {
		n++;
		if (cb(zbar_symbol_get_data(sym),
		    zbar_symbol_get_data_length(sym), arg) != 0)
			break;
	}
out:
	if (zi != NULL)
		zbar_image_destroy(zi);
	if (scanner != NULL)
		zbar_image_scanner_destroy(scanner);
	png_image_free(&img);
	free(pixels);
	return n;
}

struct qr_camera {
	zbar_processor_t *proc;
	char last[1024];
	time_t last_at;
};

struct qr_camera *
qr_camera_open(const char *device, struct pn_error *err)
{
	struct qr_camera *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		return NULL;
	}
	/* Unthreaded: the caller's loop drives it, between keyboard reads. */
	if ((c->proc = zbar_processor_create(0)) == NULL) {
		free(c);
		pn_error_set(err, PN_E_NOMEM, "cannot start zbar");
		return NULL;
	}
	zbar_processor_set_config(c->proc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_processor_set_config(c->proc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	if (zbar_processor_init(c->proc, device, 0) != 0 ||
	    zbar_processor_set_active(c->proc, 1) != 0) {
		pn_error_set(err, PN_E_IO, "%s: %s", device,
		    zbar_processor_error_string(c->proc, 0));
		qr_camera_close(c);
		return NULL;
	}
	return c;
}

int
qr_camera_next(struct qr_camera *c, int timeout_ms, char *buf, size_t cap,
    size_t *len, struct pn_error *err)
{
	const zbar_symbol_set_t *set;
	const zbar_symbol_t *sym;
	const char *data;
	size_t n;
	int rc = 0, got;

	got = zbar_process_one(c->proc, timeout_ms);
	if (got < 0)
		return pn_error_set(err, PN_E_IO, "camera: %s",
		    zbar_processor_error_string(c->proc, 0));
	if (got == 0 || (set = zbar_processor_get_results(c->proc)) == NULL)
		return 0;
	for (sym = zbar_symbol_set_first_symbol(set); sym != NULL;
	    sym = zbar_symbol_next(sym)) {
		data = zbar_symbol_get_data(sym);
		n = zbar_symbol_get_data_length(sym);
		if (n == 0 || n >= cap || n >= sizeof(c->last))
			continue;
		if (strlen(c->last) == n && memcmp(c->last, data, n) == 0 &&
		    time(NULL) - c->last_at < CAMERA_REPEAT_SECONDS) {
			c->last_at = time(NULL);
			continue;
		}
		memcpy(buf, data, n);
		buf[n] = '\0';
		memcpy(c->last, data, n);
		c->last[n] = '\0';
		c->last_at = time(NULL);
		*len = n;
		rc = 1;
		break;
	}
	zbar_symbol_set_ref(set, -1);
	return rc;
}

void
qr_camera_close(struct qr_camera *c)
{
	if (c == NULL)
		return;
	if (c->proc != NULL)
		zbar_processor_destroy(c->proc);
	free(c);
}
