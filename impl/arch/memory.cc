// Sparse physical memory with abort ranges [IHI0070 §3.4.3 (external aborts on SMMU reads)].
// Rules R-MEM-001, R-MEM-002. Tests: tests/conformance/device_test.cc
#include "smmuref/impl/arch/memory.h"

#include <algorithm>

namespace smmuref::impl::arch {

void PhysMemory::Write64(uint64_t pa, uint64_t value) {
  if (ext_.write64) {
    ext_.write64(ext_.ctx, pa & ~uint64_t{7}, value);
    return;
  }
  const uint64_t number = pa >> 12;
  auto& slot = pages_[number];
  if (!slot) {
    slot = std::make_unique<Page>();
    slot->fill(0);
  }
  (*slot)[(pa >> 3) & 511] = value;
  last_number_ = number;
  last_page_ = slot.get();
}

const PhysMemory::Page* PhysMemory::FindPage(uint64_t number) const {
  if (number == last_number_) return last_page_;
  auto it = pages_.find(number);
  if (it == pages_.end()) return nullptr;  // not cached: a later write may create the page
  last_number_ = number;
  last_page_ = it->second.get();
  return last_page_;
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

bool PhysMemory::Read(uint64_t pa, unsigned dwords, uint64_t* out) const {
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
