#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh - build a small QEMU kernel from Debian's linux-source,
# for testing scripts/check-tree (and as a tree to build the module
# against).  allnoconfig plus scripts/kernel-small.config.
#
# Usage: scripts/build-kernel.sh [LINE=6.12] [ARCH=x86_64|arm64] [LTO=thin]
#                                [DEBUG=1] [SRC=source dir O=build dir]
# LTO=thin builds with Debian's clang and lld (LLVM=1) and
# CONFIG_LTO_CLANG_THIN: .llvm.<hash> names in the table.  DEBUG=1 adds
# scripts/kernel-debug.config (KASAN, kmemleak, lockdep, fault injection).
# Prints the build directory (cached under $KSYM_CACHE/trees, keyed by the
# package version, the architecture, LTO and the config fragment).  SRC= and O=
# build another copy of the source (scripts/fault-inject.sh) into O=; a
# tree already built there is rebuilt incrementally.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

line=6.12 arch=x86_64 src="" o="" incremental=0 lto="" debug=0
for a in "$@"; do
	case $a in
	LINE=*) line=${a#LINE=} ;;
	ARCH=*) arch=${a#ARCH=} ;;
	LTO=thin) lto=thin ;;
	DEBUG=1) debug=1 ;;
	SRC=*) src=${a#SRC=} incremental=1 ;;
	O=*) o=${a#O=} ;;
	*) ksym_die "usage: $0 [LINE=6.12] [ARCH=x86_64|arm64] [LTO=thin] [DEBUG=1] [SRC=dir O=dir]" ;;
	esac
done
[ -n "$src" ] || src=$(ksym_full_source "$line")
pv=$(basename "$src")
frag=$here/kernel-small.config
dfrag=$here/kernel-debug.config
dbg=""
if [ $debug = 1 ]; then
	key=$(cat "$frag" "$dfrag" | md5sum | cut -c1-8)
	dbg=-debug
else
	key=$(md5sum <"$frag" | cut -c1-8)
fi
[ -n "$o" ] || o=$KSYM_CACHE/trees/$pv-$arch${lto:+-lto$lto}$dbg-$key
mk=(make -s -C "$src" O="$o" -j"$(nproc)")
[ "$arch" = arm64 ] && mk+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
[ -n "$lto" ] && mk+=(LLVM=1)
if [ ! -f "$o/.complete" ]; then
	rm -rf "$o" && mkdir -p "$o"
	ksym_log "build: $pv for $arch, allnoconfig + kernel-small.config (a few minutes)"
	"${mk[@]}" allnoconfig >"$o/build.log" 2>&1
	frags=("$frag")
	[ $debug = 1 ] && frags+=("$dfrag")
	if [ -n "$lto" ]; then
		printf 'CONFIG_LTO_CLANG_THIN=y\n' >"$o/lto.config"
		frags+=("$o/lto.config")
	fi
	"$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" "${frags[@]}" \
		>>"$o/build.log" 2>&1
	"${mk[@]}" olddefconfig >>"$o/build.log" 2>&1
	want=(MODULES KPROBES KALLSYMS_ALL DEBUG_FS BLK_DEV_INITRD DEVTMPFS)
	[ -n "$lto" ] && want+=(LTO_CLANG_THIN)
	[ $debug = 1 ] && want+=(KASAN DEBUG_KMEMLEAK PROVE_LOCKING DEBUG_ATOMIC_SLEEP
				 DEBUG_OBJECTS SOFTLOCKUP_DETECTOR FAILSLAB
				 FAIL_PAGE_ALLOC FAULT_INJECTION_DEBUG_FS)
	for c in "${want[@]}"; do
		grep -q "^CONFIG_$c=y" "$o/.config" ||
			ksym_die "CONFIG_$c did not stick in $o/.config"
	done
	# progress every minute: a silent build reads as a hang
	( while sleep 60; do ksym_log "build: still compiling ($(find "$o" -name '*.o' | wc -l) objects)"; done ) &
	ticker=$!
	"${mk[@]}" >>"$o/build.log" 2>&1 || { kill $ticker; tail -n 30 "$o/build.log" >&2; exit 1; }
	kill $ticker
	touch "$o/.complete"
	ksym_log "build: done, $(cat "$o/include/config/kernel.release")"
elif [ $incremental = 1 ]; then
	"${mk[@]}" >>"$o/build.log" 2>&1 || { tail -n 30 "$o/build.log" >&2; exit 1; }
fi
echo "$o"
