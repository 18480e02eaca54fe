/*
 * import_fuzzer.c - the parsers of import-ignore (cmd/import_gitleaks.c and
 * cmd/import_detect_secrets.c), which read files another tool wrote: every
 * input goes through both. A parser returns 0, -1 (out of memory, too many
 * entries) or -2 (not that format); every entry it keeps has a path and a
 * text to show, a gitleaks entry a line from 1 on, and a detect-secrets
 * hash is 40 characters or absent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* assert() would vanish under NDEBUG (RelWithDebInfo); a fuzzer check must not */
#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

static void check_entries(const imp_entries *l, int rc, int gitleaks, size_t bad, size_t size)
{
	FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2);
	FUZZ_CHECK(l->n <= l->cap && l->n <= IMP_MAX_ENTRIES);
	FUZZ_CHECK(l->n + bad <= size + 1);
	for (size_t i = 0; i < l->n; i++) {
		const imp_entry *e = &l->v[i];
		FUZZ_CHECK(e->path && e->rule && e->orig);
		if (gitleaks) {
			FUZZ_CHECK(e->path[0] != '\0' && e->line >= 1 && !e->hashed);
			FUZZ_CHECK(!e->commit || strlen(e->commit) == 40 || strlen(e->commit) == 64);
		} else {
			FUZZ_CHECK(!e->commit);
			FUZZ_CHECK(!e->hashed || strlen(e->hashed) == 40);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	imp_entries l;
	size_t bad = 0;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = lw_import_read_gitleaks(&l, (const char *)data, size, "fuzz", &bad);
	FUZZ_CHECK(rc != -2); /* any text is a gitleaks file, perhaps of bad lines */
	check_entries(&l, rc, 1, bad, size);
	lw_import_entries_free(&l);
	bad = 0;
	rc = lw_import_read_detect_secrets(&l, (const char *)data, size, "fuzz", &bad);
	check_entries(&l, rc, 0, bad, size);
	lw_import_entries_free(&l);
	return 0;
}
