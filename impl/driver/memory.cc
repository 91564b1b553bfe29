// The driver's table memory: a buddy allocator over the range the system gives it, every store
// through the bus, blocks zeroed on allocation.
// Tests: tests/impl/driver/memory_test.cc
#include "smmuref/impl/driver/memory.h"

#include <bit>

#include "smmuref/spec/error.h"

namespace smmuref::impl::driver {

TableMemory::TableMemory(spec::Bus& bus, uint64_t base, uint64_t size, bool coherent)
    : bus_(bus), base_(base), size_(size), coherent_(coherent) {
  SMMUREF_CHECK(base % 0x10000 == 0 && size % 0x10000 == 0 && size != 0,
                "table memory: base and size must be multiples of 64 KB");
  // Cover the range with the largest aligned blocks that fit.
  for (uint64_t pa = base; pa < base + size;) {
    unsigned order = std::min<unsigned>(30, static_cast<unsigned>(std::countr_zero(pa)));
    while (pa + (uint64_t{1} << order) > base + size) --order;
    free_[order].insert(pa);
    top_order_ = std::max(top_order_, order);
    pa += uint64_t{1} << order;
  }
}

unsigned TableMemory::OrderFor(uint64_t bytes) {
  unsigned order = 3;
  while ((uint64_t{1} << order) < bytes) ++order;
  return order;
}

std::optional<uint64_t> TableMemory::Alloc(unsigned order) {
  SMMUREF_CHECK(order >= 3 && order <= 30, "table memory: block order out of range");
  unsigned from = order;
  while (from <= top_order_ && free_[from].empty()) ++from;
  if (from > top_order_) return std::nullopt;
  const uint64_t pa = *free_[from].begin();
  free_[from].erase(free_[from].begin());
  // Split down to the order asked for; the upper halves stay free.
  for (unsigned o = from; o > order; --o) free_[o - 1].insert(pa + (uint64_t{1} << (o - 1)));
  const uint64_t bytes = uint64_t{1} << order;
  for (uint64_t off = 0; off < bytes; off += 8) bus_.MemWrite64(pa + off, 0);
  Publish(pa, bytes);
  in_use_ += bytes;
  return pa;
}

void TableMemory::Free(uint64_t pa, unsigned order) {
  SMMUREF_CHECK(pa >= base_ && pa < base_ + size_ && pa % (uint64_t{1} << order) == 0,
                "table memory: freeing a block that is not one");
  in_use_ -= uint64_t{1} << order;
  // Merge with the buddy while it is free and inside the range.
  while (order < top_order_) {
    const uint64_t buddy = pa ^ (uint64_t{1} << order);
    auto& level = free_[order];
    auto it = level.find(buddy);
    if (it == level.end()) break;
    level.erase(it);
    pa = std::min(pa, buddy);
    ++order;
  }
  free_[order].insert(pa);
}

}  // namespace smmuref::impl::driver
