// The engine's two builds, and its deliberately wrong variants ("mutants") that show the checks
// bite. impl/CMakeLists.txt compiles the same sources twice:
//  - smmuref_impl_arch, the shipping engine used by benchmarks, the `impl` device, plug-ins and
//    proofs: SMMUREF_MUTANTS is 0, every mutation point `if (SMMUREF_MUTANT(k)) ...` is the
//    constant false and compiles to nothing;
//  - smmuref_impl_arch_mutants (SMMUREF_MUTANTS=1), linked only into the `impl-mutant-K` devices
//    (conform/src/impl_mutant_device.cc): a point is live when Engine::Options::mutant == k.
// The mutant build declares everything inside the inline namespace `mutants`, so both builds
// link into one program without sharing a symbol; a source compiled for one build that calls
// into the other fails to link instead of mixing them.
// tests/CMakeLists.txt runs `smmuref check` on every mutant and requires it to fail.
#pragma once

#if SMMUREF_MUTANTS
#define SMMUREF_ENGINE_BUILD_BEGIN inline namespace mutants {
#define SMMUREF_ENGINE_BUILD_END }
#define SMMUREF_MUTANT(k) (mutant_ == (k))
#else
#define SMMUREF_ENGINE_BUILD_BEGIN
#define SMMUREF_ENGINE_BUILD_END
#define SMMUREF_MUTANT(k) false
#endif

#if SMMUREF_MUTANTS
namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN

struct MutantInfo {
  int id;
  const char* description;
};

// The mutants that exist (ids 1..N), for device names, help and the mutant tests.
const MutantInfo* Mutants(int* count);

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
#endif
