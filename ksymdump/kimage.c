// SPDX-License-Identifier: GPL-2.0
/*
 * The containers a kernel image comes in: ELF, x86 bzImage, EFI zboot, a
 * compressed stream (unpack.c), an arm64 Image, raw bytes.  Every header
 * field is bounds-checked before it is used: the input may be anything.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "kimage.h"
#include "unpack.h"

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

/*
 * Unpack the @len bytes at @in (inside the current layer) with @c: the
 * output may take what @lim leaves beside the layer it comes from, and
 * grow at most max_ratio times; then that layer is freed.
 */
static int unpack(struct kimage *img, const struct codec *c, const u8 *in,
		  size_t len, size_t hint, const struct kimg_limits *lim,
		  char *why, size_t wl)
{
	size_t held = (img->owned ? img->size : 0) + img->held_outer;
	size_t by_size, by_ratio, max;
	const char *how;
	size_t out_len;
	u8 *out;
	int ret;

	if (img->layers >= KIMG_MAX_LAYERS)
		return fail(why, wl, "more than %d nested layers",
			    KIMG_MAX_LAYERS);
	by_size = lim->max_size > held ? lim->max_size - held : 0;
	by_ratio = len > SIZE_MAX / lim->max_ratio ? SIZE_MAX :
		   len * lim->max_ratio;
	max = by_size < by_ratio ? by_size : by_ratio;
	ret = codec_unpack(c, in, len, max, hint, img->in_file && !img->owned,
			   &out, &out_len, &how);
	if (ret == -ENOMEM)
		return ret;
	if (ret == -EFBIG && by_ratio < by_size) {
		fail(why, wl,
		     "limit: %s data of %zu bytes unpacks to more than %u times that (%zu bytes; --max-ratio)",
		     c->name, len, lim->max_ratio, by_ratio);
		return -EFBIG;
	}
	if (ret == -EFBIG) {
		fail(why, wl,
		     "limit: %s data of %zu bytes unpacks to more than the %zu bytes that --max-size leaves it beside its %zu-byte outer layer",
		     c->name, len, by_size, held);
		return -EFBIG;
	}
	if (ret == -E2BIG) {
		fail(why, wl, "limit: %s data asks for %s", c->name, c->too_big);
		return -EFBIG;
	}
	if (ret)
		return fail(why, wl, "%s data does not decompress (corrupt or truncated)",
			    c->name);
	if (!out_len) {
		/* a well-formed stream of nothing: no layer to read */
		free(out);
		return fail(why, wl, "%s data decompresses to 0 bytes",
			    c->name);
	}
	free(img->owned);
	img->owned = out;
	img->layers++;
	img->data = out;
	img->size = out_len;
	add_how(img, how);
	return 0;
}

/* ---- ELF ---- */

/*
 * Field @f of the ELF structure @type (Ehdr, Phdr, Shdr, Sym) at @p, read
 * in the file's class and byte order: <elf.h>'s own layouts.
 */
#define ELF_FIELD(p, e64, be, type, f)					\
	ksym_get_uint((p) + ((e64) ? offsetof(Elf64_##type, f) :	\
				     offsetof(Elf32_##type, f)),	\
		      (e64) ? sizeof(((Elf64_##type *)0)->f) :		\
			      sizeof(((Elf32_##type *)0)->f), (be))
#define ELF_SIZE(e64, type)	((e64) ? sizeof(Elf64_##type) : sizeof(Elf32_##type))

/*
 * The notes of a PT_NOTE segment (@len bytes at @p): keep the text of
 * VMCOREINFO, which kdump's vmcore, QEMU's dump-guest-memory (with
 * -device vmcoreinfo) and /proc/kcore carry.  Core notes have 4-byte
 * words and alignment in both classes.
 */
static void elf_notes(struct kimage *img, const u8 *p, u64 len, bool be)
{
	u64 pos = 0, namesz, descsz, name_at, desc_at;

	while (len - pos >= 12) {
		namesz = ksym_get_uint(p + pos, 4, be);
		descsz = ksym_get_uint(p + pos + 4, 4, be);
		name_at = pos + 12;
		if (namesz > len - name_at)
			return;
		desc_at = name_at + ((namesz + 3) & ~3ULL);
		if (desc_at > len || descsz > len - desc_at)
			return;
		if (namesz == sizeof("VMCOREINFO") &&
		    !memcmp(p + name_at, "VMCOREINFO", namesz) &&
		    !img->vmcoreinfo) {
			img->vmcoreinfo = (const char *)p + desc_at;
			img->vmcoreinfo_len = descsz;
		}
		pos = desc_at + ((descsz + 3) & ~3ULL);
		if (pos > len)
			return;
	}
}

/* The lowest and highest SYMBOL(kallsyms_*) in [@va, @va + @size). */
static bool note_span(const struct kimage *img, u64 va, u64 size, u64 *lo,
		      u64 *hi)
{
	char key[48];
	unsigned int k;
	bool any = false;
	u64 v;

	for (k = 0; k < KSYM_NR_ARRAYS; k++) {
		snprintf(key, sizeof(key), "SYMBOL(%s)", ksym_array_name(k));
		if (!kimage_vmcoreinfo(img, key, true, &v) || v < va ||
		    v - va >= size)
			continue;
		if (!any || v < *lo)
			*lo = v;
		if (!any || v > *hi)
			*hi = v;
		any = true;
	}
	return any;
}

/*
 * A core's PT_LOADs give no virtual address, only physical ones (QEMU's
 * dump-guest-memory without paging writes p_vaddr = p_paddr; arm64's
 * always), and it has some.
 */
static bool core_physical(const u8 *ph, unsigned int phnum,
			  unsigned int phent, bool e64, bool be)
{
	unsigned int i, n = 0;
	u64 va;

	for (i = 0; i < phnum; i++) {
		const u8 *p = ph + (size_t)i * phent;

		if (ELF_FIELD(p, e64, be, Phdr, p_type) != PT_LOAD ||
		    !ELF_FIELD(p, e64, be, Phdr, p_filesz))
			continue;
		va = ELF_FIELD(p, e64, be, Phdr, p_vaddr);
		if (va && va != ELF_FIELD(p, e64, be, Phdr, p_paddr))
			return false;
		n++;
	}
	return n;
}

static int elf_open(struct kimage *img, char *why, size_t wl)
{
	const u8 *d = img->data;
	size_t len = img->size;
	bool be, e64;
	u64 phoff, shoff, off, fsz, va, lo, hi;
	unsigned int phnum, phent, shnum, shent, i, type, flags, link, pass;
	char what[64];

	if (len < sizeof(Elf32_Ehdr) ||
	    (d[EI_CLASS] != ELFCLASS32 && d[EI_CLASS] != ELFCLASS64) ||
	    (d[EI_DATA] != ELFDATA2LSB && d[EI_DATA] != ELFDATA2MSB))
		return fail(why, wl, "ELF header: class %u, data %u",
			    len > EI_DATA ? d[EI_CLASS] : 0,
			    len > EI_DATA ? d[EI_DATA] : 0);
	e64 = d[EI_CLASS] == ELFCLASS64;
	be = d[EI_DATA] == ELFDATA2MSB;
	if (len < ELF_SIZE(e64, Ehdr))
		return fail(why, wl, "ELF header truncated at %zu bytes", len);
	img->kind = KIMG_ELF;
	img->big_endian = be;
	img->endian_known = true;
	img->ptr_size = e64 ? 8 : 4;
	img->machine = (u16)ELF_FIELD(d, e64, be, Ehdr, e_machine);
	img->core = ELF_FIELD(d, e64, be, Ehdr, e_type) == ET_CORE;
	phoff = ELF_FIELD(d, e64, be, Ehdr, e_phoff);
	shoff = ELF_FIELD(d, e64, be, Ehdr, e_shoff);
	phent = (unsigned int)ELF_FIELD(d, e64, be, Ehdr, e_phentsize);
	phnum = (unsigned int)ELF_FIELD(d, e64, be, Ehdr, e_phnum);
	shent = (unsigned int)ELF_FIELD(d, e64, be, Ehdr, e_shentsize);
	shnum = (unsigned int)ELF_FIELD(d, e64, be, Ehdr, e_shnum);
	/* over 65534 program headers: the count is section 0's sh_info */
	if (phnum == PN_XNUM && shoff <= len &&
	    len - shoff >= ELF_SIZE(e64, Shdr))
		phnum = (unsigned int)ELF_FIELD(d + shoff, e64, be, Shdr, sh_info);
	snprintf(what, sizeof(what), "ELF%d %s machine %u%s", e64 ? 64 : 32,
		 be ? "BE" : "LE", img->machine, img->core ? " core" : "");
	add_how(img, what);

	if (phnum && (phent < ELF_SIZE(e64, Phdr) || phoff > len ||
		      (u64)phnum * phent > len - phoff))
		return fail(why, wl,
			"ELF program headers at 0x%llx (%u x %u) are outside the %zu-byte file",
			    (unsigned long long)phoff, phnum, phent, len);
	for (i = 0; i < phnum && img->core; i++) {
		const u8 *p = d + phoff + (u64)i * phent;

		if (ELF_FIELD(p, e64, be, Phdr, p_type) != PT_NOTE)
			continue;
		off = ELF_FIELD(p, e64, be, Phdr, p_offset);
		fsz = ELF_FIELD(p, e64, be, Phdr, p_filesz);
		if (off <= len && fsz <= len - off)
			elf_notes(img, d + off, fsz, be);
	}
	/*
	 * A core may have more PT_LOADs than segments are kept (one for each
	 * mapping of a paging dump): the ones that hold the arrays its
	 * VMCOREINFO names go first.
	 */
	for (pass = img->vmcoreinfo ? 0 : 1; pass < 2; pass++) {
		for (i = 0; i < phnum; i++) {
			const u8 *p = d + phoff + (u64)i * phent;

			if (ELF_FIELD(p, e64, be, Phdr, p_type) != PT_LOAD)
				continue;
			flags = (unsigned int)ELF_FIELD(p, e64, be, Phdr, p_flags);
			off = ELF_FIELD(p, e64, be, Phdr, p_offset);
			va = ELF_FIELD(p, e64, be, Phdr, p_vaddr);
			fsz = ELF_FIELD(p, e64, be, Phdr, p_filesz);
			if (off > len || fsz > len - off)
				return fail(why, wl,
					"PT_LOAD %u: 0x%llx bytes at 0x%llx are outside the %zu-byte file",
					    i, (unsigned long long)fsz,
					    (unsigned long long)off, len);
			/* a core's flags say nothing of where _text is */
			if ((flags & PF_X) && !img->has_text_va && !img->core) {
				img->text_va = va;
				img->has_text_va = true;
			}
			if (!fsz)
				continue;
			if (img->vmcoreinfo &&
			    note_span(img, va, fsz, &lo, &hi) == !!pass)
				continue;
			img->core_loads += img->core;
			if (img->nr_seg >= KIMG_MAX_SEGS)
				continue;
			img->seg[img->nr_seg].va = va;
			img->seg[img->nr_seg].off = off;
			img->seg[img->nr_seg].size = fsz;
			img->nr_seg++;
		}
	}

	if (!shnum || shoff > len || shent < ELF_SIZE(e64, Shdr) ||
	    (u64)shnum * shent > len - shoff)
		shnum = 0;
	for (i = 0; i < shnum; i++) {
		const u8 *s = d + shoff + (u64)i * shent;
		const u8 *l;
		u64 soff, ssz, loff, lsz;

		type = (unsigned int)ELF_FIELD(s, e64, be, Shdr, sh_type);
		soff = ELF_FIELD(s, e64, be, Shdr, sh_offset);
		ssz = ELF_FIELD(s, e64, be, Shdr, sh_size);
		/* no program headers (a relocatable file): alloc sections */
		if (!phnum && type != SHT_NOBITS &&
		    (ELF_FIELD(s, e64, be, Shdr, sh_flags) & SHF_ALLOC) &&
		    img->nr_seg < KIMG_MAX_SEGS) {
			va = ELF_FIELD(s, e64, be, Shdr, sh_addr);
			if (soff <= len && ssz <= len - soff && ssz) {
				img->seg[img->nr_seg].va = va;
				img->seg[img->nr_seg].off = soff;
				img->seg[img->nr_seg].size = ssz;
				img->nr_seg++;
			}
		}
		if (type != SHT_SYMTAB || img->symtab)
			continue;
		link = (unsigned int)ELF_FIELD(s, e64, be, Shdr, sh_link);
		if (soff > len || ssz > len - soff || link >= shnum)
			continue;
		l = d + shoff + (u64)link * shent;
		loff = ELF_FIELD(l, e64, be, Shdr, sh_offset);
		lsz = ELF_FIELD(l, e64, be, Shdr, sh_size);
		if (loff > len || lsz > len - loff || !lsz || d[loff + lsz - 1])
			continue;
		img->symtab = d + soff;
		img->sym_count = ssz / ELF_SIZE(e64, Sym);
		img->strtab = (const char *)d + loff;
		img->strtab_size = lsz;
	}
	if (!img->nr_seg)
		return fail(why, wl, "ELF file has no loadable segment with file bytes");
	/*
	 * A core with neither a note nor virtual addresses is raw memory in
	 * ranges: scanned like a raw dump, its addresses from the kernel's
	 * VMCOREINFO text in that memory
	 */
	if (img->core && !img->vmcoreinfo &&
	    core_physical(d + phoff, phnum, phent, e64, be)) {
		img->kind = KIMG_RAW;
		img->phys_ranges = true;
		add_how(img, "physical memory");
	}
	return 0;
}

/* ---- an ELF core, read in parts ---- */

#define CORE_META_MAX	((u64)32 << 20)	/* program headers; notes */
#define CORE_WINDOW	((u64)64 << 20)	/* kept either side of the arrays */
#define CORE_PAGE	4096ULL

static int pread_all(int fd, u8 *p, u64 len, u64 off)
{
	ssize_t n;

	while (len) {
		n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ENODATA;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

#define CORE_MIN_RUN	((u64)1 << 20)	/* a kernel image's run, at least */

struct core_part {
	u64 va, off, size;
};

/*
 * The index of the smallest PT_LOAD that holds all of [@lo, @hi] (at
 * p_paddr + @delta when @phys), or -1.
 */
static int core_tightest(const u8 *ph, unsigned int phnum, unsigned int phent,
			 bool e64, bool be, bool phys, u64 delta, u64 lo, u64 hi)
{
	unsigned int i;
	u64 v, sz, best = 0;
	int at = -1;

	for (i = 0; i < phnum; i++) {
		const u8 *p = ph + (size_t)i * phent;

		if (ELF_FIELD(p, e64, be, Phdr, p_type) != PT_LOAD)
			continue;
		v = phys ? ELF_FIELD(p, e64, be, Phdr, p_paddr) + delta :
			   ELF_FIELD(p, e64, be, Phdr, p_vaddr);
		sz = ELF_FIELD(p, e64, be, Phdr, p_filesz);
		if (lo >= v && hi >= lo && hi - v < sz && (at < 0 || sz < best)) {
			at = (int)i;
			best = sz;
		}
	}
	return at;
}

/*
 * Virtual less physical address of the kernel image, from the note:
 * arm64's NUMBER(kimage_voffset); x86_64's image is mapped at
 * __START_KERNEL_map (0xffffffff80000000) + its physical address less
 * NUMBER(phys_base).
 */
#define X86_64_START_KERNEL_MAP	0xffffffff80000000ULL

static bool image_delta(const struct kimage *img, const u8 *eh, bool e64,
			bool be, u64 *delta)
{
	u16 m = (u16)ELF_FIELD(eh, e64, be, Ehdr, e_machine);
	u64 v;

	if (m == KIMG_EM_AARCH64 &&
	    kimage_vmcoreinfo(img, "NUMBER(kimage_voffset)", false, &v)) {
		*delta = v;
		return true;
	}
	if (m == KIMG_EM_X86_64 &&
	    kimage_vmcoreinfo(img, "NUMBER(phys_base)", false, &v)) {
		*delta = X86_64_START_KERNEL_MAP - v;
		return true;
	}
	return false;
}

static int part_va_desc(const void *x, const void *y)
{
	u64 a = ((const struct core_part *)x)->va;
	u64 b = ((const struct core_part *)y)->va;

	return a < b ? 1 : a > b ? -1 : 0;
}

int kimage_load_core(struct kimage *img, int fd, u64 fsize,
		     const struct kimg_limits *lim, char *why, size_t wl)
{
	struct core_part part[KIMG_MAX_SEGS], *all = NULL;
	u8 eh[sizeof(Elf64_Ehdr)], *ph = NULL, *notes = NULL, *buf;
	unsigned int phnum, phent, i, np = 0, na = 0, skipped;
	u64 phoff, off, fsz, va, nlen = 0, total = 0, all_bytes = 0, lo, hi, s, e;
	bool be, e64, sym_note, partial = false, phys = false;
	u64 delta = 0;
	int tight = -1;
	char what[160];
	int ret;

	memset(img, 0, sizeof(*img));
	if (fsize < sizeof(Elf32_Ehdr) || pread_all(fd, eh, sizeof(Elf32_Ehdr), 0) ||
	    memcmp(eh, "\177ELF", 4) ||
	    (eh[EI_CLASS] != ELFCLASS32 && eh[EI_CLASS] != ELFCLASS64) ||
	    (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB))
		return 1;
	e64 = eh[EI_CLASS] == ELFCLASS64;
	be = eh[EI_DATA] == ELFDATA2MSB;
	if (e64 && (fsize < sizeof(Elf64_Ehdr) ||
		    pread_all(fd, eh, sizeof(Elf64_Ehdr), 0)))
		return 1;
	if (ELF_FIELD(eh, e64, be, Ehdr, e_type) != ET_CORE)
		return 1;
	phoff = ELF_FIELD(eh, e64, be, Ehdr, e_phoff);
	phent = (unsigned int)ELF_FIELD(eh, e64, be, Ehdr, e_phentsize);
	phnum = (unsigned int)ELF_FIELD(eh, e64, be, Ehdr, e_phnum);
	if (phnum == PN_XNUM) {
		/* more than 65534 (a paging dump): the count is section 0's sh_info */
		u8 sh[sizeof(Elf64_Shdr)];
		u64 shoff = ELF_FIELD(eh, e64, be, Ehdr, e_shoff);

		if (shoff > fsize || fsize - shoff < ELF_SIZE(e64, Shdr) ||
		    pread_all(fd, sh, ELF_SIZE(e64, Shdr), shoff))
			return fail(why, wl,
				"ELF core: e_phnum is PN_XNUM, but there is no section 0 to hold the count");
		phnum = (unsigned int)ELF_FIELD(sh, e64, be, Shdr, sh_info);
	}
	if (phent < ELF_SIZE(e64, Phdr) || (u64)phnum * phent > CORE_META_MAX ||
	    phoff > fsize || (u64)phnum * phent > fsize - phoff)
		return fail(why, wl,
			"ELF core program headers at 0x%llx (%u x %u) are outside the %llu-byte file",
			    (unsigned long long)phoff, phnum, phent,
			    (unsigned long long)fsize);
	ph = malloc((size_t)phnum * phent + 1);
	if (!ph)
		return -ENOMEM;
	ret = pread_all(fd, ph, (u64)phnum * phent, phoff);
	if (ret)
		goto read_failed;

	/* the notes first: VMCOREINFO says which parts to read */
	for (i = 0; i < phnum; i++) {
		const u8 *p = ph + (size_t)i * phent;

		if (ELF_FIELD(p, e64, be, Phdr, p_type) != PT_NOTE)
			continue;
		fsz = ELF_FIELD(p, e64, be, Phdr, p_filesz);
		nlen += fsz;
		if (nlen > CORE_META_MAX) {
			free(ph);
			return fail(why, wl, "ELF core notes of over %llu bytes",
				    (unsigned long long)CORE_META_MAX);
		}
	}
	notes = malloc(nlen + 1);
	if (!notes) {
		free(ph);
		return -ENOMEM;
	}
	for (i = 0, nlen = 0; i < phnum; i++) {
		const u8 *p = ph + (size_t)i * phent;

		if (ELF_FIELD(p, e64, be, Phdr, p_type) != PT_NOTE)
			continue;
		off = ELF_FIELD(p, e64, be, Phdr, p_offset);
		fsz = ELF_FIELD(p, e64, be, Phdr, p_filesz);
		if (off > fsize || fsz > fsize - off)
			continue;
		ret = pread_all(fd, notes + nlen, fsz, off);
		if (ret)
			goto read_failed;
		elf_notes(img, notes + nlen, fsz, be);
		nlen += fsz;
	}

	/*
	 * No note and no virtual address: raw memory in ranges, mapped whole
	 * and scanned in parts like a raw file (elf_open())
	 */
	if (!img->vmcoreinfo && core_physical(ph, phnum, phent, e64, be)) {
		ret = 1;
		goto out;
	}
	/*
	 * With kallsyms_* named, the parts of the segments that hold them,
	 * CORE_WINDOW either side; without, every segment, within --max-size.
	 */
	sym_note = note_span(img, 0, ~0ULL, &lo, &hi);
	all = malloc((size_t)phnum * sizeof(*all) + 1);
	if (!all) {
		ret = -ENOMEM;
		goto out;
	}
	/*
	 * No segment has the arrays' virtual addresses (QEMU's dumps without
	 * paging, and arm64's always, give physical ones): the note's own
	 * numbers map the kernel image to physical memory.
	 */
	if (sym_note && core_tightest(ph, phnum, phent, e64, be, false, 0, lo, lo) < 0 &&
	    image_delta(img, eh, e64, be, &delta))
		phys = true;
	/*
	 * Of the segments that hold all the arrays, only the smallest: the
	 * kernel image's own (/proc/kcore's KCORE_TEXT, not arm64's vmalloc
	 * segment around it, whose reads of what is mapped there can oops
	 * the kernel: Debian's 6.12 arm64 hits usercopy_abort() in
	 * vread_iter()).
	 */
	if (sym_note)
		tight = core_tightest(ph, phnum, phent, e64, be, phys, delta,
				      lo, hi);
	for (i = 0; i < phnum; i++) {
		const u8 *p = ph + (size_t)i * phent;

		if (ELF_FIELD(p, e64, be, Phdr, p_type) != PT_LOAD)
			continue;
		off = ELF_FIELD(p, e64, be, Phdr, p_offset);
		va = phys ? ELF_FIELD(p, e64, be, Phdr, p_paddr) + delta :
			    ELF_FIELD(p, e64, be, Phdr, p_vaddr);
		fsz = ELF_FIELD(p, e64, be, Phdr, p_filesz);
		if (!fsz)
			continue;
		img->core_loads++;
		if (off > fsize || fsz > fsize - off) {
			ret = fail(why, wl,
				   "ELF core PT_LOAD %u: 0x%llx bytes at 0x%llx are outside the %llu-byte file (truncated?)",
				   i, (unsigned long long)fsz,
				   (unsigned long long)off,
				   (unsigned long long)fsize);
			goto out;
		}
		s = 0;
		e = fsz;
		if (sym_note) {
			if ((tight >= 0 && i != (unsigned int)tight) ||
			    !note_span(img, va, fsz, &lo, &hi))
				continue;
			s = lo - va > CORE_WINDOW ? (lo - va - CORE_WINDOW) & ~(CORE_PAGE - 1) : 0;
			e = fsz - (hi - va) > CORE_WINDOW ? hi - va + CORE_WINDOW : fsz;
		}
		all[na].va = va + s;
		all[na].off = off + s;
		all[na].size = e - s;
		all_bytes += e - s;
		na++;
	}
	if (!na) {
		if (sym_note)
			ret = fail(why, wl,
				   "ELF core: no PT_LOAD holds the kallsyms_* addresses its VMCOREINFO names (a dump with physical addresses only?)");
		else
			ret = fail(why, wl,
				   "ELF core with no loadable segment that has file bytes");
		goto out;
	}
	/*
	 * Nothing names the table and the segments exceed what may be held:
	 * the kernel's image is mapped above the direct map (x86_64 in the
	 * top 2 GiB, arm64 in the vmalloc area), in one run of contiguous
	 * pages, so the highest-addressed segments of CORE_MIN_RUN or more
	 * go first.
	 */
	if (!sym_note && (na > KIMG_MAX_SEGS || all_bytes > lim->max_size)) {
		qsort(all, na, sizeof(*all), part_va_desc);
		partial = true;
	}
	for (i = 0; i < na && np < KIMG_MAX_SEGS; i++) {
		if (partial && (all[i].size < CORE_MIN_RUN ||
				all[i].size > lim->max_size - total))
			continue;
		part[np++] = all[i];
		total += all[i].size;
	}
	skipped = na - np;
	if (total > lim->max_size || !np) {
		snprintf(why, wl,
			 "limit: the ELF core's %u segments hold %llu bytes, more than --max-size (%zu), and %s",
			 na, (unsigned long long)all_bytes, lim->max_size,
			 sym_note ? "its VMCOREINFO names the table there" :
			 img->vmcoreinfo ? "its VMCOREINFO names no kallsyms_* array (before 6.0)" :
			 "it has no VMCOREINFO note to say which part holds the table");
		ret = -EFBIG;
		goto out;
	}
	buf = malloc(nlen + total + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(buf, notes, nlen);
	if (img->vmcoreinfo)
		img->vmcoreinfo = (const char *)buf +
				  ((const u8 *)img->vmcoreinfo - notes);
	img->owned = buf;
	img->data = buf;
	img->size = nlen + total;
	for (i = 0, off = nlen; i < np; i++) {
		ret = pread_all(fd, buf + off, part[i].size, part[i].off);
		if (ret)
			goto read_failed;
		img->seg[i].va = part[i].va;
		img->seg[i].off = off;
		img->seg[i].size = part[i].size;
		off += part[i].size;
	}
	img->nr_seg = np;
	img->kind = KIMG_ELF;
	img->core = true;
	img->big_endian = be;
	img->endian_known = true;
	img->ptr_size = e64 ? 8 : 4;
	img->machine = (u16)ELF_FIELD(eh, e64, be, Ehdr, e_machine);
	img->core_read = total + nlen;
	snprintf(what, sizeof(what),
		 "ELF%d %s machine %u core, read in parts (%u of its %u segments%s)",
		 e64 ? 64 : 32, be ? "BE" : "LE", img->machine, np,
		 img->core_loads,
		 phys ? ", where VMCOREINFO names kallsyms_*, at physical addresses it maps" :
		 sym_note ? ", where VMCOREINFO names kallsyms_*" :
		 partial ? ", the highest-addressed runs of 1 MiB or more" : "");
	img->core_partial = partial;
	img->core_skipped = skipped;
	add_how(img, what);
	ret = 0;
	goto out;

read_failed:
	ret = fail(why, wl, "reading the ELF core: %s",
		   ret == -ENODATA ? "it ends early (truncated)" : strerror(-ret));
out:
	free(ph);
	free(notes);
	free(all);
	if (ret)
		kimage_close(img);
	return ret;
}

/* ---- kdump-compressed (diskdump) files, read in parts ---- */

/*
 * The format makedumpfile writes by default and QEMU's dump-guest-memory
 * -z/-l/-s: a disk_dump_header ("KDUMP   "), a kdump_sub_header (its
 * phys_base, and where the VMCOREINFO text is), two bitmaps of page
 * frames (present, then dumped), then a 24-byte page descriptor for each
 * dumped frame in order (offset, size, flags, page flags) and the pages,
 * each compressed on its own.  Only the 64-bit layout is read: fields at
 * the offsets of makedumpfile's and QEMU's 64-bit structures.
 */
#define DD_BLOCK_SIZE	428	/* disk_dump_header, 64-bit */
#define DD_SUB_HDR_SIZE	432
#define DD_BITMAP_BLOCKS 436
#define DD_MAX_MAPNR	440
#define DD_VERSION	8
#define DD_MACHINE	(12 + 4 * 65)	/* utsname.machine */
#define DD_SUB_PHYS_BASE 0		/* kdump_sub_header, 64-bit */
#define DD_SUB_VMCOREINFO 32
#define DD_SUB_MAX_MAPNR 96		/* header_version 6 and later */
#define DD_DESC_SIZE	24
#define DD_ZLIB		0x01
#define DD_LZO		0x02
#define DD_SNAPPY	0x04
#define DD_ZSTD		0x20
#define DD_BITMAP_MAX	((u64)64 << 20)

struct flat_rec {
	u64 off, size, at;	/* @size bytes of the dump at @off are at @at */
};

struct diskdump {
	int fd;
	u64 fsize, block, nr_pfn, desc_off;
	bool be;
	u8 *dumped;	/* the second bitmap */
	u8 *cbuf;	/* one compressed page */
	/* makedumpfile's flattened format (QEMU writes it): the records */
	struct flat_rec *rec;
	size_t nr_rec;
};

/*
 * The flattened format, for a dump written to a pipe: a 4 KiB header
 * ("makedumpfile", type 1, version 1, big-endian), then records of a
 * big-endian offset and size and that many bytes of the dump file, in
 * any order, until an offset of -1.
 */
#define FLAT_HDR	4096
#define FLAT_MAX_RECS	16777216U

static int flat_cmp(const void *x, const void *y)
{
	const struct flat_rec *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

static int flat_index(struct diskdump *dd, char *why, size_t wl)
{
	u64 pos = FLAT_HDR, off, size;
	size_t cap = 0;
	u8 h[16];
	void *n;

	while (pos <= dd->fsize - sizeof(h)) {
		if (pread_all(dd->fd, h, sizeof(h), pos))
			break;
		off = ksym_get_uint(h, 8, true);
		size = ksym_get_uint(h + 8, 8, true);
		if (off == ~0ULL)
			break;
		pos += sizeof(h);
		if (size > dd->fsize - pos || off > ~0ULL - size)
			return fail(why, wl,
				    "flattened dump: record at 0x%llx claims %llu bytes, past the file's end",
				    (unsigned long long)(pos - sizeof(h)),
				    (unsigned long long)size);
		if (dd->nr_rec == cap) {
			if (cap >= FLAT_MAX_RECS)
				return fail(why, wl, "flattened dump: more than %u records",
					    FLAT_MAX_RECS);
			cap = cap ? 2 * cap : 1024;
			n = realloc(dd->rec, cap * sizeof(*dd->rec));
			if (!n)
				return -ENOMEM;
			dd->rec = n;
		}
		dd->rec[dd->nr_rec].off = off;
		dd->rec[dd->nr_rec].size = size;
		dd->rec[dd->nr_rec++].at = pos;
		pos += size;
	}
	qsort(dd->rec, dd->nr_rec, sizeof(*dd->rec), flat_cmp);
	return 0;
}

/*
 * @len bytes at offset @off of the dump file: of the file itself, or put
 * together from the flattened records (a byte no record holds reads 0).
 */
static int dd_read(struct diskdump *dd, u8 *p, u64 len, u64 off)
{
	size_t lo = 0, hi = dd->nr_rec, m;
	u64 n;
	int ret;

	if (!dd->rec)
		return pread_all(dd->fd, p, len, off);
	memset(p, 0, len);
	/* the first record that ends past @off */
	while (lo < hi) {
		m = (lo + hi) / 2;
		if (dd->rec[m].off + dd->rec[m].size <= off)
			lo = m + 1;
		else
			hi = m;
	}
	for (; lo < dd->nr_rec && len && dd->rec[lo].off < off + len; lo++) {
		const struct flat_rec *r = &dd->rec[lo];
		u64 s = off > r->off ? off - r->off : 0;
		u64 d = r->off > off ? r->off - off : 0;

		if (s >= r->size)
			continue;
		n = r->size - s < len - d ? r->size - s : len - d;
		ret = pread_all(dd->fd, p + d, n, r->at + s);
		if (ret)
			return ret;
	}
	return 0;
}

static bool dd_dumped(const struct diskdump *dd, u64 pfn)
{
	return dd->dumped[pfn >> 3] & (1 << (pfn & 7));
}

/* Page frame @pfn into @out (block bytes): zeros if it was not dumped. */
static int dd_page(struct diskdump *dd, u64 pfn, u64 index, u8 *out,
		   char *why, size_t wl)
{
	u8 desc[DD_DESC_SIZE];
	u64 off, size, flags;
	size_t got = dd->block;
	int ret;

	if (!dd_dumped(dd, pfn)) {
		memset(out, 0, dd->block);
		return 0;
	}
	ret = dd_read(dd, desc, sizeof(desc),
		      dd->desc_off + index * DD_DESC_SIZE);
	if (ret)
		return fail(why, wl, "kdump-compressed: page descriptor %llu of frame 0x%llx: %s",
			    (unsigned long long)index, (unsigned long long)pfn,
			    ret == -ENODATA ? "the file ends early" : strerror(-ret));
	off = ksym_get_uint(desc, 8, dd->be);
	size = ksym_get_uint(desc + 8, 4, dd->be);
	flags = ksym_get_uint(desc + 12, 4, dd->be);
	if (size > dd->block ||
	    (!dd->rec && (off > dd->fsize || size > dd->fsize - off)) ||
	    (!(flags & (DD_ZLIB | DD_LZO | DD_SNAPPY | DD_ZSTD)) &&
	     size != dd->block))
		return fail(why, wl,
			    "kdump-compressed: frame 0x%llx: %llu bytes at 0x%llx (flags 0x%llx) are not a page of this %llu-byte file",
			    (unsigned long long)pfn, (unsigned long long)size,
			    (unsigned long long)off, (unsigned long long)flags,
			    (unsigned long long)dd->fsize);
	ret = dd_read(dd, flags ? dd->cbuf : out, size, off);
	if (ret)
		return fail(why, wl, "kdump-compressed: reading frame 0x%llx: %s",
			    (unsigned long long)pfn, strerror(-ret));
	if (flags & DD_ZLIB) {
		uLongf n = dd->block;

		ret = uncompress(out, &n, dd->cbuf, size) != Z_OK;
		got = n;
	} else if (flags & DD_LZO) {
		lzo_uint n = dd->block;

		ret = lzo1x_decompress_safe(dd->cbuf, size, out, &n, NULL) != LZO_E_OK;
		got = n;
	} else if (flags & DD_ZSTD) {
		got = ZSTD_decompress(out, dd->block, dd->cbuf, size);
		ret = ZSTD_isError(got);
	} else if (flags & DD_SNAPPY) {
		return fail(why, wl,
			    "kdump-compressed: frame 0x%llx is snappy-compressed, which this build does not read",
			    (unsigned long long)pfn);
	}
	if (ret || got != dd->block)
		return fail(why, wl,
			    "kdump-compressed: frame 0x%llx (flags 0x%llx) does not decompress to one %llu-byte page",
			    (unsigned long long)pfn, (unsigned long long)flags,
			    (unsigned long long)dd->block);
	return 0;
}

int kimage_load_diskdump(struct kimage *img, int fd, u64 fsize,
			 const struct kimg_limits *lim, char *why, size_t wl)
{
	struct diskdump dd = { .fd = fd, .fsize = fsize };
	u8 hdr[512], sub[128], *buf = NULL, *text = NULL;
	u64 ver, sub_blocks, bm_blocks, bm_len, vi_off, vi_len, lo, hi;
	u64 delta, pa_lo, pa_hi, pfn, index = 0, i;
	char mach[66], what[256];
	bool flat = false;
	int ret;

	memset(img, 0, sizeof(*img));
	if (fsize < FLAT_HDR || pread_all(fd, hdr, sizeof(hdr), 0))
		return 1;
	if (!memcmp(hdr, "makedumpfile", 13) &&
	    ksym_get_uint(hdr + 16, 8, true) == 1) {
		ret = flat_index(&dd, why, wl);
		if (ret || dd_read(&dd, hdr, sizeof(hdr), 0)) {
			free(dd.rec);
			return ret ? ret : fail(why, wl, "flattened dump: unreadable");
		}
		flat = true;
	}
	if (memcmp(hdr, "KDUMP   ", 8)) {
		free(dd.rec);
		if (!flat)
			return 1;
		return fail(why, wl,
			    "flattened dump of something that is not kdump-compressed");
	}
	/* the header's byte order is the machine's: a version of 1..63 */
	ver = ksym_get_uint(hdr + DD_VERSION, 4, false);
	dd.be = !ver || ver > 63;
	ver = ksym_get_uint(hdr + DD_VERSION, 4, dd.be);
	dd.block = ksym_get_uint(hdr + DD_BLOCK_SIZE, 4, dd.be);
	sub_blocks = ksym_get_uint(hdr + DD_SUB_HDR_SIZE, 4, dd.be);
	bm_blocks = ksym_get_uint(hdr + DD_BITMAP_BLOCKS, 4, dd.be);
	dd.nr_pfn = ksym_get_uint(hdr + DD_MAX_MAPNR, 4, dd.be);
	memcpy(mach, hdr + DD_MACHINE, 65);
	mach[65] = 0;
	if (ver < 1 || ver > 63 || dd.block < 1024 || dd.block > (1 << 20) ||
	    (dd.block & (dd.block - 1)) || !sub_blocks || sub_blocks > 64 ||
	    bm_blocks < 2 || bm_blocks & 1 || bm_blocks * dd.block > 2 * DD_BITMAP_MAX) {
		ret = fail(why, wl,
			   "kdump-compressed header (64-bit layout): version %llu, block size %llu, %llu sub-header and %llu bitmap blocks are not a dump's",
			   (unsigned long long)ver, (unsigned long long)dd.block,
			   (unsigned long long)sub_blocks,
			   (unsigned long long)bm_blocks);
		goto out;
	}
	ret = dd_read(&dd, sub, sizeof(sub), dd.block);
	if (ret) {
		ret = fail(why, wl, "kdump-compressed: no sub-header (truncated)");
		goto out;
	}
	if (ver >= 6 && ksym_get_uint(sub + DD_SUB_MAX_MAPNR, 8, dd.be))
		dd.nr_pfn = ksym_get_uint(sub + DD_SUB_MAX_MAPNR, 8, dd.be);
	bm_len = bm_blocks * dd.block / 2;
	if (dd.nr_pfn > bm_len * 8) {
		ret = fail(why, wl,
			   "kdump-compressed: %llu page frames, more than its bitmaps' %llu bits",
			   (unsigned long long)dd.nr_pfn,
			   (unsigned long long)(bm_len * 8));
		goto out;
	}
	vi_off = ksym_get_uint(sub + DD_SUB_VMCOREINFO, 8, dd.be);
	vi_len = ksym_get_uint(sub + DD_SUB_VMCOREINFO + 8, 8, dd.be);
	dd.desc_off = (1 + sub_blocks + bm_blocks) * dd.block;
	if (!vi_len || vi_len > CORE_META_MAX || (!flat && vi_off > fsize) ||
	    (!flat && vi_len > fsize - vi_off)) {
		ret = fail(why, wl,
			   "kdump-compressed file without a VMCOREINFO text (%llu bytes at 0x%llx): no way to know which pages hold the table",
			   (unsigned long long)vi_len, (unsigned long long)vi_off);
		goto out;
	}
	text = malloc(vi_len + 1);
	dd.dumped = malloc(bm_len + 1);
	dd.cbuf = malloc(dd.block);
	ret = -ENOMEM;
	if (!text || !dd.dumped || !dd.cbuf)
		goto out;
	ret = dd_read(&dd, text, vi_len, vi_off);
	if (!ret)
		ret = dd_read(&dd, dd.dumped, bm_len,
			      (1 + sub_blocks) * dd.block + bm_len);
	if (ret) {
		ret = fail(why, wl, "kdump-compressed: reading its VMCOREINFO and bitmap: %s",
			   ret == -ENODATA ? "the file ends early" : strerror(-ret));
		goto out;
	}
	img->vmcoreinfo = (const char *)text;
	img->vmcoreinfo_len = vi_len;
	img->machine = !strcmp(mach, "x86_64") ? KIMG_EM_X86_64 :
		       !strcmp(mach, "aarch64") ? KIMG_EM_AARCH64 : 0;
	/* QEMU writes "Unknown": the note's own arch lines tell */
	if (!img->machine &&
	    kimage_vmcoreinfo(img, "NUMBER(kimage_voffset)", false, &delta))
		img->machine = KIMG_EM_AARCH64;
	if (!img->machine &&
	    kimage_vmcoreinfo(img, "SYMBOL(init_top_pgt)", true, &delta))
		img->machine = KIMG_EM_X86_64;
	if (!note_span(img, 0, ~0ULL, &lo, &hi)) {
		ret = fail(why, wl,
			   "kdump-compressed file whose VMCOREINFO names no kallsyms_* array (before 6.0): no way to know which pages hold the table");
		goto out;
	}
	if (img->machine == KIMG_EM_AARCH64 &&
	    kimage_vmcoreinfo(img, "NUMBER(kimage_voffset)", false, &delta)) {
		/* the image's virtual less physical address */
	} else if (img->machine == KIMG_EM_X86_64) {
		/* the kernel's own phys_base; the sub-header's is the writer's guess */
		if (!kimage_vmcoreinfo(img, "NUMBER(phys_base)", false, &delta))
			delta = ksym_get_uint(sub + DD_SUB_PHYS_BASE, 8, dd.be);
		delta = X86_64_START_KERNEL_MAP - delta;
	} else {
		ret = fail(why, wl,
			   "kdump-compressed dump of a %.16s machine: no rule maps its kernel image to physical memory",
			   mach);
		goto out;
	}
	/* the frames around the arrays, CORE_WINDOW either side */
	pa_lo = lo - delta > CORE_WINDOW ? lo - delta - CORE_WINDOW : 0;
	pa_hi = hi - delta + CORE_WINDOW;
	if (pa_hi / dd.block > dd.nr_pfn)
		pa_hi = dd.nr_pfn * dd.block;
	pa_lo &= ~(dd.block - 1);
	/* frames left out at either end read as zeros: not held */
	while (pa_lo < pa_hi && !dd_dumped(&dd, pa_lo / dd.block))
		pa_lo += dd.block;
	while (pa_hi > pa_lo && !dd_dumped(&dd, (pa_hi - 1) / dd.block))
		pa_hi = (pa_hi - 1) & ~(dd.block - 1);
	if (pa_lo >= pa_hi || pa_hi - pa_lo > lim->max_size) {
		ret = fail(why, wl,
			   "kdump-compressed: the arrays' frames (physical 0x%llx-0x%llx) are outside its %llu frames",
			   (unsigned long long)pa_lo, (unsigned long long)pa_hi,
			   (unsigned long long)dd.nr_pfn);
		goto out;
	}
	buf = malloc(vi_len + (pa_hi - pa_lo) + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(buf, text, vi_len);
	for (i = 0; i < pa_lo / dd.block; i++)
		index += dd_dumped(&dd, i);
	for (pfn = pa_lo / dd.block; pfn < pa_hi / dd.block; pfn++) {
		ret = dd_page(&dd, pfn, index,
			      buf + vi_len + (pfn * dd.block - pa_lo), why, wl);
		if (ret)
			goto out;
		index += dd_dumped(&dd, pfn);
		img->core_read += dd.block;
	}
	img->owned = buf;
	img->data = buf;
	img->size = vi_len + (pa_hi - pa_lo);
	img->vmcoreinfo = (const char *)buf;
	img->nr_seg = 1;
	img->seg[0].va = pa_lo + delta;
	img->seg[0].off = vi_len;
	img->seg[0].size = pa_hi - pa_lo;
	img->kind = KIMG_ELF;
	img->core = true;
	img->big_endian = dd.be;
	img->endian_known = true;
	img->ptr_size = 8;
	img->core_loads = 1;
	snprintf(what, sizeof(what),
		 "%skdump-compressed %.16s (header version %llu), read in parts: frames 0x%llx-0x%llx of %llu, where VMCOREINFO names kallsyms_*",
		 flat ? "flattened " : "",
		 img->machine == KIMG_EM_AARCH64 ? "aarch64" :
		 img->machine == KIMG_EM_X86_64 ? "x86_64" : mach,
		 (unsigned long long)ver,
		 (unsigned long long)(pa_lo / dd.block),
		 (unsigned long long)(pa_hi / dd.block),
		 (unsigned long long)dd.nr_pfn);
	add_how(img, what);
	buf = NULL;
	ret = 0;
out:
	free(dd.rec);
	free(text);
	free(dd.dumped);
	free(dd.cbuf);
	free(buf);
	if (ret) {
		img->vmcoreinfo = NULL;
		kimage_close(img);
	}
	return ret;
}

bool kimage_vmcoreinfo_str(const struct kimage *img, const char *key,
			   char *buf, size_t len)
{
	const char *p = img->vmcoreinfo, *end;
	size_t kl = strlen(key), n;

	if (!p)
		return false;
	end = p + img->vmcoreinfo_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *le = nl ? nl : end;

		if ((size_t)(le - p) > kl && !memcmp(p, key, kl) && p[kl] == '=') {
			n = le - p - kl - 1;
			if (!len || n >= len)
				return false;
			memcpy(buf, p + kl + 1, n);
			buf[n] = 0;
			return true;
		}
		p = nl ? nl + 1 : end;
	}
	return false;
}

bool kimage_vmcoreinfo(const struct kimage *img, const char *key, bool hex,
		       u64 *val)
{
	char buf[32], *e;

	if (!kimage_vmcoreinfo_str(img, key, buf, sizeof(buf)) || !buf[0])
		return false;
	errno = 0;
	/* SYMBOL() is hex without 0x; NUMBER() decimal, or 0x... (arm64) */
	*val = strtoull(buf, &e, hex ? 16 : 0);
	return !errno && !*e;
}

bool kimage_sym(const struct kimage *img, const char *name, u64 *va)
{
	bool e64 = img->ptr_size == 8, be = img->big_endian;
	size_t i, esz = ELF_SIZE(e64, Sym), nl = strlen(name);
	u64 st_name;

	for (i = 0; img->symtab && i < img->sym_count; i++) {
		const u8 *s = img->symtab + i * esz;

		st_name = ELF_FIELD(s, e64, be, Sym, st_name);
		if (st_name >= img->strtab_size ||
		    nl >= img->strtab_size - st_name ||
		    memcmp(img->strtab + st_name, name, nl + 1))
			continue;
		*va = ELF_FIELD(s, e64, be, Sym, st_value);
		return true;
	}
	return false;
}

/* ---- the containers ---- */

void kimage_set_base(struct kimage *img, u64 base)
{
	u64 shift = base - img->seg[0].va;
	unsigned int i;

	if (img->phys_ranges) {
		/* its ranges move together: the first begins at @base */
		for (i = 0; i < img->nr_seg; i++)
			img->seg[i].va += shift;
		return;
	}
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

/*
 * LiME's format (lime.ko, format=lime): ranges of physical memory, each
 * after a 32-byte header: magic "EMiL" (0x4c694d45 little-endian),
 * version 1, the first and the last address of the range (inclusive),
 * 8 reserved bytes.  Each range is a segment at its physical address;
 * the kernel's virtual addresses come from the data (locate.c).  Returns
 * false, and leaves @img alone, unless every header is well-formed and
 * every range lies in the file.
 */
#define LIME_MAGIC	0x4c694d45U
#define LIME_HDR	32

static bool lime_open(struct kimage *img)
{
	const u8 *d = img->data;
	size_t off = 0, n = 0;
	u64 start, last;

	while (off < img->size) {
		if (img->size - off < LIME_HDR ||
		    ksym_get_uint(d + off, 4, false) != LIME_MAGIC ||
		    ksym_get_uint(d + off + 4, 4, false) != 1 ||
		    n >= KIMG_MAX_SEGS)
			return false;
		start = ksym_get_uint(d + off + 8, 8, false);
		last = ksym_get_uint(d + off + 16, 8, false);
		off += LIME_HDR;
		if (last < start || last - start >= img->size - off)
			return false;
		img->seg[n].va = start;
		img->seg[n].off = off;
		img->seg[n++].size = last - start + 1;
		off += last - start + 1;
	}
	if (!n)
		return false;
	img->nr_seg = n;
	img->phys_ranges = true;
	add_how(img, "LiME");
	return true;
}

static int open_layers(struct kimage *img, const struct kimg_limits *lim,
		       char *why, size_t wl)
{
	const struct codec *c;
	unsigned int depth;
	int ret;

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
			/*
			 * The last 4 bytes are the unpacked size: the one
			 * the kernel appends, or gzip's own ISIZE.
			 */
			ret = unpack(img, c, d + off, plen,
				     plen >= 4 ?
				     ksym_get_uint(d + off + plen - 4, 4, false) : 0,
				     lim, why, wl);
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
			ret = unpack(img, c, d + off, plen, 0, lim, why, wl);
			if (ret)
				return ret;
			continue;
		}
		c = codec_at(d, n);
		if (c) {
			ret = unpack(img, c, d, n, 0, lim, why, wl);
			/* a weak magic that unpacks past a limit is real */
			if (ret && (!c->weak || ret != -EINVAL))
				return ret;
			if (!ret)
				continue;
		}
		break;
	}
	img->kind = KIMG_RAW;
	if (lime_open(img))
		return 0;
	add_how(img, "raw");
	kimage_set_base(img, 0);
	return 0;
}

int kimage_open(struct kimage *img, const u8 *buf, size_t len, bool in_file,
		const struct kimg_limits *lim, char *why, size_t wl)
{
	int ret;

	memset(img, 0, sizeof(*img));
	img->in_file = in_file;
	img->data = buf;
	img->size = len;
	ret = open_layers(img, lim, why, wl);
	if (ret)
		kimage_close(img);
	return ret;
}

void kimage_release(const struct kimage *img, const u8 *p, size_t len)
{
	if (img->in_file && !img->owned && p >= img->data &&
	    len <= img->size - (size_t)(p - img->data))
		kd_drop_pages(p, len);
}

void kimage_close(struct kimage *img)
{
	free(img->owned);
	img->owned = NULL;
}

unsigned int kimage_payloads(const struct kimage *img,
			     struct kimg_payload *p, unsigned int max)
{
	const u8 *d = img->data;
	unsigned int n = 0;
	size_t off;

	for (off = 1; off + 16 <= img->size && n < max; off++) {
		const struct codec *c = codec_inside(d + off, img->size - off);

		if (!c)
			continue;
		p[n].off = off;
		p[n++].c = c;
	}
	return n;
}

int kimage_open_payload(struct kimage *img, const struct kimage *outer,
			const struct kimg_payload *p,
			const struct kimg_limits *lim, char *why, size_t wl)
{
	char what[64];
	int ret;

	memset(img, 0, sizeof(*img));
	img->in_file = outer->in_file && !outer->owned;
	img->data = outer->data + p->off;
	img->size = outer->size - p->off;
	img->held_outer = (outer->owned ? outer->size : 0) + outer->held_outer;
	snprintf(img->how, sizeof(img->how), "%s", outer->how);
	snprintf(what, sizeof(what), "payload at 0x%zx", p->off);
	add_how(img, what);
	ret = unpack(img, p->c, img->data, img->size, 0, lim, why, wl);
	if (!ret)
		ret = open_layers(img, lim, why, wl);
	if (ret)
		kimage_close(img);
	return ret;
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
