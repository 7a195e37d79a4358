// SPDX-License-Identifier: GPL-2.0
/*
 * Copy the located arrays once into private memory and decode the copy
 * with decoder.c: open, prove the address mode, validate every record.
 * Where kallsyms_seqs_of_names sits and which name key it is sorted by are
 * not known in advance; each guess re-points only the seqs view.
 * Produces a struct ksym_snapshot.
 */
#define pr_fmt(fmt) "ksym_verify: " fmt

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/kallsyms.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "ksym_check.h"
#include "ksym_locate.h"
#include "ksym_snapshot.h"

void ksym_live_layout(struct ksym_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->mode = KSYM_ADDR_UNKNOWN;
	l->ptr_size = sizeof(long);
	l->big_endian = IS_ENABLED(CONFIG_CPU_BIG_ENDIAN);
	l->marker_size = 4;
	/* 73bbb94466fd brought 2-byte lengths together with KSYM_NAME_LEN 512 */
	l->len_enc = KSYM_NAME_LEN > 128 ? KSYM_LEN_ULEB2 : KSYM_LEN_1BYTE;
	l->name_len = min_t(unsigned int, KSYM_NAME_LEN, KSYM_NAME_MAX);
}

/* Copy every array but seqs into one buffer and point the views at it. */
static int copy_arrays(struct ksym_snapshot *s, const struct ksym_located *loc,
		       struct ksym_findings *f)
{
	u32 n = loc->num_syms;
	const size_t size[KSYM_NR_ARRAYS] = {
		[KSYM_A_NUM_SYMS]	= 4,
		[KSYM_A_NAMES]		= loc->names_len,
		[KSYM_A_MARKERS]	= 4 * DIV_ROUND_UP(n, 256),
		[KSYM_A_TOKEN_TABLE]	= loc->token_table_size,
		[KSYM_A_TOKEN_INDEX]	= KSYM_TOKEN_INDEX_SIZE,
		[KSYM_A_OFFSETS]	= 4UL * n,
		[KSYM_A_ADDRESSES]	= sizeof(long) * n,
		[KSYM_A_RELATIVE_BASE]	= sizeof(long),
	};
	size_t total = 0, pos = 0;
	unsigned int a;

	for (a = 0; a < KSYM_NR_ARRAYS; a++)
		if (loc->addr[a])
			total += size[a];
	s->buf = kvmalloc(total, GFP_KERNEL);
	/* seqs: up to 4 bytes a symbol, refilled for each candidate */
	s->seqs_buf = kvmalloc(4UL * n, GFP_KERNEL);
	if (!s->buf || !s->seqs_buf)
		return -ENOMEM;
	s->size = total;
	memset(&s->arrays, 0, sizeof(s->arrays));
	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		if (!loc->addr[a] || !size[a])
			continue;
		if (!ksym_read(loc->addr[a], s->buf + pos, size[a])) {
			ksym_finding(f, KSYM_C_LOCATE, a, ksym_array_name(a),
				     0, 0, "%zu bytes unreadable", size[a]);
			return -EFAULT;
		}
		s->arrays.v[a].data = s->buf + pos;
		s->arrays.v[a].size = size[a];
		s->arrays.v[a].va = loc->addr[a];
		pos += size[a];
	}
	return 0;
}

/*
 * Point the seqs view at a copy of the candidate at @addr (0: none) with
 * @size-byte entries.
 */
static int point_seqs(struct ksym_snapshot *s, unsigned long addr, u8 size,
		      u32 n, struct ksym_findings *f)
{
	struct ksym_view *v = &s->arrays.seqs;

	memset(v, 0, sizeof(*v));
	s->seqs_addr = addr;
	s->layout.seqs_size = addr ? size : 0;
	if (!addr)
		return 0;
	if (!ksym_read(addr, s->seqs_buf, (size_t)size * n)) {
		ksym_finding(f, KSYM_C_LOCATE, KSYM_A_SEQS,
			     ksym_array_name(KSYM_A_SEQS), 0, 0,
			     "%zu bytes unreadable", (size_t)size * n);
		return -EFAULT;
	}
	v->data = s->seqs_buf;
	v->size = (size_t)size * n;
	v->va = addr;
	return 0;
}

struct name_ref {
	const char *name;
	u32 index;
};

static int cmp_name_ref(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ?: (x->index > y->index) - (x->index < y->index);
}

/*
 * With no usable seqs_of_names in the kernel, give our own decoder one:
 * the indices sorted by (name, index), the order kallsyms_lookup_name()
 * answers in, so that a lookup is a binary search and not a linear scan
 * (one per symbol would be O(n^2): minutes).  Built from the decoded
 * names with sort(), O(n log n); the kernel's layout is left as found.
 */
static int own_name_order(struct ksym_snapshot *s)
{
	struct ksym_decoder *kt = s->kt;
	u32 n = kt->num_syms, i, off = 0;
	struct name_ref *refs;
	struct ksym_sym sym;
	size_t pool_len = 0, pos = 0;
	char *pool;
	u32 *order;
	int ret = 0;

	for (i = 0; i < n; i++) {
		if (ksym_decode_at(kt, i, &off, kt->scratch[0], &sym, NULL))
			return -EINVAL;
		pool_len += sym.name_len + 1;
		if (!(i & 0xffff))
			cond_resched();
	}
	pool = kvmalloc(pool_len, GFP_KERNEL);
	refs = kvmalloc_array(n, sizeof(*refs), GFP_KERNEL);
	order = kvmalloc_array(n, sizeof(*order), GFP_KERNEL);
	if (!pool || !refs || !order) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0, off = 0; i < n; i++) {
		ret = ksym_decode_at(kt, i, &off, kt->scratch[0], &sym, NULL);
		if (ret || pos + sym.name_len + 1 > pool_len) {
			ret = -EINVAL;
			goto out;
		}
		memcpy(pool + pos, sym.name, sym.name_len + 1);
		refs[i] = (struct name_ref){ .name = pool + pos, .index = i };
		pos += sym.name_len + 1;
		if (!(i & 0xffff))
			cond_resched();
	}
	sort(refs, n, sizeof(*refs), cmp_name_ref, NULL);
	for (i = 0; i < n; i++)
		order[i] = refs[i].index;
	s->own_seqs = order;
	order = NULL;
	kt->arrays.seqs = (struct ksym_view){
		.data = (const u8 *)s->own_seqs, .size = 4UL * n,
	};
	kt->layout.seqs_size = 4;
	kt->layout.seqs_order = KSYM_SEQS_EXACT;
out:
	kvfree(order);
	kvfree(refs);
	kvfree(pool);
	return ret;
}

/*
 * Every name's lowest index, in one pass over the proven name order: the
 * answer name_to_addr expects of kallsyms_lookup_name() for each symbol.
 * Without the memory the check falls back to a binary search per name.
 */
static void lowest_of_names(struct ksym_snapshot *s)
{
	/* the seqs walk of ksym_validate() filled it, or it is walked here */
	if (s->kt->first_valid)
		return;
	if (s->first && ksym_first_of_keys(s->kt, s->first, NULL)) {
		kvfree(s->first);
		s->first = NULL;
	}
}

/* strcmp() of token strings (not NUL-terminated in the table) */
static int tok_cmp(const struct ksym_decoder *kt, const char *tt, u8 a, u8 b)
{
	unsigned int la = kt->tok_len[a], lb = kt->tok_len[b];
	int c = memcmp(tt + kt->tok_off[a], tt + kt->tok_off[b], min(la, lb));

	return c ?: (la > lb) - (la < lb);
}

/*
 * "name": the symbol whose name sorts last gets a last token that sorts
 * after its own.  By construction the new name is well formed, unique and
 * still last in name order, so seqs_of_names stays valid and the table
 * decodes; only the kernel's readers, which read the real name, disagree
 * (name_to_addr, addr_to_name, order, and /proc/kallsyms).
 */
static void corrupt_name(struct ksym_snapshot *s)
{
	struct ksym_decoder *kt = s->kt;
	const char *tt = (const char *)s->arrays.token_table.data;
	char *best = kt->scratch[1];
	u32 i, off = 0, best_i = 0, best_off = 0, end = 0;
	struct ksym_sym sym;
	unsigned int t, pick = KSYM_NR_TOKENS;
	u8 *rec;

	best[0] = '\0';
	for (i = 0; i < kt->num_syms; i++) {
		u32 at = off;

		if (ksym_decode_at(kt, i, &off, kt->scratch[0], &sym, NULL))
			return;
		if (strcmp(sym.name, best) >= 0) {	/* the last of equals */
			strscpy(best, sym.name, KSYM_NAME_MAX + 1);
			best_i = i;
			best_off = at;
			end = off;
		}
	}
	/* the record's last token byte; the first also holds the type */
	rec = (u8 *)s->arrays.names.data + end - 1;
	if (end - best_off < 3)
		return;
	for (t = 0; t < KSYM_NR_TOKENS; t++)
		if (kt->tok_len[t] && isalpha(tt[kt->tok_off[t]]) &&
		    tok_cmp(kt, tt, t, *rec) > 0 &&
		    (pick == KSYM_NR_TOKENS || tok_cmp(kt, tt, t, pick) < 0))
			pick = t;
	if (pick == KSYM_NR_TOKENS)
		return;
	*rec = pick;
	pr_warn("test: rewrote the last token of record %u (\"%s\", last in name order) in the copy\n",
		best_i, best);
}

/*
 * Test only: corrupt the copy, never the kernel.  "structure" swaps two
 * offsets (a structural failure); "name" changes the name that sorts last
 * (corrupt_name()).
 */
static void corrupt_copy(struct ksym_snapshot *s, const char *corrupt)
{
	struct ksym_decoder *kt = s->kt;
	u32 i;

	if (!corrupt || !*corrupt)
		return;
	if (!strcmp(corrupt, "structure") && s->arrays.offsets.data) {
		u8 *p = (u8 *)s->arrays.offsets.data;
		u32 a, b;

		i = kt->num_syms / 2;
		memcpy(&a, p + 4 * i, 4);
		memcpy(&b, p + 4 * (i + 40), 4);
		memcpy(p + 4 * i, &b, 4);
		memcpy(p + 4 * (i + 40), &a, 4);
		pr_warn("test: swapped offsets %u and %u of the copy\n", i,
			i + 40);
		return;
	}
	if (!strcmp(corrupt, "name"))
		corrupt_name(s);
}

/* The order the arrays sit in, as found. */
static void describe_order(struct ksym_snapshot *s,
			   const struct ksym_located *loc)
{
	unsigned long addr[KSYM_NR_ARRAYS];
	unsigned int a, best, done = 0, len = 0;

	memcpy(addr, loc->addr, sizeof(addr));
	addr[KSYM_A_SEQS] = s->seqs_addr;
	s->order[0] = '\0';
	for (;;) {
		best = KSYM_NR_ARRAYS;
		for (a = 0; a < KSYM_NR_ARRAYS; a++) {
			if (!addr[a] || (done & BIT(a)))
				continue;
			if (best == KSYM_NR_ARRAYS || addr[a] < addr[best])
				best = a;
		}
		if (best == KSYM_NR_ARRAYS)
			break;
		done |= BIT(best);
		len += scnprintf(s->order + len, sizeof(s->order) - len,
				 "%s%s", len ? "," : "",
				 ksym_array_name(best) + strlen("kallsyms_"));
	}
}

/*
 * A failure that says the seqs guess is wrong.  lookup.index and
 * mode.anchor_missing too, while a seqs view is in use: before validation
 * the mode proof's lookups bisect through seqs, and only a seqs entry can
 * give an index past num_syms, or lose a symbol that is there.
 */
static bool is_seqs_error(const struct ksym_snapshot *s)
{
	enum ksym_err_code code = s->err.code;

	return code == KSYM_E_SEQS_SIZE || code == KSYM_E_SEQS_RANGE ||
	       code == KSYM_E_SEQS_ORDER ||
	       (s->arrays.seqs.data &&
		(code == KSYM_E_INDEX || code == KSYM_E_ANCHOR));
}

static enum ksym_class class_of(const struct ksym_error *err)
{
	switch (err->code) {
	case KSYM_E_MODE_NONE:
	case KSYM_E_MODE_AMBIGUOUS:
	case KSYM_E_ANCHOR:
		return KSYM_C_MODE;
	default:
		return KSYM_C_STRUCTURE;
	}
}

/* One guess: open, prove the mode, validate. */
static int try_guess(struct ksym_snapshot *s, const struct ksym_located *loc,
		     const char *corrupt, bool *corrupted)
{
	int ret;

	/* where ksym_validate() puts the record offsets, for every guess */
	s->kt->rec_off = s->rec_off;
	s->kt->rec_off_cap = loc->num_syms;
	s->kt->first = s->first;
	s->kt->first_cap = s->first ? loc->num_syms : 0;
	ret = ksym_open(s->kt, &s->arrays, &s->layout, &s->err);
	if (ret)
		return ret;
	if (!*corrupted) {
		/* once: the copy is shared by every guess */
		corrupt_copy(s, corrupt);
		*corrupted = true;
	}
	ret = ksym_prove_mode(s->kt, loc->anchors, loc->nr_anchors, &s->proof,
			      &s->err);
	return ret ?: ksym_validate(s->kt, &s->err);
}

/*
 * Decoded without seqs: does the table itself name a
 * kallsyms_seqs_of_names (6.2+ with KALLSYMS_ALL lists the arrays)?  Then
 * try it there, with either entry size.  Returns 0 when it decoded.
 */
static int seqs_by_own_name(struct ksym_snapshot *s,
			    const struct ksym_located *loc, const char *corrupt,
			    bool *corrupted, struct ksym_findings *f,
			    unsigned long *named)
{
	static const u8 sizes[] = { 3, 4 };
	u64 a;
	unsigned int z;
	int ret = -ENOENT;

	*named = 0;
	if (ksym_lookup_name(s->kt, "kallsyms_seqs_of_names", &a, NULL, NULL))
		return -ENOENT;
	*named = a;
	for (z = 0; z < loc->nr_seqs_cand; z++)
		if (loc->seqs_cand[z] == a)
			return -ENOENT;	/* tried, with both sizes or the scan's */
	for (z = 0; z < ARRAY_SIZE(sizes); z++) {
		if (point_seqs(s, a, sizes[z], loc->num_syms, f))
			break;
		s->layout.seqs_order = KSYM_SEQS_EXACT;
		ret = try_guess(s, loc, corrupt, corrupted);
		if (!ret)
			return 0;
	}
	point_seqs(s, 0, 0, loc->num_syms, f);
	try_guess(s, loc, corrupt, corrupted);
	return ret;
}

int ksym_snapshot_take(struct ksym_snapshot *s, const struct ksym_located *loc,
		       const char *corrupt, struct ksym_findings *f)
{
	static const enum ksym_seqs_order orders[] = {
		KSYM_SEQS_EXACT, KSYM_SEQS_STRIP_LLVM, KSYM_SEQS_STRIP_DOT,
	};
	/* LTO_CLANG kernels of 6.2-6.10 sorted names without the suffix */
	unsigned int no = IS_ENABLED(CONFIG_LTO_CLANG) ? ARRAY_SIZE(orders) : 1;
	struct ksym_error seqs_err = { 0 };
	u32 n = loc->num_syms;
	bool corrupted = false;
	unsigned long named;
	unsigned int c, o;
	int ret = -EINVAL;

	s->kt = kzalloc(sizeof(*s->kt), GFP_KERNEL);
	s->rec_off = kvcalloc(n, sizeof(u32), GFP_KERNEL);
	if (!s->kt || !s->rec_off)
		return -ENOMEM;
	/* optional: without it name_to_addr looks each name up */
	s->first = kvmalloc_array(n, sizeof(*s->first), GFP_KERNEL);
	ksym_live_layout(&s->layout);
	/* proven by the walk that met the markers (ksym_locate.c) */
	s->layout.len_enc = loc->len_enc;
	if (loc->len_enc == KSYM_LEN_1BYTE)
		s->layout.name_len = 128;
	s->ns_copy = ktime_get_ns();
	ret = copy_arrays(s, loc, f);
	s->ns_copy = ktime_get_ns() - s->ns_copy;
	if (ret)
		return ret;
	ret = -EINVAL;
	for (c = 0; c < loc->nr_seqs_cand; c++) {
		ret = point_seqs(s, loc->seqs_cand[c], loc->seqs_size_cand[c],
				 n, f);
		if (ret)
			goto out;
		for (o = 0; o < no; o++) {
			s->layout.seqs_order = orders[o];
			ret = try_guess(s, loc, corrupt, &corrupted);
			if (!ret) {
				snprintf(s->seqs_how, sizeof(s->seqs_how),
					 "%s, %u-byte entries%s", loc->seqs_why[c],
					 loc->seqs_size_cand[c],
					 c || o ? ", after other guesses failed" : "");
				goto decoded;
			}
			/* only a seqs error says the guess was wrong */
			if (!is_seqs_error(s))
				goto fail;
			if (!seqs_err.code)
				seqs_err = s->err;
		}
	}
	/*
	 * No candidate, or only seqs failed: decode without it, so that the
	 * export table and /proc/kallsyms can tell a seqs fault from wrong
	 * names, and so that a table from before seqs (up to 6.1.41) decodes.
	 */
	point_seqs(s, 0, 0, n, f);
	s->layout.seqs_order = KSYM_SEQS_EXACT;
	ret = try_guess(s, loc, corrupt, &corrupted);
	if (ret) {
		/* even a linear search misses an import's name */
		if (seqs_err.code && s->err.code == KSYM_E_ANCHOR)
			s->names_suspect = true;
		if (seqs_err.code)
			s->err = seqs_err;
		goto fail;
	}
	if (!seqs_by_own_name(s, loc, corrupt, &corrupted, f, &named)) {
		snprintf(s->seqs_how, sizeof(s->seqs_how),
			 "at the table's own kallsyms_seqs_of_names, %u-byte entries",
			 s->layout.seqs_size);
		goto decoded;
	}
	if (!seqs_err.code && !named) {
		/* nothing could hold seqs, and the table names none */
		snprintf(s->seqs_how, sizeof(s->seqs_how),
			 "none: no position could hold it, and the table names no kallsyms_seqs_of_names (up to 6.1.41)");
		goto decoded;
	}
	s->seqs_failed = true;
	if (!seqs_err.code) {
		seqs_err = (struct ksym_error){
			.code = KSYM_E_SEQS_RANGE, .check = "seqs.range",
			.seen = named,
		};
		snprintf(seqs_err.msg, sizeof(seqs_err.msg),
			 "seqs.range: the table names kallsyms_seqs_of_names at 0x%lx, and no entry size decodes there",
			 named);
	}
	s->err = seqs_err;
	snprintf(s->seqs_how, sizeof(s->seqs_how),
		 "no candidate passed (%s); decoded without seqs",
		 seqs_err.check);
	ksym_finding(f, KSYM_C_STRUCTURE, s->err.index,
		     "kallsyms_seqs_of_names", s->err.expected, s->err.seen,
		     "every seqs candidate failed (%s); the table decodes without it",
		     s->err.check);
decoded:
	s->decoded = true;
	if (!s->layout.seqs_size) {
		ret = own_name_order(s);
		if (ret)
			goto out;
	}
	lowest_of_names(s);
	ret = 0;
	goto out;
fail:
	ret = ret == -ENOMEM ? ret : -EINVAL;
	/* the message (with values) is in the report as decoder_error */
	if (s->names_suspect)
		ksym_finding(f, KSYM_C_STRUCTURE, 0, "kallsyms_names", 0, 0,
			     "names the module loader resolved (%s, ...) are not among the decoded names",
			     loc->anchors[0].name);
	else
		ksym_finding(f, class_of(&s->err), s->err.index, s->err.check,
			     s->err.expected, s->err.seen,
			     "decoder check %s failed", s->err.check);
out:
	describe_order(s, loc);
	return ret;
}

void ksym_snapshot_free(struct ksym_snapshot *s)
{
	kvfree(s->buf);
	kvfree(s->seqs_buf);
	kvfree(s->own_seqs);
	kvfree(s->rec_off);
	kvfree(s->first);
	kfree(s->kt);
	s->buf = NULL;
	s->seqs_buf = NULL;
	s->own_seqs = NULL;
	s->rec_off = NULL;
	s->first = NULL;
	s->kt = NULL;
}
