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
		.max_vcpus = gs_max_vcpus, .max_tasks = gs_max_tasks,
	};

	strscpy(v.kernel, UTS_RELEASE, sizeof(v.kernel));
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static void gs_task_info(const struct gs_as *as, struct gsched_task_info *o)
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
	size_t esize;
	void *buf = NULL;
	struct gs_as *as = NULL;
	long n, i;
	int err = 0;

	if (copy_from_user(&l, arg, sizeof(l)))
		return -EFAULT;
	esize = cmd == GSCHED_IOC_LIST_VMS ? sizeof(struct gsched_vm_info) :
		cmd == GSCHED_IOC_LIST_VCPUS ? sizeof(struct gsched_vcpu_info) :
		sizeof(struct gsched_task_info);
	if (l.elem_size != esize || l.pad || l.capacity > GS_LIST_MAX)
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
	default:
		as = l.capacity ? kvcalloc(l.capacity, sizeof(*as), GFP_KERNEL) : NULL;
		if (l.capacity && !as) {
			err = -ENOMEM;
			goto out;
		}
		n = gs_snapshot_tasks(l.vm_id, as, l.capacity, &l.total);
		for (i = 0; i < n; i++)
			gs_task_info(&as[i], (struct gsched_task_info *)buf + i);
		break;
	}
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	l.count = (u32)n;
	l.now_ns = ktime_get_ns();
	if ((n && copy_to_user(u64_to_user_ptr(l.buf), buf, n * esize)) ||
	    copy_to_user(arg, &l, sizeof(l)))
		err = -EFAULT;
out:
	kvfree(as);
	kvfree(buf);
	return err;
}

static long gs_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case GSCHED_IOC_VERSION:
		return gs_version((void __user *)arg);
	case GSCHED_IOC_LIST_VMS:
	case GSCHED_IOC_LIST_VCPUS:
	case GSCHED_IOC_LIST_TASKS:
		return gs_list(cmd, (void __user *)arg);
	}
	return -ENOTTY;
}

static const struct file_operations gs_fops = {
	.owner = THIS_MODULE,
	.open = gs_open,
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
