/*
 * test_archive.c - the archive expander (source/archive.c) on archives
 * written here, in memory, with libarchive's own writer: member names
 * (escaped, bounded, a compressed single file named after it), links and
 * directories passed over, the member, byte and ratio bounds, and what
 * only looks like an archive.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "source/archive.h"
#include "tap.h"

typedef struct member {
	const char *name;
	const char *data; /* NULL: a symlink to "target"; "" with dir: a directory */
	size_t len;
	int dir;
} member;

/* Writes the members with libarchive into a buffer the caller frees. */
static unsigned char *write_archive(int zip, int filter, const member *m, size_t n, size_t *len)
{
	size_t cap = (size_t)8 << 20, used = 0;
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();

	if (zip)
		archive_write_set_format_zip(a);
	else
		archive_write_set_format_pax_restricted(a);
	if (filter == 1)
		archive_write_add_filter_gzip(a);
	else if (filter == 2)
		archive_write_add_filter_xz(a);
	archive_write_open_memory(a, buf, cap, &used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		if (m[i].dir) {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else if (!m[i].data) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, "target");
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)m[i].len);
		}
		archive_write_header(a, e);
		if (m[i].data && m[i].len)
			archive_write_data(a, m[i].data, m[i].len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = used;
	return buf;
}

typedef struct seen {
	char names[16][1100];
	size_t lens[16];
	size_t n;
	char problems[16][600];
	size_t np;
} seen;

static int on_member(const char *name, const unsigned char *d, size_t n, void *ctx)
{
	seen *s = ctx;

	(void)d;
	if (s->n < 16) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
		s->lens[s->n++] = n;
	}
	return 0;
}

static void on_problem(const char *name, const char *msg, void *ctx)
{
	seen *s = ctx;

	if (s->np < 16)
		snprintf(s->problems[s->np++], sizeof(s->problems[0]), "%s: %s", name ? name : "-", msg);
}

static int expand(const unsigned char *d, size_t n, const char *path, uint64_t bytes,
	uint32_t members, seen *s)
{
	lw_archive_limits lim = { &bytes, members, 100 };

	memset(s, 0, sizeof(*s));
	return lw_archive_expand(d, n, path, &lim, on_member, on_problem, s);
}

int main(void)
{
	seen s;
	size_t len;
	unsigned char *a;
	char longname[3000];
	static char zeros[4 << 20];

	/* names: a control byte escaped, a long name cut; links and directories passed over */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	member m1[] = { { "d/", "", 0, 1 }, { "d/a\033[2Jb.txt", "one", 3, 0 }, { "d/link", NULL, 0, 0 },
		{ longname, "two", 3, 0 } };
	a = write_archive(0, 1, m1, 4, &len);
	CHECK(lw_archive_sniff(a, len));
	CHECK(expand(a, len, "x.tgz", 1 << 20, 100, &s) == 0);
	CHECK(s.n == 2 && s.np == 0);
	CHECK(!strcmp(s.names[0], "d/a\\x1b[2Jb.txt"));
	CHECK(strlen(s.names[1]) <= LW_ARCHIVE_NAME_MAX && strlen(s.names[1]) > 1000);
	CHECK(!strcmp(s.names[1] + strlen(s.names[1]) - 3, "..."));
	free(a);

	/* the member bound: the third regular member is past it, said once */
	member m2[] = { { "a", "1", 1, 0 }, { "b", "2", 1, 0 }, { "c", "3", 1, 0 } };
	a = write_archive(1, 0, m2, 3, &len);
	CHECK(expand(a, len, "m.zip", 1 << 20, 2, &s) == 0);
	CHECK(s.n == 2 && s.np == 1 && strstr(s.problems[0], "more than 2 members"));
	free(a);

	/* a bomb in a zip is abandoned and the next member read; the byte
	 * bound stops a member too large for what is left, not the next one */
	member m3[] = { { "bomb", zeros, sizeof(zeros), 0 }, { "after", "tail", 4, 0 } };
	a = write_archive(1, 0, m3, 2, &len);
	CHECK(expand(a, len, "b.zip", (uint64_t)64 << 20, 100, &s) == 0);
	CHECK(s.n == 1 && !strcmp(s.names[0], "after") && s.lens[0] == 4);
	CHECK(s.np == 1 && strstr(s.problems[0], "bomb: abandoned: compression ratio over 100"));
	CHECK(expand(a, len, "b.zip", 1000, 100, &s) == 0);
	CHECK(s.n == 1 && !strcmp(s.names[0], "after"));
	CHECK(s.np == 1 && strstr(s.problems[0], "bomb: not scanned"));
	free(a);

	/* a compressed single file is named after it; xz too */
	{
		struct archive *w = archive_write_new();
		size_t cap = 4096, used = 0;
		unsigned char *buf = malloc(cap);
		archive_write_set_format_raw(w);
		archive_write_add_filter_xz(w);
		archive_write_open_memory(w, buf, cap, &used);
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_filetype(e, AE_IFREG);
		archive_write_header(w, e);
		archive_write_data(w, "key = value\n", 12);
		archive_entry_free(e);
		archive_write_close(w);
		archive_write_free(w);
		CHECK(lw_archive_sniff(buf, used));
		CHECK(expand(buf, used, "deploy/app.env.xz", 1 << 20, 100, &s) == 0);
		CHECK(s.n == 1 && !strcmp(s.names[0], "app.env") && s.lens[0] == 12);
		CHECK(expand(buf, used, "a.zip!inner/blob", 1 << 20, 100, &s) == 0);
		CHECK(s.n == 1 && !strcmp(s.names[0], "blob"));
		free(buf);
	}

	/* only the look of an archive: not opened, nothing said */
	static const char bzh_text[] = "BZh9 is how a bzip2 stream starts\n";
	static const char pk_text[] = "PK\3\4 then nothing a zip reader takes\n";
	CHECK(!lw_archive_sniff((const unsigned char *)bzh_text, sizeof(bzh_text) - 1));
	CHECK(!lw_archive_sniff((const unsigned char *)"plain text\n", 11));
	CHECK(lw_archive_sniff((const unsigned char *)pk_text, sizeof(pk_text) - 1));
	CHECK(expand((const unsigned char *)pk_text, sizeof(pk_text) - 1, "p.zip", 1 << 20, 100, &s) ==
	      LW_ENOTFOUND);
	return tap_done();
}
