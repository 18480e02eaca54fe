#define _GNU_SOURCE
/* util.c - errors, allocation, string lists and line helpers. */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int lw_error_set(lw_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

char *lw_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *lw_strdup(const char *s)
{
	return s ? lw_strndup(s, strlen(s)) : NULL;
}

void *lw_reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, (n && size) ? n * size : 1);
}

/* A volatile function pointer keeps the compiler from eliding the wipe of a
 * buffer that is about to be freed. */
static void *(*const volatile lw_memset_v)(void *, int, size_t) = memset;

void lw_wipe(void *p, size_t n)
{
	if (p && n)
		lw_memset_v(p, 0, n);
}

void lw_wipe_cold(void *p, size_t n)
{
#if defined(__SSE2__)
	unsigned char *c = p;
	size_t head = n ? (16 - ((uintptr_t)c & 15)) & 15 : 0;

	if (!p || n < 4096) {
		lw_wipe(p, n);
		return;
	}
	/* streaming stores: no read of lines about to be let go of */
	lw_wipe(c, head);
	__m128i z = _mm_setzero_si128();
	size_t i = head;
	for (; i + 16 <= n; i += 16)
		_mm_stream_si128((__m128i *)(void *)(c + i), z);
	_mm_sfence();
	lw_wipe(c + i, n - i);
	/* the stores are seen to matter, whatever follows (a free) */
	__asm__ volatile("" : : "r"(c) : "memory");
#else
	lw_wipe(p, n);
#endif
}

int lw_strlist_push(lw_strlist *l, const char *s)
{
	char **v = lw_reallocarray(l->v, l->n + 1, sizeof(char *));

	if (!v)
		return LW_ENOMEM;
	l->v = v;
	if (!(v[l->n] = lw_strdup(s)))
		return LW_ENOMEM;
	l->n++;
	return 0;
}

void lw_strlist_dispose(lw_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* What a regex that failed its lazy compile is left as: it matches nothing. */
static char lw_regex_failed;
#define LW_REGEX_FAILED ((pcre2_code *)&lw_regex_failed)

void lw_regex_list_dispose(lw_regex_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->codes[i] != LW_REGEX_FAILED)
			pcre2_code_free(l->codes[i]);
		free(l->sources[i]);
	}
	free(l->codes);
	free(l->sources);
	memset(l, 0, sizeof(*l));
}

void lw_allow_dispose(lw_allow *a)
{
	lw_regex_list_dispose(&a->paths);
	lw_regex_list_dispose(&a->regexes);
	lw_strlist_dispose(&a->stopwords);
}

static int lw_regex_reject_callout(pcre2_callout_enumerate_block *b, void *p)
{
	(void)b;
	(void)p;
	return 1;
}

pcre2_code *lw_regex_compile(const char *pattern, lw_error *err)
{
	return lw_regex_compile_opts(pattern, 0, err);
}

pcre2_code *lw_regex_compile_opts(const char *pattern, uint32_t options, lw_error *err)
{
	int ec = 0;
	PCRE2_SIZE eo = 0;
	unsigned char msg[256];
	pcre2_code *code;
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);

	/* ^ and $ mean line boundaries (LF, CRLF or a lone CR), because rules
	 * run on windows of lines cut out of larger files. */
	if (!cc) {
		lw_error_set(err, LW_ENOMEM, "out of memory");
		return NULL;
	}
	pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
		PCRE2_MULTILINE | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C | options,
		&ec, &eo, cc);
	pcre2_compile_context_free(cc);
	if (!code) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		lw_error_set(err, LW_ECONFIG, "regex does not compile at offset %zu: %s",
			(size_t)eo, (const char *)msg);
		return NULL;
	}
	/* Callouts would hand control to code; rule files never execute anything. */
	if (pcre2_callout_enumerate(code, lw_regex_reject_callout, NULL) != 0) {
		pcre2_code_free(code);
		lw_error_set(err, LW_ECONFIG, "regex uses a callout, which is not allowed");
		return NULL;
	}
	return code;
}

const pcre2_code *lw_regex_list_at(const lw_regex_list *l, size_t i, lw_error *err)
{
	pcre2_code *code = __atomic_load_n(&l->codes[i], __ATOMIC_ACQUIRE), *expected = NULL;

	if (!code) {
		/* two threads may both compile it: one copy is kept, the other freed */
		code = lw_regex_compile(l->sources[i], err);
		if (!code)
			code = LW_REGEX_FAILED;
		else if (l->jit)
			pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* before it is published */
		if (!__atomic_compare_exchange_n(&l->codes[i], &expected, code, 0, __ATOMIC_ACQ_REL,
			    __ATOMIC_ACQUIRE)) {
			if (code != LW_REGEX_FAILED)
				pcre2_code_free(code);
			code = expected;
		}
	}
	if (code == LW_REGEX_FAILED) {
		lw_error_set(err, LW_ECONFIG, "regex \"%.200s\" does not compile", l->sources[i]);
		return NULL;
	}
	return code;
}

void lw_regex_list_jit(lw_regex_list *l)
{
	l->jit = 1;
	for (size_t i = 0; i < l->n; i++)
		if (l->codes[i] && l->codes[i] != LW_REGEX_FAILED)
			pcre2_jit_compile(l->codes[i], PCRE2_JIT_COMPLETE);
}

int lw_regex_list_matches(const lw_regex_list *l, const unsigned char *s,
	size_t len, pcre2_match_data *md)
{
	for (size_t i = 0; i < l->n; i++) {
		const pcre2_code *code = lw_regex_list_at(l, i, NULL);
		if (code && pcre2_match(code, s, len, 0, 0, md, NULL) >= 0)
			return 1;
	}
	return 0;
}

static int lw_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int lw_hex_decode(const char *hex, size_t n, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = lw_hexval((unsigned char)hex[2 * i]), lo = lw_hexval((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* the start of the next member's own path after p, or NULL */
static const char *lw_path_next_member(const char *p, const char *end)
{
	const char *bang = memchr(p, '!', (size_t)(end - p));

	return bang ? bang + 1 : NULL;
}

int lw_path_matches(const pcre2_code *code, const char *path, size_t len, pcre2_match_data *md)
{
	const char *end = path + len;

	for (const char *p = path; code && p; p = lw_path_next_member(p, end))
		if (pcre2_match(code, (PCRE2_SPTR)p, (size_t)(end - p), 0, 0, md, NULL) >= 0)
			return 1;
	return 0;
}

int lw_path_list_matches(const lw_regex_list *l, const char *path, size_t len, pcre2_match_data *md)
{
	const char *end = path + len;

	for (const char *p = path; l->n && p; p = lw_path_next_member(p, end))
		if (lw_regex_list_matches(l, (const unsigned char *)p, (size_t)(end - p), md))
			return 1;
	return 0;
}

static unsigned char lw_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

const unsigned char *lw_memcasemem(const unsigned char *h, size_t hl,
	const char *needle, size_t nl)
{
	if (nl == 0)
		return h;
	if (hl < nl)
		return NULL;
	unsigned char first = lw_lower((unsigned char)needle[0]);
	for (size_t i = 0; i + nl <= hl; i++) {
		if (lw_lower(h[i]) != first)
			continue;
		size_t j = 1;
		while (j < nl && lw_lower(h[i + j]) == lw_lower((unsigned char)needle[j]))
			j++;
		if (j == nl)
			return h + i;
	}
	return NULL;
}

/* Line bounds are asked for at every keyword hit: memchr and memrchr look
 * at many bytes at once, where a byte loop was a tenth of an audit. */
size_t lw_line_start(const unsigned char *d, size_t pos, size_t floor)
{
	if (pos <= floor)
		return pos;
	const unsigned char *nl = memrchr(d + floor, '\n', pos - floor);
	size_t from = nl ? (size_t)(nl - d) + 1 : floor;
	const unsigned char *cr = from < pos ? memrchr(d + from, '\r', pos - from) : NULL;
	return cr ? (size_t)(cr - d) + 1 : from;
}

size_t lw_line_end(const unsigned char *d, size_t len, size_t pos)
{
	if (pos >= len)
		return pos;
	const unsigned char *nl = memchr(d + pos, '\n', len - pos);
	size_t to = nl ? (size_t)(nl - d) : len;
	const unsigned char *cr = to > pos ? memchr(d + pos, '\r', to - pos) : NULL;
	return cr ? (size_t)(cr - d) : to;
}

const char *lw_severity_name(lw_severity sev)
{
	static const char *const names[] = { "info", "low", "medium", "high", "critical" };

	return (unsigned)sev < 5 ? names[sev] : "unknown";
}
