#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# xz-test.sh - ksymdump's own .xz decoder (ksymdump/xz.c) against liblzma,
# under ASan+UBSan (tests/test_xz.c; KTAP, "N passed, N failed" last):
#
#   1. streams xz(1) writes with what the kernel and xz use: the kernel's
#      options (CRC32, x86 BCJ, 32 MiB dictionary), xz's defaults (CRC64),
#      ARM BCJ, both branch filters with a start offset, many blocks
#      (-T2), every corner of lc/lp/pb, -0 and -9e, incompressible data
#      (stored chunks), an empty file, two streams concatenated: ours must
#      decode each to liblzma's bytes;
#   2. what ours leaves to liblzma (no check, SHA-256, delta, PowerPC
#      BCJ): ours must decline, liblzma decode;
#   3. 60 damaged copies of the kernel-like stream (bits flipped, in the
#      headers and anywhere) and 9 cut short: ours must never return bytes
#      liblzma would not;
#   4. with IMAGE arguments (x86 bzImages whose payload is xz), each
#      payload: ours must equal liblzma on the whole kernel.
#
# The inputs are made here from files of this machine (a compiler and a
# C library for x86 code, random bytes, zeros); nothing is stored.
#
# Usage: scripts/xz-test.sh [-o OUTDIR] [IMAGE...]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
out=$top/build/xz-test images=() prev=""
for a in "$@"; do
	case $a in
	-o) ;;
	-h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) if [ "$prev" = -o ]; then out=$a; else images+=("$a"); fi ;;
	esac
	prev=$a
done
mkdir -p "$out" && cd "$out" || exit 1
rm -f ./*.xz ./*.bin

bin=$out/test_xz
if ! cc -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -o "$bin" "$top/tests/test_xz.c" \
	"$top/ksymdump/xz.c" "$top/ksymdump/unpack.c" \
	-llzma -lz -lzstd -llz4 -lbz2 -llzo2 2>build.log; then
	sed 's/^/# /' build.log
	echo "0 passed, 1 failed"
	exit 1
fi

# x86 code, random bytes, and both with text and a run of zeros
cat "$(readlink -f "$(command -v cc)")" "$(ldd "$(command -v cc)" | awk '/libc\.so/ { print $3 }')" \
	>x86.bin
head -c 3000000 /dev/urandom >rnd.bin
{ head -c 200000 /dev/urandom; cat "$top"/*.c; cat x86.bin; head -c 300000 /dev/zero; } >mixed.bin
: >empty.bin
mk() { # NAME INPUT XZ-OPTION...
	local n=$1 f=$2

	shift 2
	xz -c "$@" "$f" >"$n.xz" || { echo "# xz $* failed"; : >"$n.xz"; }
}
mk kernel x86.bin --check=crc32 --x86 --lzma2=preset=9,dict=32MiB
mk defaults x86.bin
mk arm x86.bin --arm --check=crc32 --lzma2=dict=1MiB
mk arm_start mixed.bin --arm=start=16 --lzma2
mk x86_start mixed.bin --x86=start=12345 --lzma2
mk blocks x86.bin -T2 --block-size=100KiB
mk lc0_lp4_pb0 x86.bin --lzma2=lc=0,lp=4,pb=0
mk lc4_lp0_pb4 mixed.bin --lzma2=lc=4,lp=0,pb=4
mk lc1_lp3_pb2 mixed.bin --lzma2=lc=1,lp=3,pb=2
mk random rnd.bin
mk extreme mixed.bin -9e
mk fast mixed.bin -0
mk empty empty.bin
cat defaults.xz arm.xz >concat.xz
mk check_none x86.bin --check=none
mk check_sha256 x86.bin --check=sha256
mk delta x86.bin --delta=dist=4 --lzma2
mk powerpc x86.bin --powerpc --lzma2
python3 - <<'EOF'
import random
d = open('kernel.xz', 'rb').read()
r = random.Random(1)
for i in range(60):
    b = bytearray(d)
    for _ in range(r.choice([1, 1, 2, 5])):
        # a third in the headers and the first chunk's
        p = r.randrange(len(b)) if i % 3 else r.randrange(min(len(b), 400))
        b[p] ^= 1 << r.randrange(8)
    open('damaged%02d.xz' % i, 'wb').write(b)
for i, n in enumerate([0, 5, 12, 13, 24, 100, len(d) // 2, len(d) - 13, len(d) - 1]):
    open('cut%02d.xz' % i, 'wb').write(d[:n])
EOF

# group ARGS...: one run of test_xz; one that ends without its summary
# line (a sanitizer stopped it) is a failure of its own
crashed=0
group() {
	"$bin" "$@" >>test.ktap 2>&1
	tail -n 1 test.ktap | grep -Eq '^[0-9]+ passed, [0-9]+ failed$' ||
		{ crashed=$((crashed + 1)); echo "# test_xz $* ended without a summary"; }
}
: >test.ktap
group kernel.xz defaults.xz arm.xz arm_start.xz x86_start.xz blocks.xz \
	lc0_lp4_pb0.xz lc4_lp0_pb4.xz lc1_lp3_pb2.xz random.xz extreme.xz \
	fast.xz empty.xz concat.xz
group --expect unsupported check_none.xz check_sha256.xz delta.xz powerpc.xz
group --expect any damaged*.xz cut*.xz
for img in "${images[@]}"; do
	# a bzImage's payload: setup_sects at 0x1f1, payload_offset at 0x248
	off=$(od -An -tu1 -j $((0x1f1)) -N1 "$img" | tr -d ' ')
	poff=$(od -An -tu4 -j $((0x248)) -N4 "$img" | tr -d ' ')
	group --offset $(((off + 1) * 512 + poff)) "$img"
done
grep -E '^(ok|not ok)' test.ktap | awk '{ $1 = $1 } 1' >results
p=$(grep -c '^ok' results) f=$(($(grep -c '^not ok' results) + crashed))
grep -E '^not ok|ERROR|runtime error' test.ktap | sed 's/^/# /' | head -n 40
echo "# xz decoder against liblzma: $p cases passed, $f failed ($out/test.ktap)"
echo "$p passed, $f failed"
[ "$f" = 0 ] && [ "$p" -gt 0 ]
