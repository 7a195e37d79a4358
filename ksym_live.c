// SPDX-License-Identifier: GPL-2.0
/*
 * Find the running kernel's kallsyms arrays, copy them, decode the copy with
 * decoder.c and cross-check every symbol against the kernel's own lookups.
 *
 * Memory that is not yet proven to hold the kernel's own arrays is read only
 * through copy_from_kernel_nofault(); nothing here ever writes to it.
 */
#define pr_fmt(fmt) "ksym_verify: " fmt

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ksym_live.h"
#include "scan.h"

static const char *const class_names[KSYM_NR_CLASSES] = {
	[KSYM_C_LOCATE]		= "locate",
	[KSYM_C_STRUCTURE]	= "structure",
	[KSYM_C_MODE]		= "mode",
	[KSYM_C_NAME_TO_ADDR]	= "name_to_addr",
	[KSYM_C_ADDR_TO_NAME]	= "addr_to_name",
	[KSYM_C_ORDER]		= "order",
	[KSYM_Q_PERCPU]		= "percpu_absolute",
	[KSYM_Q_OUTSIDE]	= "outside_ksym_addr",
	[KSYM_Q_LLVM]		= "llvm_suffix",
	[KSYM_Q_DOT]		= "dot_name",
	[KSYM_Q_BIG_TYPE]	= "big_symbol_type",
};

static const char *const array_names[KSYM_NR_ARRAYS] = {
	[KSYM_A_NUM_SYMS]	= "kallsyms_num_syms",
	[KSYM_A_NAMES]		= "kallsyms_names",
	[KSYM_A_MARKERS]	= "kallsyms_markers",
	[KSYM_A_TOKEN_TABLE]	= "kallsyms_token_table",
	[KSYM_A_TOKEN_INDEX]	= "kallsyms_token_index",
	[KSYM_A_OFFSETS]	= "kallsyms_offsets",
	[KSYM_A_ADDRESSES]	= "kallsyms_addresses",
	[KSYM_A_RELATIVE_BASE]	= "kallsyms_relative_base",
	[KSYM_A_SEQS]		= "kallsyms_seqs_of_names",
};

static const char *const path_names[KSYM_NR_PATHS] = {
	[KSYM_PATH_NAME]	= "name",
	[KSYM_PATH_VMCOREINFO]	= "vmcoreinfo",
	[KSYM_PATH_PARAMS]	= "params",
	[KSYM_PATH_SCAN]	= "scan",
};

const char *ksym_class_name(enum ksym_class cls)
{
	return (unsigned int)cls < KSYM_NR_CLASSES ? class_names[cls] : "?";
}

const char *ksym_array_name(enum ksym_array a)
{
	return (unsigned int)a < KSYM_NR_ARRAYS ? array_names[a] : "?";
}

const char *ksym_path_name(enum ksym_path p)
{
	return (unsigned int)p < KSYM_NR_PATHS ? path_names[p] : "?";
}

static __printf(7, 8)
void add_finding(struct ksym_live *lv, enum ksym_class cls, u32 index,
		 const char *name, u64 expected, u64 found,
		 const char *fmt, ...)
{
	struct ksym_mismatch *m;
	va_list ap;

	lv->counts[cls]++;
	if (cls >= KSYM_NR_FAIL_CLASSES || lv->nr_mm >= lv->max_mismatches ||
	    !lv->mm)
		return;
	m = &lv->mm[lv->nr_mm++];
	m->cls = cls;
	m->index = index;
	strscpy(m->name, name ? name : "", sizeof(m->name));
	m->expected = expected;
	m->found = found;
	va_start(ap, fmt);
	vsnprintf(m->detail, sizeof(m->detail), fmt, ap);
	va_end(ap);
}

/* ---- the kernel's own functions ---- */

static int find_kernel_funcs(struct ksym_live *lv)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;
	int ret;

	ret = register_kprobe(&kp);
	if (ret < 0) {
		pr_err("kprobe on kallsyms_lookup_name failed: %d\n", ret);
		return ret;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
#ifdef CONFIG_X86_KERNEL_IBT
	/* kprobes skip the ENDBR; an indirect call must land on it */
	{
		u32 insn;

		if (!copy_from_kernel_nofault(&insn, (void *)(addr - 4), 4) &&
		    insn == 0xfa1e0ff3)
			addr -= 4;
	}
#endif
	lv->lookup_name = (unsigned long (*)(const char *))addr;
	lv->on_each_symbol = (void *)lv->lookup_name("kallsyms_on_each_symbol");
	return 0;
}

/* ---- reading memory that is not proven yet ---- */

static bool rd(unsigned long addr, void *buf, size_t len)
{
	return addr && !copy_from_kernel_nofault(buf, (const void *)addr, len);
}

static bool rd_u32(unsigned long addr, u32 *v)
{
	return rd(addr, v, sizeof(*v));
}

static bool rd_long(unsigned long addr, unsigned long *v)
{
	return rd(addr, v, sizeof(*v));
}

/*
 * Walk @n records of kallsyms_names at @names without trusting it: return
 * its length, and the offset of record 256 (0 if n <= 256).
 */
static int walk_names(unsigned long names, u32 n, size_t *len, u32 *off256)
{
	size_t off = 0;
	u8 b[2];
	u32 i, l;

	*off256 = 0;
	for (i = 0; i < n; i++) {
		if (i == 256)
			*off256 = off;
		if (!rd(names + off, b, 2))
			return -EFAULT;
		l = b[0];
		if (l & 0x80) {
			l = (l & 0x7f) | (b[1] << 7);
			off += 2;
		} else {
			off += 1;
		}
		if (!l)
			return -EINVAL;
		off += l;
		if (!(i & 0xffff))
			cond_resched();
	}
	*len = off;
	return 0;
}

/* ---- path 1: by name ---- */

static void path_by_name(struct ksym_live *lv)
{
	struct ksym_path_result *p = &lv->path[KSYM_PATH_NAME];
	unsigned int a, found = 0;

	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		p->addr[a] = lv->lookup_name(array_names[a]);
		found += !!p->addr[a];
	}
	if (p->addr[KSYM_A_NAMES] && p->addr[KSYM_A_NUM_SYMS]) {
		snprintf(p->note, sizeof(p->note), "%u arrays in kallsyms", found);
		p->status = 0;
	} else {
		snprintf(p->note, sizeof(p->note),
			 "the arrays are not in kallsyms (KALLSYMS_ALL off, or before 6.10)");
		p->status = -ENOENT;
	}
}

/* ---- path 2: VMCOREINFO ---- */

/*
 * The VMCOREINFO text.  paddr_vmcoreinfo_note() is a function, so it is in
 * kallsyms even without KALLSYMS_ALL; the note it points at is an ELF note
 * whose descriptor is the text.  vmcoreinfo_data is the fallback.
 */
static char *read_vmcoreinfo(struct ksym_live *lv, const char **how)
{
	unsigned long fn = lv->lookup_name("paddr_vmcoreinfo_note");
	unsigned long pdata, psize, data = 0, size = 0;
	u32 nhdr[3];
	char *text;

	if (fn) {
		phys_addr_t pa = ((phys_addr_t (*)(void))fn)();
		unsigned long note = (unsigned long)phys_to_virt(pa);

		if (pa && rd(note, nhdr, sizeof(nhdr)) && nhdr[0] < 64) {
			data = note + sizeof(nhdr) + ALIGN(nhdr[0], 4);
			size = nhdr[1];
			*how = "the ELF note at paddr_vmcoreinfo_note()";
		}
	}
	if (!data) {
		pdata = lv->lookup_name("vmcoreinfo_data");
		psize = lv->lookup_name("vmcoreinfo_size");
		if (!pdata || !psize || !rd_long(pdata, &data) ||
		    !rd_long(psize, &size))
			return NULL;
		*how = "vmcoreinfo_data";
	}
	if (!data || !size)
		return NULL;
	size = min_t(unsigned long, size, 16 * PAGE_SIZE);
	text = kvzalloc(size + 1, GFP_KERNEL);
	if (text && !rd(data, text, size)) {
		kvfree(text);
		return NULL;
	}
	return text;
}

static void path_vmcoreinfo(struct ksym_live *lv)
{
	struct ksym_path_result *p = &lv->path[KSYM_PATH_VMCOREINFO];
	const char *how = "";
	char *text, *line, *next;
	unsigned int a, found = 0;
	unsigned long v;

	p->status = -ENOENT;
	text = read_vmcoreinfo(lv, &how);
	if (!text) {
		snprintf(p->note, sizeof(p->note), "no VMCOREINFO found");
		return;
	}
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* the KASLR offset, recorded for reading captures later */
		if (!strncmp(line, "KERNELOFFSET=", 13) &&
		    !kstrtoul(line + 13, 16, &v)) {
			lv->kaslr_offset = v;
			lv->has_kaslr_offset = true;
		}
		if (strncmp(line, "SYMBOL(", 7))
			continue;
		for (a = 0; a < KSYM_NR_ARRAYS; a++) {
			size_t l = strlen(array_names[a]);

			if (!strncmp(line + 7, array_names[a], l) &&
			    !strncmp(line + 7 + l, ")=", 2) &&
			    !kstrtoul(line + 9 + l, 16, &v)) {
				p->addr[a] = v;
				found++;
			}
		}
	}
	kvfree(text);
	if (p->addr[KSYM_A_NAMES] && p->addr[KSYM_A_NUM_SYMS]) {
		p->status = 0;
		snprintf(p->note, sizeof(p->note),
			 "%u SYMBOL(kallsyms_*) lines in %s (never markers or seqs)",
			 found, how);
	} else {
		snprintf(p->note, sizeof(p->note),
			 "no SYMBOL(kallsyms_*) lines in %s (before 6.0?)", how);
	}
}

/* ---- path 3: module parameters ---- */

static void path_params(struct ksym_live *lv)
{
	struct ksym_path_result *p = &lv->path[KSYM_PATH_PARAMS];
	const struct ksym_param_addrs *pa = lv->params;
	unsigned long shift = 0, text;
	unsigned int a, given = 0;

	p->status = -ENOENT;
	if (!pa) {
		snprintf(p->note, sizeof(p->note), "no parameters given");
		return;
	}
	for (a = 0; a < KSYM_NR_ARRAYS; a++)
		given += !!pa->addr[a];
	if (!given) {
		snprintf(p->note, sizeof(p->note), "no parameters given");
		return;
	}
	if (pa->sysmap_text) {
		text = lv->lookup_name("_text");
		shift = text - pa->sysmap_text;
	}
	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		u8 probe;

		if (!pa->addr[a])
			continue;
		p->addr[a] = pa->addr[a] + shift;
		if (!rd(p->addr[a], &probe, 1)) {
			pr_err("parameter %s_addr points at unreadable memory\n",
			       array_names[a] + 9);
			p->status = -EINVAL;
			snprintf(p->note, sizeof(p->note),
				 "%s_addr is not readable kernel memory",
				 array_names[a] + 9);
			memset(p->addr, 0, sizeof(p->addr));
			return;
		}
	}
	p->status = p->addr[KSYM_A_NAMES] && p->addr[KSYM_A_NUM_SYMS] ?
		    0 : -ENOENT;
	snprintf(p->note, sizeof(p->note), "%u addresses%s", given,
		 pa->sysmap_text ? ", shifted by the measured KASLR offset" :
				   "");
}

/* ---- path 4: landmark scan ---- */

#define KSYM_SCAN_HITS	64

static const enum ksym_array scan_map[KSYM_S_NR] = {
	[KSYM_S_NUM_SYMS] = KSYM_A_NUM_SYMS,
	[KSYM_S_NAMES] = KSYM_A_NAMES,
	[KSYM_S_MARKERS] = KSYM_A_MARKERS,
	[KSYM_S_TOKEN_TABLE] = KSYM_A_TOKEN_TABLE,
	[KSYM_S_TOKEN_INDEX] = KSYM_A_TOKEN_INDEX,
	[KSYM_S_OFFSETS] = KSYM_A_OFFSETS,
	[KSYM_S_RELATIVE_BASE] = KSYM_A_RELATIVE_BASE,
	[KSYM_S_SEQS] = KSYM_A_SEQS,
};

/* A view of @size bytes at @va inside the scanned copy, if it fits. */
static void scan_view(struct ksym_view *v, u64 va, size_t size,
		      const u8 *buf, unsigned long start, size_t len)
{
	if (!va || va < start || va - start > len || size > len - (va - start))
		return;
	v->data = buf + (va - start);
	v->size = size;
	v->va = va;
}

/* What this kernel's build fixes about the layout; the rest is proven. */
static void live_layout(struct ksym_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->mode = KSYM_ADDR_UNKNOWN;
	l->ptr_size = sizeof(long);
	l->big_endian = IS_ENABLED(CONFIG_CPU_BIG_ENDIAN);
	l->marker_size = 4;
	/* 73bbb94466fd brought 2-byte lengths together with KSYM_NAME_LEN 512 */
	l->len_enc = KSYM_NAME_LEN > 128 ? KSYM_LEN_ULEB2 : KSYM_LEN_1BYTE;
	l->name_len = min_t(unsigned int, KSYM_NAME_LEN, KSYM_NAME_MAX);
}

/* Does this candidate's table reproduce the live _stext and _etext? */
static bool scan_hit_proves(struct ksym_live *lv,
			    const struct ksym_scan_hit *h, const u8 *buf,
			    unsigned long start, size_t len)
{
	const u64 *va = h->va;
	struct ksym_layout l;
	struct ksym_tables t = { };
	struct ksym_proof proof;
	struct ksym_table *kt;
	u32 n = h->num_syms;
	bool ok = false;

	scan_view(&t.num_syms, va[KSYM_S_NUM_SYMS], 4, buf, start, len);
	scan_view(&t.names, va[KSYM_S_NAMES],
		  va[KSYM_S_MARKERS] - va[KSYM_S_NAMES], buf, start, len);
	scan_view(&t.markers, va[KSYM_S_MARKERS], 4 * DIV_ROUND_UP(n, 256),
		  buf, start, len);
	scan_view(&t.token_table, va[KSYM_S_TOKEN_TABLE],
		  va[KSYM_S_TOKEN_INDEX] - va[KSYM_S_TOKEN_TABLE], buf, start,
		  len);
	scan_view(&t.token_index, va[KSYM_S_TOKEN_INDEX], 512, buf, start, len);
	scan_view(&t.offsets, va[KSYM_S_OFFSETS], 4UL * n, buf, start, len);
	scan_view(&t.relative_base, va[KSYM_S_RELATIVE_BASE], sizeof(long),
		  buf, start, len);
	/* the decoder proves the mode by names and addresses, not by seqs */
	live_layout(&l);
	kt = kzalloc(sizeof(*kt), GFP_KERNEL);
	if (kt && !ksym_open(kt, &t, &l, NULL))
		ok = !ksym_prove_mode(kt, lv->anchors, 2, &proof, NULL);
	kfree(kt);
	return ok;
}

static void path_scan(struct ksym_live *lv)
{
	struct ksym_path_result *p = &lv->path[KSYM_PATH_SCAN];
	/* .rodata lies between the end of text and the init text */
	unsigned long start = lv->lookup_name("_etext");
	unsigned long end = lv->lookup_name("_sinittext");
	struct ksym_scan_hit *hits;
	unsigned int nh, a, h, proven = 0, chosen = 0;
	size_t len, off, chunk;
	u8 *buf;

	p->status = -ENOENT;
	if (!start || end <= start || end - start > SZ_512M) {
		snprintf(p->note, sizeof(p->note), "no [_etext, _sinittext) window");
		return;
	}
	len = end - start;
	buf = kvmalloc(len, GFP_KERNEL);
	hits = kcalloc(KSYM_SCAN_HITS, sizeof(*hits), GFP_KERNEL);
	if (!buf || !hits) {
		snprintf(p->note, sizeof(p->note), "no memory for %zu MiB", len >> 20);
		goto out;
	}
	/* unmapped holes read as zeros */
	for (off = 0; off < len; off += chunk) {
		chunk = min_t(size_t, len - off, SZ_64K);
		if (!rd(start + off, buf + off, chunk))
			memset(buf + off, 0, chunk);
		cond_resched();
	}
	nh = ksym_scan(buf, len, start, IS_ENABLED(CONFIG_CPU_BIG_ENDIAN),
		       sizeof(long), hits, KSYM_SCAN_HITS);
	if (!nh) {
		snprintf(p->note, sizeof(p->note),
			 "no candidate in %zu MiB after _etext", len >> 20);
		goto out;
	}
	/*
	 * Other kallsyms tables can sit in .rodata too (the KUnit fixtures
	 * do): keep the candidate whose table reproduces this kernel's
	 * _stext and _etext.
	 */
	for (h = 0; h < nh; h++) {
		if (scan_hit_proves(lv, &hits[h], buf, start, len)) {
			if (!proven++)
				chosen = h;
		}
	}
	if (!proven) {
		snprintf(p->note, sizeof(p->note),
			 "%u candidate(s), none reproduces _stext and _etext", nh);
		goto out;
	}
	for (a = 0; a < KSYM_S_NR; a++)
		p->addr[scan_map[a]] = hits[chosen].va[a];
	p->status = 0;
	snprintf(p->note, sizeof(p->note),
		 "%u candidate(s) in %zu MiB after _etext, %u proven by _stext/_etext; %s order",
		 nh, len >> 20, proven, hits[chosen].old_order ? "6.1-6.3" : "6.4+");
out:
	kfree(hits);
	kvfree(buf);
}

/* ---- putting the paths together ---- */

static int consolidate(struct ksym_live *lv)
{
	unsigned int a, pi, used = 0;

	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		for (pi = 0; pi < KSYM_NR_PATHS; pi++) {
			unsigned long v = lv->path[pi].addr[a];

			if (lv->path[pi].status || !v)
				continue;
			if (!lv->addr[a]) {
				lv->addr[a] = v;
				used |= 1U << pi;
			} else if (lv->addr[a] != v) {
				add_finding(lv, KSYM_C_LOCATE, a,
					    array_names[a], 0, 0,
					    "path %s disagrees with an earlier path",
					    path_names[pi]);
			}
		}
	}
	if (!lv->addr[KSYM_A_NAMES] || !lv->addr[KSYM_A_NUM_SYMS] ||
	    !lv->addr[KSYM_A_TOKEN_TABLE] || !lv->addr[KSYM_A_TOKEN_INDEX]) {
		add_finding(lv, KSYM_C_LOCATE, 0, "", 0, 0,
			    "no path found names, num_syms and the token arrays");
		return -ENOENT;
	}
	return 0;
}

/* Find the markers after names, by alignment, and prove the first two. */
static int derive_markers(struct ksym_live *lv, u32 n, size_t names_len,
			  u32 off256)
{
	static const unsigned int aligns[] = { sizeof(long), 4 };
	unsigned long m;
	unsigned int i;
	u32 m0, m1;

	if (lv->addr[KSYM_A_MARKERS]) {
		snprintf(lv->markers_how, sizeof(lv->markers_how),
			 "located by address");
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		m = ALIGN(lv->addr[KSYM_A_NAMES] + names_len, aligns[i]);
		if (!rd_u32(m, &m0) || m0)
			continue;
		if (n > 256 && (!rd_u32(m + 4, &m1) || m1 != off256))
			continue;
		lv->addr[KSYM_A_MARKERS] = m;
		lv->align = aligns[i];
		snprintf(lv->markers_how, sizeof(lv->markers_how),
			 "after names, %u-aligned; markers[0]=0, markers[1]=%u proven",
			 aligns[i], off256);
		return 0;
	}
	add_finding(lv, KSYM_C_LOCATE, 0, "kallsyms_markers", 0, 0,
		    "no aligned position after names starts with the walked offsets");
	return -ENOENT;
}

/* Candidate positions of seqs_of_names, by the layout orders of each era. */
static unsigned int seqs_candidates(struct ksym_live *lv, u32 n,
				    unsigned long *cand, const char **why)
{
	static const unsigned int aligns[] = { sizeof(long), 4 };
	unsigned long after[4];
	const char *what[4] = {
		"after markers (6.1-6.3 order)",
		"after relative_base (6.4-6.19 order)",
		"after offsets (7.0+ order)",
		"after addresses (absolute, 6.4+ order)",
	};
	unsigned int i, k, nc = 0;

	after[0] = lv->addr[KSYM_A_MARKERS] + 4 * DIV_ROUND_UP(n, 256);
	after[1] = lv->addr[KSYM_A_RELATIVE_BASE] ?
		   lv->addr[KSYM_A_RELATIVE_BASE] + sizeof(long) : 0;
	after[2] = lv->addr[KSYM_A_OFFSETS] ?
		   lv->addr[KSYM_A_OFFSETS] + 4UL * n : 0;
	after[3] = lv->addr[KSYM_A_ADDRESSES] ?
		   lv->addr[KSYM_A_ADDRESSES] + sizeof(long) * n : 0;
	for (i = 0; i < ARRAY_SIZE(after); i++) {
		for (k = 0; k < ARRAY_SIZE(aligns) && after[i]; k++) {
			unsigned long c = ALIGN(after[i], aligns[k]);
			u8 e[3];

			/* the first entry must be an index below n */
			if (!rd(c, e, 3) ||
			    ((e[0] << 16) | (e[1] << 8) | e[2]) >= n)
				continue;
			if (nc && cand[nc - 1] == c)
				continue;
			cand[nc] = c;
			why[nc++] = what[i];
		}
	}
	return nc;
}

static size_t token_table_size(struct ksym_live *lv)
{
	unsigned long tt = lv->addr[KSYM_A_TOKEN_TABLE];
	u16 idx[256];
	unsigned int i, last = 0;
	char c;

	if (!rd(lv->addr[KSYM_A_TOKEN_INDEX], idx, sizeof(idx)))
		return 0;
	for (i = 0; i < 256; i++)
		last = max_t(unsigned int, last, idx[i]);
	for (i = 0; i < KSYM_NAME_MAX; i++) {
		if (!rd(tt + last + i, &c, 1))
			return 0;
		if (!c)
			return last + i + 1;
	}
	return 0;
}

/* Copy every array into one buffer and point the decoder's views at it. */
static int snapshot(struct ksym_live *lv, u32 n, size_t names_len)
{
	size_t size[KSYM_NR_ARRAYS] = {
		[KSYM_A_NUM_SYMS]	= 4,
		[KSYM_A_NAMES]		= names_len,
		[KSYM_A_MARKERS]	= 4 * DIV_ROUND_UP(n, 256),
		[KSYM_A_TOKEN_TABLE]	= token_table_size(lv),
		[KSYM_A_TOKEN_INDEX]	= 512,
		[KSYM_A_OFFSETS]	= 4UL * n,
		[KSYM_A_ADDRESSES]	= sizeof(long) * n,
		[KSYM_A_RELATIVE_BASE]	= sizeof(long),
		[KSYM_A_SEQS]		= 3UL * n,
	};
	struct ksym_view *views[KSYM_NR_ARRAYS] = {
		&lv->t.num_syms, &lv->t.names, &lv->t.markers,
		&lv->t.token_table, &lv->t.token_index, &lv->t.offsets,
		&lv->t.addresses, &lv->t.relative_base, &lv->t.seqs,
	};
	size_t total = 0, pos = 0;
	unsigned int a;

	if (!size[KSYM_A_TOKEN_TABLE]) {
		add_finding(lv, KSYM_C_LOCATE, 0, "kallsyms_token_table", 0, 0,
			    "token table unreadable or unterminated");
		return -EINVAL;
	}
	for (a = 0; a < KSYM_NR_ARRAYS; a++)
		if (lv->addr[a])
			total += size[a];
	lv->snap = kvmalloc(total, GFP_KERNEL);
	if (!lv->snap)
		return -ENOMEM;
	lv->snap_size = total;
	memset(&lv->t, 0, sizeof(lv->t));
	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		if (!lv->addr[a])
			continue;
		if (!rd(lv->addr[a], lv->snap + pos, size[a])) {
			add_finding(lv, KSYM_C_LOCATE, a, array_names[a], 0, 0,
				    "%zu bytes unreadable", size[a]);
			return -EFAULT;
		}
		views[a]->data = lv->snap + pos;
		views[a]->size = size[a];
		views[a]->va = lv->addr[a];
		pos += size[a];
	}
	return 0;
}

/* The order the arrays sit in, as found. */
static void describe_order(struct ksym_live *lv)
{
	unsigned int a, b, best, done = 0, len = 0;

	lv->order[0] = '\0';
	for (;;) {
		best = KSYM_NR_ARRAYS;
		for (a = 0; a < KSYM_NR_ARRAYS; a++) {
			if (!lv->addr[a] || (done & (1U << a)))
				continue;
			if (best == KSYM_NR_ARRAYS || lv->addr[a] < lv->addr[best])
				best = a;
		}
		if (best == KSYM_NR_ARRAYS)
			break;
		done |= 1U << best;
		b = len ? 1 : 0;
		len += scnprintf(lv->order + len, sizeof(lv->order) - len,
				 "%s%s", b ? "," : "", array_names[best] + 9);
	}
}

/*
 * Test only: corrupt the copy, never the kernel.  "structure" swaps two
 * offsets (a structural failure); "name" rewrites one token of one record
 * so that a single symbol decodes to a different, well-formed name.
 */
static void corrupt_copy(struct ksym_live *lv)
{
	struct ksym_sym s;
	u32 i, off, o2;
	u8 *rec;

	if (!lv->corrupt || !*lv->corrupt)
		return;
	if (!strcmp(lv->corrupt, "structure") && lv->t.offsets.data) {
		u8 *p = (u8 *)lv->t.offsets.data;
		u32 a, b;

		i = lv->kt->n / 2;
		memcpy(&a, p + 4 * i, 4);
		memcpy(&b, p + 4 * (i + 40), 4);
		memcpy(p + 4 * i, &b, 4);
		memcpy(p + 4 * (i + 40), &a, 4);
		pr_warn("test: swapped offsets %u and %u of the copy\n", i,
			i + 40);
		return;
	}
	if (!strcmp(lv->corrupt, "name")) {
		/* the last token byte of a record in the middle */
		i = lv->kt->n / 2;
		off = 0;
		for (o2 = 0; o2 <= i; o2++)
			if (ksym_decode_at(lv->kt, o2, &off,
					   lv->kt->scratch[0], &s, NULL))
				return;
		rec = (u8 *)lv->t.names.data + off - 1;
		/* any other token with a non-empty string will do */
		for (o2 = 0; o2 < 256; o2++) {
			if (o2 != *rec && lv->kt->tok_len[o2] &&
			    isalpha(lv->t.token_table.data[lv->kt->tok_off[o2]])) {
				*rec = o2;
				break;
			}
		}
		pr_warn("test: rewrote the last token of record %u in the copy\n",
			i);
	}
}

static u64 ns_since(u64 t0)
{
	return ktime_get_ns() - t0;
}

static enum ksym_class class_of(const struct ksym_error *err)
{
	switch (err->code) {
	case KSYM_E_MODE_NONE:
	case KSYM_E_MODE_AMBIGUOUS:
	case KSYM_E_ANCHOR:
		return KSYM_C_MODE;
	default:
		return KSYM_C_STRUCTURE;
	}
}

/*
 * Copy, open, prove the mode and validate.  Where seqs_of_names sits and
 * which name key it is sorted by are not known in advance: each guess is
 * tried in turn, and only a guess the full validation accepts is kept.
 */
static int decode(struct ksym_live *lv, u32 n, size_t names_len)
{
	static const enum ksym_seqs_order orders[] = {
		KSYM_SEQS_EXACT, KSYM_SEQS_STRIP_LLVM, KSYM_SEQS_STRIP_DOT,
	};
	/* LTO_CLANG kernels of 6.2-6.10 sorted names without the suffix */
	unsigned int no = IS_ENABLED(CONFIG_LTO_CLANG) ? ARRAY_SIZE(orders) : 1;
	unsigned long cand[8];
	const char *why[8];
	unsigned int nc, c, o;
	int ret = -EINVAL;

	live_layout(&lv->l);

	if (lv->addr[KSYM_A_SEQS]) {
		nc = 1;
		cand[0] = lv->addr[KSYM_A_SEQS];
		why[0] = "located by address";
	} else {
		nc = seqs_candidates(lv, n, cand, why);
	}
	if (!nc) {
		nc = 1;
		cand[0] = 0;
		why[0] = "none found (before 6.2?)";
	}
	for (c = 0; c < nc; c++) {
		for (o = 0; o < no; o++) {
			lv->addr[KSYM_A_SEQS] = cand[c];
			lv->l.seqs_size = cand[c] ? 3 : 0;
			lv->l.seqs_order = orders[o];
			kvfree(lv->snap);
			lv->snap = NULL;
			ret = snapshot(lv, n, names_len);
			if (ret)
				return ret;
			lv->kt->rec_off = lv->rec_off;
			lv->kt->rec_off_cap = n;
			ret = ksym_open(lv->kt, &lv->t, &lv->l, &lv->err);
			if (!ret) {
				corrupt_copy(lv);
				ret = ksym_prove_mode(lv->kt, lv->anchors, 2,
						      &lv->proof, &lv->err);
			}
			if (!ret)
				ret = ksym_validate(lv->kt, &lv->err);
			if (!ret) {
				snprintf(lv->seqs_how, sizeof(lv->seqs_how),
					 "%s%s", why[c],
					 c || o ? ", after other guesses failed" : "");
				lv->decoded = true;
				ksym_stats(lv->kt, &lv->stats, NULL);
				return 0;
			}
			/* only a seqs error says the guess was wrong */
			if (strncmp(lv->err.check, "seqs.", 5))
				goto fail;
		}
	}
fail:
	/* the message (with values) is in the report as decoder_error */
	add_finding(lv, class_of(&lv->err), lv->err.index, lv->err.check,
		    lv->err.expected, lv->err.seen, "decoder check %s failed",
		    lv->err.check);
	return ret == -ENOMEM ? ret : -EINVAL;
}

/* ---- cross-checks ---- */

static void check_name_to_addr(struct ksym_live *lv)
{
	struct ksym_table *kt = lv->kt;
	char *buf = kt->scratch[0];
	struct ksym_sym s;
	u64 ours;
	u32 i, off = 0;
	unsigned long theirs;

	for (i = 0; i < kt->n; i++) {
		if (ksym_decode_at(kt, i, &off, buf, &s, NULL))
			break;
		if (s.name[0] == '.')
			lv->counts[KSYM_Q_DOT]++;
		if (strstr(s.name, ".llvm."))
			lv->counts[KSYM_Q_LLVM]++;
		if (s.comp_len > 0x7f)
			lv->counts[KSYM_Q_BIG_TYPE]++;
		theirs = lv->lookup_name(s.name);
		/* our own lookup clobbers scratch[1] only */
		if (ksym_lookup_name(kt, s.name, &ours, NULL, NULL))
			ours = ~0ULL;
		if (theirs != ours)
			add_finding(lv, KSYM_C_NAME_TO_ADDR, i, s.name, ours,
				    theirs,
				    "kallsyms_lookup_name() differs from the lowest decoded address");
		if (!(i & 1023))
			cond_resched();
	}
	lv->checked = i;
}

/* The kernel's is_ksym_addr(): where kallsyms_lookup() names an address. */
struct ksym_ranges {
	unsigned long stext, etext, sinit, einit, end;
};

static bool is_ksym(const struct ksym_ranges *r, u64 addr)
{
	if (IS_ENABLED(CONFIG_KALLSYMS_ALL))
		return addr >= r->stext && addr < r->end;
	return (addr >= r->stext && addr < r->etext) ||
	       (addr >= r->sinit && addr < r->einit);
}

/* get_symbol_pos(): where the last symbol ends, for the address asked */
static unsigned long kernel_end(const struct ksym_ranges *r, u64 addr)
{
	if (addr >= r->sinit && addr < r->einit)
		return r->einit;
	return IS_ENABLED(CONFIG_KALLSYMS_ALL) ? r->end : r->etext;
}

static void check_addr_to_name(struct ksym_live *lv)
{
	struct ksym_ranges r = {
		.stext = lv->lookup_name("_stext"),
		.etext = lv->lookup_name("_etext"),
		.sinit = lv->lookup_name("_sinittext"),
		.einit = lv->lookup_name("_einittext"),
		.end = lv->lookup_name("_end"),
	};
	struct ksym_table *kt = lv->kt;
	char *buf = kt->scratch[0], *plus;
	char out[KSYM_SYMBOL_LEN];
	unsigned long koff, ksize;
	u64 addr, prev = 0, ooff, osize;
	struct ksym_sym s;
	u32 i, off = 0, idx;

	for (i = 0; i < kt->n; i++) {
		if (ksym_decode_at(kt, i, &off, buf, &s, NULL) ||
		    ksym_address(kt, i, &addr, NULL))
			break;
		if (!(i & 1023))
			cond_resched();
		/* only the first alias at an address is what lookups name */
		if (i && addr == prev)
			continue;
		prev = addr;
		sprint_symbol(out, (unsigned long)addr);
		if (!strncmp(out, "0x", 2)) {
			if (kt->l.mode == KSYM_ADDR_ABS_PERCPU && s.type == 'A')
				lv->counts[KSYM_Q_PERCPU]++;
			else if (!is_ksym(&r, addr))
				lv->counts[KSYM_Q_OUTSIDE]++;
			else
				add_finding(lv, KSYM_C_ADDR_TO_NAME, i, s.name,
					    addr, 0,
					    "sprint_symbol() found no symbol");
			continue;
		}
		plus = strrchr(out, '+');
		if (!plus || sscanf(plus, "+%lx/%lx", &koff, &ksize) != 2) {
			add_finding(lv, KSYM_C_ADDR_TO_NAME, i, s.name, 0, 0,
				    "unparsable \"%.60s\"", out);
			continue;
		}
		*plus = '\0';
		if (ksym_lookup_addr(kt, addr, &idx, &ooff, &osize, NULL) ||
		    idx != i)
			osize = ~0ULL;
		else if (!osize)	/* the last address: get_symbol_pos()'s rule */
			osize = (unsigned long)(kernel_end(&r, addr) - addr);
		if (strcmp(out, s.name) || koff)
			add_finding(lv, KSYM_C_ADDR_TO_NAME, i, s.name, 0, koff,
				    "sprint_symbol() names \"%.48s\"+%lx", out,
				    koff);
		else if (osize != ksize)
			add_finding(lv, KSYM_C_ADDR_TO_NAME, i, s.name, osize,
				    ksize, "size differs");
	}
}

struct walk_ctx {
	struct ksym_live *lv;
	u32 index;
	u32 off;
	bool broken;
};

static int order_cb(struct walk_ctx *w, const char *name, unsigned long addr)
{
	struct ksym_live *lv = w->lv;
	struct ksym_sym s;
	u64 ours;

	if (w->index >= lv->kt->n || w->broken) {
		w->index++;
		return 0;
	}
	if (ksym_decode_at(lv->kt, w->index, &w->off, lv->kt->scratch[0], &s,
			   NULL) ||
	    ksym_address(lv->kt, w->index, &ours, NULL)) {
		w->broken = true;
	} else if (strcmp(s.name, name) || ours != addr) {
		add_finding(lv, KSYM_C_ORDER, w->index, name, ours, addr,
			    "kallsyms_on_each_symbol() gave \"%.40s\", decoded \"%.40s\"",
			    name, s.name);
	}
	w->index++;
	return 0;
}

static int walk_noop_cb(struct walk_ctx *w, const char *name,
			unsigned long addr)
{
	w->index++;
	return 0;
}

/*
 * The callback lost its struct module * argument in 6.3.  Pick the variant
 * that matches the prototype in this kernel's <linux/kallsyms.h>.
 */
static int order_cb_mod(void *data, const char *name, struct module *mod,
			unsigned long addr)
{
	return order_cb(data, name, addr);
}

static int noop_cb_mod(void *data, const char *name, struct module *mod,
		       unsigned long addr)
{
	return walk_noop_cb(data, name, addr);
}

static int order_cb_plain(void *data, const char *name, unsigned long addr)
{
	return order_cb(data, name, addr);
}

static int noop_cb_plain(void *data, const char *name, unsigned long addr)
{
	return walk_noop_cb(data, name, addr);
}

typedef int (*walk_mod_fn)(void *, const char *, struct module *,
			   unsigned long);
typedef int (*on_each_mod_fn)(walk_mod_fn, void *);

static void *pick_cb(void *mod_cb, void *plain_cb)
{
	return __same_type(&kallsyms_on_each_symbol, (on_each_mod_fn)NULL) ?
	       mod_cb : plain_cb;
}

static void check_order(struct ksym_live *lv)
{
	typeof(kallsyms_on_each_symbol) *on_each = lv->on_each_symbol;
	struct walk_ctx w = { .lv = lv };
	u64 t0;

	if (!on_each) {
		add_finding(lv, KSYM_C_ORDER, 0, "", 0, 0,
			    "kallsyms_on_each_symbol not found");
		return;
	}
	on_each(pick_cb(order_cb_mod, order_cb_plain), &w);
	lv->on_each_count = w.index;
	if (w.index != lv->kt->n)
		add_finding(lv, KSYM_C_ORDER, 0, "", lv->kt->n, w.index,
			    "kallsyms_on_each_symbol() visited %u symbols, num_syms is %u",
			    w.index, lv->kt->n);
	if (w.broken)
		add_finding(lv, KSYM_C_ORDER, 0, "", 0, 0,
			    "the copy stopped decoding during the walk");

	/* the kernel's own full traversal, for scale */
	memset(&w, 0, sizeof(w));
	t0 = ktime_get_ns();
	on_each(pick_cb(noop_cb_mod, noop_cb_plain), &w);
	lv->ns_kernel_walk = ns_since(t0);
}

/* ---- the run ---- */

int ksym_live_run(struct ksym_live *lv)
{
	unsigned int a;
	size_t names_len;
	u32 n = 0, off256;
	u64 t0;
	int ret;

	lv->mm = kcalloc(lv->max_mismatches, sizeof(*lv->mm), GFP_KERNEL);
	lv->kt = kzalloc(sizeof(*lv->kt), GFP_KERNEL);
	if (!lv->mm || !lv->kt)
		return -ENOMEM;
	ret = find_kernel_funcs(lv);
	if (ret)
		return ret;
	/* what the mode proof (and the scan's choice) must reproduce */
	lv->anchors[0].name = "_stext";
	lv->anchors[0].addr = lv->lookup_name("_stext");
	lv->anchors[1].name = "_etext";
	lv->anchors[1].addr = lv->lookup_name("_etext");

	t0 = ktime_get_ns();
	if (lv->paths & BIT(KSYM_PATH_NAME))
		path_by_name(lv);
	if (lv->paths & BIT(KSYM_PATH_VMCOREINFO))
		path_vmcoreinfo(lv);
	if (lv->paths & BIT(KSYM_PATH_PARAMS))
		path_params(lv);
	/* a wild parameter is the caller's error, not a finding */
	if (lv->path[KSYM_PATH_PARAMS].status == -EINVAL)
		return -EINVAL;
	if (lv->paths & BIT(KSYM_PATH_SCAN))
		path_scan(lv);
	for (a = 0; a < KSYM_NR_PATHS; a++)
		if (!(lv->paths & BIT(a))) {
			lv->path[a].status = -ENOENT;
			snprintf(lv->path[a].note, sizeof(lv->path[a].note),
				 "not used (paths=)");
		}
	ret = consolidate(lv);
	if (!ret && (!rd_u32(lv->addr[KSYM_A_NUM_SYMS], &n) || !n)) {
		add_finding(lv, KSYM_C_LOCATE, 0, "kallsyms_num_syms", 0, n,
			    "unreadable or zero");
		ret = -EINVAL;
	}
	if (!ret) {
		ret = walk_names(lv->addr[KSYM_A_NAMES], n, &names_len, &off256);
		if (ret)
			add_finding(lv, KSYM_C_LOCATE, 0, "kallsyms_names", 0, 0,
				    "walking %u records failed: %d", n, ret);
	}
	if (!ret)
		ret = derive_markers(lv, n, names_len, off256);
	lv->ns_locate = ns_since(t0);
	if (ret)
		return 0;	/* the findings say why */

	lv->rec_off = kvcalloc(n, sizeof(u32), GFP_KERNEL);
	if (!lv->rec_off)
		return -ENOMEM;

	t0 = ktime_get_ns();
	ret = decode(lv, n, names_len);
	lv->ns_decode = ns_since(t0);
	describe_order(lv);
	/* num_syms (4 bytes) sits right before names, padded to the alignment */
	if (!lv->align && lv->addr[KSYM_A_NAMES] > lv->addr[KSYM_A_NUM_SYMS])
		lv->align = lv->addr[KSYM_A_NAMES] - lv->addr[KSYM_A_NUM_SYMS];
	if (ret)
		return ret == -ENOMEM ? ret : 0;

	t0 = ktime_get_ns();
	check_name_to_addr(lv);
	lv->ns_name = ns_since(t0);
	t0 = ktime_get_ns();
	check_addr_to_name(lv);
	lv->ns_addr = ns_since(t0);
	t0 = ktime_get_ns();
	check_order(lv);
	lv->ns_order = ns_since(t0);
	return 0;
}

u64 ksym_live_failures(const struct ksym_live *lv)
{
	u64 sum = 0;
	unsigned int c;

	for (c = 0; c < KSYM_NR_FAIL_CLASSES; c++)
		sum += lv->counts[c];
	return sum;
}

bool ksym_live_pass(const struct ksym_live *lv)
{
	return lv->decoded && !ksym_live_failures(lv);
}

void ksym_live_free(struct ksym_live *lv)
{
	kvfree(lv->snap);
	kvfree(lv->rec_off);
	kfree(lv->kt);
	kfree(lv->mm);
	lv->snap = NULL;
	lv->rec_off = NULL;
	lv->kt = NULL;
	lv->mm = NULL;
}
