/*
 * lwtest.h - helpers shared by the unit tests: loading inline rule files,
 * collecting findings and diagnostics, and generating secret-shaped values
 * at run time (no token-shaped literal lives in the repository).
 *
 * Everything here is `static inline` so a test that uses only part of it
 * still builds cleanly with -Wall -Wextra -Werror.
 */
#ifndef LW_LWTEST_H
#define LW_LWTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

#define TF_MAX_HITS 4096
#define TF_MAX_DIAGS 64

typedef struct tf_hit {
	char rule[136];
	size_t rule_index;
	uint32_t line, column, end_line, end_column;
	char secret[1024];
	size_t secret_len;
	char match[1024];
	char line_text[1024];
	size_t secret_col;
	double entropy;
	lw_checksum_state checksum;
	char fingerprint[33];
} tf_hit;

typedef struct tf_hits {
	tf_hit *v;
	size_t n;
	size_t ndiag;
	char diag_rule[TF_MAX_DIAGS][136];
	char diag_msg[TF_MAX_DIAGS][256];
	uint32_t diag_line[TF_MAX_DIAGS];
	size_t stop_after; /* 0: never ask to stop */
	lw_report *report; /* optional: every finding is also added here */
	const lw_provenance *prov;
} tf_hits;

static inline void tf_hits_init(tf_hits *h)
{
	memset(h, 0, sizeof(*h));
	h->v = calloc(TF_MAX_HITS, sizeof(tf_hit));
	if (!h->v)
		abort();
}

static inline void tf_hits_reset(tf_hits *h)
{
	tf_hit *v = h->v;
	lw_report *r = h->report;
	const lw_provenance *p = h->prov;

	memset(h, 0, sizeof(*h));
	h->v = v;
	h->report = r;
	h->prov = p;
}

static inline void tf_hits_free(tf_hits *h)
{
	free(h->v);
	h->v = NULL;
}

static inline void tf_copy(char *dst, size_t cap, const void *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static inline int tf_on_finding(const lw_finding *f, void *p)
{
	tf_hits *h = p;

	if (h->n < TF_MAX_HITS) {
		tf_hit *x = &h->v[h->n];
		tf_copy(x->rule, sizeof(x->rule), f->rule->id, strlen(f->rule->id));
		x->rule_index = f->rule_index;
		x->line = f->line;
		x->column = f->column;
		x->end_line = f->end_line;
		x->end_column = f->end_column;
		tf_copy(x->secret, sizeof(x->secret), f->secret, f->secret_len);
		x->secret_len = f->secret_len;
		tf_copy(x->match, sizeof(x->match), f->match, f->match_len);
		tf_copy(x->line_text, sizeof(x->line_text), f->line_text, f->line_len);
		x->secret_col = f->secret_col;
		x->entropy = f->entropy;
		x->checksum = f->checksum;
		memcpy(x->fingerprint, f->fingerprint, 33);
	}
	h->n++;
	if (h->report && lw_report_add(h->report, f, h->prov, NULL) < 0)
		abort();
	return h->stop_after && h->n >= h->stop_after;
}

static inline void tf_on_diag(const lw_diag *d, void *p)
{
	tf_hits *h = p;

	if (h->ndiag < TF_MAX_DIAGS) {
		const char *r = d->rule_id ? d->rule_id : "";
		tf_copy(h->diag_rule[h->ndiag], 136, r, strlen(r));
		tf_copy(h->diag_msg[h->ndiag], 256, d->message, strlen(d->message));
		h->diag_line[h->ndiag] = d->line;
	}
	h->ndiag++;
}

/* A new, finalized rule set holding the rule file `json`; NULL on error
 * (the message is printed). */
static inline lw_ruleset *tf_rules(const char *json)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };

	if (lw_ruleset_new(&rs) < 0)
		return NULL;
	if (lw_ruleset_add_json(rs, "inline.json", json, strlen(json), &err) < 0 ||
	    lw_ruleset_finalize(rs, &err) < 0) {
		fprintf(stderr, "rule load failed: %s\n", err.msg);
		lw_ruleset_free(rs);
		return NULL;
	}
	return rs;
}

/* Scans `len` bytes as one chunk called `path` with `opts` (NULL: defaults). */
static inline int tf_scan_opts(const lw_ruleset *rs, const lw_scan_options *opts,
	const char *path, const void *data, size_t len, tf_hits *h)
{
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { tf_on_finding, tf_on_diag, h };

	c.data = data;
	c.len = len;
	c.path = path;
	tf_hits_reset(h);
	return lw_scan_buffer(rs, opts, &c, &sink);
}

static inline int tf_scan(const lw_ruleset *rs, const char *path, const char *text, tf_hits *h)
{
	return tf_scan_opts(rs, NULL, path, text, strlen(text), h);
}

/* Number of findings of `rule` (NULL: any) whose secret is `secret` (NULL: any). */
static inline size_t tf_count(const tf_hits *h, const char *rule, const char *secret)
{
	size_t k = 0;

	for (size_t i = 0; i < h->n && i < TF_MAX_HITS; i++)
		if ((!rule || !strcmp(h->v[i].rule, rule)) &&
		    (!secret || !strcmp(h->v[i].secret, secret)))
			k++;
	return k;
}

static inline const tf_hit *tf_find(const tf_hits *h, const char *rule, const char *secret)
{
	for (size_t i = 0; i < h->n && i < TF_MAX_HITS; i++)
		if ((!rule || !strcmp(h->v[i].rule, rule)) &&
		    (!secret || !strcmp(h->v[i].secret, secret)))
			return &h->v[i];
	return NULL;
}

/* ---- run-time generated values ---------------------------------------- */

static uint64_t tf_rng_state = 0x9e3779b97f4a7c15ull;

static inline void tf_seed(uint64_t s)
{
	tf_rng_state = s ? s : 0x9e3779b97f4a7c15ull;
}

/* Seeds from the clock unless LW_TEST_SEED is set; prints the seed so a
 * failure can be replayed. */
static inline uint64_t tf_seed_random(const char *test)
{
	const char *env = getenv("LW_TEST_SEED");
	uint64_t s = env ? strtoull(env, NULL, 0)
			 : (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid() << 16;

	tf_seed(s);
	printf("# %s: LW_TEST_SEED=%llu\n", test, (unsigned long long)s);
	return s;
}

static inline uint64_t tf_rand(void)
{
	/* xorshift64* */
	uint64_t x = tf_rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	tf_rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline size_t tf_below(size_t n)
{
	return (size_t)(tf_rand() % n);
}

/* No vowels and no x: a random token from this alphabet never spells a
 * stopword or placeholder word ("test", "example", "xxxx", ...). */
static const char tf_alpha[] = "bcdfghjkmnpqrstvwzBCDFGHJKMNPQRSTVWZ";
static const char tf_digits[] = "256789";

/* Writes a token of `n` bytes (n <= 42) with all-distinct characters, so
 * its entropy is exactly log2(n), holding letters and digits. */
static inline void tf_token(char *out, size_t n)
{
	char pool[64];
	size_t np = 0;

	for (const char *p = tf_alpha; *p; p++)
		pool[np++] = *p;
	for (const char *p = tf_digits; *p; p++)
		pool[np++] = *p;
	if (n > np)
		n = np;
	for (size_t i = 0; i < n; i++) {
		size_t j = i + tf_below(np - i);
		char t = pool[i];
		pool[i] = pool[j];
		pool[j] = t;
		out[i] = pool[i];
	}
	out[n] = '\0';
	/* at least one digit and one letter */
	int dig = 0, let = 0;
	for (size_t i = 0; i < n; i++) {
		if (out[i] >= '0' && out[i] <= '9')
			dig = 1;
		else
			let = 1;
	}
	if (n >= 2 && !dig) {
		for (const char *d = tf_digits; *d; d++)
			if (!memchr(out, *d, n)) {
				out[n - 1] = *d;
				break;
			}
	}
	if (n >= 2 && !let) {
		for (const char *a = tf_alpha; *a; a++)
			if (!memchr(out, *a, n)) {
				out[0] = *a;
				break;
			}
	}
}

/* Appends a formatted string to a heap buffer; aborts on failure. */
static inline void tf_append(char **buf, size_t *len, const char *s, size_t n)
{
	char *p = realloc(*buf, *len + n + 1);
	if (!p)
		abort();
	memcpy(p + *len, s, n);
	*len += n;
	p[*len] = '\0';
	*buf = p;
}

static inline void tf_appends(char **buf, size_t *len, const char *s)
{
	tf_append(buf, len, s, strlen(s));
}

#endif
