// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * File backend of the guest memory interface: a raw image of guest physical
 * memory, mapped (offline analysis, benchmarks, tests). No vCPU registers:
 * introspection finds the kernel from memory alone (vmi/../linux/kaslr.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vmi/mem.h"

struct vmi_file {
	uint8_t *map;
	uint64_t size;
	int writable;
};

static int file_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct vmi_file *f = ctx;

	if (pa > f->size || len > f->size - pa)
		return -EFAULT;
	memcpy(buf, f->map + pa, len);
	return 0;
}

static int file_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct vmi_file *f = ctx;

	if (!f->writable)
		return -EROFS;
	if (pa > f->size || len > f->size - pa)
		return -EFAULT;
	memcpy(f->map + pa, buf, len);
	return 0;
}

static void file_close(void *ctx)
{
	struct vmi_file *f = ctx;

	munmap(f->map, f->size);
	free(f);
}

static const struct vmi_mem_ops file_ops = {
	.name = "file",
	.read = file_read,
	.write = file_write,
	.close = file_close,
};

int vmi_mem_file(struct vmi_mem *m, const char *path, int writable)
{
	struct vmi_file *f;
	struct stat st;
	int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size <= 0) {
		err = st.st_size <= 0 ? -EINVAL : -errno;
		close(fd);
		return err;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	f->size = (uint64_t)st.st_size;
	f->writable = writable;
	f->map = mmap(NULL, f->size, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
	err = f->map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err) {
		free(f);
		return err;
	}
	memset(m, 0, sizeof(*m));
	m->ops = &file_ops;
	m->ctx = f;
	m->size = f->size;
	m->ranges[0].end = f->size;
	m->nranges = 1;
	return 0;
}
