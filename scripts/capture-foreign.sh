#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# capture-foreign.sh - ground truth for ksymdump on kernels of other
# architectures: boot Debian's kernel under QEMU with nokaslr and a
# busybox initramfs that prints /proc/kallsyms, and keep it beside the
# image in the cache ($KSYM_CACHE/foreign/RELEASE: vmlinuz, and
# captured/proc-kallsyms-nokaslr).  No module is loaded: this is what
# scripts/ksymdump-test.sh compares ksymdump's output with.
#
# Usage: scripts/capture-foreign.sh [ENTRY...]
#   ENTRY is ARCH:SUITE:METAPACKAGE; default: armhf 5.10, 6.1 and 6.12
#   (bullseye, bookworm and trixie linux-image-armmp: a zImage, a
#   decompressor and an xz payload), i386 6.1 (linux-image-686-pae: a 32-bit bzImage), ppc64el
#   6.1 (linux-image-powerpc64le: an ELF vmlinux), mips64el 6.1
#   (linux-image-5kc-malta: an ELF wrapper around an xz payload), mipsel
#   6.1 (4kc-malta, the same in 32 bits), riscv64 6.12 (trixie
#   linux-image-riscv64: an EFI Image), and sid's 7.x for armhf, ppc64el
#   and riscv64 (7.x splits the package: the kernel is in
#   linux-binary-<release>), big-endian s390x 6.1 and 7.2, and
#   experimental's 7.3 for armhf, ppc64el and s390x.
# Prints KTAP, one result per entry, and ends with "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck source=ktap.sh
. "$here/ktap.sh"
case "${1:-}" in -h|--help)
	awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"
	exit 0 ;;
esac
entries=("$@")
[ ${#entries[@]} -gt 0 ] || entries=(armhf:bullseye:linux-image-armmp
	armhf:bookworm:linux-image-armmp
	armhf:trixie:linux-image-armmp i386:bookworm:linux-image-686-pae
	ppc64el:bookworm:linux-image-powerpc64le
	mips64el:bookworm:linux-image-5kc-malta
	mipsel:bookworm:linux-image-4kc-malta
	riscv64:trixie:linux-image-riscv64
	armhf:sid:linux-image-armmp ppc64el:sid:linux-image-powerpc64le
	riscv64:sid:linux-image-riscv64
	s390x:bookworm:linux-image-s390x s390x:sid:linux-image-s390x
	armhf:experimental:linux-image-armmp
	ppc64el:experimental:linux-image-powerpc64le
	s390x:experimental:linux-image-s390x)
QEMU_TIMEOUT=${QEMU_TIMEOUT:-600}

# qemu_for ARCH: the machine that boots Debian's kernel of ARCH (lib.sh's
# foreign_qemu), its console last
qemu_for() {
	local f

	foreign_qemu "$1" system >/dev/null || return 1
	for f in machine cpu mem console; do
		set -- "$@" "$(foreign_qemu "$1" $f)"
	done
	echo "qemu-system-$(foreign_qemu "$1" system) -M $2 -cpu $3 -m $4 console=$5"
}

# fetch SUITE ARCH DEP REL ROOT: the kernel package into ROOT, marked
# complete only once its image is there
fetch() {
	local suite=$1 arch=$2 dep=$3 rel=$4 root=$5 deb img

	[ -f "$root/.complete" ] && return 0
	deb=$(ksym_download "$suite" "$arch" "$dep") || return 1
	rm -rf "$root" && mkdir -p "$root/pkg" "$root/captured"
	dpkg -x "$deb" "$root/pkg" || return 1
	# riscv64 names its image vmlinux- (a compressed Image)
	img=$(ksym_first "$root/pkg/boot/vmlinuz-$rel" "$root/pkg/boot/vmlinux-$rel" \
		"$root/pkg/usr/lib/modules/$rel/vmlinuz") || return 1
	cp "$img" "$root/vmlinuz" || return 1
	rm -rf "$root/pkg"
	echo "$dep $(dpkg-deb -f "$deb" Version)" >"$root/.package"
	touch "$root/.complete"
}

# capture ARCH SUITE META: prints the release captured, or fails.  When
# the archive's kernel cannot be had (the archive moved on, the mirror
# lacks the .deb), the last complete entry of ARCH:SUITE:META is used, and
# said.
capture() {
	local arch=$1 suite=$2 meta=$3 dep rel="" root="" q r log boot last
	local -a cmd

	last=$KSYM_CACHE/foreign/last-$arch-$suite-$meta
	# no reader that stops early: under pipefail apt-cache would get
	# SIGPIPE, and the pipeline fail at random
	dep=$(ksym_apt "$suite" "$arch" apt-cache depends "$meta" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ && !d { d = $2 } END { print d }')
	if [ -n "$dep" ]; then
		rel=${dep#linux-image-}
		root=$KSYM_CACHE/foreign/$rel
		# 7.x splits the image: linux-binary-<rel> holds the kernel
		# (a grep -q in a pipeline here lost that at random on a cold
		# cache: sid's armhf and s390x kernels were not captured)
		ksym_has "$(ksym_apt "$suite" "$arch" apt-cache depends "$dep" 2>/dev/null)" \
			"Depends: linux-binary-$rel" && dep=linux-binary-$rel
		fetch "$suite" "$arch" "$dep" "$rel" "$root" || root=""
	fi
	if [ -z "$root" ]; then
		rel=$(cat "$last" 2>/dev/null)
		root=$KSYM_CACHE/foreign/$rel
		if [ -z "$rel" ] || [ ! -f "$root/.complete" ]; then
			echo "    # no $arch kernel behind $meta in $suite: the archive's could not be had and none is cached"
			return 1
		fi
		echo "    # the archive's $meta ($suite/$arch) could not be had; using the cached $rel"
	fi
	mkdir -p "$root/captured" && echo "$rel" >"$last"
	echo "    # kernel: $rel (Debian package $(cat "$root/.package"), $suite/$arch)"
	[ -s "$root/captured/proc-kallsyms-nokaslr" ] && { echo "$rel"; return 0; }
	q=$(qemu_for "$arch") || { echo "    # no QEMU machine known for $arch"; return 1; }
	# the initramfs: busybox and an init that prints /proc/kallsyms
	r=$(mktemp -d)
	mkdir -p "$r"/{bin,proc}
	cp "$(busybox_for "$arch")" "$r/bin/busybox" || return 1
	cat >"$r/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
echo 0 >/proc/sys/kernel/kptr_restrict
echo "==KSYM-INFO $(uname -r) $(uname -m)"
echo "==KSYM-BEGIN kallsyms"
gzip -c </proc/kallsyms | base64
echo "==KSYM-END kallsyms"
reboot -f
EOF
	chmod +x "$r/init"
	(cd "$r" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$root/initramfs.gz"
	rm -rf "$r"
	log=$root/serial.log
	read -r -a cmd <<<"$q"
	# QEMU loads a raw Image, not riscv64's Image.gz: boot an unpacked copy
	boot=$root/vmlinuz
	if [ "$(head -c 2 "$boot" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
		gunzip -c "$boot" >"$root/vmlinuz.boot" && boot=$root/vmlinuz.boot
	fi
	ksym_log "boot: $arch $rel under QEMU (TCG), timeout ${QEMU_TIMEOUT}s"
	timeout "$QEMU_TIMEOUT" "${cmd[@]:0:${#cmd[@]}-1}" -accel tcg -nographic \
		-no-reboot -monitor none -kernel "$boot" -initrd "$root/initramfs.gz" \
		-append "${cmd[-1]} nokaslr quiet panic=-1" -serial "file:$log" \
		>"$log.qemu" 2>&1
	ksym_extract kallsyms "$log" "$root/captured/tmp"
	if [ "$(awk 'NF >= 3 && $1 !~ /^0+$/' "$root/captured/tmp" | wc -l)" -lt 1000 ]; then
		echo "    # no /proc/kallsyms in $log: $(grep -a -m1 -E 'Kernel panic|==KSYM-INFO' "$log" | tr -d '\r' | cut -c1-120)"
		rm -f "$root/captured/tmp"
		return 1
	fi
	mv "$root/captured/tmp" "$root/captured/proc-kallsyms-nokaslr"
	echo "    # $(grep -a '==KSYM-INFO' "$log" | tr -d '\r' | cut -d' ' -f2-): $(wc -l <"$root/captured/proc-kallsyms-nokaslr") lines"
	echo "$rel"
}

ktap_header
echo "1..${#entries[@]}"
for e in "${entries[@]}"; do
	IFS=: read -r arch suite meta <<<"$e"
	if out=$(capture "$arch" "$suite" "$meta"); then
		grep '^    #' <<<"$out"
		ktap_pass "capture_${arch}_$(tail -n 1 <<<"$out")"
	else
		grep '^    #' <<<"$out"
		ktap_fail "capture_${arch}_$meta" "see the lines above"
	fi
done
ktap_totals
ktap_ok
