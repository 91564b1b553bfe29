// Tests for model/arch/ste.cc: STE decode and the ILLEGAL checklist (R-STE-*).
#include "smmuref/model/arch/ste.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {
namespace {

namespace f = spec::ste;

spec::Profile Load(const std::string& name) {
  auto r = spec::LoadProfile(name);
  if (!r.ok()) {
    ADD_FAILURE() << "profile " << name;
    return spec::Profile{};
  }
  return r.value();
}
// A built-in profile with fields set directly (the loader refuses values that are not modelled,
// such as HTTU or stall support, which the checklist still has to handle).
template <typename F>
spec::Profile Tweak(const std::string& name, F f) {
  spec::Profile p = Load(name);
  f(p);
  return p;
}

// A legal STE under `full`: stage 1 + stage 2, 4KB stage 2 with a 40-bit IPA starting at level 1.
struct Ste {
  uint64_t dw[8] = {};
  Ste& Set(spec::Field field, uint64_t v) {
    spec::Set(dw, field, v);
    return *this;
  }
};

Ste Nested() {
  Ste s;
  s.Set(f::V, 1).Set(f::Config, 0b111).Set(f::S1ContextPtr, 0x80000 >> 6);
  s.Set(f::S2T0SZ, 24).Set(f::S2SL0, 1).Set(f::S2TG, 0).Set(f::S2PS, 0b101);
  s.Set(f::S2AA64, 1).Set(f::S2TTB, 0x40000000 >> 4).Set(f::S2VMID, 7).Set(f::S2R, 1);
  return s;
}
Ste S1Only() { return Ste().Set(f::V, 1).Set(f::Config, 0b101).Set(f::S1ContextPtr, 0x1000 >> 6); }

bool Has(const std::vector<Violation>& v, const std::string& rule) {
  return std::any_of(v.begin(), v.end(), [&](const Violation& x) { return rule == x.rule; });
}
std::string Rules(const std::vector<Violation>& v) {
  std::string s;
  for (const auto& x : v) s += std::string(x.rule) + ": " + x.detail + "\n";
  return s;
}

TEST(SteIllegal, LegalNestedSteHasNoViolations) {
  const auto p = Load("full");
  EXPECT_EQ(Rules(SteIllegalReasons(Nested().dw, p)), "");
}

TEST(SteDecode, InvalidSteDecodesAsNotValidAndIsNotReportedIllegal) {
  // R-STE-001: V=0 -> not valid (the caller records C_BAD_STE); the checklist stays empty.
  const auto p = Load("full");
  Ste s = Nested();
  s.Set(f::V, 0);
  EXPECT_FALSE(DecodeSte(s.dw, p, false).valid);
  EXPECT_TRUE(SteIllegalReasons(s.dw, p).empty());
  EXPECT_TRUE(DecodeSte(Nested().dw, p, false).valid);
}

TEST(SteDecode, ConfigZeroxxAbortsWithoutBeingIllegal) {
  // R-STE-002: Config 0b0xx (reserved 0b011 included) aborts silently, even with bad S2 fields.
  const auto p = Load("s1only-nossid");
  for (unsigned config : {0b000u, 0b011u}) {
    Ste s = Nested();
    s.Set(f::Config, config).Set(f::S2TG, 3);
    const SteConfig c = DecodeSte(s.dw, p, false);
    EXPECT_TRUE(c.valid);
    EXPECT_TRUE(c.abort) << config;
    EXPECT_FALSE(c.s1 || c.s2);
    EXPECT_TRUE(SteIllegalReasons(s.dw, p).empty()) << config;
  }
  EXPECT_FALSE(DecodeSte(Nested().dw, Load("full"), false).abort);
}

TEST(SteIllegal, StageOneWithoutS1pIsIllegal) {
  // R-STE-003
  EXPECT_TRUE(Has(SteIllegalReasons(S1Only().dw, Load("s2only")), "R-STE-003"));
  EXPECT_FALSE(Has(SteIllegalReasons(S1Only().dw, Load("full")), "R-STE-003"));
}

TEST(SteIllegal, StageTwoWithoutS2pIsIllegal) {
  // R-STE-004
  Ste s = Nested();
  s.Set(f::S1ContextPtr, 0);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("s1only-nossid")), "R-STE-004"));
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-004"));
}

TEST(SteIllegal, SplitStageAtsNeedsNestedConfigWhenAtsImplemented) {
  // R-STE-005: EATS=0b10 with Config=0b101 is ILLEGAL with ATS=1, IGNORED with ATS=0.
  Ste s = S1Only();
  s.Set(f::EATS, 0b10);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Tweak("full", [](spec::Profile& p) { p.ats = 1; })),
                  "R-STE-005"));
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-005"));
  Ste n = Nested();
  n.Set(f::EATS, 0b10);
  EXPECT_FALSE(Has(SteIllegalReasons(n.dw, Tweak("full", [](spec::Profile& p) { p.ats = 1; })),
                   "R-STE-005"));
}

TEST(SteIllegal, ReservedStrwIsIllegalOnlyWhenUsed) {
  // R-STE-006: STRW=0b01 is ILLEGAL with HYP=1 and stage 1 only; RES0 with HYP=0; IGNORED nested.
  Ste s = S1Only();
  s.Set(f::STRW, 0b01);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full-v32")), "R-STE-006"));
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-006"));
  Ste n = Nested();
  n.Set(f::STRW, 0b11);
  EXPECT_TRUE(SteIllegalReasons(n.dw, Load("full-v32")).empty());
}

TEST(SteDecode, StrwSelectsStreamWorldWithHyp) {
  // R-STE-007: STRW=0b10 -> NS-EL2 or NS-EL2-E2H by CR2.E2H; HYP=0 or stage 2 -> NS-EL1.
  Ste s = S1Only();
  s.Set(f::STRW, 0b10);
  const auto v32 = Load("full-v32");
  EXPECT_EQ(DecodeSte(s.dw, v32, false).world, StreamWorld::kNsEl2);
  EXPECT_EQ(DecodeSte(s.dw, v32, true).world, StreamWorld::kNsEl2E2H);
  EXPECT_EQ(DecodeSte(s.dw, Load("full"), true).world, StreamWorld::kNsEl1);
  Ste n = Nested();
  n.Set(f::STRW, 0b10);
  EXPECT_EQ(DecodeSte(n.dw, v32, true).world, StreamWorld::kNsEl1);
  EXPECT_EQ(DecodeSte(S1Only().dw, v32, true).world, StreamWorld::kNsEl1);
}

TEST(SteIllegal, S1stalldWithoutStallModelIsIllegal) {
  // R-STE-008: IGNORED when stage 1 is off.
  Ste s = S1Only();
  s.Set(f::S1STALLD, 1);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-008"));
  EXPECT_FALSE(
      Has(SteIllegalReasons(s.dw, Tweak("full", [](spec::Profile& p) { p.stall_model = 0; })),
          "R-STE-008"));
  Ste b = Ste().Set(f::V, 1).Set(f::Config, 0b100).Set(f::S1STALLD, 1);
  EXPECT_TRUE(SteIllegalReasons(b.dw, Load("full")).empty());
}

TEST(SteIllegal, S1CDMaxAboveSsidsizeIsIllegal) {
  // R-STE-009 and R-STE-012: ignored entirely when SSIDSIZE=0.
  Ste s = S1Only();
  s.Set(f::S1CDMax, 21);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-009"));
  s.Set(f::S1CDMax, 20);
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-009"));
  s.Set(f::S1CDMax, 31);
  EXPECT_TRUE(SteIllegalReasons(s.dw, Load("s1only-nossid")).empty());
}

TEST(SteIllegal, TwoLevelCdTableWithoutCd2lIsIllegal) {
  // R-STE-010: only with substreams enabled (S1CDMax != 0).
  Ste s = S1Only();
  s.Set(f::S1CDMax, 8).Set(f::S1Fmt, 0b01);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Tweak("full", [](spec::Profile& p) { p.cd2l = 0; })),
                  "R-STE-010"));
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-010"));
  s.Set(f::S1Fmt, 0b11);  // reserved, behaves as linear
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Tweak("full", [](spec::Profile& p) { p.cd2l = 0; })),
                   "R-STE-010"));
  s.Set(f::S1Fmt, 0b10).Set(f::S1CDMax, 0);
  EXPECT_TRUE(SteIllegalReasons(s.dw, Tweak("full", [](spec::Profile& p) { p.cd2l = 0; })).empty());
}

TEST(SteIllegal, S1ContextPtrBeyondOasIsIllegal) {
  // R-STE-011: OAS bound without stage 2 (44 bits in s1only-nossid), IAS bound with stage 2.
  Ste s = S1Only();
  s.Set(f::S1ContextPtr, (uint64_t{1} << 44) >> 6);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("s1only-nossid")), "R-STE-011"));
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-011"));
  Ste n = Nested();
  n.Set(f::S1ContextPtr, (uint64_t{1} << 48) >> 6);
  EXPECT_TRUE(Has(SteIllegalReasons(n.dw, Load("full")), "R-STE-011"));
}

TEST(SteDecode, SubstreamFieldsIgnoredWithoutSsidsizeOrS1CDMax) {
  // R-STE-012
  Ste s = S1Only();
  s.Set(f::S1CDMax, 5).Set(f::S1Fmt, 0b01).Set(f::S1DSS, 0b10);
  const SteConfig nossid = DecodeSte(s.dw, Load("s1only-nossid"), false);
  EXPECT_EQ(nossid.s1cdmax, 0u);
  EXPECT_EQ(nossid.s1fmt, 0u);
  EXPECT_EQ(nossid.s1dss, 0u);
  const SteConfig full = DecodeSte(s.dw, Load("full"), false);
  EXPECT_EQ(full.s1cdmax, 5u);
  EXPECT_EQ(full.s1fmt, 1u);
  EXPECT_EQ(full.s1dss, 2u);
  s.Set(f::S1CDMax, 0);
  EXPECT_EQ(DecodeSte(s.dw, Load("full"), false).s1dss, 0u);
}

TEST(SteDecode, ReservedS1dssAndS1FmtBehaveAsZero) {
  // R-STE-013
  Ste s = S1Only();
  s.Set(f::S1CDMax, 4).Set(f::S1Fmt, 0b11).Set(f::S1DSS, 0b11);
  const SteConfig c = DecodeSte(s.dw, Load("full"), false);
  EXPECT_EQ(c.s1dss, 0u);
  EXPECT_EQ(c.s1fmt, 0u);
  EXPECT_EQ(c.s1_context_ptr, 0x1000u);
}

TEST(SteIllegal, S2sWithoutStallModelIsIllegal) {
  // R-STE-014: both directions; IGNORED with stage 2 off.
  Ste s = Nested();
  s.Set(f::S2S, 1);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-014"));
  EXPECT_FALSE(
      Has(SteIllegalReasons(s.dw, Tweak("full", [](spec::Profile& p) { p.stall_model = 0; })),
          "R-STE-014"));
  EXPECT_TRUE(Has(
      SteIllegalReasons(Nested().dw, Tweak("full", [](spec::Profile& p) { p.stall_model = 2; })),
      "R-STE-014"));
  Ste t = S1Only();
  t.Set(f::S2S, 1);
  EXPECT_TRUE(SteIllegalReasons(t.dw, Load("full")).empty());
}

TEST(SteIllegal, S2aa64ZeroIsIllegalWithoutAarch32Tables) {
  // R-STE-015
  Ste s = Nested();
  s.Set(f::S2AA64, 0);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-015"));
  EXPECT_FALSE(Has(SteIllegalReasons(Nested().dw, Load("full")), "R-STE-015"));
}

TEST(SteIllegal, S2HttuWithoutHttuIsIllegal) {
  // R-STE-016
  Ste ha = Nested();
  ha.Set(f::S2HA, 1);
  EXPECT_TRUE(Has(SteIllegalReasons(ha.dw, Load("full")), "R-STE-016"));
  EXPECT_FALSE(Has(SteIllegalReasons(ha.dw, Tweak("full", [](spec::Profile& p) { p.httu = 1; })),
                   "R-STE-016"));
  Ste hd = Nested();
  hd.Set(f::S2HA, 1).Set(f::S2HD, 1);
  EXPECT_TRUE(Has(SteIllegalReasons(hd.dw, Tweak("full", [](spec::Profile& p) { p.httu = 1; })),
                  "R-STE-016"));
  EXPECT_FALSE(Has(SteIllegalReasons(hd.dw, Tweak("full", [](spec::Profile& p) { p.httu = 2; })),
                   "R-STE-016"));
}

TEST(SteIllegal, ReservedOrUnsupportedS2tgIsIllegal) {
  // R-STE-017
  Ste s = Nested();
  s.Set(f::S2TG, 0b11);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-017"));
  EXPECT_TRUE(
      Has(SteIllegalReasons(Nested().dw, Tweak("full", [](spec::Profile& p) { p.gran4k = 0; })),
          "R-STE-017"));
  EXPECT_FALSE(Has(SteIllegalReasons(Nested().dw, Load("full")), "R-STE-017"));
}

TEST(SteIllegal, S2ttbBeyondEffectiveS2psIsIllegal) {
  // R-STE-018: S2PS=40 bits; a TTB at 2^40 is outside, 2^40-4096 inside.
  Ste s = Nested();
  s.Set(f::S2PS, 0b010).Set(f::S2TTB, (uint64_t{1} << 40) >> 4);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-018"));
  s.Set(f::S2TTB, ((uint64_t{1} << 40) - 4096) >> 4);
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-018"));
  // S2PS=52 is capped by OAS=48.
  s.Set(f::S2PS, 0b110).Set(f::S2TTB, (uint64_t{1} << 48) >> 4);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-018"));
}

TEST(SteIllegal, S2t0szAboveMaxIsIllegal) {
  // R-STE-019: max 39 without STT.
  Ste s = Nested();
  s.Set(f::S2T0SZ, 40).Set(f::S2SL0, 0);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-019"));
  s.Set(f::S2T0SZ, 39);
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-019"));
}

TEST(SteIllegal, S2t0szBelowSixtyFourMinusIasIsIllegal) {
  // R-STE-019: IAS=48 -> min 16; 15 is out of range for every granule.
  Ste s = Nested();
  s.Set(f::S2T0SZ, 15).Set(f::S2SL0, 2);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-019"));
  s.Set(f::S2T0SZ, 16);
  EXPECT_EQ(Rules(SteIllegalReasons(s.dw, Load("full"))), "");
}

TEST(SteIllegal, S2sl0InconsistentWithT0szIsIllegal) {
  // R-STE-020: 4KB, 40-bit IPA: SL0=1 (level 1, 2 tables) is fine, SL0=0 (level 2) needs 64.
  Ste s = Nested();
  s.Set(f::S2SL0, 0);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-020"));
  s.Set(f::S2SL0, 3);  // level 3 needs STT
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-020"));
  EXPECT_FALSE(Has(SteIllegalReasons(Nested().dw, Load("full")), "R-STE-020"));
}

TEST(SteDecode, S2StartLevelAndConcatenationPerGranule) {
  // R-STE-020
  const auto p = Load("full");
  int level = -1;
  unsigned concat = 0;
  ASSERT_TRUE(S2StartLevel(24, 1, 12, p, &level, &concat));  // 4KB 40-bit from level 1
  EXPECT_EQ(level, 1);
  EXPECT_EQ(concat, 2u);
  ASSERT_TRUE(S2StartLevel(16, 2, 12, p, &level, &concat));  // 4KB 48-bit from level 0
  EXPECT_EQ(level, 0);
  EXPECT_EQ(concat, 1u);
  ASSERT_TRUE(S2StartLevel(22, 1, 16, p, &level, &concat));  // 64KB 42-bit from level 2
  EXPECT_EQ(level, 2);
  EXPECT_EQ(concat, 1u);
  ASSERT_TRUE(S2StartLevel(24, 1, 14, p, &level, &concat));  // 16KB 40-bit from level 2
  EXPECT_EQ(level, 2);
  EXPECT_EQ(concat, 16u);  // 15 bits resolved at level 2: 2^(15-11) tables
  EXPECT_FALSE(S2StartLevel(23, 1, 14, p, &level, &concat));  // 41-bit: 32 tables
  EXPECT_FALSE(S2StartLevel(24, 0, 14, p, &level, &concat));  // level 3 cannot resolve 26 bits
  EXPECT_FALSE(S2StartLevel(16, 3, 16, p, &level, &concat));  // 64KB SL0=3 reserved
  EXPECT_FALSE(S2StartLevel(16, 3, 14, p, &level, &concat));  // 16KB level 0 needs DS
  EXPECT_FALSE(S2StartLevel(25, 2, 12, p, &level, &concat));  // 4KB level 0, 39 bits: 0 resolved
  EXPECT_FALSE(S2StartLevel(24, 2, 12, Tweak("full", [](spec::Profile& p) { p.oas = 42; }), &level,
                            &concat));  // PAMax<44
  EXPECT_TRUE(S2StartLevel(24, 2, 12, p, &level, &concat));
  ASSERT_TRUE(
      S2StartLevel(40, 3, 12, Tweak("full", [](spec::Profile& p) { p.stt = 1; }), &level, &concat));
  EXPECT_EQ(level, 3);
}

TEST(SteIllegal, S2endiBigEndianWithLittleEndianOnlyIsIllegal) {
  // R-STE-021
  Ste s = Nested();
  s.Set(f::S2ENDI, 1);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, Load("full")), "R-STE-021"));
  EXPECT_TRUE(
      Has(SteIllegalReasons(Nested().dw, Tweak("full", [](spec::Profile& p) { p.ttendian = 3; })),
          "R-STE-021"));
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Tweak("full", [](spec::Profile& p) { p.ttendian = 0; })),
                   "R-STE-021"));
}

TEST(SteIllegal, WideS2vmidWithoutVmid16IsIllegalUnlessIgnored) {
  // R-STE-022: used by stage-1-only NS-EL1 as well; IGNORED for NS-EL2 and for bypass.
  const auto p = Tweak("full-v32", [](spec::Profile& p) { p.vmid16 = 0; });
  Ste s = S1Only();
  s.Set(f::S2VMID, 0x100);
  EXPECT_TRUE(Has(SteIllegalReasons(s.dw, p), "R-STE-022"));
  EXPECT_FALSE(Has(SteIllegalReasons(s.dw, Load("full-v32")), "R-STE-022"));
  s.Set(f::STRW, 0b10);
  EXPECT_TRUE(SteIllegalReasons(s.dw, p).empty());
  Ste b = Ste().Set(f::V, 1).Set(f::Config, 0b100).Set(f::S2VMID, 0xff00);
  EXPECT_TRUE(SteIllegalReasons(b.dw, p).empty());
}

TEST(SteDecode, S2vmidTagsStageOneOnlyEl1Streams) {
  // R-STE-023
  Ste s = S1Only();
  s.Set(f::S2VMID, 0x1234);
  EXPECT_EQ(DecodeSte(s.dw, Load("full"), false).vmid, 0x1234);
  EXPECT_EQ(DecodeSte(s.dw, Load("s1only-nossid"), false).vmid, 0);  // S2P=0
  s.Set(f::STRW, 0b10);
  EXPECT_EQ(DecodeSte(s.dw, Load("full-v32"), false).vmid, 0);  // NS-EL2
  const SteConfig n = DecodeSte(Nested().dw, Load("full"), false);
  EXPECT_EQ(n.vmid, 7);
  EXPECT_EQ(n.s2cfg.vmid, 7);
}

TEST(SteDecode, S2psIsCappedByOas) {
  // R-STE-024
  Ste s = Nested();
  s.Set(f::S2PS, 0b111);
  EXPECT_EQ(DecodeSte(s.dw, Load("full"), false).s2cfg.ps_bits, 48u);
  EXPECT_EQ(
      DecodeSte(s.dw, Tweak("full", [](spec::Profile& p) { p.oas = 40; }), false).s2cfg.ps_bits,
      40u);
  s.Set(f::S2PS, 0b011);
  EXPECT_EQ(DecodeSte(s.dw, Load("full"), false).s2cfg.ps_bits, 42u);
  EXPECT_EQ(EffectiveAddressSize(0b111, Tweak("full", [](spec::Profile& p) { p.oas = 52; })),
            52u);  // v3.1: 0b111 as 52
}

TEST(SteDecode, Stage2ConfigurationDecoded) {
  // R-STE-025: the 2 concatenated 4KB level-1 tables are 8KB-aligned, so TTB bit 12 is dropped.
  Ste s = Nested();
  s.Set(f::S2TTB, 0x40001000 >> 4).Set(f::S2AFFD, 1).Set(f::S2PTW, 1);
  const SteConfig c = DecodeSte(s.dw, Load("full"), false);
  ASSERT_TRUE(c.s1 && c.s2);
  EXPECT_EQ(c.s2cfg.t0sz, 24u);
  EXPECT_EQ(c.s2cfg.granule_shift, 12u);
  EXPECT_EQ(c.s2cfg.start_level, 1);
  EXPECT_EQ(c.s2cfg.concat, 2u);
  EXPECT_EQ(c.s2cfg.ps_bits, 48u);
  EXPECT_EQ(c.s2cfg.ttb, 0x40000000u);
  EXPECT_TRUE(c.s2cfg.affd && c.s2cfg.ptw && c.s2cfg.r);
  EXPECT_FALSE(c.s2cfg.s);
  EXPECT_EQ(c.cd_ptr_bits, 48u);
  Ste g = Nested();
  g.Set(f::S2TG, 0b01).Set(f::S2T0SZ, 22).Set(f::S2SL0, 1);  // 64KB
  EXPECT_EQ(DecodeSte(g.dw, Load("full"), false).s2cfg.granule_shift, 16u);
  g.Set(f::S2TG, 0b10).Set(f::S2T0SZ, 24).Set(f::S2SL0, 0);  // 16KB
  EXPECT_EQ(DecodeSte(g.dw, Load("full"), false).s2cfg.granule_shift, 14u);
}

TEST(SteIllegal, IgnoredFieldsNeverMakeTheSteIllegal) {
  // R-STE-026: garbage S2 fields with stage 2 off, garbage S1 fields with stage 1 off.
  const auto p = Load("full");
  Ste s1 = S1Only();
  s1.Set(f::S2TG, 3).Set(f::S2T0SZ, 63).Set(f::S2ENDI, 1).Set(f::S2HA, 1).Set(f::S2AA64, 0);
  EXPECT_EQ(Rules(SteIllegalReasons(s1.dw, p)), "");
  Ste s2 = Nested();
  s2.Set(f::Config, 0b110).Set(f::S1STALLD, 1).Set(f::S1CDMax, 31);
  s2.Set(f::S1ContextPtr, (uint64_t{1} << 50) - 1);
  EXPECT_EQ(Rules(SteIllegalReasons(s2.dw, p)), "");
  s2.Set(f::Config, 0b111);
  EXPECT_GE(SteIllegalReasons(s2.dw, p).size(), 3u);  // every violation is listed
}

TEST(SteDecode, ReservedPrivcfgBehavesAsIncoming) {
  // R-STE-027
  Ste s = S1Only();
  s.Set(f::PRIVCFG, 0b01).Set(f::INSTCFG, 0b11);
  spec::Profile ovr = Load("full");
  ovr.attr_perms_ovr = true;
  SteConfig c = DecodeSte(s.dw, ovr, false);
  EXPECT_EQ(c.privcfg, 0u);
  EXPECT_EQ(c.instcfg, 3u);
  s.Set(f::PRIVCFG, 0b10);
  EXPECT_EQ(DecodeSte(s.dw, ovr, false).privcfg, 2u);
  // Without IDR1.ATTR_PERMS_OVR both fields are RES0: the incoming attributes are used.
  EXPECT_EQ(DecodeSte(s.dw, Load("full"), false).privcfg, 0u);
  EXPECT_EQ(DecodeSte(s.dw, Load("full"), false).instcfg, 0u);
}

}  // namespace
}  // namespace smmuref::model::arch
