#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu.sh - boot real Debian kernels under QEMU, load ksym-verify.ko with
# fail_on_mismatch=1, and check its verdict and its decoded table against
# the guest's own /proc/kallsyms.
#
# Usage: scripts/qemu.sh [ARCH=x86_64|arm64] [KVER=6.1|6.12|7] [-o OUTDIR]
#                        [--report] [ARGS="param=value ..."]
#                        [--params-from-capture] [--no-poweroff] [--nokaslr]
#   --report        also print each guest's report
#   ARGS=...        extra ksym_verify parameters (e.g. corrupt=name)
#   --params-from-capture
#                   pass the kallsyms_* addresses of an earlier boot's
#                   /proc/kallsyms as *_addr parameters, with sysmap_text
#                   set to that boot's _text (tests the parameter path and
#                   the KASLR shift)
#   --no-poweroff   the guest never powers off (tests the timeout)
#   --nokaslr       boot with nokaslr; the guest's /proc/kallsyms is kept as
#                   captured/proc-kallsyms-nokaslr (link addresses: the
#                   ground truth that ksymdump's tests compare vmlinuz with)
#   --kunit-module  also build ksym_verify_kunit.ko, load it in the guest
#                   and parse its KUnit results with kunit.py (the kernel
#                   needs CONFIG_KUNIT; used with TREE=)
#
# With no ARCH/KVER, every entry of the matrix runs.  Kernels (image and
# headers, unpacked with dpkg -x, never installed) and busybox are cached
# under $KSYM_CACHE/kernels; each guest's report, ktap, stats, symbols,
# /proc/kallsyms and dmesg are kept in OUTDIR/<arch>-<kver>/ (default
# build/qemu) and its /proc/kallsyms, runtime _text and KASLR offset (from
# VMCOREINFO, via the report) also in the kernel's cache directory.
#
# Output is KTAP, one subtest per kernel, then "N passed, N failed".  The
# exit status is non-zero on any failure, a boot that did not come back, a
# timeout, or a run that booted nothing.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

out=$top/build/qemu
arches=() kvers=() show_report=0 extra_args="" from_capture=0 nopoweroff=0
nokaslr=0
tree="" kunit_module=0
for arg in "$@"; do
	case $arg in
	ARCH=*) arches+=("${arg#ARCH=}") ;;
	KVER=*) kvers+=("${arg#KVER=}") ;;
	--report) show_report=1 ;;
	ARGS=*) extra_args=${arg#ARGS=} ;;
	TREE=*) tree=$(cd "${arg#TREE=}" && pwd) || ksym_die "no directory ${arg#TREE=}" ;;
	--params-from-capture) from_capture=1 ;;
	--no-poweroff) nopoweroff=1 ;;
	--nokaslr) nokaslr=1 ;;
	--kunit-module) kunit_module=1 ;;
	-o) ;;
	-h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) if [ "${prev:-}" = -o ]; then out=$arg; else ksym_die "unknown argument $arg"; fi ;;
	esac
	prev=$arg
done
if [ -n "$tree" ]; then
	# a developer's own kernel build tree (scripts/check-tree)
	if [ ${#arches[@]} -eq 0 ]; then
		if grep -q '^CONFIG_ARM64=y' "$tree/.config" 2>/dev/null; then
			arches=(arm64)
		else
			arches=(x86_64)
		fi
	fi
	kvers=(tree)
fi
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 arm64)
[ ${#kvers[@]} -gt 0 ] || kvers=(6.1 6.12 7)
QEMU_TIMEOUT=${QEMU_TIMEOUT:-900}

deb_arch() { if [ "$1" = x86_64 ]; then echo amd64; else echo arm64; fi; }

# tree_setup ARCH: use the kernel build tree given with TREE=
tree_setup() {
	local img=arch/x86/boot/bzImage

	[ "$1" = arm64 ] && img=arch/arm64/boot/Image
	K_DIR=$tree
	K_IMAGE=$tree/$img
	K_PKG="built from source"
	K_HOW="the given tree, $tree"
	K_REL=$(cat "$tree/include/config/kernel.release" 2>/dev/null)
	[ -n "$K_REL" ] || { echo "    # $tree is not a built kernel tree (no include/config/kernel.release)"; return 1; }
	[ -f "$K_IMAGE" ] || { echo "    # no $img in $tree: build the kernel first"; return 1; }
	[ -f "$tree/Module.symvers" ] || { echo "    # no Module.symvers in $tree: run make there first"; return 1; }
}

# kernel_entry_ok ROOT REL: does the cache entry ROOT hold a kernel image
# and a headers tree for REL?  Only then may it be marked complete.
kernel_entry_ok() {
	local root=$1 rel=$2 h=$1/root/usr/src/linux-headers-$2

	ksym_first "$root/root/boot/vmlinuz-$rel" \
		"$root/root/usr/lib/modules/$rel/vmlinuz" >/dev/null &&
		[ -f "$h/Makefile" ] && [ -f "$h/.config" ] &&
		[ -f "$h/Module.symvers" ] && [ -e "$h/scripts/" ]
}

# kernel_resolve ARCH KVER: ask the archive which kernel KVER is today; sets
# K_REL, K_IMG (the package holding the image), K_PKG, and the header
# packages in K_DEBS_HDR, K_KBUILD
kernel_resolve() {
	local arch=$1 kver=$2 da suite meta img deps

	da=$(deb_arch "$arch")
	suite=$(ksym_suite "$kver")
	case $kver in
	6.1) meta=linux-image-$da ;;
	6.12) meta=linux-image-6.12-$da ;;
	7) meta=linux-image-$da ;;
	*) ksym_die "KVER must be 6.1, 6.12 or 7" ;;
	esac
	deps=$(ksym_apt "$suite" "$da" apt-cache depends "$meta") || return 1
	img=$(awk '/Depends: linux-image-[0-9]/ {print $2; exit}' <<<"$deps")
	[ -n "$img" ] || { ksym_log "$meta ($suite/$da) names no kernel"; return 1; }
	K_REL=${img#linux-image-}
	case $kver in
	7) [[ $K_REL == 7.* ]] || { ksym_log "sid's $meta is $K_REL, not 7.x"; return 1; } ;;
	esac
	deps=$(ksym_apt "$suite" "$da" apt-cache depends "linux-headers-$K_REL") || return 1
	K_DEBS_HDR="linux-headers-$K_REL $(awk '/Depends: linux-headers-.*-common/ {print $2; exit}' <<<"$deps")"
	K_KBUILD=$(awk '/Depends: linux-kbuild-/ {print $2; exit}' <<<"$deps")
	# 7.x splits the image: linux-binary-<rel> holds the kernel
	deps=$(ksym_apt "$suite" "$da" apt-cache depends "$img") || return 1
	ksym_has "$deps" "linux-binary-$K_REL" && img=linux-binary-$K_REL
	K_IMG=$img
	K_PKG=$(ksym_apt "$suite" "$da" apt-cache policy "$img" | awk '/Candidate:/ {print $2}')
}

# kernel_unpack ARCH KVER ROOT: download the resolved packages and unpack
# them into ROOT; marks ROOT complete only when kernel_entry_ok holds
kernel_unpack() {
	local arch=$1 kver=$2 root=$3 da suite deb
	local -a debs

	da=$(deb_arch "$arch")
	suite=$(ksym_suite "$kver")
	# shellcheck disable=SC2086 # K_DEBS_HDR is a list of package names
	debs=($(ksym_download "$suite" "$da" "$K_IMG" $K_DEBS_HDR)) || return 1
	# the host runs the build tools: always the amd64 kbuild
	debs+=("$(ksym_download "$suite" amd64 "$K_KBUILD")") || return 1
	rm -rf "$root" && mkdir -p "$root/root"
	for deb in "${debs[@]}"; do
		ksym_log "unpack: $(basename "$deb")"
		dpkg -x "$deb" "$root/root" || { ksym_log "dpkg -x $deb failed"; return 1; }
	done
	# the headers name their -common part (and, from 7.x, their own
	# directory) by absolute path
	sed -i "s|/usr/src/|$root/root/usr/src/|g" \
		"$root/root/usr/src/linux-headers-$K_REL/Makefile" || return 1
	kernel_entry_ok "$root" "$K_REL" ||
		{ ksym_log "$root: no kernel image or headers for $K_REL in $K_IMG $K_DEBS_HDR"; return 1; }
	echo "$K_PKG" >"$root/.package"
	touch "$root/.complete"
}

# kernel_fetch ARCH KVER: unpack image + headers into the cache; sets
# K_REL, K_IMAGE, K_DIR (the headers' build directory), K_PKG.  When the
# archive's kernel cannot be had (sid replaces versions daily), the last
# complete entry for ARCH and KVER is used, and said.
kernel_fetch() {
	local arch=$1 kver=$2 root last

	if [ "$kver" = tree ]; then
		tree_setup "$arch"
		return
	fi
	last=$KSYM_CACHE/kernels/last-$arch-$kver
	root=""
	if kernel_resolve "$arch" "$kver"; then
		root=$KSYM_CACHE/kernels/$K_REL
		if [ -f "$root/.complete" ] && ! kernel_entry_ok "$root" "$K_REL"; then
			ksym_log "$root was marked complete but lacks its kernel or headers: fetching again"
			rm -f "$root/.complete"
		fi
		[ -f "$root/.complete" ] || kernel_unpack "$arch" "$kver" "$root" || root=""
	fi
	if [ -n "$root" ]; then
		mkdir -p "$KSYM_CACHE/kernels" && echo "$K_REL" >"$last"
	elif [ -s "$last" ] && root=$KSYM_CACHE/kernels/$(cat "$last") &&
	     [ -f "$root/.complete" ] && kernel_entry_ok "$root" "$(cat "$last")"; then
		K_REL=$(cat "$last")
		K_PKG=$(cat "$root/.package" 2>/dev/null || echo "?")
		echo "    # the archive's $arch $kver kernel could not be had; using the cached $K_REL"
	else
		echo "    # no $arch $kver kernel: the archive's could not be had and none is cached"
		K_REL=? K_PKG=?
		return 1
	fi
	K_DIR=$root/root/usr/src/linux-headers-$K_REL
	K_HOW="Debian's headers"
	# Debian ships a one-line placeholder System.map: say so, never read it
	if grep -qs 'The real System.map is in' "$root/root/boot/System.map-$K_REL"; then
		echo "    # boot/System.map-$K_REL is Debian's placeholder (the real one is in the -dbg package); ground truth is the guest's /proc/kallsyms"
	fi
	# sid's kbuild host tools may need a newer glibc than this machine's
	if [[ $("$K_DIR/scripts/kconfig/conf" --help 2>&1) == *GLIBC_* ]]; then
		prepare_from_source "$arch" "$kver" "$root" || return 1
	fi
	K_IMAGE=$(ksym_first "$root/root/boot/vmlinuz-$K_REL" \
		"$root/root/usr/lib/modules/$K_REL/vmlinuz")
}

# prepare_from_source ARCH KVER ROOT: a module build tree made from the same
# version's linux-source with Debian's .config, release string and
# Module.symvers, built by this machine's compiler.  Sets K_DIR and K_HOW.
prepare_from_source() {
	local arch=$1 kver=$2 root=$3 pkg src o kv
	local -a mk

	src=$(ksym_full_source "$kver") || return 1
	pkg=$(basename "$src")
	o=$root/prepared
	mk=(make -s -C "$src" O="$o" -j"$(nproc)")
	[ "$arch" = arm64 ] && mk+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	if [ ! -f "$o/.complete" ]; then
		ksym_log "prepare: $K_REL build tree from $pkg with Debian's .config"
		rm -rf "$o" && mkdir -p "$o"
		cp "$K_DIR/.config" "$o/.config"
		kv=$(make -s -C "$src" kernelversion)
		# the release string must be Debian's, for the module's vermagic
		"$src/scripts/config" --file "$o/.config" \
			--set-str LOCALVERSION "${K_REL#"$kv"}" \
			--disable LOCALVERSION_AUTO \
			--set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS ""
		"${mk[@]}" olddefconfig >"$o/prepare.log" 2>&1 &&
			"${mk[@]}" modules_prepare >>"$o/prepare.log" 2>&1 ||
			{ tail -n 20 "$o/prepare.log" >&2; return 1; }
		[ "$(cat "$o/include/config/kernel.release")" = "$K_REL" ] ||
			{ echo "prepared release $(cat "$o/include/config/kernel.release") != $K_REL" >&2; return 1; }
		# Debian's symbol CRCs, so the kernel accepts the module's imports
		cp "$K_DIR/Module.symvers" "$o/Module.symvers"
		touch "$o/.complete"
	fi
	K_DIR=$o
	K_HOW="a tree prepared from $pkg with Debian's .config and Module.symvers (the packaged kbuild tools need a newer glibc)"
}

# busybox_for ARCH: a static busybox for the guest
busybox_for() {
	local da dir deb
	da=$(deb_arch "$1")
	dir=$KSYM_CACHE/busybox/$da
	if [ ! -x "$dir/bin/busybox" ]; then
		deb=$(ksym_download bookworm "$da" busybox-static)
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg -x "$deb" "$dir" || ksym_die "dpkg -x $deb failed"
	fi
	echo "$dir/bin/busybox"
}

# build_module ARCH KDIR DIR: build ksym-verify.ko in a scratch copy, with
# W=1 and, where sparse is installed, C=1
build_module() {
	local arch=$1 kdir=$2 dir=$3
	local -a mk=(make -s -C "$kdir" M="$dir" W=1)

	rm -rf "$dir" && mkdir -p "$dir"
	cp "$top"/Kbuild "$top"/*.c "$top"/*.h "$dir/"
	[ "$arch" = arm64 ] && mk+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	command -v sparse >/dev/null && mk+=(C=1)
	"${mk[@]}" modules >"$dir/build.log" 2>&1 && [ -f "$dir/ksym-verify.ko" ]
}

# build_kunit_module ARCH KDIR DIR: ksym_verify_kunit.ko, in the layout
# kunit/Makefile.kunit describes
build_kunit_module() {
	local arch=$1 kdir=$2 dir=$3 f
	local -a mk=(make -s -C "$kdir" M="$dir" W=1)

	rm -rf "$dir" && mkdir -p "$dir/kunit"
	# the run's sources (kunit/Makefile.kunit names the objects)
	cp "$top"/*.c "$top"/*.h "$dir/"
	cp "$top"/kunit/*.c "$top"/kunit/*.h "$dir/kunit/"
	cp "$top/kunit/Makefile.kunit" "$dir/Kbuild"
	"$here/gen-kunit-fixtures.sh" "$dir/ksym_fixtures.c" \
		$(ls -d "$top"/build/fixtures/*-all* | grep -v large) || return 1
	[ "$arch" = arm64 ] && mk+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	command -v sparse >/dev/null && mk+=(C=1)
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
	chmod +x "$r/init"
	(cd "$r" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$img"
	rm -rf "$r"
}

# accel: KVM only where it really runs a guest
qemu_accel() {
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
	[ $nokaslr = 1 ] && cmd+=" nokaslr"

	if [ "$arch" = x86_64 ]; then
		qemu_accel "$image"
		q=(qemu-system-x86_64 -accel "$KSYM_ACCEL" -m 2048 -smp 2
		   -append "console=ttyS0 $cmd")
	else
		q=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -accel tcg
		   -m 2048 -smp 2 -append "console=ttyAMA0 $cmd")
	fi
	timeout "$QEMU_TIMEOUT" "${q[@]}" -kernel "$image" -initrd "$initrd" \
		-nographic -no-reboot -monitor none -serial "file:$log" \
		>"$log.qemu" 2>&1
}

# capture_params REL: *_addr parameters from an earlier boot's /proc/kallsyms
capture_params() {
	local cap=$KSYM_CACHE/kernels/$1/captured/proc-kallsyms
	[ -s "$cap" ] && grep -q ' kallsyms_names$' "$cap" || return 1
	awk 'BEGIN { split("num_syms names markers token_table token_index " \
			   "offsets addresses relative_base seqs_of_names", a, " ")
		     for (i in a) want["kallsyms_" a[i]] = 1 }
	     $3 == "_text" { printf "sysmap_text=0x%s ", $1 }
	     NF == 3 && ($3 in want) {
		n = $3; sub(/^kallsyms_/, "", n); sub(/_of_names$/, "", n)
		printf "%s_addr=0x%s ", n, $1 }' "$cap"
}

# extract NAME LOG OUT: one gzip+base64 block of the serial log
extract() {
	awk -v f="$1" '$0 ~ "==KSYM-BEGIN " f "\r?$" {on=1; next}
		$0 ~ "==KSYM-END " f "\r?$" {on=0} on' "$2" |
		tr -d '\r' | base64 -d 2>/dev/null | gunzip >"$3" 2>/dev/null
}

npass=0 nfail=0 nrun=0 idx=0
total=$((${#arches[@]} * ${#kvers[@]}))
echo "KTAP version 1"
echo "1..$total"
for arch in "${arches[@]}"; do
	for kver in "${kvers[@]}"; do
		idx=$((idx + 1))
		name=$arch-$kver
		d=$out/$name
		rm -rf "$d" && mkdir -p "$d"
		t0=$(date +%s)
		why=""
		echo "    KTAP version 1"
		echo "    # Subtest: $name"
		kernel_fetch "$arch" "$kver" || why="kernel download failed"
		echo "    # kernel: $K_REL (Debian package $K_PKG)"
		echo "    # module built against ${K_HOW:-?}"
		if [ -z "$why" ] && ! build_module "$arch" "$K_DIR" "$d/module"; then
			sed 's/^/    # /' "$d/module/build.log" | tail -n 20
			why="module build against $K_DIR failed"
		fi
		kko=""
		if [ -z "$why" ] && [ $kunit_module = 1 ]; then
			if build_kunit_module "$arch" "$K_DIR" "$d/kunit-module"; then
				kko=$d/kunit-module/ksym_verify_kunit.ko
			else
				tail -n 20 "$d/kunit-module/build.log" | sed 's/^/    # /'
				why="ksym_verify_kunit.ko build failed"
			fi
		fi
		if [ -z "$why" ]; then
			make_initramfs "$arch" "$d/module/ksym-verify.ko" "$d/initramfs.gz" "$kko" ||
				why="initramfs failed"
		fi
		if [ -z "$why" ]; then
			ksym_log "boot: $name ($K_REL) under QEMU, timeout ${QEMU_TIMEOUT}s"
			margs=$extra_args
			if [ $from_capture = 1 ]; then
				margs+=" $(capture_params "$K_REL")" ||
					why="no earlier capture with kallsyms_* symbols"
			fi
			[ -n "$margs" ] && echo "    # module parameters:$margs"
			boot "$arch" "$K_IMAGE" "$d/initramfs.gz" "$d/serial.log" "$margs"
			rc=$?
			nrun=$((nrun + 1))
			[ "$arch" = x86_64 ] && echo "    # accel: $KSYM_ACCEL ($KSYM_ACCEL_WHY)"
			if [ $rc = 124 ]; then
				why="timeout after ${QEMU_TIMEOUT}s"
			elif ! grep -aq '==KSYM-DONE' "$d/serial.log"; then
				why="the guest did not come back (qemu status $rc)"
			fi
		fi
		checks=0 fails=0
		check() { # OK? NAME [why]
			checks=$((checks + 1))
			if [ "$1" = 1 ]; then
				echo "    ok $checks $2"
			else
				fails=$((fails + 1))
				echo "    not ok $checks $2 # ${3:-}"
			fi
		}
		if [ -z "$why" ]; then
			warn=$(grep -ciE 'warning|error' "$d/module/build.log")
			check "$([ "$warn" = 0 ] && echo 1)" module_build_w1_sparse_clean \
				"$warn warnings: $(grep -iE 'warning|error' "$d/module/build.log" | head -n 2 | tr '\n' ' ')"
			for f in report ktap stats symbols kallsyms dmesg; do
				extract "$f" "$d/serial.log" "$d/$f"
			done
			ins=$(grep -a '==KSYM-INSMOD' "$d/serial.log" | tr -d '\r' | awk '{print $2}')
			check "$([ "$ins" = 0 ] && echo 1)" insmod_fail_on_mismatch \
				"insmod exited $ins: $(grep -a 'ksym_verify: FAIL' "$d/dmesg" | head -n 1)"
			rerun=$(grep -a '==KSYM-RERUN' "$d/serial.log" | tr -d '\r' | awk '{print $2}')
			unl=$(grep -a '==KSYM-UNLOADED' "$d/serial.log" | tr -d '\r' | awk '{print $2}')
			oops=$(grep -cE 'BUG:|Oops|WARNING:|Call Trace|general protection' "$d/dmesg")
			check "$([ "$rerun" = 0 ] && [ "$unl" = 1 ] && [ "$oops" = 0 ] && echo 1)" \
				rerun_and_unload_while_open \
				"re-run status ${rerun:-none}, still loaded: $([ "$unl" = 1 ] && echo no || echo yes), $oops oops/warning lines in dmesg"
			check "$(grep -q "^verdict: PASS" "$d/report" && echo 1)" report_verdict \
				"$(grep '^verdict' "$d/report")"
			n=$(wc -l <"$d/symbols")
			# vmlinux symbols come first in /proc/kallsyms, modules after
			cmp -s <(head -n "$n" "$d/kallsyms") "$d/symbols"
			same=$?
			extra=$(sed -n "$((n + 1))p" "$d/kallsyms")
			check "$([ "$n" -gt 1000 ] && [ $same = 0 ] &&
				{ [ -z "$extra" ] || [[ $extra == *"["* ]]; } && echo 1)" \
				symbols_equal_proc_kallsyms \
				"$n decoded lines; first difference: $(diff <(head -n "$n" "$d/kallsyms") "$d/symbols" | head -n 3 | tr '\n' ' ')"
			if [ -n "$kko" ]; then
				warn=$(grep -ciE 'warning|error' "$d/kunit-module/build.log")
				check "$([ "$warn" = 0 ] && echo 1)" kunit_module_build_w1_sparse_clean \
					"$warn warnings: $(grep -iE 'warning|error' "$d/kunit-module/build.log" | head -n 2 | tr '\n' ' ')"
				kpy=$(ls "$KSYM_CACHE"/src-full/*/tools/testing/kunit/kunit.py 2>/dev/null | tail -n 1)
				for s in ksym_decoder ksym_live; do
					extract "kunit-$s" "$d/serial.log" "$d/kunit-$s.ktap"
					sum=$(python3 "$kpy" parse "$d/kunit-$s.ktap" 2>&1 | grep -E 'Ran [0-9]+ tests' | tail -n 1 | sed 's/^\[[0-9:]*\] //')
					echo "    # $s (module): ${sum:-no parsable result}"
					check "$(grep -qE 'Ran [0-9]+ tests: passed: [0-9]+(, skipped: [0-9]+)?$' <<<"$sum" && echo 1)" \
						"kunit_module_$s" "${sum:-no result}"
				done
			fi
			if [ "$kver" = tree ]; then
				if [ ! -s "$tree/System.map" ]; then
					check 0 symbols_match_system_map "no System.map in $tree"
				else
					rtext=$(awk '$3 == "_text" {print $1; exit}' "$d/kallsyms")
					awk -v text="$rtext" -f "$here/sysmap-compare.awk" \
						"$tree/System.map" "$d/symbols" >"$d/sysmap.log"
					rc=$?
					sed 's/^/    /' "$d/sysmap.log"
					check "$([ $rc = 0 ] && echo 1)" symbols_match_system_map \
						"$(tail -n 1 "$d/sysmap.log")"
				fi
			fi
			if [ -s "$d/kallsyms" ] && [ "$kver" != tree ] && [ $nokaslr = 1 ]; then
				mkdir -p "$KSYM_CACHE/kernels/$K_REL/captured"
				cp "$d/kallsyms" "$KSYM_CACHE/kernels/$K_REL/captured/proc-kallsyms-nokaslr"
			elif [ -s "$d/kallsyms" ] && [ "$kver" != tree ]; then
				mkdir -p "$KSYM_CACHE/kernels/$K_REL/captured"
				cp "$d/kallsyms" "$KSYM_CACHE/kernels/$K_REL/captured/proc-kallsyms"
				awk '$3 == "_text" {print $1; exit}' "$d/kallsyms" \
					>"$KSYM_CACHE/kernels/$K_REL/captured/runtime-_text"
				# link address = runtime address - this
				sed -n 's/^kaslr_offset: //p' "$d/report" \
					>"$KSYM_CACHE/kernels/$K_REL/captured/kaslr-offset"
			fi
			grep -E '^(layout\.(order|mode)|num_syms|ms\.total|quirk)' "$d/report" |
				sed 's/^/    # /'
			[ $show_report = 1 ] && sed 's/^/    # | /' "$d/report"
		else
			check 0 boot "$why"
		fi
		echo "    1..$checks"
		secs=$(($(date +%s) - t0))
		if [ $fails = 0 ]; then
			npass=$((npass + 1))
			echo "ok $idx $name # ${secs}s, $K_REL"
		else
			nfail=$((nfail + 1))
			echo "not ok $idx $name # ${secs}s, $K_REL"
		fi
	done
done
[ $nrun -gt 0 ] || { echo "# no kernel booted"; nfail=$((nfail + 1)); }
echo "$npass passed, $nfail failed"
[ $nfail = 0 ]
