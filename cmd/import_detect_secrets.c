/* import_detect_secrets.c - a detect-secrets .secrets.baseline: a JSON
 * object whose "results" map each file to a list of entries, each with a
 * "type", a "line_number" and the "hashed_secret" (SHA-1 of the secret, hex). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

static int imp_ds_item(imp_entries *l, const char *path, const cJSON *it, const char *name,
	size_t *bad)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
	const cJSON *hs = cJSON_GetObjectItemCaseSensitive(it, "hashed_secret");
	const cJSON *ln = cJSON_GetObjectItemCaseSensitive(it, "line_number");
	imp_entry e;
	char orig[512];

	memset(&e, 0, sizeof(e));
	if (!cJSON_IsObject(it) || (!cJSON_IsNumber(ln) && !cJSON_IsString(hs))) {
		lw_import_skip("%s: an entry of \"%s\" has neither line_number nor hashed_secret", name, path);
		(*bad)++;
		return 0;
	}
	if (cJSON_IsNumber(ln) && ln->valuedouble >= 1 && ln->valuedouble < 4e9)
		e.line = (uint32_t)ln->valuedouble;
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	snprintf(orig, sizeof(orig), "%s:%u (%s)", path, e.line,
		cJSON_IsString(type) ? type->valuestring : "?");
	e.path = lw_import_strndup(path, strlen(path));
	e.rule = lw_import_strndup(cJSON_IsString(type) ? type->valuestring : "?",
		strlen(cJSON_IsString(type) ? type->valuestring : "?"));
	if (cJSON_IsString(hs) && strlen(hs->valuestring) == 40)
		e.hashed = lw_import_strndup(hs->valuestring, 40);
	e.orig = lw_import_strndup(orig, strlen(orig));
	if (!e.path || !e.rule || !e.orig || lw_import_add(l, &e) < 0) {
		lw_import_entry_free(&e);
		return -1;
	}
	return 0;
}

int lw_import_read_detect_secrets(imp_entries *l, const char *data, size_t len, const char *name,
	size_t *bad)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	const cJSON *results;
	int rc = 0;

	if (!root) {
		lw_cli_error("%s: not valid JSON (near byte %zu)", name,
			end ? (size_t)(end - data) : (size_t)0);
		return -2;
	}
	results = cJSON_GetObjectItemCaseSensitive(root, "results");
	if (!cJSON_IsObject(results)) {
		lw_cli_error("%s: no \"results\" object: not a detect-secrets baseline", name);
		cJSON_Delete(root);
		return -2;
	}
	for (const cJSON *f = results->child; f && rc == 0; f = f->next) {
		if (!cJSON_IsArray(f) || !f->string) {
			lw_import_skip("%s: \"results\" of \"%s\" is not a list", name,
				f->string ? f->string : "?");
			(*bad)++;
			continue;
		}
		for (const cJSON *it = f->child; it && rc == 0; it = it->next)
			rc = imp_ds_item(l, f->string, it, name, bad);
	}
	cJSON_Delete(root);
	return rc;
}
