# Host script for the suspend scenario (tests/lab/run --host-script; runs in
# the emulated host while guest 0 runs workloads/suspend.sh): suspends and
# resumes its processes from outside with gschedctl, naming each step on the
# guest's second serial port so that the guest's own samples can be cut at
# the steps (check-suspend). Fails on the first gschedctl that does.
set -u
g=${GUEST_NAMES%% *}
log=$OUT/guest-0.log
say() { echo "host: $*"; }
tell() { echo "$*" >"$GO_0"; }
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
# the pids gschedctl suspended lists (threads in the freezer trap)
trapped() { ctl --json suspended "$g" | python3 -c 'import json, sys; print(" ".join(str(t["pid"]) for t in json.load(sys.stdin)["tasks"]))'; }
expect_trapped() { # want
  local got; got=$(trapped)
  [ "$got" = "$1" ] || { say "FAIL: suspended lists '$got', expected '$1'"; tell done; exit 1; }
  say "suspended lists '$got'"
}

step run-1 2
expect_trapped ""
must suspend "$g" "$hog"; step hog-suspended 5
expect_trapped "$hog"
must resume "$g" "$hog"; step hog-resumed 2
expect_trapped ""
must suspend "$g" "$counter"; step counter-suspended 5
must --json resume "$g" "$counter" | tee "$OUT/resume-counter.json"; step counter-resumed 2
# a second resume clears nothing (it may wake the sleeping counter
# spuriously, which an interruptible sleep tolerates)
must resume "$g" "$counter"
must suspend "$g" "$victim"; step victim-suspended 4
tell kill-victim; sleep 2
# the guest killed it: nothing to resume
if ctl resume "$g" "$victim"; then say "FAIL: resumed a process the guest killed"; tell done; exit 1; fi
# cycles: suspend and resume the hog and the counter, back to back
n=${SUSPEND_CYCLES:-10} t0=$(date +%s%N)
for ((i = 1; i <= n; i++)); do
  ctl suspend "$g" "$hog" >/dev/null && ctl resume "$g" "$hog" >/dev/null &&
    ctl suspend "$g" "$counter" >/dev/null && ctl resume "$g" "$counter" >/dev/null ||
    { say "FAIL: cycle $i"; tell done; exit 1; }
done
say "cycles: $n x 2 suspend/resume pairs in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
expect_trapped ""
step cycles-done 2
tell done
say "ok"
