// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the kallsyms table of a kernel image: candidates from the ELF
 * symbol table (kallsyms_* symbols) or, with no symbols, from the landmark
 * scan of every segment, for each byte order and pointer size the image
 * leaves open.  prove.c proves each one; of those proven, the one that
 * holds its own kallsyms_names address wins, else the largest.  When none
 * is proven, the deepest failure is explained.
 */
#define _GNU_SOURCE	/* memmem() */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unpack.h"

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

/*
 * A core whose VMCOREINFO note names kallsyms_token_table: the segment
 * that holds it is the one to scan (a paging dump maps the same pages
 * again in the direct map, where the addresses would be wrong).
 */
static bool note_skips(const struct kimage *img, const struct kimg_seg *s)
{
	u64 v;

	return img->vmcoreinfo && !img->vmcoreinfo_in_memory &&
	       kimage_vmcoreinfo(img, "SYMBOL(kallsyms_token_table)", true, &v) &&
	       !(v >= s->va && v - s->va < s->size);
}

/*
 * The scan is done with a segment's bytes below @below: in raw memory
 * with no note, look at each page start among them for the kernel's
 * VMCOREINFO text (vmcoreinfo_data is a page of its own that starts with
 * "OSRELEASE="), then let them go.
 */
struct scan_release {
	struct kimage *img;
	const struct kimg_seg *s;
	const u8 *seg;
	size_t done;
};

#define KD_VMCOREINFO_PAGE	4096

static void find_vmcoreinfo(struct scan_release *sr, size_t from, size_t to)
{
	struct kimage *img = sr->img;
	size_t o = from + (-(sr->s->va + from) & (KD_VMCOREINFO_PAGE - 1));
	const char *p;
	size_t n;

	for (; o < to && to - o >= KD_VMCOREINFO_PAGE; o += KD_VMCOREINFO_PAGE) {
		p = (const char *)sr->seg + o;
		if (memcmp(p, "OSRELEASE=", 10))
			continue;
		n = strnlen(p, KD_VMCOREINFO_PAGE);
		if (n == KD_VMCOREINFO_PAGE || !memmem(p, n, "\nPAGESIZE=", 10) ||
		    !memmem(p, n, "\nSYMBOL(", 8))
			continue;
		img->vmcoreinfo = p;
		img->vmcoreinfo_len = n;
		img->vmcoreinfo_in_memory = true;
		img->vmcoreinfo_off = sr->s->va + o;
		return;
	}
}

static void scan_passed(void *ctx, size_t below)
{
	struct scan_release *sr = ctx;

	if (below <= sr->done)
		return;
	if (sr->img->kind == KIMG_RAW && !sr->img->vmcoreinfo)
		find_vmcoreinfo(sr, sr->done, below);
	kimage_release(sr->img, sr->seg + sr->done, below - sr->done);
	sr->done = below;
}

static unsigned int scan_image(struct ctx *c, struct cand *cands,
			       unsigned int max)
{
	struct ksym_scan_hit hits[KD_SCAN_HITS];
	struct scan_release sr = { .img = c->img };
	unsigned int i, h, k, nh, nc = 0;

	for (i = 0; i < c->img->nr_seg && nc < max; i++) {
		const struct kimg_seg *s = &c->img->seg[i];

		if (note_skips(c->img, s))
			continue;

		if (c->work.exhausted) {
			c->scan_stop_left += s->size;
			continue;
		}
		sr.s = s;
		sr.seg = c->img->data + s->off;
		sr.done = 0;
		c->work.passed = scan_passed;
		c->work.passed_ctx = &sr;
		nh = ksym_scan(c->img->data + s->off, s->size, s->va, c->be,
			       c->psz, &c->work, hits, KD_SCAN_HITS);
		c->work.passed = NULL;
		/* the proofs read the tables again, not the rest */
		scan_passed(&sr, s->size);
		if (c->work.exhausted) {
			c->scan_stop_va = s->va + c->work.stop;
			c->scan_stop_left = s->size - c->work.stop;
		}
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

int kd_cmp_u32(const void *x, const void *y)
{
	u32 a = *(const u32 *)x, b = *(const u32 *)y;

	return a < b ? -1 : a > b;
}

int kd_cmp_u64(const void *x, const void *y)
{
	u64 a = *(const u64 *)x, b = *(const u64 *)y;

	return a < b ? -1 : a > b;
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

/*
 * How many of the kallsyms_* arrays that @img's VMCOREINFO names are where
 * @r has them; -1 if one is not (then *@bad is that array, *@said where
 * the text puts it).
 */
static int note_agrees(const struct kimage *img, const struct kd_result *r,
		       unsigned int *bad, u64 *said)
{
	unsigned int k;
	char key[48];
	int n = 0;
	u64 v;

	for (k = 0; img->vmcoreinfo && k < KSYM_NR_ARRAYS; k++) {
		snprintf(key, sizeof(key), "SYMBOL(%s)", ksym_array_name(k));
		if (!kimage_vmcoreinfo(img, key, true, &v))
			continue;
		if (v != r->va[k]) {
			*bad = k;
			*said = v;
			return -1;
		}
		n++;
	}
	return n;
}

static bool better(const struct kd_result *a, const struct kd_result *b)
{
	if (!b->kt)
		return true;
	/* a table where the kernel's VMCOREINFO says it is */
	if (a->note_agrees != b->note_agrees)
		return a->note_agrees > b->note_agrees;
	if (a->self_located != b->self_located)
		return a->self_located;
	/* proven by order alone: the image's pointers witness the right one */
	if (a->census != b->census)
		return a->census > b->census;
	return a->kt->num_syms > b->kt->num_syms;
}

/* The byte orders and pointer sizes to try: given, from the input, or both. */
static void guesses(const struct kimage *img, const struct kd_opts *o,
		    bool *bes, unsigned int *nbe, unsigned int *pszs,
		    unsigned int *npsz)
{
	*nbe = 0;
	*npsz = 0;
	if (o->big_endian >= 0) {
		bes[(*nbe)++] = o->big_endian;
	} else if (img->endian_known) {
		bes[(*nbe)++] = img->big_endian;
	} else {
		bes[(*nbe)++] = false;
		bes[(*nbe)++] = true;
	}
	if (o->ptr_size) {
		pszs[(*npsz)++] = o->ptr_size;
	} else if (img->ptr_size) {
		pszs[(*npsz)++] = img->ptr_size;
	} else {
		pszs[(*npsz)++] = 8;
		pszs[(*npsz)++] = 4;
	}
}

/*
 * Every candidate under every guess; the best proven one ends in @best.
 * Counts go to @r.  Returns -ENOMEM or 0.
 */
static int locate_best(struct ctx *c, struct kd_result *best,
		       struct kd_result *cur, struct kd_result *r,
		       bool *used_symbols)
{
	struct cand cands[2 * KD_SCAN_HITS + 1];
	struct kimage *img = c->img;
	unsigned int nc, i, bi, pi, nbe, npsz, pszs[2], k;
	u64 base0 = img->kind == KIMG_ELF ? 0 : img->seg[0].va, v;
	bool bes[2];
	int ret;

	guesses(img, c->o, bes, &nbe, pszs, &npsz);
	/*
	 * Once a table that holds its own kallsyms_names address is proven,
	 * the other byte orders and pointer sizes are not scanned: none can
	 * beat it (better()).
	 */
	for (bi = 0; bi < nbe && !(best->kt && best->self_located); bi++) {
		for (pi = 0; pi < npsz && !(best->kt && best->self_located); pi++) {
			c->be = bes[bi];
			c->psz = pszs[pi];
			memset(&c->rela, 0, sizeof(c->rela));
			/* a proof may have moved the image: scan it where it was */
			if (img->kind != KIMG_ELF)
				kimage_set_base(img, base0);
			if (img->symtab && !c->o->no_symbols &&
			    cand_from_symbols(c, &cands[0])) {
				nc = 1;
				*used_symbols = true;
			} else {
				nc = scan_image(c, cands, ARRAY_SIZE(cands));
			}
			r->candidates += nc;
			for (i = 0; i < nc; i++) {
				if (img->kind != KIMG_ELF)
					kimage_set_base(img, base0);
				memset(cur, 0, sizeof(*cur));
				ret = try_cand(c, &cands[i], cur);
				if (ret == -ENOMEM)
					return ret;
				if (ret)
					continue;
				r->proven++;
				cur->self_located =
					self_located(cur->kt, cur->va[KSYM_A_NAMES]);
				cur->note_agrees = note_agrees(img, cur, &k, &v);
				if (better(cur, best)) {
					kd_result_free(best);
					move_result(best, cur);
				} else {
					kd_result_free(cur);
				}
			}
		}
	}
	return 0;
}

/* @best is proven: make it the result and say how it was found. */
static int take_best(struct kimage *img, struct kd_result *best,
		     struct kd_result *r, bool used_symbols)
{
	unsigned int cands_n = r->candidates, proven = r->proven;

	if (img->kind != KIMG_ELF)
		kimage_set_base(img, best->base);
	move_result(r, best);
	r->status = KD_OK;
	r->candidates = cands_n;
	r->proven = proven;
	snprintf(r->located, sizeof(r->located),
		 "%s: %u candidate%s, %u proven%s",
		 used_symbols ? "ELF symbol table" : "landmark scan",
		 cands_n, cands_n == 1 ? "" : "s", proven,
		 proven < 2 ? "" : r->note_agrees > 0 ?
		 "; kept the one where the VMCOREINFO puts the arrays" :
		 r->self_located ?
		 "; kept the one that holds its own kallsyms_names address" :
		 r->census ? "; kept the one the image's pointers witness most" :
		 "; kept the largest");
	if (!r->base_how[0])
		snprintf(r->base_how, sizeof(r->base_how), "%s",
			 img->core ?
			 "the dump's own addresses (runtime ones, as that boot had them)" :
			 img->kind == KIMG_ELF ?
			 "the ELF program headers" :
			 "0 (not derivable: give --base)");
	return 0;
}

/*
 * A core's VMCOREINFO note (6.0+ names kallsyms_names, _num_syms,
 * _token_table, _token_index, and _offsets and _relative_base or
 * _addresses): the proven table must be where it says.  Its
 * KERNELOFFSET is the boot's KASLR offset.
 */
static int check_note(const struct kimage *img, struct kd_result *r)
{
	char rel[65] = "?", pgs[24] = "?";
	unsigned int k;
	int n;
	u64 v;

	if (!img->vmcoreinfo) {
		if (img->core)
			snprintf(r->note_how, sizeof(r->note_how),
				 "none in this core (the table was found by the landmark scan)");
		return 0;
	}
	n = note_agrees(img, r, &k, &v);
	if (n < 0) {
		snprintf(r->why, sizeof(r->why),
			 "corrupt: check vmcoreinfo: the note says %s is at 0x%llx, the proven table has it at 0x%llx",
			 ksym_array_name(k), (unsigned long long)v,
			 (unsigned long long)r->va[k]);
		return KD_CORRUPT;
	}
	r->has_kernel_offset = kimage_vmcoreinfo(img, "KERNELOFFSET", true,
						 &r->kernel_offset);
	kimage_vmcoreinfo_str(img, "OSRELEASE", rel, sizeof(rel));
	kimage_vmcoreinfo_str(img, "PAGESIZE", pgs, sizeof(pgs));
	if (img->vmcoreinfo_in_memory)
		snprintf(r->note_how, sizeof(r->note_how),
			 "used: the kernel's own VMCOREINFO text, found in the memory at 0x%llx (no note); its %u kallsyms_* addresses equal the proven table's; OSRELEASE %s, PAGESIZE %s",
			 (unsigned long long)img->vmcoreinfo_off, n, rel, pgs);
	else if (n)
		snprintf(r->note_how, sizeof(r->note_how),
			 "used: it chose the segment to scan, and its %u kallsyms_* addresses equal the proven table's; OSRELEASE %s, PAGESIZE %s",
			 n, rel, pgs);
	else
		snprintf(r->note_how, sizeof(r->note_how),
			 "read, but it names no kallsyms_* array (before 6.0); OSRELEASE %s, PAGESIZE %s",
			 rel, pgs);
	return 0;
}

/* The proven table in @r against @img's note: on a mismatch, @r fails. */
static bool best_note_fails(const struct kimage *img, struct kd_result *r)
{
	int ret = check_note(img, r);

	if (!ret)
		return false;
	kd_result_free(r);
	r->status = ret;
	return true;
}

/* Nothing proven: say why, with the deepest failure and where it was. */
static int explain_failure(const struct ctx *c, struct kd_result *r)
{
	const struct ksym_error *e = &c->fail_err;

	if (!r->candidates && c->work.exhausted) {
		snprintf(r->why, sizeof(r->why),
			 "limit: the landmark scan stopped at its bound of %llu reads with no table found (%u candidate regions cut at %llu reads each); --scan-work raises it",
			 (unsigned long long)c->work.used, c->work.regions_cut,
			 (unsigned long long)KSYM_SCAN_REGION_WORK);
		return r->status = KD_LIMIT;
	}
	if (!r->candidates) {
		snprintf(r->why, sizeof(r->why),
			 "not found: %s; the landmark scan found no table (token table digits, token index, markers and names that walk)%s",
			 c->img->symtab && !c->o->no_symbols ?
			 "the ELF symbol table has no kallsyms_names" :
			 "no symbols used",
			 c->work.regions_cut ?
			 "; some candidate regions were cut at their bound of reads" : "");
		return r->status = KD_NOT_FOUND;
	}
	r->err = *e;
	/*
	 * A table whose records and arrays hold, but whose addresses no mode
	 * explains, is a layout these rules do not know, not a broken one.
	 */
	snprintf(r->why, sizeof(r->why),
		 "%s: check %s failed at symbol %u (seen 0x%llx, expected 0x%llx): %s; %s; %u candidate%s, none proven",
		 e->code == KSYM_E_MODE_NONE || e->code == KSYM_E_MODE_AMBIGUOUS ||
		 e->code == KSYM_E_ANCHOR ? "unsupported layout" : "corrupt",
		 e->check && *e->check ? e->check : "?", e->index,
		 (unsigned long long)e->seen, (unsigned long long)e->expected,
		 e->msg, c->fail_where, r->candidates,
		 r->candidates == 1 ? "" : "s");
	if (c->base_note[0]) {
		size_t l = strlen(r->why);

		snprintf(r->why + l, sizeof(r->why) - l, "; Image base %s",
			 c->base_note);
	}
	return r->status = KD_CORRUPT;
}

int kd_locate(struct kimage *img, const struct kd_opts *o,
	      struct kd_result *r)
{
	struct ctx c = { .img = img, .o = o };
	struct kd_result *best, *cur;
	bool used_symbols = false;
	unsigned int i;
	int ret;

	memset(r, 0, sizeof(*r));
	c.work.budget = o->scan_work;
	if (!c.work.budget) {
		for (i = 0; i < img->nr_seg; i++)
			c.work.budget += img->seg[i].size;
		c.work.budget = KSYM_SCAN_WORK(c.work.budget);
	}
	best = calloc(1, sizeof(*best));
	cur = calloc(1, sizeof(*cur));
	if (best && cur) {
		if (o->has_base && img->kind != KIMG_ELF)
			kimage_set_base(img, o->base);
		ret = locate_best(&c, best, cur, r, &used_symbols);
		if (!ret)
			ret = best->kt ? take_best(img, best, r, used_symbols) :
					 explain_failure(&c, r);
		else
			kd_result_free(cur);
		if (!ret && best_note_fails(img, r))
			ret = r->status;
		kd_result_free(best);
	} else {
		ret = -ENOMEM;
	}
	free(best);
	free(cur);
	r->scan_bound = c.work.used + c.work.budget;
	r->scan_reads = c.work.used;
	r->scan_regions_cut = c.work.regions_cut;
	r->scan_exhausted = c.work.exhausted;
	r->scan_stop_va = c.scan_stop_va;
	r->scan_stop_left = c.scan_stop_left;
	if (ret == -ENOMEM) {
		kd_result_free(r);
		snprintf(r->why, sizeof(r->why), "out of memory");
		return r->status = KD_IO;
	}
	return ret;
}

/* ---- compressed streams inside ---- */

int kd_locate_inside(struct kimage *img, const struct kd_opts *op,
		     const struct kimg_limits *limits, struct kd_result *r)
{
	struct kimg_payload pl[KIMG_MAX_PAYLOADS];
	struct kimg_limits lim = *limits;
	struct kd_opts o = *op;
	size_t total = limits->max_size;
	char why[512], first[320] = "";
	unsigned int n, i, tried = 0;
	struct kimage sub;
	struct kd_result sr;
	u64 work;
	int ret;

	n = kimage_payloads(img, pl, ARRAY_SIZE(pl));
	/* what the scan of the image as it opened left */
	work = r->scan_bound - r->scan_reads;
	for (i = 0; i < n && total && work; i++) {
		lim.max_size = total;
		ret = kimage_open_payload(&sub, img, &pl[i], &lim, why, sizeof(why));
		if (ret == -ENOMEM) {
			snprintf(r->why, sizeof(r->why), "out of memory");
			return r->status = KD_IO;
		}
		if (ret) {
			if (!first[0])
				snprintf(first, sizeof(first), "%s at 0x%zx: %.200s",
					 pl[i].c->name, pl[i].off, why);
			continue;
		}
		tried++;
		total -= sub.size < total ? sub.size : total;
		o.scan_work = work;
		ret = kd_locate(&sub, &o, &sr);
		work = work > sr.scan_reads ? work - sr.scan_reads : 0;
		if (ret == KD_OK || ret == KD_CORRUPT) {
			/* a table, proven or broken: the answer */
			kd_result_free(r);
			move_result(r, &sr);
			kimage_close(img);
			*img = sub;
			return ret;
		}
		if (!first[0])
			snprintf(first, sizeof(first), "%s at 0x%zx: %.200s",
				 pl[i].c->name, pl[i].off, sr.why);
		kd_result_free(&sr);
		kimage_close(&sub);
	}
	if (n) {
		size_t l = strlen(r->why);

		snprintf(r->why + l, sizeof(r->why) - l,
			 "; %s%u compressed stream%s inside (%u unpacked) hold none%s%s",
			 n == KIMG_MAX_PAYLOADS ? "the first " : "", n,
			 n == 1 ? "" : "s", tried, first[0] ? "; the first: " : "",
			 first);
	}
	return r->status;
}
