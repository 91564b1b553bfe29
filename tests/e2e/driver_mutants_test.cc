// The driver mutants (impl/include/smmuref/impl/driver/mutant.h) through the library: at least
// twelve exist, and mutant 1 (unmap without TLBI) is caught by RunProgram. That each one is caught
// by `smmuref check` alone, within its default budget, is ctest mutants/driver-mutant-K
// (tests/CMakeLists.txt); running all of them here too would only repeat it.
#include <gtest/gtest.h>

#include "e2e/isolation.h"

#if SMMUREF_DRIVER_MUTANTS
namespace smmuref::conform::e2e {
namespace {

InstanceSpec Full(int mutant) { return FullInstance(mutant); }
InstanceSpec NonCoherent(int mutant) { return NonCoherentInstance(mutant); }

std::vector<int> MutantIds() {
  int n = 0;
  const impl::driver::DriverMutant* m = impl::driver::DriverMutants(&n);
  std::vector<int> ids;
  for (int i = 0; i < n; ++i) ids.push_back(m[i].id);
  return ids;
}

// One mutant through the library, as `smmuref check --driver-mutant K` runs each of them
// (ctest mutants/driver-mutant-K, which is where every one is shown caught).
TEST(DriverMutants, OneIsCaughtThroughTheLibrary) {
  std::string caught;
  for (uint64_t seed = 1; seed <= 3 && caught.empty(); ++seed) {
    for (const InstanceSpec& spec : {Full(1), NonCoherent(1)}) {
      Instance inst(spec);
      ASSERT_TRUE(inst.ok()) << inst.setup_error();
      auto bad = RunProgram(inst, seed, 40);
      if (!bad.empty()) {
        caught = bad[0].substr(0, bad[0].find('\n'));
        break;
      }
    }
  }
  EXPECT_NE(caught.find("must not complete"), std::string::npos) << caught;
}

TEST(DriverMutants, AtLeastTwelveExist) { EXPECT_GE(MutantIds().size(), 12u); }

}  // namespace
}  // namespace smmuref::conform::e2e
#endif
