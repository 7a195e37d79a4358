#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh - build a small QEMU kernel from Debian's linux-source,
# for testing scripts/check-tree (and as a tree to build the module
# against).  allnoconfig plus scripts/kernel-small.config.
#
# Usage: scripts/build-kernel.sh [LINE=6.12] [ARCH=x86_64|arm64|i386|armhf|
#                                s390x|ppc64el|riscv64] [LTO=thin] [DEBUG=1]
#                                [SELFTEST=1] [SRC=source dir O=build dir]
# SELFTEST=1 adds CONFIG_KALLSYMS_SELFTEST (the kernel's own kallsyms
# figures at boot, for scripts/bench-selftest.sh).
# The other architectures (not x86_64 or arm64) add their own lines to
# kernel-small.config (arch_config below: 32-bit, the QEMU machine's
# console, interrupt controller and FPU) and build with Debian's cross
# compiler for them (kbuild_cross); their image is the one QEMU boots
# (zImage on armhf, vmlinux on ppc64el: tree_image in lib.sh).
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

line=6.12 arch=x86_64 src="" o="" incremental=0 lto="" debug=0 selftest=0
for a in "$@"; do
	case $a in
	LINE=*) line=${a#LINE=} ;;
	ARCH=*) arch=${a#ARCH=} ;;
	LTO=thin) lto=thin ;;
	DEBUG=1) debug=1 ;;
	SELFTEST=1) selftest=1 ;;
	SRC=*) src=${a#SRC=} incremental=1 ;;
	O=*) o=${a#O=} ;;
	*) ksym_die "usage: $0 [LINE=6.12] [ARCH=x86_64|arm64|i386|armhf|s390x|ppc64el|riscv64] [LTO=thin] [DEBUG=1] [SELFTEST=1] [SRC=dir O=dir]" ;;
	esac
done

# arch_config ARCH: what allnoconfig leaves out that ARCH's QEMU machine
# (foreign_qemu in lib.sh) needs to boot the harness's busybox and show
# its console; nothing for x86_64 and arm64 (kernel-small.config has them)
arch_config() {
	case $1 in
	x86_64|arm64) ;;
	i386) printf '%s\n' '# CONFIG_64BIT is not set' CONFIG_HIGHMEM4G=y ;;
	armhf)
		# -M virt (GIC, arch timer, PL011; allnoconfig is a no-MMU
		# Cortex-M); Debian's armhf busybox is Thumb-2 code with VFP
		# hard float
		printf 'CONFIG_%s=y\n' MMU ARCH_MULTIPLATFORM ARCH_MULTI_V7 ARCH_VIRT AEABI VFP VFPv3 NEON \
			ARM_THUMB HIGHMEM ;;
	s390x) printf 'CONFIG_%s=y\n' SCLP_TTY SCLP_CONSOLE SCLP_VT220_TTY SCLP_VT220_CONSOLE ;;
	ppc64el)
		# -M pseries: little-endian Book3S-64, hvc0 through the hypervisor,
		# entered from SLOF (Open Firmware: prom_init); Debian's ppc64el
		# user code is POWER8 with VSX (without it: SIGILL, facility
		# unavailable, in busybox)
		printf 'CONFIG_%s=y\n' PPC64 PPC_BOOK3S_64 CPU_LITTLE_ENDIAN PPC_PSERIES \
			PPC_OF_BOOT_TRAMPOLINE PPC_RADIX_MMU HVC_CONSOLE ALTIVEC VSX ;;
	riscv64)
		# -M virt: 8250 found through the device tree, PLIC, SBI timer;
		# QEMU's device tree names the ISA in "riscv,isa" alone (without
		# the fallback: "kernel does not parse riscv,isa", BUG in
		# setup_smp()); Debian's riscv64 busybox uses the FPU (lp64d)
		printf 'CONFIG_%s=y\n' ARCH_RV64I ARCH_VIRT FPU RISCV_ISA_C RISCV_ISA_FALLBACK \
			SERIAL_OF_PLATFORM RISCV_SBI ;;
	*) ksym_die "ARCH must be x86_64, arm64, i386, armhf, s390x, ppc64el or riscv64" ;;
	esac
}
[ -n "$src" ] || src=$(ksym_full_source "$line")
pv=$(basename "$src")
frag=$here/kernel-small.config
dfrag=$here/kernel-debug.config
dbg=""
aconf=$(arch_config "$arch")
# the kernel's own kallsyms selftest, for scripts/bench-selftest.sh
[ $selftest = 0 ] || aconf+="${aconf:+$'\n'}CONFIG_KALLSYMS_SELFTEST=y"
[ $debug = 1 ] && dbg=-debug
# the key of x86_64 and arm64 trees is their fragments' alone
key=$({
	cat "$frag"
	[ $debug = 0 ] || cat "$dfrag"
	[ -z "$aconf" ] || echo "$aconf"
} | md5sum | cut -c1-8)
[ $selftest = 1 ] && dbg+=-selftest
[ -n "$o" ] || o=$KSYM_CACHE/trees/$pv-$arch${lto:+-lto$lto}$dbg-$key
# shellcheck disable=SC2046 # ARCH=... CROSS_COMPILE=..., no spaces
mk=(make -s -C "$src" O="$o" -j"$(nproc)" $(kbuild_cross "$arch"))
[ -n "$lto" ] && mk+=(LLVM=1)
if [ ! -f "$o/.complete" ]; then
	rm -rf "$o" && mkdir -p "$o"
	ksym_log "build: $pv for $arch, allnoconfig + kernel-small.config (a few minutes)"
	"${mk[@]}" allnoconfig >"$o/build.log" 2>&1
	frags=("$frag")
	if [ -n "$aconf" ]; then
		echo "$aconf" >"$o/arch.config"
		frags+=("$o/arch.config")
	fi
	[ $debug = 1 ] && frags+=("$dfrag")
	if [ -n "$lto" ]; then
		printf 'CONFIG_LTO_CLANG_THIN=y\n' >"$o/lto.config"
		frags+=("$o/lto.config")
	fi
	"$src/scripts/kconfig/merge_config.sh" -m -O "$o" "$o/.config" "${frags[@]}" \
		>>"$o/build.log" 2>&1
	"${mk[@]}" olddefconfig >>"$o/build.log" 2>&1
	want=(MODULES KPROBES KALLSYMS_ALL DEBUG_FS BLK_DEV_INITRD DEVTMPFS)
	# and every line arch_config asked for
	want+=($(sed -n 's/^CONFIG_\(.*\)=y$/\1/p' <<<"$aconf"))
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
