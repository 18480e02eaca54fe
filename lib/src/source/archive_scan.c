/*
 * archive_scan.c - the archive hook of every source (files, history blobs,
 * staged files, pushes): an archive's members are scanned like files, at
 * the path `archive!member`, and archives inside them too, down to
 * lw_scan_options.archive_depth levels. Anything not fully read (a damaged
 * or encrypted member, a bound reached, an archive nested too deep) is a
 * diagnostic naming the chain and a limit hit: coverage incomplete.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "source/archive.h"

typedef struct ax_scan {
	lw_scanner *sc;
	const lw_sink *sink;
	const char *path, *fpath; /* the archive's chain, shown and fingerprinted */
	int depth;                /* levels of archives still opened inside it */
	uint64_t *left;           /* uncompressed bytes left to the outermost one */
} ax_scan;

static char *ax_chain(const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);
	char *p = malloc(al + bl + 2);

	if (!p)
		return NULL;
	memcpy(p, a, al);
	p[al] = '!';
	memcpy(p + al + 1, b, bl + 1);
	return p;
}

static void ax_diag(lw_scanner *sc, const lw_sink *sink, const char *path, const char *msg)
{
	lw_diag d = { NULL, path, 0, msg };

	lw_scanner_note_limit(sc);
	if (sink->on_diag)
		sink->on_diag(&d, sink->payload);
}

static void ax_problem(const char *name, const char *msg, void *ctx)
{
	ax_scan *s = ctx;
	char *p = name ? ax_chain(s->path, name) : NULL;

	ax_diag(s->sc, s->sink, p ? p : s->path, msg);
	free(p);
}

/* A member that is not an archive goes to the detector as a file would
 * (feed_detect.c: text, UTF-16 transcoded, binary through its runs). */
static int ax_scan_plain(lw_scanner *sc, const unsigned char *d, size_t n, const lw_chunk *where,
	const lw_sink *sink)
{
	lw_feed f = { .data = d, .len = n, .where = *where, .max = n };

	return lw_source_detect(sc, &f, sink);
}

static int ax_open(lw_scanner *sc, const unsigned char *d, size_t n, const lw_chunk *where,
	int depth, uint64_t *left, const lw_sink *sink);

static int ax_member(const char *name, const unsigned char *d, size_t n, void *ctx)
{
	ax_scan *s = ctx;
	lw_chunk c = LW_CHUNK_INIT;
	char *p = ax_chain(s->path, name), *fp = ax_chain(s->fpath, name);
	int rc = LW_ENOMEM;

	if (p && fp) {
		c.path = p;
		c.fingerprint_path = fp;
		/* a member that is a leak by its name (an id_rsa in a backup) */
		rc = lw_scanner_scan_path(s->sc, p, fp, s->sink);
		if (rc != LW_ESTOP) {
			rc = LW_ENOTFOUND;
			if (lw_archive_sniff(d, n) && s->depth > 0)
				rc = ax_open(s->sc, d, n, &c, s->depth, s->left, s->sink);
			else if (lw_archive_sniff(d, n))
				ax_diag(s->sc, s->sink, p, "an archive nested deeper than "
					"--max-archive-depth: not opened, scanned as bytes");
			if (rc == LW_ENOTFOUND)
				rc = ax_scan_plain(s->sc, d, n, &c, s->sink);
		}
	}
	free(p);
	free(fp);
	return rc == LW_ESTOP || rc == LW_ENOMEM ? rc : 0;
}

/* Opens d as an archive `depth` levels may still be opened in (this one
 * included). LW_ENOTFOUND (after a diagnostic): not readable as one. */
static int ax_open(lw_scanner *sc, const unsigned char *d, size_t n, const lw_chunk *where,
	int depth, uint64_t *left, const lw_sink *sink)
{
	const lw_scan_options *o = lw_scanner_options(sc);
	const char *fpath = where->fingerprint_path ? where->fingerprint_path : where->path;
	ax_scan s = { sc, sink, where->path, fpath, depth - 1, left };
	lw_archive_limits lim = { left, o->archive_max_members, o->archive_max_ratio };
	int rc = lw_archive_expand(d, n, where->path, &lim, ax_member, ax_problem, &s);

	if (rc == LW_ENOTFOUND)
		ax_diag(sc, sink, where->path, "looks like an archive but cannot be opened: "
			"scanned as bytes");
	return rc;
}

/* An archive at a path the configuration allows (`allow.paths`) is not
 * opened: nothing in it would be reported, and nothing about it either
 * (a fuzzing corpus of damaged archives). */
static int ax_allowed(lw_scanner *sc, const lw_chunk *where)
{
	const lw_ruleset *rs = lw_scanner_ruleset(sc);
	const char *rel = where->fingerprint_path ? where->fingerprint_path : where->path;

	return rs->allow.paths.n && lw_path_list_matches(&rs->allow.paths, rel, strlen(rel),
		lw_scanner_match_data(sc));
}

int lw_archive_scan(lw_scanner *sc, const unsigned char *d, size_t n, const lw_chunk *where,
	const lw_sink *sink)
{
	const lw_scan_options *o = lw_scanner_options(sc);
	uint64_t left = o->archive_max_bytes;

	if (o->archive_depth <= 0 || !lw_archive_sniff(d, n) || ax_allowed(sc, where))
		return LW_ENOTFOUND;
	return ax_open(sc, d, n, where, o->archive_depth, &left, sink);
}
