#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-selftest.sh - the kernel's own kallsyms figures next to the
# module's, from one boot: the small 6.12 kernel of build-kernel.sh with
# CONFIG_KALLSYMS_SELFTEST (its thread runs at boot and prints the time of
# kallsyms_lookup_name() for every symbol and of a kallsyms_on_each_symbol()
# traversal), booted under QEMU TCG; once the selftest says "finish", the
# module is loaded with bench=1 and its report taken.  Prints both sets
# of figures and the ratios between them: ms.kernel_lookup_all (the
# module's measure of the same kernel lookups) against the selftest's sum,
# ms.kernel_walk against its traversal, and the module's ms.total and
# ms.name_to_addr against the selftest's lookup time.  One vCPU: the
# small kernel has neither ACPI nor the MP table's second CPU, so -smp 2
# brings up one CPU anyway (scripts/bench-module.sh compares 1 and 2 on
# Debian's kernel).  Figures, never a verdict.
#
# Usage: scripts/bench-selftest.sh [-o OUTDIR]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
out=$top/build/bench-selftest
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=${2:?-o needs a directory}; shift ;;
	-h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) ksym_die "usage: $0 [-o OUTDIR]" ;;
	esac
	shift
done
mkdir -p "$out" && out=$(cd "$out" && pwd)

tree=$("$here/build-kernel.sh" LINE=6.12 ARCH=x86_64 SELFTEST=1 2>"$out/build.log") ||
	ksym_die "the selftest kernel did not build (see $out/build.log)"
m=$out/module
rm -rf "$m" && mkdir -p "$m"
cp "$top"/Kbuild "$top"/*.c "$top"/*.h "$m/"
make -s -C "$tree" M="$m" modules >"$m/build.log" 2>&1 && [ -f "$m/ksym-verify.ko" ] ||
	ksym_die "the module did not build against $tree (see $m/build.log)"

r=$(mktemp -d)
mkdir -p "$r"/{bin,proc,sys,dev,tmp}
cp "$(busybox_for x86_64)" "$r/bin/busybox" || ksym_die "no busybox"
cp "$m/ksym-verify.ko" "$r/"
cat >"$r/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug
echo 1 >/proc/sys/kernel/printk
# the selftest's thread waits for SYSTEM_RUNNING, then runs: the module
# must not share the CPUs with it
i=0
until dmesg | grep -qE 'kallsyms_selftest: (finish|abort)'; do
	sleep 1
	i=$((i + 1))
	[ $i -lt 1800 ] || break
done
echo "==KSYM-SELFTEST-WAITED $i"
insmod /ksym-verify.ko bench=1
echo "==KSYM-INSMOD $?"
dmesg | grep 'kallsyms_selftest:' >/tmp/selftest
# as guest-init does: gzip+base64 blocks, for ksym_extract
for f in /sys/kernel/debug/ksym_verify/report /tmp/selftest; do
	echo "==KSYM-BEGIN ${f##*/}"
	gzip -c <"$f" | base64
	echo "==KSYM-END ${f##*/}"
done
reboot -f
EOF
chmod +x "$r/init"
(cd "$r" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$out/initramfs.gz"
rm -rf "$r"

ksym_log "boot: the 6.12 selftest kernel under QEMU TCG"
timeout 2400 qemu-system-x86_64 -accel tcg -m 2048 -smp 1 -nographic \
	-no-reboot -monitor none -kernel "$tree/arch/x86/boot/bzImage" \
	-initrd "$out/initramfs.gz" -append "console=ttyS0 quiet panic=-1" \
	>"$out/serial.log" 2>&1
ksym_extract report "$out/serial.log" "$out/report"
ksym_extract selftest "$out/serial.log" "$out/selftest"
grep -q 'kallsyms_selftest: finish' "$out/selftest" ||
	ksym_die "the selftest did not finish (see $out/serial.log)"
grep -q '^ms.total:' "$out/report" ||
	ksym_die "no report from the module (see $out/serial.log)"

echo "kallsyms selftest against the module: small 6.12 kernel, 1 vCPU, QEMU TCG, one boot"
awk '
FNR == 1 { f++ }
f == 1 && /looked up [0-9]+ symbols/ { n = $(NF - 1) }
f == 1 && /time spent on each symbol/ { sub(/.*avg=/, ""); avg = $1 }
f == 1 && /kallsyms_on_each_symbol\(\) traverse all:/ { walk = $(NF - 1) / 1e6 }
f == 1 && /kallsyms_on_each_match_symbol\(\) traverse all:/ { match_walk = $(NF - 1) / 1e6 }
f == 2 && $1 ~ /^(ms\.|num_syms:|cpus:)/ { k = $1; sub(/:$/, "", k); v[k] = $2 }
END {
	look = n * avg / 1e6
	printf "  selftest: kallsyms_lookup_name() of %d symbols, avg %d ns: %.0f ms; on_each_symbol traversal %.1f ms; on_each_match_symbol %.3f ms\n",
	       n, avg, look, walk, match_walk
	printf "  module (num_syms %d, cpus %d): ms.kernel_lookup_all %d, ms.kernel_walk %d, ms.name_to_addr %d, ms.decode_pass %d, ms.total %d\n",
	       v["num_syms"], v["cpus"], v["ms.kernel_lookup_all"], v["ms.kernel_walk"],
	       v["ms.name_to_addr"], v["ms.decode_pass"], v["ms.total"]
	if (look > 0 && walk > 0)
		printf "  ratios: kernel_lookup_all / selftest lookups %.2f; kernel_walk / selftest traversal %.2f; name_to_addr / selftest lookups %.2f; total / selftest lookups %.2f; decode_pass / selftest traversal %.2f\n",
		       v["ms.kernel_lookup_all"] / look, v["ms.kernel_walk"] / walk,
		       v["ms.name_to_addr"] / look, v["ms.total"] / look,
		       v["ms.decode_pass"] / walk
}' "$out/selftest" "$out/report"
