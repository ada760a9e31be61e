# Nested-guest workload (needs --guest-kvm and --guest-file
# build/tests/nested-guest): this guest loads KVM and runs a guest of its own
# (tests/lab/nested-guest.c) that writes CR3 100000 times in real mode.
for m in irqbypass kvm ccp kvm-amd; do
  insmod /$m.ko || echo "=== gsched-lab: nested: insmod $m failed"
done
[ -c /dev/kvm ] || mknod /dev/kvm c 10 232
/nested-guest 100000
