/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_input.h - the byte format the decoder fuzzer reads, shared by the
 * fuzz target and by the seed writer that turns fixtures into it.
 *
 *   u8  layout   bit 0: 8-byte pointers, 1: big-endian, 2: ULEB128 lengths,
 *                3-4: seqs size (0, 3, 4), 5-6: seqs order, 7: name_len 128
 *   u8  mode     enum ksym_addr_mode (0 = prove it from the anchor)
 *   u8  marker   marker element size
 *   u8  pad
 *   9 x (u32 offset, u32 size)   the views, in struct ksym_arrays order
 *   u64 offsets_va
 *   u64 anchor_addr
 *   char anchor[32]              NUL-padded
 *   blob                         everything after the header
 *
 * All header fields are little-endian.  Views are clamped to the blob.
 */
#ifndef KSYM_FUZZ_INPUT_H
#define KSYM_FUZZ_INPUT_H

#include "../decoder.h"

#define FZ_NVIEWS	KSYM_NR_ARRAYS
#define FZ_HDR		(4 + FZ_NVIEWS * 8 + 8 + 8 + 32)

struct fz_input {
	struct ksym_arrays t;
	struct ksym_layout l;
	struct ksym_anchor anchor;
	char anchor_name[33];
};

static inline u64 fz_le(const u8 *p, unsigned int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static inline void fz_put(u8 *p, unsigned int n, u64 v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

/* Parse @data into @in; returns false if it is too short for a header. */
static inline bool fz_parse(const u8 *data, size_t size, struct fz_input *in)
{
	static const u8 seqs_sizes[4] = { 0, 3, 4, 3 };
	struct ksym_view *v = in->t.v;
	const u8 *blob = data + FZ_HDR;
	size_t blen, i;
	u8 f;

	if (size < FZ_HDR)
		return false;
	blen = size - FZ_HDR;
	memset(in, 0, sizeof(*in));
	f = data[0];
	in->l.ptr_size = (f & 1) ? 8 : 4;
	in->l.big_endian = f & 2;
	in->l.len_enc = (f & 4) ? KSYM_LEN_ULEB2 : KSYM_LEN_1BYTE;
	in->l.seqs_size = seqs_sizes[(f >> 3) & 3];
	in->l.seqs_order = (enum ksym_seqs_order)(((f >> 5) & 3) % 3);
	in->l.name_len = (f & 0x80) ? 128 : KSYM_NAME_MAX;
	in->l.mode = (enum ksym_addr_mode)(data[1] % KSYM_ADDR_NR_MODES);
	in->l.marker_size = data[2];
	for (i = 0; i < FZ_NVIEWS; i++) {
		u64 off = fz_le(data + 4 + 8 * i, 4);
		u64 len = fz_le(data + 8 + 8 * i, 4);

		if (off > blen)
			continue;
		if (len > blen - off)
			len = blen - off;
		v[i].data = blob + off;
		v[i].size = len;
	}
	in->t.offsets.va = fz_le(data + 4 + FZ_NVIEWS * 8, 8);
	in->anchor.addr = fz_le(data + 12 + FZ_NVIEWS * 8, 8);
	memcpy(in->anchor_name, data + 20 + FZ_NVIEWS * 8, 32);
	in->anchor_name[32] = '\0';
	in->anchor.name = in->anchor_name;
	return true;
}

#endif
