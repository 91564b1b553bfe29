// Reserved fields of STEs, CDs, L1STDs and L1CDs: which bits count as reserved under a profile,
// and the implementation's choice between ignoring them and considering the structure invalid
// (R-STRTAB-012, R-STE-028, R-CD-027, R-CD-028; C-STE-001, C-STRTAB-002, C-CD-001, C-CD-003).
#include "smmuref/model/arch/reserved.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "smmuref/model/arch/smmu.h"
#include "smmuref/spec/tables.h"

using namespace smmuref;
using model::arch::Smmu;
using model::arch::StreamWorld;
using spec::Reg;

namespace {

uint64_t FieldMask(spec::Field f, unsigned dw) {
  if (f.lsb / 64 != dw) return 0;
  const unsigned w = f.width();
  return (w == 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1) << (f.lsb % 64);
}

bool Overlaps(const uint64_t* mask, spec::Field f) { return mask[f.lsb / 64] & FieldMask(f, f.lsb / 64); }

spec::Profile Profile(const char* name) { return *spec::LoadProfile(name); }

}  // namespace

TEST(ReservedMasks, FieldsTheFullProfileImplementsAreNotReserved) {
  // R-STE-028: under `full` (both stages, no PRI, no HYP, no attribute overrides) the fields the
  // model decodes, the IMPLEMENTATION DEFINED and the IGNORED ones are never reserved.
  uint64_t m[8];
  model::arch::SteReservedMask(Profile("full"), m);
  using namespace spec::ste;
  for (spec::Field f : {V, Config, S1Fmt, S1CDMax, S1DSS, S1CIR, S1COR, S1CSH, S2HWU, DRE, CONT,
                        DCP, MEV, SW_RESERVED, S1STALLD, EATS, NSCFG, S2VMID, S2T0SZ, S2SL0,
                        S2TG, S2PS, S2AA64, S2ENDI, S2AFFD, S2PTW, S2HD, S2HA, S2S, S2R}) {
    EXPECT_FALSE(Overlaps(m, f)) << f.name;
  }
  EXPECT_EQ(m[0] & 0x000ffffffffffffc0ull, 0u) << "S1ContextPtr[51:6]";
  EXPECT_EQ(m[3] & 0x000ffffffffffff0ull, 0u) << "S2TTB[51:4]";
  EXPECT_EQ(m[2] & 0xffffffffull, 0u) << "S2VMID and IMPLEMENTATION DEFINED [159:144]";
  EXPECT_EQ(m[4] & 0xffffull, 0u) << "IMPLEMENTATION DEFINED [271:256]";
  EXPECT_EQ(m[1] >> 52, 0u) << "IMPLEMENTATION DEFINED [127:116]";
  // Fields of features `full` lacks are reserved.
  for (spec::Field f : {PPAR, STRW, MemAttr, MTCFG, ALLOCCFG, SHCFG, PRIVCFG, INSTCFG, S1MPAM}) {
    EXPECT_TRUE(Overlaps(m, f)) << f.name;
  }
  // Without stage 1 and HYP, S1STALLD and STRW are reserved; without stage 2, S2T0SZ..S2R.
  model::arch::SteReservedMask(Profile("s2only"), m);
  EXPECT_TRUE(Overlaps(m, S1STALLD));
  EXPECT_TRUE(Overlaps(m, STRW));
  model::arch::SteReservedMask(Profile("s1only-nossid"), m);
  EXPECT_TRUE(Overlaps(m, S2T0SZ));
  EXPECT_TRUE(Overlaps(m, S2R));
  EXPECT_FALSE(Overlaps(m, S2VMID));  // IGNORED, not reserved
}

TEST(ReservedMasks, TheTtb1HalfIsReservedOnlyForAnEl2Stream) {
  // R-CD-027
  uint64_t el1[8], el2[8];
  const auto p = Profile("full-v32");
  model::arch::CdReservedMask(p, StreamWorld::kNsEl1, el1);
  model::arch::CdReservedMask(p, StreamWorld::kNsEl2, el2);
  using namespace spec::cd;
  for (spec::Field f : {T0SZ, TG0, IR0, OR0, SH0, EPD0, ENDI, T1SZ, TG1, IR1, OR1, SH1, EPD1, V,
                        IPS, AFFD, WXN, UWXN, TBI0, TBI1, PAN, AA64, HD, HA, S, R, A, ASET, ASID,
                        NSCFG0, HAD0, NSCFG1, HAD1}) {
    EXPECT_FALSE(Overlaps(el1, f)) << f.name;
  }
  EXPECT_EQ(el1[1] & 0x000ffffffffffff0ull, 0u) << "TTB0[51:4]";
  EXPECT_EQ(el1[2] & 0x000ffffffffffff0ull, 0u) << "TTB1[51:4]";
  EXPECT_EQ(el1[3] | el1[4], 0u) << "MAIR, AMAIR";
  for (spec::Field f : {T1SZ, TG1, IR1, OR1, SH1, TBI1, NSCFG1, HAD1}) {
    EXPECT_TRUE(Overlaps(el2, f)) << f.name;
  }
  EXPECT_FALSE(Overlaps(el2, EPD1)) << "EPD1 is IGNORED at EL2, not reserved";
  EXPECT_NE(el2[2] & 0x000ffffffffffff0ull, 0u) << "TTB1";
}

TEST(ReservedMasks, L1DescriptorsReserveTheirUnnamedBits) {
  // R-STRTAB-012, R-CD-028
  EXPECT_FALSE(model::arch::L1StdReservedMask() & FieldMask(spec::l1std::Span, 0));
  EXPECT_FALSE(model::arch::L1StdReservedMask() & FieldMask(spec::l1std::L2Ptr, 0));
  EXPECT_TRUE(model::arch::L1StdReservedMask() & (uint64_t{1} << 5));
  EXPECT_FALSE(model::arch::L1CdReservedMask(false) & FieldMask(spec::l1cd::L2Ptr, 0));
  EXPECT_EQ(model::arch::L1CdReservedMask(true) & FieldMask(spec::l1cd::L2Ptr, 0), 0xf000u);
  EXPECT_TRUE(model::arch::L1CdReservedMask(false) & 0x2);
}

namespace {

// SID 1: bypass STE with reserved bit [56]; SID 2: stage-1 STE whose CD has reserved bit [120];
// SID 3: 2-level CD table whose L1CD[1] has reserved bit [1]; SID 4: clean stage-1 STE.
// A linear stream table at 0x100000; VA 0x1234 translates to 0x40001234.
class ReservedBits : public ::testing::TestWithParam<int> {
 protected:
  ReservedBits() : smmu_(MakeProfile(GetParam())) {
    auto W = [&](uint64_t pa, uint64_t v) { smmu_.memory().Write64(pa, v); };
    W(0x100040, 0x100000000000009ull);
    W(0x100080, 0x32000b);
    W(0x320000, 0x26205c0000010ull);
    W(0x320008, 0x100000000600000ull);
    W(0x1000c0, 0x400000000033001bull);
    W(0x330008, 0x340003);
    W(0x340140, 0x46205c0000010ull);
    W(0x340148, 0x600000);
    W(0x100100, 0x32400b);
    W(0x324000, 0x56205c0000010ull);
    W(0x324008, 0x600000);
    W(0x600000, 0x601003);
    W(0x601000, 0x40000401);
    smmu_.WriteReg(Reg::STRTAB_BASE, 0x100000);
    smmu_.WriteReg(Reg::STRTAB_BASE_CFG, 4);
    smmu_.WriteReg(Reg::EVENTQ_BASE, 0x200004);
    smmu_.WriteReg(Reg::CMDQ_BASE, 0x210004);
    for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
      smmu_.WriteReg(r, 0);
    }
    smmu_.WriteReg(Reg::CR0, 0xd);
  }
  static spec::Profile MakeProfile(int choice) {
    auto p = Profile("full");
    p.choices[static_cast<size_t>(spec::Choice::kStructRes0)] = choice;
    return p;
  }
  std::set<std::string> Outcomes(uint32_t sid, bool ssv, uint32_t ssid) {
    spec::Txn t;
    t.sid = sid;
    t.ssv = ssv;
    t.ssid = ssid;
    t.addr = 0x1234;
    t.priv = true;
    const auto r = smmu_.Translate(t);
    EXPECT_TRUE(r.ok());
    std::set<std::string> out;
    for (const auto& o : *r) out.insert(o.event ? spec::EventTypeName(o.event->type) : "ok");
    return out;
  }
  std::set<std::string> Expect(const char* fault) {
    switch (GetParam()) {
      case 0: return {"ok"};
      case 1: return {fault};
      default: return {"ok", fault};
    }
  }
  Smmu smmu_;
};

}  // namespace

TEST_P(ReservedBits, AStructureWithAReservedBitIsIgnoredOrInvalidPerTheProfile) {
  // C-STE-001, C-CD-001, C-CD-003 (profile field struct_res0: 0 ignore, 1 invalid, any)
  EXPECT_EQ(Outcomes(4, false, 0), std::set<std::string>{"ok"});
  EXPECT_EQ(Outcomes(1, false, 0), Expect("C_BAD_STE"));
  EXPECT_EQ(Outcomes(2, false, 0), Expect("C_BAD_CD"));
  EXPECT_EQ(Outcomes(3, true, 0x45), Expect("C_BAD_SUBSTREAMID"));
}

INSTANTIATE_TEST_SUITE_P(StructRes0, ReservedBits, ::testing::Values(0, 1, spec::kAny));

TEST(ReservedBitsL1Std, AnL1StdWithAReservedBitIsIgnoredOrInvalid) {
  // C-STRTAB-002, R-STRTAB-012
  for (int choice : {0, 1, spec::kAny}) {
    auto p = Profile("full");
    p.choices[static_cast<size_t>(spec::Choice::kStructRes0)] = choice;
    Smmu smmu(p);
    smmu.memory().Write64(0x100000, 0x120029);  // Span 9, L2Ptr 0x120000, bit [5]
    smmu.memory().Write64(0x120040, 0x9);
    smmu.WriteReg(Reg::STRTAB_BASE, 0x100000);
    smmu.WriteReg(Reg::STRTAB_BASE_CFG, 0x10210);
    smmu.WriteReg(Reg::EVENTQ_BASE, 0x200004);
    smmu.WriteReg(Reg::CMDQ_BASE, 0x210004);
    for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
      smmu.WriteReg(r, 0);
    }
    smmu.WriteReg(Reg::CR2, 0x2);
    smmu.WriteReg(Reg::CR0, 0xd);
    spec::Txn t;
    t.sid = 1;
    t.addr = 0x5000;
    const auto r = smmu.Translate(t);
    ASSERT_TRUE(r.ok());
    std::set<std::string> got;
    for (const auto& o : *r) got.insert(o.event ? spec::EventTypeName(o.event->type) : "ok");
    const std::set<std::string> want =
        choice == 0 ? std::set<std::string>{"ok"}
        : choice == 1 ? std::set<std::string>{"C_BAD_STREAMID"}
                      : std::set<std::string>{"ok", "C_BAD_STREAMID"};
    EXPECT_EQ(got, want) << "struct_res0=" << choice;
  }
}
