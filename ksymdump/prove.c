// SPDX-License-Identifier: GPL-2.0
/*
 * Proving one candidate: under each layout guess the image does not fix
 * (length encoding, where seqs_of_names is and how it is sorted), open it
 * with decoder.c, relocate an arm64 Image (arm64.c), pick the anchors,
 * prove the address mode by them (or, with none, by address order) and
 * run the full validation.  A candidate is kept only when all of it holds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

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
	/* ksym_views_at() sizes seqs_of_names for 3-byte entries */
	if (a->l.seqs_size == 4 && cd->va[KSYM_A_SEQS]) {
		p = kimage_at(c->img, cd->va[KSYM_A_SEQS], 4ULL * a->n);
		a->t.seqs.data = p;
		a->t.seqs.size = p ? 4ULL * a->n : 0;
	}
}

static void attempt_free(struct attempt *a)
{
	free(a->kt);
	free(a->rec_off);
	a->kt = NULL;
	a->rec_off = NULL;
}

int attempt_open(struct attempt *a, struct ksym_error *err)
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

/*
 * The anchors, in order of preference: --anchor; the ELF symbol table;
 * relocation addends that are symbol addresses (arm64 Image, kept by
 * arm64_derive()); _text at the first executable PT_LOAD, or at the first
 * byte of an Image or of raw input with --base.  An anchor the table does
 * not hold is dropped; with none left, address order decides.
 */
/*
 * A core's VMCOREINFO note gives the addresses of symbols the table holds,
 * written by the kernel itself at that boot, not by the generator.  Not
 * every SYMBOL() line is an address of its symbol: SYMBOL(mem_section)
 * and SYMBOL(vmemmap) are the pointers' values.  These four are
 * addresses on every architecture that has them (swapper_pg_dir is a
 * macro on x86_64, so its table has none), and so is _text where given.  Sets and returns how many
 * the table holds.
 */
static unsigned int note_anchors(const struct kimage *img,
				 struct ksym_decoder *kt, struct kd_result *r)
{
	static const char *const names[] = {
		"_stext", "init_uts_ns", "node_online_map", "swapper_pg_dir",
		"_text",	/* not in a kernel's, but the tests' cores */
	};
	unsigned int i, n = 0;
	char key[48];
	u64 v;

	for (i = 0; i < ARRAY_SIZE(names) && n < KSYM_MAX_ANCHORS; i++) {
		snprintf(key, sizeof(key), "SYMBOL(%s)", names[i]);
		if (!kimage_vmcoreinfo(img, key, true, &v) ||
		    ksym_lookup_name(kt, names[i], NULL, NULL, NULL))
			continue;
		r->anchors[n].name = names[i];
		r->anchors[n++].addr = v;
	}
	r->nr_anchors = n;
	return n;
}

/* The start of the segment of @img that holds @va. */
static bool core_text(const struct kimage *img, u64 va, u64 *start)
{
	unsigned int i;

	for (i = 0; i < img->nr_seg; i++) {
		if (va >= img->seg[i].va && va - img->seg[i].va < img->seg[i].size) {
			*start = img->seg[i].va;
			return true;
		}
	}
	return false;
}

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
	} else if (c->img->vmcoreinfo && note_anchors(c->img, kt, r)) {
		snprintf(r->anchors_how, sizeof(r->anchors_how), "%s",
			 c->img->vmcoreinfo_in_memory ?
			 "the VMCOREINFO text in memory (its SYMBOL() lines)" :
			 "the core's VMCOREINFO note (its SYMBOL() lines)");
	} else if (c->img->core && core_text(c->img, kt->arrays.names.va, &v)) {
		/*
		 * A core with nothing to name an address: the kernel's image
		 * is mapped from _text on, in one run (x86_64's high mapping
		 * starts at _text, arm64's kimage mapping too).  If that is
		 * wrong, no mode reproduces it and the proof fails.
		 */
		r->anchors[0].name = "_text";
		r->anchors[0].addr = v;
		r->nr_anchors = 1;
		snprintf(r->anchors_how, sizeof(r->anchors_how),
			 "_text at the start of the core's segment that holds the table (the kernel image's mapping)");
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

/*
 * The image's own pointers as witnesses: a kernel stores the addresses of
 * its functions in its data (operation tables, the export table, the
 * exception vectors), so under the right address mode many of a spread
 * sample of text symbols' addresses occur as aligned words of the image;
 * under a wrong one (an offset read as an address, a base missing) few do.
 * Small numbers occur everywhere, pointers or not: each address counts
 * against a control, the same address plus 12 (inside a function, where
 * nothing points), and the witnesses are the hits less the control's.
 * Returns that difference (at least 0), or -ENOMEM.
 */
#define KD_CENSUS_SAMPLE	512
#define KD_CENSUS_CONTROL	12
/*
 * How far from kallsyms_names the image's pointers are counted: a whole
 * kernel image (Debian's largest is 66 MB unpacked; 64 MiB either side
 * missed the witnesses of a 6.12 guest's table in its raw memory), not
 * all of a dump's gigabytes; a segment that does not hold the table is
 * counted only if it is smaller than the window on both sides.  A file's
 * pages leave the resident set once counted (kimage_release()).
 */
#define KD_CENSUS_WINDOW	((size_t)128 << 20)
#define KD_CENSUS_PART		((size_t)16 << 20)

/* Is @p inside one of the table's own arrays (the offsets hold the values)? */
static bool in_table(const struct ksym_decoder *kt, const u8 *p)
{
	unsigned int a;

	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		const struct ksym_view *v = &kt->arrays.v[a];

		if (v->data && p >= v->data && p < v->data + v->size)
			return true;
	}
	return false;
}

/*
 * How many of the @n sorted, distinct values in @want the image holds,
 * outside the table's arrays.
 */
static int count_in_image(const struct ctx *c, const struct ksym_decoder *kt,
			  const u64 *want, u32 n)
{
	const u8 *names = kt->arrays.names.data;
	u8 *seen = calloc(n + 1, 1);
	const u64 *hit;
	unsigned int s;
	size_t off, rel;
	int hits = 0;
	u64 w;

	if (!seen)
		return -ENOMEM;
	for (s = 0; s < c->img->nr_seg && n; s++) {
		const struct kimg_seg *g = &c->img->seg[s];
		const u8 *d = c->img->data + g->off;
		size_t lo = 0, hi = g->size;

		/* the kernel's image around its table, not all of a dump */
		if (names >= d && names < d + g->size) {
			if ((size_t)(names - d) > KD_CENSUS_WINDOW)
				lo = (names - d - KD_CENSUS_WINDOW) & ~(size_t)7;
			if (g->size - (names - d) > KD_CENSUS_WINDOW)
				hi = names - d + KD_CENSUS_WINDOW;
		} else if (g->size > 2 * KD_CENSUS_WINDOW) {
			continue;
		}
		for (off = lo, rel = lo; off + c->psz <= hi; off += c->psz) {
			/* counted: out of the resident set, 16 MiB at a time */
			if (off - rel >= KD_CENSUS_PART) {
				kimage_release(c->img, d + rel, off - rel);
				rel = off;
			}
			w = ksym_get_uint(d + off, c->psz, c->be);
			if (w < want[0] || w > want[n - 1] || in_table(kt, d + off))
				continue;
			hit = bsearch(&w, want, n, sizeof(*want), kd_cmp_u64);
			if (hit && !seen[hit - want]) {
				seen[hit - want] = 1;
				hits++;
			}
		}
		kimage_release(c->img, d + rel, hi - rel);
	}
	free(seen);
	return hits;
}

static int census(const struct ctx *c, struct ksym_decoder *kt)
{
	u32 i, n = 0, k, step = kt->num_syms / KD_CENSUS_SAMPLE + 1;
	struct ksym_sym sym;
	u64 *want, *ctl, w;
	int hits, miss;

	want = calloc(2 * KD_CENSUS_SAMPLE, sizeof(*want));
	if (!want)
		return -ENOMEM;
	ctl = want + KD_CENSUS_SAMPLE;
	for (i = 0; i < kt->num_syms && n < KD_CENSUS_SAMPLE; i += step) {
		if (ksym_get(kt, i, kt->scratch[0], &sym, NULL) ||
		    (sym.type != 'T' && sym.type != 't') ||
		    ksym_address(kt, i, &w, NULL) || w < 0x10000)
			continue;
		want[n++] = w;
	}
	qsort(want, n, sizeof(*want), kd_cmp_u64);
	for (i = 0, k = 0; i < n; i++)	/* distinct addresses only */
		if (!k || want[k - 1] != want[i])
			want[k++] = want[i];
	n = k;
	/* the controls: each address plus 12 that is not itself sampled */
	for (i = 0, k = 0; i < n; i++) {
		w = want[i] + KD_CENSUS_CONTROL;
		if (!bsearch(&w, want, n, sizeof(*want), kd_cmp_u64))
			ctl[k++] = w;
	}
	qsort(ctl, k, sizeof(*ctl), kd_cmp_u64);
	hits = n ? count_in_image(c, kt, want, n) : 0;
	miss = k && hits > 0 ? count_in_image(c, kt, ctl, k) : 0;
	free(want);
	if (hits < 0 || miss < 0)
		return -ENOMEM;
	return hits > miss ? hits - miss : 0;
}

/*
 * With no anchor: the modes under which the full validation passes; of
 * several, the one the image's pointers witness (census(): at least 16
 * of the sample and four times any other), since address order alone
 * cannot tell an offset from an address.
 */
static int prove_by_order(struct ctx *c, struct attempt *a,
			  struct kd_result *r, struct ksym_error *err)
{
	enum ksym_addr_mode m, found = KSYM_ADDR_UNKNOWN;
	int ret, hits, best = -1, next = 0;
	unsigned int fits = 0;
	char tally[120] = "";
	size_t l;

	for (m = KSYM_ADDR_ABSOLUTE; m < KSYM_ADDR_NR_MODES; m++) {
		if (m == KSYM_ADDR_RAW32 && a->l.ptr_size != 4)
			continue;
		a->kt->layout.mode = m;
		a->kt->validated = false;
		a->kt->rec_off_valid = false;
		ret = ksym_validate(a->kt, NULL);
		if (ret == -ENOMEM)
			return ret;
		if (ret)
			continue;
		fits++;
		hits = census(c, a->kt);
		if (hits < 0)
			return hits;
		l = strlen(tally);
		snprintf(tally + l, sizeof(tally) - l, "%s%s %d", l ? ", " : "",
			 ksym_mode_name(m), hits);
		if (hits > best) {
			next = best > 0 ? best : 0;
			best = hits;
			found = m;
		} else if (hits > next) {
			next = hits;
		}
	}
	a->kt->layout.mode = KSYM_ADDR_UNKNOWN;
	a->kt->validated = false;
	a->kt->rec_off_valid = false;
	r->census = best > 0 ? (unsigned int)best : 0;
	if (fits == 1 || (fits > 1 && best >= 16 && best >= 4 * next)) {
		a->kt->layout.mode = found;
		if (fits == 1)
			snprintf(r->mode_how, sizeof(r->mode_how),
				 "%s: the only mode whose addresses are in order (no anchor; %d sampled text addresses occur in the image)",
				 ksym_mode_name(found), best);
		else
			snprintf(r->mode_how, sizeof(r->mode_how),
				 "%s: of the modes in order, the one the image's own pointers witness (sampled text addresses found: %s)",
				 ksym_mode_name(found), tally);
		return 0;
	}
	memset(err, 0, sizeof(*err));
	err->code = fits ? KSYM_E_MODE_AMBIGUOUS : KSYM_E_MODE_NONE;
	err->check = ksym_check_name(err->code);
	err->seen = fits;
	err->expected = 1;
	snprintf(err->msg, sizeof(err->msg),
		 "%u modes keep the addresses in order; the image's pointers decide none (found: %.90s): give --base or --anchor _text=ADDR",
		 fits, tally);
	return -EINVAL;
}

/* Failures are ranked: the deepest stage, and a non-seqs check, wins. */
static void note_failure(struct ctx *c, const struct cand *cd,
			 const struct attempt *a, const struct ksym_error *e)
{
	bool seqs = e->code == KSYM_E_SEQS_SIZE || e->code == KSYM_E_SEQS_RANGE ||
		    e->code == KSYM_E_SEQS_ORDER;
	int rank = 2 * a->stage + !seqs;

	if (rank <= c->fail_stage)
		return;
	c->fail_stage = rank;
	c->fail_err = *e;
	snprintf(c->fail_where, sizeof(c->fail_where),
		 "table from the %s: kallsyms_names at 0x%llx (offset 0x%zx in the %s)",
		 cd->src, (unsigned long long)cd->va[KSYM_A_NAMES],
		 kimage_offset(c->img, cd->va[KSYM_A_NAMES]),
		 c->img->layers ? "decompressed image" : "file");
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
		       struct kd_result *r, u64 *seqs_va, unsigned int seqs_size,
		       bool *base_known, struct ksym_error *err)
{
	bool has_seqs = seqs_size && *seqs_va;
	u64 base, names_va;
	int ret;

	cd->va[KSYM_A_SEQS] = has_seqs ? *seqs_va : 0;
	a->l.seqs_size = has_seqs ? seqs_size : 0;
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
	} else if (c->img->vmcoreinfo_in_memory && !*base_known &&
		   kimage_vmcoreinfo(c->img, "SYMBOL(kallsyms_names)", true,
				     &names_va)) {
		/*
		 * Raw memory: the kernel's own VMCOREINFO names where its
		 * kallsyms_names is; this copy of the table is moved there
		 * (the anchors then prove it is the live one)
		 */
		base = c->img->seg[0].va + names_va - cd->va[KSYM_A_NAMES];
		snprintf(r->base_how, sizeof(r->base_how),
			 "0x%llx: SYMBOL(kallsyms_names)=0x%llx of the VMCOREINFO in memory, where this table's names are (physical 0x%llx); the KASLR offset is its KERNELOFFSET",
			 (unsigned long long)base, (unsigned long long)names_va,
			 (unsigned long long)cd->va[KSYM_A_NAMES]);
		*base_known = true;
		rebase(c, cd, seqs_va, base);
		cd->va[KSYM_A_SEQS] = has_seqs ? *seqs_va : 0;
		build_views(c, cd, a);
		ret = attempt_open(a, err);
		if (ret)
			return ret;
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
		ret = prove_by_order(c, a, r, err);
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
int try_cand(struct ctx *c, struct cand *cd, struct kd_result *r)
{
	static const enum ksym_seqs_order orders[] = {
		KSYM_SEQS_EXACT, KSYM_SEQS_STRIP_LLVM, KSYM_SEQS_STRIP_DOT,
	};
	static const enum ksym_len_enc encs[] = {
		KSYM_LEN_ULEB2, KSYM_LEN_1BYTE,
	};
	/* 3-byte entries (6.1.60+), 4-byte ones (6.1.42-6.1.59), none */
	static const unsigned int seqs_sizes[] = { 3, 4, 0 };
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
		for (s = 0; s < ARRAY_SIZE(seqs_sizes); s++) {
			if (seqs_sizes[s] && !seqs_va)
				continue;
			for (o = 0; o < (seqs_sizes[s] ? 3U : 1U); o++) {
				memset(&a.l, 0, sizeof(a.l));
				a.l.ptr_size = c->psz;
				a.l.big_endian = c->be;
				a.l.marker_size = 4;
				a.l.len_enc = encs[e];
				/* KSYM_NAME_LEN: 128 until 6.1, 512 with 2-byte lengths */
				a.l.name_len = encs[e] == KSYM_LEN_ULEB2 ? KSYM_NAME_MAX : 128;
				a.l.seqs_order = orders[o];
				ret = attempt_run(c, cd, &a, r, &seqs_va,
						  seqs_sizes[s], &base_known, &err);
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
	snprintf(r->seqs_how, sizeof(r->seqs_how), "%s%s",
		 a.l.seqs_size == 4 ? "4-byte entries (6.1.42-6.1.59), " : "",
		 !seqs_va ? "none (before 6.1.42)" :
		 !cd->va[KSYM_A_SEQS] ?
		 "none: what follows the markers is not seqs (before 6.1.42)" :
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
