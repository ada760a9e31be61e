// SPDX-License-Identifier: GPL-2.0 OR MIT
/* libgsched (see gsched.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/gsched.h"
#include "lib/escape.h"

int gsched_open(struct gsched *g, const char **why)
{
	g->fd = open(GSCHED_DEVICE, O_RDWR | O_CLOEXEC); /* pausing and writing need FMODE_WRITE */
	if (g->fd < 0) {
		int err = errno;

		*why = err == ENOENT ? GSCHED_DEVICE " not found: is gsched.ko loaded? (modprobe gsched)" :
		       err == EACCES || err == EPERM ? GSCHED_DEVICE ": permission denied (needs root / CAP_SYS_ADMIN)" :
		       strerror(err);
		return -err;
	}
	if (ioctl(g->fd, GSCHED_IOC_VERSION, &g->version) < 0) {
		int err = errno;

		*why = "GSCHED_IOC_VERSION failed: not a gsched device?";
		close(g->fd);
		return -err;
	}
	if (g->version.major != GSCHED_ABI_MAJOR) {
		*why = "gsched.ko speaks another ABI major version than this gschedctl";
		close(g->fd);
		return -EPROTO;
	}
	return 0;
}

void gsched_close(struct gsched *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

/* Grow the buffer until the module reports it holds the whole table. */
static int gsched_list(struct gsched *g, unsigned long cmd, unsigned int vm_id,
		       size_t esize, void **out, size_t *count,
		       unsigned long long *now_ns)
{
	struct gsched_list l;
	unsigned int cap = 64;
	void *buf = NULL;

	for (int tries = 0; tries < 8; tries++) {
		void *nbuf = realloc(buf, (size_t)cap * esize);

		if (!nbuf) {
			free(buf);
			return -ENOMEM;
		}
		buf = nbuf;
		memset(&l, 0, sizeof(l));
		l.buf = (unsigned long long)(uintptr_t)buf;
		l.capacity = cap;
		l.elem_size = (unsigned int)esize;
		l.vm_id = vm_id;
		if (ioctl(g->fd, cmd, &l) < 0) {
			int err = errno;

			free(buf);
			return -err;
		}
		if (l.total <= l.count) {
			*out = buf;
			*count = l.count;
			if (now_ns)
				*now_ns = l.now_ns;
			return 0;
		}
		cap = l.total + l.total / 4 + 16;
	}
	free(buf);
	return -EAGAIN;
}

int gsched_list_vms(struct gsched *g, struct gsched_vm_info **out, size_t *count,
		    unsigned long long *now_ns)
{
	return gsched_list(g, GSCHED_IOC_LIST_VMS, 0, sizeof(**out), (void **)out,
			   count, now_ns);
}

int gsched_list_vcpus(struct gsched *g, unsigned int vm_id,
		      struct gsched_vcpu_info **out, size_t *count)
{
	return gsched_list(g, GSCHED_IOC_LIST_VCPUS, vm_id, sizeof(**out),
			   (void **)out, count, NULL);
}

int gsched_list_spaces(struct gsched *g, unsigned int vm_id,
		       struct gsched_space_info **out, size_t *count,
		       unsigned long long *now_ns)
{
	return gsched_list(g, GSCHED_IOC_LIST_SPACES, vm_id, sizeof(**out),
			   (void **)out, count, now_ns);
}

void gsched_vm_name(int pid, char *buf, size_t len)
{
	char path[64], args[8192];
	size_t n, i;
	FILE *f;

	buf[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(args, 1, sizeof(args) - 1, f);
	fclose(f);
	args[n] = 0;
	/* args is NUL-separated; look for "-name" followed by its value. */
	for (i = 0; i < n; i += strlen(args + i) + 1) {
		const char *v, *a = args + i;

		if (strcmp(a, "-name") || i + strlen(a) + 1 >= n)
			continue;
		v = a + strlen(a) + 1;
		if (!strncmp(v, "guest=", 6))
			v += 6;
		gs_escape(buf, len, v, strcspn(v, ","));
		return;
	}
	/* No -name: the program's base name. */
	gs_escape(buf, len, strrchr(args, '/') ? strrchr(args, '/') + 1 : args, n);
}

unsigned long long gsched_proc_start(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* after the comm's closing parenthesis (a comm may hold any byte):
	 * field 3 (state) on; starttime is field 22 */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &start) != 1)
		return 0;
	return start;
}

int gsched_list_memslots(struct gsched *g, unsigned int vm_id,
			 struct gsched_memslot **out, size_t *count)
{
	struct gsched_memslot *n;
	char *v1;
	int err;

	if (g->version.minor >= 3)
		return gsched_list(g, GSCHED_IOC_LIST_MEMSLOTS, vm_id, sizeof(**out),
				   (void **)out, count, NULL);
	/* ABI 1.1/1.2: the slots without their hva (0) */
	err = gsched_list(g, GSCHED_IOC_LIST_MEMSLOTS, vm_id, GSCHED_MEMSLOT_V1_SIZE,
			  (void **)&v1, count, NULL);
	if (err)
		return err;
	n = calloc(*count ? *count : 1, sizeof(*n));
	if (!n) {
		free(v1);
		return -ENOMEM;
	}
	for (size_t i = 0; i < *count; i++)
		memcpy(&n[i], v1 + i * GSCHED_MEMSLOT_V1_SIZE, GSCHED_MEMSLOT_V1_SIZE);
	free(v1);
	*out = n;
	return 0;
}

int gsched_mem_rw(struct gsched *g, unsigned int vm_id, unsigned long long gpa,
		  void *buf, size_t len, int write)
{
	while (len) {
		size_t n = len > GSCHED_MEM_MAX ? GSCHED_MEM_MAX : len;
		struct gsched_mem m = { .vm_id = vm_id, .gpa = gpa,
					.buf = (unsigned long long)(uintptr_t)buf, .len = n };

		if (ioctl(g->fd, write ? GSCHED_IOC_MEM_WRITE : GSCHED_IOC_MEM_READ, &m) < 0)
			return -errno;
		gpa += n;
		buf = (char *)buf + n;
		len -= n;
	}
	return 0;
}

int gsched_pause(struct gsched *g, unsigned int vm_id, unsigned int timeout_ms,
		 struct gsched_pause *out)
{
	struct gsched_pause p = { .vm_id = vm_id, .timeout_ms = timeout_ms };
	int err = ioctl(g->fd, GSCHED_IOC_PAUSE, &p) < 0 ? -errno : 0;

	if (out)
		*out = p;
	return err;
}

int gsched_resume(struct gsched *g, unsigned int vm_id)
{
	struct gsched_pause p = { .vm_id = vm_id };

	return ioctl(g->fd, GSCHED_IOC_RESUME, &p) < 0 ? -errno : 0;
}

int gsched_call(struct gsched *g, struct gsched_call *c)
{
	return ioctl(g->fd, GSCHED_IOC_CALL, c) < 0 ? -errno : 0;
}

int gsched_vcpu_regs(struct gsched *g, unsigned int vm_id, unsigned int index,
		     struct gsched_vcpu_regs *out)
{
	memset(out, 0, sizeof(*out));
	out->vm_id = vm_id;
	out->index = index;
	return ioctl(g->fd, GSCHED_IOC_VCPU_REGS, out) < 0 ? -errno : 0;
}

unsigned int gsched_param(const char *name)
{
	char path[128];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/gsched/parameters/%s", name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%u", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}
