// Tests for model/api/map.cc: page-size selection, map/unmap rules (R-MAP-*).
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace smmuref::model::api {
namespace {

using testing::AddDevice;
using testing::AddInstance;
using testing::Paging;

TEST(PgSize, LargestAlignedSizeAndRunStopsWhereLargerPageFits) {
  // R-MAP-004
  EXPECT_EQ(PgSize(0x40201000, 0x1000, 0x1000, 0x400000).pgsize, 0x1000u);
  EXPECT_EQ(PgSize(0x40201000, 0x1000, 0x1000, 0x400000).count, 511u);
  EXPECT_EQ(PgSize(0x40201000, 0x1000, 0x2000, 0x400000).count, 1024u);
  EXPECT_EQ(PgSize(0x40201000, 0, 0, 0x40000000).pgsize, 0x40000000u);
  EXPECT_EQ(PgSize(0x40201000, 0x200000, 0x200000, 0x600000).count, 3u);
  EXPECT_EQ(PgSize(0x40201000, 0x1000, 0x1000, 0x800).pgsize, 0u);
}

TEST(PgSize, ChoiceIsAlwaysAlignedSupportedAndWithinSize) {
  // R-MAP-004: invariants of iommu_pgsize over a sweep
  const uint64_t bitmaps[] = {0x40201000, 0x20010000, 0x2004000};
  for (uint64_t b : bitmaps) {
    const uint64_t min = MinPageSize(b);
    for (uint64_t i = 0; i < 64; ++i) {
      const uint64_t iova = i * min * 37, pa = i * min * 3, size = (i + 1) * min * 513;
      PgSizeChoice c = PgSize(b, iova, pa, size);
      ASSERT_NE(c.pgsize, 0u);
      EXPECT_EQ(c.pgsize & b, c.pgsize);
      EXPECT_EQ(iova % c.pgsize, 0u);
      EXPECT_EQ(pa % c.pgsize, 0u);
      EXPECT_GE(c.count, 1u);
      EXPECT_LE(c.count * c.pgsize, size);
    }
  }
}

TEST(Map, UnalignedToMinPageSizeIsEinvalAndChangesNothing) {
  System s;
  DomainId d = Paging(s, AddDevice(s, AddInstance(s), {1}));
  // R-MAP-003
  EXPECT_EQ(s.Map(d, 0x1800, 0x1000, 0x1000, kProtRead), Errno::kEINVAL);
  EXPECT_EQ(s.Map(d, 0x1000, 0x1800, 0x1000, kProtRead), Errno::kEINVAL);
  EXPECT_EQ(s.Map(d, 0x1000, 0x1000, 0x1800, kProtRead), Errno::kEINVAL);
  EXPECT_TRUE(s.FindDomain(d)->leaves.empty());
}

TEST(Map, BeforeAttachOnDomainBoundAtBirth) {
  System s;
  DeviceId dev = AddDevice(s, AddInstance(s), {1});
  DomainId d = Paging(s, dev);
  // R-DOM-001
  EXPECT_EQ(s.Map(d, 0x200000, 0x40200000, 0x201000, kProtRead | kProtWrite), Errno::kOk);
  // R-MAP-012
  EXPECT_EQ(s.IovaToPhys(d, 0x3fffff), 0x403fffffu);
  EXPECT_EQ(s.IovaToPhys(d, 0x401000), 0u);
  EXPECT_EQ(s.AttachDevice(d, dev), Errno::kOk);
  EXPECT_EQ(s.IovaToPhys(d, 0x400000), 0x40400000u);
}

TEST(Map, OverlapIsEexistOutOfRangeIsErangeAndNothingStays) {
  System s;
  DomainId d = Paging(s, AddDevice(s, AddInstance(s), {1}));
  ASSERT_EQ(s.Map(d, 0x200000, 0, 0x200000, kProtRead), Errno::kOk);
  // R-MAP-006
  EXPECT_EQ(s.Map(d, 0, 0, 0x400000, kProtRead), Errno::kEEXIST);
  EXPECT_FALSE(s.LeafAt(d, 0));
  // R-MAP-005
  EXPECT_EQ(s.Map(d, 0xfffffffff000, 0, 0x2000, kProtRead), Errno::kERANGE);
  EXPECT_FALSE(s.LeafAt(d, 0xfffffffff000));
  EXPECT_EQ(s.Map(d, 0x1000, uint64_t{1} << 48, 0x1000, kProtRead), Errno::kERANGE);
  // R-MAP-007, R-MAP-008
  EXPECT_EQ(s.Map(d, 0x1000, 0x1000, 0, kProtRead), Errno::kOk);
  EXPECT_EQ(s.Map(d, 0x1000, 0x1000, 0x1000, 0), Errno::kEINVAL);
  EXPECT_EQ(s.Map(d, 0x1000, 0x1000, 0x1000, kProtCache | kProtNoexec), Errno::kEINVAL);
  EXPECT_EQ(s.FindDomain(d)->leaves.size(), 1u);
}

TEST(Map, NonPagingDomainsDoNotMap) {
  System s;
  DeviceId dev = AddDevice(s, AddInstance(s), {1});
  auto id = s.AllocStaticDomain(dev, DomainType::kIdentity);
  // R-MAP-001
  EXPECT_EQ(s.Map(id.value, 0, 0, 0x1000, kProtRead), Errno::kEINVAL);
  // R-MAP-012
  EXPECT_EQ(s.IovaToPhys(id.value, 0x1234), 0x1234u);
  Errno why = Errno::kOk;
  // R-MAP-010
  EXPECT_EQ(s.Unmap(id.value, 0, 0x1000, &why).value, 0u);
  EXPECT_EQ(why, Errno::kEINVAL);
}

TEST(Unmap, ReturnsBytesStopsAtHoleAndRefusesPartOfLargerLeafByDefault) {
  System s;
  DomainId d = Paging(s, AddDevice(s, AddInstance(s), {1}));
  ASSERT_EQ(s.Map(d, 0x200000, 0x40200000, 0x200000, kProtRead), Errno::kOk);
  ASSERT_EQ(s.Map(d, 0x600000, 0x600000, 0x2000, kProtRead), Errno::kOk);
  Errno why = Errno::kOk;
  // R-MAP-009: a hole stops the unmap; io-pgtable-arm WARNs on the empty entry
  EXPECT_EQ(s.Unmap(d, 0x5ff000, 0x3000, &why).value, 0u);
  EXPECT_EQ(why, Errno::kContractViolation);
  EXPECT_EQ(s.Unmap(d, 0x600000, 0x3000).value, 0x2000u);
  // R-MAP-011 (reject, the v6.13+ default): nothing of the block goes, and it WARNs
  EXPECT_EQ(s.Unmap(d, 0x201000, 0x1000, &why).value, 0u);
  EXPECT_EQ(why, Errno::kContractViolation);
  EXPECT_EQ(s.LeafAt(d, 0x200000)->second.size, 0x200000u);
  EXPECT_EQ(s.Unmap(d, 0x200000, 0x200000, &why).value, 0x200000u);
  EXPECT_EQ(why, Errno::kOk);
  // R-MAP-010
  EXPECT_EQ(s.Unmap(d, 0x800, 0x1000, &why).value, 0u);
  EXPECT_EQ(why, Errno::kEINVAL);
}

TEST(Unmap, WholeKnobRemovesTheLargerLeafAndCountsIt) {
  System s;
  Knobs k;
  k.partial_unmap = PartialUnmap::kWhole;
  ASSERT_EQ(s.SetKnobs(k), Errno::kOk);
  DomainId d = Paging(s, AddDevice(s, AddInstance(s), {1}));
  ASSERT_EQ(s.Map(d, 0x200000, 0x40200000, 0x200000, kProtRead), Errno::kOk);
  // R-MAP-011 (whole)
  EXPECT_EQ(s.Unmap(d, 0x201000, 0x1000).value, 0x200000u);
  EXPECT_FALSE(s.LeafAt(d, 0x200000));
}

TEST(Unmap, BlockSizedStepFreesSmallerLeavesInside) {
  System s;
  DomainId d = Paging(s, AddDevice(s, AddInstance(s), {1}));
  ASSERT_EQ(s.Map(d, 0x600000, 0x600000, 0x1000, kProtRead), Errno::kOk);
  ASSERT_EQ(s.Map(d, 0x7ff000, 0x7ff000, 0x1000, kProtRead), Errno::kOk);
  // R-MAP-014
  EXPECT_EQ(s.Unmap(d, 0x600000, 0x200000).value, 0x200000u);
  EXPECT_TRUE(s.FindDomain(d)->leaves.empty());
}

TEST(Unmap, SplitKnobKeepsRestOfLeafAndRejectKnobKeepsAll) {
  for (PartialUnmap mode : {PartialUnmap::kSplit, PartialUnmap::kReject}) {
    System s;
    Knobs k;
    k.partial_unmap = mode;
    ASSERT_EQ(s.SetKnobs(k), Errno::kOk);
    DomainId d = Paging(s, AddDevice(s, AddInstance(s), {1}));
    ASSERT_EQ(s.Map(d, 0x200000, 0x40200000, 0x200000, kProtRead), Errno::kOk);
    // R-MAP-011
    const uint64_t got = s.Unmap(d, 0x201000, 0x1000).value;
    if (mode == PartialUnmap::kSplit) {
      EXPECT_EQ(got, 0x1000u);
      EXPECT_EQ(s.IovaToPhys(d, 0x201000), 0u);
      EXPECT_EQ(s.IovaToPhys(d, 0x3ff000), 0x403ff000u);
      EXPECT_EQ(s.IovaToPhys(d, 0x200000), 0x40200000u);
    } else {
      EXPECT_EQ(got, 0u);
      EXPECT_EQ(s.LeafAt(d, 0x200000)->second.size, 0x200000u);
    }
  }
}

TEST(Prot, WriteOnlyIsReadableNoexecForbidsExecPrivForbidsUnprivileged) {
  // R-MAP-013
  EXPECT_TRUE(ProtPermits(kProtWrite, Access{.read = true}));
  EXPECT_FALSE(ProtPermits(kProtRead, Access{.write = true}));
  EXPECT_FALSE(ProtPermits(kProtRead | kProtNoexec, Access{.exec = true}));
  EXPECT_TRUE(ProtPermits(kProtRead, Access{.exec = true}));
  EXPECT_FALSE(ProtPermits(kProtRead | kProtPriv, Access{.read = true}));
  EXPECT_TRUE(ProtPermits(kProtRead | kProtPriv, Access{.read = true, .priv = true}));
}

TEST(Walker, NonCoherentWalkerNeedsClean) {
  System s;
  InstanceCaps c;
  c.coherent_walk = false;
  InstanceId nc = s.RegisterInstance(c).value;
  DomainId d = Paging(s, AddDevice(s, nc, {1}));
  DomainId e = Paging(s, AddDevice(s, AddInstance(s), {1}));
  // R-MAP-015
  EXPECT_TRUE(s.WalkerNeedsClean(d).value);
  EXPECT_FALSE(s.WalkerNeedsClean(e).value);
}

}  // namespace
}  // namespace smmuref::model::api
