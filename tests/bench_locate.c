// SPDX-License-Identifier: GPL-2.0
/*
 * ksymdump figures on real images: unpack, landmark scan, locate + prove,
 * and a full decode of every symbol (name and address), each the best of
 * N runs, plus the process's peak memory.
 *
 *   bench_locate RUNS IMAGE...
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../ksymdump/locate.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

static int bench(const char *file, int runs)
{
	struct kd_opts o = { .big_endian = -1, .no_symbols = true };
	static struct ksym_scan_hit hits[64];
	double t, t_unpack = 1e18, t_scan = 1e18, t_locate = 1e18;
	double t_decode = 1e18;
	struct kimage img;
	struct kd_result r;
	static const struct kimg_limits lim = {
		.max_size = KIMG_MAX_SIZE, .max_ratio = KIMG_MAX_RATIO,
	};
	struct ksym_sym s;
	struct stat sb;
	char why[256];
	unsigned int i, nh = 0;
	u32 k, off;
	void *map;
	bool inside = false;
	int fd, run, ret;
	u64 sum = 0;

	fd = open(file, O_RDONLY);
	if (fd < 0 || fstat(fd, &sb)) {
		perror(file);
		return 1;
	}
	map = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		perror(file);
		return 1;
	}
	for (run = 0; run < runs; run++) {
		t = now_ms();
		if (kimage_open(&img, map, sb.st_size, true, &lim, why,
				sizeof(why))) {
			fprintf(stderr, "%s: %s\n", file, why);
			return 1;
		}
		t_unpack = min_d(t_unpack, now_ms() - t);

		/* as ksymdump does: a payload no header names, then inside it */
		t = now_ms();
		ret = kd_locate(&img, &o, &r);
		inside = ret == KD_NOT_FOUND;
		if (inside)
			ret = kd_locate_inside(&img, &o, &lim, &r);
		if (ret) {
			fprintf(stderr, "%s (%s): %s\n", file, img.how, r.why);
			return 1;
		}
		t_locate = min_d(t_locate, now_ms() - t);

		t = now_ms();
		for (i = 0, nh = 0; i < img.nr_seg; i++) {
			struct ksym_scan_work w = {
				.budget = KSYM_SCAN_WORK(img.seg[i].size),
			};

			nh += ksym_scan(img.data + img.seg[i].off,
					img.seg[i].size, img.seg[i].va,
					r.kt->layout.big_endian,
					r.kt->layout.ptr_size, &w, hits, 64);
		}
		t_scan = min_d(t_scan, now_ms() - t);

		t = now_ms();
		for (k = 0, off = 0; k < r.kt->num_syms; k++) {
			if (ksym_decode_at(r.kt, k, &off, r.kt->scratch[0], &s,
					   NULL) ||
			    ksym_address(r.kt, k, &s.addr, NULL)) {
				fprintf(stderr, "%s: symbol %u does not decode\n",
					file, k);
				return 1;
			}
			sum += s.addr + s.name_len;
		}
		t_decode = min_d(t_decode, now_ms() - t);
		if (run < runs - 1) {
			kd_result_free(&r);
			kimage_close(&img);
		}
	}
	printf("%s\n", file);
	printf("  input %s, %.1f MB unpacked, %u symbols (checksum %llx)\n",
	       img.how, img.size / 1e6, r.kt->num_syms, (unsigned long long)sum);
	printf("  unpack %.1f ms; landmark scan alone %.1f ms (%u hits, %.0f MB/s)\n",
	       t_unpack, t_scan, nh, img.size / 1e3 / t_scan);
	if (inside)
		printf("  table in a payload inside the image (found, unpacked: in locate)\n");
	printf("  locate + prove + validate %.1f ms; decode all %.1f ms (%.1fM symbols/s)\n",
	       t_locate, t_decode, r.kt->num_syms / t_decode / 1e3);
	printf("  locate + decode %.1f ms: %.2fM symbols/s end to end after unpacking\n",
	       t_locate + t_decode, r.kt->num_syms / (t_locate + t_decode) / 1e3);
	kd_result_free(&r);
	kimage_close(&img);
	munmap(map, sb.st_size);
	return 0;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	int i, runs, ret = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_locate RUNS IMAGE...\n");
		return 2;
	}
	runs = atoi(argv[1]);
	if (runs < 1)
		runs = 1;
	printf("ksymdump benchmark: best of %d runs, --no-symbols\n", runs);
	for (i = 2; i < argc; i++)
		ret |= bench(argv[i], runs);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak memory (max RSS of this process): %.1f MB\n",
	       ru.ru_maxrss / 1024.0);
	return ret;
}
