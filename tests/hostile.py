#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""hostile.py - crafted inputs for ksymdump, and the cost of each run.

  hostile.py gen DIR        write the crafted files into DIR
  hostile.py gen-small DIR  only those under 1 KiB (fuzzing seeds)
  hostile.py run CMD...     run CMD; print "RSS_MB CPU_S EXIT" of that
                            one process (GNU time), then what it wrote
                            to standard error

The files, each at most 64 MB (the bound ksymdump promises: no such input
makes it use more than 512 MB or 10 s of CPU):
  nested.gz      gzip > xz > gzip > 1.9 GiB of zeros (about 30 KB)
  dict4g.lzma    a 100-byte .lzma header asking for a 4 GiB dictionary
  window2g.zst   a zstd frame asking for a 2 GiB window
  digits-1m.bin  1 MiB of "0\\0".."9\\0": every 20 bytes a token table's
                 digit run
  digits-64m.bin the same, 64 MiB
  regions-64m.bin 64 MiB of candidate regions: each a digit run inside a
                 whole token table, its token index, and 1 KiB of zeros
                 for the markers search to walk back over
  magics-64m.bin 64 MiB of gzip headers, each one a compressed stream
                 inside for ksymdump to try
"""
import lzma
import os
import struct
import subprocess
import sys
import tempfile
import zlib


def nested(path):
    z = zlib.compressobj(1, zlib.DEFLATED, 16 + 15)
    block = bytes(1 << 20)
    inner = bytearray()
    for _ in range(1900):
        inner += z.compress(block)
    inner += z.flush()
    mid = lzma.compress(bytes(inner), format=lzma.FORMAT_XZ)
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + 15)
    with open(path, 'wb') as f:
        f.write(z.compress(mid) + z.flush())


def dict4g(path):
    # props 0x5d (lc 3, lp 0, pb 2), dictionary 4 GiB - 64 KiB (the low
    # bytes 0, as in the kernel's own: ksymdump knows .lzma by "5d 00 00"),
    # size unknown
    hdr = bytes([0x5d]) + struct.pack('<I', 0xffff0000) + b'\xff' * 8
    with open(path, 'wb') as f:
        f.write(hdr + bytes(100 - len(hdr)))


def window2g(path):
    # frame header descriptor 0 (no content size, no checksum), window
    # descriptor exponent 21: 2^(10 + 21), then one raw block
    body = b'kallsyms' * 8
    blk = struct.pack('<I', 1 | (len(body) << 3))[:3]
    with open(path, 'wb') as f:
        f.write(b'\x28\xb5\x2f\xfd' + bytes([0x00, 21 << 3]) + blk + body)


RUN = b''.join(bytes([0x30 + k, 0]) for k in range(10))


def digits(path, size):
    with open(path, 'wb') as f:
        f.write(RUN * (size // len(RUN)))


def regions(path, size):
    # 256 two-byte tokens (a character and its NUL), the digits at 0x30..
    table = b''.join(bytes([k if 0x30 <= k <= 0x39 else 0x61, 0])
                     for k in range(256))
    index = b''.join(struct.pack('<H', 2 * k) for k in range(256))
    block = bytes(1024) + table + index
    with open(path, 'wb') as f:
        f.write(block * (size // len(block)))


def magics(path, size):
    # magic, deflate, no flags, mtime, xfl, os, then a stored block that
    # claims 64 KiB: each try reads to the next header and fails
    hdr = b'\x1f\x8b\x08\x00' + bytes(6) + b'\x00\xff\xff\x00\x00'
    with open(path, 'wb') as f:
        f.write(b'not a stream....' + hdr * ((size - 16) // len(hdr)))


def gen(d, small=False):
    os.makedirs(d, exist_ok=True)
    nested(os.path.join(d, 'nested.gz'))
    dict4g(os.path.join(d, 'dict4g.lzma'))
    window2g(os.path.join(d, 'window2g.zst'))
    if small:
        return
    digits(os.path.join(d, 'digits-1m.bin'), 1 << 20)
    digits(os.path.join(d, 'digits-64m.bin'), 64 << 20)
    regions(os.path.join(d, 'regions-64m.bin'), 64 << 20)
    magics(os.path.join(d, 'magics-64m.bin'), 64 << 20)


def measured(cmd, **kw):
    """Run @cmd under GNU time: (exit status, peak RSS MB, CPU s, wall s).

    Not wait4() here: a child forked from Python starts with Python's own
    resident set as its high-water mark, and exec keeps it.
    """
    with tempfile.NamedTemporaryFile('r') as t:
        p = subprocess.run(['/usr/bin/time', '-q', '-f', '%x %M %U %S %e',
                            '-o', t.name] + cmd, **kw)
        w = t.read().split()
    if len(w) != 5:
        return p.returncode, 0.0, 0.0, 0.0, p
    return (int(w[0]), int(w[1]) / 1024.0, float(w[2]) + float(w[3]),
            float(w[4]), p)


def run(cmd):
    rc, rss, cpu, _, p = measured(cmd, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
    print('%.1f %.2f %d' % (rss, cpu, rc))
    sys.stdout.write(p.stderr.decode(errors='replace'))


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] in ('gen', 'gen-small'):
        gen(sys.argv[2], sys.argv[1] == 'gen-small')
    elif len(sys.argv) > 2 and sys.argv[1] == 'run':
        run(sys.argv[2:])
    else:
        sys.exit(__doc__)
