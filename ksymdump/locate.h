/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksymdump's locator: find the kallsyms arrays in a kernel image, with its
 * ELF symbol table or by the landmark scan (scan.c), derive the base and
 * relocations the image lacks, and prove the table with decoder.c.
 */
#ifndef KSYMDUMP_LOCATE_H
#define KSYMDUMP_LOCATE_H

#include "../decoder.h"
#include "../scan.h"
#include "kimage.h"

/* Exit statuses of ksymdump, also the kinds of failure. */
enum kd_status {
	KD_OK = 0,
	KD_MISMATCH = 1,	/* --verify found differences */
	KD_USAGE = 2,		/* bad command line, or an unusable --verify file */
	KD_NOT_FOUND = 3,	/* no kallsyms table in the input */
	KD_CORRUPT = 4,		/* a table (or a layer) is there but broken */
	KD_IO = 5,		/* the input could not be read */
	KD_LIMIT = 6,		/* a bound was reached (--max-size, --max-ratio, scan work) */
};

struct kd_opts {
	bool no_symbols;	/* never use the ELF symbol table */
	bool has_base;		/* --base: address of the first byte */
	u64 base;
	int big_endian;		/* -1: from the input, else 0 or 1 */
	unsigned int ptr_size;	/* 0: from the input, else 4 or 8 */
	struct ksym_anchor anchors[KSYM_MAX_ANCHORS];
	unsigned int nr_anchors;
	u64 scan_work;		/* reads the landmark scan may do in all */
};

struct kd_result {
	int status;		/* enum kd_status */
	char why[512];		/* the failure, when status != KD_OK */
	struct ksym_error err;	/* the decoder's, for a corrupt table */

	/* the proven table */
	struct ksym_decoder *kt;
	u32 *rec_off;
	struct ksym_proof proof;
	u64 va[KSYM_NR_ARRAYS];		/* where each array is; 0 = absent */
	struct ksym_anchor anchors[KSYM_MAX_ANCHORS];
	unsigned int nr_anchors;
	unsigned int nr_reloc_anchors;	/* from arm64 relocations */
	u32 anchor_index[KSYM_MAX_ANCHORS];
	char anchor_name[KSYM_MAX_ANCHORS][KSYM_NAME_MAX + 1];
	u64 base;		/* of a raw input or Image: its first byte */
	u8 rb_fixed[8];		/* relative_base after relocation */
	bool self_located;	/* its own kallsyms_names symbol is here */
	int note_agrees;	/* kallsyms_* the VMCOREINFO names here; -1: one elsewhere */

	/* how it was found and proven, for --stats */
	char located[160];
	char anchors_how[160];
	char mode_how[256];
	char base_how[240];
	char rb_how[200];
	char seqs_how[96];
	char note_how[320];	/* a core's VMCOREINFO: used, or why not */
	u64 kernel_offset;	/* its KERNELOFFSET */
	bool has_kernel_offset;
	unsigned int candidates;
	unsigned int proven;
	unsigned int census;	/* sampled text addresses the image holds */
	u64 scan_bound;		/* the reads it was allowed (--scan-work) */
	u64 scan_reads;		/* the landmark scan's work, in reads */
	u32 scan_regions_cut;	/* candidate regions cut at their bound */
	bool scan_exhausted;	/* the scan stopped at its bound, */
	u64 scan_stop_va;	/* here, */
	u64 scan_stop_left;	/* with these bytes not scanned */
};

/*
 * Find and prove the table in @img (whose segments may be rebased).  On
 * success returns 0 and @r holds an open, validated table; otherwise
 * returns the kd_status and @r->why says which check failed and where.
 */
int kd_locate(struct kimage *img, const struct kd_opts *o,
	      struct kd_result *r);
void kd_result_free(struct kd_result *r);

/* qsort() and bsearch() orders of u32 and u64 values, for the locator's files. */
int kd_cmp_u32(const void *x, const void *y);
int kd_cmp_u64(const void *x, const void *y);

/*
 * After kd_locate() found no table in @img: try each compressed stream
 * inside it (ARM zImage, s390x, ELF wrappers, boot.img, uImage), in file
 * order, until one holds a table, proven or broken; that one replaces
 * @img and @r.  Together they may unpack @lim->max_size bytes once more,
 * and their scans share what is left of @o's work bound.  Returns
 * kd_locate()'s status; with nothing found, @r->why says what was tried.
 */
int kd_locate_inside(struct kimage *img, const struct kd_opts *o,
		     const struct kimg_limits *lim, struct kd_result *r);

#endif /* KSYMDUMP_LOCATE_H */
