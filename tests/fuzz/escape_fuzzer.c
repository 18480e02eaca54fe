/*
 * escape_fuzzer.c - the escapers that stand between untrusted bytes (file
 * contents, paths, commit messages) and a terminal or a JSON reader.
 *
 * lw_escape_text must leave nothing a terminal acts on: no C0 control, no
 * DEL, no C1 control (raw 0x80-0x9f or UTF-8 C2 80-C2 9F), no bidi control
 * (U+202A-U+202E, U+2066-U+2069) nor the other invisible format characters
 * its header lists, and, as invalid UTF-8 becomes \xNN, only valid UTF-8.
 * lw_escape_json must give valid UTF-8 with no raw control byte that, put
 * between quotes, parses back as one JSON string. lw_redact is run too, and
 * all three are run again into a small bounded buffer that must refuse the
 * overflow (LW_ELIMIT) and never write past its bound.
 */
#include <cjson/cJSON.h>
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

/* Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF): the length
 * of the sequence at s, or 0 if invalid. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; v = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; v = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* What lw_escape_text promises never to pass through (leakwalk.h). */
static int invisible(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0xfeff;
}

static void check_text(const lw_buf *b)
{
	const unsigned char *s = (const unsigned char *)b->data;
	size_t i = 0;

	while (i < b->len) {
		uint32_t cp;
		size_t n = utf8_next(s + i, b->len - i, &cp);
		FUZZ_CHECK(n > 0);                  /* valid UTF-8 */
		FUZZ_CHECK(cp >= 0x20 && cp != 0x7f); /* no C0, no DEL */
		FUZZ_CHECK(!invisible(cp));         /* no C1, bidi, zero-width */
		i += n;
	}
}

static void check_json(const lw_buf *b)
{
	const unsigned char *s = (const unsigned char *)b->data;
	size_t i = 0;
	char *quoted;
	cJSON *v;

	while (i < b->len) {
		uint32_t cp;
		size_t n = utf8_next(s + i, b->len - i, &cp);
		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(cp >= 0x20 && cp != 0x7f);
		i += n;
	}
	if (!(quoted = malloc(b->len + 3)))
		return;
	quoted[0] = '"';
	if (b->len)
		memcpy(quoted + 1, b->data, b->len);
	quoted[b->len + 1] = '"';
	quoted[b->len + 2] = '\0';
	v = cJSON_ParseWithLength(quoted, b->len + 2);
	FUZZ_CHECK(v && cJSON_IsString(v));
	cJSON_Delete(v);
	free(quoted);
}

typedef int (*escaper)(lw_buf *, const unsigned char *, size_t);

/* Into a buffer of a few bytes: the escaper must report the overflow, and
 * the buffer must stay within its bound and terminated. */
static void check_bounded(escaper esc, const uint8_t *data, size_t size, size_t max)
{
	lw_buf b;
	int rc;

	lw_buf_init(&b, max);
	rc = esc(&b, data, size);
	FUZZ_CHECK(b.len <= max);
	FUZZ_CHECK(rc == 0 || (rc == LW_ELIMIT && b.overflow));
	FUZZ_CHECK(!b.data || b.data[b.len] == '\0');
	lw_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lw_buf text, json, red;
	size_t max;

	lw_buf_init(&text, LW_BUF_DEFAULT_MAX);
	lw_buf_init(&json, LW_BUF_DEFAULT_MAX);
	lw_buf_init(&red, LW_BUF_DEFAULT_MAX);
	FUZZ_CHECK(lw_escape_text(&text, data, size) == 0);
	FUZZ_CHECK(lw_escape_json(&json, data, size) == 0);
	FUZZ_CHECK(lw_redact(&red, data, size) == 0);
	check_text(&text);
	check_json(&json);
	check_text(&red);
	FUZZ_CHECK(size == 0 || text.len >= size);
	lw_buf_release(&text);
	lw_buf_release(&json);
	lw_buf_release(&red);

	max = 1 + (size ? data[0] % 16 : 0); /* 0 would mean the default bound */
	check_bounded(lw_escape_text, data, size, max);
	check_bounded(lw_escape_json, data, size, max);
	check_bounded(lw_redact, data, size, max);
	return 0;
}
