# SPDX-License-Identifier: GPL-2.0
#
# ksym_verify
#
#   make qemu     boot real Debian kernels under QEMU, load the module, check
#                 it against /proc/kallsyms (ARCH=x86_64|arm64|i386|armhf|
#                 s390x|ppc64el|riscv64 KVER=5.10|6.1|6.12|6.12t|7|7new pick
#                 one; an ARCH alone runs its lines; REPORT=1 prints the
#                 module's report)
#   make test     what CI runs: make check, the QEMU matrix (and i386 6.1 and
#                 s390x 7.x), runs that must
#                 fail, check-tree, dkms, five fault-injection cases, KUnit,
#                 ksymdump; a per-stage timing table, then "N passed, N failed"
#   make test-all everything: make test with 5 minutes of fuzzing per target
#                 (FUZZ_SECONDS), every case of scripts/fault-inject.sh on
#                 6.12 and the newest 7.x, the other architectures' kernel
#                 lines, check-tree and kunit.py, then make bench
#   make          (or make modules) build ksym-verify.ko, module name
#                 ksym_verify, against KDIR (ARCH/CROSS_COMPILE as usual)
#   make check    the host tests: fixtures from the real scripts/kallsyms.c, the
#                 decoder suite (gcc and clang, ASan+UBSan), ksymdump's xz decoder
#                 against liblzma, checkpatch,
#                 Kbuild W=1 + sparse, a fuzz run (10 s, or FUZZ_SECONDS); ends with
#                 "N passed, N failed"
#   make test-debug  the module on a debug kernel built from linux-source-6.12
#                 (LINE="6.12 7new" for the newest 7.x too; KASAN, kmemleak,
#                 lockdep, fault injection): load/run/unload cycles, racing
#                 readers and writers, injected allocation failures, a
#                 kmemleak scan (CYCLES, SECONDS, RUNS, SAMPLE); ends with
#                 "N passed, N failed"
#   make fixtures regenerate build/fixtures only
#   make fuzz     libFuzzer over the decoder for FUZZ_SECONDS (default 60)
#   make fuzz-locate  libFuzzer over ksymdump's unpacking and locator
#   make fuzz-xz  libFuzzer: ksymdump's .xz decoder against liblzma
#   make bench    decoder figures on the largest fixture; ksymdump figures
#                 (unpack, scan, locate, decode, peak memory) on every
#                 Debian vmlinuz in the cache
#   make bench-selftest  the kernel's CONFIG_KALLSYMS_SELFTEST figures next
#                 to the module's, one boot of a small 6.12 kernel
#   make ksymdump build/ksymdump (userspace; see the README)
#   make clean
#
# Variables: KDIR (kernel build tree, default the running kernel's),
# KSYM_CACHE (downloads and sources, default ~/.cache/ksym_verify),
# FUZZ_SECONDS, B (build directory, default build).

# B only from the command line: one in the environment (scripts export
# theirs) must never be what make clean removes
ifneq ($(origin B),command line)
B := build
endif
FUZZ_SECONDS ?= 60
BENCH_FIXTURE ?= $(B)/fixtures/7-x86_64-all-pcrel-large

HOSTCFLAGS := -std=gnu11 -Wall -Wextra -Werror \
	'-D__printf(a,b)=__attribute__((format(printf,a,b)))' \
	'-D__packed=__attribute__((__packed__))'
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all

DECODER := decoder.c decoder.h ksym_compat.h scan.c scan.h
TEST_SRC := tests/fixture.c tests/fixture.h
FIXTURE_DEPS := scripts/gen-fixtures.sh scripts/gen-symbols.awk \
	scripts/expected.awk scripts/common.awk scripts/lib.sh

KSYMDUMP_SRC := ksymdump/ksymdump.c ksymdump/locate.c ksymdump/prove.c \
	ksymdump/arm64.c ksymdump/kimage.c ksymdump/unpack.c ksymdump/xz.c \
	decoder.c scan.c
KSYMDUMP_HDR := ksymdump/locate.h ksymdump/internal.h ksymdump/kimage.h \
	ksymdump/unpack.h $(DECODER)
KSYMDUMP_LIBS := -lz -llzma -lzstd -llz4 -lbz2 -llzo2

.PHONY: all help test-all test-debug check fixtures fuzz fuzz-locate fuzz-xz bench bench-selftest clean qemu test modules ksymdump

# plain "make" builds the module, as for any out-of-tree module
all: modules

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile

KDIR ?= /lib/modules/$(shell uname -r)/build

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

qemu:
	scripts/qemu.sh $(if $(ARCH),ARCH=$(ARCH)) $(if $(KVER),KVER=$(KVER)) \
		$(if $(REPORT),--report) -o $(abspath $(B))/qemu

test:
	B=$(abspath $(B)) scripts/test.sh

# the bench figures go before the verdict, so the last line stays make test's
test-all:
	B=$(abspath $(B)) FUZZ_SECONDS=$(if $(filter command line environment,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),300) \
		scripts/test.sh --all

test-debug:
	scripts/test-debug.sh -o $(abspath $(B))/test-debug $(if $(CYCLES),CYCLES=$(CYCLES)) \
		$(if $(SECONDS),SECONDS=$(SECONDS)) $(if $(RUNS),RUNS=$(RUNS)) \
		$(if $(SAMPLE),SAMPLE=$(SAMPLE)) $(foreach l,$(LINE),LINE=$(l))

# make check fuzzes for 10 s unless FUZZ_SECONDS is given
check:
	B=$(abspath $(B)) FUZZ_SECONDS=$(if $(filter command line environment,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),10) \
		scripts/check.sh

$(B)/fixtures/.stamp: $(FIXTURE_DEPS)
	scripts/gen-fixtures.sh -o $(B)/fixtures
	touch $@

fixtures:
	scripts/gen-fixtures.sh -o $(B)/fixtures
	touch $(B)/fixtures/.stamp

ksymdump: $(B)/ksymdump

$(B)/ksymdump: $(KSYMDUMP_SRC) $(KSYMDUMP_HDR)
	@mkdir -p $(B)
	cc $(HOSTCFLAGS) -O2 -g -o $@ $(KSYMDUMP_SRC) $(KSYMDUMP_LIBS)

# static, for a guest's initramfs (ksymdump on the guest's /proc/kcore)
$(B)/ksymdump-static: $(KSYMDUMP_SRC) $(KSYMDUMP_HDR)
	@mkdir -p $(B)
	cc $(HOSTCFLAGS) -O2 -static -o $@ $(KSYMDUMP_SRC) $(KSYMDUMP_LIBS)

# and for an arm64 guest: Debian's arm64 -dev archives unpacked in
# ARM64_LIBROOT (scripts/qemu.sh --dump fetches them), libc6-dev-arm64-cross
ARM64_LIBROOT ?= $(HOME)/.cache/ksym_verify/arm64-libs/root
$(B)/ksymdump-static-arm64: $(KSYMDUMP_SRC) $(KSYMDUMP_HDR)
	@mkdir -p $(B)
	aarch64-linux-gnu-gcc $(HOSTCFLAGS) -O2 -static -I$(ARM64_LIBROOT)/usr/include -o $@ \
		$(KSYMDUMP_SRC) -L$(ARM64_LIBROOT)/usr/lib/aarch64-linux-gnu $(KSYMDUMP_LIBS)

$(B)/ksymdump-san: $(KSYMDUMP_SRC) $(KSYMDUMP_HDR)
	@mkdir -p $(B)
	cc $(HOSTCFLAGS) -O1 -g $(SAN) -o $@ $(KSYMDUMP_SRC) $(KSYMDUMP_LIBS)

$(B)/fuzz_decoder: tests/fuzz_decoder.c tests/fuzz_input.h $(DECODER)
	@mkdir -p $(B)
	clang $(HOSTCFLAGS) -O1 -g -fsanitize=fuzzer $(SAN) -o $@ \
		tests/fuzz_decoder.c decoder.c scan.c

$(B)/fuzz_locate: tests/fuzz_locate.c $(KSYMDUMP_SRC) $(KSYMDUMP_HDR)
	@mkdir -p $(B)
	clang $(HOSTCFLAGS) -O1 -g -fsanitize=fuzzer $(SAN) -o $@ \
		tests/fuzz_locate.c $(filter-out ksymdump/ksymdump.c,$(KSYMDUMP_SRC)) \
		$(KSYMDUMP_LIBS)

$(B)/fuzz_xz: tests/fuzz_xz.c ksymdump/xz.c ksymdump/unpack.c ksymdump/unpack.h
	@mkdir -p $(B)
	clang $(HOSTCFLAGS) -O1 -g -fsanitize=fuzzer $(SAN) -o $@ \
		tests/fuzz_xz.c ksymdump/xz.c ksymdump/unpack.c $(KSYMDUMP_LIBS)

$(B)/fuzz_seed: tests/fuzz_seed.c tests/fuzz_input.h $(TEST_SRC) $(DECODER)
	@mkdir -p $(B)
	cc $(HOSTCFLAGS) -O1 -o $@ tests/fuzz_seed.c tests/fixture.c decoder.c

fuzz: $(B)/fuzz_decoder $(B)/fuzz_seed $(B)/fixtures/.stamp
	rm -rf $(B)/fuzz-seeds && mkdir -p $(B)/fuzz-seeds $(B)/fuzz-corpus
	$(B)/fuzz_seed $(B)/fuzz-seeds $$(ls -d $(B)/fixtures/*/ | grep -v large | sed 's:/$$::')
	$(B)/fuzz_decoder -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
		-rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix=$(B)/ $(B)/fuzz-corpus $(B)/fuzz-seeds \
		2>$(B)/fuzz.log || { tail -n 40 $(B)/fuzz.log; exit 1; }
	@grep -E '^(stat::number_of_executed_units|Done)' $(B)/fuzz.log || true

# the locator: seeds are fixtures as raw bytes (option byte 6: --base and
# an anchor), gzip-wrapped, behind an arm64 Image header, the small files
# of tests/hostile.py, an empty stream in each codec, and ELF cores,
# kdump-compressed files and raw memory in LiME's format with its
# VMCOREINFO text (option byte 8: read from a file)
fuzz-locate: $(B)/fuzz_locate $(B)/fixtures/.stamp
	rm -rf $(B)/fuzz-locate-seeds && mkdir -p $(B)/fuzz-locate-seeds $(B)/fuzz-locate-corpus
	for d in $$(ls -d $(B)/fixtures/*/ | grep -v large | sed 's:/$$::'); do \
		n=$$(basename $$d); \
		{ printf '\006'; cat $$d/rodata.bin; } >$(B)/fuzz-locate-seeds/$$n.raw; \
		{ printf '\006'; gzip -c $$d/rodata.bin; } >$(B)/fuzz-locate-seeds/$$n.gz; \
		{ printf '\000'; head -c 56 /dev/zero; printf 'ARM\144'; head -c 4 /dev/zero; \
		  cat $$d/rodata.bin; } >$(B)/fuzz-locate-seeds/$$n.image; \
		tests/core-edit.py make-core $$d $(B)/fuzz-locate-seeds/$$n.core-body && \
		{ printf '\010'; cat $(B)/fuzz-locate-seeds/$$n.core-body; } \
			>$(B)/fuzz-locate-seeds/$$n.core && rm $(B)/fuzz-locate-seeds/$$n.core-body; \
		tests/core-edit.py make-raw $$d $(B)/fuzz-locate-seeds/$$n.lime-body --lime && \
		{ printf '\010'; cat $(B)/fuzz-locate-seeds/$$n.lime-body; } \
			>$(B)/fuzz-locate-seeds/$$n.lime && rm $(B)/fuzz-locate-seeds/$$n.lime-body; \
		! grep -q '^bits 64' $$d/meta || \
		{ tests/core-edit.py make-kdump $$d $(B)/fuzz-locate-seeds/$$n.kdump-body && \
		  { printf '\010'; cat $(B)/fuzz-locate-seeds/$$n.kdump-body; } \
			>$(B)/fuzz-locate-seeds/$$n.kdump && rm $(B)/fuzz-locate-seeds/$$n.kdump-body; }; \
	done
	tests/hostile.py gen-small $(B)/fuzz-locate-hostile
	for c in gzip bzip2 xz lzop zstd lz4; do \
		{ printf '\006'; $$c -c </dev/null; } >$(B)/fuzz-locate-seeds/empty.$$c; \
	done
	for f in $(B)/fuzz-locate-hostile/*; do \
		{ printf '\000'; cat $$f; } >$(B)/fuzz-locate-seeds/hostile-$$(basename $$f); \
	done
	$(B)/fuzz_locate -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=1024 -malloc_limit_mb=512 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix=$(B)/locate- $(B)/fuzz-locate-corpus $(B)/fuzz-locate-seeds \
		2>$(B)/fuzz-locate.log || { tail -n 40 $(B)/fuzz-locate.log; exit 1; }
	@grep -E '^(stat::number_of_executed_units|Done)' $(B)/fuzz-locate.log || true

# ksymdump's .xz decoder against liblzma: seeds are small streams xz(1)
# writes with the kernel's options, CRC64, ARM BCJ, many blocks, stored
# chunks and odd lc/lp/pb; the outputs must be the same bytes
fuzz-xz: $(B)/fuzz_xz
	rm -rf $(B)/fuzz-xz-seeds && mkdir -p $(B)/fuzz-xz-seeds $(B)/fuzz-xz-corpus
	{ head -c 20000 $$(readlink -f $$(command -v cc)); cat $(wildcard *.h); \
	  head -c 3000 /dev/urandom; } >$(B)/fuzz-xz-seeds/in.bin
	cd $(B)/fuzz-xz-seeds && \
	xz -c --check=crc32 --x86 --lzma2=dict=1MiB in.bin >kernel.xz && \
	xz -c in.bin >crc64.xz && xz -c --arm=start=16 --lzma2 in.bin >arm.xz && \
	xz -c -T2 --block-size=8KiB in.bin >blocks.xz && \
	xz -c --lzma2=lc=0,lp=4,pb=0 in.bin >lp4.xz && \
	head -c 5000 /dev/urandom | xz -c >stored.xz && xz -c </dev/null >empty.xz && \
	rm in.bin
	$(B)/fuzz_xz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=1024 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix=$(B)/xz- $(B)/fuzz-xz-corpus $(B)/fuzz-xz-seeds \
		2>$(B)/fuzz-xz.log || { tail -n 40 $(B)/fuzz-xz.log; exit 1; }
	@grep -E '^(stat::number_of_executed_units|Done)' $(B)/fuzz-xz.log || true

$(B)/bench_decoder: tests/bench_decoder.c $(TEST_SRC) $(DECODER)
	@mkdir -p $(B)
	cc $(HOSTCFLAGS) -O2 -o $@ tests/bench_decoder.c tests/fixture.c decoder.c

$(B)/bench_locate: tests/bench_locate.c $(KSYMDUMP_SRC) $(KSYMDUMP_HDR)
	@mkdir -p $(B)
	cc $(HOSTCFLAGS) -O2 -o $@ tests/bench_locate.c \
		$(filter-out ksymdump/ksymdump.c,$(KSYMDUMP_SRC)) $(KSYMDUMP_LIBS)

KSYM_CACHE ?= $(HOME)/.cache/ksym_verify
BENCH_IMAGES ?= $(wildcard $(KSYM_CACHE)/kernels/*/root/boot/vmlinuz-* \
	$(KSYM_CACHE)/kernels/*/root/usr/lib/modules/*/vmlinuz)

# one process per image, so that each peak memory figure is its own
bench: $(B)/bench_decoder $(B)/bench_locate $(B)/ksymdump $(B)/fixtures/.stamp
	$(B)/bench_decoder $(BENCH_FIXTURE) 5
	@if [ -z "$(strip $(BENCH_IMAGES))" ]; then \
		echo "ksymdump benchmark: no Debian kernel in $(KSYM_CACHE) yet (make qemu fetches them)"; \
	else rc=0; for f in $(BENCH_IMAGES); do $(B)/bench_locate 3 $$f || { echo "# $$f: not decoded"; rc=1; }; done; \
		tests/bench_ksymdump.py $(B)/ksymdump $(BENCH_IMAGES) || rc=1; exit $$rc; fi
	@scripts/bench-module.sh -o $(abspath $(B))/bench-module || echo "module benchmark: not run (see $(B)/bench-module)"

bench-selftest:
	scripts/bench-selftest.sh -o $(abspath $(B))/bench-selftest

clean:
	rm -rf $(B)
	$(RM) *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order
