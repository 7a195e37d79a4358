/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The private copy of the located arrays and the decoder over it.  Every
 * array is copied once; each guess of where kallsyms_seqs_of_names sits
 * and how it is sorted only re-points the seqs view.  Kernel-only.
 */
#ifndef KSYM_SNAPSHOT_H
#define KSYM_SNAPSHOT_H

#include <linux/types.h>
#include "decoder.h"

struct ksym_located;
struct ksym_findings;

/**
 * struct ksym_snapshot - the copy, its decoder, and what the decode proved
 * @buf: every array but seqs, copied once
 * @seqs_buf: the seqs candidate being tried
 * @own_seqs: the name order the module built when the kernel has no
 *	usable seqs (the decoder's seqs view then points here)
 * @size: bytes in @buf
 * @arrays: views into @buf and @seqs_buf
 * @layout: the layout that decoded
 * @kt: the decoder
 * @rec_off: record offsets, filled by ksym_validate()
 * @first: for every symbol, the lowest index with its sort key
 *	(ksym_first_of_keys()), or NULL when it could not be had
 * @ns_copy: time spent copying the arrays
 * @proof: how the address mode was decided
 * @err: the decoder's failure, when @decoded is false
 * @stats: table statistics, when @stats_valid (the stats file asks for
 *	them: a pass over every record that no check needs)
 * @stats_valid: @stats was computed
 * @seqs_addr: the seqs candidate that decoded (0: none)
 * @seqs_how: why that candidate
 * @order: the order the arrays sit in, as found
 * @decoded: the copy decoded (with @seqs_failed: without seqs)
 * @seqs_failed: no seqs candidate passed; the copy was decoded without
 *	one so that the other checks can say what is wrong (a finding
 *	fails the run)
 * @names_suspect: without seqs too, an import's name is not in the table:
 *	the names (or the token table) are wrong
 */
struct ksym_snapshot {
	u8 *buf;
	u8 *seqs_buf;
	u32 *own_seqs;
	size_t size;
	struct ksym_arrays arrays;
	struct ksym_layout layout;
	struct ksym_decoder *kt;
	u32 *rec_off;
	u32 *first;
	u64 ns_copy;
	struct ksym_proof proof;
	struct ksym_error err;
	struct ksym_stats stats;
	bool stats_valid;
	unsigned long seqs_addr;
	char seqs_how[96];
	char order[160];
	bool decoded;
	bool seqs_failed;
	bool names_suspect;
};

/* What this kernel's build fixes about the layout; the rest is proven. */
void ksym_live_layout(struct ksym_layout *l);

/*
 * Copy the located arrays, open, prove the mode and validate, trying each
 * seqs guess.  @corrupt (test only) corrupts the copy once.  Returns 0 when
 * the copy decoded, -EINVAL when it did not (a finding says why), -ENOMEM.
 */
int ksym_snapshot_take(struct ksym_snapshot *s, const struct ksym_located *loc,
		       const char *corrupt, struct ksym_findings *f);
void ksym_snapshot_free(struct ksym_snapshot *s);

#endif /* KSYM_SNAPSHOT_H */
