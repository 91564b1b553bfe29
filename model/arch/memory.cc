// Physical memory and the current-memory fetcher [IHI0070 §3.3 (memory reads), §3.21 (caching)].
// Tests: tests/model/arch/memory_test.cc
#include "smmuref/model/arch/memory.h"

namespace smmuref::model::arch {

uint64_t Memory::Peek64(uint64_t pa) const {
  // R-MEM-001: memory never written reads as zero.
  auto it = words_.find(pa & ~uint64_t{7});
  return it == words_.end() ? 0 : it->second;
}

MemRead Memory::Read64(uint64_t pa) const {
  // R-MEM-002: a read inside an abort range returns an external abort.
  const uint64_t a = pa & ~uint64_t{7};
  auto it = aborts_.upper_bound(a);
  if (it != aborts_.begin()) {
    --it;
    if (a >= it->first && a < it->second) return MemRead{true, 0};
  }
  return MemRead{false, Peek64(a)};
}

void Memory::AddAbortRange(uint64_t pa, uint64_t len) {
  if (len == 0) return;
  uint64_t start = pa & ~uint64_t{7};
  uint64_t end = pa + len < pa ? ~uint64_t{0} : pa + len;
  // Merge with every overlapping or adjacent range.
  auto it = aborts_.upper_bound(start);
  if (it != aborts_.begin()) {
    auto prev = std::prev(it);
    if (prev->second >= start) it = prev;
  }
  while (it != aborts_.end() && it->first <= end) {
    if (it->first < start) start = it->first;
    if (it->second > end) end = it->second;
    it = aborts_.erase(it);
  }
  aborts_[start] = end;
}

bool CurrentMemoryFetcher::Read(FetchKind, const FetchTag&, uint64_t pa, unsigned dwords,
                                uint64_t* out) {
  for (unsigned i = 0; i < dwords; ++i) {
    MemRead r = mem_.Read64(pa + 8 * i);
    if (r.abort) return false;
    out[i] = r.value;
  }
  return true;
}

}  // namespace smmuref::model::arch
