// SPDX-License-Identifier: GPL-2.0
/*
 * Findings, and the cross-checks of the decoded copy against the kernel's
 * own readers: kallsyms_lookup_name() for every name, sprint_symbol() for
 * every address, kallsyms_on_each_symbol() for the order.  Produces the
 * findings.
 */
#define pr_fmt(fmt) "ksym_verify: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/kernel.h>
#include <linux/kallsyms.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "ksym_check.h"
#include "ksym_locate.h"

/* cond_resched() and a look for a fatal signal every this many symbols */
#define KSYM_RESCHED_MASK	1023

/*
 * Yield now and then; a fatal signal stops the check.  Not any signal: a
 * shell's SIGCHLD would stop every run its background jobs overlap, and
 * busybox retries the write, which starts the run again.
 */
bool ksym_check_stop(u32 i)
{
	if (i & KSYM_RESCHED_MASK)
		return false;
	cond_resched();
	return fatal_signal_pending(current);
}

static const char *const class_names[KSYM_NR_CLASSES] = {
	[KSYM_C_LOCATE]		= "locate",
	[KSYM_C_STRUCTURE]	= "structure",
	[KSYM_C_MODE]		= "mode",
	[KSYM_C_IMPORTS]	= "imports",
	[KSYM_C_EXPORTS]	= "exports",
	[KSYM_C_INVARIANTS]	= "invariants",
	[KSYM_C_PROC]		= "proc_kallsyms",
	[KSYM_C_KERNEL_FN]	= "kernel_fn",
	[KSYM_C_NAME_TO_ADDR]	= "name_to_addr",
	[KSYM_C_ADDR_TO_NAME]	= "addr_to_name",
	[KSYM_C_ORDER]		= "order",
	[KSYM_Q_PERCPU]		= "percpu_absolute",
	[KSYM_Q_OUTSIDE]	= "outside_ksym_addr",
	[KSYM_Q_LLVM]		= "llvm_suffix",
	[KSYM_Q_DOT]		= "dot_name",
	[KSYM_Q_BIG_TYPE]	= "big_symbol_type",
	[KSYM_Q_NOT_RUN]	= "reader_not_run",
	[KSYM_Q_DUP_EXPORT]	= "duplicate_export",
	[KSYM_Q_LTO_LOCAL]	= "lto_local_export",
	[KSYM_Q_THUMB]		= "thumb_bit",
};

const char *ksym_class_name(enum ksym_class cls)
{
	return (unsigned int)cls < KSYM_NR_CLASSES ? class_names[cls] : "?";
}

void ksym_finding(struct ksym_findings *f, enum ksym_class cls, u32 index,
		  const char *name, u64 expected, u64 found,
		  const char *fmt, ...)
{
	struct ksym_mismatch *m;
	va_list ap;

	f->counts[cls]++;
	if (cls >= KSYM_NR_FAIL_CLASSES || f->nr_mm >= f->max || !f->mm)
		return;
	m = &f->mm[f->nr_mm++];
	m->cls = cls;
	m->index = index;
	strscpy(m->name, name ? name : "", sizeof(m->name));
	m->expected = expected;
	m->found = found;
	va_start(ap, fmt);
	vsnprintf(m->detail, sizeof(m->detail), fmt, ap);
	va_end(ap);
}

u64 ksym_findings_failures(const struct ksym_findings *f)
{
	u64 sum = 0;
	unsigned int c;

	for (c = 0; c < KSYM_NR_FAIL_CLASSES; c++)
		sum += f->counts[c];
	return sum;
}

/* ---- LTO_CLANG suffixes ---- */

/*
 * With LTO_CLANG, 6.2-6.10 readers (and 6.1.42+ stable) compare names
 * without their suffix: kallsyms_lookup_name() matches the query against
 * the table's names cut at ".llvm." (at the first '.' in 6.2-6.4), so
 * "foo.llvm.123" is not found and "foo" finds the lowest of them, and
 * sprint_symbol() prints the cut name (cleanup_symbol_name()).  From 6.11
 * ("kallsyms: Match symbols exactly with CONFIG_LTO_CLANG", also 6.10.7)
 * names are compared as stored.  A table sorted by the cut names proves
 * the first; one sorted whole is 6.11+ or a 6.2-6.10 table whose suffixes
 * do not change the order, and the kernel's first answer about a suffixed
 * name decides, after which every other answer must agree.
 */
static enum ksym_seqs_order lto_cut(const struct ksym_decoder *kt)
{
	return kt->layout.seqs_order == KSYM_SEQS_EXACT ? KSYM_SEQS_STRIP_LLVM :
							   kt->layout.seqs_order;
}

static bool lto_suffixed(const struct ksym_decoder *kt,
			 const struct ksym_sym *s)
{
	return IS_ENABLED(CONFIG_LTO_CLANG) &&
	       ksym_key_len(s->name, s->name_len, lto_cut(kt)) != s->name_len;
}

static const char *const lto_rule_names[] = {
	[KSYM_LTO_UNSEEN] = "no suffixed name seen",
	[KSYM_LTO_EXACT] = "names compared whole (6.11+)",
	[KSYM_LTO_CUT] = "names compared without the LTO suffix (6.2-6.10)",
};

const char *ksym_lto_rule_name(enum ksym_lto_rule rule)
{
	return (unsigned int)rule < ARRAY_SIZE(lto_rule_names) ?
	       lto_rule_names[rule] : "?";
}

/* A reader's answer about a suffixed name: the rule must stay one. */
static void lto_observe(struct ksym_check_result *r, struct ksym_findings *f,
			enum ksym_class cls, u32 i, const char *name,
			enum ksym_lto_rule rule)
{
	f->counts[KSYM_Q_LLVM]++;
	if (r->lto == KSYM_LTO_UNSEEN)
		r->lto = rule;
	else if (r->lto != rule)
		ksym_finding(f, cls, i, name, r->lto, rule,
			     "LTO suffix: this answer follows \"%s\", earlier ones \"%s\"",
			     ksym_lto_rule_name(rule), ksym_lto_rule_name(r->lto));
}

void ksym_check_lto_init(const struct ksym_decoder *kt,
			 struct ksym_check_result *r)
{
	/* a table sorted by the cut names is read by cutting readers */
	r->lto = IS_ENABLED(CONFIG_LTO_CLANG) &&
		 kt->layout.seqs_order != KSYM_SEQS_EXACT ?
		 KSYM_LTO_CUT : KSYM_LTO_UNSEEN;
}

/* ---- the per-symbol checks, over several CPUs ---- */

struct ksym_ranges;

/*
 * One worker's share of a per-symbol check: the indices [lo, hi), its own
 * decoder (a copy: its own scratch buffers) and findings.  The run's own
 * task takes the first share; it alone can see a fatal signal, and tells
 * the others through @stop.
 */
struct ksym_range {
	const struct ksym_kernel *k;
	struct ksym_decoder *kt;
	const u32 *first;		/* name_to_addr */
	const struct ksym_ranges *ranges;	/* addr_to_name */
	u32 stride;
	u32 lo, hi;
	struct ksym_findings *f;
	struct ksym_check_result *r;
	struct task_struct *owner;
	atomic_t *stop;
};

typedef int (*ksym_range_fn)(struct ksym_range *rg);

/* Is symbol @i one the kernel's reader is asked about: every stride-th, the last? */
static bool asked(const struct ksym_range *rg, u32 i)
{
	return !(i % rg->stride) || i == rg->kt->num_syms - 1;
}

static bool range_stop(struct ksym_range *rg, u32 i)
{
	if (i & KSYM_RESCHED_MASK)
		return false;
	cond_resched();
	if (current == rg->owner && fatal_signal_pending(current))
		atomic_set(rg->stop, 1);
	return atomic_read(rg->stop);
}

struct ksym_worker {
	struct work_struct work;
	struct ksym_range rg;
	struct ksym_decoder kt;
	struct ksym_findings f;
	struct ksym_check_result r;
	ksym_range_fn fn;
	int ret;
	atomic_t *left;
	struct completion *done;
};

static void worker_fn(struct work_struct *work)
{
	struct ksym_worker *w = container_of(work, struct ksym_worker, work);

	w->ret = w->fn(&w->rg);
	if (atomic_dec_and_test(w->left))
		complete(w->done);
}

/* A worker's findings and counts after the ones before it, in index order. */
static void merge(struct ksym_findings *f, struct ksym_check_result *r,
		  const struct ksym_worker *w)
{
	unsigned int c, i;

	for (c = 0; c < KSYM_NR_CLASSES; c++)
		f->counts[c] += w->f.counts[c];
	for (i = 0; i < w->f.nr_mm && f->nr_mm < f->max; i++)
		f->mm[f->nr_mm++] = w->f.mm[i];
	r->checked += w->r.checked;
	r->addr_checked += w->r.addr_checked;
}

static void free_workers(struct ksym_worker *ws, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		kfree(ws[i].f.mm);
	kfree(ws);
}

/*
 * Run @fn over [0, num_syms) in @nr contiguous shares, the first in this
 * task, the others on an unbound workqueue, and merge in index order: the
 * findings, counts and report are those of one serial pass.  Falls back
 * to one share without record offsets to start from or without memory.
 */
static int run_shared(struct ksym_range *base, ksym_range_fn fn,
		      unsigned int nr)
{
	u32 n = base->kt->num_syms, room = base->f->max - base->f->nr_mm;
	struct ksym_worker *ws = NULL;
	struct workqueue_struct *wq = NULL;
	DECLARE_COMPLETION_ONSTACK(done);
	atomic_t left;
	unsigned int i;
	int ret;

	nr = clamp_t(unsigned int, nr, 1, KSYM_MAX_WORKERS);
	if (n < 1024 * nr || !base->kt->rec_off_valid)
		nr = 1;
	if (nr > 1) {
		ws = kcalloc(nr, sizeof(*ws), GFP_KERNEL);
		wq = ws ? alloc_workqueue("ksym_verify", WQ_UNBOUND, nr - 1) : NULL;
	}
	for (i = 1; wq && i < nr; i++) {
		ws[i].f.max = room;
		ws[i].f.mm = kcalloc(room, sizeof(*ws[i].f.mm), GFP_KERNEL);
		if (room && !ws[i].f.mm)
			break;
	}
	if (!wq || i < nr) {
		if (wq)
			destroy_workqueue(wq);
		if (ws)
			free_workers(ws, nr);
		nr = 1;
	}
	base->r->cpus = max(base->r->cpus, nr);
	base->lo = 0;
	base->hi = n;
	if (nr == 1)
		return fn(base);

	atomic_set(&left, nr - 1);
	for (i = 1; i < nr; i++) {
		struct ksym_worker *w = &ws[i];

		w->kt = *base->kt;
		w->r = (struct ksym_check_result){ .lto = base->r->lto };
		w->rg = *base;
		w->rg.kt = &w->kt;
		w->rg.f = &w->f;
		w->rg.r = &w->r;
		w->rg.lo = (u32)div_u64((u64)n * i, nr);
		w->rg.hi = (u32)div_u64((u64)n * (i + 1), nr);
		w->fn = fn;
		w->left = &left;
		w->done = &done;
		INIT_WORK(&w->work, worker_fn);
		queue_work(wq, &w->work);
	}
	base->hi = ws[1].rg.lo;
	ret = fn(base);
	if (wait_for_completion_killable(&done)) {
		atomic_set(base->stop, 1);
		wait_for_completion(&done);
	}
	for (i = 1; i < nr; i++) {
		merge(base->f, base->r, &ws[i]);
		ret = ret ?: ws[i].ret;
	}
	destroy_workqueue(wq);
	free_workers(ws, nr);
	return atomic_read(base->stop) ? -EINTR : ret;
}

/* ---- name to address ---- */

/*
 * Our answer for symbol @i's own name: from @first (one pass over the
 * proven name order) where it holds the rule in force, else a lookup.
 */
static int our_lowest(struct ksym_decoder *kt, const u32 *first,
		      const struct ksym_check_result *r,
		      const struct ksym_sym *s, u32 i, u64 *ours)
{
	bool by_key = kt->layout.seqs_order != KSYM_SEQS_EXACT;

	if (first && (!by_key || r->lto == KSYM_LTO_CUT)) {
		/* no key holds a suffix: a cutting reader finds nothing */
		if (by_key && lto_suffixed(kt, s))
			return -ENOENT;
		return ksym_address(kt, first[i], ours, NULL);
	}
	/* our own lookups clobber scratch[1] only */
	if (r->lto == KSYM_LTO_CUT)
		return ksym_lookup_key(kt, s->name, ours, NULL, NULL);
	return ksym_lookup_name(kt, s->name, ours, NULL, NULL);
}

static int name_to_addr_range(struct ksym_range *rg)
{
	struct ksym_decoder *kt = rg->kt;
	struct ksym_check_result *r = rg->r;
	struct ksym_findings *f = rg->f;
	char *buf = kt->scratch[0];
	struct ksym_sym s;
	u64 ours;
	u32 i, off = rg->lo ? kt->rec_off[rg->lo] : 0;
	unsigned long theirs;
	int ret;

	for (i = rg->lo; i < rg->hi; i++) {
		if (ksym_decode_at(kt, i, &off, buf, &s, NULL))
			break;
		if (s.name[0] == '.')
			f->counts[KSYM_Q_DOT]++;
		if (s.comp_len > 0x7f)
			f->counts[KSYM_Q_BIG_TYPE]++;
		if (!asked(rg, i))
			continue;
		r->checked++;
		theirs = rg->k->lookup_name(s.name);
		/*
		 * Without seqs (up to 6.1.41) each lookup walks every name:
		 * under TCG on a busy host the few between range_stop()'s
		 * reschedules stalled RCU for 21 s (Debian 5.10).
		 */
		cond_resched();
		ret = our_lowest(kt, rg->first, r, &s, i, &ours);
		if (ret)	/* none: only a cut LTO lookup may say so too */
			ours = r->lto == KSYM_LTO_CUT ? 0 : ~0ULL;
		if (lto_suffixed(kt, &s) && (theirs == ours || !theirs))
			lto_observe(r, f, KSYM_C_NAME_TO_ADDR, i, s.name,
				    !theirs ? KSYM_LTO_CUT : KSYM_LTO_EXACT);
		else if (theirs != ours)
			ksym_finding(f, KSYM_C_NAME_TO_ADDR, i, s.name, ours,
				     theirs,
				     "kallsyms_lookup_name() differs from the lowest decoded address");
		if (range_stop(rg, i))
			return -EINTR;
	}
	return 0;
}

/*
 * Under LTO_CLANG the first answer about a suffixed name decides the rule
 * the others must follow: until it is known, one share.
 */
static unsigned int shares(const struct ksym_check_result *r,
			   unsigned int workers)
{
	return IS_ENABLED(CONFIG_LTO_CLANG) && r->lto == KSYM_LTO_UNSEEN ?
	       1 : workers;
}

int ksym_check_name_to_addr(const struct ksym_kernel *k,
			    struct ksym_decoder *kt, const u32 *first,
			    u32 stride, unsigned int workers,
			    struct ksym_findings *f, struct ksym_check_result *r)
{
	atomic_t stop = ATOMIC_INIT(0);
	struct ksym_range rg = {
		.k = k, .kt = kt, .first = first, .stride = stride, .f = f,
		.r = r, .owner = current, .stop = &stop,
	};

	r->checked = 0;
	r->stride = stride;
	r->one_pass = !!first;
	return run_shared(&rg, name_to_addr_range, shares(r, workers));
}

/*
 * The kernel's own kallsyms_lookup_name() for every name, nothing checked:
 * the floor of a name-to-address check, as ns_kernel_walk is of a walk.
 */
int ksym_kernel_lookup_all(const struct ksym_kernel *k,
			   struct ksym_decoder *kt, struct ksym_check_result *r)
{
	char *buf = kt->scratch[0];
	struct ksym_sym s;
	u32 i, off = 0;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < kt->num_syms; i++) {
		if (ksym_decode_at(kt, i, &off, buf, &s, NULL))
			break;
		k->lookup_name(s.name);
		if (ksym_check_stop(i))
			return -EINTR;
	}
	r->ns_kernel_lookup_all = ktime_get_ns() - t0;
	return 0;
}

/*
 * The kernel's sprint_symbol() of every address the address-to-name check
 * asks about (the first of its aliases), nothing checked: that check's
 * floor.
 */
int ksym_kernel_sprint_all(struct ksym_decoder *kt,
			   struct ksym_check_result *r)
{
	u64 t0 = ktime_get_ns(), a, prev = 0;
	char *out = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	u32 i;

	if (!out)
		return -ENOMEM;
	for (i = 0; i < kt->num_syms; i++) {
		if (ksym_address(kt, i, &a, NULL))
			break;
		if (ksym_check_stop(i)) {
			kfree(out);
			return -EINTR;
		}
		if (i && a == prev)
			continue;
		prev = a;
		sprint_symbol(out, (unsigned long)a);
	}
	kfree(out);
	r->ns_kernel_sprint_all = ktime_get_ns() - t0;
	return 0;
}

/* One sequential pass over names and addresses: ours, for scale. */
void ksym_decode_pass(struct ksym_decoder *kt, struct ksym_check_result *r)
{
	char *buf = kt->scratch[0];
	struct ksym_sym s;
	u32 i, off = 0;
	u64 t0 = ktime_get_ns(), a;

	for (i = 0; i < kt->num_syms; i++)
		if (ksym_decode_at(kt, i, &off, buf, &s, NULL) ||
		    ksym_address(kt, i, &a, NULL))
			break;
	r->ns_decode_pass = ktime_get_ns() - t0;
}

/* ---- address to name ---- */

/* The kernel's is_ksym_addr(): where kallsyms_lookup() names an address. */
struct ksym_ranges {
	unsigned long stext, etext, sinit, einit, end;
};

static bool in_kernel_range(u64 addr, unsigned long start, unsigned long end)
{
	return addr >= start &&
	       (KSYM_RANGE_END_INCLUSIVE ? addr <= end : addr < end);
}

static bool is_ksym(const struct ksym_ranges *r, u64 addr)
{
	if (IS_ENABLED(CONFIG_KALLSYMS_ALL))
		return in_kernel_range(addr, r->stext, r->end);
	return in_kernel_range(addr, r->stext, r->etext) ||
	       in_kernel_range(addr, r->sinit, r->einit);
}

/* get_symbol_pos(): where the last symbol ends, for the address asked */
static unsigned long kernel_end(const struct ksym_ranges *r, u64 addr)
{
	if (in_kernel_range(addr, r->sinit, r->einit))
		return r->einit;
	return IS_ENABLED(CONFIG_KALLSYMS_ALL) ? r->end : r->etext;
}

/* a boundary symbol's decoded address, 0 when it is not in the table */
static unsigned long decoded_addr(struct ksym_decoder *kt, const char *name)
{
	u64 a;

	return ksym_lookup_name(kt, name, &a, NULL, NULL) ? 0 : (unsigned long)a;
}

/* "+0x<offset>/0x<size>" as sprint_symbol() prints it (a module's " [m]" cut) */
static bool parse_off_size(const char *plus, unsigned long *off,
			   unsigned long *size)
{
	char tail[48], *slash, *sp;

	if (strscpy(tail, plus, sizeof(tail)) < 0)
		return false;
	slash = strchr(tail, '/');
	if (!slash)
		return false;
	*slash = '\0';
	sp = strchr(slash + 1, ' ');
	if (sp)
		*sp = '\0';
	return !kstrtoul(tail + 1, 16, off) && !kstrtoul(slash + 1, 16, size);
}

static int addr_to_name_range(struct ksym_range *rg)
{
	const struct ksym_ranges *r = rg->ranges;
	struct ksym_check_result *res = rg->r;
	struct ksym_decoder *kt = rg->kt;
	struct ksym_findings *f = rg->f;
	char *buf = kt->scratch[0], *plus, *out;
	unsigned long koff, ksize;
	u64 addr, prev = 0, osize;
	struct ksym_sym s;
	u32 i, off = rg->lo ? kt->rec_off[rg->lo] : 0;
	int ret = 0;

	/* the address before the share: an alias of it is not looked up */
	if (rg->lo && ksym_address(kt, rg->lo - 1, &prev, NULL))
		return 0;
	/* not on the stack: KASAN's redzones take a kernel frame past 1 KiB */
	out = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	for (i = rg->lo; i < rg->hi; i++) {
		if (ksym_decode_at(kt, i, &off, buf, &s, NULL) ||
		    ksym_address(kt, i, &addr, NULL))
			break;
		if (range_stop(rg, i)) {
			ret = -EINTR;
			break;
		}
		/* only the first alias at an address is what lookups name */
		if (i && addr == prev)
			continue;
		prev = addr;
		if (!asked(rg, i))
			continue;
		res->addr_checked++;
		sprint_symbol(out, (unsigned long)addr);
		if (!strncmp(out, "0x", 2)) {
			if (kt->layout.mode == KSYM_ADDR_ABS_PERCPU && s.type == 'A')
				f->counts[KSYM_Q_PERCPU]++;
			else if (!is_ksym(r, addr))
				f->counts[KSYM_Q_OUTSIDE]++;
			else
				ksym_finding(f, KSYM_C_ADDR_TO_NAME, i, s.name,
					     addr, 0,
					     "sprint_symbol() found no symbol");
			continue;
		}
		plus = strrchr(out, '+');
		if (!plus || !parse_off_size(plus, &koff, &ksize)) {
			ksym_finding(f, KSYM_C_ADDR_TO_NAME, i, s.name, 0, 0,
				     "unparsable \"%.60s\"", out);
			continue;
		}
		*plus = '\0';
		/* LTO: the name as printed, whole or cut (see lto_cut()) */
		if (!koff && lto_suffixed(kt, &s)) {
			u32 klen = ksym_key_len(s.name, s.name_len, lto_cut(kt));

			if (!strcmp(out, s.name)) {
				lto_observe(res, f, KSYM_C_ADDR_TO_NAME, i,
					    s.name, KSYM_LTO_EXACT);
			} else if (strlen(out) == klen &&
				   !strncmp(out, s.name, klen)) {
				lto_observe(res, f, KSYM_C_ADDR_TO_NAME, i,
					    s.name, KSYM_LTO_CUT);
				/* the cut name is the right answer here */
				strscpy(out, s.name, KSYM_SYMBOL_LEN);
			}
		}
		/* i is the first at its address: the walk skips the others */
		if (ksym_size_after(kt, i, addr, &osize, NULL))
			osize = ~0ULL;
		else if (!osize)	/* the last address: get_symbol_pos()'s rule */
			osize = (unsigned long)(kernel_end(r, addr) - addr);
		if (strcmp(out, s.name) || koff)
			ksym_finding(f, KSYM_C_ADDR_TO_NAME, i, s.name, 0, koff,
				     "sprint_symbol() names \"%.48s\"+%lx", out,
				     koff);
		else if (osize != ksize)
			ksym_finding(f, KSYM_C_ADDR_TO_NAME, i, s.name, osize,
				     ksize, "size differs");
	}
	kfree(out);
	return ret;
}

int ksym_check_addr_to_name(const struct ksym_kernel *k,
			    struct ksym_decoder *kt, u32 stride,
			    unsigned int workers, struct ksym_findings *f,
			    struct ksym_check_result *res)
{
	const struct ksym_ranges r = {
		.stext = decoded_addr(kt, "_stext"),
		.etext = decoded_addr(kt, "_etext"),
		.sinit = decoded_addr(kt, "_sinittext"),
		.einit = decoded_addr(kt, "_einittext"),
		.end = decoded_addr(kt, "_end"),
	};
	atomic_t stop = ATOMIC_INIT(0);
	struct ksym_range rg = {
		.k = k, .kt = kt, .ranges = &r, .stride = stride, .f = f,
		.r = res, .owner = current, .stop = &stop,
	};

	res->addr_checked = 0;
	return run_shared(&rg, addr_to_name_range, shares(res, workers));
}

/* ---- the order of kallsyms_on_each_symbol() ---- */

struct walk_ctx {
	struct ksym_decoder *kt;
	struct ksym_findings *f;
	u32 index;
	u32 off;
	bool broken;
	bool stopped;		/* a signal: the walk was told to stop */
};

static int order_cb(struct walk_ctx *w, const char *name, unsigned long addr)
{
	struct ksym_decoder *kt = w->kt;
	struct ksym_sym s;
	u64 ours;

	if (ksym_check_stop(w->index)) {
		w->stopped = true;
		return 1;	/* a non-zero return ends the kernel's walk */
	}
	if (w->index >= kt->num_syms || w->broken) {
		w->index++;
		return 0;
	}
	if (ksym_decode_at(kt, w->index, &w->off, kt->scratch[0], &s, NULL) ||
	    ksym_address(kt, w->index, &ours, NULL)) {
		w->broken = true;
	} else if (strcmp(s.name, name) || ours != addr) {
		ksym_finding(w->f, KSYM_C_ORDER, w->index, name, ours, addr,
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

int ksym_check_order(const struct ksym_kernel *k, struct ksym_decoder *kt,
		     struct ksym_findings *f, struct ksym_check_result *r)
{
	typeof(kallsyms_on_each_symbol) *on_each = k->on_each_symbol;
	struct walk_ctx w = { .kt = kt, .f = f };
	u64 t0;

	if (!on_each)
		return 0;	/* the report says why */
	on_each(pick_cb(order_cb_mod, order_cb_plain), &w);
	if (w.stopped)
		return -EINTR;
	r->on_each_count = w.index;
	if (w.index != kt->num_syms)
		ksym_finding(f, KSYM_C_ORDER, 0, "", kt->num_syms, w.index,
			     "kallsyms_on_each_symbol() visited %u symbols, num_syms is %u",
			     w.index, kt->num_syms);
	if (w.broken)
		ksym_finding(f, KSYM_C_ORDER, 0, "", 0, 0,
			     "the copy stopped decoding during the walk");

	/* the kernel's own full traversal, for scale */
	memset(&w, 0, sizeof(w));
	t0 = ktime_get_ns();
	on_each(pick_cb(noop_cb_mod, noop_cb_plain), &w);
	r->ns_kernel_walk = ktime_get_ns() - t0;
	return 0;
}
