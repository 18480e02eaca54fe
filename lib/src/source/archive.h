/*
 * archive.h - opening archives in memory (libarchive): zip and what is
 * built on it (jar, war, whl, nupkg, apk), tar, and gzip, bzip2 or xz,
 * whether around a tar or around one file. The expander knows nothing of
 * scanning: it hands each regular member's bytes to a callback and each
 * problem to another. Members are never written to disk.
 */
#ifndef LW_SOURCE_ARCHIVE_H
#define LW_SOURCE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "leakwalk.h"

/* Longest member name kept (bytes, after escaping); longer ones are cut
 * and end in "..." */
#define LW_ARCHIVE_NAME_MAX 1024
/* A member's ratio is judged once it has inflated to this many bytes */
#define LW_ARCHIVE_RATIO_FLOOR ((uint64_t)1 << 20)

typedef struct lw_archive_limits {
	uint64_t *bytes_left;  /* uncompressed bytes still allowed: shared by an
				  archive and the archives inside it */
	uint32_t max_members;  /* members read from this archive */
	uint32_t max_ratio;    /* a member inflating to this many bytes for each
				  byte of the archive (once past
				  LW_ARCHIVE_RATIO_FLOOR) is abandoned */
} lw_archive_limits;

/* One regular member: its name (escaped, bounded) and bytes, borrowed for
 * the call. Non-zero stops the expansion (returned as is). */
typedef int (*lw_archive_member_cb)(const char *name, const unsigned char *d, size_t n,
	void *ctx);
/* A member (name) or the archive itself (name NULL) not fully read. */
typedef void (*lw_archive_problem_cb)(const char *name, const char *msg, void *ctx);

/* 1 when d starts as an archive this expander opens (its magic bytes). */
int lw_archive_sniff(const unsigned char *d, size_t n);

/*
 * Reads the archive d[0, n), `path` its name (the last component names a
 * compressed single file's member: "notes.txt.gz" holds "notes.txt").
 * Returns 0 when it was read (every problem went to `problem`),
 * LW_ENOTFOUND when libarchive does not take it for an archive,
 * LW_ENOMEM, or what `member` returned.
 */
int lw_archive_expand(const unsigned char *d, size_t n, const char *path,
	const lw_archive_limits *lim, lw_archive_member_cb member, lw_archive_problem_cb problem,
	void *ctx);

/*
 * The archive hook of every source (archive_scan.c): when d[0, n) is an
 * archive and sc's options open archives, scans each member as
 * `where->path!member` (fingerprinted as `fingerprint_path!member`), and
 * archives inside it down to archive_depth levels. Unreadable members are
 * diagnostics and limit hits (coverage incomplete). LW_ENOTFOUND: not an
 * archive, the caller scans the bytes itself; otherwise 0, LW_ESTOP or
 * LW_ENOMEM, the bytes handled.
 */
int lw_archive_scan(lw_scanner *sc, const unsigned char *d, size_t n, const lw_chunk *where,
	const lw_sink *sink);

#endif
