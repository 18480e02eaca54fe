/*
 * test_docexample.c - which lines show code in documentation (their values
 * are samples for the key-name rules) and which are settings, live or
 * commented out (still reported).
 */
#include "lwtest.h"

static int doc(const char *s)
{
	return lw_line_is_doc_example((const unsigned char *)s, strlen(s));
}

int main(void)
{
	/* indented under a comment marker: an example in a doc comment */
	CHECK(doc("#   user.password = 'x'"));
	CHECK(doc("    #     \"admins\": {\"password\": \"x\"}"));
	CHECK(doc("//  conn.login(u, \"x\")"));
	CHECK(doc(" *   String password = \"x\";"));
	CHECK(doc("--\tpassword := 'x'"));
	CHECK(doc("#\tpassword = 'x'"));
	/* doctest and shell prompts */
	CHECK(doc(">>> smtp.login('u', 'x')"));
	CHECK(doc("    ... password='x')"));
	CHECK(doc("$ export DB_PASSWORD=x"));
	/* settings, commented out or not, still count */
	CHECK(!doc("password = 'x'"));
	CHECK(!doc("# password = 'x'"));
	CHECK(!doc("#password=x"));
	CHECK(!doc("  // password: 'x'"));
	CHECK(!doc("$password = 'x';"));
	CHECK(!doc("#   "));
	CHECK(!doc(""));
	return tap_done();
}
