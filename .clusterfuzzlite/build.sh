#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of the libFuzzer targets of fuzz/ (fuzz/README.md,
# "ClusterFuzzLite / OSS-Fuzz"). Honours the engine's variables: $CC $CXX $CFLAGS $CXXFLAGS (the
# sanitizer and coverage flags, e.g. -fsanitize=address,undefined -fsanitize=fuzzer-no-link),
# $LIB_FUZZING_ENGINE (the link flag of the engine, e.g. -fsanitize=fuzzer) and $OUT (where the
# targets go). $WORK (scratch) and $SMMUREF_JOBS (build jobs) are optional. Writes to $OUT, for
# each fuzz/fuzz_X.cc: the binary fuzz_X, fuzz_X.dict, fuzz_X.options (libFuzzer flags, read by
# ClusterFuzz next to the binary) and fuzz_X_seed_corpus.zip (corpus/fuzz/fuzz_X/).
# Tested without Docker by ctest fuzz/clusterfuzzlite/build (fuzz preset, label clusterfuzzlite).
# The source tree: the script's parent in a checkout; the working directory in the image,
# which copies build.sh to $SRC/ and works in $SRC/smmuref (.clusterfuzzlite/Dockerfile).
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ -d "$src/fuzz" ] || src=$PWD
: "${CC:?}" "${CXX:?}" "${LIB_FUZZING_ENGINE:?}" "${OUT:?}"
CFLAGS=${CFLAGS:-}
CXXFLAGS=${CXXFLAGS:-}
build=${WORK:-$OUT/..}/smmuref-build
jobs=${SMMUREF_JOBS:-$(nproc)}
targets=()
for f in "$src"/fuzz/fuzz_*.cc; do
  n=$(basename "$f" .cc)
  targets+=("$n")
done

# The sanitizer flags come from CFLAGS/CXXFLAGS (SMMUREF_FUZZ_SANITIZE=OFF); the engine's link
# flag from LIB_FUZZING_ENGINE (SMMUREF_FUZZ_ENGINE, fuzz/CMakeLists.txt).
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DSMMUREF_FUZZ=ON -DSMMUREF_FUZZ_SANITIZE=OFF -DSMMUREF_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

mkdir -p "$OUT"
for n in "${targets[@]}"; do
  cp "$build/fuzz/$n" "$OUT/$n"
  cp "$src/fuzz/$n.options" "$OUT/$n.options"
  cp "$src/fuzz/$n.dict" "$OUT/$n.dict"
  rm -f "$OUT/${n}_seed_corpus.zip"
  (cd "$src/corpus/fuzz/$n" && zip -q -r "$OUT/${n}_seed_corpus.zip" .)
done
