// Every deliberately wrong driver (impl/include/smmuref/impl/driver/mutant.h) is caught by the
// end-to-end isolation check alone: random programs on the two instances of
// driver_e2e_test.cc, seed after seed, until one reports a violation. The seeds and the
// programs are the ones the un-mutated driver passes (RandomProgramsOnTwoInstancesStayIsolated),
// so a catch is the mutant's doing.
#include <gtest/gtest.h>

#include "e2e/isolation.h"

#if SMMUREF_DRIVER_MUTANTS
namespace smmuref::conform::e2e {
namespace {

InstanceSpec Full(int mutant) { return FullInstance(mutant); }
InstanceSpec NonCoherent(int mutant) { return NonCoherentInstance(mutant); }

class DriverMutant : public ::testing::TestWithParam<int> {};

TEST_P(DriverMutant, IsCaughtByTheIsolationCheck) {
  const int k = GetParam();
  std::string caught;
  int programs = 0;
  for (uint64_t seed = 1; seed <= 40 && caught.empty(); ++seed) {
    for (const InstanceSpec& spec : {Full(k), NonCoherent(k)}) {
      Instance inst(spec);
      ASSERT_TRUE(inst.ok()) << inst.setup_error();
      ++programs;
      auto bad = RunProgram(inst, seed, 40);
      if (!bad.empty()) {
        caught = "seed " + std::to_string(seed) + ": " + bad[0].substr(0, bad[0].find('\n'));
        break;
      }
    }
  }
  ASSERT_FALSE(caught.empty()) << "mutant " << k << " survived " << programs << " programs";
  RecordProperty("programs_until_caught", std::to_string(programs));
  RecordProperty("caught", caught);
}

std::vector<int> MutantIds() {
  int n = 0;
  const impl::driver::DriverMutant* m = impl::driver::DriverMutants(&n);
  std::vector<int> ids;
  for (int i = 0; i < n; ++i) ids.push_back(m[i].id);
  return ids;
}

INSTANTIATE_TEST_SUITE_P(Driver, DriverMutant, ::testing::ValuesIn(MutantIds()));

TEST(DriverMutants, AtLeastTwelveExist) { EXPECT_GE(MutantIds().size(), 12u); }

}  // namespace
}  // namespace smmuref::conform::e2e
#endif
