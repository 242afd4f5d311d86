/* qr.h -- QR codes of voucher texts, as PNG and SVG.
 *
 * Always error-correction level Q (a quarter of the code may be damaged),
 * alphanumeric mode (the voucher text is Base45, QR's alphanumeric set) and
 * a quiet zone of 4 modules, as scanners expect.
 */
#ifndef PASSNUM_QR_H
#define PASSNUM_QR_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"

#define PN_QR_QUIET_ZONE	4
#define PN_QR_MAX_MODULE_PX	64

/*
 * Render text as a 1-bit greyscale PNG with module_px pixels per module
 * (1..PN_QR_MAX_MODULE_PX). *out is malloc'd; the caller frees it.
 * Fails when text has characters outside QR's alphanumeric set.
 */
int pn_qr_png(const char *text, int module_px, uint8_t **out, size_t *len,
    struct pn_error *err);

/* Render text as an SVG document; *out is a malloc'd NUL-terminated string. */
int pn_qr_svg(const char *text, int module_px, char **out, size_t *len,
    struct pn_error *err);

/* Side of the symbol in modules, quiet zone included; 0 on failure. */
int pn_qr_size(const char *text);

#endif
