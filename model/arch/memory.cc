// Physical memory with its store history [IHI0070 §3.3 (memory reads), §3.21 (caching)].
// Tests: tests/model/arch/memory_test.cc
#include "smmuref/model/arch/memory.h"

#include <algorithm>

#include "smmuref/spec/coverage.h"

namespace smmuref::model::arch {

namespace {
constexpr uint64_t Word(uint64_t pa) { return pa & ~uint64_t{7}; }
}  // namespace

void Memory::Write64(uint64_t pa, uint64_t value) {
  words_[Word(pa)].push_back(WordWrite{++seq_, value, line_});
  if (log_) log_->emplace_back(Word(pa), value);
}

uint64_t Memory::Peek64(uint64_t pa) const {
  // R-MEM-001: memory never written reads as zero.
  auto it = words_.find(Word(pa));
  if (SMMUREF_RULE_IF("R-MEM-001", it == words_.end())) return 0;
  return it->second.back().value;
}

bool Memory::Aborts(uint64_t pa) const {
  // R-MEM-002: an access inside an abort range returns an external abort.
  if (aborts_.empty()) return false;
  const uint64_t a = Word(pa);
  auto it = aborts_.upper_bound(a);
  if (it == aborts_.begin()) return false;
  --it;
  return SMMUREF_RULE_IF("R-MEM-002", a >= it->first && a < it->second);
}

MemRead Memory::Read64(uint64_t pa) const {
  if (Aborts(pa)) return MemRead{true, 0};
  return MemRead{false, Peek64(pa)};
}

void Memory::AddAbortRange(uint64_t pa, uint64_t len) {
  if (len == 0) return;
  uint64_t start = Word(pa);
  uint64_t end = pa + len < pa ? ~uint64_t{0} : pa + len;
  // Merge with every overlapping or adjacent range.
  auto it = aborts_.upper_bound(start);
  if (it != aborts_.begin()) {
    auto prev = std::prev(it);
    if (prev->second >= start) it = prev;
  }
  while (it != aborts_.end() && it->first <= end) {
    start = std::min(start, it->first);
    end = std::max(end, it->second);
    it = aborts_.erase(it);
  }
  aborts_[start] = end;
}

void Memory::Clear() {
  ++seq_;
  words_.clear();
  cleaned_.clear();
  aborts_.clear();
}

WordWrite Memory::At(uint64_t pa, uint64_t seq) const {
  auto it = words_.find(Word(pa));
  if (it == words_.end()) return WordWrite{};
  const auto& h = it->second;
  auto after = std::upper_bound(h.begin(), h.end(), seq,
                                [](uint64_t s, const WordWrite& w) { return s < w.seq; });
  return after == h.begin() ? WordWrite{} : *std::prev(after);
}

const std::vector<WordWrite>* Memory::History(uint64_t pa) const {
  auto it = words_.find(Word(pa));
  return it == words_.end() ? nullptr : &it->second;
}

void Memory::StoresAfter(uint64_t pa, uint64_t seq, std::vector<uint64_t>* out) const {
  auto it = words_.find(Word(pa));
  if (it == words_.end()) return;
  for (const WordWrite& w : it->second) {
    if (w.seq > seq) out->push_back(w.seq);
  }
}

void Memory::Clean(uint64_t pa, uint64_t len) {
  // R-CACHE-010: mem.clean makes every store so far to the cleaned words certain to be visible
  // to a non-coherent walker. Only stored words matter, so a large range visits those instead.
  // The range is [pa, pa+len) clipped at 2^64; `last` is its last byte, so nothing wraps.
  if (len == 0) return;
  const uint64_t start = Word(pa);
  const uint64_t last = len - 1 > ~uint64_t{0} - pa ? ~uint64_t{0} : pa + (len - 1);
  const uint64_t words = (Word(last) - start) / 8 + 1;  // at most 2^61
  if (words > words_.size()) {
    for (const auto& [a, history] : words_) {
      if (a >= start && a <= last) cleaned_[a] = history.back().seq;
    }
    return;
  }
  for (uint64_t i = 0, a = start; i < words; ++i, a += 8) {
    auto it = words_.find(a);
    if (it != words_.end()) cleaned_[a] = it->second.back().seq;
  }
}

uint64_t Memory::CleanedAt(uint64_t pa) const {
  auto it = cleaned_.find(Word(pa));
  return it == cleaned_.end() ? 0 : it->second;
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
