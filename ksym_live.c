// SPDX-License-Identifier: GPL-2.0
/*
 * One run: the stages of ksym_live.h in order, each timed, with one exit.
 * A stage returns 0 to go on, KSYM_STOP when its findings end the run, or
 * a negative errno when the run cannot be done at all.
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ksym_live.h"

#define KSYM_STOP	1

typedef int (*ksym_stage_fn)(struct ksym_live *lv);

/* Run @stage and add the time it took to *@ns. */
static int timed(struct ksym_live *lv, ksym_stage_fn stage, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	int ret = stage(lv);

	*ns += ktime_get_ns() - t0;
	return ret;
}

static int stage_kernel(struct ksym_live *lv)
{
	lv->sample = max(lv->sample, 1U);	/* 0: every symbol, like 1 */
	lv->workers = lv->workers ?: 1;		/* 0: one pass */
	lv->found.max = lv->max_mismatches;
	lv->found.mm = kcalloc(lv->max_mismatches, sizeof(*lv->found.mm),
			       GFP_KERNEL);
	if (!lv->found.mm)
		return -ENOMEM;
	return ksym_find_kernel(&lv->kernel);
}

static int stage_locate(struct ksym_live *lv)
{
	int ret = ksym_locate(&lv->loc, &lv->kernel, lv->params, lv->paths,
			      &lv->found);

	return ret == -EINVAL ? ret : ret ? KSYM_STOP : 0;
}

static int stage_decode(struct ksym_live *lv)
{
	int ret = ksym_snapshot_take(&lv->snap, &lv->loc, lv->corrupt,
				     &lv->found);

	if (ret)
		return ret == -ENOMEM ? ret : KSYM_STOP;
	ksym_decode_pass(lv->snap.kt, &lv->check);
	return 0;
}

/*
 * Against truth the generator did not write, no kernel function called:
 * the generator's rules (imports, invariants), the export table, and
 * /proc/kallsyms, each timed on its own.
 */
static int stage_rules(struct ksym_live *lv)
{
	return ksym_check_imports(lv->snap.kt, &lv->found, &lv->truth) ?:
	       ksym_check_invariants(lv->snap.kt, &lv->found, &lv->truth);
}

static int stage_exports(struct ksym_live *lv)
{
	return ksym_check_exports(lv->snap.kt, &lv->found, &lv->truth);
}

static int stage_proc(struct ksym_live *lv)
{
	return ksym_check_proc_kallsyms(lv->snap.kt, &lv->found, &lv->truth);
}

/* The kernel's functions, proven before any call; then the name path. */
static int stage_prove(struct ksym_live *lv)
{
	unsigned long seqs;

	ksym_prove_kernel(&lv->kernel, lv->snap.kt, &lv->found);
	if (!(lv->paths & BIT(KSYM_PATH_NAME)))
		return 0;
	ksym_locate_by_name(&lv->loc, &lv->kernel, &lv->found);
	/* seqs was a proven guess: the kernel's name for it must agree */
	seqs = lv->loc.path[KSYM_PATH_NAME].addr[KSYM_A_SEQS];
	if (seqs && lv->snap.seqs_addr && seqs != lv->snap.seqs_addr)
		ksym_finding(&lv->found, KSYM_C_LOCATE, KSYM_A_SEQS,
			     ksym_array_name(KSYM_A_SEQS), lv->snap.seqs_addr,
			     seqs,
			     "kallsyms_lookup_name() puts it elsewhere than the seqs that decoded");
	return 0;
}

/*
 * Without seqs_of_names in the kernel (up to 6.1.41) its
 * kallsyms_lookup_name() is a linear scan: asking it for every name would
 * take O(n^2) (minutes on 100k symbols).  Then a spread sample is asked;
 * the order check still sees every name the kernel decodes.
 */
#define KSYM_LINEAR_LOOKUPS	256

static int stage_name_to_addr(struct ksym_live *lv)
{
	u32 n = lv->snap.kt->num_syms, stride = lv->sample;
	/* the kernel has no seqs: its lookup is a linear scan */
	bool linear = lv->snap.own_seqs && !lv->snap.seqs_failed;

	ksym_check_lto_init(lv->snap.kt, &lv->check);
	if (ksym_live_not_run(lv, KSYM_C_NAME_TO_ADDR))
		return 0;	/* the report says why */
	if (lv->bench && !linear) {
		int ret = ksym_kernel_lookup_all(&lv->kernel, lv->snap.kt,
						 &lv->check);

		if (ret)
			return ret;
	}
	if (linear)
		stride = max_t(u32, stride, n / KSYM_LINEAR_LOOKUPS);
	return ksym_check_name_to_addr(&lv->kernel, lv->snap.kt, lv->snap.first,
				       stride, lv->workers, &lv->found,
				       &lv->check);
}

static int stage_addr_to_name(struct ksym_live *lv)
{
	if (lv->bench) {
		int ret = ksym_kernel_sprint_all(lv->snap.kt, &lv->check);

		if (ret)
			return ret;
	}
	return ksym_check_addr_to_name(&lv->kernel, lv->snap.kt, lv->sample,
				       lv->workers, &lv->found, &lv->check);
}

static int stage_order(struct ksym_live *lv)
{
	return ksym_check_order(&lv->kernel, lv->snap.kt, &lv->found,
				&lv->check);
}

int ksym_live_run(struct ksym_live *lv)
{
	u64 unused = 0;
	int err;

	err = timed(lv, stage_kernel, &unused);
	err = err ?: timed(lv, stage_locate, &lv->ns.locate);
	err = err ?: timed(lv, stage_decode, &lv->ns.decode);
	err = err ?: timed(lv, stage_rules, &lv->truth.ns_rules);
	err = err ?: timed(lv, stage_exports, &lv->truth.ns_exports);
	err = err ?: timed(lv, stage_proc, &lv->truth.ns_proc);
	err = err ?: timed(lv, stage_prove, &lv->ns.prove);
	err = err ?: timed(lv, stage_name_to_addr, &lv->ns.name);
	err = err ?: timed(lv, stage_addr_to_name, &lv->ns.addr);
	err = err ?: timed(lv, stage_order, &lv->ns.order);
	return err == KSYM_STOP ? 0 : err;
}

u64 ksym_live_failures(const struct ksym_live *lv)
{
	return ksym_findings_failures(&lv->found);
}

bool ksym_live_pass(const struct ksym_live *lv)
{
	return lv->snap.decoded && !ksym_live_failures(lv);
}

void ksym_live_free(struct ksym_live *lv)
{
	ksym_snapshot_free(&lv->snap);
	kfree(lv->found.mm);
	lv->found.mm = NULL;
}

const char *ksym_live_not_run(const struct ksym_live *lv, enum ksym_class c)
{
	if (c == KSYM_C_NAME_TO_ADDR && !lv->kernel.lookup_name)
		return lv->kernel.why[0][0] ? lv->kernel.why[0] : "not reached";
	if (c == KSYM_C_ORDER && !lv->kernel.on_each_symbol)
		return lv->kernel.why[1][0] ? lv->kernel.why[1] : "not reached";
	return NULL;
}

static const struct ksym_mismatch *first_of(const struct ksym_findings *f,
					    enum ksym_class c)
{
	unsigned int i;

	for (i = 0; i < f->nr_mm; i++)
		if (f->mm[i].cls == c)
			return &f->mm[i];
	return NULL;
}

/* the array a decoder check names: "markers.zero" is the markers' */
static const char *part_of_check(const char *check)
{
	static const struct { const char *prefix, *part; } parts[] = {
		{ "num_syms", "num_syms" },
		{ "token_index", "token_index" },
		{ "token_table", "token_table" },
		{ "markers", "markers" },
		{ "names.len", "names (length encoding)" },
		{ "names", "names" },
		{ "seqs", "seqs" },
		{ "lookup.index", "seqs" },
		{ "addr", "offsets" },
		{ "mode", "offsets (no address mode fits)" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(parts); i++)
		if (check && str_has_prefix(check, parts[i].prefix))
			return parts[i].part;
	return "layout";
}

/* what a finding's detail says is wrong, per class */
static const char *part_of(const struct ksym_live *lv,
			   const struct ksym_mismatch *m)
{
	const char *d = m->detail;

	switch (m->cls) {
	case KSYM_C_LOCATE:
		if (strstr(d, "kallsyms_lookup_name() puts it"))
			return "kernel reader: kallsyms_lookup_name()";
		/* the walk ran past names at the very last record */
		if (strstr(m->name, "names") && m->index + 1 == lv->loc.num_syms)
			return "num_syms (its last record runs past kallsyms_names)";
		if (strstr(m->name, "markers"))
			return "markers (or num_syms: names does not end where the markers begin)";
		if (strstr(m->name, "names"))
			return "names (length encoding)";
		if (strstr(m->name, "token"))
			return "token_table";
		return "locate";
	case KSYM_C_STRUCTURE:
	case KSYM_C_MODE:
		if (lv->snap.names_suspect)
			return "names or token_table (the imports' names do not decode)";
		return lv->snap.seqs_failed ? "seqs" :
		       part_of_check(lv->snap.err.check);
	case KSYM_C_IMPORTS:
	case KSYM_C_EXPORTS:
		if (str_has_prefix(d, "type"))
			return "types";
		if (str_has_prefix(d, "decoded at another"))
			return m->found < 0x100000000ULL ? "percpu" : "offsets";
		if (str_has_prefix(d, "no export table entry"))
			return "offsets (an import is not where the table says)";
		return "names";
	case KSYM_C_INVARIANTS:
		if (str_has_prefix(d, "alias"))
			return "aliases";
		if (strstr(d, "inside the kernel's text"))
			return "types";
		if (strstr(d, "drop"))
			return "the generator's filter";
		return "offsets (boundary symbols)";
	case KSYM_C_PROC:
		if (strstr(d, "names"))
			return "kernel reader /proc/kallsyms: name expansion";
		if (str_has_prefix(d, "type"))
			return "kernel reader /proc/kallsyms: type letter";
		if (strstr(d, "address"))
			return "kernel reader /proc/kallsyms: address";
		return "kernel reader /proc/kallsyms: iteration";
	case KSYM_C_KERNEL_FN:
		return "kernel reader: the kprobe's kallsyms_lookup_name";
	case KSYM_C_NAME_TO_ADDR:
		return "kernel reader: kallsyms_lookup_name()";
	case KSYM_C_ADDR_TO_NAME:
		return "kernel reader: sprint_symbol()";
	case KSYM_C_ORDER:
		return "kernel reader: kallsyms_on_each_symbol()";
	default:
		return "?";
	}
}

/*
 * The first failing class in the order the evidence is strongest: where
 * the arrays are, their structure, then independent truth (the loader,
 * the export table, the generator's rules), then the kernel's readers.
 * A seqs failure while the names themselves disagree with the export
 * table or /proc/kallsyms is a names fault: seqs only follows the names.
 */
void ksym_live_diagnose(const struct ksym_live *lv, char *buf, size_t size)
{
	const struct ksym_findings *f = &lv->found;
	const struct ksym_mismatch *m = NULL;
	const char *part;
	enum ksym_class c;

	/* enum ksym_class lists the failing classes in that order */
	for (c = 0; c < KSYM_NR_FAIL_CLASSES && !m; c++)
		if (f->counts[c])
			m = first_of(f, c);
	if (!m) {
		snprintf(buf, size, "none (no finding listed)");
		return;
	}
	part = part_of(lv, m);
	if (m->cls == KSYM_C_STRUCTURE && !strcmp(part, "seqs")) {
		const struct ksym_mismatch *n = first_of(f, KSYM_C_EXPORTS);

		if (!n || strcmp(part_of(lv, n), "names"))
			n = first_of(f, KSYM_C_PROC);
		if (n && (n->cls == KSYM_C_EXPORTS || strstr(n->detail, "names"))) {
			m = n;
			part = "names or token_table (seqs.order follows from the wrong names)";
		}
	}
	snprintf(buf, size, "%s: %s #%u %s: %s", part, ksym_class_name(m->cls),
		 m->index, m->name, m->detail);
}
