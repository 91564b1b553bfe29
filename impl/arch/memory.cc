// Sparse physical memory with abort ranges [IHI0070 §3.4.3 (external aborts on SMMU reads)].
// Rules R-MEM-001, R-MEM-002.
// Tests: tests/impl/arch/memory_test.cc, tests/conformance/device_test.cc
#include "smmuref/impl/arch/memory.h"

#include <algorithm>
#include <cstdlib>
#include <new>

#include <sys/mman.h>

#include "smmuref/spec/error.h"

namespace smmuref::impl::arch {

namespace {

// Home slot of a region number in an index of mask + 1 slots (multiplicative hashing).
size_t HomeSlot(uint64_t number, size_t mask) {
  return static_cast<size_t>((number * 0x9e3779b97f4a7c15ull) >> 29) & mask;
}

// Page storage geometry (memory.h): a page takes 4KB plus one cache line; chunks grow from
// kFirstChunkPages to one 2MB huge page, so a small scene allocates little and a large one is
// backed by huge pages.
constexpr size_t kPageStride = 4096 + 64;
constexpr size_t kHugeBytes = size_t{2} << 20;
constexpr size_t kFirstChunkPages = 8;
constexpr size_t kHugeChunkPages = kHugeBytes / kPageStride;

}  // namespace

void PhysMemory::FreeChunk::operator()(void* p) const { std::free(p); }

void PhysMemory::Write64(uint64_t pa, uint64_t value) {
  if (ext_.write64) {
    ext_.write64(ext_.ctx, pa & ~uint64_t{7}, value);
    return;
  }
  const uint64_t number = pa >> 12;
  const Page* found = FindPage(number);
  Page* page = found ? const_cast<Page*>(found) : AddPage(number);
  (*page)[(pa >> 3) & 511] = value;
  last_number_ = number;
  last_page_ = page;
}

PhysMemory::Page* PhysMemory::NewPage() {
  if (carve_left_ == 0) {
    chunk_pages_ = chunk_pages_ == 0 ? kFirstChunkPages
                                     : std::min(2 * chunk_pages_, kHugeChunkPages);
    const bool huge = chunk_pages_ == kHugeChunkPages;
    const size_t bytes = huge ? kHugeBytes : chunk_pages_ * kPageStride;
    void* chunk = std::aligned_alloc(huge ? kHugeBytes : 64, bytes);
    if (chunk == nullptr) SMMUREF_UNREACHABLE("out of memory for the engine's pages");
#ifdef MADV_HUGEPAGE
    // Advice only: without transparent huge pages the chunk is ordinary memory.
    if (huge) madvise(chunk, bytes, MADV_HUGEPAGE);
#endif
    chunks_.emplace_back(chunk);
    carve_ = static_cast<unsigned char*>(chunk);
    carve_left_ = chunk_pages_;
  }
  Page* page = new (carve_) Page{};  // zeroed: R-MEM-001
  carve_ += kPageStride;
  --carve_left_;
  return page;
}

PhysMemory::Region* PhysMemory::AddRegion(uint64_t number) {
  if (2 * (regions_.size() + 1) > index_.size()) {  // grow, then re-place every region
    const size_t size = index_.empty() ? 16 : 2 * index_.size();
    std::vector<Slot> index(size, Slot{kNoRegion, nullptr});
    for (const Slot& old : index_) {
      if (old.number == kNoRegion) continue;
      size_t s = HomeSlot(old.number, size - 1);
      while (index[s].number != kNoRegion) s = (s + 1) & (size - 1);
      index[s] = old;
    }
    index_.swap(index);
  }
  regions_.push_back(std::make_unique<Region>());
  Region* region = regions_.back().get();
  const size_t mask = index_.size() - 1;
  size_t s = HomeSlot(number, mask);
  while (index_[s].number != kNoRegion) s = (s + 1) & mask;
  index_[s] = Slot{number, region};
  return region;
}

PhysMemory::Page* PhysMemory::AddPage(uint64_t number) {
  const uint64_t region_number = number >> kRegionBits;
  Region* region = nullptr;
  if (!index_.empty()) {
    const size_t mask = index_.size() - 1;
    for (size_t s = HomeSlot(region_number, mask); index_[s].number != kNoRegion;
         s = (s + 1) & mask) {
      if (index_[s].number == region_number) {
        region = index_[s].region;
        break;
      }
    }
  }
  if (region == nullptr) region = AddRegion(region_number);
  Page*& slot = region->pages[number & ((1u << kRegionBits) - 1)];
  slot = NewPage();
  return slot;
}

const PhysMemory::Page* PhysMemory::FindPage(uint64_t number) const {
  if (number == last_number_) return last_page_;
  if (index_.empty()) return nullptr;
  const uint64_t region_number = number >> kRegionBits;
  const size_t mask = index_.size() - 1;
  for (size_t s = HomeSlot(region_number, mask);; s = (s + 1) & mask) {
    const Slot& slot = index_[s];
    if (slot.number == region_number) {
      const Page* page = slot.region->pages[number & ((1u << kRegionBits) - 1)];
      if (page == nullptr) return nullptr;  // not cached: a later write may create it
      last_number_ = number;
      last_page_ = page;
      return page;
    }
    if (slot.number == kNoRegion) return nullptr;
  }
}

uint64_t PhysMemory::Peek64(uint64_t pa) const {
  // R-MEM-001: memory never written reads as zero.
  if (ext_.read64) {
    uint64_t v = 0;
    return ext_.read64(ext_.ctx, pa & ~uint64_t{7}, &v) == 0 ? v : 0;
  }
  const Page* page = FindPage(pa >> 12);
  return page ? (*page)[(pa >> 3) & 511] : 0;
}

bool PhysMemory::Aborts(uint64_t pa, unsigned dwords) const {
  if (aborts_.empty()) return false;
  const uint64_t lo = pa & ~uint64_t{7};
  const uint64_t hi = lo + uint64_t{8} * dwords;  // exclusive
  for (const Range& r : aborts_) {
    if (r.start < hi && lo < r.end) return true;
  }
  return false;
}

bool PhysMemory::ReadWords(uint64_t pa, unsigned dwords, uint64_t* out) const {
  // R-MEM-002: an SMMU read inside an abort range is an external abort.
  if (ext_.read64) {
    for (unsigned i = 0; i < dwords; ++i) {
      if (ext_.read64(ext_.ctx, (pa & ~uint64_t{7}) + uint64_t{8} * i, &out[i]) != 0) return false;
    }
    return true;
  }
  if (Aborts(pa, dwords)) return false;
  for (unsigned i = 0; i < dwords; ++i) out[i] = Peek64(pa + uint64_t{8} * i);
  return true;
}

bool PhysMemory::Store(uint64_t pa, unsigned dwords, const uint64_t* words) {
  // R-MEM-002: so is an SMMU write.
  if (ext_.write64) {
    for (unsigned i = 0; i < dwords; ++i) {
      if (ext_.write64(ext_.ctx, (pa & ~uint64_t{7}) + uint64_t{8} * i, words[i]) != 0) return false;
    }
    return true;
  }
  if (Aborts(pa, dwords)) return false;
  for (unsigned i = 0; i < dwords; ++i) Write64(pa + uint64_t{8} * i, words[i]);
  return true;
}

void PhysMemory::AddAbortRange(uint64_t pa, uint64_t len) {
  if (len == 0) return;
  Range add{pa & ~uint64_t{7}, pa + len < pa ? ~uint64_t{0} : pa + len};
  std::vector<Range> merged;
  for (const Range& r : aborts_) {
    if (r.end < add.start || add.end < r.start) {
      merged.push_back(r);
    } else {
      add.start = std::min(add.start, r.start);
      add.end = std::max(add.end, r.end);
    }
  }
  merged.push_back(add);
  std::sort(merged.begin(), merged.end(),
            [](const Range& a, const Range& b) { return a.start < b.start; });
  aborts_ = std::move(merged);
}

}  // namespace smmuref::impl::arch
