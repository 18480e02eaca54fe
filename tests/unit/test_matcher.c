/*
 * test_matcher.c - the scanner: line and column numbers under every line
 * ending, multi-line rules, secret groups, inline allows, the entropy floor,
 * the placeholder filter, regex limits, invalid UTF-8 and deduplication.
 */
#include "lwtest.h"

/* tok=<secret>, secret = group 1, no entropy floor */
static const char *const tok_rules = "{\"rules\":["
	"{\"id\":\"tok\",\"description\":\"a token\",\"regex\":\"tok=([A-Za-z0-9]{16,})\","
	"\"secret_group\":1,\"keywords\":[\"tok\"]}]}";

static lw_ruleset *tok_rs;

static void check_position(const char *what, const char *text, const char *secret,
	uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col)
{
	tf_hits h;

	tf_hits_init(&h);
	CHECK(tf_scan(tok_rs, "pos.txt", text, &h) == 0);
	CHECK(h.n == 1);
	const tf_hit *x = tf_find(&h, "tok", secret);
	CHECK(x != NULL);
	if (x && (x->line != line || x->column != col || x->end_line != end_line ||
		  x->end_column != end_col)) {
		fprintf(stderr, "  %s: got %u:%u-%u:%u, want %u:%u-%u:%u\n", what, x->line, x->column,
			x->end_line, x->end_column, line, col, end_line, end_col);
		CHECK(!"position");
	}
	if (x) {
		/* line_text starts at the line's start and holds the secret at secret_col */
		CHECK(x->secret_col == col - 1);
		CHECK(!strncmp(x->line_text + x->secret_col, secret, strlen(secret)));
		CHECK(!strchr(x->line_text, '\n') && !strchr(x->line_text, '\r'));
	}
	tf_hits_free(&h);
}

static void test_lines(void)
{
	char s[32], t[256];
	uint32_t n;

	tf_token(s, 20);
	n = 20;
	snprintf(t, sizeof(t), "tok=%s", s);
	check_position("first line, no newline", t, s, 1, 5, 1, 4 + n);
	snprintf(t, sizeof(t), "a\nbb\n  tok=%s\nafter\n", s);
	check_position("LF", t, s, 3, 7, 3, 6 + n);
	snprintf(t, sizeof(t), "a\r\nbb\r\n  tok=%s\r\nafter\r\n", s);
	check_position("CRLF", t, s, 3, 7, 3, 6 + n);
	snprintf(t, sizeof(t), "a\rbb\r  tok=%s\rafter\r", s);
	check_position("lone CR", t, s, 3, 7, 3, 6 + n);
	snprintf(t, sizeof(t), "a\r\r\nb\n\r\n\rx tok=%s", s);
	check_position("mixed CR, CRLF, LF; no final newline", t, s, 6, 7, 6, 6 + n);
	snprintf(t, sizeof(t), "\n\n\n\ntok=%s\n", s);
	check_position("empty lines", t, s, 5, 5, 5, 4 + n);
	snprintf(t, sizeof(t), "\r\n\r\n\r\n\r\ntok=%s\r\n", s);
	check_position("empty CRLF lines", t, s, 5, 5, 5, 4 + n);

	/* first_line offsets every line */
	tf_hits h;
	tf_hits_init(&h);
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { tf_on_finding, tf_on_diag, &h };
	snprintf(t, sizeof(t), "x\r\ntok=%s\n", s);
	c.data = (const unsigned char *)t;
	c.len = strlen(t);
	c.path = "hunk.txt";
	c.first_line = 41;
	CHECK(lw_scan_buffer(tok_rs, NULL, &c, &sink) == 0);
	CHECK(h.n == 1 && h.v[0].line == 42 && h.v[0].end_line == 42);

	/* many findings in one chunk: every line number right, in order */
	char *big = NULL;
	size_t bl = 0;
	const char *const eols[] = { "\n", "\r\n", "\r" };
	for (int i = 0; i < 300; i++) {
		char line[96];
		snprintf(line, sizeof(line), "%*stok=%s%s", i % 7, "", s, eols[i % 3]);
		tf_appends(&big, &bl, line);
	}
	CHECK(tf_scan_opts(tok_rs, NULL, "many.txt", big, bl, &h) == 0);
	CHECK(h.n == 300);
	int ok = 1;
	for (size_t i = 0; i < h.n && i < TF_MAX_HITS; i++)
		if (h.v[i].line != i + 1 || h.v[i].column != (uint32_t)(i % 7) + 5)
			ok = 0;
	CHECK(ok);
	free(big);

	/* an empty chunk */
	CHECK(tf_scan_opts(tok_rs, NULL, "empty.txt", "", 0, &h) == 0);
	CHECK(h.n == 0);
	tf_hits_free(&h);
}

static void test_window(void)
{
	/* a key block: keyword on the first line, the secret on the next two */
	const char *json = "{\"rules\":["
		"{\"id\":\"block\",\"description\":\"d\",\"regex\":\"BEGIN KEY\\\\R([A-Za-z0-9]{12}\\\\R[A-Za-z0-9]{12})\\\\REND KEY\","
		"\"secret_group\":1,\"keywords\":[\"begin key\"],\"window\":200},"
		"{\"id\":\"noblock\",\"description\":\"d\",\"regex\":\"START KEY\\\\R([A-Za-z0-9]{12}\\\\R[A-Za-z0-9]{12})\\\\RSTOP KEY\","
		"\"secret_group\":1,\"keywords\":[\"start key\"]}]}";
	lw_ruleset *rs = tf_rules(json);
	tf_hits h;
	char a[16], b[16], t[256], want[64];

	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	tf_token(a, 12);
	tf_token(b, 12);
	const char *const eols[] = { "\n", "\r\n", "\r" };
	for (int e = 0; e < 3; e++) {
		const char *nl = eols[e];
		snprintf(t, sizeof(t), "head%s  BEGIN KEY%s%s%s%s%sEND KEY%stail%s", nl, nl, a, nl, b, nl, nl, nl);
		snprintf(want, sizeof(want), "%s%s%s", a, nl, b);
		CHECK(tf_scan(rs, "k.pem", t, &h) == 0);
		CHECK(h.n == 1);
		const tf_hit *x = tf_find(&h, "block", want);
		CHECK(x != NULL);
		if (x) {
			CHECK(x->line == 3 && x->column == 1);
			CHECK(x->end_line == 4 && x->end_column == 12);
		}
		/* without a window the rule only sees the keyword's line */
		snprintf(t, sizeof(t), "head%s  START KEY%s%s%s%s%sSTOP KEY%s", nl, nl, a, nl, b, nl, nl);
		CHECK(tf_scan(rs, "k.pem", t, &h) == 0);
		CHECK(h.n == 0);
	}
	tf_hits_free(&h);
	lw_ruleset_free(rs);

	/* the window is bounded: it reaches `window` bytes past the keyword's
	 * line (then to the end of that line), not further */
	rs = tf_rules("{\"rules\":["
		"{\"id\":\"near\",\"description\":\"d\",\"regex\":\"NEAR\\\\s+([A-Za-z0-9]{12})\",\"secret_group\":1,"
		"\"keywords\":[\"near\"],\"window\":50},"
		"{\"id\":\"far\",\"description\":\"d\",\"regex\":\"FAR\\\\s+([A-Za-z0-9]{12})\",\"secret_group\":1,"
		"\"keywords\":[\"far\"],\"window\":500}]}");
	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	for (int k = 0; k < 2; k++) {
		char *big = NULL;
		size_t bl = 0;
		tf_appends(&big, &bl, k ? "FAR\n" : "NEAR\n");
		for (int i = 0; i < 20; i++)
			tf_appends(&big, &bl, "          \n"); /* 220 bytes of blank lines */
		tf_appends(&big, &bl, a);
		tf_appends(&big, &bl, "\n");
		CHECK(tf_scan_opts(rs, NULL, "w.txt", big, bl, &h) == 0);
		CHECK(h.n == (size_t)k);
		if (k && h.n == 1)
			CHECK(h.v[0].line == 22 && h.v[0].column == 1 && !strcmp(h.v[0].secret, a));
		free(big);
	}
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

static void test_secret_group(void)
{
	const char *json = "{\"rules\":["
		"{\"id\":\"g2\",\"description\":\"d\",\"regex\":\"(user)=(\\\\w+):(\\\\w+)@\",\"secret_group\":3,\"keywords\":[\"user\"]},"
		"{\"id\":\"g0\",\"description\":\"d\",\"regex\":\"whole=\\\\w+\",\"keywords\":[\"whole\"]},"
		"{\"id\":\"opt\",\"description\":\"d\",\"regex\":\"opt=(?:([0-9]{6})|[a-z]{6})\",\"secret_group\":1,\"keywords\":[\"opt\"]}]}";
	lw_ruleset *rs = tf_rules(json);
	tf_hits h;
	char s[32], t[256];

	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	tf_token(s, 16);
	snprintf(t, sizeof(t), "x user=admin:%s@host\n", s);
	CHECK(tf_scan(rs, "a", t, &h) == 0);
	const tf_hit *x = tf_find(&h, "g2", s);
	CHECK(x != NULL);
	if (x) {
		CHECK(x->column == 14);
		CHECK(!strncmp(x->match, "user=admin:", 11)); /* the match is the whole match */
	}
	snprintf(t, sizeof(t), "whole=%s\n", s);
	CHECK(tf_scan(rs, "a", t, &h) == 0);
	char w[64];
	snprintf(w, sizeof(w), "whole=%s", s);
	CHECK(tf_count(&h, "g0", w) == 1);
	/* the secret group did not take part: the whole match stands in */
	CHECK(tf_scan(rs, "a", "opt=qwpzkd\n", &h) == 0);
	CHECK(h.n <= 1);
	CHECK(tf_scan(rs, "a", "opt=582967\n", &h) == 0);
	CHECK(tf_count(&h, "opt", "582967") == 1);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

static void test_inline_allow(void)
{
	tf_hits h;
	char s[32], t[256];

	tf_hits_init(&h);
	tf_token(s, 20);
	snprintf(t, sizeof(t), "tok=%s # leakwalk:allow\n", s);
	CHECK(tf_scan(tok_rs, "a", t, &h) == 0);
	CHECK(h.n == 0);
	snprintf(t, sizeof(t), "// LeakWalk:Allow test fixture\r\ntok=%s\r\ntok=%s // LEAKWALK:ALLOW\n", s, s);
	CHECK(tf_scan(tok_rs, "a", t, &h) == 0);
	CHECK(h.n == 1 && h.v[0].line == 2); /* the comment on another line does not count */
	/* the marker on the line after does not allow the line before */
	snprintf(t, sizeof(t), "tok=%s\n# leakwalk:allow\n", s);
	CHECK(tf_scan(tok_rs, "a", t, &h) == 0);
	CHECK(h.n == 1);
	/* honour_inline_allow = 0 reports it anyway */
	lw_scan_options o = LW_SCAN_OPTIONS_INIT;
	o.honour_inline_allow = 0;
	snprintf(t, sizeof(t), "tok=%s # leakwalk:allow\n", s);
	CHECK(tf_scan_opts(tok_rs, &o, "a", t, strlen(t), &h) == 0);
	CHECK(h.n == 1);
	/* lone-CR files: the marker on the previous "line" does not count */
	snprintf(t, sizeof(t), "x leakwalk:allow\rtok=%s\r", s);
	CHECK(tf_scan(tok_rs, "a", t, &h) == 0);
	CHECK(h.n == 1);
	tf_hits_free(&h);
}

static void test_entropy_floor(void)
{
	const char *json = "{\"rules\":[{\"id\":\"ent\",\"description\":\"d\",\"regex\":\"ent=([A-Za-z0-9]{16,})\","
			   "\"secret_group\":1,\"keywords\":[\"ent\"],\"entropy\":3.5}]}";
	lw_ruleset *rs = tf_rules(json);
	tf_hits h;
	char s[32], t[256];

	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	tf_token(s, 16); /* 16 distinct characters: exactly 4 bits */
	snprintf(t, sizeof(t), "ent=%s\n", s);
	CHECK(tf_scan(rs, "a", t, &h) == 0);
	CHECK(h.n == 1);
	if (h.n == 1)
		CHECK(h.v[0].entropy > 3.999 && h.v[0].entropy < 4.001);
	/* 8 distinct characters, twice each: exactly 3 bits, below the floor */
	char low[17];
	for (int i = 0; i < 16; i++)
		low[i] = s[i % 8];
	low[16] = 0;
	snprintf(t, sizeof(t), "ent=%s\n", low);
	CHECK(tf_scan(rs, "a", t, &h) == 0);
	CHECK(h.n == 0);
	/* 13 distinct of 16: 3.625 bits, above the floor */
	char mid[17];
	for (int i = 0; i < 16; i++)
		mid[i] = s[i < 13 ? i : i - 13];
	mid[16] = 0;
	snprintf(t, sizeof(t), "ent=%s\n", mid);
	CHECK(tf_scan(rs, "a", t, &h) == 0);
	CHECK(h.n == 1);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

static void test_placeholders(void)
{
	const char *json = "{\"rules\":[{\"id\":\"val\",\"description\":\"d\",\"regex\":\"val=([^\\\\s\\\"']{8,})\","
			   "\"secret_group\":1,\"keywords\":[\"val\"]}]}";
	lw_ruleset *rs = tf_rules(json);
	tf_hits h;
	char s[32], t[512], v[128];

	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	tf_token(s, 12);
	/* the AWS documentation's example key id, assembled here */
	char aws[32];
	snprintf(aws, sizeof(aws), "%s%s%s%s", "AK", "IAIOSF", "ODNN7", "EXAMPLE");
	/* '@' stands for the random part */
	const char *const forms[] = {
		"${@}", "{{@}}", "$(@)", "<@>", "changeme@", "CHANGEME_@", "@xxxxxxxx",
		"XXXXXXXXXXXXXXXX", "@_placeholder", "your_api_key_@", "process.env.@",
		"****************", "@/example/@", "os.environ[@]", "%s@",
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		size_t n = 0;
		for (const char *p = forms[i]; *p && n + sizeof(s) < sizeof(v); p++) {
			if (*p == '@') {
				memcpy(v + n, s, strlen(s));
				n += strlen(s);
			} else {
				v[n++] = *p;
			}
		}
		v[n] = 0;
		snprintf(t, sizeof(t), "val=%s\n", v);
		CHECK(tf_scan(rs, "a", t, &h) == 0);
		if (h.n) {
			fprintf(stderr, "  placeholder reported: %s\n", forms[i]);
			CHECK(!"placeholder filtered");
		}
		CHECK(lw_is_placeholder((const unsigned char *)v, strlen(v)) == 1);
	}
	snprintf(t, sizeof(t), "val=%s\n", aws);
	CHECK(tf_scan(rs, "a", t, &h) == 0);
	CHECK(h.n == 0);
	snprintf(t, sizeof(t), "val=%s%s\n", s, aws);
	CHECK(tf_scan(rs, "a", t, &h) == 0);
	CHECK(h.n == 0);
	CHECK(lw_is_placeholder((const unsigned char *)aws, strlen(aws)) == 1);
	CHECK(lw_is_placeholder((const unsigned char *)"", 0) == 1);
	/* "aaaaaaab": mostly one character */
	CHECK(lw_is_placeholder((const unsigned char *)"aaaaaaab", 8) == 1);
	/* "..._here" stand-ins (wp-config-sample.php), not a word ending in "here" */
	CHECK(lw_is_placeholder((const unsigned char *)"password_here", 13) == 1);
	CHECK(lw_is_placeholder((const unsigned char *)"YOUR-TOKEN-HERE", 15) == 1);
	CHECK(lw_is_placeholder((const unsigned char *)"Kq7whereZt2", 11) == 0);
	/* documentation's sample passwords as the whole value only */
	CHECK(lw_is_placeholder((const unsigned char *)"QWERTY", 6) == 1);
	CHECK(lw_is_placeholder((const unsigned char *)"p4ssw0rd", 8) == 1);
	CHECK(lw_is_placeholder((const unsigned char *)"Qwerty!", 7) == 0);
	CHECK(lw_is_placeholder((const unsigned char *)"mysecret-Zt2v", 13) == 0);
	/* references and templates need their shape, not two marks side by side */
	{
		static const char *const refs[] = { "${DB_PASS}", "${{ secrets.X }}", "$(cat /run/pw)",
			"#{ENV['PW']}", "%(db_password)s", "{{ vault_pw }}", "<%= @pw %>", "pre-${NAME",
			"{{pw", "pw}}" };
		static const char *const pws[] = { "qZd%(gq*8wtG/rJEs", "Kq$(7Zt2!Vw9", "Tz#{9!vB2q",
			"a${+x7Kq2", "Xq{{7Zt2Vw9", "Zt}}Vw9Kq7", "Kq<%7Zt2Vw9" };
		for (size_t i = 0; i < sizeof(refs) / sizeof(*refs); i++)
			CHECK(lw_is_placeholder((const unsigned char *)refs[i], strlen(refs[i])) == 1);
		for (size_t i = 0; i < sizeof(pws) / sizeof(*pws); i++)
			CHECK(lw_is_placeholder((const unsigned char *)pws[i], strlen(pws[i])) == 0);
	}
	/* a random value is not a placeholder, and is reported */
	CHECK(lw_is_placeholder((const unsigned char *)s, strlen(s)) == 0);
	snprintf(t, sizeof(t), "val=%s\n", s);
	CHECK(tf_scan(rs, "a", t, &h) == 0);
	CHECK(tf_count(&h, "val", s) == 1);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

/* A user rule with a catastrophic regex: the limit is hit, a diagnostic
 * names the rule and the line, and the rest of the chunk is still
 * scanned. */
static void test_catastrophic(void)
{
	const char *json = "{\"rules\":["
		"{\"id\":\"evil\",\"description\":\"d\",\"regex\":\"(a+)+$\"},"
		"{\"id\":\"tok\",\"description\":\"d\",\"regex\":\"tok=([A-Za-z0-9]{16,})\",\"secret_group\":1,\"keywords\":[\"tok\"]}]}";
	lw_ruleset *rs = tf_rules(json);
	tf_hits h;
	char s[32], bad[64];
	char *t = NULL;
	size_t tl = 0;

	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	tf_token(s, 20);
	memset(bad, 'a', 40);
	bad[40] = 'b';
	bad[41] = '\n';
	bad[42] = 0;
	/* line 1: clean; line 2: the pathological line; line 3: a match of
	 * the evil rule; line 4: a token */
	tf_appends(&t, &tl, "nothing to see\n");
	tf_appends(&t, &tl, bad);
	tf_appends(&t, &tl, "zz aaaa\n");
	tf_appends(&t, &tl, "tok=");
	tf_appends(&t, &tl, s);
	tf_appends(&t, &tl, "\n");

	lw_scanner *sc = NULL;
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { tf_on_finding, tf_on_diag, &h };
	CHECK(lw_scanner_new(&sc, rs, NULL) == 0);
	c.data = (const unsigned char *)t;
	c.len = tl;
	c.path = "evil.txt";
	CHECK(lw_scanner_scan(sc, &c, &sink) == 0);
	CHECK(h.ndiag >= 1);
	CHECK(lw_scanner_limit_hits(sc) >= 1);
	/* the diagnostic names the rule and the pathological line */
	int named = 0, right_line = 1;
	for (size_t i = 0; i < h.ndiag && i < TF_MAX_DIAGS; i++) {
		if (!strcmp(h.diag_rule[i], "evil"))
			named = 1;
		if (h.diag_line[i] != 2) {
			right_line = 0;
			fprintf(stderr, "  diagnostic %zu names line %u (the pathological line is 2): %s\n",
				i, h.diag_line[i], h.diag_msg[i]);
		}
	}
	CHECK(named);
	CHECK(right_line);
	/* one pathological line costs one limit hit, not one per line before it */
	CHECK(h.ndiag == 1);
	CHECK(lw_scanner_limit_hits(sc) == 1);
	/* the scan went on: the evil rule's match after the bad line, and the token */
	const tf_hit *x = tf_find(&h, "evil", "aaaa");
	CHECK(x != NULL && x->line == 3);
	x = tf_find(&h, "tok", s);
	CHECK(x != NULL && x->line == 4);
	lw_scanner_free(sc);

	/* many clean lines before the bad one: still one diagnostic */
	free(t);
	t = NULL;
	tl = 0;
	for (int i = 0; i < 50; i++)
		tf_appends(&t, &tl, "a clean line\n");
	tf_appends(&t, &tl, bad);
	tf_appends(&t, &tl, "tok=");
	tf_appends(&t, &tl, s);
	tf_appends(&t, &tl, "\n");
	CHECK(tf_scan_opts(rs, NULL, "evil2.txt", t, tl, &h) == 0);
	CHECK(tf_count(&h, "tok", s) == 1);
	if (h.ndiag != 1)
		fprintf(stderr, "  50 clean lines then one pathological line: %zu diagnostics\n", h.ndiag);
	CHECK(h.ndiag == 1);
	CHECK(h.ndiag >= 1 && h.diag_line[0] == 51);
	free(t);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

static void test_invalid_utf8(void)
{
	tf_hits h;
	char s[32];
	unsigned char t[256];
	size_t n = 0;

	tf_hits_init(&h);
	tf_token(s, 20);
	const unsigned char pre[] = { 0xff, 0xfe, 0xc3, 0x28, 0x80, ' ', 0xe2, 0x82, ' ' };
	memcpy(t, pre, sizeof(pre));
	n = sizeof(pre);
	memcpy(t + n, "tok=", 4);
	n += 4;
	memcpy(t + n, s, 20);
	n += 20;
	const unsigned char post[] = { 0xed, 0xa0, 0x80, 0xc0, 0xaf, '\n', 0xf8, 0x00, 0x01 };
	memcpy(t + n, post, sizeof(post));
	n += sizeof(post);
	CHECK(tf_scan_opts(tok_rs, NULL, "bin.txt", t, n, &h) == 0);
	const tf_hit *x = tf_find(&h, "tok", s);
	CHECK(x != NULL);
	if (x)
		CHECK(x->line == 1 && x->column == sizeof(pre) + 5);
	/* a NUL byte in the buffer does not end the scan */
	unsigned char z[128];
	n = 0;
	z[n++] = 0;
	z[n++] = '\n';
	memcpy(z + n, "tok=", 4);
	n += 4;
	memcpy(z + n, s, 20);
	n += 20;
	CHECK(tf_scan_opts(tok_rs, NULL, "nul.txt", z, n, &h) == 0);
	CHECK(tf_count(&h, "tok", s) == 1);
	tf_hits_free(&h);
}

static void test_dedup(void)
{
	/* both orders of definition: the generic rule first, then second */
	const char *const sets[] = {
		"{\"rules\":["
		"{\"id\":\"gen\",\"description\":\"d\",\"regex\":\"key\\\\s*=\\\\s*\\\"([^\\\"]+)\\\"\",\"secret_group\":1,\"keywords\":[\"key\"],\"tags\":[\"generic\"]},"
		"{\"id\":\"spec\",\"description\":\"d\",\"regex\":\"spk_[A-Za-z0-9]{16}\",\"keywords\":[\"spk_\"],\"tags\":[\"vendor\"],\"entropy\":3}]}",
		"{\"rules\":["
		"{\"id\":\"spec\",\"description\":\"d\",\"regex\":\"spk_[A-Za-z0-9]{16}\",\"keywords\":[\"spk_\"],\"tags\":[\"vendor\"],\"entropy\":3},"
		"{\"id\":\"gen\",\"description\":\"d\",\"regex\":\"key\\\\s*=\\\\s*\\\"([^\\\"]+)\\\"\",\"secret_group\":1,\"keywords\":[\"key\"],\"tags\":[\"generic\"]}]}",
	};
	char s[32], t[256], full[64];
	tf_hits h;

	tf_hits_init(&h);
	for (int k = 0; k < 2; k++) {
		lw_ruleset *rs = tf_rules(sets[k]);
		CHECK(rs != NULL);
		if (!rs)
			continue;
		tf_token(s, 16);
		snprintf(full, sizeof(full), "spk_%s", s);
		/* same secret */
		snprintf(t, sizeof(t), "api_key = \"%s\"\n", full);
		CHECK(tf_scan(rs, "a", t, &h) == 0);
		CHECK(h.n == 1 && tf_count(&h, "spec", full) == 1);
		/* the generic secret contains the specific one */
		snprintf(t, sizeof(t), "api_key = \"x-%s-y\"\n", full);
		CHECK(tf_scan(rs, "a", t, &h) == 0);
		CHECK(h.n == 1 && tf_count(&h, "spec", full) == 1);
		/* no overlap: both are reported */
		char g[32];
		tf_token(g, 14);
		snprintf(t, sizeof(t), "api_key = \"%s\" %s\n", g, full);
		CHECK(tf_scan(rs, "a", t, &h) == 0);
		CHECK(h.n == 2 && tf_count(&h, "gen", g) == 1 && tf_count(&h, "spec", full) == 1);
		/* the specific candidate is filtered (entropy below its floor):
		 * it must not hide the generic finding */
		snprintf(full, sizeof(full), "spk_%s", "abababababababab");
		snprintf(t, sizeof(t), "api_key = \"%s\"\n", full);
		CHECK(tf_scan(rs, "a", t, &h) == 0);
		CHECK(h.n == 1 && tf_count(&h, "gen", full) == 1);
		lw_ruleset_free(rs);
	}
	/* the same rule and range found twice (overlapping keyword windows)
	 * is reported once */
	lw_ruleset *rs = tf_rules(tok_rules);
	tf_token(s, 20);
	snprintf(t, sizeof(t), "tok tok tok=%s tok\n", s);
	CHECK(tf_scan(rs, "a", t, &h) == 0);
	CHECK(h.n == 1);
	lw_ruleset_free(rs);
	tf_hits_free(&h);
}

static void test_misc(void)
{
	tf_hits h;
	char s[32], t[256];
	lw_error err = { 0 };

	tf_hits_init(&h);
	tf_token(s, 20);
	/* the callback stops the scan */
	snprintf(t, sizeof(t), "tok=%s\ntok=%s\ntok=%s\n", s, s, s);
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { tf_on_finding, NULL, &h };
	c.data = (const unsigned char *)t;
	c.len = strlen(t);
	c.path = "a";
	h.stop_after = 1;
	CHECK(lw_scan_buffer(tok_rs, NULL, &c, &sink) == LW_ESTOP);
	CHECK(h.n == 1);
	h.stop_after = 0;
	/* same secret twice: same fingerprint, different columns */
	snprintf(t, sizeof(t), "tok=%s;tok=%s\n", s, s);
	CHECK(tf_scan(tok_rs, "a", t, &h) == 0);
	CHECK(h.n == 2);
	if (h.n == 2) {
		CHECK(!strcmp(h.v[0].fingerprint, h.v[1].fingerprint));
		CHECK(h.v[0].column == 5 && h.v[1].column == 30);
	}
	/* the fingerprint follows fingerprint_path when it is set */
	char fp1[33], fp2[33];
	CHECK(tf_scan(tok_rs, "/abs/root/src/a.c", t, &h) == 0);
	memcpy(fp1, h.v[0].fingerprint, 33);
	c.data = (const unsigned char *)t;
	c.len = strlen(t);
	c.path = "/abs/root/src/a.c";
	c.fingerprint_path = "src/a.c";
	tf_hits_reset(&h);
	sink.on_diag = tf_on_diag;
	CHECK(lw_scan_buffer(tok_rs, NULL, &c, &sink) == 0);
	memcpy(fp2, h.v[0].fingerprint, 33);
	CHECK(strcmp(fp1, fp2) != 0);
	char want[33];
	lw_fingerprint(want, "tok", "src/a.c", (const unsigned char *)s, strlen(s));
	CHECK(!strcmp(fp2, want));
	/* an unfinalized rule set cannot scan */
	lw_ruleset *rs = NULL;
	lw_scanner *sc = NULL;
	CHECK(lw_ruleset_new(&rs) == 0);
	CHECK(lw_ruleset_add_json(rs, "r", tok_rules, strlen(tok_rules), &err) == 0);
	CHECK(lw_scanner_new(&sc, rs, NULL) == 0);
	c.fingerprint_path = NULL;
	CHECK(lw_scanner_scan(sc, &c, &sink) < 0);
	lw_scanner_free(sc);
	lw_ruleset_free(rs);
	/* a long line: line_text is bounded and still holds the secret */
	char *big = NULL;
	size_t bl = 0;
	for (int i = 0; i < 2000; i++)
		tf_appends(&big, &bl, "0123456789");
	tf_appends(&big, &bl, " tok=");
	tf_appends(&big, &bl, s);
	tf_appends(&big, &bl, " ");
	for (int i = 0; i < 2000; i++)
		tf_appends(&big, &bl, "0123456789");
	CHECK(tf_scan_opts(tok_rs, NULL, "long.txt", big, bl, &h) == 0);
	CHECK(h.n == 1);
	if (h.n == 1) {
		CHECK(h.v[0].column == 20006);
		CHECK(strlen(h.v[0].line_text) <= 1000);
		CHECK(!strncmp(h.v[0].line_text + h.v[0].secret_col, s, strlen(s)));
	}
	free(big);

	/* more candidates in one chunk than the bound: a diagnostic says the
	 * coverage is incomplete, never silence */
	lw_ruleset *many = tf_rules("{\"rules\":[{\"id\":\"digits\",\"description\":\"d\","
		"\"regex\":\"q([0-9]{4})\",\"secret_group\":1,\"keywords\":[\"q\"]}]}");
	CHECK(many != NULL);
	if (many) {
		big = NULL;
		bl = 0;
		for (int i = 0; i < 14000; i++)
			tf_appends(&big, &bl, "q1234q5678q9012q3456q7890q2468q1357q8642q9753q1470\n");
		lw_scanner *msc = NULL;
		CHECK(lw_scanner_new(&msc, many, NULL) == 0);
		c.data = (const unsigned char *)big;
		c.len = bl;
		c.path = "many.txt";
		c.fingerprint_path = NULL;
		tf_hits_reset(&h);
		sink.on_finding = tf_on_finding;
		sink.on_diag = tf_on_diag;
		CHECK(lw_scanner_scan(msc, &c, &sink) == 0);
		CHECK(h.ndiag >= 1);
		CHECK(lw_scanner_limit_hits(msc) >= 1);
		CHECK(h.n > 0 && h.n < 140000);
		/* once the chunk is over its bound it is over it: one diagnostic,
		 * not one per remaining line (each costs a pass over the chunk) */
		if (h.ndiag != 1)
			fprintf(stderr, "  candidate bound: %zu diagnostics for one chunk\n", h.ndiag);
		CHECK(h.ndiag == 1);
		lw_scanner_free(msc);
		free(big);
		lw_ruleset_free(many);
	}
	tf_hits_free(&h);
}

int main(void)
{
	tf_seed_random("test_matcher");
	tok_rs = tf_rules(tok_rules);
	CHECK(tok_rs != NULL);
	if (!tok_rs)
		return tap_done();
	test_lines();
	test_window();
	test_secret_group();
	test_inline_allow();
	test_entropy_floor();
	test_placeholders();
	test_catastrophic();
	test_invalid_utf8();
	test_dedup();
	test_misc();
	lw_ruleset_free(tok_rs);
	return tap_done();
}
