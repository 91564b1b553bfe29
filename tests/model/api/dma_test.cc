// Tests for model/api/dma.cc: IOVA choice rules, map/unmap, coherent allocation, syncs (R-DMA-*).
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace smmuref::model::api {
namespace {

using testing::AddInstance;

DeviceId DmaDevice(System& s, InstanceId i, uint32_t sid, uint64_t mask, bool coherent = true) {
  DeviceDesc d;
  d.instance = i;
  d.sids = {sid};
  d.dma_mask = mask;
  d.coherent = coherent;
  return s.ProbeDevice(d).value;
}

TEST(Dma, DefaultIovaIsHighestAlignedUnderMaskAndKeepsOffset) {
  System s;
  DeviceId d = DmaDevice(s, AddInstance(s), 1, 0xffffffff);
  auto m = s.DmaMap(d, 0x80001234, 0x100, DmaDir::kBidirectional, std::nullopt);
  // R-DMA-003
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value.dma_addr, 0xfffff234u);
  // R-DMA-004
  const DomainId dd = s.DefaultDomain(d).value;
  EXPECT_EQ(s.LeafAt(dd, 0xfffff000)->second.prot, kProtRead | kProtWrite | kProtCache);
  EXPECT_EQ(DmaProt(DmaDir::kToDevice, false), kProtRead);
  EXPECT_EQ(DmaProt(DmaDir::kFromDevice, false), kProtWrite);
}

TEST(Dma, ProposedIovasOutsideMaskZeroOverlappingOrMisalignedAreRejected) {
  System s;
  DeviceId d = DmaDevice(s, AddInstance(s), 1, 0xffffffff);
  ASSERT_TRUE(s.DmaMap(d, 0x1000, 0x1000, DmaDir::kBidirectional, 0x10000000u).ok());
  // R-DMA-002
  EXPECT_EQ(s.DmaMap(d, 0x1000, 0x1000, DmaDir::kBidirectional, 0u).err, Errno::kBadChoice);
  EXPECT_EQ(s.DmaMap(d, 0x1000, 0x1000, DmaDir::kBidirectional, 0x100000000u).err,
            Errno::kBadChoice);
  EXPECT_EQ(s.DmaMap(d, 0x1000, 0x1000, DmaDir::kBidirectional, 0x10000000u).err,
            Errno::kBadChoice);
  EXPECT_EQ(s.DmaMap(d, 0x1000, 0x1000, DmaDir::kBidirectional, 0x20000800u).err,
            Errno::kBadChoice);
}

TEST(Dma, ExhaustedMaskIsEnomemAndTheDefaultDomainIsUsedWhateverIsAttached) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId t = DmaDevice(s, i, 1, 0x1fff);
  // R-DMA-009
  EXPECT_EQ(s.DmaMap(t, 0x1000, 0x1000, DmaDir::kBidirectional, std::nullopt).value.dma_addr,
            0x1000u);
  EXPECT_EQ(s.DmaMap(t, 0x1000, 0x1000, DmaDir::kBidirectional, std::nullopt).err,
            Errno::kENOMEM);
  // R-DMA-001: iommu_get_dma_domain is the default domain, not the blocking one
  DeviceId o = DmaDevice(s, i, 2, ~0ull);
  ASSERT_EQ(s.ClaimDmaOwner(o, 1), Errno::kOk);
  auto m = s.DmaMap(o, 0x1000, 0x1000, DmaDir::kBidirectional, std::nullopt);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(s.IovaToPhys(s.DefaultDomain(o).value, m.value.dma_addr), 0x1000u);
  // an identity default domain goes through dma-direct: not modelled
  DeviceDesc id;
  id.instance = i;
  id.sids = {3};
  id.default_type = DefaultDomainType::kIdentity;
  DeviceId p = s.ProbeDevice(id).value;
  EXPECT_EQ(s.DmaMap(p, 0x1000, 0x1000, DmaDir::kBidirectional, std::nullopt).err,
            Errno::kNotModelled);
  EXPECT_EQ(s.DmaSetMask(p, 0xffffffff, 0xffffffff), Errno::kNotModelled);
}

TEST(Dma, LengthsPastTwoToTheSixtyFourAreEnomemNotAWrap) {
  System s;
  DeviceId d = DmaDevice(s, AddInstance(s), 1, ~0ull);
  // R-DMA-009: the issue-10 findings (UBSan shift by 64; a wrap to a 0-byte allocation)
  for (uint64_t size : {0x8000000000000001ull, 0xfffffffffffff001ull, ~0ull}) {
    EXPECT_EQ(s.DmaMap(d, 0x1001, size, DmaDir::kBidirectional, std::nullopt).err, Errno::kENOMEM);
    EXPECT_NE(s.DmaMap(d, 0x1001, size, DmaDir::kBidirectional, 0x10001001u).err, Errno::kOk);
    EXPECT_EQ(s.DmaAllocCoherent(d, size, 0x1000, std::nullopt).err, Errno::kENOMEM);
  }
  EXPECT_TRUE(s.FindDomain(s.DefaultDomain(d).value)->leaves.empty());
  // R-DMA-011: a sync whose end passes 2^64 lies in no mapping
  auto m = s.DmaMap(d, 0x1000, 0x1000, DmaDir::kBidirectional, std::nullopt);
  EXPECT_EQ(s.DmaSync(d, m.value.dma_addr, ~0ull, DmaDir::kBidirectional, SyncFor::kCpu).err,
            Errno::kContractViolation);
}

TEST(Dma, UnmapNeedsExactHandleAndSyncNeedsLiveRange) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId n = DmaDevice(s, i, 1, ~0ull, false);
  auto m = s.DmaMap(n, 0x5000, 0x1000, DmaDir::kFromDevice, std::nullopt);
  ASSERT_TRUE(m.ok());
  // R-DMA-010
  EXPECT_EQ(s.DmaSync(n, m.value.dma_addr, 0x1000, DmaDir::kFromDevice, SyncFor::kDevice).value,
            CacheOp::kClean);
  EXPECT_EQ(s.DmaSync(n, m.value.dma_addr, 0x1000, DmaDir::kFromDevice, SyncFor::kCpu).value,
            CacheOp::kInvalidate);
  EXPECT_EQ(SyncCacheOp(SyncFor::kCpu, DmaDir::kToDevice), CacheOp::kNone);
  // R-DMA-011
  EXPECT_EQ(s.DmaSync(n, 0x1000, 0x10, DmaDir::kBidirectional, SyncFor::kCpu).err,
            Errno::kContractViolation);
  // R-DMA-006
  EXPECT_EQ(s.DmaUnmap(n, m.value.dma_addr, 0x800), Errno::kContractViolation);
  EXPECT_EQ(s.DmaUnmap(n, m.value.dma_addr, 0x1000), Errno::kOk);
  EXPECT_EQ(s.DmaUnmap(n, m.value.dma_addr, 0x1000), Errno::kContractViolation);
  // R-DMA-012
  DeviceId c = DmaDevice(s, i, 2, ~0ull, true);
  auto mc = s.DmaMap(c, 0x5000, 0x1000, DmaDir::kFromDevice, std::nullopt);
  EXPECT_EQ(s.DmaSync(c, mc.value.dma_addr, 0x1000, DmaDir::kFromDevice, SyncFor::kCpu).value,
            CacheOp::kNone);
}

TEST(Dma, CoherentAllocationIsSizeAlignedUnderCoherentMask) {
  System s;
  DeviceId d = DmaDevice(s, AddInstance(s), 1, ~0ull);
  // R-DMA-008: any mask; R-DMA-002: the allocation ends in the mask's granule page
  EXPECT_EQ(s.DmaSetMask(d, 0x12345, 0x12345), Errno::kOk);
  EXPECT_EQ(s.DmaMap(d, 0x1000, 0x1000, DmaDir::kBidirectional, std::nullopt).value.dma_addr,
            0x12000u);
  EXPECT_EQ(s.DmaSetMask(d, 0, 0), Errno::kOk);
  EXPECT_EQ(s.DmaMap(d, 0x1000, 0x1000, DmaDir::kBidirectional, std::nullopt).err,
            Errno::kENOMEM);
  ASSERT_EQ(s.DmaSetMask(d, 0xffffffff, 0xfffffff), Errno::kOk);
  // R-DMA-007
  auto a = s.DmaAllocCoherent(d, 0x3000, 0x70000000, std::nullopt);
  EXPECT_EQ(a.value.dma_addr, 0xfffc000u);
  EXPECT_EQ(s.DmaAllocCoherent(d, 0x3000, 0x70000800, std::nullopt).err, Errno::kEINVAL);
  EXPECT_EQ(s.DmaAllocCoherent(d, 0x3000, 0x71000000, 0x2000u).err, Errno::kBadChoice);
  EXPECT_EQ(s.DmaFreeCoherent(d, 0x3000, a.value.dma_addr), Errno::kOk);
  EXPECT_EQ(s.DmaFreeCoherent(d, 0x3000, a.value.dma_addr), Errno::kContractViolation);
}

}  // namespace
}  // namespace smmuref::model::api
