/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that compares kernel versions. It picks the per-version file
 * that declares every KVM/scheduler internal gsched relies on (private struct
 * prefixes, tracepoint prototypes). Each of them is also
 * checked against the running kernel's BTF at load time (layout.c).
 */
#ifndef GS_COMPAT_H
#define GS_COMPAT_H
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#error "gsched: Linux > 6.12 is not supported yet; add kmod/compat/kvm-<ver>.h"
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include "kvm-6.12.h"
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#include "kvm-6.1.h"
#else
#error "gsched supports Linux 6.1 (Debian bookworm) and 6.12 (bookworm-backports)"
#endif

#endif
