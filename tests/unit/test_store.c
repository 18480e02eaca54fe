/* test_store.c - HMAC-SHA256 against RFC 4231's test vectors (secret_id
 * depends on it), and the store's pieces that need no server: URL or path,
 * statuses, a fresh SQLite store's schema, key and secret_id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "store/store.h"
#include "tap.h"

static void hex(const unsigned char *h, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static int hmac_is(const unsigned char *key, size_t klen, const char *msg, const char *want)
{
	unsigned char h[32];
	char got[65];

	lw_hmac_sha256(key, klen, (const unsigned char *)msg, strlen(msg), h);
	hex(h, 32, got);
	return !strcmp(got, want);
}

int main(void)
{
	unsigned char k1[20], k6[131];
	char dir[] = "/tmp/lwstoreXXXXXX", path[64];
	lw_store *s = NULL;
	lw_error err = { 0 };
	int v = 0;

	/* RFC 4231, test cases 1, 2 and 6 (a key longer than a block) */
	memset(k1, 0x0b, sizeof(k1));
	CHECK(hmac_is(k1, sizeof(k1), "Hi There",
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
	CHECK(hmac_is((const unsigned char *)"Jefe", 4, "what do ya want for nothing?",
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
	memset(k6, 0xaa, sizeof(k6));
	CHECK(hmac_is(k6, sizeof(k6), "Test Using Larger Than Block-Size Key - Hash Key First",
		"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));

	CHECK(lw_store_is_url("https://git.example.com/a.git"));
	CHECK(lw_store_is_url("file:///srv/git/a.git"));
	CHECK(lw_store_is_url("git@example.com:org/a.git"));
	CHECK(!lw_store_is_url("/srv/git/a.git"));
	CHECK(!lw_store_is_url("./dir/with@sign:colon"));
	CHECK(lw_store_status_valid("revoked") && lw_store_status_valid("open"));
	CHECK(!lw_store_status_valid("all") && !lw_store_status_valid("Revoked"));

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/s.db", dir);
	CHECK(lw_store_open(&s, path, &err) == 0);
	if (s) {
		char a[65], b[65], c[65];
		CHECK(lw_store_version(s, &v, &err) == 0 && v == LW_STORE_SCHEMA);
		lw_store_secret_id(s, (const unsigned char *)"one value", 9, a);
		lw_store_secret_id(s, (const unsigned char *)"one value", 9, b);
		lw_store_secret_id(s, (const unsigned char *)"another", 7, c);
		CHECK(strlen(a) == 64 && !strcmp(a, b) && strcmp(a, c));
		lw_store_close(s);
		s = NULL;
		/* the key is kept: the same secret_id after reopening */
		CHECK(lw_store_open(&s, path, &err) == 0);
		if (s) {
			lw_store_secret_id(s, (const unsigned char *)"one value", 9, b);
			CHECK(!strcmp(a, b));
			lw_store_close(s);
		}
	}
	CHECK(lw_store_open(&s, "ftp://example.com/x", &err) == LW_ECONFIG && !s);
	unlink(path);
	snprintf(path, sizeof(path), "%s/s.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/s.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
