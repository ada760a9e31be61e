/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tiny types shim that lets kmod/core/ compile both into gsched.ko and into
 * the userspace unit tests. Nothing in core/ includes any other header.
 */
#ifndef GS_CORE_TYPES_H
#define GS_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
#endif

/* Inlined into every caller: the few helpers of the CR3-switch path, each
 * called from several places (a call costs as much as their body). */
#define GS_HOT inline __attribute__((__always_inline__))

#endif
