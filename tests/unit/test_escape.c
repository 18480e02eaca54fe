/*
 * test_escape.c - making untrusted bytes safe: terminal escaping, JSON
 * string escaping, redaction, and the bounded buffer under them.
 */
#include <cjson/cJSON.h>

#include "lwtest.h"

static char *esc_text(const void *s, size_t n)
{
	static lw_buf b;
	lw_buf_release(&b);
	lw_buf_init(&b, 0);
	CHECK(lw_escape_text(&b, s, n) == 0);
	return (char *)lw_buf_cstr(&b);
}

static char *esc_json(const void *s, size_t n)
{
	static lw_buf b;
	lw_buf_release(&b);
	lw_buf_init(&b, 0);
	CHECK(lw_escape_json(&b, s, n) == 0);
	return (char *)lw_buf_cstr(&b);
}

#define T(in, want) check_text(in, sizeof(in) - 1, want)
static void check_text(const char *in, size_t n, const char *want)
{
	const char *got = esc_text(in, n);
	if (strcmp(got, want))
		fprintf(stderr, "  escape_text: got \"%s\", want \"%s\"\n", got, want);
	CHECK(!strcmp(got, want));
}

#define J(in, want) check_json(in, sizeof(in) - 1, want)
static void check_json(const char *in, size_t n, const char *want)
{
	const char *got = esc_json(in, n);
	if (strcmp(got, want))
		fprintf(stderr, "  escape_json: got \"%s\", want \"%s\"\n", got, want);
	CHECK(!strcmp(got, want));
}

static void test_text_cases(void)
{
	T("plain path/file.txt", "plain path/file.txt");
	T("\x1b[31mred", "\\x1b[31mred");
	T("a\tb\nc\rd", "a\\x09b\\x0ac\\x0dd");
	T("nul\0x", "nul\\x00x");
	T("del\x7f", "del\\x7f");
	T("back\\slash", "back\\\\slash");
	T("\xc2\x85next-line", "\\u0085next-line"); /* C1 NEL */
	T("\xc2\x9b" "31m", "\\u009b31m");           /* C1 CSI */
	T("\xc2\xa0nbsp", "\xc2\xa0nbsp");           /* U+00A0 is printable */
	T("\xe2\x80\xae" "fdp.exe", "\\u202efdp.exe"); /* RLO */
	T("\xe2\x80\x8b", "\\u200b");                 /* zero width space */
	T("\xe2\x81\xa6", "\\u2066");                 /* LRI */
	T("\xe2\x80\xa8", "\\u2028");                 /* line separator */
	T("\xef\xbb\xbf", "\\ufeff");                 /* BOM */
	T("\xd8\x9c", "\\u061c");                     /* Arabic letter mark */
	T("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x94\x91", "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x94\x91");
	/* invalid UTF-8 becomes \xNN, byte by byte */
	T("\xff", "\\xff");
	T("\xc3(", "\\xc3(");
	T("\xc0\xaf", "\\xc0\\xaf");                   /* overlong '/' */
	T("\xe0\x80\xaf", "\\xe0\\x80\\xaf");          /* overlong */
	T("\xed\xa0\x80", "\\xed\\xa0\\x80");          /* surrogate */
	T("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
	T("\xe2\x80", "\\xe2\\x80");                   /* truncated */
	T("\x80", "\\x80");
}

static void test_json_cases(void)
{
	J("plain", "plain");
	J("q\"b\\s/", "q\\\"b\\\\s/");
	J("\n\r\t", "\\n\\r\\t");
	J("\x1b\x01\x7f", "\\u001b\\u0001\\u007f");
	J("nul\0", "nul\\u0000");
	J("\xc2\x85", "\\u0085");
	J("\xe2\x80\xae", "\\u202e");
	J("\xff\xfe", "\\ufffd\\ufffd");
	J("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd");
	J("caf\xc3\xa9", "caf\xc3\xa9");
	J("\xf0\x9f\x94\x91", "\xf0\x9f\x94\x91");
}

/* Is s[0..n) valid UTF-8? */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		uint32_t v, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			k = 2; v = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 3; v = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 4; v = c & 0x07; min = 0x10000;
		} else {
			return 0;
		}
		if (i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			v = v << 6 | (s[i + j] & 0x3f);
		}
		if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return 0;
		/* nothing that changes how a terminal shows the rest */
		if ((v >= 0x80 && v <= 0x9f) || (v >= 0x202a && v <= 0x202e) ||
		    (v >= 0x2066 && v <= 0x2069) || (v >= 0x200b && v <= 0x200f) ||
		    v == 0x2028 || v == 0x2029 || v == 0xfeff)
			return 0;
		i += k;
	}
	return 1;
}

static int no_controls(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static void test_random(void)
{
	/* bytes biased toward the interesting ranges */
	static const unsigned char interesting[] = {
		0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x22, 0x5c, 0x7f, 0x80, 0x85, 0x9b, 0xa0,
		0xc0, 0xc2, 0xc3, 0xd8, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x80, 0xae, 0xbb,
	};
	int text_ok = 1, json_ok = 1, parse_ok = 1;

	for (int round = 0; round < 3000; round++) {
		unsigned char in[64];
		size_t n = tf_below(sizeof(in) - 1);
		for (size_t i = 0; i < n; i++) {
			switch (tf_below(3)) {
			case 0: in[i] = interesting[tf_below(sizeof(interesting))]; break;
			case 1: in[i] = (unsigned char)('a' + tf_below(26)); break;
			default: in[i] = (unsigned char)tf_below(256);
			}
		}
		in[n] = 0;
		const char *t = esc_text(in, n);
		if (!valid_utf8((const unsigned char *)t, strlen(t)) ||
		    !no_controls((const unsigned char *)t, strlen(t)))
			text_ok = 0;
		const char *j = esc_json(in, n);
		if (!valid_utf8((const unsigned char *)j, strlen(j)) ||
		    !no_controls((const unsigned char *)j, strlen(j)))
			json_ok = 0;
		/* a JSON parser accepts it as a string */
		size_t jl = strlen(j);
		char *doc = malloc(jl + 3);
		doc[0] = '"';
		memcpy(doc + 1, j, jl);
		doc[jl + 1] = '"';
		doc[jl + 2] = 0;
		cJSON *v = cJSON_Parse(doc);
		if (!v || !cJSON_IsString(v))
			parse_ok = 0;
		/* and valid input without dangerous characters comes back unchanged */
		else if (valid_utf8(in, n) && !memchr(in, 0, n) && strcmp(v->valuestring, (const char *)in) &&
			 n == strlen((const char *)in))
			parse_ok = 0;
		cJSON_Delete(v);
		free(doc);
	}
	CHECK(text_ok);
	CHECK(json_ok);
	CHECK(parse_ok);
	esc_text("", 0);
	esc_json("", 0);
}

static char *redacted(const char *s, size_t n)
{
	static lw_buf b;
	lw_buf_release(&b);
	lw_buf_init(&b, 0);
	CHECK(lw_redact(&b, (const unsigned char *)s, n) == 0);
	return (char *)lw_buf_cstr(&b);
}

static void test_redact(void)
{
	char s[64];
	int ok = 1;

	for (size_t n = 0; n <= 60; n++) {
		for (size_t i = 0; i < n; i++)
			s[i] = tf_alpha[tf_below(sizeof(tf_alpha) - 1)];
		s[n] = 0;
		const char *r = redacted(s, n);
		size_t rl = strlen(r);
		size_t shown = rl >= 5 ? rl - 5 : 99;
		/* a prefix of at most 4 characters, then stars */
		if (rl < 5 || strcmp(r + shown, "*****") || shown > 4 || strncmp(r, s, shown))
			ok = 0;
		/* never the whole secret, and never more than a fifth of it */
		if (n && strstr(r, s))
			ok = 0;
		if (shown * 5 > n)
			ok = 0;
	}
	CHECK(ok);
	CHECK(!strcmp(redacted("", 0), "*****"));
	CHECK(!strcmp(redacted("abcd", 4), "*****"));
	/* control characters and backslashes are never shown */
	CHECK(!strcmp(redacted("\x1b[31mabcdefghijklmnopqrst", 25), "*****"));
	CHECK(!strcmp(redacted("ab\\cdefghijklmnopqrst", 21), "ab*****"));
	CHECK(!strcmp(redacted("\xc3\xa9\xc3\xa9" "abcdefghijklmnop", 20), "*****"));
}

static void test_buf(void)
{
	lw_buf b;

	lw_buf_init(&b, 10);
	CHECK(!strcmp(lw_buf_cstr(&b), ""));
	CHECK(lw_buf_puts(&b, "0123456789") == 0);
	CHECK(b.len == 10 && !strcmp(b.data, "0123456789"));
	CHECK(lw_buf_putc(&b, 'x') == LW_ELIMIT);
	CHECK(b.overflow);
	CHECK(b.len == 10);
	CHECK(lw_buf_puts(&b, "") == LW_ELIMIT); /* once overflowed, always */
	lw_buf_release(&b);

	lw_buf_init(&b, 8);
	CHECK(lw_buf_puts(&b, "0123456789") == LW_ELIMIT); /* nothing is truncated silently */
	CHECK(b.len == 0);
	lw_buf_release(&b);

	/* escaping into a full buffer reports the overflow */
	lw_buf_init(&b, 4);
	CHECK(lw_escape_text(&b, (const unsigned char *)"\x1b\x1b", 2) == LW_ELIMIT);
	lw_buf_release(&b);
	lw_buf_init(&b, 4);
	CHECK(lw_escape_json(&b, (const unsigned char *)"\x1b", 1) == LW_ELIMIT);
	lw_buf_release(&b);
	lw_buf_init(&b, 4);
	CHECK(lw_redact(&b, (const unsigned char *)"abcdefghij", 10) == LW_ELIMIT);
	lw_buf_release(&b);

	/* printf longer than the small stack buffer */
	lw_buf_init(&b, 0);
	char big[600];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK(lw_buf_printf(&b, "<%s>%d", big, 42) == 0);
	CHECK(b.len == 603 && b.data[0] == '<' && !strcmp(b.data + 600, ">42"));
	b.wipe = 1;
	lw_buf_release(&b);
	CHECK(b.data == NULL && b.len == 0);
	lw_buf_release(&b); /* twice is harmless */
}

int main(void)
{
	tf_seed_random("test_escape");
	test_text_cases();
	test_json_cases();
	test_random();
	test_redact();
	test_buf();
	return tap_done();
}
