// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for ksymdump's locator: any bytes as a kernel image
 * (containers, decompression, ELF, arm64 Image, raw scan), then the
 * decoder over whatever was proven.  The first input byte picks options
 * (bit 3: the input is a file, read as ksymdump reads an ELF core or a
 * kdump-compressed one).
 */
#define _GNU_SOURCE	/* memfd_create() */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../ksymdump/locate.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const struct kimg_limits lim = {
		.max_size = KIMG_MAX_SIZE, .max_ratio = KIMG_MAX_RATIO,
	};
	struct kd_opts o = { .big_endian = -1 };
	struct kimage img;
	struct kd_result r;
	struct ksym_sym s;
	char why[256];
	u32 i, off = 0;
	int ret;

	if (size < 1)
		return 0;
	o.no_symbols = data[0] & 1;
	if (data[0] & 2) {
		o.has_base = true;
		o.base = 0xffffffff82000000ULL;
	}
	if (data[0] & 4) {
		o.anchors[0].name = "_text";
		o.anchors[0].addr = 0xffffffff81000000ULL;
		o.nr_anchors = 1;
	}
	/* ksymdump's own limits: a bomb the fuzzer builds must meet them */
	if (data[0] & 8) {
		/* as ksymdump reads a core: in parts, from a file */
		int fd = memfd_create("core", 0);

		if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
			abort();
		ret = kimage_load_diskdump(&img, fd, size - 1, &lim, why,
					   sizeof(why));
		if (ret == 1)
			ret = kimage_load_core(&img, fd, size - 1, &lim, why,
					       sizeof(why));
		close(fd);
		if (ret == 1)
			ret = kimage_open(&img, data + 1, size - 1, false, &lim, why,
					  sizeof(why));
	} else {
		ret = kimage_open(&img, data + 1, size - 1, false, &lim, why,
				  sizeof(why));
	}
	if (ret)
		return 0;
	ret = kd_locate(&img, &o, &r);
	/* and the compressed streams inside, as ksymdump tries them */
	if (ret == KD_NOT_FOUND)
		ret = kd_locate_inside(&img, &o, &lim, &r);
	if (ret == KD_CORRUPT)
		kd_result_free(&r);
	if (!ret) {
		for (i = 0; i < r.kt->num_syms; i++) {
			if (ksym_decode_at(r.kt, i, &off, r.kt->scratch[0], &s,
					   NULL) ||
			    ksym_address(r.kt, i, &s.addr, NULL))
				abort();	/* validated tables decode */
		}
		kd_result_free(&r);
	}
	kimage_close(&img);
	return 0;
}
