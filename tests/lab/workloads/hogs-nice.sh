# Accuracy workload: 4 CPU-bound processes at nice 0, 5, 10, 15 plus sleepers
# on one vCPU for ~25 s; then they are stopped (not killed) so their
# /proc/<pid>/stat and gsched's address-space times describe the same work.
# The hogs' pids are announced ("=== gsched-lab: hogs PID...") so the checks
# pair each with its own address space, not by rank.
pids=
for n in 0 5 10 15; do
  sh -c 'while :; do :; done' &
  renice -n $n -p $! >/dev/null
  pids="$pids $!"
done
echo "=== gsched-lab: hogs$pids"
for s in 1 2 3; do sleep 1000 & pids="$pids $!"; done
sleep 25
kill -STOP $pids
