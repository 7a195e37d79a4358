/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few types and helpers decoder.c needs, in the kernel and in
 * userspace.  This is the only place that knows which one it is, and the
 * only place that knows which kernel version it is built against.
 */
#ifndef KSYM_COMPAT_H
#define KSYM_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)
#include <linux/stdarg.h>	/* before 5.15, <linux/kernel.h> has it */
#endif
#include <linux/build_bug.h>
#include <linux/stddef.h>

/*
 * 6.1's link-vmlinux.sh feeds scripts/kallsyms the output of
 * scripts/mksysmap, which drops .L*, __kstrtab_* and __kstrtabns_*
 * ("kbuild: reuse mksysmap output for kallsyms"); 5.10 fed it nm's.
 */
#define KSYM_KALLSYMS_FROM_MKSYSMAP \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0))

/*
 * kallsyms' range checks (is_kernel_text(), is_kernel_inittext(),
 * is_kernel()) include the end address in 5.10's <linux/kallsyms.h> and
 * exclude it in 6.1's <asm-generic/sections.h> ("kallsyms: fix
 * address-checks for kernel related range", merged for 5.16).
 */
#define KSYM_RANGE_END_INCLUSIVE \
	(LINUX_VERSION_CODE < KERNEL_VERSION(5, 16, 0))
#else
#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

/* the Makefile passes the real attribute; other builders get none */
#ifndef __printf
#define __printf(...)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif
#ifndef __packed
#define __packed	/* as __printf: layout only, never meaning */
#endif
#endif /* __KERNEL__ */

#endif /* KSYM_COMPAT_H */
