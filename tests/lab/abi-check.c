// SPDX-License-Identifier: GPL-2.0
/*
 * Runs inside the emulated KVM host with gsched.ko loaded: /dev/gsched
 * refuses non-root openers, and every field userspace controls is
 * validated (element size, capacity, padding, user pointer, VM id, command);
 * acting on a VM needs a writable fd. abi-check --gone ID...: every ioctl on
 * the ids of VMs that are gone answers ENOENT (or EPERM: no pause of yours).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <gsched/abi.h>

static int failures, checks;

static void expect(const char *what, int ret, int want_errno)
{
	int got = ret < 0 ? errno : 0;

	checks++;
	if (got != want_errno) {
		failures++;
		printf("FAIL %s: got %s, want %s\n", what, got ? strerror(got) : "success",
		       want_errno ? strerror(want_errno) : "success");
	} else {
		printf("ok   %s -> %s\n", what, got ? strerror(got) : "success");
	}
}

static int list(int fd, unsigned long cmd, uint32_t esize, uint32_t cap,
		uint64_t buf, uint32_t vm, uint32_t pad)
{
	struct gsched_list l = { .buf = buf, .capacity = cap, .elem_size = esize,
				 .vm_id = vm, .pad = pad };

	return ioctl(fd, cmd, &l);
}

/* In a child: become 'how' (nobody, or root without CAP_SYS_ADMIN) and try
 * to open the device; returns the errno the open failed with, or 0. */
static int open_as(int how)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (how == 0) {
			if (setgid(65534) || setuid(65534))
				_exit(100);
		} else {
			struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
			struct __user_cap_data_struct d[2];

			if (syscall(SYS_capget, &h, d))
				_exit(100);
			d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
			if (syscall(SYS_capset, &h, d))
				_exit(100);
		}
		_exit(open(GSCHED_DEVICE, O_RDONLY) < 0 ? errno : 0);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 101;
}

static void expect_refused(const char *who, int got, int want)
{
	checks++;
	if (got != want) {
		failures++;
		printf("FAIL %s opening %s: got %d, want %s\n", who, GSCHED_DEVICE, got, strerror(want));
	} else {
		printf("ok   %s opening %s -> %s\n", who, GSCHED_DEVICE, strerror(want));
	}
}

/* Every ioctl on the id of a VM that is gone answers "no such VM" (or "no
 * pause of yours"), whatever happened to kprobes meanwhile. */
static int gone(int argc, char **argv)
{
	uint8_t page[64];
	uint64_t buf = (uintptr_t)page;
	int fd = open(GSCHED_DEVICE, O_RDWR);

	expect("root opens /dev/gsched read-write", fd, 0);
	if (fd < 0)
		return 1;
	for (int i = 0; i < argc; i++) {
		uint32_t id = (uint32_t)strtoul(argv[i], NULL, 0);
		struct gsched_pause pz = { .vm_id = id, .timeout_ms = 100 };
		struct gsched_mem m = { .vm_id = id, .gpa = 0x100000, .buf = buf, .len = sizeof(page) };
		struct gsched_vcpu_regs r = { .vm_id = id };
		char what[64];

#define GONE(name, call, err) do { snprintf(what, sizeof(what), "%s of gone VM %u", name, id); \
		expect(what, call, err); } while (0)
		GONE("LIST_VCPUS", list(fd, GSCHED_IOC_LIST_VCPUS, sizeof(struct gsched_vcpu_info), 1, buf, id, 0), ENOENT);
		GONE("LIST_SPACES", list(fd, GSCHED_IOC_LIST_SPACES, sizeof(struct gsched_space_info), 1, buf, id, 0), ENOENT);
		GONE("LIST_MEMSLOTS", list(fd, GSCHED_IOC_LIST_MEMSLOTS, sizeof(struct gsched_memslot), 1, buf, id, 0), ENOENT);
		GONE("MEM_READ", ioctl(fd, GSCHED_IOC_MEM_READ, &m), ENOENT);
		GONE("MEM_WRITE", ioctl(fd, GSCHED_IOC_MEM_WRITE, &m), EPERM);
		GONE("PAUSE", ioctl(fd, GSCHED_IOC_PAUSE, &pz), ENOENT);
		GONE("RESUME", ioctl(fd, GSCHED_IOC_RESUME, &pz), ENOENT);
		GONE("VCPU_REGS", ioctl(fd, GSCHED_IOC_VCPU_REGS, &r), EPERM);
#undef GONE
	}
	close(fd);
	printf("abi-check: %d passed, %d failed\n", checks - failures, failures);
	return failures != 0;
}

int main(int argc, char **argv)
{
	struct gsched_vm_info vms[4];
	struct gsched_version v;
	uint64_t buf = (uintptr_t)vms;
	struct gsched_pause pz = { .vm_id = 999999, .timeout_ms = 100 };
	struct gsched_mem mw = { .vm_id = 999999, .gpa = 0x100000, .buf = (uintptr_t)vms, .len = 8 };
	int fd;

	if (argc > 2 && !strcmp(argv[1], "--gone"))
		return gone(argc - 2, argv + 2);
	fd = open(GSCHED_DEVICE, O_RDONLY);
	expect("root opens /dev/gsched", fd, 0);
	if (fd < 0)
		return 1;
	expect("VERSION", ioctl(fd, GSCHED_IOC_VERSION, &v), 0);
	checks++;
	if (v.major != GSCHED_ABI_MAJOR || v.minor != GSCHED_ABI_MINOR)
		failures++, printf("FAIL ABI %u.%u, built against %u.%u\n", v.major, v.minor,
				   GSCHED_ABI_MAJOR, GSCHED_ABI_MINOR);
	expect("LIST_VMS", list(fd, GSCHED_IOC_LIST_VMS, sizeof(vms[0]), 4, buf, 0, 0), 0);
	expect("LIST_VMS with wrong elem_size", list(fd, GSCHED_IOC_LIST_VMS, 8, 4, buf, 0, 0), EINVAL);
	expect("LIST_VMS with capacity 1<<30", list(fd, GSCHED_IOC_LIST_VMS, sizeof(vms[0]), 1u << 30, buf, 0, 0), EINVAL);
	expect("LIST_VMS with nonzero pad", list(fd, GSCHED_IOC_LIST_VMS, sizeof(vms[0]), 4, buf, 0, 1), EINVAL);
	expect("LIST_SPACES of VM 999999", list(fd, GSCHED_IOC_LIST_SPACES, sizeof(struct gsched_space_info), 4, buf, 999999, 0), ENOENT);
	expect("LIST_VCPUS of VM 999999", list(fd, GSCHED_IOC_LIST_VCPUS, sizeof(struct gsched_vcpu_info), 4, buf, 999999, 0), ENOENT);
	/* memslots: ABI 1.3's element (with hva) and 1.1's (without) */
	expect("LIST_MEMSLOTS of VM 999999", list(fd, GSCHED_IOC_LIST_MEMSLOTS, sizeof(struct gsched_memslot), 4, buf, 999999, 0), ENOENT);
	expect("LIST_MEMSLOTS (ABI 1.1 size) of VM 999999", list(fd, GSCHED_IOC_LIST_MEMSLOTS, GSCHED_MEMSLOT_V1_SIZE, 4, buf, 999999, 0), ENOENT);
	expect("LIST_MEMSLOTS with elem_size 28", list(fd, GSCHED_IOC_LIST_MEMSLOTS, 28, 4, buf, 999999, 0), EINVAL);
	expect("list header at a bad pointer", ioctl(fd, GSCHED_IOC_LIST_VMS, (void *)16), EFAULT);
	expect("VERSION to a bad pointer", ioctl(fd, GSCHED_IOC_VERSION, (void *)16), EFAULT);
	expect("unknown command", ioctl(fd, _IO(GSCHED_IOC_MAGIC, 0x7f), 0), ENOTTY);
	/* acting on a VM (pausing, writing its memory) needs a writable fd */
	expect("PAUSE on a read-only fd", ioctl(fd, GSCHED_IOC_PAUSE, &pz), EBADF);
	expect("MEM_WRITE on a read-only fd", ioctl(fd, GSCHED_IOC_MEM_WRITE, &mw), EBADF);
	close(fd);
	fd = open(GSCHED_DEVICE, O_RDWR);
	expect("root opens /dev/gsched read-write", fd, 0);
	if (fd < 0)
		return 1;
	expect("PAUSE of VM 999999", ioctl(fd, GSCHED_IOC_PAUSE, &pz), ENOENT);
	expect("MEM_WRITE without a pause", ioctl(fd, GSCHED_IOC_MEM_WRITE, &mw), EPERM);
	close(fd);

	expect_refused("user nobody", open_as(0), EACCES);
	expect_refused("root without CAP_SYS_ADMIN", open_as(1), EPERM);
	printf("abi-check: %d passed, %d failed\n", checks - failures, failures);
	return failures != 0;
}
