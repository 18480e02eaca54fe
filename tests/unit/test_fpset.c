/*
 * test_fpset.c - fingerprint sets: what is held is found, and a lookup of
 * anything that is not a fingerprint is a plain "no" that reads nothing past
 * the string's end (checked against an unreadable page, so this fails
 * without a sanitizer too).
 */
#include <sys/mman.h>

#include "lwtest.h"

/* `s` copied to the very end of a readable page followed by one that is
 * not: reading past the NUL faults. */
static const char *at_page_end(char *page, size_t psz, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(page + psz - n, s, n);
	return page + psz - n;
}

static void test_short_lookups(const lw_fpset *s, const char *held)
{
	long psz = sysconf(_SC_PAGESIZE);
	char *mem = mmap(NULL, (size_t)psz * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	char prefix[33];

	CHECK(mem != MAP_FAILED);
	if (mem == MAP_FAILED)
		return;
	CHECK(mprotect(mem + psz, (size_t)psz, PROT_NONE) == 0);
	CHECK(lw_fpset_contains(s, at_page_end(mem, (size_t)psz, "")) == 0);
	CHECK(lw_fpset_contains(s, at_page_end(mem, (size_t)psz, "0")) == 0);
	memcpy(prefix, held, 31);
	prefix[31] = '\0';
	CHECK(lw_fpset_contains(s, at_page_end(mem, (size_t)psz, prefix)) == 0);
	CHECK(lw_fpset_contains(s, at_page_end(mem, (size_t)psz, held)) == 1);
	munmap(mem, (size_t)psz * 2);
}

int main(void)
{
	static const unsigned char value[] = "not a secret, only bytes to hash";
	lw_fpset *s = NULL;
	char fp[33], other[33], longer[40], upper[33];

	lw_fingerprint(fp, "rule-a", "a/path", value, sizeof(value) - 1);
	lw_fingerprint(other, "rule-b", "a/path", value, sizeof(value) - 1);
	CHECK(lw_fpset_new(&s) == 0);
	CHECK(lw_fpset_contains(s, fp) == 0); /* empty */
	CHECK(lw_fpset_add(s, fp) == 0);
	CHECK(lw_fpset_add(s, "not hex") == LW_ECONFIG);
	CHECK(lw_fpset_count(s) == 1);
	CHECK(lw_fpset_contains(s, fp) == 1);
	CHECK(lw_fpset_contains(s, other) == 0);
	CHECK(lw_fpset_contains(s, NULL) == 0);
	CHECK(lw_fpset_contains(NULL, fp) == 0);
	/* only the exact string: a longer one sharing the 32 digits is not it */
	snprintf(longer, sizeof(longer), "%s0", fp);
	CHECK(lw_fpset_contains(s, longer) == 0);
	memcpy(upper, fp, 33);
	for (char *c = upper; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	CHECK(strcmp(upper, fp) == 0 || lw_fpset_contains(s, upper) == 0);
	test_short_lookups(s, fp);
	lw_fpset_free(s);
	return tap_done();
}
