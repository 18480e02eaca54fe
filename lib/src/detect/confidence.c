/* confidence.c - how sure a finding is to be a live secret: high, medium
 * or low, so a user can start with what is certainly real. README's
 * "Confidence" section is the contract; keep the two in step. */
#include <string.h>

#include "internal.h"

static const char *const lw_confidence_names[] = { "low", "medium", "high" };

const char *lw_confidence_name(lw_confidence c)
{
	return (unsigned)c <= LW_CONFIDENCE_HIGH ? lw_confidence_names[c] : "low";
}

int lw_confidence_parse(const char *s)
{
	for (int i = 0; i <= LW_CONFIDENCE_HIGH; i++)
		if (s && strcmp(s, lw_confidence_names[i]) == 0)
			return i;
	return -1;
}

int lw_confidence_rank(lw_confidence c)
{
	/* SARIF 2.1.0 §3.27.31: 0..100, higher is more important */
	return c == LW_CONFIDENCE_HIGH ? 90 : c == LW_CONFIDENCE_MEDIUM ? 60 : 30;
}

static int lw_info_has_tag(const lw_rule_info *r, const char *tag)
{
	for (size_t i = 0; i < r->ntags; i++)
		if (strcmp(r->tags[i], tag) == 0)
			return 1;
	return 0;
}

/* Directory names and file names that hold tests, fixtures, samples and
 * documentation: secrets there are more often made up for the occasion. */
static const char *const lw_soft_dirs[] = {
	"test", "tests", "testing", "testdata", "__tests__", "spec", "specs", "fixture",
	"fixtures", "example", "examples", "sample", "samples", "mock", "mocks", "doc",
	"docs", "documentation", "demo", "demos",
};
static const char *const lw_soft_suffixes[] = {
	".md", ".markdown", ".rst", ".adoc", "_test.go", "_test.py", ".test.js", ".test.ts",
	".spec.js", ".spec.ts", "_spec.rb", "test.java", "tests.cs",
};

static int lw_name_is(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	if (n != wl)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
		if (c != w[i])
			return 0;
	}
	return 1;
}

int lw_path_is_soft(const char *path)
{
	const char *p = path, *slash, *base = path;
	size_t n;

	if (!path)
		return 0;
	n = strlen(path);
	while ((slash = strchr(p, '/')) != NULL) {
		for (size_t i = 0; i < sizeof(lw_soft_dirs) / sizeof(*lw_soft_dirs); i++)
			if (lw_name_is(p, (size_t)(slash - p), lw_soft_dirs[i]))
				return 1;
		p = slash + 1;
		base = p;
	}
	for (size_t i = 0; i < sizeof(lw_soft_suffixes) / sizeof(*lw_soft_suffixes); i++) {
		size_t sl = strlen(lw_soft_suffixes[i]);
		if (n >= sl && lw_name_is(path + n - sl, sl, lw_soft_suffixes[i]))
			return 1;
	}
	return strlen(base) >= 5 && lw_name_is(base, 5, "test_");
}

/* Words that make the name a value is assigned to say "this is a secret". */
static const char *const lw_strong_names[] = {
	"pass", "pwd", "secret", "token", "private", "credential", "apikey", "api_key", "api-key",
	"auth", "access_key", "accesskey", "client_secret", "bearer",
};

/* The text of the match before the secret (the key and operator of an
 * assignment): 1 when it names something and none of its words is one of
 * the strong names, as in `key = ...` or `id: ...`. */
static int lw_key_is_weak(const lw_finding *f)
{
	const unsigned char *m = f->match, *s = f->secret;
	int letters = 0;

	if (!m || !s || s < m || s > m + f->match_len)
		return 0;
	size_t kl = (size_t)(s - m);
	if (lw_memcasemem(m, f->match_len, "://", 3))
		return 0; /* a URL's user-info: the format says it is a password */
	for (size_t i = 0; i < kl; i++)
		if ((m[i] | 0x20) >= 'a' && (m[i] | 0x20) <= 'z')
			letters++;
	if (letters == 0)
		return 0;
	for (size_t i = 0; i < sizeof(lw_strong_names) / sizeof(*lw_strong_names); i++)
		if (lw_memcasemem(m, kl, lw_strong_names[i], strlen(lw_strong_names[i])))
			return 0;
	return 1;
}

lw_confidence lw_confidence_of(const lw_finding *f)
{
	int score, generic;

	/* an offline checksum is proof either way */
	if (f->checksum == LW_CHECKSUM_VALID)
		return LW_CONFIDENCE_HIGH;
	if (f->checksum == LW_CHECKSUM_INVALID)
		return LW_CONFIDENCE_LOW;
	generic = lw_info_has_tag(f->rule, "generic");
	/* a provider's token has a fixed shape; a generic assignment is a guess */
	score = generic ? 1 : 2;
	if (generic && f->entropy < 3.0)
		score--;
	if (generic && lw_key_is_weak(f))
		score--;
	if (lw_path_is_soft(f->path))
		score--;
	return score >= 2 ? LW_CONFIDENCE_HIGH : score == 1 ? LW_CONFIDENCE_MEDIUM : LW_CONFIDENCE_LOW;
}
