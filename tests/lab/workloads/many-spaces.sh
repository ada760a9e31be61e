# Eviction workload: 200 processes alive at once, each with its own address
# space, each waking twice a second for ~10 s: far more address spaces than a
# small module table (max_tasks=32) holds.
pids=
i=0
while [ $i -lt 200 ]; do
  sh -c 'n=0; while [ $n -lt 20 ]; do sleep 0.5; n=$((n+1)); done' &
  pids="$pids $!"
  i=$((i+1))
done
wait
