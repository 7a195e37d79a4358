/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the locator's files share: a candidate (where the arrays may be),
 * an attempt (one layout guess over it), and the context of one run.
 * locate.c finds candidates, prove.c proves one, arm64.c derives what an
 * arm64 Image does not say.  Internal to ksymdump.
 */
#ifndef KSYMDUMP_INTERNAL_H
#define KSYMDUMP_INTERNAL_H

#include "locate.h"

#define KD_SCAN_HITS	256	/* KUnit kernels hold 52 fixture tables */

/* Where the arrays of one table may be, and who said so. */
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

/* One run of kd_locate() over one byte order and pointer size. */
struct ctx {
	struct kimage *img;
	const struct kd_opts *o;
	bool be;
	unsigned int psz;
	struct rela_run rela;
	struct ksym_scan_work work;	/* one bound for every scan of the input */
	u64 scan_stop_va;		/* where that bound ran out, and */
	u64 scan_stop_left;		/* the bytes it left unscanned */
	/* the best failure so far */
	int fail_stage;
	struct ksym_error fail_err;
	char fail_where[160];
	char base_note[240];	/* why an Image's base is not known */
};

/* prove.c */
int attempt_open(struct attempt *a, struct ksym_error *err);
int try_cand(struct ctx *c, struct cand *cd, struct kd_result *r);

/* arm64.c */
int arm64_fix_rb(struct ctx *c, const struct cand *cd, struct attempt *a,
		 struct kd_result *r);
int arm64_derive(struct ctx *c, const struct cand *cd, struct attempt *a,
		 struct kd_result *r, u64 *base);

#endif /* KSYMDUMP_INTERNAL_H */
