// proofs/lib: the unsigned bit-vector wrapper (bv.h), Prove/Solve verdicts and SMT-LIB dumps
// (prove.h), and the tape evaluator against Z3's own evaluation (eval.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "proofs/lib/bv.h"
#include "proofs/lib/eval.h"
#include "proofs/lib/prove.h"

namespace smmuref::proofs {
namespace {

TEST(Bv, OperatorsAreUnsigned) {
  const Bv big(0x8000000000000000ull), one(1);
  // z3++'s signed < would call 0x8000... negative.
  EXPECT_EQ(Prove("ult", one < big, {}).verdict, Verdict::kProved);
  EXPECT_EQ(Prove("udiv", big / Bv(2) == Bv(0x4000000000000000ull), {}).verdict, Verdict::kProved);
  EXPECT_EQ(Prove("lshr", (big >> Bv(63)) == one, {}).verdict, Verdict::kProved);
  EXPECT_EQ(Prove("urem", Bv(0xffffffffffffffffull) % Bv(10) == Bv(5), {}).verdict,
            Verdict::kProved);
}

TEST(Prove, CounterexampleNamesEveryInput) {
  const Bv x = Bv::Var("x");
  const ProofResult r = Prove("x-small", x < Bv(100), {{"R-TEST-001", x != Bv(5)}});
  ASSERT_EQ(r.verdict, Verdict::kCounterexample);
  EXPECT_GE(Input(r, "x"), 100u);
}

TEST(Prove, UnsatCoreNamesTheRulesUsed) {
  const Bv x = Bv::Var("x");
  const ProofResult r = Prove("x-bounded", x < Bv(100),
                              {{"R-TEST-001", x < Bv(50)}, {"R-TEST-002", x != Bv(7)}});
  ASSERT_EQ(r.verdict, Verdict::kProved);
  ASSERT_EQ(r.core.size(), 1u);
  EXPECT_EQ(r.core[0], "R-TEST-001");
}

TEST(Prove, ContradictoryAssumptionsAreUnknownNotProved) {
  const Bv x = Bv::Var("x");
  const ProofResult r = Prove("vacuous", x == Bv(1), {{"R-A", x == Bv(2)}, {"R-B", x == Bv(3)}});
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_NE(r.reason.find("vacuous"), std::string::npos);
}

TEST(Prove, TimeoutIsUnknown) {
  // 64-bit factoring of a semiprime is far beyond a 1 ms budget.
  const Bv a = Bv::Var("a"), b = Bv::Var("b");
  ProveOptions o;
  o.timeout_ms = 1;
  const ProofResult r = Prove("factor", !(a * b == Bv(0x7fffffffffffffe7ull * 3ull)),
                              {{"R-A", a > Bv(1) && b > Bv(1) && a < Bv(1ull << 40) && b < Bv(1ull << 40)}}, o);
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
}

TEST(Prove, DumpedQueryAnswersTheSameWithZ3) {
  const auto dir = std::filesystem::temp_directory_path() / "smmuref_prove_test";
  ProveOptions o;
  o.dump_dir = dir.string();
  const Bv x = Bv::Var("x");
  const ProofResult proved = Prove("dump/proved", (x & Bv(1)) <= Bv(1), {{"R-A", x > Bv(3)}}, o);
  const ProofResult cex = Prove("dump/cex", x == Bv(4), {{"R-A", x > Bv(3)}}, o);
  for (const ProofResult* r : {&proved, &cex}) {
    ASSERT_FALSE(r->smt2_path.empty());
    const std::string cmd = "z3 -T:20 " + r->smt2_path + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char line[256] = {};
    ASSERT_NE(fgets(line, sizeof line, pipe), nullptr);
    pclose(pipe);
    EXPECT_EQ(std::string(line), r == &proved ? "unsat\n" : "sat\n") << r->smt2_path;
  }
  std::filesystem::remove_all(dir);
}

TEST(Eval, TapeAgreesWithZ3OnEveryOperation) {
  const Bv x = Bv::Var("ex"), y = Bv::Var("ey");
  const Bool c = Bool::Var("ec");
  const std::vector<Bv> terms = {
      x + y, x - y, x * y, x / y, x % y, x & y, x | y, x ^ y, ~x, x << y, x >> y,
      Select(c && x < y, x, y), Select(x <= y || !c, x, y), Select(x > y, x, y),
      Select(x >= y, x, y), Select(x != y, x, y), Bits(x, 17, 3), Bits(x, 63, 0),
      Flag(Implies(c, x == y))};
  std::vector<z3::expr> outs;
  for (const Bv& t : terms) outs.push_back(t.expr());
  Evaluator e({x.expr(), y.expr(), c.expr()}, outs);
  const uint64_t samples[][3] = {{0, 0, 0}, {5, 0, 1}, {~0ull, 63, 1}, {1ull << 63, 64, 0},
                                 {123456789, 987654321, 1}, {7, 65, 0}, {~0ull, ~0ull, 1}};
  for (const auto& s : samples) {
    const std::vector<uint64_t> in = {s[0], s[1], s[2]};
    EXPECT_EQ(e.Run(in), e.RunWithZ3(in)) << s[0] << " " << s[1];
  }
}

}  // namespace
}  // namespace smmuref::proofs
