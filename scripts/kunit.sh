#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh - run the ksym_decoder and ksym_live KUnit suites through the
# kernel's own kunit.py, on Debian's linux-source of each LINE, for each ARCH.
#
# Usage: scripts/kunit.sh [LINE=6.12|7]... [ARCH=x86_64|arm64|i386|arm|s390|
#                        powerpc|riscv]... [--place TREE]
#   (the other architectures by kunit.py's names: 32-bit i386 and arm,
#   big-endian s390 and powerpc (ppc64 on pseries), riscv)
#
#   --place TREE   only place ksym_verify into the kernel source tree TREE
#                  (lib/ksym_verify/ with symlinks, plus a Kconfig and a
#                  Makefile hook) and print the kunit.py command to run
#
# Without --place, each LINE's source is unpacked once into the cache, a
# hard-linked copy gets the hook, and kunit.py builds and boots the kernel
# under QEMU (build directories cached under $KSYM_CACHE/kunit-build).
# Prints each run's KUnit summary; the last line is "N passed, N failed"
# over the runs.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

lines=() arches=() place=""
while [ $# -gt 0 ]; do
	case $1 in
	LINE=*) lines+=("${1#LINE=}") ;;
	ARCH=*) arches+=("${1#ARCH=}") ;;
	--place) place=$2; shift ;;
	-h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) ksym_die "unknown argument $1" ;;
	esac
	shift
done
[ ${#lines[@]} -gt 0 ] || lines=(6.12 7)
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 arm64)

# fixtures as C, from the real generators (make fixtures makes them)
fixtures_c() {
	local c=$top/build/kunit/ksym_fixtures.c
	local -a fx

	if [ ! -f "$top/build/fixtures/.stamp" ]; then
		"$here/gen-fixtures.sh" -o "$top/build/fixtures" >&2 || return 1
		touch "$top/build/fixtures/.stamp"
	fi
	mapfile -t fx < <(ls -d "$top"/build/fixtures/*-all* | grep -v large)
	mkdir -p "$(dirname "$c")"
	"$here/gen-kunit-fixtures.sh" "$c" "${fx[@]}" || return 1
	echo "$c"
}

# place_into TREE: lib/ksym_verify/ and the two hook lines
place_into() {
	local tree=$1 d=$1/lib/ksym_verify f c

	c=$(fixtures_c) || ksym_die "generating the KUnit fixtures failed"
	rm -rf "$d" && mkdir -p "$d"
	# the run's sources (kunit/Makefile.kunit names the objects)
	for f in "$top"/*.c "$top"/*.h "$top/kunit"; do
		ln -s "$f" "$d/$(basename "$f")"
	done
	ln -s "$c" "$d/ksym_fixtures.c"
	ln -s "$top/kunit/Makefile.kunit" "$d/Makefile"
	grep -q 'lib/ksym_verify/kunit/Kconfig' "$tree/lib/Kconfig.debug" ||
		echo 'source "lib/ksym_verify/kunit/Kconfig"' >>"$tree/lib/Kconfig.debug"
	grep -q '^obj-y += ksym_verify/' "$tree/lib/Makefile" ||
		echo 'obj-y += ksym_verify/' >>"$tree/lib/Makefile"
}

if [ -n "$place" ]; then
	place_into "$place"
	echo "placed; now, in $place:"
	echo "  ./tools/testing/kunit/kunit.py run --kunitconfig=lib/ksym_verify/kunit --arch=x86_64"
	echo "    (with Debian 12's QEMU and a 7.x tree: --qemu_config=lib/ksym_verify/kunit/qemu_x86_64.py instead of --arch)"
	echo "  ./tools/testing/kunit/kunit.py run --kunitconfig=lib/ksym_verify/kunit --arch=arm64 --cross_compile=aarch64-linux-gnu-"
	exit 0
fi

# KVM does not run guests on this kind of machine (see qemu-tcg-wrapper)
if [ "${KSYM_KUNIT_KVM:-0}" != 1 ]; then
	wrap=$top/build/kunit/bin
	mkdir -p "$wrap"
	for q in qemu-system-x86_64 qemu-system-aarch64; do
		ln -sf "$here/qemu-tcg-wrapper" "$wrap/$q"
	done
	export PATH="$wrap:$PATH"
fi

# shellcheck source=ktap.sh
. "$here/ktap.sh"
ktap_header
for line in "${lines[@]}"; do
	src=$(ksym_full_source "$line") || exit 1
	pv=$(basename "$src")
	# a hard-linked copy, so the hook never touches the shared source
	kt=$KSYM_CACHE/kunit-src/$pv
	if [ ! -f "$kt/.complete" ]; then
		ksym_log "copy: $pv source (hard links) for the KUnit hook"
		rm -rf "$kt" && mkdir -p "$(dirname "$kt")"
		cp -al "$src" "$kt" || ksym_die "cp -al failed"
		# the hook edits must not write through the links
		for f in lib/Kconfig.debug lib/Makefile; do
			cp --remove-destination "$src/$f" "$kt/$f"
		done
		touch "$kt/.complete"
	fi
	place_into "$kt"
	for arch in "${arches[@]}"; do
		bd=$KSYM_CACHE/kunit-build/$pv-$arch
		mkdir -p "$(dirname "$bd")"
		log=$top/build/kunit/$line-$arch.log
		args=(run --kunitconfig=lib/ksym_verify/kunit --build_dir="$bd"
		      --jobs="$(nproc)" --timeout=900)
		case $arch in
		x86_64)
			# Debian 12's qboot.rom does not boot 7.x: use SeaBIOS
			args+=(--qemu_config=lib/ksym_verify/kunit/qemu_x86_64.py) ;;
		arm64) args+=(--arch=arm64 --cross_compile=aarch64-linux-gnu-) ;;
		# kunit.py's own QEMU configurations, Debian's cross compilers
		i386) args+=(--arch=i386) ;;
		arm) args+=(--arch=arm --cross_compile=arm-linux-gnueabihf-) ;;
		s390) args+=(--arch=s390 --cross_compile=s390x-linux-gnu-) ;;
		powerpc) args+=(--arch=powerpc --cross_compile=powerpc64le-linux-gnu-) ;;
		riscv) args+=(--arch=riscv --cross_compile=riscv64-linux-gnu-) ;;
		*) ksym_die "ARCH must be x86_64, arm64, i386, arm, s390, powerpc or riscv" ;;
		esac
		ksym_log "kunit.py: $pv, $arch (cold build: a few minutes)"
		( cd "$kt" && python3 tools/testing/kunit/kunit.py "${args[@]}" ) \
			>"$log" 2>&1
		rc=$?
		summary=$(grep -E 'Ran [0-9]+ tests' "$log" | tail -n 1 | sed 's/^\[[0-9:]*\] //')
		echo "# $pv $arch: ${summary:-no summary (see $log)}"
		grep -E '\[(FAILED|SKIPPED|CRASHED)\]' "$log" | head -n 20 | sed 's/^/#   /'
		if [ $rc = 0 ] && [ -n "$summary" ]; then
			ktap_pass "kunit_${line}_$arch"
		else
			ktap_fail "kunit_${line}_$arch" "kunit.py exited $rc; see $log"
		fi
	done
done
ktap_plan
ktap_totals
ktap_ok
