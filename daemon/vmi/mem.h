/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Guest memory behind one small interface (after LibVMI's drivers, with a
 * handful of operations instead of sixty): read and write guest physical
 * memory, vCPU registers, pause and resume, guest calls, and optionally a
 * batch read of whole pages. Backends: an in-memory buffer (tests, images
 * loaded whole), a file (memory images, file.c) and gsched.ko (kvm.c).
 * Everything read through it is untrusted guest data.
 */
#ifndef GSCHED_VMI_MEM_H
#define GSCHED_VMI_MEM_H
#include <stddef.h>
#include <stdint.h>

struct vmi_regs {
	uint64_t cr3, cr4, gs_base, efer;
};

/* A call made by the guest's kernel (gsched.ko's GSCHED_IOC_CALL): up to
 * three functions in order on one vCPU, one argument each, returning to
 * the HLT at hlt; ret[] and vcpu out. */
struct vmi_call {
	unsigned int nr;
	uint64_t fn[3], arg[3], ret[3];
	uint64_t hlt;
	int vcpu;
	uint64_t wait_ns;
};

struct vmi_mem_ops {
	const char *name;
	/* 0 or -errno; a read that is not whole fails. */
	int (*read)(void *ctx, uint64_t pa, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t pa, const void *buf, size_t len);
	int (*regs)(void *ctx, unsigned int vcpu, struct vmi_regs *out);
	int (*pause)(void *ctx);
	int (*resume)(void *ctx);
	int (*call)(void *ctx, struct vmi_call *c); /* needs the VM paused */
	/* Optional: read n whole pages (pa[i] page-aligned) into buf[i] in
	 * one go; ok[i] says which were read. 0, or -errno if none could be. */
	int (*readv)(void *ctx, const uint64_t *pa, void *const *buf, unsigned int n,
		     unsigned char *ok);
	void (*close)(void *ctx);
};

struct vmi_pcache;

struct vmi_mem {
	const struct vmi_mem_ops *ops;
	void *ctx;
	uint64_t size;       /* bytes of guest physical memory, if known */
	uint64_t generation; /* bumped on pause and resume: caches keyed on it go stale */
	struct vmi_pcache *pc; /* page cache (vmi_mem_cache), may be NULL */
	/* RAM ranges [start, end) for scans (memslots; [0, size) otherwise) */
	struct vmi_range { uint64_t start, end; } ranges[32];
	int nranges;
	int paused;          /* between vmi_mem_paused and vmi_mem_resumed */
	uint64_t backend_reads, cache_hits;
	uint64_t prefetched, prefetch_used; /* pages, over the whole session */
};

int vmi_read(struct vmi_mem *m, uint64_t pa, void *buf, size_t len);
int vmi_write(struct vmi_mem *m, uint64_t pa, const void *buf, size_t len);
int vmi_regs(struct vmi_mem *m, unsigned int vcpu, struct vmi_regs *out);
int vmi_pause(struct vmi_mem *m);
int vmi_resume(struct vmi_mem *m);
int vmi_call(struct vmi_mem *m, struct vmi_call *c);
void vmi_close(struct vmi_mem *m);

/* Cache whole guest pages read through 'm' (valid until the next pause or
 * resume); 'pages' slots, direct-mapped on a hash of the pfn. 0 or -ENOMEM.
 * The cache also remembers which pages a pause read (its working set, up to
 * 'pages' of them): the next pause reads them again first, in batches, where
 * the backend can (readv), instead of one read per page as the walk meets
 * them. A scheduling period's walk reads nearly the same pages each time. */
int vmi_mem_cache(struct vmi_mem *m, unsigned int pages);

/* The VM was paused (by vmi_pause or by the caller): nothing cached before
 * is of this pause; the last pause's working set is read in now. */
void vmi_mem_paused(struct vmi_mem *m);
/* The VM runs again: nothing cached is of it any more. */
void vmi_mem_resumed(struct vmi_mem *m);

/* In-memory backend over 'buf' (not copied; 'regs' may be NULL). */
int vmi_mem_buffer(struct vmi_mem *m, void *buf, uint64_t size,
		   const struct vmi_regs *regs);

/* file.c: a raw image of guest physical memory (a dump, or QEMU's
 * memory-backend-file of a guest whose RAM is below the PCI hole): byte N of
 * the file is guest physical address N. Read-only unless 'writable'. */
int vmi_mem_file(struct vmi_mem *m, const char *path, int writable);

/* kvm.c: a live VM through gsched.ko (/dev/gsched, root only). 'g' is an
 * open struct gsched (lib/gsched.h) that must outlive 'm'. */
struct gsched;
int vmi_mem_kvm(struct vmi_mem *m, struct gsched *g, unsigned int vm_id);

#endif
