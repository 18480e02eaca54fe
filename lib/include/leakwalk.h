/*
 * leakwalk.h - the public interface of libleakwalk, a secret scanner.
 *
 * The library finds credentials (API keys, tokens, passwords, private keys)
 * in byte buffers, files and git history. It never prints and never exits:
 * every function returns an error code and, where one is given, fills a
 * caller-owned lw_error with a message.
 *
 * Typical use:
 *
 *     lw_ruleset *rs = NULL;
 *     lw_error err = {0};
 *     if (lw_ruleset_new(&rs) < 0 || lw_ruleset_add_defaults(rs, &err) < 0 ||
 *         lw_ruleset_finalize(rs, &err) < 0) { report err.msg; }
 *     lw_scanner *sc = NULL;
 *     lw_scanner_new(&sc, rs, NULL);
 *     lw_chunk chunk = LW_CHUNK_INIT;
 *     chunk.data = buf; chunk.len = len; chunk.path = "config.yml";
 *     lw_scanner_scan(sc, &chunk, on_finding, payload);
 *     lw_scanner_free(sc);
 *     lw_ruleset_free(rs);
 *
 * Ownership: an object returned through a `**out` parameter belongs to the
 * caller and is released with its own `_free` function (passing NULL is a
 * harmless no-op). Pointers inside structures handed to callbacks are
 * borrowed and valid only during the callback. A finalized lw_ruleset is
 * read-only and may be shared by any number of threads; an lw_scanner
 * belongs to one thread at a time.
 */
#ifndef LEAKWALK_H
#define LEAKWALK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Marks the public API: with -fvisibility=hidden these are the only symbols
 * the shared library exports.
 */
#ifndef LW_EXTERN
# if defined(__GNUC__) || defined(__clang__)
#  define LW_EXTERN __attribute__((visibility("default")))
# else
#  define LW_EXTERN
# endif
#endif

#define LW_VERSION "0.1.0"

/** Error codes. 0 is success; failures are negative. */
enum {
	LW_OK = 0,
	LW_ERROR = -1,   /**< generic failure, see lw_error */
	LW_ENOMEM = -2,  /**< allocation failed */
	LW_ECONFIG = -3, /**< invalid rule file, configuration or argument */
	LW_EIO = -4,     /**< input could not be read */
	LW_ELIMIT = -5,  /**< a configured bound was exceeded */
	LW_ESTOP = -6,   /**< a callback asked to stop */
	LW_ENOTFOUND = -7
};

/** A caller-owned buffer that carries an error message out of the library. */
typedef struct lw_error {
	int code;
	char msg[1024];
} lw_error;

/**
 * Sets what the library would like for the whole process, once, before any
 * scan: it initialises libgit2 and bounds what libgit2 keeps for every
 * repository of the process (GIT_OPT_SET_MWINDOW_MAPPED_LIMIT 512 MiB of
 * mapped pack windows, GIT_OPT_SET_CACHE_MAX_SIZE 128 MiB of cached
 * objects), which keeps a history scan of a large repository within its
 * memory. The scans never change these options themselves: a program that
 * embeds the library and sets its own may skip this call (scans still work,
 * with libgit2's defaults). Not thread-safe with other libgit2 option
 * changes; 0, or LW_ERROR when libgit2 refuses.
 */
LW_EXTERN int lw_init(void);

/* ------------------------------------------------------------------ */
/* Rules                                                              */
/* ------------------------------------------------------------------ */

typedef enum lw_severity {
	LW_SEV_INFO = 0,
	LW_SEV_LOW,
	LW_SEV_MEDIUM,
	LW_SEV_HIGH,
	LW_SEV_CRITICAL
} lw_severity;

/** Returns "info" .. "critical". */
LW_EXTERN const char *lw_severity_name(lw_severity sev);

/** A read-only view of one rule, borrowed from its rule set. */
typedef struct lw_rule_info {
	const char *id;
	const char *description;
	const char *regex;
	const char *source; /**< file the rule came from ("<builtin>/aws.json") */
	lw_severity severity;
	const char *const *tags;
	size_t ntags;
	const char *const *keywords;
	size_t nkeywords;
	double entropy;     /**< minimum entropy, 0 when none */
	const char *checksum; /**< offline check name or NULL */
	const char *const *match_examples;
	size_t nmatch_examples;
	const char *const *no_match_examples;
	size_t nno_match_examples;
	int disabled;
	const char *const *paths; /**< the rule runs only on these paths; with
				       regex NULL it is a path rule: a file
				       there is itself reported */
	size_t npaths;
	int identifier;     /**< the match is a public identifier (an account SID, a
				 publishable key): never reported alone, shown as the
				 context of findings near it */
} lw_rule_info;

typedef struct lw_ruleset lw_ruleset;

/** Creates an empty rule set. */
LW_EXTERN int lw_ruleset_new(lw_ruleset **out);

/** Adds the rules compiled into the library (the patterns folder). */
LW_EXTERN int lw_ruleset_add_defaults(lw_ruleset *rs, lw_error *err);

/**
 * Adds a rule file or a configuration file. `name` names the source in
 * error messages. A rule file is `{"rules": [...]}`; a configuration file
 * may also hold `"disable": [ids]`, `"allow": {paths, regexes, stopwords}`
 * and `"defaults": false` (do not use the built-in rules; only meaningful
 * before lw_ruleset_add_defaults is called, see lw_ruleset_wants_defaults).
 * On any error nothing from the file is kept.
 */
LW_EXTERN int lw_ruleset_add_json(lw_ruleset *rs, const char *name, const char *data,
	size_t len, lw_error *err);

/** Reads `path` (bounded to 16 MiB) and calls lw_ruleset_add_json. */
LW_EXTERN int lw_ruleset_add_file(lw_ruleset *rs, const char *path, lw_error *err);

/** 1 unless a configuration said `"defaults": false`. */
LW_EXTERN int lw_ruleset_wants_defaults(const lw_ruleset *rs);

/** Disables a rule by id. LW_ENOTFOUND if no rule has that id. */
LW_EXTERN int lw_ruleset_disable(lw_ruleset *rs, const char *id, lw_error *err);

/**
 * Resolves deferred disables and builds the keyword automaton. Must be
 * called once, after the last add, before scanning. The set is read-only
 * afterwards.
 */
LW_EXTERN int lw_ruleset_finalize(lw_ruleset *rs, lw_error *err);

LW_EXTERN size_t lw_ruleset_count(const lw_ruleset *rs);
/** Borrowed; valid for the rule set's lifetime. */
LW_EXTERN const lw_rule_info *lw_ruleset_rule(const lw_ruleset *rs, size_t i);
/** Index of the rule with `id`, or -1. */
LW_EXTERN long lw_ruleset_find(const lw_ruleset *rs, const char *id);

/**
 * Compiles every enabled rule's regex now (rules are otherwise compiled on
 * first use) and checks it against adversarial inputs under the match
 * limit. Returns LW_ECONFIG naming the first rule that fails.
 */
LW_EXTERN int lw_ruleset_check(lw_ruleset *rs, lw_error *err);

/** lw_ruleset_check for rule `index` alone (finalized set). */
LW_EXTERN int lw_ruleset_check_rule(lw_ruleset *rs, size_t index, lw_error *err);

/**
 * A hash (64 hex digits and a NUL) of what lw_ruleset_check_rule's verdict
 * depends on: the rule's regex, keywords and window, the library and PCRE2
 * versions. For caching verdicts.
 */
LW_EXTERN int lw_rule_check_key(const lw_ruleset *rs, size_t index, char out[65]);

LW_EXTERN void lw_ruleset_free(lw_ruleset *rs);

/* ------------------------------------------------------------------ */
/* Scanning                                                           */
/* ------------------------------------------------------------------ */

/** Options of a scanner. Initialise with LW_SCAN_OPTIONS_INIT. */
typedef struct lw_scan_options {
	unsigned int version;
	int honour_inline_allow;   /**< drop lines containing leakwalk:allow (default 1) */
	uint32_t match_limit;      /**< PCRE2 match limit per regex call */
	uint32_t heap_limit_kib;   /**< PCRE2 heap limit */
	size_t max_window;         /**< bytes either side of a keyword hit on one line */
	int only_rule;             /**< -1, or restrict to one rule index */
	int decode_depth;          /**< base64/hex/percent-encoded runs decoded and rescanned (default 2) */
	size_t decode_max;         /**< bytes decoded per chunk at most (default 4 MiB) */
	int compat_markers;        /**< also honour gitleaks:allow and "pragma: allowlist secret" */
	int report_invalid_checksums; /**< also report tokens whose offline checksum fails
					   (default 0: such a token is not a secret) */
	/* Archives (zip, jar, tar, gzip, bzip2, xz), found by their content in
	 * files, blobs, staged files and pushes: their members are read in
	 * memory and scanned as `archive!member`. Not used by lw_scanner_scan,
	 * which scans the bytes it is given. */
	int archive_depth;            /**< archives inside archives opened, levels (default 4;
					   0: archives are not opened) */
	uint64_t archive_max_bytes;   /**< uncompressed bytes read from one archive, nested
					   ones included (default 256 MiB) */
	uint32_t archive_max_members; /**< members read from one archive (default 10000) */
	uint32_t archive_max_ratio;   /**< a member inflating to this many bytes for each
					   byte of the archive holding it (once over 1 MiB) is
					   a bomb: it is abandoned (default 100) */
} lw_scan_options;

#define LW_SCAN_OPTIONS_VERSION 1
#define LW_SCAN_OPTIONS_INIT { LW_SCAN_OPTIONS_VERSION, 1, 2000000, 20480, 4096, -1, 2, \
	(size_t)4 << 20, 0, 0, 4, (uint64_t)256 << 20, 10000, 100 }
/** The bounds of lw_scan_options.decode_depth the command line accepts. */
#define LW_DECODE_DEPTH_MAX 8
/** The bound of lw_scan_options.archive_depth the command line accepts. */
#define LW_ARCHIVE_DEPTH_MAX 16

/** A byte buffer to scan and where it came from. */
typedef struct lw_chunk {
	const unsigned char *data;
	size_t len;
	const char *path;      /**< shown and fingerprinted; never NULL */
	uint32_t first_line;   /**< line number of data[0], usually 1 */
	const char *fingerprint_path; /**< path used in fingerprints; NULL: path */
} lw_chunk;

#define LW_CHUNK_INIT { NULL, 0, "", 1, NULL }

typedef enum lw_checksum_state {
	LW_CHECKSUM_NONE = 0,
	LW_CHECKSUM_VALID = 1,
	LW_CHECKSUM_INVALID = -1
} lw_checksum_state;

/** How sure a finding is to be a live secret (see lw_confidence_of). */
typedef enum lw_confidence {
	LW_CONFIDENCE_LOW = 0,
	LW_CONFIDENCE_MEDIUM,
	LW_CONFIDENCE_HIGH
} lw_confidence;

/** Returns "low", "medium" or "high". */
LW_EXTERN const char *lw_confidence_name(lw_confidence c);
/** The level named `s` ("low", "medium", "high"), or -1. */
LW_EXTERN int lw_confidence_parse(const char *s);
/** SARIF 2.1.0 result.rank (0..100) of a confidence. */
LW_EXTERN int lw_confidence_rank(lw_confidence c);

/** A public identifier found near a finding (an identifier rule's match). */
typedef struct lw_context_item {
	const char *rule_id;
	const unsigned char *value;
	size_t value_len;
} lw_context_item;

#define LW_MAX_CONTEXT 4

/** One finding, borrowed for the duration of the callback. */
typedef struct lw_finding {
	const lw_rule_info *rule;
	size_t rule_index;
	const char *path;
	uint32_t line, column, end_line, end_column; /**< 1-based, bytes */
	size_t offset, length;         /**< of the whole match in the chunk */
	const unsigned char *secret;   /**< not NUL-terminated */
	size_t secret_len;
	const unsigned char *match;
	size_t match_len;
	const unsigned char *line_text; /**< the first line of the match, bounded */
	size_t line_len;
	size_t secret_col;             /**< offset of the secret in line_text */
	double entropy;
	lw_checksum_state checksum;
	char fingerprint[33];          /**< hex, from rule id, path and secret */
	const char *decoded;           /**< NULL, or the decoding chain ("base64", "hex>base64");
					    the location is then that of the encoded text */
	lw_confidence confidence;      /**< lw_confidence_of this finding */
	const lw_context_item *context; /**< identifiers within a few lines, nearest
					     first; at most LW_MAX_CONTEXT */
	size_t ncontext;
} lw_finding;

/**
 * The confidence of a finding, from its rule (a provider's token with a
 * fixed shape over a generic assignment), its checksum (valid: high;
 * invalid: low), the secret's entropy, the name it was assigned to and the
 * file it is in (tests, fixtures, examples and documentation lower it).
 * Reads rule, path, secret, match, entropy, checksum and decoded.
 */
LW_EXTERN lw_confidence lw_confidence_of(const lw_finding *f);

/** A problem that made coverage incomplete (a regex hit its limit, ...). */
typedef struct lw_diag {
	const char *rule_id; /**< may be NULL */
	const char *path;
	uint32_t line;
	const char *message;
} lw_diag;

/** Return 0 to go on, non-zero to stop the scan (LW_ESTOP). */
typedef int (*lw_finding_cb)(const lw_finding *f, void *payload);
typedef void (*lw_diag_cb)(const lw_diag *d, void *payload);

typedef struct lw_sink {
	lw_finding_cb on_finding;
	lw_diag_cb on_diag; /**< may be NULL */
	void *payload;
} lw_sink;

typedef struct lw_scanner lw_scanner;

/** Per-thread matcher state. `opts` may be NULL for defaults. */
LW_EXTERN int lw_scanner_new(lw_scanner **out, const lw_ruleset *rs,
	const lw_scan_options *opts);

/**
 * Scans one chunk and calls the sink for every finding, in order of
 * position. Returns 0, LW_ESTOP, or a negative error.
 */
LW_EXTERN int lw_scanner_scan(lw_scanner *sc, const lw_chunk *chunk, const lw_sink *sink);

/** Number of regex limit hits since the scanner was created. */
LW_EXTERN uint64_t lw_scanner_limit_hits(const lw_scanner *sc);

LW_EXTERN void lw_scanner_free(lw_scanner *sc);

/**
 * Runs every example of rule `index` through a fresh scan restricted to that
 * rule. Fills `err` with the first failing example. Returns 0 when all pass.
 */
LW_EXTERN int lw_rule_test(const lw_ruleset *rs, size_t index, lw_error *err);

/* ------------------------------------------------------------------ */
/* Utilities                                                          */
/* ------------------------------------------------------------------ */

/** Shannon entropy in bits per byte. */
LW_EXTERN double lw_entropy(const unsigned char *data, size_t len);

/** Fills `out` (33 bytes) with the stable fingerprint of a finding. */
LW_EXTERN void lw_fingerprint(char out[33], const char *rule_id, const char *path,
	const unsigned char *secret, size_t secret_len);

/** 1 if `secret` looks like a placeholder or a documented example value. */
LW_EXTERN int lw_is_placeholder(const unsigned char *secret, size_t len);

/** Validates a token with the named offline check. */
LW_EXTERN lw_checksum_state lw_checksum_verify(const char *name,
	const unsigned char *secret, size_t len);

/** The library's and its dependencies' versions, one per line. */
LW_EXTERN const char *lw_version_deps(char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Bounded buffers and escaping                                       */
/* ------------------------------------------------------------------ */

/**
 * A growable byte buffer with a hard maximum. `data` is always
 * NUL-terminated once anything was appended. Appending past `max` fails
 * with LW_ELIMIT and sets `overflow`; nothing is ever truncated silently.
 * With `wipe` set, memory is zeroed before it is freed (secret bytes).
 */
typedef struct lw_buf {
	char *data;
	size_t len, cap, max;
	int overflow;
	int wipe;
} lw_buf;

#define LW_BUF_DEFAULT_MAX ((size_t)1 << 30)

LW_EXTERN void lw_buf_init(lw_buf *b, size_t max);
LW_EXTERN void lw_buf_release(lw_buf *b);
/** Makes room for `extra` more bytes (plus the terminating NUL). */
LW_EXTERN int lw_buf_reserve(lw_buf *b, size_t extra);
LW_EXTERN int lw_buf_put(lw_buf *b, const void *p, size_t n);
LW_EXTERN int lw_buf_puts(lw_buf *b, const char *s);
LW_EXTERN int lw_buf_putc(lw_buf *b, char c);
LW_EXTERN int lw_buf_printf(lw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** The whole file at `path` into *out, at most `max` bytes: 0, or -1 with
 * errno set (EFBIG past `max`). *out is NUL-terminated and the caller's to
 * free; *len is its length without the NUL. */
LW_EXTERN int lw_file_read(const char *path, size_t max, char **out, size_t *len);
LW_EXTERN const char *lw_buf_cstr(const lw_buf *b);

/**
 * Appends `s` escaped for a terminal: C0 controls, DEL, C1 controls, bidi
 * and other invisible format characters and invalid UTF-8 become visible
 * escapes (\x1b, \u202e); everything else is copied.
 */
LW_EXTERN int lw_escape_text(lw_buf *out, const unsigned char *s, size_t len);
/** Appends `s` as the inside of a JSON string (valid UTF-8 out, always). */
LW_EXTERN int lw_escape_json(lw_buf *out, const unsigned char *s, size_t len);

/** Appends the redacted form of a secret (a short prefix, then stars). */
LW_EXTERN int lw_redact(lw_buf *out, const unsigned char *secret, size_t len);

/* ------------------------------------------------------------------ */
/* Reports                                                            */
/* ------------------------------------------------------------------ */

/** Where a finding came from in git; every field may be NULL. */
typedef struct lw_provenance {
	const char *commit;
	const char *author;
	const char *email;
	const char *date;    /**< ISO 8601 */
	const char *message; /**< first line */
	const char *blob;
} lw_provenance;

/** An owned copy of one finding and its provenance, kept in a report. */
typedef struct lw_record {
	char *rule_id, *description, *path, *secret, *match, *line_text;
	size_t secret_len, match_len, line_len, secret_col, secret_in_match;
	lw_severity severity;
	uint32_t line, column, end_line, end_column;
	double entropy;
	lw_checksum_state checksum;
	char fingerprint[33];
	char *commit, *author, *email, *date, *message, *blob;
	char **present; /**< audit: refs whose tip still holds the secret */
	size_t npresent;
	int has_present;
	char *decoded; /**< decoding chain ("base64"), or NULL */
	uint64_t order; /**< caller's ordering key (commit sequence) */
	lw_confidence confidence;
	char **context_rule, **context_value; /**< the finding's context, owned */
	size_t ncontext;
	int redacted;   /**< `secret`, `match` and `line_text` hold a redacted form already
			     (a report read back by lw_report_load): shown as they are */
	/* a report from a store (leakwalk report --store): NULL/0 otherwise */
	char *repo;      /**< the repository as the store knows it */
	char *status;    /**< triage: open, false-positive, revoked, accepted */
	char *secret_id; /**< keyed hash of the secret, the same in every repository */
	int64_t first_seen; /**< unix time the store first recorded it */
} lw_record;

typedef struct lw_report lw_report;

LW_EXTERN int lw_report_new(lw_report **out);
LW_EXTERN void lw_report_free(lw_report *r);
/** Builds an owned record from a finding (caller frees with lw_record_free). */
LW_EXTERN int lw_record_new(lw_record **out, const lw_finding *f, const lw_provenance *p);
/** Moves an owned record into the report. */
LW_EXTERN int lw_report_take(lw_report *r, lw_record *rec);
/** Copies a finding into the report. Not thread-safe: serialise callers. */
LW_EXTERN int lw_report_add(lw_report *r, const lw_finding *f, const lw_provenance *p,
	lw_record **added);
/**
 * Reads a JSON (one array) or JSONL report that leakwalk wrote and adds its
 * findings to `r`, in the order they appear. The whole input must be valid
 * (bounded depth, no duplicate keys, typed fields); the error names the
 * finding (or JSONL line), the field or the byte. Unknown fields are
 * ignored. A secret whose fingerprint does not match it was redacted when
 * the report was saved: its record is marked `redacted`.
 */
LW_EXTERN int lw_report_load(lw_report *r, const char *name, const char *data, size_t len,
	lw_error *err);
LW_EXTERN size_t lw_report_count(const lw_report *r);
LW_EXTERN lw_record *lw_report_get(lw_report *r, size_t i);
/**
 * Removes the records `pred` selects (order of the rest is kept). With
 * `into`, they move there instead of being freed: a report of suppressed
 * findings that renderers still mask (see lw_output_options.also_mask).
 */
LW_EXTERN void lw_report_remove_if(lw_report *r, int (*pred)(const lw_record *, void *), void *payload);
LW_EXTERN void lw_report_move_if(lw_report *r, int (*pred)(const lw_record *, void *),
	void *payload, lw_report *into);
/**
 * Replaces, in every record's commit message, each secret the report holds
 * by stars: messages are shown beside findings and can quote a secret.
 */
LW_EXTERN void lw_report_redact_messages(lw_report *r);
/** Sorts by path, line, column, rule. */
LW_EXTERN void lw_report_sort(lw_report *r);
/** Frees one record's contents and memory (secrets are wiped). */
LW_EXTERN void lw_record_free(lw_record *rec);

/** Notes, skipped objects and incomplete coverage carried into reports. */
typedef struct lw_report_meta {
	const char *command;     /**< "scan", "audit", ... */
	uint64_t files, bytes, skipped, errors;
	double seconds;
	int incomplete;          /**< coverage was not complete */
	const char *const *notes; /**< human sentences, e.g. skipped large blobs */
	size_t nnotes;
} lw_report_meta;

/**
 * A report format is an index into the library's table of formats
 * (lw_format_count, lw_format_get). The formats named here keep their
 * numbers; a format added later has a number and a name, not a constant.
 */
typedef enum lw_format {
	LW_FORMAT_TEXT = 0,
	LW_FORMAT_JSON,
	LW_FORMAT_JSONL,
	LW_FORMAT_SARIF,
	LW_FORMAT_CSV,
	LW_FORMAT_JUNIT,  /**< JUnit XML: one failing test case per finding */
	LW_FORMAT_GITLAB, /**< GitLab secret-detection report (schema 15.0.7) */
	LW_FORMAT_HTML    /**< one self-contained HTML page */
} lw_format;

/** Parses "text", "json", ...; -1 when unknown. */
LW_EXTERN int lw_format_parse(const char *name);

/** What a format is called and what it writes. */
typedef struct lw_format_info {
	const char *name;        /**< "text", "json", ...: lw_format_parse's input */
	const char *suffix;      /**< usual end of its file name: "txt", "junit.xml" */
	const char *description; /**< one line for help: "one JSON array" */
} lw_format_info;

/** The number of formats: they are numbered 0 to lw_format_count() - 1. */
LW_EXTERN int lw_format_count(void);
/** Format `f`'s description, or NULL when there is no such format. */
LW_EXTERN const lw_format_info *lw_format_get(int f);

typedef struct lw_output_options {
	unsigned int version;
	lw_format format;
	int redact;   /**< default 1 */
	int color;    /**< ANSI colour in text output */
	const lw_ruleset *rules; /**< for SARIF's rule table; may be NULL */
	lw_report *also_mask;    /**< findings not reported whose secrets are still hidden */
} lw_output_options;

#define LW_OUTPUT_OPTIONS_INIT { 1, LW_FORMAT_TEXT, 1, 0, NULL, NULL }

/** Renders the whole report into `out`. */
LW_EXTERN int lw_report_render(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opts);

/* ------------------------------------------------------------------ */
/* Fingerprint sets: the ignore file and baselines                    */
/* ------------------------------------------------------------------ */

typedef struct lw_fpset lw_fpset;

LW_EXTERN int lw_fpset_new(lw_fpset **out);
LW_EXTERN void lw_fpset_free(lw_fpset *s);
LW_EXTERN int lw_fpset_add(lw_fpset *s, const char *fingerprint);
/**
 * 1 if the set holds `fingerprint`, a NUL-terminated string of 32 lowercase
 * hex digits; anything else (NULL, shorter, longer) is never held: 0.
 */
LW_EXTERN int lw_fpset_contains(const lw_fpset *s, const char *fingerprint);
LW_EXTERN size_t lw_fpset_count(const lw_fpset *s);
/**
 * Reads an ignore file: one fingerprint per line (32 hex digits), `#`
 * starts a comment, blank lines are skipped. Anything else is an error
 * naming the line.
 */
LW_EXTERN int lw_fpset_load_ignore(lw_fpset *s, const char *name, const char *data, size_t len,
	lw_error *err);
/** Reads the fingerprints of a JSON report written by leakwalk. */
LW_EXTERN int lw_fpset_load_report(lw_fpset *s, const char *name, const char *data, size_t len,
	lw_error *err);
/**
 * Reads the ignore file at `path` (at most 64 MiB) into `s`, as
 * lw_fpset_load_ignore. When `optional`, a file that does not exist is no
 * error (the default .leakwalkignore); any other failure is LW_EIO naming
 * the file.
 */
LW_EXTERN int lw_fpset_read_ignore(lw_fpset *s, const char *path, int optional, lw_error *err);
/** Reads the baseline, the JSON report at `path` (at most 1 GiB), into `s`. */
LW_EXTERN int lw_fpset_read_baseline(lw_fpset *s, const char *path, lw_error *err);
/** 1 when a finding with `fingerprint` is ignored or in the baseline (either set may be NULL). */
LW_EXTERN int lw_fpset_suppresses(const lw_fpset *ignore, const lw_fpset *baseline,
	const char *fingerprint);

/* ------------------------------------------------------------------ */
/* Scanning files and directories                                     */
/* ------------------------------------------------------------------ */

typedef struct lw_fs_options {
	unsigned int version;
	uint64_t max_file_size;   /**< larger files are skipped and counted */
	unsigned int threads;     /**< workers; 0 = number of cores */
	unsigned int max_depth;   /**< directory nesting bound */
	lw_scan_options scan;
} lw_fs_options;

#define LW_FS_OPTIONS_INIT { 1, (uint64_t)100 << 20, 0, 256, LW_SCAN_OPTIONS_INIT }

typedef struct lw_fs_stats {
	uint64_t files, bytes;
	uint64_t skipped_binary, skipped_large, skipped_symlink, skipped_other;
	uint64_t errors;       /**< files or directories that could not be read */
	uint64_t limit_hits;   /**< regex limits hit: coverage incomplete */
} lw_fs_stats;

/**
 * Scans files and directory trees. Symbolic links below a root are never
 * followed (a link's target inside the root is scanned at its real path; one
 * outside it is out of scope); `.git` directories are skipped; files with a
 * NUL byte in their first 8000 bytes (git's bound) are binary: only their
 * printable runs are scanned. The sink's callbacks
 * are serialised: they never run on two threads at once. A file that cannot
 * be read becomes a diagnostic and counts in `errors`; the scan goes on.
 */
LW_EXTERN int lw_fs_scan(const char *const *roots, size_t nroots, const lw_ruleset *rs,
	const lw_fs_options *opts, const lw_sink *sink, lw_fs_stats *stats, lw_error *err);

/** Scans a buffer already in memory with a temporary scanner, its bytes
 * exactly as given; an archive's members are scanned as `path!member`
 * (lw_scan_options.archive_depth). The buffer source with `raw` set
 * (LW_SOURCE_BUFFER) is this scan, its findings as records. */
LW_EXTERN int lw_scan_buffer(const lw_ruleset *rs, const lw_scan_options *opts,
	const lw_chunk *chunk, const lw_sink *sink);

/** Number of online processors, at least 1. */
LW_EXTERN unsigned int lw_cpu_count(void);

/* ------------------------------------------------------------------ */
/* Git history                                                        */
/* ------------------------------------------------------------------ */

/** Counters of a history scan; readable while it runs (for progress). */
typedef struct lw_history_stats {
	uint64_t commits;        /**< commits processed */
	uint64_t commits_total;  /**< commits to process, known after the walk is planned */
	uint64_t blobs, bytes;   /**< unique blobs scanned and their size */
	uint64_t skipped_large, skipped_binary, gitlinks, tags;
	uint64_t errors;         /**< objects that could not be read */
	uint64_t findings;       /**< raw findings before deduplication */
	uint64_t limit_hits;
	uint64_t shallow_boundaries; /**< commits whose parents are missing (shallow) */
	int truncated;           /**< --max-commits stopped the walk */
	char inflight[16][41];   /**< objects being read by each worker (watchdog) */
	uint64_t delta_scans;    /**< blobs whose keyword pass covered only what their
				      delta added to an already scanned base */
	uint64_t unique_findings; /**< findings after deduplication, so far: what the
				       report will hold (before ignore files and baselines) */
	uint64_t blobs_total;    /**< blobs to read, known once the walk is over (0 before) */
	uint64_t blobs_done;     /**< blobs read so far, skipped ones included */
	uint64_t deltas_applied; /**< pack deltas the blob readers applied: linear in
				      the pack's deltas, whatever the thread count */
} lw_history_stats;

typedef struct lw_history_options {
	unsigned int version;
	const char *const *revs;  /**< git revision syntax; none: every ref */
	size_t nrevs;
	const char *const *hide;  /**< commits (hex ids or names) the walk excludes */
	size_t nhide;
	int hide_all_refs;        /**< exclude what existing refs reach (server hooks) */
	const char *const *object_dirs; /**< extra object stores (git's quarantine) */
	size_t nobject_dirs;
	int new_objects_only;     /**< skip blobs the repository already stores outside object_dirs */
	int64_t since;            /**< unix time; older commits are not scanned; 0: all */
	uint64_t max_blob_size;   /**< bigger blobs are listed, never inflated */
	uint64_t max_commits;     /**< 0: no bound */
	unsigned int threads;     /**< 0: number of cores */
	int scan_messages;        /**< commit and tag messages (default 1) */
	int compute_present;      /**< fill `present` (default 1) */
	int tag_messages_all;     /**< scan every annotated tag even when revisions are
				       given (with no revisions, every tag is scanned anyway) */
	lw_scan_options scan;
	lw_diag_cb on_diag;       /**< notes and problems; serialised */
	void *payload;
	volatile int *cancel;     /**< set non-zero to stop early */
	int full_scan;            /**< match every blob whole (keywords, encoded runs,
				       regexes), rather than only where a delta changed an
				       already scanned base (the findings are the same;
				       slower; for checking) */
} lw_history_options;

#define LW_HISTORY_OPTIONS_INIT { 1, NULL, 0, NULL, 0, 0, NULL, 0, 0, 0, \
	(uint64_t)100 << 20, 0, 0, 1, 1, 0, LW_SCAN_OPTIONS_INIT, NULL, NULL, NULL, 0 }

/**
 * Scans the history of the repository at `repo_path` (NULL: discover from
 * the current directory and GIT_DIR). Every unique blob is read once; each
 * finding is reported once per (rule, secret, path), attributed to the
 * oldest commit in topological order that introduced it, with `present`
 * listing the refs whose tip still holds it. Records are added to `out`.
 * Unreadable objects are diagnostics and count in stats->errors; the scan
 * goes on. Returns 0, or a negative error when nothing could be scanned.
 */
LW_EXTERN int lw_history_scan(const char *repo_path, const lw_ruleset *rs,
	const lw_history_options *opts, lw_report *out, lw_history_stats *stats,
	lw_error *err);

/* ------------------------------------------------------------------ */
/* Hooks: staged changes, pushes                                      */
/* ------------------------------------------------------------------ */

typedef struct lw_staged_stats {
	uint64_t files, bytes, added_lines;
	uint64_t skipped_binary, skipped_large, errors, limit_hits;
} lw_staged_stats;

/**
 * Scans what a commit would add: the index compared with HEAD (an unborn
 * HEAD compares with the empty tree). Only findings that touch an added
 * line are reported, at `path:line` of the new file; a multi-line secret
 * is matched whole in the new file. `repo_path` NULL opens the repository
 * from the environment (GIT_DIR, GIT_INDEX_FILE, GIT_WORK_TREE), as a hook
 * runs. Renames are detected, so a moved file is not reported again.
 */
LW_EXTERN int lw_staged_scan(const char *repo_path, const lw_ruleset *rs, const lw_scan_options *so,
	uint64_t max_file_size, lw_report *out, lw_staged_stats *stats, lw_diag_cb on_diag,
	void *payload, lw_error *err);

/* ------------------------------------------------------------------ */
/* Sources: one interface for every kind of input                     */
/* ------------------------------------------------------------------ */

/**
 * Every source (files, a buffer, staged changes, history, a pushed range)
 * hands each file's or blob's bytes, with their provenance (path, blob,
 * commit, first line), to the same detector, and yields its findings as
 * records through the same sink. The commands scan through this interface
 * only (audit --store and fleet through lw_store_audit, which walks history
 * itself). The functions above stay for embedders, as they are: lw_fs_scan and
 * lw_history_scan are the files and history sources' own entries (this
 * interface calls them; nothing is implemented twice); lw_staged_scan is a
 * thin wrapper over lw_source_scan(LW_SOURCE_STAGED); lw_scan_buffer scans
 * the bytes exactly as given (no UTF-16 transcoding, no printable runs of
 * binary content: LW_SOURCE_BUFFER does both, as for a file).
 */
typedef enum lw_source_kind {
	LW_SOURCE_FILES = 0, /**< files and directory trees: paths[0..npaths) */
	LW_SOURCE_BUFFER,    /**< one buffer in memory (stdin, an argument): chunk */
	LW_SOURCE_STAGED,    /**< what a commit would add: the index against HEAD */
	LW_SOURCE_HISTORY,   /**< every ref's history, or history.revs */
	LW_SOURCE_RANGE      /**< what a push brings: history.revs not reachable from
				  history.hide (or from any ref, hide_all_refs), with
				  history.object_dirs (a quarantine); the walk never
				  enters hidden history, so a caller that records the
				  tips it has scanned passes them as hide to scan only
				  what is new */
} lw_source_kind;

typedef struct lw_source_options {
	unsigned int version;
	lw_source_kind kind;
	const char *repo_path;          /**< git sources; NULL: from the environment, as a hook */
	const char *const *paths;       /**< LW_SOURCE_FILES */
	size_t npaths;
	const lw_chunk *chunk;          /**< LW_SOURCE_BUFFER */
	lw_fs_options files;            /**< LW_SOURCE_FILES */
	lw_history_options history;     /**< LW_SOURCE_HISTORY and LW_SOURCE_RANGE */
	lw_scan_options scan;           /**< LW_SOURCE_BUFFER and LW_SOURCE_STAGED */
	uint64_t max_file_size;         /**< LW_SOURCE_STAGED: larger blobs are skipped */
	volatile int *cancel;           /**< set non-zero to stop early (files, history, range) */
	int raw;                        /**< LW_SOURCE_BUFFER: the bytes exactly as given, as
					     lw_scan_buffer scans them (no UTF-16 transcoding, no
					     printable runs of binary content; archives are still
					     opened); no limit_hits are counted. `scan -` uses it */
} lw_source_options;

#define LW_SOURCE_OPTIONS_INIT { 1, LW_SOURCE_FILES, NULL, NULL, 0, NULL, LW_FS_OPTIONS_INIT, \
	LW_HISTORY_OPTIONS_INIT, LW_SCAN_OPTIONS_INIT, (uint64_t)100 << 20, NULL, 0 }

/**
 * What any source counts, then each kind's own counters. The caller owns
 * the struct; lw_source_scan clears it whole first. ABI: `files`,
 * `staged`, `history` and `incomplete` were appended (after `records`)
 * when the commands moved onto lw_source_scan, before any release; later
 * fields are only ever appended.
 */
typedef struct lw_source_stats {
	uint64_t items;          /**< files or unique blobs scanned */
	uint64_t bytes;
	uint64_t commits;        /**< history and range */
	uint64_t skipped_large, skipped_binary;
	uint64_t errors;         /**< inputs that could not be read: coverage incomplete */
	uint64_t limit_hits;     /**< bounds reached: coverage incomplete */
	uint64_t records;        /**< records handed to the sink */
	/* the kind's own counters, written as the scan goes: another thread may
	 * read them while it runs (progress, a watchdog); the others stay zero */
	lw_fs_stats files;         /**< LW_SOURCE_FILES */
	lw_staged_stats staged;    /**< LW_SOURCE_STAGED (added_lines) */
	lw_history_stats history;  /**< LW_SOURCE_HISTORY and LW_SOURCE_RANGE */
	int incomplete;          /**< not everything was checked: errors, limit_hits, or
				      (history, range) history.truncated by max_commits.
				      Diagnostics beyond those are the caller's to count. */
} lw_source_stats;

/**
 * Where every source's findings go: records (a finding with its provenance;
 * history and range records are deduplicated, attributed to the oldest
 * commit and carry `present`). on_record takes the record: keep it (e.g.
 * lw_report_take) or lw_record_free it; non-zero stops the scan. Calls are
 * serialised.
 */
typedef struct lw_record_sink {
	int (*on_record)(lw_record *rec, void *payload);
	lw_diag_cb on_diag;
	void *payload;
} lw_record_sink;

/**
 * Scans the source `opts` describes with rule set `rs`, its records to
 * `sink`. 0, or a negative error when nothing could be scanned (an input
 * that could not be read is a diagnostic and counts in stats->errors).
 */
LW_EXTERN int lw_source_scan(const lw_source_options *opts, const lw_ruleset *rs,
	const lw_record_sink *sink, lw_source_stats *stats, lw_error *err);
/** "files", "buffer", "staged", "history", "range"; NULL for another kind. */
LW_EXTERN const char *lw_source_name(lw_source_kind kind);

/** The hooks directory of a repository, honouring core.hooksPath. Caller frees. */
LW_EXTERN int lw_git_hooks_dir(char **out, const char *repo_path, lw_error *err);

/**
 * Reads the file `path` as stored in revision `rev` (a commit id), with
 * extra object directories (quarantine). At most `max` bytes; the caller
 * frees *out. LW_ENOTFOUND when the revision has no such file.
 */
LW_EXTERN int lw_git_read_file_at(char **out, size_t *len, const char *repo_path,
	const char *const *object_dirs, size_t ndirs, const char *rev, const char *path,
	size_t max, lw_error *err);

/** 1 if `s` is 40 or 64 hex digits, all zero. */
LW_EXTERN int lw_oid_is_zero_hex(const char *s);
/** 1 if `s` is exactly 40 or 64 hex digits. */
LW_EXTERN int lw_oid_is_hex(const char *s);

#ifdef __cplusplus
}
#endif

#endif
