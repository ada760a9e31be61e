# bench-cycle workload body (tests/lab/bench-cycle): $CYCLE_PROCS sleeping
# processes (each its own address space) and one CPU hog named cyclehog;
# the host script measures gschedd's scheduling cycle against them
# (gschedctl bench-cycle) and says "done" on the second serial port.
i=0
while [ $i -lt "$CYCLE_PROCS" ]; do
  sleep 100000 &
  i=$((i + 1))
  # a word now and then: the emulated host calls a silent guest stuck
  [ $((i % 100)) = 0 ] && echo "=== cycle: $i processes started"
done
( echo -n cyclehog >/proc/self/comm; while :; do :; done ) &
hog=$!
echo "=== gsched-lab: cycle-ready procs=$(ls -d /proc/[0-9]* | wc -l) mem_free_kb=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)"
exec 3</dev/ttyS1
while read -t 900 line <&3; do
  [ "$line" = done ] && break
done
exec 3<&-
kill -9 $hog
