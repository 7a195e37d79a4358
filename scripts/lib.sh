# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for ksym_verify's scripts.  Source it; do not run it.
#
# Everything large (Debian packages, extracted kernel sources, generated
# fixtures, kernels) lives under $KSYM_CACHE, keyed by package version, so a
# second run on the same machine is quick.  debian.sh reaches the archive.

KSYM_CACHE=${KSYM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ksym_verify}
export KSYM_CACHE

ksym_log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

ksym_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# ksym_first PATH...: print the first PATH that exists (globs expanded by
# the caller).  No "ls | head": under pipefail that pipeline fails at
# random when head exits first and ls gets SIGPIPE.
ksym_first() {
	local f

	for f in "$@"; do
		[ -e "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# ksym_has TEXT STRING: does TEXT hold STRING (a fixed string: package
# versions such as 7.2.13+deb14 are full of regex characters)?  Reads a
# here-string, so no writer can get SIGPIPE.
ksym_has() {
	grep -qF -- "$2" <<<"$1"
}

# ksym_extract NAME LOG OUT: the gzip+base64 block NAME of a guest's serial
# log (between ==KSYM-BEGIN NAME and ==KSYM-END NAME), unpacked into OUT
ksym_extract() {
	awk -v f="$1" '$0 ~ "==KSYM-BEGIN " f "\r?$" {on=1; next}
		$0 ~ "==KSYM-END " f "\r?$" {on=0} on' "$2" |
		tr -d '\r' | base64 -d 2>/dev/null | gunzip >"$3" 2>/dev/null
}

# ksym_accel_from LOG: export the accelerator an earlier qemu.sh run
# probed (its "# accel: NAME (WHY)" line), so that later runs skip the
# probe (up to 20 s each where /dev/kvm opens but runs no guest)
ksym_accel_from() {
	local acc

	acc=$(grep -a -m1 '# accel:' "$1" 2>/dev/null)
	if [[ $acc =~ accel:\ ([a-z]+)\ \((.*)\) ]]; then
		export KSYM_ACCEL=${BASH_REMATCH[1]}
		export KSYM_ACCEL_WHY="${BASH_REMATCH[2]}, as probed by an earlier run"
	fi
}

# ksym_bg MAX LOG CMD...: run CMD (a command or a function) in the
# background once fewer than MAX jobs of this shell run; its output goes
# to LOG, its exit status to LOG.rc when it ends
ksym_bg() {
	local max=$1 log=$2

	shift 2
	while [ "$(jobs -rp | wc -l)" -ge "$max" ]; do
		wait -n
	done
	rm -f "$log.rc"
	{ "$@" >"$log" 2>&1; echo $? >"$log.rc"; } &
}

# ksym_bg_rc LOG: the exit status of ksym_bg's command, 255 if it has not
# ended (or never started)
ksym_bg_rc() {
	cat "$1.rc" 2>/dev/null || echo 255
}

# foreign_qemu ARCH FIELD: how QEMU boots Debian's kernel of ARCH (i386,
# armhf, s390x, ppc64el, riscv64, mips64el, mipsel); FIELD is system (the
# qemu-system- suffix), machine, cpu, mem (MiB) or console
foreign_qemu() {
	local f

	case $1 in
	i386) f="i386 pc max,vendor=GenuineIntel 1024 ttyS0" ;;
	armhf) f="arm virt,highmem=off cortex-a15 1024 ttyAMA0" ;;
	s390x) f="s390x s390-ccw-virtio max 1024 ttysclp0" ;;
	riscv64) f="riscv64 virt rv64 1024 ttyS0" ;;
	ppc64el) f="ppc64 pseries power9 1024 hvc0" ;;
	mips64el) f="mips64el malta 5KEc 1024 ttyS0" ;;
	mipsel) f="mipsel malta 24Kf 256 ttyS0" ;;
	*) return 1 ;;
	esac
	set -- "$2" $f
	case $1 in
	system) echo "$2" ;;
	machine) echo "$3" ;;
	cpu) echo "$4" ;;
	mem) echo "$5" ;;
	console) echo "$6" ;;
	*) return 1 ;;
	esac
}

# tree_image ARCH: where a kernel build tree of ARCH has the image QEMU
# boots (ppc64el's pseries firmware loads the ELF vmlinux)
tree_image() {
	case $1 in
	x86_64|i386) echo arch/x86/boot/bzImage ;;
	arm64) echo arch/arm64/boot/Image ;;
	armhf) echo arch/arm/boot/zImage ;;
	s390x) echo arch/s390/boot/bzImage ;;
	ppc64el) echo vmlinux ;;
	riscv64) echo arch/riscv/boot/Image ;;
	*) return 1 ;;
	esac
}

# tree_arch CONFIG: the harness's name for the architecture of a kernel
# .config, or nothing for one it does not boot (big-endian ppc64, 32-bit
# RISC-V, ...)
tree_arch() {
	local c=$1 a

	for a in X86_64:x86_64 X86_32:i386 ARM64:arm64 ARM:armhf S390:s390x; do
		grep -q "^CONFIG_${a%%:*}=y" "$c" && { echo "${a#*:}"; return 0; }
	done
	if grep -q '^CONFIG_PPC64=y' "$c"; then
		grep -q '^CONFIG_CPU_LITTLE_ENDIAN=y' "$c" && echo ppc64el
	elif grep -q '^CONFIG_RISCV=y' "$c"; then
		grep -q '^CONFIG_64BIT=y' "$c" && echo riscv64
	fi
	return 0
}

# the Debian archive: private apt lists, packages, sources, kernels
# shellcheck source=debian.sh
. "$(dirname "${BASH_SOURCE[0]}")/debian.sh"
