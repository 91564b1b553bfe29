// Cross-checks of the TLB invalidation encoding (proofs/encodings/tlbi.cc) against the model's
// DecodeInvalidation and Covers (model/arch/cmdq.cc, cache.cc) for every TLBI opcode, stage-1
// entries of each StreamWorld under CR2.E2H 0, 1 and UNKNOWN, and stage-2 entries, with range
// forms (TG/SCALE/NUM/TTL), 100,000 biased samples.
#include <gtest/gtest.h>

#include "harness.h"
#include "proofs/encodings/fields.h"
#include "proofs/encodings/tlbi.h"
#include "smmuref/model/arch/cache.h"
#include "smmuref/model/arch/cmdq.h"
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
namespace op = spec::cmd::op;

const uint8_t kTlbi[] = {op::CMD_TLBI_NH_ALL, op::CMD_TLBI_NH_ASID, op::CMD_TLBI_NH_VA,
                         op::CMD_TLBI_NH_VAA, op::CMD_TLBI_EL2_ALL, op::CMD_TLBI_EL2_ASID,
                         op::CMD_TLBI_EL2_VA, op::CMD_TLBI_EL2_VAA, op::CMD_TLBI_S12_VMALL,
                         op::CMD_TLBI_S2_IPA, op::CMD_TLBI_NSNH_ALL};

TEST(CrossTlbi, CoversMatchesTheModel) {
  std::vector<Assumption> ignored;
  ProfileTerms p = SymbolicProfile("p", &ignored);
  const std::vector<Bv> cmd = Words("cmd", 2);
  EntryTerms e{Bv::Var("e.el2"), Bv::Var("e.asid"), Bv::Var("e.vmid"), Bv::Var("e.va"),
               Bv::Var("e.level"), Bv::Var("e.granule"), Bv::Var("e.leaf"), Bv::Var("e.global")};
  std::vector<std::pair<std::string, z3::expr>> in = {{"cmd.dw0", cmd[0].expr()},
                                                      {"cmd.dw1", cmd[1].expr()}};
  Bv e2h_world = Bv::Var("e.e2h_world");
  for (const Bv* v : {&e.el2, &e.asid, &e.vmid, &e.va, &e.level, &e.granule_shift, &e.leaf,
                      &e.global, &e2h_world}) {
    in.push_back({v->expr().decl().name().str(), v->expr()});
  }
  for (auto& [name, term] : ProfileFields(p)) in.push_back({"p." + name, term->expr()});
  std::vector<std::pair<std::string, z3::expr>> outs;
  // Stage-1 entries under each CR2.E2H a command may be consumed with (1, 0, UNKNOWN); stage-2
  // entries do not depend on it.
  const int kE2h[] = {0, 1, -1};
  for (uint8_t o : kTlbi) {
    for (int e2h : kE2h) {
      outs.push_back({std::string(spec::CommandName(o)) + " stage-1 entry, CR2.E2H " +
                          (e2h < 0 ? "UNKNOWN" : std::to_string(e2h)),
                      Flag(TlbiCoversTerm(o, cmd.data(), p, false, e, e2h, e2h_world)).expr()});
    }
    outs.push_back({std::string(spec::CommandName(o)) + " stage-2 entry",
                    Flag(TlbiCoversTerm(o, cmd.data(), p, true, e)).expr()});
  }
  CrossCheck check(in, outs);
  Rng rng(301);
  for (uint64_t n = 0; n < kSamples; ++n) {
    const spec::Profile prof = RandomProfile(rng);
    std::vector<uint64_t> c = BiasedCommand(rng);
    ma::FetchTag tag;
    tag.el2 = rng.Chance(30);
    const bool e2h_entry = tag.el2 && rng.Chance(50);
    tag.world = static_cast<unsigned>(e2h_entry ? ma::StreamWorld::kNsEl2E2H
                                                : tag.el2 ? ma::StreamWorld::kNsEl2
                                                          : ma::StreamWorld::kNsEl1);
    tag.asid = static_cast<uint16_t>(rng.Chance(50) ? spec::Get(c.data(), spec::cmd::ASID) : rng.Next());
    tag.vmid = static_cast<uint16_t>(rng.Chance(50) ? spec::Get(c.data(), spec::cmd::VMID) : rng.Next());
    static const unsigned kG[3] = {12, 14, 16};
    tag.granule_shift = kG[rng.Below(3)];
    tag.level = static_cast<int>(rng.Below(4));
    const uint64_t addr = spec::Get(c.data(), spec::cmd::Addr) << 12;
    tag.va = rng.Chance(60) ? addr + (rng.Next() & ((uint64_t{1} << rng.Below(40)) - 1)) : rng.Next();
    const bool leaf = rng.Chance(60), global = rng.Chance(30);
    std::vector<uint64_t> values = {c[0], c[1], tag.el2, tag.asid, tag.vmid, tag.va,
                                    static_cast<uint64_t>(tag.level), tag.granule_shift, leaf, global,
                                    e2h_entry};
    ProfileTerms t = ConstantProfile(prof);
    for (auto& [name, term] : ProfileFields(t)) {
      uint64_t v = 0;
      term->expr().is_numeral_u64(v);
      values.push_back(v);
    }
    std::vector<std::optional<uint64_t>> want;
    for (uint8_t o : kTlbi) {
      std::vector<uint64_t> oc = c;
      spec::Set(oc.data(), spec::cmd::Opcode, o);
      for (int e2h : kE2h) {
        ma::Invalidation inv;
        const bool decoded = ma::DecodeInvalidation(oc.data(), prof, &inv, e2h);
        want.push_back(decoded && ma::Covers(inv, ma::FetchKind::kS1Desc, tag, leaf, global, prof));
      }
      ma::Invalidation inv;
      const bool decoded = ma::DecodeInvalidation(oc.data(), prof, &inv);
      want.push_back(decoded && ma::Covers(inv, ma::FetchKind::kS2Desc, tag, leaf, global, prof));
    }
    // The encoding takes the opcode from its loop, the model from the words: give both the same.
    const std::string diff = check.Compare(values, want);
    ASSERT_EQ(diff, "") << "sample " << n << " profile " << prof.name;
  }
}

}  // namespace
}  // namespace smmuref::proofs::cross
