// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/gsched: the ioctl ABI of include/gsched/abi.h. Opening needs
 * CAP_SYS_ADMIN; every size, count and pointer from userspace is validated;
 * copies are made into kernel buffers under the locks and copied out after.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <generated/utsrelease.h>
#include "snapshot.h"

#define GS_LIST_MAX 65536u

static int gs_open(struct inode *inode, struct file *file)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

static long gs_version(void __user *arg)
{
	struct gsched_version v = {
		.major = GSCHED_ABI_MAJOR, .minor = GSCHED_ABI_MINOR,
		.mode = gs_mode, .vendor = gs_vendor, .max_vms = gs_max_vms,
		.max_vcpus = gs_max_vcpus, .max_spaces = gs_max_spaces,
	};

	strscpy(v.kernel, UTS_RELEASE, sizeof(v.kernel));
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static void gs_space_info(const struct gs_as *as, struct gsched_space_info *o)
{
	memset(o, 0, sizeof(*o));
	o->root = as->root;
	o->cpu_ns = as->cpu_ns;
	o->switches = as->switches;
	o->first_seen_ns = as->first_seen;
	o->last_seen_ns = as->last_seen;
	o->last_vcpu = as->last_vcpu;
}

static long gs_list(unsigned int cmd, void __user *arg)
{
	struct gsched_list l;
	size_t esize, usize;
	void *buf = NULL;
	struct gs_as *as = NULL;
	long n, i;
	int err = 0;

	if (copy_from_user(&l, arg, sizeof(l)))
		return -EFAULT;
	esize = cmd == GSCHED_IOC_LIST_VMS ? sizeof(struct gsched_vm_info) :
		cmd == GSCHED_IOC_LIST_VCPUS ? sizeof(struct gsched_vcpu_info) :
		cmd == GSCHED_IOC_LIST_MEMSLOTS ? sizeof(struct gsched_memslot) :
		sizeof(struct gsched_space_info);
	/* ABI 1.1 users list memslots without their hva */
	usize = cmd == GSCHED_IOC_LIST_MEMSLOTS && l.elem_size == GSCHED_MEMSLOT_V1_SIZE ?
		GSCHED_MEMSLOT_V1_SIZE : esize;
	if (l.elem_size != usize || l.pad || l.capacity > GS_LIST_MAX)
		return -EINVAL;
	if (l.capacity) {
		buf = kvcalloc(l.capacity, esize, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	switch (cmd) {
	case GSCHED_IOC_LIST_VMS:
		n = gs_snapshot_vms(buf, l.capacity, &l.total);
		break;
	case GSCHED_IOC_LIST_VCPUS:
		n = gs_snapshot_vcpus(l.vm_id, buf, l.capacity, &l.total);
		break;
	case GSCHED_IOC_LIST_MEMSLOTS:
		n = gs_memslots(l.vm_id, buf, l.capacity, &l.total);
		break;
	default:
		as = l.capacity ? kvcalloc(l.capacity, sizeof(*as), GFP_KERNEL) : NULL;
		if (l.capacity && !as) {
			err = -ENOMEM;
			goto out;
		}
		n = gs_snapshot_spaces(l.vm_id, as, l.capacity, &l.total);
		for (i = 0; i < n; i++)
			gs_space_info(&as[i], (struct gsched_space_info *)buf + i);
		break;
	}
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	l.count = (u32)n;
	l.now_ns = ktime_get_ns();
	for (i = 0; usize < esize && i < n; i++)   /* each element's leading part */
		memmove((char *)buf + i * usize, (char *)buf + i * esize, usize);
	if ((n && copy_to_user(u64_to_user_ptr(l.buf), buf, n * usize)) ||
	    copy_to_user(arg, &l, sizeof(l)))
		err = -EFAULT;
out:
	kvfree(as);
	kvfree(buf);
	return err;
}

static long gs_mem(struct file *file, unsigned int cmd, void __user *arg)
{
	struct gsched_mem m;
	long err;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	if (m.pad)
		return -EINVAL;
	if (cmd == GSCHED_IOC_MEM_WRITE)
		err = gs_pause_write(file, &m);
	else
		err = gs_guest_read(m.vm_id, m.gpa, u64_to_user_ptr(m.buf), m.len, &m.done);
	if (copy_to_user(arg, &m, sizeof(m)))
		return -EFAULT;
	return err;
}

static long gs_pause_ioctl(struct file *file, unsigned int cmd, void __user *arg)
{
	struct gsched_pause a;
	long err;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (cmd == GSCHED_IOC_RESUME)
		return gs_resume(file, a.vm_id);
	if (a.timeout_ms > 60000)
		return -EINVAL;
	err = gs_pause(file, &a);
	if (copy_to_user(arg, &a, sizeof(a)))
		return -EFAULT;
	return err;
}

static long gs_regs(struct file *file, void __user *arg)
{
	struct gsched_vcpu_regs r;
	long err;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	err = gs_pause_regs(file, &r);
	if (!err && copy_to_user(arg, &r, sizeof(r)))
		return -EFAULT;
	return err;
}

static long gs_call(struct file *file, void __user *arg)
{
	struct gsched_call c;
	long err;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	err = gs_pause_call(file, &c);
	if (copy_to_user(arg, &c, sizeof(c)))
		return -EFAULT;
	return err;
}

static long gs_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case GSCHED_IOC_VERSION:
		return gs_version((void __user *)arg);
	case GSCHED_IOC_LIST_VMS:
	case GSCHED_IOC_LIST_VCPUS:
	case GSCHED_IOC_LIST_SPACES:
	case GSCHED_IOC_LIST_MEMSLOTS:
		return gs_list(cmd, (void __user *)arg);
	case GSCHED_IOC_MEM_READ:
	case GSCHED_IOC_MEM_WRITE:
		return gs_mem(file, cmd, (void __user *)arg);
	case GSCHED_IOC_PAUSE:
	case GSCHED_IOC_RESUME:
		return gs_pause_ioctl(file, cmd, (void __user *)arg);
	case GSCHED_IOC_VCPU_REGS:
		return gs_regs(file, (void __user *)arg);
	case GSCHED_IOC_CALL:
		return gs_call(file, (void __user *)arg);
	}
	return -ENOTTY;
}

/* The daemon closed the device, exited or crashed: resume what it paused. */
static int gs_release(struct inode *inode, struct file *file)
{
	gs_pause_release(file);
	return 0;
}

static const struct file_operations gs_fops = {
	.owner = THIS_MODULE,
	.open = gs_open,
	.release = gs_release,
	.unlocked_ioctl = gs_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice gs_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = GS_NAME,
	.fops = &gs_fops,
	.mode = 0600,
};

int gs_dev_init(void)
{
	return misc_register(&gs_misc);
}

void gs_dev_exit(void)
{
	misc_deregister(&gs_misc);
}
