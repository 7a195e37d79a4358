// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's compressed formats, through Debian's libraries: each
 * decompressor fills a buffer that grows up to a limit, so a hostile
 * stream cannot take more memory than the caller allows.
 */
#include <stdlib.h>

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "unpack.h"

/*
 * Room for up to @want more bytes (less near the limit); -EFBIG once the
 * output is at its limit.
 */
static int out_room(struct outbuf *o, size_t want)
{
	size_t cap = o->cap ? o->cap : 1 << 20;
	u8 *p;

	if (o->len >= o->max)
		return -EFBIG;
	if (want > o->max - o->len)
		want = o->max - o->len;
	if (o->len + want <= o->cap)
		return 0;
	while (cap < o->len + want)
		cap *= 2;
	if (cap > o->max)
		cap = o->max;
	if (cap < o->len + want)
		return -EFBIG;
	p = realloc(o->p, cap);
	if (!p)
		return -ENOMEM;
	o->p = p;
	o->cap = cap;
	return 0;
}

static int gunzip(const u8 *in, size_t len, struct outbuf *o)
{
	z_stream z = { 0 };
	int ret, zr = Z_OK;

	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -ENOMEM;
	z.next_in = (u8 *)in;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : len;
	while (zr != Z_STREAM_END) {
		ret = out_room(o, 1 << 20);
		if (ret)
			break;
		z.next_out = o->p + o->len;
		z.avail_out = o->cap - o->len > UINT32_MAX ?
			      UINT32_MAX : o->cap - o->len;
		zr = inflate(&z, Z_NO_FLUSH);
		o->len = z.next_out - o->p;
		if (zr != Z_OK && zr != Z_STREAM_END) {
			ret = -EINVAL;
			break;
		}
	}
	inflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : ret ? ret : -EINVAL;
}

static int unxz(const u8 *in, size_t len, struct outbuf *o, bool alone)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret lr;
	int ret = 0;

	lr = alone ? lzma_alone_decoder(&s, KD_DECODER_MEM) :
		     lzma_stream_decoder(&s, KD_DECODER_MEM, 0);
	if (lr != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = len;
	do {
		ret = out_room(o, 1 << 20);
		if (ret)
			break;
		s.next_out = o->p + o->len;
		s.avail_out = o->cap - o->len;
		lr = lzma_code(&s, LZMA_FINISH);
		o->len = s.next_out - o->p;
	} while (lr == LZMA_OK);
	lzma_end(&s);
	if (lr == LZMA_MEMLIMIT_ERROR)
		return -E2BIG;
	if (lr == LZMA_MEM_ERROR)
		return -ENOMEM;
	return lr == LZMA_STREAM_END ? 0 : ret ? ret : -EINVAL;
}

static int unzstd(const u8 *in, size_t len, struct outbuf *o)
{
	ZSTD_DStream *z = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t r = 1;
	int ret = -EINVAL;

	if (!z)
		return -ENOMEM;
	/* the kernel compresses with a large window (--ultra -22): 2^27 */
	ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, KD_ZSTD_WINDOW_LOG);
	while (r) {
		ZSTD_outBuffer ob;

		ret = out_room(o, 1 << 20);
		if (ret)
			break;
		ob.dst = o->p + o->len;
		ob.size = o->cap - o->len;
		ob.pos = 0;
		r = ZSTD_decompressStream(z, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(r)) {
			ret = ZSTD_getErrorCode(r) ==
			      ZSTD_error_frameParameter_windowTooLarge ? -E2BIG :
			      ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ?
			      -ENOMEM : -EINVAL;
			break;
		}
		if (r && ib.pos == ib.size && ob.pos < ob.size) {
			ret = -EINVAL;	/* truncated */
			break;
		}
	}
	ZSTD_freeDStream(z);
	return r == 0 ? 0 : ret ? ret : -EINVAL;
}

/* The kernel's lz4 is the legacy format: magic, then sized 8 MiB blocks. */
static int unlz4(const u8 *in, size_t len, struct outbuf *o)
{
	const size_t blk = 8 << 20;
	size_t pos = 4;
	int ret, n;
	u32 c;

	while (pos + 4 <= len) {
		c = (u32)ksym_get_uint(in + pos, 4, false);
		if (c == 0x184c2102) {	/* a new stream: concatenated */
			pos += 4;
			continue;
		}
		pos += 4;
		if (!c || c > len - pos || c > (u32)LZ4_compressBound(blk))
			break;	/* the size trailer, or the end */
		ret = out_room(o, blk);
		if (ret)
			return ret;
		n = LZ4_decompress_safe((const char *)in + pos,
					(char *)o->p + o->len, c,
					(int)(o->cap - o->len < blk ?
					      o->cap - o->len : blk));
		/* a block that does not fit the room left is over the limit */
		if (n < 0)
			return o->cap - o->len < blk && o->cap == o->max ?
			       -EFBIG : -EINVAL;
		o->len += n;
		pos += c;
	}
	return o->len ? 0 : -EINVAL;
}

static int unbzip2(const u8 *in, size_t len, struct outbuf *o)
{
	bz_stream s = { 0 };
	int ret = 0, br = BZ_OK;

	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return -ENOMEM;
	s.next_in = (char *)in;
	s.avail_in = len > UINT32_MAX ? UINT32_MAX : len;
	while (br == BZ_OK) {
		ret = out_room(o, 1 << 20);
		if (ret)
			break;
		s.next_out = (char *)o->p + o->len;
		s.avail_out = o->cap - o->len > UINT32_MAX ?
			      UINT32_MAX : o->cap - o->len;
		br = BZ2_bzDecompress(&s);
		o->len = (u8 *)s.next_out - o->p;
		if (br == BZ_OK && !s.avail_in && s.avail_out)
			break;	/* truncated */
	}
	BZ2_bzDecompressEnd(&s);
	return br == BZ_STREAM_END ? 0 : ret ? ret : -EINVAL;
}

static int unxz_stream(const u8 *in, size_t len, struct outbuf *o)
{
	return unxz(in, len, o, false);
}

static int unlzma(const u8 *in, size_t len, struct outbuf *o)
{
	return unxz(in, len, o, true);
}

static const struct codec codecs[] = {
	{ "gzip", { 0x1f, 0x8b }, 2, false, gunzip },
	{ "xz", { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, false, unxz_stream },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, false, unzstd },
	{ "lz4", { 0x02, 0x21, 0x4c, 0x18 }, 4, false, unlz4 },
	{ "bzip2", { 'B', 'Z', 'h' }, 3, false, unbzip2 },
	{ "lzma", { 0x5d, 0, 0 }, 3, true, unlzma },
};

const struct codec *codec_at(const u8 *p, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(codecs); i++)
		if (len >= codecs[i].mlen &&
		    !memcmp(p, codecs[i].magic, codecs[i].mlen))
			return &codecs[i];
	return NULL;
}

int codec_unpack(const struct codec *c, const u8 *in, size_t len, size_t max,
		 u8 **out, size_t *out_len)
{
	struct outbuf o = { .max = max };
	int ret = c->fn(in, len, &o);

	if (ret) {
		free(o.p);
		return ret;
	}
	*out = o.p;
	*out_len = o.len;
	return 0;
}
