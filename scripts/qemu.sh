#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu.sh - boot real Debian kernels under QEMU, load ksym-verify.ko with
# fail_on_mismatch=1, and check its verdict and its decoded table against
# the guest's own /proc/kallsyms.
#
# Usage: scripts/qemu.sh [ARCH=x86_64|arm64|i386|armhf|s390x|ppc64el|riscv64]
#                        [KVER=5.10|6.1|6.12|6.12t|7|...] [ENTRY=ARCH:KVER]
#                        [-o OUTDIR]
#                        [--report] [ARGS="param=value ..."]
#                        [--params-from-capture] [--no-poweroff] [--nokaslr]
#   KVER=           5.10 (bullseye: no seqs_of_names, 1-byte lengths),
#                   6.1 and 6.12 (bookworm), 6.12-cloud and 6.12-rt (its
#                   cloud and PREEMPT_RT flavours), 7 (the newest 7.x in
#                   sid), 7new (the newest 7.x in sid, experimental or
#                   trixie-backports), 6.12t (trixie's 6.12); default:
#                   each ARCH's own lines, on x86_64 and arm64 5.10, 6.1,
#                   6.12 and 7; i386 6.1 (Debian's last i386 kernel is
#                   bookworm's); armhf 5.10, 6.1, 6.12 and 7; ppc64el 6.1 and
#                   6.12; s390x 6.1 and 7; riscv64 6.12t.  The
#                   other architectures boot Debian's 686-pae, armmp,
#                   s390x, powerpc64le and riscv64 flavours on QEMU's
#                   pc, virt, s390-ccw-virtio, pseries and virt machines
#                   (TCG), the module built with Debian's cross compilers
#   ENTRY=ARCH:KVER one kernel of one architecture (repeatable; instead
#                   of every ARCH with every KVER)
#   --report        also print each guest's report
#   ARGS=...        extra ksym_verify parameters (e.g. corrupt=name)
#   --params-from-capture
#                   pass the kallsyms_* link addresses of an earlier boot
#                   (its nokaslr /proc/kallsyms, or its KASLR one shifted
#                   back by its offset) as *_addr parameters, with
#                   sysmap_text set to that _text, as from System.map
#                   (tests the parameter path and the KASLR shift)
#   --no-poweroff   the guest never powers off (tests the timeout)
#   --nokaslr       boot with nokaslr; the guest's /proc/kallsyms is kept as
#                   captured/proc-kallsyms-nokaslr (link addresses: the
#                   ground truth that ksymdump's tests compare vmlinuz with)
#   --stress=CYCLES,SECONDS,RUNS[,SAMPLE]
#                   instead of the usual run: CYCLES load/run/unload
#                   cycles, SECONDS of 16 readers and 4 writers, RUNS runs
#                   under failslab/fail_page_alloc, a kmemleak scan; the
#                   cycles and the injected runs load with sample=SAMPLE
#                   (scripts/guest-stress; for a debug kernel, TREE=),
#                   booted with panic_on_warn=1 softlockup_panic=1
#   --dump          instead of the module: the guest (with QEMU's
#                   vmcoreinfo device and Debian's qemu_fw_cfg module)
#                   captures /proc/kallsyms, runs a static ksymdump on its
#                   own /proc/kcore, then the host takes memory
#                   dumps through QMP (tests/qmp-dump.py): ELF (physical
#                   addresses), kdump-compressed (zlib pages) and, on
#                   x86_64, ELF with paging (virtual
#                   addresses) and the same with the VMCOREINFO note cut
#                   out; the physical ELF dump made raw memory
#                   (tests/core-edit.py: as dd writes it, in LiME's
#                   format, without its note), where the kernel's own
#                   VMCOREINFO text in memory must give the addresses;
#                   ksymdump on each must equal the capture, with the
#                   KASLR offset of the boot (from a nokaslr capture);
#                   and Debian's makedumpfile on the ELF dump (-c zlib,
#                   -l LZO, -E ELF, -F flattened), each file checked alike
#   --kunit-module  also build ksym_verify_kunit.ko, load it in the guest
#                   and parse its KUnit results with kunit.py (the kernel
#                   needs CONFIG_KUNIT; used with TREE=)
#
# With no ARCH/KVER, every entry of the matrix runs, JOBS guests at a time
# (environment; default 2, 1 with --stress); each entry's results are
# printed whole, in the matrix's order, when it and those before it end.
# Kernels (image and headers, unpacked with dpkg -x, never installed) and
# busybox are cached under $KSYM_CACHE/kernels; each guest's report, ktap,
# stats, symbols, /proc/kallsyms and dmesg are kept in
# OUTDIR/<arch>-<kver>/ (default build/qemu) and its /proc/kallsyms,
# runtime _text and KASLR offset (from VMCOREINFO, via the report) also in
# the kernel's cache directory.
#
# Output is KTAP, one subtest per kernel, then "N passed, N failed".  The
# exit status is non-zero on any failure, a boot that did not come back, a
# timeout, or a run that booted nothing.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=ktap.sh
. "$here/ktap.sh"

out=$top/build/qemu
arches=() kvers=() given=() show_report=0 extra_args="" from_capture=0 nopoweroff=0
nokaslr=0 stress="" dump=0
tree="" kunit_module=0
for arg in "$@"; do
	case $arg in
	ARCH=*) arches+=("${arg#ARCH=}") ;;
	KVER=*) kvers+=("${arg#KVER=}") ;;
	ENTRY=*:*) given+=("${arg#ENTRY=}") ;;
	--report) show_report=1 ;;
	ARGS=*) extra_args=${arg#ARGS=} ;;
	TREE=*) tree=$(cd "${arg#TREE=}" && pwd) || ksym_die "no directory ${arg#TREE=}" ;;
	--params-from-capture) from_capture=1 ;;
	--no-poweroff) nopoweroff=1 ;;
	--nokaslr) nokaslr=1 ;;
	--kunit-module) kunit_module=1 ;;
	--dump) dump=1 ;;
	--stress=*) stress=${arg#--stress=} ;;
	-o) ;;
	-h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) if [ "${prev:-}" = -o ]; then out=$arg; else ksym_die "unknown argument $arg"; fi ;;
	esac
	prev=$arg
done
if [ -n "$tree" ]; then
	# a developer's own kernel build tree (scripts/check-tree)
	if [ ${#arches[@]} -eq 0 ]; then
		[ -f "$tree/.config" ] || ksym_die "$tree has no .config: not a kernel build tree"
		a=$(tree_arch "$tree/.config")
		[ -n "$a" ] || ksym_die "$tree/.config is for an architecture the harness does not boot (x86_64, arm64, i386, armhf, s390x, ppc64el, riscv64): give ARCH= if it is one of them"
		arches=("$a")
	fi
	kvers=(tree)
fi
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 arm64)
# arch_lines ARCH: the kernel lines Debian builds for ARCH (its flavour
# that boots on QEMU's generic machine): one kernel per layout era on
# x86_64 and arm64 (make test-all adds 7new and the flavours); i386 ended
# with bookworm; riscv64 starts with trixie (6.12t).  Not here (the
# README's matrix says why): ppc64el and riscv64 7.x (this machine's gcc
# 12 cannot build their modules: scripts/debian.sh refuses the tree),
# s390x 6.12 (bookworm has none; the mirror lacks trixie's image .deb)
arch_lines() {
	case $1 in
	x86_64|arm64) echo 5.10 6.1 6.12 7 ;;
	i386) echo 6.1 ;;
	armhf) echo 5.10 6.1 6.12 7 ;;
	ppc64el) echo 6.1 6.12 ;;
	s390x) echo 6.1 7 ;;
	riscv64) echo 6.12t ;;
	*) ksym_die "ARCH must be x86_64, arm64, i386, armhf, s390x, ppc64el or riscv64" ;;
	esac
}
# the entries: those given as ENTRY=, or every ARCH with every KVER
# given, or with its own lines
entries=("${given[@]}")
[ ${#given[@]} -gt 0 ] && arches=()
for arch in "${arches[@]}"; do
	if [ ${#kvers[@]} -gt 0 ]; then
		for kver in "${kvers[@]}"; do
			entries+=("$arch:$kver")
		done
	else
		for kver in $(arch_lines "$arch"); do
			entries+=("$arch:$kver")
		done
	fi
done
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}
# arm64_libs: Debian's arm64 static libraries for ksymdump, unpacked
# once under the cache (complete once all six archives are there)
arm64_libs() {
	local r=$KSYM_CACHE/arm64-libs d deb

	[ -f "$r/.complete" ] && return 0
	rm -rf "$r" && mkdir -p "$r/root" || return 1
	for d in zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev liblzo2-dev; do
		deb=$(ksym_download bookworm arm64 "$d") && dpkg -x "$deb" "$r/root" || return 1
	done
	for d in z lzma zstd lz4 bz2 lzo2; do
		[ -f "$r/root/usr/lib/aarch64-linux-gnu/lib$d.a" ] || return 1
	done
	touch "$r/.complete"
}

if [ $dump = 1 ]; then
	bdir=${B:-$top/build}
	B_KSYMDUMP=$bdir/ksymdump B_KSYMDUMP_STATIC=$bdir/ksymdump-static
	make -s -C "$top" B="$bdir" "$B_KSYMDUMP" "$B_KSYMDUMP_STATIC" >&2 ||
		ksym_die "ksymdump did not build"
	# arm64 guests run their own, where the libraries can be had
	B_KSYMDUMP_ARM64=""
	if arm64_libs &&
	   make -s -C "$top" B="$bdir" ARM64_LIBROOT="$KSYM_CACHE/arm64-libs/root" \
		"$bdir/ksymdump-static-arm64" >&2; then
		B_KSYMDUMP_ARM64=$bdir/ksymdump-static-arm64
	else
		echo "# no static arm64 ksymdump (Debian's arm64 -dev archives or libc6-dev-arm64-cross missing): arm64 guests skip /proc/kcore" >&2
	fi
fi
# vCPUs of each guest (scripts/bench-module.sh, in make bench, boots 1 and 2)
SMP=${SMP:-2}

# tree_setup ARCH: use the kernel build tree given with TREE=
tree_setup() {
	local img

	img=$(tree_image "$1") || { echo "    # no QEMU machine for ARCH=$1"; return 1; }
	K_DIR=$tree
	K_MAKE_ARGS=()
	# a tree built with clang (LTO) builds its modules with clang
	grep -q '^CONFIG_CC_IS_CLANG=y' "$tree/.config" && K_MAKE_ARGS=(LLVM=1)
	K_IMAGE=$tree/$img
	K_PKG="built from source"
	K_HOW="the given tree, $tree"
	K_REL=$(cat "$tree/include/config/kernel.release" 2>/dev/null)
	[ -n "$K_REL" ] || { echo "    # $tree is not a built kernel tree (no include/config/kernel.release)"; return 1; }
	[ -f "$K_IMAGE" ] || { echo "    # no $img in $tree: build the kernel first"; return 1; }
	[ -f "$tree/Module.symvers" ] || { echo "    # no Module.symvers in $tree: run make there first"; return 1; }
}

# kernel_fetch ARCH KVER: a Debian kernel (debian.sh), or the tree given
kernel_fetch() {
	if [ "$2" = tree ]; then
		tree_setup "$1"
	else
		debian_kernel "$@"
	fi
}

# sparse_ok ARCH: may the module build run sparse (C=1)?  Not where it is
# not installed, nor on riscv64: Debian 12's sparse 0.6.4 refuses the
# kernel's -march=rv64imac_zicsr_zifencei ("invalid argument to '-march'")
sparse_ok() {
	command -v sparse >/dev/null && [ "$1" != riscv64 ]
}

# build_module ARCH KDIR DIR: build ksym-verify.ko in a scratch copy, with
# W=1 and, where sparse is installed, C=1
build_module() {
	local arch=$1 kdir=$2 dir=$3
	# shellcheck disable=SC2046 # ARCH=... CROSS_COMPILE=..., no spaces
	local -a mk=(make -s -C "$kdir" M="$dir" W=1 $(kbuild_cross "$arch") "${K_MAKE_ARGS[@]}")

	rm -rf "$dir" && mkdir -p "$dir"
	cp "$top"/Kbuild "$top"/*.c "$top"/*.h "$dir/"
	sparse_ok "$arch" && mk+=(C=1)
	"${mk[@]}" modules >"$dir/build.log" 2>&1 && [ -f "$dir/ksym-verify.ko" ]
}

# build_kunit_module ARCH KDIR DIR: ksym_verify_kunit.ko, in the layout
# kunit/Makefile.kunit describes
build_kunit_module() {
	local arch=$1 kdir=$2 dir=$3 f
	# shellcheck disable=SC2046 # ARCH=... CROSS_COMPILE=..., no spaces
	local -a mk=(make -s -C "$kdir" M="$dir" W=1 $(kbuild_cross "$arch") "${K_MAKE_ARGS[@]}")

	rm -rf "$dir" && mkdir -p "$dir/kunit"
	# the run's sources (kunit/Makefile.kunit names the objects)
	cp "$top"/*.c "$top"/*.h "$dir/"
	cp "$top"/kunit/*.c "$top"/kunit/*.h "$dir/kunit/"
	cp "$top/kunit/Makefile.kunit" "$dir/Kbuild"
	"$here/gen-kunit-fixtures.sh" "$dir/ksym_fixtures.c" \
		$(ls -d "$top"/build/fixtures/*-all* | grep -v large) || return 1
	sparse_ok "$arch" && mk+=(C=1)
	"${mk[@]}" CONFIG_KSYM_VERIFY_KUNIT_TEST=m modules >"$dir/build.log" 2>&1 &&
		[ -f "$dir/ksym_verify_kunit.ko" ]
}

make_initramfs() { # ARCH KO OUT [KUNIT-KO]
	local arch=$1 ko=$2 img=$3 kko=${4:-} r
	r=$(mktemp -d)
	mkdir -p "$r"/{bin,proc,sys,dev,tmp}
	cp "$(busybox_for "$arch")" "$r/bin/busybox" || return 1
	cp "$ko" "$r/ksym-verify.ko"
	[ -n "$kko" ] && cp "$kko" "$r/ksym_verify_kunit.ko"
	cp "$here/guest-init" "$r/init"
	cp "$here/guest-stress" "$r/stress"
	if [ $dump = 1 ]; then
		fwcfg_module "$r/qemu_fw_cfg.ko"
		[ "$arch" = x86_64 ] && cp "$B_KSYMDUMP_STATIC" "$r/ksymdump"
		[ "$arch" = arm64 ] && [ -n "$B_KSYMDUMP_ARM64" ] &&
			cp "$B_KSYMDUMP_ARM64" "$r/ksymdump"
	fi
	chmod +x "$r/init" "$r/stress"
	(cd "$r" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$img"
	rm -rf "$r"
}

# fwcfg_module OUT: Debian's qemu_fw_cfg.ko, unpacked (it hands the
# guest's VMCOREINFO to QEMU's vmcoreinfo device); nothing if not found
fwcfg_module() {
	local m deb root=$KSYM_CACHE/kernels/$K_REL/root suite

	m=$(find "$root/lib/modules" "$root/usr/lib/modules" -name 'qemu_fw_cfg.ko*' 2>/dev/null | head -n 1)
	# 7.x splits the image: the modules are in linux-modules-<rel>; only
	# this one is kept, in the kernel's cache entry
	if [ -z "$m" ] && [ "$kver" != tree ] && suite=$(ksym_suite "$kver") &&
	   deb=$(ksym_download "$suite" "$(deb_arch "$arch")" "linux-modules-$K_REL"); then
		dpkg --fsys-tarfile "$deb" | tar -x -C "$root" --wildcards '*/qemu_fw_cfg.ko*' 2>/dev/null
		m=$(find "$root/lib/modules" "$root/usr/lib/modules" -name 'qemu_fw_cfg.ko*' 2>/dev/null | head -n 1)
	fi
	case $m in
	*.xz) xz -dc "$m" >"$1" ;;
	*.zst) zstd -dcq "$m" >"$1" ;;
	*.gz) gzip -dc "$m" >"$1" ;;
	?*) cp "$m" "$1" ;;
	esac
}

# accel: KVM only where it really runs a guest
qemu_accel() {
	# the matrix's entries run in subshells: the first probe is kept
	[ -z "${KSYM_ACCEL:-}" ] && [ -s "$jobdir/accel" ] &&
		IFS='|' read -r KSYM_ACCEL KSYM_ACCEL_WHY <"$jobdir/accel"
	if [ -z "${KSYM_ACCEL:-}" ]; then
		KSYM_ACCEL=tcg
		KSYM_ACCEL_WHY="KVM not usable here"
		if [ -w /dev/kvm ] && [ "$(uname -m)" = x86_64 ] &&
		   ksym_has "$(timeout 20 qemu-system-x86_64 -accel kvm -m 64 -nographic \
			-no-reboot -kernel "$1" -append "console=ttyS0 panic=-1 rdinit=/nonexistent" \
			-monitor none 2>/dev/null)" "Linux version"; then
			KSYM_ACCEL=kvm
			KSYM_ACCEL_WHY="/dev/kvm runs a guest"
		fi
		echo "$KSYM_ACCEL|$KSYM_ACCEL_WHY" >"$jobdir/accel"
	fi
}

boot() { # ARCH IMAGE INITRAMFS SERIALLOG MODULE-ARGS
	local arch=$1 image=$2 initrd=$3 log=$4 margs=$5 a
	local -a q
	local cmd="quiet loglevel=3 panic=-1"

	for a in $margs; do
		cmd+=" ksym.$a"
	done
	[ $nopoweroff = 1 ] && cmd+=" ksym_nopoweroff"
	[ -n "$stress" ] && cmd+=" ksym_stress=$stress panic_on_warn=1 softlockup_panic=1"
	[ $nokaslr = 1 ] && cmd+=" nokaslr"
	[ $dump = 1 ] && cmd+=" ksym_dump"
	# PREEMPT_RT under TCG: the threaded 8250 handler makes the
	# spurious-IRQ detector disable the console's IRQ ("irq 4: nobody
	# cared"), and the console then loses the guest's output
	[[ $K_REL == *-rt-* ]] && cmd+=" noirqdebug"

	case $arch in
	x86_64)
		qemu_accel "$image"
		q=(qemu-system-x86_64 -accel "$KSYM_ACCEL" -m 2048 -smp "$SMP"
		   -append "console=ttyS0 $cmd") ;;
	arm64)
		q=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -accel tcg
		   -m 2048 -smp "$SMP" -append "console=ttyAMA0 $cmd") ;;
	*)
		# the machines scripts/capture-foreign.sh boots Debian's
		# kernels of the other architectures on
		q=(qemu-system-$(foreign_qemu "$arch" system) -M "$(foreign_qemu "$arch" machine)"
		   -cpu "$(foreign_qemu "$arch" cpu)" -accel tcg -m "$(foreign_qemu "$arch" mem)"
		   -smp "$SMP" -append "console=$(foreign_qemu "$arch" console) $cmd") ;;
	esac
	if [ $dump = 1 ]; then
		local dd
		dd=$(dirname "$log")
		mkdir -p "$dd/dumps"
		rm -f "$dd/qmp.sock"
		q+=(-qmp "unix:$dd/qmp.sock,server=on,wait=off" -device vmcoreinfo)
		# arm64: QEMU writes physical addresses, paging or not
		local -a which=(elf=elf kdump-zlib=kdump-zlib)
		[ "$arch" = x86_64 ] && which+=(elf-paging=elf,paging)
		"$top/tests/qmp-dump.py" "$dd/qmp.sock" "$log" "$dd/dumps" \
			"${which[@]}" >"$dd/dumps.log" 2>&1 &
	fi
	timeout "$QEMU_TIMEOUT" "${q[@]}" -kernel "$image" -initrd "$initrd" \
		-nographic -no-reboot -monitor none -serial "file:$log" \
		>"$log.qemu" 2>&1
	a=$?
	[ $dump = 1 ] && wait
	return $a
}

# capture_params REL: *_addr parameters from an earlier boot's /proc/kallsyms
capture_params() {
	local c=$KSYM_CACHE/kernels/$1/captured cap off=0 n a

	# link addresses, as System.map has them: a nokaslr boot's, or a
	# KASLR boot's shifted back by its offset
	cap=$c/proc-kallsyms-nokaslr
	if [ ! -s "$cap" ]; then
		cap=$c/proc-kallsyms
		off=$(cat "$c/kaslr-offset" 2>/dev/null)
		case $off in 0x*) ;; *) return 1 ;; esac
	fi
	[ -s "$cap" ] && grep -q ' kallsyms_names$' "$cap" || return 1
	awk 'BEGIN { split("num_syms names markers token_table token_index " \
			   "offsets addresses relative_base seqs_of_names", a, " ")
		     for (i in a) want["kallsyms_" a[i]] = 1 }
	     $3 == "_text" { print "sysmap_text", $1 }
	     NF == 3 && ($3 in want) {
		n = $3; sub(/^kallsyms_/, "", n); sub(/_of_names$/, "", n)
		print n "_addr", $1 }' "$cap" >"$c/params.tmp"
	while read -r n a; do
		printf '%s=0x%x ' "$n" $((0x$a - off))
	done <"$c/params.tmp"
	rm -f "$c/params.tmp"
}

# ---- one entry of the matrix: prepare, boot, check ----

# entry_prepare ARCH KVER DIR: the kernel, the module(s) and the initramfs.
# Sets KKO (the KUnit module, or empty); on failure, WHY says why.
entry_prepare() {
	local arch=$1 kver=$2 d=$3

	KKO=""
	kernel_fetch "$arch" "$kver" || { WHY="no kernel, or no tree to build the module against (see above)"; return 1; }
	# which kernel this entry is, for the scripts that read its captures
	echo "$K_REL" >"$d/release"
	echo "    # kernel: $K_REL (Debian package $K_PKG)"
	echo "    # module built against ${K_HOW:-?}"
	if ! build_module "$arch" "$K_DIR" "$d/module"; then
		sed 's/^/    # /' "$d/module/build.log" | tail -n 20
		WHY="module build against $K_DIR failed"
		return 1
	fi
	if [ $kunit_module = 1 ]; then
		if ! build_kunit_module "$arch" "$K_DIR" "$d/kunit-module"; then
			tail -n 20 "$d/kunit-module/build.log" | sed 's/^/    # /'
			WHY="ksym_verify_kunit.ko build failed"
			return 1
		fi
		KKO=$d/kunit-module/ksym_verify_kunit.ko
	fi
	make_initramfs "$arch" "$d/module/ksym-verify.ko" "$d/initramfs.gz" "$KKO" ||
		{ WHY="initramfs failed"; return 1; }
}

# prepare_locked ARCH KVER DIR: entry_prepare, one at a time across every
# qemu.sh on this machine (an flock on a file in the cache)
prepare_locked() {
	local fd rc

	mkdir -p "$KSYM_CACHE"
	exec {fd}>>"$KSYM_CACHE/.prepare.lock"
	flock "$fd"
	entry_prepare "$@"
	rc=$?
	flock -u "$fd"
	exec {fd}>&-
	return $rc
}

# entry_boot ARCH KVER DIR: boot the guest; on failure, WHY says why
entry_boot() {
	local arch=$1 kver=$2 d=$3 margs=$extra_args rc

	if [ $from_capture = 1 ]; then
		margs+=" $(capture_params "$K_REL")" ||
			{ WHY="no earlier capture with kallsyms_* symbols"; return 1; }
	fi
	ksym_log "boot: $arch-$kver ($K_REL) under QEMU, timeout ${QEMU_TIMEOUT}s"
	[ -n "$margs" ] && echo "    # module parameters:$margs"
	boot "$arch" "$K_IMAGE" "$d/initramfs.gz" "$d/serial.log" "$margs"
	rc=$?
	# a guest kernel that dies before the module is loaded is not the
	# module's doing (Debian's 7.2 once took an int3 Oops in
	# enqueue_timer at 1 s under TCG): boot it once more, and say so
	if ! grep -aq '==KSYM-INSMOD' "$d/serial.log" &&
	   grep -aq 'Kernel panic' "$d/serial.log"; then
		echo "    # the guest kernel panicked before the module was loaded: $(grep -a -m1 -E 'Oops|BUG:|Kernel panic' "$d/serial.log" | tr -d '\r' | cut -c1-120); booting once more"
		mv "$d/serial.log" "$d/serial-panicked.log"
		boot "$arch" "$K_IMAGE" "$d/initramfs.gz" "$d/serial.log" "$margs"
		rc=$?
	fi
	nrun=$((nrun + 1))
	[ "$arch" = x86_64 ] && echo "    # accel: $KSYM_ACCEL ($KSYM_ACCEL_WHY)"
	if [ $rc = 124 ]; then
		WHY="timeout after ${QEMU_TIMEOUT}s$(stopped_at "$d")"
		return 1
	fi
	grep -aq '==KSYM-DONE' "$d/serial.log" ||
		{ WHY="the guest did not come back (qemu status $rc)$(stopped_at "$d")"; return 1; }
}

# stopped_at DIR: where a guest that never finished got to, by the last
# marker guest-init printed
stopped_at() {
	local last

	last=$(grep -ao '==KSYM-[A-Z-]*' "$1/serial.log" | tail -n 1)
	if [ -z "$last" ]; then
		echo "; /init printed nothing"
	elif [ -n "$KKO" ] && [ "$last" = ==KSYM-CPUS ]; then
		# the console is at loglevel 1: KUnit's own lines are not on it
		echo "; insmod of ksym_verify_kunit.ko did not return (a test that hangs: boot with loglevel=8 to see which)"
	else
		echo "; the guest's last marker: $last"
	fi
}

# marker NAME DIR: the value the guest printed after ==KSYM-NAME
marker() {
	grep -a "==KSYM-$1" "$2/serial.log" | tr -d '\r' | awk '{print $2}'
}

# check_clean_build LOG NAME: W=1 and sparse said nothing
check_clean_build() {
	local warn

	warn=$(grep -ciE 'warning|error' "$1")
	if [ "$warn" = 0 ]; then
		ktap_pass "$2"
	else
		ktap_fail "$2" "$warn warnings: $(grep -iE 'warning|error' "$1" | head -n 2 | tr '\n' ' ')"
	fi
}

# check_guest DIR: the module's verdict, the re-run and unload, the oopses
check_guest() {
	local d=$1 ins rerun unl oops intr kept hidden

	ins=$(marker INSMOD "$d")
	if [ "$ins" = 0 ]; then
		ktap_pass insmod_fail_on_mismatch
	else
		ktap_fail insmod_fail_on_mismatch \
			"insmod exited $ins: $(grep -a 'ksym_verify: FAIL' "$d/dmesg" | head -n 1)"
	fi
	# a nokaslr boot only captures (guest-init skips the robustness part)
	if [ $nokaslr = 1 ]; then
		check_report_verdict "$d"
		return
	fi
	rerun=$(marker RERUN "$d")
	unl=$(marker UNLOADED "$d")
	oops=$(grep -cE 'BUG:|Oops|WARNING:|Call Trace|general protection' "$d/dmesg")
	if [ "$rerun" = 0 ] && [ "$unl" = 1 ] && [ "$oops" = 0 ]; then
		ktap_pass rerun_and_unload_while_open
	else
		ktap_fail rerun_and_unload_while_open \
			"re-run status ${rerun:-none}, still loaded: $([ "$unl" = 1 ] && echo no || echo yes), $oops oops/warning lines in dmesg"
	fi
	# both readers went over every file at least once during the re-run
	race=$(grep -a '==KSYM-RACE' "$d/serial.log" | tr -d '\r' | cut -d' ' -f2-)
	if [ -n "$race" ] && [ "${race% *}" -ge 1 ] 2>/dev/null && [ "${race#* }" -ge 1 ]; then
		ktap_pass readers_overlap_a_run
		echo "    # reads of all four files while the re-run ran: $race"
	else
		ktap_fail readers_overlap_a_run "rounds of reads during the re-run: ${race:-none}"
	fi
	check_parallel "$d"
	intr=$(grep -a '==KSYM-INTERRUPTED' "$d/serial.log" | tr -d '\r' | cut -d' ' -f2-)
	kept=$(marker REPORT-KEPT "$d")
	if [ -n "$intr" ] && [ "${intr%% *}" != 0 ] && [ "$kept" = 0 ] &&
	   grep -q 'run stopped by a fatal signal' "$d/dmesg"; then
		ktap_pass signal_stops_a_run
		echo "    # writer killed ${intr#* } into its run: exit ${intr%% *}"
	else
		ktap_fail signal_stops_a_run \
			"writer exited ${intr:-?}, last report kept: ${kept:-?}, dmesg: $(grep -c 'run stopped by a fatal signal' "$d/dmesg") stop lines"
	fi
	hidden=$(grep -a '==KSYM-HIDDEN' "$d/serial.log" | tr -d '\r' | cut -d' ' -f2-)
	if [ "$hidden" = "0 0 0" ]; then
		ktap_pass kptr_restrict_hides_addresses
	else
		ktap_fail kptr_restrict_hides_addresses \
			"with kptr_restrict=2, lines with an address in symbols, /proc/kallsyms, kaslr_offset in report: ${hidden:-none}"
	fi
	check_report_verdict "$d"
}

# check_parallel DIR: the first run, shared over the guest's CPUs, and
# the serial re-run report the same, apart from the times and cpus, and
# the number of the scan's candidates: on 32-bit ARM the window around
# _ctype reaches past the image into free memory, whose table-shaped
# bytes (the KUnit module's fixtures, in the initramfs's pages and in
# insmod's buffer) come and go between runs; the proven table must be the
# same
same_report() {
	grep -Ev '^(ms\.|cpus:)' "$1" |
		sed 's/^\(locate\.scan: used: \)[0-9]* candidate(s)/\1N candidate(s)/'
}
check_parallel() {
	local d=$1 cpus scpus online

	ksym_extract report-serial "$d/serial.log" "$d/report-serial"
	cpus=$(sed -n 's/^cpus: //p' "$d/report")
	scpus=$(sed -n 's/^cpus: //p' "$d/report-serial" 2>/dev/null)
	# a kernel without SMP has one CPU, whatever -smp says
	online=$(marker CPUS "$d")
	if [ -s "$d/report-serial" ] && [ "$scpus" = 1 ] &&
	   { [ "${cpus:-0}" -gt 1 ] || [ "${online:-0}" = 1 ]; } &&
	   diff <(same_report "$d/report") <(same_report "$d/report-serial") >"$d/report.diff"; then
		ktap_pass parallel_report_equals_serial
		echo "    # cpus $cpus of ${online:-?} online: ms.total $(sed -n 's/^ms.total: //p' "$d/report"); serial: ms.total $(sed -n 's/^ms.total: //p' "$d/report-serial")"
		cmp -s <(grep '^locate\.scan:' "$d/report") <(grep '^locate\.scan:' "$d/report-serial") ||
			echo "    # scan candidates: $(grep -o '[0-9]* candidate(s)' "$d/report" | head -n 1), serial $(grep -o '[0-9]* candidate(s)' "$d/report-serial" | head -n 1)"
	else
		sed 's/^/    # /' "$d/report.diff" 2>/dev/null | head -n 8
		ktap_fail parallel_report_equals_serial "cpus ${cpus:-?} and ${scpus:-?} (serial); see $d/report.diff"
	fi
}

check_report_verdict() {
	if grep -q "^verdict: PASS" "$1/report"; then
		ktap_pass report_verdict
	else
		ktap_fail report_verdict "$(grep '^verdict' "$1/report")"
	fi
}

# check_symbols DIR: the decoded table is the vmlinux part of /proc/kallsyms
check_symbols() {
	local d=$1 n extra

	n=$(wc -l <"$d/symbols")
	extra=$(sed -n "$((n + 1))p" "$d/kallsyms")
	# vmlinux symbols come first in /proc/kallsyms, modules after
	if [ "$n" -gt 1000 ] && cmp -s <(head -n "$n" "$d/kallsyms") "$d/symbols" &&
	   { [ -z "$extra" ] || [[ $extra == *"["* ]]; }; then
		ktap_pass symbols_equal_proc_kallsyms
	else
		ktap_fail symbols_equal_proc_kallsyms \
			"$n decoded lines; first difference: $(diff <(head -n "$n" "$d/kallsyms") "$d/symbols" | head -n 3 | tr '\n' ' ')"
	fi
}

# check_kunit_module DIR: ksym_verify_kunit.ko's results, parsed by kunit.py
check_kunit_module() {
	local d=$1 kpy s sum

	check_clean_build "$d/kunit-module/build.log" kunit_module_build_w1_sparse_clean
	kpy=$(ls "$KSYM_CACHE"/src-full/*/tools/testing/kunit/kunit.py 2>/dev/null | tail -n 1)
	for s in ksym_decoder ksym_live; do
		ksym_extract "kunit-$s" "$d/serial.log" "$d/kunit-$s.ktap"
		sum=$(python3 "$kpy" parse "$d/kunit-$s.ktap" 2>&1 | grep -E 'Ran [0-9]+ tests' | tail -n 1 | sed 's/^\[[0-9:]*\] //')
		echo "    # $s (module): ${sum:-no parsable result}"
		if grep -qE 'Ran [0-9]+ tests: passed: [0-9]+(, skipped: [0-9]+)?$' <<<"$sum"; then
			ktap_pass "kunit_module_$s"
		else
			ktap_fail "kunit_module_$s" "${sum:-no result}"
		fi
	done
}

# check_system_map DIR: a source tree's System.map, under the KASLR shift
check_system_map() {
	local d=$1 rtext

	if [ ! -s "$tree/System.map" ]; then
		ktap_fail symbols_match_system_map "no System.map in $tree"
		return
	fi
	rtext=$(awk '$3 == "_text" {print $1; exit}' "$d/kallsyms")
	if awk -v text="$rtext" -v shifted="$d/symbols-link" \
		-f "$here/common.awk" -f "$here/sysmap-compare.awk" \
		"$tree/System.map" "$d/symbols" >"$d/sysmap.log"; then
		sed 's/^/    /' "$d/sysmap.log"
		ktap_pass symbols_match_system_map
	else
		sed 's/^/    /' "$d/sysmap.log"
		ktap_fail symbols_match_system_map "$(tail -n 1 "$d/sysmap.log")"
	fi
	check_generator_rules "$d"
}

# check_generator_rules DIR: the decoded table, symbol by symbol and in
# order, is what scripts/kallsyms.c's rules make of System.map (the filter,
# the per-CPU 'A', the alias order); generator-rules.awk says which rules
conf_y() { grep -q "^CONFIG_$1=y" "$tree/.config" && echo 1 || echo 0; }
check_generator_rules() {
	local d=$1 first

	awk -v all="$(conf_y KALLSYMS_ALL)" -v abspcpu="$(conf_y KALLSYMS_ABSOLUTE_PERCPU)" \
		-v ver="$(cut -d. -f1,2 "$tree/include/config/kernel.release")" \
		-f "$here/common.awk" -f "$here/generator-rules.awk" "$tree/System.map" |
		LC_ALL=C sort | cut -f 2- >"$d/symbols-expected"
	if [ -s "$d/symbols-expected" ] && cmp -s "$d/symbols-expected" "$d/symbols-link"; then
		ktap_pass symbols_follow_generator_rules
	else
		diff "$d/symbols-expected" "$d/symbols-link" >"$d/symbols-rules.diff"
		first=$(grep -m 2 '^[<>]' "$d/symbols-rules.diff" | tr '\n' ' ')
		ktap_fail symbols_follow_generator_rules \
			"$(wc -l <"$d/symbols-expected") expected, $(wc -l <"$d/symbols-link") decoded; first difference (< System.map by the rules, > decoded): $first"
	fi
}

# capture DIR: keep a Debian kernel's /proc/kallsyms (and, with KASLR, its
# runtime _text and offset) in the kernel's cache directory
capture() {
	local d=$1 c=$KSYM_CACHE/kernels/$K_REL/captured

	[ -s "$d/kallsyms" ] || return 0
	mkdir -p "$c"
	if [ $nokaslr = 1 ]; then
		cp "$d/kallsyms" "$c/proc-kallsyms-nokaslr"
		return 0
	fi
	cp "$d/kallsyms" "$c/proc-kallsyms"
	awk '$3 == "_text" {print $1; exit}' "$d/kallsyms" >"$c/runtime-_text"
	# link address = runtime address - this
	sed -n 's/^kaslr_offset: //p' "$d/report" >"$c/kaslr-offset"
}

# stress_fig NAME DIR: a figure the stress run printed
stress_fig() {
	grep -a "==KSYM-STRESS $1 " "$2/serial.log" | tr -d '\r' | awk '{ print $3 }'
}

# check_stress DIR: the stress run's figures, and a clean dmesg
check_stress() {
	local d=$1 c s n runs sample splats leaks inj
	local -a want

	IFS=, read -r c s runs sample <<<"$stress"
	sample=${sample:-1}
	if [ "$(stress_fig sample "$d")" != "$sample" ]; then
		ktap_fail stress_started "sample $(stress_fig sample "$d"), not $sample: see $d/serial.log"
		return
	fi
	for n in cycles_pass cycles_fail cycles_seconds reader_rounds writer_runs writer_errors \
		 unload_after_race inject_runs_pass inject_runs_error \
		 inject_runs_other inject_loads_pass inject_loads_error unloaded \
		 kmemleak_leaks injected; do
		echo "    # $n: $(stress_fig $n "$d")"
	done
	if [ "$(stress_fig cycles_pass "$d")" = "$c" ] &&
	   [ "$(stress_fig cycles_fail "$d")" = 0 ]; then
		ktap_pass "load_run_unload_x$c"
	else
		ktap_fail "load_run_unload_x$c" "$(stress_fig cycles_pass "$d") passed, $(stress_fig cycles_fail "$d") failed"
	fi
	if [ "$(stress_fig reader_rounds "$d")" -gt 0 ] 2>/dev/null &&
	   [ "$(stress_fig writer_runs "$d")" -gt 0 ] &&
	   [ "$(stress_fig unload_after_race "$d")" = 0 ]; then
		ktap_pass "readers_16_writers_4_${s}s"
	else
		ktap_fail "readers_16_writers_4_${s}s" "reader rounds $(stress_fig reader_rounds "$d"), runs $(stress_fig writer_runs "$d"), unload $(stress_fig unload_after_race "$d")"
	fi
	inj=$(stress_fig injected "$d")
	if [ "$(stress_fig inject_runs_other "$d")" = 0 ] &&
	   [ $(($(stress_fig inject_runs_pass "$d") + $(stress_fig inject_runs_error "$d"))) = "$runs" ] &&
	   [ $(($(stress_fig inject_loads_pass "$d") + $(stress_fig inject_loads_error "$d"))) = $((runs / 4)) ] &&
	   [ "${inj:-0}" -gt 0 ]; then
		ktap_pass "fault_injection_${runs}_runs"
	else
		ktap_fail "fault_injection_${runs}_runs" "runs: $(stress_fig inject_runs_pass "$d") passed, $(stress_fig inject_runs_error "$d") errors, $(stress_fig inject_runs_other "$d") other; loads $(stress_fig inject_loads_pass "$d")/$(stress_fig inject_loads_error "$d"); $inj injected"
	fi
	if [ "$(stress_fig unloaded "$d")" = 1 ]; then
		ktap_pass unloaded_at_the_end
	else
		ktap_fail unloaded_at_the_end "still loaded"
	fi
	leaks=$(stress_fig kmemleak_leaks "$d")
	if [ "$leaks" = 0 ]; then
		ktap_pass kmemleak_no_leaks
	else
		ktap_fail kmemleak_no_leaks "kmemleak: ${leaks:-no scan}"
	fi
	want=(-e 'BUG:' -e 'WARNING:' -e 'Oops' -e 'KASAN' -e 'possible recursive'
	      -e 'possible circular' -e 'inconsistent lock' -e 'soft lockup'
	      -e 'sleeping function called' -e 'ODEBUG' -e 'blocked for more than'
	      -e 'Kernel panic')
	splats=$(grep -c "${want[@]}" "$d/dmesg")
	if [ "$splats" = 0 ] && [ -s "$d/dmesg" ]; then
		ktap_pass no_splats_in_dmesg
	else
		grep "${want[@]}" "$d/dmesg" | head -n 5 | sed 's/^/    # /'
		ktap_fail no_splats_in_dmesg "$splats splat lines"
	fi
	echo "    # figures: $c cycles (sample=$sample, $(stress_fig cycles_seconds "$d") s), $(stress_fig writer_runs "$d") racing runs, $runs injected runs, $inj injected failures, ${leaks:-?} leaks, $splats splats"
}

# kaslr_truth: the boot's KASLR offset from outside the dump: its runtime
# _text less the nokaslr capture's (qemu.sh --nokaslr), or empty
kaslr_truth() {
	local d=$1 rt lt

	rt=$(awk '$3 == "_text" { print $1; exit }' "$d/kallsyms")
	lt=$(awk '$3 == "_text" { print $1; exit }' \
		"$KSYM_CACHE/kernels/$K_REL/captured/proc-kallsyms-nokaslr" 2>/dev/null)
	[ -n "$rt" ] && [ -n "$lt" ] &&
		python3 -c 'import sys; print(hex(int(sys.argv[1], 16) - int(sys.argv[2], 16)))' "$rt" "$lt"
}

# check_dump NAME DUMP DIR WANT-NOTE: ksymdump on one dump equals the
# guest's /proc/kallsyms, says whether it used VMCOREINFO (WANT-NOTE 1:
# the note, 0: none, memory: the kernel's VMCOREINFO text found in raw
# memory) and, with either, gives the boot's KASLR offset
check_dump() {
	local name=$1 f=$2 d=$3 want=$4 st rss rc off truth how

	"$B_KSYMDUMP" --verify "$d/kallsyms" "$f" >"$f.verify" 2>&1
	rc=$?
	# figures, not a timed test: the whole process on the whole dump
	/usr/bin/time -f '%e %M' -o "$f.time" "$B_KSYMDUMP" --stats "$f" >"$f.stats" 2>&1
	sed -n 's/^verify: [0-9]* decoded/&/p' "$f.verify" | sed 's/^/    # /'
	how=$(sed -n 's/^vmcoreinfo: //p' "$f.stats")
	echo "    # $name: $(sed -n 's/^input: //p' "$f.stats"); vmcoreinfo: ${how:-?}"
	read -r st rss <"$f.time" 2>/dev/null &&
		echo "    # $name: $(stat -c %s "$f") bytes; ksymdump --stats ${st}s, peak RSS $((rss / 1024)) MB"
	off=$(sed -n 's/^kernel_offset: \(0x[0-9a-f]*\).*/\1/p' "$f.stats")
	truth=$(kaslr_truth "$d")
	if [ $rc != 0 ] || ! grep -q ' 0 mismatches' "$f.verify"; then
		ktap_fail "dump_$name" "ksymdump --verify exit $rc: $(grep -v '^verify: ' "$f.verify" | head -n 3 | tr '\n' ' ' | cut -c1-300)"
	elif [ "$want" = 1 ] && [[ $how != used* ]]; then
		ktap_fail "dump_$name" "the VMCOREINFO note was not used: ${how:-no line}"
	elif [ "$want" = memory ] && [[ $how != "used: the kernel's own VMCOREINFO text, found in the memory"* ]]; then
		ktap_fail "dump_$name" "the VMCOREINFO text in memory was not used: ${how:-no line}"
	elif [ "$want" = 0 ] && [[ $how != none* ]]; then
		ktap_fail "dump_$name" "the note was cut out, yet: ${how:-no line}"
	elif [ "$want" != 0 ] && { [ -z "$truth" ] || [ "$off" != "$truth" ]; }; then
		ktap_fail "dump_$name" "KASLR offset ${off:-none}, the boot's ${truth:-unknown (no nokaslr capture: run qemu.sh --nokaslr first)}"
	else
		ktap_pass "dump_$name" "$(sed -n 's/^verify: \([0-9]*\) decoded.*/\1 symbols/p' "$f.verify") equal the guest's /proc/kallsyms${off:+, KASLR offset $off}"
	fi
}

# check_dumps DIR ARCH: the dumps QMP took, and ksymdump on the guest's kcore
check_dumps() {
	local d=$1 n sz t

	while read -r n sz t; do
		case $n in '#'*) echo "    $n $sz $t"; continue ;; esac
		echo "    # dump $n: $sz bytes in ${t}s"
	done <"$d/dumps.log"
	# physical addresses, the note maps the image (kimage_voffset, phys_base)
	if [ -s "$d/dumps/elf" ]; then
		check_dump elf_physical "$d/dumps/elf" "$d" 1
		# raw memory, nothing to say where the kernel is: the same
		# memory as dd/pmemsave writes it, in LiME's ranges, and the
		# core without its note; the addresses and the KASLR offset
		# come from the kernel's VMCOREINFO text in that memory
		local raw
		for raw in to-raw:raw_physical to-lime:lime drop-vmcoreinfo:elf_physical_no_vmcoreinfo; do
			if "$top/tests/core-edit.py" "${raw%%:*}" "$d/dumps/elf" \
				"$d/dumps/${raw#*:}" >"$d/dumps/${raw#*:}.log" 2>&1; then
				check_dump "${raw#*:}" "$d/dumps/${raw#*:}" "$d" memory
			else
				ktap_fail "dump_${raw#*:}" "tests/core-edit.py ${raw%%:*}: $(tail -n 1 "$d/dumps/${raw#*:}.log")"
			fi
			rm -f "$d/dumps/${raw#*:}"
		done
	else
		ktap_fail dump_elf_physical "QEMU wrote no dump (tests/qmp-dump.py: $(tail -n 1 "$d/dumps.log"))"
	fi
	# makedumpfile's own files from the physical ELF (Debian's 1.7.2 reads
	# program headers only right after the ELF header: moved there first;
	# the host's makedumpfile reads dumps of its own architecture only)
	if [ "$2" = x86_64 ] && [ -s "$d/dumps/elf" ] && command -v makedumpfile >/dev/null; then
		local m f
		if "$top/tests/core-edit.py" phdrs-first "$d/dumps/elf" "$d/dumps/elf-p64" \
			>"$d/dumps/p64.log" 2>&1; then
			for m in c l E F; do
				f=$d/dumps/makedumpfile-$m
				case $m in
				F) makedumpfile -F -c -d 31 "$d/dumps/elf-p64" >"$f" 2>"$f.log" ;;
				*) makedumpfile -"$m" -d 31 "$d/dumps/elf-p64" "$f" >"$f.log" 2>&1 ;;
				esac
				if [ -s "$f" ]; then
					check_dump "makedumpfile_$m" "$f" "$d" 1
				else
					ktap_fail "dump_makedumpfile_$m" "makedumpfile -$m wrote nothing: $(tail -n 2 "$f.log" | tr '\n' ' ')"
				fi
				rm -f "$f"
			done
		else
			ktap_fail dump_makedumpfile "tests/core-edit.py phdrs-first: $(cat "$d/dumps/p64.log")"
		fi
		rm -f "$d/dumps/elf-p64"
	fi
	# kdump-compressed: zlib pages, the note in the sub-header
	if [ -s "$d/dumps/kdump-zlib" ]; then
		check_dump kdump_zlib "$d/dumps/kdump-zlib" "$d" 1
	else
		ktap_fail dump_kdump_zlib "QEMU wrote no kdump-zlib dump (tests/qmp-dump.py: $(tail -n 1 "$d/dumps.log"))"
	fi
	# virtual addresses (x86_64), with the note and without
	if [ -s "$d/dumps/elf-paging" ]; then
		check_dump elf_paging "$d/dumps/elf-paging" "$d" 1
		"$top/tests/core-edit.py" drop-vmcoreinfo "$d/dumps/elf-paging" \
			"$d/dumps/elf-paging-nonote" >"$d/dumps/edit.log" 2>&1 ||
			sed 's/^/    # /' "$d/dumps/edit.log"
		check_dump elf_paging_no_vmcoreinfo "$d/dumps/elf-paging-nonote" "$d" 0
	elif [ "$2" = x86_64 ]; then
		ktap_fail dump_elf_paging "QEMU wrote no paging dump (tests/qmp-dump.py: $(tail -n 1 "$d/dumps.log"))"
	fi
	if [ "$(marker FWCFG "$d")" != 0 ]; then
		echo "    # insmod qemu_fw_cfg: $(marker FWCFG "$d") (without it QEMU has no VMCOREINFO to write)"
	fi
	if [ -n "$(marker KCORE-VERIFY "$d")" ]; then
		ksym_extract kcore-verify "$d/serial.log" "$d/kcore-verify"
		ksym_extract kcore-stats "$d/serial.log" "$d/kcore-stats"
		sed -n 's/^\(input\|vmcoreinfo\|kernel_offset\): /\1: /p' "$d/kcore-stats" | sed 's/^/    # kcore /'
		ktap_result "$([ "$(marker KCORE-VERIFY "$d")" = 0 ] && grep -q ' 0 mismatches' "$d/kcore-verify" && echo 1)" \
			kcore_in_guest "static ksymdump --verify /proc/kallsyms /proc/kcore in the guest: exit $(marker KCORE-VERIFY "$d"), $(grep '^verify: [0-9]* decoded' "$d/kcore-verify" | cut -c1-160)"
	fi
	# 2 GB each: the figures are kept, the dumps are not (KEEP_DUMPS=1 keeps them)
	[ "${KEEP_DUMPS:-}" = 1 ] || rm -f "$d"/dumps/elf "$d"/dumps/elf-* "$d"/dumps/kdump-*
}

# run_entry ARCH KVER DIR: one kernel, as a KTAP subtest's results
run_entry() {
	local arch=$1 kver=$2 d=$3 f

	WHY=""
	if ! prepare_locked "$arch" "$kver" "$d" ||
	   ! entry_boot "$arch" "$kver" "$d"; then
		ktap_fail boot "$WHY"
		return
	fi
	if ! sparse_ok "$arch"; then
		echo "    # sparse not run: not installed, or on riscv64 (Debian 12's sparse refuses its -march)"
	elif grep -q 'sparse is not available or not up to date' "$d/module/build.log"; then
		echo "    # sparse not run: this kernel wants a newer sparse than Debian 12's"
	fi
	check_clean_build "$d/module/build.log" module_build_w1_sparse_clean
	if [ $dump = 1 ]; then
		ksym_extract kallsyms "$d/serial.log" "$d/kallsyms"
		check_dumps "$d" "$arch"
		return 0
	fi
	if [ -n "$stress" ]; then
		ksym_extract dmesg "$d/serial.log" "$d/dmesg"
		check_stress "$d"
		return 0
	fi
	for f in report ktap stats symbols kallsyms dmesg; do
		ksym_extract "$f" "$d/serial.log" "$d/$f"
	done
	check_guest "$d"
	check_symbols "$d"
	[ -n "$KKO" ] && check_kunit_module "$d"
	if [ "$kver" = tree ]; then
		check_system_map "$d"
	else
		capture "$d"
	fi
	grep -E '^(layout\.(order|mode)|num_syms|ms\.total|quirk)' "$d/report" |
		sed 's/^/    # /'
	[ $show_report = 1 ] && sed 's/^/    # | /' "$d/report"
	return 0
}

# entry IDX ARCH KVER: one kernel as the IDX-th result of the matrix; its
# last line, "==COUNTS PASSED FAILED SKIPPED BOOTED", is for the caller
entry() {
	local idx=$1 arch=$2 kver=$3 d=$out/$2-$3 t0

	KTAP_NUM=$((idx - 1)) KTAP_PASS=0 KTAP_FAIL=0 KTAP_SKIP=0 nrun=0
	rm -rf "$d" && mkdir -p "$d"
	t0=$(date +%s)
	K_REL='?' K_PKG='?' K_HOW=""
	ktap_subtest "$arch-$kver"
	run_entry "$arch" "$kver" "$d"
	ktap_subtest_end "$arch-$kver" "$(($(date +%s) - t0))s, $K_REL"
	echo "==COUNTS $KTAP_PASS $KTAP_FAIL $KTAP_SKIP $nrun"
}

# show_entries [all]: print the finished entries in order, whole, and add
# up their counts; with "all", wait for every one
show_entries() {
	local f p fl s r

	while [ "$shown" -lt "$started" ]; do
		f=$jobdir/$((shown + 1))
		[ "${1:-}" = all ] || [ -e "$f.rc" ] || return 0
		[ -e "$f.rc" ] || wait
		shown=$((shown + 1))
		grep -av '^==COUNTS ' "$f"
		read -r _ p fl s r < <(grep -a '^==COUNTS ' "$f")
		if [ -n "${r:-}" ]; then
			KTAP_PASS=$((KTAP_PASS + p)) KTAP_FAIL=$((KTAP_FAIL + fl))
			KTAP_SKIP=$((KTAP_SKIP + s)) nrun=$((nrun + r))
			KTAP_NUM=$shown
		else
			KTAP_NUM=$((shown - 1))
			ktap_fail "${names[shown]}" "its run ended before its result"
		fi
	done
}

# JOBS guests run at once (default 2; 1 for --stress, whose debug kernels
# are slow enough alone).  Preparing an entry (download, module build,
# initramfs) holds a lock (prepare_locked), so the cache and the archive's lists see
# one writer at a time, and one entry's preparation overlaps another's boot.
JOBS=${JOBS:-2}
[ -n "$stress" ] && JOBS=1
# (runs may share an OUTDIR, one entry each: their scratch is their own)
# (an absolute OUTDIR: kbuild's M= of the module build lives under it)
mkdir -p "$out" && out=$(cd "$out" && pwd) &&
	jobdir=$(mktemp -d "$out/.entries.XXXXXX") ||
	ksym_die "cannot make a directory in $out"
nrun=0 started=0 shown=0 names=()
ktap_header
echo "1..${#entries[@]}"
for e in "${entries[@]}"; do
	arch=${e%%:*} kver=${e#*:}
	started=$((started + 1))
	names[started]=$arch-$kver
	ksym_bg "$JOBS" "$jobdir/$started" entry "$started" "$arch" "$kver"
	ksym_log "qemu.sh: $arch-$kver started ($started of ${#entries[@]}, $JOBS at a time)"
	show_entries
done
show_entries all
rm -rf "$jobdir"
if [ $nrun = 0 ]; then
	echo "# no kernel booted"
	KTAP_FAIL=$((KTAP_FAIL + 1))
fi
ktap_totals
ktap_ok
