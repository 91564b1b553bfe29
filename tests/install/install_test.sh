#!/usr/bin/env bash
# Installs the DUT ABI package (cmake --install --component dut) into a fresh prefix, builds the
# example C DUT against it as an outside project would (find_package(smmuref CONFIG)), and checks
# that `smmuref conform` loads the result and runs a vector on it.
#   install_test.sh BUILD_DIR SOURCE_DIR SMMUREF WORK_DIR
set -euo pipefail
build=$1 src=$2 smmuref=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" --component dut
test -f "$work/prefix/include/smmuref/dut.h"
env -u CC -u CFLAGS cmake -S "$src/tests/install/consumer" -B "$work/consumer" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DTINY_SMMU_C="$src/conform/examples/dut-c/tiny_smmu.c" \
  -DCMAKE_C_COMPILER=cc >"$work/configure.log"
cmake --build "$work/consumer" >"$work/build.log"
"$smmuref" conform --dut "$work/consumer/tiny_smmu.so" --no-campaign --junit "$work/report.xml" --results "$work/results" "$src/corpus/vectors/walk/granule4k.vec"
grep -q "<testsuite" "$work/report.xml"
