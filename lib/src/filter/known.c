/* known.c - values that look like secrets and are not: the examples
 * providers and specifications publish (patterns/known, with a source for
 * each), and structured values such as AWS SigV4 credential scopes. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "internal.h"

typedef struct lw_known_value {
	char *v;
	size_t len;
} lw_known_value;

static lw_known_value *lw_known;
static size_t lw_nknown;
static pthread_once_t lw_known_once = PTHREAD_ONCE_INIT;

static int lw_known_cmp(const void *a, const void *b)
{
	const lw_known_value *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->v, y->v, x->len);
}

/* The embedded files are proven by the build's tests (test_known); one
 * that does not parse leaves the table short, never the scan broken. */
static void lw_known_load(void)
{
	size_t cap = 0;

	for (size_t f = 0; f < lw_embedded_known_count; f++) {
		cJSON *root = cJSON_ParseWithLength((const char *)lw_embedded_known[f].data,
			lw_embedded_known[f].len);
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "examples"), *e;
		cJSON_ArrayForEach(e, arr) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "value");
			if (!cJSON_IsString(v) || !v->valuestring[0])
				continue;
			if (lw_nknown == cap) {
				size_t nc = cap ? cap * 2 : 32;
				lw_known_value *nv = lw_reallocarray(lw_known, nc, sizeof(*nv));
				if (!nv)
					break;
				lw_known = nv;
				cap = nc;
			}
			char *s = lw_strdup(v->valuestring);
			if (!s)
				break;
			lw_known[lw_nknown++] = (lw_known_value){ s, strlen(s) };
		}
		cJSON_Delete(root);
	}
	if (lw_nknown)
		qsort(lw_known, lw_nknown, sizeof(*lw_known), lw_known_cmp);
}

int lw_is_documented_example(const unsigned char *s, size_t len)
{
	lw_known_value key = { (char *)s, len };

	pthread_once(&lw_known_once, lw_known_load);
	/* exact: a real key that merely contains a documented one is real */
	return lw_nknown && bsearch(&key, lw_known, lw_nknown, sizeof(*lw_known), lw_known_cmp) != NULL;
}

/* ---- structured values -------------------------------------------------- */

static int lw_is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Skips a scope separator at s[*i]: '/' or its percent-encoding %2F. */
static int lw_scope_sep(const unsigned char *s, size_t n, size_t *i)
{
	if (*i < n && s[*i] == '/') {
		(*i)++;
		return 1;
	}
	if (*i + 3 <= n && s[*i] == '%' && s[*i + 1] == '2' && (s[*i + 2] | 0x20) == 'f') {
		*i += 3;
		return 1;
	}
	return 0;
}

/* A part of a scope: [a-z0-9-] (region, service), at least one byte. */
static int lw_scope_word(const unsigned char *s, size_t n, size_t *i, size_t max)
{
	size_t st = *i;

	while (*i < n && *i - st < max && ((s[*i] >= 'a' && s[*i] <= 'z') ||
					     (s[*i] >= '0' && s[*i] <= '9') || s[*i] == '-'))
		(*i)++;
	return *i > st;
}

/* An AWS Signature Version 4 credential: access key ID / date / region /
 * service / aws4_request (AWS General Reference, "Signature Version 4
 * signing process"). The key ID is public and the rest is a scope: no
 * part of it is a secret. Returns the length of the scope at s, or 0;
 * *idlen: the key ID's. */
static size_t lw_sigv4_scope_at(const unsigned char *s, size_t n, size_t *idlen)
{
	size_t i = 0;

	while (i < n && lw_is_alnum(s[i]) && i < 128)
		i++;
	*idlen = i;
	if (i < 4 || !lw_scope_sep(s, n, &i))
		return 0;
	for (int k = 0; k < 8; k++, i++)
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
	if (!lw_scope_sep(s, n, &i) || !lw_scope_word(s, n, &i, 32) || !lw_scope_sep(s, n, &i) ||
	    !lw_scope_word(s, n, &i, 64) || !lw_scope_sep(s, n, &i))
		return 0;
	if (n - i < 12 || memcmp(s + i, "aws4_request", 12) != 0)
		return 0;
	return i + 12;
}

/* The candidate is a whole scope (with the separator a greedy value may
 * have taken along), or the key ID that starts one. */
static int lw_is_sigv4_scope(const unsigned char *d, size_t dlen, size_t soff, size_t slen)
{
	size_t idlen, n = lw_sigv4_scope_at(d + soff, dlen - soff, &idlen);

	if (n == 0)
		return 0;
	if (slen == idlen)
		return 1;
	while (n < slen && (d[soff + n] == ',' || d[soff + n] == ';' || d[soff + n] == '&' ||
			    d[soff + n] == '"' || d[soff + n] == '\''))
		n++;
	return n == slen;
}

/* SignedHeaders=host;range;x-amz-date: header names, lower case, ';'
 * apart, one of them SigV4's own (host is always signed) */
static int lw_is_header_list(const unsigned char *s, size_t n)
{
	size_t semis = 0, start = 0;
	int sigv4 = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == ';') {
			size_t l = i - start;
			if (l == 0)
				return 0;
			if ((l == 4 && !memcmp(s + start, "host", 4)) ||
			    (l > 6 && !memcmp(s + start, "x-amz-", 6)))
				sigv4 = 1;
			semis += i < n;
			start = i + 1;
		} else if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) {
			return 0;
		}
	}
	return semis > 0 && sigv4;
}

/* A SigV4 signature (64 hex digits) beside its algorithm or parameter name:
 * it signs one request and expires with it. */
static int lw_is_sigv4_signature(const unsigned char *d, size_t soff, size_t slen)
{
	size_t from = soff > 512 ? soff - 512 : 0;

	if (slen != 64)
		return 0;
	for (size_t i = 0; i < slen; i++)
		if (!((d[soff + i] >= '0' && d[soff + i] <= '9') || (d[soff + i] >= 'a' && d[soff + i] <= 'f')))
			return 0;
	return lw_memcasemem(d + from, soff - from, "AWS4-HMAC-SHA256", 16) ||
	       lw_memcasemem(d + from, soff - from, "X-Amz-Signature=", 16);
}

static int lw_digits(const unsigned char *s, size_t n, size_t *i, size_t count)
{
	for (size_t k = 0; k < count; k++, (*i)++)
		if (*i >= n || s[*i] < '0' || s[*i] > '9')
			return 0;
	return 1;
}

/* An ISO 8601 date or date-time (2016-09-08, 2016-09-08T21:47:36Z,
 * 2016-09-08 21:47:36.123+02:00): a "PasswordLastUsed" or "TokenExpiry"
 * is a time, not a secret. */
static int lw_is_timestamp(const unsigned char *s, size_t n)
{
	size_t i = 0;

	if (!lw_digits(s, n, &i, 4) || i >= n || s[i++] != '-' || !lw_digits(s, n, &i, 2) ||
	    i >= n || s[i++] != '-' || !lw_digits(s, n, &i, 2))
		return 0;
	if (i == n)
		return 1;
	if ((s[i] != 'T' && s[i] != ' ') || (i++, !lw_digits(s, n, &i, 2)) || i >= n || s[i++] != ':' ||
	    !lw_digits(s, n, &i, 2))
		return 0;
	if (i < n && s[i] == ':' && (i++, !lw_digits(s, n, &i, 2)))
		return 0;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		size_t st = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == st)
			return 0;
	}
	if (i < n && s[i] == 'Z')
		i++;
	else if (i < n && (s[i] == '+' || s[i] == '-')) {
		i++;
		if (!lw_digits(s, n, &i, 2))
			return 0;
		if (i < n && s[i] == ':')
			i++;
		if (i < n && !lw_digits(s, n, &i, 2))
			return 0;
	}
	return i == n;
}

/* A value documentation cut short ("eyJ2IjoiMSIsInMi...", "sk_live_…"):
 * what is shown is not the whole of anything. */
static int lw_is_elided(const unsigned char *s, size_t n)
{
	return (n >= 3 && !memcmp(s + n - 3, "...", 3)) || (n >= 3 && !memcmp(s + n - 3, "\xe2\x80\xa6", 3));
}

/* A Windows answer file's configuration pass, <settings pass="oobeSystem">:
 * the attribute is named "pass" but holds one of seven fixed pass names
 * (Microsoft docs, "Windows Setup configuration passes"). */
static int lw_is_unattend_pass(const unsigned char *d, size_t soff, size_t slen)
{
	static const char *const passes[] = {
		"windowsPE", "offlineServicing", "generalize", "specialize",
		"auditSystem", "auditUser", "oobeSystem",
	};
	size_t i = soff, k;

	for (k = 0; k < sizeof(passes) / sizeof(*passes); k++)
		if (strlen(passes[k]) == slen && !strncasecmp((const char *)d + soff, passes[k], slen))
			break;
	if (k == sizeof(passes) / sizeof(*passes) || i == 0 || (d[i - 1] != '"' && d[i - 1] != '\''))
		return 0;
	i--;
	while (i > 0 && (d[i - 1] == ' ' || d[i - 1] == '\t'))
		i--;
	if (i == 0 || d[--i] != '=')
		return 0;
	while (i > 0 && (d[i - 1] == ' ' || d[i - 1] == '\t'))
		i--;
	return i >= 5 && !strncasecmp((const char *)d + i - 4, "pass", 4) &&
	       (d[i - 5] == ' ' || d[i - 5] == '\t' || d[i - 5] == '\n' || d[i - 5] == '\r');
}

/* RabbitMQ's built-in account, guest/guest, which only connects from
 * localhost (rabbitmq.com, "Access Control"): amqp://guest:guest@... is the
 * documented default of every client and broker template. */
static int lw_is_rabbitmq_guest(const unsigned char *d, size_t soff, size_t slen)
{
	return slen == 5 && !memcmp(d + soff, "guest", 5) && soff >= 9 &&
	       !memcmp(d + soff - 9, "://guest:", 9) && d[soff + slen] == '@';
}

int lw_is_structured_nonsecret(const unsigned char *d, size_t dlen, size_t soff, size_t slen)
{
	const unsigned char *s = d + soff;

	if (soff > dlen || slen > dlen - soff || slen == 0)
		return 0;
	return lw_is_sigv4_scope(d, dlen, soff, slen) || lw_is_header_list(s, slen) ||
	       lw_is_sigv4_signature(d, soff, slen) || lw_is_timestamp(s, slen) ||
	       lw_is_elided(s, slen) || lw_is_unattend_pass(d, soff, slen) ||
	       (soff + slen < dlen && lw_is_rabbitmq_guest(d, soff, slen));
}
