// A set-associative array of cache entries with round-robin replacement inside each set, the
// storage behind every cache of the engine. Entries carry their own `valid` flag and tag; the
// caches decide the set index and the tag compare. The slots are allocated zeroed (calloc), and
// an all-zero entry is an invalid one: no field of an invalid entry is ever read, so an engine
// is constructed without writing every slot of its caches, and the pages of a large cache cost
// only when a set on them is first filled.
// Tests: tests/impl/arch/cache_test.cc
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace smmuref::impl::arch {

template <typename Entry>
class SetAssoc {
  // Entries come to life in calloc'd storage (implicit-lifetime aggregates), `valid` first.
  static_assert(std::is_trivially_copyable_v<Entry> && std::is_aggregate_v<Entry>);
  static_assert(std::is_same_v<decltype(Entry::valid), bool>);

 public:
  // `entries` is rounded up to a power-of-two number of sets of `ways` entries (at least one).
  void Configure(size_t entries, size_t ways) {
    ways_ = ways == 0 ? 1 : ways;
    size_t sets = 1;
    while (sets * ways_ < entries) sets <<= 1;
    set_mask_ = sets - 1;
    size_ = sets * ways_;
    slots_.reset(static_cast<Entry*>(std::calloc(size_, sizeof(Entry))));
    if (slots_ == nullptr) throw std::bad_alloc();
    next_.assign(sets, 0);
    filled_.clear();
    tracking_ = true;
  }
  size_t ways() const { return ways_; }
  size_t set_mask() const { return set_mask_; }
  Entry* Set(size_t index) { return &slots_[(index & set_mask_) * ways_]; }
  const Entry* Set(size_t index) const { return &slots_[(index & set_mask_) * ways_]; }

  // The slot to fill in set `index`: an invalid way if any, else the next way in round-robin
  // order (the evicted entry is overwritten by the caller).
  Entry& Victim(size_t index) {
    const size_t set = index & set_mask_;
    Entry* ways = &slots_[set * ways_];
    for (size_t w = 0; w < ways_; ++w) {
      if (!ways[w].valid) return Track(set * ways_ + w);
    }
    const size_t w = next_[set];
    next_[set] = static_cast<uint32_t>(w + 1 == ways_ ? 0 : w + 1);  // no division
    ++evictions_;
    return ways[w];
  }

  template <typename Pred>
  size_t EraseIf(Pred pred) {
    size_t n = 0;
    auto erase = [&](Entry& e) {
      if (e.valid && pred(e)) {
        e.valid = false;
        ++n;
      }
    };
    if (!tracking_) {
      for (size_t i = 0; i < size_; ++i) erase(slots_[i]);
      return n;
    }
    // Only the slots ever filled can be valid; keep those that still are.
    size_t kept = 0;
    for (size_t i : filled_) {
      erase(slots_[i]);
      if (slots_[i].valid) filled_[kept++] = i;
    }
    filled_.resize(kept);
    return n;
  }
  void Clear() {
    for (size_t i = 0; i < size_; ++i) slots_[i].valid = false;
    filled_.clear();
    tracking_ = true;
  }
  size_t Occupancy() const {
    size_t n = 0;
    for (size_t i = 0; i < size_; ++i) n += slots_[i].valid ? 1 : 0;
    return n;
  }
  uint64_t evictions() const { return evictions_; }

 private:
  // An invalid slot handed out by Victim: remembered so that EraseIf visits the few filled
  // slots of a lightly used cache instead of all of them (every TLBI erases). Past a quarter of
  // the slots, EraseIf scans them all.
  Entry& Track(size_t i) {
    if (tracking_) {
      filled_.push_back(i);
      if (filled_.size() > size_ / 4) tracking_ = false;
    }
    return slots_[i];
  }

  struct Free {
    void operator()(Entry* p) const { std::free(p); }
  };
  std::unique_ptr<Entry[], Free> slots_;
  size_t size_ = 0;
  std::vector<uint32_t> next_;
  std::vector<size_t> filled_;
  bool tracking_ = true;
  size_t ways_ = 1;
  size_t set_mask_ = 0;
  uint64_t evictions_ = 0;
};

// Cheap 64-bit mixer for set indices.
inline uint64_t MixBits(uint64_t x) {
  x ^= x >> 29;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 32;
  return x;
}

}  // namespace smmuref::impl::arch
