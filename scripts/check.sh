#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - everything `make check` runs, with one verdict at the end.
#
#   1. fixtures from the real scripts/kallsyms.c (scripts/gen-fixtures.sh)
#   2. the decoder suite over every fixture, built with gcc and with clang,
#      both under ASan+UBSan (tests/test_decoder.c, KTAP)
#   2b. ksymdump's own .xz decoder against liblzma on streams xz(1)
#      writes, damaged and cut ones included (scripts/xz-test.sh)
#   3. checkpatch.pl --strict on the kernel C (from Debian's linux-source;
#      in ksym_compat.h, the one place that names kernel versions, the
#      LINUX_VERSION_CODE warnings are ignored: an out-of-tree module that
#      builds for 5.10 to 7.x must test it somewhere) and on ksymdump
#      (CamelCase ignored: zlib, zstd, lz4, bzip2 names; macro argument
#      reuse ignored: ELF_FIELD takes a type and a field name);
#      kernel-doc -Wall on the headers
#   4. the module built by Kbuild against $KDIR with W=1 and sparse (C=1)
#   5. the libFuzzer targets (decoder + scan, ksymdump's locator, and its
#      .xz decoder against liblzma) for $FUZZ_SECONDS each (0 skips them)
#
# A step that cannot run here (no kernel headers, no clang) is reported as
# skipped, never as passed; under CI=true it is a failure instead.
# The last line is "N passed, N failed[, N skipped]".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=ktap.sh
. "$here/ktap.sh"

B=${B:-$top/build}
# the running kernel's build tree, else the newest Debian headers installed
if [ -z "${KDIR:-}" ]; then
	KDIR=/lib/modules/$(uname -r)/build
	[ -f "$KDIR/Makefile" ] ||
		KDIR=$(ls -d /usr/src/linux-headers-*-"$(dpkg --print-architecture 2>/dev/null)" \
			2>/dev/null | sort -V | tail -n 1)
fi
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
HOSTFLAGS=(-std=gnu11 -O1 -g -Wall -Wextra -Werror
	   "-D__printf(a,b)=__attribute__((format(printf,a,b)))")
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all)

mkdir -p "$B"
ktap_header
echo "# ksym_verify checks, cache $KSYM_CACHE"

# 1. fixtures
if "$here/gen-fixtures.sh" -o "$B/fixtures" 2>"$B/gen-fixtures.log"; then
	touch "$B/fixtures/.stamp"
	grep -E 'fixtures: [0-9]+ from' "$B/gen-fixtures.log" | sed 's/^/# /'
	ktap_pass fixtures
else
	tail -n 5 "$B/gen-fixtures.log" | sed 's/^/# /'
	ktap_fail fixtures "see $B/gen-fixtures.log"
fi
mapfile -t fixtures < <(ls -d "$B"/fixtures/*/ 2>/dev/null | sed 's:/$::')

# 2. the decoder suite, gcc and clang
run_suite() { # CC
	local cc=$1 bin=$B/test_decoder-$1 log=$B/test_decoder-$1.ktap line p f

	if ! command -v "$cc" >/dev/null; then
		ktap_skip "decoder_suite_$cc" "$cc not installed"
		return
	fi
	if ! "$cc" "${HOSTFLAGS[@]}" "${SAN[@]}" -o "$bin" \
		"$top/tests/test_decoder.c" "$top/tests/fixture.c" \
		"$top/decoder.c" "$top/scan.c" 2>"$log.build"; then
		sed 's/^/# /' "$log.build"
		ktap_fail "decoder_suite_$cc" "build failed"
		return
	fi
	if [ ${#fixtures[@]} -eq 0 ]; then
		ktap_fail "decoder_suite_$cc" "no fixtures to run on"
		return
	fi
	"$bin" "${fixtures[@]}" >"$log" 2>&1
	grep -E '^(not ok|    not ok)|^# decoder' "$log" | sed 's/^ */# /' | head -n 40
	line=$(tail -n 1 "$log")
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*$/\1/p')
	f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*$/\2/p')
	n=$(echo "$line" | sed -n 's/^.* failed, \([0-9]*\) skipped$/\1/p')
	if [ -z "$p" ]; then
		ktap_fail "decoder_suite_$cc" "no summary line; the suite crashed? see $log"
		return
	fi
	echo "# decoder_suite_$cc: $p cases passed, $f failed, ${n:-0} skipped (not applicable) over ${#fixtures[@]} fixtures ($log)"
	# a case that does not apply to a fixture is a skip, never a pass
	KTAP_PASS=$((KTAP_PASS + p)) KTAP_FAIL=$((KTAP_FAIL + f))
	KTAP_SKIP=$((KTAP_SKIP + ${n:-0}))
	if [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
		ktap_pass "decoder_suite_$cc"
	else
		ktap_fail "decoder_suite_$cc" "$f cases failed"
	fi
}
run_suite gcc
run_suite clang

# 2b. the .xz decoder
if ! command -v xz >/dev/null; then
	ktap_skip xz_decoder "xz not installed"
elif "$here/xz-test.sh" -o "$B/xz-test" >"$B/xz-test.log" 2>&1; then
	grep '^# xz decoder' "$B/xz-test.log"
	ktap_pass xz_decoder
else
	grep '^#' "$B/xz-test.log" | head -n 40
	ktap_fail xz_decoder "see $B/xz-test.log"
fi

# 3. checkpatch
checkpatch=$(ls "$KSYM_CACHE"/src/linux-source-6.12-*/scripts/checkpatch.pl 2>/dev/null | tail -n 1)
if [ -z "$checkpatch" ]; then
	ktap_skip checkpatch "no linux-source scripts in the cache"
else
	out=$(cd "$top" && perl "$checkpatch" --strict --no-tree --quiet -f \
		./*.c $(ls ./*.h | grep -v ksym_compat.h) kunit/*.c kunit/*.h 2>&1
		perl "$checkpatch" --strict --no-tree --quiet \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f ksym_compat.h 2>&1
		perl "$checkpatch" --strict --no-tree --quiet \
		--ignore CAMELCASE,MACRO_ARG_REUSE -f ksymdump/*.c ksymdump/*.h tests/fuzz_locate.c \
		tests/bench_locate.c tests/fuzz_xz.c tests/test_xz.c 2>&1)
	if [ -z "$out" ]; then
		ktap_pass checkpatch
	else
		echo "$out" | sed 's/^/# /' | head -n 40
		ktap_fail checkpatch "style problems"
	fi
	# the public headers' kernel-doc, as the kernel's own tool reads it
	out=$(cd "$top" && perl "$(dirname "$checkpatch")/kernel-doc" -none -Wall \
		./*.h 2>&1)
	if [ -z "$out" ]; then
		ktap_pass kernel_doc
	else
		echo "$out" | sed 's/^/# /' | head -n 40
		ktap_fail kernel_doc "kernel-doc warnings"
	fi
fi

# 4. Kbuild W=1 + sparse: the whole module, in a scratch copy
if [ ! -f "$KDIR/Makefile" ]; then
	ktap_skip kbuild_w1_sparse "no kernel build tree at $KDIR"
elif ! command -v sparse >/dev/null; then
	ktap_skip kbuild_w1_sparse "sparse not installed"
else
	kb=$B/kbuild
	rm -rf "$kb" && mkdir -p "$kb"
	cp "$top"/Kbuild "$top"/*.c "$top"/*.h "$kb/"
	out=$(make -s -C "$KDIR" M="$kb" W=1 C=1 modules 2>&1)
	if [ $? -eq 0 ] && [ -f "$kb/ksym-verify.ko" ] &&
	   ! grep -qiE 'warning|error' <<<"$out"; then
		echo "# built ksym-verify.ko (module ksym_verify) against $KDIR"
		ktap_pass kbuild_w1_sparse
	else
		echo "$out" | sed 's/^/# /' | head -n 40
		ktap_fail kbuild_w1_sparse "warnings or errors against $KDIR"
	fi
fi

# 5. fuzz: the three fuzzers side by side (each is one process: FUZZ_SECONDS
# each, in FUZZ_SECONDS of the run, on however many cores there are),
# their binaries and fixtures built first so that the makes share no
# target.
# fuzz_start TARGET: run make TARGET in the background into $B/TARGET.out;
# fuzz_result TARGET NAME WHAT: its verdict, once it has ended
fuzz_start() {
	ksym_bg 3 "$B/$1.out" make -s -C "$top" B="$B" FUZZ_SECONDS="$FUZZ_SECONDS" "$1"
}
fuzz_result() {
	if [ "$(ksym_bg_rc "$B/$1.out")" = 0 ]; then
		tail -n 2 "$B/$1.out" | sed 's/^/# /'
		ktap_pass "$2"
	elif [ ! -e "$B/$1.out.rc" ]; then
		ktap_fail "$2" "the fuzzers or their fixtures did not build"
	else
		tail -n 30 "$B/$1.out" | sed 's/^/# /'
		ktap_fail "$2" "the fuzzer found a crash in $3"
	fi
}
if [ "$FUZZ_SECONDS" = 0 ]; then
	ktap_skip fuzz "FUZZ_SECONDS=0"
	ktap_skip fuzz_locate "FUZZ_SECONDS=0"
	ktap_skip fuzz_xz "FUZZ_SECONDS=0"
elif ! command -v clang >/dev/null; then
	ktap_skip fuzz "clang not installed"
	ktap_skip fuzz_locate "clang not installed"
	ktap_skip fuzz_xz "clang not installed"
else
	rm -f "$B/fuzz.out.rc" "$B/fuzz-locate.out.rc" "$B/fuzz-xz.out.rc"
	if make -s -C "$top" B="$B" "$B/fuzz_decoder" "$B/fuzz_seed" \
		"$B/fuzz_locate" "$B/fuzz_xz" "$B/fixtures/.stamp" >"$B/fuzz-build.out" 2>&1; then
		fuzz_start fuzz
		fuzz_start fuzz-locate
		fuzz_start fuzz-xz
		wait
	else
		sed 's/^/# /' "$B/fuzz-build.out" | tail -n 30
	fi
	fuzz_result fuzz fuzz "the decoder or the scan"
	fuzz_result fuzz-locate fuzz_locate "ksymdump's locator"
	fuzz_result fuzz-xz fuzz_xz "ksymdump's .xz decoder (or it differs from liblzma)"
fi

ktap_plan
ktap_totals
ktap_ok
