// SPDX-License-Identifier: GPL-2.0
/*
 * What an arm64 Image does not say, derived from its own pointers:
 *   - its load address: the one for which the image's pointers (the
 *     addends of its R_AARCH64_RELATIVE entries, or with RELR the words in
 *     place) land on symbol starts of the table;
 *   - arm64 links with --no-apply-dynamic-relocs, so before 7.0 an
 *     unrelocated kallsyms_relative_base reads 0: its value is the addend
 *     of the relocation that targets it.  s390x's decompressed image is
 *     the same (R_390_RELATIVE, big-endian), and so may be any 64-bit
 *     image with a .rela.dyn: the fix applies whatever the machine.
 */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

#define R_AARCH64_RELATIVE	1027
#define R_X86_64_RELATIVE	8
#define R_RISCV_RELATIVE	3
#define R_390_RELATIVE		12
#define R_PPC64_RELATIVE	22
#define ARM64_SEGMENT_ALIGN	0x10000ULL
#define VOTE_SAMPLE	512

/* An Elf64_Rela r_info of a relative relocation, in this byte order. */
static bool relative(const struct ctx *c, u64 info)
{
	if (c->be)
		return info == R_390_RELATIVE || info == R_PPC64_RELATIVE;
	return info == R_AARCH64_RELATIVE || info == R_X86_64_RELATIVE ||
	       info == R_RISCV_RELATIVE || info == R_PPC64_RELATIVE;
}

/*
 * The longest run of relative Elf64_Rela entries (one type throughout):
 * the image's .rela.dyn.  Only arm64 Images are searched for the base;
 * any 64-bit image for a relative_base that reads 0.
 */
static const struct rela_run *rela(struct ctx *c)
{
	const u8 *d = c->img->data;
	size_t size = c->img->size, i = 0, j;
	u64 type;

	if (c->rela.searched)
		return &c->rela;
	c->rela.searched = true;
	if (c->psz != 8 || size < 24)
		return &c->rela;
	while (i + 24 <= size) {
		type = ksym_get_uint(d + i + 8, 8, c->be);
		if (!relative(c, type)) {
			i += 8;
			continue;
		}
		for (j = i; j + 24 <= size &&
		     ksym_get_uint(d + j + 8, 8, c->be) == type; j += 24)
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
 * No relocation targets relative_base (s390x's boot code relocates it by
 * a list of its own): the image's pointers still say where the kernel
 * is, since a pointer to a symbol is relative_base plus that symbol's
 * offset.  Over RB_SAMPLE sampled addends p and offsets o, the page
 * aligned differences p - o that occur most are the candidates; each is
 * then counted exactly, as how many of RB_CHECK sampled addends land on
 * a symbol's offset.  At least 16, and four times the next candidate.
 */
#define RB_SAMPLE	1024
#define RB_CANDIDATES	8
#define RB_CHECK	4096

static u32 rb_landings(const struct rela_run *rr, bool be, const u32 *offs,
		       u32 n, u64 v)
{
	u32 i, hits = 0, o;
	u64 p;

	for (i = 0; i < RB_CHECK; i++) {
		p = ksym_get_uint(rr->p + 24 * (i * (u64)rr->count / RB_CHECK) + 16,
				  8, be) - v;
		o = (u32)p;
		hits += p <= UINT32_MAX &&
			bsearch(&o, offs, n, sizeof(*offs), kd_cmp_u32);
	}
	return hits;
}

static int rb_from_pointers(struct ctx *c, struct attempt *a,
			    struct kd_result *r, const struct rela_run *rr)
{
	size_t cap = 65536, n = 0, i, j, run, k, nc = 0;
	u64 *d, cand[RB_CANDIDATES], v = 0, p, o;
	u32 *offs, land, best = 0, next = 0;
	size_t runs[RB_CANDIDATES];

	if (rr->count < RB_SAMPLE / 4 || !a->t.offsets.data ||
	    a->t.offsets.size < 4ULL * a->n || a->n < RB_SAMPLE / 4)
		return 0;
	d = malloc(cap * sizeof(*d));
	offs = malloc((size_t)a->n * sizeof(*offs));
	if (!d || !offs) {
		free(d);
		free(offs);
		return -ENOMEM;
	}
	for (i = 0; i < a->n; i++)
		offs[i] = (u32)ksym_get_uint(a->t.offsets.data + 4 * i, 4, c->be);
	for (i = 0; i < RB_SAMPLE && n < cap; i++) {
		p = ksym_get_uint(rr->p + 24 * (i * rr->count / RB_SAMPLE) + 16,
				  8, c->be);
		for (j = 0; j < RB_SAMPLE && n < cap; j++) {
			o = offs[j * (u64)a->n / RB_SAMPLE];
			if (p > o && !((p - o) & 0xfff))
				d[n++] = p - o;
		}
	}
	qsort(d, n, sizeof(*d), kd_cmp_u64);
	/* the RB_CANDIDATES most frequent differences */
	for (i = 0; i < n; i += run) {
		for (run = 1; i + run < n && d[i + run] == d[i]; run++)
			;
		for (k = nc; k > 0 && runs[k - 1] < run; k--)
			if (k < RB_CANDIDATES) {
				runs[k] = runs[k - 1];
				cand[k] = cand[k - 1];
			}
		if (k < RB_CANDIDATES) {
			runs[k] = run;
			cand[k] = d[i];
			nc += nc < RB_CANDIDATES;
		}
	}
	free(d);
	qsort(offs, a->n, sizeof(*offs), kd_cmp_u32);
	for (k = 0; k < nc; k++) {
		land = rb_landings(rr, c->be, offs, a->n, cand[k]);
		if (land > best) {
			next = best;
			best = land;
			v = cand[k];
		} else if (land > next) {
			next = land;
		}
	}
	free(offs);
	if (best < 16 || best < 4 * next)
		return 0;
	for (i = 0; i < 8; i++)
		r->rb_fixed[c->be ? 7 - i : i] = (u8)(v >> (8 * i));
	a->t.relative_base.data = r->rb_fixed;
	snprintf(r->rb_how, sizeof(r->rb_how),
		 "0x%llx, from the image's pointers (it reads 0 and no relocation targets it): %u of %u sampled addends land on a symbol's offset from it, %u from the next candidate",
		 (unsigned long long)v, best, RB_CHECK, next);
	return attempt_open(a, NULL);
}

/*
 * Before 7.0, kallsyms_relative_base in an unrelocated image (arm64,
 * s390x) reads 0: its value is the addend of the relative relocation
 * whose r_offset is its address, or else what the image's pointers say
 * (rb_from_pointers()).
 */
int arm64_fix_rb(struct ctx *c, const struct cand *cd, struct attempt *a,
		 struct kd_result *r)
{
	const struct rela_run *rr;
	u64 va = cd->va[KSYM_A_RELATIVE_BASE];
	size_t i;

	if (!a->t.relative_base.data || c->psz != 8 ||
	    ksym_get_uint(a->t.relative_base.data, 8, c->be))
		return 0;
	rr = rela(c);
	if (!rr->count)
		return 0;
	for (i = 0; i < rr->count; i++)
		if (ksym_get_uint(rr->p + 24 * i, 8, c->be) == va)
			break;
	if (i == rr->count) {
		int ret = rb_from_pointers(c, a, r, rr);

		if (ret || r->rb_how[0])
			return ret;
		snprintf(r->rb_how, sizeof(r->rb_how),
			 "reads 0 and no relative relocation (of %zu) targets 0x%llx",
			 rr->count, (unsigned long long)va);
		return 0;
	}
	memcpy(r->rb_fixed, rr->p + 24 * i + 16, 8);
	a->t.relative_base.data = r->rb_fixed;
	snprintf(r->rb_how, sizeof(r->rb_how),
		 "0x%llx, the addend of the relative relocation (type %llu) that targets it (it reads 0 in the unrelocated image)",
		 (unsigned long long)ksym_get_uint(r->rb_fixed, 8, c->be),
		 (unsigned long long)ksym_get_uint(rr->p + 8, 8, c->be));
	return attempt_open(a, NULL);
}

/* packed: one for every symbol, 12 bytes and not 16 */
struct addr_idx {
	u64 addr;
	u32 index;
} __packed;

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

/* A word that looks like an arm64 kernel pointer: its upper half, else 0. */
static u32 kernel_hi(const u8 *p)
{
	u64 w = ksym_get_uint(p, 8, false);

	return (w >> 48) == 0xffff && (w >> 32) != 0xffffffff ? (u32)(w >> 32) : 0;
}

#define HI_SLOTS	16

/*
 * The most common upper half of the image's kernel-looking words, in two
 * passes and no memory: the Misra-Gries summary of HI_SLOTS counters holds
 * every value that is more than 1/(HI_SLOTS + 1) of them (the image's own
 * addresses are most of them), the second pass counts those exactly.
 */
static u32 common_hi(const u8 *d, size_t size, u32 *count)
{
	u32 val[HI_SLOTS] = { 0 }, n[HI_SLOTS] = { 0 }, h;
	unsigned int j, free_slot;
	size_t i;

	for (i = 0; i + 8 <= size; i += 8) {
		h = kernel_hi(d + i);
		if (!h)
			continue;
		free_slot = HI_SLOTS;
		for (j = 0; j < HI_SLOTS && !(n[j] && val[j] == h); j++)
			if (!n[j])
				free_slot = j;
		if (j < HI_SLOTS) {
			n[j]++;
		} else if (free_slot < HI_SLOTS) {
			val[free_slot] = h;
			n[free_slot] = 1;
		} else {
			for (j = 0; j < HI_SLOTS; j++)
				n[j]--;
		}
	}
	memset(n, 0, sizeof(n));
	for (i = 0; i + 8 <= size; i += 8) {
		h = kernel_hi(d + i);
		for (j = 0; h && j < HI_SLOTS; j++)
			if (val[j] == h) {
				n[j]++;
				break;
			}
	}
	for (j = 1, h = 0; j < HI_SLOTS; j++)
		if (n[j] > n[h])
			h = j;
	*count = n[h];
	return val[h];
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
	u32 np = 0, best_hi, best_run;

	if (rr->count >= VOTE_SAMPLE / 8) {
		step = rr->count > VOTE_SAMPLE ? rr->count / VOTE_SAMPLE : 1;
		for (i = 0; i < rr->count && np < VOTE_SAMPLE; i += step)
			ptrs[np++] = ksym_get_uint(rr->p + 24 * i + 16, 8, false);
		*what = "R_AARCH64_RELATIVE addends";
		return np;
	}
	*what = "kernel pointers in the image (RELR keeps them in place)";
	best_hi = common_hi(d, size, &best_run);
	if (!best_run)
		return 0;
	step = best_run > VOTE_SAMPLE ? best_run / VOTE_SAMPLE : 1;
	for (i = 0; i + 8 <= size && np < VOTE_SAMPLE; i += 8)
		if (kernel_hi(d + i) == best_hi && !(nw++ % step))
			ptrs[np++] = ksym_get_uint(d + i, 8, false);
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
int arm64_derive(struct ctx *c, const struct cand *cd, struct attempt *a,
		 struct kd_result *r, u64 *base)
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
		u64 addr = 0;

		if (rb)
			addr = ksym_get_uint(a->t.offsets.data + 4ULL * i, 4, false);
		else if (ksym_address(a->kt, i, &addr, NULL))
			addr = 0;
		v[i].addr = addr;
		v[i].index = i;
	}
	a->kt->layout.mode = keep;
	/*
	 * The generator sorts by address: only a table that is not (or a
	 * hostile one) pays for qsort(), whose merge sort takes a copy.
	 */
	for (i = 1; i < a->n && v[i - 1].addr <= v[i].addr; i++)
		;
	if (i < a->n)
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
