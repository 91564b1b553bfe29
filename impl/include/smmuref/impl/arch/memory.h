// Physical memory as the engine sees it: sparse 4KB pages of little-endian 64-bit words, unwritten
// memory reads as zero (R-MEM-001), and ranges where SMMU reads and writes fail with an external
// abort (R-MEM-002). Pages are found through a one-entry cache, then a two-level index: 2MB
// regions of PA by open addressing, each a flat array of its 512 pages. Memory may instead belong
// to someone else (a harness driving the engine through the DUT ABI, spec/include/smmuref/dut.h):
// then every access goes through its callbacks.
// Tests: tests/impl/arch/memory_test.cc, tests/conformance/device_test.cc,
// tests/conformance/dut_abi_test.cc
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
  bool Read(uint64_t pa, unsigned dwords, uint64_t* out) const {
    // A descriptor fetch from the engine's own memory without abort ranges: one word, inline.
    if (dwords == 1 && ext_.read64 == nullptr && aborts_.empty()) {
      const uint64_t number = pa >> 12;
      const Page* page = number == last_number_ ? last_page_ : FindPage(number);
      *out = page ? (*page)[(pa >> 3) & 511] : 0;  // R-MEM-001
      return true;
    }
    return ReadWords(pa, dwords, out);
  }
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
  // A region: the 512 pages of one 2MB-aligned range of PA, null where never written.
  static constexpr unsigned kRegionBits = 9;
  struct Region {
    Page* pages[1u << kRegionBits] = {};
  };
  struct Slot {
    uint64_t number;  // region number (PA >> 21), kNoRegion when the slot is free
    Region* region;
  };
  static constexpr uint64_t kNoRegion = ~uint64_t{0};
  struct FreeChunk {
    void operator()(void* p) const;
  };

  const Page* FindPage(uint64_t page_number) const;
  bool ReadWords(uint64_t pa, unsigned dwords, uint64_t* out) const;
  bool Aborts(uint64_t pa, unsigned dwords) const;
  Page* AddPage(uint64_t page_number);
  Region* AddRegion(uint64_t region_number);
  Page* NewPage();

  // The index of regions (open addressing with linear probing, power-of-two size, at most half
  // full). A walk reads descriptors on many pages: one probe of this small array, which stays in
  // the data cache, and one load from the region's flat array find any of them.
  std::vector<Slot> index_;
  std::vector<std::unique_ptr<Region>> regions_;
  // Page storage: chunks of growing size carved into pages. Pages are 64 bytes further apart
  // than their size, so the same descriptor index in different tables (a walk of many tables
  // reads index 0 of each, say) falls in different cache sets instead of contending for the
  // few sets a 4KB stride maps to; chunks of 2MB are offered to the kernel as huge pages, so
  // a walk over thousands of tables does not miss the host TLB on every descriptor.
  std::vector<std::unique_ptr<void, FreeChunk>> chunks_;
  unsigned char* carve_ = nullptr;
  size_t carve_left_ = 0;   // pages left in the newest chunk
  size_t chunk_pages_ = 0;  // pages in the newest chunk
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
