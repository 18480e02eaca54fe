/*
 * test_regex_lazy.c - the built-in rules' allow and path regexes compile at
 * their first use (start-up compiled some 700 of them for every command):
 * a lazy list matches exactly as a compiled one, a regex that does not
 * compile matches nothing and says why, threads racing to compile keep one
 * copy, and compiling a rule compiles its lists (so `rules test` proves them).
 */
#include <pthread.h>

#include <cjson/cJSON.h>

#include "lwtest.h"
#include "util/json_strict.h"

static int list_from(lw_regex_list *l, const char *json, int lazy, lw_error *err)
{
	cJSON *obj = cJSON_Parse(json);
	int rc = lw_json_get_regexlist(l, obj, "paths", "test", lazy, err);

	cJSON_Delete(obj);
	return rc;
}

static int matches(const lw_regex_list *l, const char *s)
{
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	int m = lw_regex_list_matches(l, (const unsigned char *)s, strlen(s), md);

	pcre2_match_data_free(md);
	return m;
}

static void test_lazy_list(void)
{
	lw_regex_list l;
	lw_error err = { 0 };

	CHECK(list_from(&l, "{\"paths\":[\"\\\\.env$\",\"(unclosed\",\"^docs/\"]}", 1, &err) == 0);
	CHECK(l.n == 3);
	/* nothing compiled until asked */
	CHECK(l.codes[0] == NULL && l.codes[1] == NULL && l.codes[2] == NULL);
	CHECK(matches(&l, "app/.env"));
	CHECK(l.codes[0] != NULL);
	CHECK(l.codes[2] == NULL); /* the first that matched ends the search */
	CHECK(matches(&l, "docs/a.md"));
	CHECK(!matches(&l, "src/main.c"));
	/* the broken one matches nothing and says why when asked */
	CHECK(lw_regex_list_at(&l, 1, &err) == NULL);
	CHECK(strstr(err.msg, "(unclosed") != NULL);
	CHECK(lw_regex_list_at(&l, 0, NULL) != NULL);
	lw_regex_list_dispose(&l);

	/* compiled now (a user's configuration): the broken one is an error */
	memset(&err, 0, sizeof(err));
	CHECK(list_from(&l, "{\"paths\":[\"\\\\.env$\",\"(unclosed\"]}", 0, &err) < 0);
	CHECK(strstr(err.msg, "paths[1]") != NULL);
}

typedef struct race {
	const lw_regex_list *l;
	int ok;
} race;

static void *race_main(void *p)
{
	race *r = p;

	r->ok = 1;
	for (int i = 0; i < 200; i++)
		r->ok &= matches(r->l, "x/secret.pem") && !matches(r->l, "x/readme");
	return NULL;
}

static void test_threads(void)
{
	lw_regex_list l;
	lw_error err = { 0 };
	pthread_t th[4];
	race rr[4];

	CHECK(list_from(&l, "{\"paths\":[\"\\\\.key$\",\"\\\\.pem$\"]}", 1, &err) == 0);
	for (int i = 0; i < 4; i++) {
		rr[i] = (race){ &l, 0 };
		pthread_create(&th[i], NULL, race_main, &rr[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(rr[i].ok);
	}
	lw_regex_list_dispose(&l); /* ASan: one copy kept, the others freed */
}

static void test_builtin(void)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	size_t lazy = 0, compiled = 0, failed = 0;

	CHECK(lw_ruleset_new(&rs) == 0 && lw_ruleset_add_defaults(rs, &err) == 0 &&
	      lw_ruleset_finalize(rs, &err) == 0);
	for (size_t i = 0; i < rs->n; i++) {
		lw_rule *r = &rs->rules[i];
		lazy += r->allow.regexes.n && r->allow.regexes.codes[0] == NULL;
		if (r->path_only)
			continue;
		if (lw_rule_ensure_compiled(rs, r, &err) < 0) {
			failed++;
			continue;
		}
		const lw_regex_list *lists[] = { &r->allow.paths, &r->allow.regexes, &r->paths };
		for (size_t k = 0; k < 3; k++)
			for (size_t j = 0; j < lists[k]->n; j++)
				compiled += lists[k]->codes[j] != NULL &&
					    lw_regex_list_at(lists[k], j, NULL) != NULL;
	}
	CHECK(lazy > 0);     /* start-up left them for later */
	CHECK(failed == 0);  /* and every one of them compiles */
	CHECK(compiled > 100);
	lw_ruleset_free(rs);
}

int main(void)
{
	test_lazy_list();
	test_threads();
	test_builtin();
	return tap_done();
}
