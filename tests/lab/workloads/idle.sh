# Lifecycle workload: boot, a few seconds of light work, done.
for i in 1 2 3; do sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'; done
sleep 2
