// SPDX-License-Identifier: GPL-2.0
/*
 * Finding and proving the kallsyms table of a kernel image.
 *
 * Candidates come from the ELF symbol table (kallsyms_* symbols) or, with
 * no symbols, from the landmark scan of every segment.  Each candidate is
 * opened by decoder.c and kept only when the address mode is proven by an
 * anchor (an address known from outside the table) and the full validation
 * passes.  What the image itself lacks is derived and said:
 *   - an arm64 Image has no load address: it is the one for which the
 *     image's R_AARCH64_RELATIVE entries agree with the table;
 *   - arm64 links with --no-apply-dynamic-relocs, so before 7.0 an
 *     unrelocated kallsyms_relative_base reads 0: its value is the addend
 *     of the relocation that targets it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "locate.h"

#define KD_SCAN_HITS	64
#define R_AARCH64_RELATIVE	1027
#define ARM64_SEGMENT_ALIGN	0x10000ULL
#define VOTE_SAMPLE	512

struct cand {
	u64 va[KSYM_NR_ARRAYS];
	const char *src;
};

/* One attempt: views, layout, the decoder, and what it proved. */
struct attempt {
	struct ksym_arrays t;
	struct ksym_layout l;
	struct ksym_decoder *kt;
	u32 *rec_off;
	u32 n;
	int stage;		/* how far it got: 1 open, 2 mode, 3 valid */
};

struct rela_run {
	const u8 *p;		/* 24-byte Elf64_Rela entries */
	size_t count;
	bool searched;
};

struct ctx {
	struct kimage *img;
	const struct kd_opts *o;
	bool be;
	unsigned int psz;
	struct rela_run rela;
	/* the best failure so far */
	int fail_stage;
	struct ksym_error fail_err;
	char fail_where[160];
	char base_note[240];	/* why an Image's base is not known */
};

static const u8 *image_at(void *ctx, u64 va, size_t size)
{
	const struct ctx *c = ctx;

	return kimage_at(c->img, va, size);
}

static void build_views(struct ctx *c, const struct cand *cd,
			struct attempt *a)
{
	const u8 *p = kimage_at(c->img, cd->va[KSYM_A_NUM_SYMS], 4);

	a->n = p ? (u32)ksym_get_uint(p, 4, c->be) : 0;
	ksym_views_at(&a->t, cd->va, a->n, c->psz, image_at, c);
}

static void attempt_free(struct attempt *a)
{
	free(a->kt);
	free(a->rec_off);
	a->kt = NULL;
	a->rec_off = NULL;
}

static int attempt_open(struct attempt *a, struct ksym_error *err)
{
	if (!a->kt) {
		a->kt = calloc(1, sizeof(*a->kt));
		if (!a->kt)
			return -ENOMEM;
	}
	free(a->rec_off);
	a->rec_off = NULL;
	a->kt->rec_off = NULL;
	a->kt->rec_off_cap = 0;
	if (a->n && a->n < (1U << 24)) {
		a->rec_off = calloc(a->n, sizeof(u32));
		if (!a->rec_off)
			return -ENOMEM;
		a->kt->rec_off = a->rec_off;
		a->kt->rec_off_cap = a->n;
	}
	return ksym_open(a->kt, &a->t, &a->l, err);
}

/* ---- arm64 relocations ---- */

/* The longest run of R_AARCH64_RELATIVE entries: the image's .rela.dyn. */
static const struct rela_run *rela(struct ctx *c)
{
	const u8 *d = c->img->data;
	size_t size = c->img->size, i = 0, j;

	if (c->rela.searched)
		return &c->rela;
	c->rela.searched = true;
	if (c->be || c->img->machine != KIMG_EM_AARCH64 || size < 24)
		return &c->rela;
	while (i + 24 <= size) {
		if (ksym_get_uint(d + i + 8, 8, false) != R_AARCH64_RELATIVE) {
			i += 8;
			continue;
		}
		for (j = i; j + 24 <= size &&
		     ksym_get_uint(d + j + 8, 8, false) == R_AARCH64_RELATIVE; j += 24)
			;
		if ((j - i) / 24 > c->rela.count) {
			c->rela.p = d + i;
			c->rela.count = (j - i) / 24;
		}
		i = j;
	}
	return &c->rela;
}

/*
 * Before 7.0, kallsyms_relative_base in an unrelocated arm64 image reads
 * 0: its value is the addend of the R_AARCH64_RELATIVE entry whose
 * r_offset is its address.
 */
static int arm64_fix_rb(struct ctx *c, const struct cand *cd,
			struct attempt *a, struct kd_result *r)
{
	const struct rela_run *rr;
	u64 va = cd->va[KSYM_A_RELATIVE_BASE];
	size_t i;

	if (!a->t.relative_base.data || c->img->machine != KIMG_EM_AARCH64 ||
	    c->be || ksym_get_uint(a->t.relative_base.data, 8, false))
		return 0;
	rr = rela(c);
	for (i = 0; i < rr->count; i++)
		if (ksym_get_uint(rr->p + 24 * i, 8, false) == va)
			break;
	if (i == rr->count) {
		snprintf(r->rb_how, sizeof(r->rb_how),
			 "reads 0 and no R_AARCH64_RELATIVE entry (of %zu) targets 0x%llx",
			 rr->count, (unsigned long long)va);
		return 0;
	}
	memcpy(r->rb_fixed, rr->p + 24 * i + 16, 8);
	a->t.relative_base.data = r->rb_fixed;
	snprintf(r->rb_how, sizeof(r->rb_how),
		 "0x%llx, the addend of the R_AARCH64_RELATIVE entry that targets it (it reads 0 in the unrelocated image)",
		 (unsigned long long)ksym_get_uint(r->rb_fixed, 8, false));
	return attempt_open(a, NULL);
}

struct addr_idx {
	u64 addr;
	u32 index;
};

static int cmp_u32(const void *x, const void *y)
{
	u32 a = *(const u32 *)x, b = *(const u32 *)y;

	return a < b ? -1 : a > b;
}

static int cmp_addr(const void *x, const void *y)
{
	const struct addr_idx *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static const struct addr_idx *find_addr(const struct addr_idx *v, size_t n,
					u64 x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr < x)
			lo = mid + 1;
		else if (v[mid].addr > x)
			hi = mid;
		else
			return &v[mid];
	}
	return NULL;
}

/* The best and second best vote, and the best one's K and base. */
struct tally {
	u32 best, second;
	u64 k, b;
};

static void tally(struct tally *t, u32 hits, u64 k, u64 b)
{
	if (hits > t->best) {
		t->second = t->best;
		t->best = hits;
		t->k = k;
		t->b = b;
	} else if (hits > t->second) {
		t->second = hits;
	}
}

/* How many of @ptrs land on a symbol start when shifted by @k. */
static u32 vote(const u64 *ptrs, u32 np, const struct addr_idx *v, u32 n,
		u64 k, struct kd_result *r)
{
	const struct addr_idx *hit;
	u32 i, hits = 0;

	for (i = 0; i < np; i++) {
		hit = find_addr(v, n, ptrs[i] - k);
		if (!hit)
			continue;
		hits++;
		/* two hits become the anchors that prove the mode */
		if (r && r->nr_anchors < 2) {
			r->anchors[r->nr_anchors].addr = ptrs[i];
			r->anchor_index[r->nr_anchors++] = hit->index;
		}
	}
	return hits;
}

/*
 * Pointer values the image holds: the addends of its R_AARCH64_RELATIVE
 * entries (RELA: the words themselves read 0), else, with RELR packing,
 * the words in place that share the most common upper half.  Sampled
 * evenly, at most VOTE_SAMPLE.
 */
static u32 pointer_sample(struct ctx *c, u64 *ptrs, const char **what)
{
	const struct rela_run *rr = rela(c);
	const u8 *d = c->img->data;
	size_t size = c->img->size, i, nw = 0, step;
	u32 np = 0, *hi, best_hi = 0, run, best_run = 0;
	u64 w;

	if (rr->count >= VOTE_SAMPLE / 8) {
		step = rr->count > VOTE_SAMPLE ? rr->count / VOTE_SAMPLE : 1;
		for (i = 0; i < rr->count && np < VOTE_SAMPLE; i += step)
			ptrs[np++] = ksym_get_uint(rr->p + 24 * i + 16, 8, false);
		*what = "R_AARCH64_RELATIVE addends";
		return np;
	}
	*what = "kernel pointers in the image (RELR keeps them in place)";
	hi = malloc(sizeof(*hi) * (size / 8 + 1));
	if (!hi)
		return 0;
	for (i = 0; i + 8 <= size; i += 8) {
		w = ksym_get_uint(d + i, 8, false);
		if ((w >> 48) == 0xffff && (w >> 32) != 0xffffffff)
			hi[nw++] = (u32)(w >> 32);
	}
	/* the most common upper half: the image's own addresses */
	qsort(hi, nw, sizeof(*hi), cmp_u32);
	for (i = 0; i < nw; i += run) {
		for (run = 1; i + run < nw && hi[i + run] == hi[i]; run++)
			;
		if (run > best_run) {
			best_run = run;
			best_hi = hi[i];
		}
	}
	free(hi);
	step = best_run > VOTE_SAMPLE ? best_run / VOTE_SAMPLE : 1;
	for (i = 0, nw = 0; i + 8 <= size && np < VOTE_SAMPLE; i += 8) {
		w = ksym_get_uint(d + i, 8, false);
		if ((u32)(w >> 32) == best_hi && (w >> 48) == 0xffff &&
		    !(nw++ % step))
			ptrs[np++] = w;
	}
	return np;
}

/*
 * An arm64 Image does not say where it is linked, but its pointers do:
 * with the right load address B, many of them are symbol addresses, and
 * with a wrong one (even 64 KiB off) few are.
 *   - base-relative (before 7.0): kallsyms_relative_base reads 0 and is
 *     itself relocated; for each entry whose r_offset - (offset of
 *     relative_base) is a 64 KiB aligned B, its addend is a candidate
 *     relative_base K, and symbol i is at K + offsets[i];
 *   - PC-relative (7.0+): symbol i is at B + (its offset in the image),
 *     for each 64 KiB aligned B that keeps the sampled pointers in the
 *     image.
 * The candidate with the most hits wins if it has at least 16 and four
 * times the next best.  Two of its hits are kept as anchors for the mode
 * proof.
 */
static int arm64_derive(struct ctx *c, const struct cand *cd,
			struct attempt *a, struct kd_result *r, u64 *base)
{
	const struct rela_run *rr = rela(c);
	bool rb = a->t.relative_base.data &&
		  !ksym_get_uint(a->t.relative_base.data, 8, false);
	u64 off_rb = cd->va[KSYM_A_RELATIVE_BASE], lo = ~0ULL, hi = 0;
	u64 k, b, span, first, last;
	u64 ptrs[VOTE_SAMPLE];
	struct tally t = { 0 };
	u32 np, i;
	enum ksym_addr_mode keep = a->kt->layout.mode;
	const char *what = "";
	struct addr_idx *v;
	size_t e;

	if (!a->t.offsets.data || (a->t.relative_base.data && !rb) ||
	    (rb && !rr->count))
		return -ENOENT;
	np = pointer_sample(c, ptrs, &what);
	if (!np)
		return -ENOENT;
	v = malloc(sizeof(*v) * a->n);
	if (!v)
		return -ENOMEM;
	a->kt->layout.mode = KSYM_ADDR_PC_RELATIVE;
	for (i = 0; i < a->n; i++) {
		v[i].index = i;
		if (rb)
			v[i].addr = ksym_get_uint(a->t.offsets.data + 4ULL * i, 4, false);
		else if (ksym_address(a->kt, i, &v[i].addr, NULL))
			v[i].addr = 0;
	}
	a->kt->layout.mode = keep;
	qsort(v, a->n, sizeof(*v), cmp_addr);

	if (rb) {
		for (e = 0; e < rr->count; e++) {
			b = ksym_get_uint(rr->p + 24 * e, 8, false) - off_rb;
			if (b & (ARM64_SEGMENT_ALIGN - 1))
				continue;
			k = ksym_get_uint(rr->p + 24 * e + 16, 8, false);
			tally(&t, vote(ptrs, np, v, a->n, k, NULL), k, b);
		}
	} else {
		for (i = 0; i < np; i++) {
			lo = ptrs[i] < lo ? ptrs[i] : lo;
			hi = ptrs[i] > hi ? ptrs[i] : hi;
		}
		span = c->img->image_size ? c->img->image_size : c->img->size;
		first = hi > span ? (hi - span + ARM64_SEGMENT_ALIGN) &
				    ~(ARM64_SEGMENT_ALIGN - 1) : 0;
		last = lo & ~(ARM64_SEGMENT_ALIGN - 1);
		/* at most 64K candidates (a 4 GiB window) */
		for (e = 0; first <= last && e <= (last - first) / ARM64_SEGMENT_ALIGN &&
		     e < 65536; e++) {
			b = first + e * ARM64_SEGMENT_ALIGN;
			tally(&t, vote(ptrs, np, v, a->n, b, NULL), b, b);
		}
	}
	if (t.best < 16 || t.second * 4 > t.best) {
		free(v);
		snprintf(r->base_how, sizeof(r->base_how),
			 "not derivable: the best load address puts %u of %u sampled %s on a symbol, the next best %u",
			 t.best, np, what, t.second);
		return -ENOENT;
	}
	r->nr_anchors = 0;
	vote(ptrs, np, v, a->n, t.k, r);
	free(v);
	/* name the anchors; a name that is not unique cannot be one */
	for (i = 0; i < r->nr_anchors; i++) {
		struct ksym_sym sym;
		u32 idx;

		if (ksym_get(a->kt, r->anchor_index[i], r->anchor_name[i], &sym,
			     NULL) ||
		    ksym_lookup_name(a->kt, sym.name, NULL, &idx, NULL) ||
		    idx != r->anchor_index[i]) {
			r->anchors[i] = r->anchors[--r->nr_anchors];
			r->anchor_index[i] = r->anchor_index[r->nr_anchors];
			i--;
			continue;
		}
		memmove(r->anchor_name[i], sym.name, strlen(sym.name) + 1);
		r->anchors[i].name = r->anchor_name[i];
	}
	r->nr_reloc_anchors = r->nr_anchors;
	*base = t.b;
	if (rb) {
		for (i = 0; i < 8; i++)
			r->rb_fixed[i] = (u8)(t.k >> (8 * i));
		a->t.relative_base.data = r->rb_fixed;
		snprintf(r->rb_how, sizeof(r->rb_how),
			 "0x%llx, the addend of the R_AARCH64_RELATIVE entry that targets it (it reads 0 in the unrelocated image)",
			 (unsigned long long)t.k);
	}
	snprintf(r->base_how, sizeof(r->base_how),
		 "0x%llx, derived: %u of %u sampled %s are symbol addresses under it, %u under the next best",
		 (unsigned long long)t.b, t.best, np, what, t.second);
	return 0;
}

/* ---- anchors and the mode ---- */

/*
 * The anchors, in order of preference: --anchor; the ELF symbol table;
 * relocation addends that are symbol addresses (arm64 Image, kept by
 * arm64_derive()); _text at the first executable PT_LOAD, or at the first
 * byte of an Image or of raw input with --base.  An anchor the table does
 * not hold is dropped; with none left, address order decides.
 */
static void pick_anchors(struct ctx *c, struct ksym_decoder *kt,
			 struct kd_result *r, bool base_known)
{
	static const char *const sym_anchors[] = { "_text", "_etext" };
	const struct kd_opts *o = c->o;
	unsigned int i, n = 0;
	u64 v;

	if (o->nr_anchors) {
		memcpy(r->anchors, o->anchors, sizeof(r->anchors));
		r->nr_anchors = o->nr_anchors;
		snprintf(r->anchors_how, sizeof(r->anchors_how),
			 "given with --anchor");
		return;
	}
	r->nr_anchors = 0;
	if (c->img->symtab && !o->no_symbols) {
		for (i = 0; i < 2; i++) {
			if (!kimage_sym(c->img, sym_anchors[i], &v))
				continue;
			r->anchors[r->nr_anchors].name = sym_anchors[i];
			r->anchors[r->nr_anchors++].addr = v;
		}
		snprintf(r->anchors_how, sizeof(r->anchors_how),
			 "the ELF symbol table");
	} else if (r->nr_reloc_anchors) {
		r->nr_anchors = r->nr_reloc_anchors;
		snprintf(r->anchors_how, sizeof(r->anchors_how),
			 "relocation addends that are symbol addresses");
	} else if ((c->img->kind == KIMG_ELF && c->img->has_text_va) ||
		   base_known) {
		r->anchors[0].name = "_text";
		r->anchors[0].addr = c->img->kind == KIMG_ELF ?
				     c->img->text_va : c->img->seg[0].va;
		r->nr_anchors = 1;
		snprintf(r->anchors_how, sizeof(r->anchors_how), "%s",
			 c->img->kind == KIMG_ELF ?
			 "_text at the first executable PT_LOAD" :
			 c->img->kind == KIMG_ARM64 ?
			 "_text at the first byte of the Image" :
			 "_text at the first byte (assumed for raw input; --anchor overrides)");
	}
	for (i = 0; i < r->nr_anchors; i++)
		if (!ksym_lookup_name(kt, r->anchors[i].name, NULL, NULL, NULL))
			r->anchors[n++] = r->anchors[i];
	if (n < r->nr_anchors && !o->nr_anchors) {
		size_t l = strlen(r->anchors_how);

		snprintf(r->anchors_how + l, sizeof(r->anchors_how) - l,
			 "; %u not in the table, dropped", r->nr_anchors - n);
		r->nr_anchors = n;
	}
	if (!r->nr_anchors)
		snprintf(r->anchors_how, sizeof(r->anchors_how),
			 "none: address order decides the mode");
}

/* With no anchor: the one mode under which the full validation passes. */
static int prove_by_order(struct attempt *a, struct kd_result *r,
			  struct ksym_error *err)
{
	enum ksym_addr_mode m, found = KSYM_ADDR_UNKNOWN;
	unsigned int fits = 0;
	int ret;

	for (m = KSYM_ADDR_ABSOLUTE; m < KSYM_ADDR_NR_MODES; m++) {
		if (m == KSYM_ADDR_RAW32 && a->l.ptr_size != 4)
			continue;
		a->kt->layout.mode = m;
		a->kt->validated = false;
		a->kt->rec_off_valid = false;
		ret = ksym_validate(a->kt, NULL);
		if (ret == -ENOMEM)
			return ret;
		if (!ret) {
			fits++;
			found = m;
		}
	}
	a->kt->layout.mode = fits == 1 ? found : KSYM_ADDR_UNKNOWN;
	a->kt->validated = false;
	a->kt->rec_off_valid = false;
	if (fits == 1) {
		snprintf(r->mode_how, sizeof(r->mode_how),
			 "%s: the only mode whose addresses are in order (no anchor)",
			 ksym_mode_name(found));
		return 0;
	}
	memset(err, 0, sizeof(*err));
	err->code = fits ? KSYM_E_MODE_AMBIGUOUS : KSYM_E_MODE_NONE;
	err->check = ksym_check_name(err->code);
	err->seen = fits;
	err->expected = 1;
	snprintf(err->msg, sizeof(err->msg),
		 "%u address modes keep the addresses in order and no anchor decides: give --base or --anchor _text=ADDR",
		 fits);
	return -EINVAL;
}

/* Failures are ranked: the deepest stage, and a non-seqs check, wins. */
static void note_failure(struct ctx *c, const struct cand *cd,
			 const struct attempt *a, const struct ksym_error *e)
{
	int rank = 2 * a->stage + !!strncmp(e->check ? e->check : "", "seqs.", 5);

	if (rank <= c->fail_stage)
		return;
	c->fail_stage = rank;
	c->fail_err = *e;
	snprintf(c->fail_where, sizeof(c->fail_where),
		 "table from the %s: kallsyms_names at 0x%llx (offset 0x%zx in the %s)",
		 cd->src, (unsigned long long)cd->va[KSYM_A_NAMES],
		 kimage_offset(c->img, cd->va[KSYM_A_NAMES]),
		 c->img->nr_owned ? "decompressed image" : "file");
}

/* Move an Image, and a candidate found in it, to load address @base. */
static void rebase(struct ctx *c, struct cand *cd, u64 *seqs_va, u64 base)
{
	u64 shift = base - c->img->seg[0].va;
	unsigned int k;

	kimage_set_base(c->img, base);
	for (k = 0; k < KSYM_NR_ARRAYS; k++)
		if (cd->va[k])
			cd->va[k] += shift;
	if (*seqs_va)
		*seqs_va += shift;
}

/* One layout guess: open, relocate, anchor, prove the mode, validate. */
static int attempt_run(struct ctx *c, struct cand *cd, struct attempt *a,
		       struct kd_result *r, u64 *seqs_va, bool with_seqs,
		       bool *base_known, struct ksym_error *err)
{
	bool has_seqs = with_seqs && *seqs_va;
	u64 base;
	int ret;

	cd->va[KSYM_A_SEQS] = has_seqs ? *seqs_va : 0;
	a->l.seqs_size = has_seqs ? 3 : 0;
	build_views(c, cd, a);
	a->stage = 1;
	ret = attempt_open(a, err);
	if (ret)
		return ret;
	if (c->img->kind == KIMG_ARM64 && !*base_known) {
		ret = arm64_derive(c, cd, a, r, &base);
		if (ret == -ENOMEM)
			return ret;
		if (!ret) {
			*base_known = true;
			rebase(c, cd, seqs_va, base);
			cd->va[KSYM_A_SEQS] = has_seqs ? *seqs_va : 0;
			build_views(c, cd, a);
			if (r->rb_how[0])
				a->t.relative_base.data = r->rb_fixed;
			ret = attempt_open(a, err);
			if (ret)
				return ret;
		}
	} else if (!r->rb_how[0]) {
		ret = arm64_fix_rb(c, cd, a, r);
		if (ret)
			return ret;
	} else if (a->t.relative_base.data &&
		   !ksym_get_uint(a->t.relative_base.data, c->psz, c->be)) {
		a->t.relative_base.data = r->rb_fixed;
		ret = attempt_open(a, err);
		if (ret)
			return ret;
	}
	a->stage = 2;
	pick_anchors(c, a->kt, r, *base_known);
	if (r->nr_anchors) {
		ret = ksym_prove_mode(a->kt, r->anchors, r->nr_anchors,
				      &r->proof, err);
		if (ret)
			return ret;
		snprintf(r->mode_how, sizeof(r->mode_how),
			 "%s: the only mode that reproduces %s=0x%llx%s",
			 ksym_mode_name(a->kt->layout.mode), r->anchors[0].name,
			 (unsigned long long)r->anchors[0].addr,
			 r->nr_anchors > 1 ? " and the other anchor" : "");
	} else {
		ret = prove_by_order(a, r, err);
		if (ret)
			return ret;
	}
	a->stage = 3;
	return ksym_validate(a->kt, err);
}

/*
 * Try one candidate under every layout guess that the image does not
 * fix: the length encoding, and where seqs_of_names is and how it is
 * sorted.  On success @r owns the decoder.  Returns 0 when proven.
 */
static int try_cand(struct ctx *c, struct cand *cd, struct kd_result *r)
{
	static const enum ksym_seqs_order orders[] = {
		KSYM_SEQS_EXACT, KSYM_SEQS_STRIP_LLVM, KSYM_SEQS_STRIP_DOT,
	};
	static const enum ksym_len_enc encs[] = {
		KSYM_LEN_ULEB2, KSYM_LEN_1BYTE,
	};
	struct attempt a = { 0 };
	struct ksym_error err = { 0 };
	u64 seqs_va = cd->va[KSYM_A_SEQS];
	bool base_known = c->img->kind == KIMG_ELF || c->o->has_base;
	unsigned int e, s, o;
	int ret = -EINVAL;

	if (c->img->kind != KIMG_ELF && c->o->has_base)
		snprintf(r->base_how, sizeof(r->base_how),
			 "0x%llx, given with --base",
			 (unsigned long long)c->img->seg[0].va);
	for (e = 0; e < 2; e++) {
		for (s = 0; s < 2; s++) {
			if (s && !seqs_va)
				break;
			for (o = 0; o < (s ? 1U : 3U); o++) {
				memset(&a.l, 0, sizeof(a.l));
				a.l.ptr_size = c->psz;
				a.l.big_endian = c->be;
				a.l.marker_size = 4;
				a.l.len_enc = encs[e];
				a.l.name_len = encs[e] == KSYM_LEN_ULEB2 ? 512 : 128;
				a.l.seqs_order = orders[o];
				ret = attempt_run(c, cd, &a, r, &seqs_va, !s,
						  &base_known, &err);
				if (!ret)
					goto proven;
				if (ret == -ENOMEM)
					goto out;
				note_failure(c, cd, &a, &err);
			}
		}
	}
	goto out;
proven:
	snprintf(r->seqs_how, sizeof(r->seqs_how), "%s",
		 !seqs_va ? "none (before 6.2)" :
		 !cd->va[KSYM_A_SEQS] ? "none: what follows the markers is not seqs (before 6.2)" :
		 a.l.seqs_order == KSYM_SEQS_EXACT ? "sorted by the exact name" :
		 a.l.seqs_order == KSYM_SEQS_STRIP_LLVM ?
		 "sorted by the name without its .llvm. suffix (LTO)" :
		 "sorted by the name up to the first dot (LTO)");
	r->kt = a.kt;
	r->rec_off = a.rec_off;
	r->base = c->img->kind == KIMG_ELF ? 0 : c->img->seg[0].va;
	memcpy(r->va, cd->va, sizeof(r->va));
	return 0;
out:
	if (c->img->kind == KIMG_ARM64 && !base_known && r->base_how[0])
		memcpy(c->base_note, r->base_how, sizeof(c->base_note));
	attempt_free(&a);
	return ret ? ret : -EINVAL;
}

/* ---- candidates ---- */

static bool cand_from_symbols(struct ctx *c, struct cand *cd)
{
	unsigned int k;
	u64 v;

	memset(cd, 0, sizeof(*cd));
	cd->src = "ELF symbol table";
	for (k = 0; k < KSYM_NR_ARRAYS; k++)
		if (kimage_sym(c->img, ksym_array_name(k), &v))
			cd->va[k] = v;
	return cd->va[KSYM_A_NAMES] && cd->va[KSYM_A_NUM_SYMS] &&
	       cd->va[KSYM_A_MARKERS] && cd->va[KSYM_A_TOKEN_TABLE] &&
	       cd->va[KSYM_A_TOKEN_INDEX];
}

static unsigned int scan_image(struct ctx *c, struct cand *cands,
			       unsigned int max)
{
	struct ksym_scan_hit hits[KD_SCAN_HITS];
	unsigned int i, h, k, nh, nc = 0;

	for (i = 0; i < c->img->nr_seg && nc < max; i++) {
		const struct kimg_seg *s = &c->img->seg[i];

		nh = ksym_scan(c->img->data + s->off, s->size, s->va, c->be,
			       c->psz, hits, KD_SCAN_HITS);
		for (h = 0; h < nh && nc < max; h++) {
			struct cand *cd = &cands[nc++];

			memset(cd, 0, sizeof(*cd));
			cd->src = "landmark scan";
			for (k = 0; k < KSYM_NR_ARRAYS; k++)
				cd->va[k] = hits[h].va[k];
			/*
			 * Absolute addresses (no offsets) sit where the old
			 * order puts offsets and relative_base: before
			 * num_syms.  Offer that reading too.
			 */
			if (hits[h].old_order && nc < max) {
				u64 ns = hits[h].va[KSYM_A_NUM_SYMS];
				u64 len = (u64)c->psz * hits[h].num_syms;

				if (ns > len && !((ns - len) % c->psz)) {
					struct cand *ab = &cands[nc++];

					memset(ab, 0, sizeof(*ab));
					ab->src = "landmark scan";
					for (k = 0; k < KSYM_NR_ARRAYS; k++)
						ab->va[k] = hits[h].va[k];
					ab->va[KSYM_A_OFFSETS] = 0;
					ab->va[KSYM_A_RELATIVE_BASE] = 0;
					ab->va[KSYM_A_ADDRESSES] = ns - len;
				}
			}
		}
	}
	return nc;
}

/* Is the table's own kallsyms_names symbol where the table was found? */
static bool self_located(struct ksym_decoder *kt, u64 names_va)
{
	u64 v;

	return !ksym_lookup_name(kt, "kallsyms_names", &v, NULL, NULL) &&
	       v == names_va;
}

void kd_result_free(struct kd_result *r)
{
	free(r->kt);
	free(r->rec_off);
	r->kt = NULL;
	r->rec_off = NULL;
}

/* Copy a result, re-pointing what pointed into the old struct. */
static void move_result(struct kd_result *to, struct kd_result *from)
{
	unsigned int i;

	*to = *from;
	if (to->kt && to->kt->arrays.relative_base.data == from->rb_fixed)
		to->kt->arrays.relative_base.data = to->rb_fixed;
	for (i = 0; i < to->nr_anchors; i++)
		if (to->anchors[i].name == from->anchor_name[i])
			to->anchors[i].name = to->anchor_name[i];
	from->kt = NULL;
	from->rec_off = NULL;
}

static bool better(const struct kd_result *a, const struct kd_result *b)
{
	if (!b->kt)
		return true;
	if (a->self_located != b->self_located)
		return a->self_located;
	return a->kt->num_syms > b->kt->num_syms;
}

int kd_locate(struct kimage *img, const struct kd_opts *o,
	      struct kd_result *r)
{
	struct cand cands[2 * KD_SCAN_HITS + 1];
	struct kd_result *best, *cur;
	struct ctx c = { .img = img, .o = o };
	unsigned int nc, i, bi, pi, nbe = 0, npsz = 0, pszs[2];
	bool bes[2], used_symbols = false;
	u64 base0;
	int ret;

	memset(r, 0, sizeof(*r));
	best = calloc(1, sizeof(*best));
	cur = calloc(1, sizeof(*cur));
	if (!best || !cur) {
		free(best);
		free(cur);
		snprintf(r->why, sizeof(r->why), "out of memory");
		return r->status = KD_IO;
	}
	if (o->has_base && img->kind != KIMG_ELF)
		kimage_set_base(img, o->base);
	base0 = img->kind == KIMG_ELF ? 0 : img->seg[0].va;
	/* the byte order and pointer size: given, from the input, or both */
	if (o->big_endian >= 0) {
		bes[nbe++] = o->big_endian;
	} else if (img->endian_known) {
		bes[nbe++] = img->big_endian;
	} else {
		bes[nbe++] = false;
		bes[nbe++] = true;
	}
	if (o->ptr_size) {
		pszs[npsz++] = o->ptr_size;
	} else if (img->ptr_size) {
		pszs[npsz++] = img->ptr_size;
	} else {
		pszs[npsz++] = 8;
		pszs[npsz++] = 4;
	}

	for (bi = 0; bi < nbe; bi++) {
		for (pi = 0; pi < npsz; pi++) {
			c.be = bes[bi];
			c.psz = pszs[pi];
			memset(&c.rela, 0, sizeof(c.rela));
			if (img->symtab && !o->no_symbols &&
			    cand_from_symbols(&c, &cands[0])) {
				nc = 1;
				used_symbols = true;
			} else {
				nc = scan_image(&c, cands,
						ARRAY_SIZE(cands));
			}
			r->candidates += nc;
			for (i = 0; i < nc; i++) {
				if (img->kind != KIMG_ELF)
					kimage_set_base(img, base0);
				memset(cur, 0, sizeof(*cur));
				ret = try_cand(&c, &cands[i], cur);
				if (ret == -ENOMEM)
					goto nomem;
				if (ret)
					continue;
				r->proven++;
				cur->self_located =
					self_located(cur->kt, cur->va[KSYM_A_NAMES]);
				if (better(cur, best)) {
					kd_result_free(best);
					move_result(best, cur);
				} else {
					kd_result_free(cur);
				}
			}
		}
	}
	free(cur);
	if (best->kt) {
		unsigned int cands_n = r->candidates, proven = r->proven;

		if (img->kind != KIMG_ELF)
			kimage_set_base(img, best->base);
		move_result(r, best);
		free(best);
		r->status = KD_OK;
		r->candidates = cands_n;
		r->proven = proven;
		snprintf(r->located, sizeof(r->located),
			 "%s: %u candidate%s, %u proven%s",
			 used_symbols ? "ELF symbol table" : "landmark scan",
			 cands_n, cands_n == 1 ? "" : "s", proven,
			 proven < 2 ? "" : r->self_located ?
			 "; kept the one that holds its own kallsyms_names address" :
			 "; kept the largest");
		if (!r->base_how[0])
			snprintf(r->base_how, sizeof(r->base_how), "%s",
				 img->kind == KIMG_ELF ?
				 "the ELF program headers" :
				 "0 (not derivable: give --base)");
		return 0;
	}
	free(best);
	if (!r->candidates) {
		snprintf(r->why, sizeof(r->why),
			 "not found: %s; the landmark scan found no table (token table digits, token index, markers and names that walk)",
			 img->symtab && !o->no_symbols ?
			 "the ELF symbol table has no kallsyms_names" :
			 "no symbols used");
		return r->status = KD_NOT_FOUND;
	}
	r->err = c.fail_err;
	snprintf(r->why, sizeof(r->why),
		 "corrupt: check %s failed at symbol %u (seen 0x%llx, expected 0x%llx): %s; %s; %u candidate%s, none proven",
		 c.fail_err.check && *c.fail_err.check ? c.fail_err.check : "?",
		 c.fail_err.index, (unsigned long long)c.fail_err.seen,
		 (unsigned long long)c.fail_err.expected, c.fail_err.msg,
		 c.fail_where, r->candidates, r->candidates == 1 ? "" : "s");
	if (c.base_note[0]) {
		size_t l = strlen(r->why);

		snprintf(r->why + l, sizeof(r->why) - l, "; Image base %s",
			 c.base_note);
	}
	return r->status = KD_CORRUPT;
nomem:
	kd_result_free(best);
	kd_result_free(cur);
	free(best);
	free(cur);
	snprintf(r->why, sizeof(r->why), "out of memory");
	return r->status = KD_IO;
}
