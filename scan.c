// SPDX-License-Identifier: GPL-2.0
/*
 * Landmark scan for the kallsyms arrays in raw kernel memory.
 *
 * 1. The token table holds the single-character tokens '0'..'9' in slots
 *    0x30..0x39, so it contains the 20 bytes "0\0" "1\0" ... "9\0".
 * 2. The token index follows the token table; its entries 0x30..0x39 step
 *    by 2 and point back at that run, which gives the table's start.
 * 3. The markers end just before the token table (6.4+, and before 6.1.42)
 *    or before seqs_of_names (4 bytes a symbol in 6.1.42-6.1.59, 3 bytes
 *    in 6.1.60-6.3).  markers[0] is 0 and the entries increase.
 * 4. num_syms sits just before names, padded to the alignment; walking
 *    num_syms records from there must end at the markers, and record 256
 *    must start at markers[1].
 * Everything is read through bounds checks; every candidate is kept until
 * these proofs pick it.  Every read is counted against the region's and
 * the scan's bounds (scan.h); a loop ends as soon as either runs out.
 *
 * A token index's shape (entry 0 is 0, the digit entries step by 2, all
 * increase) does not depend on the digit run it would serve, so each
 * position is tested for it once: runs of digits a few bytes apart, as in
 * a crafted input, then cost one pass over their window, not one each.
 */
#include "scan.h"

#define KSYM_SCAN_MAX_MARKERS	8192	/* two million symbols */
#define KSYM_SCAN_MAX_BLOCK	(256 * 520)	/* 256 records, longest names */

static const u8 digit_run[20] = {
	'0', 0, '1', 0, '2', 0, '3', 0, '4', 0,
	'5', 0, '6', 0, '7', 0, '8', 0, '9', 0,
};

/* token index shapes kept for the digit runs still to come */
#define KSYM_SCAN_SHAPES	32

struct ti_shape {
	size_t ti;
	u32 z;		/* entry 0x30: the digit run's offset in the table */
	u32 last;	/* entry 0xff: the last token's offset */
};

struct scan_ctx {
	const u8 *buf;
	size_t len;
	u64 va;
	bool be;
	unsigned int psz;
	u64 left, region_left, used;
	bool cut;		/* a bound ran out: stop the loops */
	size_t shape_done;	/* positions below it were tested for a shape */
	struct ti_shape shape[KSYM_SCAN_SHAPES];
	unsigned int nr_shapes;
};

/* Count one read; false (and every loop ends) once a bound is reached. */
static bool spend(struct scan_ctx *c)
{
	if (c->cut || !c->left || !c->region_left) {
		c->cut = true;
		return false;
	}
	c->left--;
	c->region_left--;
	c->used++;
	return true;
}

static u32 rd(struct scan_ctx *c, size_t off, unsigned int size)
{
	if (!spend(c) || off > c->len || size > c->len - off)
		return 0;
	return (u32)ksym_get_uint(c->buf + off, size, c->be);
}

static bool aligned(const struct scan_ctx *c, size_t off, unsigned int a)
{
	return !((c->va + off) & (a - 1));
}

static size_t align_up(const struct scan_ctx *c, size_t off, unsigned int a)
{
	while (!aligned(c, off, a))
		off++;
	return off;
}

/* Walk @count records from @off; the end offset, or 0 if they leave @limit. */
static size_t walk(struct scan_ctx *c, size_t off, u32 count,
		   size_t limit)
{
	int hdr;
	u32 l;

	while (count--) {
		if (off >= limit || !spend(c))
			return 0;
		hdr = ksym_rec_prefix(c->buf + off, limit - off,
				      KSYM_LEN_ULEB2, &l);
		if (hdr < 0)
			return 0;
		off += hdr + l;
	}
	return off;
}

/* Does @ti look like a token index, whatever digit run it serves? */
static bool ti_shape_at(struct scan_ctx *c, size_t ti, struct ti_shape *sh)
{
	u32 z, prev, k, v;

	if (ti + KSYM_TOKEN_INDEX_SIZE > c->len || rd(c, ti, 2) != 0)
		return false;
	z = rd(c, ti + 2 * 0x30, 2);
	for (k = 1; k < 10; k++)
		if (rd(c, ti + 2 * (0x30 + k), 2) != z + 2 * k)
			return false;
	/* strictly increasing: every token is at least its NUL */
	for (k = 1, prev = 0; k < KSYM_NR_TOKENS; k++, prev = v) {
		v = rd(c, ti + 2 * k, 2);
		if (v <= prev || c->cut)
			return false;
	}
	sh->ti = ti;
	sh->z = z;
	sh->last = prev;
	return true;
}

/* Does the token index @sh point its digit entries at the run at @d? */
static bool serves(const struct ti_shape *sh, size_t d, size_t *tt)
{
	if (sh->z > d || d - sh->z + sh->last >= sh->ti)
		return false;
	*tt = d - sh->z;
	return true;
}

/*
 * The first token index in [@lo, @hi) that serves the digit run at @d:
 * positions already tested come from the kept shapes, the rest are tested
 * now and kept.  With more shapes than can be kept (never in a kernel:
 * one token index in 64 KiB), the rest are tested as they come.
 */
static bool find_token_index(struct scan_ctx *c, size_t d, size_t lo,
			     size_t hi, size_t *ti, size_t *tt)
{
	struct ti_shape sh;
	unsigned int i, keep = 0;
	size_t p;

	for (i = 0; i < c->nr_shapes; i++)
		if (c->shape[i].ti >= lo)
			c->shape[keep++] = c->shape[i];
	c->nr_shapes = keep;
	for (i = 0; i < c->nr_shapes; i++) {
		if (c->shape[i].ti >= hi)
			break;
		if (serves(&c->shape[i], d, tt)) {
			*ti = c->shape[i].ti;
			return true;
		}
	}
	for (p = lo > c->shape_done ? lo : c->shape_done;
	     p < hi && p + KSYM_TOKEN_INDEX_SIZE <= c->len && !c->cut; p++) {
		if (!aligned(c, p, 4) || !ti_shape_at(c, p, &sh))
			continue;
		if (c->nr_shapes < KSYM_SCAN_SHAPES) {
			c->shape[c->nr_shapes++] = sh;
			c->shape_done = p + 1;
		}
		if (serves(&sh, d, tt)) {
			*ti = p;
			return true;
		}
	}
	if (c->nr_shapes < KSYM_SCAN_SHAPES && !c->cut && p > c->shape_done)
		c->shape_done = p;
	return false;
}

static void place_rest(const struct scan_ctx *c, struct ksym_scan_hit *h,
		       size_t s, size_t e, size_t ti, u32 n)
{
	unsigned int a = h->align;
	size_t off, rb;

	if (h->old_order) {
		/* offsets, relative_base, num_syms, names, markers[, seqs] */
		if (h->seqs_size)
			h->va[KSYM_A_SEQS] = c->va + align_up(c, e, a);
		rb = s - c->psz;
		if (s >= c->psz + 4ULL * n) {
			/* offsets end at most a - 1 bytes before it */
			off = rb - 4ULL * n;
			while (off && !aligned(c, off, a))
				off--;
			h->va[KSYM_A_RELATIVE_BASE] = c->va + rb;
			h->va[KSYM_A_OFFSETS] = c->va + off;
		}
		return;
	}
	/* token_index, offsets, [relative_base,] seqs */
	h->seqs_size = 3;
	off = align_up(c, ti + KSYM_TOKEN_INDEX_SIZE, a);
	h->va[KSYM_A_OFFSETS] = c->va + off;
	off = align_up(c, off + 4ULL * n, a);
	if (a == 8) {	/* 6.4-6.19: relative_base; 7.0+ is 4-aligned */
		h->va[KSYM_A_RELATIVE_BASE] = c->va + off;
		off = align_up(c, off + c->psz, a);
	}
	h->va[KSYM_A_SEQS] = c->va + off;
}

/*
 * The entry size of a seqs_of_names of @n entries that would fill the gap
 * between the markers' end @e and the token table @tt, padded to @pad: 3
 * or 4; 0 for padding only; -1 for a gap that is neither.
 */
static int seqs_gap(const struct scan_ctx *c, size_t e, size_t tt, u32 n,
		    unsigned int pad)
{
	size_t gap = tt - align_up(c, e, pad);
	unsigned int sz;

	if (tt - e < 8)
		return 0;
	for (sz = 3; sz <= 4; sz++)
		if (gap >= (size_t)sz * n && gap <= (size_t)sz * n + pad)
			return sz;
	return -1;
}

/*
 * Given markers at @m with @nm entries ending at @e, find num_syms and
 * names before them.  Returns true and fills @h on a proven match.
 */
static bool names_for_markers(struct scan_ctx *c, size_t m, u32 nm,
			      size_t e, size_t tt, size_t ti,
			      struct ksym_scan_hit *h)
{
	static const unsigned int pads[] = { 8, 4 };
	u32 last = rd(c, m + 4 * (nm - 1), 4);
	u32 m1 = nm > 1 ? rd(c, m + 4, 4) : 0;
	size_t ns, lo, s, end;
	unsigned int p;
	int sz;
	u32 n;

	if (last + 2 > m)
		return false;
	lo = m - last > KSYM_SCAN_MAX_BLOCK + 8 ?
	     m - last - KSYM_SCAN_MAX_BLOCK - 8 : 4;
	for (ns = m - last - 2; ns >= lo && !c->cut; ns--) {
		if (!aligned(c, ns, 4))
			continue;
		for (p = 0; p < 2; p++) {
			if (!aligned(c, ns, pads[p]) || ns < pads[p])
				continue;
			s = ns - pads[p];
			n = rd(c, s, 4);
			if (n <= 256 * (nm - 1) || n > 256 * nm)
				continue;
			/* the last block ends at the markers, padded */
			end = walk(c, ns + last, n - 256 * (nm - 1), m);
			if (!end || align_up(c, end, pads[p]) != m)
				continue;
			/* and record 256 starts where markers[1] says */
			if (nm > 1 && walk(c, ns, 256, m) != ns + m1)
				continue;
			/* between markers and token table: padding or seqs */
			sz = seqs_gap(c, e, tt, n, pads[p]);
			if (sz < 0)
				continue;
			memset(h, 0, sizeof(*h));
			h->old_order = sz > 0;
			h->seqs_size = sz;
			h->align = pads[p];
			h->num_syms = n;
			h->va[KSYM_A_NUM_SYMS] = c->va + s;
			h->va[KSYM_A_NAMES] = c->va + ns;
			h->va[KSYM_A_MARKERS] = c->va + m;
			h->va[KSYM_A_TOKEN_TABLE] = c->va + tt;
			h->va[KSYM_A_TOKEN_INDEX] = c->va + ti;
			place_rest(c, h, s, e, ti, n);
			return true;
		}
		if (ns == 0)
			break;
	}
	return false;
}

/*
 * What the bytes of the hit just added at @hits[@nh - 1] leave open, as
 * further hits; the decoder will prove one.  Returns the new count.
 */
static unsigned int more_readings(const struct scan_ctx *c,
				  struct ksym_scan_hit *hits, unsigned int nh,
				  unsigned int max)
{
	const struct ksym_scan_hit *h0 = &hits[nh - 1];
	struct ksym_scan_hit *h;

	if (h0->old_order)
		return nh;
	/*
	 * 32-bit 6.4-6.19 also pads to 4 but keeps a relative_base before
	 * seqs.
	 */
	if (c->psz == 4 && nh < max) {
		h = &hits[nh++];
		*h = *h0;
		h->va[KSYM_A_RELATIVE_BASE] = h->va[KSYM_A_SEQS];
		h->va[KSYM_A_SEQS] += 4;
	}
	/*
	 * Nothing between markers and token table is also the order before
	 * seqs_of_names (up to 6.1.41): offsets and relative_base before
	 * num_syms, no seqs.
	 */
	if (nh < max) {
		size_t s = h0->va[KSYM_A_NUM_SYMS] - c->va;

		h = &hits[nh++];
		*h = *h0;
		h->old_order = true;
		h->seqs_size = 0;
		h->va[KSYM_A_OFFSETS] = 0;
		h->va[KSYM_A_RELATIVE_BASE] = 0;
		h->va[KSYM_A_SEQS] = 0;
		place_rest(c, h, s, 0, 0, h->num_syms);
	}
	return nh;
}

/*
 * 6.4+, and before 6.1.42: the markers end at the token table, padded by
 * less than 8 bytes.  From each such end, walk back over the strictly
 * increasing entries to the 0 that starts them: the one run that can end
 * there.  Returns the number of hits added.
 */
static unsigned int markers_at(struct scan_ctx *c, size_t tt, size_t ti,
			       struct ksym_scan_hit *hits, unsigned int max)
{
	unsigned int nh = 0;
	size_t e, m;
	u32 k, v, next;

	for (e = tt; e + 8 > tt && e >= 4 && nh < max && !c->cut; e--) {
		if (!aligned(c, e, 4))
			continue;
		m = e;
		v = 1;
		next = ~0U;
		for (k = 1; k <= KSYM_SCAN_MAX_MARKERS && m >= 4 && !c->cut; k++) {
			m -= 4;
			v = rd(c, m, 4);
			if (!v || v >= next)
				break;
			next = v;
		}
		if (v || c->cut || k > KSYM_SCAN_MAX_MARKERS)
			continue;
		if (names_for_markers(c, m, k, e, tt, ti, &hits[nh]))
			nh = more_readings(c, hits, nh + 1, max);
	}
	return nh;
}

/*
 * 6.1.42-6.3 put seqs_of_names between the markers and the token table:
 * 3- or 4-byte big-endian entries, each below 2^21 (the scan's limit of
 * KSYM_SCAN_MAX_MARKERS blocks of 256 symbols), then less than 8 bytes of
 * padding.  Walking back from @tt over such entries, on every grid the
 * real ones could sit on, covers them; the longest walk bounds how far
 * before @tt the markers can end.
 */
static size_t seqs_reach(struct scan_ctx *c, size_t tt)
{
	size_t q, best = 0;
	unsigned int sz, p;

	for (sz = 3; sz <= 4; sz++) {
		for (p = 0; p < 8 && p + sz <= tt; p++) {
			/* big-endian whatever the table's byte order */
			for (q = tt - p; q >= sz && !c->cut; q -= sz)
				if (!spend(c) || q > c->len ||
				    ksym_get_uint(c->buf + q - sz, sz, true) >> 21)
					break;
			if (tt - q > best)
				best = tt - q;
		}
	}
	return best;
}

/* Markers that end before the token table at @tt, directly or after seqs. */
static unsigned int markers_before(struct scan_ctx *c, size_t tt,
				   size_t ti, struct ksym_scan_hit *hits,
				   unsigned int max)
{
	size_t span = 3ULL * 256 * KSYM_SCAN_MAX_MARKERS +
		      4ULL * KSYM_SCAN_MAX_MARKERS + 16;
	size_t m, lo, reach;
	unsigned int nh;
	u32 run, k, gap;

	if (tt < 4)
		return 0;
	nh = markers_at(c, tt, ti, hits, max);
	if (nh || c->cut)
		return nh;
	/*
	 * Then a seqs_of_names between them: its entries bound the search
	 * (n entries need ceil(n / 256) markers).
	 */
	reach = seqs_reach(c, tt);
	if (reach < 8)
		return 0;
	reach += 4ULL * (reach / (3 * 256) + 2);
	if (reach < span)
		span = reach;
	lo = tt > span ? tt - span : 0;
	/* the markers are 4-aligned: only aligned positions, 4 apart */
	for (m = tt - 4; m > lo && !aligned(c, m, 4); m--)
		;
	for (; m >= lo && aligned(c, m, 4) && nh < max && !c->cut; m -= 4) {
		if (rd(c, m, 4))
			goto next;
		/* the strictly increasing run that starts with this 0 */
		for (run = 1; m + 4ULL * (run + 1) <= tt &&
		     run < KSYM_SCAN_MAX_MARKERS && !c->cut; run++)
			if (rd(c, m + 4 * run, 4) <= rd(c, m + 4 * (run - 1), 4))
				break;
		for (k = 1; k <= run && nh < max && !c->cut; k++) {
			size_t e = m + 4ULL * k;

			gap = tt - e;
			/* room for seqs of 256(k-1)+1..256k (padding: above) */
			if (gap < 8 || gap < 3 * (256 * (k - 1) + 1) ||
			    gap > 4 * 256 * k + 16)
				continue;
			if (!names_for_markers(c, m, k, e, tt, ti, &hits[nh]))
				continue;
			nh = more_readings(c, hits, nh + 1, max);
		}
next:
		if (m < 4)
			break;
	}
	return nh;
}

unsigned int ksym_scan(const u8 *buf, size_t len, u64 va, bool big_endian,
		       unsigned int ptr_size, struct ksym_scan_work *work,
		       struct ksym_scan_hit *hits, unsigned int max)
{
	struct scan_ctx c = {
		.buf = buf, .len = len, .va = va, .be = big_endian,
		.psz = ptr_size, .left = work->budget,
	};
	size_t d, ti, tt, told = 0;
	unsigned int nh = 0;

	memset(hits, 0, max * sizeof(*hits));
	if (len < sizeof(digit_run) + KSYM_TOKEN_INDEX_SIZE)
		return 0;
	for (d = 0; d + sizeof(digit_run) <= len && nh < max && c.left; d++) {
		size_t end = len - sizeof(digit_run) + 1, part = end;
		const u8 *z;

		/* with a listener: in parts, told of the front every 64 MiB */
		if (work->passed && end - d > KSYM_SCAN_BEHIND)
			part = d + KSYM_SCAN_BEHIND;
		z = memchr(buf + d, '0', part - d);
		d = z ? (size_t)(z - buf) : part - 1;
		/* markers and names lie before the token table, within this */
		if (work->passed && d >= told + 2 * KSYM_SCAN_BEHIND) {
			told = d - KSYM_SCAN_BEHIND;
			work->passed(work->passed_ctx, told);
		}
		if (!z) {
			if (part == end)
				break;
			continue;
		}
		if (memcmp(buf + d, digit_run, sizeof(digit_run)))
			continue;
		/* a candidate region: its own bound */
		c.cut = false;
		c.region_left = KSYM_SCAN_REGION_WORK;
		/* the token index follows the table within a few KiB */
		if (find_token_index(&c, d, d + sizeof(digit_run), d + 65536,
				     &ti, &tt))
			nh += markers_before(&c, tt, ti, hits + nh, max - nh);
		if (c.cut && c.left)
			work->regions_cut++;
	}
	work->exhausted = !c.left;
	if (work->exhausted)
		work->stop = d;
	work->budget = c.left;
	work->used += c.used;
	return nh;
}
