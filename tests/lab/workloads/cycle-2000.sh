# bench-cycle with 2000 processes (cycle-common.sh does the work)
CYCLE_PROCS=2000
. /cycle-common.sh
