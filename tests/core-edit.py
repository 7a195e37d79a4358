#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""core-edit.py - rewrite an ELF core (a vmcore or a QEMU memory dump).

  core-edit.py drop-vmcoreinfo IN OUT
      OUT is IN without its VMCOREINFO note: each PT_NOTE segment is
      rewritten with the other notes only (the CPU notes stay) and its
      p_filesz shrinks to match; the segments' bytes are untouched.  That
      is the dump drgn cannot read without a vmlinux.  Prints how many
      notes were dropped; exit 1 if there was none to drop.

  core-edit.py phdrs-first IN OUT
      OUT is IN (an ELF64 core) with its program headers moved to just
      after the ELF header and its section headers dropped, where
      makedumpfile 1.7.2 reads them (it ignores e_phoff; QEMU puts its
      section headers there).  Exit 1 if they do not fit before the
      first segment's bytes.

  core-edit.py to-raw IN OUT
      OUT is the physical memory of IN (an ELF64 core with physical
      addresses: QEMU's dump-guest-memory without paging) as dd(1) or
      QEMU's pmemsave would write it: each PT_LOAD's bytes at the file
      offset of its p_paddr, the holes between them zeros (a sparse
      file).  No header, no note, no virtual address.

  core-edit.py to-lime IN OUT
      OUT is the same memory in LiME's format (lime.ko's format=lime):
      for each PT_LOAD a 32-byte header (magic 0x4c694d45, version 1, the
      first and the last physical address, 8 reserved bytes), then its
      bytes.

  core-edit.py make-raw FIXTURE_DIR OUT [--lime]
      OUT is raw physical memory holding the fixture: a page at 0x2000
      with the VMCOREINFO text of make-core (as a kernel keeps it in
      vmcoreinfo_data, zeros after it), and the fixture's rodata.bin at
      0x10000, zeros between; nothing says where the kernel's virtual
      addresses are but that text.  With --lime, the two in LiME's
      format (two ranges).

  core-edit.py make-core FIXTURE_DIR OUT [--no-note]
      OUT is an ELF core of the fixture (scripts/gen-fixtures.sh): one
      PT_LOAD holding its rodata.bin at rodata_va, and a PT_NOTE with a
      VMCOREINFO note naming the kallsyms_* arrays a kernel's names (all
      but markers and seqs_of_names), its anchor and OSRELEASE (with
      --no-note, none).  ELF class and byte order follow the fixture; the
      machine is the fixture's arch.

  core-edit.py make-kdump FIXTURE_DIR OUT
      OUT is a kdump-compressed file (the 64-bit layout makedumpfile and
      QEMU write) of a 64-bit fixture: its rodata.bin at the physical
      address an x86_64 image at rodata_va has with phys_base 0x1000000
      (aarch64: kimage_voffset puts it at 16 MiB), pages compressed with
      zlib or stored, five other dumped pages just before it, the rest of
      memory left out by the bitmap, and the VMCOREINFO text of make-core.

  core-edit.py hostile FIXTURE_DIR DIR
      lying dumps made from a 64-bit fixture, each for ksymdump to refuse
      with a message: kdump-truncated (cut at 60%), kdump-allbits (every
      frame marked dumped, its descriptors garbage), kdump-mapnr (2^40
      frames claimed), core-lying (a PT_LOAD of 1 TiB), core-xnum
      (PN_XNUM with 2^31 program headers).
"""
import os
import shutil
import zlib
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


def phdrs_first(src, dst):
    with open(src, 'rb') as f:
        head = bytearray(f.read(1 << 20))
    if head[:4] != b'\x7fELF' or head[4] != 2:
        sys.exit('%s: not an ELF64 file' % src)
    end = '>' if head[5] == 2 else '<'
    phoff, = struct.unpack(end + 'Q', head[0x20:0x28])
    phent, phnum = struct.unpack(end + 'HH', head[0x36:0x3a])
    ph = head[phoff:phoff + phent * phnum]
    first = min(struct.unpack(end + 'Q', ph[i * phent + 8:i * phent + 16])[0]
                for i in range(phnum))
    if phnum == 0xffff or 64 + len(ph) > first:
        print('program headers (%d) do not fit before 0x%x' % (phnum, first))
        return 1
    shutil.copyfile(src, dst)
    with open(dst, 'r+b') as f:
        f.seek(0x20)
        f.write(struct.pack(end + 'QQ', 64, 0))     # e_phoff, e_shoff
        f.seek(0x3c)
        f.write(struct.pack(end + 'HH', 0, 0))      # e_shnum, e_shstrndx
        f.seek(64)
        f.write(ph)
    return 0


def loads(src):
    """The PT_LOAD segments of an ELF64 core: (p_offset, p_paddr, p_filesz)."""
    with open(src, 'rb') as f:
        head = f.read(64)
        if head[:4] != b'\x7fELF' or head[4] != 2:
            sys.exit('%s: not an ELF64 file' % src)
        end = '>' if head[5] == 2 else '<'
        phoff, = struct.unpack(end + 'Q', head[0x20:0x28])
        phent, phnum = struct.unpack(end + 'HH', head[0x36:0x3a])
        f.seek(phoff)
        ph = f.read(phent * phnum)
    out = []
    for i in range(phnum):
        e = ph[i * phent:(i + 1) * phent]
        p_type, = struct.unpack(end + 'I', e[0:4])
        if p_type != 1:
            continue
        off, _, paddr, filesz = struct.unpack(end + 'QQQQ', e[8:40])
        if filesz:
            out.append((off, paddr, filesz))
    return out


def copy_range(fi, fo, off, size):
    fi.seek(off)
    while size:
        b = fi.read(min(size, 1 << 24))
        if not b:
            sys.exit('the dump ends inside a segment')
        fo.write(b)
        size -= len(b)


def to_raw(src, dst):
    segs = loads(src)
    with open(src, 'rb') as fi, open(dst, 'wb') as fo:
        for off, paddr, size in sorted(segs, key=lambda s: s[1]):
            fo.seek(paddr)
            copy_range(fi, fo, off, size)
        fo.truncate(max(p + n for _, p, n in segs))
    print('%d segments, %d bytes of memory' % (len(segs), sum(n for _, _, n in segs)))
    return 0


def to_lime(src, dst):
    segs = loads(src)
    with open(src, 'rb') as fi, open(dst, 'wb') as fo:
        for off, paddr, size in sorted(segs, key=lambda s: s[1]):
            fo.write(struct.pack('<IIQQQ', 0x4c694d45, 1, paddr, paddr + size - 1, 0))
            copy_range(fi, fo, off, size)
    print('%d ranges' % len(segs))
    return 0


def read_fixture(fixture):
    """(meta, arrays, rodata) of a fixture directory."""
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
        return meta, arrays, f.read()


def note_text(meta, arrays, extra=''):
    """A VMCOREINFO text for the fixture, as a 6.0+ kernel writes one."""
    va = int(meta['rodata_va'][0], 16)
    text = 'OSRELEASE=%s\nPAGESIZE=4096\n' % meta['line'][0] + extra
    text += 'SYMBOL(%s)=%x\n' % (meta['anchor'][0], int(meta['anchor'][1], 16))
    # what a kernel's note names: not markers, not seqs_of_names
    for name, off in sorted(arrays.items()):
        if name not in ('kallsyms_markers', 'kallsyms_seqs_of_names'):
            text += 'SYMBOL(%s)=%x\n' % (name, va + off)
    return text + 'KERNELOFFSET=0\n'


def make_core(fixture, out, note=True):
    meta, arrays, data = read_fixture(fixture)
    e64 = meta['bits'][0] == '64'
    end = '>' if meta['endian'][0] == 'big' else '<'
    va = int(meta['rodata_va'][0], 16)
    desc = note_text(meta, arrays).encode()
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


RAW_NOTE_AT = 0x2000
RAW_DATA_AT = 0x10000


def make_raw(fixture, out, lime=False):
    meta, arrays, data = read_fixture(fixture)
    page = note_text(meta, arrays).encode()
    page += bytes(4096 - len(page))
    with open(out, 'wb') as f:
        if lime:
            for at, b in ((RAW_NOTE_AT, page), (RAW_DATA_AT, data)):
                f.write(struct.pack('<IIQQQ', 0x4c694d45, 1, at, at + len(b) - 1, 0))
                f.write(b)
        else:
            f.write(bytes(RAW_NOTE_AT) + page +
                    bytes(RAW_DATA_AT - RAW_NOTE_AT - len(page)) + data)
    return 0


def make_kdump(fixture, out):
    meta, arrays, data = read_fixture(fixture)
    if meta['bits'][0] != '64':
        sys.exit('make-kdump: 64-bit fixtures only')
    end = '>' if meta['endian'][0] == 'big' else '<'
    va = int(meta['rodata_va'][0], 16)
    blk = 4096
    arm = meta['arch'][0] == 'arm64'
    if arm:
        pa = 16 << 20
        extra = 'NUMBER(kimage_voffset)=0x%x\n' % (va - pa)
        phys_base = 0
    else:
        phys_base = 0x1000000
        pa = va - 0xffffffff80000000 + phys_base
        extra = 'NUMBER(phys_base)=%d\n' % phys_base
    text = note_text(meta, arrays, extra).encode()
    # the fixture at pa (not page-aligned), in whole pages
    first = pa // blk
    head = pa - first * blk
    body = bytes(head) + data
    body += bytes(-len(body) % blk)
    pfns = list(range(first - 8, first - 3)) + \
        list(range(first, first + len(body) // blk))
    nr_pfn = first + len(body) // blk + 64
    bm_bytes = ((nr_pfn + 7) // 8 + blk - 1) // blk * blk
    bitmap = bytearray(bm_bytes)
    for p in pfns:
        bitmap[p >> 3] |= 1 << (p & 7)
    sub_blocks = 1
    bm_blocks = 2 * bm_bytes // blk
    desc_at = (1 + sub_blocks + bm_blocks) * blk
    vi_at = blk + 128
    pages_at = desc_at + 24 * len(pfns)
    descs = b''
    pages = b''
    for i, p in enumerate(pfns):
        raw = body[(p - first) * blk:(p - first + 1) * blk] if p >= first \
            else bytes([p & 0xff]) * blk
        z = zlib.compress(raw)
        if i % 3 == 2 or len(z) >= blk:
            z, flags = raw, 0
        else:
            flags = 1
        descs += struct.pack(end + 'qIIQ', pages_at + len(pages), len(z),
                             flags, 0)
        pages += z
    uts = b''
    for field in (b'Linux', b'core-edit', meta['line'][0].encode(), b'#1',
                  b'aarch64' if arm else b'x86_64', b'(none)'):
        uts += field + bytes(65 - len(field))
    hdr = b'KDUMP   ' + struct.pack(end + 'i', 6) + uts
    hdr += bytes(408 - len(hdr)) + struct.pack(end + 'qq', 0, 0)
    hdr += struct.pack(end + 'IiiIIIIIIi', 0, blk, sub_blocks, bm_blocks,
                       nr_pfn, len(pfns), 0, 0, 0, 1)
    sub = struct.pack(end + 'Qiiqq', phys_base, 31, 0, 0, nr_pfn)
    sub += struct.pack(end + 'QQ', vi_at, len(text))
    sub += bytes(96 - len(sub)) + struct.pack(end + 'Q', nr_pfn)
    with open(out, 'wb') as f:
        f.write(hdr + bytes(blk - len(hdr)))
        f.write(sub + bytes(128 - len(sub)) + text)
        f.write(bytes(2 * blk - f.tell()))
        f.write(bytes(bm_bytes))           # first bitmap: present (unread)
        f.write(bitmap)                    # second: dumped
        f.write(descs + pages)
    return 0


def hostile(fixture, d):
    os.makedirs(d, exist_ok=True)
    kd = os.path.join(d, 'kdump-ok')
    make_kdump(fixture, kd)
    with open(kd, 'rb') as f:
        good = bytearray(f.read())
    os.unlink(kd)
    blk = 4096
    with open(os.path.join(d, 'kdump-truncated'), 'wb') as f:
        f.write(good[:len(good) * 6 // 10])
    bad = bytearray(good)
    bm_blocks, = struct.unpack('<I', bad[436:440])
    half = bm_blocks * blk // 2
    at = 2 * blk + half
    bad[at:at + half] = b'\xff' * half
    with open(os.path.join(d, 'kdump-allbits'), 'wb') as f:
        f.write(bad)
    bad = bytearray(good)
    bad[blk + 96:blk + 104] = struct.pack('<Q', 1 << 40)
    with open(os.path.join(d, 'kdump-mapnr'), 'wb') as f:
        f.write(bad)
    core = os.path.join(d, 'core-ok')
    make_core(fixture, core)
    with open(core, 'rb') as f:
        good = bytearray(f.read())
    os.unlink(core)
    bad = bytearray(good)
    # the second program header (PT_LOAD): p_filesz 1 TiB
    bad[64 + 56 + 32:64 + 56 + 40] = struct.pack('<Q', 1 << 40)
    with open(os.path.join(d, 'core-lying'), 'wb') as f:
        f.write(bad)
    bad = bytearray(good)
    # e_phnum PN_XNUM, section 0 (at e_shoff) with sh_info 2^31
    shoff = len(bad)
    bad[0x28:0x30] = struct.pack('<Q', shoff)
    bad[0x38:0x3a] = struct.pack('<H', 0xffff)
    bad += bytes(44) + struct.pack('<I', 1 << 31) + bytes(16)
    with open(os.path.join(d, 'core-xnum'), 'wb') as f:
        f.write(bad)
    return 0


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'drop-vmcoreinfo':
        sys.exit(drop_vmcoreinfo(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == 'phdrs-first':
        sys.exit(phdrs_first(sys.argv[2], sys.argv[3]))
    if len(sys.argv) in (4, 5) and sys.argv[1] == 'make-raw':
        sys.exit(make_raw(sys.argv[2], sys.argv[3], sys.argv[4:] == ['--lime']))
    if len(sys.argv) == 4 and sys.argv[1] == 'to-raw':
        sys.exit(to_raw(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == 'to-lime':
        sys.exit(to_lime(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == 'hostile':
        sys.exit(hostile(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == 'make-kdump':
        sys.exit(make_kdump(sys.argv[2], sys.argv[3]))
    if len(sys.argv) in (4, 5) and sys.argv[1] == 'make-core':
        sys.exit(make_core(sys.argv[2], sys.argv[3],
                           sys.argv[4:] != ['--no-note']))
    sys.exit(__doc__)
