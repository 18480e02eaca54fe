/* fpset.c - a set of finding fingerprints (ignore files, baselines). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util/json_strict.h"

#define LW_MAX_FPS 10000000

struct lw_fpset {
	char (*v)[33];
	size_t n, cap;
	int sorted;
};

int lw_fpset_new(lw_fpset **out)
{
	*out = calloc(1, sizeof(lw_fpset));
	return *out ? 0 : LW_ENOMEM;
}

void lw_fpset_free(lw_fpset *s)
{
	if (!s)
		return;
	free(s->v);
	free(s);
}

static int lw_is_fp(const char *s, size_t n)
{
	if (n != 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int lw_fpset_add(lw_fpset *s, const char *fp)
{
	if (!lw_is_fp(fp, strlen(fp)))
		return LW_ECONFIG;
	if (s->n >= LW_MAX_FPS)
		return LW_ELIMIT;
	if (LW_GROW(s->v, s->cap, s->n, 64) < 0)
		return LW_ENOMEM;
	memcpy(s->v[s->n++], fp, 33);
	s->sorted = 0;
	return 0;
}

static int lw_fp_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

int lw_fpset_contains(const lw_fpset *s, const char *fp)
{
	lw_fpset *m = (lw_fpset *)s;

	/* the search compares 32 bytes: a shorter string must not be read past
	 * its end, and it cannot be in the set anyway */
	if (!s || !s->n || !fp || !lw_is_fp(fp, strnlen(fp, 33)))
		return 0;
	/* sorted lazily on first lookup; lookups happen after loading */
	if (!m->sorted) {
		qsort(m->v, m->n, 33, lw_fp_cmp);
		m->sorted = 1;
	}
	return bsearch(fp, s->v, s->n, 33, lw_fp_cmp) != NULL;
}

size_t lw_fpset_count(const lw_fpset *s)
{
	return s->n;
}

int lw_fpset_load_ignore(lw_fpset *s, const char *name, const char *data, size_t len,
	lw_error *err)
{
	size_t pos = 0, lineno = 0;

	while (pos < len) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		char fp[33];
		pos += ll + (nl ? 1 : 0);
		lineno++;
		const char *hash = memchr(line, '#', ll);
		if (hash)
			ll = (size_t)(hash - line);
		while (ll && (line[0] == ' ' || line[0] == '\t')) {
			line++;
			ll--;
		}
		while (ll && (line[ll - 1] == ' ' || line[ll - 1] == '\t' || line[ll - 1] == '\r'))
			ll--;
		if (!ll)
			continue;
		if (!lw_is_fp(line, ll))
			return lw_error_set(err, LW_ECONFIG,
				"%s:%zu: expected a 32-hex-digit fingerprint", name, lineno);
		memcpy(fp, line, 32);
		fp[32] = 0;
		if (lw_fpset_add(s, fp) < 0)
			return lw_error_set(err, LW_ELIMIT, "%s: too many fingerprints", name);
	}
	return 0;
}

static int lw_fpset_add_report_item(lw_fpset *s, const cJSON *item, const char *name,
	lw_error *err)
{
	const cJSON *fp = cJSON_GetObjectItemCaseSensitive(item, "fingerprint");

	if (!cJSON_IsObject(item) || !cJSON_IsString(fp) ||
	    lw_fpset_add(s, fp->valuestring) < 0)
		return lw_error_set(err, LW_ECONFIG,
			"%s: every finding needs a \"fingerprint\" of 32 hex digits", name);
	return 0;
}

static int lw_fpset_each(const cJSON *item, const char *where, void *payload, lw_error *err)
{
	return lw_fpset_add_report_item(payload, item, where, err);
}

int lw_fpset_load_report(lw_fpset *s, const char *name, const char *data, size_t len,
	lw_error *err)
{
	return lw_json_each_finding(name, data, len, lw_fpset_each, s, err);
}
