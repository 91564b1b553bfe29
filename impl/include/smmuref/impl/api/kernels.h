// Bit kernels of the fast IOMMU core (impl/api): bit counts, the lowest clear bit of a bitmap word
// from a position on (the PASID bitmap's find-first-zero), and iommu_pgsize's page-size choice
// and run length (R-MAP-004) [spec/rules-api.md].
//
// Like the engine's kernels (smmuref/impl/arch/kernels.h), every kernel is a template over the
// integer type `U` that never branches on a `U` value, so that the proofs instantiate the same
// source that ships with a symbolic bit-vector type (proofs/equiv/api.cc). The core uses them
// with uint64_t (pasid_bitmap.cc, map.cc).
// Tests: tests/impl/api/kernels_test.cc, proofs/equiv/api.cc
#pragma once

#include <cstdint>

#include "smmuref/impl/arch/kernels.h"

namespace smmuref::impl::api {

using arch::Select;

// Leading zero bits of a 64-bit value, 64 for 0: a binary search, six halvings.
template <typename U>
constexpr U CountLeadingZeros(U x) {
  U n(0);
  for (unsigned k = 32; k != 0; k >>= 1) {
    const auto top_clear = (x >> U(64 - k)) == U(0);
    n = Select(top_clear, n + U(k), n);
    x = Select(top_clear, x << U(k), x);
  }
  return Select(x == U(0), U(64), n);
}

// Trailing zero bits of a 64-bit value, 64 for 0.
template <typename U>
constexpr U CountTrailingZeros(U x) {
  U n(0);
  for (unsigned k = 32; k != 0; k >>= 1) {
    const auto low_clear = (x << U(64 - k)) == U(0);
    n = Select(low_clear, n + U(k), n);
    x = Select(low_clear, x >> U(k), x);
  }
  return Select(x == U(0), U(64), n);
}

// The position of the lowest clear bit of `word` at or above `from` (0..63), 64 when every bit
// from there up is set.
template <typename U>
constexpr U FirstClearFrom(U word, U from) {
  return CountTrailingZeros<U>(~word & (~U(0) << from));
}

// iommu_pgsize (R-MAP-004): the largest page size of `bitmap` that fits in `size` and to which
// iova and pa are both aligned, and how many of them to map in one call: the whole size, or up
// to the next boundary of the next larger size when iova and pa agree modulo it and a whole one
// of it fits after the boundary. Zero size or no fitting size: page size 0, count 0.
template <typename U>
struct PageRunWords {
  U pgsize, count;
};

// The lowest set bit of `x` as a value (0 for 0).
template <typename U>
constexpr U LowestBit(U x) {
  return x & (~x + U(1));
}

// Both arms of a Select are computed, so a shift amount that only the discarded arm uses may be
// out of range (a wrapped 63 - 64): `& 63` keeps every shift defined for uint64_t without
// changing the arm that is used.

// The highest set bit of `x` as a value (0 for 0).
template <typename U>
constexpr U HighestBit(U x) {
  return Select(x == U(0), U(0), U(1) << ((U(63) - CountLeadingZeros<U>(x)) & U(63)));
}

// The sizes of `bitmap` no larger than 2^k.
template <typename U>
constexpr U SizesAtMost(U bitmap, U k) {
  return Select(k >= U(63), bitmap, bitmap & ((U(2) << (k & U(63))) - U(1)));
}

template <typename U>
constexpr PageRunWords<U> PageRun(U bitmap, U iova, U pa, U size) {
  const U merged = iova | pa;
  U fit = SizesAtMost<U>(bitmap, U(63) - CountLeadingZeros<U>(size));
  fit = Select(merged != U(0), SizesAtMost<U>(fit, CountTrailingZeros<U>(merged)), fit);
  const U log2 = (U(63) - CountLeadingZeros<U>(fit)) & U(63);  // of the page size, if any
  const U pgsize = HighestBit<U>(fit);
  // The run ends where the next larger size could take over: at its next boundary, when iova
  // and pa agree modulo it and one whole page of it fits after the boundary.
  const U bigger = LowestBit<U>(bitmap & ~(pgsize | (pgsize - U(1))));
  const U to_boundary = bigger - (merged & (bigger - U(1)));
  const auto cut = bigger != U(0) && ((iova ^ pa) & (bigger - U(1))) == U(0) &&
                   to_boundary + bigger > to_boundary && to_boundary + bigger <= size;
  const auto none = size == U(0) || pgsize == U(0);
  // Whole pages: a shift by the page size's log2 (a division by a symbolic power of two is out
  // of reach of the full-width proof, and slower).
  const U count = Select(cut, to_boundary >> log2, size >> log2);
  return {Select(none, U(0), pgsize), Select(none, U(0), count)};
}

}  // namespace smmuref::impl::api
