// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_seed.c - turn fixtures into fuzz inputs (tests/fuzz_input.h format).
 *
 * Usage: fuzz_seed OUTDIR FIXTURE_DIR...
 * Each fixture gives two seeds: one with the address mode left for the
 * fuzzer to prove from the anchor, one with it given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fuzz_input.h"

static int write_seed(const char *dir, const struct fixture *fx, bool mode)
{
	const struct ksym_view *v = fx->t.v;
	size_t size = FZ_HDR + fx->rodata_size, i;
	u8 *out = calloc(1, size);
	char path[4096];
	FILE *f;

	out[0] = (fx->l.ptr_size == 8) | (fx->l.big_endian << 1) |
		 ((fx->l.len_enc == KSYM_LEN_ULEB2) << 2) |
		 ((fx->l.seqs_size == 3 ? 1 : fx->l.seqs_size == 4 ? 2 : 0) << 3) |
		 (fx->l.seqs_order << 5) | ((fx->l.name_len == 128) << 7);
	out[1] = mode ? fx->expect_mode : KSYM_ADDR_UNKNOWN;
	out[2] = fx->l.marker_size;
	for (i = 0; i < FZ_NVIEWS; i++) {
		if (!v[i].data)
			continue;
		fz_put(out + 4 + 8 * i, 4, v[i].data - fx->rodata);
		fz_put(out + 8 + 8 * i, 4, v[i].size);
	}
	fz_put(out + 4 + FZ_NVIEWS * 8, 8, fx->t.offsets.va);
	fz_put(out + 12 + FZ_NVIEWS * 8, 8, fx->anchor.addr);
	strncpy((char *)out + 20 + FZ_NVIEWS * 8, fx->anchor.name, 32);
	memcpy(out + FZ_HDR, fx->rodata, fx->rodata_size);

	snprintf(path, sizeof(path), "%s/%s%s", dir, fx->name,
		 mode ? "-mode" : "");
	f = fopen(path, "wb");
	if (!f || fwrite(out, 1, size, f) != size) {
		perror(path);
		free(out);
		return -1;
	}
	fclose(f);
	free(out);
	return 0;
}

int main(int argc, char **argv)
{
	struct fixture fx;
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s OUTDIR FIXTURE_DIR...\n", argv[0]);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (fx_load(&fx, argv[i]))
			return 1;
		if (write_seed(argv[1], &fx, false) ||
		    write_seed(argv[1], &fx, true))
			return 1;
		fx_free(&fx);
	}
	return 0;
}
