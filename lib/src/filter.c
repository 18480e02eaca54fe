#define _GNU_SOURCE
/* filter.c - the global placeholder filter: values that are templates,
 * documentation examples or obviously not random are never secrets. */
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Words that mark a value as a stand-in. Kept to words long or odd enough
 * that a random token practically never contains them. */
static const char *const lw_placeholder_words[] = {
	"example", "changeme", "change_me", "change-me", "placeholder",
	"redacted", "dummy", "your_", "your-", "yourapi", "yourkey", "yoursecret",
	"yourtoken", "yourpass", "insert", "replace_", "replaceme", "sample",
	"foobar", "notreal", "not_real", "not-real", "fake_", "fakekey",
	"fakesecret", "fakepass", "fake-", "*****", "....", "1234567890",
	"0123456789", "abcdefgh", "mytoken",
	/* "password_here", "your-token-here", "INSERT_KEY_HERE" (wp-config-sample.php) */
	"_here", "-here",
};

/* Sample passwords of documentation, stand-ins only as the whole value:
 * inside a longer one ("Qwerty!", "Qwerty2019") they are a weak password
 * someone really chose, which is still a leak. */
static const char *const lw_sample_values[] = {
	"qwerty", "password1", "secret123", "mysecret", "mypassword", "s3cr3t", "p4ssw0rd",
};

/* Template and reference syntaxes: the value is read from elsewhere. */
static const char *const lw_template_marks[] = {
	"${", "{{", "}}", "%s", "%(", "$(", "#{", "<%", "process.env",
	"os.environ", "getenv", "env(", "env[", "secrets.", "vault:",
	"lookup(", "var.", "$ENV", "ENV[",
};

static int lw_mostly_one_char(const unsigned char *s, size_t len)
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
	for (i = 0; i < sizeof(lw_placeholder_words) / sizeof(*lw_placeholder_words); i++) {
		const char *w = lw_placeholder_words[i];
		if (lw_memcasemem(s, len, w, strlen(w)))
			return 1;
	}
	for (i = 0; i < sizeof(lw_sample_values) / sizeof(*lw_sample_values); i++)
		if (strlen(lw_sample_values[i]) == len && !strncasecmp((const char *)s, lw_sample_values[i], len))
			return 1;
	for (i = 0; i < sizeof(lw_template_marks) / sizeof(*lw_template_marks); i++) {
		const char *w = lw_template_marks[i];
		if (lw_memcasemem(s, len, w, strlen(w)))
			return 1;
	}
	/* "xxxx" in one case only: a random mixed-case token holds "xXxX" far
	 * more often than a placeholder does */
	if (memmem(s, len, "xxxx", 4) || memmem(s, len, "XXXX", 4))
		return 1;
	return lw_is_angle_placeholder(s, len) || lw_mostly_one_char(s, len);
}
