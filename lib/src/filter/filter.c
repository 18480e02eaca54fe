#define _GNU_SOURCE
/* filter.c - the global placeholder filter: values that are templates,
 * documentation examples or obviously not random are never secrets. */
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Words that mark a value as a stand-in, for every rule (the generic
 * rules' filter, genplaceholder.c, shares them). Kept to words long or odd
 * enough that a random token practically never contains them. */
static const char *const lw_standin_words[] = {
	"example", "changeme", "change_me", "change-me", "placeholder",
	"redacted", "dummy", "your_", "your-", "yourapi", "yourkey", "yoursecret",
	"yourtoken", "yourpass", "insert", "replace_", "replaceme", "sample",
	"foobar", "notreal", "not_real", "not-real", "fake_", "fakekey",
	"fakesecret", "fakepass", "fake-", "*****", "....", "1234567890",
	"0123456789", "abcdefgh", "mytoken",
};

/* "password_here", "your-token-here", "INSERT_KEY_HERE" (wp-config-sample.php) */
static const char *const lw_placeholder_words[] = { "_here", "-here" };

/* Sample passwords of documentation, stand-ins only as the whole value:
 * inside a longer one ("Qwerty!", "Qwerty2019") they are a weak password
 * someone really chose, which is still a leak. */
static const char *const lw_sample_values[] = {
	"qwerty", "password1", "secret123", "mysecret", "mypassword", "s3cr3t", "p4ssw0rd",
};

/* References that read the value from elsewhere, whatever surrounds them
 * (shared with genplaceholder.c) */
static const char *const lw_reference_marks[] = {
	"process.env", "os.environ", "getenv", "env(", "env[", "secrets.", "vault:",
	"lookup(", "var.", "$ENV", "ENV[",
};

static int lw_has_any(const unsigned char *s, size_t len, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lw_memcasemem(s, len, words[i], strlen(words[i])))
			return 1;
	return 0;
}

int lw_has_standin_word(const unsigned char *s, size_t len)
{
	return lw_has_any(s, len, lw_standin_words, sizeof(lw_standin_words) / sizeof(*lw_standin_words));
}

int lw_has_reference_mark(const unsigned char *s, size_t len)
{
	return lw_has_any(s, len, lw_reference_marks,
		sizeof(lw_reference_marks) / sizeof(*lw_reference_marks));
}

static int lw_ident_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* An opener ("${", "$(", "#{", "%(") starts a reference when a name
 * follows it and the closer comes later, or the name runs to the end (a
 * value cut at a quote). Two punctuation marks side by side alone are no
 * template: a random password holds "$(" or "%(" about once in a few
 * hundred draws, and is still a password. */
static int lw_opens_ref(const unsigned char *s, size_t len, size_t i, unsigned char close, const char *lead)
{
	size_t j = i + 2;

	if (j >= len || !(lw_ident_char(s[j]) || strchr(lead, s[j])))
		return 0;
	if (memchr(s + j, close, len - j))
		return 1;
	while (j < len && (lw_ident_char(s[j]) || s[j] == '.' || s[j] == ':' || s[j] == '-'))
		j++;
	return j == len;
}

static int lw_has_template(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char a = s[i], b = s[i + 1];
		if ((a == '$' && b == '{' && lw_opens_ref(s, len, i, '}', "{!#?@* ")) ||
		    (a == '$' && b == '(' && lw_opens_ref(s, len, i, ')', "( ")) ||
		    (a == '#' && b == '{' && lw_opens_ref(s, len, i, '}', "@$ ")) ||
		    (a == '%' && b == '(' && lw_opens_ref(s, len, i, ')', "")))
			return 1;
		/* {{ x }} and <%= x %>: the closer follows, or the value starts with
		 * the opener or ends with the closer (cut at a quote) */
		if (a == '{' && b == '{' && (i == 0 || lw_memcasemem(s + i + 2, len - i - 2, "}}", 2)))
			return 1;
		if (a == '}' && b == '}' && i + 2 == len)
			return 1;
		if (a == '<' && b == '%' && (i == 0 || lw_memcasemem(s + i + 2, len - i - 2, "%>", 2)))
			return 1;
	}
	return 0;
}

int lw_is_mostly_one_char(const unsigned char *s, size_t len)
{
	size_t counts[256] = { 0 }, max = 0;

	for (size_t i = 0; i < len; i++)
		if (++counts[s[i]] > max)
			max = counts[s[i]];
	return len >= 6 && max * 10 >= len * 7;
}

static int lw_is_angle_placeholder(const unsigned char *s, size_t len)
{
	const unsigned char *lt = memchr(s, '<', len);

	return lt && memchr(lt, '>', len - (size_t)(lt - s)) != NULL;
}

int lw_is_placeholder(const unsigned char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 1;
	/* the curated list with sources: patterns/known (known.c) */
	if (lw_is_documented_example(s, len))
		return 1;
	if (lw_has_standin_word(s, len) ||
	    lw_has_any(s, len, lw_placeholder_words,
		    sizeof(lw_placeholder_words) / sizeof(*lw_placeholder_words)))
		return 1;
	for (i = 0; i < sizeof(lw_sample_values) / sizeof(*lw_sample_values); i++)
		if (strlen(lw_sample_values[i]) == len && !strncasecmp((const char *)s, lw_sample_values[i], len))
			return 1;
	if (lw_has_template(s, len))
		return 1;
	if (lw_memcasemem(s, len, "%s", 2) || lw_has_reference_mark(s, len))
		return 1;
	/* "xxxx" in one case only: a random mixed-case token holds "xXxX" far
	 * more often than a placeholder does */
	if (memmem(s, len, "xxxx", 4) || memmem(s, len, "XXXX", 4))
		return 1;
	return lw_is_angle_placeholder(s, len) || lw_is_mostly_one_char(s, len);
}
