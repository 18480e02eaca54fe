/*
 * index_fuzzer.c - git's index file as `leakwalk staged` parses it
 * (lib/src/index_fast.c) before libgit2 is given anything, and the EWAH
 * bitmaps of a split index's link extension (lib/src/index_load.c).
 *
 * The input is an index file, laid out as lw_ix_read_file leaves it (a NUL
 * after the last byte). Every entry must have a NUL-terminated path inside
 * the buffer or the path pool, a stage of 0-3, and the link extension, when
 * found, must lie inside the buffer. The input is also read as two EWAH
 * bitmaps, whose bit counts must stay within their declared bound.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odb/index_load.h"
#include "odb/index_parse.h"

#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

static int inside(const void *p, const void *lo, size_t n)
{
	return (const char *)p >= (const char *)lo && (const char *)p < (const char *)lo + n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ix x;

	if (size > (1 << 20))
		return 0;
	memset(&x, 0, sizeof(x));
	if (size >= 32) {
		if (!(x.buf = malloc(size + 1)))
			return 0;
		memcpy(x.buf, data, size);
		x.buf[size] = '\0';
		x.len = size;
		if (lw_ix_parse(&x) == 0) {
			for (size_t i = 0; i < x.n; i++) {
				const char *p = x.e[i].path;
				FUZZ_CHECK(inside(p, x.buf, x.len) || (x.paths.data && inside(p, x.paths.data, x.paths.len)));
				FUZZ_CHECK(x.e[i].stage >= 0 && x.e[i].stage <= 3);
				(void)strlen(p); /* ASan: terminated inside its allocation */
			}
			if (x.link)
				FUZZ_CHECK(x.link >= x.buf && x.link + x.link_len <= x.buf + x.len);
		}
		lw_ix_release(&x);
	}
	const unsigned char *p = data, *end = data + size;
	for (int k = 0; k < 2; k++) {
		unsigned char *bits = NULL;
		size_t nbits = 0;
		if (lw_ewah_read(&p, end, 1 << 16, &bits, &nbits) < 0) {
			FUZZ_CHECK(!bits);
			break;
		}
		FUZZ_CHECK(p <= end && nbits <= (1u << 16));
		for (size_t b = 0; b < nbits; b++)
			FUZZ_CHECK(bits[b] <= 1);
		free(bits);
	}
	return 0;
}
