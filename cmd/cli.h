/*
 * cli.h - what the leakwalk commands share: exit codes, the common options,
 * loading rules and configuration, and writing reports safely.
 */
#ifndef LW_CLI_H
#define LW_CLI_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "leakwalk.h"
#include "util/banned.h"

/* Exit codes: the contract with scripts and CI. */
enum {
	LW_EXIT_CLEAN = 0,    /* nothing found */
	LW_EXIT_FINDINGS = 1, /* secrets found (changed by --exit-code) */
	LW_EXIT_USAGE = 2,    /* usage or configuration error */
	LW_EXIT_INPUT = 3     /* the input could not be (fully) read */
};

#define LW_CLI_MAX_RULE_IDS 256

typedef struct lw_cli {
	const char *format_name;
	lw_format format;
	const char *output;
	const char *config;
	const char *ignore_file;
	const char *baseline;
	const char *color;
	int redact;
	int exit_code;
	unsigned threads;
	uint64_t max_file_size;
	int quiet;
	int no_inline_allow;
	int compat;
	int no_config;
	int decode_depth;             /* --max-decode-depth */
	int archive_depth;            /* --max-archive-depth */
	int report_invalid_checksums; /* --report-invalid-checksums */
	lw_confidence min_confidence; /* --min-confidence */
	/* --enable-rule (only these) and --disable-rule ids, borrowed from argv */
	const char *enable_rules[LW_CLI_MAX_RULE_IDS];
	size_t nenable_rules;
	const char *disable_rules[LW_CLI_MAX_RULE_IDS];
	size_t ndisable_rules;
} lw_cli;

void lw_cli_init(lw_cli *cli);

/* Common options as getopt_long entries; values >= 1000 are ours. */
enum {
	OPT_FORMAT = 1000, OPT_OUTPUT, OPT_CONFIG, OPT_NO_REDACT, OPT_COLOR, OPT_EXIT_CODE,
	OPT_THREADS, OPT_MAX_FILE_SIZE, OPT_BASELINE, OPT_IGNORE_FILE, OPT_QUIET,
	OPT_NO_INLINE_ALLOW, OPT_NO_CONFIG, OPT_HELP, OPT_COMPAT, OPT_MAX_DECODE_DEPTH,
	OPT_REPORT_INVALID_CHECKSUMS, OPT_MIN_CONFIDENCE, OPT_MAX_ARCHIVE_DEPTH, OPT_LAST_COMMON
};

/* Rule selection; apart from the list above so commands' own options
 * (OPT_LAST_COMMON + n) keep their values. */
enum { OPT_ENABLE_RULE = 1900, OPT_DISABLE_RULE };

#define LW_COMMON_LONGOPTS                                           \
	{ "format", required_argument, NULL, OPT_FORMAT },             \
	{ "output", required_argument, NULL, OPT_OUTPUT },             \
	{ "config", required_argument, NULL, OPT_CONFIG },             \
	{ "no-redact", no_argument, NULL, OPT_NO_REDACT },             \
	{ "color", required_argument, NULL, OPT_COLOR },               \
	{ "exit-code", required_argument, NULL, OPT_EXIT_CODE },       \
	{ "threads", required_argument, NULL, OPT_THREADS },           \
	{ "max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE }, \
	{ "baseline", required_argument, NULL, OPT_BASELINE },         \
	{ "ignore-file", required_argument, NULL, OPT_IGNORE_FILE },   \
	{ "quiet", no_argument, NULL, OPT_QUIET },                     \
	{ "no-inline-allow", no_argument, NULL, OPT_NO_INLINE_ALLOW }, \
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },             \
	{ "compat", no_argument, NULL, OPT_COMPAT },                   \
	{ "max-decode-depth", required_argument, NULL, OPT_MAX_DECODE_DEPTH }, \
	{ "max-archive-depth", required_argument, NULL, OPT_MAX_ARCHIVE_DEPTH }, \
	{ "report-invalid-checksums", no_argument, NULL, OPT_REPORT_INVALID_CHECKSUMS }, \
	{ "min-confidence", required_argument, NULL, OPT_MIN_CONFIDENCE }, \
	{ "enable-rule", required_argument, NULL, OPT_ENABLE_RULE },   \
	{ "disable-rule", required_argument, NULL, OPT_DISABLE_RULE }, \
	{ "help", no_argument, NULL, OPT_HELP }

#define LW_COMMON_HELP \
	"  -f, --format FMT        text, json, jsonl, sarif, csv, junit, gitlab or html\n" \
	"                          (default text)\n" \
	"  -o, --output FILE       write the report to FILE (mode 0600, atomically)\n" \
	"  -c, --config FILE       rules and allowlists (default: .leakwalk.json at the root)\n" \
	"      --no-config         ignore .leakwalk.json in the scanned tree\n" \
	"      --ignore-file FILE  fingerprints to ignore (default: .leakwalkignore at the root)\n" \
	"      --baseline FILE     report only findings not in this earlier JSON report\n" \
	"      --no-redact         show secrets in full (they are redacted by default)\n" \
	"      --color WHEN        auto, always or never (NO_COLOR is respected)\n" \
	"      --exit-code N       exit status when secrets are found (default 1)\n" \
	"  -j, --threads N         worker threads (default: number of cores)\n" \
	"      --max-file-size N   skip files larger than N bytes (K, M, G suffixes; default 100M)\n" \
	"      --no-inline-allow   report lines marked leakwalk:allow too\n" \
	"      --compat            also honour gitleaks:allow and 'pragma: allowlist secret'\n" \
	"      --min-confidence LEVEL  report only findings of this confidence or more:\n" \
	"                          low (default), medium or high\n" \
	"      --max-decode-depth N  decode base64, hex and percent-encoded text and scan\n" \
	"                          it again, N levels deep (0 to 8; default 2; 0: never)\n" \
	"      --max-archive-depth N  open zip, jar, tar, gzip, bzip2 and xz archives and\n" \
	"                          archives inside them, N levels deep (0 to 16; default 4;\n" \
	"                          0: archives are scanned as bytes)\n" \
	"      --report-invalid-checksums  also report tokens whose built-in checksum fails\n" \
	"                          (such a token is a typo or a made-up value, not a secret)\n" \
	"      --enable-rule ID    only this rule (repeatable: only these rules)\n" \
	"      --disable-rule ID   not this rule (repeatable)\n" \
	"  -q, --quiet             no summary or progress on stderr\n"

/* The exit status, as every scanning command's --help states it */
#define LW_EXIT_HELP \
	"exit status: 1 secrets found (even if not everything was checked); otherwise\n" \
	"3 when anything was not fully checked (unreadable input, regex limits, the\n" \
	"candidate bound, lost paths, --max-commits, the watchdog, a report that could\n" \
	"not be written: a full disk or a closed pipe); 0 only when everything was\n" \
	"checked and nothing found; 2 usage or configuration error.\n"

/* Handles one common option; 1 if handled, 0 if not ours, -1 on a bad value. */
int lw_cli_option(lw_cli *cli, int opt, const char *arg);
/* The scan options the common options set (inline allow, markers, decoding,
 * checksums), over whatever `so` held. */
void lw_cli_scan_options(const lw_cli *cli, lw_scan_options *so);
int lw_parse_size(const char *s, uint64_t *out);

/* Records one --enable-rule / --disable-rule id; -1 (printed) past the bound. */
int lw_cli_rule_option(lw_cli *cli, int enable, const char *id);

/* A configuration held in memory: a .leakwalk.json read from a pushed commit. */
typedef struct lw_cli_json {
	const char *name; /* in error messages */
	const char *data;
	size_t len;
} lw_cli_json;

/* Builds the finalized rule set: --config, or else `repo_config` when
 * `allow_repo_config` and no --no-config and it exists; then `extra` (may
 * be NULL); then the built-in rules unless a configuration said
 * "defaults": false. On failure returns NULL with the error in `err`, or
 * printed (lw_cli_error) when `err` is NULL. */
lw_ruleset *lw_cli_load_rules(const lw_cli *cli, const char *repo_config, int allow_repo_config,
	const lw_cli_json *extra, lw_error *err);

/* Runs the backtracking check of `rules check` on every enabled rule that
 * is not built in, with verdicts cached (rulecheck.c). 0, or LW_ECONFIG
 * naming the rule in `err`. */
int lw_cli_check_config_rules(lw_ruleset *rs, lw_error *err);

/* Loads the ignore file (explicit, or `default_path` if it exists) and the
 * baseline. Returns 0 or an exit code. */
int lw_cli_load_filters(const lw_cli *cli, const char *default_ignore, lw_fpset **ignore,
	lw_fpset **baseline);

/* Drops ignored and baselined findings, sorts, renders, writes. Returns 0
 * or LW_EXIT_INPUT when the report could not be written. */
int lw_cli_emit(const lw_cli *cli, lw_report *rep, const lw_report_meta *meta,
	const lw_ruleset *rs, lw_fpset *ignore, lw_fpset *baseline);

/* The final exit status, defined once for every command: --exit-code (1)
 * when secrets were found; otherwise LW_EXIT_INPUT (3) when anything was
 * not fully checked (`incomplete`: unreadable input, regex limits, caps,
 * lost paths, --max-commits, ...); 0 only when everything was checked and
 * nothing was found. */
int lw_cli_status(const lw_cli *cli, size_t findings, int incomplete);

/* A history scan left something unchecked (see lw_cli_status). */
int lw_cli_history_incomplete(const lw_history_stats *st);

/* Prints a library error as "leakwalk: error: ..." */
/* "leakwalk: <what><message>" on stderr, the message escaped for a terminal */
void lw_cli_vsay(const char *what, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void lw_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lw_cli_warn_diag(const lw_diag *d);

/* Safe write of a whole buffer to FILE (temp + rename, 0600) or stdout. */
int lw_cli_write_output(const char *path, const char *data, size_t len);

/* Reads a whole file, bounded. */
int lw_cli_read_file(const char *path, size_t max, char **out, size_t *len);

/* Sets up SIGINT/SIGTERM so a temp report is removed and the exit is clean. */
void lw_cli_signals(void);
int lw_cli_interrupted(void);

/* Commands */
int cmd_scan(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_staged(int argc, char **argv);
int cmd_pre_push(int argc, char **argv);
int cmd_pre_receive(int argc, char **argv);
int cmd_install_hook(int argc, char **argv);
int cmd_import_ignore(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_fleet(int argc, char **argv);
int cmd_triage(int argc, char **argv);
/* The store's side of audit and report (cmd_store.c). */
int lw_cli_store_audit(const lw_cli *cli, const char *store, const char *repo, lw_ruleset *rs,
	lw_history_options *ho, lw_history_stats *st, lw_fpset *ignore, lw_fpset *baseline);
int lw_cli_store_report(const lw_cli *cli, const char *store, const char *repo,
	const char *status, lw_fpset *ignore, lw_fpset *baseline);
int lw_cli_read_line(FILE *f, char *buf, size_t size);

/* Hook input parsers (pre-push and pre-receive stdin), testable apart. */
typedef struct strvec {
	char **v;
	size_t n;
} strvec;
int lw_strvec_push(strvec *s, const char *x);
void lw_strvec_clear(strvec *s);
int lw_prepush_parse(FILE *in, strvec *revs, strvec *hide, const char *remote);
typedef struct pr_push {
	char **revs;
	size_t nrevs;
	char *first_branch_tip;
	size_t lines;
} pr_push;
int lw_prereceive_parse(FILE *in, pr_push *p);
void lw_prereceive_free(pr_push *p);
int lw_parse_since(const char *s, int64_t *out);

#endif
