/*
 * test_rule_paths.c - rules limited to paths (`paths`), path rules (`paths`
 * without a regex: a file reported by its path alone), the
 * base64-basic-auth check that drops what is not user:password, and rules
 * whose allow.paths exclude a path (they do not run there; rules with the
 * same list share one answer per path, remembered across chunks).
 */
#include "internal.h"
#include "lwtest.h"

/* pw= limited to .properties files, with a keyword and without; a path
 * rule for key stores; a rule whose path regex has a back reference (it
 * cannot be joined with the others) */
static const char *const rules_json = "{\"rules\":["
	"{\"id\":\"props\",\"description\":\"d\",\"regex\":\"pw=(\\\\S+)\",\"secret_group\":1,"
	"\"keywords\":[\"pw=\"],\"paths\":[\"\\\\.properties$\"]},"
	"{\"id\":\"props-nokw\",\"description\":\"d\",\"regex\":\"^pin:(\\\\S+)\",\"secret_group\":1,"
	"\"keywords\":[],\"paths\":[\"(?:^|/)conf/[^/]+\\\\.ini$\"]},"
	"{\"id\":\"twice\",\"description\":\"d\",\"regex\":\"tw=(\\\\S+)\",\"secret_group\":1,"
	"\"keywords\":[\"tw=\"],\"paths\":[\"(?:^|/)(\\\\w)\\\\1\\\\.txt$\"]},"
	"{\"id\":\"keystore\",\"description\":\"d\",\"keywords\":[],\"severity\":\"high\","
	"\"paths\":[\"(?i)\\\\.(?:jks|p12)$\"],"
	"\"examples\":{\"match\":[\"a/b.jks\",\"X.P12\"],\"no_match\":[\"a/b.jks.md\",\"jks\"]}},"
	"{\"id\":\"auth\",\"description\":\"d\",\"regex\":\"auth=([A-Za-z0-9+/]+=*)\",\"secret_group\":1,"
	"\"keywords\":[\"auth=\"],\"checksum\":\"base64-basic-auth\"}"
	"]}";

static lw_ruleset *rs;

/* the shapes the joined paths regex groups: (?:^|/) and \. prefixes, with
 * and without (?i); a top-level alternative and an anchored regex stay
 * whole */
static const char *const joined_json = "{\"rules\":["
	"{\"id\":\"a\",\"description\":\"d\",\"keywords\":[],\"paths\":[\"(?:^|/)\\\\.netrc$\"]},"
	"{\"id\":\"b\",\"description\":\"d\",\"keywords\":[],\"paths\":[\"(?i)(?:^|/)group_vars/.*$\"]},"
	"{\"id\":\"c\",\"description\":\"d\",\"keywords\":[],\"paths\":[\"(?i)\\\\.(?:p12|pfx)$\"]},"
	"{\"id\":\"d\",\"description\":\"d\",\"keywords\":[],\"paths\":[\"(?:^|/)x\\\\.conf$|(?:^|/)y\\\\.conf$\"]},"
	"{\"id\":\"e\",\"description\":\"d\",\"keywords\":[],\"paths\":[\"^top/z$\"]}"
	"]}";

static void test_joined(void)
{
	static const struct {
		const char *path;
		const char *rule; /* NULL: none */
	} cases[] = {
		{ ".netrc", "a" }, { "home/.netrc", "a" }, { "home/x.netrc", NULL },
		{ "GROUP_VARS/all.yml", "b" }, { "a/group_vars/all", "b" }, { "group_varsx/all", NULL },
		{ "c/app.PFX", "c" }, { "app.p12", "c" }, { "app.p12.txt", NULL },
		{ "x.conf", "d" }, { "etc/y.conf", "d" }, { "etc/yy.conf", NULL },
		{ "top/z", "e" }, { "a/top/z", NULL }, { "README", NULL },
	};
	lw_ruleset *j = tf_rules(joined_json);
	lw_scanner *sc = NULL;
	tf_hits h;
	lw_sink sink = { tf_on_finding, tf_on_diag, &h };

	CHECK(j != NULL);
	if (!j)
		return;
	CHECK(j->paths_any != NULL);
	CHECK(lw_scanner_new(&sc, j, NULL) == 0);
	tf_hits_init(&h);
	for (size_t i = 0; sc && i < sizeof(cases) / sizeof(*cases); i++) {
		tf_hits_reset(&h);
		CHECK(lw_scanner_scan_path(sc, cases[i].path, NULL, &sink) == 0);
		CHECK(lw_paths_may_match(lw_scanner_pathstate(sc), j, cases[i].path, lw_scanner_match_data(sc)) ==
		      (cases[i].rule != NULL));
		if (cases[i].rule ? !(h.n == 1 && strcmp(h.v[0].rule, cases[i].rule) == 0) : h.n != 0) {
			fprintf(stderr, "  %s: %zu findings, wanted %s\n", cases[i].path, h.n,
				cases[i].rule ? cases[i].rule : "none");
			CHECK(!"joined paths");
		}
	}
	tf_hits_free(&h);
	lw_scanner_free(sc);
	lw_ruleset_free(j);
}

static void test_limited(void)
{
	tf_hits h;
	char s[32], t[128];

	tf_hits_init(&h);
	tf_token(s, 18);
	snprintf(t, sizeof(t), "db.pw=%s\n", s);
	CHECK(tf_scan(rs, "conf/app.properties", t, &h) == 0);
	CHECK(tf_count(&h, "props", s) == 1);
	CHECK(tf_scan(rs, "src/app.c", t, &h) == 0);
	CHECK(h.n == 0);
	CHECK(tf_scan(rs, "conf/app.properties.txt", t, &h) == 0);
	CHECK(h.n == 0);

	/* without keywords: the regex runs over the whole file, on its paths only */
	snprintf(t, sizeof(t), "# pins\npin:%s\n", s);
	CHECK(tf_scan(rs, "deploy/conf/site.ini", t, &h) == 0);
	CHECK(tf_count(&h, "props-nokw", s) == 1 && h.v[0].line == 2);
	CHECK(tf_scan(rs, "deploy/site.ini", t, &h) == 0);
	CHECK(h.n == 0);

	/* a back reference in a path regex: matched alone, still right */
	snprintf(t, sizeof(t), "tw=%s\n", s);
	CHECK(tf_scan(rs, "dir/aa.txt", t, &h) == 0);
	CHECK(tf_count(&h, "twice", s) == 1);
	CHECK(tf_scan(rs, "dir/ab.txt", t, &h) == 0);
	CHECK(h.n == 0);
	CHECK(rs->paths_any == NULL);

	/* the fingerprint path (relative to the scan root) is what is matched */
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { tf_on_finding, tf_on_diag, &h };
	snprintf(t, sizeof(t), "db.pw=%s\n", s);
	c.data = (const unsigned char *)t;
	c.len = strlen(t);
	c.path = "/abs/root/app.properties.bak";
	c.fingerprint_path = "app.properties";
	tf_hits_reset(&h);
	CHECK(lw_scan_buffer(rs, NULL, &c, &sink) == 0);
	CHECK(tf_count(&h, "props", s) == 1);
	tf_hits_free(&h);
}

static void test_path_rule(void)
{
	tf_hits h;
	lw_scanner *sc = NULL;
	lw_sink sink = { tf_on_finding, tf_on_diag, &h };
	char fp[33];

	tf_hits_init(&h);
	CHECK(lw_scanner_new(&sc, rs, NULL) == 0);
	if (!sc)
		return;
	tf_hits_reset(&h);
	CHECK(lw_scanner_scan_path(sc, "/abs/root/certs/app.JKS", "certs/app.JKS", &sink) == 0);
	CHECK(h.n == 1);
	const tf_hit *x = tf_find(&h, "keystore", "certs/app.JKS");
	CHECK(x != NULL);
	if (x) {
		CHECK(x->line == 1 && x->column == 1 && x->end_line == 1);
		/* rule and path alone: the same whatever the file holds */
		lw_fingerprint(fp, "keystore", "certs/app.JKS", (const unsigned char *)"certs/app.JKS", 13);
		CHECK(strcmp(fp, x->fingerprint) == 0);
	}
	tf_hits_reset(&h);
	CHECK(lw_scanner_scan_path(sc, "certs/app.jks.md", NULL, &sink) == 0);
	CHECK(h.n == 0);
	tf_hits_reset(&h);
	CHECK(lw_scanner_scan_path(sc, "", NULL, &sink) == 0);
	CHECK(h.n == 0);
	lw_scanner_free(sc);

	/* the content scan never reports a path rule */
	CHECK(tf_scan(rs, "certs/app.jks", "binary-ish content\n", &h) == 0);
	CHECK(h.n == 0);

	/* rules test: a path rule's examples are paths */
	lw_error err = { 0 };
	for (size_t i = 0; i < lw_ruleset_count(rs); i++)
		if (strcmp(lw_ruleset_rule(rs, i)->id, "keystore") == 0) {
			CHECK(lw_rule_test(rs, i, &err) == 0);
			CHECK(lw_ruleset_rule(rs, i)->regex == NULL && lw_ruleset_rule(rs, i)->npaths == 1);
		}
	tf_hits_free(&h);
}

static void test_parse_errors(void)
{
	static const char *const bad[] = {
		/* neither a regex nor paths */
		"{\"rules\":[{\"id\":\"x\",\"description\":\"d\",\"keywords\":[\"a\"]}]}",
		/* a path rule takes no secret group, window, entropy or checksum */
		"{\"rules\":[{\"id\":\"x\",\"description\":\"d\",\"keywords\":[],\"paths\":[\"a\"],\"secret_group\":1}]}",
		"{\"rules\":[{\"id\":\"x\",\"description\":\"d\",\"keywords\":[],\"paths\":[\"a\"],\"entropy\":3}]}",
		/* no paths at all */
		"{\"rules\":[{\"id\":\"x\",\"description\":\"d\",\"keywords\":[],\"paths\":[]}]}",
		/* a path regex that does not compile */
		"{\"rules\":[{\"id\":\"x\",\"description\":\"d\",\"regex\":\"a\",\"keywords\":[\"a\"],\"paths\":[\"(\"]}]}",
		"{\"rules\":[{\"id\":\"x\",\"description\":\"d\",\"regex\":\"a\",\"keywords\":[\"a\"],\"paths\":\"a\"}]}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		lw_ruleset *r = NULL;
		lw_error err = { 0 };
		CHECK(lw_ruleset_new(&r) == 0);
		CHECK(lw_ruleset_add_json(r, "bad.json", bad[i], strlen(bad[i]), &err) < 0);
		CHECK(err.msg[0] != 0);
		lw_ruleset_free(r);
	}
}

static void b64(char *out, const char *in)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in), o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = 0;
}

static void test_basic_auth_check(void)
{
	tf_hits h;
	char s[32], plain[96], enc[160], t[200];

	tf_hits_init(&h);
	tf_token(s, 12);
	/* user:password, a weak password too: reported, checksum valid */
	snprintf(plain, sizeof(plain), "deploy:%s", s);
	b64(enc, plain);
	snprintf(t, sizeof(t), "auth=%s\n", enc);
	CHECK(tf_scan(rs, "c.json", t, &h) == 0);
	CHECK(tf_count(&h, "auth", enc) == 1 && h.n == 1 && h.v[0].checksum == LW_CHECKSUM_VALID);
	b64(enc, "ops:hunter22");
	snprintf(t, sizeof(t), "auth=%s\n", enc);
	CHECK(tf_scan(rs, "c.json", t, &h) == 0 && h.n == 1);
	/* an empty password, no colon, a placeholder, binary: dropped */
	static const char *const no[] = { "deploy:", "deploytoken", "ops:changeme", "ops:\x01\x02zz" };
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++) {
		b64(enc, no[i]);
		snprintf(t, sizeof(t), "auth=%s\n", enc);
		CHECK(tf_scan(rs, "c.json", t, &h) == 0);
		CHECK(h.n == 0);
	}
	tf_hits_free(&h);
}

/* ka and kb share an allow.paths list, kc has its own, kd has paths and
 * allow.paths */
static const char *const allow_json = "{\"rules\":["
	"{\"id\":\"ka\",\"description\":\"d\",\"regex\":\"ka=(\\\\S+)\",\"secret_group\":1,"
	"\"keywords\":[\"ka=\"],\"allow\":{\"paths\":[\"\\\\.c$\"]}},"
	"{\"id\":\"kb\",\"description\":\"d\",\"regex\":\"kb=(\\\\S+)\",\"secret_group\":1,"
	"\"keywords\":[\"kb=\"],\"allow\":{\"paths\":[\"\\\\.c$\"]}},"
	"{\"id\":\"kc\",\"description\":\"d\",\"regex\":\"kc=(\\\\S+)\",\"secret_group\":1,"
	"\"keywords\":[\"kc=\"],\"allow\":{\"paths\":[\"(?:^|/)docs/\"]}},"
	"{\"id\":\"kd\",\"description\":\"d\",\"regex\":\"kd=(\\\\S+)\",\"secret_group\":1,"
	"\"keywords\":[\"kd=\"],\"paths\":[\"\\\\.conf$\"],\"allow\":{\"paths\":[\"(?:^|/)test/\"]}}"
	"]}";

static size_t scan_at(lw_scanner *sc, const char *path, const char *text, tf_hits *h)
{
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { tf_on_finding, tf_on_diag, h };

	c.data = (const unsigned char *)text;
	c.len = strlen(text);
	c.path = path;
	tf_hits_reset(h);
	CHECK(lw_scanner_scan(sc, &c, &sink) == 0);
	return h->n;
}

static void test_allow_paths(void)
{
	static const struct {
		const char *path;
		const char *want; /* the rules found, in order */
	} cases[] = {
		{ "src/a.c", "kc" }, { "src/a.h", "ka kb kc" }, { "src/a.c", "kc" },
		{ "docs/a.c", "" }, { "docs/a.h", "ka kb" }, { "src/a.h", "ka kb kc" },
		{ "x.conf", "ka kb kc kd" }, { "test/x.conf", "ka kb kc" }, { "x.txt", "ka kb kc" },
		{ "test/x.conf", "ka kb kc" }, { "docs/x.c", "" },
	};
	lw_ruleset *a = tf_rules(allow_json);
	lw_scanner *sc = NULL;
	char s[32], t[256], got[600];
	tf_hits h;

	CHECK(a != NULL);
	if (!a)
		return;
	CHECK(a->rules[0].allow_paths_group == 1 && a->rules[1].allow_paths_group == 1);
	CHECK(a->rules[2].allow_paths_group == 3 && a->rules[3].allow_paths_group == 4);
	CHECK(a->rules[0].allow_paths_bit == 0 && a->rules[1].allow_paths_bit == 0);
	CHECK(a->rules[2].allow_paths_bit == 1 && a->rules[3].allow_paths_bit == 2);
	tf_token(s, 18);
	snprintf(t, sizeof(t), "ka=%s\nkb=%s\nkc=%s\nkd=%s\n", s, s, s, s);
	CHECK(lw_scanner_new(&sc, a, NULL) == 0);
	tf_hits_init(&h);
	for (size_t i = 0; sc && i < sizeof(cases) / sizeof(*cases); i++) {
		scan_at(sc, cases[i].path, t, &h);
		got[0] = 0;
		for (size_t k = 0; k < h.n; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? " " : "", h.v[k].rule);
		if (strcmp(got, cases[i].want) != 0) {
			fprintf(stderr, "  %s: found \"%s\", wanted \"%s\"\n", cases[i].path, got, cases[i].want);
			CHECK(!"allow.paths");
		}
	}
	/* more paths than the memo holds: answers stay right as slots are reused */
	size_t wrong = 0;
	for (int i = 0; sc && i < 10000; i++) {
		char path[64];
		snprintf(path, sizeof(path), "d%d/f.%s", i % 5000, i % 3 ? "h" : "c");
		if (scan_at(sc, path, t, &h) != (i % 3 ? 3u : 1u))
			wrong++;
	}
	CHECK(wrong == 0);
	tf_hits_free(&h);
	lw_scanner_free(sc);
	lw_ruleset_free(a);
}

int main(void)
{
	tf_seed_random("test_rule_paths");
	rs = tf_rules(rules_json);
	CHECK(rs != NULL);
	if (!rs)
		return tap_done();
	test_limited();
	test_path_rule();
	test_parse_errors();
	test_basic_auth_check();
	test_joined();
	test_allow_paths();
	lw_ruleset_free(rs);
	return tap_done();
}
