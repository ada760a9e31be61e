# Eviction workload: 100 processes alive at once, each with its own address
# space, each waking twice a second for ~5 s (every wake-up runs a new sleep
# process too): far more address spaces than a small table (max_spaces=32).
pids=
i=0
while [ $i -lt 100 ]; do
  sh -c 'n=0; while [ $n -lt 10 ]; do sleep 0.5; n=$((n+1)); done' &
  pids="$pids $!"
  i=$((i+1))
done
wait
