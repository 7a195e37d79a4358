// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's compressed formats, through Debian's libraries: each
 * decompressor fills a buffer that grows up to a limit, so a hostile
 * stream cannot take more memory than the caller allows.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bzlib.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY	/* ZSTD_d_stableOutBuffer */
#include <zstd.h>
#include <zstd_errors.h>

#include "unpack.h"

int kd_out_room(struct outbuf *o, size_t want)
{
	size_t cap = o->cap ? o->cap :
		     o->hint && o->hint <= o->max ? o->hint + 1 : 1 << 20;
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

int kd_out_exact(struct outbuf *o, size_t n)
{
	int ret = kd_out_room(o, n);

	if (ret)
		return ret;
	return o->cap - o->len < n ? -EFBIG : 0;
}

/*
 * The streaming decoders take their input in parts of this size, so that
 * what they have consumed of a file mapping can leave the resident set.
 */
#define KD_IN_PART	((size_t)1 << 20)

void kd_drop_pages(const void *p, size_t len)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = (uintptr_t)p & ~(pg - 1);
	uintptr_t hi = ((uintptr_t)p + len) & ~(pg - 1);

	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void kd_consumed(struct outbuf *o, const u8 *in, size_t pos)
{
	if (!o->in_file || pos <= o->dropped)
		return;
	kd_drop_pages(in + o->dropped, pos - o->dropped);
	o->dropped = pos;
}

/* The next part of the input after @pos, of at most KD_IN_PART bytes. */
static size_t in_part(struct outbuf *o, const u8 *in, size_t len, size_t pos,
		      size_t max)
{
	size_t part = len - pos < KD_IN_PART ? len - pos : KD_IN_PART;

	kd_consumed(o, in, pos);
	return part < max ? part : max;
}

static int gunzip(const u8 *in, size_t len, struct outbuf *o)
{
	z_stream z = { 0 };
	int ret, zr = Z_OK;

	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -ENOMEM;
	z.next_in = (u8 *)in;
	while (zr != Z_STREAM_END) {
		if (!z.avail_in)
			z.avail_in = in_part(o, in, len, z.next_in - in,
					     UINT32_MAX);
		ret = kd_out_room(o, 1 << 20);
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
	do {
		if (!s.avail_in)
			s.avail_in = in_part(o, in, len, s.next_in - in, SIZE_MAX);
		ret = kd_out_room(o, 1 << 20);
		if (ret)
			break;
		s.next_out = o->p + o->len;
		s.avail_out = o->cap - o->len;
		/* LZMA_FINISH once the last part is in: the end must be there */
		lr = lzma_code(&s, s.next_in + s.avail_in == in + len ?
				   LZMA_FINISH : LZMA_RUN);
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
	ZSTD_inBuffer ib = { in, 0, 0 };
	ZSTD_outBuffer ob = { 0 };
	bool stable = false;
	size_t r = 1, want;
	int ret = -EINVAL;

	if (!z)
		return -ENOMEM;
	/* the kernel compresses with a large window (--ultra -22): 2^27 */
	ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, KD_ZSTD_WINDOW_LOG);
	/*
	 * A buffer that stays put is the window, and zstd needs none of its
	 * own: of the size the container states (the kernel's frames do not
	 * say it, the bzImage does), else of the whole limit, which only
	 * costs address space (pages count once written; the rest is given
	 * back at the end).  A wrong size fails the frame: then the long
	 * way, from the start.
	 */
	want = o->hint && o->hint <= o->max ? o->hint :
	       o->max <= KD_LAZY_OUT_MAX ? o->max : 0;
	if (want && !kd_out_room(o, want) &&
	    !ZSTD_isError(ZSTD_DCtx_setParameter(z, ZSTD_d_stableOutBuffer, 1))) {
		stable = true;
		ob.dst = o->p;
		ob.size = o->cap;
	}
	while (r) {
		if (ib.pos == ib.size)
			ib.size += in_part(o, in, len, ib.pos, SIZE_MAX);
		if (!stable) {
			ret = kd_out_room(o, 1 << 20);
			if (ret)
				break;
			ob.dst = o->p + o->len;
			ob.size = o->cap - o->len;
			ob.pos = 0;
		}
		r = ZSTD_decompressStream(z, &ob, &ib);
		o->len = stable ? ob.pos : o->len + ob.pos;
		if (ZSTD_isError(r) && stable) {
			/* over the stated size: the growing buffer decides */
			ZSTD_DCtx_reset(z, ZSTD_reset_session_only);
			ZSTD_DCtx_setParameter(z, ZSTD_d_stableOutBuffer, 0);
			stable = false;
			ib.pos = 0;
			ib.size = 0;
			o->len = 0;
			r = 1;
			continue;
		}
		if (ZSTD_isError(r)) {
			ret = ZSTD_getErrorCode(r) ==
			      ZSTD_error_frameParameter_windowTooLarge ? -E2BIG :
			      ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ?
			      -ENOMEM : -EINVAL;
			break;
		}
		if (r && ib.pos == len && ob.pos < ob.size) {
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
		ret = kd_out_room(o, blk);
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
		kd_consumed(o, in, pos);
	}
	return o->len ? 0 : -EINVAL;
}

/* LZ4's frame format (lz4 -9 without -l): what arm64's EFI zboot may use. */
static int unlz4f(const u8 *in, size_t len, struct outbuf *o)
{
	LZ4F_dctx *z;
	size_t pos = 0, r = 1;
	int ret = -EINVAL;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&z, LZ4F_VERSION)))
		return -ENOMEM;
	while (r && pos < len) {
		size_t src = in_part(o, in, len, pos, SIZE_MAX), dst;

		ret = kd_out_room(o, 1 << 20);
		if (ret)
			break;
		dst = o->cap - o->len;
		r = LZ4F_decompress(z, o->p + o->len, &dst, in + pos, &src, NULL);
		if (LZ4F_isError(r)) {
			ret = -EINVAL;
			break;
		}
		o->len += dst;
		pos += src;
		if (!src && !dst) {
			ret = -EINVAL;	/* no progress: truncated */
			break;
		}
	}
	LZ4F_freeDecompressionContext(z);
	return r == 0 ? 0 : ret ? ret : -EINVAL;
}

/*
 * lzop's file format, which the kernel's "lzo" compression writes (lzop
 * -9): a header (magic, versions, method, level, flags, mode, mtime,
 * name, checksum), then blocks of a big-endian uncompressed and
 * compressed length, optional checksums, and LZO1X data (stored when the
 * lengths are equal), until an uncompressed length of 0.
 */
#define LZOP_F_ADLER32_D	0x1U
#define LZOP_F_ADLER32_C	0x2U
#define LZOP_F_H_FILTER		0x800U
#define LZOP_F_CRC32_D		0x100U
#define LZOP_F_CRC32_C		0x200U
#define LZOP_MAX_BLOCK		(64U << 20)

static int unlzop(const u8 *in, size_t len, struct outbuf *o)
{
	size_t pos = 9;		/* the magic */
	u32 version, flags, dst, src;
	lzo_uint got;
	int ret;

	if (lzo_init() != LZO_E_OK || len < pos + 7)
		return -EINVAL;
	version = (u32)ksym_get_uint(in + pos, 2, true);
	pos += 4;		/* version, library version */
	if (version >= 0x940)
		pos += 2;	/* version needed to extract */
	if (pos + 1 > len || in[pos] < 1 || in[pos] > 3)
		return -EINVAL;	/* LZO1X-1, -1(15), -999 */
	pos += version >= 0x940 ? 2 : 1;	/* method, level */
	if (pos + 4 > len)
		return -EINVAL;
	flags = (u32)ksym_get_uint(in + pos, 4, true);
	pos += 4;
	if (flags & LZOP_F_H_FILTER)
		pos += 4;
	pos += 8 + (version >= 0x940 ? 4 : 0);	/* mode, mtime */
	if (pos + 1 > len)
		return -EINVAL;
	pos += 1 + in[pos] + 4;			/* name, header checksum */
	for (;;) {
		if (pos + 4 > len)
			return -EINVAL;
		dst = (u32)ksym_get_uint(in + pos, 4, true);
		pos += 4;
		if (!dst)
			return 0;
		if (dst > LZOP_MAX_BLOCK || pos + 4 > len)
			return -EINVAL;
		src = (u32)ksym_get_uint(in + pos, 4, true);
		pos += 4;
		pos += (flags & LZOP_F_ADLER32_D ? 4 : 0) +
		       (flags & LZOP_F_CRC32_D ? 4 : 0);
		if (src < dst)
			pos += (flags & LZOP_F_ADLER32_C ? 4 : 0) +
			       (flags & LZOP_F_CRC32_C ? 4 : 0);
		if (!src || src > dst || pos > len || src > len - pos)
			return -EINVAL;
		ret = kd_out_exact(o, dst);
		if (ret)
			return ret;
		if (src == dst) {
			memcpy(o->p + o->len, in + pos, dst);
		} else {
			got = dst;
			if (lzo1x_decompress_safe(in + pos, src, o->p + o->len,
						  &got, NULL) != LZO_E_OK ||
			    got != dst)
				return -EINVAL;
		}
		o->len += dst;
		pos += src;
		kd_consumed(o, in, pos);
	}
}

static int unbzip2(const u8 *in, size_t len, struct outbuf *o)
{
	bz_stream s = { 0 };
	int ret = 0, br = BZ_OK;

	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return -ENOMEM;
	s.next_in = (char *)in;
	while (br == BZ_OK) {
		if (!s.avail_in)
			s.avail_in = in_part(o, in, len,
					     (const u8 *)s.next_in - in,
					     UINT32_MAX);
		ret = kd_out_room(o, 1 << 20);
		if (ret)
			break;
		s.next_out = (char *)o->p + o->len;
		s.avail_out = o->cap - o->len > UINT32_MAX ?
			      UINT32_MAX : o->cap - o->len;
		br = BZ2_bzDecompress(&s);
		o->len = (u8 *)s.next_out - o->p;
		if (br == BZ_OK && (const u8 *)s.next_in == in + len &&
		    s.avail_out)
			break;	/* truncated */
	}
	BZ2_bzDecompressEnd(&s);
	return br == BZ_STREAM_END ? 0 : ret ? ret : -EINVAL;
}

/*
 * The kernel's .xz with the output as the dictionary (xz.c); what that
 * does not decode, or finds corrupt, through liblzma from the start.
 */
static int unxz_stream(const u8 *in, size_t len, struct outbuf *o)
{
	int ret = kd_unxz(in, len, o);

	if (!ret || ret == -EFBIG || ret == -ENOMEM)
		return ret;
	o->len = 0;
	o->dropped = 0;
	o->how = "xz (liblzma)";
	return unxz(in, len, o, false);
}

static int unlzma(const u8 *in, size_t len, struct outbuf *o)
{
	return unxz(in, len, o, true);
}

#define KD_STR_(x)	#x
#define KD_STR(x)	KD_STR_(x)
#define KD_DICT_LIMIT	"more than " KD_STR(KD_DECODER_MEM_MIB) \
	" MiB of decoder memory (a dictionary larger than any kernel's)"

static const struct codec codecs[] = {
	{ .name = "gzip", .magic = { 0x1f, 0x8b }, .mlen = 2, .fn = gunzip },
	{ .name = "xz", .magic = { 0xfd, '7', 'z', 'X', 'Z', 0 }, .mlen = 6,
	  .fn = unxz_stream, .too_big = KD_DICT_LIMIT },
	{ .name = "zstd", .magic = { 0x28, 0xb5, 0x2f, 0xfd }, .mlen = 4,
	  .fn = unzstd,
	  .too_big = "a window over 2^" KD_STR(KD_ZSTD_WINDOW_LOG)
		     " bytes, more than any kernel's" },
	{ .name = "lz4", .magic = { 0x02, 0x21, 0x4c, 0x18 }, .mlen = 4,
	  .fn = unlz4 },
	{ .name = "lz4 frame", .magic = { 0x04, 0x22, 0x4d, 0x18 }, .mlen = 4,
	  .fn = unlz4f },
	{ .name = "lzo", .magic = { 0x89, 'L', 'Z', 'O', 0, '\r' }, .mlen = 6,
	  .fn = unlzop },
	{ .name = "bzip2", .magic = { 'B', 'Z', 'h' }, .mlen = 3,
	  .fn = unbzip2 },
	{ .name = "lzma", .magic = { 0x5d, 0, 0 }, .mlen = 3, .weak = true,
	  .fn = unlzma, .too_big = KD_DICT_LIMIT },
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

/* Could a magic of the table start with @b?  Built from it once. */
static bool magic_start(u8 b)
{
	static bool first[256], built;
	unsigned int i;

	if (!built) {
		for (i = 0; i < ARRAY_SIZE(codecs); i++)
			first[codecs[i].magic[0]] = true;
		built = true;
	}
	return first[b];
}

const struct codec *codec_inside(const u8 *p, size_t len)
{
	const struct codec *c = len && magic_start(p[0]) ? codec_at(p, len) : NULL;

	if (!c || c->weak)
		return NULL;
	switch (p[0]) {
	case 0x1f:	/* gzip: deflate, no reserved flag bits */
		return len >= 10 && p[2] == 8 && !(p[3] & 0xe0) ? c : NULL;
	case 'B':	/* bzip2: level 1-9, then the block magic pi */
		return len >= 10 && p[3] >= '1' && p[3] <= '9' &&
		       !memcmp(p + 4, "1AY&SY", 6) ? c : NULL;
	case 0x28:	/* zstd: the descriptor's reserved bit is 0 */
		return len >= 6 && !(p[4] & 0x08) ? c : NULL;
	default:
		return c;
	}
}

int codec_unpack(const struct codec *c, const u8 *in, size_t len, size_t max,
		 size_t hint, bool in_file, u8 **out, size_t *out_len,
		 const char **how)
{
	struct outbuf o = { .max = max, .hint = hint, .in_file = in_file,
			    .how = c->name };
	int ret = c->fn(in, len, &o);

	kd_consumed(&o, in, len);
	if (ret) {
		free(o.p);
		return ret;
	}
	/* a buffer allocated for more than it holds: the rest back */
	if (o.cap - o.len > (size_t)1 << 20) {
		u8 *p = realloc(o.p, o.len ? o.len : 1);

		if (p)
			o.p = p;
	}
	*out = o.p;
	*out_len = o.len;
	*how = o.how;
	return 0;
}
