// SPDX-License-Identifier: GPL-2.0
/*
 * ksymdump's own .xz decoder (ksymdump/xz.c) against liblzma, the
 * reference, on each FILE: what each says, and the bytes when both decode.
 * KTAP, one case per file, "N passed, N failed" at the end.
 *
 *   test_xz [--expect ok|unsupported|any] [--offset N] FILE...
 *
 * ok: both decode the stream and the outputs are the same bytes (the
 * kernel's streams and what xz writes with the filters ours knows);
 * unsupported: ours declines (-EOPNOTSUPP) and liblzma decodes it;
 * any: a damaged stream: whatever ours returns, it never decodes one that
 * liblzma rejects or decodes to other bytes, and never crashes (the
 * sanitizers watch).  --offset: the stream starts N bytes into each FILE
 * (a bzImage's payload), and may be followed by other data.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lzma.h>

#include "../ksymdump/unpack.h"

#define TEST_XZ_MAX	((size_t)512 << 20)

static unsigned int passed, failed, cases;

static void result(bool ok, const char *file, const char *fmt, const char *a,
		   long long b, long long c)
{
	printf("%s %u - %s: ", ok ? "ok" : "not ok", ++cases, file);
	printf(fmt, a, b, c);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

/* The reference: liblzma's single stream decoder, the same memory limit. */
static int reference(const u8 *in, size_t len, u8 **out, size_t *out_len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = 1 << 20;
	lzma_ret lr;

	*out = NULL;
	*out_len = 0;
	if (lzma_stream_decoder(&s, KD_DECODER_MEM, 0) != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = len;
	do {
		if (*out_len == cap || !*out) {
			u8 *p;

			if (*out)
				cap *= 2;
			if (cap > TEST_XZ_MAX)
				break;
			p = realloc(*out, cap);
			if (!p)
				break;
			*out = p;
		}
		s.next_out = *out + *out_len;
		s.avail_out = cap - *out_len;
		lr = lzma_code(&s, LZMA_FINISH);
		*out_len = s.next_out - *out;
	} while (lr == LZMA_OK);
	lzma_end(&s);
	return lr == LZMA_STREAM_END ? 0 : -EINVAL;
}

/* memcmp(), which may not be given NULL, not even for 0 bytes */
static bool same(const u8 *a, const u8 *b, size_t len)
{
	return !len || !memcmp(a, b, len);
}

static const char *what(int ret)
{
	switch (ret) {
	case 0:
		return "decoded";
	case -EOPNOTSUPP:
		return "declined (EOPNOTSUPP)";
	case -EINVAL:
		return "corrupt (EINVAL)";
	case -EFBIG:
		return "over the limit (EFBIG)";
	case -ENOMEM:
		return "out of memory";
	default:
		return "an unknown error";
	}
}

static void one(const char *file, const char *expect, size_t offset)
{
	struct outbuf o = { .max = TEST_XZ_MAX };
	u8 *ref = NULL;
	size_t ref_len, len;
	struct stat sb;
	int fd, ours, theirs;
	const u8 *in;
	void *map;

	fd = open(file, O_RDONLY);
	if (fd < 0 || fstat(fd, &sb)) {
		result(false, file, "%s%lld%lld", "cannot be read", 0, 0);
		if (fd >= 0)
			close(fd);
		return;
	}
	len = sb.st_size > (off_t)offset ? sb.st_size - offset : 0;
	/* an empty mapping is refused: one page of nothing stands for it */
	map = mmap(NULL, sb.st_size ? sb.st_size : 1, PROT_READ, MAP_PRIVATE,
		   fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		result(false, file, "%s%lld%lld", "cannot be mapped", 0, 0);
		return;
	}
	in = (const u8 *)map + offset;
	ours = kd_unxz(in, len, &o);
	theirs = reference(in, len, &ref, &ref_len);

	if (!strcmp(expect, "ok"))
		result(!ours && !theirs && o.len == ref_len &&
		       same(o.p, ref, ref_len), file,
		       "ours %s, %lld bytes; liblzma %lld bytes, the same",
		       what(ours), (long long)o.len,
		       theirs ? -1LL : (long long)ref_len);
	else if (!strcmp(expect, "unsupported"))
		result(ours == -EOPNOTSUPP && !theirs, file,
		       "ours %s (wanted: declined); liblzma %lld bytes (%lld)",
		       what(ours), theirs ? -1LL : (long long)ref_len, theirs);
	else
		result(ours || (!theirs && o.len == ref_len &&
				same(o.p, ref, ref_len)), file,
		       "ours %s (%lld bytes); liblzma %lld (-1: rejected)",
		       what(ours), (long long)o.len,
		       theirs ? -1LL : (long long)ref_len);
	free(o.p);
	free(ref);
	munmap(map, sb.st_size ? sb.st_size : 1);
}

int main(int argc, char **argv)
{
	const char *expect = "ok";
	size_t offset = 0;
	int i;

	printf("KTAP version 1\n");
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--expect") && i + 1 < argc) {
			expect = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--offset") && i + 1 < argc) {
			offset = strtoul(argv[++i], NULL, 0);
			continue;
		}
		one(argv[i], expect, offset);
	}
	printf("1..%u\n%u passed, %u failed\n", cases, passed, failed);
	return failed || !cases;
}
