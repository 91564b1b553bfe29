// The fast core's map / unmap / iova_to_phys (R-MAP-*): iommu_pgsize runs cut at table ends,
// the all-or-nothing map with the unwind a failed map leaves (R-MAP-017), the unmap loop over
// leaves, tables and emptied tables with each partial_unmap mode, over an interval map of leaves
// and per-level sets of table entries. Same results as model/api (map.cc, pgtable.cc).
// Tests: tests/impl/api/leaf_map_test.cc, tests/stateful/api_diff_test.cc,
// tests/conformance/api_lockstep_test.cc.
#include <algorithm>

#include "smmuref/impl/api/kernels.h"
#include "smmuref/impl/api/system.h"

namespace smmuref::impl::api {
namespace {

constexpr uint64_t kAll = ~uint64_t{0};

uint64_t Lowest(uint64_t bitmap) { return LowestBit<uint64_t>(bitmap); }
uint64_t End(uint64_t base, uint64_t size) { return size > kAll - base ? kAll : base + size; }

// R-MAP-004: iommu_pgsize, a kernel (smmuref/impl/api/kernels.h) that the proofs check.
using Run = PageRunWords<uint64_t>;

// Index of level `size` in the table, or the number of levels when absent.
size_t LevelIndex(const PageTable& pt, uint64_t size) {
  return static_cast<size_t>(std::lower_bound(pt.levels.begin(), pt.levels.end(), size) -
                             pt.levels.begin());
}

// R-MAP-016: one call holds at most the entries left in the table of `pgsize` entries holding
// iova (the next level's span); the top level has no such limit.
uint64_t Room(const PageTable& pt, uint64_t iova, uint64_t pgsize, uint64_t count) {
  count = std::min(count, kAll / pgsize);
  auto above = std::upper_bound(pt.levels.begin(), pt.levels.end(), pgsize);
  if (above == pt.levels.end()) return count;
  const uint64_t span = *above;
  return std::min(count, (span - (iova & (span - 1))) / pgsize);
}

bool TableAt(const PageTable& pt, uint64_t size, uint64_t va) {
  const size_t k = LevelIndex(pt, size);
  return k < pt.levels.size() && pt.levels[k] == size && pt.tables[k].count(va) != 0;
}

// Clears the entry of level `size` at `base` and everything under it.
void ClearSubtree(PageTable& pt, uint64_t size, uint64_t base) {
  const uint64_t end = End(base, size);
  pt.leaves.EraseStartingIn(base, end);
  for (size_t k = 0; k < pt.levels.size() && pt.levels[k] <= size; ++k) {
    auto& t = pt.tables[k];
    t.erase(t.lower_bound(base), t.lower_bound(end));
  }
}

// Frees every table entry of level `size` in [from, to).
void ClearTablesIn(PageTable& pt, uint64_t size, uint64_t from, uint64_t to) {
  const size_t k = LevelIndex(pt, size);
  if (k == pt.levels.size() || pt.levels[k] != size) return;
  std::vector<uint64_t> found(pt.tables[k].lower_bound(from), pt.tables[k].lower_bound(to));
  for (uint64_t b : found) ClearSubtree(pt, size, b);
}

// The table entries a walk to a `pgsize` entry at iova passes through.
void Walk(PageTable& pt, uint64_t iova, uint64_t pgsize) {
  for (size_t k = pt.levels.size(); k-- > 0 && pt.levels[k] > pgsize;) {
    pt.tables[k].insert(iova & ~(pt.levels[k] - 1));
  }
}

struct Chunk {
  uint64_t iova, pa, pgsize, n;
};

template <typename F>
void Chunks(uint64_t bitmap, const PageTable& pt, uint64_t iova, uint64_t pa, uint64_t size, F f) {
  while (size != 0) {
    const Run r = PageRun<uint64_t>(bitmap, iova, pa, size);
    if (r.pgsize == 0) return;
    const uint64_t n = Room(pt, iova, r.pgsize, r.count);
    if (!f(Chunk{iova, pa, r.pgsize, n})) return;
    iova += n * r.pgsize;
    pa += n * r.pgsize;
    size -= n * r.pgsize;
  }
}

// What a map would do, decided on the state before it.
struct Verdict {
  Errno err = Errno::kOk;
  uint64_t chunk = 0;    // the failing chunk
  bool reached = false;  // the failing chunk's walk ran (it failed on an entry)
  uint64_t entry = 0;    // that entry
  uint64_t mapped = 0;   // bytes of the chunks before it
  uint64_t leaves = 0;   // leaves a successful map adds
};

}  // namespace

uint64_t System::TotalLeaves() const {
  uint64_t n = 0;
  for (const auto& [_, d] : domains_) n += d.pt.leaves.leaves();
  return n;
}

uint64_t System::TotalRuns() const {
  uint64_t n = 0;
  for (const auto& [_, d] : domains_) n += d.pt.leaves.runs();
  return n;
}

// R-MAP-001, R-MAP-002, R-MAP-003, R-MAP-007, then each call's checks: R-MAP-005 (every page in
// range), R-MAP-008 (READ or WRITE), R-MAP-006 (a larger leaf on the walk, a leaf of this size
// in the way, or under map_overlap=strict any leaf), R-API-014 (budgets).
Errno System::Map(DomainId id, uint64_t iova, uint64_t pa, uint64_t size, uint32_t prot) {
  Domain* d = Dom(id);
  if (d == nullptr) return Errno::kENOENT;
  if (d->type != DomainType::kUnmanaged && d->type != DomainType::kDma) return Errno::kEINVAL;
  if (d->instances.empty()) return Errno::kENODEV;
  if (((iova | pa | size) & (Lowest(d->pgsize_bitmap) - 1)) != 0) return Errno::kEINVAL;
  if (size == 0) return Errno::kOk;
  PageTable& pt = d->pt;
  const bool strict = knobs_.map_overlap == MapOverlap::kStrict;
  Verdict v;
  uint64_t calls = 0;
  Chunks(d->pgsize_bitmap, pt, iova, pa, size, [&](const Chunk& c) {
    const uint64_t bytes = c.n * c.pgsize, last = bytes == 0 ? 0 : bytes - 1;
    Errno e = Errno::kOk;
    if ((End(c.iova, last) >> d->ias) != 0 || (End(c.pa, last) >> d->oas) != 0) {
      e = Errno::kERANGE;
    } else if ((prot & (kProtRead | kProtWrite)) == 0) {
      e = Errno::kEINVAL;
    } else if (auto cover = pt.leaves.Covering(c.iova); cover && cover->size > c.pgsize) {
      e = Errno::kEEXIST;
    } else {
      auto clash = strict ? pt.leaves.FirstStartingIn(c.iova, c.iova + bytes)
                          : pt.leaves.FirstOfSizeStartingIn(c.iova, c.iova + bytes, c.pgsize);
      if (clash) {
        e = Errno::kEEXIST;
        v.reached = true;
        v.entry = (clash->start - c.iova) / c.pgsize;
      }
    }
    if (e != Errno::kOk) {
      v.err = e;
      v.chunk = calls;
      return false;
    }
    if (calls >= kCallBudget) {
      v = Verdict{Errno::kNotModelled};
      return false;
    }
    ++calls;
    v.mapped += bytes;
    v.leaves += c.n;
    return true;
  });
  if (v.err == Errno::kNotModelled) return v.err;
  if (v.err == Errno::kOk) {
    if (TotalLeaves() + v.leaves > kLeafBudget) return Errno::kNotModelled;
    Chunks(d->pgsize_bitmap, pt, iova, pa, size, [&](const Chunk& c) {
      Walk(pt, c.iova, c.pgsize);
      // Tables at this level in the range are replaced by the new leaves (arm_lpae_init_pte).
      ClearTablesIn(pt, c.pgsize, c.iova, c.iova + c.n * c.pgsize);
      pt.leaves.Insert(c.iova, c.pa, c.pgsize, c.n, prot);
      return true;
    });
    return Errno::kOk;
  }
  // R-MAP-017: what a failed map leaves: walks and replaced tables of the calls that ran, then the
  // core's unwind of the bytes they mapped (iova-aligned unmap runs) clearing those entries.
  if (strict) return v.err;
  uint64_t index = 0;
  Chunks(d->pgsize_bitmap, pt, iova, pa, size, [&](const Chunk& c) {
    const bool before = index < v.chunk;
    if (before || v.reached) Walk(pt, c.iova, c.pgsize);
    const uint64_t entries = before ? c.n : v.reached ? v.entry : 0;
    ClearTablesIn(pt, c.pgsize, c.iova, c.iova + entries * c.pgsize);
    return index++ < v.chunk;
  });
  for (uint64_t done = 0; done < v.mapped;) {
    const uint64_t at = iova + done;
    const Run r = PageRun<uint64_t>(d->pgsize_bitmap, at, at, v.mapped - done);
    const uint64_t n = Room(pt, at, r.pgsize, r.count);
    ClearTablesIn(pt, r.pgsize, at, at + n * r.pgsize);
    done += n * r.pgsize;
  }
  return v.err;
}

namespace {

struct Cleared {
  uint64_t bytes = 0;
  bool warned = false;
};

// R-MAP-011 split: the larger leaf becomes a table of next-level leaves, less the requested
// pages when they are of that level; returns the bytes that leaves.
uint64_t Split(PageTable& pt, const LeafView& block, uint64_t iova, uint64_t pgsize,
               uint64_t count) {
  const size_t k = LevelIndex(pt, block.size);
  const uint64_t child = k == 0 ? 0 : pt.levels[k - 1];
  pt.leaves.EraseStartingIn(block.start, block.start + 1);
  pt.tables[k].insert(block.start);
  const uint64_t block_end = block.start + block.size;
  uint64_t hole_from = block_end, hole_to = block_end;
  if (pgsize == child) {
    hole_from = iova;
    hole_to = iova + std::min(count, (block_end - iova) / child) * child;
  }
  pt.leaves.Insert(block.start, block.pa, child, (hole_from - block.start) / child, block.prot);
  pt.leaves.Insert(hole_to, block.pa + (hole_to - block.start), child,
                   (block_end - hole_to) / child, block.prot);
  return hole_to - hole_from;
}

// R-MAP-014, R-MAP-011, R-MAP-016: one unmap_pages call.
Cleared UnmapCall(PageTable& pt, uint64_t bitmap, uint32_t ias, uint64_t iova, uint64_t pgsize,
                  uint64_t count, PartialUnmap mode) {
  if (pgsize == 0 || (pgsize & bitmap) != pgsize || count == 0 || (iova >> ias) != 0) {
    return {0, true};
  }
  for (auto cover = pt.leaves.Covering(iova); cover && cover->size > pgsize;
       cover = pt.leaves.Covering(iova)) {
    if (mode == PartialUnmap::kReject) return {0, true};
    if (mode == PartialUnmap::kWhole) {
      pt.leaves.EraseStartingIn(cover->start, cover->start + 1);
      return {cover->size, false};
    }
    if (const uint64_t gone = Split(pt, *cover, iova, pgsize, count); gone != 0) {
      return {gone, false};
    }
  }
  const uint64_t n = Room(pt, iova, pgsize, count);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t va = iova + i * pgsize;
    if (pt.leaves.LeafAt(va, pgsize)) {
      pt.leaves.EraseStartingIn(va, va + 1);
    } else if (TableAt(pt, pgsize, va)) {
      ClearSubtree(pt, pgsize, va);
    } else {
      return {i * pgsize, true};
    }
  }
  return {n * pgsize, false};
}

}  // namespace

// R-MAP-010, R-MAP-009.
Ret<uint64_t> System::Unmap(DomainId id, uint64_t iova, uint64_t size, Errno* why) {
  Errno ignored = Errno::kOk;
  Errno& reason = why != nullptr ? *why : ignored;
  reason = Errno::kOk;
  Domain* d = Dom(id);
  if (d == nullptr) return reason = Errno::kENOENT, Ret<uint64_t>{};
  if (d->type != DomainType::kUnmanaged && d->type != DomainType::kDma) {
    return reason = Errno::kEINVAL, Ret<uint64_t>{};
  }
  if (d->instances.empty()) return reason = Errno::kENODEV, Ret<uint64_t>{};
  if (((iova | size) & (Lowest(d->pgsize_bitmap) - 1)) != 0) {
    return reason = Errno::kEINVAL, Ret<uint64_t>{};
  }
  uint64_t done = 0;
  bool warned = false;
  while (done < size) {
    const uint64_t at = iova + done;
    const Run r = PageRun<uint64_t>(d->pgsize_bitmap, at, at, size - done);
    const Cleared c =
        UnmapCall(d->pt, d->pgsize_bitmap, d->ias, at, r.pgsize, r.count, knobs_.partial_unmap);
    warned = warned || c.warned;
    if (c.bytes == 0) break;
    done += c.bytes;
  }
  if (warned) reason = Errno::kContractViolation;
  return {Errno::kOk, done};
}

std::optional<LeafView> System::LeafAt(DomainId id, uint64_t iova) const {
  const Domain* d = Dom(id);
  if (d == nullptr) return std::nullopt;
  return d->pt.leaves.Covering(iova);
}

// R-MAP-012.
uint64_t System::IovaToPhys(DomainId id, uint64_t iova) const {
  const Domain* d = Dom(id);
  if (d == nullptr) return 0;
  if (d->type == DomainType::kIdentity) return iova;
  if (d->type != DomainType::kUnmanaged && d->type != DomainType::kDma) return 0;
  auto leaf = d->pt.leaves.Covering(iova);
  return leaf ? leaf->pa + (iova - leaf->start) : 0;
}

// R-MAP-013.
Ret<bool> System::CheckAccess(DomainId id, uint64_t iova, const Access& a) const {
  const Domain* d = Dom(id);
  if (d == nullptr) return {Errno::kENOENT};
  if (d->type == DomainType::kIdentity) return {Errno::kOk, true};
  if (d->type != DomainType::kUnmanaged && d->type != DomainType::kDma) return {Errno::kOk, false};
  auto leaf = d->pt.leaves.Covering(iova);
  if (!leaf) return {Errno::kOk, false};
  const uint32_t p = leaf->prot;
  const bool readable = (p & (kProtRead | kProtWrite)) != 0;
  bool ok = (p & kProtPriv) == 0 || a.priv;
  ok = ok && (!a.read || readable);
  ok = ok && (!a.write || (p & kProtWrite) != 0);
  ok = ok && (!a.exec || (readable && (p & kProtNoexec) == 0));
  return {Errno::kOk, ok};
}

// R-MAP-015.
Ret<bool> System::WalkerNeedsClean(DomainId id) const {
  const Domain* d = Dom(id);
  if (d == nullptr) return {Errno::kENOENT};
  for (InstanceId i : d->instances) {
    auto it = instances_.find(i);
    if (it != instances_.end() && !it->second.caps.coherent_walk) return {Errno::kOk, true};
  }
  return {Errno::kOk, false};
}

}  // namespace smmuref::impl::api
