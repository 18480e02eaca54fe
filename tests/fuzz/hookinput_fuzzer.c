/*
 * hookinput_fuzzer.c - what the server and push hooks read from git on
 * stdin: the real parsers, linked from cmd/ (lw_prereceive_parse in
 * cmd_prereceive.c, lw_prepush_parse in cmd_hooks.c), over the input as a
 * stream, and the bounded line reader under them, lw_cli_read_line, with
 * line buffers of every small size.
 *
 * Byte 0 picks the mode:
 *   0  pre-receive: "<old> <new> <ref>" lines
 *   1  pre-push: "<local ref> <local oid> <remote ref> <remote oid>" lines,
 *      remote "origin"
 *   2  pre-push, the remote name being the input's first line (git passes
 *      it as an argument: any bytes)
 *   3  lw_cli_read_line alone with a 1 to 64 byte buffer (byte 1 % 64 + 1),
 *      a heap block of that exact size so ASan sees a write past it; every
 *      line is also put through lw_oid_is_hex and lw_oid_is_zero_hex
 * What a parser accepts must hold only what it promises: full hex object
 * ids for revisions, those or the remote's glob for what to hide.
 *
 * The parsers report bad input on stderr; run the fuzzer with
 * -close_fd_mask=2 (run_all.sh does) to keep that out of the log.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* assert() would vanish under NDEBUG (RelWithDebInfo); a fuzzer check must not */
#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

static void check_oid(const char *s)
{
	size_t n = strlen(s);
	int hex = lw_oid_is_hex(s), zero = lw_oid_is_zero_hex(s);

	FUZZ_CHECK(hex == 0 || hex == 1);
	FUZZ_CHECK(!hex || n == 40 || n == 64);
	FUZZ_CHECK(!hex || strspn(s, "0123456789abcdef") == n);
	FUZZ_CHECK(!zero || (hex && strspn(s, "0") == n));
}

/* a revision to scan: a full, non-zero object id */
static void check_rev(const char *s)
{
	FUZZ_CHECK(s && lw_oid_is_hex(s) && !lw_oid_is_zero_hex(s));
}

static void prereceive(FILE *f)
{
	pr_push p;

	if (lw_prereceive_parse(f, &p) == 0) {
		FUZZ_CHECK(p.nrevs <= p.lines);
		for (size_t i = 0; i < p.nrevs; i++)
			check_rev(p.revs[i]);
		if (p.first_branch_tip)
			check_rev(p.first_branch_tip);
	}
	lw_prereceive_free(&p); /* after a failure too, as cmd_pre_receive does */
}

static void prepush(FILE *f, const char *remote)
{
	strvec revs = { NULL, 0 }, hide = { NULL, 0 };

	if (lw_prepush_parse(f, &revs, &hide, remote) == 0) {
		for (size_t i = 0; i < revs.n; i++)
			check_rev(revs.v[i]);
		for (size_t i = 0; i < hide.n; i++)
			FUZZ_CHECK(lw_oid_is_hex(hide.v[i]) || !strncmp(hide.v[i], "refs/remotes/", 13));
		FUZZ_CHECK(!revs.n || revs.v[revs.n] == NULL);
	}
	lw_strvec_clear(&revs);
	lw_strvec_clear(&hide);
}

static void lines(FILE *f, size_t bufsize, size_t size)
{
	char *buf = malloc(bufsize);
	size_t count = 0;
	int n;

	if (!buf)
		return;
	while ((n = lw_cli_read_line(f, buf, bufsize)) != -1) {
		FUZZ_CHECK(n >= -2 && n < (int)bufsize);
		if (n == -2)
			continue; /* too long: the hooks stop here; reading on checks the recovery */
		FUZZ_CHECK(buf[n] == '\0' && !memchr(buf, '\n', (size_t)n));
		FUZZ_CHECK(++count <= size);
		check_oid(buf);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char remote[1024] = "origin";
	unsigned mode;
	FILE *f;

	if (size < 2)
		return 0;
	mode = data[0] % 4;
	data++;
	size--;
	if (mode == 2) {
		/* the first line is the remote's name, the rest git's input */
		const uint8_t *nl = memchr(data, '\n', size);
		size_t rl = nl ? (size_t)(nl - data) : size;
		if (rl >= sizeof(remote))
			rl = sizeof(remote) - 1;
		memcpy(remote, data, rl);
		remote[rl] = '\0';
		if (!nl || (size_t)(nl + 1 - data) >= size)
			return 0;
		size -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	/* a read-only stream over the input itself: nothing is copied */
	if (!(f = fmemopen((void *)data, size, "r")))
		return 0;
	switch (mode) {
	case 0:
		prereceive(f);
		break;
	case 1:
	case 2:
		prepush(f, remote);
		break;
	default:
		lines(f, 1 + (size_t)(data[0] % 64), size);
	}
	fclose(f);
	return 0;
}
