/*
 * test_fpset.c - fingerprint sets: what is held is found, and a lookup of
 * anything that is not a fingerprint is a plain "no" that reads nothing past
 * the string's end (checked against an unreadable page, so this fails
 * without a sanitizer too). And the ignore file and the baseline read from
 * files (suppress.c): a missing default ignore file is no error, a missing
 * named one is, naming it; what they hold is suppressed.
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

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_read_files(const char *fp, const char *other)
{
	char dir[] = "/tmp/lw-fpset-XXXXXX", ign[64], base[64], missing[64], text[256];
	lw_fpset *i = NULL, *b = NULL;
	lw_error err = { 0 };

	CHECK(mkdtemp(dir) != NULL);
	snprintf(ign, sizeof(ign), "%s/ignore", dir);
	snprintf(base, sizeof(base), "%s/base.json", dir);
	snprintf(missing, sizeof(missing), "%s/none", dir);
	CHECK(lw_fpset_new(&i) == 0 && lw_fpset_new(&b) == 0);
	/* the default file may be absent; a file the user named may not */
	CHECK(lw_fpset_read_ignore(i, missing, 1, &err) == 0);
	CHECK(lw_fpset_read_ignore(i, missing, 0, &err) == LW_EIO);
	CHECK(strstr(err.msg, missing) != NULL && strstr(err.msg, "cannot read") != NULL);
	CHECK(lw_fpset_read_baseline(b, missing, &err) == LW_EIO);
	snprintf(text, sizeof(text), "# comment\n  %s  # kept\n", fp);
	write_file(ign, text);
	CHECK(lw_fpset_read_ignore(i, ign, 1, &err) == 0);
	CHECK(lw_fpset_count(i) == 1);
	write_file(ign, "not a fingerprint\n");
	CHECK(lw_fpset_read_ignore(i, ign, 0, &err) == LW_ECONFIG);
	CHECK(strstr(err.msg, ":1:") != NULL);
	snprintf(text, sizeof(text), "[{\"fingerprint\": \"%s\"}]", other);
	write_file(base, text);
	CHECK(lw_fpset_read_baseline(b, base, &err) == 0);
	CHECK(lw_fpset_suppresses(i, b, fp) == 1);
	CHECK(lw_fpset_suppresses(i, b, other) == 1);
	CHECK(lw_fpset_suppresses(NULL, b, fp) == 0);
	CHECK(lw_fpset_suppresses(i, NULL, other) == 0);
	CHECK(lw_fpset_suppresses(NULL, NULL, fp) == 0);
	lw_fpset_free(i);
	lw_fpset_free(b);
	unlink(ign);
	unlink(base);
	rmdir(dir);
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
	test_read_files(fp, other);
	lw_fpset_free(s);
	return tap_done();
}
