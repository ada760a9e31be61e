// SPDX-License-Identifier: GPL-2.0
/*
 * Load-time check of every KVM/scheduler internal gsched relies on against
 * the running kernel's BTF (/sys/kernel/btf/{vmlinux,kvm,kvm_amd}): the
 * private struct vcpu_svm prefix, the kvm_vcpu fields the probes read, and the
 * prototypes of the tracepoints they attach to. A mismatch refuses the load
 * with a message naming the field, instead of corrupting memory.
 */
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "compat/compat.h"
#include "core/btf.h"
#include "gsched.h"

struct gs_btf_file {
	const char *name;
	void *data;
	u32 *index;
	struct gs_btf btf;
};

/* Whole sysfs BTF file into a vmalloc'd buffer. Not kernel_read_file():
 * that is for firmware and modules, and LSMs such as 6.12's IPE warn on
 * other reads through it. */
static ssize_t gs_read_whole(const char *path, void **data)
{
	struct file *file = filp_open(path, O_RDONLY, 0);
	loff_t size, pos = 0;
	ssize_t n = 0;

	if (IS_ERR(file))
		return PTR_ERR(file);
	size = i_size_read(file_inode(file));
	if (size <= 0 || size > SZ_256M) {
		n = -EFBIG;
		goto out;
	}
	*data = vmalloc(size);
	if (!*data) {
		n = -ENOMEM;
		goto out;
	}
	while (pos < size) {
		n = kernel_read(file, (char *)*data + pos, size - pos, &pos);
		if (n <= 0)
			break;
	}
	n = n < 0 ? n : pos;
out:
	fput(file);
	return n;
}

static int gs_btf_load(struct gs_btf_file *f, const struct gs_btf *base)
{
	char path[64];
	ssize_t n;
	u32 nr;
	int err;

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", f->name);
	n = gs_read_whole(path, &f->data);
	if (n < 0) {
		vfree(f->data);
		f->data = NULL;
		pr_err(GS_NAME ": cannot read %s (%zd): the layout check needs the kernel's BTF (CONFIG_DEBUG_INFO_BTF%s)\n",
		       path, n, base ? "_MODULES, module loaded" : "");
		return (int)n;
	}
	err = gs_btf_count(f->data, (u32)n, &nr);
	if (!err) {
		f->index = kvmalloc_array(nr, sizeof(u32), GFP_KERNEL);
		err = f->index ? gs_btf_open(&f->btf, f->data, (u32)n, base, f->index, nr) : -ENOMEM;
	}
	if (err) {
		pr_err(GS_NAME ": %s: %s\n", path,
		       err == -ENOMEM ? "out of memory" : gs_btf_strerror(err));
		return err == -ENOMEM ? err : -EINVAL;
	}
	return 0;
}

static void gs_btf_free(struct gs_btf_file *f)
{
	kvfree(f->index);
	vfree(f->data);
}

static bool gs_check_member(struct gs_btf_file *f, const char *type,
			    const char *member, size_t want)
{
	u32 id, bits, tid;

	if (gs_btf_find(&f->btf, GS_BTF_STRUCT, type, &id) ||
	    gs_btf_member(&f->btf, id, member, &bits, &tid)) {
		pr_err(GS_NAME ": %s has no struct %s member %s (compat %s)\n",
		       f->name, type, member, GS_COMPAT_NAME);
		return false;
	}
	if (bits != want * 8) {
		pr_err(GS_NAME ": struct %s.%s is at byte %u in the running %s, gsched was built for byte %zu (compat %s); refusing to load\n",
		       type, member, bits / 8, f->name, want, GS_COMPAT_NAME);
		return false;
	}
	return true;
}

/* Byte offset of type.a.b.c (nested structs) in 'f'; false if absent. */
static bool gs_btf_path_offset(struct gs_btf_file *f, const char *type,
			       const char *const *path, u32 n, u32 *off)
{
	u32 id, bits, tid, i;

	*off = 0;
	if (gs_btf_find(&f->btf, GS_BTF_STRUCT, type, &id))
		return false;
	for (i = 0; i < n; i++) {
		if (gs_btf_member(&f->btf, id, path[i], &bits, &tid))
			return false;
		*off += bits / 8;
		id = tid;
	}
	return true;
}

static bool gs_check_size(struct gs_btf_file *f, const char *type, size_t want)
{
	u32 id, size;

	if (gs_btf_find(&f->btf, GS_BTF_STRUCT, type, &id) ||
	    gs_btf_size(&f->btf, id, &size) || size != want) {
		pr_err(GS_NAME ": struct %s is not %zu bytes in the running %s: the headers gsched was built with do not match this kernel\n",
		       type, want, f->name);
		return false;
	}
	return true;
}

/* A private struct gsched only passes a buffer for: at most 'max' bytes. */
static bool gs_check_at_most(struct gs_btf_file *f, const char *type, size_t max)
{
	u32 id, size;

	if (gs_btf_find(&f->btf, GS_BTF_STRUCT, type, &id) ||
	    gs_btf_size(&f->btf, id, &size) || size > max) {
		pr_err(GS_NAME ": struct %s is missing or over %zu bytes in the running %s (compat %s)\n",
		       type, max, f->name, GS_COMPAT_NAME);
		return false;
	}
	return true;
}

#define GS_ARCH(f, m) gs_check_member(f, "kvm_vcpu_arch", #m, \
				      offsetof(struct kvm_vcpu_arch, m))

static bool gs_check_proto(struct gs_btf_file *f, const char *tp,
			   const char *const *want, u32 nwant)
{
	char name[64], got[64];
	u32 params[8], n, i;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	if (gs_btf_typedef_proto(&f->btf, name, params, ARRAY_SIZE(params), &n)) {
		pr_err(GS_NAME ": %s has no tracepoint %s\n", f->name, tp);
		return false;
	}
	for (i = 0; i < n && i < nwant; i++) {
		if (gs_btf_type_str(&f->btf, params[i], got, sizeof(got)) ||
		    strcmp(got, want[i]))
			break;
	}
	if (n != nwant || i != n) {
		pr_err(GS_NAME ": tracepoint %s has %u arguments (argument %u is '%s') in the running kernel; gsched was built for %u (compat %s); refusing to load\n",
		       tp, n ? n - 1 : 0, i, i < n ? got : "-", nwant - 1, GS_COMPAT_NAME);
		return false;
	}
	return true;
}

#define GS_PROTO(f, tp, list) ({ \
	static const char *const __w[] = list; \
	gs_check_proto(f, tp, __w, ARRAY_SIZE(__w)); })

int gs_layout_check(void)
{
	struct gs_btf_file vmlinux = { .name = "vmlinux" };
	struct gs_btf_file kvm = { .name = "kvm" };
	struct gs_btf_file amd = { .name = "kvm_amd" };
	bool ok = true;
	int err;

	err = gs_btf_load(&vmlinux, NULL);
	if (!err)
		err = gs_btf_load(&kvm, &vmlinux.btf);
	if (!err && gs_vendor == GS_VENDOR_SVM)
		err = gs_btf_load(&amd, &vmlinux.btf);
	if (err)
		goto out;

	ok &= GS_PROTO(&vmlinux, "sched_switch", GS_TP_SCHED_SWITCH_BTF);
	ok &= GS_PROTO(&kvm, "kvm_entry", GS_TP_KVM_ENTRY_BTF);
	ok &= GS_PROTO(&kvm, "kvm_exit", GS_TP_KVM_EXIT_BTF);
	ok &= gs_check_size(&kvm, "kvm_vcpu", sizeof(struct kvm_vcpu));
	ok &= gs_check_member(&kvm, "kvm_vcpu", "arch", offsetof(struct kvm_vcpu, arch));
	ok &= gs_check_member(&kvm, "kvm_vcpu", "vcpu_id", offsetof(struct kvm_vcpu, vcpu_id));
	ok &= gs_check_member(&kvm, "kvm_vcpu_arch", "cr3", offsetof(struct kvm_vcpu_arch, cr3));
	ok &= gs_check_member(&kvm, "kvm_vcpu_arch", "hflags", offsetof(struct kvm_vcpu_arch, hflags));
	ok &= gs_check_member(&kvm, "kvm_vcpu_arch", "guest_state_protected",
			      offsetof(struct kvm_vcpu_arch, guest_state_protected));
	/* read by pause.c, written by gcall.c */
	ok &= GS_ARCH(&kvm, regs);
	ok &= GS_ARCH(&kvm, regs_avail);
	ok &= GS_ARCH(&kvm, regs_dirty);
	ok &= GS_ARCH(&kvm, cr0);
	ok &= GS_ARCH(&kvm, cr4);
	ok &= GS_ARCH(&kvm, efer);
	ok &= GS_ARCH(&kvm, mp_state);
	ok &= GS_ARCH(&kvm, exception);
	ok &= GS_ARCH(&kvm, exception_vmexit);
	ok &= GS_ARCH(&kvm, interrupt);
	ok &= GS_ARCH(&kvm, nmi_injected);
	ok &= gs_check_member(&kvm, "kvm_queued_exception", "pending",
			      offsetof(struct kvm_queued_exception, pending));
	ok &= gs_check_member(&kvm, "kvm_queued_exception", "injected",
			      offsetof(struct kvm_queued_exception, injected));
	ok &= gs_check_at_most(&kvm, "x86_exception", sizeof(struct gs_x86_exception));
	if (gs_vendor == GS_VENDOR_SVM) {
		ok &= gs_check_member(&amd, "vcpu_svm", "vcpu", offsetof(struct gs_vcpu_svm, vcpu));
		ok &= gs_check_member(&amd, "vcpu_svm", "vmcb", offsetof(struct gs_vcpu_svm, vmcb));
		ok &= gs_check_member(&amd, "vcpu_svm", "vmcb01", offsetof(struct gs_vcpu_svm, vmcb01));
		ok &= gs_check_member(&amd, "kvm_vmcb_info", "ptr", 0);
		/* not in any header: taken from BTF as it is */
		if (!gs_btf_path_offset(&amd, "vcpu_svm",
					(const char *const[]){ "nested", "ctl", "intercepts" }, 3,
					&gs_svm_nested_intercepts_off)) {
			pr_err(GS_NAME ": kvm_amd has no vcpu_svm.nested.ctl.intercepts (compat %s)\n",
			       GS_COMPAT_NAME);
			ok = false;
		}
	}
	err = ok ? 0 : -ENOEXEC;
	if (ok)
		pr_info(GS_NAME ": layout check passed against the running kernel's BTF (compat %s)\n",
			GS_COMPAT_NAME);
out:
	gs_btf_free(&amd);
	gs_btf_free(&kvm);
	gs_btf_free(&vmlinux);
	return err;
}
