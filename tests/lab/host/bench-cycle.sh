# Host script of make bench-cycle (tests/lab/run --host-script): once guest 0
# says its processes are up, gschedctl bench-cycle (live with direct reads,
# live through the module, in memory), as text and JSON, into OUT.
set -u
g=${GUEST_NAMES%% *}
log=$OUT/guest-0.log
for _ in $(seq 1200); do grep -aq 'cycle-ready' "$log" && break; sleep 0.5; done
grep -a 'cycle-ready' "$log" || { echo "FAIL: the guest never got its processes up"; echo done >"$GO_0"; exit 1; }
rc=0
timeout -k 5 600 "$GSCHEDCTL" bench-cycle "$g" cyclehog "${CYCLES:-100}" | tee "$OUT/bench-cycle.txt" || rc=1
timeout -k 5 600 "$GSCHEDCTL" --json bench-cycle "$g" cyclehog "${CYCLES:-100}" >"$OUT/bench-cycle.json" || rc=1
echo done >"$GO_0"
exit $rc
