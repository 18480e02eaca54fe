/* objinflate.c - inflating an object's zlib stream.
 *
 * A whole object (its size is in its header) is inflated by libdeflate in
 * one call: twice as fast as zlib on the packs of curl and git (README,
 * "Inflating"), and it checks the zlib header and the Adler-32 trailer as
 * zlib does. Whatever libdeflate refuses is inflated again by zlib, which
 * then says why in the words it always used, so a corrupt object reads the
 * same with either library. zlib alone reads the first bytes of a stream
 * (a header, a delta's sizes), where a whole-buffer call cannot stop early.
 * Every zlib call is checked for progress, so a truncated stream is an
 * error, never a loop. */
#include <libdeflate.h>
#include <limits.h>
#include <stdint.h>
#include <zlib.h>

#include "internal.h"
#include "odb/objread_int.h"

int lw_or__inflate_init(lw_objreader *r)
{
	if (inflateInit(&r->z) != Z_OK)
		return -1;
	r->zok = 1;
	if (!(r->ld = libdeflate_alloc_decompressor())) {
		lw_or__inflate_end(r);
		return -1;
	}
	return 0;
}

void lw_or__inflate_end(lw_objreader *r)
{
	if (r->zok)
		inflateEnd(&r->z);
	r->zok = 0;
	if (r->ld)
		libdeflate_free_decompressor(r->ld);
	r->ld = NULL;
}

/* zlib, a piece at a time */
static int or_zinflate(lw_objreader *r, const unsigned char *src, size_t srclen,
	unsigned char *out, size_t want, int head, size_t *got)
{
	z_stream *z = &r->z;
	size_t in_done = 0, out_done = 0;
	unsigned char spare;

	if (inflateReset(z) != Z_OK)
		return lw_or__fail(r, LW_ERROR, "zlib cannot start");
	for (;;) {
		size_t ai = srclen - in_done, ao = want - out_done;
		if (ao == 0 && head)
			break;
		z->next_in = (Bytef *)(uintptr_t)(src + in_done);
		z->avail_in = ai > UINT_MAX ? UINT_MAX : (uInt)ai;
		/* with the output full, a one-byte probe tells an ending stream
		 * from one that holds more than it declared */
		z->next_out = ao ? out + out_done : &spare;
		z->avail_out = ao ? (ao > UINT_MAX ? UINT_MAX : (uInt)ao) : 1;
		uInt bin = z->avail_in, bout = z->avail_out;
		int ret = inflate(z, Z_NO_FLUSH);
		size_t ate = bin - z->avail_in, made = bout - z->avail_out;
		in_done += ate;
		if (!ao && made)
			return lw_or__fail(r, LW_EIO, "holds more data than its header declares");
		out_done += made;
		if (ret == Z_STREAM_END) {
			if (!head && out_done != want)
				return lw_or__fail(r, LW_EIO, "holds %zu bytes, its header declares %zu", out_done, want);
			break;
		}
		if (ret == Z_NEED_DICT || ret == Z_DATA_ERROR)
			return lw_or__fail(r, LW_EIO, "corrupt compressed data (%s)", z->msg ? z->msg : "zlib");
		if (ret == Z_MEM_ERROR)
			return lw_or__fail(r, LW_ENOMEM, "out of memory");
		if (ret != Z_OK && ret != Z_BUF_ERROR)
			return lw_or__fail(r, LW_EIO, "corrupt compressed data");
		if (!ate && !made)
			return lw_or__fail(r, LW_EIO, "compressed data is truncated");
	}
	if (got)
		*got = out_done;
	return 0;
}

int lw_or__inflate(lw_objreader *r, const unsigned char *src, size_t srclen,
	unsigned char *out, size_t want, int head, size_t *got)
{
	size_t used = 0;
	int rc = 0;

	/* without an actual size to return, libdeflate succeeds only when the
	 * stream ends exactly at want bytes, its checksum right */
	if (head || libdeflate_zlib_decompress_ex(r->ld, src, srclen, out, want, &used, NULL) !=
			    LIBDEFLATE_SUCCESS)
		rc = or_zinflate(r, src, srclen, out, want, head, got);
	/* the packs' pages read so far are let go of now and then, so that
	 * reading a pack from end to end does not keep it all resident; a
	 * small object costs a whole page (commits spread over a pack touch
	 * every page of it while inflating a few bytes of each) */
	r->inflated_in += (used ? used : want) + 4096;
	if (r->inflated_in >= OR_DROP_EVERY) {
		r->inflated_in = 0;
		lw_objstore_drop_pages(r->s);
	}
	return rc;
}
