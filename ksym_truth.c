// SPDX-License-Identifier: GPL-2.0
/*
 * The decoded table against truth that scripts/kallsyms.c did not write:
 *
 *   imports        the addresses the module loader resolved for this
 *                  module's own imports (through the export table)
 *   exports        every entry of __ksymtab (and __ksymtab_gpl before 7.0),
 *                  written by the compiler and linker from EXPORT_SYMBOL*()
 *   invariants     the generator's own rules: boundary symbols, the alias
 *                  order of its sort, type letters, its filter
 *   proc_kallsyms  the kernel's /proc/kallsyms text, line by line
 *
 * None of them calls a function that kallsyms gave.
 */
#define pr_fmt(fmt) "ksym_verify: " fmt

#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ksym_check.h"
#include "ksym_locate.h"
#include "ksym_truth.h"

/* ---- the module's own imports ---- */

struct ksym_import {
	const char *name;
	unsigned long addr;	/* a function's: its pointer (ksym_fn_ptr()) */
};

#define KSYM_IMPORT(sym)	{ #sym, (unsigned long)&(sym) }

/*
 * Exported by every kernel this module supports (5.10 to 7.x), functions
 * and one rodata object, GPL and not.  Their addresses are relocations the
 * module loader applied from the export table.
 */
static const struct ksym_import imports[] = {
	KSYM_IMPORT(kfree),
	KSYM_IMPORT(seq_read),
	KSYM_IMPORT(single_open),
	KSYM_IMPORT(_ctype),
	KSYM_IMPORT(filp_open),
	KSYM_IMPORT(kernel_read),
	KSYM_IMPORT(copy_from_kernel_nofault),	/* GPL */
	KSYM_IMPORT(register_kprobe),		/* GPL */
};

/* the first three: functions, in the table with or without KALLSYMS_ALL */
unsigned int ksym_import_anchors(struct ksym_anchor *a, unsigned int max)
{
	unsigned int i, n = min_t(unsigned int, max, 3);

	for (i = 0; i < n; i++) {
		a[i].name = imports[i].name;
		a[i].addr = imports[i].addr & ~KSYM_THUMB_BIT;
	}
	return n;
}

unsigned long ksym_rodata_hint(void)
{
	return (unsigned long)&_ctype;
}

/*
 * Is there a decoded symbol @name at @addr?  Its type in *@type.  Walks
 * the aliases at @addr; uses kt->scratch[0].
 */
static bool decoded_at(struct ksym_decoder *kt, u64 addr, const char *name,
		       char *type)
{
	struct ksym_sym s;
	u64 off;
	u32 i, idx;

	if (ksym_lookup_addr(kt, addr, &idx, &off, NULL, NULL) || off)
		return false;
	for (i = idx; i < kt->num_syms; i++) {
		if (ksym_get(kt, i, kt->scratch[0], &s, NULL) || s.addr != addr)
			return false;
		if (!strcmp(s.name, name)) {
			*type = s.type;
			return true;
		}
	}
	return false;
}

/*
 * Where the table has symbols: everywhere with KALLSYMS_ALL; without it
 * only [_stext, _etext) and [_sinittext, _einittext) (scripts/kallsyms.c's
 * symbol_valid()), so an exported object is not in the table.
 */
struct ksym_scope {
	bool all;
	u64 b[4];
};

static void scope_init(struct ksym_decoder *kt, struct ksym_scope *sc)
{
	static const char *const names[4] = {
		"_stext", "_etext", "_sinittext", "_einittext",
	};
	unsigned int i;

	sc->all = IS_ENABLED(CONFIG_KALLSYMS_ALL);
	for (i = 0; i < 4 && !sc->all; i++)
		if (ksym_lookup_name(kt, names[i], &sc->b[i], NULL, NULL))
			sc->all = true;	/* invariants says what is missing */
}

static bool in_scope(const struct ksym_scope *sc, u64 value)
{
	return sc->all || (value >= sc->b[0] && value < sc->b[1]) ||
	       (value >= sc->b[2] && value < sc->b[3]);
}

/*
 * One exported symbol against the decoded table: a global symbol of that
 * name at that address.  @what names the truth in the finding.
 */
static bool check_export(struct ksym_decoder *kt, struct ksym_findings *f,
			 enum ksym_class cls, const char *what,
			 const char *name, u64 value)
{
	bool found;
	char type;
	u64 ours;
	u32 idx;

	found = decoded_at(kt, value, name, &type);
	if (!found && (value & KSYM_THUMB_BIT) &&
	    decoded_at(kt, value & ~(u64)KSYM_THUMB_BIT, name, &type) &&
	    (tolower(type) == 't' || tolower(type) == 'w')) {
		/* a Thumb-2 function's pointer (nm types weak ones 'W') */
		f->counts[KSYM_Q_THUMB]++;
		found = true;
	}
	if (found) {
		/*
		 * LTO_CLANG internalizes what only the kernel itself
		 * references, exports included: nm, and so kallsyms, say 't'.
		 */
		if (!isupper(type) && IS_ENABLED(CONFIG_LTO_CLANG))
			f->counts[KSYM_Q_LTO_LOCAL]++;
		else if (!isupper(type))
			ksym_finding(f, cls, 0, name, 'T', type,
				     "type '%c' at the %s's address: an exported symbol is global",
				     type, what);
		return true;
	}
	/* without seqs a lookup is linear: only for the first findings */
	if (!kt->layout.seqs_size && f->counts[cls] >= 64)
		ksym_finding(f, cls, 0, name, value, 0,
			     "no decoded %s at the %s's address", name, what);
	else if (!ksym_lookup_name(kt, name, &ours, &idx, NULL))
		ksym_finding(f, cls, idx, name, value, ours,
			     "decoded at another address than the %s's", what);
	else
		ksym_finding(f, cls, 0, name, value, 0,
			     "the %s has it, the decoded table does not", what);
	return false;
}

int ksym_check_imports(struct ksym_decoder *kt, struct ksym_findings *f,
		       struct ksym_truth *r)
{
	struct ksym_scope sc;
	unsigned int i;

	scope_init(kt, &sc);
	for (i = 0; i < ARRAY_SIZE(imports); i++) {
		if (!in_scope(&sc, imports[i].addr))
			continue;
		check_export(kt, f, KSYM_C_IMPORTS, "module loader",
			     imports[i].name, imports[i].addr);
		r->imports++;
	}
	return 0;
}

/* ---- the export table ---- */

#define KSYM_EXPORT_NAME	128

/*
 * struct kernel_symbol: PREL32 offsets to the value, the name and the
 * namespace where the architecture has them (4.19+), else pointers.
 */
#ifdef CONFIG_HAVE_ARCH_PREL32_RELOCATIONS
#define KSYMTAB_PREL32		true
#define KSYMTAB_FIELD		4
static bool read_ref(unsigned long at, unsigned long *v)
{
	s32 o;

	if (!ksym_read(at, &o, sizeof(o)))
		return false;
	*v = at + o;
	return true;
}
#else
/* 4 bytes on 32-bit too: the field's size does not say which it is */
#define KSYMTAB_PREL32		false
#define KSYMTAB_FIELD		sizeof(long)
static bool read_ref(unsigned long at, unsigned long *v)
{
	return ksym_read(at, v, sizeof(*v));
}
#endif
#define KSYMTAB_ENTRY		(3 * KSYMTAB_FIELD)

/* read_ref() on a copy: the field at @at holds the bytes at @p */
static unsigned long ref_value(unsigned long at, const u8 *p)
{
	unsigned long v;
	s32 o;

	if (KSYMTAB_PREL32) {
		memcpy(&o, p, sizeof(o));
		return at + o;
	}
	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * A NUL-terminated identifier at @at, read without trusting it, 16 bytes
 * at a time: an aligned 16-byte piece never crosses a page.
 */
static bool read_ident(unsigned long at, char *buf, size_t len, bool empty_ok)
{
	size_t i = 0, piece;

	while (i < len) {
		piece = min_t(size_t, 16 - ((at + i) & 15), len - i);
		if (!ksym_read(at + i, buf + i, piece))
			return false;
		for (; piece; piece--, i++) {
			if (!buf[i])
				return i || empty_ok;
			if (!isalnum(buf[i]) && buf[i] != '_' && buf[i] != '.')
				return false;
		}
	}
	return false;
}

/* The entry at @at: its value and name, when it is a well-formed one. */
static bool read_entry(unsigned long at, unsigned long *value, char *name)
{
	unsigned long np, nsp;
	char ns[KSYM_EXPORT_NAME];

	return read_ref(at, value) &&
	       read_ref(at + KSYMTAB_FIELD, &np) &&
	       read_ref(at + 2 * KSYMTAB_FIELD, &nsp) &&
	       read_ident(np, name, KSYM_EXPORT_NAME, false) &&
	       read_ident(nsp, ns, sizeof(ns), true);
}

/*
 * Where the entry whose value is @addr and whose name is @name sits, in
 * [@start, @start + @len): the window is read 64 KiB at a time, and an
 * offset that resolves to @addr is checked in full.
 */
static unsigned long find_entry(unsigned long start, size_t len,
				unsigned long addr, const char *name,
				char *buf)
{
	unsigned long base, at, v;
	size_t chunk, i;
	u8 *win;

	win = kvmalloc(SZ_64K, GFP_KERNEL);
	if (!win)
		return 0;
	start = ALIGN(start, 4);
	for (base = start; base < start + len; base += chunk) {
		chunk = min_t(size_t, start + len - base, SZ_64K);
		if (!ksym_read(base, win, chunk))
			continue;
		for (i = 0; i + KSYMTAB_FIELD <= chunk; i += 4) {
			at = base + i;
			v = ref_value(at, win + i);
			if (v == addr && read_entry(at, &v, buf) &&
			    !strcmp(buf, name)) {
				kvfree(win);
				return at;
			}
		}
		cond_resched();
	}
	kvfree(win);
	return 0;
}

/*
 * The table around the entry at @at: entries are sorted by name (the
 * linker sorts ___ksymtab+<name> sections; find_symbol() bisects), so the
 * table is the run of well-formed entries in strictly increasing name
 * order.  Checks each entry of it; returns the entries seen, *@lo the
 * first one's address.
 */
static void check_entry(struct ksym_decoder *kt, struct ksym_findings *f,
			struct ksym_truth *r, const u64 percpu[2],
			const struct ksym_scope *sc, const char *name, u64 v)
{
	if (!in_scope(sc, v)) {
		r->exports_skipped++;
		return;
	}
	r->exports++;
	if (check_export(kt, f, KSYM_C_EXPORTS, "export table", name, v) &&
	    v >= percpu[0] && v < percpu[1])
		r->exports_percpu++;
}

/*
 * A name with two entries (arm64 5.10: the nVHE hypervisor's copy of
 * lib/memcpy.S exports memcpy again, at __kvm_nvhe_memcpy, a name the
 * generator drops): when one of them is the decoded symbol, the other is
 * a quirk.
 */
static void check_pair(struct ksym_decoder *kt, struct ksym_findings *f,
		       struct ksym_truth *r, const u64 percpu[2],
		       const struct ksym_scope *sc, const char *name, u64 v1,
		       u64 v2)
{
	char type;

	if (in_scope(sc, v1) && in_scope(sc, v2)) {
		if (decoded_at(kt, v1, name, &type)) {
			check_entry(kt, f, r, percpu, sc, name, v1);
			f->counts[KSYM_Q_DUP_EXPORT]++;
			return;
		}
		if (decoded_at(kt, v2, name, &type)) {
			check_entry(kt, f, r, percpu, sc, name, v2);
			f->counts[KSYM_Q_DUP_EXPORT]++;
			return;
		}
	}
	check_entry(kt, f, r, percpu, sc, name, v1);
	check_entry(kt, f, r, percpu, sc, name, v2);
}

/*
 * The table around the entry at @at: entries are sorted by name (the
 * linker sorts ___ksymtab+<name> sections; find_symbol() bisects), so the
 * table is the run of well-formed entries in non-decreasing name order.
 * Checks each entry of it; returns the entries seen, *@lo the first one's
 * address.  @nb holds three names.
 */
static u32 check_table(struct ksym_decoder *kt, struct ksym_findings *f,
		       struct ksym_truth *r, const u64 percpu[2],
		       const struct ksym_scope *sc, unsigned long at,
		       unsigned long *lo, char (*nb)[KSYM_EXPORT_NAME])
{
	unsigned long v, v2, p = at;
	u32 n = 0;
	int c = 0;

	/* back to the first entry */
	read_entry(p, &v, nb[0]);
	while (read_entry(p - KSYMTAB_ENTRY, &v, nb[1 - c]) &&
	       strcmp(nb[1 - c], nb[c]) <= 0) {
		p -= KSYMTAB_ENTRY;
		c = 1 - c;
	}
	*lo = p;
	/* forward, checking; nb[1] is the name before */
	while (read_entry(p, &v, nb[0]) && (!n || strcmp(nb[1], nb[0]) <= 0)) {
		if (read_entry(p + KSYMTAB_ENTRY, &v2, nb[2]) &&
		    !strcmp(nb[0], nb[2])) {
			check_pair(kt, f, r, percpu, sc, nb[0], v, v2);
			n += 2;
			p += 2 * KSYMTAB_ENTRY;
		} else {
			check_entry(kt, f, r, percpu, sc, nb[0], v);
			n++;
			p += KSYMTAB_ENTRY;
		}
		strscpy(nb[1], nb[0], KSYM_EXPORT_NAME);
		if (ksym_check_stop(n))
			return 0;
	}
	return n;
}

int ksym_check_exports(struct ksym_decoder *kt, struct ksym_findings *f,
		       struct ksym_truth *r)
{
	/* one export of each licence: before 7.0 they are two tables */
	static const unsigned int anchor[] = { 0, 7 };	/* kfree, register_kprobe */
	char (*nb)[KSYM_EXPORT_NAME];
	unsigned long start, at, lo[2] = { 0, 0 };
	struct ksym_scope sc;
	u64 percpu[2];
	u32 n[2] = { 0, 0 };
	unsigned int t, len = 0;
	size_t size;

	if (!IS_ENABLED(CONFIG_MODULES)) {
		snprintf(r->exports_how, sizeof(r->exports_how),
			 "not checked: without CONFIG_MODULES there is no export table");
		f->counts[KSYM_Q_NOT_RUN]++;
		return 0;
	}
	nb = kmalloc_array(3, KSYM_EXPORT_NAME, GFP_KERNEL);
	if (!nb)
		return -ENOMEM;
	/* per-CPU variables: at offsets (absolute per-CPU) or in .data..percpu */
	if (ksym_lookup_name(kt, "__per_cpu_start", &percpu[0], NULL, NULL) ||
	    ksym_lookup_name(kt, "__per_cpu_end", &percpu[1], NULL, NULL))
		memset(percpu, 0, sizeof(percpu));
	scope_init(kt, &sc);
	size = ksym_rodata_window(&start);
	for (t = 0; t < ARRAY_SIZE(anchor); t++) {
		const struct ksym_import *imp = &imports[anchor[t]];

		at = find_entry(start, size, imp->addr, imp->name, nb[0]);
		if (!at) {
			ksym_finding(f, KSYM_C_EXPORTS, 0, imp->name, imp->addr, 0,
				     "no export table entry for it in %zu MiB around _ctype",
				     size >> 20);
			continue;
		}
		/* 7.0+: one table for both licences */
		if (t && lo[0] <= at && at < lo[0] + KSYMTAB_ENTRY * n[0])
			break;
		n[t] = check_table(kt, f, r, percpu, &sc, at, &lo[t], nb);
		if (!n[t]) {
			kfree(nb);
			return -EINTR;
		}
		len += scnprintf(r->exports_how + len, sizeof(r->exports_how) - len,
				 "%s%u entries around %s's",
				 t ? ", " : "", n[t], imp->name);
	}
	if (len)
		scnprintf(r->exports_how + len, sizeof(r->exports_how) - len,
			  " (sorted names, well-formed %s entries)",
			  KSYMTAB_PREL32 ? "PREL32" : "pointer");
	else
		snprintf(r->exports_how, sizeof(r->exports_how),
			 "not found in %zu MiB around _ctype", size >> 20);
	kfree(nb);
	return 0;
}

/* ---- the generator's rules ---- */

/* scripts/kallsyms.c: may_be_linker_script_provide_symbol() */
static bool linker_provided(const char *s)
{
	size_t l = strlen(s);

	if (l < 8 || s[0] != '_' || s[1] != '_')
		return false;
	return str_has_prefix(s + 2, "start_") || str_has_prefix(s + 2, "stop_") ||
	       str_has_prefix(s + 2, "end_") || !strcmp(s + l - 6, "_start") ||
	       !strcmp(s + l - 4, "_end");
}

/*
 * The key compare_symbols() sorts same-address symbols by (scripts/
 * kallsyms.c, unchanged from 5.10 to 7.x): strong before weak, then not
 * linker-provided before linker-provided, then fewer leading underscores.
 */
static u32 alias_key(const struct ksym_sym *s)
{
	bool weak = s->type == 'w' || s->type == 'W';

	return (u32)weak << 16 | (u32)linker_provided(s->name) << 8 |
	       min_t(size_t, strspn(s->name, "_"), 255);
}

/* the absolute symbols scripts/kallsyms.c keeps (is_ignored_symbol()) */
static bool kept_absolute(const char *name)
{
	return !strcmp(name, "__kernel_syscall_via_break") ||
	       !strcmp(name, "__kernel_syscall_via_epc") ||
	       !strcmp(name, "__kernel_sigtramp") || !strcmp(name, "__gp");
}

/*
 * Names that never reach the table: '$' and __crc_ in every version (the
 * generator's own list, later mksysmap's), and .L, __kstrtab_ and
 * __kstrtabns_ once kallsyms reads scripts/mksysmap's output (6.1; 5.10
 * keeps the .LC string labels of KALLSYMS_ALL).
 */
static bool dropped_name(const char *name)
{
	if (name[0] == '$' || str_has_prefix(name, "__crc_"))
		return true;
	return KSYM_KALLSYMS_FROM_MKSYSMAP &&
	       (str_has_prefix(name, ".L") ||
		str_has_prefix(name, "__kstrtab_") ||
		str_has_prefix(name, "__kstrtabns_"));
}

static bool text_type(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

enum { B_TEXT, B_STEXT, B_ETEXT, B_SINIT, B_EINIT, B_END, B_NR };

static const char *const bound_name[B_NR] = {
	"_text", "_stext", "_etext", "_sinittext", "_einittext", "_end",
};

/* _text and _end are missing from some tables (arm64 6.1) */
#define B_OPTIONAL	(BIT(B_TEXT) | BIT(B_END))

/* The boundary symbols: present and in order.  Bit b of the result: found. */
static unsigned int check_bounds(struct ksym_decoder *kt,
				 struct ksym_findings *f, u64 *b)
{
	unsigned int i, found = 0, prev = B_NR;

	for (i = 0; i < B_NR; i++) {
		if (!ksym_lookup_name(kt, bound_name[i], &b[i], NULL, NULL))
			found |= BIT(i);
		else if (!(B_OPTIONAL & BIT(i)))
			ksym_finding(f, KSYM_C_INVARIANTS, 0, bound_name[i], 0, 0,
				     "boundary symbol missing from the decoded table");
	}
	for (i = 0; i < B_NR; i++) {
		if (!(found & BIT(i)))
			continue;
		/* _stext < _etext and _sinittext < _einittext: non-empty */
		if (prev != B_NR && (b[i] < b[prev] ||
				     (b[i] == b[prev] && (i == B_ETEXT || i == B_EINIT))))
			ksym_finding(f, KSYM_C_INVARIANTS, 0, bound_name[i],
				     b[prev], b[i], "%s is not above %s",
				     bound_name[i], bound_name[prev]);
		prev = i;
	}
	return found;
}

int ksym_check_invariants(struct ksym_decoder *kt, struct ksym_findings *f,
			  struct ksym_truth *r)
{
	u64 b[B_NR] = { 0 }, addr, prev_addr = 0, text_lo;
	bool abs_percpu = kt->layout.mode == KSYM_ADDR_ABS_PERCPU;
	u32 i, off = 0, key, prev_key;
	struct ksym_sym s, prev = { 0 };
	unsigned int found;

	found = check_bounds(kt, f, b);
	text_lo = found & BIT(B_TEXT) ? b[B_TEXT] : b[B_STEXT];
	for (i = 0; i < kt->num_syms; i++) {
		/* both scratch buffers: the previous name stays readable */
		if (ksym_decode_at(kt, i, &off, kt->scratch[i & 1], &s, NULL) ||
		    ksym_address(kt, i, &addr, NULL))
			break;
		if (i && addr == prev_addr) {
			key = alias_key(&s);
			prev_key = alias_key(&prev);
			if (key < prev_key)
				ksym_finding(f, KSYM_C_INVARIANTS, i, s.name,
					     prev_key, key,
					     "alias order: after \"%.40s\" at the same address (compare_symbols(): strong, not linker-provided, fewer '_' first)",
					     prev.name);
		}
		if ((found & BIT(B_ETEXT)) &&
		    ((addr > text_lo && addr < b[B_ETEXT]) ||
		     (addr > b[B_SINIT] && addr < b[B_EINIT])) &&
		    !text_type(s.type))
			ksym_finding(f, KSYM_C_INVARIANTS, i, s.name, 'T', s.type,
				     "type '%c' inside the kernel's text", s.type);
		if (strchr("unNU", s.type) || s.type == 'a' ||
		    (s.type == 'A' && !abs_percpu && !kept_absolute(s.name)))
			ksym_finding(f, KSYM_C_INVARIANTS, i, s.name, 0, s.type,
				     "type '%c': the generator drops these", s.type);
		if (dropped_name(s.name))
			ksym_finding(f, KSYM_C_INVARIANTS, i, s.name, 0, 0,
				     "the generator's input never has this name (scripts/mksysmap, scripts/kallsyms.c drop it)");
		prev_addr = addr;
		prev = s;
		if (ksym_check_stop(i))
			return -EINTR;
	}
	r->invariants = i;
	return 0;
}

/* ---- /proc/kallsyms ---- */

#define KSYM_PROC_CHUNK		SZ_64K
#define KSYM_PROC_LINE		(KSYM_NAME_MAX + 64)

struct proc_cmp {
	struct ksym_decoder *kt;
	struct ksym_findings *f;
	u32 index;		/* the next decoded symbol */
	u32 off;
	u32 zero_addrs;		/* lines showing 0 where ours is not */
	u32 first_zero;
	bool modules;		/* a module's line: the core ones are done */
	bool broken;
};

/* One line "%px %c %s" (core) or "%px %c %s\t[%s]" (a module's). */
static void proc_line(struct proc_cmp *pc, char *line)
{
	struct ksym_decoder *kt = pc->kt;
	char *type, *name, *tab;
	unsigned long long a;
	struct ksym_sym s;
	u64 ours;

	tab = strchr(line, '\t');
	if (tab) {
		pc->modules = true;
		return;
	}
	/* "<address> <type> <name>" */
	type = strchr(line, ' ');
	if (type && type[1] && type[2] == ' ') {
		*type++ = '\0';
		name = type + 2;
	} else {
		name = NULL;
	}
	if (!name || kstrtoull(line, 16, &a)) {
		ksym_finding(pc->f, KSYM_C_PROC, pc->index, "", 0, 0,
			     "unparsable line at %u", pc->index);
		pc->broken = true;
		return;
	}
	if (pc->index >= kt->num_syms) {
		if (pc->index++ == kt->num_syms)
			ksym_finding(pc->f, KSYM_C_PROC, kt->num_syms, name,
				     kt->num_syms, 0,
				     "/proc/kallsyms has core lines past num_syms");
		return;
	}
	if (ksym_decode_at(kt, pc->index, &pc->off, kt->scratch[0], &s, NULL) ||
	    ksym_address(kt, pc->index, &ours, NULL)) {
		pc->broken = true;
		return;
	}
	if (strcmp(s.name, name))
		ksym_finding(pc->f, KSYM_C_PROC, pc->index, name, 0, 0,
			     "/proc/kallsyms names \"%.40s\", decoded \"%.40s\"",
			     name, s.name);
	else if (*type != s.type && s.comp_len > 0x7f)
		pc->f->counts[KSYM_Q_BIG_TYPE]++;
	else if (*type != s.type)
		ksym_finding(pc->f, KSYM_C_PROC, pc->index, name, s.type,
			     *type, "type '%c' in /proc/kallsyms, decoded '%c'",
			     *type, s.type);
	if (!a && ours) {
		if (!pc->zero_addrs++)
			pc->first_zero = pc->index;
	} else if (a != ours) {
		ksym_finding(pc->f, KSYM_C_PROC, pc->index, name, ours, a,
			     "address differs");
	}
	pc->index++;
}

/*
 * Read /proc/kallsyms as the loading process would: kernel_read() needs
 * ->read_iter, which procfs files with ->proc_read lack (5.10+), so the
 * text goes through a page of the process's own memory.  Returns bytes
 * read, 0 at the end, or a negative errno.
 */
static ssize_t proc_read(struct file *file, unsigned long ubuf, char *dst,
			 size_t len, loff_t *pos)
{
	ssize_t got;

	if (!file->f_op->read)
		return kernel_read(file, dst, len, pos);
	got = file->f_op->read(file, (char __user *)ubuf, len, pos);
	if (got > 0 && copy_from_user(dst, (const void __user *)ubuf, got))
		return -EFAULT;
	return got;
}

int ksym_check_proc_kallsyms(struct ksym_decoder *kt, struct ksym_findings *f,
			     struct ksym_truth *r)
{
	struct proc_cmp pc = { .kt = kt, .f = f };
	unsigned long ubuf = 0;
	size_t have = 0, used;
	struct file *file;
	loff_t pos = 0;
	char *buf, *nl;
	ssize_t got = 0;

	if (!current->mm) {
		snprintf(r->proc_how, sizeof(r->proc_how),
			 "not compared: run from a kernel thread (no process to read it as)");
		f->counts[KSYM_Q_NOT_RUN]++;
		return 0;
	}
	file = filp_open("/proc/kallsyms", O_RDONLY, 0);
	if (IS_ERR(file)) {
		snprintf(r->proc_how, sizeof(r->proc_how),
			 "not compared: opening /proc/kallsyms failed (%ld)",
			 PTR_ERR(file));
		f->counts[KSYM_Q_NOT_RUN]++;
		return 0;
	}
	buf = kvmalloc(KSYM_PROC_CHUNK + KSYM_PROC_LINE + 1, GFP_KERNEL);
	if (file->f_op->read)
		ubuf = vm_mmap(NULL, 0, KSYM_PROC_CHUNK, PROT_READ | PROT_WRITE,
			       MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (!buf || IS_ERR_VALUE(ubuf)) {
		kvfree(buf);
		filp_close(file, NULL);
		return -ENOMEM;
	}
	while (!pc.modules && !pc.broken) {
		u64 t0 = ktime_get_ns();

		got = proc_read(file, ubuf, buf + have, KSYM_PROC_CHUNK, &pos);
		r->ns_proc_read += ktime_get_ns() - t0;
		if (got <= 0)
			break;
		have += got;
		buf[have] = '\0';
		used = 0;
		while (!pc.modules && !pc.broken &&
		       (nl = memchr(buf + used, '\n', have - used))) {
			*nl = '\0';
			proc_line(&pc, buf + used);
			used = nl + 1 - buf;
		}
		if (pc.modules || pc.broken)
			break;
		if (have - used > KSYM_PROC_LINE) {
			ksym_finding(f, KSYM_C_PROC, pc.index, "", 0, 0,
				     "a line longer than %u bytes",
				     KSYM_PROC_LINE);
			break;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
		if (fatal_signal_pending(current))
			break;
	}
	if (ubuf)
		vm_munmap(ubuf, KSYM_PROC_CHUNK);
	kvfree(buf);
	filp_close(file, NULL);
	if (fatal_signal_pending(current))
		return -EINTR;
	r->proc_lines = pc.index;
	if (got < 0) {
		snprintf(r->proc_how, sizeof(r->proc_how),
			 "not compared: reading /proc/kallsyms failed (%zd)", got);
		f->counts[KSYM_Q_NOT_RUN]++;
		return 0;
	}
	if (!pc.broken && pc.index < kt->num_syms)
		ksym_finding(f, KSYM_C_PROC, pc.index, "", kt->num_syms, pc.index,
			     "/proc/kallsyms has %u core lines, num_syms is %u",
			     pc.index, kt->num_syms);
	if (pc.zero_addrs && pc.zero_addrs + 1 >= pc.index) {
		snprintf(r->proc_how, sizeof(r->proc_how),
			 "%u core lines: names, types and order (addresses hidden by kptr_restrict)",
			 pc.index);
	} else {
		if (pc.zero_addrs)
			ksym_finding(f, KSYM_C_PROC, pc.first_zero, "", 0, 0,
				     "%u lines show address 0, decoded is not",
				     pc.zero_addrs);
		snprintf(r->proc_how, sizeof(r->proc_how),
			 "%u core lines: addresses, types, names and order",
			 pc.index);
	}
	return 0;
}

/* ---- proving a function pointer ---- */

int ksym_prove_function(struct ksym_decoder *kt, const char *name,
			unsigned long addr, char *why, size_t len)
{
	u64 stext, etext, ours;
	char type;

	if (ksym_lookup_name(kt, name, &ours, NULL, NULL)) {
		snprintf(why, len, "not in the decoded table");
		return -ENOENT;
	}
	if (!decoded_at(kt, addr, name, &type)) {
		snprintf(why, len, "the decoded table puts it elsewhere");
		return -EINVAL;
	}
	if (type != 't' && type != 'T') {
		snprintf(why, len, "decoded type '%c' is not a function's", type);
		return -EINVAL;
	}
	if (ksym_lookup_name(kt, "_stext", &stext, NULL, NULL) ||
	    ksym_lookup_name(kt, "_etext", &etext, NULL, NULL) ||
	    addr < stext || addr >= etext) {
		snprintf(why, len, "not inside the decoded [_stext, _etext)");
		return -EINVAL;
	}
	return 0;
}
