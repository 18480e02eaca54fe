/* report_load.c - reads a JSON or JSONL report written by leakwalk back
 * into records, so it can be rendered again in any format without a
 * rescan. Strict: the whole input is JSON (bounded depth, no duplicate
 * keys, no trailing bytes), every known field has its type, and an error
 * names the finding and the field (or the line of a JSONL report and the
 * byte). Unknown fields are ignored: the report contract adds fields. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util/json_strict.h"

/* NULL (absent or null) or a copy of the string; -1 when another type. */
static int rl_str(char **out, const cJSON *o, const char *key, int required, const char *where,
	lw_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			return lw_error_set(err, LW_ECONFIG, "%s: \"%s\" is missing", where, key);
		return 0;
	}
	if (!cJSON_IsString(v))
		return lw_error_set(err, LW_ECONFIG, "%s: \"%s\" must be a string", where, key);
	if (!(*out = lw_strdup(v->valuestring)))
		return LW_ENOMEM;
	return 0;
}

static int rl_u32(uint32_t *out, const cJSON *o, const char *key, const char *where, lw_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 4294967295.0 ||
	    v->valuedouble != (double)(uint32_t)v->valuedouble)
		return lw_error_set(err, LW_ECONFIG, "%s: \"%s\" must be a whole number", where, key);
	*out = (uint32_t)v->valuedouble;
	return 0;
}

static int rl_severity(lw_severity *out, const char *s)
{
	for (int i = LW_SEV_INFO; i <= LW_SEV_CRITICAL; i++) {
		if (!strcmp(s, lw_severity_name((lw_severity)i))) {
			*out = (lw_severity)i;
			return 0;
		}
	}
	return -1;
}

/* A saved secret is the real one when the fingerprint, a hash of rule,
 * path and secret, says so: the path fingerprinted is the one shown or,
 * for a scan, a tail of it (relative to the scanned root). Anything else
 * was redacted (or altered) and is shown as it is, never redacted again. */
static int rl_secret_is_real(const lw_record *rec)
{
	char fp[33];
	const char *p = rec->path, *slash;

	for (;;) {
		lw_fingerprint(fp, rec->rule_id, p, (const unsigned char *)rec->secret,
			rec->secret_len);
		if (!strcmp(fp, rec->fingerprint))
			return 1;
		if (!(slash = strchr(p, '/')))
			return 0;
		p = slash + 1;
	}
}

/* Where `needle` first occurs in `hay`, else 0. */
static size_t rl_find(const char *hay, size_t hl, const char *needle, size_t nl)
{
	for (size_t i = 0; nl && i + nl <= hl; i++)
		if (!memcmp(hay + i, needle, nl))
			return i;
	return 0;
}

static int rl_present(lw_record *rec, const cJSON *o, const char *where, lw_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "present"), *e;
	size_t n = 0;

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsArray(v))
		return lw_error_set(err, LW_ECONFIG, "%s: \"present\" must be an array", where);
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e))
			return lw_error_set(err, LW_ECONFIG, "%s: \"present\" holds a non-string", where);
		n++;
	}
	rec->has_present = 1;
	if (!n)
		return 0;
	if (!(rec->present = calloc(n, sizeof(char *))))
		return LW_ENOMEM;
	cJSON_ArrayForEach(e, v) {
		if (!(rec->present[rec->npresent] = lw_strdup(e->valuestring)))
			return LW_ENOMEM;
		rec->npresent++;
	}
	return 0;
}

/* "context": the public identifiers near the secret, [{"rule", "value"}] */
static int rl_context(lw_record *rec, const cJSON *o, const char *where, lw_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "context"), *e;
	size_t n = 0;

	if (!v)
		return 0;
	if (!cJSON_IsArray(v))
		return lw_error_set(err, LW_ECONFIG, "%s: \"context\" must be an array", where);
	cJSON_ArrayForEach(e, v) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(e, "rule");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(e, "value");
		if (!cJSON_IsString(r) || !cJSON_IsString(val))
			return lw_error_set(err, LW_ECONFIG,
				"%s: \"context\" items need a string \"rule\" and \"value\"", where);
		n++;
	}
	if (!n)
		return 0;
	if (!(rec->context_rule = calloc(n, sizeof(char *))) ||
	    !(rec->context_value = calloc(n, sizeof(char *))))
		return LW_ENOMEM;
	cJSON_ArrayForEach(e, v) {
		rec->context_rule[rec->ncontext] =
			lw_strdup(cJSON_GetObjectItemCaseSensitive(e, "rule")->valuestring);
		rec->context_value[rec->ncontext] =
			lw_strdup(cJSON_GetObjectItemCaseSensitive(e, "value")->valuestring);
		if (!rec->context_rule[rec->ncontext] || !rec->context_value[rec->ncontext]) {
			free(rec->context_rule[rec->ncontext]);
			free(rec->context_value[rec->ncontext]);
			return LW_ENOMEM;
		}
		rec->ncontext++;
	}
	return 0;
}

static int rl_fields(lw_record *rec, const cJSON *o, const char *where, lw_error *err)
{
	char *sev = NULL, *fp = NULL, *check = NULL, *conf = NULL;
	const cJSON *ent = cJSON_GetObjectItemCaseSensitive(o, "entropy");
	int rc;

	if ((rc = rl_str(&rec->rule_id, o, "rule", 1, where, err)) < 0 ||
	    (rc = rl_str(&rec->description, o, "description", 0, where, err)) < 0 ||
	    (rc = rl_str(&sev, o, "severity", 1, where, err)) < 0 ||
	    (rc = rl_str(&rec->path, o, "path", 1, where, err)) < 0 ||
	    (rc = rl_u32(&rec->line, o, "line", where, err)) < 0 ||
	    (rc = rl_u32(&rec->column, o, "column", where, err)) < 0 ||
	    (rc = rl_u32(&rec->end_line, o, "end_line", where, err)) < 0 ||
	    (rc = rl_u32(&rec->end_column, o, "end_column", where, err)) < 0 ||
	    (rc = rl_str(&rec->secret, o, "secret", 1, where, err)) < 0 ||
	    (rc = rl_str(&rec->match, o, "match", 0, where, err)) < 0 ||
	    (rc = rl_str(&rec->line_text, o, "line_text", 0, where, err)) < 0 ||
	    (rc = rl_str(&rec->commit, o, "commit", 0, where, err)) < 0 ||
	    (rc = rl_str(&rec->author, o, "author", 0, where, err)) < 0 ||
	    (rc = rl_str(&rec->email, o, "email", 0, where, err)) < 0 ||
	    (rc = rl_str(&rec->date, o, "date", 0, where, err)) < 0 ||
	    (rc = rl_str(&rec->message, o, "message", 0, where, err)) < 0 ||
	    (rc = rl_str(&rec->blob, o, "blob", 0, where, err)) < 0 ||
	    (rc = rl_str(&fp, o, "fingerprint", 1, where, err)) < 0 ||
	    (rc = rl_str(&check, o, "checksum", 0, where, err)) < 0 ||
	    (rc = rl_str(&rec->decoded, o, "decoded", 0, where, err)) < 0 ||
	    (rc = rl_str(&conf, o, "confidence", 0, where, err)) < 0 ||
	    (rc = rl_present(rec, o, where, err)) < 0 ||
	    (rc = rl_context(rec, o, where, err)) < 0)
		goto done;
	rc = LW_ECONFIG;
	if (rl_severity(&rec->severity, sev) < 0) {
		lw_error_set(err, rc, "%s: unknown severity \"%s\"", where, sev);
		goto done;
	}
	if (strlen(fp) != 32 || strspn(fp, "0123456789abcdef") != 32) {
		lw_error_set(err, rc, "%s: \"fingerprint\" must be 32 hex digits", where);
		goto done;
	}
	memcpy(rec->fingerprint, fp, 33);
	if (check && strcmp(check, "valid") && strcmp(check, "invalid")) {
		lw_error_set(err, rc, "%s: \"checksum\" must be valid or invalid", where);
		goto done;
	}
	rec->checksum = !check ? LW_CHECKSUM_NONE : !strcmp(check, "valid") ? LW_CHECKSUM_VALID :
								       LW_CHECKSUM_INVALID;
	/* an older report has no confidence: the lowest, so no filter hides it */
	if (conf && lw_confidence_parse(conf) < 0) {
		lw_error_set(err, rc, "%s: \"confidence\" must be low, medium or high", where);
		goto done;
	}
	rec->confidence = conf ? (lw_confidence)lw_confidence_parse(conf) : LW_CONFIDENCE_LOW;
	if (ent && !cJSON_IsNumber(ent)) {
		lw_error_set(err, rc, "%s: \"entropy\" must be a number", where);
		goto done;
	}
	rec->entropy = ent ? ent->valuedouble : 0;
	if (!rec->description && !(rec->description = lw_strdup("")))
		goto oom;
	if (!rec->match && !(rec->match = lw_strdup(rec->secret)))
		goto oom;
	/* an older report has no context: the match stands in for the line */
	if (!rec->line_text && !(rec->line_text = lw_strdup(rec->match)))
		goto oom;
	rec->secret_len = strlen(rec->secret);
	rec->match_len = strlen(rec->match);
	rec->line_len = strlen(rec->line_text);
	rec->redacted = !rl_secret_is_real(rec);
	/* the secret's place in the line and in the match: its first line,
	 * where it first occurs (a multi-line secret continues past the line) */
	size_t first = strcspn(rec->secret, "\r\n");
	rec->secret_col = rl_find(rec->line_text, rec->line_len, rec->secret, first);
	rec->secret_in_match = rl_find(rec->match, rec->match_len, rec->secret, first);
	rc = 0;
	goto done;
oom:
	rc = LW_ENOMEM;
done:
	free(sev);
	free(fp);
	free(check);
	free(conf);
	return rc;
}

static int rl_record(lw_report *r, const cJSON *o, const char *where, lw_error *err)
{
	lw_record *rec;
	int rc;

	if (!cJSON_IsObject(o))
		return lw_error_set(err, LW_ECONFIG, "%s: a finding is a JSON object", where);
	if (!(rec = calloc(1, sizeof(*rec))))
		return LW_ENOMEM;
	rec->order = lw_report_count(r);
	if ((rc = rl_fields(rec, o, where, err)) < 0 || (rc = lw_report_take(r, rec)) < 0) {
		if (rc == LW_ENOMEM || rc == LW_ELIMIT)
			lw_error_set(err, rc, "%s: %s", where,
				rc == LW_ENOMEM ? "out of memory" : "too many findings");
		lw_record_free(rec);
		return rc;
	}
	return 0;
}

static int rl_each(const cJSON *item, const char *where, void *payload, lw_error *err)
{
	return rl_record(payload, item, where, err);
}

int lw_report_load(lw_report *r, const char *name, const char *data, size_t len, lw_error *err)
{
	return lw_json_each_finding(name, data, len, rl_each, r, err);
}
