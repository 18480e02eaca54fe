/* json_strict.c - cJSON parsing with the checks cJSON leaves out: trailing
 * bytes, duplicate keys, nesting depth and exact types. */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "util/json_strict.h"

static int js_check_tree(const cJSON *node, int depth, const char *name, lw_error *err)
{
	if (depth > LW_MAX_JSON_DEPTH)
		return lw_error_set(err, LW_ECONFIG, "%s: nesting deeper than %d levels",
			name, LW_MAX_JSON_DEPTH);
	for (const cJSON *c = node->child; c; c = c->next) {
		if (cJSON_IsObject(node)) {
			for (const cJSON *d = c->next; d; d = d->next)
				if (c->string && d->string && strcmp(c->string, d->string) == 0)
					return lw_error_set(err, LW_ECONFIG, "%s: duplicate key \"%s\"",
						name, c->string);
		}
		if (cJSON_IsNumber(c) && !isfinite(c->valuedouble)) {
			const cJSON *id = cJSON_IsObject(node) ?
				cJSON_GetObjectItemCaseSensitive(node, "id") : NULL;
			return lw_error_set(err, LW_ECONFIG, "%s: %s%s%s\"%s\": number out of range", name,
				cJSON_IsString(id) ? "rule \"" : "", cJSON_IsString(id) ? id->valuestring : "",
				cJSON_IsString(id) ? "\": " : "", c->string ? c->string : "?");
		}
		if (js_check_tree(c, depth + 1, name, err) < 0)
			return err ? err->code : LW_ECONFIG;
	}
	return 0;
}

static int js_check_depth_raw(const char *data, size_t len, const char *name, lw_error *err)
{
	/* cJSON recurses up to 1000 levels; refuse deep input before it does. */
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > LW_MAX_JSON_DEPTH)
				return lw_error_set(err, LW_ECONFIG, "%s: nesting deeper than %d levels",
					name, LW_MAX_JSON_DEPTH);
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 0;
}

int lw_json_parse_strict(cJSON **out, const char *data, size_t len,
	const char *name, lw_error *err)
{
	const char *end = NULL;
	cJSON *root;

	*out = NULL;
	if (memchr(data, '\0', len))
		return lw_error_set(err, LW_ECONFIG, "%s: contains a NUL byte", name);
	if (js_check_depth_raw(data, len, name, err) < 0)
		return LW_ECONFIG;
	root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	if (!root) {
		size_t off = end && end >= data ? (size_t)(end - data) : 0;
		const char *ep = cJSON_GetErrorPtr();
		if (ep && ep >= data && ep <= data + len)
			off = (size_t)(ep - data);
		return lw_error_set(err, LW_ECONFIG, "%s: invalid JSON near byte %zu", name, off);
	}
	for (const char *p = end; p && p < data + len; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			cJSON_Delete(root);
			return lw_error_set(err, LW_ECONFIG, "%s: trailing bytes after JSON at byte %zu",
				name, (size_t)(p - data));
		}
	}
	if (js_check_tree(root, 1, name, err) < 0) {
		cJSON_Delete(root);
		return LW_ECONFIG;
	}
	*out = root;
	return 0;
}

int lw_json_check_keys(const cJSON *obj, const char *const *allowed, const char *where,
	lw_error *err)
{
	for (const cJSON *c = obj->child; c; c = c->next) {
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, c->string) == 0)
				ok = 1;
		if (!ok)
			return lw_error_set(err, LW_ECONFIG, "%s: unknown key \"%s\"", where, c->string);
	}
	return 0;
}

int lw_json_get_string(const char **out, const cJSON *obj, const char *key, int required,
	const char *where, lw_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!v)
		return required ? lw_error_set(err, LW_ECONFIG, "%s: missing \"%s\"", where, key) : 0;
	if (!cJSON_IsString(v))
		return lw_error_set(err, LW_ECONFIG, "%s: \"%s\" must be a string", where, key);
	*out = v->valuestring;
	return 0;
}

int lw_json_get_number(double *out, const cJSON *obj, const char *key, double lo, double hi,
	const char *where, lw_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return 0;
	if (!cJSON_IsNumber(v))
		return lw_error_set(err, LW_ECONFIG, "%s: \"%s\" must be a number", where, key);
	if (!(v->valuedouble >= lo && v->valuedouble <= hi))
		return lw_error_set(err, LW_ECONFIG, "%s: \"%s\" must be between %g and %g",
			where, key, lo, hi);
	*out = v->valuedouble;
	return 0;
}

int lw_json_get_strlist(lw_strlist *out, const cJSON *obj, const char *key,
	const char *where, lw_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (!v)
		return 0;
	if (!cJSON_IsArray(v))
		return lw_error_set(err, LW_ECONFIG, "%s: \"%s\" must be an array of strings",
			where, key);
	for (const cJSON *c = v->child; c; c = c->next) {
		if (!cJSON_IsString(c))
			return lw_error_set(err, LW_ECONFIG, "%s: \"%s\" must hold only strings",
				where, key);
		n++;
	}
	out->v = calloc(n ? n : 1, sizeof(char *));
	if (!out->v)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	for (const cJSON *c = v->child; c; c = c->next) {
		if (!(out->v[out->n] = lw_strdup(c->valuestring))) {
			lw_strlist_dispose(out);
			return lw_error_set(err, LW_ENOMEM, "out of memory");
		}
		out->n++;
	}
	return 0;
}

int lw_json_get_regexlist(lw_regex_list *out, const cJSON *obj, const char *key,
	const char *where, int lazy, lw_error *err)
{
	lw_strlist src;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = lw_json_get_strlist(&src, obj, key, where, err)) < 0)
		return rc;
	out->codes = calloc(src.n ? src.n : 1, sizeof(pcre2_code *));
	if (!out->codes) {
		lw_strlist_dispose(&src);
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	}
	out->sources = src.v;
	if (lazy) {
		out->n = src.n;
		return 0;
	}
	for (size_t i = 0; i < src.n; i++) {
		lw_error e2 = { 0 };
		out->codes[i] = lw_regex_compile(src.v[i], &e2);
		if (!out->codes[i]) {
			out->n = i;
			for (size_t j = i; j < src.n; j++)
				free(src.v[j]);
			lw_regex_list_dispose(out);
			return lw_error_set(err, LW_ECONFIG, "%s: %s[%zu]: %s", where, key, i, e2.msg);
		}
		out->n = i + 1;
	}
	return 0;
}

int lw_json_each_finding(const char *name, const char *data, size_t len, lw_json_finding_fn fn,
	void *payload, lw_error *err)
{
	char where[512];
	cJSON *root = NULL;
	size_t lead = 0, i = 0;
	int rc = 0;

	while (lead < len && memchr(" \t\r\n", data[lead], 4))
		lead++;
	if (lead == len)
		return 0; /* an empty JSONL report: nothing was found */
	if (data[lead] == '{') {
		size_t pos = 0, lineno = 0;
		while (pos < len && rc == 0) {
			const char *nl = memchr(data + pos, '\n', len - pos);
			size_t ll = nl ? (size_t)(nl - data - pos) : len - pos;
			snprintf(where, sizeof(where), "%s: line %zu", name, ++lineno);
			size_t blank = 0;
			while (blank < ll && memchr(" \t\r", data[pos + blank], 3))
				blank++;
			if (blank < ll) {
				if ((rc = lw_json_parse_strict(&root, data + pos, ll, where, err)) < 0)
					break;
				rc = fn(root, where, payload, err);
				cJSON_Delete(root);
			}
			pos += ll + 1;
		}
		return rc;
	}
	if ((rc = lw_json_parse_strict(&root, data, len, name, err)) < 0)
		return rc;
	if (!cJSON_IsArray(root))
		rc = lw_error_set(err, LW_ECONFIG,
			"%s: not a leakwalk report (a JSON array of findings, or JSONL)", name);
	for (const cJSON *c = root->child; rc == 0 && c && cJSON_IsArray(root); c = c->next) {
		snprintf(where, sizeof(where), "%s: finding %zu", name, ++i);
		rc = fn(c, where, payload, err);
	}
	cJSON_Delete(root);
	return rc;
}
