/* text.c - deciding how to read a buffer: text as it is, UTF-16 turned
 * into UTF-8 (line numbers survive: every line end is kept), or binary. */
#include <string.h>

#include "internal.h"

/* nul: the first NUL byte of d, or NULL when there is none in the first
 * 2048 bytes (or more) */
static int lw_utf16_guess(const unsigned char *d, size_t n, const unsigned char *nul)
{
	size_t m = n < 2048 ? n & ~(size_t)1 : 2048, zero_even = 0, zero_odd = 0;

	if (n >= 2 && d[0] == 0xff && d[1] == 0xfe)
		return 1; /* little-endian BOM */
	if (n >= 2 && d[0] == 0xfe && d[1] == 0xff)
		return 2;
	/* without a zero byte in the first m, neither count below can be
	 * nine tenths of anything: most text is decided by memchr alone */
	if (m < 16 || !nul || (size_t)(nul - d) >= m)
		return 0;
	for (size_t i = 0; i < m; i += 2) {
		zero_even += d[i] == 0;
		zero_odd += d[i + 1] == 0;
	}
	/* mostly-ASCII UTF-16 without a BOM: one byte of each pair is zero */
	if (zero_odd * 10 >= (m / 2) * 9 && zero_even * 10 < m / 2)
		return 1;
	if (zero_even * 10 >= (m / 2) * 9 && zero_odd * 10 < m / 2)
		return 2;
	return 0;
}

static void lw_put_utf8(lw_buf *out, uint32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		b[0] = (char)cp;
		lw_buf_put(out, b, 1);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		lw_buf_put(out, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		lw_buf_put(out, b, 3);
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		lw_buf_put(out, b, 4);
	}
}

static int lw_utf16_to_utf8(const unsigned char *d, size_t n, int be, lw_buf *out)
{
	size_t i = (n >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff))) ? 2 : 0;

	if (lw_buf_reserve(out, n + n / 2) < 0)
		return LW_ELIMIT;
	for (; i + 1 < n; i += 2) {
		uint32_t u = be ? (uint32_t)d[i] << 8 | d[i + 1] : (uint32_t)d[i + 1] << 8 | d[i];
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
			uint32_t l = be ? (uint32_t)d[i + 2] << 8 | d[i + 3] : (uint32_t)d[i + 3] << 8 | d[i + 2];
			if (l >= 0xdc00 && l <= 0xdfff) {
				lw_put_utf8(out, 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00));
				i += 2;
				continue;
			}
		}
		lw_put_utf8(out, (u >= 0xd800 && u <= 0xdfff) ? 0xfffd : u);
	}
	return out->overflow ? LW_ELIMIT : 0;
}

_Static_assert(LW_SNIFF_BYTES >= 2048, "the NUL search covers what lw_utf16_guess counts");

int lw_text_prepare(const unsigned char *d, size_t n, lw_buf *out)
{
	const unsigned char *nul = n ? memchr(d, '\0', n < LW_SNIFF_BYTES ? n : LW_SNIFF_BYTES) : NULL;
	int kind = lw_utf16_guess(d, n, nul);

	if (kind)
		return lw_utf16_to_utf8(d, n, kind == 2, out) < 0 ? -1 : 1;
	return nul ? -1 : 0;
}
