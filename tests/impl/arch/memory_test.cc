// The engine's physical memory (impl/arch/memory.cc): unwritten memory reads as zero
// (R-MEM-001), SMMU accesses in an abort range fail (R-MEM-002), and the page store keeps every
// written word however the pages fall across its regions and storage chunks.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <unordered_map>

#include "smmuref/impl/arch/memory.h"

namespace smmuref::impl::arch {
namespace {

TEST(PhysMemory, UnwrittenMemoryReadsZero) {
  PhysMemory m;
  EXPECT_EQ(m.Peek64(0), 0u);
  m.Write64(0x1000, 5);
  EXPECT_EQ(m.Peek64(0x1008), 0u);  // same page, other word
  EXPECT_EQ(m.Peek64(0x2000), 0u);  // same region, other page
  EXPECT_EQ(m.Peek64(0x201000), 0u);  // other region
  uint64_t w[2] = {1, 1};
  ASSERT_TRUE(m.Read(0xff8, 2, w));  // crosses into the written page
  EXPECT_EQ(w[0], 0u);
  EXPECT_EQ(w[1], 5u);
}

TEST(PhysMemory, WordsAreEightByteAligned) {
  PhysMemory m;
  m.Write64(0x3005, 0x1122334455667788ull);
  EXPECT_EQ(m.Peek64(0x3000), 0x1122334455667788ull);
  EXPECT_EQ(m.Peek64(0x3007), 0x1122334455667788ull);
}

// Thousands of pages: many storage chunks (the first ones small, then 2MB ones), dense and
// scattered regions, the region index growing many times, and the top of the address space.
TEST(PhysMemory, KeepsEveryWordAcrossChunksAndRegions) {
  PhysMemory m;
  std::unordered_map<uint64_t, uint64_t> want;
  std::mt19937_64 rng(7);
  auto put = [&](uint64_t pa, uint64_t v) {
    m.Write64(pa, v);
    want[pa & ~uint64_t{7}] = v;
  };
  for (uint64_t i = 0; i < 3000; ++i) put(0x40000000 + i * 0x1000 + (i % 512) * 8, i + 1);
  for (uint64_t i = 0; i < 2000; ++i) put(rng() & 0x000ffffffffff000ull, rng() | 1);
  put(~uint64_t{0}, 0xabc);  // last word of the address space
  put(0, 0xdef);
  for (const auto& [pa, v] : want) {
    ASSERT_EQ(m.Peek64(pa), v) << std::hex << pa;
    uint64_t got = 0;
    ASSERT_TRUE(m.Read(pa, 1, &got));
    ASSERT_EQ(got, v) << std::hex << pa;
  }
  // Overwrites land in the same word.
  put(0x40000000, 99);
  EXPECT_EQ(m.Peek64(0x40000000), 99u);
  // A neighbour of every written page's word is still zero unless written.
  for (uint64_t i = 0; i < 3000; ++i) {
    const uint64_t pa = 0x40000000 + i * 0x1000 + ((i + 1) % 512) * 8;
    if (want.count(pa) == 0) {
      ASSERT_EQ(m.Peek64(pa), 0u) << std::hex << pa;
    }
  }
}

TEST(PhysMemory, AbortRangesFailSmmuAccessesOnly) {
  PhysMemory m;
  m.Write64(0x5000, 1);
  m.AddAbortRange(0x5008, 8);
  uint64_t w[2] = {};
  EXPECT_TRUE(m.Read(0x5000, 1, w));
  EXPECT_FALSE(m.Read(0x5000, 2, w));  // the second word aborts
  EXPECT_FALSE(m.Store(0x5008, 1, w));
  m.Write64(0x5008, 2);  // CPU stores do not abort
  EXPECT_EQ(m.Peek64(0x5008), 2u);
  const uint64_t v = 3;
  EXPECT_TRUE(m.Store(0x5010, 1, &v));
  EXPECT_EQ(m.Peek64(0x5010), 3u);
}

}  // namespace
}  // namespace smmuref::impl::arch
