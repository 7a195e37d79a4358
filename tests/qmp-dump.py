#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""qmp-dump.py - memory dumps of a running guest through QEMU's QMP socket.

  qmp-dump.py SOCKET SERIAL_LOG OUTDIR NAME=FORMAT[,paging]...

Waits (up to 600 s) until the guest has printed "==KSYM-DONE" to its
serial log, then asks QEMU for each dump in turn (dump-guest-memory:
FORMAT elf or kdump-zlib, paging for ELF segments with the guest's
virtual addresses), writes OUTDIR/NAME, prints "NAME BYTES SECONDS" for
each, and quits QEMU.  Exit status 1 if the guest never got there or QEMU
refused a dump (its error is printed).
"""
import json
import os
import socket
import sys
import time


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise OSError('no QMP socket at ' + path)
        self.f = self.s.makefile('rw')
        self.reply()                            # the greeting
        self.cmd('qmp_capabilities')

    def reply(self):
        while True:
            line = self.f.readline()
            if not line:
                raise OSError('QMP socket closed')
            msg = json.loads(line)
            if 'event' not in msg:
                return msg

    def cmd(self, name, **args):
        self.f.write(json.dumps({'execute': name, 'arguments': args}) + '\n')
        self.f.flush()
        msg = self.reply()
        if 'error' in msg:
            raise RuntimeError('%s: %s' % (name, msg['error'].get('desc')))
        return msg['return']


def wait_done(log, limit):
    end = time.time() + limit
    while time.time() < end:
        try:
            with open(log, 'rb') as f:
                if b'==KSYM-DONE' in f.read():
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    sock, log, out = argv[1:4]
    specs = [a.split('=', 1) for a in argv[4:]]
    if not wait_done(log, 600):
        print('# the guest never printed ==KSYM-DONE')
        return 1
    q = Qmp(sock)
    rc = 0
    for name, spec in specs:
        fmt, _, opt = spec.partition(',')
        path = os.path.join(out, name)
        t = time.time()
        try:
            q.cmd('dump-guest-memory', paging=(opt == 'paging'),
                  protocol='file:' + path, format=fmt)
        except RuntimeError as e:
            print('# %s: QEMU refused the dump: %s' % (name, e))
            rc = 1
            continue
        print('%s %d %.1f' % (name, os.path.getsize(path), time.time() - t))
    try:
        q.cmd('quit')
    except OSError:
        pass
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv))
