#!/bin/sh
# The ./smmuref driver keeps the caller's working directory: a relative vector path given from
# another folder is found there (the driver used to change to the repository root). Run by ctest
# as cli/driver-keeps-the-callers-directory with the preset of the build under test; the build is
# up to date when ctest runs, so the driver's incremental build does nothing.
#   driver_test.sh REPOSITORY PRESET SCRATCH
set -eu
repo=$1 preset=$2 scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch/sub"
printf 'smmuref-vectors 1\nreg.expect32 CR0 0\n' > "$scratch/sub/rel.vec"
cd "$scratch"
out=$("$repo/smmuref" --preset "$preset" vectors run sub/rel.vec 2>&1) || { echo "$out"; exit 1; }
case "$out" in
  *"PASS  sub/rel.vec (1 expectations)"*) ;;
  *) echo "expected a PASS of sub/rel.vec, got:"; echo "$out"; exit 1 ;;
esac
