/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Guest memory behind one small interface (after LibVMI's drivers, with six
 * operations instead of sixty): read and write guest physical memory, vCPU
 * registers, pause and resume. Backends: an in-memory buffer (tests, images
 * loaded whole); the file and gsched.ko backends come next (issue 3).
 * Everything read through it is untrusted guest data.
 */
#ifndef GSCHED_VMI_MEM_H
#define GSCHED_VMI_MEM_H
#include <stddef.h>
#include <stdint.h>

struct vmi_regs {
	uint64_t cr3, cr4, gs_base, efer;
};

struct vmi_mem_ops {
	const char *name;
	/* 0 or -errno; a read that is not whole fails. */
	int (*read)(void *ctx, uint64_t pa, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t pa, const void *buf, size_t len);
	int (*regs)(void *ctx, unsigned int vcpu, struct vmi_regs *out);
	int (*pause)(void *ctx);
	int (*resume)(void *ctx);
	void (*close)(void *ctx);
};

struct vmi_mem {
	const struct vmi_mem_ops *ops;
	void *ctx;
	uint64_t size;       /* bytes of guest physical memory, if known */
	uint64_t generation; /* bumped on resume: caches keyed on it go stale */
};

int vmi_read(struct vmi_mem *m, uint64_t pa, void *buf, size_t len);
int vmi_write(struct vmi_mem *m, uint64_t pa, const void *buf, size_t len);
int vmi_regs(struct vmi_mem *m, unsigned int vcpu, struct vmi_regs *out);
int vmi_pause(struct vmi_mem *m);
int vmi_resume(struct vmi_mem *m);
void vmi_close(struct vmi_mem *m);

/* In-memory backend over 'buf' (not copied; 'regs' may be NULL). */
int vmi_mem_buffer(struct vmi_mem *m, void *buf, uint64_t size,
		   const struct vmi_regs *regs);

#endif
