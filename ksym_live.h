/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run over the running kernel's kallsyms tables, as a chain of stages
 * that each hand a struct forward:
 *
 *   ksym_locate()        -> struct ksym_located   (ksym_locate.c)
 *   ksym_snapshot_take() -> struct ksym_snapshot  (ksym_snapshot.c)
 *   ksym_check_*()       -> struct ksym_findings  (ksym_truth.c: against
 *                           independent truth; ksym_check.c: against the
 *                           kernel's readers, once ksym_prove_kernel()
 *                           proved them)
 *
 * Used by the module (ksym_verify.c) and the ksym_live KUnit suite.
 * Kernel-only.
 */
#ifndef KSYM_LIVE_H
#define KSYM_LIVE_H

#include <linux/types.h>
#include "decoder.h"
#include "ksym_check.h"
#include "ksym_locate.h"
#include "ksym_snapshot.h"
#include "ksym_truth.h"

/* Time spent in each stage, in ns. */
struct ksym_timing {
	u64 locate, decode, prove, name, addr, order;
};

/**
 * struct ksym_live - one run: its inputs and what each stage produced
 * @params: addresses given as module parameters (path 3), or NULL
 * @corrupt: test only: corrupt the copy ("structure" or "name")
 * @paths: BIT(enum ksym_path) of the paths to use
 * @max_mismatches: findings listed in full
 * @sample: the kernel's lookups are asked about every @sample-th symbol
 * @bench: also time the kernel's own lookup of every name
 * @workers: CPUs the per-symbol cross-checks are shared over (0: one)
 * @kernel: the kernel's own functions
 * @loc: where the arrays are
 * @snap: the copy and its decoder
 * @found: the findings
 * @truth: what the checks against independent truth measured
 * @check: what the cross-checks measured
 * @ns: time per stage
 */
struct ksym_live {
	const struct ksym_param_addrs *params;
	const char *corrupt;
	unsigned int paths;
	unsigned int max_mismatches;
	unsigned int sample;
	bool bench;
	unsigned int workers;

	struct ksym_kernel kernel;
	struct ksym_located loc;
	struct ksym_snapshot snap;
	struct ksym_findings found;
	struct ksym_truth truth;
	struct ksym_check_result check;
	struct ksym_timing ns;
};

/* Run everything; 0 when the run completed (its verdict is in the counts). */
int ksym_live_run(struct ksym_live *lv);
void ksym_live_free(struct ksym_live *lv);
bool ksym_live_pass(const struct ksym_live *lv);
/* findings in the failing classes, all added up */
u64 ksym_live_failures(const struct ksym_live *lv);
/*
 * The broken part, named from the first findings: markers, token_table,
 * token_index, names, num_syms, seqs, offsets, types, aliases, percpu, or
 * the kernel reader that disagrees; with the finding's index and name.
 */
void ksym_live_diagnose(const struct ksym_live *lv, char *buf, size_t size);
/* Why the cross-check class @c did not run, or NULL when it ran. */
const char *ksym_live_not_run(const struct ksym_live *lv, enum ksym_class c);

#endif /* KSYM_LIVE_H */
