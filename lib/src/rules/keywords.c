/*
 * keywords.c - the keyword prefilter: an Aho-Corasick automaton compiled to
 * a dense DFA over byte classes, matched case-insensitively in one pass.
 *
 * Why not a loop of memmem per keyword: that costs rules x bytes. Why not
 * vectorscan: one more dependency for a pass that is not the bottleneck (the
 * DFA runs at well over 1 GB/s, faster than zlib inflates blobs), and a
 * hand-built DFA keeps start-up to a few hundred microseconds for hooks.
 * Only bytes that occur in some keyword get their own class, so the table
 * stays small (states x ~40 classes) and cache-resident.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define LW_AC_OUT 0x80000000u

struct lw_ac {
	uint8_t cls[256];
	uint32_t maxkw;    /* longest keyword */
	uint32_t nclass;
	uint32_t nstates;
	uint32_t *delta;    /* nstates * nclass, LW_AC_OUT flags output states */
	uint32_t *own_start; /* state -> first index in own_kw, nstates + 1 */
	uint32_t *own_kw;
	uint32_t *out_link; /* state -> next state on fail chain with output, 0 none */
	uint8_t pairs[65536 / 8]; /* bit a << 8 | b: "ab" occurs in a keyword (lw_ac_pairs) */
};

static unsigned char ac_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

void lw_ac_free(lw_ac *ac)
{
	if (!ac)
		return;
	free(ac->delta);
	free(ac->own_start);
	free(ac->own_kw);
	free(ac->out_link);
	free(ac);
}

typedef struct ac_build {
	uint32_t *go;     /* trie transitions, UINT32_MAX = none */
	uint32_t *fail;
	uint32_t *nown;   /* keywords ending exactly here (count) */
	uint32_t cap;
} ac_build;

static int ac_build_classes(lw_ac *ac, const char *const *kw, size_t n)
{
	uint32_t next = 1;

	memset(ac->cls, 0, sizeof(ac->cls));
	for (size_t i = 0; i < n; i++) {
		for (const unsigned char *p = (const unsigned char *)kw[i]; *p; p++) {
			unsigned char c = ac_lower(*p);
			if (!ac->cls[c])
				ac->cls[c] = (uint8_t)next++;
			if (next > 255)
				return LW_ELIMIT;
		}
	}
	for (int c = 'A'; c <= 'Z'; c++)
		ac->cls[c] = ac->cls[c + 32];
	ac->nclass = next;
	return 0;
}

static int ac_build_trie(lw_ac *ac, ac_build *b, const char *const *kw, size_t n,
	uint32_t **term)
{
	size_t cap = 1;

	for (size_t i = 0; i < n; i++)
		cap += strlen(kw[i]);
	b->cap = (uint32_t)cap;
	b->go = malloc(cap * ac->nclass * sizeof(uint32_t));
	b->fail = calloc(cap, sizeof(uint32_t));
	b->nown = calloc(cap, sizeof(uint32_t));
	*term = calloc(n ? n : 1, sizeof(uint32_t));
	if (!b->go || !b->fail || !b->nown || !*term)
		return LW_ENOMEM;
	/* a row is filled when its state is made: the bound `cap` counts every
	 * keyword byte, shared prefixes make about half as many states, and
	 * the rows never made are pages never touched */
	memset(b->go, 0xff, ac->nclass * sizeof(uint32_t));
	ac->nstates = 1;
	for (size_t i = 0; i < n; i++) {
		uint32_t s = 0;
		for (const unsigned char *p = (const unsigned char *)kw[i]; *p; p++) {
			uint32_t *g = &b->go[(size_t)s * ac->nclass + ac->cls[*p]];
			if (*g == UINT32_MAX) {
				*g = ac->nstates++;
				memset(&b->go[(size_t)*g * ac->nclass], 0xff, ac->nclass * sizeof(uint32_t));
			}
			s = *g;
		}
		(*term)[i] = s;
		b->nown[s]++;
	}
	return 0;
}

/* Breadth-first: fill missing transitions from the fail state's, which
 * turns the trie into a DFA, and link each state to its nearest output. */
static int ac_build_dfa(lw_ac *ac, ac_build *b)
{
	uint32_t *queue = malloc(ac->nstates * sizeof(uint32_t));
	size_t qh = 0, qt = 0;
	uint32_t k = ac->nclass;

	if (!queue)
		return LW_ENOMEM;
	for (uint32_t c = 0; c < k; c++) {
		uint32_t s = b->go[c];
		if (s == UINT32_MAX || s == 0) {
			b->go[c] = 0;
		} else {
			b->fail[s] = 0;
			queue[qt++] = s;
		}
	}
	while (qh < qt) {
		uint32_t r = queue[qh++];
		for (uint32_t c = 0; c < k; c++) {
			uint32_t s = b->go[(size_t)r * k + c];
			uint32_t f = b->go[(size_t)b->fail[r] * k + c];
			if (s == UINT32_MAX) {
				b->go[(size_t)r * k + c] = f;
			} else {
				b->fail[s] = f;
				ac->out_link[s] = b->nown[f] ? f : ac->out_link[f];
				queue[qt++] = s;
			}
		}
	}
	free(queue);
	return 0;
}

static int ac_build_outputs(lw_ac *ac, ac_build *b, const uint32_t *term, size_t n)
{
	uint32_t *fill;

	ac->own_start = calloc((size_t)ac->nstates + 1, sizeof(uint32_t));
	ac->own_kw = malloc((n ? n : 1) * sizeof(uint32_t));
	fill = calloc(ac->nstates, sizeof(uint32_t));
	if (!ac->own_start || !ac->own_kw || !fill) {
		free(fill);
		return LW_ENOMEM;
	}
	for (uint32_t s = 0; s < ac->nstates; s++)
		ac->own_start[s + 1] = ac->own_start[s] + b->nown[s];
	for (size_t i = 0; i < n; i++) {
		uint32_t s = term[i];
		ac->own_kw[ac->own_start[s] + fill[s]++] = (uint32_t)i;
	}
	free(fill);
	ac->delta = b->go;
	b->go = NULL;
	/* entries hold the target row's offset, so the scan loop adds instead
	 * of multiplying; the state number is the offset divided back */
	if ((uint64_t)ac->nstates * ac->nclass >= LW_AC_OUT)
		return LW_ELIMIT;
	for (size_t i = 0; i < (size_t)ac->nstates * ac->nclass; i++) {
		uint32_t t = ac->delta[i];
		ac->delta[i] = t * ac->nclass;
		if (b->nown[t] || ac->out_link[t])
			ac->delta[i] |= LW_AC_OUT;
	}
	return 0;
}

static unsigned char ac_upper(unsigned char c)
{
	return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 32) : c;
}

static void ac_pair_set(lw_ac *ac, unsigned a, unsigned b)
{
	ac->pairs[(a << 8 | b) >> 3] |= (uint8_t)(1u << (b & 7));
}

/* every pair of bytes that follow each other in a keyword, in each case
 * the automaton matches */
static void ac_build_pairs(lw_ac *ac, const char *const *kw, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (const unsigned char *p = (const unsigned char *)kw[i]; p[0] && p[1]; p++) {
			unsigned char a = ac_lower(p[0]), b = ac_lower(p[1]);
			ac_pair_set(ac, a, b);
			ac_pair_set(ac, ac_upper(a), b);
			ac_pair_set(ac, a, ac_upper(b));
			ac_pair_set(ac, ac_upper(a), ac_upper(b));
		}
}

const uint8_t *lw_ac_pairs(const lw_ac *ac)
{
	return ac->pairs;
}

int lw_ac_build(lw_ac **out, const char *const *kw, size_t n)
{
	lw_ac *ac = calloc(1, sizeof(*ac));
	ac_build b = { 0 };
	uint32_t *term = NULL;
	int rc = LW_ENOMEM;

	*out = NULL;
	if (!ac)
		return LW_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!kw[i][0]) {
			rc = LW_ECONFIG;
			goto done;
		}
		if (strlen(kw[i]) > ac->maxkw)
			ac->maxkw = (uint32_t)strlen(kw[i]);
	}
	ac_build_pairs(ac, kw, n);
	if ((rc = ac_build_classes(ac, kw, n)) < 0 ||
	    (rc = ac_build_trie(ac, &b, kw, n, &term)) < 0)
		goto done;
	rc = LW_ENOMEM;
	ac->out_link = calloc(ac->nstates, sizeof(uint32_t));
	if (!ac->out_link)
		goto done;
	if ((rc = ac_build_dfa(ac, &b)) < 0 || (rc = ac_build_outputs(ac, &b, term, n)) < 0)
		goto done;
	*out = ac;
	ac = NULL;
done:
	free(b.go);
	free(b.fail);
	free(b.nown);
	free(term);
	lw_ac_free(ac);
	return rc;
}

static int ac_report(const lw_ac *ac, uint32_t s, size_t end, lw_ac_hit_cb cb,
	void *payload)
{
	for (; s; s = ac->out_link[s]) {
		for (uint32_t i = ac->own_start[s]; i < ac->own_start[s + 1]; i++) {
			int rc = cb(ac->own_kw[i], end, payload);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* data[from, to) from row, the hits ending past min_end reported */
static int ac_scan_from(const lw_ac *ac, const unsigned char *data, size_t from, size_t to, uint32_t row,
	size_t min_end, lw_ac_hit_cb cb, void *payload)
{
	const uint32_t *delta = ac->delta;
	const uint8_t *cls = ac->cls;

	for (size_t i = from; i < to; i++) {
		uint32_t t = delta[row + cls[data[i]]];
		row = t & ~LW_AC_OUT;
		if (__builtin_expect(t & LW_AC_OUT, 0) && i + 1 > min_end) {
			int rc = ac_report(ac, row / ac->nclass, i + 1, cb, payload);
			if (rc)
				return rc;
		}
	}
	return 0;
}

#define AC_PENDING 4096
#define AC_BLOCK (64u << 10)

typedef struct ac_pending {
	uint32_t row[AC_PENDING];
	size_t end[AC_PENDING];
	size_t n;
} ac_pending;

/*
 * A DFA step is one dependent load after another, so one stream cannot use
 * the core's parallelism. Each 64 KiB block is split in two halves that run
 * interleaved: the first half's hits are reported as they come, the second
 * half's are held and replayed afterwards, so the callback still sees
 * positions in order. The second half starts early by the longest keyword
 * (from the start state) and reports only keywords ending past the midpoint;
 * its final state carries into the next block. A block with more held hits
 * than fit rescans its second half on its own.
 */
size_t lw_ac_max_keyword(const lw_ac *ac)
{
	return ac->maxkw;
}

int lw_ac_scan(const lw_ac *ac, const unsigned char *data, size_t len,
	lw_ac_hit_cb cb, void *payload)
{
	const uint32_t *delta = ac->delta;
	const uint8_t *cls = ac->cls;
	uint32_t k = ac->nclass, ra = 0;
	ac_pending pend;
	size_t bs = 0;
	int rc;

	if (ac->maxkw == 0)
		return 0;
	while (bs < len) {
		size_t be = len - bs > AC_BLOCK ? bs + AC_BLOCK : len;
		size_t mid = bs + (be - bs) / 2, lead = ac->maxkw - 1;
		if (be - bs < 4 * (size_t)ac->maxkw + 64 || mid - bs <= lead) {
			/* too short to split: finish sequentially from the carried state */
			for (size_t i = bs; i < be; i++) {
				uint32_t t = delta[ra + cls[data[i]]];
				ra = t & ~LW_AC_OUT;
				if (__builtin_expect(t & LW_AC_OUT, 0) &&
				    (rc = ac_report(ac, ra / k, i + 1, cb, payload)))
					return rc;
			}
			bs = be;
			continue;
		}
		size_t b0 = mid - lead, steps = mid - bs, i;
		uint32_t rb = 0;
		int overflow = 0;
		pend.n = 0;
		/* second stream is longer (be - b0 >= steps): interleave the common part */
		for (i = 0; i < steps; i++) {
			uint32_t ta = delta[ra + cls[data[bs + i]]];
			uint32_t tb = delta[rb + cls[data[b0 + i]]];
			ra = ta & ~LW_AC_OUT;
			rb = tb & ~LW_AC_OUT;
			if (__builtin_expect(ta & LW_AC_OUT, 0) &&
			    (rc = ac_report(ac, ra / k, bs + i + 1, cb, payload)))
				return rc;
			if (__builtin_expect(tb & LW_AC_OUT, 0) && b0 + i + 1 > mid && !overflow) {
				if (pend.n == AC_PENDING) {
					overflow = 1;
				} else {
					pend.row[pend.n] = rb;
					pend.end[pend.n++] = b0 + i + 1;
				}
			}
		}
		if (overflow) {
			if ((rc = ac_scan_from(ac, data, b0, be, 0, mid, cb, payload)))
				return rc;
			/* recompute the carried state: rerun the tail quietly */
			rb = 0;
			for (size_t j = be - ac->maxkw; j < be; j++)
				rb = delta[rb + cls[data[j]]] & ~LW_AC_OUT;
			ra = rb;
			bs = be;
			continue;
		}
		for (size_t h = 0; h < pend.n; h++)
			if ((rc = ac_report(ac, pend.row[h] / k, pend.end[h], cb, payload)))
				return rc;
		for (size_t j = b0 + steps; j < be; j++) {
			uint32_t t = delta[rb + cls[data[j]]];
			rb = t & ~LW_AC_OUT;
			if (__builtin_expect(t & LW_AC_OUT, 0) && j + 1 > mid &&
			    (rc = ac_report(ac, rb / k, j + 1, cb, payload)))
				return rc;
		}
		ra = rb;
		bs = be;
	}
	return 0;
}

/* one lane: ranges r[i, n), at byte p of r[i], in row */
typedef struct ac_lane {
	const lw_range *r;
	size_t i, n;
	uint64_t p;
	uint32_t row;
	lw_ac_hit_cb cb;
	void *payload;
} ac_lane;

/* moves the lane past ended ranges; 0 when it has none left */
static int ac_lane_ready(ac_lane *l)
{
	while (l->i < l->n && l->p >= l->r[l->i].end) {
		if (++l->i < l->n) {
			l->p = l->r[l->i].start;
			l->row = 0;
		}
	}
	return l->i < l->n;
}

int lw_ac_scan_ranges(const lw_ac *ac, const unsigned char *data, const lw_range *r, size_t n,
	lw_ac_hit_cb cb, void *payload, lw_ac_hit_cb cb2, void *payload2)
{
	const uint32_t *delta = ac->delta;
	const uint8_t *cls = ac->cls;
	uint64_t total = 0, half = 0;
	size_t m = 0;
	int rc;

	if (ac->maxkw == 0 || n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		total += r[i].end - r[i].start;
	while (m < n && half < total / 2)
		half += r[m].end - r[m].start, m++;
	ac_lane a = { r, 0, m, m ? r[0].start : 0, 0, cb, payload };
	ac_lane b = { r, m, n, m < n ? r[m].start : 0, 0, cb2, payload2 };
	for (;;) {
		int ra = ac_lane_ready(&a), rb = ac_lane_ready(&b);
		if (!ra || !rb) {
			/* one lane left: the rest of it alone */
			ac_lane *l = ra ? &a : &b;
			if (!ra && !rb)
				return 0;
			while (ac_lane_ready(l)) {
				uint64_t e = l->r[l->i].end;
				if ((rc = ac_scan_from(ac, data, (size_t)l->p, (size_t)e, l->row, 0, l->cb, l->payload)))
					return rc;
				l->p = e;
			}
			return 0;
		}
		/* both lanes, as far as the nearer end of their ranges */
		uint64_t ka = a.r[a.i].end - a.p, kb = b.r[b.i].end - b.p, k = ka < kb ? ka : kb;
		for (uint64_t j = 0; j < k; j++) {
			uint32_t ta = delta[a.row + cls[data[a.p]]];
			uint32_t tb = delta[b.row + cls[data[b.p]]];
			a.row = ta & ~LW_AC_OUT;
			b.row = tb & ~LW_AC_OUT;
			a.p++;
			b.p++;
			if (__builtin_expect(ta & LW_AC_OUT, 0) &&
			    (rc = ac_report(ac, a.row / ac->nclass, (size_t)a.p, a.cb, a.payload)))
				return rc;
			if (__builtin_expect(tb & LW_AC_OUT, 0) &&
			    (rc = ac_report(ac, b.row / ac->nclass, (size_t)b.p, b.cb, b.payload)))
				return rc;
		}
	}
}
