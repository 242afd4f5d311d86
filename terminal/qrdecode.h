/* qrdecode.h -- QR codes read with libzbar from a PNG image or a camera. */
#ifndef PN_TERM_QRDECODE_H
#define PN_TERM_QRDECODE_H

#include <stddef.h>

#include "passnum/error.h"

/* Called for each code found; a non-zero result stops the walk. */
typedef int (*qr_code_cb)(const char *text, size_t len, void *arg);

/*
 * Decode every QR code of the PNG image at path (any PNG colour type;
 * read as 8-bit grey). Returns the number of codes found (0 is not an
 * error), or -1 with err when the file cannot be read.
 */
int qr_decode_png(const char *path, qr_code_cb cb, void *arg,
    struct pn_error *err);

struct qr_camera;

/* Open a V4L2 video device (such as /dev/video0) with no window. */
struct qr_camera *qr_camera_open(const char *device, struct pn_error *err);

/*
 * Wait up to timeout_ms for a code in front of the camera. The same code
 * held in view is reported once, not at every frame. Returns 1 with the
 * text in buf, 0 on timeout, -1 with err.
 */
int qr_camera_next(struct qr_camera *c, int timeout_ms, char *buf, size_t cap,
    size_t *len, struct pn_error *err);

void qr_camera_close(struct qr_camera *c);

#endif
