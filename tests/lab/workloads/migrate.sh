# Migration workload (with --migrate-check): the guest idles while the
# emulated host migrates it twice, writes its memory and restores a copy.
sleep 60
