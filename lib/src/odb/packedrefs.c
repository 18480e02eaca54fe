/*
 * packedrefs.c - git's packed-refs file. libgit2 1.5 gives up on every ref
 * when one line of it is damaged, and the walk then saw only HEAD (or
 * nothing) with exit 0; git itself dies with "unexpected line". Here each
 * line is judged on its own, as git's refs/packed-backend.c does: what is
 * well formed is still walked, and every line git refuses is reported.
 */
#include <string.h>

#include "internal.h"
#include "odb/packedrefs.h"

/* 40 hex digits at p (n bytes available) into id */
static int parse_hex(const unsigned char *p, size_t n, unsigned char id[20])
{
	return n < 40 ? -1 : lw_hex_decode((const char *)p, 20, id);
}

static const char *bad_name(const unsigned char *p, size_t n)
{
	if (n == 0)
		return "empty ref name";
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return p[i] == '\r' ? "CR in the line (CRLF line ends)" : "control character in the ref name";
	return NULL;
}

int lw_packedrefs_parse(const unsigned char *buf, size_t len, lw_packedref_cb cb,
	lw_packedref_bad_cb on_bad, void *payload)
{
	const unsigned char *p = buf, *end = buf + len;
	lw_packedref cur;
	int have = 0, nbad = 0, rc;
	size_t line = 0;

#define BAD(why) \
	do { \
		nbad++; \
		if (on_bad) \
			on_bad(line, (why), payload); \
	} while (0)
#define FLUSH() \
	do { \
		if (have && cb && (rc = cb(&cur, payload)) != 0) \
			return rc; \
		have = 0; \
	} while (0)

	while (p < end) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
		const unsigned char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);
		const char *why = NULL;

		line++;
		if (!nl) {
			FLUSH();
			BAD("unterminated last line");
			break;
		}
		if (memchr(p, '\0', n)) {
			why = "NUL byte in the line";
		} else if (n > 0 && p[0] == '#') {
			if (line != 1)
				why = "header not on the first line";
			else if (n < 17 || memcmp(p, "# pack-refs with:", 17))
				why = "not a pack-refs header";
		} else if (n > 0 && p[0] == '^') {
			unsigned char id[20];
			if (!have)
				why = "peeled id with no ref before it";
			else if (n != 41 || parse_hex(p + 1, n - 1, id) < 0)
				why = n == 42 && p[41] == '\r' ? "CR in the line (CRLF line ends)" : "malformed peeled id";
			else {
				memcpy(cur.peeled, id, 20);
				cur.has_peeled = 1;
				FLUSH();
			}
		} else {
			FLUSH();
			if (n < 42 || parse_hex(p, n, cur.id) < 0 || p[40] != ' ')
				why = "neither a ref nor a peeled id";
			else if (!(why = bad_name(p + 41, n - 41))) {
				cur.name = (const char *)p + 41;
				cur.name_len = n - 41;
				cur.line = line;
				cur.has_peeled = 0;
				have = 1;
			}
		}
		if (why) {
			/* a ref whose peel line is damaged is still a ref */
			FLUSH();
			BAD(why);
		}
		p = nl + 1;
	}
	FLUSH();
	return nbad;
#undef BAD
#undef FLUSH
}
