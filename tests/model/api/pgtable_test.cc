// Tests for model/api/pgtable.cc and the map/unmap loops over it: level sizes, tables and emptied
// tables, block over table, the order of -EEXIST inside one map_pages call, what a failed map
// leaves behind, split at levels the bitmap lacks, and the model's size bound (R-MAP-*, R-API-014).
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace smmuref::model::api {
namespace {

using testing::AddDevice;
using testing::AddInstance;

constexpr uint32_t kRw = kProtRead | kProtWrite;

DomainId Domain4k(System& s, uint64_t pgsize = 0x40201000, uint32_t ias = 48) {
  InstanceCaps c;
  c.pgsize_bitmap = pgsize;
  c.ias = ias;
  InstanceId inst = s.RegisterInstance(c).value;
  return s.AllocPagingDomain(AddDevice(s, inst, {1})).value;
}

TEST(PageTableLevels, GranuleLevelsBelowIasOrOneLevelPerSize) {
  // R-MAP-016
  using V = std::vector<uint64_t>;
  EXPECT_EQ(PageTableLevels(0x40201000, 48), (V{0x1000, 0x200000, 0x40000000, 1ull << 39}));
  EXPECT_EQ(PageTableLevels(0x1000, 32), (V{0x1000, 0x200000, 0x40000000}));
  EXPECT_EQ(PageTableLevels(0x2004000, 48), (V{0x4000, 0x2000000, 1ull << 36, 1ull << 47}));
  EXPECT_EQ(PageTableLevels(0x20010000 | (1ull << 42), 52), (V{0x10000, 0x20000000, 1ull << 42}));
  EXPECT_EQ(PageTableLevels(0x11000, 48), (V{0x1000, 0x10000}));
  EXPECT_EQ(TableSpan(PageTableLevels(0x40201000, 48), 0x1000), 0x200000u);
  EXPECT_EQ(TableSpan(PageTableLevels(0x40201000, 48), 1ull << 39), 0u);
}

TEST(PageTable, EmptiedTableIsFreedWholeByABlockSizedUnmap) {
  System s;
  DomainId d = Domain4k(s);
  ASSERT_EQ(s.Map(d, 0x200000, 0x80200000, 0x1000, kRw), Errno::kOk);
  ASSERT_EQ(s.Unmap(d, 0x200000, 0x1000).value, 0x1000u);
  // R-MAP-016: the 2M entry still points to the (now empty) table; a 2M step frees it and counts
  EXPECT_EQ(s.Unmap(d, 0x200000, 0x200000).value, 0x200000u);
  Errno why = Errno::kOk;
  EXPECT_EQ(s.Unmap(d, 0x200000, 0x200000, &why).value, 0u);
  EXPECT_EQ(why, Errno::kContractViolation);
}

TEST(PageTable, BlockOverTableReplacesItUnderDefaultAndIsEexistUnderStrict) {
  for (MapOverlap mode : {MapOverlap::kReplaceTables, MapOverlap::kStrict}) {
    System s;
    Knobs k;
    k.map_overlap = mode;
    ASSERT_EQ(s.SetKnobs(k), Errno::kOk);
    DomainId d = Domain4k(s);
    ASSERT_EQ(s.Map(d, 0x201000, 0x80201000, 0x1000, kRw), Errno::kOk);
    // R-MAP-006: io-pgtable-arm frees the table (and the live 4K leaf in it) for the block
    const Errno got = s.Map(d, 0x200000, 0x40200000, 0x200000, kRw);
    if (mode == MapOverlap::kReplaceTables) {
      EXPECT_EQ(got, Errno::kOk);
      EXPECT_EQ(s.IovaToPhys(d, 0x201000), 0x40201000u);
      EXPECT_EQ(s.LeafAt(d, 0x201000)->second.size, 0x200000u);
    } else {
      EXPECT_EQ(got, Errno::kEEXIST);
      EXPECT_EQ(s.IovaToPhys(d, 0x201000), 0x80201000u);
      EXPECT_FALSE(s.LeafAt(d, 0x200000));
    }
  }
}

TEST(PageTable, EexistInsideOneCallComesAfterEarlierTablesAreFreed) {
  System s;
  DomainId d = Domain4k(s);
  ASSERT_EQ(s.Map(d, 0x201000, 0x80201000, 0x1000, kRw), Errno::kOk);
  ASSERT_EQ(s.Map(d, 0x400000, 0x40400000, 0x200000, kRw), Errno::kOk);
  // R-MAP-006: one map_pages call of two 2M entries: the first (a table) is freed, the second (a
  // block) is -EEXIST; the core's unwind has nothing to undo
  EXPECT_EQ(s.Map(d, 0x200000, 0x10200000, 0x400000, kRw), Errno::kEEXIST);
  EXPECT_FALSE(s.LeafAt(d, 0x201000));
  EXPECT_EQ(s.IovaToPhys(d, 0x400000), 0x40400000u);
  // R-MAP-017: the freed entry is empty now, not a table
  EXPECT_EQ(s.Unmap(d, 0x200000, 0x200000).value, 0u);
}

TEST(PageTable, FailedMapIsUnwoundButItsWalkTablesStay) {
  System s;
  DomainId d = Domain4k(s);
  // R-MAP-005 R-MAP-017: one page below 2^48 is mapped, the next call is -ERANGE, the unwind
  // removes the page and leaves the table the walk allocated
  EXPECT_EQ(s.Map(d, 0xfffffffff000, 0x1000, 0x2000, kRw), Errno::kERANGE);
  EXPECT_FALSE(s.LeafAt(d, 0xfffffffff000));
  EXPECT_EQ(s.Unmap(d, 0xffffffe00000, 0x200000).value, 0x200000u);
  // the same under strict: nothing at all is left
  System t;
  Knobs k;
  k.map_overlap = MapOverlap::kStrict;
  ASSERT_EQ(t.SetKnobs(k), Errno::kOk);
  DomainId e = Domain4k(t);
  EXPECT_EQ(t.Map(e, 0xfffffffff000, 0x1000, 0x2000, kRw), Errno::kERANGE);
  EXPECT_EQ(t.Unmap(e, 0xffffffe00000, 0x200000).value, 0u);
}

TEST(PageTable, HugeOutOfRangeMapOnASmallDomainIsErangeWithoutBuildingLeaves) {
  System s;
  DomainId d = Domain4k(s, 0x1000, 32);
  // R-MAP-005: the range is checked call by call before any leaf is built (issue-10 finding)
  EXPECT_EQ(s.Map(d, 0, 0, 0x10000000000, kRw), Errno::kERANGE);
  EXPECT_TRUE(s.FindDomain(d)->leaves.empty());
  EXPECT_EQ(s.Map(d, 0, 0, ~uint64_t{0xfff}, kRw), Errno::kERANGE);
}

TEST(PageTable, MapBeyondTheModelsBoundIsNotModelledAndChangesNothing) {
  System s;
  DomainId d = Domain4k(s, 0x1000, 48);
  // R-API-014: 2^21 4K leaves are more than the model holds
  EXPECT_EQ(s.Map(d, 0, 0, uint64_t{1} << 33, kRw), Errno::kNotModelled);
  EXPECT_TRUE(s.FindDomain(d)->leaves.empty());
  EXPECT_EQ(s.Map(d, 0, 0, uint64_t{1} << 30, kRw), Errno::kOk);
}

TEST(PageTable, SplitGoesThroughLevelsTheBitmapLacks) {
  System s;
  Knobs k;
  k.partial_unmap = PartialUnmap::kSplit;
  ASSERT_EQ(s.SetKnobs(k), Errno::kOk);
  DomainId d = Domain4k(s, 0x40001000);  // 4K | 1G, no 2M
  ASSERT_EQ(s.Map(d, 0, 0x40000000, 0x40000000, kRw), Errno::kOk);
  // R-MAP-011 (split): 1G -> 512 2M leaves -> the first one into 4K pages less the one unmapped
  EXPECT_EQ(s.Unmap(d, 0x1000, 0x1000).value, 0x1000u);
  EXPECT_EQ(s.LeafAt(d, 0x200000)->second.size, 0x200000u);
  EXPECT_EQ(s.LeafAt(d, 0x2000)->second.size, 0x1000u);
  EXPECT_FALSE(s.LeafAt(d, 0x1000));
  EXPECT_EQ(s.IovaToPhys(d, 0x3fffffff), 0x7fffffffu);
  EXPECT_EQ(s.FindDomain(d)->leaves.size(), 511u + 511u);
}

TEST(PageTable, AddressesNearTwoToTheSixtyFourDoNotWrap) {
  System s;
  DomainId d = Domain4k(s);
  ASSERT_EQ(s.Map(d, 0x1000, 0x1000, 0x1000, kRw), Errno::kOk);
  Errno why = Errno::kOk;
  EXPECT_EQ(s.Unmap(d, 0xfffffffffffff000, 0x1000, &why).value, 0u);
  EXPECT_EQ(why, Errno::kContractViolation);
  EXPECT_EQ(s.Unmap(d, 0xfffffffffffff000, 0xfffffffffffff000).value, 0u);
  EXPECT_EQ(s.Map(d, 0xfffffffffffff000, 0, 0x1000, kRw), Errno::kERANGE);
  EXPECT_EQ(s.Map(d, 0x2000, 0xfffffffffffff000, 0x2000, kRw), Errno::kERANGE);
  EXPECT_EQ(s.IovaToPhys(d, ~uint64_t{0}), 0u);
  EXPECT_FALSE(s.LeafAt(d, ~uint64_t{0}));
  EXPECT_EQ(s.FindDomain(d)->leaves.size(), 1u);
}

TEST(PageTable, PageSizesOutsideTheBitmapAreRefusedLikeIoPgtable) {
  System s;
  DomainId id = Domain4k(s);
  Domain d = *s.FindDomain(id);
  // R-MAP-016: map_pages / unmap_pages take exactly one supported page size (WARN otherwise)
  EXPECT_EQ(MapPages(d, 0, 0, 0, 1, kRw).err, Errno::kEINVAL);
  EXPECT_EQ(MapPages(d, 0, 0, 0x3000, 1, kRw).err, Errno::kEINVAL);
  EXPECT_EQ(MapPages(d, 0, 0, 0x2000, 1, kRw).err, Errno::kEINVAL);
  EXPECT_EQ(UnmapPages(d, 0, 0, 1, PartialUnmap::kReject).bytes, 0u);
  EXPECT_TRUE(UnmapPages(d, 0, 0x1000, 0, PartialUnmap::kReject).warned);
  EXPECT_EQ(MapPages(d, 0, 0, 0x1000, 0, kRw).bytes, 0u);
  EXPECT_TRUE(d.leaves.empty());
}

}  // namespace
}  // namespace smmuref::model::api
