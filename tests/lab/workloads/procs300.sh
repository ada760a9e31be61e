# Introspection workload: 300 processes with random names (each a subshell
# that renames itself through /proc/self/comm and blocks reading a FIFO: state
# S, its own address space) and 4 CPU-bound processes at nice 0, 5, 10, 15,
# for ~25 s; the host reads run queues mid-way ("introspect" marker). The
# hogs are then stopped (not killed) so their CPU times hold still while the
# host's gschedctl ps and the guest's /proc snapshot are taken.
mkfifo /tmp/hold
chars=abcdefghijklmnopqrstuvwxyz0123456789_-
i=0
while [ $i -lt 300 ]; do
  n=$((RANDOM % 12 + 3)) name=
  while [ $n -gt 0 ]; do name="$name${chars:$((RANDOM % 38)):1}"; n=$((n - 1)); done
  ( echo -n "$name" >/proc/self/comm; read x </tmp/hold ) &
  i=$((i + 1))
done
pids=
for n in 0 5 10 15; do
  sh -c 'while :; do :; done' &
  renice -n $n -p $! >/dev/null
  pids="$pids $!"
done
sleep 12
echo "=== gsched-lab: introspect"
sleep 13
kill -STOP $pids
