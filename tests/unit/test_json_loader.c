/*
 * test_json_loader.c - the strict rule/config loader behind
 * lw_ruleset_add_json: every malformed file is refused with LW_ECONFIG, a
 * message naming the file, and nothing from that file is kept.
 */
#include "lwtest.h"
#include "util/json_strict.h"

#define RULE(id, rx) "{\"id\":\"" id "\",\"description\":\"d\",\"regex\":\"" rx "\",\"keywords\":[\"kw\"]}"

static const char *const good_file = "{\"rules\":[" RULE("keep-me", "kw=([a-z0-9]{8,})") "]}";

/* Adds `json` to a rule set already holding good_file and checks it fails
 * with a config error naming the file, without adding anything. */
static void expect_refused(const char *what, const char *json, size_t len, const char *needle)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	int rc;

	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "good.json", good_file, strlen(good_file), &err) == 0);
	size_t before = lw_ruleset_count(rs);
	int wants = lw_ruleset_wants_defaults(rs);
	memset(&err, 0, sizeof(err));
	rc = lw_ruleset_add_json(rs, "bad.json", json, len, &err);
	if (rc >= 0)
		fprintf(stderr, "  accepted but should not be: %s\n", what);
	CHECK(rc == LW_ECONFIG || rc == LW_ELIMIT);
	CHECK(err.code == rc);
	CHECK(strstr(err.msg, "bad.json") != NULL);
	if (needle && !strstr(err.msg, needle)) {
		fprintf(stderr, "  %s: message \"%s\" lacks \"%s\"\n", what, err.msg, needle);
		CHECK(!"error message names the problem");
	}
	CHECK(lw_ruleset_count(rs) == before);
	CHECK(lw_ruleset_wants_defaults(rs) == wants);
	/* the set stays usable: it still finalizes, with no pending disable or
	 * allowlist from the refused file */
	memset(&err, 0, sizeof(err));
	CHECK(lw_ruleset_finalize(rs, &err) == 0);
	CHECK(lw_ruleset_find(rs, "keep-me") == 0);
	CHECK(!lw_ruleset_rule(rs, 0)->disabled);
	lw_ruleset_free(rs);
}

static void refused(const char *what, const char *json, const char *needle)
{
	expect_refused(what, json, strlen(json), needle);
}

static void test_shape_errors(void)
{
	/* unknown keys, at every level */
	refused("unknown top-level key", "{\"rulez\":[]}", "rulez");
	refused("unknown rule key", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"colour\":1}]}", "colour");
	refused("unknown allow key", "{\"allow\":{\"path\":[\"x\"]}}", "path");
	refused("unknown rule allow key", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"allow\":{\"words\":[]}}]}", "words");
	refused("unknown examples key", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"examples\":{\"matches\":[]}}]}", "matches");

	/* duplicate keys */
	refused("duplicate top-level key", "{\"rules\":[],\"rules\":[]}", "duplicate");
	refused("duplicate rule key", "{\"rules\":[{\"id\":\"a\",\"id\":\"b\",\"description\":\"d\",\"regex\":\"x\"}]}", "duplicate");
	refused("duplicate nested key", "{\"allow\":{\"paths\":[],\"paths\":[\"x\"]}}", "duplicate");

	/* wrong types */
	refused("top level array", "[]", NULL);
	refused("top level string", "\"rules\"", NULL);
	refused("rules not array", "{\"rules\":{}}", "rules");
	refused("rule not object", "{\"rules\":[1]}", NULL);
	refused("id number", "{\"rules\":[{\"id\":1,\"description\":\"d\",\"regex\":\"x\"}]}", "id");
	refused("regex array", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":[\"x\"]}]}", "regex");
	refused("description null", "{\"rules\":[{\"id\":\"a\",\"description\":null,\"regex\":\"x\"}]}", "description");
	refused("keywords string", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"keywords\":\"kw\"}]}", "keywords");
	refused("keywords of numbers", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"keywords\":[1]}]}", "keywords");
	refused("tags object", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"tags\":{}}]}", "tags");
	refused("entropy string", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"entropy\":\"3\"}]}", "entropy");
	refused("secret_group string", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)\",\"secret_group\":\"1\"}]}", "secret_group");
	refused("secret_group fraction", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)\",\"secret_group\":0.5}]}", "secret_group");
	refused("secret_group bool", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)\",\"secret_group\":true}]}", "secret_group");
	refused("window negative", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"window\":-1}]}", "window");
	refused("allow array", "{\"allow\":[]}", "allow");
	refused("rule allow string", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"allow\":\"x\"}]}", "allow");
	refused("examples array", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"examples\":[]}]}", "examples");
	refused("examples.match of numbers", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"examples\":{\"match\":[1]}}]}", "match");
	refused("defaults string", "{\"defaults\":\"no\"}", "defaults");
	refused("defaults number", "{\"defaults\":0}", "defaults");
	refused("disable string", "{\"disable\":\"keep-me\"}", "disable");
	refused("disable of numbers", "{\"disable\":[1]}", "disable");
	refused("stopwords object", "{\"allow\":{\"stopwords\":{}}}", "stopwords");
	refused("checksum number", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"checksum\":1}]}", "checksum");
	refused("unknown checksum", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"checksum\":\"luhn-9\"}]}", "checksum");

	/* missing required fields */
	refused("missing id", "{\"rules\":[{\"description\":\"d\",\"regex\":\"x\"}]}", "id");
	refused("missing regex", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\"}]}", "regex");
	refused("missing description", "{\"rules\":[{\"id\":\"a\",\"regex\":\"x\"}]}", "description");

	/* bad values */
	refused("bad severity", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"severity\":\"severe\"}]}", "severity");
	refused("empty severity", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"severity\":\"\"}]}", "severity");
	refused("id with capitals", "{\"rules\":[{\"id\":\"Bad\",\"description\":\"d\",\"regex\":\"x\"}]}", "id");
	refused("id with space", "{\"rules\":[{\"id\":\"a b\",\"description\":\"d\",\"regex\":\"x\"}]}", "id");
	refused("empty id", "{\"rules\":[{\"id\":\"\",\"description\":\"d\",\"regex\":\"x\"}]}", "id");
	refused("id with a control byte", "{\"rules\":[{\"id\":\"a\\u001b\",\"description\":\"d\",\"regex\":\"x\"}]}", "id");
	refused("empty keyword", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"keywords\":[\"\"]}]}", "keyword");

	char longid[400];
	snprintf(longid, sizeof(longid), "{\"rules\":[{\"id\":\"%0129d\",\"description\":\"d\",\"regex\":\"x\"}]}", 0);
	refused("id longer than 128", longid, "id");
	char longkw[400];
	snprintf(longkw, sizeof(longkw), "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"keywords\":[\"%065d\"]}]}", 0);
	refused("keyword longer than 64", longkw, "keyword");
}

static void test_syntax_errors(void)
{
	refused("trailing garbage", "{\"rules\":[]} x", "trailing");
	refused("two documents", "{}{}", "trailing");
	refused("trailing comma item", "{\"rules\":[],}", NULL);
	refused("unterminated", "{\"rules\":[}", "invalid JSON");
	refused("empty input", "", NULL);
	refused("only spaces", "   \n", NULL);
	refused("single quotes", "{'rules':[]}", NULL);
	refused("comment", "{/* c */\"rules\":[]}", NULL);
	refused("bare word", "rules", NULL);
	refused("NaN", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"entropy\":NaN}]}", NULL);
#define NUL_INSIDE "{\"rules\":[]}\0 "
#define NUL_IN_STRING "{\"rules\":[{\"id\":\"a\0b\",\"description\":\"d\",\"regex\":\"x\"}]}"
	expect_refused("NUL inside", NUL_INSIDE, sizeof(NUL_INSIDE) - 1, NULL);
	expect_refused("NUL in a string", NUL_IN_STRING, sizeof(NUL_IN_STRING) - 1, NULL);

	/* trailing whitespace is not trailing garbage */
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "ws.json", "{\"rules\":[]}\n\t \r\n", 17, &err) == 0);
	CHECK(lw_ruleset_add_json(rs, "empty.json", "{}", 2, &err) == 0);
	CHECK(lw_ruleset_count(rs) == 0);
	lw_ruleset_free(rs);
}

static void nest(char *out, size_t cap, size_t depth, const char *open, const char *close)
{
	size_t n = 0;

	n += (size_t)snprintf(out + n, cap - n, "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"examples\":");
	for (size_t i = 0; i < depth; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s", open);
	for (size_t i = 0; i < depth; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s", close);
	snprintf(out + n, cap - n, "}]}");
}

static void test_depth(void)
{
	static char buf[1 << 16];

	nest(buf, sizeof(buf), 20, "[", "]");
	refused("nesting 20 deep", buf, "nesting");
	nest(buf, sizeof(buf), 2000, "[", "]");
	refused("nesting 2000 deep", buf, "nesting");
	/* object nesting counts too */
	{
		size_t n = 0;
		n += (size_t)snprintf(buf, sizeof(buf), "{\"allow\":");
		for (int i = 0; i < 40; i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{\"a\":");
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "1");
		for (int i = 0; i < 40; i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "}");
		snprintf(buf + n, sizeof(buf) - n, "}");
		refused("objects 40 deep", buf, "nesting");
	}
	/* brackets inside strings are not nesting */
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	const char *ok = "{\"rules\":[{\"id\":\"brackets\",\"description\":\"[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{\","
			 "\"regex\":\"x\\\\[{20}\\\"\"}]}";
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "strings.json", ok, strlen(ok), &err) == 0);
	if (err.msg[0])
		fprintf(stderr, "  %s\n", err.msg);
	CHECK(lw_ruleset_count(rs) == 1);
	lw_ruleset_free(rs);
}

static void test_regex_errors(void)
{
	refused("regex does not compile", "{\"rules\":[" RULE("broken", "(abc") "]}", "broken");
	refused("unbalanced class", "{\"rules\":[" RULE("broken", "[a-") "]}", NULL);
	refused("callout C1", "{\"rules\":[" RULE("callout", "(?C1)abc") "]}", "callout");
	refused("callout C", "{\"rules\":[" RULE("callout", "abc(?C)") "]}", "callout");
	refused("string callout", "{\"rules\":[" RULE("callout", "abc(?C'x')") "]}", "callout");
	refused("conditional callout", "{\"rules\":[" RULE("callout", "(?(?C9)a|b)") "]}", "callout");
	refused("backslash C", "{\"rules\":[" RULE("onebyte", "a\\\\Cb") "]}", NULL);
	refused("UTF mode", "{\"rules\":[" RULE("utf", "(*UTF)abc") "]}", NULL);
	refused("callout in an allow regex", "{\"allow\":{\"regexes\":[\"(?C1)x\"]}}", NULL);
	refused("broken allow path regex", "{\"allow\":{\"paths\":[\"(\"]}}", "paths");
	refused("broken rule allow regex", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"allow\":{\"regexes\":[\"[\"]}}]}", "regexes");
	refused("secret_group past the groups", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)(y)\",\"secret_group\":3}]}", "secret_group");
	refused("secret_group without groups", "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"xy\",\"secret_group\":1}]}", "secret_group");

	/* the error names the rule and where the regex broke */
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	const char *j = "{\"rules\":[" RULE("named-rule", "ab(c") "]}";
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "x.json", j, strlen(j), &err) == LW_ECONFIG);
	CHECK(strstr(err.msg, "named-rule") != NULL);
	CHECK(strstr(err.msg, "offset") != NULL);
	lw_ruleset_free(rs);

	/* the highest valid group is fine; non-capturing groups do not count */
	const char *ok = "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(?:x)(y)(z)\",\"secret_group\":2}]}";
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "ok.json", ok, strlen(ok), &err) == 0);
	lw_ruleset_free(rs);
	const char *bad = "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(?:x)(y)\",\"secret_group\":2}]}";
	refused("non-capturing group counted", bad, "secret_group");
}

static void test_numbers(void)
{
	const char *const huge[] = {
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)\",\"secret_group\":1e999}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)\",\"secret_group\":-1e999}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)\",\"secret_group\":4294967297}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)\",\"secret_group\":100}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)\",\"secret_group\":-1}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"entropy\":1e308}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"entropy\":8.0001}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"entropy\":-0.5}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"window\":1e300}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"window\":18446744073709551616}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"window\":1048577}]}",
		"{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"window\":10.5}]}",
		("{\"allow\":{\"paths\":[]},\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"x\",\"entropy\":"
		 "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999}]}"),
	};
	for (size_t i = 0; i < sizeof(huge) / sizeof(*huge); i++)
		refused("out-of-range number", huge[i], NULL);

	/* in-range integers given as floats are fine */
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	const char *ok = "{\"rules\":[{\"id\":\"a\",\"description\":\"d\",\"regex\":\"(x)\",\"secret_group\":1.0,"
			 "\"entropy\":8,\"window\":1048576}]}";
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "ok.json", ok, strlen(ok), &err) == 0);
	CHECK(lw_ruleset_count(rs) == 1);
	lw_ruleset_free(rs);
}

static void test_size_bound(void)
{
	size_t n = LW_MAX_RULE_FILE + 1;
	char *big = malloc(n);

	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 2] = '}';
	expect_refused("file larger than 16 MiB", big, n, NULL);
	free(big);
}

static void test_atomic_files(void)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };

	/* a good rule, then a bad one: the good one is not kept either */
	refused("good then bad rule",
		"{\"rules\":[" RULE("fresh-one", "a(b)") "," RULE("fresh-two", "(") "]}", NULL);
	/* good rules, a disable and an allowlist, then a bad rule */
	refused("disable and allow kept from a failing file",
		"{\"disable\":[\"keep-me\"],\"defaults\":false,\"allow\":{\"paths\":[\"^vendor/\"],"
		"\"stopwords\":[\"kw\"]},\"rules\":[" RULE("fresh-one", "a(b)") ",{\"id\":1}]}", NULL);

	/* duplicate ids inside one file */
	refused("duplicate id in one file",
		"{\"rules\":[" RULE("twin", "a") "," RULE("twin", "b") "]}", "duplicate");

	/* duplicate ids across two files: the second file is refused whole */
	CHECK(lw_ruleset_new(&rs) == 0);
	const char *f1 = "{\"rules\":[" RULE("one", "one=(\\\\w+)") "]}";
	const char *f2 = "{\"rules\":[" RULE("two", "two=(\\\\w+)") "," RULE("one", "x") "]}";
	CHECK(lw_ruleset_add_json(rs, "first.json", f1, strlen(f1), &err) == 0);
	CHECK(lw_ruleset_count(rs) == 1);
	memset(&err, 0, sizeof(err));
	CHECK(lw_ruleset_add_json(rs, "second.json", f2, strlen(f2), &err) == LW_ECONFIG);
	CHECK(strstr(err.msg, "second.json") != NULL);
	CHECK(strstr(err.msg, "\"one\"") != NULL);
	CHECK(strstr(err.msg, "duplicate") != NULL);
	CHECK(lw_ruleset_count(rs) == 1);
	CHECK(lw_ruleset_find(rs, "two") == -1);
	CHECK(lw_ruleset_finalize(rs, &err) == 0);
	lw_ruleset_free(rs);

	/* the refused file's allowlist really is gone: a finding at a path it
	 * would have allowed is still reported */
	char tok[24], text[128];
	tf_token(tok, 16);
	snprintf(text, sizeof(text), "kw=%s\n", tok);
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "good.json", good_file, strlen(good_file), &err) == 0);
	const char *bad = "{\"allow\":{\"paths\":[\"^vendor/\"],\"regexes\":[\".\"]},\"rules\":[{\"id\":\"x\"}]}";
	CHECK(lw_ruleset_add_json(rs, "bad.json", bad, strlen(bad), &err) < 0);
	CHECK(lw_ruleset_finalize(rs, &err) == 0);
	tf_hits h;
	tf_hits_init(&h);
	for (char *p = tok; *p; p++)
		*p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	snprintf(text, sizeof(text), "kw=%s\n", tok);
	CHECK(tf_scan(rs, "vendor/lib.c", text, &h) == 0);
	CHECK(tf_count(&h, "keep-me", NULL) == 1);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

static void test_config_keys(void)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	tf_hits h;
	char tok[24], text[256];

	tf_hits_init(&h);
	const char *rules = "{\"rules\":["
		"{\"id\":\"alpha\",\"description\":\"d\",\"regex\":\"alpha=([A-Za-z0-9]{12,})\",\"secret_group\":1,\"keywords\":[\"alpha\"]},"
		"{\"id\":\"beta\",\"description\":\"d\",\"regex\":\"beta=([A-Za-z0-9]{12,})\",\"secret_group\":1,\"keywords\":[\"BETA\"],"
		" \"severity\":\"low\",\"tags\":[\"t1\",\"t2\"],\"entropy\":2.5}]}";

	/* disable */
	CHECK(lw_ruleset_new(&rs) == 0);
	const char *cfg = "{\"disable\":[\"alpha\"]}";
	/* a config may come before the rules it disables: resolved at finalize */
	CHECK(lw_ruleset_add_json(rs, "cfg.json", cfg, strlen(cfg), &err) == 0);
	CHECK(lw_ruleset_add_json(rs, "rules.json", rules, strlen(rules), &err) == 0);
	CHECK(lw_ruleset_finalize(rs, &err) == 0);
	CHECK(lw_ruleset_rule(rs, (size_t)lw_ruleset_find(rs, "alpha"))->disabled == 1);
	CHECK(lw_ruleset_rule(rs, (size_t)lw_ruleset_find(rs, "beta"))->disabled == 0);
	tf_token(tok, 16);
	snprintf(text, sizeof(text), "alpha=%s\nbeta=%s\n", tok, tok);
	CHECK(tf_scan(rs, "a.txt", text, &h) == 0);
	CHECK(tf_count(&h, "alpha", NULL) == 0);
	CHECK(tf_count(&h, "beta", tok) == 1);
	/* rule metadata */
	const lw_rule_info *b = lw_ruleset_rule(rs, (size_t)lw_ruleset_find(rs, "beta"));
	CHECK(b->severity == LW_SEV_LOW);
	CHECK(b->ntags == 2 && !strcmp(b->tags[1], "t2"));
	CHECK(b->nkeywords == 1 && !strcmp(b->keywords[0], "beta")); /* lower-cased */
	CHECK(b->entropy == 2.5);
	CHECK(!strcmp(b->source, "rules.json"));
	CHECK(lw_ruleset_rule(rs, (size_t)lw_ruleset_find(rs, "alpha"))->severity == LW_SEV_HIGH);
	CHECK(lw_ruleset_rule(rs, 99) == NULL);
	CHECK(lw_ruleset_find(rs, "nope") == -1);
	/* adding after finalize is refused */
	CHECK(lw_ruleset_add_json(rs, "late.json", "{}", 2, &err) < 0);
	lw_ruleset_free(rs);

	/* disabling an unknown id fails at finalize, naming the id */
	CHECK(lw_ruleset_new(&rs) == 0);
	cfg = "{\"disable\":[\"no-such-rule\"]}";
	CHECK(lw_ruleset_add_json(rs, "cfg.json", cfg, strlen(cfg), &err) == 0);
	CHECK(lw_ruleset_add_json(rs, "rules.json", rules, strlen(rules), &err) == 0);
	memset(&err, 0, sizeof(err));
	CHECK(lw_ruleset_finalize(rs, &err) == LW_ECONFIG);
	CHECK(strstr(err.msg, "no-such-rule") != NULL);
	lw_ruleset_free(rs);
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_disable(rs, "nothing", &err) == LW_ENOTFOUND);
	lw_ruleset_free(rs);

	/* allow: paths, regexes, stopwords */
	CHECK(lw_ruleset_new(&rs) == 0);
	cfg = "{\"allow\":{\"paths\":[\"^vendor/\",\"\\\\.lock$\"],\"regexes\":[\"^Q\"],\"stopwords\":[\"zq\"]}}";
	CHECK(lw_ruleset_add_json(rs, "cfg.json", cfg, strlen(cfg), &err) == 0);
	CHECK(lw_ruleset_add_json(rs, "rules.json", rules, strlen(rules), &err) == 0);
	CHECK(lw_ruleset_finalize(rs, &err) == 0);
	tf_token(tok, 16);
	tok[0] = 'b'; /* not allowed by ^Q */
	for (char *p = tok; *p; p++)
		if (*p == 'z' || *p == 'Z' || *p == 'q' || *p == 'Q')
			*p = 'k';
	snprintf(text, sizeof(text), "alpha=%s\n", tok);
	CHECK(tf_scan(rs, "src/main.c", text, &h) == 0);
	CHECK(tf_count(&h, "alpha", tok) == 1);
	CHECK(tf_scan(rs, "vendor/x/y.c", text, &h) == 0);
	CHECK(h.n == 0);
	CHECK(tf_scan(rs, "Cargo.lock", text, &h) == 0);
	CHECK(h.n == 0);
	tok[0] = 'Q';
	snprintf(text, sizeof(text), "alpha=%s\n", tok);
	CHECK(tf_scan(rs, "src/main.c", text, &h) == 0);
	CHECK(h.n == 0);
	tok[0] = 'b';
	tok[3] = 'Z';
	tok[4] = 'q'; /* a stopword inside a random token is not a word */
	snprintf(text, sizeof(text), "alpha=%s\n", tok);
	CHECK(tf_scan(rs, "src/main.c", text, &h) == 0);
	CHECK(tf_count(&h, "alpha", tok) == 1);
	lw_ruleset_free(rs);

	/* a stopword that is the whole value drops it, in any case */
	CHECK(lw_ruleset_new(&rs) == 0);
	cfg = "{\"allow\":{\"stopwords\":[\"bcdfGHJKmnpq\"]}}";
	CHECK(lw_ruleset_add_json(rs, "cfg.json", cfg, strlen(cfg), &err) == 0);
	CHECK(lw_ruleset_add_json(rs, "rules.json", rules, strlen(rules), &err) == 0);
	CHECK(lw_ruleset_finalize(rs, &err) == 0);
	CHECK(tf_scan(rs, "src/main.c", "alpha=BCDFghjkMNPQ\n", &h) == 0);
	CHECK(h.n == 0);
	CHECK(tf_scan(rs, "src/main.c", "alpha=BCDFghjkMNPQ7\n", &h) == 0);
	CHECK(h.n == 1);
	lw_ruleset_free(rs);

	/* per-rule allow */
	CHECK(lw_ruleset_new(&rs) == 0);
	const char *pr = "{\"rules\":[{\"id\":\"gamma\",\"description\":\"d\",\"regex\":\"gamma=([A-Za-z0-9]{12,})\","
			 "\"secret_group\":1,\"keywords\":[\"gamma\"],\"allow\":{\"paths\":[\"^docs/\"]}}]}";
	CHECK(lw_ruleset_add_json(rs, "r.json", pr, strlen(pr), &err) == 0);
	CHECK(lw_ruleset_finalize(rs, &err) == 0);
	tf_token(tok, 16);
	snprintf(text, sizeof(text), "gamma=%s\n", tok);
	CHECK(tf_scan(rs, "docs/readme.md", text, &h) == 0);
	CHECK(h.n == 0);
	CHECK(tf_scan(rs, "src/docs/readme.md", text, &h) == 0);
	CHECK(h.n == 1);
	lw_ruleset_free(rs);

	/* defaults */
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_wants_defaults(rs) == 1);
	CHECK(lw_ruleset_add_json(rs, "d.json", "{\"defaults\":true}", 17, &err) == 0);
	CHECK(lw_ruleset_wants_defaults(rs) == 1);
	CHECK(lw_ruleset_add_json(rs, "d.json", "{\"defaults\":false}", 18, &err) == 0);
	CHECK(lw_ruleset_wants_defaults(rs) == 0);
	lw_ruleset_free(rs);

	/* the built-in set loads and finalizes, and a user file cannot reuse
	 * one of its ids */
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_defaults(rs, &err) == 0);
	CHECK(lw_ruleset_count(rs) > 0);
	if (lw_ruleset_count(rs) > 0) {
		char dup[512];
		snprintf(dup, sizeof(dup), "{\"rules\":[{\"id\":\"%s\",\"description\":\"d\",\"regex\":\"x\"}]}",
			lw_ruleset_rule(rs, 0)->id);
		size_t n = lw_ruleset_count(rs);
		CHECK(lw_ruleset_add_json(rs, "user.json", dup, strlen(dup), &err) == LW_ECONFIG);
		CHECK(lw_ruleset_count(rs) == n);
	}
	CHECK(lw_ruleset_finalize(rs, &err) == 0);
	lw_ruleset_free(rs);
	tf_hits_free(&h);
}

static void test_files(void)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	char dir[] = "/tmp/lw-loader-XXXXXX", path[256];

	CHECK(mkdtemp(dir) != NULL);
	CHECK(lw_ruleset_new(&rs) == 0);
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	CHECK(lw_ruleset_add_file(rs, path, &err) == LW_ECONFIG);
	CHECK(strstr(err.msg, path) != NULL);
	memset(&err, 0, sizeof(err));
	CHECK(lw_ruleset_add_file(rs, dir, &err) == LW_ECONFIG); /* a directory */
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("{\"rules\": [ {\"id\": \"x\", } ]}", f);
		fclose(f);
	}
	memset(&err, 0, sizeof(err));
	CHECK(lw_ruleset_add_file(rs, path, &err) == LW_ECONFIG);
	CHECK(strstr(err.msg, "bad.json") != NULL);
	snprintf(path, sizeof(path), "%s/good.json", dir);
	f = fopen(path, "w");
	if (f) {
		fputs(good_file, f);
		fclose(f);
	}
	CHECK(lw_ruleset_add_file(rs, path, &err) == 0);
	CHECK(lw_ruleset_count(rs) == 1);
	CHECK(strstr(lw_ruleset_rule(rs, 0)->source, "good.json") != NULL);
	lw_ruleset_free(rs);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	unlink(path);
	rmdir(dir);
}

static void test_check(void)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };

	/* a regex that backtracks catastrophically is caught by the check */
	const char *evil = "{\"rules\":[{\"id\":\"evil\",\"description\":\"d\",\"regex\":\"kw(a+)+$\",\"keywords\":[\"kw\"]}]}";
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "evil.json", evil, strlen(evil), &err) == 0);
	memset(&err, 0, sizeof(err));
	CHECK(lw_ruleset_check(rs, &err) == LW_ECONFIG);
	CHECK(strstr(err.msg, "evil") != NULL);
	lw_ruleset_free(rs);

	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "good.json", good_file, strlen(good_file), &err) == 0);
	CHECK(lw_ruleset_check(rs, &err) == 0);
	lw_ruleset_free(rs);
}

/* The embedded default rules are parsed without the strict checks at run
 * time (rules/ruleset.c): they must pass them here, file by file. */
static void test_embedded_strict(void)
{
	CHECK(lw_embedded_rules_count > 0);
	for (size_t i = 0; i < lw_embedded_rules_count; i++) {
		const lw_embedded_file *f = &lw_embedded_rules[i];
		cJSON *root = NULL;
		lw_error err = { 0 };
		if (lw_json_parse_strict(&root, (const char *)f->data, f->len, f->name, &err) < 0)
			fprintf(stderr, "  %s\n", err.msg);
		CHECK(root != NULL);
		cJSON_Delete(root);
	}
	/* and every id is found where it is, through the id index's rebuilds
	 * (over 512 rules) */
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	CHECK(lw_ruleset_new(&rs) == 0 && lw_ruleset_add_defaults(rs, &err) == 0);
	CHECK(lw_ruleset_count(rs) > 512);
	size_t found = 0;
	for (size_t i = 0; i < lw_ruleset_count(rs); i++)
		found += lw_ruleset_find(rs, lw_ruleset_rule(rs, i)->id) == (long)i;
	CHECK(found == lw_ruleset_count(rs));
	CHECK(lw_ruleset_find(rs, "no-such-rule-id") == -1);
	lw_ruleset_free(rs);
}

int main(void)
{
	tf_seed_random("test_json_loader");
	test_shape_errors();
	test_syntax_errors();
	test_depth();
	test_regex_errors();
	test_numbers();
	test_size_bound();
	test_atomic_files();
	test_config_keys();
	test_files();
	test_check();
	test_embedded_strict();
	return tap_done();
}
