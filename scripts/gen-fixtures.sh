#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# gen-fixtures.sh - build kallsyms tables with the kernel's own generator.
#
# For Debian's linux-source-5.10 (bullseye), linux-source-6.1,
# linux-source-6.12 and the newest 7.x linux-source in sid, this builds
# that version's scripts/kallsyms.c as a host program, feeds it synthetic
# symbol lists (scripts/gen-symbols.awk) with every flag combination the
# version accepts, assembles the .S for
# x86_64, i386 and arm64, links it at a known address and cuts the arrays out
# of the linked ELF by their symbols.  The ground truth for each fixture is
# scripts/expected.awk's reading of the input list; from 6.4 on the
# generator's own .S comments must agree with it.
#
# 5.10 is the era before seqs_of_names: 1-byte name lengths, KSYM_NAME_LEN
# 128.  6.1.42-6.1.59 wrote seqs_of_names as 4-byte .long entries; no
# Debian source has that, so the "6.1s4" fixtures come from 6.1's own
# generator with 19bd8981dc2e ("Reduce the memory occupied by
# kallsyms_seqs_of_names[]", the 3-byte change) undone in a copy: one
# printf, and the run fails if it is not where it was.
#
# Usage: scripts/gen-fixtures.sh [-o OUTDIR] [-l LINE]...
#   -o OUTDIR  where fixtures go (default: build/fixtures)
#   -l LINE    kernel line to use: 5.10, 6.1, 6.12 or 7 (default: all
#              four; 6.1 brings the 6.1s4 fixtures)
#
# Fixtures named *-large hold about 160k symbols, for `make bench`.
# Each fixture is a directory with rodata.bin (the linked .rodata), meta
# (layout, array offsets and sizes, anchor) and expected.txt
# ("addr type name" per symbol, in table order).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

out=build/fixtures
lines=()
while getopts "o:l:h" opt; do
	case $opt in
	o) out=$OPTARG ;;
	l) lines+=("$OPTARG") ;;
	h) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
[ ${#lines[@]} -gt 0 ] || lines=(5.10 6.1 6.12 7)

for tool in gcc ld objcopy nm aarch64-linux-gnu-gcc aarch64-linux-gnu-ld \
	aarch64-linux-gnu-objcopy aarch64-linux-gnu-nm; do
	command -v "$tool" >/dev/null ||
		ksym_die "$tool not found (apt-get install gcc-aarch64-linux-gnu binutils)"
done

# the large fixtures are the benchmark's tables: about as many symbols as a
# distribution kernel with KALLSYMS_ALL
large_funcs=160000

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# 6.1's generator overflows a stack buffer in compare_names() on a
# 511-character name and then mis-sorts seqs_of_names (README, "Findings").
# 5.10's reads names with "%499s": a longer one is split into two lines'
# worth of garbage, so its longest is 300 (KSYM_NAME_LEN 128 drops it, and
# the 128- and 129-character names, anyway).
maxname_of() {
	case $1 in
	5.10) echo 300 ;;
	6.1*) echo 510 ;;
	*) echo 511 ;;
	esac
}

for bits in 32 64; do
	mkdir -p "$work/inc$bits/asm"
	echo "#define BITS_PER_LONG $bits" >"$work/inc$bits/asm/bitsperlong.h"
	for pc in zero image; do
		for max in 300 510 511; do
			awk -v bits=$bits -v percpu=$pc -v maxname=$max \
				-f "$here/gen-symbols.awk" >"$work/in-$bits-$pc-$max.map"
		done
		awk -v bits=$bits -v percpu=$pc -v nfuncs=$large_funcs \
			-f "$here/gen-symbols.awk" >"$work/in-$bits-$pc-large.map"
	done
done

# one fixture: LINE VERSION KALLSYMS ARCH ALL BASE PCPU LTO PCREL [large]
make_fixture() {
	local line=$1 version=$2 kallsyms=$3 arch=$4 all=$5 base=$6 pcpu=$7
	local lto=$8 pcrel=$9 large=${10:-}
	local bits=64 cc=gcc ld=ld ldm="" bt="" text rodata name flags=() mode
	local pcl=image seqs_order=exact d S o e anchor map rules=${line%s4}
	local len_enc=uleb2 name_len=512 seqs_size=3 input=file

	case $arch in
	x86_64) text=0xffffffff81000000 ;;
	i386) bits=32 cc="gcc -m32" ldm="-m elf_i386" text=0xc1000000 ;;
	arm64) cc=aarch64-linux-gnu-gcc ld=aarch64-linux-gnu-ld bt=aarch64-linux-gnu-
	       text=0xffffffff81000000 ;;
	esac
	rodata=$(printf '0x%x' $((text + 0x1000000)))

	name=$line-$arch
	[ "$all" = 1 ] && flags+=(--all-symbols) && name+=-all
	[ "$base" = 1 ] && flags+=(--base-relative) && name+=-base
	[ "$pcpu" = 1 ] && flags+=(--absolute-percpu) && name+=-pcpu && pcl=zero
	[ "$lto" = 1 ] && flags+=(--lto-clang) && name+=-lto && seqs_order=strip-llvm
	[ "$pcrel" = 1 ] && flags+=(--pc-relative) && name+=-pcrel
	case $line in
	5.10) len_enc=1byte name_len=128 seqs_size=0 input=stdin ;;
	6.1s4) seqs_size=4 ;;
	esac
	case $rules in
	5.10|6.1) if [ "$base" = 0 ]; then mode=absolute
	     elif [ "$pcpu" = 1 ]; then mode=absolute-percpu
	     else mode=base-relative; fi ;;
	6.12) if [ "$pcpu" = 1 ]; then mode=absolute-percpu
	      else mode=base-relative; fi ;;
	7) if [ "$pcrel" = 1 ]; then mode=pc-relative; else mode=raw32; fi ;;
	esac

	map=$work/in-$bits-$pcl-$(maxname_of "$line").map
	if [ -n "$large" ]; then
		name+=-large
		map=$work/in-$bits-$pcl-large.map
	fi
	d=$out/$name
	mkdir -p "$d"
	S=$work/$name.S o=$work/$name.o e=$work/$name.elf
	# 5.10's generator reads the map on stdin, later ones take a file
	if [ $input = stdin ]; then
		"$kallsyms" "${flags[@]}" <"$map" >"$S" 2>"$S.err"
	else
		"$kallsyms" "${flags[@]}" "$map" >"$S" 2>"$S.err"
	fi || { cat "$S.err" >&2; ksym_die "$name: the $line generator rejected ${flags[*]}"; }
	$cc -c -x assembler-with-cpp -I "$work/inc$bits" "$S" -o "$o" ||
		ksym_die "$name: assembling failed"
	# shellcheck disable=SC2086
	$ld $ldm -static -nostdlib -e 0 --section-start=.rodata="$rodata" \
		--defsym=_text="$text" "$o" -o "$e" ||
		ksym_die "$name: linking failed"
	"${bt}objcopy" -O binary --only-section=.rodata "$e" "$d/rodata.bin"

	awk -v ver="$rules" -v all="$all" -v abspcpu="$pcpu" \
		-f "$here/common.awk" -f "$here/expected.awk" "$map" |
		LC_ALL=C sort | cut -f2 >"$d/expected.txt"
	anchor=$(awk '$3 == "_text" { print $3, "0x" $1; exit }' "$d/expected.txt")
	[ -n "$anchor" ] ||
		anchor=$(awk '$3 == "_stext" { print $3, "0x" $1; exit }' "$d/expected.txt")

	# second check (6.4+): the generator's comments on kallsyms_names
	if [ "$rules" != 6.1 ] && [ "$rules" != 5.10 ]; then
		awk '/^kallsyms_names:/ { on = 1; next }
		     /^\.globl/ { on = 0 }
		     on && /\/\* / { sub(/.*\/\* /, ""); sub(/ \*\/$/, ""); print }' \
			"$S" >"$work/$name.comments"
		awk '{ print $2 $3 }' "$d/expected.txt" |
			cmp -s - "$work/$name.comments" ||
			ksym_die "$name: expected.txt disagrees with the generator's .S comments"
	fi

	{
		echo "version $version"
		echo "line $line"
		echo "arch $arch"
		echo "bits $bits"
		echo "endian little"
		echo "flags ${flags[*]:-none}"
		echo "mode $mode"
		echo "marker_size 4"
		echo "len_enc $len_enc"
		echo "name_len $name_len"
		echo "seqs_size $seqs_size"
		echo "seqs_order $seqs_order"
		echo "rodata_va $rodata"
		echo "rodata_size $(stat -c %s "$d/rodata.bin")"
		echo "anchor $anchor"
		"${bt}nm" "$e" | awk '$3 ~ /^kallsyms_/ { print $1, $3 }' | sort |
		while read -r va sym; do
			echo "$((0x$va - rodata)) $sym"
		done | {
			prev_off="" prev_sym=""
			while read -r off sym; do
				[ -n "$prev_sym" ] &&
					echo "array $prev_sym $prev_off $((off - prev_off))"
				prev_off=$off prev_sym=$sym
			done
			size=$(stat -c %s "$d/rodata.bin")
			echo "array $prev_sym $prev_off $((size - prev_off))"
		}
	} >"$d/meta"
	nfix=$((nfix + 1))
}

nfix=0
for line in "${lines[@]}"; do
	src=$(ksym_kernel_scripts "$line")
	version=$(cat "$src/.version")
	kallsyms=$work/kallsyms-$line
	ksym_log "build: scripts/kallsyms.c of $version"
	gcc -O2 -I "$src/scripts/include" -o "$kallsyms" "$src/scripts/kallsyms.c" ||
		ksym_die "building $src/scripts/kallsyms.c failed"
	n0=$nfix
	for arch in x86_64 i386 arm64; do
		for all in 0 1; do
			case $line in
			5.10)
				for base in 0 1; do for pcpu in 0 1; do
					make_fixture "$line" "$version" "$kallsyms" \
						$arch $all $base $pcpu 0 0
				done; done ;;
			6.1)
				for base in 0 1; do for pcpu in 0 1; do for lto in 0 1; do
					make_fixture "$line" "$version" "$kallsyms" \
						$arch $all $base $pcpu $lto 0
				done; done; done ;;
			6.12)
				for pcpu in 0 1; do
					make_fixture "$line" "$version" "$kallsyms" \
						$arch $all 0 $pcpu 0 0
				done ;;
			7)
				make_fixture "$line" "$version" "$kallsyms" \
					$arch $all 0 0 0 1
				# raw 32-bit offsets exist only on 32-bit kernels
				if [ $arch = i386 ]; then
					make_fixture "$line" "$version" "$kallsyms" \
						$arch $all 0 0 0 0
				fi ;;
			esac
		done
	done
	if [ "$line" = 6.1 ]; then
		# 6.1.42-6.1.59: seqs_of_names as 4-byte .long entries
		perl -0pe 's/printf\("\\t\.byte 0x%02x, 0x%02x, 0x%02x\\n",\n\t+\(unsigned char\)\(table\[i\]->seq >> 16\),\n\t+\(unsigned char\)\(table\[i\]->seq >> 8\),\n\t+\(unsigned char\)\(table\[i\]->seq >> 0\)\);/printf("\\t.long\\t%u\\n", table[i]->seq);/ or die "3-byte seqs printf not found\n"' \
			"$src/scripts/kallsyms.c" >"$work/kallsyms-6.1s4.c" ||
			ksym_die "6.1s4: 6.1's kallsyms.c no longer has the 3-byte seqs printf"
		gcc -O2 -I "$src/scripts/include" -o "$work/kallsyms-6.1s4" \
			"$work/kallsyms-6.1s4.c" || ksym_die "building the 6.1s4 generator failed"
		n1=$nfix
		for arch in x86_64 i386 arm64; do
			for all in 0 1; do
				for pcpu in 0 1; do
					make_fixture 6.1s4 "$version (4-byte seqs, as 6.1.42-6.1.59)" \
						"$work/kallsyms-6.1s4" $arch $all 1 $pcpu 0 0
				done
			done
		done
		ksym_log "fixtures: $((nfix - n1)) from $version with 4-byte seqs"
	fi
	case $line in
	6.12) make_fixture "$line" "$version" "$kallsyms" x86_64 1 0 1 0 0 large ;;
	7) make_fixture "$line" "$version" "$kallsyms" x86_64 1 0 0 0 1 large ;;
	esac
	ksym_log "fixtures: $((nfix - n0)) from $version"
done
ksym_log "fixtures: $nfix in $out"
