// The memory a driver keeps its structures in: a physical range the system gives it (stream
// table, CD tables, queues, translation tables), carved into naturally aligned power-of-two
// blocks, every store made through the bus. Blocks are zeroed when handed out, so a reused block
// never shows an old descriptor to the SMMU. Under a non-coherent table walker (IDR0.COHACC=0 or
// a system that does not snoop) a store is only visible to the SMMU after a clean; `Publish`
// cleans what was written, and is a no-op for a coherent one [IHI0070 §3.16.1 (coherency),
// DDI0487 D7 (cache maintenance to the point of coherency)].
// Tests: tests/impl/driver/memory_test.cc
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "smmuref/spec/bus.h"

namespace smmuref::impl::driver {

class TableMemory {
 public:
  // [base, base + size) is the driver's; base and size are multiples of 64 KB.
  TableMemory(spec::Bus& bus, uint64_t base, uint64_t size, bool coherent);

  // A zeroed block of 2^order bytes aligned to its size (order 3..30), or nullopt when no free
  // block of that size is left.
  std::optional<uint64_t> Alloc(unsigned order);
  // Returns a block Alloc handed out; buddies merge again.
  void Free(uint64_t pa, unsigned order);
  // The smallest order holding `bytes` (at least 3).
  static unsigned OrderFor(uint64_t bytes);

  void Write(uint64_t pa, uint64_t value) { bus_.MemWrite64(pa, value); }
  uint64_t Read(uint64_t pa) { return bus_.MemRead64(pa); }
  // Makes [pa, pa + len) visible to a non-coherent walker; nothing when coherent.
  void Publish(uint64_t pa, uint64_t len) {
    if (!coherent_) bus_.MemClean(pa, len);
  }
  bool coherent() const { return coherent_; }
  spec::Bus& bus() { return bus_; }
  // Bytes handed out and not freed (tests: a domain freed gives back every table).
  uint64_t InUse() const { return in_use_; }

 private:
  spec::Bus& bus_;
  uint64_t base_, size_;
  bool coherent_;
  uint64_t in_use_ = 0;
  // Free blocks by order (buddy allocator over the range).
  std::map<unsigned, std::set<uint64_t>> free_;
  unsigned top_order_ = 0;
};

}  // namespace smmuref::impl::driver
