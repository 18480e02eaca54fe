/*
 * test_format_docs.c - the report formats are listed once, in the library's
 * table (lib/src/report/formats.c); the man page and both shell completions
 * repeat them by hand. Every format of the table must appear in each, and
 * none that is not in it, so they cannot drift. (Every command's --help is
 * checked by tests/integration/format_docs.sh, against the binary.)
 */
#include "lwtest.h"

#ifndef LW_FIXTURES
#error "LW_FIXTURES must name tests/fixtures"
#endif

static char *slurp(const char *rel)
{
	char path[1024];
	FILE *f;
	char *buf = NULL, tmp[4096];
	size_t len = 0, n;

	snprintf(path, sizeof(path), "%s/../../%s", LW_FIXTURES, rel);
	if (!(f = fopen(path, "rb"))) {
		fprintf(stderr, "  cannot read %s\n", path);
		return NULL;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		tf_append(&buf, &len, tmp, n);
	fclose(f);
	if (!buf)
		tf_appends(&buf, &len, "");
	return buf;
}

/* The text from `start` to the first `end` after it (a copy), or NULL. */
static char *section(const char *text, const char *start, const char *end)
{
	const char *s = text ? strstr(text, start) : NULL, *e;

	if (!s)
		return NULL;
	s += strlen(start);
	if (!(e = strstr(s, end)))
		return NULL;
	return strndup(s, (size_t)(e - s));
}

/* How many times `needle` occurs in `hay`. */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* 1 when `word` is a whole word of the space-separated `list`. */
static int has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p++) {
		int before = p == list || p[-1] == ' ';
		int after = p[wl] == ' ' || p[wl] == '\0';
		if (before && after)
			return 1;
	}
	return 0;
}

static void test_man_page(void)
{
	char *man = slurp("cmd/leakwalk.1");
	/* the --format entry: from its tag to the next one */
	char *s = section(man, ".BR \\-f \", \" \\-\\-format \" \\fIformat\\fR\"\n", ".TP");

	CHECK(s != NULL);
	if (s) {
		int n = lw_format_count();
		for (int f = 0; f < n; f++) {
			char want[64];
			snprintf(want, sizeof(want), "\n.B %s\n", lw_format_get(f)->name);
			if (!strstr(s, want) && strncmp(s, want + 1, strlen(want) - 1))
				fprintf(stderr, "  the man page's --format misses %s\n", lw_format_get(f)->name);
			CHECK(strstr(s, want) || !strncmp(s, want + 1, strlen(want) - 1));
		}
		/* and names no format the table does not have */
		CHECK(count(s, ".B ") == n);
	}
	free(s);
	free(man);
}

static void test_bash(void)
{
	char *sh = slurp("cmd/completions/leakwalk.bash");
	char *s = section(sh, "local formats=\"", "\"");

	CHECK(s != NULL);
	if (s) {
		int n = lw_format_count();
		for (int f = 0; f < n; f++) {
			if (!has_word(s, lw_format_get(f)->name))
				fprintf(stderr, "  bash completion misses %s\n", lw_format_get(f)->name);
			CHECK(has_word(s, lw_format_get(f)->name));
		}
		CHECK(count(s, " ") == n - 1);
	}
	free(s);
	free(sh);
}

static void test_zsh(void)
{
	char *zsh = slurp("cmd/completions/_leakwalk");
	char *s = section(zsh, "lw_format_spec='format:((", "))'");

	CHECK(s != NULL);
	if (s) {
		int n = lw_format_count();
		for (int f = 0; f < n; f++) {
			const lw_format_info *fi = lw_format_get(f);
			char want[256];
			/* name and the table's description: `name\:"description"` */
			snprintf(want, sizeof(want), "%s\\:\"%s\"", fi->name, fi->description);
			if (!strstr(s, want))
				fprintf(stderr, "  zsh completion misses %s\n", want);
			CHECK(strstr(s, want) != NULL);
		}
		CHECK(count(s, "\\:\"") == n);
	}
	free(s);
	free(zsh);
}

int main(void)
{
	test_man_page();
	test_bash();
	test_zsh();
	return tap_done();
}
