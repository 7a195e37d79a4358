// SPDX-License-Identifier: GPL-2.0
/*
 * bench_decoder.c - how fast is the decoder on a real-sized table?
 *
 * Usage: bench_decoder FIXTURE_DIR [ROUNDS]
 *
 * Prints figures, never a verdict: the best of ROUNDS (default 5) for a
 * full check (open + validate: every record, marker, address and the whole
 * seqs_of_names order), a sequential decode, random access, and both
 * lookups for every symbol, plus the peak resident memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "fixture.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct ksym_decoder kt;
static char buf[KSYM_NAME_MAX + 1];

static void die(const char *what, const struct ksym_error *err)
{
	fprintf(stderr, "bench: %s: %s\n", what, err->msg);
	exit(1);
}

static void print(const char *what, double ms, unsigned int n)
{
	printf("%-28s %9.2f ms  %12.0f symbols/s\n", what, ms, n / (ms / 1e3));
}

int main(int argc, char **argv)
{
	double t0, best[6] = { 1e99, 1e99, 1e99, 1e99, 1e99, 1e99 }, ms;
	unsigned int rounds = argc > 2 ? atoi(argv[2]) : 5, r, i, n;
	struct ksym_error err;
	struct fixture fx;
	struct ksym_sym s;
	struct rusage ru;
	u64 addr, off, size;
	u32 *rec, idx, o;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR [ROUNDS]\n", argv[0]);
		return 2;
	}
	if (fx_load(&fx, argv[1]))
		return 1;
	n = fx.nsyms;
	rec = calloc(n, sizeof(*rec));
	fx.l.mode = fx.expect_mode;
	for (r = 0; r < rounds; r++) {
		kt.rec_off = NULL;
		kt.rec_off_cap = 0;
		t0 = now_ms();
		if (ksym_open(&kt, &fx.t, &fx.l, &err) ||
		    ksym_validate(&kt, &err))
			die("validate", &err);
		ms = now_ms() - t0;
		best[0] = ms < best[0] ? ms : best[0];

		kt.rec_off = rec;
		kt.rec_off_cap = n;
		t0 = now_ms();
		if (ksym_open(&kt, &fx.t, &fx.l, &err) ||
		    ksym_validate(&kt, &err))
			die("validate", &err);
		ms = now_ms() - t0;
		best[1] = ms < best[1] ? ms : best[1];

		t0 = now_ms();
		for (i = 0, o = 0; i < n; i++)
			if (ksym_decode_at(&kt, i, &o, buf, &s, &err) ||
			    ksym_address(&kt, i, &s.addr, &err))
				die("decode", &err);
		ms = now_ms() - t0;
		best[2] = ms < best[2] ? ms : best[2];

		kt.rec_off_valid = false;	/* through the markers */
		t0 = now_ms();
		for (i = 0; i < n; i++)
			if (ksym_get(&kt, (i * 7919u) % n, buf, &s, &err))
				die("get", &err);
		ms = now_ms() - t0;
		best[3] = ms < best[3] ? ms : best[3];
		kt.rec_off_valid = true;

		t0 = now_ms();
		for (i = 0; i < n; i++)
			if (ksym_lookup_name(&kt, fx.syms[i].name, &addr, &idx,
					     &err))
				die("lookup_name", &err);
		ms = now_ms() - t0;
		best[4] = ms < best[4] ? ms : best[4];

		kt.end_addr = fx.syms[n - 1].addr + 0x1000;
		t0 = now_ms();
		for (i = 0; i < n; i++)
			if (ksym_lookup_addr(&kt, fx.syms[i].addr, &idx, &off,
					     &size, &err))
				die("lookup_addr", &err);
		ms = now_ms() - t0;
		best[5] = ms < best[5] ? ms : best[5];
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("table: %s (%s %s %s), %u symbols, best of %u rounds\n",
	       fx.name, fx.line, fx.arch, fx.flags, n, rounds);
	print("full check (markers)", best[0], n);
	print("full check (rec offsets)", best[1], n);
	print("sequential decode", best[2], n);
	print("random access (markers)", best[3], n);
	print("lookup_name, every symbol", best[4], n);
	print("lookup_addr, every symbol", best[5], n);
	printf("peak RSS: %ld KiB (the table itself: %zu bytes)\n",
	       ru.ru_maxrss, fx.rodata_size);
	free(rec);
	fx_free(&fx);
	return 0;
}
