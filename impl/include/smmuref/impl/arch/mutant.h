// Deliberately wrong variants of the engine ("mutants"), to show that the checks bite: with the
// CMake option SMMUREF_MUTANTS=ON, each mutation point `if (SMMUREF_MUTANT(k)) ...` inside Engine
// is live when Engine::Options::mutant == k (device name "impl-mutant-k"); with the option OFF the
// points compile to nothing. tests/CMakeLists.txt runs `smmuref check` on every mutant and
// requires it to fail.
#pragma once

namespace smmuref::impl::arch {

struct MutantInfo {
  int id;
  const char* description;
};

// The mutants that exist (ids 1..N), for device names, help and the mutant tests.
const MutantInfo* Mutants(int* count);

}  // namespace smmuref::impl::arch

#if SMMUREF_MUTANTS
#define SMMUREF_MUTANT(k) (mutant_ == (k))
#else
#define SMMUREF_MUTANT(k) false
#endif
