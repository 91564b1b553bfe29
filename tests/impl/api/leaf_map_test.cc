// Tests for impl/api/leaf_map.cc: runs merge when leaves follow each other in IOVA and PA with
// one size and protection, split when leaves go from their middle, and answer every query like a
// map of single leaves (random operations against std::map).
#include "smmuref/impl/api/leaf_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace smmuref::impl::api {
namespace {

constexpr uint64_t k4K = 0x1000, k2M = 0x200000;

TEST(LeafMap, ContiguousLeavesMergeIntoOneRun) {
  LeafMap m;
  m.Insert(0x10000, 0x80000, k4K, 4, 3);
  m.Insert(0x14000, 0x84000, k4K, 4, 3);  // follows in IOVA and PA
  m.Insert(0x0c000, 0x7c000, k4K, 4, 3);  // precedes
  EXPECT_EQ(m.runs(), 1u);
  EXPECT_EQ(m.leaves(), 12u);
  auto l = m.Covering(0x15123);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->start, 0x15000u);
  EXPECT_EQ(l->pa, 0x85000u);
  EXPECT_EQ(l->size, k4K);
}

TEST(LeafMap, DifferentPaProtOrSizeDoNotMerge) {
  LeafMap m;
  m.Insert(0, 0x80000, k4K, 1, 3);
  m.Insert(k4K, 0x90000, k4K, 1, 3);      // PA does not follow
  m.Insert(2 * k4K, 0x92000, k4K, 1, 1);  // prot differs
  m.Insert(k2M, k2M, k2M, 1, 3);          // size differs
  EXPECT_EQ(m.runs(), 4u);
}

TEST(LeafMap, EraseFromTheMiddleSplitsTheRun) {
  LeafMap m;
  m.Insert(0, 0x100000, k4K, 16, 3);
  m.EraseStartingIn(5 * k4K, 7 * k4K);
  EXPECT_EQ(m.runs(), 2u);
  EXPECT_EQ(m.leaves(), 14u);
  EXPECT_FALSE(m.Covering(5 * k4K));
  EXPECT_FALSE(m.Covering(6 * k4K + 8));
  EXPECT_EQ(m.Covering(7 * k4K)->pa, 0x107000u);
  EXPECT_EQ(m.Covering(4 * k4K)->pa, 0x104000u);
  // Erasing by a bound that falls inside a leaf takes the leaves that start in the range.
  m.EraseStartingIn(7 * k4K + 1, 9 * k4K + 1);
  EXPECT_TRUE(m.Covering(7 * k4K));
  EXPECT_FALSE(m.Covering(8 * k4K));
  EXPECT_FALSE(m.Covering(9 * k4K));
  EXPECT_TRUE(m.Covering(10 * k4K));
}

TEST(LeafMap, QueriesFindLeavesByStartAndSize) {
  LeafMap m;
  m.Insert(k2M, 0, k2M, 1, 3);
  m.Insert(2 * k2M + 3 * k4K, 0x5000, k4K, 2, 3);
  EXPECT_EQ(m.FirstStartingIn(k2M + 1, 3 * k2M)->start, 2 * k2M + 3 * k4K);
  EXPECT_EQ(m.FirstOfSizeStartingIn(0, 3 * k2M, k4K)->start, 2 * k2M + 3 * k4K);
  EXPECT_EQ(m.FirstOfSizeStartingIn(0, 3 * k2M, k2M)->start, k2M);
  EXPECT_FALSE(m.FirstOfSizeStartingIn(k2M + 1, 3 * k2M, k2M));
  EXPECT_TRUE(m.LeafAt(k2M, k2M));
  EXPECT_FALSE(m.LeafAt(k2M, k4K));
  EXPECT_TRUE(m.Overlaps(2 * k2M + 4 * k4K, 1));
  EXPECT_FALSE(m.Overlaps(2 * k2M, 3 * k4K));
  uint64_t start = 0;
  const LeafMap::Run* r = m.LastRunStartingBelow(3 * k2M, &start);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(start, 2 * k2M + 3 * k4K);
  EXPECT_EQ(r->end, 2 * k2M + 5 * k4K);
}

TEST(LeafMap, RandomOperationsMatchAMapOfLeaves) {
  std::mt19937_64 rng(11);
  LeafMap m;
  std::map<uint64_t, LeafView> ref;  // one entry per leaf
  for (int i = 0; i < 20000; ++i) {
    const uint64_t page = rng() % 256;
    const uint64_t n = 1 + rng() % 8;
    if (rng() % 2 == 0) {
      bool free = true;
      for (uint64_t k = 0; k < n; ++k) free = free && ref.count((page + k) * k4K) == 0;
      if (!free) continue;
      const uint64_t pa = (rng() % 4 == 0 ? rng() % 64 : page) * k4K;
      const uint32_t prot = 1 + static_cast<uint32_t>(rng() % 2);
      m.Insert(page * k4K, pa, k4K, n, prot);
      for (uint64_t k = 0; k < n; ++k) {
        ref[(page + k) * k4K] = LeafView{(page + k) * k4K, pa + k * k4K, k4K, prot};
      }
    } else {
      m.EraseStartingIn(page * k4K, (page + n) * k4K);
      ref.erase(ref.lower_bound(page * k4K), ref.lower_bound((page + n) * k4K));
    }
    ASSERT_EQ(m.leaves(), ref.size());
    const uint64_t probe = (rng() % 260) * k4K + rng() % k4K;
    auto got = m.Covering(probe);
    auto it = ref.find(probe & ~(k4K - 1));
    ASSERT_EQ(got.has_value(), it != ref.end()) << std::hex << probe;
    if (got) {
      EXPECT_EQ(got->pa, it->second.pa);
      EXPECT_EQ(got->prot, it->second.prot);
    }
  }
  EXPECT_LT(m.runs(), m.leaves() + 1);
}

}  // namespace
}  // namespace smmuref::impl::api
