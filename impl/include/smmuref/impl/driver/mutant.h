// The driver's two builds, and its deliberately wrong variants ("mutants") that show the
// end-to-end isolation check bites [issue 13, item 7]. impl/CMakeLists.txt compiles smmu.cc
// twice:
//  - in smmuref_impl_driver, the shipping driver: SMMUREF_DRIVER_MUTANTS is 0 and every
//    mutation point `if (SMMUREF_DRIVER_MUTANT(k)) ...` is the constant false;
//  - in smmuref_impl_driver_mutants (SMMUREF_DRIVER_MUTANTS=1, linked into the end-to-end
//    tests): a point is live when SmmuConfig::mutant == k.
// The mutant build declares smmu.h inside the inline namespace `mutants`, so both builds link
// into one program without sharing a symbol. Only smmu.cc has mutation points; the builders,
// the planner and the page tables are the shipping ones in both.
// Tests: tests/CMakeLists.txt (mutants/driver-mutant-K: each is caught by `smmuref check`),
//        tests/e2e/driver_mutants_test.cc
#pragma once

#if SMMUREF_DRIVER_MUTANTS
#define SMMUREF_DRIVER_BUILD_BEGIN inline namespace mutants {
#define SMMUREF_DRIVER_BUILD_END }
#define SMMUREF_DRIVER_MUTANT(k) (config_.mutant == (k))
#else
#define SMMUREF_DRIVER_BUILD_BEGIN
#define SMMUREF_DRIVER_BUILD_END
#define SMMUREF_DRIVER_MUTANT(k) false
#endif

#if SMMUREF_DRIVER_MUTANTS
namespace smmuref::impl::driver {
SMMUREF_DRIVER_BUILD_BEGIN
struct DriverMutant {
  int id;
  const char* description;
};
// The mutants that exist (ids 1..N).
const DriverMutant* DriverMutants(int* count);
SMMUREF_DRIVER_BUILD_END
}  // namespace smmuref::impl::driver
#endif
