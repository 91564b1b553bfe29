// Caches of the engine: what is inserted, what each CFGI/TLBI scope removes, eviction.
// Stale answers after a change without invalidation are legal [IHI0070 §3.21, §4.3-§4.4], so
// they are how these tests see that an entry is still cached.
#include <gtest/gtest.h>

#include "smmuref/impl/arch/engine.h"

namespace smmuref::impl::arch {
namespace {

using spec::Reg;
using spec::TxnOutcome;

constexpr uint64_t kVa = 0x40201040;   // L1[1] L2[1] L3[1] with T0SZ=25, 4KB
constexpr uint64_t kVaB = 0x40202040;  // L3[2]
constexpr uint64_t kL3 = 0x420000;

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(Engine::Options{}); }

  void Reset(const Engine::Options& o) {
    auto p = spec::LoadProfile("full");
    ASSERT_TRUE(p.ok());
    e_ = std::make_unique<Engine>(*p, o);
    e_->WriteReg(Reg::STRTAB_BASE, 0x100000);
    e_->WriteReg(Reg::STRTAB_BASE_CFG, 4);
    e_->WriteReg(Reg::CMDQ_BASE, 0x500000 | 4);
    e_->WriteReg(Reg::EVENTQ_BASE, 0x200000 | 4);
    WriteSte(3, 0x300000);
    WriteCd(0x300000, 1);
    e_->MemWrite64(0x400008, 0x410003);
    e_->MemWrite64(0x410008, kL3 | 3);
    e_->MemWrite64(kL3 + 8, Page(0x10010000, true));
    e_->MemWrite64(kL3 + 16, Page(0x10020000, true));
    e_->WriteReg(Reg::CR0, 0xd);
  }
  void WriteSte(uint32_t sid, uint64_t cd) { e_->MemWrite64(0x100000 + sid * 64, 0xb | cd); }
  void WriteCd(uint64_t at, uint64_t asid) {
    e_->MemWrite64(at, 0x6205c0000019ull | asid << 48);
    e_->MemWrite64(at + 8, 0x400000);
  }
  static uint64_t Page(uint64_t oa, bool ng) { return oa | 0x403 | (ng ? 0x800 : 0); }
  void Cmd(uint64_t dw0, uint64_t dw1) {
    const uint64_t prod = e_->ReadReg(Reg::CMDQ_PROD);
    e_->MemWrite64(0x500000 + (prod & 15) * 16, dw0);
    e_->MemWrite64(0x500000 + (prod & 15) * 16 + 8, dw1);
    e_->WriteReg(Reg::CMDQ_PROD, (prod + 1) & 31);
    e_->ProcessCommands();
  }
  void Sync() { Cmd(0x46, 0); }
  TxnOutcome Read(uint64_t va, uint32_t sid = 3) {
    spec::Txn t;
    t.sid = sid;
    t.addr = va;
    t.priv = true;
    return e_->Translate(t);
  }
  uint64_t Pa(uint64_t va, uint32_t sid = 3) {
    const TxnOutcome o = Read(va, sid);
    EXPECT_EQ(o.kind, TxnOutcome::Kind::kOk) << spec::ToString(o);
    return o.pa;
  }

  std::unique_ptr<Engine> e_;
};

TEST_F(CacheTest, TlbHitServesStaleTranslationUntilTlbiNhVa) {
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  e_->MemWrite64(kL3 + 8, Page(0x10030000, true));
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  EXPECT_GE(e_->stats().tlb_hits + e_->stats().micro_hits, 1u);
  Cmd(0x12 | uint64_t{1} << 48, kVa & ~uint64_t{0xfff});  // NH_VA ASID=1
  Sync();
  EXPECT_EQ(Pa(kVa), 0x10030040u);
}

TEST_F(CacheTest, NhAsidLeavesGlobalEntriesAndNhVaRemovesThem) {
  e_->MemWrite64(kL3 + 8, Page(0x10010000, false));  // global
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  e_->MemWrite64(kL3 + 8, Page(0x10030000, false));
  Cmd(0x11 | uint64_t{1} << 48, 0);  // NH_ASID ASID=1
  Sync();
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  Cmd(0x12 | uint64_t{7} << 48, kVa & ~uint64_t{0xfff});  // NH_VA of another ASID
  Sync();
  EXPECT_EQ(Pa(kVa), 0x10030040u);
}

TEST_F(CacheTest, NhAsidRemovesNonGlobalEntriesOfThatAsidOnly) {
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  e_->MemWrite64(kL3 + 8, Page(0x10030000, true));
  Cmd(0x11 | uint64_t{2} << 48, 0);
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  Cmd(0x11 | uint64_t{1} << 48, 0);
  EXPECT_EQ(Pa(kVa), 0x10030040u);
}

TEST_F(CacheTest, NhVaaAndNsnhAllRemoveEveryAsid) {
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  e_->MemWrite64(kL3 + 8, Page(0x10030000, true));
  Cmd(0x13, kVaB & ~uint64_t{0xfff});  // another page: no effect
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  Cmd(0x13, kVa & ~uint64_t{0xfff});
  EXPECT_EQ(Pa(kVa), 0x10030040u);
  e_->MemWrite64(kL3 + 8, Page(0x10040000, true));
  Cmd(0x30, 0);
  EXPECT_EQ(Pa(kVa), 0x10040040u);
}

TEST_F(CacheTest, NhAllMatchesVmid) {
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  e_->MemWrite64(kL3 + 8, Page(0x10030000, true));
  Cmd(0x10 | uint64_t{5} << 32, 0);  // VMID 5: the STE's VMID is 0
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  Cmd(0x10, 0);
  EXPECT_EQ(Pa(kVa), 0x10030040u);
}

TEST_F(CacheTest, InvalidDescriptorIsNotCached) {
  e_->MemWrite64(kL3 + 8, 0);
  EXPECT_EQ(Read(kVa).kind, TxnOutcome::Kind::kAbort);
  EXPECT_EQ(e_->iotlb().Occupancy(), 0u);
  e_->MemWrite64(kL3 + 8, Page(0x10010000, true));  // invalid -> valid needs no TLBI
  EXPECT_EQ(Pa(kVa), 0x10010040u);
}

TEST_F(CacheTest, NothingIsCachedWhileSmmuDisabled) {
  e_->WriteReg(Reg::CR0, 0xc);
  EXPECT_EQ(Pa(kVa), kVa);
  EXPECT_EQ(e_->iotlb().Occupancy(), 0u);
  EXPECT_EQ(e_->walk_cache().Occupancy(), 0u);
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 0u);
  EXPECT_EQ(e_->config_cache().CdOccupancy(), 0u);
}

TEST_F(CacheTest, InvalidSteIsNotCached) {
  e_->MemWrite64(0x100000 + 3 * 64, 0);
  EXPECT_EQ(Read(kVa).event->type, spec::EventType::C_BAD_STE);
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 0u);
  WriteSte(3, 0x300000);
  EXPECT_EQ(Pa(kVa), 0x10010040u);
}

TEST_F(CacheTest, CfgiSteDropsTheSteAndItsCds) {
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 1u);
  EXPECT_EQ(e_->config_cache().CdOccupancy(), 1u);
  Cmd(0x03 | uint64_t{4} << 32, 1);  // CFGI_STE SID 4: not ours
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 1u);
  Cmd(0x03 | uint64_t{3} << 32, 1);
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 0u);
  EXPECT_EQ(e_->config_cache().CdOccupancy(), 0u);
}

TEST_F(CacheTest, CfgiCdAndCdAllDropOnlyCds) {
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  Cmd(0x05 | uint64_t{3} << 32 | uint64_t{1} << 12, 0);  // CFGI_CD SID 3 SSID 1: other index
  EXPECT_EQ(e_->config_cache().CdOccupancy(), 1u);
  Cmd(0x05 | uint64_t{3} << 32, 0);
  EXPECT_EQ(e_->config_cache().CdOccupancy(), 0u);
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 1u);
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  Cmd(0x06 | uint64_t{3} << 32, 0);
  EXPECT_EQ(e_->config_cache().CdOccupancy(), 0u);
}

TEST_F(CacheTest, CfgiSteRangeCoversAlignedSpan) {
  WriteSte(2, 0x300000);
  EXPECT_EQ(Pa(kVa, 2), 0x10010040u);
  EXPECT_EQ(Pa(kVa, 3), 0x10010040u);
  Cmd(0x04 | uint64_t{4} << 32, 0);  // Range 0: SIDs 4..5
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 2u);
  Cmd(0x04 | uint64_t{3} << 32, 0);  // Range 0: SIDs 2..3
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 0u);
  EXPECT_EQ(Pa(kVa, 3), 0x10010040u);
  Cmd(0x04, 31);  // CFGI_ALL
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 0u);
}

TEST_F(CacheTest, WalkCacheResumesAtTheLastLevel) {
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  const uint64_t reads = e_->stats().descriptor_reads;
  EXPECT_EQ(Pa(kVaB), 0x10020040u);
  EXPECT_EQ(e_->stats().descriptor_reads, reads + 1);
  EXPECT_GE(e_->stats().walk_hits, 1u);
}

TEST_F(CacheTest, EvictedEntriesAreRefetched) {
  Engine::Options o;
  o.tlb_entries = o.tlb_ways = 1;
  o.micro_entries = 0;
  o.walk_entries = o.walk_ways = 1;
  Reset(o);
  EXPECT_EQ(Pa(kVa), 0x10010040u);
  EXPECT_EQ(Pa(kVaB), 0x10020040u);  // evicts kVa's entry
  EXPECT_EQ(e_->iotlb().Occupancy(), 1u);
  EXPECT_GE(e_->iotlb().evictions(), 1u);
  e_->MemWrite64(kL3 + 8, Page(0x10030000, true));
  EXPECT_EQ(Pa(kVa), 0x10030040u);
}

TEST_F(CacheTest, SteCacheEvictionDropsCdsReachedThroughIt) {
  Engine::Options o;
  o.ste_entries = o.ste_ways = 1;
  Reset(o);
  WriteSte(2, 0x300000);
  EXPECT_EQ(Pa(kVa, 3), 0x10010040u);
  EXPECT_EQ(Pa(kVa, 2), 0x10010040u);
  EXPECT_EQ(e_->config_cache().SteOccupancy(), 1u);
  EXPECT_EQ(e_->config_cache().CdOccupancy(), 1u);
}

}  // namespace
}  // namespace smmuref::impl::arch
