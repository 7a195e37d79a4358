#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# setup.sh - install what ksym_verify's checks need on Debian 12 (bookworm).
# Everything comes from Debian's archive; the machine's apt sources are not
# touched (sid is reached later through a private list under the cache).
# Run as root, or as a user who may sudo.
set -euo pipefail

pkgs=(
	make gcc clang libclang-rt-14-dev perl xz-utils
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
	# the module on the other architectures' Debian kernels (qemu.sh)
	gcc-i686-linux-gnu gcc-arm-linux-gnueabihf gcc-s390x-linux-gnu
	gcc-powerpc64le-linux-gnu gcc-riscv64-linux-gnu
	# a static arm64 ksymdump for the guests' /proc/kcore (qemu.sh --dump)
	libc6-dev-arm64-cross
	sparse debian-archive-keyring
	linux-headers-6.12-amd64
	qemu-system-x86 qemu-system-arm busybox-static cpio gzip
	# ksymdump's ground truth on other architectures (capture-foreign.sh)
	qemu-system-ppc qemu-system-mips qemu-system-misc
	flex bison bc libelf-dev libssl-dev openssl python3
	# ksymdump: the kernel's compressors, and objcopy for its tests
	zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev liblzo2-dev binutils
	# and their tools, to make the tests' containers
	lz4 lzop zstd
	# the reference writer of kdump-compressed files (qemu.sh --dump)
	makedumpfile
	# peak memory of one process in the tests and benchmarks
	time
	# dkms.conf is tested with Debian's dkms (scripts/dkms-test.sh)
	dkms kmod
)

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
echo "setup: apt-get update" >&2
$sudo apt-get -q update >/dev/null
echo "setup: installing ${pkgs[*]}" >&2
$sudo apt-get -q install -y --no-install-recommends "${pkgs[@]}" >/dev/null
echo "setup: done" >&2
