#define _GNU_SOURCE
/* genplaceholder.c - the placeholder filter of the key-name (generic) rules.
 * Their values are passwords that people type, so they hold any printable
 * punctuation: "}}", "$(", "%s" or "<" inside a random password do not make
 * it a template. A template mark counts here only in its real shape
 * ("{{ x }}", "${X}", "$(cmd)", "`cmd`", "%(name)s", "#{x}", "<%= x %>", "<name>");
 * the stand-in words and references are the global filter's (filter.c);
 * its whole-value sample passwords are stand-ins here inside a value too,
 * but for "qwerty", a real weak password ("Qwerty%!!^" was committed). */
#include <string.h>

#include "internal.h"

static const char *const lw_generic_samples[] = {
	"password1", "secret123", "mysecret", "mypassword", "s3cr3t", "p4ssw0rd",
};

static int lw_ident_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int lw_alnum(unsigned char c)
{
	return lw_ident_start(c) || (c >= '0' && c <= '9');
}

/* `open` at i, then an identifier start (or one of `lead`), then `close`
 * somewhere after */
static int lw_shaped(const unsigned char *s, size_t len, const char *open, const char *close,
	const char *lead)
{
	size_t ol = strlen(open), cl = strlen(close);

	for (size_t i = 0; i + ol < len; i++) {
		if (memcmp(s + i, open, ol) != 0)
			continue;
		unsigned char c = s[i + ol];
		if (!lw_ident_start(c) && !(lead && c && strchr(lead, c)))
			continue;
		if (memmem(s + i + ol, len - i - ol, close, cl))
			return 1;
	}
	return 0;
}

/* `open`, a name ([A-Za-z_][\w.:-]*), then one of `follow`: "${DB_PASS}",
 * "${X:-y}", "$(cat f)", "$(DB_PASS)", "%(name)s". A random password with
 * "$(k4^" or "%(tn." in it has no such name and end. */
static int lw_named(const unsigned char *s, size_t len, const char *open, const char *follow,
	int conversion)
{
	size_t ol = strlen(open);

	for (size_t i = 0; i + ol < len; i++) {
		if (memcmp(s + i, open, ol) != 0 || !lw_ident_start(s[i + ol]))
			continue;
		size_t j = i + ol;
		while (j < len && (lw_alnum(s[j]) || s[j] == '.' || s[j] == ':' || s[j] == '-'))
			j++;
		if (j >= len || !strchr(follow, s[j]))
			continue;
		/* %(name)s: a conversion letter after the parenthesis */
		if (!conversion || (j + 1 < len && lw_ident_start(s[j + 1])))
			return 1;
	}
	return 0;
}

/* printf's %s with a letter or digit on neither side or on one side only
 * ("user:%s", "%s@host"); "N%sqv" inside a random value is not one */
static int lw_printf_s(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '%' || s[i + 1] != 's')
			continue;
		int before = i > 0 && lw_alnum(s[i - 1]);
		int after = i + 2 < len && lw_alnum(s[i + 2]);
		if (!(before && after))
			return 1;
	}
	return 0;
}

/* <name>, <your password>, <db-pass>: an angle bracket around a word */
static int lw_angle_word(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '<' || i + 1 >= len || !lw_ident_start(s[i + 1]))
			continue;
		size_t j = i + 1;
		while (j < len && (lw_alnum(s[j]) || s[j] == ' ' || s[j] == '-' || s[j] == '.' ||
				   s[j] == ':'))
			j++;
		if (j < len && s[j] == '>')
			return 1;
	}
	return 0;
}

static int lw_generic_words_in(const unsigned char *s, size_t len);

/* A README's "password: 'bm90IG15IHJlYWwgcGFzc3dvcmQ='" is base64 of "not my
 * real password": a value whose base64 decodes to printable text naming a
 * password or a stand-in is a sample. Values are at most 200 bytes. */
static int lw_b64_sample(const unsigned char *s, size_t len)
{
	unsigned char out[160];
	size_t n = 0, bits = 0;
	unsigned acc = 0;

	if (len < 12 || len > 200)
		return 0;
	while (len > 0 && s[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		int v = lw_b64_digit(s[i]);
		if (v < 0)
			return 0;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			unsigned char c = (unsigned char)((acc >> bits) & 0xff);
			if (c < 0x20 || c > 0x7e)
				return 0;
			out[n++] = c;
		}
	}
	return lw_generic_words_in(out, n) || lw_memcasemem(out, n, "password", 8) ||
	       lw_memcasemem(out, n, "secret", 6);
}

static int lw_generic_words_in(const unsigned char *s, size_t len)
{
	if (lw_has_standin_word(s, len))
		return 1;
	for (size_t i = 0; i < sizeof(lw_generic_samples) / sizeof(*lw_generic_samples); i++)
		if (lw_memcasemem(s, len, lw_generic_samples[i], strlen(lw_generic_samples[i])))
			return 1;
	return 0;
}

int lw_is_generic_placeholder(const unsigned char *s, size_t len)
{
	if (len == 0 || lw_is_documented_example(s, len))
		return 1;
	if (lw_generic_words_in(s, len) || lw_b64_sample(s, len))
		return 1;
	if (lw_has_reference_mark(s, len))
		return 1;
	if (lw_named(s, len, "${", "}", 0) || lw_shaped(s, len, "{{", "}}", " .$") ||
	    lw_named(s, len, "$(", ") ", 0) || lw_named(s, len, "`", "` ", 0) ||
	    lw_named(s, len, "%(", ")", 1) ||
	    lw_shaped(s, len, "#{", "}", "@$") || lw_shaped(s, len, "<%", "%>", "=-# ") ||
	    lw_printf_s(s, len) || lw_angle_word(s, len))
		return 1;
	if (memmem(s, len, "xxxx", 4) || memmem(s, len, "XXXX", 4))
		return 1;
	return lw_is_mostly_one_char(s, len);
}
