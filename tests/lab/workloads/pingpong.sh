# Benchmark workload: pipe ping-pong between two processes for 15 s
# (needs /pingpong, added with --guest-file build/tests/pingpong).
/pingpong 15
