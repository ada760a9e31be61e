/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The one monotonic clock of userspace gsched: nanoseconds, and seconds for
 * progress messages. */
#ifndef GSCHED_LIB_CLOCK_H
#define GSCHED_LIB_CLOCK_H
#include <stdint.h>
#include <time.h>

static inline uint64_t gs_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline double gs_mono_s(void)
{
	return gs_mono_ns() / 1e9;
}

#endif
