// The abstract io-pgtable-arm page table of a paging domain: level sizes, the table entries a
// walk allocates, map_pages and unmap_pages over leaves, tables and emptied tables, and the
// partial-leaf unmap of each Linux version (split up to v6.12, refused from v6.13).
// Tests: tests/model/api/pgtable_test.cc, tests/kernel/io_pgtable_diff_test.cc (against the real
// io-pgtable-arm.c of the Debian linux-source-6.12 package).
#include "smmuref/model/api/pgtable.h"

#include <algorithm>
#include <bit>

#include "smmuref/model/api/instance.h"
#include "smmuref/model/api/map.h"

namespace smmuref::model::api {
namespace {

// End of [base, base + size) without wrapping past 2^64.
uint64_t EndOf(uint64_t base, uint64_t size) {
  return size > ~uint64_t{0} - base ? ~uint64_t{0} : base + size;
}

uint64_t AlignDown(uint64_t v, uint64_t size) { return v & ~(size - 1); }

bool IsLpaeGranule(uint64_t g) { return g == 0x1000 || g == 0x4000 || g == 0x10000; }

// The level size just below `size`, or 0 at the lowest level.
uint64_t LevelBelow(const std::vector<uint64_t>& levels, uint64_t size) {
  auto it = std::lower_bound(levels.begin(), levels.end(), size);
  return it == levels.begin() ? 0 : *std::prev(it);
}

}  // namespace

// A leaf of exactly `size` starting at `va`.
bool LeafEntryAt(const Domain& d, uint64_t va, uint64_t size) {
  auto it = d.leaves.find(va);
  return it != d.leaves.end() && it->second.size == size;
}

bool TableEntryAt(const Domain& d, uint64_t va, uint64_t size) {
  auto it = d.tables.find(size);
  return it != d.tables.end() && it->second.count(va) != 0;
}

bool ChunkInRange(const Domain& d, uint64_t iova, uint64_t pa, uint64_t bytes) {
  const uint64_t last = bytes == 0 ? 0 : bytes - 1;
  return (EndOf(iova, last) >> d.ias) == 0 && (EndOf(pa, last) >> d.oas) == 0;
}

uint64_t EntriesInTable(const std::vector<uint64_t>& levels, uint64_t iova, uint64_t pgsize,
                        uint64_t count) {
  count = std::min(count, ~uint64_t{0} / pgsize);
  const uint64_t span = TableSpan(levels, pgsize);
  if (span == 0) return count;
  return std::min(count, (span - (iova & (span - 1))) / pgsize);
}

// R-MAP-016: a domain on one LPAE granule has that granule's level sizes (bits per level =
// log2(granule) - 3) below 2^IAS [arm_lpae_alloc_pgtable, v6.12-v7.0]; any other bitmap (a
// cross-instance union, or sizes outside one granule) is modelled with one level per size.
std::vector<uint64_t> PageTableLevels(uint64_t bitmap, uint32_t ias) {
  std::vector<uint64_t> levels;
  const uint64_t g = MinPageSize(bitmap);
  if (IsLpaeGranule(g) && ias < 64) {
    const int bits = std::countr_zero(g) - 3;
    const uint64_t top = uint64_t{1} << ias;
    for (uint64_t s = g; s != 0 && s < top; s = s < (top >> bits) ? s << bits : 0) {
      levels.push_back(s);
    }
    uint64_t covered = 0;
    for (uint64_t s : levels) covered |= s;
    if ((bitmap & ~covered) == 0) return levels;
    levels.clear();
  }
  for (uint64_t b = bitmap; b != 0; b &= b - 1) levels.push_back(b & -b);
  return levels;
}

uint64_t TableSpan(const std::vector<uint64_t>& levels, uint64_t pgsize) {
  auto it = std::upper_bound(levels.begin(), levels.end(), pgsize);
  return it == levels.end() ? 0 : *it;
}

std::map<uint64_t, Leaf>::const_iterator CoveringLeaf(const Domain& d, uint64_t iova) {
  auto it = d.leaves.upper_bound(iova);
  if (it == d.leaves.begin()) return d.leaves.end();
  --it;
  return iova - it->first < it->second.size ? it : d.leaves.end();
}

void AllocateWalk(Domain& d, uint64_t iova, uint64_t pgsize) {
  for (uint64_t s : d.levels) {
    if (s > pgsize) d.tables[s].insert(AlignDown(iova, s));
  }
}

void FreeSubtree(Domain& d, uint64_t size, uint64_t base) {
  const uint64_t end = EndOf(base, size);
  d.leaves.erase(d.leaves.lower_bound(base), d.leaves.lower_bound(end));
  for (auto& [s, bases] : d.tables) {
    if (s > size) continue;
    bases.erase(bases.lower_bound(base), bases.lower_bound(end));
  }
}

// R-MAP-005: an IOVA at or beyond 2^IAS or a PA at or beyond 2^OAS gives -ERANGE; io-pgtable-arm
// checks the first page of each call only, the model every page of it [decision: a run whose
// PA crosses 2^OAS is mapped by arm_lpae_map_pages, v6.12-v7.0, to output addresses the SMMU
// faults on; found by tests/kernel]. R-MAP-008: neither READ nor WRITE gives -EINVAL
// [arm_lpae_map_pages, v6.12-v7.0]. R-MAP-006: a walk meeting a larger leaf, or an entry of this
// size holding a leaf, gives -EEXIST; an entry holding a table is freed with everything under it
// before the block is written (entries in order, so tables before the conflicting entry are
// already gone) [arm_lpae_init_pte, v6.12-v7.0].
PagesResult MapPages(Domain& d, uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count,
                     uint32_t prot) {
  if (pgsize == 0 || (pgsize & d.pgsize_bitmap) != pgsize || (pgsize & (pgsize - 1)) != 0) {
    return {Errno::kEINVAL, 0, true};  // not one supported page size [arm_lpae_map_pages]
  }
  const uint64_t n = EntriesInTable(d.levels, iova, pgsize, count);
  if (!ChunkInRange(d, iova, pa, n * pgsize)) return {Errno::kERANGE, 0, true};
  if ((prot & (kProtRead | kProtWrite)) == 0) return {Errno::kEINVAL, 0, false};
  auto cover = CoveringLeaf(d, iova);
  if (cover != d.leaves.end() && cover->second.size > pgsize) return {Errno::kEEXIST, 0, true};
  AllocateWalk(d, iova, pgsize);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t va = iova + i * pgsize;
    if (LeafEntryAt(d, va, pgsize)) return {Errno::kEEXIST, 0, true};
    if (TableEntryAt(d, va, pgsize)) FreeSubtree(d, pgsize, va);
  }
  for (uint64_t i = 0; i < n; ++i) {
    d.leaves[iova + i * pgsize] = Leaf{pa + i * pgsize, pgsize, prot};
  }
  return {Errno::kOk, n * pgsize, false};
}

// R-MAP-011 (split, v6.12 and earlier): the larger leaf becomes a table of the next level's
// leaves with the same protection, less the pages being unmapped when they are of that level
// [arm_lpae_split_blk_unmap, v6.12]. Returns the bytes removed, 0 when the pages are smaller
// than the new level (the caller then splits again).
static uint64_t SplitLeaf(Domain& d, std::map<uint64_t, Leaf>::const_iterator cover, uint64_t iova,
                          uint64_t pgsize, uint64_t count) {
  const uint64_t base = cover->first;
  const Leaf block = cover->second;
  const uint64_t child = LevelBelow(d.levels, block.size);
  d.leaves.erase(base);
  d.tables[block.size].insert(base);
  uint64_t skip_from = EndOf(base, block.size), skip_to = skip_from;
  if (pgsize == child) {
    skip_from = iova;
    skip_to = iova + std::min(count, (base + block.size - iova) / child) * child;
  }
  for (uint64_t va = base; va < base + block.size; va += child) {
    if (va >= skip_from && va < skip_to) continue;
    d.leaves[va] = Leaf{block.pa + (va - base), child, block.prot};
  }
  return skip_to - skip_from;
}

// R-MAP-014: at the level of the page size, each entry from iova is cleared in turn: a leaf is
// removed, a table is freed whole (R-MAP-016: an emptied table too), and the first empty entry
// stops the call; the call also stops at the end of the table [__arm_lpae_unmap, v6.12-v7.0].
// An IOVA beyond 2^IAS or an empty entry on the walk unmaps nothing; io-pgtable-arm WARNs then.
PagesResult UnmapPages(Domain& d, uint64_t iova, uint64_t pgsize, uint64_t count,
                       PartialUnmap mode) {
  if (pgsize == 0 || (pgsize & d.pgsize_bitmap) != pgsize || (pgsize & (pgsize - 1)) != 0 ||
      count == 0 || (iova >> d.ias) != 0) {
    return {Errno::kOk, 0, true};
  }
  for (auto cover = CoveringLeaf(d, iova);
       cover != d.leaves.end() && cover->second.size > pgsize; cover = CoveringLeaf(d, iova)) {
    // R-MAP-011: part of a larger leaf: reject (v6.13+) removes nothing and WARNs
    // ("Unmap of a partial large IOPTE is not allowed") [__arm_lpae_unmap, 33729a5fc0ca, v6.13+];
    // whole removes the leaf and counts all of it [decision: VT-d's intel_iommu_unmap behaviour,
    // never io-pgtable-arm's]; split as in SplitLeaf.
    if (mode == PartialUnmap::kReject) return {Errno::kOk, 0, true};
    if (mode == PartialUnmap::kWhole) {
      const uint64_t size = cover->second.size;
      d.leaves.erase(cover);
      return {Errno::kOk, size, false};
    }
    if (uint64_t removed = SplitLeaf(d, cover, iova, pgsize, count); removed != 0) {
      return {Errno::kOk, removed, false};
    }
  }
  const uint64_t n = EntriesInTable(d.levels, iova, pgsize, count);
  uint64_t i = 0;
  for (; i < n; ++i) {
    const uint64_t va = iova + i * pgsize;
    if (LeafEntryAt(d, va, pgsize)) {
      d.leaves.erase(va);
    } else if (TableEntryAt(d, va, pgsize)) {
      FreeSubtree(d, pgsize, va);
    } else {
      return {Errno::kOk, i * pgsize, true};
    }
  }
  return {Errno::kOk, n * pgsize, false};
}

}  // namespace smmuref::model::api
