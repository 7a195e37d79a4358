# SPDX-License-Identifier: GPL-2.0
#
# kunit.py --qemu_config for x86_64 without qboot: the qboot.rom of
# Debian 12's QEMU does not boot 7.x kernels (no output at all), while
# the default SeaBIOS does.  Otherwise the same as kunit's own x86_64.py.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=[])
