/*
 * test_wipe.c - the wipes (util/util.c): every byte of the buffer zero and
 * not one byte around it touched, at every alignment and at the sizes
 * where lw_wipe_cold changes how it writes (under 4 KiB it is lw_wipe;
 * above, an unaligned head, 16-byte streaming stores, an unaligned tail).
 */
#include "lwtest.h"

static int wiped(void (*wipe)(void *, size_t), size_t off, size_t n)
{
	unsigned char *buf = malloc(n + 64);
	int ok = 1;

	if (!buf)
		return 0;
	memset(buf, 0xa5, n + 64);
	wipe(buf + 16 + off, n);
	for (size_t i = 0; i < n + 64; i++) {
		int inside = i >= 16 + off && i < 16 + off + n;
		if (buf[i] != (inside ? 0 : 0xa5))
			ok = 0;
	}
	free(buf);
	return ok;
}

int main(void)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 4095, 4096, 4097, 4111, 65536, 100003 };

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (size_t off = 0; off < 16; off++) {
			int a = wiped(lw_wipe, off, sizes[s]), b = wiped(lw_wipe_cold, off, sizes[s]);
			if (!a || !b)
				fprintf(stderr, "  %zu bytes at offset %zu: lw_wipe %s, lw_wipe_cold %s\n", sizes[s],
					off, a ? "ok" : "wrong", b ? "ok" : "wrong");
			CHECK(a && b);
		}
	return tap_done();
}
