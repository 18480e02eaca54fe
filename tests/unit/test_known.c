/*
 * test_known.c - what looks like a secret and is not (known.c): the
 * documented example values, matched exactly; AWS SigV4 scopes, signed
 * header lists and signatures; timestamps and elided values. And the
 * confidence of a finding (confidence.c), case by case.
 */
#include <cjson/cJSON.h>

#include "lwtest.h"

#define S(x) (const unsigned char *)(x), strlen(x)

static int structured(const char *line, const char *value)
{
	const char *v = strstr(line, value);

	return v && lw_is_structured_nonsecret((const unsigned char *)line, strlen(line),
			    (size_t)(v - line), strlen(value));
}

static int structured_at(const char *line, size_t off, size_t len)
{
	return lw_is_structured_nonsecret((const unsigned char *)line, strlen(line), off, len);
}

/* every value of the data file is known; changed by one byte, longer or
 * shorter, it is not */
static void test_documented(void)
{
	char path[1024], *data = NULL;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../../patterns/known/documented-examples.json", LW_FIXTURES);
	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	data = malloc(1 << 20);
	n = fread(data, 1, (1 << 20) - 1, f);
	fclose(f);
	data[n] = 0;
	cJSON *root = cJSON_Parse(data), *e;
	size_t count = 0;
	CHECK(root != NULL);
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(root, "examples")) {
		const char *v = cJSON_GetObjectItemCaseSensitive(e, "value")->valuestring;
		const cJSON *src = cJSON_GetObjectItemCaseSensitive(e, "source");
		char buf[512];
		size_t l = strlen(v);
		count++;
		CHECK(cJSON_IsString(src) && strncmp(src->valuestring, "https://", 8) == 0);
		CHECK(lw_is_documented_example(S(v)));
		CHECK(lw_is_placeholder(S(v)));
		CHECK(l + 2 < sizeof(buf));
		memcpy(buf, v, l + 1);
		buf[l / 2] = buf[l / 2] == 'Q' ? 'R' : 'Q';
		CHECK(!lw_is_documented_example((const unsigned char *)buf, l));
		memcpy(buf, v, l);
		buf[l] = 'Z';
		CHECK(!lw_is_documented_example((const unsigned char *)buf, l + 1)); /* contains it */
		CHECK(!lw_is_documented_example((const unsigned char *)v, l - 1));
	}
	CHECK(count >= 10);
	CHECK(!lw_is_documented_example(S("")));
	cJSON_Delete(root);
	free(data);
}

static void test_sigv4(void)
{
	char kid[32], sig[65], line[512];

	memcpy(kid, "AKIA", 4);
	for (int i = 0; i < 16; i++)
		kid[4 + i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[tf_below(32)];
	kid[20] = 0;
	for (int i = 0; i < 64; i++)
		sig[i] = "0123456789abcdef"[tf_below(16)];
	sig[64] = 0;
	char scope[128];
	snprintf(scope, sizeof(scope), "%s/20240101/us-east-1/s3/aws4_request", kid);
	snprintf(line, sizeof(line), "Authorization: AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=host;range;x-amz-date, Signature=%s", scope, sig);
	CHECK(structured(line, scope));
	CHECK(structured(line, kid));                        /* the key ID that starts one */
	CHECK(structured(line, "host;range;x-amz-date"));
	CHECK(structured(line, sig));
	char withcomma[140];
	snprintf(withcomma, sizeof(withcomma), "%s,", scope);
	CHECK(structured(line, withcomma));                  /* a greedy value's separator */
	snprintf(line, sizeof(line), "X-Amz-Credential=%s%%2F20240101%%2Feu-west-1%%2Fiam%%2Faws4_request&x=1", kid);
	char enc[140];
	snprintf(enc, sizeof(enc), "%s%%2F20240101%%2Feu-west-1%%2Fiam%%2Faws4_request", kid);
	CHECK(structured(line, enc));
	CHECK(structured("credential = \"AKID/20240101/us-east-1/s3/aws4_request\"",
		"AKID/20240101/us-east-1/s3/aws4_request"));
	/* not scopes */
	snprintf(line, sizeof(line), "key = %s", kid);
	CHECK(!structured(line, kid));                       /* a key ID alone */
	CHECK(!structured("p = AKID/2024011/us-east-1/s3/aws4_request", "AKID/2024011/us-east-1/s3/aws4_request"));
	CHECK(!structured("p = AKID/20240101/us-east-1/s3/aws4_requests", "AKID/20240101/us-east-1/s3/aws4_requests"));
	CHECK(!structured("p = AKID/20240101/US-EAST-1/s3/aws4_request", "AKID/20240101/US-EAST-1/s3/aws4_request"));
	/* a 64-hex value with no SigV4 around it is not a signature */
	snprintf(line, sizeof(line), "hmac_secret = %s", sig);
	CHECK(!structured(line, sig));
	snprintf(line, sizeof(line), "GET /o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=%s", sig);
	CHECK(structured(line, sig));
	/* header lists: lower-case names, one SigV4's own */
	CHECK(!structured("pw = correct-horse;battery", "correct-horse;battery"));
	CHECK(!structured("pw = host", "host"));
	CHECK(!structured("pw = Host;X-Amz-Date", "Host;X-Amz-Date"));
}

static void test_shapes(void)
{
	static const char *const times[] = { "2016-09-08", "2016-09-08T21:47:36Z", "2016-09-08 21:47",
		"2016-09-08T21:47:36.123+02:00", "2016-09-08T21:47:36-0700", "2016-09-08T21:47:36,5Z" };
	static const char *const not_times[] = { "2016-09-08T", "2016-9-08", "20160908T214736Z",
		"2016-09-08T21:47:36Zz", "2016-09-08x", "2016-09-08T21:47:3" };
	char line[128];

	for (size_t i = 0; i < sizeof(times) / sizeof(*times); i++) {
		snprintf(line, sizeof(line), "PasswordLastUsed: \"%s\"", times[i]);
		CHECK(structured(line, times[i]));
	}
	for (size_t i = 0; i < sizeof(not_times) / sizeof(*not_times); i++) {
		snprintf(line, sizeof(line), "password = %s", not_times[i]);
		CHECK(!structured(line, not_times[i]));
	}
	CHECK(structured("token: eyJ2IjoiMSIsInMi...", "eyJ2IjoiMSIsInMi..."));
	CHECK(structured("token: sk_live_4x\xe2\x80\xa6", "sk_live_4x\xe2\x80\xa6"));
	CHECK(!structured("token: Kq7.Zt2..Vw9", "Kq7.Zt2..Vw9"));
	/* Windows answer files: the configuration pass is a name, not a password */
	CHECK(structured("  <settings pass=\"oobeSystem\">", "oobeSystem"));
	CHECK(structured("<settings pass = 'specialize'>", "specialize"));
	CHECK(structured("<settings\n\tpass=\"windowsPE\">", "windowsPE"));
	CHECK(!structured("<settings pass=\"oobeSystem2\">", "oobeSystem2"));  /* not a pass name */
	CHECK(!structured("<login pass=\"Kq7Zt2Vw9\">", "Kq7Zt2Vw9"));
	CHECK(!structured("<login bypass=\"oobeSystem\">", "oobeSystem"));    /* another attribute */
	CHECK(!structured("password: oobeSystem", "oobeSystem"));             /* a password that is one */
	/* RabbitMQ's default account */
	CHECK(structured_at("BROKER=amqp://guest:guest@localhost:5672//", 20, 5));
	CHECK(structured_at("http://guest:guest@127.0.0.1:15672/api", 13, 5));
	CHECK(!structured_at("amqp://admin:" "guest@localhost//", 13, 5));       /* another user */
	CHECK(!structured_at("amqp://guest:" "guests@localhost//", 13, 6));
	CHECK(!structured_at("amqp://guest:guest", 13, 5));                   /* no host follows */
}

static lw_finding finding(const lw_rule_info *ri, const char *path, const char *match, const char *secret)
{
	lw_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = ri;
	f.path = path;
	f.match = (const unsigned char *)match;
	f.match_len = strlen(match);
	f.secret = (const unsigned char *)strstr(match, secret);
	f.secret_len = strlen(secret);
	f.entropy = lw_entropy(f.secret, f.secret_len);
	return f;
}

static void test_confidence(void)
{
	static const char *const gtags[] = { "generic", "password" }, *const ptags[] = { "github" };
	lw_rule_info gen = { 0 }, prov = { 0 };
	char tok[40], m[128];
	lw_finding f;

	gen.id = "gen";
	gen.tags = gtags;
	gen.ntags = 2;
	prov.id = "prov";
	prov.tags = ptags;
	prov.ntags = 1;
	tf_token(tok, 24);
	snprintf(m, sizeof(m), "DB_PASSWORD=\"%s\"", tok);

	f = finding(&prov, "src/app.py", m, tok);
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_HIGH);
	f = finding(&prov, "tests/app_test.py", m, tok);
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_MEDIUM);
	f.checksum = LW_CHECKSUM_VALID;
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_HIGH);   /* proof beats the path */
	f = finding(&prov, "src/app.py", m, tok);
	f.checksum = LW_CHECKSUM_INVALID;
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_LOW);

	f = finding(&gen, "config/app.env", m, tok);
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_MEDIUM);
	f = finding(&gen, "docs/setup.md", m, tok);
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_LOW);
	f = finding(&gen, "README.md", m, tok);
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_LOW);
	snprintf(m, sizeof(m), "key = \"%s\"", tok);          /* a weak name */
	f = finding(&gen, "config/app.env", m, tok);
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_LOW);
	snprintf(m, sizeof(m), "https://deploy:%s@git.example.org/x.git", tok);
	f = finding(&gen, "config/app.env", m, tok);          /* a URL's user-info is not a weak name */
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_MEDIUM);
	snprintf(m, sizeof(m), "password = \"aaaabbbb\"");     /* low entropy */
	f = finding(&gen, "config/app.env", m, "aaaabbbb");
	CHECK(lw_confidence_of(&f) == LW_CONFIDENCE_LOW);

	CHECK(lw_path_is_soft("a/fixtures/x.json") && lw_path_is_soft("spec/x_spec.rb") &&
	      lw_path_is_soft("pkg/x_test.go") && lw_path_is_soft("test_settings.py") &&
	      lw_path_is_soft("Docs/x.txt"));
	CHECK(!lw_path_is_soft("src/contest.c") && !lw_path_is_soft("latest/app.env") &&
	      !lw_path_is_soft("documents.env") && !lw_path_is_soft(""));

	CHECK(lw_confidence_parse("high") == LW_CONFIDENCE_HIGH && lw_confidence_parse("low") == 0 &&
	      lw_confidence_parse("HIGH") < 0 && lw_confidence_parse("") < 0 && lw_confidence_parse(NULL) < 0);
	CHECK(lw_confidence_rank(LW_CONFIDENCE_HIGH) > lw_confidence_rank(LW_CONFIDENCE_MEDIUM) &&
	      lw_confidence_rank(LW_CONFIDENCE_MEDIUM) > lw_confidence_rank(LW_CONFIDENCE_LOW) &&
	      lw_confidence_rank(LW_CONFIDENCE_LOW) >= 0 && lw_confidence_rank(LW_CONFIDENCE_HIGH) <= 100);
}

int main(void)
{
	tf_seed_random("test_known");
	test_documented();
	test_sigv4();
	test_shapes();
	test_confidence();
	return tap_done();
}
