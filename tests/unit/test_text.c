/*
 * test_text.c - how a buffer is read (util/text.c): UTF-16 without a byte
 * order mark is told by counting zero bytes at even and odd places of the
 * first 2 KiB, eight bytes at a time. The decision must be the one made
 * byte by byte, as the rule reads (90 % of one side zero, under 10 % of the
 * other), at every length and alignment, near both thresholds, for
 * UTF-16LE, UTF-16BE, ASCII and binary buffers; also where the first zero
 * byte comes late (lw_text_prepare counts only from a zero byte in the first
 * 2 KiB on).
 */
#include "lwtest.h"

/* the rule, a byte at a time: 1 UTF-16 (either order), -1 binary, 0 text */
static int by_bytes(const unsigned char *d, size_t n)
{
	size_t m = n < 2048 ? n & ~(size_t)1 : 2048, even = 0, odd = 0;

	if (n >= 2 && ((d[0] == 0xff && d[1] == 0xfe) || (d[0] == 0xfe && d[1] == 0xff)))
		return 1;
	if (m >= 16) {
		for (size_t i = 0; i < m; i++)
			if (d[i] == 0) {
				if (i % 2)
					odd++;
				else
					even++;
			}
		size_t pairs = m / 2;
		if ((odd * 10 >= pairs * 9 && even * 10 < pairs) || (even * 10 >= pairs * 9 && odd * 10 < pairs))
			return 1;
	}
	for (size_t i = 0; i < n && i < LW_SNIFF_BYTES; i++)
		if (d[i] == 0)
			return -1;
	return 0;
}

/* ASCII as UTF-16 (little-endian when le), a share `mixed` in 1000 of its
 * characters outside Latin-1 (no zero byte), and `stray` zero bytes where
 * text has none */
static void make(unsigned char *d, size_t n, int le, unsigned mixed, unsigned stray)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned char c = (unsigned char)('a' + tf_below(26)), hi = 0;
		if (tf_below(1000) < mixed)
			hi = (unsigned char)(1 + tf_below(0xd7));
		if (tf_below(1000) < stray)
			c = 0;
		d[i + (le ? 0 : 1)] = c;
		d[i + (le ? 1 : 0)] = hi;
	}
	if (n % 2)
		d[n - 1] = 'z';
}

int main(void)
{
	size_t cases = 0, utf16 = 0, binary = 0, text = 0;

	tf_seed_random("test_text");
	for (int round = 0; round < 20000; round++) {
		size_t n = tf_below(4) ? tf_below(80) : tf_below(3000), off = tf_below(16);
		unsigned char *buf = malloc(n + 16 + 1);
		if (!buf)
			break;
		unsigned char *d = buf + off;
		switch (tf_below(5)) {
		case 0: /* UTF-16 near the 90 % threshold: 0-20 % of pairs without a zero */
		case 1:
			make(d, n, (int)tf_below(2), tf_below(200), tf_below(3) ? 0 : tf_below(150));
			break;
		case 3: /* UTF-16 behind text without a zero byte, up to a tenth of
			 * the counted pairs long: the first zero comes late */
			make(d, n, (int)tf_below(2), 0, 0);
			for (size_t i = 0, k = tf_below(n / 10 + 1) * 2; i < k && i < n; i++)
				d[i] = (unsigned char)('A' + tf_below(26));
			break;
		case 2: /* text, a zero byte now and then */
			for (size_t i = 0; i < n; i++)
				d[i] = tf_below(200) ? (unsigned char)(' ' + tf_below(90)) : 0;
			break;
		default: /* binary */
			for (size_t i = 0; i < n; i++)
				d[i] = (unsigned char)tf_below(256);
		}
		if (n >= 2 && tf_below(20) == 0) {
			d[0] = tf_below(2) ? 0xff : 0xfe;
			d[1] = d[0] == 0xff ? 0xfe : 0xff;
		}
		lw_buf out;
		lw_buf_init(&out, 16 * n + 64);
		int got = lw_text_prepare(d, n, &out), want = by_bytes(d, n);
		if (got != want)
			fprintf(stderr, "  %zu bytes at offset %zu: read as %d, the rule says %d\n", n, off, got, want);
		CHECK(got == want);
		cases++;
		utf16 += want == 1;
		binary += want == -1;
		text += want == 0;
		lw_buf_release(&out);
		free(buf);
	}
	printf("# %zu buffers: %zu UTF-16, %zu binary, %zu text\n", cases, utf16, binary, text);
	/* every kind met, many times */
	CHECK(utf16 > 1000 && binary > 1000 && text > 1000);
	return tap_done();
}
