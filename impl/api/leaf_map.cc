// The interval map of leaves (leaf_map.h). Tests: tests/impl/api/leaf_map_test.cc.
#include "smmuref/impl/api/leaf_map.h"

#include <iterator>

namespace smmuref::impl::api {
namespace {

LeafView LeafOf(uint64_t start, const LeafMap::Run& r, uint64_t leaf_start) {
  return LeafView{leaf_start, r.pa + (leaf_start - start), r.pgsize, r.prot};
}

// The first leaf start of a run [start, r.end) at or after `from` (from <= r.end).
uint64_t FirstLeafFrom(uint64_t start, const LeafMap::Run& r, uint64_t from) {
  if (from <= start) return start;
  const uint64_t k = (from - start + r.pgsize - 1) / r.pgsize;
  return start + k * r.pgsize;
}

}  // namespace

std::optional<LeafView> LeafMap::Covering(uint64_t iova) const {
  auto it = runs_.upper_bound(iova);
  if (it == runs_.begin()) return std::nullopt;
  --it;
  if (iova >= it->second.end) return std::nullopt;
  const uint64_t leaf = it->first + (iova - it->first) / it->second.pgsize * it->second.pgsize;
  return LeafOf(it->first, it->second, leaf);
}

bool LeafMap::LeafAt(uint64_t va, uint64_t size) const {
  auto leaf = Covering(va);
  return leaf && leaf->start == va && leaf->size == size;
}

std::optional<LeafView> LeafMap::FirstStartingIn(uint64_t from, uint64_t to) const {
  auto it = runs_.upper_bound(from);
  if (it != runs_.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end > from) {
      const uint64_t leaf = FirstLeafFrom(prev->first, prev->second, from);
      if (leaf < prev->second.end) {
        if (leaf >= to) return std::nullopt;
        return LeafOf(prev->first, prev->second, leaf);
      }
    }
  }
  if (it == runs_.end() || it->first >= to) return std::nullopt;
  return LeafOf(it->first, it->second, it->first);
}

std::optional<LeafView> LeafMap::FirstOfSizeStartingIn(uint64_t from, uint64_t to,
                                                       uint64_t size) const {
  auto it = runs_.upper_bound(from);
  if (it != runs_.begin() && std::prev(it)->second.end > from) --it;
  for (; it != runs_.end() && it->first < to; ++it) {
    if (it->second.pgsize != size) continue;
    const uint64_t leaf = FirstLeafFrom(it->first, it->second, from);
    if (leaf < it->second.end && leaf < to) return LeafOf(it->first, it->second, leaf);
  }
  return std::nullopt;
}

bool LeafMap::Overlaps(uint64_t from, uint64_t bytes) const {
  auto it = runs_.lower_bound(from);
  if (it != runs_.end() && it->first - from < bytes) return true;
  if (it == runs_.begin()) return false;
  return std::prev(it)->second.end > from;
}

const LeafMap::Run* LeafMap::LastRunStartingBelow(uint64_t below, uint64_t* run_start) const {
  auto it = runs_.lower_bound(below);
  if (it == runs_.begin()) return nullptr;
  --it;
  *run_start = it->first;
  return &it->second;
}

void LeafMap::EraseStartingIn(uint64_t from, uint64_t to) {
  if (from >= to) return;
  // The first run with a leaf starting at or after `from`: the one holding `from` (its head
  // split off when `from` is inside it), else the next.
  auto it = runs_.upper_bound(from);
  if (it != runs_.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end > from) {
      const uint64_t cut = FirstLeafFrom(prev->first, prev->second, from);
      if (cut == prev->first) {
        it = prev;
      } else if (cut < prev->second.end) {
        Run tail = prev->second;
        tail.pa += cut - prev->first;
        prev->second.end = cut;
        it = runs_.emplace_hint(it, cut, tail);
      }
    }
  }
  // Whole runs go; a run that reaches past `to` loses only its leaves that start before it
  // (re-keyed in place, no new node).
  while (it != runs_.end() && it->first < to) {
    Run& r = it->second;
    const uint64_t cut = r.end <= to ? r.end : FirstLeafFrom(it->first, r, to);
    leaves_ -= (cut - it->first) / r.pgsize;
    if (cut == r.end) {
      it = runs_.erase(it);
      continue;
    }
    auto node = runs_.extract(it);
    node.mapped().pa += cut - node.key();
    node.key() = cut;
    runs_.insert(std::move(node));
    return;
  }
}

void LeafMap::Insert(uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t n, uint32_t prot) {
  if (n == 0) return;
  leaves_ += n;
  Run run{iova + n * pgsize, pa, pgsize, prot};
  auto next = runs_.lower_bound(iova);
  if (next != runs_.end() && next->first == run.end && next->second.pgsize == pgsize &&
      next->second.prot == prot && next->second.pa == pa + n * pgsize) {
    run.end = next->second.end;
    next = runs_.erase(next);
  }
  if (next != runs_.begin()) {
    auto prev = std::prev(next);
    const Run& p = prev->second;
    if (p.end == iova && p.pgsize == pgsize && p.prot == prot &&
        p.pa + (iova - prev->first) == pa) {
      prev->second.end = run.end;
      return;
    }
  }
  runs_.emplace_hint(next, iova, run);
}

}  // namespace smmuref::impl::api
