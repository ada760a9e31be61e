// SPDX-License-Identifier: GPL-2.0
/*
 * Pausing a VM for consistent introspection (Monarch pauses the VM while it
 * reads and edits guest run queues). Each vCPU thread gets a task_work
 * (TWA_RESUME): KVM's run loop runs it before the next guest entry
 * (xfer_to_guest_mode_handle_work), in process context, where it parks the
 * thread until the pause ends. A kick with KVM_REQ_UNBLOCK gets running and
 * halted vCPUs there at once. A vCPU counts as stopped when it is parked,
 * or outside guest mode, asleep, with the park still pending (it cannot
 * re-enter the guest without parking first).
 *
 * Nothing is left paused: a pause belongs to the open file that took it and
 * ends when that file is closed (daemon exit or crash); every parked thread
 * leaves by itself at the pause's deadline (pause_max_ms) and on a fatal
 * signal. Each queued park holds a module reference, so gsched.ko cannot go
 * away while a park is pending; the VM stays pinned (kvm_get_kvm_safe) for
 * the pause's life, so its vCPUs do too.
 *
 * A thread has at most one pending park: a thread that does not run (its
 * VM stopped by QEMU or libvirt, the thread asleep in userspace) keeps the
 * park of an ended pause, and the next pause retargets that park instead
 * of queueing another, so a periodic pauser cannot pile up parks, pause
 * records and module references.
 */
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/wait.h>
#include "compat/compat.h"
#include "gsched.h"

struct gs_pause {
	struct list_head node;       /* gs_pauses, under gs_pause_mutex */
	struct kref ref;             /* the list's, and one per queued park */
	struct file *owner;
	struct kvm *kvm;             /* pinned until the pause ends */
	u32 vm_id;
	u32 nr;
	bool active;                 /* vCPUs park while set */
	bool expired;                /* a parked vCPU reached the deadline */
	u64 start_ns, deadline_ns;
	atomic_t parked;
	struct kvm_vcpu **vcpus;
	struct task_struct **threads; /* host threads of the vCPUs, referenced; NULL: never ran */
	u8 *queued, *is_parked;
	u8 *in_kvm;                  /* parked inside KVM_RUN (vCPU loaded) */
	struct gs_gcall *act;        /* a guest call handed to vCPU act_idx */
	s32 act_idx;                 /* -1: none */
};

struct gs_park {
	struct callback_head cb;
	struct list_head node;       /* gs_parks, under gs_park_lock */
	struct task_struct *task;    /* only compared: pending parks run at exit */
	struct gs_pause *p;          /* under gs_park_lock while pending */
	u32 idx;
};

static LIST_HEAD(gs_parks);
static DEFINE_SPINLOCK(gs_park_lock);
static LIST_HEAD(gs_pauses);
static DEFINE_MUTEX(gs_pause_mutex);
static DECLARE_WAIT_QUEUE_HEAD(gs_pause_wq);

static void gs_pause_free(struct kref *ref)
{
	struct gs_pause *p = container_of(ref, struct gs_pause, ref);

	kfree(p->vcpus);
	kfree(p->threads);
	kfree(p->queued);
	kfree(p->is_parked);
	kfree(p->in_kvm);
	kfree(p);
}

void gs_pause_get(struct gs_pause *p)
{
	kref_get(&p->ref);
}

void gs_pause_put(struct gs_pause *p)
{
	kref_put(&p->ref, gs_pause_free);
}

struct kvm_vcpu *gs_pause_vcpu(struct gs_pause *p, u32 idx)
{
	return p->vcpus[idx];
}

static bool gs_park_woken(struct gs_pause *p, u32 idx)
{
	return !READ_ONCE(p->active) || READ_ONCE(p->act_idx) == (s32)idx;
}

/*
 * Hold the calling vCPU thread (vCPU idx of pause p) while p is in force.
 * Returns a guest call handed to this vCPU (gcall.c), which the caller
 * makes it run; NULL when the pause ended or expired.
 */
struct gs_gcall *gs_park_hold(struct gs_pause *p, u32 idx)
{
	struct gs_gcall *act = NULL;
	s64 left;

	if (!READ_ONCE(p->active) || (current->flags & PF_EXITING))
		return NULL;
	left = (s64)(p->deadline_ns - ktime_get_ns());
	WRITE_ONCE(p->in_kvm[idx], kvm_get_running_vcpu() == p->vcpus[idx]);
	WRITE_ONCE(p->is_parked[idx], 1);
	atomic_inc(&p->parked);
	wake_up_all(&gs_pause_wq);
	if (left > 0)
		wait_event_killable_timeout(gs_pause_wq, gs_park_woken(p, idx),
					    nsecs_to_jiffies(left) + 1);
	if (READ_ONCE(p->active) && !fatal_signal_pending(current) &&
	    cmpxchg(&p->act_idx, (s32)idx, -1) == (s32)idx) {
		act = p->act; /* published before act_idx (gs_pause_call) */
	} else if (READ_ONCE(p->active) && !fatal_signal_pending(current)) {
		WRITE_ONCE(p->expired, true);
		pr_warn_ratelimited(GS_NAME ": VM %u: pause held past pause_max_ms=%u; vCPU resumed\n",
				    p->vm_id, gs_pause_max_ms);
	}
	atomic_dec(&p->parked);
	WRITE_ONCE(p->is_parked[idx], 0);
	WRITE_ONCE(p->in_kvm[idx], 0);
	return act;
}

/* Runs in the vCPU thread before its next guest entry (or return to user). */
static void gs_park_fn(struct callback_head *cb)
{
	struct gs_park *pk = container_of(cb, struct gs_park, cb);
	struct gs_gcall *act;
	struct gs_pause *p;
	u32 idx;

	spin_lock(&gs_park_lock);
	list_del(&pk->node);
	p = pk->p;
	idx = pk->idx;
	spin_unlock(&gs_park_lock);
	kfree(pk);
	act = gs_park_hold(p, idx);
	if (act)
		gs_gcall_start(act);
	kref_put(&p->ref, gs_pause_free);
	/* The reference taken when the park was queued. This function's last
	 * instructions run after it; gsched's unload sleeps (tracepoint and RCU
	 * synchronisation) long before its text is freed. */
	module_put(THIS_MODULE);
}

static bool gs_vcpu_stopped(struct gs_pause *p, u32 k)
{
	struct kvm_vcpu *vcpu = p->vcpus[k];

	if (READ_ONCE(p->is_parked[k]))
		return true;
	if (READ_ONCE(vcpu->mode) != OUTSIDE_GUEST_MODE)
		return false;
	if (!p->threads[k])
		return true; /* never ran: its first KVM_RUN parks it */
	return p->queued[k] && READ_ONCE(p->threads[k]->__state) != TASK_RUNNING;
}

static bool gs_all_stopped(struct gs_pause *p)
{
	u32 k;

	for (k = 0; k < p->nr; k++)
		if (!gs_vcpu_stopped(p, k))
			return false;
	return true;
}

/* Under gs_pause_mutex. */
static void gs_pause_end(struct gs_pause *p)
{
	u32 k;

	list_del(&p->node);
	WRITE_ONCE(p->active, false);
	wake_up_all(&gs_pause_wq);
	for (k = 0; k < p->nr; k++)
		if (p->threads[k])
			put_task_struct(p->threads[k]);
	kvm_put_kvm(p->kvm);
	kref_put(&p->ref, gs_pause_free);
}

static struct gs_pause *gs_pause_find(u32 vm_id)
{
	struct gs_pause *p;

	list_for_each_entry(p, &gs_pauses, node)
		if (p->vm_id == vm_id)
			return p;
	return NULL;
}

/* A park still pending on 'task' from a pause that has ended: make it
 * park for 'p' instead. True if one was found. Under gs_pause_mutex. */
static bool gs_park_retarget(struct gs_pause *p, u32 k)
{
	struct gs_pause *old = NULL;
	struct gs_park *pk;

	spin_lock(&gs_park_lock);
	list_for_each_entry(pk, &gs_parks, node) {
		if (pk->task != p->threads[k] || READ_ONCE(pk->p->active))
			continue;
		old = pk->p;
		kref_get(&p->ref);
		pk->p = p;
		pk->idx = k;
		break;
	}
	spin_unlock(&gs_park_lock);
	if (!old)
		return false;
	kref_put(&old->ref, gs_pause_free);
	return true;
}

static void gs_pause_queue(struct gs_pause *p, u32 k)
{
	struct gs_park *pk;

	if (!p->threads[k])
		return;
	if (gs_park_retarget(p, k)) {
		p->queued[k] = 1;
		return;
	}
	pk = kmalloc(sizeof(*pk), GFP_KERNEL);
	if (!pk)
		return;
	pk->p = p;
	pk->idx = k;
	pk->task = p->threads[k];
	kref_get(&p->ref);
	__module_get(THIS_MODULE);
	init_task_work(&pk->cb, gs_park_fn);
	spin_lock(&gs_park_lock);
	list_add(&pk->node, &gs_parks);
	spin_unlock(&gs_park_lock);
	if (task_work_add(p->threads[k], &pk->cb, TWA_RESUME)) {
		/* The thread is exiting: it will not enter the guest again. */
		spin_lock(&gs_park_lock);
		list_del(&pk->node);
		spin_unlock(&gs_park_lock);
		kref_put(&p->ref, gs_pause_free);
		module_put(THIS_MODULE);
		kfree(pk);
		return;
	}
	p->queued[k] = 1;
}

long gs_pause(struct file *f, struct gsched_pause *a)
{
	u64 timeout_ns = (a->timeout_ms ? a->timeout_ms : 1000) * NSEC_PER_MSEC;
	struct kvm *kvm = gs_vm_get_kvm(a->vm_id);
	struct kvm_vcpu *vcpu;
	struct gs_pause *p;
	unsigned long i;
	long err = 0;
	u32 n;

	if (!(f->f_mode & FMODE_WRITE)) { /* pausing a VM acts on it */
		if (kvm)
			kvm_put_kvm(kvm);
		return -EBADF;
	}
	if (!kvm)
		return -ENOENT;
	mutex_lock(&gs_pause_mutex);
	if (gs_pause_find(a->vm_id)) {
		mutex_unlock(&gs_pause_mutex);
		kvm_put_kvm(kvm);
		return -EBUSY;
	}
	n = atomic_read(&kvm->online_vcpus);
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (p) {
		p->vcpus = kcalloc(n ?: 1, sizeof(*p->vcpus), GFP_KERNEL);
		p->threads = kcalloc(n ?: 1, sizeof(*p->threads), GFP_KERNEL);
		p->queued = kcalloc(n ?: 1, 1, GFP_KERNEL);
		p->is_parked = kcalloc(n ?: 1, 1, GFP_KERNEL);
		p->in_kvm = kcalloc(n ?: 1, 1, GFP_KERNEL);
	}
	if (!p || !p->vcpus || !p->threads || !p->queued || !p->is_parked || !p->in_kvm) {
		if (p)
			gs_pause_free(&p->ref);
		mutex_unlock(&gs_pause_mutex);
		kvm_put_kvm(kvm);
		return -ENOMEM;
	}
	kref_init(&p->ref);
	p->owner = f;
	p->kvm = kvm;
	p->vm_id = a->vm_id;
	p->active = true;
	p->act_idx = -1;
	p->start_ns = ktime_get_ns();
	p->deadline_ns = p->start_ns + (u64)gs_pause_max_ms * NSEC_PER_MSEC;
	kvm_for_each_vcpu(i, vcpu, kvm) {
		struct pid *pid;

		if (p->nr == n)
			break;
		p->vcpus[p->nr] = vcpu;
		rcu_read_lock();
		pid = rcu_dereference(vcpu->pid);
		p->threads[p->nr] = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
		rcu_read_unlock();
		p->nr++;
	}
	list_add(&p->node, &gs_pauses);
	for (i = 0; i < p->nr; i++) {
		gs_pause_queue(p, i);
		kvm_make_request(KVM_REQ_UNBLOCK, p->vcpus[i]);
		kvm_vcpu_kick(p->vcpus[i]);
	}
	while (!gs_all_stopped(p)) {
		long r;

		if (ktime_get_ns() - p->start_ns > timeout_ns) {
			err = -ETIMEDOUT;
			break;
		}
		r = wait_event_interruptible_timeout(gs_pause_wq, gs_all_stopped(p),
						     msecs_to_jiffies(1));
		if (r < 0) {
			err = -EINTR;
			break;
		}
	}
	a->nr_vcpus = p->nr;
	a->nr_parked = atomic_read(&p->parked);
	a->wait_ns = ktime_get_ns() - p->start_ns;
	a->max_ns = (u64)gs_pause_max_ms * NSEC_PER_MSEC;
	if (err)
		gs_pause_end(p);
	mutex_unlock(&gs_pause_mutex);
	return err;
}

static bool gs_pause_expired(struct gs_pause *p)
{
	return READ_ONCE(p->expired) || ktime_get_ns() >= p->deadline_ns;
}

long gs_resume(struct file *f, u32 vm_id)
{
	struct gs_pause *p;
	long err = -ENOENT;

	mutex_lock(&gs_pause_mutex);
	p = gs_pause_find(vm_id);
	if (p && p->owner == f) {
		err = gs_pause_expired(p) ? -ETIMEDOUT : 0;
		gs_pause_end(p);
	}
	mutex_unlock(&gs_pause_mutex);
	return err;
}

/* The file is closed: end every pause it holds. */
void gs_pause_release(struct file *f)
{
	struct gs_pause *p, *t;

	mutex_lock(&gs_pause_mutex);
	list_for_each_entry_safe(p, t, &gs_pauses, node)
		if (p->owner == f)
			gs_pause_end(p);
	mutex_unlock(&gs_pause_mutex);
}

/* 0 if 'f' holds a pause of 'vm_id' that is still in force and complete. */
static long gs_pause_check(struct file *f, u32 vm_id, struct gs_pause **out)
{
	struct gs_pause *p = gs_pause_find(vm_id);

	if (!p || p->owner != f)
		return -EPERM;
	if (gs_pause_expired(p))
		return -ETIMEDOUT;
	if (!gs_all_stopped(p))
		return -EBUSY;
	*out = p;
	return 0;
}

/*
 * Writes need more than "stopped": every vCPU of the VM parked in
 * gs_park_fn (a vCPU asleep elsewhere in KVM may still finish emulation or
 * steal-time and kvmclock writes; one that never ran, or was created after
 * the pause began, is not held at all).
 */
static bool gs_all_parked(struct gs_pause *p)
{
	u32 k;

	if ((u32)atomic_read(&p->kvm->online_vcpus) != p->nr)
		return false;
	for (k = 0; k < p->nr; k++)
		if (!READ_ONCE(p->is_parked[k]))
			return false;
	return true;
}

static long gs_pause_check_write(struct file *f, u32 vm_id, struct gs_pause **out)
{
	long err = gs_pause_check(f, vm_id, out);

	if (err)
		return err;
	return gs_all_parked(*out) ? 0 : -EBUSY;
}

/* A halted vCPU counts as stopped as soon as its park is queued, and parks
 * when the kick wakes it: a write right after PAUSE gives the parks this
 * long (a thread asleep in its VMM never parks: EBUSY then). */
#define GS_PARK_WAIT_MS 200

/* Under gs_pause_mutex: if f's pause of vm_id is fresh, give its parks
 * GS_PARK_WAIT_MS to happen (the caller checks the outcome). */
static void gs_pause_settle(struct file *f, u32 vm_id)
{
	struct gs_pause *p = gs_pause_find(vm_id);

	if (p && p->owner == f && !gs_all_parked(p))
		wait_event_interruptible_timeout(gs_pause_wq, gs_all_parked(p),
						 msecs_to_jiffies(GS_PARK_WAIT_MS));
}

/*
 * The user's bytes are copied in before the pause lock is taken (a copy
 * that stalls on userfaultfd must not hold every other gsched user), and
 * the pause is checked again before each page: a write never outlives its
 * pause.
 */
long gs_pause_write(struct file *f, struct gsched_mem *m)
{
	struct gs_pause *p;
	void *buf;
	long err = 0;

	m->done = 0;
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!m->len || m->len > GSCHED_MEM_MAX || m->gpa + m->len < m->gpa)
		return -EINVAL;
	buf = kvmalloc(m->len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, u64_to_user_ptr(m->buf), m->len)) {
		kvfree(buf);
		return -EFAULT;
	}
	mutex_lock(&gs_pause_mutex);
	gs_pause_settle(f, m->vm_id);
	while (m->done < m->len) {
		u64 a = m->gpa + m->done;
		size_t n = min_t(u64, m->len - m->done, PAGE_SIZE - offset_in_page(a));

		err = gs_pause_check_write(f, m->vm_id, &p);
		if (!err)
			err = gs_guest_write_page(p->kvm, a, buf + m->done, n);
		if (err)
			break;
		m->done += n;
	}
	mutex_unlock(&gs_pause_mutex);
	kvfree(buf);
	return err;
}

long gs_pause_regs(struct file *f, struct gsched_vcpu_regs *r)
{
	struct kvm_vcpu *vcpu;
	struct gs_pause *p;
	long err;

	mutex_lock(&gs_pause_mutex);
	err = gs_pause_check(f, r->vm_id, &p);
	if (!err && r->index >= p->nr)
		err = -EINVAL;
	if (err)
		goto out;
	vcpu = p->vcpus[r->index];
	r->vcpu_id = vcpu->vcpu_id;
	r->flags = 0;
	r->cr0 = vcpu->arch.cr0;
	r->cr4 = vcpu->arch.cr4;
	r->efer = vcpu->arch.efer;
	r->rip = vcpu->arch.regs[VCPU_REGS_RIP];
	r->cr3 = r->gs_base = r->kernel_gs_base = 0;
	if (gs_vendor == GS_VENDOR_SVM) {
		gs_svm_regs(vcpu, r);
	} else {
		struct gs_vcpu *v;

		rcu_read_lock();
		v = gs_vcpu_lookup(vcpu);
		r->cr3 = v ? READ_ONCE(v->acct.root) : 0;
		rcu_read_unlock();
	}
out:
	mutex_unlock(&gs_pause_mutex);
	return err;
}

/*
 * Make the guest call c->fn[] on one of its vCPUs (gcall.c) while the
 * others stay parked. The vCPU is one parked inside KVM_RUN at a point
 * where its guest may take an interrupt (vendor check), halted ones first
 * (their idle loop has the shallowest stack).
 */
long gs_pause_call(struct file *f, struct gsched_call *c)
{
	u32 timeout_ms = c->timeout_ms ? min(c->timeout_ms, 1000u) : 100;
	struct gs_gcall *g = NULL;
	struct gs_pause *p;
	s32 pick = -1;
	bool halted;
	long err;
	u32 k;

	c->vcpu = -1;
	c->wait_ns = 0;
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!c->nr || c->nr > GSCHED_CALL_MAX || !c->hlt_rip)
		return -EINVAL;
	if (gs_vendor != GS_VENDOR_SVM)
		return -EOPNOTSUPP;
	mutex_lock(&gs_pause_mutex);
	gs_pause_settle(f, c->vm_id);
	err = gs_pause_check_write(f, c->vm_id, &p);
	if (err)
		goto out;
	for (k = 0; k < p->nr; k++) {
		if (!READ_ONCE(p->in_kvm[k]) || !gs_svm_callable(p->vcpus[k]))
			continue;
		halted = p->vcpus[k]->arch.mp_state == KVM_MP_STATE_HALTED;
		if (pick < 0 || halted)
			pick = k;
		if (halted)   /* in its idle loop: the guest loses nothing */
			break;
	}
	if (pick < 0) {
		err = -ENODEV;
		goto out;
	}
	g = gs_gcall_new(p, pick, c);
	if (!g) {
		err = -ENOMEM;
		goto out;
	}
	c->vcpu = pick;
	p->act = g;             /* the handed reference (gs_gcall_new) */
	smp_store_release(&p->act_idx, pick);
	wake_up_all(&gs_pause_wq);
	err = gs_gcall_wait(g, timeout_ms, c);
	if (cmpxchg(&p->act_idx, pick, -1) == pick)
		gs_gcall_put(g); /* never taken (the thread was killed) */
out:
	mutex_unlock(&gs_pause_mutex);
	if (g)
		gs_gcall_put(g);
	return err;
}
