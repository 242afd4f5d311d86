/* fuzz_qr_image.c -- libFuzzer target: uploaded photos, whatever their bytes.
 *
 * qr_image_decode() must return one of its results for any input, never
 * read outside it nor leak (ASan), and on QR_IMAGE_OK leave a
 * NUL-terminated text that fits the buffer with no NUL inside; on any
 * other result, the empty text. Each input is read with a buffer of a
 * voucher's size and with one of 8 bytes, to exercise the length check.
 * The seeds are a small JPEG photo of a voucher's code (baseline and
 * progressive) and the PNG of pn-qrpng.
 *
 * The fuzz rule compiles only $(LIB_SRC), so the module is included here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/core/qr_image.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const uint8_t *data, size_t size, size_t textlen)
{
	char text[QR_IMAGE_TEXT_MAX];
	struct pn_error err;
	enum qr_image_result r;
	size_t n;

	memset(text, 'x', sizeof(text));
	r = qr_image_decode(data, size, NULL, text, textlen, &err);
	if (r > QR_IMAGE_NO_MEMORY || r == QR_IMAGE_BUSY)
		abort();
	n = strnlen(text, textlen);
	if (n >= textlen || (r != QR_IMAGE_OK && n != 0) ||
	    (r == QR_IMAGE_OK && n == 0))
		abort();
	if (qr_image_result_text(r)[0] == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, QR_IMAGE_TEXT_MAX);
	check(data, size, 8);
	return 0;
}
