/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Findings, and the cross-checks that produce them: every decoded symbol
 * against the kernel's own kallsyms_lookup_name(), sprint_symbol() and
 * kallsyms_on_each_symbol().  Kernel-only.
 */
#ifndef KSYM_CHECK_H
#define KSYM_CHECK_H

#include <linux/types.h>
#include "decoder.h"

struct ksym_kernel;

/*
 * Classes of findings.  The first ones fail the verdict, listed in the
 * order the evidence is strongest: ksym_live_diagnose() takes the first.
 */
enum ksym_class {
	KSYM_C_LOCATE,		/* no path found the tables, or paths disagree */
	KSYM_C_STRUCTURE,	/* a decoder invariant failed */
	KSYM_C_MODE,		/* no single address mode fits the anchors */
	KSYM_C_IMPORTS,		/* the module loader's addresses != decoded */
	KSYM_C_EXPORTS,		/* the export table != decoded */
	KSYM_C_INVARIANTS,	/* a rule of scripts/kallsyms.c is broken */
	KSYM_C_PROC,		/* /proc/kallsyms != decoded */
	KSYM_C_KERNEL_FN,	/* a kernel function pointer failed its proof */
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
	KSYM_Q_NOT_RUN,		/* a kernel reader that could not be reached */
	KSYM_Q_DUP_EXPORT,	/* a second export entry of a decoded symbol */
	KSYM_Q_LTO_LOCAL,	/* LTO: an exported symbol of local type */
	KSYM_Q_THUMB,		/* Thumb-2: a function pointer has bit 0 set */
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

/**
 * struct ksym_findings - what every stage found
 * @counts: findings per class, quirks included
 * @mm: the first @max listed in full (failing classes only)
 * @nr_mm: entries used in @mm
 * @max: capacity of @mm
 */
struct ksym_findings {
	u64 counts[KSYM_NR_CLASSES];
	struct ksym_mismatch *mm;
	unsigned int nr_mm;
	unsigned int max;
};

/* How the kernel's readers treat an LTO_CLANG name suffix (ksym_check.c). */
enum ksym_lto_rule {
	KSYM_LTO_UNSEEN,
	KSYM_LTO_EXACT,
	KSYM_LTO_CUT,
};

const char *ksym_lto_rule_name(enum ksym_lto_rule rule);

/* What the cross-checks measured besides their findings. */
struct ksym_check_result {
	enum ksym_lto_rule lto;	/* as proven by the table or the readers */
	u32 checked;		/* symbols through the name-to-address check */
	u32 stride;		/* of which every stride-th (1: all) */
	u32 addr_checked;	/* addresses through sprint_symbol() */
	bool one_pass;		/* our answers came from ksym_first_of_keys() */
	unsigned int cpus;	/* the most shares a per-symbol check ran in */
	u32 on_each_count;	/* symbols kallsyms_on_each_symbol() visited */
	u64 ns_kernel_walk;	/* the kernel's own full traversal, for scale */
	u64 ns_kernel_lookup_all; /* its lookup of every name (bench=1) */
	u64 ns_kernel_sprint_all; /* its sprint_symbol() of each (bench=1) */
	u64 ns_decode_pass;	/* our sequential pass over the table */
};

const char *ksym_class_name(enum ksym_class cls);

__printf(7, 8)
void ksym_finding(struct ksym_findings *f, enum ksym_class cls, u32 index,
		  const char *name, u64 expected, u64 found,
		  const char *fmt, ...);
/* findings in the failing classes, all added up */
u64 ksym_findings_failures(const struct ksym_findings *f);
/* Every 1024th @i: cond_resched(), and true when a fatal signal is pending. */
bool ksym_check_stop(u32 i);

/* the most CPUs a per-symbol check is shared over */
#define KSYM_MAX_WORKERS	64

/*
 * Each returns 0, or -EINTR when a fatal signal stopped it.  The
 * per-symbol checks ask about every @stride-th symbol and the last, shared
 * over @workers CPUs (merged in index order: the same findings as one
 * pass).  @first: ksym_first_of_keys() of @kt, or NULL (then a lookup per
 * name).
 */
int ksym_check_name_to_addr(const struct ksym_kernel *k,
			    struct ksym_decoder *kt, const u32 *first,
			    u32 stride, unsigned int workers,
			    struct ksym_findings *f, struct ksym_check_result *r);
/*
 * For scale: the kernel's lookup of every name, its sprint_symbol() of
 * every address the address-to-name check asks about, and our decode pass.
 */
int ksym_kernel_lookup_all(const struct ksym_kernel *k,
			   struct ksym_decoder *kt, struct ksym_check_result *r);
int ksym_kernel_sprint_all(struct ksym_decoder *kt,
			   struct ksym_check_result *r);
void ksym_decode_pass(struct ksym_decoder *kt, struct ksym_check_result *r);
int ksym_check_addr_to_name(const struct ksym_kernel *k,
			    struct ksym_decoder *kt, u32 stride,
			    unsigned int workers, struct ksym_findings *f,
			    struct ksym_check_result *r);

/* The LTO rule the table itself proves (a seqs order sorted by cut names). */
void ksym_check_lto_init(const struct ksym_decoder *kt,
			 struct ksym_check_result *r);
int ksym_check_order(const struct ksym_kernel *k, struct ksym_decoder *kt,
		     struct ksym_findings *f, struct ksym_check_result *r);

#endif /* KSYM_CHECK_H */
