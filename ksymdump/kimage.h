/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kernel image in memory, whatever it came as: an ELF vmlinux, an x86
 * bzImage, an EFI zboot image, a compressed file, an arm64 Image, or raw
 * bytes (a memory dump).  Compressed layers are unpacked with Debian's
 * libraries; what is left is a set of segments, each a run of file bytes
 * with the virtual address it is mapped at.
 */
#ifndef KSYMDUMP_KIMAGE_H
#define KSYMDUMP_KIMAGE_H

#include "../decoder.h"

#define KIMG_MAX_SEGS	64
#define KIMG_MAX_LAYERS	4

enum kimg_kind {
	KIMG_RAW,	/* no header: a dump, or objcopy -O binary */
	KIMG_ELF,	/* vmlinux, stripped or not */
	KIMG_ARM64,	/* arm64 Image: starts at _text */
};

struct kimg_seg {
	u64 va;
	size_t off;	/* in kimage.data */
	size_t size;
};

struct kimage {
	const u8 *data;		/* the innermost layer */
	size_t size;
	u8 *owned;		/* the innermost layer, when unpacked */
	bool in_file;		/* the outermost is a read-only file mapping */
	unsigned int layers;	/* layers unpacked */
	size_t held_outer;	/* bytes an outer image holds (a payload's) */
	char how[256];		/* "bzImage > zstd > ELF64 LE x86_64" */
	enum kimg_kind kind;
	bool big_endian;
	bool endian_known;
	unsigned int ptr_size;	/* 0: not known */
	u16 machine;		/* ELF e_machine, or EM_AARCH64 for an Image */
	struct kimg_seg seg[KIMG_MAX_SEGS];
	unsigned int nr_seg;
	/* ELF symbol table, if the file has one */
	const u8 *symtab;
	size_t sym_count;
	const char *strtab;
	size_t strtab_size;
	/* _text by the format (first executable PT_LOAD), when it says */
	u64 text_va;
	bool has_text_va;
	u64 image_size;		/* arm64 header: _end - _text; 0 unknown */
	/* an ELF core (vmcore, QEMU dump-guest-memory, /proc/kcore) */
	bool core;
	unsigned int core_loads;	/* its PT_LOADs with file bytes */
	const char *vmcoreinfo;	/* its VMCOREINFO note's text, or NULL */
	size_t vmcoreinfo_len;
	u64 core_read;		/* bytes kimage_load_core() read */
	bool core_partial;	/* it chose segments with no note to go by */
	unsigned int core_skipped;	/* segments it did not read */
	/*
	 * raw memory in ranges at their physical addresses (LiME's, a core's
	 * without virtual ones): they move together (kimage_set_base())
	 */
	bool phys_ranges;
	/*
	 * Raw memory: the kernel's VMCOREINFO text (vmcoreinfo_data, a page
	 * of its own) found in the data by the scan, and where; then
	 * vmcoreinfo points at it
	 */
	bool vmcoreinfo_in_memory;
	size_t vmcoreinfo_off;
};

#define KIMG_EM_386	3
#define KIMG_EM_X86_64	62
#define KIMG_EM_AARCH64	183

/*
 * What unpacking may cost: the bytes of unpacked layers held at once (a
 * layer and the one it unpacks from; each is freed once the next is out),
 * and how many times its input one layer may grow.  Debian's largest
 * kernel unpacks to under 100 MiB, 4 to 6 times its compressed size.
 */
struct kimg_limits {
	size_t max_size;
	unsigned int max_ratio;
};

#define KIMG_MAX_SIZE	((size_t)384 << 20)
#define KIMG_MAX_RATIO	64

/*
 * Unpack @buf (@len bytes, owned by the caller and kept alive) into @img
 * within @lim.  On failure returns -EINVAL (malformed), -EFBIG (a limit
 * of @lim, or the decoder memory of unpack.h, was reached) or -ENOMEM,
 * and writes why into @why.  @in_file: @buf is a read-only private
 * mapping of a file, whose pages a decompressor may drop from the
 * resident set as it consumes them (codec_unpack() in unpack.h).
 */
int kimage_open(struct kimage *img, const u8 *buf, size_t len, bool in_file,
		const struct kimg_limits *lim, char *why, size_t why_len);
void kimage_close(struct kimage *img);

/*
 * Done with @len bytes of @img's data at @p for now: when they are the
 * input file's own pages (no layer unpacked), out of the resident set
 * (they come back from the file if read again); otherwise nothing.  A
 * raw memory dump is gigabytes that the scan reads once.
 */
void kimage_release(const struct kimage *img, const u8 *p, size_t len);

/*
 * An ELF core in the file @fd (@size bytes; /proc/kcore says 128 TiB), read
 * in parts with pread(): its headers, its notes, and of its segments the
 * part around the kallsyms_* arrays its VMCOREINFO note names (64 MiB
 * either side), or, with no such note, every segment within @lim.
 * Returns 1 if the file is not an ELF core, or one with neither a note nor
 * virtual addresses (raw memory in ranges): read it whole; otherwise as
 * kimage_open().
 */
int kimage_load_core(struct kimage *img, int fd, u64 size,
		     const struct kimg_limits *lim, char *why, size_t why_len);

/*
 * A kdump-compressed (diskdump) file in @fd, as makedumpfile and QEMU's
 * dump-guest-memory -z/-l write it (64-bit layout): of its pages only the
 * frames around the kallsyms_* arrays its VMCOREINFO text names, mapped
 * to the kernel image's virtual addresses by kimage_voffset (arm64) or
 * phys_base (x86_64).  Returns 1 if the file is not one, otherwise as
 * kimage_open().
 */
int kimage_load_diskdump(struct kimage *img, int fd, u64 size,
			 const struct kimg_limits *lim, char *why,
			 size_t why_len);

/*
 * A compressed stream inside the innermost layer, at an offset no header
 * names: ARM's zImage and s390x's image are a decompressor followed by
 * one, MIPS and PowerPC wrap one in an ELF, Android's boot.img and
 * U-Boot's uImage put one after their header.
 */
struct codec;

struct kimg_payload {
	size_t off;
	const struct codec *c;
};

#define KIMG_MAX_PAYLOADS	16

/*
 * Up to @max streams with a strong magic in @img's innermost layer, at
 * offsets after 0, in file order; returns how many.
 */
unsigned int kimage_payloads(const struct kimage *img,
			     struct kimg_payload *p, unsigned int max);

/*
 * Open the stream @p of @outer (kept alive, its layer counted against
 * @lim) as an image of its own, its inner layers unpacked as
 * kimage_open() does.  Returns as kimage_open().
 */
int kimage_open_payload(struct kimage *img, const struct kimage *outer,
			const struct kimg_payload *p,
			const struct kimg_limits *lim, char *why,
			size_t why_len);

/* Treat the innermost layer as raw bytes mapped at @base (one segment). */
void kimage_set_base(struct kimage *img, u64 base);

/* @size bytes at @va inside one segment, or NULL. */
const u8 *kimage_at(const struct kimage *img, u64 va, size_t size);

/* Offset of @va in the innermost layer, or (size_t)-1. */
size_t kimage_offset(const struct kimage *img, u64 va);

/*
 * The value of "@key=" in @img's VMCOREINFO note ("KERNELOFFSET",
 * "SYMBOL(kallsyms_names)"), read as hex (@hex) or decimal; false if the
 * note or the key is missing or the value does not parse.
 */
bool kimage_vmcoreinfo(const struct kimage *img, const char *key, bool hex,
		       u64 *val);

/* The text of "@key=" (up to the line's end) into @buf; false if missing. */
bool kimage_vmcoreinfo_str(const struct kimage *img, const char *key,
			   char *buf, size_t len);

/* Value of ELF symbol @name; false if there is no symbol table or no such. */
bool kimage_sym(const struct kimage *img, const char *name, u64 *va);

#endif /* KSYMDUMP_KIMAGE_H */
