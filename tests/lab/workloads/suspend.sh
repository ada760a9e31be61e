# Suspend/resume workload (check-suspend): a hog (/threads-hog: three busy
# threads, in cgroup /lab/hog), a sleeper that counts, and a victim the guest
# kills while gsched holds it suspended, 20 sleepers in cgroup /many (one
# the host leaves suspended when it shuts this VM down), and for the soak
# a ping-pong pair and a forker (/soakers) in cgroup /soak. The host script
# (tests/lab/host/suspend.sh) suspends and resumes them from outside and
# names each step on this guest's second serial port ("mark NAME" lines are
# echoed as markers, "kill-victim" kills the victim, "stop-hog" and
# "cont-hog" send it SIGSTOP and SIGCONT, "renice-hog N" sets each of its
# threads' nice to N (and prints what /proc then says), "oracle TAG"
# prints the scheduler oracles (below), "move-hog" and "unmove-hog" move
# it to cgroup /lab/moved and back, "soak-start" starts /soakers,
# "soak-check" shows they went on and kills them, "burn-start" starts a
# busy burner, "burn-stop" kills it and forks 20 sleepers, one of which
# likely gets its page-table root, "done" ends); meanwhile
# a sampler prints each one's state, CPU ticks and counter 5 times a second.
dmesg_at_start=$(dmesg | wc -l)   # the guest's boot has its own warnings
# the busy ones at nice 19, so that the sampler and the counter get the CPU
/threads-hog & hog=$!
sh -c 'n=0; while :; do n=$((n + 1)); echo $n >/tmp/count; sleep 0.05; done' & counter=$!
sh -c 'while :; do :; done' & victim=$!
renice -n 19 -p $hog $victim >/dev/null
# the hog's three threads started (up to 20 s; then each reniced: nice is per thread)
for _ in $(seq 100); do set -- /proc/$hog/task/*; [ $# -ge 3 ] && break; sleep 0.2; done
for t in /proc/$hog/task/*; do renice -n 19 -p ${t##*/} >/dev/null; done
# the hog in a cgroup v2 group of its own, below /lab (selected by path)
mount -t cgroup2 none /sys/fs/cgroup && mkdir -p /sys/fs/cgroup/lab/hog &&
  echo $hog >/sys/fs/cgroup/lab/hog/cgroup.procs
# 20 sleepers (each awake once a second: little load on the slow lab
# guest, whose sampler must keep up) in a group of their own, /many: the
# host suspends them all at once before it kills gschedd
mkdir -p /sys/fs/cgroup/many &&
  sh -c 'echo $$ >/sys/fs/cgroup/many/cgroup.procs && exec /sleepers 20 1000' >/dev/null
echo "=== gsched-lab: many: $(cat /sys/fs/cgroup/many/cgroup.procs | tr '\n' ' ')"
echo "=== gsched-lab: hog threads: $(ls /proc/$hog/task | tr '\n' ' ')cgroup: $(cat /proc/$hog/cgroup)"
echo "=== gsched-lab: suspend-pids hog=$hog counter=$counter victim=$victim"
st() { # pid -> S="state utime+stime" from /proc (or "gone 0"); builtins
  # only, so that a sample costs no fork
  if [ -r /proc/$1/stat ] && read -r l </proc/$1/stat; then
    set -- ${l#*) }; S="$1 $((${12} + ${13}))"
  else S="gone 0"; fi
}
# the counter rewrites /tmp/count 20 times a second: a read can find it
# just truncated (seen: an empty count in a sample, and once in the final
# one), and it stays so when gsched suspends the counter between the
# truncation and the write (the trap is taken at the open's return: seen
# once); read until a number, else the last count the counter finished
last=0
count() {
  for _ in 1 2 3 4 5; do read -r n </tmp/count; [ -n "$n" ] && { last=$n; return; }; sleep 0.01; done
  n=$last
}
( while :; do
    st $hog; h=$S; st $counter; c=$S; st $victim; v=$S; count
    echo "=== sample hog $h counter $c $n victim $v"
    sleep 0.2
  done ) & sampler=$!
# Oracles of the guest's scheduler (shared/notes/guest-runqueue-edits.md
# section 8), from /proc so that they read alike on 6.1 and 6.12: where
# each of the hog's threads waits (wchan: get_signal in the trap, into
# which Debian's builds inline do_freezer_trap) and the context switches
# they made (none in the trap). (procs_running against the threads in
# state R was tried: a reading of every thread's stat took about 8 s on the
# emulated 6.1 guest, and on the busy guest the two seldom matched.)
oracle() { # tag
  local w= s=0 t x k v
  for t in /proc/$hog/task/*; do
    x=; read -r x 2>/dev/null <$t/wchan; w="$w,${x:-0}"
    while read -r k v; do
      case $k in voluntary_ctxt_switches:|nonvoluntary_ctxt_switches:) s=$((s + v)) ;; esac
    done 2>/dev/null <$t/status
  done
  echo "=== gsched-lab: oracle $1 wchan=${w#,} switches=$s"
}
exec 3</dev/ttyS1
while read -t 3600 line <&3; do
  case $line in
    mark\ *) echo "=== gsched-lab: ${line}" ;;
    oracle\ *) oracle "${line#oracle }" ;;
    kill-victim)
      echo "=== gsched-lab: mark killing-victim"
      kill -9 $victim; wait $victim; echo "=== gsched-lab: victim killed (wait status $?)" ;;
    stop-hog) echo "=== gsched-lab: mark stopping-hog"; kill -STOP $hog ;;
    cont-hog) echo "=== gsched-lab: mark continuing-hog"; kill -CONT $hog ;;
    renice-hog\ *) # (busybox renice without -n sets the value)
      echo "=== gsched-lab: mark renicing-hog"; r=
      for t in /proc/$hog/task/*; do renice "${line#renice-hog }" -p ${t##*/} >/dev/null; done
      for t in /proc/$hog/task/*; do read -r l <$t/stat; set -- ${l#*) }; r="$r ${17}"; done
      echo "=== gsched-lab: mark hog-reniced"; echo "=== gsched-lab: hog nice:$r" ;;
    move-hog) # all its threads to another group (below /lab too), and back
      echo "=== gsched-lab: mark moving-hog"; mkdir -p /sys/fs/cgroup/lab/moved
      echo $hog >/sys/fs/cgroup/lab/moved/cgroup.procs
      echo "=== gsched-lab: mark hog-moved"; echo "=== gsched-lab: hog moved: $(cat /proc/$hog/cgroup)" ;;
    unmove-hog) echo $hog >/sys/fs/cgroup/lab/hog/cgroup.procs
      echo "=== gsched-lab: hog moved back: $(cat /proc/$hog/cgroup)" ;;
    spin-start) # a nice-0 spinner beside the hog (the run-queue step)
      sh -c 'while :; do :; done' & spinner=$! ;;
    spin-stop)
      kill "$spinner"; wait "$spinner" 2>/dev/null ;;
    burn-start) # gschedd's history of root owners: a busy process (up to 120 s)...
      /sleepers --burn 120000 20 & reuse=$! ;;
    burn-stop) # ...killed, and 20 sleepers forked right after it, one likely on its root
      kill "$(cat /tmp/burner.pid)"; wait $reuse; echo "=== gsched-lab: reuse-ready" ;;
    soak-start) # what the soak suspends and resumes, in a group of its own
      mkdir -p /sys/fs/cgroup/soak
      sh -c 'echo $$ >/sys/fs/cgroup/soak/cgroup.procs && exec /soakers' | sed 's/^/=== gsched-lab: /' ;;
    soak-check) # each went on after the soak: their counts read until both
      # moved, up to 30 s (at nice 19 beside the hog's three busy threads
      # on one vCPU the forker once forked nothing in 2 s after the soak)
      read -r p1 </tmp/pingpong.count; read -r f1 </tmp/forks.count; w=0
      while [ $w -lt 150 ]; do
        sleep 0.2; w=$((w + 1))
        read -r p2 </tmp/pingpong.count; read -r f2 </tmp/forks.count
        [ "$p2" -gt "$p1" ] 2>/dev/null && [ "$f2" -gt "$f1" ] 2>/dev/null && break
      done
      echo "=== gsched-lab: soak-progress pingpong $p1 $p2 forks $f1 $f2 after $((w * 200)) ms"
      kill -9 $(cat /sys/fs/cgroup/soak/cgroup.procs) ;;
    done) break ;;
  esac
done
kill $sampler
exec 3<&-
st $hog; h=$S; st $counter; c=$S; count
echo "=== final hog $h counter $c $n"
sleep 1
st $hog; h=$S; st $counter; c=$S; count
echo "=== final2 hog $h counter $c $n"
kill -9 $hog $counter
dmesg | tail -n +$((dmesg_at_start + 1)) >/tmp/dmesg-new
# (the note's list: scheduler warnings, list corruption, lockups, stalls, PSI)
bad='BUG|WARNING|Oops|hung_task|rcu.*stall|Call Trace|corruption|soft lockup|psi:|blocked for more than'
grep -E "$bad" /tmp/dmesg-new | sed 's/^/=== guest dmesg: /'
echo "=== guest dmesg warnings: $(grep -cE "$bad" /tmp/dmesg-new)"
