// Every entry of the proof catalogue (proofs/equiv/registry.h) as its own gtest, so that ctest
// runs each proof as a test under the label `proofs` ("proofs/ste/full", ...). A proof passes
// when it is proved; a wrong variant when it yields a counterexample, which the test prints as
// decoded fields. A timeout or any other unknown fails.
#include <gtest/gtest.h>

#include <cstdio>

#include "proofs/equiv/registry.h"

namespace {

class ProofTest : public testing::Test {
 public:
  explicit ProofTest(smmuref::proofs::ProofCase c) : c_(std::move(c)) {}
  void TestBody() override {
    using namespace smmuref::proofs;
    const ProofResult r = c_.run(ProveOptions{});
    std::printf("%s %s %.2f s  %s\n", c_.id.c_str(), VerdictName(r.verdict), r.seconds,
                c_.width.c_str());
    if (r.verdict == Verdict::kCounterexample) {
      std::printf("%s", c_.describe ? c_.describe(r).c_str() : DescribeInputs(r).c_str());
    }
    EXPECT_TRUE(AsExpected(c_, r)) << c_.id << ": " << VerdictName(r.verdict) << " "
                                   << r.reason;
    // A wrong variant's counterexample, as a vector: passes on the model and impl, fails on the
    // matching impl-mutant-K.
    if (c_.wrong && c_.vector && r.verdict == Verdict::kCounterexample) {
      const std::string text = c_.vector(r);
      EXPECT_EQ(ReplayVector(c_, text), "") << text;
    }
  }

 private:
  smmuref::proofs::ProofCase c_;
};

}  // namespace

// gtest filters treat '-' as the start of negative patterns, so proof ids are registered with
// '_' in its place ("tlbi/nh-va" runs as tlbi.nh_va).
std::string GtestName(std::string s) {
  for (char& c : s) {
    if (c == '-' || c == ':' || c == '*' || c == '?') c = '_';
  }
  return s;
}

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (const smmuref::proofs::ProofCase& c : smmuref::proofs::AllProofs()) {
    std::string suite = GtestName(c.id.substr(0, c.id.find('/')));
    std::string name = GtestName(c.id.substr(c.id.find('/') + 1));
    testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                          [c]() -> testing::Test* { return new ProofTest(c); });
  }
  const int status = RUN_ALL_TESTS();
  // A filter that selects no proof must not pass quietly.
  if (testing::UnitTest::GetInstance()->test_to_run_count() == 0) {
    std::fprintf(stderr, "proofs_equiv_tests: no proof selected\n");
    return 1;
  }
  return status;
}
