// Tests for impl/driver/update.cc, judged by the model (judge.h): every plan between every pair
// of a broad set of STEs (invalid, abort, bypass, stage 1 with CD-table pointer, S1CDMax and S1DSS
// changes, stage 2 with VMID, VTTBR and VTCR changes, nested) and of CDs (invalid, ASID, TTB0,
// TxSZ, EPD0/EPD1 toggles, MAIR, fault model) is checked on every per-doubleword torn read of
// every step; the used bits are checked against the model's decoder; known cases have explicit
// plans; and a deliberately wrong order is rejected by the same judge.
#include "smmuref/impl/driver/update.h"

#include <gtest/gtest.h>

#include <random>

#include "judge.h"
#include "smmuref/impl/driver/cd.h"
#include "smmuref/impl/driver/ste.h"

namespace smmuref::impl::driver {
namespace {

using testing::JudgeSteps;
using testing::SameConfiguration;
using testing::Words;
namespace ste = layout::ste;

const spec::Profile& Full() {
  static const spec::Profile p = *spec::LoadProfile("full");
  return p;
}

SteStage1 S1(uint64_t cd_table, unsigned cdmax = 0, uint64_t dss = ste::kS1DSSTerminate,
             uint64_t fmt = ste::kS1FmtLinear) {
  SteStage1 s;
  s.cd_table = cd_table;
  s.s1cdmax = cdmax;
  s.s1dss = dss;
  s.s1fmt = fmt;
  return s;
}

SteStage2 S2(uint16_t vmid, uint64_t ttb, unsigned t0sz = 24, unsigned granule = 12) {
  SteStage2 s;
  s.vmid = vmid;
  s.ttb = ttb;
  s.t0sz = t0sz;
  s.granule_shift = granule;
  s.sl0 = 1;  // 4KB: level 1; 16KB, 64KB: level 2 (consistent with t0sz 24..32)
  return s;
}

struct Named {
  std::string name;
  Entry words;
};

std::vector<Named> Stes() {
  Ste bypass_isz = Ste::Bypass();
  bypass_isz.shcfg = 0b11;
  Ste bypass_mev = Ste::Bypass();
  bypass_mev.mev = true;
  return {
      {"invalid", Ste::Invalid().Words()},
      {"invalid-with-fields", [] {
         Entry e = Ste::Stage1(S1(0x40000), 1).Words();
         e[0] &= ~ste::kDw0V;
         return e;
       }()},
      {"abort", Ste::Abort().Words()},
      {"bypass", Ste::Bypass().Words()},
      {"bypass-shcfg-ish", bypass_isz.Words()},
      {"bypass-mev", bypass_mev.Words()},
      {"s1", Ste::Stage1(S1(0x40000)).Words()},
      {"s1-other-cd", Ste::Stage1(S1(0x80000)).Words()},
      {"s1-vmid3", Ste::Stage1(S1(0x40000), 3).Words()},
      {"s1-cdmax5-term", Ste::Stage1(S1(0x40000, 5)).Words()},
      {"s1-cdmax5-ssid0", Ste::Stage1(S1(0x40000, 5, ste::kS1DSSSubstream0)).Words()},
      {"s1-cdmax5-bypass", Ste::Stage1(S1(0x40000, 5, ste::kS1DSSBypass)).Words()},
      {"s1-cdmax8-2level-ssid0",
       Ste::Stage1(S1(0x40000, 8, ste::kS1DSSSubstream0, ste::kS1Fmt4KLeaves)).Words()},
      {"s1-cdmax0-ssid0-ignored", Ste::Stage1(S1(0x40000, 0, ste::kS1DSSSubstream0)).Words()},
      {"s2-vmid1", Ste::Stage2(S2(1, 0x100000)).Words()},
      {"s2-vmid2", Ste::Stage2(S2(2, 0x100000)).Words()},
      {"s2-vmid1-other-ttb", Ste::Stage2(S2(1, 0x200000)).Words()},
      {"s2-vmid1-t0sz32", Ste::Stage2(S2(1, 0x100000, 32)).Words()},
      {"s2-vmid1-64k", Ste::Stage2(S2(1, 0x100000, 24, 16)).Words()},
      {"nested", Ste::Nested(S1(0x40000), S2(1, 0x100000)).Words()},
      {"nested-ssid0", Ste::Nested(S1(0x40000, 5, ste::kS1DSSSubstream0), S2(1, 0x100000)).Words()},
      {"nested-vmid2", Ste::Nested(S1(0x40000), S2(2, 0x100000)).Words()},
      {"s1-vmid1", Ste::Stage1(S1(0x40000), 1).Words()},
  };
}

CdHalf Half(uint64_t ttb, unsigned tsz = 25, unsigned granule = 12) {
  CdHalf h;
  h.enabled = true;
  h.ttb = ttb;
  h.tsz = tsz;
  h.granule_shift = granule;
  return h;
}

Cd MakeCd(uint16_t asid, uint64_t ttb0) {
  Cd c;
  c.asid = asid;
  c.ttb0 = Half(ttb0);
  c.mair = 0xff04;
  return c;
}

std::vector<Named> Cds() {
  Cd invalid = MakeCd(1, 0x10000);
  invalid.valid = false;
  Cd epd0 = MakeCd(1, 0x10000);
  epd0.ttb0.enabled = false;
  Cd both = MakeCd(1, 0x10000);
  both.ttb1 = Half(0x30000);
  Cd tsz32 = MakeCd(1, 0x10000);
  tsz32.ttb0.tsz = 32;
  Cd k64 = MakeCd(1, 0x10000);
  k64.ttb0.granule_shift = 16;
  Cd mair = MakeCd(1, 0x10000);
  mair.mair = 0x44ff;
  Cd norecord = MakeCd(1, 0x10000);
  norecord.r = false;
  Cd epd0_asid2 = MakeCd(2, 0x10000);
  epd0_asid2.ttb0.enabled = false;
  epd0_asid2.ttb1 = Half(0x30000);
  return {
      {"zero", Entry{}},
      {"invalid", invalid.Words()},
      {"asid1", MakeCd(1, 0x10000).Words()},
      {"asid2", MakeCd(2, 0x10000).Words()},
      {"asid1-other-ttb0", MakeCd(1, 0x20000).Words()},
      {"asid2-other-ttb0", MakeCd(2, 0x20000).Words()},
      {"epd0", epd0.Words()},
      {"ttb0-and-ttb1", both.Words()},
      {"t0sz32", tsz32.Words()},
      {"tg0-64k", k64.Words()},
      {"mair", mair.Words()},
      {"no-record", norecord.Words()},
      {"epd0-asid2-ttb1", epd0_asid2.Words()},
  };
}

// Every plan between every pair is hitless on every torn read, or (not hitless) never shows a
// third configuration, only the invalid break state.
void CheckAllPairs(EntryKind kind, const std::vector<Named>& entries, int* hitless, int* broken) {
  for (const Named& a : entries) {
    for (const Named& b : entries) {
      const UpdatePlan plan = PlanUpdate(kind, a.words, b.words);
      const std::string bad = JudgeSteps(kind, a.words, b.words, plan.steps, !plan.hitless, Full());
      EXPECT_EQ(bad, "") << a.name << " -> " << b.name;
      EXPECT_LE(plan.Syncs(), 3u) << a.name << " -> " << b.name;
      if (a.words == b.words) EXPECT_EQ(plan.Syncs(), 0u) << a.name;
      (plan.hitless ? *hitless : *broken) += 1;
    }
  }
}

TEST(UpdatePlan, EverySteTransitionShowsOnlyTheOldOrTheNewConfiguration) {
  int hitless = 0, broken = 0;
  CheckAllPairs(EntryKind::kSte, Stes(), &hitless, &broken);
  // Both kinds of plan occur in the set: the judge saw hitless and breaking plans.
  EXPECT_GT(hitless, 0);
  EXPECT_GT(broken, 0);
}

TEST(UpdatePlan, EveryCdTransitionShowsOnlyTheOldOrTheNewConfiguration) {
  int hitless = 0, broken = 0;
  CheckAllPairs(EntryKind::kCd, Cds(), &hitless, &broken);
  EXPECT_GT(hitless, 0);
  EXPECT_GT(broken, 0);
}

// Beyond the builders' entries: random pairs of them with sparse random bit flips (reserved
// Config values, ILLEGAL fields, stray bits anywhere), judged under every built-in profile (the
// used bits do not depend on the profile, the model's decoding does).
TEST(UpdatePlan, PerturbedEntriesUnderEveryProfileShowOnlyTheOldOrTheNewConfiguration) {
  std::mt19937_64 rng(31);
  const auto perturb = [&rng](Entry e) {
    for (uint64_t& w : e) w ^= rng() & rng() & rng() & rng();  // about 4 bits per word
    return e;
  };
  for (const std::string& name : spec::BuiltinProfileNames()) {
    const spec::Profile p = *spec::LoadProfile(name);
    for (EntryKind kind : {EntryKind::kSte, EntryKind::kCd}) {
      const std::vector<Named> entries = kind == EntryKind::kSte ? Stes() : Cds();
      for (int i = 0; i < 400; ++i) {
        const Entry a = perturb(entries[rng() % entries.size()].words);
        const Entry b = rng() & 1 ? perturb(a) : perturb(entries[rng() % entries.size()].words);
        const UpdatePlan plan = PlanUpdate(kind, a, b);
        EXPECT_EQ(JudgeSteps(kind, a, b, plan.steps, !plan.hitless, p), "") << name;
      }
    }
  }
}

// The used bits are a superset of what the model reads: flipping any bit outside them never
// changes what the model decodes (one bit at a time, and random sets of them), under every
// built-in profile, for the builders' entries and for perturbed copies of them.
void CheckUnusedBitsAreIgnored(EntryKind kind, const std::vector<Named>& entries) {
  std::mt19937_64 rng(13);
  for (const std::string& name : spec::BuiltinProfileNames()) {
    const spec::Profile p = *spec::LoadProfile(name);
    for (const Named& n : entries) {
      Entry base = n.words;
      for (int variant = 0; variant < 4; ++variant) {
        const Entry used = UsedBits(kind, base);
        for (unsigned bit = 0; bit < 512; ++bit) {
          if (used[bit / 64] >> (bit % 64) & 1) continue;
          Entry e = base;
          e[bit / 64] ^= uint64_t{1} << (bit % 64);
          EXPECT_TRUE(SameConfiguration(kind, base, e, p)) << name << " " << n.name << " bit " << bit;
          EXPECT_EQ(UsedBits(kind, e), used) << n.name << " bit " << bit;
        }
        for (int trial = 0; trial < 50; ++trial) {
          Entry e = base;
          for (unsigned i = 0; i < 8; ++i) e[i] ^= rng() & ~used[i];
          EXPECT_TRUE(SameConfiguration(kind, base, e, p)) << name << " " << n.name << Words(e);
        }
        // The next variant: the entry with a few random bits flipped anywhere.
        base = n.words;
        for (uint64_t& w : base) w ^= rng() & rng() & rng() & rng();
      }
    }
  }
}

TEST(UsedBits, SteBitsOutsideTheUsedSetAreIgnoredByTheModel) {
  CheckUnusedBitsAreIgnored(EntryKind::kSte, Stes());
}

TEST(UsedBits, CdBitsOutsideTheUsedSetAreIgnoredByTheModel) {
  CheckUnusedBitsAreIgnored(EntryKind::kCd, Cds());
}

TEST(UsedBits, InvalidEntriesUseOnlyV) {
  Entry e = Ste::Stage1(S1(0x40000), 1).Words();
  e[0] &= ~ste::kDw0V;
  EXPECT_EQ(SteUsedBits(e), (Entry{ste::kDw0V}));
  EXPECT_EQ(CdUsedBits(Entry{}), (Entry{layout::cd::kDw0V}));
}

// Known cases.

TEST(UpdatePlan, CdAsidChangeIsOneCriticalWord) {
  const Entry from = MakeCd(1, 0x10000).Words(), to = MakeCd(2, 0x10000).Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kCd, from, to);
  EXPECT_TRUE(plan.hitless);
  ASSERT_EQ(plan.Syncs(), 1u);
  EXPECT_EQ(plan.steps[0], to);
}

TEST(UpdatePlan, CdAsidAndTtb0ChangeGoesThroughInvalid) {
  // ASID (DW0) and TTB0 (DW1) both used by both CDs: two critical words.
  const Entry from = MakeCd(1, 0x10000).Words(), to = MakeCd(2, 0x20000).Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kCd, from, to);
  EXPECT_FALSE(plan.hitless);
  ASSERT_EQ(plan.Syncs(), 3u);
  EXPECT_FALSE(plan.steps[0][0] & layout::cd::kDw0V);
  EXPECT_EQ(plan.steps[1][1], to[1]);
  EXPECT_EQ(plan.steps[2], to);
}

TEST(UpdatePlan, CdEnablingTtb0WritesTheWalkFieldsFirst) {
  Cd off = MakeCd(1, 0x10000);
  off.ttb0.enabled = false;
  const Entry from = off.Words(), to = MakeCd(1, 0x10000).Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kCd, from, to);
  EXPECT_TRUE(plan.hitless);
  ASSERT_EQ(plan.Syncs(), 2u);
  // Step 1: TTB0 and T0SZ/TG0/... under EPD0=1; step 2: DW0 clears EPD0.
  EXPECT_EQ(plan.steps[0][1], to[1]);
  EXPECT_TRUE(plan.steps[0][0] & layout::cd::kDw0EPD0);
  EXPECT_EQ(plan.steps[1], to);
  // And back: EPD0 first, then the now-ignored TTB0 is cleared.
  const UpdatePlan back = PlanUpdate(EntryKind::kCd, to, from);
  EXPECT_TRUE(back.hitless);
  ASSERT_EQ(back.Syncs(), 2u);
  EXPECT_EQ(back.steps[0][0], from[0]);
  EXPECT_EQ(back.steps[0][1], to[1]);
}

TEST(UpdatePlan, SteS1ToS2WithAnotherVmidGoesThroughInvalid) {
  // Config (DW0) and S2VMID (DW2, read by both: it tags stage-1-only translations too) both
  // switch, so no order is hitless.
  const Entry from = Ste::Stage1(S1(0x40000), 1).Words();
  const Entry to = Ste::Stage2(S2(2, 0x100000)).Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kSte, from, to);
  EXPECT_FALSE(plan.hitless);
  ASSERT_EQ(plan.Syncs(), 3u);
  EXPECT_EQ(plan.steps[0][0], from[0] & ~ste::kDw0V);
}

TEST(UpdatePlan, SteS1ToS2WithTheSameVmidIsHitless) {
  // Stage 1 ignores VTCR and S2TTB: they go first, then DW0 switches Config, then DW1's
  // stage-1 fields (ignored by stage 2) are cleared.
  const Entry from = Ste::Stage1(S1(0x40000), 1).Words();
  const Entry to = Ste::Stage2(S2(1, 0x100000)).Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kSte, from, to);
  EXPECT_TRUE(plan.hitless);
  ASSERT_EQ(plan.Syncs(), 3u);
  EXPECT_EQ(plan.steps[0][2], to[2]);
  EXPECT_EQ(plan.steps[0][3], to[3]);
  EXPECT_EQ(plan.steps[1][0], to[0]);
  EXPECT_EQ(plan.steps[2], to);
}

TEST(UpdatePlan, SteInvalidToValidWritesVLast) {
  const Entry to = Ste::Nested(S1(0x40000), S2(1, 0x100000)).Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kSte, Ste::Invalid().Words(), to);
  EXPECT_TRUE(plan.hitless);
  ASSERT_EQ(plan.Syncs(), 2u);
  EXPECT_EQ(plan.steps[0][0], to[0] & ~ste::kDw0V);
  EXPECT_EQ(plan.steps[1], to);
}

TEST(UpdatePlan, SteValidToInvalidClearsVFirst) {
  const Entry from = Ste::Nested(S1(0x40000), S2(1, 0x100000)).Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kSte, from, Ste::Invalid().Words());
  EXPECT_TRUE(plan.hitless);
  ASSERT_EQ(plan.Syncs(), 2u);
  EXPECT_EQ(plan.steps[0][0], 0u);
  EXPECT_EQ(plan.steps[0][1], from[1]);
}

TEST(UpdatePlan, SteS1dssChangeIsOneWord) {
  const Entry from = Ste::Stage1(S1(0x40000, 5, ste::kS1DSSTerminate)).Words();
  const Entry to = Ste::Stage1(S1(0x40000, 5, ste::kS1DSSSubstream0)).Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kSte, from, to);
  EXPECT_TRUE(plan.hitless);
  EXPECT_EQ(plan.Syncs(), 1u);
}

TEST(UpdatePlan, SteEnablingSubstreamsWritesS1dssWhileItIsIgnored) {
  // S1DSS is IGNORED with S1CDMax=0: it is written first, then S1CDMax switches.
  const Entry from = Ste::Stage1(S1(0x40000, 0)).Words();
  const Entry to = Ste::Stage1(S1(0x40000, 5, ste::kS1DSSSubstream0)).Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kSte, from, to);
  EXPECT_TRUE(plan.hitless);
  ASSERT_EQ(plan.Syncs(), 2u);
  EXPECT_EQ(plan.steps[0][1], to[1]);
  EXPECT_EQ(plan.steps[0][0], from[0]);
}

TEST(UpdatePlan, SteCdMaxAndS1dssChangeTogetherGoesThroughInvalid) {
  const Entry from = Ste::Stage1(S1(0x40000, 5, ste::kS1DSSTerminate)).Words();
  const Entry to = Ste::Stage1(S1(0x40000, 8, ste::kS1DSSSubstream0)).Words();
  EXPECT_FALSE(PlanUpdate(EntryKind::kSte, from, to).hitless);
}

TEST(UpdatePlan, SteAbortToBypassWritesTheOverridesFirst) {
  const Entry from = Ste::Abort().Words(), to = Ste::Bypass().Words();
  const UpdatePlan plan = PlanUpdate(EntryKind::kSte, from, to);
  EXPECT_TRUE(plan.hitless);
  ASSERT_EQ(plan.Syncs(), 2u);
  EXPECT_EQ(plan.steps[0][1], to[1]);
  EXPECT_EQ(plan.steps[0][0], from[0]);
}

// The judge bites: the same transitions with the critical doubleword written first (before the
// bits the old configuration ignores) show a third configuration.
std::vector<Entry> CriticalFirst(const Entry& from, const Entry& to, unsigned critical) {
  Entry first = from;
  first[critical] = to[critical];
  return {first, to};
}

TEST(UpdateJudge, RejectsTheCriticalWordWrittenFirst) {
  struct Case {
    EntryKind kind;
    Entry from, to;
    unsigned critical;
  };
  Cd off = MakeCd(1, 0x10000);
  off.ttb0.enabled = false;
  const Case cases[] = {
      {EntryKind::kSte, Ste::Stage1(S1(0x40000), 1).Words(), Ste::Stage2(S2(1, 0x100000)).Words(), 0},
      {EntryKind::kSte, Ste::Invalid().Words(), Ste::Stage1(S1(0x40000), 5).Words(), 0},
      {EntryKind::kSte, Ste::Stage1(S1(0x40000, 0)).Words(),
       Ste::Stage1(S1(0x40000, 5, ste::kS1DSSSubstream0)).Words(), 0},
      {EntryKind::kCd, Entry{}, MakeCd(1, 0x10000).Words(), 0},
      {EntryKind::kCd, off.Words(), MakeCd(1, 0x10000).Words(), 0},
  };
  for (const Case& c : cases) {
    // The correct plan passes ...
    const UpdatePlan plan = PlanUpdate(c.kind, c.from, c.to);
    ASSERT_TRUE(plan.hitless);
    EXPECT_EQ(JudgeSteps(c.kind, c.from, c.to, plan.steps, false, Full()), "");
    // ... the critical word first does not.
    EXPECT_NE(JudgeSteps(c.kind, c.from, c.to, CriticalFirst(c.from, c.to, c.critical), false,
                         Full()),
              "")
        << Words(c.from) << " ->" << Words(c.to);
  }
}

TEST(UpdateJudge, RejectsAWholeEntryWriteOfTwoCriticalWords) {
  // One sync writing DW0 and DW1 of a live CD: a torn read mixes the old ASID with the new TTB0.
  const Entry from = MakeCd(1, 0x10000).Words(), to = MakeCd(2, 0x20000).Words();
  EXPECT_NE(JudgeSteps(EntryKind::kCd, from, to, {to}, false, Full()), "");
  // And the break plan's V=0 state is a third configuration for a judge that allows none.
  const UpdatePlan plan = PlanUpdate(EntryKind::kCd, from, to);
  EXPECT_NE(JudgeSteps(EntryKind::kCd, from, to, plan.steps, false, Full()), "");
}

TEST(UpdatePlan, FormatsOneLinePerSyncAndTheSummary) {
  const Entry from = MakeCd(1, 0x10000).Words(), to = MakeCd(2, 0x10000).Words();
  const std::string text = FormatPlan(EntryKind::kCd, from, PlanUpdate(EntryKind::kCd, from, to));
  EXPECT_EQ(text.substr(0, 8), "sync 1: ");
  EXPECT_NE(text.find("*0x2"), std::string::npos) << text;
  EXPECT_NE(text.find("CMD_CFGI_CD, CMD_SYNC"), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.rfind("syncs=")), "syncs=1 hitless=yes\n");
}

}  // namespace
}  // namespace smmuref::impl::driver
