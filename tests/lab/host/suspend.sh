# Host script for the suspend scenario (tests/lab/run --host-script; runs in
# the emulated host while guest 0 runs workloads/suspend.sh): suspends and
# resumes its processes from outside with gschedctl, through gschedd (its
# journal in /run/gsched-state, its log in gschedd.log), naming each step on
# the guest's second serial port so that the guest's own samples can be cut
# at the steps (check-suspend). Then what must never leave a process
# suspended: gschedd killed with SIGKILL and started again, gschedd stopped
# with SIGTERM; and gschedctl on its own (--direct). Fails on the first
# gschedctl that does.
set -u
g=${GUEST_NAMES%% *}
log=$OUT/guest-0.log
say() { echo "host: $*"; }
tell() { echo "$*" >"$GO_0"; }
# on any exit before the end: gschedd stopped (it resumes what it holds, and
# gsched.ko can be unloaded), the guest told to finish
gschedd_pid=
cleanup() {
  [ -z "$gschedd_pid" ] || { kill -TERM "$gschedd_pid" 2>/dev/null; wait "$gschedd_pid" 2>/dev/null; }
}
trap cleanup EXIT
ctl() { echo "+ gschedctl $*" >&2; timeout -k 5 60 "$GSCHEDCTL" "$@"; }
must() { ctl "$@" || { say "FAIL: gschedctl $* (status $?)"; tell done; exit 1; }; }

for _ in $(seq 120); do
  pids=$(grep -a -o 'suspend-pids hog=[0-9]* counter=[0-9]* victim=[0-9]*' "$log" | head -n 1)
  [ -n "$pids" ] && break
  sleep 0.5
done
[ -n "$pids" ] || { say "FAIL: no suspend-pids line from the guest"; exit 1; }
eval "${pids#suspend-pids }"
say "guest pids: hog $hog, counter $counter, victim $victim"
step() { tell "mark $1"; sleep "$2"; }
state=/run/gsched-state journal=/run/gsched-state/suspended.jsonl
export GSCHED_SOCKET=/run/gsched/gschedd.sock
start_gschedd() {
  "$GSCHEDD" --state-dir "$state" >>"$OUT/gschedd.log" 2>&1 & gschedd_pid=$!
  # listening (a dead gschedd's socket file refuses connections)
  for _ in $(seq 100); do "$GSCHEDCTL" status >/dev/null 2>&1 && return 0; sleep 0.2; done
  say "FAIL: gschedd did not listen on $GSCHED_SOCKET"; tell done; exit 1
}
# the guest processes (tgids) in gschedd's journal, as gschedctl status shows them
journaled() { ctl status | awk -v vm="$g" '$1 == vm && !seen[$3]++ { printf "%s%s", s, $3; s = " " }'; }
expect_journaled() { # want
  local got; got=$(journaled)
  [ "$got" = "$1" ] || { say "FAIL: gschedd's journal holds '$got', expected '$1'"; tell done; exit 1; }
  say "journal holds '$got'"
}
start_gschedd
say "gschedd $gschedd_pid listening"
# the processes (tgids) gschedctl suspended lists (threads in the freezer trap)
# (the tables read with awk rather than python3: less to start in the emulated host)
trapped() { ctl suspended "$g" "$@" | awk 'NR > 1 && !seen[$2]++ { printf "%s%s", s, $2; s = " " }'; }
# how many of the hog's threads are in the trap
hog_threads() { ctl suspended "$g" | awk -v p="$hog" 'NR > 1 && $2 == p' | wc -l; }
expect_trapped() { # want
  local got; got=$(trapped)
  [ "$got" = "$1" ] || { say "FAIL: suspended lists '$got', expected '$1'"; tell done; exit 1; }
  say "suspended lists '$got'"
}

step run-1 2
expect_trapped ""
must suspend "$g" "$hog"; step hog-suspended 6
expect_trapped "$hog"
# a process is all its threads (the hog has three)
[ "$(hog_threads)" = 3 ] || { say "FAIL: $(hog_threads) of the hog's 3 threads in the trap"; tell done; exit 1; }
say "all 3 of the hog's threads in the trap"
must resume "$g" "$hog"; step hog-resumed 3
expect_trapped ""
must suspend "$g" "$counter"; step counter-suspended 6
must --json resume "$g" "$counter" | tee "$OUT/resume-counter.json"; step counter-resumed 3
# a second resume finds nothing suspended: the sleeping counter is not
# woken again
must --json resume "$g" "$counter" >"$OUT/resume-again.json"
grep -q '"woken":false' "$OUT/resume-again.json" ||
  { say "FAIL: a second resume woke the counter again: $(tr -d ' \n' <"$OUT/resume-again.json")"; tell done; exit 1; }
say "a second resume: the counter not woken again"
must suspend "$g" "$victim"; step victim-suspended 6
tell kill-victim; sleep 2
# the guest killed it: nothing to resume
if ctl resume "$g" "$victim"; then say "FAIL: resumed a process the guest killed"; tell done; exit 1; fi
# and gschedd forgot it
expect_journaled ""
# gschedd killed (SIGKILL) while it holds the hog suspended: the hog stays
# suspended (in the guest and in the journal) until gschedd starts again,
# which resumes it before it listens
must suspend "$g" "$hog"; step crash-suspended 6
expect_journaled "$hog"
kill -9 "$gschedd_pid"; wait "$gschedd_pid" 2>/dev/null; gschedd_pid=
step daemon-killed 6
[ "$(trapped --direct)" = "$hog" ] ||
  { say "FAIL: the hog is not in the trap after gschedd died"; tell done; exit 1; }
grep -q "\"pid\":$hog," "$journal" || { say "FAIL: the journal lost the hog: $(cat "$journal")"; tell done; exit 1; }
step daemon-starting 0
start_gschedd
say "gschedd restarted ($gschedd_pid)"
step daemon-restarted 3
expect_trapped ""
expect_journaled ""
# gschedd stopped (SIGTERM) with two processes suspended: both resumed
must suspend "$g" "$hog"; must suspend "$g" "$counter"; step term-suspended 6
expect_journaled "$hog $counter"
step daemon-stopping 0
kill -TERM "$gschedd_pid"; rc=0; wait "$gschedd_pid" || rc=$?; gschedd_pid=
[ "$rc" = 0 ] || { say "FAIL: gschedd exited with status $rc on SIGTERM"; tell done; exit 1; }
[ ! -s "$journal" ] || { say "FAIL: journal not empty after SIGTERM: $(cat "$journal")"; tell done; exit 1; }
step daemon-stopped 3
expect_trapped ""
step direct 0
# no gschedd: gschedctl acts itself, and says so
must suspend "$g" "$hog" 2>"$OUT/direct-suspend.txt"; cat "$OUT/direct-suspend.txt" >&2
grep -q "gschedd is not running" "$OUT/direct-suspend.txt" || { say "FAIL: no word that gschedd is not running"; tell done; exit 1; }
must resume "$g" "$hog" --direct
start_gschedd
# by guest cgroup: /lab holds the hog's group /lab/hog, and nothing else
must suspend "$g" /lab; step cgroup-suspended 6
expect_trapped "$hog"
must resume "$g" /lab; step cgroup-resumed 3
expect_trapped ""
# the guest's own job control on a suspended process: SIGSTOP waits while
# it is in the trap, SIGCONT drops that stop, and a resume lets it go on
must suspend "$g" "$hog"; step signals-suspended 2
tell stop-hog; sleep 3
tell cont-hog; step hog-continued 3
expect_trapped "$hog"
must resume "$g" "$hog"; step signals-resumed 3
expect_trapped ""
step cycles 0
# cycles: suspend and resume the hog and the counter, back to back
n=${SUSPEND_CYCLES:-10} t0=$(date +%s%N)
for ((i = 1; i <= n; i++)); do
  for op in "suspend $hog" "resume $hog" "suspend $counter" "resume $counter"; do
    ctl ${op% *} "$g" "${op#* }" >/dev/null || { say "FAIL: cycle $i: gschedctl $op $g (status $?)"; tell done; exit 1; }
  done
done
say "cycles: $n x 2 suspend/resume pairs in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
expect_trapped ""
expect_journaled ""
step cycles-done 2
kill -TERM "$gschedd_pid"; rc=0; wait "$gschedd_pid" || rc=$?; gschedd_pid=
[ "$rc" = 0 ] || { say "FAIL: gschedd's exit (status $rc)"; tell done; exit 1; }
tell done
say "ok"
