// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: ksymdump's own .xz decoder (ksymdump/xz.c) against
 * liblzma on the same bytes, both bounded to the same output.  Whenever
 * ours decodes a stream, liblzma must decode it to the same bytes: a
 * difference, like a crash, is a finding (abort()).
 */
#include <stdlib.h>

#include <lzma.h>

#include "../ksymdump/unpack.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define FUZZ_XZ_MAX	((size_t)4 << 20)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct outbuf o = { .max = FUZZ_XZ_MAX };
	static u8 ref[FUZZ_XZ_MAX];
	size_t in_pos = 0, out_pos = 0;
	u64 memlimit = KD_DECODER_MEM;
	lzma_ret lr;

	if (kd_unxz(data, size, &o)) {
		free(o.p);
		return 0;
	}
	lr = lzma_stream_buffer_decode(&memlimit, 0, NULL, data, &in_pos, size,
				       ref, &out_pos, sizeof(ref));
	if (lr != LZMA_OK || out_pos != o.len ||
	    (o.len && memcmp(ref, o.p, o.len)))
		abort();
	free(o.p);
	return 0;
}
