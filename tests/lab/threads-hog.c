// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A busy process of three threads for the lab's suspend scenario
 * (workloads/suspend.sh, static for the guest's initramfs): the main thread
 * and two more spin. The guest's /proc/PID/stat sums the CPU time of all
 * three, so it stands still only while gsched holds every thread of the
 * process in the freezer trap.
 */
#include <pthread.h>

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

int main(void)
{
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, spin, NULL))
			return 1;
	spin(NULL);
	return 0;
}
