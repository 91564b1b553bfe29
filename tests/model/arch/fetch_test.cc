// What a read may return: per-word tearing of structures (C-CACHE-003), only fault-free entries
// in TLBs (R-CACHE-003), walks consistent in time (R-CACHE-011), earlier translation contexts
// (R-CACHE-012, C-CACHE-005), the non-coherent walker (R-CACHE-010, C-CACHE-004).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "smmuref/model/arch/cache.h"
#include "smmuref/model/arch/smmu.h"

using namespace smmuref;
using model::arch::FetchKind;
using model::arch::FetchTag;
using model::arch::Smmu;
using spec::Reg;
using spec::TxnOutcome;

namespace {

spec::Profile Load(const char* name) {
  auto p = spec::LoadProfile(name);
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  return *p;
}

constexpr uint64_t kStrtab = 0x100000, kCmdq = 0x210000;
constexpr uint64_t kCdDw0 = 0x16205c0000010ull;  // T0SZ=16 EPD1 V IPS=48 AA64 R A ASID=1

class FetchTest : public ::testing::Test {
 protected:
  explicit FetchTest(const char* profile = "full") : smmu_(Load(profile)) {}
  void W(uint64_t pa, uint64_t v) { smmu_.memory().Write64(pa, v); }
  void Enable() {
    smmu_.WriteReg(Reg::STRTAB_BASE, kStrtab);
    smmu_.WriteReg(Reg::STRTAB_BASE_CFG, 0x4);
    smmu_.WriteReg(Reg::EVENTQ_BASE, 0x200004);
    smmu_.WriteReg(Reg::CMDQ_BASE, kCmdq | 4);
    for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
      smmu_.WriteReg(r, 0);
    }
    smmu_.WriteReg(Reg::CR0, 0xd);
  }
  // SID 3 -> CD at 0x300000 -> 4K tables (root 0x400000) mapping VA 0x1000 to `oa`.
  void MapS1(uint64_t oa, uint64_t root = 0x400000) {
    W(kStrtab + 3 * 64, 0x30000b);
    W(0x300000, kCdDw0);
    W(0x300008, root);
    W(root, root + 0x1003);
    W(root + 0x1000, root + 0x2003);
    W(root + 0x2000, root + 0x3003);
    W(root + 0x3008, oa | 0x403);
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
  // Every allowed outcome as "ok PA" or the event type.
  std::set<std::string> Outcomes(uint32_t sid, uint64_t va) {
    spec::Txn t;
    t.sid = sid;
    t.addr = va;
    t.priv = true;
    auto r = smmu_.Translate(t);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    std::set<std::string> out;
    if (!r.ok()) return out;
    for (const auto& o : *r) {
      if (o.kind == TxnOutcome::Kind::kOk) out.insert("ok " + std::to_string(o.pa));
      else out.insert(o.event ? spec::EventTypeName(o.event->type) : "abort");
    }
    return out;
  }
  static std::string Ok(uint64_t pa) { return "ok " + std::to_string(pa); }
  Smmu smmu_;
};

}  // namespace

TEST_F(FetchTest, TornSteIsAllowedUntilCfgiAndSync) {
  // C-CACHE-003, R-CACHE-001: SID 1 bypasses; it is rewritten, while enabled, to a stage-2 STE.
  // A read mixing the new DW0 (Config=0b110) with the old, zero DW2 (S2T0SZ=0) is ILLEGAL.
  W(kStrtab + 64, 0x9);
  Enable();
  W(0x500000, 0x40000000 | 0x4fd);  // stage-2 level-1 block IPA 0 -> PA 0x40000000, RW, AF
  W(kStrtab + 64 + 16, 0x000d005900000000ull);  // DW2: S2T0SZ=25 S2SL0=1 4KB S2PS=48 S2AA64
  W(kStrtab + 64 + 24, 0x500000);               // DW3: S2TTB
  W(kStrtab + 64, 0xd);                         // DW0: V=1, Config=0b110 (stage 2 only)
  const auto before = Outcomes(1, 0x1234);
  EXPECT_TRUE(before.count(Ok(0x1234))) << "the old bypass STE";
  EXPECT_TRUE(before.count("C_BAD_STE")) << "a torn read of new DW0 with old DW2";
  Cmd(0x03 | (uint64_t{1} << 32));  // CFGI_STE SID 1
  Sync();
  EXPECT_TRUE(before.count(Ok(0x40001234))) << "the new STE";
  const auto after = Outcomes(1, 0x1234);
  EXPECT_EQ(after, (std::set<std::string>{Ok(0x40001234)}));
}

TEST_F(FetchTest, AllowedStructureReadsEnumerateEveryTornReadOrNameTheBound) {
  // C-CACHE-003, R-CACHE-009
  Enable();
  for (uint64_t i = 0; i < 3; ++i) W(kStrtab + 64 + 8 * i, 0x10 + i);  // three words changed
  FetchTag tag;
  tag.sid = 1;
  auto reads = model::arch::AllowedStructureReads(smmu_.memory(), smmu_.cache(), smmu_.profile(),
                                                  FetchKind::kSte, tag, kStrtab + 64, 8, 100);
  ASSERT_TRUE(reads.ok());
  EXPECT_EQ(reads->size(), 8u);  // each of the three words: zero or its new value
  auto bounded = model::arch::AllowedStructureReads(smmu_.memory(), smmu_.cache(),
                                                    smmu_.profile(), FetchKind::kSte, tag,
                                                    kStrtab + 64, 8, 4);
  ASSERT_FALSE(bounded.ok());
  EXPECT_NE(bounded.error().message.find("R-CACHE-009"), std::string::npos);
  EXPECT_EQ(bounded.error().kind, spec::ErrorKind::kBound);
}

TEST_F(FetchTest, AccessFlagAndAddressSizeFaultingEntriesAreNotCached) {
  // R-CACHE-003: AF=0 (without AFFD) and an output address beyond IPS fault, so they were never
  // in a TLB: making them good needs no invalidation.
  MapS1(0x800000);
  W(0x300000, kCdDw0 & ~(uint64_t{7} << 32));  // IPS=0b000: 32-bit output
  W(0x403008, 0x800003);                       // AF=0
  Enable();
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{"F_ACCESS"}));
  W(0x403008, 0x800403);  // AF=1, no TLBI
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x800000)}));
  Cmd(0x12 | (uint64_t{1} << 48), 0x1000);  // TLBI_NH_VA ASID 1
  Sync();
  W(0x403008, 0x100000403ull);  // beyond the 32-bit IPS
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{"F_ADDR_SIZE", Ok(0x800000)}))
      << "the good entry may still be cached";
  Cmd(0x12 | (uint64_t{1} << 48), 0x1000);
  Sync();
  W(0x403008, 0x900403);  // from an address-size fault: no invalidation needed
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x900000)}));
}

TEST_F(FetchTest, AReusedTableDoesNotServeTheAddressItUsedToMap) {
  // R-CACHE-011: the leaf table at 0x403000 maps VA 0x1000 (index 1). It is unlinked,
  // invalidated by VA, and linked again under another level-2 entry for VA 0x201000 with new
  // contents at the same index: its old entry was never reachable for VA 0x201000.
  MapS1(0x800000);
  Enable();
  W(0x402000, 0);  // unlink the leaf table from VA 0x1000
  Cmd(0x12 | (uint64_t{1} << 48), 0x1000);
  Sync();
  W(0x403008, 0x900403);
  W(0x402008, 0x403003);  // level-2 entry for VA 0x200000..0x3fffff -> the reused table
  EXPECT_EQ(Outcomes(3, 0x201000), (std::set<std::string>{Ok(0x900000)}));
}

TEST_F(FetchTest, AnEarlierTranslationContextSurvivesCfgiCdUntilTlbi) {
  // R-CACHE-012, C-CACHE-005: TTB0 moves to new tables mapping VA 0x1000 elsewhere; CFGI_CD
  // alone leaves ASID 1's old entries; TLBI_NH_ASID removes them.
  MapS1(0x800000);
  MapS1(0x900000, 0x480000);  // second set of tables; the CD now points to them
  W(0x300008, 0x400000);
  Enable();
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x800000)}));
  W(0x300008, 0x480000);  // TTB0 -> new tables, same ASID
  Cmd(0x05 | (uint64_t{3} << 32));  // CFGI_CD SID 3
  Sync();
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x800000), Ok(0x900000)}));
  Cmd(0x11 | (uint64_t{1} << 48));  // TLBI_NH_ASID ASID 1
  Sync();
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x900000)}));
}

TEST_F(FetchTest, AnEarlierContextOfAnotherAsidIsNotLookedUp) {
  // R-CACHE-012: with a new ASID the old entries are tagged differently.
  MapS1(0x800000);
  MapS1(0x900000, 0x480000);
  W(0x300008, 0x400000);
  Enable();
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x800000)}));
  // TTB0 first, then the ASID: the intermediate CD (ASID 1, new tables) only adds ASID 1
  // entries. (In the other order, ASID 2 with the old tables is a valid intermediate CD whose
  // walks form ASID 2 entries: allowed too.)
  W(0x300008, 0x480000);
  W(0x300000, kCdDw0 + (uint64_t{1} << 48));  // ASID 2
  Cmd(0x05 | (uint64_t{3} << 32));
  Sync();
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x900000)}));
}

class NoncoherentFetchTest : public FetchTest {
 protected:
  NoncoherentFetchTest() : FetchTest("noncoherent") {}
};

TEST_F(NoncoherentFetchTest, AWordStoredAndCleanedNeverReadsItsOlderValue) {
  // R-CACHE-010, C-CACHE-004: the review's finding: a CD written and cleaned before SMMUEN=1
  // was "allowed" to read TTB0=0 (the never-written value), faulting a correct image.
  MapS1(0x800000);
  smmu_.memory().Clean(0, uint64_t{1} << 32);
  Enable();
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x800000)}));
  FetchTag tag;
  tag.sid = 3;
  const auto c = model::arch::WordCandidates(smmu_.memory(), smmu_.cache(), smmu_.profile(),
                                             FetchKind::kCd, tag, 0x300008);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].value, 0x400000u);
  // A store not yet cleaned may be seen or not.
  W(0x403008, 0x900403);
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x800000), Ok(0x900000)}));
}

TEST_F(FetchTest, AnEarlierContextThatFaultsBeforeItsFirstReadFormedNoEntry) {
  // R-CACHE-012, R-CACHE-003: the earlier CD disabled TTB0 walks (EPD0=1), so its translations
  // faulted without forming TLB entries; once CFGI_CD completes only the current CD translates.
  MapS1(0x800000);
  W(0x300000, kCdDw0 | (uint64_t{1} << 14));  // EPD0=1
  Enable();
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{"F_TRANSLATION"}));
  W(0x300000, kCdDw0);
  Cmd(0x05 | (uint64_t{3} << 32));  // CFGI_CD SID 3
  Sync();
  EXPECT_EQ(Outcomes(3, 0x1000), (std::set<std::string>{Ok(0x800000)}));
}

TEST_F(FetchTest, AnInvalidationAfterASyncMsiSeesTheMsiWrite) {
  // R-CMDQ-013: CMD_SYNC's MSI rewrites the (cached, V=0) STE of SID 2; the CFGI_STE after it
  // is consumed only once the sync completed, so it removes the value held before the write.
  Enable();
  EXPECT_EQ(Outcomes(2, 0x1234), (std::set<std::string>{"C_BAD_STE"}));
  Cmd(0x46 | (1u << 12) | (uint64_t{0x9} << 32), kStrtab + 2 * 64);  // SYNC CS=SIG_IRQ MSIData 9
  Cmd(0x03 | (uint64_t{2} << 32), 1);                                 // CFGI_STE SID 2
  Sync();
  EXPECT_EQ(Outcomes(2, 0x1234), (std::set<std::string>{Ok(0x1234)}));
}
