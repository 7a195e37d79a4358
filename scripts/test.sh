#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test.sh - `make test` (and, with --all, `make test-all`): one verdict.
#
# Usage: scripts/test.sh [--all]
#
#   1. make check: fixtures from the real generators, the decoder suite,
#      checkpatch, Kbuild W=1 + sparse, fuzzing (scripts/check.sh)
#   2. the QEMU matrix: ten real Debian kernels (5.10, 6.1, 6.12, 7.x;
#      amd64 and arm64) boot, load ksym-verify.ko and match /proc/kallsyms
#      (scripts/qemu.sh); then the other architectures: i386 6.1 (32-bit)
#      and s390x 7.x (big-endian, PC-relative) (make test-all: every line
#      of i386, armhf, s390x, ppc64el and riscv64)
#   3. kunit.py parse (from the 7.x source) reads each guest's ktap file
#   4. runs that must fail, and how: a copy with one mis-decoded symbol, a
#      copy with a structural error, a wild address parameter, a guest that
#      never powers off; and one that must pass: addresses given as
#      parameters from an earlier boot, shifted by the measured KASLR offset;
#      a max_mismatches too large to allocate, capped, with sample=64
#      asking the kernel's readers about every 64th symbol; and the landmark
#      scan alone (paths=scan) on 7.x (make test-all: three layouts)
#   5. scripts/check-tree on a small kernel built from linux-source-6.12,
#      checked against its System.map too, with ksym_verify_kunit.ko loaded
#      (make test-all: and on i386, armhf, s390x, ppc64el and riscv64);
#      dkms add/build/install/remove for 6.1 and 6.12 (scripts/dkms-test.sh)
#   6. the KUnit suites through kunit.py: 6.12 on x86_64, 7.x on arm64
#      (make test-all: both lines on both, and 6.12 on i386, arm, s390,
#      powerpc and riscv)
#   7. ksymdump: the ten Debian kernels booted with nokaslr (their
#      /proc/kallsyms is the ground truth), and armhf 6.1 and 6.12 and i386
#      6.1 (scripts/capture-foreign.sh), then scripts/ksymdump-test.sh:
#      fixtures, each vmlinuz without symbols, source-built kernels against
#      System.map, crafted files, and the runs that must fail
#   8. ksymdump on memory dumps (qemu.sh --dump): Debian 6.12 on amd64 and
#      arm64 booted with KASLR, QEMU's ELF dumps (physical; paging, with
#      and without VMCOREINFO), raw memory made from the physical one (dd
#      layout, LiME, without its note), its kdump-zlib dump and the
#      guest's /proc/kcore (make test-all: 7.x too)
#   --all (make test-all) adds the newest 7.x of any suite (7new) and
#      6.12's cloud and rt flavours to the QEMU matrix, ksymdump on 7new,
#      every fault-injection case on 6.12 and 7new, check-tree on Clang
#      ThinLTO kernels from 6.1 and 6.12, debug kernels from 6.12 and the
#      newest 7.x (test-debug.sh with 20 cycles, 60 s, 40 runs), and make
#      bench;
#      make test-all also fuzzes for FUZZ_SECONDS=300 per target instead
#      of make test's 60
#
# Guests boot JOBS (environment, default 2) at a time: the matrices of
# stages 3, 7 and 8 inside qemu.sh, the single runs of stage 4 here.
#
# A table of the time each stage took comes before the last line, which is
# "N passed, N failed"; the exit status is the verdict.
set -uo pipefail

all=0
case "${1:-}" in
--all) all=1 ;;
-h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
"") ;;
*) echo "usage: $0 [--all]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
B=${B:-$top/build}
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=ktap.sh
. "$here/ktap.sh"

mkdir -p "$B"

ktap_stage "make check"
make -s -C "$top" B="$B" check FUZZ_SECONDS="${FUZZ_SECONDS:-60}" 2>&1 |
	tee "$B/test-check.log"
ktap_add "$B/test-check.log"

ktap_stage "QEMU matrix"
"$here/qemu.sh" -o "$B/qemu" 2>&1 | tee "$B/test-qemu.log"
ktap_add "$B/test-qemu.log"

# other architectures: make test one 32-bit and one big-endian kernel,
# make test-all every line of each (qemu.sh's arch_lines)
if [ $all = 1 ]; then
	ktap_stage "QEMU matrix, other architectures: i386, armhf, s390x, ppc64el, riscv64"
	foreign=(ARCH=i386 ARCH=armhf ARCH=s390x ARCH=ppc64el ARCH=riscv64)
else
	ktap_stage "QEMU matrix, other architectures: i386 6.1 (32-bit), s390x 7.x (big-endian, PC-relative)"
	foreign=(ENTRY=i386:6.1 ENTRY=s390x:7)
fi
"$here/qemu.sh" -o "$B/qemu-foreign" "${foreign[@]}" 2>&1 | tee "$B/test-qemu-foreign.log"
ktap_add "$B/test-qemu-foreign.log"

# the runs below boot one kernel each: qemu.sh probes KVM on every run
# (up to 20 s here), and the matrix's probe is enough
ksym_accel_from "$B/test-qemu.log"

# qemu_bg NAME qemu.sh-ARGS...: start a qemu.sh run, at most JOBS (2) at
# once (each guest leaves most of a core idle; qemu.sh prepares one at a
# time); its log is $B/runs/NAME.log
qemu_bg() {
	local name=$1

	shift
	ksym_bg "${JOBS:-2}" "$B/runs/$name.log" "$here/qemu.sh" "$@"
}

# qemu_rc NAME: the exit status of that run, once every run has ended
qemu_rc() {
	ksym_bg_rc "$B/runs/$1.log"
}

# the landmark scan alone must find the tables: old order, 8-aligned new
# order (make test-all), 4-aligned 7.x order; 5.10 has no other path, so
# the matrix covers the order before seqs
scan_kernels=(x86_64:7)
[ $all = 1 ] && scan_kernels=(x86_64:6.1 arm64:6.12 x86_64:7)

ktap_stage "QEMU runs that must fail or must pass, two at a time"
rm -rf "$B/runs" "$B/qemu-neg" "$B/qemu-scan" && mkdir -p "$B/runs" "$B/qemu-neg"
# the name that sorts last is changed so that it still sorts last: the
# table decodes (structure=0) and every reader of the real name disagrees
qemu_bg misdecoded_symbol -o "$B/qemu-neg/misdecoded_symbol" \
	ARCH=x86_64 KVER=6.12 ARGS=corrupt=name
qemu_bg structural_error -o "$B/qemu-neg/structural_error" \
	ARCH=x86_64 KVER=6.12 ARGS=corrupt=structure
qemu_bg wild_parameter -o "$B/qemu-neg/wild_parameter" \
	ARCH=x86_64 KVER=6.12 ARGS=names_addr=0x1234
QEMU_TIMEOUT=60 qemu_bg guest_never_powers_off \
	-o "$B/qemu-neg/guest_never_powers_off" ARCH=x86_64 KVER=6.12 --no-poweroff
qemu_bg params_path -o "$B/qemu-params" ARCH=x86_64 KVER=7 --params-from-capture
qemu_bg max_mismatches_capped -o "$B/qemu-cap" ARCH=arm64 KVER=6.1 \
	ARGS="max_mismatches=4000000000 sample=64"
for k in "${scan_kernels[@]}"; do
	qemu_bg "scan_only_${k/:/_}" -o "$B/qemu-scan" ARCH="${k%%:*}" \
		KVER="${k#*:}" ARGS=paths=scan
done
wait

# expect_fail NAME GREP-PATTERN: the run must have failed, and its log or
# the guest's dmesg must say why
expect_fail() {
	local name=$1 pat=$2 d=$B/qemu-neg/$1 log=$B/runs/$1.log

	if [ "$(qemu_rc "$name")" = 0 ]; then
		ktap_result 0 "$name" "the run passed"
	elif grep -qE "$pat" "$log" "$d"/*/dmesg 2>/dev/null; then
		ktap_result 1 "$name" ""
		grep -hE "$pat" "$log" "$d"/*/dmesg 2>/dev/null | head -n 2 | sed 's/^/# /'
	else
		ktap_result 0 "$name" "failed, but not with /$pat/; see $log"
	fi
}
expect_fail misdecoded_symbol 'FAIL .* structure=0 .*name_to_addr=[1-9][0-9]* addr_to_name=[1-9][0-9]* order=[1-9]'
expect_fail structural_error 'FAIL .*structure=1.*addr\.nondecreasing'
expect_fail wild_parameter 'names_addr points at unreadable memory'
expect_fail guest_never_powers_off 'timeout after 60s'

# must pass: parameters from an earlier boot, KASLR-shifted
d=$B/qemu-params
if [ "$(qemu_rc params_path)" = 0 ] &&
   grep -q '^locate.params: used' "$d/x86_64-7/report" &&
   grep -q '^locate.paths_agree: yes' "$d/x86_64-7/report"; then
	ktap_result 1 params_path ""
	grep -E '^locate\.' "$d/x86_64-7/report" | sed 's/^/# /'
else
	ktap_result 0 params_path "see $B/runs/params_path.log"
fi

# must pass: a max_mismatches too large to allocate is capped; sample=64
d=$B/qemu-cap
rc=$(qemu_rc max_mismatches_capped)
if [ "$rc" = 0 ] &&
   grep -q 'max_mismatches=4000000000 is over 1024' "$d/arm64-6.1/dmesg"; then
	ktap_pass max_mismatches_capped
else
	ktap_fail max_mismatches_capped "see $B/runs/max_mismatches_capped.log"
fi
# sample=64: the readers are asked about indices 0, 64, ... and the last;
# the number is computed here from num_syms, which the matrix proves
# equal to /proc/kallsyms
r=$d/arm64-6.1/report
n=$(sed -n 's/^num_syms: //p' "$r" 2>/dev/null)
n=${n:-0}
want=$(( n ? (n - 1) / 64 + 1 + ((n - 1) % 64 ? 1 : 0) : -1 ))
if [ "$rc" = 0 ] && grep -q '^check.sample: every 64-th' "$r" &&
   [ "$(sed -n 's/^symbols_checked: //p' "$r")" = "$want" ]; then
	ktap_pass sample_64_asks_every_64th
	echo "# num_syms $n: $want names asked; $(grep -E '^(addresses_checked|ms.total):' "$r" | tr '\n' ' ')"
else
	ktap_fail sample_64_asks_every_64th "num_syms ${n:-?}, symbols_checked $(sed -n 's/^symbols_checked: //p' "$r" 2>/dev/null) (want $want); see $B/runs/max_mismatches_capped.log"
fi

# must pass: paths=scan only
for k in "${scan_kernels[@]}"; do
	arch=${k%%:*} kver=${k#*:}
	name=scan_only_${arch}_$kver
	if [ "$(qemu_rc "$name")" = 0 ] &&
	   grep -q '^locate.scan: used' "$B/qemu-scan/$arch-$kver/report"; then
		ktap_result 1 "$name" ""
		grep -E '^locate.scan' "$B/qemu-scan/$arch-$kver/report" | sed 's/^/# /'
	else
		ktap_result 0 "$name" "see $B/runs/$name.log"
	fi
done

ktap_stage "check-tree on a small kernel built from Debian's linux-source-6.12"
echo "# (also loads ksym_verify_kunit.ko there and parses its KUnit results)"
# check_tree_small ARCH [SUFFIX]: build-kernel.sh's small 6.12 kernel for
# ARCH, checked by check-tree with the KUnit module loaded; the result is
# check_tree_6.12SUFFIX, the log $B/check-treeSUFFIX.log (cold builds
# show their progress here)
check_tree_small() {
	local arch=$1 sfx=${2:-} tree log=$B/check-tree${2:-}.log

	if tree=$("$here/build-kernel.sh" LINE=6.12 ARCH="$arch") &&
	   "$here/check-tree" "$tree" -o "$B/check-tree$sfx" --kunit-module \
		>"$log" 2>&1; then
		ktap_result 1 "check_tree_6.12$sfx" ""
	else
		ktap_result 0 "check_tree_6.12$sfx" "see $log"
	fi
	grep -E 'sysmap:|^check-tree:|\(module\)' "$log" | tail -n 4 | sed 's/^/# /'
}
check_tree_small x86_64
# make test-all: the same small kernel for every other architecture,
# cross-compiled
if [ $all = 1 ]; then
	for a in i386 armhf s390x ppc64el riscv64; do
		check_tree_small "$a" "_$a"
	done
fi

ktap_stage "dkms: add, build and install for two kernels side by side, remove"
"$here/dkms-test.sh" 2>&1 | tee "$B/test-dkms.log"
ktap_add "$B/test-dkms.log"

# single faults in scripts/kallsyms.c and kernel/kallsyms.c: make test runs
# a fixed subset on 6.12 (one of each kind, about 8 minutes cold), make
# test-all every case on 6.12 and on the newest 7.x (about 30 minutes each)
fault_lines=(6.12)
faults=(ONLY=token_index_off,offsets_one,reader_lookup_garbage,reader_proc_type,pass_comment)
if [ $all = 1 ]; then
	fault_lines=(6.12 7new)
	faults=()
fi
for fl in "${fault_lines[@]}"; do
	ktap_stage "fault injection: linux-source-$fl, ${faults[*]:-every case}"
	"$here/fault-inject.sh" LINE="$fl" -o "$B/faults-$fl" "${faults[@]}" \
		>"$B/test-faults-$fl.log" 2>&1
	fi_rc=$?
	grep -v '^\[' "$B/test-faults-$fl.log" | sed 's/^/# /'
	ktap_result "$([ $fi_rc = 0 ] && echo 1)" "fault_injection_$fl" \
		"$(tail -n 2 "$B/test-faults-$fl.log" | head -n 1)"
done

# make test: 6.12 on x86_64 and 7.x on arm64 (each kunit.py kernel is a
# 7-8 minute build on a cold cache); make test-all: both lines on both
if [ $all = 1 ]; then
	ktap_stage "KUnit through kunit.py: linux-source-6.12 and 7.x, x86_64 and arm64"
	"$here/kunit.sh" 2>&1 | tee "$B/test-kunit.log"
	ktap_add "$B/test-kunit.log"
	# kunit.py's own QEMU configurations of the other architectures (a
	# 10-25 minute cold build each)
	ktap_stage "KUnit through kunit.py: linux-source-6.12 on i386, arm, s390, powerpc, riscv"
	"$here/kunit.sh" LINE=6.12 ARCH=i386 ARCH=arm ARCH=s390 ARCH=powerpc ARCH=riscv \
		2>&1 | tee "$B/test-kunit-foreign.log"
	ktap_add "$B/test-kunit-foreign.log"
else
	ktap_stage "KUnit through kunit.py: linux-source-6.12 on x86_64, 7.x on arm64"
	for k in 6.12:x86_64 7:arm64; do
		"$here/kunit.sh" LINE="${k%%:*}" ARCH="${k#*:}" 2>&1 |
			tee "$B/test-kunit-${k/:/-}.log"
		ktap_add "$B/test-kunit-${k/:/-}.log"
	done
fi

ktap_stage "kunit.py parse reads every guest's ktap file"
# one KTAP test per failing class of ksym_check.h
nclasses=$(sed -n '/^enum ksym_class {/,/KSYM_NR_FAIL_CLASSES,/p' "$top/ksym_check.h" | grep -c '^[[:space:]]*KSYM_C_')
kunitpy=$(ls "${KSYM_CACHE:-$HOME/.cache/ksym_verify}"/src-full/*/tools/testing/kunit/kunit.py 2>/dev/null | tail -n 1)
for k in "$B"/qemu/*/ktap; do
	[ -s "$k" ] || continue
	name=$(basename "$(dirname "$k")")
	if [ -z "$kunitpy" ]; then
		ktap_result 0 "ktap_parse_$name" "no kunit.py (it comes with the 7.x source)"
		continue
	fi
	out=$(python3 "$kunitpy" parse "$k" 2>&1 | tail -n 1)
	# every class is a test; a reader the kernel lacks is a SKIP with its
	# reason (arm64 5.10 has no kallsyms_on_each_symbol), never a failure
	ktap_result "$(grep -qE "Ran $nclasses tests: passed: [0-9]+(, skipped: [0-9]+)?\$" <<<"$out" && echo 1)" \
		"ktap_parse_$name" "kunit.py: $out"
done

ktap_stage "ksymdump: ground truth from nokaslr boots, then scripts/ksymdump-test.sh"
"$here/capture-foreign.sh" 2>&1 | tee "$B/test-capture-foreign.log" | grep -E '^(not )?ok|passed'
ktap_add "$B/test-capture-foreign.log"
"$here/qemu.sh" -o "$B/qemu-nokaslr" --nokaslr 2>&1 | tee "$B/test-qemu-nokaslr.log" |
	grep -E '^(not )?ok|passed'
ktap_add "$B/test-qemu-nokaslr.log"
KSYMDUMP_KERNELS=$(cat "$B"/qemu-nokaslr/*/release 2>/dev/null) B="$B" \
	"$here/ksymdump-test.sh" 2>&1 | tee "$B/test-ksymdump.log"
ktap_add "$B/test-ksymdump.log"

# memory dumps: make test one kernel per arch, make test-all both lines
ktap_stage "ksymdump on memory dumps: QEMU dump-guest-memory of KASLR boots, the guest's /proc/kcore"
dump_kvers=(KVER=6.12)
[ $all = 1 ] && dump_kvers+=(KVER=7)
"$here/qemu.sh" -o "$B/qemu-dump" --dump ARCH=x86_64 ARCH=arm64 "${dump_kvers[@]}" \
	2>&1 | tee "$B/test-qemu-dump.log" | grep -E '^(not )?ok|passed'
ktap_add "$B/test-qemu-dump.log"

if [ $all = 1 ]; then
	ktap_stage "all: the newest 7.x of any suite, and 6.12's cloud and rt flavours"
	"$here/qemu.sh" -o "$B/qemu-all" KVER=7new KVER=6.12-cloud KVER=6.12-rt \
		2>&1 | tee "$B/test-qemu-all.log"
	ktap_add "$B/test-qemu-all.log"
	ktap_stage "all: ksymdump on the newest 7.x (nokaslr ground truth first)"
	"$here/qemu.sh" -o "$B/qemu-all-nokaslr" --nokaslr KVER=7new \
		>"$B/test-qemu-all-nokaslr.log" 2>&1
	ktap_add "$B/test-qemu-all-nokaslr.log"
	KSYMDUMP_KERNELS=$(cat "$B"/qemu-nokaslr/*/release \
		"$B"/qemu-all-nokaslr/*/release 2>/dev/null) B="$B" \
		"$here/ksymdump-test.sh" >"$B/test-ksymdump-all.log" 2>&1
	grep -E '^(not )?ok|passed' "$B/test-ksymdump-all.log"
	ktap_add "$B/test-ksymdump-all.log"
	# Clang ThinLTO: 6.1 sorts seqs by names cut at .llvm., 6.12 whole
	for lt in 6.1 6.12; do
		ktap_stage "all: check-tree on a Clang ThinLTO kernel from linux-source-$lt"
		if tree=$("$here/build-kernel.sh" LINE="$lt" ARCH=x86_64 LTO=thin \
			2>"$B/build-lto-$lt.log") &&
		   "$here/check-tree" "$tree" -o "$B/check-tree-lto-$lt" --report \
			>"$B/check-tree-lto-$lt.log" 2>&1; then
			ktap_result 1 "check_tree_lto_$lt" ""
		else
			ktap_result 0 "check_tree_lto_$lt" "see $B/check-tree-lto-$lt.log"
		fi
		grep -E 'check.lto_rule|quirk.(llvm_suffix|lto_local)|^check-tree:' \
			"$B/check-tree-lto-$lt.log" | sed 's/^ *# | /# /'
	done
	# a KASAN kernel under TCG takes 18 s a full run and 6 s a sampled
	# one (34,823 symbols): make test-all runs 20 cycles, 60 s of racing
	# and 40 injected runs on 6.12 and on the newest 7.x (about 10 minutes
	# each); make test-debug's 1000 cycles and 300 runs take hours here
	ktap_stage "all: the module on debug kernels, 6.12 and 7new (scripts/test-debug.sh, 20 cycles)"
	"$here/test-debug.sh" LINE=6.12 LINE=7new CYCLES=20 SECONDS=60 RUNS=40 \
		-o "$B/test-debug" \
		>"$B/test-debug.log" 2>&1
	grep -E '^ *(not )?ok|figures' "$B/test-debug.log" | sed 's/^ */# /'
	ktap_add "$B/test-debug.log"
	ktap_stage "make bench (figures, never a verdict)"
	make -s -C "$top" B="$B" bench 2>&1 | sed 's/^/# /'
fi

ktap_stage_table
ktap_totals
ktap_ok
