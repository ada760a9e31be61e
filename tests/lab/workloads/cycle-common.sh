# bench-cycle workload body (tests/lab/bench-cycle): $CYCLE_PROCS sleeping
# processes (each its own address space) and one CPU hog named cyclehog;
# the host script measures gschedd's scheduling cycle against them
# (gschedctl bench-cycle) and says "done" on the second serial port.
# (/sleepers forks them: a `sleep &` each took over 360 s for 2000)
/sleepers "$CYCLE_PROCS" || echo "=== gsched-lab: sleepers failed"
( echo -n cyclehog >/proc/self/comm; while :; do :; done ) &
hog=$!
echo "=== gsched-lab: cycle-ready procs=$(ls -d /proc/[0-9]* | wc -l) mem_free_kb=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)"
exec 3</dev/ttyS1
while read -t 900 line <&3; do
  [ "$line" = done ] && break
done
exec 3<&-
kill -9 $hog
# the sleepers go too, so that the lab's end (every /proc/PID/stat printed
# on the serial console) is not 2,000 lines long (builtins only: no fork each)
for d in /proc/[0-9]*; do
  read -r c <"$d/comm" 2>/dev/null && [ "$c" = sleepers ] && kill -9 "${d#/proc/}" 2>/dev/null
done
