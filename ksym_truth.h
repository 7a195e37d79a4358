/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks of the decoded table against truth that scripts/kallsyms.c did
 * not write: the module loader's resolution of the module's own imports,
 * the export table (__ksymtab*), the generator's own rules as invariants,
 * and the kernel's /proc/kallsyms text.  Kernel-only.
 */
#ifndef KSYM_TRUTH_H
#define KSYM_TRUTH_H

#include <linux/types.h>
#include "decoder.h"

struct ksym_findings;

/**
 * struct ksym_truth - what the checks against independent truth measured
 * @imports: imports checked
 * @exports: export table entries checked
 * @exports_percpu: of them, per-CPU variables
 * @exports_skipped: objects not checked: no KALLSYMS_ALL, not in the table
 * @exports_how: how the export table was found, or why not
 * @invariants: generator rules checked (one per symbol and rule)
 * @proc_lines: core lines of /proc/kallsyms compared
 * @proc_how: how /proc/kallsyms was read, or why it was not
 * @ns_rules: time of the imports and invariants checks
 * @ns_exports: of the export table check
 * @ns_proc: of the /proc/kallsyms comparison
 * @ns_proc_read: of that, inside the kernel's read of the file
 */
struct ksym_truth {
	u32 imports;
	u32 exports;
	u32 exports_percpu;
	u32 exports_skipped;
	char exports_how[160];
	u32 invariants;
	u32 proc_lines;
	char proc_how[128];
	u64 ns_rules;
	u64 ns_exports;
	u64 ns_proc;
	u64 ns_proc_read;
};

/*
 * Mode-proof anchors the module loader resolved through the export table,
 * never through kallsyms: fills up to @max, returns how many.
 */
unsigned int ksym_import_anchors(struct ksym_anchor *a, unsigned int max);
/* An exported rodata address, where the landmark scan looks around. */
unsigned long ksym_rodata_hint(void);

/* Each returns 0, or -EINTR when a fatal signal stopped it. */
int ksym_check_imports(struct ksym_decoder *kt, struct ksym_findings *f,
		       struct ksym_truth *r);
int ksym_check_exports(struct ksym_decoder *kt, struct ksym_findings *f,
		       struct ksym_truth *r);
int ksym_check_invariants(struct ksym_decoder *kt, struct ksym_findings *f,
			  struct ksym_truth *r);
int ksym_check_proc_kallsyms(struct ksym_decoder *kt, struct ksym_findings *f,
			     struct ksym_truth *r);

/*
 * Is @addr the entry of a function named @name in the decoded table: a
 * text symbol of that name starts there, inside [_stext, _etext)?  0, or
 * why not in @why.
 */
int ksym_prove_function(struct ksym_decoder *kt, const char *name,
			unsigned long addr, char *why, size_t len);

#endif /* KSYM_TRUTH_H */
