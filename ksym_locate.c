// SPDX-License-Identifier: GPL-2.0
/*
 * Find the running kernel's kallsyms arrays by four independent paths, put
 * them together, and complete what no path gives (markers, where seqs may
 * be) by proof.  Produces a struct ksym_located.
 *
 * Memory that is not yet proven to hold the kernel's own arrays is read only
 * through copy_from_kernel_nofault(); nothing here ever writes to it.
 */
#define pr_fmt(fmt) "ksym_verify: " fmt

#include <linux/fs.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/cpufeature.h>
#endif

#include "ksym_check.h"
#include "ksym_locate.h"
#include "ksym_snapshot.h"
#include "ksym_truth.h"
#include "scan.h"

/* "kallsyms_" before each array's own name, as parameters spell them */
#define KSYM_PREFIX_LEN		9
#define KSYM_SCAN_HITS		256	/* the KUnit kernel holds 52 fixture tables */

static const char *const path_names[KSYM_NR_PATHS] = {
	[KSYM_PATH_NAME]	= "name",
	[KSYM_PATH_VMCOREINFO]	= "vmcoreinfo",
	[KSYM_PATH_PARAMS]	= "params",
	[KSYM_PATH_SCAN]	= "scan",
};

const char *ksym_path_name(enum ksym_path p)
{
	return (unsigned int)p < KSYM_NR_PATHS ? path_names[p] : "?";
}

/* ---- the kernel's own functions ---- */

/*
 * May the module call a kernel function it found by address?  Under x86
 * IBT an indirect call must land on an ENDBR64, and at boot the kernel
 * poisons the ENDBR of every function whose address the kernel itself
 * never takes (.ibt_endbr_seal): kallsyms_lookup_name() and
 * kallsyms_on_each_symbol() are among them in Debian's 6.12.  Calling a
 * sealed function raises a control-protection fault, so the entry is read
 * first and the call refused unless it starts with ENDBR64.  FineIBT
 * redirects indirect calls through a hashed preamble the module cannot
 * reproduce: it is refused outright.  Not the kernel's is_endbr(): it
 * takes a u32 in 6.x and a u32 * in 7.x, 7.x does not export it, and it
 * counts the poison as an ENDBR.
 *
 * ppc64 ELFv2: an indirect call passes the target in r12, and a function
 * that uses the TOC starts with a global entry sequence that computes r2
 * from it (addis r2,r12,hi or, relaxed by the linker, lis r2,hi; then
 * addi r2,r2,lo).  The local entry point after it assumes r2 is already
 * the kernel's: a kprobe gives that one (kprobe_lookup_name() steps over
 * the sequence, or onto the ftrace call within the first 16 bytes), so the
 * kprobe's address is mapped back to the sequence before it, and only an
 * entry that holds the sequence is called.
 */
#define KSYM_ENDBR64		0xfa1e0ff3	/* f3 0f 1e fa */
#define KSYM_ENDBR_POISON_6	0x001f0f66	/* osp nopl (%rax): 6.x */
#define KSYM_ENDBR_POISON_7	0xd6401f0f	/* nopl -42(%rax): 7.x */
#define KSYM_PPC_OP_RT_RA	0xffff0000	/* opcode, rD and rA */
#define KSYM_PPC_ADDIS_R2_R12	0x3c4c0000
#define KSYM_PPC_LIS_R2		0x3c400000
#define KSYM_PPC_ADDI_R2_R2	0x38420000
/* where kprobe_lookup_name() may put a probe past the global entry */
#define KSYM_PPC_PROBE_REACH	16

static const char *const call_why[] = {
	[KSYM_CALL_OK] = "callable",
	[KSYM_CALL_SEALED] =
		"sealed by IBT at boot (its ENDBR64 is poisoned): an indirect call would fault",
	[KSYM_CALL_NO_ENDBR] =
		"no ENDBR64 at its entry under IBT: an indirect call would fault",
	[KSYM_CALL_FINEIBT] =
		"FineIBT kernel: indirect calls go through a hashed preamble the module cannot reproduce",
	[KSYM_CALL_PPC64_NO_GEP] =
		"ppc64 ELFv2: no global entry sequence (addis/lis r2; addi r2,r2) at its entry to set up the TOC",
};

const char *ksym_call_why(enum ksym_call c)
{
	return (unsigned int)c < ARRAY_SIZE(call_why) ? call_why[c] : "?";
}

/* An ENDBR64, or what sealing leaves of one (6.x and 7.x poisons)? */
static bool endbr_site(u32 insn)
{
	return insn == KSYM_ENDBR64 || insn == KSYM_ENDBR_POISON_6 ||
	       insn == KSYM_ENDBR_POISON_7;
}

bool ksym_ppc64_gep(const u8 p[KSYM_ENTRY_BYTES], bool big_endian)
{
	u32 first = (u32)ksym_get_uint(p, 4, big_endian);
	u32 second = (u32)ksym_get_uint(p + 4, 4, big_endian);

	first &= KSYM_PPC_OP_RT_RA;
	return (first == KSYM_PPC_ADDIS_R2_R12 || first == KSYM_PPC_LIS_R2) &&
	       (second & KSYM_PPC_OP_RT_RA) == KSYM_PPC_ADDI_R2_R2;
}

enum ksym_call ksym_call_check(const u8 entry[KSYM_ENTRY_BYTES],
			       unsigned int config)
{
	u32 insn = (u32)ksym_get_uint(entry, 4, false);

	if (config & KSYM_CFG_FINEIBT)
		return KSYM_CALL_FINEIBT;
	if (config & KSYM_CFG_PPC64_ELFV2)
		return ksym_ppc64_gep(entry, IS_ENABLED(CONFIG_CPU_BIG_ENDIAN)) ?
		       KSYM_CALL_OK : KSYM_CALL_PPC64_NO_GEP;
	if (!(config & KSYM_CFG_IBT) || insn == KSYM_ENDBR64)
		return KSYM_CALL_OK;
	return endbr_site(insn) ? KSYM_CALL_SEALED : KSYM_CALL_NO_ENDBR;
}

/* IBT enforced now: built in, and the CPU has it on (not ibt=off) */
static bool ibt_enforced(void)
{
#ifdef CONFIG_X86_KERNEL_IBT
	return cpu_feature_enabled(X86_FEATURE_IBT);
#else
	return false;
#endif
}

/*
 * The kernel seals even where IBT is not enforced (TCG, older CPUs,
 * ibt=off): the poison is a 4-byte NOP there, and the call is safe.
 */
static unsigned int this_config(void)
{
	return (ibt_enforced() ? KSYM_CFG_IBT : 0) |
	       (IS_ENABLED(CONFIG_FINEIBT) ? KSYM_CFG_FINEIBT : 0) |
	       (IS_ENABLED(CONFIG_PPC64_ELF_ABI_V2) ? KSYM_CFG_PPC64_ELFV2 : 0);
}

/*
 * The entry of the function a kprobe was placed at: kprobes on IBT
 * kernels step over an ENDBR64 (or its poison), so look 4 bytes back; on
 * ppc64 ELFv2 they step over the global entry sequence, so look for it in
 * the 16 bytes before (the nearest one: the kprobe is within the function).
 */
static unsigned long function_entry(unsigned long kp_addr)
{
	u8 b[KSYM_ENTRY_BYTES];
	unsigned long at;

	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) &&
	    !copy_from_kernel_nofault(b, (void *)(kp_addr - 4), 4) &&
	    endbr_site((u32)ksym_get_uint(b, 4, false)))
		return kp_addr - 4;
	if (!IS_ENABLED(CONFIG_PPC64_ELF_ABI_V2))
		return kp_addr;
	for (at = kp_addr - 8; at + KSYM_PPC_PROBE_REACH >= kp_addr; at -= 4)
		if (!copy_from_kernel_nofault(b, (void *)at, sizeof(b)) &&
		    ksym_ppc64_gep(b, IS_ENABLED(CONFIG_CPU_BIG_ENDIAN)))
			return at;
	return kp_addr;
}

/*
 * @addr, the entry of kernel function @name, if it may be called through
 * a pointer; else 0, and dmesg says why.  An unreadable entry is refused.
 */
static unsigned long callable(unsigned long addr, const char *name)
{
	enum ksym_call v;
	u8 b[KSYM_ENTRY_BYTES];

	if (!addr)
		return 0;
	if (copy_from_kernel_nofault(b, (void *)addr, sizeof(b)))
		return 0;
	v = ksym_call_check(b, this_config());
	if (v == KSYM_CALL_OK)
		return addr;
	pr_warn("not calling %s: %s\n", name, ksym_call_why(v));
	return 0;
}

/*
 * kprobes find the address with the kernel's own lookup.  A kernel with
 * DYNAMIC_FTRACE but not KPROBES_ON_FTRACE refuses a probe on an ftrace
 * site (-EINVAL; riscv64 6.12: the patchable NOPs at every entry), and an
 * offset inside an instruction is refused too (-EILSEQ): then the probe
 * goes a little way into the function, where the kernel resolves
 * symbol+offset with its reader as well, and the entry is the probe's
 * address less the offset.
 */
#define KSYM_KPROBE_REACH	16

int ksym_find_kernel(struct ksym_kernel *k)
{
	unsigned int off;
	int first = 0;

	for (off = 0; off <= KSYM_KPROBE_REACH; off += 2) {
		struct kprobe kp = {
			.symbol_name = "kallsyms_lookup_name",
			.offset = off,
		};

		k->kprobe_ret = register_kprobe(&kp);
		if (!k->kprobe_ret) {
			k->kprobe_offset = off;
			k->kprobe_lookup_name = off ? (unsigned long)kp.addr - off :
					      function_entry((unsigned long)kp.addr);
			unregister_kprobe(&kp);
			return 0;
		}
		if (!off)
			first = k->kprobe_ret;
		/* only the entry's refusals are worth another offset */
		if (k->kprobe_ret != -EINVAL && k->kprobe_ret != -EILSEQ)
			break;
	}
	/* the error at the entry is the one to report */
	k->kprobe_ret = first;
	return 0;
}

/*
 * Prove one function: 0 and its address, or why not in @why.  A finding
 * when the table or a kernel reader is wrong about it; no finding when it
 * merely cannot be called (IBT), which is said in the report.
 */
static unsigned long prove_one(struct ksym_decoder *kt, struct ksym_findings *f,
			       const char *name, unsigned long claimed,
			       unsigned int offset, char *why, size_t len)
{
	u64 ours;
	int ret;

	if (f->counts[KSYM_C_IMPORTS]) {
		snprintf(why, len,
			 "not proven: the decoded addresses disagree with the module loader's");
		return 0;
	}
	if (ksym_lookup_name(kt, name, &ours, NULL, NULL)) {
		snprintf(why, len, "not in the decoded table");
		ksym_finding(f, KSYM_C_KERNEL_FN, 0, name, 0, 0, "%s", why);
		return 0;
	}
	if (claimed && claimed != ours) {
		snprintf(why, len, "a kprobe placed it at another address than the decoded table");
		ksym_finding(f, KSYM_C_KERNEL_FN, 0, name, ours, claimed, "%s", why);
		return 0;
	}
	ret = ksym_prove_function(kt, name, ours, why, len);
	if (ret) {
		ksym_finding(f, KSYM_C_KERNEL_FN, 0, name, ours, 0, "%s", why);
		return 0;
	}
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT)) {
		u8 b[4];

		/* a global function built with IBT starts at an ENDBR site */
		if (!ksym_read(ours, b, 4) ||
		    !endbr_site((u32)ksym_get_uint(b, 4, false))) {
			snprintf(why, len, "no ENDBR64 (or its poison) at the decoded entry");
			ksym_finding(f, KSYM_C_KERNEL_FN, 0, name, ours, 0, "%s", why);
			return 0;
		}
	}
	if (!callable(ours, name)) {
		enum ksym_call v;
		u8 b[KSYM_ENTRY_BYTES];

		v = ksym_read(ours, b, sizeof(b)) ?
		    ksym_call_check(b, this_config()) : KSYM_CALL_NO_ENDBR;
		snprintf(why, len, "not called: %s", ksym_call_why(v));
		f->counts[KSYM_Q_NOT_RUN]++;
		return 0;
	}
	if (claimed && offset)
		snprintf(why, len,
			 "proven: decoded text symbol at the kprobe's entry (probed at +%u: the kernel refused the entry)",
			 offset);
	else
		snprintf(why, len, "proven: decoded text symbol at the %s entry",
			 claimed ? "kprobe's" : "decoded");
	return ours;
}

void ksym_prove_kernel(struct ksym_kernel *k, struct ksym_decoder *kt,
		       struct ksym_findings *f)
{
	unsigned long a;

	if (k->kprobe_ret < 0) {
		snprintf(k->why[0], sizeof(k->why[0]),
			 "register_kprobe() failed: %d (kprobes look it up with the kernel's own reader)",
			 k->kprobe_ret);
		ksym_finding(f, KSYM_C_KERNEL_FN, 0, "kallsyms_lookup_name", 0,
			     (u64)k->kprobe_ret, "%s", k->why[0]);
	} else {
		a = prove_one(kt, f, "kallsyms_lookup_name",
			      k->kprobe_lookup_name, k->kprobe_offset,
			      k->why[0], sizeof(k->why[0]));
		k->lookup_name = a ? (unsigned long (*)(const char *))ksym_fn_ptr(a) :
				 NULL;
	}
	/*
	 * 5.10 builds it only with CONFIG_LIVEPATCH (made general by
	 * "kallsyms: Make kallsyms_on_each_symbol generally available"):
	 * absent from the decoded table and unknown to the proven
	 * kallsyms_lookup_name() too, it is not this kernel's.
	 */
	if (k->lookup_name &&
	    ksym_lookup_name(kt, "kallsyms_on_each_symbol", NULL, NULL, NULL) &&
	    !k->lookup_name("kallsyms_on_each_symbol")) {
		snprintf(k->why[1], sizeof(k->why[1]),
			 "not in this kernel: neither the decoded table nor kallsyms_lookup_name() has it (5.10 without LIVEPATCH)");
		f->counts[KSYM_Q_NOT_RUN]++;
		k->on_each_symbol = NULL;
		return;
	}
	a = prove_one(kt, f, "kallsyms_on_each_symbol", 0, 0, k->why[1],
		      sizeof(k->why[1]));
	/* the proven kernel lookup must agree with the decoded address */
	if (a && k->lookup_name && k->lookup_name("kallsyms_on_each_symbol") != a) {
		snprintf(k->why[1], sizeof(k->why[1]),
			 "kallsyms_lookup_name() gives another address than the decoded table");
		ksym_finding(f, KSYM_C_KERNEL_FN, 0, "kallsyms_on_each_symbol",
			     a, k->lookup_name("kallsyms_on_each_symbol"), "%s",
			     k->why[1]);
		a = 0;
	}
	k->on_each_symbol = a ? (void *)ksym_fn_ptr(a) : NULL;
}

/* ---- reading memory that is not proven yet ---- */

bool ksym_read(unsigned long addr, void *buf, size_t len)
{
	return addr && !copy_from_kernel_nofault(buf, (const void *)addr, len);
}

static bool rd_u32(unsigned long addr, u32 *v)
{
	return ksym_read(addr, v, sizeof(*v));
}

/*
 * Walk @n records of kallsyms_names at @names, their lengths in @enc,
 * without trusting it: return its length, and the offset of record 256 (0
 * if n <= 256).  On failure *@len is the index of the record that failed.
 */
static int walk_names(unsigned long names, u32 n, enum ksym_len_enc enc,
		      size_t *len, u32 *off256)
{
	size_t off = 0;
	u8 b[2];
	u32 i, rl;
	int hdr;

	*off256 = 0;
	for (i = 0; i < n; i++) {
		if (i == 256)
			*off256 = off;
		*len = i;
		if (!ksym_read(names + off, b, 2))
			return -EFAULT;
		/* the record's own bytes are read later, by the copy */
		hdr = ksym_rec_prefix(b, SIZE_MAX, enc, &rl);
		if (hdr < 0)
			return -EINVAL;
		off += hdr + rl;
		if (!(i & 0xffff))
			cond_resched();
	}
	*len = off;
	return 0;
}

/* ---- path 1: by name, once kallsyms_lookup_name() is proven ---- */

void ksym_locate_by_name(struct ksym_located *loc, const struct ksym_kernel *k,
			 struct ksym_findings *f)
{
	struct ksym_path_result *p = &loc->path[KSYM_PATH_NAME];
	unsigned int a, found = 0, agree = 0;

	if (!k->lookup_name) {
		p->status = -ENOENT;
		snprintf(p->note, sizeof(p->note),
			 "not used: kallsyms_lookup_name is not proven (reader.kallsyms_lookup_name says why)");
		return;
	}
	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		p->addr[a] = k->lookup_name(ksym_array_name(a));
		if (!p->addr[a])
			continue;
		found++;
		if (!loc->addr[a])
			continue;
		if (loc->addr[a] == p->addr[a])
			agree++;
		else
			ksym_finding(f, KSYM_C_LOCATE, a, ksym_array_name(a),
				     loc->addr[a], p->addr[a],
				     "kallsyms_lookup_name() puts it elsewhere than the other paths");
	}
	if (p->addr[KSYM_A_NAMES] && p->addr[KSYM_A_NUM_SYMS]) {
		snprintf(p->note, sizeof(p->note),
			 "%u arrays in kallsyms; %u agree with the other paths",
			 found, agree);
		p->status = 0;
	} else {
		snprintf(p->note, sizeof(p->note),
			 "the arrays are not in kallsyms (KALLSYMS_ALL off, or before 6.10)");
		p->status = -ENOENT;
	}
}

/* ---- path 2: VMCOREINFO ---- */

/*
 * The VMCOREINFO text, through /sys/kernel/vmcoreinfo ("<paddr> <size>"
 * of the ELF note whose descriptor is the text): no kernel function is
 * called by address.
 */
static char *read_vmcoreinfo(const char **how)
{
	unsigned long long pa;
	unsigned long data, size;
	char line[48] = "";
	loff_t pos = 0;
	struct file *file;
	unsigned int sz;
	u32 nhdr[3];
	char *text;
	ssize_t n;

	file = filp_open("/sys/kernel/vmcoreinfo", O_RDONLY, 0);
	if (IS_ERR(file))
		return NULL;
	n = kernel_read(file, line, sizeof(line) - 1, &pos);
	filp_close(file, NULL);
	if (n <= 0 || sscanf(line, "%llx %x", &pa, &sz) != 2 || !pa)
		return NULL;
	data = (unsigned long)phys_to_virt(pa);
	if (!ksym_read(data, nhdr, sizeof(nhdr)) || nhdr[0] >= 64 ||
	    nhdr[1] > sz)
		return NULL;
	*how = "/sys/kernel/vmcoreinfo's ELF note";
	size = min_t(unsigned long, nhdr[1], 16 * PAGE_SIZE);
	data += sizeof(nhdr) + ALIGN(nhdr[0], 4);
	text = kvzalloc(size + 1, GFP_KERNEL);
	if (text && !ksym_read(data, text, size)) {
		kvfree(text);
		return NULL;
	}
	return text;
}

static void path_vmcoreinfo(struct ksym_located *loc)
{
	struct ksym_path_result *p = &loc->path[KSYM_PATH_VMCOREINFO];
	const char *how = "";
	char *text, *line, *next;
	unsigned int a, found = 0;
	unsigned long v;

	p->status = -ENOENT;
	text = read_vmcoreinfo(&how);
	if (!text) {
		snprintf(p->note, sizeof(p->note), "no VMCOREINFO found");
		return;
	}
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* the KASLR offset, recorded for reading captures later */
		if (str_has_prefix(line, "KERNELOFFSET=") &&
		    !kstrtoul(line + strlen("KERNELOFFSET="), 16, &v)) {
			loc->kaslr_offset = v;
			loc->has_kaslr_offset = true;
		}
		if (!str_has_prefix(line, "SYMBOL("))
			continue;
		for (a = 0; a < KSYM_NR_ARRAYS; a++) {
			const char *name = ksym_array_name(a);
			size_t l = strlen(name);

			if (!strncmp(line + 7, name, l) &&
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

static void path_params(struct ksym_located *loc,
			const struct ksym_param_addrs *pa)
{
	struct ksym_path_result *p = &loc->path[KSYM_PATH_PARAMS];
	unsigned long shift = 0;
	unsigned int a, given = 0;

	p->status = -ENOENT;
	for (a = 0; pa && a < KSYM_NR_ARRAYS; a++)
		given += !!pa->addr[a];
	if (!given) {
		snprintf(p->note, sizeof(p->note), "no parameters given");
		return;
	}
	/* System.map addresses: shifted by the KASLR offset of VMCOREINFO */
	if (pa->sysmap_text && loc->has_kaslr_offset)
		shift = loc->kaslr_offset;
	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		const char *name = ksym_array_name(a) + KSYM_PREFIX_LEN;
		u8 probe;

		if (!pa->addr[a])
			continue;
		p->addr[a] = pa->addr[a] + shift;
		if (!ksym_read(p->addr[a], &probe, 1)) {
			pr_err("parameter %s_addr points at unreadable memory\n",
			       name);
			p->status = -EINVAL;
			snprintf(p->note, sizeof(p->note),
				 "%s_addr is not readable kernel memory", name);
			memset(p->addr, 0, sizeof(p->addr));
			return;
		}
	}
	p->status = p->addr[KSYM_A_NAMES] && p->addr[KSYM_A_NUM_SYMS] ?
		    0 : -ENOENT;
	snprintf(p->note, sizeof(p->note), "%u addresses%s", given,
		 !pa->sysmap_text ? "" : loc->has_kaslr_offset ?
		 ", shifted by VMCOREINFO's KERNELOFFSET" :
		 ", not shifted: no KERNELOFFSET in VMCOREINFO");
}

/* ---- path 4: landmark scan ---- */

/* the scanned copy of the window around _ctype */
struct scan_buf {
	const u8 *buf;
	unsigned long start;
	size_t len;
};

static const u8 *scan_at(void *ctx, u64 va, size_t size)
{
	const struct scan_buf *sb = ctx;

	if (va < sb->start || va - sb->start > sb->len ||
	    size > sb->len - (va - sb->start))
		return NULL;
	return sb->buf + (va - sb->start);
}

/* Does this candidate's table reproduce the imports' addresses? */
static bool scan_hit_proves(const struct ksym_located *loc,
			    const struct ksym_scan_hit *h, struct scan_buf *sb)
{
	struct ksym_layout l;
	struct ksym_arrays t;
	struct ksym_proof proof;
	struct ksym_decoder *kt;
	bool ok = false;

	static const enum ksym_len_enc encs[] = {
		KSYM_LEN_ULEB2, KSYM_LEN_1BYTE,
	};
	unsigned int e;

	ksym_views_at(&t, h->va, h->num_syms, sizeof(long), scan_at, sb);
	/* the decoder proves the mode by names and addresses, not by seqs */
	memset(&t.seqs, 0, sizeof(t.seqs));
	ksym_live_layout(&l);
	kt = kzalloc(sizeof(*kt), GFP_KERNEL);
	for (e = 0; kt && !ok && e < ARRAY_SIZE(encs); e++) {
		l.len_enc = encs[e];
		if (!ksym_open(kt, &t, &l, NULL))
			ok = !ksym_prove_mode(kt, loc->anchors, loc->nr_anchors,
					      &proof, NULL);
	}
	kfree(kt);
	return ok;
}

/*
 * How far around the hint the window reaches: .rodata holds the kallsyms
 * arrays and the export table, and is at most a few tens of MiB in any
 * Debian kernel (13 MiB after _ctype in 7.3 amd64).
 */
#define KSYM_WINDOW_BEFORE	SZ_16M
#define KSYM_WINDOW_AFTER	SZ_32M

/*
 * The run of readable 64 KiB pieces around the hint, within the limits
 * above: the kernel image is mapped without holes, and the window stops
 * where its mapping does.
 */
size_t ksym_rodata_window(unsigned long *start)
{
	unsigned long hint = ALIGN_DOWN(ksym_rodata_hint(), SZ_64K);
	unsigned long lo = hint, hi = hint;
	u8 b;

	while (hint - lo < KSYM_WINDOW_BEFORE && ksym_read(lo - SZ_64K, &b, 1))
		lo -= SZ_64K;
	while (hi - hint < KSYM_WINDOW_AFTER && ksym_read(hi, &b, 1))
		hi += SZ_64K;
	*start = lo;
	return hi - lo;
}

static void path_scan(struct ksym_located *loc)
{
	struct ksym_path_result *p = &loc->path[KSYM_PATH_SCAN];
	struct ksym_scan_hit *hits;
	struct ksym_scan_work work = { 0 };
	unsigned int nh, h, proven = 0, chosen = 0;
	unsigned long start;
	struct scan_buf sb;
	size_t len, off, chunk;
	u8 *buf;

	p->status = -ENOENT;
	len = ksym_rodata_window(&start);
	if (!len) {
		snprintf(p->note, sizeof(p->note), "no readable memory around _ctype");
		return;
	}
	work.budget = KSYM_SCAN_WORK(len);
	buf = kvmalloc(len, GFP_KERNEL);
	hits = kcalloc(KSYM_SCAN_HITS, sizeof(*hits), GFP_KERNEL);
	if (!buf || !hits) {
		snprintf(p->note, sizeof(p->note), "no memory for %zu MiB", len >> 20);
		goto out;
	}
	/* unmapped holes read as zeros */
	for (off = 0; off < len; off += chunk) {
		chunk = min_t(size_t, len - off, SZ_64K);
		if (!ksym_read(start + off, buf + off, chunk))
			memset(buf + off, 0, chunk);
		cond_resched();
	}
	nh = ksym_scan(buf, len, start, IS_ENABLED(CONFIG_CPU_BIG_ENDIAN),
		       sizeof(long), &work, hits, KSYM_SCAN_HITS);
	if (!nh) {
		snprintf(p->note, sizeof(p->note),
			 "no candidate in %zu MiB around _ctype%s", len >> 20,
			 work.exhausted ? " (the scan stopped at its bound)" :
			 work.regions_cut ? " (a region was cut at its bound)" : "");
		goto out;
	}
	/*
	 * Other kallsyms tables can sit in .rodata too (the KUnit fixtures
	 * do): keep the candidate whose table reproduces the addresses the
	 * module loader resolved for the module's imports.
	 */
	sb = (struct scan_buf){ .buf = buf, .start = start, .len = len };
	for (h = 0; h < nh; h++) {
		if (scan_hit_proves(loc, &hits[h], &sb)) {
			if (!proven++)
				chosen = h;
		}
	}
	if (!proven) {
		snprintf(p->note, sizeof(p->note),
			 "%u candidate(s)%s, none reproduces the imports' addresses",
			 nh, nh == KSYM_SCAN_HITS ? " (the cap: more not looked at)" : "");
		if (work.exhausted) {
			size_t l = strlen(p->note);

			snprintf(p->note + l, sizeof(p->note) - l,
				 "; the scan stopped at its bound at 0x%lx, %zu bytes short of the end",
				 start + work.stop, len - work.stop);
		}
		goto out;
	}
	for (h = 0; h < KSYM_NR_ARRAYS; h++)
		p->addr[h] = hits[chosen].va[h];
	loc->scan_seqs_size = hits[chosen].seqs_size;
	p->status = 0;
	snprintf(p->note, sizeof(p->note),
		 "%u candidate(s)%s in %zu MiB around _ctype, %u proven by the imports; %s order",
		 nh, nh == KSYM_SCAN_HITS ? " (cap)" : "", len >> 20, proven,
		 !hits[chosen].old_order ? "6.4+" :
		 hits[chosen].seqs_size ? "6.1.42-6.3" : "<=6.1.41");
out:
	kfree(hits);
	kvfree(buf);
}

/* ---- putting the paths together ---- */

/*
 * The scan proves num_syms, names, markers and the token arrays; it places
 * offsets, relative_base and seqs by an era's order and alignment, which
 * another era can share (7.x with 8-byte labels looks like 6.4-6.19).
 * Those are guesses: they fill a gap, never contradict another path, and
 * seqs is only the first candidate.
 */
static bool scan_guess(unsigned int pi, unsigned int a)
{
	return pi == KSYM_PATH_SCAN &&
	       (a == KSYM_A_OFFSETS || a == KSYM_A_RELATIVE_BASE ||
		a == KSYM_A_SEQS);
}

static int consolidate(struct ksym_located *loc, struct ksym_findings *f)
{
	unsigned int a, pi;

	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		for (pi = 0; pi < KSYM_NR_PATHS; pi++) {
			unsigned long v = loc->path[pi].addr[a];

			if (loc->path[pi].status || !v)
				continue;
			if (scan_guess(pi, a)) {
				if (a == KSYM_A_SEQS)
					loc->scan_seqs = v;
				else if (!loc->addr[a])
					loc->addr[a] = v;
				continue;
			}
			if (!loc->addr[a])
				loc->addr[a] = v;
			else if (loc->addr[a] != v)
				ksym_finding(f, KSYM_C_LOCATE, a,
					     ksym_array_name(a), 0, 0,
					     "path %s disagrees with an earlier path",
					     path_names[pi]);
		}
	}
	if (!loc->addr[KSYM_A_NAMES] || !loc->addr[KSYM_A_NUM_SYMS] ||
	    !loc->addr[KSYM_A_TOKEN_TABLE] || !loc->addr[KSYM_A_TOKEN_INDEX]) {
		ksym_finding(f, KSYM_C_LOCATE, 0, "", 0, 0,
			     "no path found names, num_syms and the token arrays");
		return -ENOENT;
	}
	return 0;
}

/*
 * Where the markers are after @names_len bytes of names (by alignment), or
 * whether the ones located by address hold, proven by the walk: 0 first,
 * then record 256's offset @off256.
 */
static bool markers_at(const struct ksym_located *loc, size_t names_len,
		       u32 off256, unsigned long *m, unsigned int *align)
{
	static const unsigned int aligns[] = { sizeof(long), 4, 16, 32 };
	unsigned int i;
	u32 m0, m1;

	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		*m = loc->addr[KSYM_A_MARKERS] ?:
		     ALIGN(loc->addr[KSYM_A_NAMES] + names_len, aligns[i]);
		*align = loc->addr[KSYM_A_MARKERS] ? 0 : aligns[i];
		if (!rd_u32(*m, &m0) || m0)
			continue;
		if (loc->num_syms > 256 &&
		    (!rd_u32(*m + 4, &m1) || m1 != off256))
			continue;
		return true;
	}
	return false;
}

/*
 * The record lengths' encoding and the markers, by proof: walked in each
 * encoding, record 256 must start where markers[1] says, and (unless
 * located by address) the markers must follow the last record.  Where
 * both encodings read every record alike (none of 128 bytes or more) they
 * are one layout; only then does this build's KSYM_NAME_LEN name it.
 */
static int names_and_markers(struct ksym_located *loc, struct ksym_findings *f)
{
	static const enum ksym_len_enc encs[] = {
		KSYM_LEN_ULEB2, KSYM_LEN_1BYTE,
	};
	unsigned int built = KSYM_NAME_LEN > 128 ? 0 : 1;
	bool by_addr = loc->addr[KSYM_A_MARKERS];
	unsigned long m[2] = { 0, 0 };
	unsigned int align[2] = { 0, 0 };
	bool ok[2];
	size_t len[2];
	u32 off256[2];
	int ret[2];
	unsigned int e;

	for (e = 0; e < 2; e++) {
		ret[e] = walk_names(loc->addr[KSYM_A_NAMES], loc->num_syms,
				    encs[e], &len[e], &off256[e]);
		ok[e] = !ret[e] && markers_at(loc, len[e], off256[e], &m[e],
					      &align[e]);
	}
	if (!ret[0] && !ret[1] && len[0] == len[1] && off256[0] == off256[1]) {
		e = built;
		snprintf(loc->len_how, sizeof(loc->len_how),
			 "1-byte and uleb128 read every record alike (none of 128 bytes or more)");
	} else if (ok[0] != ok[1]) {
		e = ok[0] ? 0 : 1;
		snprintf(loc->len_how, sizeof(loc->len_how),
			 "%s: only its walk meets the markers",
			 e ? "1-byte" : "uleb128");
	} else if (ok[0]) {
		e = built;
		snprintf(loc->len_how, sizeof(loc->len_how),
			 "both walks meet the markers; KSYM_NAME_LEN %u names %s",
			 KSYM_NAME_LEN, e ? "1-byte" : "uleb128");
	} else if (!ret[0] || !ret[1]) {
		e = ret[built] ? !built : built;
		snprintf(loc->len_how, sizeof(loc->len_how),
			 "%s: the only walk that ends (neither meets the markers)",
			 e ? "1-byte" : "uleb128");
	} else {
		ksym_finding(f, KSYM_C_LOCATE, len[0], "kallsyms_names", 0, 0,
			     "walking %u records failed at record %zu (uleb128) and %zu (1-byte)",
			     loc->num_syms, len[0], len[1]);
		return -EINVAL;
	}
	if (!ok[e] && !by_addr) {
		ksym_finding(f, KSYM_C_LOCATE, 0, "kallsyms_markers", 0, 0,
			     "no aligned position after names starts with the walked offsets");
		return -ENOENT;
	}
	loc->names_len = len[e];
	loc->len_enc = encs[e];
	if (by_addr) {
		/* the decoder checks every marker against the records */
		snprintf(loc->markers_how, sizeof(loc->markers_how),
			 "given by a path (locate.*)%s", ok[e] ?
			 "; markers[1] proven by the walk" : "");
		return 0;
	}
	loc->addr[KSYM_A_MARKERS] = m[e];
	loc->align = align[e];
	snprintf(loc->markers_how, sizeof(loc->markers_how),
		 "after names, %u-aligned; markers[0]=0, markers[1]=%u proven",
		 align[e], off256[e]);
	return 0;
}

static bool seen(const struct ksym_located *loc, unsigned int n,
		 unsigned long x, u8 size)
{
	while (n--)
		if (loc->seqs_cand[n] == x && loc->seqs_size_cand[n] == size)
			return true;
	return false;
}

/* entries of a candidate that must look like a permutation's */
#define KSYM_SEQS_SAMPLE	64

/*
 * Could a seqs_of_names of @size-byte entries start at @addr?  Its first
 * entries must be distinct indices below @n.  What follows another array
 * does not pass by chance: relative_base, read as entries, gives a 0 and
 * then bytes of a kernel address far above any num_syms.
 */
static bool seqs_plausible(unsigned long addr, u8 size, u32 n)
{
	u8 b[4 * KSYM_SEQS_SAMPLE];
	u32 v[KSYM_SEQS_SAMPLE];
	unsigned int i, j, k = min_t(u32, n, KSYM_SEQS_SAMPLE);

	if (!ksym_read(addr, b, (size_t)size * k))
		return false;
	for (i = 0; i < k; i++) {
		/* 3-byte entries are big-endian; 4-byte ones native */
		v[i] = size == 3 ? ksym_get_uint(b + 3 * i, 3, true) :
		       ksym_get_uint(b + 4 * i, 4,
				     IS_ENABLED(CONFIG_CPU_BIG_ENDIAN));
		if (v[i] >= n)
			return false;
		for (j = 0; j < i; j++)
			if (v[j] == v[i])
				return false;
	}
	return true;
}

static void add_seqs(struct ksym_located *loc, unsigned int *nc,
		     unsigned long addr, u8 size, const char *why)
{
	if (*nc == KSYM_SEQS_CANDIDATES || seen(loc, *nc, addr, size) ||
	    !seqs_plausible(addr, size, loc->num_syms))
		return;
	loc->seqs_cand[*nc] = addr;
	loc->seqs_size_cand[*nc] = size;
	loc->seqs_why[(*nc)++] = why;
}

/*
 * Candidate positions of seqs_of_names, by the layout orders of each era,
 * with 3-byte entries (6.1.60+) and 4-byte ones (6.1.42-6.1.59).  Only a
 * position whose first entries could be a permutation's is tried; with
 * none, the table has no seqs (before 6.1.42), which the decode without
 * seqs and the table's own names then confirm (ksym_snapshot.c).
 */
static void seqs_candidates(struct ksym_located *loc)
{
	static const unsigned int aligns[] = { sizeof(long), 4, 16, 32 };
	static const u8 sizes[] = { 3, 4 };
	static const char *const what[4] = {
		"after markers (6.1.42-6.3 order)",
		"after relative_base (6.4-6.19 order)",
		"after offsets (7.0+ order)",
		"after addresses (absolute, 6.4+ order)",
	};
	const unsigned long *addr = loc->addr;
	u32 n = loc->num_syms;
	unsigned long after[4];
	unsigned int i, k, z, nc = 0;

	if (addr[KSYM_A_SEQS]) {
		/* located by address: only the entry size is open */
		for (z = 0; z < ARRAY_SIZE(sizes); z++) {
			loc->seqs_cand[z] = addr[KSYM_A_SEQS];
			loc->seqs_size_cand[z] = sizes[z];
			loc->seqs_why[z] = "located by address";
		}
		loc->nr_seqs_cand = ARRAY_SIZE(sizes);
		return;
	}
	if (loc->scan_seqs)
		add_seqs(loc, &nc, loc->scan_seqs, loc->scan_seqs_size ?: 3,
			 "where the scan placed it");
	after[0] = addr[KSYM_A_MARKERS] + 4 * DIV_ROUND_UP(n, 256);
	after[1] = addr[KSYM_A_RELATIVE_BASE] ?
		   addr[KSYM_A_RELATIVE_BASE] + sizeof(long) : 0;
	after[2] = addr[KSYM_A_OFFSETS] ? addr[KSYM_A_OFFSETS] + 4UL * n : 0;
	after[3] = addr[KSYM_A_ADDRESSES] ?
		   addr[KSYM_A_ADDRESSES] + sizeof(long) * n : 0;
	for (i = 0; i < ARRAY_SIZE(after); i++)
		for (k = 0; k < ARRAY_SIZE(aligns) && after[i]; k++)
			for (z = 0; z < ARRAY_SIZE(sizes); z++)
				add_seqs(loc, &nc, ALIGN(after[i], aligns[k]),
					 sizes[z], what[i]);
	loc->nr_seqs_cand = nc;
}

/* Bytes of the token table: up to the NUL of the token that starts last. */
static size_t token_table_size(const struct ksym_located *loc)
{
	unsigned long tt = loc->addr[KSYM_A_TOKEN_TABLE];
	u16 idx[KSYM_NR_TOKENS];
	unsigned int i, last = 0;
	char c;

	if (!ksym_read(loc->addr[KSYM_A_TOKEN_INDEX], idx, sizeof(idx)))
		return 0;
	for (i = 0; i < KSYM_NR_TOKENS; i++)
		last = max_t(unsigned int, last, idx[i]);
	for (i = 0; i < KSYM_NAME_MAX; i++) {
		if (!ksym_read(tt + last + i, &c, 1))
			return 0;
		if (!c)
			return last + i + 1;
	}
	return 0;
}

/* Every path, then what the paths together leave open. */
static int locate(struct ksym_located *loc, const struct ksym_kernel *k,
		  const struct ksym_param_addrs *params, unsigned int paths,
		  struct ksym_findings *f)
{
	unsigned int a;
	int ret;

	/*
	 * What the mode proof (and the scan's choice) must reproduce: the
	 * module loader's addresses, not kallsyms'.  The name path comes
	 * after the decode, once kallsyms_lookup_name() is proven.
	 */
	loc->nr_anchors = ksym_import_anchors(loc->anchors, KSYM_MAX_ANCHORS);
	if (paths & BIT(KSYM_PATH_VMCOREINFO))
		path_vmcoreinfo(loc);
	if (paths & BIT(KSYM_PATH_PARAMS))
		path_params(loc, params);
	/* a wild parameter is the caller's error, not a finding */
	if (loc->path[KSYM_PATH_PARAMS].status == -EINVAL)
		return -EINVAL;
	if (paths & BIT(KSYM_PATH_SCAN))
		path_scan(loc);
	for (a = 0; a < KSYM_NR_PATHS; a++) {
		if (paths & BIT(a))
			continue;
		loc->path[a].status = -ENOENT;
		snprintf(loc->path[a].note, sizeof(loc->path[a].note),
			 "not used (paths=)");
	}

	ret = consolidate(loc, f);
	if (ret)
		return ret;
	if (!rd_u32(loc->addr[KSYM_A_NUM_SYMS], &loc->num_syms) ||
	    !loc->num_syms) {
		ksym_finding(f, KSYM_C_LOCATE, 0, "kallsyms_num_syms", 0,
			     loc->num_syms, "unreadable or zero");
		return -ENOENT;
	}
	ret = names_and_markers(loc, f);
	if (ret)
		return ret;
	/* num_syms (4 bytes) sits right before names, padded to the alignment */
	if (!loc->align &&
	    loc->addr[KSYM_A_NAMES] > loc->addr[KSYM_A_NUM_SYMS])
		loc->align = loc->addr[KSYM_A_NAMES] - loc->addr[KSYM_A_NUM_SYMS];
	loc->token_table_size = token_table_size(loc);
	if (!loc->token_table_size) {
		ksym_finding(f, KSYM_C_LOCATE, 0, "kallsyms_token_table", 0, 0,
			     "token table unreadable or unterminated");
		return -ENOENT;
	}
	seqs_candidates(loc);
	return 0;
}

int ksym_locate(struct ksym_located *loc, const struct ksym_kernel *k,
		const struct ksym_param_addrs *params, unsigned int paths,
		struct ksym_findings *f)
{
	int ret = locate(loc, k, params, paths, f);

	return ret == -EINVAL && loc->path[KSYM_PATH_PARAMS].status == -EINVAL ?
	       -EINVAL : ret ? -ENOENT : 0;
}
