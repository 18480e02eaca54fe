/*
 * archive_fuzzer.c - the archive hook (source/archive_scan.c and the
 * libarchive expander under it) on untrusted bytes: zip, tar, gzip, bzip2
 * and xz, nested, damaged, lying about sizes. Small bounds keep units fast
 * and drive every bound's path: 4 MiB of uncompressed bytes, 64 members,
 * ratio 20, depth 3.
 *
 * Checks: the scan returns 0 (or LW_ENOTFOUND, only for bytes that do not
 * start like an archive) and never an error; every finding's and
 * diagnostic's path starts with the archive's own name, holds no control
 * byte (member names are escaped) and is no longer than the depth's worth
 * of bounded names; every diagnostic says something.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "source/archive.h"

#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

#define FUZZ_DEPTH 3
static const char fuzz_name[] = "in.bin";

static void check_path(const char *p)
{
	FUZZ_CHECK(p && !strncmp(p, fuzz_name, sizeof(fuzz_name) - 1));
	for (const unsigned char *q = (const unsigned char *)p; *q; q++)
		FUZZ_CHECK(*q >= 0x20 && *q != 0x7f);
	/* each level adds '!' and a name of at most LW_ARCHIVE_NAME_MAX bytes */
	FUZZ_CHECK(strlen(p) <= sizeof(fuzz_name) + (size_t)FUZZ_DEPTH * (LW_ARCHIVE_NAME_MAX + 1));
}

static int on_finding(const lw_finding *f, void *p)
{
	(void)p;
	check_path(f->path);
	return 0;
}

static void on_diag(const lw_diag *d, void *p)
{
	(void)p;
	if (d->path)
		check_path(d->path);
	FUZZ_CHECK(d->message && d->message[0]);
}

static lw_ruleset *fuzz_rules(void)
{
	static lw_ruleset *rs;
	lw_error err = { 0 };

	if (rs)
		return rs;
	if (lw_ruleset_new(&rs) < 0 || lw_ruleset_add_defaults(rs, &err) < 0 ||
	    lw_ruleset_finalize(rs, &err) < 0)
		abort();
	return rs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lw_scan_options opts = LW_SCAN_OPTIONS_INIT;
	lw_chunk where = LW_CHUNK_INIT;
	lw_sink sink = { on_finding, on_diag, NULL };
	lw_scanner *sc = NULL;
	int rc;

	opts.match_limit = 100000;
	opts.archive_depth = FUZZ_DEPTH;
	opts.archive_max_bytes = (uint64_t)4 << 20;
	opts.archive_max_members = 64;
	opts.archive_max_ratio = 20;
	if (lw_scanner_new(&sc, fuzz_rules(), &opts) < 0)
		return 0;
	where.path = fuzz_name;
	rc = lw_archive_scan(sc, data, size, &where, &sink);
	FUZZ_CHECK(rc == 0 || rc == LW_ENOTFOUND);
	FUZZ_CHECK(rc == LW_ENOTFOUND || lw_archive_sniff(data, size));
	lw_scanner_free(sc);
	return 0;
}
