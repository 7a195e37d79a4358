// SPDX-License-Identifier: GPL-2.0
/*
 * ksym_verify: the module's glue.  Parameters, one run at load time (and
 * on each write of "1" to run), and the debugfs files that show it:
 * ksym_verify/report, symbols, stats, ktap, run.  The run itself is
 * ksym_live.c; Documentation/module.md describes the report format.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "ksym_live.h"

#define KSYM_REPORT_FORMAT 1

static bool fail_on_mismatch;
module_param(fail_on_mismatch, bool, 0444);
MODULE_PARM_DESC(fail_on_mismatch,
		 "fail the load with -EINVAL when the verdict is FAIL");

/* the findings listed in full: one allocation of this many entries */
#define KSYM_MAX_MISMATCHES	1024
static unsigned int max_mismatches = 32;
module_param(max_mismatches, uint, 0444);
MODULE_PARM_DESC(max_mismatches,
		 "findings listed in the report (default 32, at most 1024)");

static unsigned int sample = 1;
module_param(sample, uint, 0644);
MODULE_PARM_DESC(sample,
		 "ask kallsyms_lookup_name() and sprint_symbol() about every Nth symbol and the last (default 1: every one); the other checks see every symbol");

static bool bench;
module_param(bench, bool, 0644);
MODULE_PARM_DESC(bench,
		 "also time the kernel's own kallsyms_lookup_name() of every name and sprint_symbol() of every address, unchecked (ms.kernel_lookup_all, ms.kernel_sprint_all; each as long again as its check)");

static unsigned int workers;
module_param(workers, uint, 0644);
MODULE_PARM_DESC(workers,
		 "CPUs the per-symbol cross-checks are shared over (default 0: every online CPU; at most 64); the report is the same for any number");

static char *paths = "name,vmcoreinfo,params,scan";
module_param(paths, charp, 0444);
MODULE_PARM_DESC(paths, "locate paths to use (default: name,vmcoreinfo,params,scan)");

static char *corrupt;
module_param(corrupt, charp, 0444);
MODULE_PARM_DESC(corrupt,
		 "TEST ONLY: corrupt the private copy before decoding: structure|name");

/* path 3: where the arrays are, e.g. from System.map (see the README) */
static struct ksym_param_addrs param_addrs;

/* addresses: readable by root only, like the kernel's own */
#define KSYM_ADDR_PARAM(name, idx)					\
	module_param_named(name##_addr, param_addrs.addr[idx], ulong, 0400)

KSYM_ADDR_PARAM(num_syms, KSYM_A_NUM_SYMS);
KSYM_ADDR_PARAM(names, KSYM_A_NAMES);
KSYM_ADDR_PARAM(markers, KSYM_A_MARKERS);
KSYM_ADDR_PARAM(token_table, KSYM_A_TOKEN_TABLE);
KSYM_ADDR_PARAM(token_index, KSYM_A_TOKEN_INDEX);
KSYM_ADDR_PARAM(offsets, KSYM_A_OFFSETS);
KSYM_ADDR_PARAM(addresses, KSYM_A_ADDRESSES);
KSYM_ADDR_PARAM(relative_base, KSYM_A_RELATIVE_BASE);
KSYM_ADDR_PARAM(seqs, KSYM_A_SEQS);
MODULE_PARM_DESC(names_addr,
		 "address of kallsyms_names; likewise num_syms_addr, markers_addr, ...");
module_param_named(sysmap_text, param_addrs.sysmap_text, ulong, 0400);
MODULE_PARM_DESC(sysmap_text,
		 "_text in System.map: shift the *_addr values by the KASLR offset");

static DEFINE_MUTEX(run_lock);		/* one run at a time */
static DEFINE_MUTEX(state_lock);	/* protects cur */
static struct ksym_live *cur;
static u64 cur_ns;
static struct dentry *dir;

static const char *const quirk_why[KSYM_NR_CLASSES] = {
	[KSYM_Q_PERCPU] =
		"x86_64 SMP before 6.15: per-CPU symbols hold offsets that sprint_symbol() cannot name",
	[KSYM_Q_OUTSIDE] =
		"outside is_ksym_addr(): kallsyms_lookup() does not name them",
	[KSYM_Q_LLVM] =
		"LTO .llvm.<hash> names; 6.2-6.10 matched them without the suffix",
	[KSYM_Q_DOT] =
		"names starting with '.' are kept by kallsyms",
	[KSYM_Q_BIG_TYPE] =
		"2-byte lengths: /proc/kallsyms type letter wrong before f3f9f42232de",
	[KSYM_Q_NOT_RUN] =
		"a kernel reader that cannot be reached here: reader.* says why",
	[KSYM_Q_LTO_LOCAL] =
		"LTO_CLANG internalizes exported symbols: kallsyms types them 't', 'd'",
	[KSYM_Q_THUMB] =
		"Thumb-2 kernel: a function pointer (module loader's, export table's) has bit 0 set; kallsyms has the even address of the code",
	[KSYM_Q_DUP_EXPORT] =
		"a name with two export entries, one of them the decoded symbol (arm64 5.10: the nVHE hypervisor's own memcpy, memset and the like)",
};

static u64 ms(u64 ns)
{
	return div_u64(ns, NSEC_PER_MSEC);
}

/* An integer sysctl; kernel_read() reads /proc/sys files since 5.10. */
static bool read_sysctl(const char *path, int *val)
{
	char buf[24] = "";
	loff_t pos = 0;
	struct file *f;
	ssize_t n;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return false;
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	return n > 0 && !kstrtoint(strim(buf), 10, val);
}

/*
 * May the opener of @file see addresses?  The rule of /proc/kallsyms,
 * kallsyms_show_value() on the opener's credentials, which is not
 * exported: kptr_restrict 0 shows them when perf_event_paranoid <= 1
 * (kallsyms_for_perf()), 0 and 1 to CAP_SYSLOG, 2 to nobody.
 */
static bool opener_sees_addresses(struct file *file)
{
	int restrict_level, paranoid;

	if (!read_sysctl("/proc/sys/kernel/kptr_restrict", &restrict_level))
		return false;
	switch (restrict_level) {
	case 0:
		if (read_sysctl("/proc/sys/kernel/perf_event_paranoid",
				&paranoid) && paranoid <= 1)
			return true;
		fallthrough;
	case 1:
		return file_ns_capable(file, &init_user_ns, CAP_SYSLOG);
	default:
		return false;
	}
}

/* an address, or 0 for an opener who may not see it */
static u64 addr_for(const struct seq_file *m, u64 addr)
{
	return m->private ? addr : 0;
}

static bool show_value(const struct ksym_live *lv, enum ksym_class c)
{
	return c < KSYM_NR_FAIL_CLASSES || lv->found.counts[c];
}

static int report_show(struct seq_file *m, void *v)
{
	static const char *const pstatus[] = { "used", "unavailable", "error" };
	struct ksym_live *lv;
	unsigned int c, p, i;

	mutex_lock(&state_lock);
	lv = cur;
	if (!lv) {
		seq_puts(m, "format: 1\nverdict: NONE (no run yet)\n");
		goto out;
	}
	seq_printf(m, "format: %d\n", KSYM_REPORT_FORMAT);
	seq_printf(m, "verdict: %s\n", ksym_live_pass(lv) ? "PASS" : "FAIL");
	seq_printf(m, "kernel: %s %s\n", init_utsname()->release,
		   init_utsname()->machine);
	if (lv->loc.has_kaslr_offset && !m->private)
		seq_puts(m, "kaslr_offset: hidden (kptr_restrict: the opener may not see addresses)\n");
	else if (lv->loc.has_kaslr_offset)
		seq_printf(m, "kaslr_offset: 0x%llx\n", lv->loc.kaslr_offset);
	else
		seq_puts(m, "kaslr_offset: unknown (no KERNELOFFSET in VMCOREINFO)\n");
	seq_printf(m, "layout.order: %s\n", lv->snap.order);
	seq_printf(m, "layout.mode: %s\n", ksym_mode_name(lv->snap.proof.mode));
	seq_puts(m, "layout.mode_proof: anchors (the module loader's)");
	for (i = 0; i < lv->loc.nr_anchors; i++)
		seq_printf(m, " %s", lv->loc.anchors[i].name);
	seq_putc(m, ';');
	for (i = KSYM_ADDR_ABSOLUTE; i < KSYM_ADDR_NR_MODES; i++)
		seq_printf(m, " %s=%s", ksym_mode_name(i),
			   lv->snap.proof.fits[i] > 0 ? "fits" :
			   lv->snap.proof.fits[i] == 0 ? "no" : "n/a");
	seq_putc(m, '\n');
	seq_printf(m, "layout.alignment: %u\n", lv->loc.align);
	seq_printf(m, "layout.length_encoding: %s (%s)\n",
		   lv->snap.layout.len_enc == KSYM_LEN_ULEB2 ? "uleb128 (1-2 bytes)" :
						     "1 byte", lv->loc.len_how);
	seq_printf(m, "layout.seqs_entry: %u\n", lv->snap.layout.seqs_size);
	seq_printf(m, "layout.markers_found: %s\n", lv->loc.markers_how);
	seq_printf(m, "layout.seqs_found: %s\n", lv->snap.seqs_how);
	seq_printf(m, "layout.name_order: %s\n", lv->snap.own_seqs ?
		   "sorted by the module (the kernel has no usable seqs_of_names)" :
		   "the kernel's seqs_of_names");
	for (p = 0; p < KSYM_NR_PATHS; p++) {
		const struct ksym_path_result *r = &lv->loc.path[p];

		seq_printf(m, "locate.%s: %s: %s\n", ksym_path_name(p),
			   pstatus[!r->status ? 0 : r->status == -ENOENT ? 1 : 2],
			   r->note);
	}
	seq_printf(m, "locate.paths_agree: %s\n",
		   lv->found.counts[KSYM_C_LOCATE] ? "no" : "yes");
	seq_printf(m, "reader.kallsyms_lookup_name: %s\n",
		   lv->kernel.why[0][0] ? lv->kernel.why[0] : "not reached");
	seq_printf(m, "reader.kallsyms_on_each_symbol: %s\n",
		   lv->kernel.why[1][0] ? lv->kernel.why[1] : "not reached");
	seq_printf(m, "truth.imports: %u checked\n", lv->truth.imports);
	seq_printf(m, "truth.exports: %u checked (%u per-CPU, %u objects outside the table's text-only scope); %s\n",
		   lv->truth.exports, lv->truth.exports_percpu,
		   lv->truth.exports_skipped,
		   lv->truth.exports_how[0] ? lv->truth.exports_how : "not reached");
	seq_printf(m, "truth.invariants: %u symbols\n", lv->truth.invariants);
	seq_printf(m, "truth.proc_kallsyms: %s\n",
		   lv->truth.proc_how[0] ? lv->truth.proc_how : "not reached");
	seq_printf(m, "num_syms: %u\n", lv->snap.kt ? lv->snap.kt->num_syms : 0);
	seq_printf(m, "symbols_checked: %u\n", lv->check.checked);
	seq_printf(m, "addresses_checked: %u\n", lv->check.addr_checked);
	seq_printf(m, "check.own_lookup: %s\n", lv->check.one_pass ?
		   "each name's lowest address from one pass over the proven name order" :
		   "a binary search per name");
	if (IS_ENABLED(CONFIG_LTO_CLANG))
		seq_printf(m, "check.lto_rule: %s\n",
			   ksym_lto_rule_name(lv->check.lto));
	if (lv->sample > 1)
		seq_printf(m, "check.sample: every %u-th symbol and the last in name_to_addr and addr_to_name (sample=%u); decode, truth and order see every symbol\n",
			   lv->sample, lv->sample);
	if (lv->check.stride > lv->sample)
		seq_printf(m, "check.name_to_addr_sample: every %u-th symbol and the last: the kernel has no seqs_of_names, so its kallsyms_lookup_name() is a linear scan (the order check sees every name)\n",
			   lv->check.stride);
	seq_printf(m, "kernel_walk_count: %u\n", lv->check.on_each_count);
	for (c = 0; c < KSYM_NR_CLASSES; c++) {
		if (!show_value(lv, c))
			continue;
		seq_printf(m, "%s.%s: %llu", c < KSYM_NR_FAIL_CLASSES ?
			   "mismatch" : "quirk", ksym_class_name(c),
			   lv->found.counts[c]);
		if (quirk_why[c])
			seq_printf(m, " (expected: %s)", quirk_why[c]);
		seq_putc(m, '\n');
	}
	seq_printf(m, "cpus: %u\n", lv->check.cpus);
	seq_printf(m, "ms.locate: %llu\n", ms(lv->ns.locate));
	seq_printf(m, "ms.copy: %llu\n", ms(lv->snap.ns_copy));
	seq_printf(m, "ms.validate: %llu\n",
		   ms(lv->ns.decode - lv->snap.ns_copy - lv->check.ns_decode_pass));
	seq_printf(m, "ms.decode_pass: %llu\n", ms(lv->check.ns_decode_pass));
	seq_printf(m, "ms.truth: %llu\n",
		   ms(lv->truth.ns_rules + lv->truth.ns_exports +
		      lv->truth.ns_proc));
	seq_printf(m, "ms.truth_rules: %llu\n", ms(lv->truth.ns_rules));
	seq_printf(m, "ms.truth_exports: %llu\n", ms(lv->truth.ns_exports));
	seq_printf(m, "ms.truth_proc: %llu\n", ms(lv->truth.ns_proc));
	seq_printf(m, "ms.kernel_proc_read: %llu\n",
		   ms(lv->truth.ns_proc_read));
	seq_printf(m, "ms.prove: %llu\n", ms(lv->ns.prove));
	seq_printf(m, "ms.name_to_addr: %llu\n",
		   ms(lv->ns.name - lv->check.ns_kernel_lookup_all));
	seq_printf(m, "ms.addr_to_name: %llu\n",
		   ms(lv->ns.addr - lv->check.ns_kernel_sprint_all));
	seq_printf(m, "ms.order: %llu\n", ms(lv->ns.order));
	seq_printf(m, "ms.kernel_walk: %llu\n",
		   ms(lv->check.ns_kernel_walk));
	if (lv->check.ns_kernel_lookup_all)
		seq_printf(m, "ms.kernel_lookup_all: %llu\n",
			   ms(lv->check.ns_kernel_lookup_all));
	if (lv->check.ns_kernel_sprint_all)
		seq_printf(m, "ms.kernel_sprint_all: %llu\n",
			   ms(lv->check.ns_kernel_sprint_all));
	/*
	 * The run, without the measurements that check nothing: bench=1's
	 * two, and the sequential pass and kernel walk that ms.decode_pass
	 * and ms.kernel_walk time for scale
	 */
	seq_printf(m, "ms.total: %llu\n",
		   ms(cur_ns - lv->check.ns_kernel_lookup_all -
		      lv->check.ns_kernel_sprint_all -
		      lv->check.ns_decode_pass - lv->check.ns_kernel_walk));
	if (lv->snap.err.code)
		seq_printf(m, "decoder_error: %s\n", m->private ? lv->snap.err.msg :
			   lv->snap.err.check);
	if (!ksym_live_pass(lv)) {
		char d[256];

		ksym_live_diagnose(lv, d, sizeof(d));
		seq_printf(m, "diagnosis: %s\n", d);
	}
	seq_printf(m, "\nmismatches (first %u of %llu):\n", lv->found.nr_mm,
		   ksym_live_failures(lv));
	for (i = 0; i < lv->found.nr_mm; i++) {
		const struct ksym_mismatch *mm = &lv->found.mm[i];

		seq_printf(m, "%s #%u %s expected=0x%llx found=0x%llx: %s\n",
			   ksym_class_name(mm->cls), mm->index, mm->name,
			   addr_for(m, mm->expected), addr_for(m, mm->found),
			   mm->detail);
	}
out:
	mutex_unlock(&state_lock);
	return 0;
}

static int report_open(struct inode *inode, struct file *file)
{
	return single_open(file, report_show,
			   opener_sees_addresses(file) ? file : NULL);
}

static const struct file_operations report_fops = {
	.owner = THIS_MODULE,
	.open = report_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int stats_show(struct seq_file *m, void *v)
{
	const struct ksym_stats *st;

	mutex_lock(&state_lock);
	if (!cur || !cur->snap.decoded) {
		seq_puts(m, "no decoded table\n");
		goto out;
	}
	/* computed when first asked for: no check needs them */
	if (!cur->snap.stats_valid &&
	    !ksym_stats(cur->snap.kt, &cur->snap.stats, NULL))
		cur->snap.stats_valid = true;
	if (!cur->snap.stats_valid) {
		seq_puts(m, "no statistics: a record does not decode\n");
		goto out;
	}
	st = &cur->snap.stats;
	seq_printf(m, "num_syms: %u\n", st->num_syms);
	seq_printf(m, "bytes.names: %zu\n", st->bytes_names);
	seq_printf(m, "bytes.markers: %zu\n", st->bytes_markers);
	seq_printf(m, "bytes.token_table: %zu\n", st->bytes_token_table);
	seq_printf(m, "bytes.token_index: %zu\n", st->bytes_token_index);
	seq_printf(m, "bytes.addresses: %zu\n", st->bytes_addrs);
	seq_printf(m, "bytes.seqs_of_names: %zu\n", st->bytes_seqs);
	seq_printf(m, "names.plain_bytes: %llu\n", st->plain_bytes);
	seq_printf(m, "names.compressed_bytes: %llu\n",
		   st->comp_bytes + st->prefix_bytes);
	seq_printf(m, "names.ratio_percent: %llu\n",
		   div64_u64(100 * (st->comp_bytes + st->prefix_bytes),
			     st->plain_bytes ? st->plain_bytes : 1));
	seq_printf(m, "names.mean_record_bytes_x100: %llu\n",
		   div_u64(100 * st->comp_bytes, st->num_syms));
	seq_printf(m, "names.big_records: %u\n", st->big_records);
	seq_printf(m, "names.longest_record: %u\n", st->max_record);
	seq_printf(m, "names.longest_name: %u\n", st->max_name);
	seq_printf(m, "tokens.nonempty: %u\n", st->tokens_nonempty);
	seq_printf(m, "tokens.used: %u\n", st->tokens_used);
out:
	mutex_unlock(&state_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int ktap_show(struct seq_file *m, void *v)
{
	unsigned int c;

	mutex_lock(&state_lock);
	seq_puts(m, "KTAP version 1\n");
	seq_printf(m, "1..%d\n", KSYM_NR_FAIL_CLASSES);
	for (c = 0; c < KSYM_NR_FAIL_CLASSES; c++) {
		bool ran = cur && (c <= KSYM_C_MODE || cur->snap.decoded);
		const char *skip = cur ? ksym_live_not_run(cur, c) : NULL;

		if (!cur || !ran)
			seq_printf(m, "not ok %u %s # not run: %s\n", c + 1,
				   ksym_class_name(c),
				   cur ? "the tables did not decode" : "no run");
		else if (skip && cur->found.counts[KSYM_C_KERNEL_FN])
			/* not run because a proof failed: that fails it */
			seq_printf(m, "not ok %u %s # not run: %s\n", c + 1,
				   ksym_class_name(c), skip);
		else if (skip)
			seq_printf(m, "ok %u %s # SKIP %s\n", c + 1,
				   ksym_class_name(c), skip);
		else
			seq_printf(m, "%sok %u %s # %llu mismatches\n",
				   cur->found.counts[c] ? "not " : "", c + 1,
				   ksym_class_name(c), cur->found.counts[c]);
	}
	for (c = KSYM_NR_FAIL_CLASSES; cur && c < KSYM_NR_CLASSES; c++)
		if (cur->found.counts[c])
			seq_printf(m, "# quirk %s: %llu, expected\n",
				   ksym_class_name(c), cur->found.counts[c]);
	mutex_unlock(&state_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ktap);

/*
 * symbols: the decoded table in /proc/kallsyms format, one record a step.
 * state_lock is held from symbols_start() to symbols_stop(), so a re-run
 * cannot free the table under a reader; seq_file calls stop before it
 * returns to user space.
 */
static void *symbols_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&state_lock);
	if (!cur || !cur->snap.decoded || *pos >= cur->snap.kt->num_syms)
		return NULL;
	return cur;
}

static void *symbols_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return *pos < cur->snap.kt->num_syms ? cur : NULL;
}

static void symbols_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&state_lock);
}

static int symbols_show(struct seq_file *m, void *v)
{
	struct ksym_live *lv = v;
	struct ksym_decoder *kt = lv->snap.kt;
	struct ksym_sym s;

	if (ksym_get(kt, (u32)m->index, kt->scratch[1], &s, NULL))
		return 0;
	seq_printf(m, "%0*llx %c %s\n", (int)(2 * sizeof(long)),
		   addr_for(m, s.addr), s.type, s.name);
	return 0;
}

static const struct seq_operations symbols_sops = {
	.start = symbols_start,
	.next = symbols_next,
	.stop = symbols_stop,
	.show = symbols_show,
};

/* DEFINE_SEQ_ATTRIBUTE()'s open, plus whether the opener sees addresses */
static int symbols_open(struct inode *inode, struct file *file)
{
	int ret = seq_open(file, &symbols_sops);

	if (!ret && opener_sees_addresses(file))
		((struct seq_file *)file->private_data)->private = file;
	return ret;
}

static const struct file_operations symbols_fops = {
	.owner = THIS_MODULE,
	.open = symbols_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release,
};

static unsigned int parse_paths(const char *s)
{
	unsigned int mask = 0;
	enum ksym_path p;

	for (p = 0; p < KSYM_NR_PATHS; p++) {
		const char *n = ksym_path_name(p), *hit = s ? strstr(s, n) : NULL;
		size_t l = strlen(n);

		if (hit && (hit == s || hit[-1] == ',') &&
		    (hit[l] == '\0' || hit[l] == ','))
			mask |= BIT(p);
	}
	return mask;
}

/* "locate=0 structure=0 ...": every failing class's count */
static void counts_line(const struct ksym_findings *f, char *buf, size_t size)
{
	unsigned int c, len = 0;

	for (c = 0; c < KSYM_NR_FAIL_CLASSES; c++)
		len += scnprintf(buf + len, size - len, "%s%s=%llu", c ? " " : "",
				 ksym_class_name(c), f->counts[c]);
}

/* One dmesg line (and the first findings): names and indices, no addresses. */
static void log_verdict(const struct ksym_live *lv, int ret, u64 ns)
{
	const struct ksym_findings *f = &lv->found;
	char line[256];
	unsigned int c;

	if (ret) {
		pr_err("FAIL run aborted: %d\n", ret);
		return;
	}
	if (ksym_live_pass(lv)) {
		pr_info("PASS n=%u layout=%s mode=%s%s in %llu ms\n",
			lv->snap.kt->num_syms, lv->snap.order,
			ksym_mode_name(lv->snap.proof.mode),
			lv->sample > 1 ? " (readers sampled)" : "", ms(ns));
		return;
	}
	counts_line(f, line, sizeof(line));
	pr_err("FAIL n=%u mode=%s in %llu ms: %s%s%s\n",
	       lv->snap.kt ? lv->snap.kt->num_syms : 0,
	       ksym_mode_name(lv->snap.proof.mode), ms(ns), line,
	       lv->snap.err.code ? " decoder: " : "",
	       lv->snap.err.code ? lv->snap.err.check : "");
	ksym_live_diagnose(lv, line, sizeof(line));
	pr_err("  diagnosis: %s\n", line);
	if (f->counts[KSYM_C_LOCATE]) {
		enum ksym_path p;

		for (p = 0; p < KSYM_NR_PATHS; p++)
			pr_err("  locate.%s: %s\n", ksym_path_name(p),
			       lv->loc.path[p].note);
	}
	for (c = 0; c < f->nr_mm && c < 5; c++)
		pr_err("  %s #%u %s: %s\n", ksym_class_name(f->mm[c].cls),
		       f->mm[c].index, f->mm[c].name, f->mm[c].detail);
}

static void free_live(struct ksym_live *lv)
{
	if (lv) {
		ksym_live_free(lv);
		kfree(lv);
	}
}

/*
 * One run, published as cur.  run_lock is held until the verdict is
 * logged: a second writer of run cannot publish over this run, and so
 * free it, while it is still read here.  Waiting for the lock can be
 * interrupted; a run stopped by a fatal signal is not published (its
 * checks are incomplete).  *@pass is its verdict.
 */
static int do_run(bool *pass)
{
	struct ksym_live *lv, *old = NULL;
	u64 t0, ns;
	int ret;

	lv = kzalloc(sizeof(*lv), GFP_KERNEL);
	if (!lv)
		return -ENOMEM;
	lv->params = &param_addrs;
	lv->corrupt = corrupt;
	lv->paths = parse_paths(paths);
	lv->max_mismatches = min_t(unsigned int, max_mismatches,
				   KSYM_MAX_MISMATCHES);
	lv->sample = sample;
	lv->bench = bench;
	lv->workers = min_t(unsigned int, workers ?: num_online_cpus(),
			    KSYM_MAX_WORKERS);
	if (mutex_lock_interruptible(&run_lock)) {
		free_live(lv);
		return -ERESTARTSYS;
	}
	t0 = ktime_get_ns();	/* the run's own time, not the wait for it */
	ret = ksym_live_run(lv);
	ns = ktime_get_ns() - t0;
	if (ret == -EINTR) {
		pr_info("run stopped by a fatal signal after %llu ms; not published\n",
			ms(ns));
		free_live(lv);
	} else {
		log_verdict(lv, ret, ns);
		*pass = !ret && ksym_live_pass(lv);
		mutex_lock(&state_lock);
		old = cur;
		cur = lv;
		cur_ns = ns;
		mutex_unlock(&state_lock);
	}
	mutex_unlock(&run_lock);
	free_live(old);
	return ret;
}

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	bool pass;
	char c;
	int ret;

	if (!len || get_user(c, ubuf))
		return -EFAULT;
	if (c != '1')
		return -EINVAL;
	ret = do_run(&pass);
	return ret ? ret : len;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
	.llseek = noop_llseek,
};

static void free_cur(void)
{
	free_live(cur);
	cur = NULL;
}

static int __init ksym_verify_init(void)
{
	bool pass = false;
	int ret;

	if (max_mismatches > KSYM_MAX_MISMATCHES)
		pr_warn("max_mismatches=%u is over %u: %u are listed\n",
			max_mismatches, KSYM_MAX_MISMATCHES,
			KSYM_MAX_MISMATCHES);
	ret = do_run(&pass);
	if (!ret && fail_on_mismatch && !pass)
		ret = -EINVAL;
	if (ret) {
		free_cur();
		return ret;
	}
	dir = debugfs_create_dir("ksym_verify", NULL);
	debugfs_create_file("report", 0400, dir, NULL, &report_fops);
	debugfs_create_file("symbols", 0400, dir, NULL, &symbols_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &stats_fops);
	debugfs_create_file("ktap", 0400, dir, NULL, &ktap_fops);
	debugfs_create_file("run", 0200, dir, NULL, &run_fops);
	return 0;
}

static void __exit ksym_verify_exit(void)
{
	/* waits until no reader is inside one of the files */
	debugfs_remove_recursive(dir);
	free_cur();
}

module_init(ksym_verify_init);
module_exit(ksym_verify_exit);
MODULE_DESCRIPTION("Independent decoder and cross-check of the kernel's kallsyms tables");
MODULE_LICENSE("GPL");
