// Caching as allowed sets (C-CACHE-001, C-CACHE-002): invalidation scopes, CMD_SYNC completion,
// SMMUEN periods, the non-coherent walker, and the enumeration bound (rules R-CACHE-*, R-CFGI-*, R-TLBI-*, R-SYNC-*).
#include "smmuref/model/arch/cache.h"

#include <gtest/gtest.h>

#include "smmuref/model/arch/cmdq.h"
#include "smmuref/model/arch/smmu.h"

using namespace smmuref;
using model::arch::CacheState;
using model::arch::FetchKind;
using model::arch::FetchTag;
using model::arch::Invalidation;
using model::arch::Smmu;
using spec::Reg;
using spec::TxnOutcome;
using K = Invalidation::Kind;

namespace {

spec::Profile Load(const char* name, std::vector<std::string> o = {}) {
  auto p = spec::LoadProfile(name, o);
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  return *p;
}

constexpr uint64_t kStrtab = 0x100000, kCmdq = 0x210000;
constexpr uint64_t kCdDw0 = 0x16205c0000010ull;  // T0SZ=16 EPD1 V IPS=48 AA64 R A ASID=1

class CacheTest : public ::testing::Test {
 protected:
  explicit CacheTest(const char* profile = "full", std::vector<std::string> o = {})
      : smmu_(Load(profile, std::move(o))) {}
  void W(uint64_t pa, uint64_t v) { smmu_.memory().Write64(pa, v); }
  void Enable() {
    smmu_.WriteReg(Reg::STRTAB_BASE, kStrtab);
    smmu_.WriteReg(Reg::STRTAB_BASE_CFG, 0x4);
    smmu_.WriteReg(Reg::EVENTQ_BASE, 0x200004);
    smmu_.WriteReg(Reg::CMDQ_BASE, kCmdq | 4);
    // C-REG-001: the queue indexes reset to UNKNOWN values; a driver programs them.
    for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
      smmu_.WriteReg(r, 0);
    }
    smmu_.WriteReg(Reg::CR0, 0xd);
  }
  // SID 3 -> CD at 0x300000 -> 4K tables mapping VA 0x1000 to `oa` (level-3 page, AP=0b00, AF).
  void MapS1(uint64_t oa, uint64_t cd_dw0 = kCdDw0) {
    W(kStrtab + 3 * 64, 0x30000b);
    W(0x300000, cd_dw0);
    W(0x300008, 0x400000);
    W(0x400000, 0x401003);
    W(0x401000, 0x402003);
    W(0x402000, 0x403003);
    W(0x403008, oa | 0x403);
  }
  void Cmd(uint64_t dw0, uint64_t dw1 = 0) {
    const uint64_t prod = smmu_.ReadReg(Reg::CMDQ_PROD);
    W(kCmdq + (prod & 15) * 16, dw0);
    W(kCmdq + (prod & 15) * 16 + 8, dw1);
    smmu_.WriteReg(Reg::CMDQ_PROD, (prod + 1) & 31);
  }
  void Sync() {
    Cmd(0x46);
    smmu_.ProcessCommands();
  }
  // The PAs of the allowed outcomes that complete (sorted), and whether some outcome faults.
  std::vector<uint64_t> Pas(uint64_t va, bool* faults = nullptr) {
    spec::Txn t;
    t.sid = 3;
    t.addr = va;
    t.priv = true;
    auto r = smmu_.Translate(t);
    EXPECT_TRUE(r.ok());
    std::vector<uint64_t> pas;
    if (faults) *faults = false;
    for (const auto& o : *r) {
      if (o.kind == TxnOutcome::Kind::kOk) pas.push_back(o.pa);
      else if (faults) *faults = true;
    }
    std::sort(pas.begin(), pas.end());
    return pas;
  }
  Smmu smmu_;
};

using V = std::vector<uint64_t>;

}  // namespace

TEST_F(CacheTest, StructuresWrittenWhileDisabledHaveOneValue) {
  // R-CACHE-004: nothing is cached while SMMUEN=0.
  MapS1(0x800000);
  W(0x403008, 0x900403);
  Enable();
  EXPECT_EQ(Pas(0x1000), V{0x900000});
}

TEST_F(CacheTest, RemappedPageIsStaleUntilTlbiCompletes) {
  // R-CACHE-002, R-SYNC-001, R-SYNC-002, R-TLBI-003
  MapS1(0x800000);
  Enable();
  W(0x403008, 0x900403);
  EXPECT_EQ(Pas(0x1000), (V{0x800000, 0x900000}));
  Cmd(0x12 | (uint64_t{1} << 48), 0x1000);  // TLBI_NH_VA ASID 1, VA 0x1000
  smmu_.ProcessCommands();
  EXPECT_EQ(Pas(0x1000), (V{0x800000, 0x900000})) << "consumed but not yet synced";
  Sync();
  EXPECT_EQ(Pas(0x1000), V{0x900000});
}

TEST_F(CacheTest, InvalidDescriptorsAreNeverCached) {
  // R-CACHE-003: invalid -> valid needs no TLBI; valid -> invalid does.
  MapS1(0x800000);
  W(0x403008, 0);
  Enable();
  W(0x403008, 0x800403);
  EXPECT_EQ(Pas(0x1000), V{0x800000});
  bool faults = false;
  W(0x403008, 0);
  EXPECT_EQ(Pas(0x1000, &faults), V{0x800000});
  EXPECT_TRUE(faults);
}

TEST_F(CacheTest, InvalidStesMayBeCached) {
  // R-CACHE-001: configuration may be negatively cached.
  Enable();
  MapS1(0x800000);
  bool faults = false;
  EXPECT_EQ(Pas(0x1000, &faults), V{0x800000});
  EXPECT_TRUE(faults) << "the zero STE held after SMMUEN=1 may be cached";
  Cmd(0x03 | (uint64_t{3} << 32));  // CFGI_STE SID 3
  Cmd(0x05 | (uint64_t{3} << 32));  // CFGI_CD SID 3, index 0
  Sync();
  EXPECT_EQ(Pas(0x1000, &faults), V{0x800000});
  EXPECT_FALSE(faults);
}

TEST_F(CacheTest, AsidInvalidationLeavesOtherAsidsAndGlobalEntries) {
  // R-TLBI-002, R-TLBI-003: pages with nG=1 (bit 11) are tagged with ASID 1.
  MapS1(0x800000);
  W(0x403008, 0x800c03);
  Enable();
  W(0x403008, 0x900c03);
  Cmd(0x11 | (uint64_t{2} << 48));  // NH_ASID ASID 2: not ours
  Sync();
  EXPECT_EQ(Pas(0x1000), (V{0x800000, 0x900000}));
  Cmd(0x11 | (uint64_t{1} << 48));  // NH_ASID ASID 1
  Sync();
  EXPECT_EQ(Pas(0x1000), V{0x900000});
  // A global page (nG=0) survives NH_ASID, but not NH_VA of any ASID.
  W(0x403008, 0xa00403);
  Cmd(0x11 | (uint64_t{1} << 48));
  Sync();
  W(0x403008, 0xb00c03);
  Cmd(0x11 | (uint64_t{1} << 48));
  Sync();
  EXPECT_EQ(Pas(0x1000), (V{0xa00000, 0xb00000}));
  Cmd(0x12 | (uint64_t{7} << 48), 0x1000);  // NH_VA ASID 7: globals of any ASID go
  Sync();
  EXPECT_EQ(Pas(0x1000), V{0xb00000});
}

TEST_F(CacheTest, VmidScopesStageOneEntriesOfStageOneOnlyStes) {
  // R-TLBI-001, R-TLBI-007: S2P=1 tags stage-1-only entries with S2VMID (0 here).
  MapS1(0x800000);
  Enable();
  W(0x403008, 0x900403);
  Cmd(0x10 | (uint64_t{5} << 32));  // NH_ALL VMID 5
  Sync();
  EXPECT_EQ(Pas(0x1000), (V{0x800000, 0x900000}));
  Cmd(0x10);  // NH_ALL VMID 0
  Sync();
  EXPECT_EQ(Pas(0x1000), V{0x900000});
}

TEST_F(CacheTest, LeafInvalidationKeepsTableEntries) {
  // R-TLBI-004: a changed table descriptor is covered by Leaf=0 only.
  MapS1(0x800000);
  W(0x404008, 0x900403);  // a second level-3 table mapping VA 0x1000 -> 0x900000
  Enable();
  W(0x402000, 0x404003);
  Cmd(0x12 | (uint64_t{1} << 48), 0x1001);  // NH_VA Leaf=1
  Sync();
  EXPECT_EQ(Pas(0x1000), (V{0x800000, 0x900000}));
  Cmd(0x12 | (uint64_t{1} << 48), 0x1000);  // Leaf=0
  Sync();
  EXPECT_EQ(Pas(0x1000), V{0x900000});
}

TEST_F(CacheTest, CfgiScopes) {
  // R-CFGI-001, R-CFGI-002, R-CFGI-004: a CD change needs CFGI_CD, CFGI_CD_ALL or CFGI_STE of
  // its SID; CFGI_STE_RANGE covers an aligned span.
  MapS1(0x800000);
  Enable();
  W(0x300000, kCdDw0 & ~(uint64_t{1} << 31));  // CD.V=0
  bool faults = false;
  Pas(0x1000, &faults);
  EXPECT_TRUE(faults);
  EXPECT_EQ(Pas(0x1000), V{0x800000}) << "the old valid CD may still be cached";
  Cmd(0x05 | (uint64_t{2} << 32));  // CFGI_CD SID 2
  Sync();
  EXPECT_EQ(Pas(0x1000), V{0x800000});
  Cmd(0x04 | (uint64_t{4} << 32), 0);  // CFGI_STE_RANGE SID 4 Range 0: SIDs 4..5
  Sync();
  EXPECT_EQ(Pas(0x1000), V{0x800000});
  Cmd(0x04 | (uint64_t{2} << 32), 1);  // Range 1: SIDs 0..3
  Sync();
  EXPECT_EQ(Pas(0x1000, &faults), V{});
  EXPECT_TRUE(faults);
}

TEST(CacheCovers, L1StructuresNeedNonLeafInvalidation) {
  // R-CFGI-003, R-CFGI-005
  const auto p = Load("full");
  FetchTag t;
  t.sid = 70;
  t.l1_shift = 6;
  Invalidation leaf{K::kCfgiSte, 64, 0, true};
  Invalidation nonleaf{K::kCfgiSte, 65, 0, false};
  EXPECT_FALSE(model::arch::Covers(leaf, FetchKind::kL1Std, t, true, false, p));
  EXPECT_TRUE(model::arch::Covers(nonleaf, FetchKind::kL1Std, t, true, false, p));
  EXPECT_FALSE(model::arch::Covers(nonleaf, FetchKind::kSte, t, true, false, p));
  t.cd_index = 70;
  Invalidation cd_leaf{K::kCfgiCd, 70, 64, true};
  Invalidation cd_nonleaf{K::kCfgiCd, 70, 127, false};
  EXPECT_FALSE(model::arch::Covers(cd_leaf, FetchKind::kL1Cd, t, true, false, p));
  EXPECT_TRUE(model::arch::Covers(cd_nonleaf, FetchKind::kL1Cd, t, true, false, p));
  Invalidation cd_all{K::kCfgiCdAll, 70};
  EXPECT_TRUE(model::arch::Covers(cd_all, FetchKind::kL1Cd, t, true, false, p));
}

TEST(CacheCovers, El2EntriesCarryAnAsidOnlyWithE2h) {
  // R-TLBI-008: NS-EL2 entries are not ASID-tagged: EL2_VA (consumed with E2H=0) removes them
  // whatever its ASID and EL2_ASID need not; NS-EL2-E2H entries follow the NH_* rules for ASID
  // and global entries (EL2_VA consumed with E2H=1); NH_* reach neither.
  const auto p = Load("full-v32");
  FetchTag el2;
  el2.el2 = true;
  el2.world = static_cast<unsigned>(model::arch::StreamWorld::kNsEl2);
  el2.va = 0x1000;
  el2.level = 3;
  Invalidation va{K::kTlbiEl2Va};
  va.asid = 7;
  va.addr = 0x1000;
  Invalidation by_asid{K::kTlbiEl2Asid};
  Invalidation nh_all{K::kTlbiNhAll};
  EXPECT_TRUE(model::arch::Covers(va, FetchKind::kS1Desc, el2, true, false, p));
  EXPECT_FALSE(model::arch::Covers(by_asid, FetchKind::kS1Desc, el2, true, false, p));
  EXPECT_FALSE(model::arch::Covers(nh_all, FetchKind::kS1Desc, el2, true, false, p));
  FetchTag e2h = el2;
  e2h.world = static_cast<unsigned>(model::arch::StreamWorld::kNsEl2E2H);
  e2h.asid = 3;
  va.e2h = true;
  EXPECT_FALSE(model::arch::Covers(va, FetchKind::kS1Desc, e2h, true, false, p));
  va.asid = 3;
  EXPECT_TRUE(model::arch::Covers(va, FetchKind::kS1Desc, e2h, true, false, p));
  by_asid.asid = 3;
  EXPECT_TRUE(model::arch::Covers(by_asid, FetchKind::kS1Desc, e2h, true, false, p));
  EXPECT_FALSE(model::arch::Covers(by_asid, FetchKind::kS1Desc, e2h, true, true, p));  // global
}

TEST(CacheCovers, RangeInvalidationBoundariesAndTtl) {
  // R-TLBI-005, R-TLBI-006
  const auto p = Load("full-v32");
  FetchTag t;
  t.level = 3;
  t.granule_shift = 12;
  Invalidation r{K::kTlbiNhVaa};
  r.addr = 0x10000;
  r.length = 0x3000;  // pages 0x10000, 0x11000, 0x12000
  r.tg_shift = 12;
  for (uint64_t va : {0x10000ull, 0x12fffull}) {
    t.va = va;
    EXPECT_TRUE(model::arch::Covers(r, FetchKind::kS1Desc, t, true, false, p)) << va;
  }
  for (uint64_t va : {0xf000ull, 0x13000ull}) {
    t.va = va;
    EXPECT_FALSE(model::arch::Covers(r, FetchKind::kS1Desc, t, true, false, p)) << va;
  }
  t.va = 0x10000;
  t.granule_shift = 16;
  EXPECT_FALSE(model::arch::Covers(r, FetchKind::kS1Desc, t, true, false, p)) << "other granule";
  t.granule_shift = 12;
  r.ttl = 2;
  EXPECT_FALSE(model::arch::Covers(r, FetchKind::kS1Desc, t, true, false, p)) << "TTL=2, leaf at 3";
  t.level = 2;
  EXPECT_TRUE(model::arch::Covers(r, FetchKind::kS1Desc, t, true, false, p));
}

TEST(CacheCovers, El2EntriesOnlyByEl2Invalidations) {
  // R-TLBI-008, R-TLBI-009
  const auto p = Load("full-v32");
  FetchTag t;
  t.el2 = true;
  EXPECT_FALSE(model::arch::Covers(Invalidation{K::kTlbiNsnhAll}, FetchKind::kS1Desc, t, true, false, p));
  EXPECT_TRUE(model::arch::Covers(Invalidation{K::kTlbiEl2All}, FetchKind::kS1Desc, t, true, false, p));
  t.el2 = false;
  EXPECT_TRUE(model::arch::Covers(Invalidation{K::kTlbiNsnhAll}, FetchKind::kS1Desc, t, true, false, p));
  EXPECT_FALSE(model::arch::Covers(Invalidation{K::kTlbiEl2All}, FetchKind::kS1Desc, t, true, false, p));
}

TEST(CacheCovers, NestedStageTwoNeedsAStageOneInvalidationAfterS2Ipa) {
  // R-TLBI-010, R-TLBI-011, C-CACHE-015
  const auto p = Load("full");
  CacheState c;
  FetchTag t;
  t.level = 3;
  t.va = 0x5000;
  t.nested = true;
  t.s1_va = 0x1000;
  Invalidation s2{K::kTlbiS2Ipa};
  s2.addr = 0x5000;
  s2.consumed = 9;
  c.AddPending(s2);
  c.CompletePending(10);
  EXPECT_EQ(c.CoveredSince(FetchKind::kS2Desc, t, true, false, p), 0u);
  t.nested = false;
  EXPECT_EQ(c.CoveredSince(FetchKind::kS2Desc, t, true, false, p), 9u) << "from consumption";
  t.nested = true;
  Invalidation nh{K::kTlbiNhAll};
  nh.consumed = 19;
  c.AddPending(nh);
  c.CompletePending(20);
  // A stage-2 entry fetched after the S2_IPA was consumed (9) survives the NH_ALL, so values held
  // at 9 or later stay allowed; older ones are gone.
  EXPECT_EQ(c.CoveredSince(FetchKind::kS2Desc, t, true, false, p), 9u);
  Invalidation all{K::kTlbiS12Vmall};
  all.consumed = 29;
  c.AddPending(all);
  c.CompletePending(30);
  EXPECT_EQ(c.CoveredSince(FetchKind::kS2Desc, t, true, false, p), 29u);
}

TEST(CacheCovers, RangeCommandsDecodeAndReservedCombinationIsIllegal) {
  // R-TLBI-012, R-TLBI-006
  const auto p = Load("full-v32");
  const uint64_t bad[2] = {0x12, uint64_t{1} << 10};  // TG=4K, NUM=SCALE=TTL=0
  EXPECT_EQ(model::arch::CheckCommand(bad, p), model::arch::kCerrorIll);
  const uint64_t ok[2] = {0x12 | (uint64_t{2} << 12) | (uint64_t{1} << 20),
                          (uint64_t{1} << 10) | 0x40000};  // NUM=2 SCALE=1 -> 6 pages
  EXPECT_EQ(model::arch::CheckCommand(ok, p), model::arch::kCerrorNone);
  Invalidation inv;
  ASSERT_TRUE(model::arch::DecodeInvalidation(ok, p, &inv));
  EXPECT_EQ(inv.addr, 0x40000u);
  EXPECT_EQ(inv.length, 6u * 0x1000);
  const uint64_t tg16k_ttl1[2] = {0x12, (uint64_t{2} << 10) | (uint64_t{1} << 8)};
  EXPECT_EQ(model::arch::CheckCommand(tg16k_ttl1, p), model::arch::kCerrorIll)
      << "16KB with TTL=1 behaves as TTL=0 without DS";
}

TEST(CacheCovers, ReservedFieldsAreIllegalOnlyWhenTheProfileDetectsThem) {
  // R-CMDQ-010
  const auto lax = Load("full");
  const auto strict = Load("full", {"cmd_res0_ill=1"});
  const uint64_t sync_bit8[2] = {0x46 | (1u << 8), 0};
  EXPECT_EQ(model::arch::CheckCommand(sync_bit8, lax), model::arch::kCerrorNone);
  EXPECT_EQ(model::arch::CheckCommand(sync_bit8, strict), model::arch::kCerrorIll);
  const uint64_t cfgi_leaf_hi[2] = {0x03, 2};
  EXPECT_EQ(model::arch::CheckCommand(cfgi_leaf_hi, strict), model::arch::kCerrorIll);
  const uint64_t range_no_ril[2] = {0x12 | (uint64_t{1} << 12), 0};  // NUM without RIL
  EXPECT_EQ(model::arch::CheckCommand(range_no_ril, strict), model::arch::kCerrorIll);
  const uint64_t vmid_no_s2[2] = {0x10 | (uint64_t{1} << 32), 0};
  EXPECT_EQ(model::arch::CheckCommand(vmid_no_s2, Load("s1only-nossid", {"cmd_res0_ill=1"})),
            model::arch::kCerrorIll);
  EXPECT_EQ(model::arch::CheckCommand(vmid_no_s2, strict), model::arch::kCerrorNone);
}

class NonCoherentTest : public CacheTest {
 protected:
  NonCoherentTest() : CacheTest("noncoherent") {}
};

TEST_F(NonCoherentTest, UncleanedWritesMayBeInvisible) {
  // R-CACHE-010
  MapS1(0x800000);
  smmu_.memory().Clean(0, ~uint64_t{0} >> 1);
  W(0x403008, 0x900403);
  Enable();
  EXPECT_EQ(Pas(0x1000), (V{0x800000, 0x900000}));
  smmu_.memory().Clean(0x403000, 0x1000);
  EXPECT_EQ(Pas(0x1000), V{0x900000});
}

TEST_F(CacheTest, TooManyCombinationsIsAnErrorNotATruncation) {
  // R-CACHE-009: 13 versions of each of the 4 descriptors exceed 4096 combinations.
  MapS1(0x800000);
  Enable();
  for (int i = 0; i < 12; ++i) {
    W(0x400000, 0x401003 | (static_cast<uint64_t>(i) << 52));
    W(0x401000, 0x402003 | (static_cast<uint64_t>(i) << 52));
    W(0x402000, 0x403003 | (static_cast<uint64_t>(i) << 52));
    W(0x403008, 0x800403 | (static_cast<uint64_t>(i) << 52));
  }
  spec::Txn t;
  t.sid = 3;
  t.addr = 0x1000;
  t.priv = true;
  auto r = smmu_.Translate(t);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("R-CACHE-009"), std::string::npos);
  EXPECT_EQ(r.error().kind, spec::ErrorKind::kBound);
}

TEST_F(CacheTest, AbortingLocationsYieldOnlyTheAbort) {
  // R-CACHE-008
  MapS1(0x800000);
  Enable();
  smmu_.memory().AddAbortRange(0x403000, 0x1000);
  spec::Txn t;
  t.sid = 3;
  t.addr = 0x1000;
  t.priv = true;
  auto r = smmu_.Translate(t);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  ASSERT_TRUE(r->front().event.has_value());
  EXPECT_EQ(r->front().event->type, spec::EventType::F_WALK_EABT);
}

TEST_F(CacheTest, EveryOutcomeCarriesTheLineOfTheValueItUsed) {
  // R-CACHE-005: outcomes are deduplicated and each names the remembered values it used.
  MapS1(0x800000);
  Enable();
  smmu_.SetLine(42);
  W(0x403008, 0x900403);
  spec::Txn t;
  t.sid = 3;
  t.addr = 0x1000;
  t.priv = true;
  auto r = smmu_.Translate(t);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(r->front().pa, 0x900000u);
  EXPECT_EQ(r->front().provenance, "");
  EXPECT_NE(r->back().provenance.find("S1 descriptor@0x403008 from line 0"), std::string::npos)
      << r->back().provenance;
}

TEST_F(CacheTest, AValueFetchedAfterAnInvalidationWasConsumedSurvivesItsSync) {
  // R-SYNC-003: CFGI_STE consumed, the valid STE then fetched and cached, then V cleared with no
  // new CFGI: the SYNC that completes the old CFGI does not remove the later fetch.
  MapS1(0x800000);
  Enable();
  Cmd(0x03 | (uint64_t{3} << 32));
  smmu_.ProcessCommands();        // consumed, not yet synced
  EXPECT_EQ(Pas(0x1000), V{0x800000});
  W(kStrtab + 3 * 64, 0x30000a);  // STE.V=0
  Sync();
  bool faults = false;
  EXPECT_EQ(Pas(0x1000, &faults), V{0x800000}) << "the STE fetched after consumption may remain";
  EXPECT_TRUE(faults);
  Cmd(0x03 | (uint64_t{3} << 32));
  Sync();
  EXPECT_EQ(Pas(0x1000, &faults), V{});
}

TEST_F(CacheTest, NestedCdCachedByKeyOutlivesItsStageTwoMappingUntilCfgiCd) {
  // R-CACHE-013 / C-CACHE-017: SID 3 nested (VMID 1), its CD at IPA 0x40000000, which stage 2
  // maps page by page to PA 0x600000 (the stage-1 tables follow at IPA 0x40001000..0x40003000).
  W(kStrtab + 3 * 64, 0x4000000f);
  W(kStrtab + 3 * 64 + 16, 0x40d005900000001ull);
  W(kStrtab + 3 * 64 + 24, 0x800000);
  W(0x800008, 0x810003);
  W(0x810000, 0x830003);
  for (uint64_t i = 0; i < 4; ++i) W(0x830000 + 8 * i, (0x600000 + 0x1000 * i) | 0x4ff);
  W(0x810008, 0x820003);
  W(0x820000, 0x200004ff);             // IPA 0x40200000 -> PA 0x20000000
  W(0x600000, 0x16205c0000019ull);     // CD: ASID 1
  W(0x600008, 0x40001000);             // TTB0 = IPA 0x40001000
  W(0x601000, 0x40002003);
  W(0x602000, 0x40003003);
  W(0x603008, 0x40200c03);             // VA 0x1000 -> IPA 0x40200000
  Enable();
  EXPECT_EQ(Pas(0x1000), V{0x20000000});
  W(0x830000, 0);                      // stage 2 no longer maps the CD's IPA
  Cmd(0x28 | (uint64_t{1} << 32));     // CMD_TLBI_S12_VMALL VMID 1
  Sync();
  bool faults = false;
  EXPECT_EQ(Pas(0x1000, &faults), V{0x20000000}) << "the CD cached under (SID, index) is used";
  EXPECT_TRUE(faults) << "or fetched afresh, a stage-2 fault on the CD fetch";
  Cmd(0x05 | (uint64_t{3} << 32), 1);  // CMD_CFGI_CD SID 3 SubstreamID 0 Leaf
  Sync();
  EXPECT_EQ(Pas(0x1000, &faults), V{});
  EXPECT_TRUE(faults);
}
