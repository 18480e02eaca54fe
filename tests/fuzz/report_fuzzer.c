/*
 * report_fuzzer.c - the saved-report reader of `leakwalk report`,
 * lw_report_load, then every format rendered from what it loaded: a record
 * read back may put its secret anywhere in (or outside) its line and match,
 * and no renderer may read out of bounds for that. Input that fails to load
 * must say why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakwalk.h"

#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lw_report *r = NULL;
	lw_error err = { 0 };

	if (lw_report_new(&r) < 0)
		return 0;
	if (lw_report_load(r, "report.json", (const char *)data, size, &err) < 0) {
		FUZZ_CHECK(err.code < 0 && err.msg[0]);
	} else {
		FUZZ_CHECK(lw_report_count(r) <= size / 2 + 1);
		lw_report_sort(r);
		for (int f = 0; f < lw_format_count(); f++) {
			for (int redact = 0; redact <= 1; redact++) {
				lw_output_options o = LW_OUTPUT_OPTIONS_INIT;
				lw_buf b;
				o.format = (lw_format)f;
				o.redact = redact;
				lw_buf_init(&b, 0);
				FUZZ_CHECK(lw_report_render(&b, r, NULL, &o) == 0);
				lw_buf_release(&b);
			}
		}
	}
	lw_report_free(r);
	return 0;
}
