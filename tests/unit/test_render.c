/*
 * test_render.c - every report format against golden files, plus the
 * contract checks a golden file cannot express: JSON fields and types,
 * SARIF structure, CSV shape and formula neutralisation, escaping of
 * hostile paths, and that a redacted report never holds a secret.
 *
 * Golden files live in tests/fixtures/golden/. Run-time values are put
 * back as placeholders before comparing (@S1@ for a secret, @FP1@ for its
 * fingerprint, @COMMIT@, @BLOB@, @VERSION@), so no secret-shaped literal
 * is stored. Set LW_UPDATE_GOLDEN=1 to rewrite them after a deliberate
 * format change, then review the diff.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>

#include "lwtest.h"

#ifndef LW_FIXTURES
#error "LW_FIXTURES must name tests/fixtures"
#endif

static const char *const rules_json = "{\"rules\":["
	"{\"id\":\"demo-token\",\"description\":\"Demo service token\",\"regex\":\"demo_tok=([A-Za-z0-9]{20})\","
	"\"secret_group\":1,\"keywords\":[\"demo_tok\"],\"severity\":\"critical\",\"tags\":[\"demo\",\"token\"]},"
	"{\"id\":\"demo-pass\",\"description\":\"Demo \\\"password\\\" assignment\",\"regex\":\"password:\\\\s*\\\"([^\\\"]{8,})\\\"\","
	"\"secret_group\":1,\"keywords\":[\"password\"],\"severity\":\"medium\",\"tags\":[\"generic\"]},"
	"{\"id\":\"demo-low\",\"description\":\"Low severity thing\",\"regex\":\"lowkw=([0-9a-z]{10})\","
	"\"secret_group\":1,\"keywords\":[\"lowkw\"],\"severity\":\"low\"}]}";

typedef struct subst {
	char from[256];
	char to[32];
} subst;

static subst substs[32];
static size_t nsubsts;

static void add_subst(const char *from, const char *to)
{
	snprintf(substs[nsubsts].from, sizeof(substs[0].from), "%s", from);
	snprintf(substs[nsubsts].to, sizeof(substs[0].to), "%s", to);
	nsubsts++;
}

/* Replaces every run-time value by its placeholder. */
static char *normalize(const char *s)
{
	char *out = NULL;
	size_t ol = 0;

	while (*s) {
		size_t k;
		/* GitLab's scan times are the clock's: "start_time":"YYYY-MM-DDTHH:MM:SS" */
		static const char *const times[] = { "\"start_time\":\"", "\"end_time\":\"" };
		for (k = 0; k < 2; k++) {
			size_t tl = strlen(times[k]);
			if (!strncmp(s, times[k], tl) && strlen(s) > tl + 19 && s[tl + 19] == '"')
				break;
		}
		if (k < 2) {
			tf_appends(&out, &ol, times[k]);
			tf_appends(&out, &ol, "@TIME@");
			s += strlen(times[k]) + 19;
			continue;
		}
		for (k = 0; k < nsubsts; k++) {
			size_t fl = strlen(substs[k].from);
			if (fl && !strncmp(s, substs[k].from, fl)) {
				tf_appends(&out, &ol, substs[k].to);
				s += fl;
				break;
			}
		}
		if (k == nsubsts)
			tf_append(&out, &ol, s++, 1);
	}
	if (!out)
		tf_appends(&out, &ol, "");
	return out;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, tmp[4096];
	size_t len = 0, n;

	if (!f)
		return NULL;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		tf_append(&buf, &len, tmp, n);
	fclose(f);
	if (!buf)
		tf_appends(&buf, &len, "");
	return buf;
}

static void check_golden(const char *name, const char *actual)
{
	char path[1024];
	char *norm = normalize(actual);

	snprintf(path, sizeof(path), "%s/golden/%s", LW_FIXTURES, name);
	if (getenv("LW_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");
		CHECK(f != NULL);
		if (f) {
			fputs(norm, f);
			fclose(f);
		}
		printf("# wrote %s\n", path);
	} else {
		char *want = read_file(path);
		if (!want)
			fprintf(stderr, "  %s: cannot read: %s\n", path, strerror(errno));
		CHECK(want != NULL);
		if (want && strcmp(want, norm)) {
			fprintf(stderr, "  %s differs from the golden file; got:\n%s\n", name, norm);
			CHECK(!"output matches golden file");
		}
		free(want);
	}
	free(norm);
}

static char *render(lw_report *r, lw_format fmt, int redact, const lw_ruleset *rs,
	const lw_report_meta *meta)
{
	lw_output_options o = LW_OUTPUT_OPTIONS_INIT;
	lw_buf b;

	o.format = fmt;
	o.redact = redact;
	o.rules = rs;
	lw_buf_init(&b, 0);
	CHECK(lw_report_render(&b, r, meta, &o) == 0);
	char *s = strdup(lw_buf_cstr(&b));
	lw_buf_release(&b);
	return s;
}

/* Every format of the library's table: the golden files, redaction and
 * escaping checks run on each, so a format added to the table without its
 * golden files fails here. */
static int nformats(void)
{
	static int checked;
	int n = lw_format_count();

	if (!checked++) {
		CHECK(n >= 8);
		CHECK(lw_format_get(-1) == NULL && lw_format_get(n) == NULL);
		for (int f = 0; f < n; f++) {
			const lw_format_info *fi = lw_format_get(f);
			CHECK(fi != NULL && fi->name && fi->suffix && fi->description);
			if (!fi)
				continue;
			/* a name parses to its own number, never to another format's */
			if (lw_format_parse(fi->name) != f)
				fprintf(stderr, "  format \"%s\" parses to %d, not %d\n", fi->name,
					lw_format_parse(fi->name), f);
			CHECK(lw_format_parse(fi->name) == f);
			CHECK(fi->description[0] != '\0' && fi->suffix[0] != '\0');
		}
	}
	return n;
}

static const char *fmt_name(int f)
{
	return lw_format_get(f)->name;
}

/* ---- checks of each format's structure ---------------------------------- */

static const char *const contract[] = {
	"rule", "description", "severity", "path", "line", "column", "end_line", "end_column",
	"secret", "match", "entropy", "commit", "author", "email", "date", "message", "blob",
	"fingerprint", "confidence",
};

static void check_finding_object(const cJSON *o, const lw_record *rec, int redact)
{
	CHECK(cJSON_IsObject(o));
	for (size_t i = 0; i < sizeof(contract) / sizeof(*contract); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, contract[i]);
		if (!v)
			fprintf(stderr, "  missing contract field \"%s\"\n", contract[i]);
		CHECK(v != NULL);
	}
	const cJSON *line = cJSON_GetObjectItemCaseSensitive(o, "line");
	const cJSON *col = cJSON_GetObjectItemCaseSensitive(o, "column");
	const cJSON *eline = cJSON_GetObjectItemCaseSensitive(o, "end_line");
	const cJSON *ecol = cJSON_GetObjectItemCaseSensitive(o, "end_column");
	const cJSON *ent = cJSON_GetObjectItemCaseSensitive(o, "entropy");
	const cJSON *sec = cJSON_GetObjectItemCaseSensitive(o, "secret");
	const cJSON *fp = cJSON_GetObjectItemCaseSensitive(o, "fingerprint");
	const cJSON *rule = cJSON_GetObjectItemCaseSensitive(o, "rule");
	const cJSON *sev = cJSON_GetObjectItemCaseSensitive(o, "severity");
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(o, "path");
	CHECK(cJSON_IsNumber(line) && cJSON_IsNumber(col) && cJSON_IsNumber(eline) && cJSON_IsNumber(ecol));
	CHECK(cJSON_IsNumber(ent));
	CHECK(cJSON_IsString(sec) && cJSON_IsString(fp) && cJSON_IsString(rule) && cJSON_IsString(sev));
	CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "description")));
	const cJSON *conf = cJSON_GetObjectItemCaseSensitive(o, "confidence");
	CHECK(cJSON_IsString(conf) && rec && !strcmp(conf->valuestring, lw_confidence_name(rec->confidence)));
	CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "match")));
	const char *const opt[] = { "commit", "author", "email", "date", "message", "blob" };
	for (size_t i = 0; i < 6; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, opt[i]);
		CHECK(cJSON_IsNull(v) || cJSON_IsString(v));
	}
	if (!rec)
		return;
	CHECK(cJSON_IsString(rule) && !strcmp(rule->valuestring, rec->rule_id));
	CHECK(cJSON_IsString(path) && !strcmp(path->valuestring, rec->path));
	CHECK(cJSON_IsNumber(line) && (uint32_t)line->valuedouble == rec->line);
	CHECK(cJSON_IsNumber(col) && (uint32_t)col->valuedouble == rec->column);
	CHECK(cJSON_IsNumber(eline) && (uint32_t)eline->valuedouble == rec->end_line);
	CHECK(cJSON_IsNumber(ecol) && (uint32_t)ecol->valuedouble == rec->end_column);
	CHECK(cJSON_IsString(fp) && !strcmp(fp->valuestring, rec->fingerprint));
	CHECK(cJSON_IsString(sev) && !strcmp(sev->valuestring, lw_severity_name(rec->severity)));
	if (cJSON_IsString(sec)) {
		if (redact)
			CHECK(strcmp(sec->valuestring, rec->secret) != 0);
		else
			CHECK(!strcmp(sec->valuestring, rec->secret));
	}
	const cJSON *commit = cJSON_GetObjectItemCaseSensitive(o, "commit");
	const cJSON *blob = cJSON_GetObjectItemCaseSensitive(o, "blob");
	if (rec->commit)
		CHECK(cJSON_IsString(commit) && !strcmp(commit->valuestring, rec->commit));
	else
		CHECK(cJSON_IsNull(commit));
	if (rec->blob)
		CHECK(cJSON_IsString(blob) && !strcmp(blob->valuestring, rec->blob));
	else
		CHECK(cJSON_IsNull(blob));
}

static void check_json(const char *out, lw_report *r, int redact)
{
	cJSON *root = cJSON_Parse(out);
	CHECK(cJSON_IsArray(root));
	if (cJSON_IsArray(root)) {
		CHECK((size_t)cJSON_GetArraySize(root) == lw_report_count(r));
		size_t i = 0;
		for (const cJSON *c = root->child; c; c = c->next, i++)
			check_finding_object(c, lw_report_get(r, i), redact);
	}
	cJSON_Delete(root);
}

static void check_jsonl(const char *out, lw_report *r, int redact)
{
	size_t i = 0;
	const char *p = out;

	while (*p) {
		const char *nl = strchr(p, '\n');
		CHECK(nl != NULL);
		if (!nl)
			break;
		char *line = strndup(p, (size_t)(nl - p));
		cJSON *o = cJSON_Parse(line);
		CHECK(o != NULL);
		check_finding_object(o, lw_report_get(r, i), redact);
		cJSON_Delete(o);
		free(line);
		i++;
		p = nl + 1;
	}
	CHECK(i == lw_report_count(r));
}

static void check_sarif(const char *out, lw_report *r, int incomplete)
{
	cJSON *root = cJSON_Parse(out);
	CHECK(cJSON_IsObject(root));
	if (!root)
		return;
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
	CHECK(cJSON_IsString(ver) && !strcmp(ver->valuestring, "2.1.0"));
	CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "$schema")));
	const cJSON *runs = cJSON_GetObjectItemCaseSensitive(root, "runs");
	CHECK(cJSON_IsArray(runs) && cJSON_GetArraySize(runs) == 1);
	const cJSON *run = cJSON_GetArrayItem(runs, 0);
	const cJSON *driver = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(run, "tool"), "driver");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(driver, "name");
	CHECK(cJSON_IsString(name) && !strcmp(name->valuestring, "leakwalk"));
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(driver, "rules");
	CHECK(cJSON_IsArray(rules));
	for (const cJSON *ru = rules ? rules->child : NULL; ru; ru = ru->next) {
		CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ru, "id")));
		CHECK(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(ru, "shortDescription")));
	}
	const cJSON *results = cJSON_GetObjectItemCaseSensitive(run, "results");
	CHECK(cJSON_IsArray(results) && (size_t)cJSON_GetArraySize(results) == lw_report_count(r));
	size_t i = 0;
	for (const cJSON *res = results ? results->child : NULL; res; res = res->next, i++) {
		const lw_record *rec = lw_report_get(r, i);
		const cJSON *rid = cJSON_GetObjectItemCaseSensitive(res, "ruleId");
		CHECK(cJSON_IsString(rid) && rec && !strcmp(rid->valuestring, rec->rule_id));
		/* ruleIndex, when given, points at that rule in tool.driver.rules */
		const cJSON *ridx = cJSON_GetObjectItemCaseSensitive(res, "ruleIndex");
		if (ridx) {
			CHECK(cJSON_IsNumber(ridx));
			const cJSON *target = cJSON_GetArrayItem(rules, (int)ridx->valuedouble);
			const cJSON *tid = cJSON_GetObjectItemCaseSensitive(target, "id");
			int ok = cJSON_IsString(tid) && cJSON_IsString(rid) && !strcmp(tid->valuestring, rid->valuestring);
			if (!ok)
				fprintf(stderr, "  SARIF result %zu: ruleIndex %d does not point at rule \"%s\" in "
					"tool.driver.rules\n", i, (int)ridx->valuedouble,
					cJSON_IsString(rid) ? rid->valuestring : "?");
			CHECK(ok);
		}
		const cJSON *locs = cJSON_GetObjectItemCaseSensitive(res, "locations");
		CHECK(cJSON_IsArray(locs) && cJSON_GetArraySize(locs) >= 1);
		const cJSON *phys = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(locs, 0), "physicalLocation");
		const cJSON *uri = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(phys, "artifactLocation"), "uri");
		CHECK(cJSON_IsString(uri));
		const cJSON *region = cJSON_GetObjectItemCaseSensitive(phys, "region");
		const cJSON *sl = cJSON_GetObjectItemCaseSensitive(region, "startLine");
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(region, "startColumn");
		const cJSON *ec = cJSON_GetObjectItemCaseSensitive(region, "endColumn");
		CHECK(cJSON_IsNumber(sl) && rec && (uint32_t)sl->valuedouble == rec->line);
		CHECK(cJSON_IsNumber(sc) && rec && (uint32_t)sc->valuedouble == rec->column);
		/* SARIF's endColumn is exclusive */
		CHECK(cJSON_IsNumber(ec) && rec && (uint32_t)ec->valuedouble == rec->end_column + 1);
		const cJSON *pf = cJSON_GetObjectItemCaseSensitive(res, "partialFingerprints");
		CHECK(cJSON_IsObject(pf) && pf->child && cJSON_IsString(pf->child));
		if (pf && pf->child && cJSON_IsString(pf->child) && rec)
			CHECK(!strcmp(pf->child->valuestring, rec->fingerprint));
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(res, "message"), "text");
		CHECK(cJSON_IsString(msg));
		const cJSON *lvl = cJSON_GetObjectItemCaseSensitive(res, "level");
		/* SARIF 2.1.0 result.rank: 0..100, from the confidence */
		const cJSON *rank = cJSON_GetObjectItemCaseSensitive(res, "rank");
		CHECK(cJSON_IsNumber(rank) && rank->valuedouble >= 0 && rank->valuedouble <= 100);
		CHECK(rank && rec && (int)rank->valuedouble == lw_confidence_rank(rec->confidence));
		CHECK(cJSON_IsString(lvl) && (!strcmp(lvl->valuestring, "error") ||
			!strcmp(lvl->valuestring, "warning") || !strcmp(lvl->valuestring, "note")));
	}
	const cJSON *inv = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(run, "invocations"), 0);
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(inv, "executionSuccessful");
	CHECK(cJSON_IsBool(ok) && cJSON_IsTrue(ok) == !incomplete);
	cJSON_Delete(root);
}

/* Splits RFC 4180 CSV with CRLF records; returns rows, each a list of fields. */
typedef struct csv_row {
	char *f[32];
	size_t n;
} csv_row;

static size_t parse_csv(const char *s, csv_row *rows, size_t maxrows, int *ok)
{
	size_t nr = 0;
	*ok = 1;
	while (*s && nr < maxrows) {
		csv_row *r = &rows[nr++];
		r->n = 0;
		for (;;) {
			char *f = NULL;
			size_t fl = 0;
			if (*s == '"') {
				s++;
				for (;;) {
					if (!*s) {
						*ok = 0;
						break;
					}
					if (*s == '"' && s[1] == '"') {
						tf_append(&f, &fl, "\"", 1);
						s += 2;
					} else if (*s == '"') {
						s++;
						break;
					} else {
						tf_append(&f, &fl, s++, 1);
					}
				}
			} else {
				while (*s && *s != ',' && *s != '\r' && *s != '\n') {
					if (*s == '"')
						*ok = 0;
					tf_append(&f, &fl, s++, 1);
				}
			}
			if (!f)
				tf_appends(&f, &fl, "");
			if (r->n < 32)
				r->f[r->n++] = f;
			else
				free(f);
			if (*s == ',') {
				s++;
				continue;
			}
			if (s[0] == '\r' && s[1] == '\n') {
				s += 2;
				break;
			}
			if (*s) /* a bare LF or stray byte ends no record */
				*ok = 0;
			break;
		}
		if (!*ok)
			break;
	}
	return nr;
}

static void free_rows(csv_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < rows[i].n; j++)
			free(rows[i].f[j]);
}

static void check_csv(const char *out, lw_report *r)
{
	static csv_row rows[64];
	int ok;
	size_t n = parse_csv(out, rows, 64, &ok);

	CHECK(ok);
	CHECK(n == lw_report_count(r) + 1);
	for (size_t i = 1; i < n; i++) {
		CHECK(rows[i].n == rows[0].n);
		const lw_record *rec = lw_report_get(r, i - 1);
		CHECK(rec && !strcmp(rows[i].f[0], rec->rule_id));
		CHECK(rec && !strcmp(rows[i].f[rows[i].n - 1], rec->fingerprint));
	}
	CHECK(n > 0 && !strcmp(rows[0].f[0], "rule") && !strcmp(rows[0].f[2], "path"));
	free_rows(rows, n);
}

static int holds_any_secret(const char *out, lw_report *r)
{
	for (size_t i = 0; i < lw_report_count(r); i++) {
		const lw_record *rec = lw_report_get(r, i);
		if (rec->secret_len >= 6 && strstr(out, rec->secret)) {
			return 1;
		}
	}
	return 0;
}

/* ---- the golden report -------------------------------------------------- */

/* Every golden file belongs to a format of the table: a format renamed or
 * removed leaves none behind that no test reads. */
static void test_golden_files_known(void)
{
	char dir[1024];
	DIR *d;
	struct dirent *de;
	int files = 0;

	snprintf(dir, sizeof(dir), "%s/golden", LW_FIXTURES);
	d = opendir(dir);
	CHECK(d != NULL);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		int known = 0;
		if (n[0] == '.')
			continue;
		files++;
		for (int f = 0; f < nformats(); f++) {
			char a[128], b[128];
			snprintf(a, sizeof(a), "report.%s", lw_format_get(f)->suffix);
			snprintf(b, sizeof(b), "report.noredact.%s", lw_format_get(f)->suffix);
			known |= !strcmp(n, a) || !strcmp(n, b);
		}
		if (!known)
			fprintf(stderr, "  golden file %s is no format's\n", n);
		CHECK(known);
	}
	closedir(d);
	CHECK(files == 2 * nformats());
}

static void test_golden(void)
{
	lw_ruleset *rs = tf_rules(rules_json);
	lw_report *rep = NULL;
	tf_hits h;
	char s1[32], s2[32], s3[32], text[512];
	char commit[41], blob[41];

	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_seed(20240101); /* fixed: entropy values and redacted prefixes stay put */
	tf_token(s1, 20);
	tf_token(s2, 14);
	tf_token(s3, 10);
	for (char *p = s3; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	for (int i = 0; i < 40; i++) {
		commit[i] = "0123456789abcdef"[(i * 7) % 16];
		blob[i] = "0123456789abcdef"[(i * 5 + 3) % 16];
	}
	commit[40] = blob[40] = 0;
	add_subst(s1, "@S1@");
	add_subst(s2, "@S2@");
	add_subst(s3, "@S3@");
	add_subst(commit, "@COMMIT@");
	add_subst(blob, "@BLOB@");
	add_subst("\"" LW_VERSION "\"", "\"@VERSION@\"");

	CHECK(lw_report_new(&rep) == 0);
	tf_hits_init(&h);
	h.report = rep;
	/* a file on disk: no provenance */
	snprintf(text, sizeof(text), "# settings\r\ndemo_tok=%s\r\n  password: \"%s\"  # db\r\n", s1, s2);
	CHECK(tf_scan(rs, "conf/app.env", text, &h) == 0);
	CHECK(h.n == 2);
	/* a finding from history: full provenance */
	lw_provenance prov = { commit, "A U Th\xc3\xb6r", "author@example.com", "2024-01-02T03:04:05Z",
		"add \"settings\"\x1b[2J", blob };
	h.prov = &prov;
	snprintf(text, sizeof(text), "int x;\n\tcfg(\"lowkw=%s\");\n", s3);
	CHECK(tf_scan(rs, "src/main.c", text, &h) == 0);
	CHECK(h.n == 1);
	CHECK(lw_report_count(rep) == 3);
	lw_report_sort(rep);
	for (size_t i = 0; i < lw_report_count(rep); i++) {
		char fp[32];
		snprintf(fp, sizeof(fp), "@FP%u@", (unsigned)(i + 1) % 100);
		add_subst(lw_report_get(rep, i)->fingerprint, fp);
	}

	lw_report_meta meta = { "scan", 2, 100, 0, 0, 0.5, 0, NULL, 0 };
	for (int f = 0; f < nformats(); f++) {
		for (int redact = 1; redact >= 0; redact--) {
			char *out = render(rep, (lw_format)f, redact, rs, &meta);
			char name[64];
			snprintf(name, sizeof(name), "report%s.%s", redact ? "" : ".noredact", lw_format_get(f)->suffix);
			check_golden(name, out);
			if (redact && holds_any_secret(out, rep)) {
				fprintf(stderr, "  %s holds a secret\n", name);
				CHECK(!"redacted output holds no secret");
			}
			if (!redact && f != LW_FORMAT_SARIF)
				CHECK(strstr(out, s1) && strstr(out, s2) && strstr(out, s3));
			switch (f) {
			case LW_FORMAT_JSON: check_json(out, rep, redact); break;
			case LW_FORMAT_JSONL: check_jsonl(out, rep, redact); break;
			case LW_FORMAT_SARIF: check_sarif(out, rep, 0); break;
			case LW_FORMAT_CSV: check_csv(out, rep); break;
			default: break;
			}
			/* control bytes from the commit message never reach the output raw */
			CHECK(strchr(out, '\x1b') == NULL);
			free(out);
		}
	}
	/* the SARIF message never shows the secret, even with --no-redact */
	char *sarif = render(rep, LW_FORMAT_SARIF, 0, rs, &meta);
	cJSON *root = cJSON_Parse(sarif);
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "runs"), 0), "results");
	for (const cJSON *x = res ? res->child : NULL; x; x = x->next) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(x, "message"), "text");
		CHECK(cJSON_IsString(t) && !strstr(t->valuestring, s1) && !strstr(t->valuestring, s2));
	}
	cJSON_Delete(root);
	free(sarif);
	/* an incomplete scan is not a successful SARIF invocation */
	meta.incomplete = 1;
	sarif = render(rep, LW_FORMAT_SARIF, 1, rs, &meta);
	check_sarif(sarif, rep, 1);
	free(sarif);

	tf_hits_free(&h);
	lw_report_free(rep);
	lw_ruleset_free(rs);
	nsubsts = 0;
}

/* ---- special cases -------------------------------------------------------- */

static lw_report *report_of_opts(lw_ruleset *rs, const lw_scan_options *so, const char *path,
	const char *text)
{
	lw_report *rep = NULL;
	tf_hits h;

	CHECK(lw_report_new(&rep) == 0);
	tf_hits_init(&h);
	h.report = rep;
	CHECK(tf_scan_opts(rs, so, path, text, strlen(text), &h) == 0);
	tf_hits_free(&h);
	lw_report_sort(rep);
	return rep;
}

static lw_report *report_of(lw_ruleset *rs, const char *path, const char *text)
{
	return report_of_opts(rs, NULL, path, text);
}

static void test_empty(void)
{
	lw_report *rep = NULL;
	lw_report_meta meta = { "scan", 0, 0, 0, 0, 0, 0, NULL, 0 };

	CHECK(lw_report_new(&rep) == 0);
	char *t = render(rep, LW_FORMAT_TEXT, 1, NULL, &meta);
	CHECK(!strcmp(t, ""));
	free(t);
	t = render(rep, LW_FORMAT_JSON, 1, NULL, &meta);
	cJSON *j = cJSON_Parse(t);
	CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) == 0);
	cJSON_Delete(j);
	free(t);
	t = render(rep, LW_FORMAT_JSONL, 1, NULL, &meta);
	CHECK(!strcmp(t, ""));
	free(t);
	t = render(rep, LW_FORMAT_SARIF, 1, NULL, &meta);
	check_sarif(t, rep, 0);
	free(t);
	t = render(rep, LW_FORMAT_SARIF, 1, NULL, NULL); /* meta may be NULL */
	check_sarif(t, rep, 0);
	free(t);
	t = render(rep, LW_FORMAT_CSV, 1, NULL, &meta);
	check_csv(t, rep);
	free(t);
	lw_output_options o = LW_OUTPUT_OPTIONS_INIT;
	lw_buf b;
	lw_buf_init(&b, 0);
	o.format = (lw_format)99;
	CHECK(lw_report_render(&b, rep, &meta, &o) == LW_ECONFIG);
	lw_buf_release(&b);
	/* a report too large for the buffer's bound says so */
	lw_report_free(rep);

	CHECK(lw_format_parse("text") == LW_FORMAT_TEXT);
	CHECK(lw_format_parse("json") == LW_FORMAT_JSON);
	CHECK(lw_format_parse("jsonl") == LW_FORMAT_JSONL);
	CHECK(lw_format_parse("sarif") == LW_FORMAT_SARIF);
	CHECK(lw_format_parse("csv") == LW_FORMAT_CSV);
	/* the API's named formats keep their numbers in the table */
	CHECK(lw_format_parse("junit") == LW_FORMAT_JUNIT);
	CHECK(lw_format_parse("gitlab") == LW_FORMAT_GITLAB);
	CHECK(lw_format_parse("html") == LW_FORMAT_HTML);
	CHECK(lw_format_parse("JSON") == -1);
	CHECK(lw_format_parse("") == -1);
}

static void test_bounded(void)
{
	lw_ruleset *rs = tf_rules(rules_json);
	char s[32], text[128];

	if (!rs)
		return;
	tf_token(s, 20);
	snprintf(text, sizeof(text), "demo_tok=%s\n", s);
	lw_report *rep = report_of(rs, "a", text);
	lw_output_options o = LW_OUTPUT_OPTIONS_INIT;
	lw_buf b;
	o.format = LW_FORMAT_JSON;
	lw_buf_init(&b, 64);
	CHECK(lw_report_render(&b, rep, NULL, &o) == LW_ELIMIT);
	lw_buf_release(&b);
	lw_report_free(rep);
	lw_ruleset_free(rs);
}

static void test_csv_formulas(void)
{
	lw_ruleset *rs = tf_rules(rules_json);
	char s[32], text[128];

	if (!rs)
		return;
	tf_token(s, 20);
	snprintf(text, sizeof(text), "demo_tok=%s\n", s);
	const char *const paths[] = { "=HYPERLINK(\"http://evil/\",\"x\")", "+1+1", "-2+3", "@SUM(A1)",
		"\t=1", "\r=1", "ok/=not-first" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		lw_report *rep = report_of(rs, paths[i], text);
		char *out = render(rep, LW_FORMAT_CSV, 1, rs, NULL);
		static csv_row rows[8];
		int ok;
		size_t n = parse_csv(out, rows, 8, &ok);
		CHECK(ok && n == 2);
		if (ok && n == 2) {
			const char *p = rows[1].f[2];
			int neutral = !strchr("=+-@", p[0]) && p[0] != '\t' && p[0] != '\r';
			if (!neutral)
				fprintf(stderr, "  CSV path field starts with a formula character: %s\n", p);
			CHECK(neutral);
			if (i == 6)
				CHECK(!strcmp(p, paths[i]));
		}
		free_rows(rows, n);
		free(out);
		lw_report_free(rep);
	}
	lw_ruleset_free(rs);
}

static void test_hostile_path(void)
{
	lw_ruleset *rs = tf_rules(rules_json);
	char s[32], text[128];
	const char *path = "dir/\x1b]0;pwned\x07\xe2\x80\xae" "txt.exe\xc2\x85.env";

	if (!rs)
		return;
	tf_token(s, 20);
	snprintf(text, sizeof(text), "demo_tok=%s\n", s);
	lw_report *rep = report_of(rs, path, text);
	CHECK(lw_report_count(rep) == 1);
	for (int f = 0; f < nformats(); f++) {
		char *out = render(rep, (lw_format)f, 1, rs, NULL);
		if (strchr(out, '\x1b') || strchr(out, '\x07'))
			fprintf(stderr, "  %s output holds a raw control byte from a path\n", fmt_name(f));
		CHECK(strchr(out, '\x1b') == NULL && strchr(out, '\x07') == NULL);
		CHECK(strstr(out, "\xe2\x80\xae") == NULL);
		CHECK(strstr(out, "\xc2\x85") == NULL);
		if (f == LW_FORMAT_TEXT || f == LW_FORMAT_CSV) {
			CHECK(strstr(out, "\\x1b]0;pwned\\x07\\u202etxt.exe\\u0085.env") != NULL);
		}
		if (f == LW_FORMAT_JSON) {
			/* valid JSON that gives back the exact path */
			cJSON *j = cJSON_Parse(out);
			const cJSON *p = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(j, 0), "path");
			CHECK(cJSON_IsString(p) && !strcmp(p->valuestring, path));
			cJSON_Delete(j);
		}
		if (f == LW_FORMAT_SARIF) {
			cJSON *j = cJSON_Parse(out);
			CHECK(j != NULL);
			cJSON_Delete(j);
			CHECK(strstr(out, "dir/%1B%5D0%3Bpwned%07%E2%80%AEtxt.exe%C2%85.env") != NULL);
		}
		free(out);
	}
	/* colour does not disable escaping */
	lw_output_options o = LW_OUTPUT_OPTIONS_INIT;
	lw_buf b;
	o.color = 1;
	lw_buf_init(&b, 0);
	CHECK(lw_report_render(&b, rep, NULL, &o) == 0);
	CHECK(strstr(lw_buf_cstr(&b), "\\x1b]0;pwned") != NULL);
	CHECK(strstr(lw_buf_cstr(&b), "\033[1m") != NULL);
	lw_buf_release(&b);
	lw_report_free(rep);
	lw_ruleset_free(rs);
}

/* A redacted report never holds a secret, however the line looks. */
static void test_redaction_lines(void)
{
	lw_ruleset *rs = tf_rules(rules_json);
	char a[32], b[32], text[256];

	if (!rs)
		return;
	tf_token(a, 20);
	tf_token(b, 20);
	const char *what[2] = { "two secrets on one line", "a secret repeated on its line" };
	for (int k = 0; k < 2; k++) {
		if (k == 0)
			snprintf(text, sizeof(text), "demo_tok=%s demo_tok=%s\n", a, b);
		else
			snprintf(text, sizeof(text), "demo_tok=%s # was %s\n", a, a);
		lw_report *rep = report_of(rs, "a.env", text);
		CHECK(lw_report_count(rep) == (size_t)(k == 0 ? 2 : 1));
		for (int f = 0; f < nformats(); f++) {
			char *out = render(rep, (lw_format)f, 1, rs, NULL);
			if (holds_any_secret(out, rep)) {
				fprintf(stderr, "  %s: redacted %s output holds a secret\n", what[k], fmt_name(f));
				CHECK(!"redacted output holds no secret");
			}
			free(out);
		}
		lw_report_free(rep);
	}
	/* a long line: each finding shows a bounded window of it, and the
	 * window's edge must not cut another secret in half and show the half */
	for (int pad = 370; pad <= 400; pad += 6) {
		char *t = NULL;
		size_t tl = 0;
		tf_token(a, 20);
		tf_token(b, 20);
		tf_appends(&t, &tl, "demo_tok=");
		tf_appends(&t, &tl, a);
		for (int i = 0; i < pad; i++)
			tf_appends(&t, &tl, " ");
		tf_appends(&t, &tl, "demo_tok=");
		tf_appends(&t, &tl, b);
		tf_appends(&t, &tl, "\n");
		lw_report *rep = report_of(rs, "long.env", t);
		CHECK(lw_report_count(rep) == 2);
		for (int f = 0; f < nformats(); f++) {
			char *out = render(rep, (lw_format)f, 1, rs, NULL);
			int leak = 0;
			for (size_t i = 0; i + 8 <= 20; i++) {
				char piece[9];
				memcpy(piece, a + i, 8);
				piece[8] = 0;
				leak |= strstr(out, piece) != NULL;
				memcpy(piece, b + i, 8);
				leak |= strstr(out, piece) != NULL;
			}
			if (leak)
				fprintf(stderr, "  pad %d: redacted %s output shows 8+ characters of a secret cut by "
					"the line window\n", pad, fmt_name(f));
			CHECK(!leak);
			free(out);
		}
		lw_report_free(rep);
		free(t);
	}
	/* a secret spanning lines */
	lw_ruleset *ml = tf_rules("{\"rules\":[{\"id\":\"block\",\"description\":\"d\","
		"\"regex\":\"BEGIN\\\\n([A-Za-z0-9]{12}\\\\n[A-Za-z0-9]{12})\\\\nEND\",\"secret_group\":1,"
		"\"keywords\":[\"begin\"],\"window\":100}]}");
	CHECK(ml != NULL);
	if (ml) {
		tf_token(a, 12);
		tf_token(b, 12);
		snprintf(text, sizeof(text), "BEGIN\n%s\n%s\nEND\n", a, b);
		lw_report *rep = report_of(ml, "k.pem", text);
		CHECK(lw_report_count(rep) == 1);
		for (int f = 0; f < nformats(); f++) {
			char *out = render(rep, (lw_format)f, 1, ml, NULL);
			CHECK(!strstr(out, a) && !strstr(out, b));
			free(out);
		}
		lw_report_free(rep);
		lw_ruleset_free(ml);
	}
	/* a multi-line secret, and another finding on one of its lines: the
	 * other finding's line must not show the block's part of that line */
	ml = tf_rules("{\"rules\":[{\"id\":\"block\",\"description\":\"d\","
		"\"regex\":\"BEGIN\\\\n([^\\\\n]+\\\\n[A-Za-z0-9]{12})\\\\nEND\",\"secret_group\":1,"
		"\"keywords\":[\"begin\"],\"window\":200},"
		"{\"id\":\"demo-token\",\"description\":\"d\",\"regex\":\"demo_tok=([A-Za-z0-9]{20})\","
		"\"secret_group\":1,\"keywords\":[\"demo_tok\"]}]}");
	CHECK(ml != NULL);
	if (ml) {
		char c[32];
		tf_token(a, 16);
		tf_token(b, 12);
		tf_token(c, 20);
		snprintf(text, sizeof(text), "BEGIN\n%s demo_tok=%s\n%s\nEND\n", a, c, b);
		lw_report *rep = report_of(ml, "k.pem", text);
		CHECK(lw_report_count(rep) == 2);
		for (int f = 0; f < nformats(); f++) {
			char *out = render(rep, (lw_format)f, 1, ml, NULL);
			if (strstr(out, a) || strstr(out, b) || strstr(out, c)) {
				fprintf(stderr, "  redacted %s output shows part of a multi-line secret\n", fmt_name(f));
				CHECK(!"multi-line secret stays redacted");
			}
			free(out);
		}
		lw_report_free(rep);
		lw_ruleset_free(ml);
	}
	lw_ruleset_free(rs);
}

/* SARIF's ruleIndex must index tool.driver.rules, which lists only enabled
 * rules. */
static void test_sarif_rule_index(void)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	char s[32], text[128];

	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "r.json", rules_json, strlen(rules_json), &err) == 0);
	const char *cfg = "{\"disable\":[\"demo-token\"]}";
	CHECK(lw_ruleset_add_json(rs, "c.json", cfg, strlen(cfg), &err) == 0);
	CHECK(lw_ruleset_finalize(rs, &err) == 0);
	tf_token(s, 10);
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	snprintf(text, sizeof(text), "lowkw=%s\n", s);
	lw_report *rep = report_of(rs, "a", text);
	CHECK(lw_report_count(rep) == 1);
	char *out = render(rep, LW_FORMAT_SARIF, 1, rs, NULL);
	check_sarif(out, rep, 0);
	free(out);
	lw_report_free(rep);
	lw_ruleset_free(rs);
}

/* Optional fields: present, checksum, decoded. */
static void test_optional_fields(void)
{
	const char *json = "{\"rules\":[{\"id\":\"gh\",\"description\":\"d\",\"regex\":\"ghp_[A-Za-z0-9]{36}\","
			   "\"keywords\":[\"ghp_\"],\"checksum\":\"github-crc32\"}]}";
	lw_ruleset *rs = tf_rules(json);
	char tok[64], text[128];

	if (!rs)
		return;
	memcpy(tok, "ghp_", 4);
	tf_token(tok + 4, 36);
	snprintf(text, sizeof(text), "t=%s\n", tok);
	/* a random token's checksum fails: shown only on request */
	lw_scan_options so = LW_SCAN_OPTIONS_INIT;
	so.report_invalid_checksums = 1;
	lw_report *rep = report_of_opts(rs, &so, "a", text);
	CHECK(lw_report_count(rep) == 1);
	lw_record *rec = lw_report_get(rep, 0);
	if (rec) {
		CHECK(rec->checksum == LW_CHECKSUM_INVALID);
		CHECK(rec->confidence == LW_CONFIDENCE_LOW);
		rec->present = calloc(2, sizeof(char *));
		rec->present[0] = strdup("refs/heads/main");
		rec->present[1] = strdup("refs/tags/v1\x1b");
		rec->npresent = 2;
		rec->has_present = 1;
		rec->decoded = strdup("base64");
	}
	char *out = render(rep, LW_FORMAT_JSON, 1, rs, NULL);
	cJSON *j = cJSON_Parse(out);
	const cJSON *o = cJSON_GetArrayItem(j, 0);
	check_finding_object(o, rec, 1);
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(o, "present");
	CHECK(cJSON_IsArray(pr) && cJSON_GetArraySize(pr) == 2);
	const cJSON *ck = cJSON_GetObjectItemCaseSensitive(o, "checksum");
	CHECK(cJSON_IsString(ck) && !strcmp(ck->valuestring, "invalid"));
	const cJSON *dec = cJSON_GetObjectItemCaseSensitive(o, "decoded");
	CHECK(cJSON_IsString(dec) && !strcmp(dec->valuestring, "base64"));
	cJSON_Delete(j);
	free(out);
	out = render(rep, LW_FORMAT_TEXT, 1, rs, NULL);
	CHECK(strstr(out, "checksum invalid") != NULL);
	CHECK(strstr(out, "refs/heads/main refs/tags/v1\\x1b") != NULL);
	CHECK(strchr(out, '\x1b') == NULL);
	free(out);
	/* a finding without a checksum rule has no "checksum" key */
	lw_report_free(rep);
	lw_ruleset_free(rs);
}

static int drop_low(const lw_record *r, void *p)
{
	(void)p;
	return r->severity == LW_SEV_LOW;
}

static void test_report_ops(void)
{
	lw_ruleset *rs = tf_rules(rules_json);
	char a[32], b[32], text[256];

	if (!rs)
		return;
	tf_token(a, 20);
	tf_token(b, 10);
	for (char *p = b; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	lw_report *rep = NULL;
	tf_hits h;
	CHECK(lw_report_new(&rep) == 0);
	tf_hits_init(&h);
	h.report = rep;
	snprintf(text, sizeof(text), "lowkw=%s\ndemo_tok=%s\n", b, a);
	CHECK(tf_scan(rs, "z.txt", text, &h) == 0);
	CHECK(tf_scan(rs, "a.txt", text, &h) == 0);
	CHECK(lw_report_count(rep) == 4);
	lw_report_sort(rep);
	CHECK(!strcmp(lw_report_get(rep, 0)->path, "a.txt") && lw_report_get(rep, 0)->line == 1);
	CHECK(!strcmp(lw_report_get(rep, 1)->path, "a.txt") && lw_report_get(rep, 1)->line == 2);
	CHECK(!strcmp(lw_report_get(rep, 2)->path, "z.txt"));
	CHECK(lw_report_get(rep, 4) == NULL);
	lw_report_remove_if(rep, drop_low, NULL);
	CHECK(lw_report_count(rep) == 2);
	CHECK(lw_report_get(rep, 0)->severity == LW_SEV_CRITICAL);
	tf_hits_free(&h);
	lw_report_free(rep);
	lw_report_free(NULL);
	lw_record_free(NULL);
	lw_ruleset_free(rs);
}

int main(void)
{
	test_golden();
	test_golden_files_known();
	tf_seed_random("test_render");
	test_empty();
	test_bounded();
	test_csv_formulas();
	test_hostile_path();
	test_redaction_lines();
	test_sarif_rule_index();
	test_optional_fields();
	test_report_ops();
	return tap_done();
}
