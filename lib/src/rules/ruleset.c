/* ruleset.c - a set of rules: loading files atomically, disabling, the
 * keyword index, and the embedded defaults. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "util/json_strict.h"

static const char *const lw_config_keys[] = { "rules", "disable", "allow", "defaults", NULL };

int lw_ruleset_new(lw_ruleset **out)
{
	lw_ruleset *rs = calloc(1, sizeof(*rs));

	*out = NULL;
	if (!rs)
		return LW_ENOMEM;
	pthread_mutex_init(&rs->lock, NULL);
	*out = rs;
	return 0;
}

void lw_ruleset_free(lw_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		lw_rule_dispose(&rs->rules[i]);
	free(rs->rules);
	free(rs->id_slots);
	lw_allow_dispose(&rs->allow);
	lw_strlist_dispose(&rs->pending_disable);
	lw_ac_free(rs->ac);
	free(rs->kw_str);
	free(rs->kw_rules);
	free(rs->kw_len);
	free(rs->always);
	free(rs->by_path);
	pcre2_code_free(rs->paths_any);
	pthread_mutex_destroy(&rs->lock);
	free(rs);
}

static uint64_t rs_id_hash(const char *id)
{
	uint64_t h = 1469598103934665603ull;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ull;
	return h;
}

/* The id index over rules [0, n): a search per added rule, not a scan of
 * every rule before it (515 defaults: 130,000 compares of every start).
 * Rebuilt whole when it would fill past half. 0, or -1 out of memory. */
static int rs_id_index(lw_ruleset *rs, size_t n)
{
	if (n * 2 >= rs->id_cap) {
		size_t cap = 1024;
		while (cap <= n * 2)
			cap *= 2;
		uint32_t *v = calloc(cap, sizeof(uint32_t));
		if (!v)
			return -1;
		free(rs->id_slots);
		rs->id_slots = v;
		rs->id_cap = cap;
		for (size_t i = 0; i < rs->n; i++) {
			size_t j = rs_id_hash(rs->rules[i].info.id) & (cap - 1);
			while (v[j])
				j = (j + 1) & (cap - 1);
			v[j] = (uint32_t)i + 1;
		}
	}
	for (size_t i = rs->n; i < n; i++) {
		size_t j = rs_id_hash(rs->rules[i].info.id) & (rs->id_cap - 1);
		while (rs->id_slots[j])
			j = (j + 1) & (rs->id_cap - 1);
		rs->id_slots[j] = (uint32_t)i + 1;
	}
	return 0;
}

long lw_ruleset_find(const lw_ruleset *rs, const char *id)
{
	if (!rs->id_cap)
		return -1;
	for (size_t j = rs_id_hash(id) & (rs->id_cap - 1); rs->id_slots[j]; j = (j + 1) & (rs->id_cap - 1)) {
		size_t i = rs->id_slots[j] - 1;
		if (i < rs->n && strcmp(rs->rules[i].info.id, id) == 0)
			return (long)i;
	}
	return -1;
}

static int lw_ruleset_parse_rules(lw_rule **out, size_t *nout, const lw_ruleset *rs,
	const cJSON *arr, const char *name, int compile_now, lw_error *err)
{
	size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
	lw_rule *rules;
	int rc = 0;

	if (rs->n + n > LW_MAX_RULES)
		return lw_error_set(err, LW_ELIMIT, "%s: more than %d rules", name, LW_MAX_RULES);
	rules = calloc(n ? n : 1, sizeof(*rules));
	if (!rules)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	for (const cJSON *c = arr->child; c; c = c->next, i++) {
		if ((rc = lw_rule_parse(&rules[i], c, name, compile_now, err)) < 0)
			break;
		const char *id = rules[i].info.id;
		int dup = lw_ruleset_find(rs, id) >= 0;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(rules[j].info.id, id) == 0;
		if (dup) {
			rc = lw_error_set(err, LW_ECONFIG, "%s: rule \"%s\": duplicate rule id", name, id);
			i++;
			break;
		}
	}
	if (rc < 0) {
		for (size_t j = 0; j < i && j < n; j++)
			lw_rule_dispose(&rules[j]);
		free(rules);
		return rc;
	}
	*out = rules;
	*nout = n;
	return 0;
}

static int lw_ruleset_append(lw_ruleset *rs, lw_rule *rules, size_t n, lw_error *err)
{
	if (rs->n + n > rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		while (cap < rs->n + n)
			cap *= 2;
		lw_rule *nr = lw_reallocarray(rs->rules, cap, sizeof(*nr));
		if (!nr)
			return lw_error_set(err, LW_ENOMEM, "out of memory");
		rs->rules = nr;
		rs->cap = cap;
	}
	if (n)
		memcpy(rs->rules + rs->n, rules, n * sizeof(*rules));
	if (rs_id_index(rs, rs->n + n) < 0)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	/* the public view points into the rule's own lists, which moved with it */
	for (size_t i = rs->n; i < rs->n + n; i++) {
		lw_rule *r = &rs->rules[i];
		r->info.tags = (const char *const *)r->tags.v;
		r->info.keywords = (const char *const *)r->keywords.v;
		r->info.match_examples = (const char *const *)r->match_ex.v;
		r->info.no_match_examples = (const char *const *)r->no_match_ex.v;
	}
	rs->n += n;
	return 0;
}

static int lw_strlist_append(lw_strlist *dst, lw_strlist *src)
{
	char **v;

	if (!src->n)
		return 0;
	if (!(v = lw_reallocarray(dst->v, dst->n + src->n, sizeof(char *))))
		return LW_ENOMEM;
	memcpy(v + dst->n, src->v, src->n * sizeof(char *));
	dst->v = v;
	dst->n += src->n;
	free(src->v);
	src->v = NULL;
	src->n = 0;
	return 0;
}

static int lw_regex_list_append(lw_regex_list *dst, lw_regex_list *src)
{
	if (!src->n)
		return 0;
	pcre2_code **c = lw_reallocarray(dst->codes, dst->n + src->n, sizeof(*c));
	if (!c)
		return LW_ENOMEM;
	dst->codes = c;
	char **s = lw_reallocarray(dst->sources, dst->n + src->n, sizeof(*s));
	if (!s)
		return LW_ENOMEM;
	dst->sources = s;
	memcpy(dst->codes + dst->n, src->codes, src->n * sizeof(*c));
	memcpy(dst->sources + dst->n, src->sources, src->n * sizeof(*s));
	dst->n += src->n;
	free(src->codes);
	free(src->sources);
	memset(src, 0, sizeof(*src));
	return 0;
}

static int lw_ruleset_add_parsed(lw_ruleset *rs, const cJSON *root, const char *name,
	int compile_now, lw_error *err)
{
	const cJSON *rules_json, *defaults;
	lw_rule *rules = NULL;
	size_t nrules = 0;
	lw_allow allow = { 0 };
	lw_strlist disable = { 0 };
	int rc;

	if (!cJSON_IsObject(root))
		return lw_error_set(err, LW_ECONFIG, "%s: top level must be an object", name);
	if ((rc = lw_json_check_keys(root, lw_config_keys, name, err)) < 0)
		return rc;
	defaults = cJSON_GetObjectItemCaseSensitive(root, "defaults");
	if (defaults && !cJSON_IsBool(defaults))
		return lw_error_set(err, LW_ECONFIG, "%s: \"defaults\" must be true or false", name);
	rules_json = cJSON_GetObjectItemCaseSensitive(root, "rules");
	if (rules_json && !cJSON_IsArray(rules_json))
		return lw_error_set(err, LW_ECONFIG, "%s: \"rules\" must be an array", name);
	if ((rc = lw_json_get_strlist(&disable, root, "disable", name, err)) < 0)
		return rc;
	if ((rc = lw_allow_parse(&allow, cJSON_GetObjectItemCaseSensitive(root, "allow"),
		     name, !compile_now, err)) < 0)
		goto fail;
	if (rules_json && (rc = lw_ruleset_parse_rules(&rules, &nrules, rs, rules_json, name,
				   compile_now, err)) < 0)
		goto fail;
	if ((rc = lw_ruleset_append(rs, rules, nrules, err)) < 0) {
		for (size_t i = 0; i < nrules; i++)
			lw_rule_dispose(&rules[i]);
		goto fail;
	}
	if (lw_strlist_append(&rs->pending_disable, &disable) < 0 ||
	    lw_regex_list_append(&rs->allow.paths, &allow.paths) < 0 ||
	    lw_regex_list_append(&rs->allow.regexes, &allow.regexes) < 0 ||
	    lw_strlist_append(&rs->allow.stopwords, &allow.stopwords) < 0)
		rc = lw_error_set(err, LW_ENOMEM, "out of memory");
	if (defaults && cJSON_IsFalse(defaults))
		rs->no_defaults = 1;
fail:
	free(rules);
	lw_allow_dispose(&allow);
	lw_strlist_dispose(&disable);
	return rc;
}

static int lw_ruleset_add_json_mode(lw_ruleset *rs, const char *name, const char *data,
	size_t len, int compile_now, lw_error *err)
{
	cJSON *root = NULL;
	int rc;

	if (rs->finalized)
		return lw_error_set(err, LW_ERROR, "rule set already finalized");
	if (len > LW_MAX_RULE_FILE)
		return lw_error_set(err, LW_ECONFIG, "%s: larger than %u bytes", name,
			LW_MAX_RULE_FILE);
	/* the embedded defaults (compiled later, compile_now 0) pass the strict
	 * checks at build time (test_json_loader's test_embedded_strict): at
	 * run time their 700 KB are parsed once, not checked again (1 ms of
	 * every start) */
	if (!compile_now) {
		if (!(root = cJSON_ParseWithLength(data, len)))
			return lw_error_set(err, LW_ECONFIG, "%s: invalid JSON", name);
	} else if ((rc = lw_json_parse_strict(&root, data, len, name, err)) < 0) {
		return rc;
	}
	rc = lw_ruleset_add_parsed(rs, root, name, compile_now, err);
	cJSON_Delete(root);
	return rc;
}

int lw_ruleset_add_json(lw_ruleset *rs, const char *name, const char *data, size_t len,
	lw_error *err)
{
	return lw_ruleset_add_json_mode(rs, name, data, len, 1, err);
}

int lw_ruleset_add_defaults(lw_ruleset *rs, lw_error *err)
{
	char name[256];

	/* Built-in rules are proven by the test suite at build time, so their
	 * regexes compile on first use and start-up stays small. */
	for (size_t i = 0; i < lw_embedded_rules_count; i++) {
		const lw_embedded_file *f = &lw_embedded_rules[i];
		snprintf(name, sizeof(name), "<builtin>/%s", f->name);
		int rc = lw_ruleset_add_json_mode(rs, name, (const char *)f->data, f->len, 0, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int lw_ruleset_add_file(lw_ruleset *rs, const char *path, lw_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return lw_error_set(err, LW_ECONFIG, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return lw_error_set(err, LW_ECONFIG, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > LW_MAX_RULE_FILE) {
		close(fd);
		return lw_error_set(err, LW_ECONFIG, "%s: larger than %u bytes", path,
			LW_MAX_RULE_FILE);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	rc = lw_ruleset_add_json(rs, path, buf, got, err);
	free(buf);
	return rc;
}

int lw_ruleset_wants_defaults(const lw_ruleset *rs)
{
	return !rs->no_defaults;
}

int lw_ruleset_disable(lw_ruleset *rs, const char *id, lw_error *err)
{
	long i = lw_ruleset_find(rs, id);

	if (i < 0)
		return lw_error_set(err, LW_ENOTFOUND, "no rule has the id \"%s\"", id);
	rs->rules[i].info.disabled = 1;
	return 0;
}

static int lw_ruleset_build_index(lw_ruleset *rs, lw_error *err)
{
	size_t nk = 0, na = 0, np = 0, k = 0;
	const char **kw;

	for (size_t i = 0; i < rs->n; i++) {
		if (rs->rules[i].info.disabled)
			continue;
		nk += rs->rules[i].keywords.n;
		na += rs->rules[i].keywords.n == 0 && !rs->rules[i].path_only;
		np += rs->rules[i].path_only;
	}
	kw = calloc(nk ? nk : 1, sizeof(char *));
	rs->kw_rules = calloc(nk ? nk : 1, sizeof(uint32_t));
	rs->kw_len = calloc(nk ? nk : 1, sizeof(uint32_t));
	rs->always = calloc(na ? na : 1, sizeof(size_t));
	rs->by_path = calloc(np ? np : 1, sizeof(size_t));
	if (!kw || !rs->kw_rules || !rs->kw_len || !rs->always || !rs->by_path) {
		free(kw);
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	}
	/* one automaton entry per (rule, keyword); the hit maps back to its rule */
	for (size_t i = 0; i < rs->n; i++) {
		lw_rule *r = &rs->rules[i];
		if (r->info.disabled)
			continue;
		if (r->path_only) {
			rs->by_path[rs->nby_path++] = i;
			continue;
		}
		if (r->keywords.n == 0) {
			rs->always[rs->nalways++] = i;
			rs->nalways_open += r->paths.n == 0;
		}
		rs->nidentifiers += r->info.identifier != 0;
		for (size_t j = 0; j < r->keywords.n; j++) {
			kw[k] = r->keywords.v[j];
			rs->kw_rules[k] = (uint32_t)i;
			rs->kw_len[k] = (uint32_t)strlen(kw[k]);
			k++;
		}
	}
	rs->nkeywords = k;
	lw_ruleset_join_paths(rs);
	int rc = lw_ac_build(&rs->ac, kw, k);
	rs->kw_str = kw;
	if (rc < 0)
		return lw_error_set(err, rc, "cannot build the keyword automaton");
	return 0;
}

int lw_ruleset_finalize(lw_ruleset *rs, lw_error *err)
{
	if (rs->finalized)
		return 0;
	for (size_t i = 0; i < rs->pending_disable.n; i++) {
		int rc = lw_ruleset_disable(rs, rs->pending_disable.v[i], err);
		if (rc < 0)
			return lw_error_set(err, LW_ECONFIG,
				"configuration disables \"%s\", but no rule has that id",
				rs->pending_disable.v[i]);
	}
	if (lw_ruleset_build_index(rs, err) < 0)
		return err ? err->code : LW_ERROR;
	rs->finalized = 1;
	return 0;
}

size_t lw_ruleset_count(const lw_ruleset *rs)
{
	return rs->n;
}

const lw_rule_info *lw_ruleset_rule(const lw_ruleset *rs, size_t i)
{
	return i < rs->n ? &rs->rules[i].info : NULL;
}
