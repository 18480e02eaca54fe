/*
 * baseline_fuzzer.c - the baseline reader, lw_fpset_load_report: a JSON
 * report (an array of findings) or a JSON Lines report (one finding per
 * line), of which only each finding's "fingerprint" is kept. A report that
 * loads is queried; one that fails must say why.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lw_fpset *s = NULL;
	lw_error err = { 0 };
	char probe[33];

	if (lw_fpset_new(&s) < 0)
		return 0;
	if (lw_fpset_load_report(s, "baseline.json", (const char *)data, size, &err) < 0) {
		FUZZ_CHECK(err.code < 0 && err.msg[0]);
	} else {
		/* a fingerprint is 32 lowercase hex digits: the probe is one */
		memset(probe, '0', 32);
		probe[32] = '\0';
		(void)lw_fpset_contains(s, probe);
		FUZZ_CHECK(lw_fpset_count(s) <= size / 32);
	}
	lw_fpset_free(s);
	return 0;
}
