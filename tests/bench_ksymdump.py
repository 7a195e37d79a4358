#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench_ksymdump.py KSYMDUMP IMAGE... - ksymdump against the physical limit.

For each kernel image, side by side in one run (best of 3 wall times):
  - the reference tool decompressing the image's payload alone (for an
    x86 bzImage its payload, found by the boot header; xz -dc, zstd -dc,
    gzip -dc, ... to /dev/null), or reading an uncompressed image (cat);
  - ksymdump --no-symbols IMAGE >/dev/null, the whole process;
  - their ratio (goal: at most 1.25), and ksymdump's peak RSS against the
    unpacked kernel (goal: at most 1.1).
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

TOOLS = [  # magic, name, command
    (b'\x1f\x8b', 'gzip', ['gzip', '-dc']),
    (b'\xfd7zXZ\x00', 'xz', ['xz', '-dc']),
    (b'\x28\xb5\x2f\xfd', 'zstd', ['zstd', '-dcq']),
    (b'\x02\x21\x4c\x18', 'lz4', ['lz4', '-dcq']),
    (b'\x04\x22\x4d\x18', 'lz4', ['lz4', '-dcq']),
    (b'BZh', 'bzip2', ['bzip2', '-dc']),
    (b'\x5d\x00\x00', 'lzma', ['xz', '--format=lzma', '-dc']),
    (b'\x89LZO', 'lzo', ['lzop', '-dc']),
]


def payload(data):
    """(bytes, codec name, command) of what a reference tool unpacks."""
    trailer = 0
    if len(data) > 0x250 and data[0x202:0x206] == b'HdrS':
        setup = (data[0x1f1] or 4) + 1
        off, plen = struct.unpack_from('<II', data, 0x248)
        data = data[setup * 512 + off:setup * 512 + off + plen]
        # every compressor but gzip gets the unpacked size appended
        # (scripts/Makefile.lib, size_append): not part of the stream
        trailer = 4
    for magic, name, cmd in TOOLS:
        if data.startswith(magic):
            return data[:len(data) - trailer] if name != 'gzip' else data, name, cmd
    return data, 'none', ['cat']


def run(cmd, stdin_path):
    """Best-of-3 wall seconds and the peak RSS (MB) of one process.

    The RSS is GNU time's: a child forked from Python starts with
    Python's resident set as its high-water mark, and exec keeps it.
    """
    best, rss = None, 0.0
    for _ in range(3):
        with open(stdin_path, 'rb') as f, \
             tempfile.NamedTemporaryFile('r') as t:
            t0 = time.monotonic()
            p = subprocess.run(['/usr/bin/time', '-q', '-f', '%M', '-o',
                                t.name] + cmd, stdin=f,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            dt = time.monotonic() - t0
            peak = t.read().split()
        if p.returncode or not peak:
            return None, 0.0
        best = dt if best is None else min(best, dt)
        rss = max(rss, int(peak[-1]) / 1024.0)
    return best, rss


def main(kd, images):
    print('ksymdump against decompression alone (best of 3 wall times; '
          'goals: ratio <= 1.25, peak RSS <= 1.1 x unpacked)')
    rc = 0
    for img in images:
        with open(img, 'rb') as f:
            data, codec, cmd = payload(f.read())
        st = subprocess.run([kd, '--stats', '--no-symbols', img],
                            capture_output=True, text=True)
        m = re.search(r'\((\d+) bytes unpacked\)', st.stdout)
        if st.returncode or not m:
            print('%s: ksymdump --stats failed' % img)
            rc = 1
            continue
        unpacked = int(m.group(1))
        with tempfile.NamedTemporaryFile() as tmp:
            tmp.write(data)
            tmp.flush()
            t_ref, _ = run(cmd, tmp.name)
        t_kd, rss = run([kd, '--no-symbols', img], img)
        if t_ref is None or t_kd is None:
            print('%s: a run failed' % img)
            rc = 1
            continue
        print('%s: %s %.1f MB -> %.1f MB; %s %.0f ms, ksymdump %.0f ms '
              '(%.2fx%s); peak RSS %.0f MB (%.2fx unpacked)'
              % (img.split('/kernels/')[-1].split('/')[0], codec, len(data) / 1e6,
                 unpacked / 1e6, ' '.join(cmd), t_ref * 1e3, t_kd * 1e3,
                 t_kd / t_ref,
                 ', no payload: against reading it' if codec == 'none' else '',
                 rss, rss * 1048576 / unpacked))
    return rc


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
