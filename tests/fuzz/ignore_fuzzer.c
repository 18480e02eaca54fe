/*
 * ignore_fuzzer.c - the ignore file (.leakwalkignore) reader,
 * lw_fpset_load_ignore. Whatever loads must hold only well-formed
 * fingerprints, and every 32-hex-digit line of the input must then be found
 * in the set; a file that fails must say why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakwalk.h"

/* assert() would vanish under NDEBUG (RelWithDebInfo); a fuzzer check must not */
#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

static int is_fp(const char *s, size_t n)
{
	if (n != 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Every line that is exactly a fingerprint (nothing around it) was loaded. */
static void check_lines(const lw_fpset *s, const char *data, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		pos += ll + 1;
		if (is_fp(line, ll)) {
			char fp[33];
			memcpy(fp, line, 32);
			fp[32] = '\0';
			FUZZ_CHECK(lw_fpset_contains(s, fp));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lw_fpset *s = NULL;
	lw_error err = { 0 };

	if (lw_fpset_new(&s) < 0)
		return 0;
	if (lw_fpset_load_ignore(s, ".leakwalkignore", (const char *)data, size, &err) < 0) {
		FUZZ_CHECK(err.code < 0 && err.msg[0]);
	} else {
		check_lines(s, (const char *)data, size);
		FUZZ_CHECK(lw_fpset_count(s) <= size / 32);
	}
	lw_fpset_free(s);
	return 0;
}
