// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_decoder.c - libFuzzer target over the whole decoder API.
 *
 * Whatever the bytes, the decoder and the landmark scan must return (an error or a result)
 * without reading outside its views; ASan and UBSan watch that.
 */
#include <stdlib.h>

#include "fuzz_input.h"
#include "../scan.h"

#define FZ_MAX_SYMS	(1U << 16)

static struct ksym_decoder kt;
static u32 rec_off[FZ_MAX_SYMS];
static char buf[KSYM_NAME_MAX + 1];

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct ksym_proof proof;
	struct ksym_error err;
	struct ksym_stats st;
	struct ksym_scan_work work = { .budget = KSYM_SCAN_WORK(size) };
	struct ksym_scan_hit hits[4];
	struct fz_input in;
	struct ksym_sym s;
	u64 addr, off, sz;
	u32 i, idx;

	/* the landmark scan reads the raw bytes, whatever they are */
	ksym_scan(data, size, 0xffffffff81000000ULL, size && (data[0] & 1), 8,
		  &work, hits, 4);
	if (!fz_parse(data, size, &in))
		return 0;
	kt.rec_off = rec_off;
	kt.rec_off_cap = FZ_MAX_SYMS;
	if (ksym_open(&kt, &in.t, &in.l, &err))
		return 0;
	if (in.l.mode == KSYM_ADDR_UNKNOWN &&
	    ksym_prove_mode(&kt, &in.anchor, 1, &proof, &err))
		/* names and lookups still work without a mode */
		kt.layout.mode = KSYM_ADDR_UNKNOWN;
	ksym_validate(&kt, &err);
	ksym_stats(&kt, &st, &err);
	for (i = 0; i < kt.num_syms && i < 64; i++)
		ksym_get(&kt, (i * 2654435761U) % kt.num_syms, buf, &s, &err);
	ksym_lookup_name(&kt, in.anchor.name, &addr, &idx, &err);
	if (kt.layout.mode != KSYM_ADDR_UNKNOWN) {
		kt.end_addr = in.anchor.addr ^ 0x1000;
		ksym_lookup_addr(&kt, in.anchor.addr, &idx, &off, &sz, &err);
	}
	return 0;
}
