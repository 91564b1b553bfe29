// Cross-checks of the command-queue encodings (proofs/encodings/cmdq.cc) against the model's
// CheckCommand (every opcode, under random and named profiles, with and without the
// cmd_res0_ill choice pinned to 1) and QueuePointer (index, wrap, next, empty, full), 100,000
// biased samples each.
#include <gtest/gtest.h>

#include "harness.h"
#include "proofs/encodings/cmdq.h"
#include "proofs/encodings/fields.h"
#include "smmuref/model/arch/cmdq.h"
#include "smmuref/model/arch/queue.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs::cross {
namespace {

namespace ma = model::arch;

// A command with biased operand fields (spec/fields/cmd.def).
std::vector<uint64_t> BiasedCommand(Rng& rng) {
  namespace c = spec::cmd;
  static const spec::Field kFields[] = {c::SSec, c::SSV, c::SubstreamID, c::StreamID, c::NUM,
                                        c::SCALE, c::VMID, c::ASID, c::CS, c::MSH, c::MSIAttr,
                                        c::Leaf, c::Range, c::TTL, c::TG, c::Addr, c::MSIAddr};
  static const spec::FieldTable kCmd{"cmd", kFields, sizeof kFields / sizeof kFields[0], 2};
  return BiasedStructure(rng, kCmd);
}

TEST(CrossCmdq, CheckCommandMatchesTheModel) {
  std::vector<Assumption> ignored;
  ProfileTerms p = SymbolicProfile("p", &ignored);
  const std::vector<Bv> cmd = Words("cmd", 2);
  const Bv res0 = Bv::Var("cmd_res0_ill");
  std::vector<std::pair<std::string, z3::expr>> in = {{"cmd.dw0", cmd[0].expr()},
                                                      {"cmd.dw1", cmd[1].expr()},
                                                      {"cmd_res0_ill", res0.expr()}};
  for (auto& [name, term] : ProfileFields(p)) in.push_back({"p." + name, term->expr()});
  CrossCheck check(in, {{"R-CMDQ-003..010, R-TLBI-012 CERROR_ILL",
                         CheckCommandTerm(cmd.data(), p, res0).expr()}});
  Rng rng(201);
  std::vector<uint8_t> ops;
  for (int o = 0; o < 256; ++o) {
    if (spec::CommandName(static_cast<uint8_t>(o))) ops.push_back(static_cast<uint8_t>(o));
  }
  for (uint64_t n = 0; n < kSamples; ++n) {
    spec::Profile prof = RandomProfile(rng);
    const bool pin = rng.Chance(50);
    prof.choices[static_cast<size_t>(spec::Choice::kCmdRes0Ill)] = pin ? 1 : (rng.Chance(50) ? 0 : spec::kAny);
    std::vector<uint64_t> c = BiasedCommand(rng);
    const uint64_t op = rng.Chance(90) ? ops[rng.Below(ops.size())] : rng.Below(256);
    spec::Set(c.data(), spec::cmd::Opcode, op);
    if (rng.Chance(50)) c[1] &= rng.Next() & rng.Next();  // fewer reserved bits
    std::vector<uint64_t> values = {c[0], c[1], pin ? 1u : 0u};
    ProfileTerms t = ConstantProfile(prof);
    for (auto& [name, term] : ProfileFields(t)) {
      uint64_t v = 0;
      term->expr().is_numeral_u64(v);
      values.push_back(v);
    }
    const std::string diff = check.Compare(values, {ma::CheckCommand(c.data(), prof) != 0});
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

TEST(CrossCmdq, QueueArithmeticMatchesQueuePointer) {
  const Bv prod = Bv::Var("prod"), cons = Bv::Var("cons"), qs = Bv::Var("log2size");
  const QueueTerms q = QueuePointerTerm(prod, qs);
  CrossCheck check({{"prod", prod.expr()}, {"cons", cons.expr()}, {"log2size", qs.expr()}},
                   {{"Index", q.index.expr()}, {"Wrap", q.wrap.expr()}, {"Value", q.value.expr()},
                    {"Next", q.next.expr()},
                    {"Empty", Flag(QueueEmptyTerm(prod, cons, qs)).expr()},
                    {"Full", Flag(QueueFullTerm(prod, cons, qs)).expr()}});
  Rng rng(202);
  for (uint64_t n = 0; n < kSamples; ++n) {
    const unsigned log2 = static_cast<unsigned>(rng.Below(20));
    const ma::QueuePointer qp{log2};
    const uint32_t a = static_cast<uint32_t>(rng.Biased(32, {0, 1, (2u << log2) - 1, 1u << log2}));
    uint32_t b = static_cast<uint32_t>(rng.Biased(32));
    if (rng.Chance(40)) b = a ^ (rng.Chance(50) ? (1u << log2) : 0u);
    const std::string diff = check.Compare(
        {a, b, log2}, {qp.Index(a), qp.Wrap(a), qp.Value(a), qp.Next(a), qp.Empty(a, b), qp.Full(a, b)});
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

}  // namespace
}  // namespace smmuref::proofs::cross
