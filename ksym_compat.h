/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksym_compat.h - the few types and helpers decoder.c needs, in the kernel
 * and in userspace.  This is the only place that knows which one it is.
 */
#ifndef KSYM_COMPAT_H
#define KSYM_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/stdarg.h>
#else
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif
#endif /* __KERNEL__ */

#endif /* KSYM_COMPAT_H */
