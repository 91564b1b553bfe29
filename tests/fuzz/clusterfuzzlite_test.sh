#!/bin/sh
# .clusterfuzzlite/build.sh as ClusterFuzzLite/OSS-Fuzz run it, without Docker: CC/CXX clang-14,
# CFLAGS/CXXFLAGS with the sanitizers and -fsanitize=fuzzer-no-link, LIB_FUZZING_ENGINE
# -fsanitize=fuzzer, OUT a fresh directory. Then every fuzz/fuzz_X.cc must have in $OUT its
# binary, options, dictionary and seed corpus zip, and each binary must run one seed input and
# load its dictionary. ctest fuzz/clusterfuzzlite/build (fuzz preset; label clusterfuzzlite:
# a whole build, minutes at -j1).
#   clusterfuzzlite_test.sh SOURCE_DIR WORK_DIR
set -eu
src=$1; work=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work/out" "$work/inputs"; mkdir -p "$work/out" "$work/inputs"
export CC=clang-14 CXX=clang++-14
export CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=$work/out WORK=$work
export SMMUREF_JOBS=${SMMUREF_JOBS:-1}
bash "$src/.clusterfuzzlite/build.sh" > "$work/build.log" 2>&1 || { tail -50 "$work/build.log"; fail "build.sh"; }
n=0
for f in "$src"/fuzz/fuzz_*.cc; do
  t=$(basename "$f" .cc); n=$((n + 1))
  for x in "$t" "$t.options" "$t.dict" "${t}_seed_corpus.zip"; do
    [ -s "$work/out/$x" ] || fail "no \$OUT/$x"
  done
  [ -x "$work/out/$t" ] || fail "\$OUT/$t is not executable"
  seeds=$(unzip -Z1 "$work/out/${t}_seed_corpus.zip" | grep -v '/$' | wc -l)
  [ "$seeds" -eq "$(ls "$src/corpus/fuzz/$t" | wc -l)" ] || fail "$t: $seeds seeds in the zip"
  first=$(unzip -Z1 "$work/out/${t}_seed_corpus.zip" | grep -v '/$' | head -1)
  unzip -p "$work/out/${t}_seed_corpus.zip" "$first" > "$work/inputs/$t"
  (cd "$work/out" && "./$t" "$work/inputs/$t") > "$work/$t.run" 2>&1 || { cat "$work/$t.run"; fail "$t on one input"; }
  grep -q "Executed $work/inputs/$t" "$work/$t.run" || fail "$t did not run its input"
  mkdir -p "$work/empty-$t"
  (cd "$work/out" && "./$t" -dict="$t.dict" -runs=20 "$work/empty-$t") > "$work/$t.dict.run" 2>&1 ||
    { cat "$work/$t.dict.run"; fail "$t with its dictionary"; }
  grep -q "Dictionary: [1-9][0-9]* entries" "$work/$t.dict.run" || fail "$t: dictionary not loaded"
done
[ $n -ge 4 ] || fail "only $n targets"
echo "clusterfuzzlite_test: $n targets built, each ran one input and loaded its dictionary"
