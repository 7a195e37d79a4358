/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decompressing one layer of a kernel image: the codec a stream's magic
 * names, and its output, bounded in size.
 */
#ifndef KSYMDUMP_UNPACK_H
#define KSYMDUMP_UNPACK_H

#include "../decoder.h"

struct outbuf {
	u8 *p;
	size_t len, cap, max;
	size_t hint;	/* the unpacked size, when a container says; 0 unknown */
	bool in_file;	/* the input is a read-only file mapping */
	size_t dropped;	/* bytes of its pages out of the resident set */
	const char *how;	/* the codec's name, or how it was decoded */
};

/*
 * Room for up to @want more bytes at the end of @o (less near its limit):
 * 0, -ENOMEM, or -EFBIG once the output is at its limit.  The buffer may
 * move; offsets into it stay.
 */
int kd_out_room(struct outbuf *o, size_t want);

/* Room for all of @n more bytes: as kd_out_room(), -EFBIG if not all fit. */
int kd_out_exact(struct outbuf *o, size_t n);

/*
 * The whole pages of @len bytes at @p, which lie in a read-only private
 * file mapping, out of the resident set; read again, they come back from
 * the file.
 */
void kd_drop_pages(const void *p, size_t len);

/* Done with @in up to @pos: out of the resident set, if it is a file's. */
void kd_consumed(struct outbuf *o, const u8 *in, size_t pos);

/*
 * xz.c: one .xz stream of @len bytes at @in appended to @o, the output
 * its own dictionary.  0; -ENOMEM; -EFBIG at @o's limit; -EOPNOTSUPP for
 * a stream it does not decode (filters other than LZMA2 behind at most
 * an x86 or ARM branch filter, a check other than CRC32 or CRC64);
 * -EINVAL for one it finds corrupt.  The last two leave @o's contents
 * undefined: liblzma decodes the stream then.
 */
int kd_unxz(const u8 *in, size_t len, struct outbuf *o);

struct codec {
	const char *name;
	u8 magic[6];
	u8 mlen;
	bool weak;	/* a magic raw data may start with: fall back to raw */
	int (*fn)(const u8 *in, size_t len, struct outbuf *o);
	const char *too_big;	/* what its -E2BIG means: "asks for ..." */
};

/* The codec whose magic @p starts with, or NULL. */
const struct codec *codec_at(const u8 *p, size_t len);

/*
 * The codec of a stream that may start at @p inside other data: a strong
 * magic only, with the header bytes after it plausible (gzip's method and
 * flags, bzip2's block magic, zstd's frame descriptor), or NULL.
 */
const struct codec *codec_inside(const u8 *p, size_t len);

/*
 * The memory a decompressor's own state may take (liblzma's memlimit; a
 * zstd window of 2^27 bytes, which the kernel's "zstd -22 --ultra" uses at
 * most): the kernel's xz and lzma dictionaries are 32 and 64 MiB.
 */
#define KD_DECODER_MEM_MIB	256
#define KD_DECODER_MEM		((u64)KD_DECODER_MEM_MIB << 20)
#define KD_ZSTD_WINDOW_LOG	27

/*
 * A zstd stream of unknown size is unpacked into one buffer of the whole
 * output limit, when that is at most this much address space.
 */
#define KD_LAZY_OUT_MAX		((size_t)1 << 30)

/*
 * Decompress @len bytes at @in with @c into a new buffer of at most @max
 * bytes (the caller frees *@out).  Returns 0, -ENOMEM, -EFBIG (over @max),
 * -E2BIG (the stream asks for more decoder memory than KD_DECODER_MEM) or
 * another negative errno for corrupt or truncated data.  @hint, when not
 * 0, is the unpacked size a container states (the kernel appends it to
 * every bzImage payload but gzip's): the buffer is allocated at that size
 * once, and zstd then unpacks into it directly, without a window buffer
 * of its own.  A wrong hint costs memory, never correctness.  @in_file
 * says that @in lies in a read-only private file mapping: the pages
 * consumed then leave the resident set as the stream goes (madvise
 * MADV_DONTNEED; a page read again comes back from the file), so that the
 * peak is the output and not the output and the input.  *@how is set to
 * the codec's name, or says how the layer was decoded when that differs
 * ("xz (liblzma)").
 */
int codec_unpack(const struct codec *c, const u8 *in, size_t len, size_t max,
		 size_t hint, bool in_file, u8 **out, size_t *out_len,
		 const char **how);

#endif /* KSYMDUMP_UNPACK_H */
