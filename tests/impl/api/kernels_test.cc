// The fast IOMMU core's kernels (smmuref/impl/api/kernels.h) with uint64_t against plain loops
// written here, and instantiated with the stand-in symbolic type so that a branch on a `U`
// value fails to build. The full-width proofs against the API model's encodings are in
// proofs/equiv/api.cc.
#include <gtest/gtest.h>

#include <cstdint>

#include "../arch/standin.h"
#include "smmuref/impl/api/kernels.h"

namespace smmuref::impl::api {
namespace {

uint64_t Bit(unsigned k) { return uint64_t{1} << k; }

// Deterministic values biased to the edges: single bits, their neighbours, all ones, zero.
std::vector<uint64_t> Edges() {
  std::vector<uint64_t> v = {0, ~uint64_t{0}, 0x8000000000000001ull, 0x5555555555555555ull};
  for (unsigned k = 0; k < 64; ++k) {
    v.push_back(Bit(k));
    v.push_back(Bit(k) - 1);
    v.push_back(~Bit(k));
  }
  return v;
}

TEST(ApiKernels, BitCountsAgreeWithALoopAndGive64ForZero) {
  for (uint64_t x : Edges()) {
    uint64_t lz = 64, tz = 64;
    for (int k = 63; k >= 0; --k) {
      if (x & Bit(static_cast<unsigned>(k))) { lz = 63 - static_cast<uint64_t>(k); break; }
    }
    for (unsigned k = 0; k < 64; ++k) {
      if (x & Bit(k)) { tz = k; break; }
    }
    EXPECT_EQ(CountLeadingZeros<uint64_t>(x), lz) << std::hex << x;
    EXPECT_EQ(CountTrailingZeros<uint64_t>(x), tz) << std::hex << x;
  }
}

TEST(ApiKernels, FirstClearFromIsTheLowestClearBitAtOrAboveItsStart) {
  for (uint64_t word : Edges()) {
    for (uint64_t from = 0; from < 64; ++from) {
      uint64_t want = 64;
      for (uint64_t k = from; k < 64; ++k) {
        if ((word & Bit(static_cast<unsigned>(k))) == 0) { want = k; break; }
      }
      ASSERT_EQ(FirstClearFrom<uint64_t>(word, from), want) << std::hex << word << " from " << from;
    }
  }
}

TEST(ApiKernels, PageRunPicksTheLargestAlignedSizeAndCutsAtTheNextLargerBoundary) {
  const uint64_t k4k_2m_1g = Bit(12) | Bit(21) | Bit(30);
  // 8 KB at a 4 KB boundary: two 4 KB pages.
  PageRunWords<uint64_t> r = PageRun<uint64_t>(k4k_2m_1g, 0x1000, 0x5000, 0x2000);
  EXPECT_EQ(r.pgsize, 0x1000u);
  EXPECT_EQ(r.count, 2u);
  // 4 MB from 1 MB below a 2 MB boundary, iova and pa agreeing modulo 2 MB: 4 KB pages up to the
  // boundary (256 of them), so that the rest can be 2 MB blocks.
  r = PageRun<uint64_t>(k4k_2m_1g, 0x100000, 0x40100000, 0x400000);
  EXPECT_EQ(r.pgsize, 0x1000u);
  EXPECT_EQ(r.count, 256u);
  // The same when they disagree modulo 2 MB: no block can follow, the whole size in 4 KB pages.
  r = PageRun<uint64_t>(k4k_2m_1g, 0x100000, 0x40101000, 0x400000);
  EXPECT_EQ(r.count, 1024u);
  // Aligned 2 MB: one block.
  r = PageRun<uint64_t>(k4k_2m_1g, 0x200000, 0x40200000, 0x200000);
  EXPECT_EQ(r.pgsize, 0x200000u);
  EXPECT_EQ(r.count, 1u);
  // Nothing fits: size 0, or smaller than every size, or misaligned for all.
  EXPECT_EQ(PageRun<uint64_t>(k4k_2m_1g, 0, 0, 0).pgsize, 0u);
  EXPECT_EQ(PageRun<uint64_t>(k4k_2m_1g, 0, 0, 0x800).pgsize, 0u);
  EXPECT_EQ(PageRun<uint64_t>(k4k_2m_1g, 0x800, 0, 0x1000).count, 0u);
  // The whole address space in the largest size.
  r = PageRun<uint64_t>(Bit(63), 0, 0, Bit(63));
  EXPECT_EQ(r.pgsize, Bit(63));
  EXPECT_EQ(r.count, 1u);
}

// Compile-only: every kernel instantiates with the stand-in symbolic type. Never called.
[[maybe_unused]] void SymbolicSafe() {
  using W = standin::Word;
  const W w(1);
  (void)CountLeadingZeros<W>(w);
  (void)CountTrailingZeros<W>(w);
  (void)FirstClearFrom<W>(w, w);
  (void)LowestBit<W>(w);
  (void)HighestBit<W>(w);
  (void)SizesAtMost<W>(w, w);
  (void)PageRun<W>(w, w, w, w);
}

}  // namespace
}  // namespace smmuref::impl::api
