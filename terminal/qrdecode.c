/* qrdecode.c -- libzbar for images and cameras; libpng reads the images (zbar has no loader of its own).
 *
 * Both libraries are loaded with dlopen(3) when an image or a camera is
 * opened, and unloaded with it: a scan from a keyboard or a USB scanner
 * never needs them, and libzbar brings X11, D-Bus, libsystemd, libv4l
 * and libjpeg, close to 2 MB of resident memory when every run of the
 * terminal loaded them at start (docs/terminal.md, "Memory").
 * Each function is typed from its declaration in zbar.h or png.h.
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <png.h>
#include <zbar.h>

#include "qrdecode.h"

/* Debian's libzbar0; zbar.h names no soname. */
#define ZBAR_SONAME "libzbar.so.0"
#define STR_(x) #x
#define STR(x) STR_(x)
#define PNG_SONAME "libpng" STR(PNG_LIBPNG_VER_DLLNUM) ".so." \
	STR(PNG_LIBPNG_VER_SONUM)

/*
 * The functions called, by library. zbar.h's inline
 * zbar_processor_error_string() calls _zbar_error_string(), called here
 * directly.
 */
#define ZBAR_CALLS(X) \
	X(zbar_image_scanner_create) X(zbar_image_scanner_destroy) \
	X(zbar_image_scanner_set_config) X(zbar_image_create) \
	X(zbar_image_destroy) X(zbar_image_set_format) \
	X(zbar_image_set_size) X(zbar_image_set_data) X(zbar_scan_image) \
	X(zbar_image_first_symbol) X(zbar_symbol_next) \
	X(zbar_symbol_get_data) X(zbar_symbol_get_data_length) \
	X(zbar_processor_create) X(zbar_processor_destroy) \
	X(zbar_processor_set_config) X(zbar_processor_init) \
	X(zbar_processor_set_active) X(zbar_process_one) \
	X(zbar_processor_get_results) X(zbar_symbol_set_first_symbol) \
	X(zbar_symbol_set_ref) X(_zbar_error_string)
#define PNG_CALLS(X) \
	X(png_image_begin_read_from_file) X(png_image_finish_read) \
	X(png_image_free)

/* The libraries as loaded by qrlib_open(), for one image or one camera. */
struct qrlib {
	void *zbar;		/* dlopen() handles, NULL when not loaded */
	void *png;
#define QRLIB_FIELD(name) __typeof__(name) *name;
	ZBAR_CALLS(QRLIB_FIELD)
	PNG_CALLS(QRLIB_FIELD)
#undef QRLIB_FIELD
};

/* Unload what qrlib_open() loaded; l may be partly loaded. */
static void
qrlib_close(struct qrlib *l)
{
	if (l->zbar != NULL)
		dlclose(l->zbar);
	if (l->png != NULL)
		dlclose(l->png);
	memset(l, 0, sizeof(*l));
}

/*
 * Load libzbar, and libpng when with_png. On error, err says which
 * library or function is missing (in French: the venue reads it), and
 * nothing stays loaded.
 */
static int
qrlib_open(struct qrlib *l, bool with_png, struct pn_error *err)
{
	const char *missing;

	memset(l, 0, sizeof(*l));
	if ((l->zbar = dlopen(ZBAR_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL ||
	    (with_png &&
	    (l->png = dlopen(PNG_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)) {
		pn_error_set(err, PN_E_IO, "lecture des QR codes impossible : "
		    "%s", dlerror());
		qrlib_close(l);
		return -1;
	}
#define QRLIB_LOAD(handle, name) \
	if ((l->name = (__typeof__(name) *)dlsym(l->handle, #name)) == NULL) { \
		missing = #name; \
		goto fail; \
	}
#define QRLIB_LOAD_ZBAR(name) QRLIB_LOAD(zbar, name)
#define QRLIB_LOAD_PNG(name) QRLIB_LOAD(png, name)
	ZBAR_CALLS(QRLIB_LOAD_ZBAR)
	if (with_png) {
		PNG_CALLS(QRLIB_LOAD_PNG)
	}
#undef QRLIB_LOAD_PNG
#undef QRLIB_LOAD_ZBAR
#undef QRLIB_LOAD
	return 0;
fail:
	pn_error_set(err, PN_E_IO, "lecture des QR codes impossible : "
	    "fonction %s absente de %s", missing,
	    strncmp(missing, "png_", 4) == 0 ? PNG_SONAME : ZBAR_SONAME);
	qrlib_close(l);
	return -1;
}

/* Larger images are refused: a photo of a voucher needs far less. */
#define IMAGE_MAX_PIXELS (40u * 1000 * 1000)
/* The same code seen again within this many seconds is the same scan. */
#define CAMERA_REPEAT_SECONDS 3

static void
only_qr(const struct qrlib *l, zbar_image_scanner_t *s)
{
	l->zbar_image_scanner_set_config(s, 0, ZBAR_CFG_ENABLE, 0);
	l->zbar_image_scanner_set_config(s, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
}

int
qr_decode_png(const char *path, qr_code_cb cb, void *arg,
    struct pn_error *err)
{
	struct qrlib l;
	png_image img;
	zbar_image_scanner_t *scanner = NULL;
	zbar_image_t *zi = NULL;
	const zbar_symbol_t *sym;
	uint8_t *pixels = NULL;
	int n = -1, found;

	if (qrlib_open(&l, true, err) != 0)
		return -1;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!l.png_image_begin_read_from_file(&img, path)) {
		pn_error_set(err, PN_E_IO, "%s: %s", path, img.message);
		goto out;
	}
	if ((uint64_t)img.width * img.height > IMAGE_MAX_PIXELS) {
		pn_error_set(err, PN_E_FORMAT, "%s : image trop grande", path);
		goto out;
	}
	img.format = PNG_FORMAT_GRAY;
	if ((pixels = malloc(PNG_IMAGE_SIZE(img))) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		goto out;
	}
	if (!l.png_image_finish_read(&img, NULL, pixels, 0, NULL)) {
		pn_error_set(err, PN_E_FORMAT, "%s: %s", path, img.message);
		goto out;
	}
	if ((scanner = l.zbar_image_scanner_create()) == NULL ||
	    (zi = l.zbar_image_create()) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "lecture des QR codes "
		    "impossible (zbar)");
		goto out;
	}
	only_qr(&l, scanner);
	/* Y800: 8-bit grey, one byte a pixel, as libpng gave it. */
	l.zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	l.zbar_image_set_size(zi, img.width, img.height);
	l.zbar_image_set_data(zi, pixels, PNG_IMAGE_SIZE(img), NULL);
	if ((found = l.zbar_scan_image(scanner, zi)) < 0) {
		pn_error_set(err, PN_E_FORMAT, "%s : image illisible pour "
		    "zbar", path);
		goto out;
	}
	n = 0;
	for (sym = l.zbar_image_first_symbol(zi); sym != NULL;
	    sym = l.zbar_symbol_next(sym)) {
		n++;
		if (cb(l.zbar_symbol_get_data(sym),
		    l.zbar_symbol_get_data_length(sym), arg) != 0)
			break;
	}
out:
	if (zi != NULL)
		l.zbar_image_destroy(zi);
	if (scanner != NULL)
		l.zbar_image_scanner_destroy(scanner);
	l.png_image_free(&img);
	free(pixels);
	qrlib_close(&l);
	return n;
}

struct qr_camera {
	struct qrlib lib;
	zbar_processor_t *proc;
	char last[1024];
	time_t last_at;
};

struct qr_camera *
qr_camera_open(const char *device, struct pn_error *err)
{
	struct qr_camera *c = calloc(1, sizeof(*c));
	const struct qrlib *l;

	if (c == NULL) {
		pn_error_set(err, PN_E_NOMEM, "mémoire insuffisante");
		return NULL;
	}
	if (qrlib_open(&c->lib, false, err) != 0) {
		free(c);
		return NULL;
	}
	l = &c->lib;
	/* Unthreaded: the caller's loop drives it, between keyboard reads. */
	if ((c->proc = l->zbar_processor_create(0)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "lecture des QR codes "
		    "impossible (zbar)");
		qr_camera_close(c);
		return NULL;
	}
	l->zbar_processor_set_config(c->proc, 0, ZBAR_CFG_ENABLE, 0);
	l->zbar_processor_set_config(c->proc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	if (l->zbar_processor_init(c->proc, device, 0) != 0 ||
	    l->zbar_processor_set_active(c->proc, 1) != 0) {
		pn_error_set(err, PN_E_IO, "%s: %s", device,
		    l->_zbar_error_string(c->proc, 0));
		qr_camera_close(c);
		return NULL;
	}
	return c;
}

int
qr_camera_next(struct qr_camera *c, int timeout_ms, char *buf, size_t cap,
    size_t *len, struct pn_error *err)
{
	const struct qrlib *l = &c->lib;
	const zbar_symbol_set_t *set;
	const zbar_symbol_t *sym;
	const char *data;
	size_t n;
	int rc = 0, got;

	got = l->zbar_process_one(c->proc, timeout_ms);
	if (got < 0)
		return pn_error_set(err, PN_E_IO, "caméra : %s",
		    l->_zbar_error_string(c->proc, 0));
	if (got == 0 || (set = l->zbar_processor_get_results(c->proc)) == NULL)
		return 0;
	for (sym = l->zbar_symbol_set_first_symbol(set); sym != NULL;
	    sym = l->zbar_symbol_next(sym)) {
		data = l->zbar_symbol_get_data(sym);
		n = l->zbar_symbol_get_data_length(sym);
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
	l->zbar_symbol_set_ref(set, -1);
	return rc;
}

void
qr_camera_close(struct qr_camera *c)
{
	if (c == NULL)
		return;
	if (c->proc != NULL)
		c->lib.zbar_processor_destroy(c->proc);
	qrlib_close(&c->lib);
	free(c);
}
