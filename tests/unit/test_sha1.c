/*
 * test_sha1.c - the project's one SHA-1 (util/sha1.c) against the FIPS
 * 180-2 examples and against Python's hashlib (an independent
 * implementation) at the padding edges: 55, 56, 63, 64, 65, 119 and 120
 * bytes of the pattern (i * 7 + 3) & 255.
 */
#include "lwtest.h"

static const char *hex(const void *data, size_t len)
{
	static char out[41];
	unsigned char h[20];

	lw_sha1(data, len, h);
	for (int k = 0; k < 20; k++)
		snprintf(out + 2 * k, 3, "%02x", h[k]);
	return out;
}

static void check(const void *data, size_t len, const char *want)
{
	const char *got = hex(data, len);

	if (strcmp(got, want))
		fprintf(stderr, "  sha1 of %zu bytes: %s, wanted %s\n", len, got, want);
	CHECK(!strcmp(got, want));
}

int main(void)
{
	static const struct { size_t n; const char *want; } edge[] = {
		{ 55, "ddf57317ef34bfee3b6df83d359098930eb278bc" },
		{ 56, "a0d492bb0fc889d0eca3bc137066ab6f4f74f369" },
		{ 63, "c55856749bef509bdfe6bfebfc7bf4e793e82132" },
		{ 64, "bede92be29c3874e1b54ddc77988d606fc857a8e" },
		{ 65, "b05a80522b053d6dc7e0a517d0e70212c7dad11f" },
		{ 119, "504e27376a6e0f0dba8295b85cb25dc4dfa17d23" },
		{ 120, "82134b02fb3f702491be9bed581eeab59334acb2" },
	};
	unsigned char buf[128];
	char *million = malloc(1000000);

	/* FIPS 180-2, appendix A: one block, two blocks, a million 'a' */
	check("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		"84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	check("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	CHECK(million != NULL);
	if (million) {
		memset(million, 'a', 1000000);
		check(million, 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
		free(million);
	}
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)((i * 7 + 3) & 255);
	for (size_t k = 0; k < sizeof(edge) / sizeof(*edge); k++)
		check(buf, edge[k].n, edge[k].want);
	return tap_done();
}
