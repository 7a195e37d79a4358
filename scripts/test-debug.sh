#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-debug.sh - `make test-debug`: the module on a debug kernel.
#
# Builds a small kernel from Debian's linux-source (allnoconfig,
# scripts/kernel-small.config and scripts/kernel-debug.config: KASAN,
# kmemleak, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, the soft-lockup
# detector, failslab and fail_page_alloc; cached like the other trees),
# builds ksym-verify.ko against it, and boots it under QEMU with
# panic_on_warn=1 softlockup_panic=1 to run scripts/guest-stress:
# CYCLES load/run/unload cycles, SECONDS of 16 readers and 4 writers, RUNS
# runs and RUNS/4 loads under fault injection aimed at the module's task,
# then a kmemleak scan.  The cycles and the injected runs load with
# sample=SAMPLE: every stage runs in full, but the kernel's own lookups
# are asked about every SAMPLE-th symbol only (on a KASAN kernel under TCG
# a full run takes about 18 s, nearly all of it in those lookups); the
# racing runs are full.  It prints the figures (cycles, runs, injected
# failures, leaks, splats) and ends with "N passed, N failed".
#
# Usage: scripts/test-debug.sh [LINE=6.12|7new...] [CYCLES=1000] [SECONDS=60]
#                              [RUNS=300] [SAMPLE=64] [-o OUTDIR]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=ktap.sh
. "$here/ktap.sh"

lines=() cycles=1000 secs=60 runs=300 sample=64 out=$top/build/test-debug prev=""
for a in "$@"; do
	case $a in
	LINE=*) lines+=("${a#LINE=}") ;;
	CYCLES=*) cycles=${a#CYCLES=} ;;
	SECONDS=*) secs=${a#SECONDS=} ;;
	RUNS=*) runs=${a#RUNS=} ;;
	SAMPLE=*) sample=${a#SAMPLE=} ;;
	-o) ;;
	-h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) if [ "$prev" = -o ]; then out=$a; else ksym_die "unknown argument $a"; fi ;;
	esac
	prev=$a
done
[ ${#lines[@]} -gt 0 ] || lines=(6.12)
mkdir -p "$out"

ktap_header
echo "1..${#lines[@]}"
for line in "${lines[@]}"; do
	t0=$(date +%s)
	ktap_subtest "debug-$line"
	if ! tree=$("$here/build-kernel.sh" LINE="$line" ARCH=x86_64 DEBUG=1 2>"$out/build-$line.log"); then
		tail -n 5 "$out/build-$line.log" | sed 's/^/    # /'
		ktap_fail debug_kernel_build "see $out/build-$line.log"
		ktap_subtest_end "debug-$line"
		continue
	fi
	ktap_pass debug_kernel_build
	src=$(basename "$tree")
	echo "    # kernel: $(cat "$tree/include/config/kernel.release"), built from Debian's ${src%-x86_64-*} with scripts/kernel-debug.config ($tree)"
	# a KASAN guest under TCG is slow: a sampled run takes about 6 s, a
	# full one 18 s; the bound is three times that
	QEMU_TIMEOUT=${QEMU_TIMEOUT:-$((600 + 3 * (6 * cycles + 60 + secs + 6 * runs)))} \
		"$here/qemu.sh" TREE="$tree" \
		--stress="$cycles,$secs,$runs,$sample" -o "$out/$line" \
		>"$out/qemu-$line.log" 2>&1
	grep -E '^    (ok|not ok|#)' "$out/qemu-$line.log" | sed 's/^    /    /'
	ktap_add "$out/qemu-$line.log"
	ktap_subtest_end "debug-$line" "$(($(date +%s) - t0))s"
done
ktap_totals
ktap_ok
