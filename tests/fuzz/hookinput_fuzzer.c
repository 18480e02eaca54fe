/*
 * hookinput_fuzzer.c - what the server and push hooks read from git on
 * stdin. The readers themselves (pr_read in cmd/cmd_prereceive.c,
 * prepush_read in cmd/cmd_hooks.c) are static and read stdin, so this
 * target drives their parts: the bounded line reader lw_cli_read_line (the
 * real one, linked from cmd/cmd_hooks.c) over the input as a stream, the
 * same sscanf field splits as the two readers, and lw_oid_is_hex /
 * lw_oid_is_zero_hex on every field and every whole line.
 *
 * The first byte picks the shape: pre-receive ("<old> <new> <ref>", 4096
 * byte lines), pre-push ("<lref> <loid> <rref> <roid>", 2048 byte lines), or
 * a tiny line buffer (1 to 64 bytes) that puts every boundary of the reader
 * within reach. Line buffers are heap blocks of the exact size, so ASan sees
 * a write past the end.
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

/* pr_read's split of one line */
static void prereceive_line(const char *line)
{
	char old[80], new_[80], ref[2048];

	if (sscanf(line, "%79s %79s %2047s", old, new_, ref) != 3)
		return;
	check_oid(old);
	check_oid(new_);
	if (lw_oid_is_hex(old) && lw_oid_is_hex(new_) && !lw_oid_is_zero_hex(new_))
		(void)strncmp(ref, "refs/heads/", 11);
}

/* prepush_read's split of one line */
static void prepush_line(const char *line)
{
	char lref[1024], loid[80], rref[1024], roid[80];

	if (sscanf(line, "%1023s %79s %1023s %79s", lref, loid, rref, roid) != 4)
		return;
	check_oid(loid);
	check_oid(roid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 4096, 2048 };
	unsigned mode;
	size_t bufsize, lines = 0;
	char *buf;
	FILE *f;
	int n;

	if (size < 1)
		return 0;
	mode = data[0] % 3;
	data++;
	size--;
	bufsize = mode < 2 ? sizes[mode] : 1 + (size_t)(size ? data[0] % 64 : 0);
	if (size == 0 || !(buf = malloc(bufsize)))
		return 0;
	/* read-only stream over the input itself: nothing is copied */
	if (!(f = fmemopen((void *)data, size, "r"))) {
		free(buf);
		return 0;
	}
	while ((n = lw_cli_read_line(f, buf, bufsize)) != -1) {
		FUZZ_CHECK(n >= -2 && n < (int)bufsize);
		if (n == -2)
			continue; /* the hooks stop here; reading on checks the recovery */
		FUZZ_CHECK(buf[n] == '\0' && !memchr(buf, '\n', (size_t)n));
		FUZZ_CHECK(++lines <= size);
		check_oid(buf);
		if (mode == 0)
			prereceive_line(buf);
		else
			prepush_line(buf);
	}
	fclose(f);
	free(buf);
	return 0;
}
