// Physical memory as the engine sees it: sparse 4KB pages of little-endian 64-bit words, unwritten
// memory reads as zero (R-MEM-001), and ranges where SMMU reads and writes fail with an external
// abort (R-MEM-002). Pages are found through a one-entry cache in front of a hash map, so walks
// that stay in one table page do not hash. Memory may instead belong to someone else (a harness
// driving the engine through the DUT ABI, spec/include/smmuref/dut.h): then every access goes
// through its callbacks.
// Tests: tests/conformance/device_test.cc, tests/conformance/dut_abi_test.cc
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "smmuref/impl/arch/mutant.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN

class PhysMemory {
 public:
  // CPU store and load (no aborts); `pa` is taken 8-byte aligned.
  void Write64(uint64_t pa, uint64_t value);
  uint64_t Peek64(uint64_t pa) const;
  // SMMU accesses: false when any word in [pa, pa + 8*dwords) lies in an abort range.
  bool Read(uint64_t pa, unsigned dwords, uint64_t* out) const;
  // SMMU stores: false when the store takes an external abort (then, with the engine's own
  // memory, nothing is written).
  bool Store(uint64_t pa, unsigned dwords, const uint64_t* words);
  void AddAbortRange(uint64_t pa, uint64_t len);
  // Memory owned elsewhere: each access calls `read64`/`write64` (nonzero: an external abort).
  struct External {
    void* ctx = nullptr;
    int (*read64)(void* ctx, uint64_t pa, uint64_t* value) = nullptr;
    int (*write64)(void* ctx, uint64_t pa, uint64_t value) = nullptr;
  };
  void UseExternal(const External& e) { ext_ = e; }

 private:
  using Page = std::array<uint64_t, 512>;
  const Page* FindPage(uint64_t page_number) const;
  bool Aborts(uint64_t pa, unsigned dwords) const;

  Page* AddPage(uint64_t page_number);
  // Written pages: the pages themselves, and an index by page number (open addressing with
  // linear probing, power-of-two size, at most half full; `numbers_[i]` is kNoPage when slot i
  // is free). A walk reads descriptors on many pages, so the lookup is one probe of a flat array
  // rather than a walk of hash-node chains.
  static constexpr uint64_t kNoPage = ~uint64_t{0};
  std::vector<std::unique_ptr<Page>> pages_;
  std::vector<uint64_t> numbers_;
  std::vector<Page*> slots_;
  mutable uint64_t last_number_ = ~uint64_t{0};
  mutable const Page* last_page_ = nullptr;
  struct Range {
    uint64_t start, end;  // [start, end)
  };
  std::vector<Range> aborts_;  // sorted, merged
  External ext_;
};

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
