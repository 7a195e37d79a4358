/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Locate the running kernel's kallsyms arrays: four independent paths
 * (kallsyms names, VMCOREINFO, module parameters, the landmark scan), put
 * together and completed (markers, seqs candidates) by proof.  Produces a
 * struct ksym_located.  Kernel-only.
 */
#ifndef KSYM_LOCATE_H
#define KSYM_LOCATE_H

#include <linux/types.h>
#include "decoder.h"

struct ksym_findings;

enum ksym_path {
	KSYM_PATH_NAME,		/* kallsyms_lookup_name (via a kprobe) */
	KSYM_PATH_VMCOREINFO,	/* SYMBOL(kallsyms_*) lines */
	KSYM_PATH_PARAMS,	/* module parameters (System.map + KASLR) */
	KSYM_PATH_SCAN,		/* landmark scan of the kernel's rodata */
	KSYM_NR_PATHS
};

/**
 * struct ksym_kernel - the kernel's own kallsyms functions
 * @kprobe_lookup_name: where a kprobe on kallsyms_lookup_name landed (its
 *	entry), unproven; 0 when the kprobe failed
 * @kprobe_ret: register_kprobe()'s error, or 0
 * @kprobe_offset: the offset into the function the kprobe was placed at
 *	(0 unless the kernel refused its entry)
 * @lookup_name: kallsyms_lookup_name(), once proven; NULL until then
 * @on_each_symbol: kallsyms_on_each_symbol(), once proven, or NULL
 * @why: why each is NULL (not proven, or not callable)
 *
 * Nothing is called through a pointer that ksym_prove_kernel() has not
 * proven against the decoded table.
 */
struct ksym_kernel {
	unsigned long kprobe_lookup_name;
	int kprobe_ret;
	unsigned int kprobe_offset;
	unsigned long (*lookup_name)(const char *name);
	void *on_each_symbol;
	char why[2][112];
};

/* Whether a kernel function found by address may be called through it. */
enum ksym_call {
	KSYM_CALL_OK,
	KSYM_CALL_SEALED,	/* IBT: its ENDBR64 was poisoned at boot */
	KSYM_CALL_NO_ENDBR,	/* IBT: no ENDBR64 at its entry */
	KSYM_CALL_FINEIBT,	/* FineIBT: never by address */
	KSYM_CALL_PPC64_NO_GEP,	/* ppc64 ELFv2: no global entry sequence */
};

/* what ksym_call_check() weighs: the kernel's configuration */
#define KSYM_CFG_IBT		BIT(0)
#define KSYM_CFG_FINEIBT	BIT(1)
#define KSYM_CFG_PPC64_ELFV2	BIT(2)

/*
 * The decision for a function whose entry holds the 8 bytes @entry (x86:
 * little-endian; ppc64: the kernel's byte order), on a kernel with
 * @config (KSYM_CFG_*).  Pure: the KUnit suite feeds it every byte pattern.
 */
#define KSYM_ENTRY_BYTES	8
enum ksym_call ksym_call_check(const u8 entry[KSYM_ENTRY_BYTES],
			       unsigned int config);
/* ppc64 ELFv2: do the 8 bytes at @p set up the TOC (r2) from r12? */
bool ksym_ppc64_gep(const u8 p[KSYM_ENTRY_BYTES], bool big_endian);
const char *ksym_call_why(enum ksym_call c);

/*
 * A Thumb-2 kernel (ARM, CONFIG_THUMB2_KERNEL): a function pointer is the
 * address of the code with bit 0 set, the interworking bit that a BX or
 * BLX to it reads as "Thumb state"; nm, and so kallsyms and System.map,
 * give the even address.  The module loader's relocations and the export
 * table hold pointers; a call must be made through one.
 */
#define KSYM_THUMB_BIT	(IS_ENABLED(CONFIG_THUMB2_KERNEL) ? 1UL : 0UL)

static inline unsigned long ksym_fn_ptr(unsigned long code)
{
	return code | KSYM_THUMB_BIT;
}

struct ksym_path_result {
	int status;			/* 0 used, -ENOENT unavailable, <0 error */
	unsigned long addr[KSYM_NR_ARRAYS];
	char note[128];
};

/* Addresses given as module parameters (path 3). */
struct ksym_param_addrs {
	unsigned long addr[KSYM_NR_ARRAYS];
	unsigned long sysmap_text;	/* _text in System.map: 0 = runtime */
};

#define KSYM_SEQS_CANDIDATES	16

/**
 * struct ksym_located - where the arrays are, and how that is known
 * @path: what each path found
 * @addr: the addresses the run uses (seqs: see @seqs_cand)
 * @num_syms: kallsyms_num_syms as read
 * @names_len: bytes of kallsyms_names, by a walk of @num_syms records
 * @token_table_size: bytes up to the NUL of the last token
 * @align: alignment between the arrays (4, or sizeof(long))
 * @len_enc: how the record lengths are encoded, as proven
 * @len_how: how that was proven
 * @markers_how: how the markers were found
 * @scan_seqs: where the scan placed seqs (a guess), or 0
 * @scan_seqs_size: the entry size the scan's gap fits (0: unknown)
 * @seqs_cand: where kallsyms_seqs_of_names may be, tried in order
 * @seqs_size_cand: each candidate's entry size (3 or 4)
 * @seqs_why: why each candidate
 * @nr_seqs_cand: entries in @seqs_cand (0: no position could hold seqs)
 * @anchors: imports the module loader resolved, which the address mode
 *	must reproduce
 * @nr_anchors: entries in @anchors
 * @kaslr_offset: KERNELOFFSET= of VMCOREINFO, when @has_kaslr_offset
 * @has_kaslr_offset: VMCOREINFO had KERNELOFFSET=
 */
struct ksym_located {
	struct ksym_path_result path[KSYM_NR_PATHS];
	unsigned long addr[KSYM_NR_ARRAYS];
	u32 num_syms;
	size_t names_len;
	size_t token_table_size;
	unsigned int align;
	enum ksym_len_enc len_enc;
	char len_how[80];
	char markers_how[96];
	unsigned long scan_seqs;
	u8 scan_seqs_size;
	unsigned long seqs_cand[KSYM_SEQS_CANDIDATES];
	u8 seqs_size_cand[KSYM_SEQS_CANDIDATES];
	const char *seqs_why[KSYM_SEQS_CANDIDATES];
	unsigned int nr_seqs_cand;
	struct ksym_anchor anchors[KSYM_MAX_ANCHORS];
	unsigned int nr_anchors;
	u64 kaslr_offset;
	bool has_kaslr_offset;
};

const char *ksym_path_name(enum ksym_path p);

/* Where kallsyms_lookup_name() is, by a kprobe; nothing is called. */
int ksym_find_kernel(struct ksym_kernel *k);

/*
 * Prove kallsyms_lookup_name() and kallsyms_on_each_symbol() against the
 * decoded table before anything calls them: the decoded table has a text
 * symbol of that name at that address inside [_stext, _etext), the
 * kprobe agrees, the imports check found no address wrong, and an
 * indirect call is safe (IBT).  A disagreement is a kernel_fn finding.
 */
void ksym_prove_kernel(struct ksym_kernel *k, struct ksym_decoder *kt,
		       struct ksym_findings *f);

/*
 * The readable memory around ksym_rodata_hint() (an exported rodata
 * object) that the scan and the export table search look in: *@start,
 * and the size.
 */
size_t ksym_rodata_window(unsigned long *start);

/*
 * The name path, once kallsyms_lookup_name() is proven: each array it
 * names must be where the run found it.
 */
void ksym_locate_by_name(struct ksym_located *loc, const struct ksym_kernel *k,
			 struct ksym_findings *f);

/* Read kernel memory that is not proven yet; false if it is not readable. */
bool ksym_read(unsigned long addr, void *buf, size_t len);

/*
 * Run the paths in @paths (BIT(enum ksym_path)) and complete the layout.
 * Returns 0 when the arrays were found, -EINVAL for a parameter that
 * points at unreadable memory (the caller's error), and -ENOENT when they
 * were not found (the findings say why).
 */
int ksym_locate(struct ksym_located *loc, const struct ksym_kernel *k,
		const struct ksym_param_addrs *params, unsigned int paths,
		struct ksym_findings *f);

#endif /* KSYM_LOCATE_H */
