/*
 * archive.c - reads an archive held in memory with libarchive and hands
 * each regular member's bytes to a callback, within bounds: uncompressed
 * bytes (shared with the archives nested inside), member count, and the
 * compression ratio of each member (a bomb is abandoned, and the members
 * after it are still read when skipping it costs nothing: zip, plain tar).
 *
 * Member names are untrusted: control bytes become \xNN and a name is cut
 * at LW_ARCHIVE_NAME_MAX. Links, directories and devices are not members:
 * nothing is followed. Only libarchive's built-in decompressors are used;
 * a filter that would run an external program is never enabled.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "source/archive.h"
#define LW_LAZY_ARCHIVE
#include "util/lazylib.h"

#define LW_ARCHIVE_READ 65536
/* times a zip is opened again after a member that stopped libarchive */
#define LW_ARCHIVE_REOPENS 16
#define AX_BROKEN 1

enum { AX_GZIP = 1, AX_BZIP2 = 2, AX_XZ = 4 };
static int ax_filters; /* the filters libarchive decodes itself */
static pthread_once_t ax_once = PTHREAD_ONCE_INIT;

/* ARCHIVE_WARN from a filter's support call means "through an external
 * program": such a filter is left out (no shell-outs, ever). */
static void ax_probe(void)
{
	struct archive *a = archive_read_new();

	if (!a)
		return;
	if (archive_read_support_filter_gzip(a) == ARCHIVE_OK)
		ax_filters |= AX_GZIP;
	if (archive_read_support_filter_bzip2(a) == ARCHIVE_OK)
		ax_filters |= AX_BZIP2;
	if (archive_read_support_filter_xz(a) == ARCHIVE_OK)
		ax_filters |= AX_XZ;
	archive_read_free(a);
}

static int ax_has(const unsigned char *d, size_t n, size_t at, const char *m, size_t ml)
{
	return n >= at + ml && memcmp(d + at, m, ml) == 0;
}

int lw_archive_sniff(const unsigned char *d, size_t n)
{
	if (ax_has(d, n, 0, "PK\3\4", 4) || ax_has(d, n, 0, "PK\5\6", 4) ||
	    ax_has(d, n, 0, "PK\7\10PK\3\4", 8))
		return 1;
	if (ax_has(d, n, 0, "\x1f\x8b\x08", 3))
		return 1;
	/* "BZh", the block size, then a block's or the end's magic */
	if (n >= 10 && ax_has(d, n, 0, "BZh", 3) && d[3] >= '1' && d[3] <= '9' &&
	    (ax_has(d, n, 4, "\x31\x41\x59\x26\x53\x59", 6) || ax_has(d, n, 4, "\x17\x72\x45\x38\x50\x90", 6)))
		return 1;
	if (ax_has(d, n, 0, "\xfd" "7zXZ\0", 6))
		return 1;
	/* POSIX and GNU tar */
	return ax_has(d, n, 257, "ustar\0", 6) || ax_has(d, n, 257, "ustar  \0", 8);
}

/* The member's name as shown: control bytes escaped, length bounded. */
static void ax_name(char *out, size_t cap, const char *name)
{
	size_t o = 0;

	if (!name || !*name)
		name = "?";
	for (; *name && o + 5 < cap; name++) {
		unsigned char c = (unsigned char)*name;
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (*name && cap >= 4)
		o = cap - 4 < o ? cap - 4 : o, memcpy(out + o, "...", 3), o += 3;
	out[o] = '\0';
}

/* A compressed single file's member is named after it: "a/notes.txt.gz"
 * holds "notes.txt" (libarchive calls it "data"). */
static void ax_raw_name(char *out, size_t cap, const char *path)
{
	static const char *const sfx[] = { ".gz", ".gzip", ".bz2", ".xz" };
	const char *b = path ? path : "";
	char tmp[LW_ARCHIVE_NAME_MAX + 1];

	for (const char *p = b; *p; p++)
		if (*p == '/' || *p == '!')
			b = p + 1;
	snprintf(tmp, sizeof(tmp), "%s", *b ? b : "data");
	size_t l = strlen(tmp);
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		size_t sl = strlen(sfx[i]);
		if (l > sl && !strcmp(tmp + l - sl, sfx[i])) {
			tmp[l - sl] = '\0';
			break;
		}
	}
	ax_name(out, cap, tmp);
}

typedef struct ax_run {
	struct archive *a;
	const lw_archive_limits *lim;
	lw_archive_problem_cb problem;
	void *ctx;
	int streamed; /* skipping a member means inflating it (tar in a filter) */
	uint64_t in_len; /* the archive's own bytes */
	lw_buf member;
} ax_run;

/* "what: detail" to the caller, for member `name` (NULL: the archive) */
static void ax_problem(ax_run *r, const char *name, const char *what, const char *detail)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: %s", what, detail && *detail ? detail : "unknown error");
	r->problem(name, msg, r->ctx);
}

/* Reads the current member into r->member. 0: whole; 1: abandoned (the
 * reason given to `problem`), the archive may go on; -1: the archive
 * cannot go on. */
static int ax_read_member(ax_run *r, struct archive_entry *e, const char *name)
{
	unsigned char tmp[LW_ARCHIVE_READ];
	uint64_t *left = r->lim->bytes_left;
	uint64_t size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : UINT64_MAX;
	char why[128];
	int rc;

	r->member.len = 0;
	r->member.overflow = 0;
	if (size != UINT64_MAX && size > *left) {
		snprintf(why, sizeof(why), "%llu bytes, over the %llu left of the archive's bound",
			(unsigned long long)size, (unsigned long long)*left);
		ax_problem(r, name, "not scanned", why);
		return r->streamed ? -1 : 1;
	}
	for (;;) {
		la_ssize_t got = archive_read_data(r->a, tmp, sizeof(tmp));
		if (got == 0) {
			rc = 0;
			goto done;
		}
		if (got < 0) {
			ax_problem(r, name, "cannot be read", archive_error_string(r->a));
			rc = got == ARCHIVE_FATAL ? -1 : 1;
			goto done;
		}
		if ((uint64_t)got > *left || lw_buf_put(&r->member, tmp, (size_t)got) < 0) {
			ax_problem(r, name, "not scanned",
				"it inflates past the archive's bound on uncompressed bytes");
			rc = r->streamed ? -1 : 1;
			goto done;
		}
		*left -= (uint64_t)got;
		/* the member's compressed bytes are not told (libarchive's read
		 * position lags a whole block behind), but they are no more than
		 * the archive's: past that ratio a member is a bomb whatever its
		 * share of the archive */
		uint64_t out = r->member.len;
		if (out > LW_ARCHIVE_RATIO_FLOOR && out / (r->in_len ? r->in_len : 1) >= r->lim->max_ratio) {
			snprintf(why, sizeof(why), "compression ratio over %u (a zip bomb?)",
				r->lim->max_ratio);
			ax_problem(r, name, "abandoned", why);
			/* skipping the rest of a streamed member inflates it: only
			 * when its declared size is within the bound */
			rc = 1;
			if (r->streamed && (size == UINT64_MAX || size < out || size - out > *left))
				rc = -1;
			else if (r->streamed)
				*left -= size - out;
			goto done;
		}
	}
done:
	lw_wipe(tmp, sizeof(tmp));
	return rc;
}

static int ax_open(struct archive **out, const unsigned char *d, size_t n)
{
	struct archive *a = archive_read_new();

	*out = NULL;
	if (!a)
		return LW_ENOMEM;
	pthread_once(&ax_once, ax_probe);
	if (ax_filters & AX_GZIP)
		archive_read_support_filter_gzip(a);
	if (ax_filters & AX_BZIP2)
		archive_read_support_filter_bzip2(a);
	if (ax_filters & AX_XZ)
		archive_read_support_filter_xz(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, d, n) != ARCHIVE_OK) {
		archive_read_free(a);
		return LW_ENOTFOUND;
	}
	*out = a;
	return 0;
}

/* One pass over the members, from the header `st` just read: the first
 * `skip` regular members are passed over unread (a reopened zip seeks past
 * them). 0: the end; AX_BROKEN: member *at stopped the archive; or what
 * `member` returned. */
static int ax_pass(ax_run *r, int st, struct archive_entry *e, const char *path, uint32_t skip,
	uint32_t *at, lw_archive_member_cb member, void *ctx)
{
	char name[LW_ARCHIVE_NAME_MAX + 1];
	uint32_t idx = 0;
	int rc;

	for (; st == ARCHIVE_OK || st == ARCHIVE_WARN || st == ARCHIVE_FAILED;
	     st = archive_read_next_header(r->a, &e)) {
		if (st != ARCHIVE_FAILED && archive_entry_filetype(e) != AE_IFREG)
			continue; /* directories, links (never followed), devices */
		if (++idx <= skip)
			continue;
		if (idx > r->lim->max_members) {
			char m[96];
			snprintf(m, sizeof(m), "more than %u members", r->lim->max_members);
			ax_problem(r, NULL, "the rest is not read", m);
			return 0;
		}
		if (st == ARCHIVE_FAILED) {
			ax_problem(r, NULL, "a member cannot be read", archive_error_string(r->a));
			continue;
		}
		if (archive_format(r->a) == ARCHIVE_FORMAT_RAW)
			ax_raw_name(name, sizeof(name), path);
		else
			ax_name(name, sizeof(name), archive_entry_pathname(e));
		if (archive_entry_is_encrypted(e)) {
			ax_problem(r, name, "not scanned", "encrypted");
			continue;
		}
		int got = ax_read_member(r, e, name);
		if (got < 0) {
			*at = idx;
			return AX_BROKEN;
		}
		const unsigned char *md = r->member.data ? (const unsigned char *)r->member.data
						       : (const unsigned char *)"";
		if (got == 0 && (rc = member(name, md, r->member.len, ctx)) != 0)
			return rc;
	}
	if (st != ARCHIVE_EOF)
		ax_problem(r, NULL, "damaged", archive_error_string(r->a));
	return 0;
}

int lw_archive_expand(const unsigned char *d, size_t n, const char *path,
	const lw_archive_limits *lim, lw_archive_member_cb member, lw_archive_problem_cb problem,
	void *ctx)
{
	ax_run r = { NULL, lim, problem, ctx, 0, n, { 0 } };
	struct archive_entry *e;
	uint32_t skip = 0, at = 0;
	int rc = 0, st, zip = 0;
	const char *why;

	/* libarchive is loaded now, at the first archive (util/lazylib.c) */
	if (lw_lazy_archive(&why) < 0) {
		ax_problem(&r, NULL, "not read", why);
		return 0;
	}

	lw_buf_init(&r.member, (size_t)-1 / 2);
	r.member.wipe = 1;
	/* a zip's members stand apart: after one that stops libarchive, the
	 * archive is opened again and read from the member after it */
	for (int pass = 0;; pass++) {
		if ((rc = ax_open(&r.a, d, n)) < 0)
			break;
		st = archive_read_next_header(r.a, &e);
		/* the raw format takes anything: only a decompressed file is a member */
		if (pass == 0 && ((st != ARCHIVE_OK && st != ARCHIVE_WARN && st != ARCHIVE_EOF) ||
		    (archive_format(r.a) == ARCHIVE_FORMAT_RAW &&
		     archive_filter_code(r.a, 0) == ARCHIVE_FILTER_NONE))) {
			rc = LW_ENOTFOUND;
			break;
		}
		if (pass == 0) {
			zip = archive_format(r.a) == ARCHIVE_FORMAT_ZIP;
			r.streamed = !zip && archive_filter_code(r.a, 0) != ARCHIVE_FILTER_NONE;
		}
		rc = ax_pass(&r, st, e, path, skip, &at, member, ctx);
		archive_read_free(r.a);
		r.a = NULL;
		if (rc != AX_BROKEN)
			break;
		rc = 0;
		if (!zip || pass >= LW_ARCHIVE_REOPENS || at <= skip) {
			ax_problem(&r, NULL, "the rest is not read", "the archive cannot go on after a member");
			break;
		}
		skip = at;
	}
	lw_buf_release(&r.member);
	archive_read_free(r.a);
	return rc;
}
