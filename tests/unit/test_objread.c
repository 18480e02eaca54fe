/*
 * test_objread.c - our object reader against real repositories built with
 * the git CLI: every object git lists (loose; packed with offset deltas;
 * packed with id deltas; reached through alternates) is read back, its type
 * and size agree with git's, and its content hashes to its id. Caches too
 * small for one object, bounds below an object's size, and damaged loose
 * objects (truncated, under-stated header, empty, a symbolic link) each
 * give an error, never a hang.
 */
#include <git2.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "lwtest.h"
#include "odb/objstore.h"
#include "odb/objstore_int.h"
#include "odb/oidset.h"

/* the test builds repositories with the git CLI: the library's ban on
 * shell-outs (banned.h) is not for tests */
#undef system
#undef popen

static char root[256];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* a history whose file versions delta against each other */
static void make_repo(const char *dir)
{
	CHECK(sh("git init -q '%s' && cd '%s' && mkdir -p a/b/c && "
		 "for i in $(seq 1 40); do "
		 "  seq 1 $((i * 50)) | sed \"s/^/line $i: /\" > a/b/c/grow.txt; "
		 "  seq 1 400 | sed \"s/^/stable /; ${i}s/$/ changed $i/\" > a/edit.txt; "
		 "  head -c $((i * 7)) /dev/urandom > bin.dat; "
		 "  git add -A && git commit -q -m \"c$i\" || exit 1; "
		 "done && : > empty && seq 1 200000 > big.txt && git add -A && git commit -q -m big",
		 dir, dir) == 0);
}

typedef struct listed {
	git_oid id;
	int type;
	uint64_t size;
	uint64_t off; /* in its pack, from `git verify-pack -v` */
	git_oid base; /* its delta base, from `git verify-pack -v`; zero: whole */
} listed;

/* the objects a git command lists one a line: "id type size" (cat-file
 * --batch-check) or "id type size size-in-pack offset ..." (verify-pack) */
static size_t list_git(const char *cmd, listed **out)
{
	char line[512];
	size_t n = 0, cap = 0;
	listed *v = NULL;

	FILE *p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p)) {
		char hex[64], type[16], bhex[64] = "";
		unsigned long long size, psize, off = 0;
		unsigned depth = 0;
		int got = sscanf(line, "%63s %15s %llu %llu %llu %u %63s", hex, type, &size, &psize, &off, &depth, bhex);
		if (got < 3 || strlen(hex) != 40)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = realloc(v, cap * sizeof(*v));
		}
		git_oid_fromstr(&v[n].id, hex);
		v[n].type = !strcmp(type, "commit") ? 1 : !strcmp(type, "tree") ? 2 : !strcmp(type, "blob") ? 3 : 4;
		v[n].size = size;
		v[n].off = off;
		memset(&v[n].base, 0, sizeof(v[n].base));
		if (got == 7 && strlen(bhex) == 40)
			git_oid_fromstr(&v[n].base, bhex);
		n++;
	}
	if (p)
		pclose(p);
	*out = v;
	return n;
}

static size_t list_objects(const char *dir, listed **out)
{
	char cmd[PATH_MAX + 128];

	snprintf(cmd, sizeof(cmd), "git -C '%s' cat-file --batch-all-objects --batch-check", dir);
	return list_git(cmd, out);
}

/* every object: header and content agree with git, content hashes to the id */
static void check_all(const char *repo, const char *objdir, size_t cache, const char *what)
{
	listed *v = NULL;
	size_t n = list_objects(repo, &v), bad = 0;
	lw_objstore *s = NULL;
	lw_objreader *r = NULL;
	const char *dirs[1] = { objdir };

	CHECK(n > 100);
	CHECK(lw_objstore_open(&s, dirs, 1) == 0);
	CHECK(lw_objreader_new(&r, s, cache) == 0);
	for (size_t i = 0; s && r && i < n; i++) {
		int type = 0;
		uint64_t size = 0;
		lw_obj o;
		git_oid h;
		if (lw_objreader_header(r, v[i].id.id, &type, &size) != 0 || type != v[i].type ||
		    size != v[i].size) {
			bad++;
			continue;
		}
		/* every other object read at the position the store gives it
		 * (UINT64_MAX, by id, when loose), as the audit's workers do */
		uint64_t pos = i & 1 ? lw_objstore_position(s, v[i].id.id) : UINT64_MAX;
		if (lw_objreader_read_at(r, v[i].id.id, pos, UINT64_MAX, &o) != 0) {
			bad++;
			continue;
		}
		if (o.len != v[i].size || git_odb_hash(&h, o.data, o.len, (git_object_t)o.type) < 0 ||
		    !git_oid_equal(&h, &v[i].id))
			bad++;
		lw_obj_release(r, &o);
	}
	if (bad)
		fprintf(stderr, "%s: %zu of %zu objects read wrong\n", what, bad, n);
	CHECK(bad == 0);
	lw_objreader_free(r);
	lw_objstore_free(s);
	free(v);
}

/* A set over the store's packs against a plain one: every other listed id
 * inserted, then every id asked; ids the packs do not hold (made up here,
 * or loose) go to the table and are found all the same. */
static void check_oidset(const char *repo, const char *objdir, int packed)
{
	listed *v = NULL;
	size_t n = list_objects(repo, &v), bad = 0;
	lw_objstore *s = NULL;
	const char *dirs[1] = { objdir };
	lw_oidset bits, plain;
	git_oid fake;

	CHECK(n > 100);
	CHECK(lw_objstore_open(&s, dirs, 1) == 0);
	CHECK(packed ? lw_objstore_packed(s) >= n : lw_objstore_packed(s) == 0);
	lw_oidset_init_packed(&bits, s);
	lw_oidset_init(&plain);
	for (size_t i = 0; i < n; i += 2) {
		int a = lw_oidset_insert(&bits, &v[i].id), b = lw_oidset_insert(&plain, &v[i].id);
		bad += a != 1 || b != 1 || lw_oidset_insert(&bits, &v[i].id) != 0;
	}
	for (size_t i = 0; i < n; i++)
		bad += lw_oidset_contains(&bits, &v[i].id) != lw_oidset_contains(&plain, &v[i].id) ||
		       lw_oidset_contains(&bits, &v[i].id) != (i % 2 == 0);
	memset(&fake, 0x5a, sizeof(fake));
	bad += lw_oidset_contains(&bits, &fake) || lw_oidset_insert(&bits, &fake) != 1 ||
	       !lw_oidset_contains(&bits, &fake) || lw_oidset_insert(&bits, &fake) != 0;
	/* the packed ids took bits, not table slots */
	bad += packed ? bits.n != 1 : bits.n != (n + 1) / 2 + 1;
	if (bad)
		fprintf(stderr, "%s: %zu set answers differ\n", repo, bad);
	CHECK(bad == 0);
	lw_oidset_release(&bits);
	lw_oidset_release(&plain);
	lw_objstore_free(s);
	free(v);
}

/* Handles on the same directories share one store while any is open; one
 * on other directories gets its own; after the last goes, a new one opens. */
static void check_share(const char *objdir, const char *other)
{
	const char *a[1] = { objdir }, *b[1] = { other };
	lw_objstore *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL;

	CHECK(lw_objstore_share(&s1, a, 1) == 0 && s1);
	CHECK(lw_objstore_share(&s2, a, 1) == 0 && s2 == s1);
	CHECK(lw_objstore_share(&s3, b, 1) == 0 && s3 && s3 != s1);
	CHECK(lw_objstore_packed(s1) > 0 && lw_objstore_packed(s3) == 0);
	lw_objstore_unshare(s1);
	/* still open for the second handle */
	CHECK(lw_objstore_packed(s2) > 0);
	lw_objstore_unshare(s2);
	lw_objstore_unshare(s3);
	CHECK(lw_objstore_share(&s4, a, 1) == 0 && s4 && lw_objstore_packed(s4) > 0);
	lw_objstore_unshare(s4);
}

/* Where each object lies, asked of two stores in turn (the same objects,
 * packed differently), and again of a store opened after one was freed:
 * every answer is its own pack's offset as `git verify-pack` lists it, so a
 * lookup remembered for one store is never given for another. */
static size_t list_offsets(const char *objdir, listed **out)
{
	char cmd[PATH_MAX + 128];

	snprintf(cmd, sizeof(cmd), "git verify-pack -v '%s'/pack/*.idx", objdir);
	return list_git(cmd, out);
}

static uint64_t offset_in(const listed *v, size_t n, const git_oid *id)
{
	for (size_t i = 0; i < n; i++)
		if (git_oid_equal(&v[i].id, id))
			return v[i].off;
	return UINT64_MAX;
}

static void check_two_stores(const char *dir_a, const char *dir_b)
{
	listed *a = NULL, *b = NULL;
	size_t na = list_offsets(dir_a, &a), nb = list_offsets(dir_b, &b), bad = 0, differ = 0;
	const char *da[1] = { dir_a }, *db[1] = { dir_b };
	lw_objstore *sa = NULL, *sb = NULL;
	const uint64_t mask = (1ull << 40) - 1;

	CHECK(na > 100 && na == nb);
	CHECK(lw_objstore_open(&sa, da, 1) == 0 && lw_objstore_open(&sb, db, 1) == 0);
	for (size_t i = 0; sa && sb && i < na; i++) {
		uint64_t want_b = offset_in(b, nb, &a[i].id), pos;
		differ += want_b != a[i].off;
		bad += (lw_objstore_position(sa, a[i].id.id) & mask) != a[i].off;
		bad += (lw_objstore_position(sb, a[i].id.id) & mask) != want_b;
		bad += !lw_objstore_index(sa, a[i].id.id, &pos) ||
		       (lw_objstore_position(sa, a[i].id.id) & mask) != a[i].off;
	}
	/* a store opened after one is freed (perhaps at its address) */
	lw_objstore_free(sa);
	sa = NULL;
	CHECK(lw_objstore_open(&sa, db, 1) == 0);
	for (size_t i = 0; sa && sb && i < na; i++) {
		uint64_t want_b = offset_in(b, nb, &a[i].id);
		bad += (lw_objstore_position(sb, a[i].id.id) & mask) != want_b;
		bad += (lw_objstore_position(sa, a[i].id.id) & mask) != want_b;
	}
	if (bad)
		fprintf(stderr, "two stores: %zu lookups answered wrong\n", bad);
	CHECK(bad == 0);
	CHECK(differ > 0); /* the two packs do place objects differently */
	lw_objstore_free(sa);
	lw_objstore_free(sb);
	free(a);
	free(b);
}

/* Every packed object's delta base, as lw_objstore_delta_base reads it
 * from the entry's header (an offset back, or an id), is the one `git
 * verify-pack -v` names; a whole object has none. */
static void check_delta_bases(const char *objdir, const char *what)
{
	listed *v = NULL;
	size_t n = list_offsets(objdir, &v), bad = 0, deltas = 0;
	const char *d[1] = { objdir };
	lw_objstore *s = NULL;
	git_oid zero;

	memset(&zero, 0, sizeof(zero));
	CHECK(n > 100);
	CHECK(lw_objstore_open(&s, d, 1) == 0);
	for (size_t i = 0; s && i < n; i++) {
		uint64_t base = 0, pos = lw_objstore_position(s, v[i].id.id);
		int got = lw_objstore_delta_base(s, pos, &base);
		if (git_oid_equal(&v[i].base, &zero)) {
			bad += got != 0;
			continue;
		}
		deltas++;
		bad += got != 1 || base != lw_objstore_position(s, v[i].base.id);
	}
	uint64_t none;
	CHECK(!s || lw_objstore_delta_base(s, UINT64_MAX, &none) == 0);
	if (bad)
		fprintf(stderr, "%s: %zu of %zu delta bases read wrong\n", what, bad, n);
	CHECK(bad == 0);
	printf("# %s: %zu of %zu objects are deltas\n", what, deltas, n);
	CHECK(deltas > 20);
	lw_objstore_free(s);
	free(v);
}

/* `git rev-parse SPEC` in repo: hex (41 bytes or more) and id */
static void rev_parse(const char *repo, const char *spec, char *hex, git_oid *id)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse '%s'", repo, spec);
	FILE *p = popen(cmd, "r");
	hex[0] = '\0';
	CHECK(p && fgets(hex, 64, p));
	if (p)
		pclose(p);
	hex[40] = '\0';
	CHECK(git_oid_fromstr(id, hex) == 0);
}

static void check_bounds(const char *repo)
{
	char objdir[PATH_MAX], hex[64];
	const char *dirs[1] = { objdir };
	lw_objstore *s = NULL;
	lw_objreader *r = NULL;
	git_oid id;
	lw_obj o;

	snprintf(objdir, sizeof(objdir), "%s/.git/objects", repo);
	rev_parse("packed-ofs", "HEAD:big.txt", hex, &id);
	CHECK(lw_objstore_open(&s, dirs, 1) == 0);
	CHECK(lw_objreader_new(&r, s, 1 << 20) == 0);
	CHECK(lw_objreader_read(r, id.id, 1000, &o) == LW_ELIMIT);
	CHECK(lw_objreader_read(r, id.id, UINT64_MAX, &o) == 0 && o.len > 1000000);
	lw_obj_release(r, &o);
	memset(&id, 0x5a, sizeof(id));
	CHECK(lw_objreader_read(r, id.id, UINT64_MAX, &o) == LW_OBJ_MISSING);
	CHECK(!lw_objstore_exists(s, id.id));
	lw_objreader_free(r);
	lw_objstore_free(s);
}

/* a loose object's file replaced by `damage`; reading it must fail, with
 * `msg` in the message when given */
static void check_damaged_msg(const char *how, const char *damage, const char *msg)
{
	char objdir[PATH_MAX + 32], hex[64], path[PATH_MAX + 64];
	const char *dirs[1] = { objdir };
	lw_objstore *s = NULL;
	lw_objreader *r = NULL;
	git_oid id;
	lw_obj o;
	int type;
	uint64_t size;

	CHECK(sh("rm -rf dmg && git init -q dmg && cd dmg && seq 1 5000 > f.txt && git add f.txt && "
		 "git commit -q -m one") == 0);
	rev_parse("dmg", "HEAD:f.txt", hex, &id);
	snprintf(path, sizeof(path), "dmg/.git/objects/%.2s/%s", hex, hex + 2);
	CHECK(sh("f='%s'; chmod u+w \"$f\"; %s", path, damage) == 0);
	snprintf(objdir, sizeof(objdir), "%s/dmg/.git/objects", root);
	CHECK(lw_objstore_open(&s, dirs, 1) == 0);
	CHECK(lw_objreader_new(&r, s, 1 << 20) == 0);
	int rh = lw_objreader_header(r, id.id, &type, &size);
	int rr = lw_objreader_read(r, id.id, UINT64_MAX, &o);
	if (rr == 0)
		lw_obj_release(r, &o);
	if (!(rr < 0))
		fprintf(stderr, "%s: read gave %d, header %d\n", how, rr, rh);
	CHECK(rr < 0);
	CHECK(lw_objreader_error(r)[0] != '\0');
	if (msg && !strstr(lw_objreader_error(r), msg))
		fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", how, lw_objreader_error(r), msg);
	CHECK(!msg || strstr(lw_objreader_error(r), msg));
	lw_objreader_free(r);
	lw_objstore_free(s);
}

static void check_damaged(const char *how, const char *damage)
{
	check_damaged_msg(how, damage, NULL);
}

int main(void)
{
	char tmpl[] = "/tmp/lw-objread.XXXXXX", objdir[PATH_MAX + 32];

	git_libgit2_init();
	CHECK(mkdtemp(tmpl) != NULL);
	snprintf(root, sizeof(root), "%s", tmpl);
	CHECK(chdir(root) == 0);
	setenv("HOME", root, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "T", 1);
	setenv("GIT_AUTHOR_EMAIL", "t@example.invalid", 1);
	setenv("GIT_COMMITTER_NAME", "T", 1);
	setenv("GIT_COMMITTER_EMAIL", "t@example.invalid", 1);

	make_repo("loose");
	snprintf(objdir, sizeof(objdir), "%s/loose/.git/objects", root);
	check_all("loose", objdir, 8 << 20, "loose");
	check_oidset("loose", objdir, 0);

	CHECK(sh("git clone -q --no-local loose packed-ofs && cd packed-ofs && "
		 "git repack -adfq --depth=50 --window=50") == 0);
	snprintf(objdir, sizeof(objdir), "%s/packed-ofs/.git/objects", root);
	check_all("packed-ofs", objdir, 8 << 20, "offset deltas");
	check_delta_bases(objdir, "offset deltas");
	check_oidset("packed-ofs", objdir, 1);
	{
		char loose_dir[PATH_MAX + 32];
		snprintf(loose_dir, sizeof(loose_dir), "%s/loose/.git/objects", root);
		check_share(objdir, loose_dir);
	}
	/* a cache smaller than most objects: every chain resolved from scratch */
	check_all("packed-ofs", objdir, 512, "offset deltas, tiny cache");

	CHECK(sh("git clone -q --no-local loose packed-ref && cd packed-ref && "
		 "git -c repack.useDeltaBaseOffset=false repack -adfq --depth=50 --window=50") == 0);
	snprintf(objdir, sizeof(objdir), "%s/packed-ref/.git/objects", root);
	check_all("packed-ref", objdir, 8 << 20, "id deltas");
	check_delta_bases(objdir, "id deltas");
	{
		char ofs_dir[PATH_MAX + 32];
		snprintf(ofs_dir, sizeof(ofs_dir), "%s/packed-ofs/.git/objects", root);
		check_two_stores(ofs_dir, objdir);
	}

	/* objects reached through objects/info/alternates only */
	CHECK(sh("git clone -q --shared packed-ofs shared && test -f shared/.git/objects/info/alternates") == 0);
	snprintf(objdir, sizeof(objdir), "%s/shared/.git/objects", root);
	check_all("shared", objdir, 8 << 20, "alternates");

	check_bounds("packed-ofs");

	check_damaged("truncated", "head -c 12 \"$f\" > t && cat t > \"$f\"");
	check_damaged("one byte", "printf 0 > \"$f\"");
	check_damaged("empty", ": > \"$f\"");
	check_damaged("header under-states the size",
		"python3 -c 'import sys,zlib; p=sys.argv[1]; d=zlib.decompress(open(p,\"rb\").read()); "
		"b=d.split(b\"\\0\",1)[1]; open(p,\"wb\").write(zlib.compress(b\"blob 3\\0\"+b))' \"$f\"");
	check_damaged("header over-states the size",
		"python3 -c 'import sys,zlib; p=sys.argv[1]; d=zlib.decompress(open(p,\"rb\").read()); "
		"b=d.split(b\"\\0\",1)[1]; open(p,\"wb\").write(zlib.compress(b\"blob 99999\\0\"+b))' \"$f\"");
	check_damaged("not zlib", "head -c 4000 /dev/urandom > \"$f\"");
	/* whole objects are inflated by libdeflate: its refusals must read
	 * as zlib's (the Adler-32 trailer, a damaged block) */
	check_damaged_msg("Adler-32 trailer wrong",
		"python3 -c 'import sys; p=sys.argv[1]; d=bytearray(open(p,\"rb\").read()); "
		"d[-1]^=1; open(p,\"wb\").write(d)' \"$f\"", "incorrect data check");
	check_damaged_msg("a damaged block",
		"python3 -c 'import sys,zlib; p=sys.argv[1]; d=zlib.decompress(open(p,\"rb\").read()); "
		"c=bytearray(zlib.compress(d, 0)); c[2]^=6; open(p,\"wb\").write(c)' \"$f\"",
		"corrupt compressed data");
	check_damaged("a symbolic link", "rm -f \"$f\" && ln -s /etc/hostname \"$f\"");
	check_damaged("a fifo", "rm -f \"$f\" && mkfifo \"$f\"");

	CHECK(chdir("/") == 0);
	sh("rm -rf '%s'", root);
	git_libgit2_shutdown();
	return tap_done();
}
