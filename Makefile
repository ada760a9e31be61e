# gsched: top-level build.
#   make            gsched.ko (kmod/gsched.ko) + userspace programs (build/)
#   make check      unit tests, then the lab scenarios (tests/lab)
#   make unit       unit tests only
#   make soak       the suspend scenarios with 10,000 suspend/resume cycles (lab)
#   make bench      context-switch benchmark in the lab (bench-eviction: eviction workload;
#                   bench-cycle: one scheduling cycle's VM pause vs the in-memory walk)
#   make KDIR=...   build the module against another kernel's build tree
#   make WERROR=1   warnings are errors (userspace, and gsched.ko in the lab);
#                   CI builds so, users' and DKMS builds do not
KDIR ?= /lib/modules/$(shell uname -r)/build
CC ?= cc
CFLAGS ?= -O2 -g
# What the build needs, whatever CFLAGS the user gives.
GS_CFLAGS := -Wall -Wextra -std=gnu11 -Iinclude -Idaemon
ifneq ($(WERROR),)
GS_CFLAGS += -Werror
export GSCHED_WERROR := 1
endif
override CFLAGS += $(GS_CFLAGS)
BUILD := build

JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSONC_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)

CORE_SRC := kmod/core/astab.c kmod/core/acct.c kmod/core/btf.c
VMI_SRC := daemon/vmi/mem.c daemon/vmi/pagewalk.c daemon/vmi/list.c daemon/vmi/rbtree.c \
	daemon/vmi/file.c daemon/vmi/edits.c daemon/vmi/rbedit.c
LINUX_SRC := daemon/linux/guest.c daemon/linux/kaslr.c daemon/linux/offsets.c \
	daemon/linux/tasks.c daemon/linux/runqueue.c daemon/linux/freeze.c daemon/linux/cgroup.c \
	daemon/linux/rqedit.c
# Everything that reads a guest: memory, the Linux readers, the profile
# loader, and the escaping of what they show.
GUEST_SRC := $(VMI_SRC) $(LINUX_SRC) daemon/profile/isf.c daemon/lib/escape.c
PROFILE_SRC := daemon/profile/want.c daemon/profile/isfgen.c daemon/profile/elfsym.c \
	daemon/profile/dwarf.c daemon/profile/btfgen.c kmod/core/btf.c
# The reentrant library gschedctl and gschedd share: the device, VM lookup,
# a guest session (profile search, pause-and-retry), suspend/resume, the
# control socket's protocol.
SESSION_SRC := daemon/lib/gsched.c daemon/lib/vmfind.c daemon/lib/session.c \
	daemon/lib/suspend.c daemon/lib/ctl.c daemon/lib/owners.c daemon/lib/owners_json.c \
	daemon/vmi/kvm.c $(GUEST_SRC)
CTL_SRC := daemon/gschedctl.c daemon/cli/table.c daemon/cli/model.c daemon/cli/cmd_vms.c \
	daemon/cli/cmd_spaces.c daemon/cli/cmd_profile.c daemon/cli/cmd_ps.c \
	daemon/cli/cmd_runqueue.c daemon/cli/cmd_bench_pause.c daemon/cli/cmd_suspend.c \
	daemon/cli/cmd_status.c daemon/cli/cmd_bench_cycle.c daemon/cli/cmd_soak.c daemon/cli/introspect.c $(SESSION_SRC) $(PROFILE_SRC)
GSCHEDD_SRC := daemon/gschedd/main.c daemon/gschedd/journal.c daemon/gschedd/control.c \
	daemon/gschedd/requests.c daemon/gschedd/release.c daemon/gschedd/vms.c \
	daemon/gschedd/access.c daemon/gschedd/observe.c $(SESSION_SRC)
# libdwarf has a .pc file from 0.5 on (Debian trixie); bookworm's 20210528 has none.
DWARF_CFLAGS := $(shell pkg-config --cflags libdwarf 2>/dev/null || echo -I/usr/include/libdwarf)
DWARF_LIBS := $(shell pkg-config --libs libdwarf 2>/dev/null || echo -ldwarf) \
	$(shell pkg-config --libs libelf zlib 2>/dev/null || echo -lelf -lz)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all module user unit check lab-check lab-full soak profiles fuzz bench bench-eviction bench-core bench-introspect bench-cycle clean
all: module user

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

user: $(BUILD)/gschedctl $(BUILD)/gschedd $(BUILD)/abi-check $(BUILD)/pause-check $(BUILD)/memrw $(BUILD)/pools-full

# Lab helpers on libgsched, run inside the emulated host.
LIB_SRC := daemon/lib/gsched.c daemon/lib/vmfind.c daemon/lib/escape.c
$(BUILD)/pause-check $(BUILD)/memrw: $(BUILD)/%: tests/lab/%.c $(LIB_SRC) daemon/lib/*.h include/gsched/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_SRC)

# Run inside the lab's emulated host against the loaded module.
$(BUILD)/pools-full: tests/lab/pools-full.c tests/lab/tinyvm.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/abi-check: tests/lab/abi-check.c include/gsched/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/gschedctl: $(CTL_SRC) $(wildcard daemon/*.h daemon/*/*.h) include/gsched/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ikmod $(JSONC_CFLAGS) $(DWARF_CFLAGS) -o $@ $(CTL_SRC) $(JSONC_LIBS) $(DWARF_LIBS)

$(BUILD)/gschedd: $(GSCHEDD_SRC) $(wildcard daemon/*/*.h) include/gsched/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ikmod $(JSONC_CFLAGS) -o $@ $(GSCHEDD_SRC) $(JSONC_LIBS)

TEST_SRC := $(CORE_SRC) $(SESSION_SRC) daemon/gschedd/journal.c daemon/gschedd/access.c tests/synth/synth.c
$(BUILD)/tests/test_%: tests/unit/test_%.c $(TEST_SRC) $(wildcard kmod/core/*.h daemon/*/*.h tests/synth/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ikmod -Itests/synth $(JSONC_CFLAGS) -fsanitize=address,undefined -o $@ $< \
		$(TEST_SRC) -lcmocka $(JSONC_LIBS)

# libFuzzer: a hostile guest's memory against the whole reading path.
FUZZ_SECONDS ?= 45
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(GUEST_SRC) tests/synth/synth.c $(wildcard daemon/*/*.h tests/synth/*.h)
	@mkdir -p $(dir $@)
	clang -O1 -g -fsanitize=fuzzer,address,undefined $(GS_CFLAGS) -Itests/synth $(JSONC_CFLAGS) \
		-o $@ $< $(GUEST_SRC) tests/synth/synth.c $(JSONC_LIBS)

# Each target: a hostile guest (fuzz_guest), a hostile profile (fuzz_profile).
FUZZ_TARGETS := guest profile
fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)
	@set -e; for t in $(FUZZ_TARGETS); do mkdir -p $(BUILD)/fuzz-corpus-$$t; \
	  echo "== fuzz_$$t ($(FUZZ_SECONDS) s)"; \
	  $(BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=4096 \
	    -print_final_stats=1 $(BUILD)/fuzz-corpus-$$t; done

$(BUILD)/bench-introspect: tests/bench/introspect.c $(GUEST_SRC) tests/synth/synth.c $(wildcard daemon/*/*.h tests/synth/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O2 -Itests/synth $(JSONC_CFLAGS) -o $@ $< $(GUEST_SRC) tests/synth/synth.c $(JSONC_LIBS)

# Instructions per tracking event of kmod/core under callgrind (no timing).
$(BUILD)/bench-core: tests/bench/core.c $(CORE_SRC) $(wildcard kmod/core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O2 -Ikmod -o $@ $< $(CORE_SRC)

bench-core: $(BUILD)/bench-core
	tests/bench/core-callgrind $(BUILD)/bench-core

# One scheduling cycle's pause against the in-memory walk, 300 and 2000
# guest processes (README, Introspection costs).
bench-cycle: user profiles $(BUILD)/tests/sleepers
	tests/lab/bench-cycle

bench-introspect: $(BUILD)/bench-introspect
	$(BUILD)/bench-introspect

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done
	@echo "== tests/lab/test-emulator-faults"; tests/lab/test-emulator-faults

# Profiles of the lab's guest kernels from their DWARF, checked against pahole.
profiles: user
	tests/profile/check-profiles

# The lab builds gsched.ko itself for each kernel it boots.
lab-check: user profiles $(BUILD)/tests/nested-guest $(BUILD)/tests/threads-hog $(BUILD)/tests/sleepers $(BUILD)/tests/soakers
	tests/lab/check-all

# The suspend scenarios on both kernels with a soak of 10,000 cycles
# (suspend and resume every 10 ms; make check runs 200).
soak: user profiles $(BUILD)/tests/threads-hog $(BUILD)/tests/sleepers $(BUILD)/tests/soakers
	SOAK_CYCLES=$${SOAK_CYCLES:-10000} LAB_OUT=$${LAB_OUT:-lab-out/soak} tests/lab/check-all --full --only '^suspend-'

# Every scenario on both kernels (before resolving an issue; not in CI).
lab-full: user profiles $(BUILD)/tests/nested-guest $(BUILD)/tests/threads-hog $(BUILD)/tests/sleepers $(BUILD)/tests/soakers
	tests/lab/check-all --full

# The lab guest's own guest (tests/lab/nested-guest.c), static for its initramfs.
$(BUILD)/tests/nested-guest: tests/lab/nested-guest.c tests/lab/tinyvm.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

# A process of three busy threads for the lab's suspend scenario, static too.
$(BUILD)/tests/threads-hog: tests/lab/threads-hog.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -pthread -o $@ $<

# Sleeping processes for the lab's bench-cycle and suspend workloads, static too.
$(BUILD)/tests/sleepers: tests/lab/sleepers.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

# What the lab's soak suspends and resumes (a ping-pong pair, a forker), static too.
$(BUILD)/tests/soakers: tests/lab/soakers.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<
check: unit fuzz bench-introspect profiles lab-check

bench: user
	tests/lab/bench --workload pingpong

# How much of the eviction workload's slowdown is gsched's (README, Overhead).
bench-eviction: user
	tests/lab/bench --workload eviction

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
