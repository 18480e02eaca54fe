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
#include <iconv.h>
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

/* The reference for "valid UTF-8" is the C library's own decoder, iconv(3),
 * not a copy of ours: it refuses overlongs, surrogates and anything past
 * U+10FFFF. Returns the code points (caller frees) and their number, or
 * NULL when the bytes are not valid UTF-8. */
static uint32_t *utf8_decode(const unsigned char *s, size_t len, size_t *n)
{
	static iconv_t cd = (iconv_t)-1;
	uint32_t *out = malloc((len + 1) * sizeof(uint32_t));
	char *in = (char *)s, *o = (char *)out;
	size_t inleft = len, outleft = (len + 1) * sizeof(uint32_t);

	if (cd == (iconv_t)-1)
		cd = iconv_open("UTF-32LE", "UTF-8");
	FUZZ_CHECK(cd != (iconv_t)-1);
	if (!out)
		return NULL;
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 || inleft) {
		free(out);
		return NULL;
	}
	*n = (size_t)(o - (char *)out) / sizeof(uint32_t);
	for (size_t i = 0; i < *n; i++) { /* UTF-32LE to host order */
		const unsigned char *b = (const unsigned char *)&out[i];
		out[i] = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	}
	return out;
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
	size_t n = 0;
	uint32_t *cps = utf8_decode((const unsigned char *)b->data, b->len, &n);

	FUZZ_CHECK(cps != NULL); /* valid UTF-8 */
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(cps[i] >= 0x20 && cps[i] != 0x7f); /* no C0, no DEL */
		FUZZ_CHECK(!invisible(cps[i]));              /* no C1, bidi, zero-width */
	}
	free(cps);
}

static void check_json(const lw_buf *b)
{
	size_t n = 0;
	uint32_t *cps = utf8_decode((const unsigned char *)b->data, b->len, &n);
	char *quoted;
	cJSON *v;

	FUZZ_CHECK(cps != NULL);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(cps[i] >= 0x20 && cps[i] != 0x7f);
	free(cps);
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

/* the reference itself must be strict, or every check above passes */
static void check_reference(void)
{
	static const char *const bad[] = { "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80",
		"\xe2\x82" };
	size_t n;
	uint32_t *cp;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cp = utf8_decode((const unsigned char *)bad[i], strlen(bad[i]), &n);
		FUZZ_CHECK(cp == NULL);
	}
	cp = utf8_decode((const unsigned char *)"a\xe2\x80\xae", 4, &n);
	FUZZ_CHECK(cp && n == 2 && cp[0] == 'a' && cp[1] == 0x202e);
	free(cp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int reference_checked;
	lw_buf text, json, red;
	size_t max;

	if (!reference_checked++)
		check_reference();

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
