/*
 * test_stopword.c - allow.stopwords match whole components of a secret,
 * not substrings: "bar" inside a random token must not drop it.
 */
#include "lwtest.h"

static int has(const char *s, const char *w)
{
	return lw_has_stopword((const unsigned char *)s, strlen(s), w);
}

static void test_components(void)
{
	/* the whole value, any case */
	CHECK(has("bar", "bar"));
	CHECK(has("SeCrEt", "secret"));
	/* a component delimited by non-alphanumerics, at either end or inside */
	CHECK(has("my-test-value", "test"));
	CHECK(has("test_9f3K", "test"));
	CHECK(has("9f3K.test", "test"));
	CHECK(has("a/bar/b", "bar"));
	/* inside a run of letters or digits: not a word */
	CHECK(!has("xK9barQ2", "bar"));
	CHECK(!has("zzSecrEtzz", "secret"));
	CHECK(!has("testing", "test"));
	CHECK(!has("attest", "test"));
	CHECK(!has("test1", "test"));
	CHECK(!has("1test", "test"));
	/* a later occurrence can still be whole */
	CHECK(has("attest-test", "test"));
	/* a stopword ending in punctuation needs no boundary at that end */
	CHECK(has("your_password", "your_"));
	CHECK(!has("fouryour_x", "your_"));
	CHECK(!has("", "bar"));
	CHECK(!has("bar", ""));
}

/* End to end: a rule's stopword drops a finding only when it is a word. */
static void test_in_rule(void)
{
	lw_ruleset *rs = tf_rules("{\"rules\":[{\"id\":\"kv\",\"description\":\"d\","
		"\"regex\":\"tok=(\\\\S+)\",\"secret_group\":1,\"keywords\":[\"tok=\"],"
		"\"allow\":{\"stopwords\":[\"bar\"]}}]}");
	CHECK(rs != NULL);
	if (!rs)
		return;
	char t[24], text[256];
	tf_token(t, 20);
	tf_hits h;
	tf_hits_init(&h);
	snprintf(text, sizeof(text), "tok=%.8sbar%s\ntok=%.8s-bar-%s\n", t, t + 8, t, t + 8);
	CHECK(tf_scan(rs, "s.txt", text, &h) == 0);
	CHECK(h.n == 1);
	if (h.n == 1)
		CHECK(h.v[0].line == 1);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

int main(void)
{
	tf_seed_random("test_stopword");
	test_components();
	test_in_rule();
	return tap_done();
}
