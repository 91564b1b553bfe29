// Cross-checks of the permission encodings (proofs/encodings/perm.cc) against the model's
// CheckS1Permission, CheckS2Permission, AccumulateTableAttrs and the access-flag checks
// (model/arch/perm.cc) on 100,000 biased random leaves, table attributes, StreamWorlds, CD bits
// and accesses each.
#include <gtest/gtest.h>

#include "harness.h"
#include "proofs/encodings/perm.h"
#include "smmuref/model/arch/perm.h"

namespace smmuref::proofs::cross {
namespace {

namespace ma = model::arch;

TEST(CrossPerm, StageOneAndAttributesMatchTheModel) {
  const Bv leaf = Bv::Var("leaf"), table = Bv::Var("table_desc"), had = Bv::Var("had"),
           world = Bv::Var("world"), wxn = Bv::Var("wxn"), pan = Bv::Var("pan"),
           nw = Bv::Var("no_write"), ne = Bv::Var("no_el0"), ux = Bv::Var("uxn_table"),
           px = Bv::Var("pxn_table"), w = Bv::Var("write"), x = Bv::Var("instr"),
           pr = Bv::Var("priv"), affd = Bv::Var("affd");
  const TableAttrTerms before{nw, ne, ux, px};
  const TableAttrTerms after = AccumulateTableAttrsTerm(table, had, before);
  const Bool ok = S1PermitsTerm(leaf, before, world, wxn, pan, AccessTerms{w, x, pr});
  CrossCheck check({{"leaf", leaf.expr()}, {"table_desc", table.expr()}, {"had", had.expr()},
                    {"world", world.expr()}, {"wxn", wxn.expr()}, {"pan", pan.expr()},
                    {"no_write", nw.expr()}, {"no_el0", ne.expr()}, {"uxn_table", ux.expr()},
                    {"pxn_table", px.expr()}, {"write", w.expr()}, {"instr", x.expr()},
                    {"priv", pr.expr()}, {"affd", affd.expr()}},
                   {{"R-PERM-001..008 stage-1 permits", Flag(ok).expr()},
                    {"R-PERM-007 APTable[1]", after.no_write.expr()},
                    {"R-PERM-007 APTable[0]", after.no_el0.expr()},
                    {"R-PERM-008 UXNTable", after.uxn.expr()},
                    {"R-PERM-008 PXNTable", after.pxn.expr()},
                    {"R-PERM-010 access flag", Flag(AccessFlagFaultsTerm(leaf, affd)).expr()}});
  Rng rng(101);
  for (uint64_t n = 0; n < kSamples; ++n) {
    const uint64_t l = rng.Next(), t = rng.Next();
    ma::S1TableAttrs attrs{rng.Chance(30), rng.Chance(30), rng.Chance(20), rng.Chance(20)};
    ma::CdConfig cd;
    cd.wxn = rng.Chance(30);
    cd.pan = rng.Chance(30);
    cd.affd = rng.Chance(20);
    const bool h = rng.Chance(30);
    const ma::StreamWorld wld = static_cast<ma::StreamWorld>(rng.Below(3));
    ma::Access a;
    a.write = rng.Chance(40);
    a.instr = !a.write && rng.Chance(40);
    a.priv = rng.Chance(50);
    ma::S1TableAttrs acc = attrs;
    ma::AccumulateTableAttrs(t, h, &acc);
    const bool permitted = ma::CheckS1Permission(l, attrs, wld, cd, a) == nullptr;
    const std::string diff = check.Compare(
        {l, t, h, static_cast<uint64_t>(wld), cd.wxn, cd.pan, attrs.no_write, attrs.no_el0,
         attrs.uxn, attrs.pxn, a.write, a.instr, a.priv, cd.affd},
        {permitted, acc.no_write, acc.no_el0, acc.uxn, acc.pxn, ma::S1AccessFlagFaults(l, cd.affd)});
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

TEST(CrossPerm, StageTwoMatchesTheModel) {
  const Bv leaf = Bv::Var("leaf"), xnx = Bv::Var("xnx"), w = Bv::Var("write"),
           x = Bv::Var("instr"), pr = Bv::Var("priv"), affd = Bv::Var("affd");
  const Bool s2 = S2PermitsTerm(leaf, AccessTerms{w, x, pr}, xnx);
  CrossCheck check({{"leaf", leaf.expr()}, {"xnx", xnx.expr()}, {"write", w.expr()},
                    {"instr", x.expr()}, {"priv", pr.expr()}, {"affd", affd.expr()}},
                   {{"R-PERM-011..013 stage-2 permits", Flag(s2).expr()},
                    {"R-PERM-010 stage-2 access flag", Flag(AccessFlagFaultsTerm(leaf, affd)).expr()}});
  Rng rng(102);
  for (uint64_t n = 0; n < kSamples; ++n) {
    const uint64_t l = rng.Next();
    const bool xn = rng.Chance(50), af = rng.Chance(20);
    ma::Access a;
    a.write = rng.Chance(40);
    a.instr = !a.write && rng.Chance(40);
    a.priv = rng.Chance(50);
    const bool permitted = ma::CheckS2Permission(l, a, xn) == nullptr;
    const std::string diff =
        check.Compare({l, xn, a.write, a.instr, a.priv, af},
                      {permitted, ma::S2AccessFlagFaults(l, af)});
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

}  // namespace
}  // namespace smmuref::proofs::cross
