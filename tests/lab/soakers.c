// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * soakers: what the lab's soak suspends and resumes (workloads/suspend.sh,
 * static for the guest's initramfs), at nice 19: a pipe ping-pong pair and a forker
 * (forks a child that exits at once, over and over), each counting its
 * work into a file under /tmp (pingpong.count, forks.count) as it goes,
 * so that the guest can show each one went on after the soak. Prints
 * "soakers: pingpong PID PID forker PID" and leaves them running, their
 * output to /dev/null (so that a pipe it is read through ends).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The count, written over itself at the start of 'fd' at a fixed width (a
 * reader never sees the file empty or half written: one pwrite of one
 * line); after every round trip and every fork, since a nice-19 process
 * of a slow lab guest gets little CPU. */
static void count(int fd, unsigned long n)
{
	char b[24];

	snprintf(b, sizeof(b), "%20lu\n", n);
	if (pwrite(fd, b, strlen(b), 0) < 0)
		_exit(1);
}

static int count_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		_exit(1);
	count(fd, 0);
	return fd;
}

/* stdout to /dev/null: nothing of ours keeps the caller's pipe open
 * (the workload reads this program's output through one) */
static void quiet(void)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd >= 0) {
		dup2(fd, 1);
		close(fd);
	}
}

static void pingpong(void)
{
	int ab[2], ba[2];
	unsigned long n = 0;
	char c = 0;
	int cf = count_file("/tmp/pingpong.count");
	pid_t p;

	if (pipe(ab) || pipe(ba))
		_exit(1);
	p = fork();
	if (p < 0)
		_exit(1);
	if (!p) {
		while (read(ab[0], &c, 1) == 1 && write(ba[1], &c, 1) == 1)
			;
		_exit(0);
	}
	printf("soakers: pingpong %d %d\n", (int)getpid(), (int)p);
	fflush(stdout);
	quiet();
	for (;;) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			_exit(1);
		count(cf, ++n);
	}
}

static void forker(void)
{
	unsigned long n = 0;
	int cf = count_file("/tmp/forks.count");

	quiet();
	for (;;) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		if (p > 0)
			waitpid(p, NULL, 0);
		count(cf, ++n);
	}
}

int main(void)
{
	pid_t pp, fk;
	int sync[2];
	char c;

	/* at nice 19, as the lab's other busy processes: the guest's sampler
	 * and counter keep their CPU (the guest's busybox has no nice) */
	errno = 0;
	if (nice(19) == -1 && errno)
		perror("soakers: nice");
	if (pipe(sync))
		return 1;
	pp = fork();
	if (pp == 0) {
		close(sync[0]);
		dup2(sync[1], 1); /* its "pingpong A B" line, to the parent */
		pingpong();
	}
	close(sync[1]);
	while (read(sync[0], &c, 1) == 1 && c != '\n' && c) /* until its line is in */
		if (putchar(c) == EOF)
			break;
	fk = fork();
	if (fk == 0)
		forker();
	printf(" forker %d\n", (int)fk);
	return pp < 0 || fk < 0;
}
