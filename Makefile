# gsched: top-level build.
#   make            gsched.ko (kmod/gsched.ko) + userspace programs (build/)
#   make check      unit tests, then the lab scenarios (tests/lab)
#   make unit       unit tests only
#   make bench      context-switch benchmark in the lab
#   make KDIR=...   build the module against another kernel's build tree
KDIR ?= /lib/modules/$(shell uname -r)/build
CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -Iinclude -Idaemon
BUILD := build

JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSONC_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)

CORE_SRC := kmod/core/astab.c kmod/core/acct.c kmod/core/btf.c
VMI_SRC := daemon/vmi/mem.c daemon/vmi/pagewalk.c daemon/vmi/list.c daemon/vmi/rbtree.c \
	daemon/vmi/file.c
LINUX_SRC := daemon/linux/guest.c daemon/linux/kaslr.c daemon/linux/offsets.c \
	daemon/linux/tasks.c daemon/linux/runqueue.c daemon/profile/isf.c
PROFILE_SRC := daemon/profile/want.c daemon/profile/isfgen.c daemon/profile/elfsym.c \
	daemon/profile/dwarf.c daemon/profile/btfgen.c kmod/core/btf.c
CTL_SRC := daemon/gschedctl.c daemon/cli/table.c daemon/cli/model.c daemon/cli/cmd_vms.c \
	daemon/cli/cmd_tasks.c daemon/cli/cmd_profile.c daemon/cli/cmd_ps.c \
	daemon/cli/cmd_runqueue.c daemon/cli/cmd_bench_pause.c daemon/cli/introspect.c daemon/lib/gsched.c daemon/vmi/kvm.c \
	$(PROFILE_SRC) $(VMI_SRC) $(LINUX_SRC)
DWARF_CFLAGS := -I/usr/include/libdwarf
DWARF_LIBS := -ldwarf -lelf -lz
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all module user unit check lab-check profiles fuzz bench bench-introspect clean
all: module user

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

user: $(BUILD)/gschedctl $(BUILD)/abi-check $(BUILD)/pause-check

$(BUILD)/pause-check: tests/lab/pause-check.c daemon/lib/gsched.c daemon/lib/gsched.h include/gsched/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< daemon/lib/gsched.c

# Run inside the lab's emulated host against the loaded module.
$(BUILD)/abi-check: tests/lab/abi-check.c include/gsched/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/gschedctl: $(CTL_SRC) $(wildcard daemon/*.h daemon/*/*.h) include/gsched/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ikmod $(JSONC_CFLAGS) $(DWARF_CFLAGS) -o $@ $(CTL_SRC) $(JSONC_LIBS) $(DWARF_LIBS)

TEST_SRC := $(CORE_SRC) $(VMI_SRC) $(LINUX_SRC) tests/synth/synth.c
$(BUILD)/tests/test_%: tests/unit/test_%.c $(TEST_SRC) $(wildcard kmod/core/*.h daemon/*/*.h tests/synth/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ikmod -Itests/synth $(JSONC_CFLAGS) -fsanitize=address,undefined -o $@ $< \
		$(TEST_SRC) -lcmocka $(JSONC_LIBS)

# libFuzzer: a hostile guest's memory against the whole reading path.
FUZZ_SECONDS ?= 60
$(BUILD)/fuzz_guest: tests/fuzz/fuzz_guest.c $(VMI_SRC) $(LINUX_SRC) tests/synth/synth.c $(wildcard daemon/*/*.h tests/synth/*.h)
	@mkdir -p $(dir $@)
	clang -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude -Idaemon -Itests/synth $(JSONC_CFLAGS) \
		-o $@ $< $(VMI_SRC) $(LINUX_SRC) tests/synth/synth.c $(JSONC_LIBS)

fuzz: $(BUILD)/fuzz_guest
	@mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/fuzz_guest -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=4096 \
		-print_final_stats=1 $(BUILD)/fuzz-corpus

$(BUILD)/bench-introspect: tests/bench/introspect.c $(VMI_SRC) $(LINUX_SRC) tests/synth/synth.c $(wildcard daemon/*/*.h tests/synth/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O2 -Itests/synth $(JSONC_CFLAGS) -o $@ $< $(VMI_SRC) $(LINUX_SRC) tests/synth/synth.c $(JSONC_LIBS)

bench-introspect: $(BUILD)/bench-introspect
	$(BUILD)/bench-introspect

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

# Profiles of the lab's guest kernels from their DWARF, checked against pahole.
profiles: user
	tests/profile/check-profiles

# The lab builds gsched.ko itself for each kernel it boots.
lab-check: user profiles
	tests/lab/check-all

check: unit fuzz bench-introspect profiles lab-check

bench: user
	tests/lab/bench

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
