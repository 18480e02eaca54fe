/* rule.c - one rule: parsing from JSON, lazy compilation, disposal. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util/json_strict.h"

static const char *const lw_rule_keys[] = {
	"id", "description", "regex", "secret_group", "keywords", "entropy",
	"allow", "severity", "tags", "examples", "window", "checksum", "paths", "identifier", NULL
};
static const char *const lw_allow_keys[] = { "paths", "regexes", "stopwords", NULL };
static const char *const lw_example_keys[] = { "match", "no_match", NULL };

static int lw_parse_severity(lw_severity *out, const char *s)
{
	for (int i = 0; i <= LW_SEV_CRITICAL; i++) {
		if (strcmp(s, lw_severity_name((lw_severity)i)) == 0) {
			*out = (lw_severity)i;
			return 0;
		}
	}
	return -1;
}

static int lw_valid_id(const char *id)
{
	if (!*id || strlen(id) > 128)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.'))
			return 0;
	return 1;
}

int lw_allow_parse(lw_allow *out, const void *json, const char *where, int lazy, lw_error *err)
{
	const cJSON *obj = json;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!obj)
		return 0;
	if (!cJSON_IsObject(obj))
		return lw_error_set(err, LW_ECONFIG, "%s: \"allow\" must be an object", where);
	if ((rc = lw_json_check_keys(obj, lw_allow_keys, where, err)) < 0 ||
	    (rc = lw_json_get_regexlist(&out->paths, obj, "paths", where, lazy, err)) < 0 ||
	    (rc = lw_json_get_regexlist(&out->regexes, obj, "regexes", where, lazy, err)) < 0 ||
	    (rc = lw_json_get_strlist(&out->stopwords, obj, "stopwords", where, err)) < 0) {
		lw_allow_dispose(out);
		return rc;
	}
	return 0;
}

static int lw_rule_parse_examples(lw_rule *r, const cJSON *obj, const char *where,
	lw_error *err)
{
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(obj, "examples");
	int rc;

	if (!ex)
		return 0;
	if (!cJSON_IsObject(ex))
		return lw_error_set(err, LW_ECONFIG, "%s: \"examples\" must be an object", where);
	if ((rc = lw_json_check_keys(ex, lw_example_keys, where, err)) < 0 ||
	    (rc = lw_json_get_strlist(&r->match_ex, ex, "match", where, err)) < 0 ||
	    (rc = lw_json_get_strlist(&r->no_match_ex, ex, "no_match", where, err)) < 0)
		return rc;
	return 0;
}

static int lw_rule_parse_scalars(lw_rule *r, const cJSON *obj, const char *where,
	lw_error *err)
{
	const char *id, *desc, *regex, *sev, *checksum;
	double group = 0, entropy = 0, window = 0;
	int rc;

	if ((rc = lw_json_get_string(&id, obj, "id", 1, where, err)) < 0)
		return rc;
	if (!lw_valid_id(id))
		return lw_error_set(err, LW_ECONFIG, "%s: id \"%.64s\" must match [a-z0-9._-]{1,128}",
			where, id);
	if ((rc = lw_json_get_string(&desc, obj, "description", 1, where, err)) < 0 ||
	    (rc = lw_json_get_string(&regex, obj, "regex", 0, where, err)) < 0 ||
	    (rc = lw_json_get_string(&sev, obj, "severity", 0, where, err)) < 0 ||
	    (rc = lw_json_get_string(&checksum, obj, "checksum", 0, where, err)) < 0 ||
	    (rc = lw_json_get_number(&group, obj, "secret_group", 0, 99, where, err)) < 0 ||
	    (rc = lw_json_get_number(&entropy, obj, "entropy", 0, 8, where, err)) < 0 ||
	    (rc = lw_json_get_number(&window, obj, "window", 0, LW_MAX_WINDOW, where, err)) < 0)
		return rc;
	if ((double)(uint32_t)group != group || (double)(size_t)window != window)
		return lw_error_set(err, LW_ECONFIG, "%s: secret_group and window must be integers",
			where);
	/* without a regex the rule is a path rule: its `paths` say which files
	 * are a leak by their presence alone */
	if (!regex && !cJSON_GetObjectItemCaseSensitive(obj, "paths"))
		return lw_error_set(err, LW_ECONFIG, "%s: \"regex\" is required (or \"paths\" alone)",
			where);
	if (!regex && (group || window || entropy > 0 || checksum))
		return lw_error_set(err, LW_ECONFIG,
			"%s: a path rule takes no secret_group, window, entropy or checksum", where);
	r->path_only = regex == NULL;
	const cJSON *ident = cJSON_GetObjectItemCaseSensitive(obj, "identifier");
	if (ident && !cJSON_IsBool(ident))
		return lw_error_set(err, LW_ECONFIG, "%s: identifier must be true or false", where);
	r->info.identifier = ident && cJSON_IsTrue(ident);
	r->info.severity = LW_SEV_HIGH;
	if (sev && lw_parse_severity(&r->info.severity, sev) < 0)
		return lw_error_set(err, LW_ECONFIG,
			"%s: severity \"%.32s\" is not one of info, low, medium, high, critical",
			where, sev);
	if (checksum && !lw_checksum_known(checksum))
		return lw_error_set(err, LW_ECONFIG, "%s: unknown checksum \"%.64s\"", where, checksum);
	r->secret_group = (uint32_t)group;
	r->window = (size_t)window;
	r->info.entropy = entropy;
	if (!(r->info.id = lw_strdup(id)) || !(r->info.description = lw_strdup(desc)) ||
	    (regex && !(r->info.regex = lw_strdup(regex))) ||
	    (checksum && !(r->info.checksum = lw_strdup(checksum))))
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	return 0;
}

static int lw_rule_check_keywords(lw_rule *r, const char *where, lw_error *err)
{
	for (size_t i = 0; i < r->keywords.n; i++) {
		char *k = r->keywords.v[i];
		if (!*k || strlen(k) > 64)
			return lw_error_set(err, LW_ECONFIG, "%s: keyword %zu must be 1 to 64 bytes",
				where, i);
		for (char *p = k; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
	}
	return 0;
}

static void lw_rule_publish(lw_rule *r)
{
	r->info.tags = (const char *const *)r->tags.v;
	r->info.ntags = r->tags.n;
	r->info.keywords = (const char *const *)r->keywords.v;
	r->info.nkeywords = r->keywords.n;
	r->info.match_examples = (const char *const *)r->match_ex.v;
	r->info.nmatch_examples = r->match_ex.n;
	r->info.no_match_examples = (const char *const *)r->no_match_ex.v;
	r->info.nno_match_examples = r->no_match_ex.n;
	r->info.paths = (const char *const *)r->paths.sources;
	r->info.npaths = r->paths.n;
}

static int lw_rule_compile_now(lw_rule *r, const char *where, lw_error *err)
{
	lw_error e2 = { 0 };
	uint32_t groups = 0;

	r->code = lw_regex_compile(r->info.regex, &e2);
	if (!r->code)
		return lw_error_set(err, LW_ECONFIG, "%s: %s", where, e2.msg);
	/* the lists a built-in rule left for their first use compile with its
	 * regex, so that `rules test` proves every one of them */
	const lw_regex_list *lists[] = { &r->allow.paths, &r->allow.regexes, &r->paths };
	for (size_t k = 0; k < sizeof(lists) / sizeof(*lists); k++)
		for (size_t i = 0; i < lists[k]->n; i++)
			if (!lw_regex_list_at(lists[k], i, &e2))
				return lw_error_set(err, LW_ECONFIG, "%s: %s", where, e2.msg);
	pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &groups);
	if (r->secret_group > groups)
		return lw_error_set(err, LW_ECONFIG, "%s: secret_group %u but the regex has %u groups",
			where, r->secret_group, groups);
	return 0;
}

int lw_rule_parse(lw_rule *r, const void *json, const char *source, int compile_now,
	lw_error *err)
{
	const cJSON *obj = json, *id;
	char where[512];
	int rc;

	memset(r, 0, sizeof(*r));
	id = cJSON_GetObjectItemCaseSensitive(obj, "id");
	snprintf(where, sizeof(where), "%s: rule \"%.128s\"", source,
		cJSON_IsString(id) ? id->valuestring : "?");
	if (!cJSON_IsObject(obj))
		return lw_error_set(err, LW_ECONFIG, "%s: each rule must be an object", source);
	if ((rc = lw_json_check_keys(obj, lw_rule_keys, where, err)) < 0 ||
	    (rc = lw_rule_parse_scalars(r, obj, where, err)) < 0 ||
	    (rc = lw_json_get_strlist(&r->keywords, obj, "keywords", where, err)) < 0 ||
	    (rc = lw_json_get_strlist(&r->tags, obj, "tags", where, err)) < 0 ||
	    (rc = lw_rule_check_keywords(r, where, err)) < 0 ||
	    (rc = lw_allow_parse(&r->allow, cJSON_GetObjectItemCaseSensitive(obj, "allow"),
		     where, !compile_now, err)) < 0 ||
	    (rc = lw_json_get_regexlist(&r->paths, obj, "paths", where,
		     !compile_now && !r->path_only, err)) < 0 ||
	    (rc = lw_rule_parse_examples(r, obj, where, err)) < 0)
		goto fail;
	if (r->path_only && r->paths.n == 0) {
		rc = lw_error_set(err, LW_ECONFIG, "%s: a path rule needs at least one path", where);
		goto fail;
	}
	if (!(r->info.source = lw_strdup(source))) {
		rc = lw_error_set(err, LW_ENOMEM, "out of memory");
		goto fail;
	}
	if (r->path_only) {
		r->state = 1; /* nothing to compile: its paths are compiled already */
		lw_rule_publish(r);
		return 0;
	}
	if (compile_now && (rc = lw_rule_compile_now(r, where, err)) < 0)
		goto fail;
	r->anchored = lw_regex_keyword_anchored(r->info.regex, (const char *const *)r->keywords.v,
		r->keywords.n);
	r->has_needs = lw_regex_required_bytes(r->info.regex, r->needs);
	lw_rule_publish(r);
	return 0;
fail:
	lw_rule_dispose(r);
	return rc;
}

int lw_rule_ensure_compiled(lw_ruleset *rs, lw_rule *r, lw_error *err)
{
	int state = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);
	int rc = 0;

	if (state == 1)
		return 0;
	if (state == -1)
		return lw_error_set(err, LW_ECONFIG, "%s: rule \"%s\" failed to compile",
			r->info.source, r->info.id);
	pthread_mutex_lock(&rs->lock);
	if (r->state == 0) {
		char where[512];
		snprintf(where, sizeof(where), "%s: rule \"%s\"", r->info.source, r->info.id);
		if (!r->code && (rc = lw_rule_compile_now(r, where, err)) < 0) {
			__atomic_store_n(&r->state, -1, __ATOMIC_RELEASE);
		} else {
			/* JIT failure is not fatal: the interpreter is slower, not wrong. */
			r->jit = pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE) == 0;
			/* what the regex sees before a window: its lookbehinds, and
			 * one more byte each for \b, ^ after CRLF and safety */
			uint32_t lb = 0;
			pcre2_pattern_info(r->code, PCRE2_INFO_MAXLOOKBEHIND, &lb);
			r->lookbehind = lb + 3;
			/* JIT cannot anchor at match time: an anchored copy of its own */
			if (r->anchored && (r->acode = lw_regex_compile_opts(r->info.regex, PCRE2_ANCHORED, NULL))) {
				pcre2_jit_compile(r->acode, PCRE2_JIT_COMPLETE);
				lw_rule_gate_build(r);
			}
			__atomic_store_n(&r->state, 1, __ATOMIC_RELEASE);
		}
	} else if (r->state == -1) {
		rc = lw_error_set(err, LW_ECONFIG, "%s: rule \"%s\" failed to compile",
			r->info.source, r->info.id);
	}
	pthread_mutex_unlock(&rs->lock);
	return rc;
}

void lw_rule_dispose(lw_rule *r)
{
	free((char *)r->info.id);
	free((char *)r->info.description);
	free((char *)r->info.regex);
	free((char *)r->info.source);
	free((char *)r->info.checksum);
	lw_strlist_dispose(&r->tags);
	lw_strlist_dispose(&r->keywords);
	lw_strlist_dispose(&r->match_ex);
	lw_strlist_dispose(&r->no_match_ex);
	lw_allow_dispose(&r->allow);
	lw_regex_list_dispose(&r->paths);
	pcre2_code_free(r->code);
	pcre2_code_free(r->acode);
	memset(r, 0, sizeof(*r));
}

/* 1 when the rule carries `tag` */
int lw_rule_has_tag(const lw_rule *r, const char *tag)
{
	for (size_t i = 0; i < r->tags.n; i++)
		if (strcmp(r->tags.v[i], tag) == 0)
			return 1;
	return 0;
}
