/* sha1.c - FIPS 180-4 SHA-1, the project's one copy. Not for security: it
 * matches what other tools store, e.g. detect-secrets' hashed_secret, which
 * import-ignore compares with the secrets leakwalk finds. The state is
 * wiped after use, as the input is a secret. */
#include <string.h>

#include "internal.h"

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & c) | (~b & d); k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d; k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d; k = 0xca62c1d6;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d; d = c; c = rol(b, 30); b = a; a = t;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
	explicit_bzero(w, sizeof(w));
}

void lw_sha1(const void *data, size_t len, unsigned char out[20])
{
	const unsigned char *in = data;
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	unsigned char blk[64];
	size_t i = 0;

	for (; len - i >= 64; i += 64)
		sha1_block(h, in + i);
	size_t rest = len - i;
	memset(blk, 0, sizeof(blk));
	if (rest)
		memcpy(blk, in + i, rest);
	blk[rest] = 0x80;
	if (rest >= 56) {
		sha1_block(h, blk);
		memset(blk, 0, sizeof(blk));
	}
	uint64_t bits = (uint64_t)len * 8;
	for (int k = 0; k < 8; k++)
		blk[63 - k] = (unsigned char)(bits >> (8 * k));
	sha1_block(h, blk);
	for (int k = 0; k < 5; k++)
		for (int b = 0; b < 4; b++)
			out[4 * k + b] = (unsigned char)(h[k] >> (24 - 8 * b));
	explicit_bzero(blk, sizeof(blk));
	explicit_bzero(h, sizeof(h));
}
