// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedd's journal (daemon/gschedd/journal.c) and who may ask it what
 * (access.c): records survive a save and a load; a thread suspended twice
 * keeps its first time; drops by thread and by VM; a damaged journal is
 * refused with file:line (never guessed at); a save that cannot be made
 * leaves the journal as it was; the records of a VM whose VMM process is
 * gone are forgotten; readers may list, only root may change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "gschedd/gschedd.h"

struct fx {
	char dir[64], path[96];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/gsched-journal-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/suspended.jsonl", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static struct gs_jrec rec(int vm_pid, int pid, uint64_t task, int64_t since)
{
	struct gs_jrec r = { .vm_pid = vm_pid, .vm_start = 1234, .pid = pid, .tgid = pid,
			     .task = task, .since = since, .by_uid = 0, .by_pid = 77 };

	snprintf(r.vm, sizeof(r.vm), "web-%d", vm_pid);
	snprintf(r.comm, sizeof(r.comm), "updatedb");
	return r;
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static void test_missing_journal_is_empty(void **state)
{
	struct fx *f = *state;
	struct gs_journal j;
	char err[256];

	assert_int_equal(gs_journal_load(&j, f->path, err, sizeof(err)), 0);
	assert_int_equal(j.n, 0);
	gs_journal_free(&j);
}

static void test_records_survive_save_and_load(void **state)
{
	struct fx *f = *state;
	struct gs_journal j, k;
	struct gs_jrec r[2] = { rec(100, 5, 0xffff888001000000ULL, 10), rec(200, 6, 0xffff888002000000ULL, 11) };
	char err[256];

	assert_int_equal(gs_journal_load(&j, f->path, err, sizeof(err)), 0);
	assert_int_equal(gs_journal_add(&j, r, 2, err, sizeof(err)), 0);
	/* suspended again: one record, the first time kept */
	r[0].since = 99;
	assert_int_equal(gs_journal_add(&j, r, 1, err, sizeof(err)), 0);
	assert_int_equal(j.n, 2);
	assert_int_equal(gs_journal_load(&k, f->path, err, sizeof(err)), 0);
	assert_int_equal(k.n, 2);
	assert_int_equal(k.r[0].vm_pid, 100);
	assert_int_equal(k.r[0].since, 10);
	assert_int_equal(k.r[0].task, 0xffff888001000000ULL);
	assert_int_equal(k.r[1].vm_start, 1234);
	assert_int_equal(k.r[1].by_pid, 77);
	assert_string_equal(k.r[1].vm, "web-200");
	assert_string_equal(k.r[1].comm, "updatedb");
	assert_int_equal(access(f->path, F_OK), 0);
	gs_journal_free(&j);
	gs_journal_free(&k);
}

struct pick {
	int32_t vm_pid, pid;      /* pid -1: the VM's every record */
	uint64_t vm_start, task;
	int calls;
};

static int picked(void *ctx, const struct gs_jrec *r)
{
	struct pick *p = ctx;

	p->calls++;
	return r->vm_pid == p->vm_pid && r->vm_start == p->vm_start &&
	       (p->pid < 0 || (r->pid == p->pid && r->task == p->task));
}

static void test_drop_by_thread_and_by_vm(void **state)
{
	struct fx *f = *state;
	struct gs_journal j;
	struct gs_jrec r[3] = { rec(100, 5, 0x1000, 1), rec(100, 6, 0x2000, 1), rec(200, 5, 0x1000, 1) };
	struct pick by_thread = { 100, 5, 1234, 0x1000, 0 }, reused = { 200, 5, 999, 0x1000, 0 },
		    by_vm = { 200, -1, 1234, 0, 0 };
	char err[256];

	assert_int_equal(gs_journal_load(&j, f->path, err, sizeof(err)), 0);
	assert_int_equal(gs_journal_add(&j, r, 3, err, sizeof(err)), 0);
	assert_int_equal(gs_journal_drop_if(&j, picked, &by_thread, err, sizeof(err)), 1);
	assert_int_equal(by_thread.calls, 3);   /* asked once per record */
	assert_int_equal(j.n, 2);
	/* same thread, another VM start (a new VMM with a reused pid): kept */
	assert_int_equal(gs_journal_drop_if(&j, picked, &reused, err, sizeof(err)), 0);
	assert_int_equal(gs_journal_drop_if(&j, picked, &by_vm, err, sizeof(err)), 1);
	assert_int_equal(j.n, 1);
	assert_int_equal(j.r[0].pid, 6);
	gs_journal_free(&j);
	assert_int_equal(gs_journal_load(&j, f->path, err, sizeof(err)), 0);
	assert_int_equal(j.n, 1);
	gs_journal_free(&j);
}

static void refused(struct fx *f, const char *text, const char *want)
{
	struct gs_journal j;
	char err[512], where[128];

	write_file(f->path, text);
	assert_int_equal(gs_journal_load(&j, f->path, err, sizeof(err)), -1);
	snprintf(where, sizeof(where), "%s:", f->path);
	assert_non_null(strstr(err, where));
	if (!strstr(err, want))
		fail_msg("'%s' does not say '%s'", err, want);
	assert_int_equal(j.n, 0);
}

#define GOOD "{\"vm_pid\":1,\"vm_start\":2,\"vm\":\"a\",\"pid\":3,\"tgid\":3,\"task\":\"0x10\",\"comm\":\"x\",\"since\":0,\"by_uid\":0,\"by_pid\":1}\n"

static void test_damaged_journal_refused_with_its_line(void **state)
{
	struct fx *f = *state;

	refused(f, GOOD "nonsense\n", ":2: not a JSON object");
	refused(f, GOOD GOOD "{\"vm_pid\":1}\n", ":3: 'vm_start' missing");
	refused(f, "{\"vm_pid\":1,\"vm_start\":2,\"vm\":\"a\",\"pid\":3,\"tgid\":3,\"task\":\"0x10\",\"comm\":\"x\",\"since\":0,\"by_uid\":0,\"by_pid\":1,\"extra\":1}\n",
		":1: unknown key 'extra'");
	refused(f, "{\"vm_pid\":-1,\"vm_start\":2,\"vm\":\"a\",\"pid\":3,\"tgid\":3,\"task\":\"0x10\",\"comm\":\"x\",\"since\":0,\"by_uid\":0,\"by_pid\":1}\n",
		":1: a number out of range");
	refused(f, "{\"vm_pid\":1,\"vm_start\":2,\"vm\":\"a\",\"pid\":3,\"tgid\":3,\"task\":\"zz\",\"comm\":\"x\",\"since\":0,\"by_uid\":0,\"by_pid\":1}\n",
		":1: 'task' is not a hex address");
	refused(f, GOOD "{\"vm_pid\":1", ":2: last line not terminated");
}

static void test_failed_save_keeps_the_journal(void **state)
{
	struct fx *f = *state;
	struct gs_journal j;
	struct gs_jrec r = rec(100, 5, 0x1000, 1);
	char err[512], path[160];

	snprintf(path, sizeof(path), "%s/no-such-dir/suspended.jsonl", f->dir);
	assert_int_equal(gs_journal_load(&j, path, err, sizeof(err)), 0);
	assert_int_equal(gs_journal_add(&j, &r, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(j.n, 0);
	gs_journal_free(&j);
	/* and a drop that cannot be saved drops nothing */
	assert_int_equal(gs_journal_load(&j, f->path, err, sizeof(err)), 0);
	assert_int_equal(gs_journal_add(&j, &r, 1, err, sizeof(err)), 0);
	snprintf(j.path, sizeof(j.path), "%s", path);
	{
		struct pick all = { 100, -1, 1234, 0, 0 };

		assert_int_equal(gs_journal_drop_if(&j, picked, &all, err, sizeof(err)), -1);
	}
	assert_int_equal(j.n, 1);
	assert_int_equal(j.r[0].pid, 5);
	gs_journal_free(&j);
}

static int alive(int32_t pid, uint64_t start)
{
	return start && gsched_proc_start(pid) == start;
}

static void gone(void *ctx, const struct gs_jrec *r, long n)
{
	int *calls = ctx;

	(*calls)++;
	assert_int_equal(n, 2);
	assert_string_equal(r->comm, "updatedb");
}

/* A VM whose VMM process is gone (a real process here): its records go;
 * another VM's stay, and so does a live VMM's. */
static void test_records_of_a_stopped_vm_are_forgotten(void **state)
{
	struct fx *f = *state;
	struct gs_journal j;
	struct gs_jrec r[3];
	pid_t vmm = fork();
	char err[256];
	int calls = 0, st;

	assert_true(vmm >= 0);
	if (!vmm) {
		pause();
		_exit(0);
	}
	for (int i = 0; i < 200 && !gsched_proc_start(vmm); i++)
		usleep(1000);
	r[0] = rec(vmm, 5, 0x1000, 1);
	r[1] = rec(vmm, 6, 0x2000, 1);
	r[2] = rec(getpid(), 5, 0x1000, 1);
	r[0].vm_start = r[1].vm_start = gsched_proc_start(vmm);
	r[2].vm_start = gsched_proc_start(getpid());
	assert_int_equal(gs_journal_load(&j, f->path, err, sizeof(err)), 0);
	assert_int_equal(gs_journal_add(&j, r, 3, err, sizeof(err)), 0);
	assert_int_equal(gs_journal_drop_dead(&j, alive, gone, &calls, err, sizeof(err)), 0);
	assert_int_equal(j.n, 3);
	kill(vmm, SIGKILL);
	assert_int_equal(waitpid(vmm, &st, 0), vmm);
	assert_int_equal(gs_journal_drop_dead(&j, alive, gone, &calls, err, sizeof(err)), 2);
	assert_int_equal(calls, 1);
	assert_int_equal(j.n, 1);
	assert_int_equal(j.r[0].vm_pid, getpid());
	gs_journal_free(&j);
	/* a reused pid with another start time is not the VMM */
	r[2].vm_start += 1;
	assert_int_equal(alive(r[2].vm_pid, r[2].vm_start), 0);
}

static void test_readers_list_root_changes(void **state)
{
	gid_t g[2] = { 5, 42 };

	(void)state;
	assert_true(gd_control_may("suspend", 0, 0, NULL, 0, (gid_t)-1));
	assert_false(gd_control_may("suspend", 1000, 42, g, 2, 42));
	assert_false(gd_control_may("resume", 1000, 42, g, 2, 42));
	assert_true(gd_control_may("suspended", 1000, 100, g, 2, 42));   /* supplementary */
	assert_true(gd_control_may("status", 1000, 42, NULL, 0, 42));    /* primary */
	assert_false(gd_control_may("status", 1000, 100, g, 1, 42));
	assert_false(gd_control_may("status", 1000, 42, NULL, 0, (gid_t)-1)); /* no readers group */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_journal_is_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_survive_save_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_by_thread_and_by_vm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_journal_refused_with_its_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_save_keeps_the_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records_of_a_stopped_vm_are_forgotten, setup, teardown),
		cmocka_unit_test(test_readers_list_root_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
