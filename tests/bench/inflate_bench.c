/*
 * inflate_bench.c PACK.idx PACK.pack [PASSES] - every entry of a pack (whole
 * objects and deltas alike, each a zlib stream whose inflated size is in its
 * entry header) inflated by zlib, by libdeflate in one call, and, when built
 * with -DWITH_ISAL, by ISA-L (stateless and streaming); each output checked
 * against the declared size. Prints CPU seconds per pass (best of PASSES)
 * and the speed-up over zlib. Built and run by inflate_bench.sh.
 */
#include <fcntl.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#ifdef WITH_ISAL
#include <isa-l/igzip_lib.h>
#endif

typedef struct ent {
	uint64_t data, size;
} ent;

static const unsigned char *pk;
static size_t pl;
static ent *e;
static uint32_t n;
static unsigned char *out;

static unsigned char *map(const char *p, size_t *len)
{
	struct stat st;
	int fd = open(p, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(p);
		exit(2);
	}
	*len = (size_t)st.st_size;
	void *m = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		perror(p);
		exit(2);
	}
	return m;
}

static double cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static size_t avail(uint32_t k)
{
	return pl - 20 - (size_t)e[k].data;
}

static int run_zlib(void)
{
	static z_stream z;
	static int init;

	if (!init && inflateInit(&z) != Z_OK)
		return -1;
	init = 1;
	for (uint32_t k = 0; k < n; k++) {
		inflateReset(&z);
		z.next_in = (Bytef *)(uintptr_t)(pk + e[k].data);
		z.avail_in = avail(k) > UINT32_MAX ? UINT32_MAX : (uInt)avail(k);
		z.next_out = out;
		z.avail_out = (uInt)e[k].size + 1;
		if (inflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out != e[k].size)
			return -1;
	}
	return 0;
}

static int run_libdeflate(void)
{
	static struct libdeflate_decompressor *d;
	size_t used;

	if (!d && !(d = libdeflate_alloc_decompressor()))
		return -1;
	for (uint32_t k = 0; k < n; k++)
		if (libdeflate_zlib_decompress_ex(d, pk + e[k].data, avail(k), out, e[k].size, &used, NULL) !=
		    LIBDEFLATE_SUCCESS)
			return -1;
	return 0;
}

#ifdef WITH_ISAL
static int run_isal(int stateless)
{
	static struct inflate_state st;

	for (uint32_t k = 0; k < n; k++) {
		isal_inflate_init(&st);
		st.crc_flag = ISAL_ZLIB;
		st.next_in = (uint8_t *)(uintptr_t)(pk + e[k].data);
		st.avail_in = avail(k) > UINT32_MAX ? UINT32_MAX : (uint32_t)avail(k);
		st.next_out = out;
		st.avail_out = (uint32_t)e[k].size;
		int ret = stateless ? isal_inflate_stateless(&st) : isal_inflate(&st);
		if ((ret != ISAL_DECOMP_OK && ret != ISAL_END_INPUT) || st.total_out != e[k].size)
			return -1;
	}
	return 0;
}
static int run_isal_stateless(void) { return run_isal(1); }
static int run_isal_stream(void) { return run_isal(0); }
#endif

static double best(int (*f)(void), int passes, const char *name)
{
	double b = 1e30;

	for (int p = 0; p < passes; p++) {
		double t0 = cpu();
		if (f() < 0) {
			fprintf(stderr, "%s: an entry did not inflate to its declared size\n", name);
			exit(1);
		}
		double t = cpu() - t0;
		b = t < b ? t : b;
	}
	return b;
}

int main(int argc, char **argv)
{
	size_t il;
	uint64_t total = 0, ctotal = 0, maxs = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s PACK.idx PACK.pack [PASSES]\n", argv[0]);
		return 2;
	}
	const unsigned char *idx = map(argv[1], &il);
	pk = map(argv[2], &pl);
	int passes = argc > 3 ? atoi(argv[3]) : 3;
	if (il < 8 + 1024 || memcmp(idx, "\377tOc", 4) || be32(idx + 4) != 2) {
		fprintf(stderr, "%s: not a version 2 pack index\n", argv[1]);
		return 2;
	}
	n = be32(idx + 8 + 255 * 4);
	const unsigned char *o32 = idx + 8 + 1024 + (size_t)n * 24, *o64 = o32 + (size_t)n * 4;
	uint64_t *offs = malloc((size_t)n * 8 + 8);
	e = malloc((size_t)n * sizeof(ent) + 1);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t o = be32(o32 + 4 * (size_t)i);
		offs[i] = o & 0x80000000u ? (uint64_t)be32(o64 + 8 * (size_t)(o & 0x7fffffff)) << 32 |
						    be32(o64 + 8 * (size_t)(o & 0x7fffffff) + 4)
					  : o;
	}
	qsort(offs, n, 8, cmp64);
	for (uint32_t k = 0; k < n; k++) {
		uint64_t i = offs[k];
		unsigned c = pk[i++], sh = 4;
		int type = (c >> 4) & 7;
		uint64_t size = c & 15;
		while (c & 0x80) {
			c = pk[i++];
			size |= (uint64_t)(c & 0x7f) << sh;
			sh += 7;
		}
		if (type == 6) {
			do
				c = pk[i++];
			while (c & 0x80);
		} else if (type == 7) {
			i += 20;
		}
		e[k] = (ent){ i, size };
		maxs = size > maxs ? size : maxs;
		total += size;
		ctotal += (k + 1 < n ? offs[k + 1] : pl - 20) - i;
	}
	out = malloc(maxs + 1);
	printf("%u entries, %.1f MiB compressed, %.1f MiB inflated; CPU seconds per pass, best of %d:\n", n,
		(double)ctotal / 1048576, (double)total / 1048576, passes);
	double tz = best(run_zlib, passes, "zlib");
	printf("  zlib (inflate, streaming)           %6.3f s  1.00x\n", tz);
	double td = best(run_libdeflate, passes, "libdeflate");
	printf("  libdeflate (whole buffer)           %6.3f s  %.2fx\n", td, tz / td);
#ifdef WITH_ISAL
	double ti = best(run_isal_stateless, passes, "isa-l stateless");
	printf("  ISA-L isal_inflate_stateless        %6.3f s  %.2fx\n", ti, tz / ti);
	ti = best(run_isal_stream, passes, "isa-l");
	printf("  ISA-L isal_inflate (streaming)      %6.3f s  %.2fx\n", ti, tz / ti);
#else
	printf("  ISA-L: not built (libisal-dev missing)\n");
#endif
	return 0;
}
