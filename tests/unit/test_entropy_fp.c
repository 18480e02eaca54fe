/*
 * test_entropy_fp.c - Shannon entropy, finding fingerprints, SHA-256
 * against published vectors, and the offline CRC32 token checksums.
 */
#include <math.h>

#include "lwtest.h"

static void test_entropy(void)
{
	unsigned char all[256];

	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	CHECK(lw_entropy((const unsigned char *)"", 0) == 0.0);
	CHECK(lw_entropy(NULL, 0) == 0.0);
	CHECK(lw_entropy((const unsigned char *)"aaaa", 4) == 0.0);
	CHECK(fabs(lw_entropy((const unsigned char *)"ab", 2) - 1.0) < 1e-12);
	CHECK(fabs(lw_entropy((const unsigned char *)"aabb", 4) - 1.0) < 1e-12);
	CHECK(fabs(lw_entropy((const unsigned char *)"abcd", 4) - 2.0) < 1e-12);
	CHECK(fabs(lw_entropy((const unsigned char *)"aaab", 4) - 0.8112781244591328) < 1e-12);
	CHECK(fabs(lw_entropy(all, 256) - 8.0) < 1e-12);
	/* order does not matter; bytes above 0x7f count like any other */
	CHECK(lw_entropy((const unsigned char *)"abcabc", 6) == lw_entropy((const unsigned char *)"cbacab", 6));
	CHECK(fabs(lw_entropy((const unsigned char *)"\xff\x80", 2) - 1.0) < 1e-12);
	/* 16 distinct characters: exactly 4 */
	char t[32];
	tf_token(t, 16);
	CHECK(fabs(lw_entropy((const unsigned char *)t, 16) - 4.0) < 1e-12);
	/* never above log2(len) nor 8, never below 0 */
	for (int i = 0; i < 200; i++) {
		unsigned char r[300];
		size_t n = 1 + tf_below(sizeof(r));
		for (size_t j = 0; j < n; j++)
			r[j] = (unsigned char)tf_below(256);
		double h = lw_entropy(r, n);
		CHECK(h >= 0 && h <= 8.0 + 1e-9 && h <= log2((double)n) + 1e-9);
	}
}

static int is_hex32(const char *s)
{
	if (strlen(s) != 32)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static void test_fingerprint(void)
{
	char s[32], a[33], b[33], c[33];

	tf_token(s, 24);
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	lw_fingerprint(a, "rule-a", "src/x.c", u, n);
	lw_fingerprint(b, "rule-a", "src/x.c", u, n);
	CHECK(is_hex32(a));
	CHECK(!strcmp(a, b));
	/* differs by rule, path, secret */
	lw_fingerprint(c, "rule-b", "src/x.c", u, n);
	CHECK(strcmp(a, c) != 0);
	lw_fingerprint(c, "rule-a", "src/y.c", u, n);
	CHECK(strcmp(a, c) != 0);
	lw_fingerprint(c, "rule-a", "src/x.c", u, n - 1);
	CHECK(strcmp(a, c) != 0);
	char s2[32];
	memcpy(s2, s, n + 1);
	s2[n / 2] = s2[n / 2] == '2' ? '5' : '2';
	lw_fingerprint(c, "rule-a", "src/x.c", (const unsigned char *)s2, n);
	CHECK(strcmp(a, c) != 0);
	/* the separators keep field boundaries apart */
	lw_fingerprint(b, "ab", "c", u, n);
	lw_fingerprint(c, "a", "bc", u, n);
	CHECK(strcmp(b, c) != 0);
	/* the fingerprint does not carry the secret, not even a piece of it */
	for (size_t i = 0; i + 4 <= n; i++) {
		char piece[5];
		memcpy(piece, s + i, 4);
		piece[4] = 0;
		CHECK(strstr(a, piece) == NULL || strspn(piece, "0123456789abcdef") == 4);
	}
	/* an empty secret and a very long path still give stable fingerprints */
	lw_fingerprint(b, "r", "p", (const unsigned char *)"", 0);
	CHECK(is_hex32(b));
	char *longpath = malloc(10001);
	memset(longpath, 'd', 10000);
	longpath[10000] = 0;
	lw_fingerprint(b, "r", longpath, u, n);
	lw_fingerprint(c, "r", longpath, u, n);
	CHECK(is_hex32(b) && !strcmp(b, c));
	longpath[9999] = 'e';
	lw_fingerprint(c, "r", longpath, u, n);
	CHECK(strcmp(b, c) != 0);
	free(longpath);
	/* the definition: sha256(rule NUL path NUL sha256(secret)), first 16 bytes in hex */
	unsigned char sh[32], buf[256], d[32];
	size_t o = 0;
	lw_sha256(s, n, sh);
	memcpy(buf + o, "rule-a", 7); o += 7;
	memcpy(buf + o, "src/x.c", 8); o += 8;
	memcpy(buf + o, sh, 32); o += 32;
	lw_sha256(buf, o, d);
	char want[33];
	for (int i = 0; i < 16; i++)
		snprintf(want + 2 * i, 3, "%02x", d[i]);
	CHECK(!strcmp(a, want));
}

static void hex(char *out, const unsigned char d[32])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_sha(const void *data, size_t len, const char *want)
{
	unsigned char d[32];
	char got[65];

	lw_sha256(data, len, d);
	hex(got, d);
	if (strcmp(got, want))
		fprintf(stderr, "  sha256 of %zu bytes: %s, want %s\n", len, got, want);
	CHECK(!strcmp(got, want));
}

static void test_sha256(void)
{
	/* FIPS 180-4 / NIST CSHA examples */
	check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *v56 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	CHECK(strlen(v56) == 56);
	check_sha(v56, 56, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	const char *v112 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
			   "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	CHECK(strlen(v112) == 112);
	check_sha(v112, 112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	/* the one-million-'a' vector */
	char *m = malloc(1000000);
	memset(m, 'a', 1000000);
	check_sha(m, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* padding boundaries: 55, 56, 63, 64, 65, ... bytes of 'a' */
	static const struct {
		size_t n;
		const char *d;
	} pad[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 111, "6374f73208854473827f6f6a3f43b1f53eaa3b82c21c1a6d69a2110b2a79baad" },
		{ 112, "f54353008a2553262ecdc4a34749563ba0950e8b0fc8652780b0a614b99683c1" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
		{ 127, "c57e9278af78fa3cab38667bef4ce29d783787a2f731d4e12200270f0c32320a" },
		{ 128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e" },
		{ 1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3" },
	};
	for (size_t i = 0; i < sizeof(pad) / sizeof(*pad); i++)
		check_sha(m, pad[i].n, pad[i].d);
	free(m);
}

/* ---- CRC32 checksum tokens ------------------------------------------- */

static uint32_t my_crc32(const unsigned char *p, size_t n)
{
	static uint32_t table[256];
	static int init;

	if (!init) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		init = 1;
	}
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* prefix + "_" + 30 random base62 + 6 base62 digits of their CRC32 */
static void make_token(char *out, const char *prefix)
{
	size_t p = strlen(prefix);
	memcpy(out, prefix, p);
	out[p++] = '_';
	for (int i = 0; i < 30; i++)
		out[p + (size_t)i] = b62[tf_below(62)];
	uint32_t crc = my_crc32((const unsigned char *)out + p, 30);
	for (int i = 5; i >= 0; i--) {
		out[p + 30 + (size_t)i] = b62[crc % 62];
		crc /= 62;
	}
	out[p + 36] = 0;
}

static void test_checksum(void)
{
	char t[64];

	/* the CRC used to build test tokens is the standard one */
	CHECK(my_crc32((const unsigned char *)"123456789", 9) == 0xcbf43926u);
	CHECK(lw_checksum_verify(NULL, (const unsigned char *)"x", 1) == LW_CHECKSUM_NONE);
	CHECK(lw_checksum_verify("no-such-check", (const unsigned char *)"x", 1) == LW_CHECKSUM_NONE);
	CHECK(lw_checksum_known("github-crc32") && lw_checksum_known("npm-crc32"));
	CHECK(!lw_checksum_known("crc32"));
	for (int round = 0; round < 50; round++) {
		const char *prefix = round % 3 == 0 ? "ghp" : round % 3 == 1 ? "gho" : "npm";
		const char *check = round % 3 == 2 ? "npm-crc32" : "github-crc32";
		make_token(t, prefix);
		size_t n = strlen(t);
		CHECK(lw_checksum_verify(check, (const unsigned char *)t, n) == LW_CHECKSUM_VALID);
		/* any single changed character makes it invalid */
		int all_invalid = 1;
		for (size_t i = strlen(prefix) + 1; i < n; i++) {
			char saved = t[i];
			t[i] = saved == 'a' ? 'b' : 'a';
			if (lw_checksum_verify(check, (const unsigned char *)t, n) != LW_CHECKSUM_INVALID)
				all_invalid = 0;
			t[i] = saved;
		}
		CHECK(all_invalid);
		/* wrong shapes */
		CHECK(lw_checksum_verify(check, (const unsigned char *)t, n - 1) == LW_CHECKSUM_INVALID);
		char nous[64];
		snprintf(nous, sizeof(nous), "ghp%s", t + 4);
		CHECK(lw_checksum_verify(check, (const unsigned char *)nous, strlen(nous)) == LW_CHECKSUM_INVALID);
	}
	CHECK(lw_checksum_verify("github-crc32", (const unsigned char *)"", 0) == LW_CHECKSUM_INVALID);

	/* through a scan: the finding carries the checksum state */
	const char *json = "{\"rules\":[{\"id\":\"gh\",\"description\":\"d\",\"regex\":\"\\\\bghp_[A-Za-z0-9]{36}\\\\b\","
			   "\"keywords\":[\"ghp_\"],\"checksum\":\"github-crc32\"}]}";
	lw_ruleset *rs = tf_rules(json);
	tf_hits h;
	char text[256], bad[64];
	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	make_token(t, "ghp");
	memcpy(bad, t, sizeof(t));
	bad[10] = bad[10] == 'Q' ? 'R' : 'Q';
	snprintf(text, sizeof(text), "a = %s\nb = %s\n", t, bad);
	/* by default a failing checksum means "not a secret": not reported */
	CHECK(tf_scan(rs, "a", text, &h) == 0);
	CHECK(h.n == 1);
	const tf_hit *x = tf_find(&h, "gh", t);
	CHECK(x && x->checksum == LW_CHECKSUM_VALID);
	CHECK(tf_find(&h, "gh", bad) == NULL);
	/* report_invalid_checksums shows it, marked */
	lw_scan_options so = LW_SCAN_OPTIONS_INIT;
	so.report_invalid_checksums = 1;
	CHECK(tf_scan_opts(rs, &so, "a", text, strlen(text), &h) == 0);
	CHECK(h.n == 2);
	const tf_hit *y = tf_find(&h, "gh", bad);
	CHECK(y && y->checksum == LW_CHECKSUM_INVALID);
	tf_hits_free(&h);
	lw_ruleset_free(rs);

	/* The dropped token still hides a generic rule's finding of the same
	 * text: the generic rule must not report it under another name. */
	const char *json2 = "{\"rules\":[{\"id\":\"gh\",\"description\":\"d\",\"regex\":\"\\\\bghp_[A-Za-z0-9]{36}\\\\b\","
			    "\"keywords\":[\"ghp_\"],\"checksum\":\"github-crc32\"},"
			    "{\"id\":\"gen\",\"description\":\"d\",\"regex\":\"token = (\\\\S+)\",\"secret_group\":1,"
			    "\"keywords\":[\"token\"],\"tags\":[\"generic\"]}]}";
	rs = tf_rules(json2);
	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	snprintf(text, sizeof(text), "token = %s\n", bad);
	CHECK(tf_scan(rs, "a", text, &h) == 0);
	CHECK(h.n == 0);
	snprintf(text, sizeof(text), "token = %s\n", t);
	CHECK(tf_scan(rs, "a", text, &h) == 0);
	CHECK(h.n == 1 && tf_find(&h, "gh", t) != NULL);
	/* a generic finding of another value on the same line is not hidden */
	snprintf(text, sizeof(text), "token = %s\ntoken = q8Zr2VbN4wTx7Kp1\n", bad);
	CHECK(tf_scan(rs, "a", text, &h) == 0);
	CHECK(h.n == 1 && tf_find(&h, "gen", "q8Zr2VbN4wTx7Kp1") != NULL);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

int main(void)
{
	tf_seed_random("test_entropy_fp");
	test_entropy();
	test_fingerprint();
	test_sha256();
	test_checksum();
	return tap_done();
}
