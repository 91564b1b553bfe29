// Sparse physical memory with abort ranges [IHI0070 §3.4.3 (external aborts on SMMU reads)].
// Rules R-MEM-001, R-MEM-002. Tests: tests/conformance/device_test.cc
#include "smmuref/impl/arch/memory.h"

#include <algorithm>

namespace smmuref::impl::arch {

namespace {
// Home slot of a page number in an index of mask + 1 slots (multiplicative hashing).
size_t HomeSlot(uint64_t number, size_t mask) {
  return static_cast<size_t>((number * 0x9e3779b97f4a7c15ull) >> 29) & mask;
}
}  // namespace

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

PhysMemory::Page* PhysMemory::AddPage(uint64_t number) {
  if (2 * (pages_.size() + 1) > numbers_.size()) {  // grow, then re-place every page
    const size_t size = numbers_.empty() ? 64 : 2 * numbers_.size();
    std::vector<uint64_t> numbers(size, kNoPage);
    std::vector<Page*> slots(size, nullptr);
    for (size_t i = 0; i < numbers_.size(); ++i) {
      if (numbers_[i] == kNoPage) continue;
      size_t s = HomeSlot(numbers_[i], size - 1);
      while (numbers[s] != kNoPage) s = (s + 1) & (size - 1);
      numbers[s] = numbers_[i];
      slots[s] = slots_[i];
    }
    numbers_.swap(numbers);
    slots_.swap(slots);
  }
  pages_.push_back(std::make_unique<Page>());
  Page* page = pages_.back().get();
  page->fill(0);
  const size_t mask = numbers_.size() - 1;
  size_t s = HomeSlot(number, mask);
  while (numbers_[s] != kNoPage) s = (s + 1) & mask;
  numbers_[s] = number;
  slots_[s] = page;
  return page;
}

const PhysMemory::Page* PhysMemory::FindPage(uint64_t number) const {
  if (number == last_number_) return last_page_;
  if (numbers_.empty()) return nullptr;
  const size_t mask = numbers_.size() - 1;
  for (size_t s = HomeSlot(number, mask);; s = (s + 1) & mask) {
    if (numbers_[s] == number) {
      last_number_ = number;
      last_page_ = slots_[s];
      return last_page_;
    }
    if (numbers_[s] == kNoPage) return nullptr;  // not cached: a later write may create it
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
