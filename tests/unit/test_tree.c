/*
 * test_tree.c - a tree object's entries as lw_tree_next reads them
 * (odb/objstore.h), against git's format read the slow way: an entry is
 * "<mode> <name>\0<20-byte id>", the mode one to seven octal digits, the
 * name at least one byte. Buffers are entries with the modes git writes,
 * their spellings with a digit more or less, other octal and non-octal
 * modes, entries cut at every byte, and the common modes close to the
 * buffer's end, where a reader of eight bytes at a time must not look.
 */
#include "lwtest.h"
#include "odb/objstore.h"

typedef struct ref_entry {
	unsigned mode;
	size_t name_off, name_len, id_off, next;
} ref_entry;

/* 1 an entry, 0 the end, -1 malformed: read from the format, byte by byte */
static int ref_next(const unsigned char *d, size_t n, size_t at, ref_entry *e)
{
	size_t i = at, digits = 0;
	unsigned long mode = 0;

	if (at >= n)
		return 0;
	for (; i < n && d[i] >= '0' && d[i] <= '7'; i++, digits++)
		mode = mode * 8 + (unsigned long)(d[i] - '0');
	if (digits < 1 || digits > 7 || i >= n || d[i] != ' ')
		return -1;
	size_t name = ++i;
	while (i < n && d[i] != '\0')
		i++;
	if (i >= n || i == name || n - i - 1 < 20)
		return -1;
	e->mode = (unsigned)mode;
	e->name_off = name;
	e->name_len = i - name;
	e->id_off = i + 1;
	e->next = i + 21;
	return 1;
}

static size_t put_entry(unsigned char *d, size_t cap, const char *mode, const char *name)
{
	size_t ml = strlen(mode), nl = strlen(name);

	if (ml + 1 + nl + 1 + 20 > cap)
		return 0;
	memcpy(d, mode, ml);
	d[ml] = ' ';
	memcpy(d + ml + 1, name, nl);
	d[ml + 1 + nl] = '\0';
	for (size_t k = 0; k < 20; k++)
		d[ml + nl + 2 + k] = (unsigned char)tf_below(256);
	return ml + nl + 22;
}

/* every entry of d[0, n) read by both, the same, up to the same end */
static int same_reading(const unsigned char *d, size_t n)
{
	const unsigned char *p = d;
	size_t at = 0;

	for (;;) {
		lw_tree_entry e;
		ref_entry r;
		int got = lw_tree_next(&p, d + n, &e), want = ref_next(d, n, at, &r);
		if (got != want)
			return 0;
		if (got != 1)
			return 1;
		if (e.mode != r.mode || (const unsigned char *)e.name != d + r.name_off ||
		    e.name_len != r.name_len || e.id != d + r.id_off || p != d + r.next)
			return 0;
		at = r.next;
	}
}

int main(void)
{
	static const char *const modes[] = { "100644", "40000", "100755", "120000", "160000",
		"0100644", "10064", "040000", "4000", "1007550", "644", "7", "12345678", "100648",
		"10064a", "", "100644x", "4000 " };
	static const char *const names[] = { "a", "README", "src", "a b", "\xc3\xa9t\xc3\xa9", "x.c" };
	unsigned char buf[1024];
	size_t cases = 0, malformed = 0, entries = 0;

	tf_seed_random("test_tree");
	for (int round = 0; round < 20000; round++) {
		size_t n = 0, k = 1 + tf_below(6);
		for (size_t j = 0; j < k; j++) {
			/* mostly the modes git writes */
			const char *m = tf_below(4) ? modes[tf_below(3)] : modes[tf_below(sizeof(modes) / sizeof(modes[0]))];
			n += put_entry(buf + n, sizeof(buf) - n, m, names[tf_below(sizeof(names) / sizeof(names[0]))]);
		}
		entries += k;
		/* cut anywhere, or a byte changed now and then */
		if (tf_below(3) == 0)
			n = tf_below(n + 1);
		if (n && tf_below(8) == 0)
			buf[tf_below(n)] = (unsigned char)tf_below(256);
		/* the buffer ends where the last byte does: ASan sees a read past */
		unsigned char *d = malloc(n ? n : 1);
		if (!d)
			break;
		memcpy(d, buf, n);
		int ok = same_reading(d, n);
		if (!ok)
			fprintf(stderr, "  %zu bytes read otherwise than the format says\n", n);
		CHECK(ok);
		ref_entry r;
		size_t at = 0;
		int last;
		while ((last = ref_next(d, n, at, &r)) == 1)
			at = r.next;
		malformed += last < 0;
		cases++;
		free(d);
	}
	printf("# %zu buffers, %zu entries written, %zu ending malformed\n", cases, entries, malformed);
	CHECK(cases == 20000 && malformed > 1000 && malformed < cases - 1000);
	return tap_done();
}
