/*
 * objsize.c - whether an object's declared size can be true. A pack entry
 * or loose object that declares a terabyte was reported as "over
 * --max-blob-size" and skipped with exit 0; a size its own bytes cannot
 * make is corruption, and an object that cannot be read is exit 3.
 */
#include <stdint.h>

#include "odb/objstore_int.h"

/* deflate cannot shrink data more than about 1032 to 1: a size no stream
 * of avail bytes could inflate to is a lie, not a large object */
int lw_os_size_plausible(uint64_t size, uint64_t avail)
{
	return avail >= (UINT64_MAX - 4096) / 1032 || size <= avail * 1032 + 4096;
}

/* A delta's result is made of inserts (at most one byte out per byte of
 * instructions) and copies (at most min(base, 2^24) bytes out per
 * instruction byte): a result no dlen bytes of instructions can make is
 * corrupt. */
int lw_os_delta_plausible(uint64_t dlen, uint64_t src, uint64_t dst)
{
	uint64_t k = src < 1 ? 1 : src > 0xffffff ? 0xffffff : src;

	return dlen >= UINT64_MAX / k || dst <= dlen * k;
}
