// SPDX-License-Identifier: GPL-2.0
/*
 * Unpacking kernel images.  Every header field is bounds-checked before it
 * is used: the input may be anything.
 */
#include <stdlib.h>

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "kimage.h"

static __printf(3, 4)
int fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void add_how(struct kimage *img, const char *what)
{
	size_t l = strlen(img->how);

	snprintf(img->how + l, sizeof(img->how) - l, "%s%s", l ? " > " : "",
		 what);
}

/* ---- decompressors: each fills a growing buffer up to max ---- */

struct outbuf {
	u8 *p;
	size_t len, cap, max;
};

static int out_room(struct outbuf *o, size_t want)
{
	size_t cap = o->cap ? o->cap : 1 << 20;
	u8 *p;

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

	lr = alone ? lzma_alone_decoder(&s, UINT64_MAX) :
		     lzma_stream_decoder(&s, UINT64_MAX, 0);
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
	/* the kernel compresses with a large window (--ultra -22) */
	ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, 31);
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
			ret = -EINVAL;
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
					(char *)o->p + o->len, c, blk);
		if (n < 0)
			return -EINVAL;
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

struct codec {
	const char *name;
	u8 magic[6];
	u8 mlen;
	bool weak;	/* a magic raw data may start with: fall back to raw */
	int (*fn)(const u8 *in, size_t len, struct outbuf *o);
};

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

static const struct codec *codec_at(const u8 *p, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(codecs); i++)
		if (len >= codecs[i].mlen &&
		    !memcmp(p, codecs[i].magic, codecs[i].mlen))
			return &codecs[i];
	return NULL;
}

static int unpack(struct kimage *img, const struct codec *c, const u8 *in,
		  size_t len, size_t max, char *why, size_t wl)
{
	struct outbuf o = { .max = max };
	int ret;

	if (img->nr_owned >= KIMG_MAX_LAYERS)
		return fail(why, wl, "more than %d nested layers",
			    KIMG_MAX_LAYERS);
	ret = c->fn(in, len, &o);
	if (ret) {
		free(o.p);
		if (ret == -ENOMEM)
			return ret;
		return fail(why, wl, "%s data does not decompress%s", c->name,
			    ret == -EFBIG ? ": output over the size limit" :
			    " (corrupt or truncated)");
	}
	img->owned[img->nr_owned++] = o.p;
	img->data = o.p;
	img->size = o.len;
	add_how(img, c->name);
	return 0;
}

/* ---- ELF ---- */

static int elf_open(struct kimage *img, char *why, size_t wl)
{
	const u8 *d = img->data;
	size_t len = img->size;
	bool be, e64;
	u64 phoff, shoff, off, fsz, va;
	unsigned int phnum, phent, shnum, shent, i, type, flags, link;
	char what[64];

	if (len < 52 || (d[4] != 1 && d[4] != 2) || (d[5] != 1 && d[5] != 2))
		return fail(why, wl, "ELF header: class %u, data %u",
			    len > 5 ? d[4] : 0, len > 5 ? d[5] : 0);
	e64 = d[4] == 2;
	be = d[5] == 2;
	if (e64 && len < 64)
		return fail(why, wl, "ELF header truncated at %zu bytes", len);
	img->kind = KIMG_ELF;
	img->big_endian = be;
	img->endian_known = true;
	img->ptr_size = e64 ? 8 : 4;
	img->machine = (u16)ksym_get_uint(d + 18, 2, be);
	phoff = e64 ? ksym_get_uint(d + 32, 8, be) : ksym_get_uint(d + 28, 4, be);
	shoff = e64 ? ksym_get_uint(d + 40, 8, be) : ksym_get_uint(d + 32, 4, be);
	phent = (unsigned int)ksym_get_uint(d + (e64 ? 54 : 42), 2, be);
	phnum = (unsigned int)ksym_get_uint(d + (e64 ? 56 : 44), 2, be);
	shent = (unsigned int)ksym_get_uint(d + (e64 ? 58 : 46), 2, be);
	shnum = (unsigned int)ksym_get_uint(d + (e64 ? 60 : 48), 2, be);
	snprintf(what, sizeof(what), "ELF%d %s machine %u", e64 ? 64 : 32,
		 be ? "BE" : "LE", img->machine);
	add_how(img, what);

	if (phnum && (phent < (e64 ? 56U : 32U) || phoff > len ||
		      (u64)phnum * phent > len - phoff))
		return fail(why, wl,
			"ELF program headers at 0x%llx (%u x %u) are outside the %zu-byte file",
			    (unsigned long long)phoff, phnum, phent, len);
	for (i = 0; i < phnum; i++) {
		const u8 *p = d + phoff + (u64)i * phent;

		if (ksym_get_uint(p, 4, be) != 1)		/* PT_LOAD */
			continue;
		flags = (unsigned int)ksym_get_uint(p + (e64 ? 4 : 24), 4, be);
		off = e64 ? ksym_get_uint(p + 8, 8, be) : ksym_get_uint(p + 4, 4, be);
		va = e64 ? ksym_get_uint(p + 16, 8, be) : ksym_get_uint(p + 8, 4, be);
		fsz = e64 ? ksym_get_uint(p + 32, 8, be) : ksym_get_uint(p + 16, 4, be);
		if (off > len || fsz > len - off)
			return fail(why, wl,
				"PT_LOAD %u: 0x%llx bytes at 0x%llx are outside the %zu-byte file",
				    i, (unsigned long long)fsz,
				    (unsigned long long)off, len);
		if ((flags & 1) && !img->has_text_va) {	/* PF_X */
			img->text_va = va;
			img->has_text_va = true;
		}
		if (!fsz || img->nr_seg >= KIMG_MAX_SEGS)
			continue;
		img->seg[img->nr_seg].va = va;
		img->seg[img->nr_seg].off = off;
		img->seg[img->nr_seg].size = fsz;
		img->nr_seg++;
	}

	if (!shnum || shoff > len || shent < (e64 ? 64U : 40U) ||
	    (u64)shnum * shent > len - shoff)
		shnum = 0;
	for (i = 0; i < shnum; i++) {
		const u8 *s = d + shoff + (u64)i * shent;
		const u8 *l;
		u64 soff, ssz, loff, lsz;

		type = (unsigned int)ksym_get_uint(s + 4, 4, be);
		/* no program headers (a relocatable file): alloc sections */
		if (!phnum && type != 8 &&
		    (ksym_get_uint(s + 8, e64 ? 8 : 4, be) & 2) && img->nr_seg < KIMG_MAX_SEGS) {
			va = e64 ? ksym_get_uint(s + 16, 8, be) : ksym_get_uint(s + 12, 4, be);
			soff = e64 ? ksym_get_uint(s + 24, 8, be) : ksym_get_uint(s + 16, 4, be);
			ssz = e64 ? ksym_get_uint(s + 32, 8, be) : ksym_get_uint(s + 20, 4, be);
			if (soff <= len && ssz <= len - soff && ssz) {
				img->seg[img->nr_seg].va = va;
				img->seg[img->nr_seg].off = soff;
				img->seg[img->nr_seg].size = ssz;
				img->nr_seg++;
			}
		}
		if (type != 2 || img->symtab)	/* SHT_SYMTAB */
			continue;
		soff = e64 ? ksym_get_uint(s + 24, 8, be) : ksym_get_uint(s + 16, 4, be);
		ssz = e64 ? ksym_get_uint(s + 32, 8, be) : ksym_get_uint(s + 20, 4, be);
		link = (unsigned int)ksym_get_uint(s + (e64 ? 40 : 24), 4, be);
		if (soff > len || ssz > len - soff || link >= shnum)
			continue;
		l = d + shoff + (u64)link * shent;
		loff = e64 ? ksym_get_uint(l + 24, 8, be) : ksym_get_uint(l + 16, 4, be);
		lsz = e64 ? ksym_get_uint(l + 32, 8, be) : ksym_get_uint(l + 20, 4, be);
		if (loff > len || lsz > len - loff || !lsz || d[loff + lsz - 1])
			continue;
		img->symtab = d + soff;
		img->sym_count = ssz / (e64 ? 24 : 16);
		img->strtab = (const char *)d + loff;
		img->strtab_size = lsz;
	}
	if (!img->nr_seg)
		return fail(why, wl, "ELF file has no loadable segment with file bytes");
	return 0;
}

bool kimage_sym(const struct kimage *img, const char *name, u64 *va)
{
	bool e64 = img->ptr_size == 8, be = img->big_endian;
	size_t i, esz = e64 ? 24 : 16, nl = strlen(name);
	u64 st_name;

	for (i = 0; img->symtab && i < img->sym_count; i++) {
		const u8 *s = img->symtab + i * esz;

		st_name = ksym_get_uint(s, 4, be);
		if (st_name >= img->strtab_size ||
		    nl >= img->strtab_size - st_name ||
		    memcmp(img->strtab + st_name, name, nl + 1))
			continue;
		*va = e64 ? ksym_get_uint(s + 8, 8, be) : ksym_get_uint(s + 4, 4, be);
		return true;
	}
	return false;
}

/* ---- the containers ---- */

void kimage_set_base(struct kimage *img, u64 base)
{
	img->nr_seg = 1;
	img->seg[0].va = base;
	img->seg[0].off = 0;
	img->seg[0].size = img->size;
}

static void arm64_open(struct kimage *img)
{
	const u8 *d = img->data;

	/* flags bit 0: big-endian kernel; the header itself is LE */
	img->kind = KIMG_ARM64;
	img->machine = KIMG_EM_AARCH64;
	img->ptr_size = 8;
	img->big_endian = ksym_get_uint(d + 48, 8, false) & 1;
	img->endian_known = true;
	img->image_size = ksym_get_uint(d + 16, 8, false);
	add_how(img, img->big_endian ? "arm64 Image (BE)" : "arm64 Image");
	kimage_set_base(img, 0);
}

int kimage_open(struct kimage *img, const u8 *buf, size_t len,
		size_t max_out, char *why, size_t wl)
{
	const struct codec *c;
	unsigned int depth;
	int ret;

	memset(img, 0, sizeof(*img));
	img->data = buf;
	img->size = len;
	for (depth = 0; depth <= KIMG_MAX_LAYERS; depth++) {
		const u8 *d = img->data;
		size_t n = img->size;

		if (n >= 16 && !memcmp(d, "\177ELF", 4))
			return elf_open(img, why, wl);
		if (n >= 64 && !memcmp(d + 56, "ARM\x64", 4)) {
			arm64_open(img);
			return 0;
		}
		/* x86 boot protocol >= 2.08: payload_offset, payload_length */
		if (n >= 0x250 && !memcmp(d + 0x202, "HdrS", 4) &&
		    ksym_get_uint(d + 0x206, 2, false) >= 0x208) {
			u64 off = ((u64)(d[0x1f1] ? d[0x1f1] : 4) + 1) * 512 +
				  ksym_get_uint(d + 0x248, 4, false);
			u64 plen = ksym_get_uint(d + 0x24c, 4, false);

			if (off > n || plen > n - off)
				return fail(why, wl,
					"bzImage payload (0x%llx bytes at 0x%llx) is outside the %zu-byte file",
					    (unsigned long long)plen,
					    (unsigned long long)off, n);
			add_how(img, "bzImage");
			c = codec_at(d + off, plen);
			if (!c)
				return fail(why, wl,
					"bzImage payload at 0x%llx: unknown compression %02x %02x %02x %02x",
					    (unsigned long long)off,
					    plen > 0 ? d[off] : 0, plen > 1 ? d[off + 1] : 0,
					    plen > 2 ? d[off + 2] : 0, plen > 3 ? d[off + 3] : 0);
			ret = unpack(img, c, d + off, plen, max_out, why, wl);
			if (ret)
				return ret;
			continue;
		}
		/* EFI zboot: "MZ", "zimg", payload offset and size */
		if (n >= 0x40 && !memcmp(d, "MZ", 2) && !memcmp(d + 4, "zimg", 4)) {
			u64 off = ksym_get_uint(d + 8, 4, false);
			u64 plen = ksym_get_uint(d + 12, 4, false);

			c = off <= n && plen <= n - off ?
			    codec_at(d + off, plen) : NULL;
			if (!c)
				return fail(why, wl,
					"EFI zboot payload at 0x%llx is outside the file or of unknown compression",
					    (unsigned long long)off);
			add_how(img, "EFI zboot");
			ret = unpack(img, c, d + off, plen, max_out, why, wl);
			if (ret)
				return ret;
			continue;
		}
		c = codec_at(d, n);
		if (c) {
			ret = unpack(img, c, d, n, max_out, why, wl);
			if (ret && !c->weak)
				return ret;
			if (!ret)
				continue;
		}
		break;
	}
	img->kind = KIMG_RAW;
	add_how(img, "raw");
	kimage_set_base(img, 0);
	return 0;
}

void kimage_close(struct kimage *img)
{
	while (img->nr_owned)
		free(img->owned[--img->nr_owned]);
}

const u8 *kimage_at(const struct kimage *img, u64 va, size_t size)
{
	unsigned int i;

	for (i = 0; i < img->nr_seg; i++) {
		const struct kimg_seg *s = &img->seg[i];

		if (va >= s->va && va - s->va <= s->size &&
		    size <= s->size - (va - s->va))
			return img->data + s->off + (va - s->va);
	}
	return NULL;
}

size_t kimage_offset(const struct kimage *img, u64 va)
{
	const u8 *p = kimage_at(img, va, 0);

	return p ? (size_t)(p - img->data) : (size_t)-1;
}
