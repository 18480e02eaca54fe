/*
 * packedrefs_fuzzer.c - the packed-refs parser (lib/src/packedrefs.c) that
 * judges a repository's packed-refs file line by line before the walk
 * trusts libgit2's list of refs.
 *
 * Every record given back must lie inside the input, on the line it names,
 * with a non-empty name free of control bytes; the bad lines and the
 * records together never outnumber the lines; a stop asked by the callback
 * is returned as is. The input is parsed a second time with a byte flipped
 * to CR, which must add a bad line or leave the count alone, never crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odb/packedrefs.h"

#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

typedef struct fstate {
	const unsigned char *buf;
	size_t len, lines, nrec, nbad, last_line, stop_at;
} fstate;

static int on_ref(const lw_packedref *r, void *payload)
{
	fstate *s = payload;
	const unsigned char *name = (const unsigned char *)r->name;

	FUZZ_CHECK(name > s->buf + 40 && name + r->name_len <= s->buf + s->len);
	FUZZ_CHECK(r->name_len > 0);
	for (size_t i = 0; i < r->name_len; i++)
		FUZZ_CHECK(name[i] >= 0x20 && name[i] != 0x7f);
	FUZZ_CHECK(name[-1] == ' ');
	FUZZ_CHECK(r->line > s->last_line && r->line <= s->lines);
	s->last_line = r->line;
	if (++s->nrec == s->stop_at)
		return -7; /* negative: never a count of bad lines */
	return 0;
}

static void on_bad(size_t line, const char *why, void *payload)
{
	fstate *s = payload;

	FUZZ_CHECK(why && why[0]);
	FUZZ_CHECK(line >= 1 && line <= s->lines);
	s->nbad++;
}

static int run(const unsigned char *d, size_t n, size_t stop_at)
{
	fstate s = { d, n, 0, 0, 0, 0, stop_at };
	int rc;

	for (size_t i = 0; i < n; i++)
		s.lines += d[i] == '\n';
	if (n && d[n - 1] != '\n')
		s.lines++;
	rc = lw_packedrefs_parse(d, n, on_ref, on_bad, &s);
	if (rc == -7) {
		FUZZ_CHECK(stop_at && s.nrec == stop_at);
		return -1;
	}
	FUZZ_CHECK(rc >= 0 && (size_t)rc == s.nbad);
	FUZZ_CHECK(s.nrec + s.nbad <= s.lines); /* each line one or the other, or a peel or header */
	FUZZ_CHECK(s.nrec <= s.lines);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy;
	int bad;

	if (size > (1 << 20))
		return 0;
	/* a copy of exactly the input's size: reading past it is caught */
	if (!(copy = malloc(size ? size : 1)))
		return 0;
	memcpy(copy, data, size);
	bad = run(copy, size, 0);
	/* the same with no callback at all: the same verdict */
	FUZZ_CHECK(lw_packedrefs_parse(copy, size, NULL, NULL, NULL) == bad);
	(void)run(copy, size, 1);
	if (size) {
		copy[size / 2] = '\r';
		(void)run(copy, size, 0);
	}
	free(copy);
	return 0;
}
