#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-module.sh - the module's own figures, side by side: one Debian
# kernel booted under QEMU with 1 and with 2 vCPUs, the module loaded with
# bench=1 (which adds ms.kernel_lookup_all, the kernel's own
# kallsyms_lookup_name() of every name, serial and unchecked), and its
# ms.* keys printed in two columns with the ratios the speed goals are
# stated in: decode_pass / kernel_walk, name_to_addr / kernel_lookup_all,
# total / (kernel_lookup_all / cpus), and the 1-vCPU total over the
# 2-vCPU one; then the kernel's own floors for every question a run asks
# (lookup_all + sprint_all + proc_read + walk) and what is left beside
# them.  Figures, never a verdict (TCG, a shared host).
#
# Usage: scripts/bench-module.sh [ARCH=x86_64] [KVER=6.12] [-o OUTDIR]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
arch=x86_64 kver=6.12 out=$top/build/bench-module prev=""
for a in "$@"; do
	case $a in
	ARCH=*) arch=${a#ARCH=} ;;
	KVER=*) kver=${a#KVER=} ;;
	-o) ;;
	-h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) if [ "$prev" = -o ]; then out=$a; else ksym_die "unknown argument $a"; fi ;;
	esac
	prev=$a
done
# absolute: the module is built with M= under it
mkdir -p "$out" && out=$(cd "$out" && pwd)
for n in 1 2; do
	SMP=$n "$here/qemu.sh" ARCH="$arch" KVER="$kver" ARGS=bench=1 -o "$out/smp$n" \
		>"$out/smp$n.log" 2>&1
	r=$(ls "$out/smp$n"/*/report 2>/dev/null | head -n 1)
	[ -s "$r" ] || { echo "module benchmark: no report from the $n-vCPU guest (see $out/smp$n.log)"; exit 1; }
	cp "$r" "$out/report-$n"
done
echo "module benchmark: $arch $kver, bench=1, ms under QEMU TCG ($(awk '$1 == "num_syms:" { print $2 }' "$out/report-1") symbols)"
awk '
FNR == 1 { f++ }
$1 ~ /^(ms\.|cpus:)/ { k = $1; sub(/:$/, "", k); v[f, k] = $2; if (f == 1) keys[++n] = k }
END {
	printf "  %-24s %10s %10s\n", "", "1 vCPU", "2 vCPUs"
	for (i = 1; i <= n; i++)
		printf "  %-24s %10s %10s\n", keys[i], v[1, keys[i]], v[2, keys[i]]
	for (j = 1; j <= 2; j++) {
		c = v[j, "cpus"] ? v[j, "cpus"] : 1
		printf "  %d vCPU(s): decode_pass/kernel_walk %.2f (goal <= 1.0), name_to_addr/kernel_lookup_all %.2f, total/(kernel_lookup_all/%d) %.2f (goal <= 1.5)\n",
		       j, v[j, "ms.decode_pass"] / (v[j, "ms.kernel_walk"] ? v[j, "ms.kernel_walk"] : 1),
		       v[j, "ms.name_to_addr"] / (v[j, "ms.kernel_lookup_all"] ? v[j, "ms.kernel_lookup_all"] : 1),
		       c, v[j, "ms.total"] / (v[j, "ms.kernel_lookup_all"] / c)
	}
	printf "  scaling: total with 1 vCPU / with 2: %.2f\n", v[1, "ms.total"] / (v[2, "ms.total"] ? v[2, "ms.total"] : 1)
	# what the kernel itself spends answering every question the run
	# asks: the two lookups are shared over the CPUs, the reads are not
	for (j = 1; j <= 2; j++) {
		c = v[j, "cpus"] ? v[j, "cpus"] : 1
		fl = (v[j, "ms.kernel_lookup_all"] + v[j, "ms.kernel_sprint_all"]) / c + \
		     v[j, "ms.kernel_proc_read"] + v[j, "ms.kernel_walk"]
		printf "  %d vCPU(s): kernel floor (lookup_all + sprint_all)/%d + proc_read + walk = %d ms; total %d ms, %.2f times it, %d ms ours\n",
		       j, c, fl, v[j, "ms.total"], v[j, "ms.total"] / (fl ? fl : 1), v[j, "ms.total"] - fl
	}
}' "$out/report-1" "$out/report-2"
