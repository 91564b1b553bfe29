// Tests for model/arch/cd.cc: CD table indexing, CD decode and the ILLEGAL checklist (R-CD-*).
#include "smmuref/model/arch/cd.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {
namespace {

namespace f = spec::cd;

spec::Profile Load(const std::string& name) {
  auto r = spec::LoadProfile(name);
  if (!r.ok()) {
    ADD_FAILURE() << "profile " << name;
    return spec::Profile{};
  }
  return r.value();
}
// Profile fields set directly: the loader refuses values that are not modelled.
template <typename F>
spec::Profile Tweak(const std::string& name, F f) {
  spec::Profile p = Load(name);
  f(p);
  return p;
}

struct Cd {
  uint64_t dw[8] = {};
  Cd& Set(spec::Field field, uint64_t v) {
    spec::Set(dw, field, v);
    return *this;
  }
};

// A legal CD under `full`: both halves, 4KB granules, 48-bit VA, IPS 48 bits, A=1, R=1.
Cd Legal() {
  Cd c;
  c.Set(f::V, 1).Set(f::AA64, 1).Set(f::A, 1).Set(f::R, 1).Set(f::IPS, 0b101);
  c.Set(f::T0SZ, 16).Set(f::TG0, 0b00).Set(f::TTB0, 0x100000 >> 4);
  c.Set(f::T1SZ, 16).Set(f::TG1, 0b10).Set(f::TTB1, 0x200000 >> 4);
  c.Set(f::ASID, 0x1234).Set(f::MAIR0, 0x44ff).Set(f::MAIR1, 0x04);
  return c;
}

const CdContext kEl1{};
const CdContext kEl2{StreamWorld::kNsEl2, false, false, true};
const CdContext kE2h{StreamWorld::kNsEl2E2H, false, false, true};

bool Has(const std::vector<Violation>& v, const std::string& rule) {
  return std::any_of(v.begin(), v.end(), [&](const Violation& x) { return rule == x.rule; });
}
std::string Rules(const std::vector<Violation>& v) {
  std::string s;
  for (const auto& x : v) s += std::string(x.rule) + ": " + x.detail + "\n";
  return s;
}

TEST(CdIllegal, LegalCdHasNoViolations) {
  EXPECT_EQ(Rules(CdIllegalReasons(Legal().dw, Load("full"), kEl1)), "");
}

TEST(CdIllegal, InvalidCdIsIllegal) {
  // R-CD-001
  Cd c = Legal();
  c.Set(f::V, 0);
  const auto v = CdIllegalReasons(c.dw, Load("full"), kEl1);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_STREQ(v[0].rule, "R-CD-001");
  EXPECT_FALSE(DecodeCd(c.dw, Load("full"), kEl1).valid);
}

TEST(CdIllegal, StallWithS1stalldIsIllegal) {
  // R-CD-002: checked with a stall-capable SMMU so that R-CD-003 stays quiet.
  const auto p = Tweak("full", [](spec::Profile& p) { p.stall_model = 0; });
  Cd c = Legal();
  c.Set(f::S, 1);
  CdContext ctx;
  ctx.s1stalld = true;
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, p, ctx), "R-CD-002"));
  EXPECT_EQ(Rules(CdIllegalReasons(c.dw, p, kEl1)), "");
}

TEST(CdIllegal, StallBitAgainstStallModelIsIllegal) {
  // R-CD-003: S=1 without stall support, S=0 when stall is forced.
  Cd c = Legal();
  c.Set(f::S, 1);
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-003"));
  const auto forced = Tweak("full", [](spec::Profile& p) { p.stall_model = 2; });
  EXPECT_TRUE(Has(CdIllegalReasons(Legal().dw, forced, kEl1), "R-CD-003"));
  EXPECT_FALSE(Has(CdIllegalReasons(c.dw, forced, kEl1), "R-CD-003"));
}

TEST(CdIllegal, RazWiTerminateWithTermModelIsIllegal) {
  // R-CD-004
  Cd c = Legal();
  c.Set(f::A, 0);
  EXPECT_TRUE(
      Has(CdIllegalReasons(c.dw, Tweak("full", [](spec::Profile& p) { p.term_model = 1; }), kEl1),
          "R-CD-004"));
  EXPECT_FALSE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-004"));
}

TEST(CdIllegal, BigEndianTablesOnLittleEndianSmmuIsIllegalUnlessBothHalvesDisabled) {
  // R-CD-005
  Cd c = Legal();
  c.Set(f::ENDI, 1);
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-005"));
  c.Set(f::EPD0, 1).Set(f::EPD1, 1);
  EXPECT_EQ(Rules(CdIllegalReasons(c.dw, Load("full"), kEl1)), "");
}

TEST(CdIllegal, Aarch32TablesIllegalWithoutTtfOrInE2h) {
  // R-CD-006
  Cd c = Legal();
  c.Set(f::AA64, 0);
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-006"));
  const auto both = Tweak("full", [](spec::Profile& p) { p.ttf = 3; });
  EXPECT_FALSE(Has(CdIllegalReasons(c.dw, both, kEl1), "R-CD-006"));
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, both, kE2h), "R-CD-006"));
}

TEST(CdIllegal, Aarch64StageOneOverAarch32StageTwoIsIllegal) {
  // R-CD-007
  CdContext ctx;
  ctx.s2 = true;
  ctx.s2aa64 = false;
  EXPECT_TRUE(Has(CdIllegalReasons(Legal().dw, Load("full"), ctx), "R-CD-007"));
  ctx.s2aa64 = true;
  EXPECT_FALSE(Has(CdIllegalReasons(Legal().dw, Load("full"), ctx), "R-CD-007"));
  const auto aa32_only = Tweak("full", [](spec::Profile& p) { p.ttf = 1; });
  EXPECT_TRUE(Has(CdIllegalReasons(Legal().dw, aa32_only, kEl1), "R-CD-007"));
}

TEST(CdIllegal, HardwareUpdateWithoutHttuIsIllegal) {
  // R-CD-008
  Cd c = Legal();
  c.Set(f::HA, 1);
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-008"));
  const auto af = Tweak("full", [](spec::Profile& p) { p.httu = 1; });
  EXPECT_FALSE(Has(CdIllegalReasons(c.dw, af, kEl1), "R-CD-008"));
  c.Set(f::HD, 1);
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, af, kEl1), "R-CD-008"));
}

TEST(CdIllegal, WideAsidWithoutAsid16IsIllegalExceptInEl2) {
  // R-CD-009
  const auto p = Tweak("full-v32", [](spec::Profile& p) { p.asid16 = 0; });
  EXPECT_TRUE(Has(CdIllegalReasons(Legal().dw, p, kEl1), "R-CD-009"));
  EXPECT_TRUE(Has(CdIllegalReasons(Legal().dw, p, kE2h), "R-CD-009"));
  EXPECT_FALSE(Has(CdIllegalReasons(Legal().dw, p, kEl2), "R-CD-009"));
  EXPECT_FALSE(Has(CdIllegalReasons(Legal().dw, Load("full"), kEl1), "R-CD-009"));
}

TEST(CdIllegal, TxszOutOfRangeIsIllegalForAnEnabledHalf) {
  // R-CD-010: max 39 (STT=0), 48 (4KB/16KB) or 47 (64KB) with STT; min 16 (VAX=0).
  Cd c = Legal();
  c.Set(f::T1SZ, 40);
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-010"));
  c.Set(f::T1SZ, 39);
  EXPECT_FALSE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-010"));
  c.Set(f::T0SZ, 15);
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-010"));
  const auto stt = Tweak("full", [](spec::Profile& p) { p.stt = 1; });
  Cd s = Legal();
  s.Set(f::T0SZ, 48);
  EXPECT_FALSE(Has(CdIllegalReasons(s.dw, stt, kEl1), "R-CD-010"));
  s.Set(f::TG0, 0b01);  // 64KB: max 47
  EXPECT_TRUE(Has(CdIllegalReasons(s.dw, stt, kEl1), "R-CD-010"));
}

TEST(CdIllegal, FieldsOfADisabledHalfAreIgnored) {
  // R-CD-013: EPD1=1 makes T1SZ, TG1 and TTB1 IGNORED.
  Cd c = Legal();
  c.Set(f::T1SZ, 63).Set(f::TG1, 0b00).Set(f::TTB1, (uint64_t{1} << 51) >> 4);
  EXPECT_GE(CdIllegalReasons(c.dw, Load("full"), kEl1).size(), 3u);
  c.Set(f::EPD1, 1);
  EXPECT_EQ(Rules(CdIllegalReasons(c.dw, Load("full"), kEl1)), "");
  EXPECT_FALSE(DecodeCd(c.dw, Load("full"), kEl1).ttb[1].enabled);
}

TEST(CdIllegal, ReservedOrUnsupportedGranuleIsIllegal) {
  // R-CD-011 and R-CD-014: TG1=0b00 is reserved, while TG0=0b00 is 4KB.
  Cd c = Legal();
  c.Set(f::TG1, 0b00);
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-011"));
  const auto no16k = Tweak("full", [](spec::Profile& p) { p.gran16k = 0; });
  Cd d = Legal();
  d.Set(f::TG1, 0b01);  // 16KB
  EXPECT_TRUE(Has(CdIllegalReasons(d.dw, no16k, kEl1), "R-CD-011"));
  EXPECT_FALSE(Has(CdIllegalReasons(d.dw, Load("full"), kEl1), "R-CD-011"));
}

TEST(CdIllegal, TtbBeyondEffectiveIpsIsIllegal) {
  // R-CD-012 and R-CD-015: IPS=40 bits; OAS caps IPS=48 to 44 in s1only-nossid.
  Cd c = Legal();
  c.Set(f::IPS, 0b010).Set(f::TTB0, (uint64_t{1} << 40) >> 4);
  EXPECT_TRUE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-012"));
  c.Set(f::IPS, 0b011);
  EXPECT_FALSE(Has(CdIllegalReasons(c.dw, Load("full"), kEl1), "R-CD-012"));
  Cd d = Legal();
  d.Set(f::TTB1, (uint64_t{1} << 44) >> 4);
  EXPECT_TRUE(Has(CdIllegalReasons(d.dw, Load("s1only-nossid"), kEl1), "R-CD-012"));
  EXPECT_FALSE(Has(CdIllegalReasons(d.dw, Load("full"), kEl1), "R-CD-012"));
}

TEST(CdDecode, GranulesDecodedFromTheirOwnEncodings) {
  // R-CD-014
  Cd c = Legal();
  c.Set(f::TG0, 0b10).Set(f::TG1, 0b11);
  const CdConfig d = DecodeCd(c.dw, Load("full"), kEl1);
  EXPECT_EQ(d.ttb[0].granule_shift, 14u);
  EXPECT_EQ(d.ttb[1].granule_shift, 16u);
  c.Set(f::TG0, 0b01).Set(f::TG1, 0b01);
  const CdConfig e = DecodeCd(c.dw, Load("full"), kEl1);
  EXPECT_EQ(e.ttb[0].granule_shift, 16u);
  EXPECT_EQ(e.ttb[1].granule_shift, 14u);
  EXPECT_EQ(DecodeCd(Legal().dw, Load("full"), kEl1).ttb[1].granule_shift, 12u);
}

TEST(CdDecode, EffectiveIpsIsCappedByOas) {
  // R-CD-015
  Cd c = Legal();
  c.Set(f::IPS, 0b110);
  EXPECT_EQ(DecodeCd(c.dw, Load("full"), kEl1).ips_bits, 48u);
  EXPECT_EQ(DecodeCd(c.dw, Load("s1only-nossid"), kEl1).ips_bits, 44u);
  c.Set(f::IPS, 0b001);
  EXPECT_EQ(DecodeCd(c.dw, Load("full"), kEl1).ips_bits, 36u);
}

TEST(CdDecode, El2WorldHasOnlyTtb0) {
  // R-CD-016: NS-EL2 ignores EPD0 (effective 0) and has no TTB1 (its RES0 fields unchecked).
  Cd c = Legal();
  c.Set(f::EPD0, 1).Set(f::TBI0, 1).Set(f::TBI1, 1).Set(f::T1SZ, 0).Set(f::TG1, 0);
  EXPECT_EQ(Rules(CdIllegalReasons(c.dw, Load("full-v32"), kEl2)), "");
  const CdConfig d = DecodeCd(c.dw, Load("full-v32"), kEl2);
  EXPECT_TRUE(d.ttb[0].enabled);
  EXPECT_TRUE(d.ttb[0].tbi);
  EXPECT_FALSE(d.ttb[1].enabled);
  EXPECT_FALSE(d.ttb[1].tbi);
  const CdConfig e = DecodeCd(c.dw, Load("full-v32"), kE2h);
  EXPECT_FALSE(e.ttb[0].enabled);  // EPD0 honoured in EL2-E2H
  EXPECT_TRUE(e.ttb[1].enabled);
  EXPECT_TRUE(e.ttb[1].tbi);
}

TEST(CdDecode, El2WorldIgnoresAsidAndPan) {
  // R-CD-017
  Cd c = Legal();
  c.Set(f::PAN, 1);
  const CdConfig el2 = DecodeCd(c.dw, Load("full-v32"), kEl2);
  EXPECT_EQ(el2.asid, 0);
  EXPECT_FALSE(el2.pan);
  const CdConfig e2h = DecodeCd(c.dw, Load("full-v32"), kE2h);
  EXPECT_EQ(e2h.asid, 0x1234);
  EXPECT_TRUE(e2h.pan);
}

TEST(CdDecode, FieldsDecoded) {
  // R-CD-025: a 48-bit 4KB TTB0 starts at a 4KB level-0 table, so TTB0[11:0] are dropped; a
  // 40-bit TTB1 starts at a 16-byte level-0 table.
  Cd c = Legal();
  c.Set(f::TTB0, 0x100ff0 >> 4).Set(f::T1SZ, 24).Set(f::TTB1, 0x200ff8 >> 4);
  c.Set(f::AFFD, 1).Set(f::WXN, 1).Set(f::S, 0).Set(f::ASET, 1).Set(f::HAD0, 1);
  const CdConfig d = DecodeCd(c.dw, Load("full"), kEl1);
  EXPECT_TRUE(d.valid && d.aa64 && d.affd && d.wxn && d.aset && d.a && d.r);
  EXPECT_FALSE(d.s || d.pan || d.ha || d.hd);
  EXPECT_EQ(d.ttb[0].ttb, 0x100000u);
  EXPECT_EQ(d.ttb[1].ttb, 0x200ff0u);
  EXPECT_EQ(d.ttb[1].tsz, 24u);
  EXPECT_EQ(d.asid, 0x1234);
  EXPECT_EQ(d.mair, 0x04000044ffull);
  // R-CD-026: HAD0 honoured only with SMMU_IDR3.HAD=1.
  EXPECT_TRUE(d.ttb[0].had);
  EXPECT_FALSE(d.ttb[1].had);
  EXPECT_FALSE(DecodeCd(c.dw, Tweak("full", [](spec::Profile& p) { p.had = 0; }), kEl1).ttb[0].had);
}

SteConfig SteWith(unsigned cdmax, unsigned fmt, uint64_t ptr) {
  SteConfig s;
  s.valid = s.s1 = true;
  s.s1cdmax = cdmax;
  s.s1fmt = fmt;
  s.s1_context_ptr = ptr;
  s.cd_ptr_bits = 48;
  return s;
}

TEST(CdTable, SingleCdAtS1ContextPtr) {
  // R-CD-018
  const CdPath path = LocateCd(SteWith(0, 1, 0x12340), 0);
  EXPECT_FALSE(path.two_level);
  EXPECT_EQ(path.cd_addr, 0x12340u);
}

TEST(CdTable, LinearTableIsAlignedToItsSize) {
  // R-CD-019: 2^4 CDs = 1KB table; S1ContextPtr[9:6] are taken as zero.
  const CdPath path = LocateCd(SteWith(4, 0, 0x100fc0), 5);
  EXPECT_FALSE(path.two_level);
  EXPECT_EQ(path.cd_addr, 0x100c00u + 5 * 64);
}

TEST(CdTable, TwoLevelWithFourKilobyteLeaves) {
  // R-CD-020: S1CDMax=12 -> 64 L1CDs (512 bytes); index 0x5c3 -> L1CD 0x17, CD 3 of the leaf.
  const SteConfig ste = SteWith(12, 1, 0x8000 + 0x1c0);
  const CdPath path = LocateCd(ste, 0x5c3);
  ASSERT_TRUE(path.two_level);
  EXPECT_EQ(path.l1cd_addr, 0x8000u + 0x17 * 8);
  uint64_t cd = 0;
  ASSERT_TRUE(CdAddressFromL1Cd(0x40000 | 1, ste, 0x5c3, &cd));
  EXPECT_EQ(cd, 0x40000u + 3 * 64);
  // S1CDMax <= 6: only L1CD 0; the L1 table is still at least 64-byte aligned.
  EXPECT_EQ(LocateCd(SteWith(3, 1, 0x8020), 7).l1cd_addr, 0x8000u);
}

TEST(CdTable, TwoLevelWithSixtyFourKilobyteLeaves) {
  // R-CD-021 and R-CD-024: index 0x1403 -> L1CD 5, CD 3; L2Ptr[15:12] are taken as zero.
  const SteConfig ste = SteWith(16, 2, 0x9000);
  const CdPath path = LocateCd(ste, 0x1403);
  ASSERT_TRUE(path.two_level);
  EXPECT_EQ(path.l1cd_addr, 0x9000u + 5 * 8);
  uint64_t cd = 0;
  ASSERT_TRUE(CdAddressFromL1Cd(0x35000 | 1, ste, 0x1403, &cd));
  EXPECT_EQ(cd, 0x30000u + 3 * 64);
}

TEST(CdTable, InvalidL1cdGivesNoCd) {
  // R-CD-022
  uint64_t cd = 0;
  EXPECT_FALSE(CdAddressFromL1Cd(0x40000, SteWith(8, 1, 0), 1, &cd));
  EXPECT_TRUE(CdAddressFromL1Cd(0x40001, SteWith(8, 1, 0), 1, &cd));
}

TEST(CdTable, L2ptrBeyondAddressSizeGivesNoCd) {
  // R-CD-023: cd_ptr_bits is the OAS with stage 1 only.
  SteConfig ste = SteWith(8, 1, 0);
  ste.cd_ptr_bits = 44;
  uint64_t cd = 0;
  EXPECT_FALSE(CdAddressFromL1Cd((uint64_t{1} << 44) | 1, ste, 1, &cd));
  EXPECT_TRUE(CdAddressFromL1Cd(((uint64_t{1} << 44) - 4096) | 1, ste, 1, &cd));
}

}  // namespace
}  // namespace smmuref::model::arch
