# bench-cycle with 300 processes (cycle-common.sh does the work)
CYCLE_PROCS=300
. /cycle-common.sh
