/*
 * objreader_fuzzer.c - lw_history_scan over a repository whose objects
 * come from the input: what `leakwalk audit` and the hooks meet in a
 * corrupt or hostile repository.
 *
 * Once per process a bare repository is laid out with plain file I/O (HEAD,
 * config, objects/, refs/) in /dev/shm, or $TMPDIR when there is no
 * /dev/shm: on a disk, emptying the store for every input costs tens of
 * milliseconds (ext4 discards freed blocks). For every input its object store
 * and refs are emptied, objects are written (loose objects with zlib, packs
 * and their .idx by hand), refs/heads/main is pointed at a commit, and the
 * history is scanned with the built-in rules, one worker and a 1 MiB blob
 * bound.
 *
 * Byte 0 picks the shape (low 3 bits) and flags (bit 3: libgit2's strict
 * hash verification off, so corrupt content reaches the scanner; bit 4:
 * compute `present`); the payload is the rest:
 *   0 blob     the payload is a blob's content (valid objects all round)
 *   1 raw      the payload is the loose object file of the blob a valid
 *              tree names: zlib (or git's old "packlike" format) as is
 *   2 inflated the payload is the inflated loose blob object, header
 *              included ("blob 5\0hello"); deflated here
 *   3 tree     the payload is the body of the root tree
 *   4 commit   the payload is the body of the commit refs/heads/main names
 *   5 tag      the payload is the body of an annotated tag refs/tags/v1 names
 *   6 pack     the payload is the raw entry (type/size header, zlib data,
 *              delta base) of the second object of a two-object pack whose
 *              first object is a valid blob
 *   7 packobj  like 6, but the entry is framed here: payload[0] picks the
 *              type (commit, tree, blob, tag, ofs-delta or ref-delta on the
 *              first object) and the rest is deflated as its data
 *
 * Two libgit2 1.5.1 defects used to be kept out of the inputs: a truncated
 * loose object made git_odb_read loop for ever (libgit2 issue 7342) and one
 * whose header declares fewer bytes than its body overflowed a buffer
 * (issue 7177). leakwalk now reads every loose object with its own reader
 * (lib/src/objread.c, installed as libgit2's loose backend), so both shapes
 * are fuzzed like any other.
 * LW_FUZZ_VERBOSE=1 prints each scan's counters and diagnostics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <git2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "leakwalk.h"

/* assert() would vanish under NDEBUG (RelWithDebInfo); a fuzzer check must not */
#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

#define FUZZ_DIE(what) \
	do { \
		fprintf(stderr, "objreader_fuzzer: %s: %s\n", what, strerror(errno)); \
		abort(); \
	} while (0)

enum { SHAPE_BLOB, SHAPE_RAW, SHAPE_INFLATED, SHAPE_TREE, SHAPE_COMMIT, SHAPE_TAG,
	SHAPE_PACK, SHAPE_PACKOBJ };

static char repo[4096];
static lw_ruleset *rules;
static int verbose; /* LW_FUZZ_VERBOSE=1: diagnostics and counters on stderr */
static unsigned long pack_seq;

static const char base_text[] = "fuzz base object\nsecond line\n";
static const char person[] = "Fuzz <fuzz@example.com> 1700000000 +0000";

/* ---- files ------------------------------------------------------------ */

static void path_of(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", repo, rel);
}

static void write_file(const char *rel, const void *data, size_t len)
{
	char path[4200];
	int fd;

	path_of(path, sizeof(path), rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		FUZZ_DIE(path);
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			FUZZ_DIE(path);
		data = (const char *)data + w;
		len -= (size_t)w;
	}
	close(fd);
}

static void make_dir(const char *rel)
{
	char path[4200];

	path_of(path, sizeof(path), rel);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		FUZZ_DIE(path);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void)
{
	if (repo[0])
		rm_tree(repo);
}

static void reset_store(void)
{
	char path[4200];

	path_of(path, sizeof(path), "objects");
	rm_tree(path);
	path_of(path, sizeof(path), "refs");
	rm_tree(path);
	make_dir("objects");
	make_dir("objects/pack");
	make_dir("objects/info");
	make_dir("refs");
	make_dir("refs/heads");
	make_dir("refs/tags");
}

static void setup(void)
{
	static const char head[] = "ref: refs/heads/main\n";
	static const char config[] = "[core]\n\trepositoryformatversion = 0\n\tbare = true\n";
	const char *tmp = getenv("TMPDIR");
	lw_error err = { 0 };

	if (access("/dev/shm", W_OK | X_OK) == 0)
		tmp = "/dev/shm";
	snprintf(repo, sizeof(repo), "%s/lw-objreader.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(repo))
		FUZZ_DIE("mkdtemp");
	atexit(cleanup);
	write_file("HEAD", head, sizeof(head) - 1);
	write_file("config", config, sizeof(config) - 1);
	reset_store();
	/* held for the process: each scan's init/shutdown pair then costs nothing */
	git_libgit2_init();
	if (lw_ruleset_new(&rules) < 0 || lw_ruleset_add_defaults(rules, &err) < 0 ||
	    lw_ruleset_finalize(rules, &err) < 0) {
		fprintf(stderr, "objreader_fuzzer: built-in rules: %s\n", err.msg);
		abort();
	}
	verbose = getenv("LW_FUZZ_VERBOSE") != NULL;
}

/* ---- objects ---------------------------------------------------------- */

static void loose_path(char *out, size_t n, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(out, n, "objects/%.2s", hex);
	make_dir(out);
	snprintf(out, n, "objects/%.2s/%s", hex, hex + 2);
}

static unsigned char *deflate_all(const void *data, size_t len, size_t *out_len)
{
	uLongf n = compressBound((uLong)len);
	unsigned char *z = malloc(n);

	if (!z || compress2(z, &n, data, (uLong)len, Z_BEST_SPEED) != Z_OK)
		FUZZ_DIE("deflate");
	*out_len = n;
	return z;
}

static void write_loose_raw(const git_oid *id, const void *file, size_t len)
{
	char rel[128];

	loose_path(rel, sizeof(rel), id);
	write_file(rel, file, len);
}

/* A well-formed loose object: "<type> <len>\0<body>", deflated. */
static void write_loose(git_oid *id, git_object_t type, const void *body, size_t len)
{
	char hdr[64];
	int hl = snprintf(hdr, sizeof(hdr), "%s %zu", git_object_type2string(type), len) + 1;
	unsigned char *obj = malloc((size_t)hl + len + 1), *z;
	size_t zl;

	if (!obj)
		FUZZ_DIE("malloc");
	memcpy(obj, hdr, (size_t)hl);
	if (len)
		memcpy(obj + hl, body, len);
	if (git_odb_hash(id, body, len, type) < 0)
		FUZZ_DIE("git_odb_hash");
	z = deflate_all(obj, (size_t)hl + len, &zl);
	write_loose_raw(id, z, zl);
	free(z);
	free(obj);
}

static size_t tree_entry(unsigned char *out, const char *mode, const char *name,
	const git_oid *id)
{
	size_t ml = strlen(mode), nl = strlen(name);

	memcpy(out, mode, ml);
	out[ml] = ' ';
	memcpy(out + ml + 1, name, nl + 1);
	memcpy(out + ml + 1 + nl + 1, id->id, GIT_OID_RAWSZ);
	return ml + nl + 2 + GIT_OID_RAWSZ;
}

/* A tree holding `id` as notes.txt (and the base blob as base.txt). */
static void write_tree_of(git_oid *tree, const git_oid *base, const git_oid *id)
{
	unsigned char body[256];
	size_t n = 0;

	n += tree_entry(body + n, "100644", "base.txt", base);
	if (id)
		n += tree_entry(body + n, "100644", "notes.txt", id);
	write_loose(tree, GIT_OBJECT_TREE, body, n);
}

static void write_commit_of(git_oid *commit, const git_oid *tree, const char *msg)
{
	char body[512], hex[GIT_OID_HEXSZ + 1];
	int n;

	git_oid_tostr(hex, sizeof(hex), tree);
	n = snprintf(body, sizeof(body), "tree %s\nauthor %s\ncommitter %s\n\n%s\n", hex, person,
		person, msg);
	write_loose(commit, GIT_OBJECT_COMMIT, body, (size_t)n);
}

static void write_ref(const char *rel, const git_oid *id)
{
	char line[GIT_OID_HEXSZ + 2];

	git_oid_tostr(line, GIT_OID_HEXSZ + 1, id);
	line[GIT_OID_HEXSZ] = '\n';
	write_file(rel, line, sizeof(line) - 1);
}

/* ---- packs ------------------------------------------------------------ */

static size_t pack_entry_header(unsigned char *out, unsigned type, size_t size)
{
	size_t n = 0;
	unsigned char c = (unsigned char)((type << 4) | (size & 15));

	size >>= 4;
	while (size) {
		out[n++] = c | 0x80;
		c = size & 0x7f;
		size >>= 7;
	}
	out[n++] = c;
	return n;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/*
 * A version 2 pack of two objects, the base blob at offset 12 and `entry`
 * (raw bytes) after it as object `id`, with its version 2 index. libgit2
 * checks that the pack's trailer equals the checksum the index records,
 * not that it is the pack's SHA-1, so a fixed trailer does.
 */
static void write_pack(const git_oid *base, const git_oid *id, const unsigned char *entry,
	size_t elen)
{
	unsigned char hdr[16], *zb, *pack, idx[8 + 256 * 4 + 2 * 20 + 2 * 4 + 2 * 4 + 40];
	size_t zbl, bl = strlen(base_text), hl, plen, off2;
	const git_oid *ids[2] = { base, id };
	uint32_t offs[2];
	char rel[128];

	zb = deflate_all(base_text, bl, &zbl);
	hl = pack_entry_header(hdr, GIT_OBJECT_BLOB, bl);
	off2 = 12 + hl + zbl;
	plen = off2 + elen + 20;
	if (!(pack = malloc(plen)))
		FUZZ_DIE("malloc");
	memcpy(pack, "PACK", 4);
	put32(pack + 4, 2);
	put32(pack + 8, 2);
	memcpy(pack + 12, hdr, hl);
	memcpy(pack + 12 + hl, zb, zbl);
	if (elen)
		memcpy(pack + off2, entry, elen);
	memset(pack + off2 + elen, 0x5a, 20);
	offs[0] = 12;
	offs[1] = (uint32_t)off2;
	if (git_oid_cmp(base, id) > 0) {
		ids[0] = id;
		ids[1] = base;
		offs[0] = (uint32_t)off2;
		offs[1] = 12;
	}
	memset(idx, 0, sizeof(idx));
	memcpy(idx, "\377tOc", 4);
	put32(idx + 4, 2);
	for (unsigned b = 0; b < 256; b++)
		put32(idx + 8 + 4 * b, (uint32_t)(ids[0]->id[0] <= b) + (ids[1]->id[0] <= b));
	unsigned char *p = idx + 8 + 256 * 4;
	memcpy(p, ids[0]->id, 20);
	memcpy(p + 20, ids[1]->id, 20);
	p += 40 + 8; /* CRCs: not checked when reading */
	put32(p, offs[0]);
	put32(p + 4, offs[1]);
	p += 8;
	memset(p, 0x5a, 20); /* the pack's checksum, as its trailer says */
	pack_seq++;
	snprintf(rel, sizeof(rel), "objects/pack/pack-%040lx.pack", pack_seq);
	write_file(rel, pack, plen);
	snprintf(rel, sizeof(rel), "objects/pack/pack-%040lx.idx", pack_seq);
	write_file(rel, idx, sizeof(idx));
	free(pack);
	free(zb);
}

/* Shape 7: a well-framed entry of the type payload[0] picks. */
static void write_pack_object(const git_oid *base, const git_oid *id, const uint8_t *pl,
	size_t len)
{
	static const unsigned types[] = { GIT_OBJECT_COMMIT, GIT_OBJECT_TREE, GIT_OBJECT_BLOB,
		GIT_OBJECT_TAG, GIT_OBJECT_OFS_DELTA, GIT_OBJECT_REF_DELTA };
	unsigned type = len ? types[pl[0] % 6] : GIT_OBJECT_BLOB;
	unsigned char *entry, *z;
	size_t zl, n = 0;

	if (len) {
		pl++;
		len--;
	}
	z = deflate_all(pl, len, &zl);
	if (!(entry = malloc(16 + 20 + zl)))
		FUZZ_DIE("malloc");
	n = pack_entry_header(entry, type, len);
	if (type == GIT_OBJECT_OFS_DELTA) {
		/* distance back to the base at offset 12; fits one byte for a
		 * short base: the entry starts right after it */
		size_t bl = strlen(base_text), zbl;
		unsigned char h[16], *zb = deflate_all(base_text, bl, &zbl);
		size_t dist = pack_entry_header(h, GIT_OBJECT_BLOB, bl) + zbl;
		free(zb);
		unsigned char v[16];
		size_t k = sizeof(v);
		v[--k] = dist & 0x7f;
		while (dist >>= 7)
			v[--k] = (unsigned char)(0x80 | (--dist & 0x7f));
		memcpy(entry + n, v + k, sizeof(v) - k);
		n += sizeof(v) - k;
	} else if (type == GIT_OBJECT_REF_DELTA) {
		memcpy(entry + n, base->id, GIT_OID_RAWSZ);
		n += GIT_OID_RAWSZ;
	}
	memcpy(entry + n, z, zl);
	write_pack(base, id, entry, n + zl);
	free(entry);
	free(z);
}

/* ---- the scan ---------------------------------------------------------- */

static void on_diag(const lw_diag *d, void *payload)
{
	(void)payload;
	FUZZ_CHECK(d->message && d->path);
	if (verbose)
		fprintf(stderr, "  diag: %s: %s\n", d->path, d->message);
}

static void scan(int present)
{
	lw_history_options ho = LW_HISTORY_OPTIONS_INIT;
	lw_history_stats st;
	lw_report *rep = NULL;
	lw_error err = { 0 };
	int rc;

	ho.threads = 1;
	ho.max_blob_size = 1u << 20;
	ho.compute_present = present;
	ho.scan.match_limit = 100000;
	ho.on_diag = on_diag;
	if (lw_report_new(&rep) < 0)
		return;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = lw_history_scan(repo, rules, &ho, rep, &st, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose)
		fprintf(stderr, "  scan: rc %d commits %llu blobs %llu errors %llu findings %zu in %.1f ms %s\n",
			rc, (unsigned long long)st.commits, (unsigned long long)st.blobs,
			(unsigned long long)st.errors, lw_report_count(rep),
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
			rc < 0 ? err.msg : "");
	if (rc < 0) {
		FUZZ_CHECK(err.msg[0]);
	} else {
		for (size_t i = 0; i < lw_report_count(rep); i++) {
			const lw_record *r = lw_report_get(rep, i);
			FUZZ_CHECK(r->rule_id && r->path && r->secret);
			FUZZ_CHECK(strlen(r->fingerprint) == 32);
		}
	}
	lw_report_free(rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	git_oid base, base_tree, id, tree, commit, tag;
	unsigned shape, flags;
	const uint8_t *pl;
	size_t len;

	if (!repo[0])
		setup();
	if (size < 1)
		return 0;
	flags = data[0];
	shape = flags & 7;
	pl = data + 1;
	len = size - 1;
	reset_store();
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, !(flags & 0x08));

	/* every shape has the base blob and a tree of it alone (ids seeds can
	 * name); most shapes add a second object `id` */
	write_loose(&base, GIT_OBJECT_BLOB, base_text, strlen(base_text));
	write_tree_of(&base_tree, &base, NULL);
	/* the second object, where a shape does not write it well-formed, is
	 * stored under the id of the blob "fuzz\n" */
	git_odb_hash(&id, "fuzz\n", 5, GIT_OBJECT_BLOB);
	tree = base_tree;
	switch (shape) {
	case SHAPE_BLOB:
		write_loose(&id, GIT_OBJECT_BLOB, pl, len);
		break;
	case SHAPE_RAW:
		write_loose_raw(&id, pl, len);
		break;
	case SHAPE_INFLATED: {
		unsigned char *z;
		size_t zl;
		z = deflate_all(pl, len, &zl);
		write_loose_raw(&id, z, zl);
		free(z);
		break;
	}
	case SHAPE_TREE:
		write_loose(&tree, GIT_OBJECT_TREE, pl, len);
		break;
	case SHAPE_COMMIT:
		write_loose(&commit, GIT_OBJECT_COMMIT, pl, len);
		break;
	case SHAPE_TAG:
		break;
	case SHAPE_PACK:
		write_pack(&base, &id, pl, len);
		break;
	case SHAPE_PACKOBJ:
		write_pack_object(&base, &id, pl, len);
		break;
	}
	if (shape == SHAPE_BLOB || shape == SHAPE_RAW || shape == SHAPE_INFLATED ||
	    shape == SHAPE_PACK || shape == SHAPE_PACKOBJ)
		write_tree_of(&tree, &base, &id);
	if (shape != SHAPE_COMMIT)
		write_commit_of(&commit, &tree, "fuzz commit");
	write_ref("refs/heads/main", &commit);
	if (shape == SHAPE_TAG) {
		write_loose(&tag, GIT_OBJECT_TAG, pl, len);
		write_ref("refs/tags/v1", &tag);
	}
	scan(!!(flags & 0x10));
	return 0;
}
