#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""core-edit.py - rewrite an ELF core (a vmcore or a QEMU memory dump).

  core-edit.py drop-vmcoreinfo IN OUT
      OUT is IN without its VMCOREINFO note: each PT_NOTE segment is
      rewritten with the other notes only (the CPU notes stay) and its
      p_filesz shrinks to match; the segments' bytes are untouched.  That
      is the dump drgn cannot read without a vmlinux.  Prints how many
      notes were dropped; exit 1 if there was none to drop.

  core-edit.py make-core FIXTURE_DIR OUT [--no-note]
      OUT is an ELF core of the fixture (scripts/gen-fixtures.sh): one
      PT_LOAD holding its rodata.bin at rodata_va, and a PT_NOTE with a
      VMCOREINFO note naming the kallsyms_* arrays a kernel's names (all
      but markers and seqs_of_names), its anchor and OSRELEASE (--no-note: no note).  ELF class and byte order
      follow the fixture; the machine is the fixture's arch.
"""
import shutil
import struct
import sys


def notes(buf, end):
    """(name, whole note bytes) of each note in buf (4-byte alignment)."""
    pos = 0
    while pos + 12 <= len(buf):
        namesz, descsz, _ = struct.unpack(end + 'III', buf[pos:pos + 12])
        name_end = pos + 12 + ((namesz + 3) & ~3)
        desc_end = name_end + ((descsz + 3) & ~3)
        if desc_end > len(buf):
            break
        yield buf[pos + 12:pos + 12 + namesz].rstrip(b'\0'), buf[pos:desc_end]
        pos = desc_end


def drop_vmcoreinfo(src, dst):
    shutil.copyfile(src, dst)
    dropped = 0
    with open(dst, 'r+b') as f:
        ident = f.read(16)
        if ident[:4] != b'\x7fELF':
            sys.exit('%s: not an ELF file' % src)
        e64 = ident[4] == 2
        end = '>' if ident[5] == 2 else '<'
        if e64:
            f.seek(0x20)
            phoff, = struct.unpack(end + 'Q', f.read(8))
            f.seek(0x36)
            phent, phnum = struct.unpack(end + 'HH', f.read(4))
            ph_fmt, fsz_at = end + 'IIQQQQQQ', 32
        else:
            f.seek(0x1c)
            phoff, = struct.unpack(end + 'I', f.read(4))
            f.seek(0x2a)
            phent, phnum = struct.unpack(end + 'HH', f.read(4))
            ph_fmt, fsz_at = end + 'IIIIIIII', 16
        word = 'Q' if e64 else 'I'
        for i in range(phnum):
            at = phoff + i * phent
            f.seek(at)
            ph = struct.unpack(ph_fmt, f.read(struct.calcsize(ph_fmt)))
            if ph[0] != 4:                      # PT_NOTE
                continue
            off, fsz = (ph[2], ph[5]) if e64 else (ph[1], ph[4])
            f.seek(off)
            keep = b''
            for name, whole in notes(f.read(fsz), end):
                if name == b'VMCOREINFO':
                    dropped += 1
                else:
                    keep += whole
            f.seek(off)
            f.write(keep + bytes(fsz - len(keep)))
            f.seek(at + fsz_at)
            f.write(struct.pack(end + word, len(keep)))
    print('dropped %d VMCOREINFO note(s)' % dropped)
    return 0 if dropped else 1


MACHINES = {'x86_64': 62, 'arm64': 183, 'i386': 3, 'arm': 40, 'armhf': 40}


def make_core(fixture, out, note=True):
    meta = {}
    arrays = {}
    with open(fixture + '/meta') as f:
        for line in f:
            w = line.split()
            if w and w[0] == 'array':
                arrays[w[1]] = int(w[2])
            elif w:
                meta[w[0]] = w[1:]
    with open(fixture + '/rodata.bin', 'rb') as f:
        data = f.read()
    e64 = meta['bits'][0] == '64'
    end = '>' if meta['endian'][0] == 'big' else '<'
    va = int(meta['rodata_va'][0], 16)
    text = 'OSRELEASE=%s\nPAGESIZE=4096\n' % meta['line'][0]
    text += 'SYMBOL(%s)=%x\n' % (meta['anchor'][0], int(meta['anchor'][1], 16))
    # what a kernel's note names (6.0+): not markers, not seqs_of_names
    for name, off in sorted(arrays.items()):
        if name not in ('kallsyms_markers', 'kallsyms_seqs_of_names'):
            text += 'SYMBOL(%s)=%x\n' % (name, va + off)
    text += 'KERNELOFFSET=0\n'
    desc = text.encode()
    name = b'VMCOREINFO\0'
    nb = struct.pack(end + 'III', len(name), len(desc), 0)
    nb += name + bytes(-len(name) % 4) + desc + bytes(-len(desc) % 4)
    if not note:
        nb = b''
    ehsz, phsz = (64, 56) if e64 else (52, 32)
    noff = ehsz + 2 * phsz
    loff = (noff + len(nb) + 4095) & ~4095
    ident = b'\x7fELF' + bytes([2 if e64 else 1, 2 if end == '>' else 1, 1])
    ident += bytes(16 - len(ident))
    mach = MACHINES.get(meta['arch'][0], 0)
    if e64:
        eh = struct.pack(end + 'HHIQQQIHHHHHH', 4, mach, 1, 0, ehsz, 0, 0,
                         ehsz, phsz, 2, 64, 0, 0)
        ph = struct.pack(end + 'IIQQQQQQ', 4, 0, noff, 0, 0, len(nb), 0, 4)
        ph += struct.pack(end + 'IIQQQQQQ', 1, 7, loff, va, 0, len(data),
                          len(data), 4096)
    else:
        eh = struct.pack(end + 'HHIIIIIHHHHHH', 4, mach, 1, 0, ehsz, 0, 0,
                         ehsz, phsz, 2, 40, 0, 0)
        ph = struct.pack(end + 'IIIIIIII', 4, noff, 0, 0, len(nb), 0, 0, 4)
        ph += struct.pack(end + 'IIIIIIII', 1, loff, va, 0, len(data),
                          len(data), 7, 4096)
    img = ident + eh + ph + nb
    with open(out, 'wb') as f:
        f.write(img + bytes(loff - len(img)) + data)
    return 0


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'drop-vmcoreinfo':
        sys.exit(drop_vmcoreinfo(sys.argv[2], sys.argv[3]))
    if len(sys.argv) in (4, 5) and sys.argv[1] == 'make-core':
        sys.exit(make_core(sys.argv[2], sys.argv[3],
                           sys.argv[4:] != ['--no-note']))
    sys.exit(__doc__)
