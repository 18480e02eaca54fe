/*
 * test_genplaceholder.c - the placeholder filter of the key-name rules:
 * template marks count only in their real shape, since typed passwords hold
 * any punctuation; base64 that decodes to a named stand-in is a sample.
 * Values are assembled from parts so that no line of this file is one.
 */
#include "lwtest.h"

static int ph(const char *s)
{
	return lw_is_generic_placeholder((const unsigned char *)s, strlen(s));
}

int main(void)
{
	char v[128];

	/* real templates and references */
	CHECK(ph("{{ db_password }}"));
	CHECK(ph("{{.Password}}"));
	CHECK(ph("${DB_PASSWORD}"));
	CHECK(ph("$(cat /run/secrets/pw)"));
	CHECK(ph("%(db_password)s"));
	CHECK(ph("'`pwd`'"));
	CHECK(ph("`cat /run/secrets/pw`"));
	CHECK(ph("user:%s"));
	CHECK(ph("%s"));
	CHECK(ph("#{db_password}"));
	CHECK(ph("<%= db_password %>"));
	CHECK(ph("<db password>"));
	CHECK(ph("<your-password>"));
	CHECK(ph("process.env.DB_PASSWORD"));
	CHECK(ph("changeme"));
	CHECK(ph("xxxxxxxx"));
	CHECK(ph(""));
	/* the same marks inside random passwords */
	snprintf(v, sizeof v, "%s%s", "}}j=i2[%{vQy7G", "?qrV1N<R!D");
	CHECK(!ph(v));
	snprintf(v, sizeof v, "%s%s", "$(k4^qtVB", "MbY3Y9;1");
	CHECK(!ph(v));
	snprintf(v, sizeof v, "%s%s", "`k4^qtVB", "MbY3Y9;1`");
	CHECK(!ph(v));
	snprintf(v, sizeof v, "%s%s", "CNa3Bg1B^a^j7", "N%sqv");
	CHECK(!ph(v));
	snprintf(v, sizeof v, "%s%s", "e$GbfeC1>&?", "<h~.>");
	CHECK(!ph(v));
	snprintf(v, sizeof v, "%s%s", "Qwerty", "%!!^");
	CHECK(!ph(v));
	snprintf(v, sizeof v, "%s%s", "{x", "y9Lq}w");
	CHECK(!ph(v));
	snprintf(v, sizeof v, "%s%s", "q5.t%(tn.[t*tPKKw)f", "NbD/n0H(%^kZef;U");
	CHECK(!ph(v));
	snprintf(v, sizeof v, "%s%s", "Lm4${aQ", "9z!}w");
	CHECK(!ph(v));
	CHECK(ph("${X:-fallback}"));
	CHECK(ph("$(DB_PASS)"));
	/* base64: "not my real password" is a sample, random bytes are not */
	CHECK(ph("bm90IG15IHJlYWwgcGFzc3dvcmQ="));
	snprintf(v, sizeof v, "%s%s", "aXNhYWNzOm5vdCBteSBy", "ZWFsIHBhc3N3b3Jk");
	CHECK(ph(v));
	snprintf(v, sizeof v, "%s%s", "q8Zr2LmT0vX4", "wK7pN3bY");
	CHECK(!ph(v));
	return tap_done();
}
