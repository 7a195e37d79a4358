/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running kernel's kallsyms tables: find them, copy them, decode them
 * with decoder.c and cross-check every symbol against the kernel's own
 * lookups.  Used by the module (ksym_main.c); kernel-only.
 */
#ifndef KSYM_LIVE_H
#define KSYM_LIVE_H

#include <linux/types.h>
#include "decoder.h"

enum ksym_path {
	KSYM_PATH_NAME,		/* kallsyms_lookup_name (via a kprobe) */
	KSYM_PATH_VMCOREINFO,	/* SYMBOL(kallsyms_*) lines */
	KSYM_PATH_PARAMS,	/* module parameters (System.map + KASLR) */
	KSYM_PATH_SCAN,		/* landmark scan of the kernel's rodata */
	KSYM_NR_PATHS
};

enum ksym_array {
	KSYM_A_NUM_SYMS,
	KSYM_A_NAMES,
	KSYM_A_MARKERS,
	KSYM_A_TOKEN_TABLE,
	KSYM_A_TOKEN_INDEX,
	KSYM_A_OFFSETS,
	KSYM_A_ADDRESSES,
	KSYM_A_RELATIVE_BASE,
	KSYM_A_SEQS,
	KSYM_NR_ARRAYS
};

/* Classes of findings.  The first ones fail the verdict. */
enum ksym_class {
	KSYM_C_LOCATE,		/* no path found the tables, or paths disagree */
	KSYM_C_STRUCTURE,	/* a decoder invariant failed */
	KSYM_C_MODE,		/* no single address mode fits the anchors */
	KSYM_C_NAME_TO_ADDR,	/* kallsyms_lookup_name() != decoded */
	KSYM_C_ADDR_TO_NAME,	/* sprint_symbol() != decoded */
	KSYM_C_ORDER,		/* kallsyms_on_each_symbol() != decoded */
	KSYM_NR_FAIL_CLASSES,
	/* known quirks: counted and explained, never failures */
	KSYM_Q_PERCPU = KSYM_NR_FAIL_CLASSES,	/* absolute per-CPU values */
	KSYM_Q_OUTSIDE,		/* outside is_ksym_addr(): no address lookup */
	KSYM_Q_LLVM,		/* .llvm. suffix (LTO) */
	KSYM_Q_DOT,		/* name starting with '.' */
	KSYM_Q_BIG_TYPE,	/* 2-byte length: type letter bug before f3f9f42232de */
	KSYM_NR_CLASSES
};

struct ksym_mismatch {
	enum ksym_class cls;
	u32 index;
	char name[64];
	u64 expected;
	u64 found;
	char detail[96];
};

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

struct ksym_live {
	/* inputs */
	const struct ksym_param_addrs *params;
	const char *corrupt;		/* test only: corrupt the copy */
	unsigned int paths;		/* BIT(enum ksym_path) to use */
	unsigned int max_mismatches;

	/* the kernel's own functions, found through a kprobe */
	unsigned long (*lookup_name)(const char *name);
	void *on_each_symbol;

	/* locate */
	struct ksym_path_result path[KSYM_NR_PATHS];
	unsigned long addr[KSYM_NR_ARRAYS];	/* what the run used */
	char markers_how[96];
	char seqs_how[96];
	char order[160];
	unsigned int align;
	u64 kaslr_offset;		/* KERNELOFFSET= of VMCOREINFO */
	bool has_kaslr_offset;

	/* the copy and its decoder */
	u8 *snap;
	size_t snap_size;
	struct ksym_tables t;
	struct ksym_layout l;
	struct ksym_table *kt;
	u32 *rec_off;
	struct ksym_proof proof;
	struct ksym_anchor anchors[2];
	struct ksym_error err;
	struct ksym_stats stats;
	bool decoded;

	/* results */
	u32 checked;
	u32 on_each_count;
	u64 counts[KSYM_NR_CLASSES];
	struct ksym_mismatch *mm;
	unsigned int nr_mm;
	u64 ns_locate, ns_decode, ns_name, ns_addr, ns_order, ns_kernel_walk;
};

const char *ksym_class_name(enum ksym_class cls);
const char *ksym_array_name(enum ksym_array a);
const char *ksym_path_name(enum ksym_path p);

/* Run everything; 0 when the run completed (its verdict is in the counts). */
int ksym_live_run(struct ksym_live *lv);
void ksym_live_free(struct ksym_live *lv);
bool ksym_live_pass(const struct ksym_live *lv);
/* findings in the failing classes, all added up */
u64 ksym_live_failures(const struct ksym_live *lv);

#endif /* KSYM_LIVE_H */
