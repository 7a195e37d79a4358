#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ksymdump-test.sh - ksymdump against independent ground truth.
#
#   1. every fixture (the real scripts/kallsyms.c of 6.1, 6.12 and 7.x, all
#      flag combinations, x86_64/i386/arm64) as raw bytes, with --base and
#      --anchor: the output must equal the fixture's expected.txt, and the
#      seqs_of_names --stats claims (none, 3 or 4 bytes, where) the meta's;
#   1b. every fixture as an ELF core (tests/core-edit.py make-core), read
#      in parts: with a VMCOREINFO note (no options) and without (--anchor);
#      as raw physical memory and in LiME's format (make-raw), where the
#      VMCOREINFO text in that memory must give the addresses;
#      every 64-bit one as a kdump-compressed file (make-kdump);
#   2. the Debian kernels of the QEMU matrix: each package's vmlinuz,
#      with --no-symbols, against the /proc/kallsyms that scripts/qemu.sh
#      --nokaslr captured from that kernel: every line must match.  The
#      kernels are the releases in $KSYMDUMP_KERNELS (test.sh sets it from
#      the nokaslr run; each must have its capture), else every cached
#      kernel that has one.  Then against the capture of a KASLR boot,
#      with --kaslr auto: the offset found must be the one the two boots'
#      _stext differ by; once read from a pipe and from standard input;
#   2b. a compressed stream at an offset no header names (ARM zImage,
#      s390x, ELF wrappers, boot.img): the newest arm64 Image of step 2,
#      compressed with each of xz, zstd, lzop, lz4 (frame and legacy), gzip
#      and bzip2 between random bytes, and gzip'd behind a uImage and an
#      Android boot.img header, against the same capture;
#   2c. Debian's kernels of other architectures (scripts/capture-foreign.sh
#      boots them with nokaslr: armhf zImages, the i386 bzImage), each
#      vmlinuz with --no-symbols against that capture;
#   2d. every cached amd64/arm64 image with a compressed payload: peak RSS
#      at most 1.1 times the unpacked kernel (the plain build), xz unpacked
#      by our own decoder; each xz bzImage payload (i386 too) the same
#      bytes as liblzma's;
#   3. kernels built from source (the KUnit kernels of 6.12 and 7.x for
#      x86_64 and arm64, and the check-tree kernel): vmlinux with and
#      without its symbols, the stripped vmlinux.bin or the arm64 Image,
#      a raw objcopy -O binary image, and the bzImage or Image.gz, each
#      against the tree's System.map;
#   4. runs that must fail, each with its own exit status and message:
#      Debian's placeholder System.map, a KASLR-shifted /proc/kallsyms
#      with --kaslr 0, a
#      System.map with one address changed, a corrupted and a truncated
#      image, a file with no table, a missing file, bad options;
#   5. --json parses and lists every symbol; --help exits 0;
#   6. crafted files (tests/hostile.py: a nested compression bomb, .lzma
#      and zstd headers asking for 4 GiB, 64 MiB of candidate token
#      tables, 64 MiB of gzip headers), an empty stream in each codec, and
#      lying dumps (tests/core-edit.py hostile: truncated, every frame
#      marked dumped, 2^40 frames, a 1 TiB PT_LOAD, 2^31 program headers):
#      each ends with its limit, "not found" or "corrupt", within 512 MB of
#      memory and 10 s of CPU, in the plain build and under ASan+UBSan;
#      the figures are printed.
#
# ksymdump is built with ASan and UBSan for these runs.  Usage:
#   scripts/ksymdump-test.sh [-B BUILD_DIR]
# Prints "ok"/"not ok" lines and ends with "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
B=${B:-$top/build}
[ "${1:-}" = -B ] && B=$2
case "${1:-}" in -h|--help)
	awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"
	exit 0 ;;
esac
# shellcheck source=ktap.sh
. "$here/ktap.sh"
t=$B/ksymdump-test
rm -rf "$t" && mkdir -p "$t"

make -s -C "$top" B="$B" "$B/ksymdump-san" >"$t/build.log" 2>&1 ||
	{ cat "$t/build.log"; ktap_fail build "see $t/build.log"; ktap_totals; exit 1; }
kd=$B/ksymdump-san
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

# run NAME EXPECTED-STATUS GREP-PATTERN ksymdump-ARGS...: status and
# message (stdout or stderr) must both be as expected
run() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	"$kd" "$@" >"$t/$name.out" 2>"$t/$name.err"
	rc=$?
	if [ $rc = "$want" ] && grep -qE "$pat" "$t/$name.out" "$t/$name.err" &&
	   ! grep -q 'Sanitizer' "$t/$name.err"; then
		ktap_result 1 "$name" ""
		grep -hE "$pat" "$t/$name.out" "$t/$name.err" | head -n 1 | cut -c1-300 | sed 's/^/# /'
	else
		ktap_result 0 "$name" "exit $rc (want $want); $(head -c 400 "$t/$name.err" "$t/$name.out" | tr '\n' ' ')"
	fi
}

# same_as_expected OUT EXPECTED: ksymdump's output is the fixture's
# expected.txt, which pads every address to 16 digits
same_as_expected() {
	awk '{ a = $1; while (length(a) < 16) a = "0" a; print a, $2, $3 }' "$1" |
		cmp -s - "$2"
}

echo "# === 1. fixtures as raw bytes, --base and --anchor"
# the symbols against the generator's list, and the seqs_of_names that
# --stats claims against the generator's: absent, or 3- or 4-byte entries
# at the address the generator put them
fx_pass=0 fx_fail=0 sq_pass=0 sq_fail=0
for d in "$B"/fixtures/*/; do
	d=${d%/}
	[ -f "$d/meta" ] || continue
	va=$(awk '$1 == "rodata_va" { print $2 }' "$d/meta")
	an=$(awk '$1 == "anchor" { print $2 "=" $3 }' "$d/meta")
	bits=$(awk '$1 == "bits" { print $2 }' "$d/meta")
	opt=(--base "$va" --anchor "$an" --ptr-size $((bits / 8)))
	if "$kd" "${opt[@]}" "$d/rodata.bin" >"$t/fx.out" 2>"$t/fx.err" &&
	   same_as_expected "$t/fx.out" "$d/expected.txt"; then
		fx_pass=$((fx_pass + 1))
	else
		fx_fail=$((fx_fail + 1))
		echo "# fixture $(basename "$d"): $(head -c 200 "$t/fx.err")"
	fi
	sz=$(awk '$1 == "seqs_size" { print $2 }' "$d/meta")
	want=$(awk '$1 == "array" && $2 == "kallsyms_seqs_of_names" { print $3 }' "$d/meta")
	[ -n "$want" ] && want=$(printf '0x%x' $((va + want)))
	"$kd" --stats "${opt[@]}" "$d/rodata.bin" >"$t/fx.stats" 2>"$t/fx.err"
	claim=$(sed -n 's/^seqs_of_names: //p' "$t/fx.stats")
	got=$(awk '$1 == "array" && $2 == "kallsyms_seqs_of_names" { print $4 }' "$t/fx.stats")
	case $sz:$claim in
	0:none*) ok=$([ -z "$got" ] && echo 1) ;;
	4:4-byte* | 3:sorted*) ok=$([ "$got" = "$want" ] && echo 1) ;;
	*) ok="" ;;
	esac
	if [ "$ok" = 1 ]; then
		sq_pass=$((sq_pass + 1))
	else
		sq_fail=$((sq_fail + 1))
		echo "# fixture $(basename "$d"): seqs_size $sz at ${want:-none}; ksymdump: ${claim:-?} at ${got:-none}"
	fi
done
ktap_result "$([ $fx_fail = 0 ] && [ $fx_pass -gt 60 ] && echo 1)" \
	"fixtures_raw_scan ($fx_pass fixtures)" "$fx_fail of $((fx_pass + fx_fail)) differ"
ktap_result "$([ $sq_fail = 0 ] && [ $sq_pass -gt 60 ] && echo 1)" \
	"fixtures_seqs_layout ($sq_pass fixtures)" "$sq_fail of $((sq_pass + sq_fail)) claim another seqs_of_names"

echo "# === 1b. fixtures as ELF cores (with a VMCOREINFO note, and without), raw memory and LiME, and kdump-compressed files, read in parts"
# fixture_dump DIR KIND: the fixture as a dump of KIND, decoded to its
# expected.txt, --stats saying how.  note, no-note: an ELF core
# (tests/core-edit.py make-core) whose note names the arrays and the
# anchor, as a kernel's names its arrays and _stext; without it, --anchor.
# raw, lime: raw physical memory (make-raw: the VMCOREINFO text a kernel
# keeps in a page of its own, the arrays further on, zeros between; and
# the two in LiME's format), where that text must give the addresses.
fixture_dump() {
	local d=$1 kind=$2 f=$t/fx.$2 opt=()

	case $kind in
	note) "$top/tests/core-edit.py" make-core "$d" "$f" ;;
	no-note)
		opt=(--anchor "$(awk '$1 == "anchor" { print $2 "=" $3 }' "$d/meta")")
		"$top/tests/core-edit.py" make-core "$d" "$f" --no-note ;;
	raw) "$top/tests/core-edit.py" make-raw "$d" "$f" ;;
	lime) "$top/tests/core-edit.py" make-raw "$d" "$f" --lime ;;
	esac || return 1
	"$kd" "${opt[@]}" "$f" >"$t/fx.out" 2>"$t/fx.err" &&
	"$kd" "${opt[@]}" --stats "$f" >"$t/fx.stats" 2>>"$t/fx.err" &&
	same_as_expected "$t/fx.out" "$d/expected.txt" || return 1
	case $kind in
	note)
		grep -q "^input: ELF.* core, read in parts" "$t/fx.stats" &&
		grep -q '^vmcoreinfo: used' "$t/fx.stats" &&
		grep -q '^anchors: the core.s VMCOREINFO' "$t/fx.stats" ;;
	no-note)
		grep -q "^input: ELF.* core, read in parts" "$t/fx.stats" &&
		grep -q '^vmcoreinfo: none' "$t/fx.stats" ;;
	*)
		grep -q "^vmcoreinfo: used: the kernel's own VMCOREINFO text, found in the memory at 0x2000" "$t/fx.stats" &&
		grep -q '^anchors: the VMCOREINFO text in memory' "$t/fx.stats" ;;
	esac
}
core_pass=0 core_fail=0 raw_pass=0 raw_fail=0
for d in "$B"/fixtures/*/; do
	d=${d%/}
	[ -f "$d/meta" ] || continue
	for kind in note no-note raw lime; do
		if fixture_dump "$d" $kind; then
			case $kind in *note) core_pass=$((core_pass + 1)) ;; *) raw_pass=$((raw_pass + 1)) ;; esac
			continue
		fi
		case $kind in *note) core_fail=$((core_fail + 1)) ;; *) raw_fail=$((raw_fail + 1)) ;; esac
		echo "# fixture $(basename "$d") as a dump ($kind): $(head -c 200 "$t/fx.err") $(grep -E '^(vmcoreinfo|anchors|base):' "$t/fx.stats" | tr '\n' ' ' | cut -c1-300)"
	done
done
ktap_result "$([ $core_fail = 0 ] && [ $core_pass -gt 120 ] && echo 1)" \
	"fixtures_as_cores ($core_pass cores)" "$core_fail of $((core_pass + core_fail)) differ"
ktap_result "$([ $raw_fail = 0 ] && [ $raw_pass -gt 120 ] && echo 1)" \
	"fixtures_as_raw_memory ($raw_pass dumps, raw and LiME)" "$raw_fail of $((raw_pass + raw_fail)) differ"
# kdump-compressed (tests/core-edit.py make-kdump: zlib and stored pages,
# frames left out by the bitmap), the 64-bit fixtures
kd_pass=0 kd_fail=0
for d in "$B"/fixtures/*/; do
	d=${d%/}
	[ -f "$d/meta" ] && grep -q '^bits 64' "$d/meta" || continue
	if "$top/tests/core-edit.py" make-kdump "$d" "$t/fx.kdump" &&
	   "$kd" "$t/fx.kdump" >"$t/fx.out" 2>"$t/fx.err" &&
	   "$kd" --stats "$t/fx.kdump" >"$t/fx.stats" 2>>"$t/fx.err" &&
	   same_as_expected "$t/fx.out" "$d/expected.txt" &&
	   grep -q '^input: kdump-compressed .*read in parts' "$t/fx.stats" &&
	   grep -q '^vmcoreinfo: used' "$t/fx.stats"; then
		kd_pass=$((kd_pass + 1))
	else
		kd_fail=$((kd_fail + 1))
		echo "# fixture $(basename "$d") as a kdump-compressed file: $(head -c 300 "$t/fx.err")"
	fi
done
ktap_result "$([ $kd_fail = 0 ] && [ $kd_pass -gt 60 ] && echo 1)" \
	"fixtures_as_kdump_compressed ($kd_pass files)" "$kd_fail of $((kd_pass + kd_fail)) differ"

echo "# === 2. Debian vmlinuz, no symbols, against /proc/kallsyms of a nokaslr boot"
if [ -n "${KSYMDUMP_KERNELS:-}" ]; then
	kernels=()
	for rel in $KSYMDUMP_KERNELS; do
		kernels+=("$KSYM_CACHE/kernels/$rel/")
	done
else
	kernels=("$KSYM_CACHE"/kernels/*/)
fi
for k in "${kernels[@]}"; do
	k=${k%/}
	rel=$(basename "$k")
	[ "$rel" != "${rel%-dbg}" ] && continue
	img=$(ksym_first "$k"/root/boot/vmlinuz-* "$k"/root/usr/lib/modules/*/vmlinuz)
	cap=$k/captured/proc-kallsyms-nokaslr
	if [ -z "$img" ]; then
		[ -n "${KSYMDUMP_KERNELS:-}" ] &&
			ktap_fail "debian_vmlinuz_$rel" "no vmlinuz in $k"
		continue
	fi
	if [ ! -s "$cap" ] && [ -z "${KSYMDUMP_KERNELS:-}" ]; then
		echo "# not tested: $rel (no nokaslr capture; not in a nokaslr run)"
		continue
	elif [ ! -s "$cap" ]; then
		ktap_fail "debian_vmlinuz_$rel" "no $cap (scripts/qemu.sh --nokaslr captures it)"
		continue
	fi
	run "debian_vmlinuz_$rel" 0 'verify: .* 0 mismatches: PASS' \
		--no-symbols --verify "$cap" --verify-as kallsyms "$img"
	"$kd" --stats --no-symbols "$img" 2>/dev/null |
		grep -E '^(input|located|base|mode):' | cut -c1-200 | sed 's/^/#   /'
	# the KASLR boot: its offset is what the two boots' _stext differ by
	# (arm64 before 6.12 has no _text in kallsyms)
	kcap=$k/captured/proc-kallsyms
	[ -s "$kcap" ] || continue
	# (64-bit differences: perl's hex() would round them through a double)
	want=$(python3 -c 'import sys
def text(f):
    for line in open(f):
        w = line.split()
        if len(w) > 2 and w[2] == "_stext":
            return int(w[0], 16)
print("%x" % ((text(sys.argv[1]) - text(sys.argv[2])) % 2**64))' "$kcap" "$cap")
	run "debian_vmlinuz_kaslr_$rel" 0 "KASLR offset 0x$want \\(auto: " \
		--no-symbols --verify "$kcap" "$img"
	if [ -z "${kaslr_stream:-}" ]; then
		kaslr_stream=1
		run "verify_from_a_pipe_$rel" 0 'verify: .* 0 mismatches: PASS' \
			--no-symbols --verify <(cat "$kcap") --verify-as kallsyms "$img"
		run "verify_from_stdin_$rel" 0 'verify: .* 0 mismatches: PASS' \
			--no-symbols --verify - --verify-as kallsyms "$img" < <(cat "$kcap")
	fi
done

echo "# === 2b. a compressed Image inside random bytes, against its nokaslr capture"
k=""
for c in "$KSYM_CACHE"/kernels/*-arm64/captured/proc-kallsyms-nokaslr; do
	[ -s "$c" ] && k=$(dirname "$(dirname "$c")")
done
img=$([ -n "$k" ] && ksym_first "$k"/root/boot/vmlinuz-* "$k"/root/usr/lib/modules/*/vmlinuz)
if [ -z "$img" ]; then
	ktap_fail payload_inside "no arm64 kernel with a nokaslr capture in the cache"
else
	echo "# $(basename "$k"): $img"
	head -c 20000 /dev/urandom >"$t/pre"
	head -c 3000 /dev/urandom >"$t/post"
	for z in "xz -1 -T2" "zstd -q -3" "lzop -1" "lz4 -q -1" "lz4 -l -q -1" "gzip -1" "bzip2 -1"; do
		n=$(echo "$z" | awk '{ print $1 ($2 == "-l" ? "-legacy" : "") }')
		{ cat "$t/pre"; $z -c <"$img"; cat "$t/post"; } >"$t/inside.$n"
		run "payload_inside_$n" 0 'verify: .* 0 mismatches: PASS' \
			--verify "$k/captured/proc-kallsyms-nokaslr" --verify-as kallsyms "$t/inside.$n"
		rm -f "$t/inside.$n"
	done
	# the containers that put a stream after their own header: U-Boot's
	# uImage (64 bytes, magic 27051956, type kernel, gzip) and Android's
	# boot.img (magic ANDROID!, the kernel at its first 2 KiB page)
	gzip -1 -c <"$img" >"$t/inside.gz"
	python3 - "$t/inside.gz" "$t/uImage" "$t/boot.img" <<'PYEOF'
import struct, sys, zlib
k = open(sys.argv[1], 'rb').read()
h = struct.pack('>IIIIIIIBBBB32s', 0x27051956, 0, 0, len(k), 0x80080000,
                0x80080000, zlib.crc32(k), 5, 22, 2, 1, b'Linux')
open(sys.argv[2], 'wb').write(h + k)
b = b'ANDROID!' + struct.pack('<IIIIIIII', len(k), 0x10008000, 0, 0x11000000,
                              0, 0x10f00000, 0x10000100, 2048)
open(sys.argv[3], 'wb').write(b.ljust(2048, b'\0') + k)
PYEOF
	for n in uImage boot.img; do
		run "payload_inside_$n" 0 'verify: .* 0 mismatches: PASS' \
			--verify "$k/captured/proc-kallsyms-nokaslr" --verify-as kallsyms "$t/$n"
		rm -f "$t/$n"
	done
	rm -f "$t/inside.gz"
fi

echo "# === 2c. other architectures' vmlinuz against their nokaslr capture"
nf=0
for c in "$KSYM_CACHE"/foreign/*/captured/proc-kallsyms-nokaslr; do
	[ -s "$c" ] || continue
	k=$(dirname "$(dirname "$c")")
	nf=$((nf + 1))
	run "foreign_vmlinuz_$(basename "$k")" 0 'verify: .* 0 mismatches: PASS' \
		--no-symbols --verify "$c" --verify-as kallsyms "$k/vmlinuz"
	"$kd" --stats --no-symbols "$k/vmlinuz" 2>/dev/null |
		grep -E '^(input|mode):' | cut -c1-200 | sed 's/^/#   /'
done
[ $nf -gt 0 ] || echo "# no capture of another architecture in the cache (scripts/capture-foreign.sh)"

echo "# === 2d. peak memory against the unpacked kernel; xz payloads against liblzma"
# Every cached Debian amd64/arm64 image with a compressed payload (the
# images of make bench): the plain build's peak RSS at most 1.1 times the
# unpacked kernel, and ksymdump's own xz decoder used (not liblzma's,
# which keeps a 32 MiB window); other architectures' figures printed.
# Each xz bzImage's payload must unpack to liblzma's bytes
# (scripts/xz-test.sh).
make -s -C "$top" B="$B" "$B/ksymdump" >>"$t/build.log" 2>&1
xz_images=() nm=0
for img in "$KSYM_CACHE"/kernels/*/root/boot/vmlinuz-* \
	   "$KSYM_CACHE"/kernels/*/root/usr/lib/modules/*/vmlinuz "$KSYM_CACHE"/foreign/*/vmlinuz; do
	[ -f "$img" ] || continue
	in=$("$B/ksymdump" --stats --no-symbols "$img" 2>/dev/null | grep '^input:')
	case $in in *" > "*) ;; *) continue ;; esac	# nothing unpacked
	case $in in "input: bzImage > xz >"*) xz_images+=("$img") ;; esac
	rel=$(basename "$(dirname "$img")")
	case $img in */kernels/*) rel=$(echo "$img" | sed 's:.*/kernels/\([^/]*\)/.*:\1:') ;; esac
	un=$(echo "$in" | sed -n 's/.*(\([0-9]*\) bytes unpacked).*/\1/p')
	read -r rss cpu rc < <("$top/tests/hostile.py" run "$B/ksymdump" --no-symbols "$img")
	nm=$((nm + 1))
	ratio=$(awk -v r="$rss" -v u="$un" 'BEGIN { printf "%.3f", r * 1048576 / u }')
	fig="$rss MB peak, $(awk -v u="$un" 'BEGIN { printf "%.1f", u / 1048576 }') MB unpacked: ${ratio}x; ${in#input: }"
	if [ "${img#"$KSYM_CACHE"/foreign/}" != "$img" ] ||
	   { [ "${rel%-amd64}" = "$rel" ] && [ "${rel%-arm64}" = "$rel" ]; }; then
		# other architectures' kernels (capture-foreign.sh's, and the
		# QEMU matrix's i386, armhf, s390x, ...) are 16-28 MB: the
		# process's own 2-3 MB is a tenth of them; figures, not a verdict
		echo "#   $rel: $fig"
	elif [ "$rc" = 0 ] && awk -v x="$ratio" 'BEGIN { exit !(x <= 1.1) }' &&
	   [ "${in#*xz (liblzma)}" = "$in" ]; then
		ktap_result 1 "peak_memory_$rel" "$fig"
	else
		ktap_result 0 "peak_memory_$rel" "exit $rc, $fig (want at most 1.1x, our xz decoder)"
	fi
done
[ $nm -gt 0 ] || ktap_fail peak_memory "no cached image with a compressed payload"
if [ ${#xz_images[@]} -gt 0 ]; then
	if "$here/xz-test.sh" -o "$t/xz-test" "${xz_images[@]}" >"$t/xz-test.log" 2>&1; then
		ktap_result 1 xz_payloads_equal_liblzma "$(grep '^# xz decoder' "$t/xz-test.log" | cut -c3-)"
	else
		grep '^#' "$t/xz-test.log" | head -n 20
		ktap_result 0 xz_payloads_equal_liblzma "see $t/xz-test.log"
	fi
else
	ktap_fail xz_payloads_equal_liblzma "no cached bzImage with an xz payload"
fi

echo "# === 3. kernels built from source, against their System.map"
for tree in "$KSYM_CACHE"/kunit-build/*/ "$KSYM_CACHE"/trees/*/; do
	tree=${tree%/}
	[ -s "$tree/System.map" ] && [ -f "$tree/vmlinux" ] || continue
	name=$(basename "$tree")
	sm=$tree/System.map
	text=$(awk '$3 == "_text" { print $1; exit }' "$sm")
	run "src_${name}_vmlinux" 0 ' 0 mismatches: PASS' --verify "$sm" "$tree/vmlinux"
	run "src_${name}_vmlinux_no_symbols" 0 ' 0 mismatches: PASS' \
		--no-symbols --verify "$sm" "$tree/vmlinux"
	# a bound one read short of the whole scan: it does not finish, and
	# what it kept of the tables it reached (the KUnit fixtures too, in a
	# kunit.py build) must come with the warning, never as a plain answer
	reads=$("$kd" --stats --no-symbols "$tree/vmlinux" 2>/dev/null |
		awk '$1 == "scan:" { print $2 }')
	located=$("$kd" --stats --no-symbols "$tree/vmlinux" 2>/dev/null |
		awk '$1 == "located:" { print $4 }')
	if [ "${located:-0}" -gt 3 ] 2>/dev/null && [ "${reads:-0}" -gt 1 ]; then
		run "src_${name}_scan_bound_warns" 0 \
			"warning: the landmark scan stopped at its bound of $((reads - 1)) reads" \
			--no-symbols --scan-work $((reads - 1)) --stats "$tree/vmlinux"
	fi
	for f in arch/x86/boot/compressed/vmlinux.bin arch/arm64/boot/Image \
		 arch/x86/boot/bzImage arch/arm64/boot/Image.gz; do
		[ -f "$tree/$f" ] || continue
		run "src_${name}_$(basename "$f")" 0 ' 0 mismatches: PASS' \
			--verify "$sm" "$tree/$f"
	done
	if [ -f "$tree/arch/x86/boot/bzImage" ] && [ -n "$text" ]; then
		objcopy -O binary "$tree/vmlinux" "$t/raw.bin"
		run "src_${name}_objcopy_raw" 0 ' 0 mismatches: PASS' \
			--base "0x$text" --verify "$sm" "$t/raw.bin"
		rm -f "$t/raw.bin"
	fi
done

echo "# === 4. runs that must fail"
k=$(ksym_first "$KSYM_CACHE"/kernels/6.12*-amd64)
img=$(ksym_first "$k"/root/boot/vmlinuz-*)
run placeholder_system_map 2 "placeholder System.map" \
	--verify "$(ls "$k"/root/boot/System.map-*)" "$img"
if [ -s "$k/captured/proc-kallsyms" ] &&
   [ "$(awk '$3 == "_text" { print $1; exit }' "$k/captured/proc-kallsyms")" != ffffffff81000000 ]; then
	run kaslr_shifted_kallsyms_offset_0 1 'mismatch: #0 .*FAIL|: FAIL' \
		--kaslr 0 --verify "$k/captured/proc-kallsyms" "$img"
fi
tree=$(ksym_first "$KSYM_CACHE"/trees/*/)
tree=${tree%/}
if [ -n "$tree" ]; then
	# one address of a decoded symbol moved by 0x10
	perl -pe 's/^([0-9a-f]+)( \S start_kernel)$/sprintf("%016x", hex($1) + 16) . $2/e' \
		"$tree/System.map" >"$t/System.map-moved"
	run moved_symbol_in_system_map 1 'start_kernel is not in the reference' \
		--verify "$t/System.map-moved" "$tree/vmlinux"
	# corrupt one record length in names of the stripped image
	cp "$tree/arch/x86/boot/compressed/vmlinux.bin" "$t/corrupt.bin"
	off=$("$kd" --stats "$t/corrupt.bin" | awk '$2 == "kallsyms_offsets" { print $6 }')
	if [ -n "$off" ]; then
		# swap two offsets far apart: the address order breaks
		perl -e 'open(F, "+<", $ARGV[0]) or die; my $o = hex($ARGV[1]) + 4000;
			 seek(F, $o, 0); read(F, my $a, 4); seek(F, $o + 400, 0);
			 read(F, my $b, 4); seek(F, $o, 0); print F $b;
			 seek(F, $o + 400, 0); print F $a; close(F)' "$t/corrupt.bin" "$off"
		run corrupt_offsets 4 'corrupt: check addr.nondecreasing failed at symbol [0-9]+' \
			"$t/corrupt.bin"
	else
		ktap_result 0 corrupt_offsets "no kallsyms_offsets in --stats"
	fi
	head -c 3000000 "$tree/arch/x86/boot/compressed/vmlinux.bin" >"$t/truncated.bin"
	run truncated_elf 4 'corrupt: .*outside the 3000000-byte file' "$t/truncated.bin"
	head -c 2000000 "$tree/arch/x86/boot/bzImage" >"$t/truncated-bzImage"
	run truncated_bzimage 4 'corrupt: bzImage payload' "$t/truncated-bzImage"
fi
# an anchor no mode reproduces: a layout the rules do not know, said so
if [ -n "$tree" ] && [ -f "$tree/arch/x86/boot/compressed/vmlinux.bin" ]; then
	run unsupported_layout 4 'unsupported layout: check mode.none failed' \
		--anchor _stext=0x1234 "$tree/arch/x86/boot/compressed/vmlinux.bin"
fi
head -c 1000000 /dev/urandom >"$t/random.bin"
run no_table 3 'not found: .*landmark scan found no table' "$t/random.bin"
run missing_file 5 'No such file' "$t/does-not-exist"
run bad_option 2 'usage: unknown option' --frobnicate "$img"
run bad_anchor 2 'usage: --anchor takes NAME=ADDR' --anchor _text "$img"
run bad_kaslr 2 'usage: --kaslr takes auto or an offset' --kaslr 2M "$img"
run kaslr_auto_without_verify 2 'usage: --kaslr auto needs --verify' --kaslr auto "$img"
run no_image 2 'usage: no IMAGE given'
run help 0 '^Exit status' --help

echo "# === 5. --json"
"$kd" --json "$img" >"$t/out.json" 2>"$t/json.err"
n=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(len(d["symbols"]) if d["num_syms"] == len(d["symbols"]) else -1)' "$t/out.json" 2>&1)
m=$("$kd" "$img" | wc -l)
ktap_result "$([ "$n" = "$m" ] && [ "$m" -gt 1000 ] && echo 1)" json_lists_every_symbol \
	"json: $n symbols, text output: $m lines"

echo "# === 6. crafted files: bounded memory and CPU (tests/hostile.py)"
make -s -C "$top" B="$B" "$B/ksymdump" >>"$t/build.log" 2>&1
"$top/tests/hostile.py" gen "$t/hostile"
# hostile NAME FILE EXIT PATTERN [ksymdump options]: both builds
hostile() {
	local name=$1 file=$2 want=$3 pat=$4 bin fig rss cpu rc
	shift 4
	for bin in "$B/ksymdump" "$kd"; do
		"$top/tests/hostile.py" run "$bin" "$@" "$t/hostile/$file" >"$t/$name.out"
		read -r rss cpu rc <"$t/$name.out"
		fig="$(basename "$bin"): ${rss} MB, ${cpu} s CPU, exit $rc"
		if [ "$rc" = "$want" ] && grep -qE "$pat" "$t/$name.out" &&
		   ! grep -q Sanitizer "$t/$name.out" &&
		   awk -v r="$rss" -v c="$cpu" 'BEGIN { exit !(r <= 512 && c <= 10) }'; then
			ktap_result 1 "hostile_${name}_$(basename "$bin")" "$fig"
		else
			ktap_result 0 "hostile_${name}_$(basename "$bin")" \
				"$fig (want exit $want, /$pat/, 512 MB, 10 s): $(sed -n 2p "$t/$name.out" | cut -c1-200)"
		fi
		sed -n 2p "$t/$name.out" | cut -c1-200 | sed 's/^/#   /'
		# the budget alone is for the plain build: ASan keeps freed
		# buffers in its quarantine
		[ "${HOSTILE_PLAIN_ONLY:-}" = 1 ] && break
	done
}
hostile nested_bomb nested.gz 6 'limit: .*--max-ratio'
HOSTILE_PLAIN_ONLY=1 hostile nested_bomb_budget nested.gz 6 'limit: .*--max-size' --max-ratio 1000000
hostile lzma_dict_4g dict4g.lzma 6 'limit: lzma data asks for more than 256 MiB'
hostile zstd_window_2g window2g.zst 6 'limit: zstd data asks for a window over 2\^27'
hostile digit_runs_1m digits-1m.bin 3 'not found'
hostile digit_runs_64m digits-64m.bin 3 'not found'
hostile token_regions_64m regions-64m.bin 6 'limit: the landmark scan stopped at its bound'
hostile gzip_headers_64m magics-64m.bin 3 'not found: .*the first 16 compressed streams inside'
# a well-formed stream of nothing in each codec a kernel uses: an error
# naming the codec, never a layer of 0 bytes to scan (fuzz_locate found
# that one with lzop: a NULL layer)
for c in gzip bzip2 xz lzop zstd; do
	"$c" -c </dev/null >"$t/hostile/empty.$c"
	hostile "empty_$c" "empty.$c" 4 "corrupt: .*decompresses to 0 bytes" --base 0xffffffff82000000
done
lz4 -c </dev/null >"$t/hostile/empty.lz4"
hostile empty_lz4_frame empty.lz4 4 "corrupt: lz4 frame data decompresses to 0 bytes"
# lying dumps (tests/core-edit.py hostile): a message, never a read past them
fx=$(ls -d "$B"/fixtures/6.12-x86_64-all | head -n 1)
"$top/tests/core-edit.py" hostile "$fx" "$t/hostile"
hostile dump_kdump_truncated kdump-truncated 4 'corrupt: kdump-compressed: frame .* not a page of this'
hostile dump_kdump_every_frame kdump-allbits 4 'corrupt: kdump-compressed: frame .* not a page of this'
hostile dump_kdump_2e40_frames kdump-mapnr 4 'corrupt: kdump-compressed: 1099511627776 page frames, more than'
hostile dump_core_1tib_load core-lying 4 'corrupt: ELF core PT_LOAD 1: .* outside the'
hostile dump_core_2e31_phdrs core-xnum 4 'corrupt: ELF core program headers .* outside the'
rm -rf "$t/hostile"

ktap_totals
ktap_ok
