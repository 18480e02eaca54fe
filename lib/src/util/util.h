/* util.h - the util layer's declarations shared across the library: errors, allocation, string
 * lists, regex helpers, text and line helpers, hashes.
 * Included through internal.h; the layers (lib/README.md) decide who may
 * call what. */
#ifndef LW_UTIL_H
#define LW_UTIL_H

typedef struct lw_regex_list {
	pcre2_code **codes; /* NULL: compiled at first use (lw_regex_list_at) */
	char **sources;
	size_t n;
	int jit; /* JIT-compile each regex when it is compiled (lw_regex_list_jit) */
} lw_regex_list;

typedef struct lw_strlist {
	char **v;
	size_t n;
} lw_strlist;

typedef struct lw_allow {
	lw_regex_list paths;
	lw_regex_list regexes;
	lw_strlist stopwords;
} lw_allow;

/* errors */
int lw_error_set(lw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* memory helpers: abort-free, return NULL on failure */
char *lw_strdup(const char *s);

char *lw_strndup(const char *s, size_t n);

void *lw_reallocarray(void *p, size_t n, size_t size);
/* Room for one more element in array v holding n of cap: at n == cap, cap
 * doubles (from `first`) and v is reallocated. 0, or -1 out of memory with v
 * and cap as they were. The one growth rule of the library's lists. */
#define LW_GROW(v, cap, n, first)                                                  \
	__extension__({                                                            \
		int lw_grow_rc_ = 0;                                               \
		if ((n) >= (cap)) {                                                \
			size_t lw_grow_cap_ = (cap) ? (size_t)(cap) * 2 : (first); \
			__typeof__(v) lw_grow_v_ =                                 \
				lw_reallocarray((v), lw_grow_cap_, sizeof(*(v)));  \
			if (lw_grow_v_) {                                          \
				(v) = lw_grow_v_;                                  \
				(cap) = lw_grow_cap_;                              \
			} else {                                                   \
				lw_grow_rc_ = -1;                                  \
			}                                                          \
		}                                                                  \
		lw_grow_rc_;                                                       \
	})

/* The first i in [lo, hi) where BEFORE(&v[i]) does not hold (it holds for
 * a prefix of v[lo..hi)), or hi: a search without branches to mispredict,
 * the halves chosen by a conditional move. */
#define LW_PARTITION_POINT(v, lo, hi, BEFORE)                                     \
	__extension__({                                                           \
		size_t lw_pp_lo_ = (lo), lw_pp_n_ = (hi) - lw_pp_lo_;             \
		__typeof__(&(v)[0]) lw_pp_b_ = (v) + lw_pp_lo_;                   \
		while (lw_pp_n_ > 1) {                                            \
			size_t lw_pp_h_ = lw_pp_n_ / 2;                           \
			lw_pp_b_ = BEFORE(&lw_pp_b_[lw_pp_h_]) ? lw_pp_b_ + lw_pp_h_ : lw_pp_b_; \
			lw_pp_n_ -= lw_pp_h_;                                     \
		}                                                                 \
		lw_pp_n_ ? (size_t)(lw_pp_b_ - (v)) + (BEFORE(lw_pp_b_) ? 1u : 0u) : lw_pp_lo_; \
	})

/* Array v of n elements holds two runs, v[0..moved) and v[moved..n), each
 * in order: merged into one run in order, in place from the back, the second
 * run (the short one: derived lists add a few found elements to many moved
 * ones) set aside first, on the stack when 256 or fewer. BEFORE(a, b), on
 * element pointers: a goes strictly before b; of two tied, the first run's
 * goes first. 0, or -1 out of memory with v as it was. */
#define LW_MERGE_BACK(v, n, moved, BEFORE)                                        \
	__extension__({                                                           \
		size_t lw_mb_n_ = (n), lw_mb_i_ = (moved), lw_mb_j_ = lw_mb_n_ - lw_mb_i_; \
		size_t lw_mb_k_ = lw_mb_n_;                                       \
		__typeof__(*(v)) lw_mb_stack_[256], *lw_mb_t_ = lw_mb_stack_;     \
		int lw_mb_rc_ = 0;                                                \
		if (lw_mb_i_ && lw_mb_j_ && lw_mb_j_ > 256 &&                     \
		    !(lw_mb_t_ = malloc(lw_mb_j_ * sizeof(*(v)))))                 \
			lw_mb_rc_ = -1;                                           \
		if (lw_mb_i_ && lw_mb_j_ && !lw_mb_rc_) {                         \
			memcpy(lw_mb_t_, (v) + lw_mb_i_, lw_mb_j_ * sizeof(*(v)));  \
			while (lw_mb_j_ > 0) {                                    \
				if (lw_mb_i_ > 0 &&                               \
				    BEFORE(&lw_mb_t_[lw_mb_j_ - 1], &(v)[lw_mb_i_ - 1])) \
					(v)[--lw_mb_k_] = (v)[--lw_mb_i_];        \
				else                                              \
					(v)[--lw_mb_k_] = lw_mb_t_[--lw_mb_j_];   \
			}                                                         \
			if (lw_mb_t_ != lw_mb_stack_)                             \
				free(lw_mb_t_);                                   \
		}                                                                 \
		lw_mb_rc_;                                                        \
	})

void lw_wipe(void *p, size_t n);
/* lw_wipe for a large buffer about to be freed, whose lines are likely out
 * of the caches: streaming stores, no line read first */
void lw_wipe_cold(void *p, size_t n);

/* a copy of s appended: 0 or LW_ENOMEM */
int lw_strlist_push(lw_strlist *l, const char *s);

void lw_strlist_dispose(lw_strlist *l);

void lw_regex_list_dispose(lw_regex_list *l);

void lw_allow_dispose(lw_allow *a);

/* regex helpers */
pcre2_code *lw_regex_compile(const char *pattern, lw_error *err);

/* the same with extra compile options (PCRE2_ANCHORED); err may be NULL */
pcre2_code *lw_regex_compile_opts(const char *pattern, uint32_t options, lw_error *err);

/* 2 * n hex digits (either case, as git reads object names) into n bytes;
 * 0, or -1 at the first byte that is not a hex digit */
int lw_hex_decode(const char *hex, size_t n, unsigned char *out);

/* A path matched by path regexes (a rule's `paths`, `allow.paths`): a
 * path inside an archive ("a.zip!lib/b.tar!conf/x") is tried whole and as
 * each member's own path after a '!' ("lib/b.tar!conf/x", "conf/x"), so
 * "(?:^|/)conf/" or "^id_rsa$" meets an archive's members as it meets
 * files. `code` NULL, or a list with no regex: no match. */
int lw_path_matches(const pcre2_code *code, const char *path, size_t len, pcre2_match_data *md);

int lw_path_list_matches(const lw_regex_list *l, const char *path, size_t len, pcre2_match_data *md);

int lw_regex_list_matches(const lw_regex_list *l, const unsigned char *s,
	size_t len, pcre2_match_data *md);
/* the i-th regex, compiled now if it was left for its first use (thread
 * safe); NULL if it does not compile (err says why; err may be NULL) */
const pcre2_code *lw_regex_list_at(const lw_regex_list *l, size_t i, lw_error *err);
/* from now on the list's regexes are JIT-compiled: those compiled already
 * now, the others at their first use; call it before the list is shared
 * between threads */
void lw_regex_list_jit(lw_regex_list *l);

/* A base64 digit's value (standard and URL-safe alphabets), or -1; inline:
 * the decoding pass calls it for every byte of an encoded run */
static inline int lw_b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* case-insensitive substring search, bytes */
const unsigned char *lw_memcasemem(const unsigned char *h, size_t hl,
	const char *needle, size_t nl);

/* sha256 */
void lw_sha256(const void *data, size_t len, unsigned char out[32]);

/* sha1: only to compare with hashes other tools store (util/sha1.c) */
void lw_sha1(const void *data, size_t len, unsigned char out[20]);

/* How much of a file or blob decides whether it is binary: git's own
 * bound. The one definition for files, staged blobs, history and pushes. */
#define LW_SNIFF_BYTES 8000

/* Text or not: 0 use as is, 1 UTF-16 transcoded into `out` (UTF-8),
 * -1 binary (a NUL in the first LW_SNIFF_BYTES bytes). */
int lw_text_prepare(const unsigned char *d, size_t n, lw_buf *out);

/* line helpers: a line ends at \n, \r\n or a lone \r */
size_t lw_line_start(const unsigned char *d, size_t pos, size_t floor);

size_t lw_line_end(const unsigned char *d, size_t len, size_t pos);

/* embedded default rules (generated) */
typedef struct lw_embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
} lw_embedded_file;

/* Interned paths (util/pathtab.c): each distinct path stored once, named by
 * a number from 0; its string does not move until the table is released.
 * Zeroed: empty. Not locked: one thread at a time. */
typedef struct lw_pathtab {
	const char **paths;  /* id -> its string */
	uint32_t *hash;      /* id -> its hash */
	uint32_t n, cap;
	uint32_t *slots;     /* open addressing over ids + 1, 0 empty */
	size_t nslots;
	char **blocks;       /* where the strings live */
	size_t nblocks, capblocks;
	char *at;
	size_t left;
} lw_pathtab;

/* path[0..len)'s number, new or not: 0, or LW_ENOMEM */
int lw_pathtab_intern(lw_pathtab *t, const char *path, size_t len, uint32_t *id);
/* the path numbered id (NUL-terminated), or NULL */
const char *lw_pathtab_get(const lw_pathtab *t, uint32_t id);
void lw_pathtab_release(lw_pathtab *t);

#endif
