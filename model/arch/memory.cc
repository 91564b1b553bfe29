// Physical memory with its store history [IHI0070 §3.3 (memory reads), §3.21 (caching)].
// Tests: tests/model/arch/memory_test.cc
#include "smmuref/model/arch/memory.h"

#include <algorithm>

#include "smmuref/spec/coverage.h"

namespace smmuref::model::arch {

namespace {
constexpr uint64_t Word(uint64_t pa) { return pa & ~uint64_t{7}; }
// The home slot of a word address in an index of `mask + 1` slots (Fibonacci hashing: the
// addresses of a table are strided, so the product's high bits spread them).
size_t Slot(uint64_t word, size_t mask) {
  return static_cast<size_t>((word * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}
}  // namespace

const Memory::StoredWord* Memory::Find(uint64_t word) const {
  if (index_.empty()) return nullptr;
  const size_t mask = index_.size() - 1;
  for (size_t s = Slot(word, mask);; s = (s + 1) & mask) {
    const uint32_t i = index_[s];
    if (i == kFree) return nullptr;
    if (words_[i].pa == word) return &words_[i];
  }
}

Memory::StoredWord& Memory::FindOrAdd(uint64_t word) {
  if (2 * (words_.size() + 1) > index_.size()) {  // grow, then re-place every word
    index_.assign(index_.empty() ? 64 : 2 * index_.size(), kFree);
    const size_t mask = index_.size() - 1;
    for (uint32_t i = 0; i < words_.size(); ++i) {
      size_t s = Slot(words_[i].pa, mask);
      while (index_[s] != kFree) s = (s + 1) & mask;
      index_[s] = i;
    }
  }
  const size_t mask = index_.size() - 1;
  size_t s = Slot(word, mask);
  for (; index_[s] != kFree; s = (s + 1) & mask) {
    if (words_[index_[s]].pa == word) return words_[index_[s]];
  }
  index_[s] = static_cast<uint32_t>(words_.size());
  words_.push_back(StoredWord{});
  words_.back().pa = word;
  return words_.back();
}

void Memory::Write64(uint64_t pa, uint64_t value) {
  StoredWord& w = FindOrAdd(Word(pa));
  const WordWrite store{++seq_, value, line_};
  if (w.stores < w.first.size()) {
    w.first[w.stores] = store;
  } else {
    if (w.stores == w.first.size()) w.all.assign(w.first.begin(), w.first.end());
    w.all.push_back(store);
  }
  ++w.stores;
  if (log_) log_->emplace_back(Word(pa), value);
}

uint64_t Memory::Peek64(uint64_t pa) const {
  // R-MEM-001: memory never written reads as zero.
  const StoredWord* w = Find(Word(pa));
  if (SMMUREF_RULE_IF("R-MEM-001", w == nullptr)) return 0;
  return w->Newest().value;
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
  index_.clear();
  aborts_.clear();
}

WordWrite Memory::At(uint64_t pa, uint64_t seq) const {
  const std::span<const WordWrite> h = History(pa);
  auto after = std::upper_bound(h.begin(), h.end(), seq,
                                [](uint64_t s, const WordWrite& w) { return s < w.seq; });
  return after == h.begin() ? WordWrite{} : *std::prev(after);
}

std::span<const WordWrite> Memory::History(uint64_t pa) const {
  const StoredWord* w = Find(Word(pa));
  return w ? w->History() : std::span<const WordWrite>();
}

void Memory::StoresAfter(uint64_t pa, uint64_t seq, std::vector<uint64_t>* out) const {
  for (const WordWrite& w : History(pa)) {
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
    for (StoredWord& w : words_) {
      if (w.pa >= start && w.pa <= last) w.cleaned = w.Newest().seq;
    }
    return;
  }
  for (uint64_t i = 0, a = start; i < words; ++i, a += 8) {
    if (const StoredWord* w = Find(a)) words_[w - words_.data()].cleaned = w->Newest().seq;
  }
}

uint64_t Memory::CleanedAt(uint64_t pa) const {
  const StoredWord* w = Find(Word(pa));
  return w ? w->cleaned : 0;
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
