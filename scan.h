/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Landmark scan: find the kallsyms arrays in a raw image of kernel memory
 * with no symbols, in the style of mquire.  Pure: a function of a byte
 * buffer and its virtual address, shared by the module and userspace.
 */
#ifndef KSYM_SCAN_H
#define KSYM_SCAN_H

#include "decoder.h"

/*
 * One set of arrays the scan could tie together, indexed by enum
 * ksym_array; 0 = not placed (kallsyms_addresses never is).
 */
struct ksym_scan_hit {
	u64 va[KSYM_NR_ARRAYS];
	u32 num_syms;
	u8 align;		/* 4 or 8: the padding between num_syms and names */
	u8 seqs_size;		/* entry size the gap fits: 0 (none), 3, 4 */
	bool old_order;		/* offsets before num_syms (6.3 and older) */
};

/*
 * The work a scan may do, counted in reads of the buffer: Debian's
 * kernels 5.10 to 7.2 cost 0.11 to 4.9 million reads in all (ksymdump
 * --stats prints it), a crafted input (1 MiB of "0\0".."9\0", each run a
 * candidate token table) could cost billions.  Each candidate region (a
 * digit run, its token index and the markers and names before it) gets
 * at most KSYM_SCAN_REGION_WORK; the whole scan @work->budget, for which
 * KSYM_SCAN_WORK(len) is the default: one read a byte and 2^27.  A
 * kernel's own table costs at most a few million reads, but every other
 * table in the image is a candidate too: a kernel with the KUnit suite
 * built in carries 106 fixture tables, 4.3 to 18 million reads in all.
 */
#define KSYM_SCAN_REGION_WORK	(64ULL << 20)
#define KSYM_SCAN_WORK(len)	((u64)(len) + (128ULL << 20))

struct ksym_scan_work {
	u64 budget;		/* in: reads allowed; out: reads left */
	u64 used;		/* reads done, added to */
	u32 regions_cut;	/* candidate regions given up at the region bound */
	bool exhausted;		/* the budget ran out: the scan stopped early */
	size_t stop;		/* with @exhausted: the offset it had reached */
	/*
	 * Optional: told, every KSYM_SCAN_BEHIND bytes of progress, the
	 * offset below which the scan will read the buffer no more (so that
	 * a reader of a file can let those pages go).
	 */
	void (*passed)(void *ctx, size_t below);
	void *passed_ctx;
};

/* How far behind its front the scan still reads: a table's own extent. */
#define KSYM_SCAN_BEHIND	((size_t)64 << 20)

/*
 * Scan @len bytes at @buf (virtual address @va) and fill up to @max hits.
 * Every hit has been checked: the digit run of the token table, a token
 * index that points at it, markers whose first two entries match a walk of
 * the names, and a walk of all num_syms records that ends at the markers.
 * offsets, relative_base and seqs are placed by the layout order only, and
 * where the bytes fit more than one era's order each is a hit; the decoder
 * proves them.  @work bounds the reads (see above).  Returns the number
 * of hits.
 */
unsigned int ksym_scan(const u8 *buf, size_t len, u64 va, bool big_endian,
		       unsigned int ptr_size, struct ksym_scan_work *work,
		       struct ksym_scan_hit *hits, unsigned int max);

#endif /* KSYM_SCAN_H */
