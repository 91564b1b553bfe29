// An abstract io-pgtable-arm page table: the leaf and table entries of one domain's table, and
// the two calls the IOMMU core makes into it, map_pages and unmap_pages (arm_lpae_map_pages,
// arm_lpae_unmap_pages). Entries are kept by level size, not by descriptor bits, so the model
// says what the table holds, not how it is encoded. Rules R-MAP-*.
// Tests: tests/model/api/pgtable_test.cc, tests/kernel/io_pgtable_diff_test.cc.
#pragma once

#include <cstdint>
#include <vector>

#include "smmuref/model/api/domain.h"
#include "smmuref/model/api/errno.h"
#include "smmuref/model/api/knobs.h"

namespace smmuref::model::api {

// R-MAP-016: the level sizes of a page table, smallest first. For a bitmap of one LPAE granule
// (4K, 16K or 64K, each size a granule << k*(log2(granule)-3)) these are the granule's levels
// below 2^IAS, whether or not the bitmap offers a block there; otherwise the bitmap's sizes.
std::vector<uint64_t> PageTableLevels(uint64_t pgsize_bitmap, uint32_t ias);

// The IOVA span one table at the level of `pgsize` covers (the next level's size), or 0 when
// `pgsize` is the top level (no limit below 2^64).
uint64_t TableSpan(const std::vector<uint64_t>& levels, uint64_t pgsize);

// How many of `count` pages of `pgsize` from iova the table holding iova has room for (one call
// never crosses the end of a table: arm_lpae_max_entries).
uint64_t EntriesInTable(const std::vector<uint64_t>& levels, uint64_t iova, uint64_t pgsize,
                        uint64_t count);

// A leaf entry of exactly `size` at `va`; a table entry of level `size` at `va`.
bool LeafEntryAt(const Domain& d, uint64_t va, uint64_t size);
bool TableEntryAt(const Domain& d, uint64_t va, uint64_t size);

// Every page of [iova, iova+bytes) below 2^IAS and of [pa, pa+bytes) below 2^OAS (R-MAP-005).
bool ChunkInRange(const Domain& d, uint64_t iova, uint64_t pa, uint64_t bytes);

// What one map_pages or unmap_pages call did: an error (map only), the bytes it mapped or
// unmapped, and whether io-pgtable-arm would WARN on the way.
struct PagesResult {
  Errno err = Errno::kOk;
  uint64_t bytes = 0;
  bool warned = false;
};

// One map_pages call: up to `count` pages of `pgsize` from iova -> pa, stopping at the end of the
// table that holds the first (R-MAP-005, R-MAP-006, R-MAP-008, R-MAP-016). On an error nothing of
// this call is installed; tables the walk allocated and tables already replaced stay as they are.
PagesResult MapPages(Domain& d, uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count,
                     uint32_t prot);

// One unmap_pages call: up to `count` pages of `pgsize` from iova, stopping at the end of the
// table, at the first empty entry, or at a larger leaf (R-MAP-011, R-MAP-014, R-MAP-016).
PagesResult UnmapPages(Domain& d, uint64_t iova, uint64_t pgsize, uint64_t count,
                       PartialUnmap mode);

// Removes everything the entry of size `size` at `base` holds: leaves inside it and tables at its
// level and below (the subtree io-pgtable-arm frees when it clears a table entry).
void FreeSubtree(Domain& d, uint64_t size, uint64_t base);

// Marks the table entries a walk to a `pgsize` entry at `iova` passes through (every level above).
void AllocateWalk(Domain& d, uint64_t iova, uint64_t pgsize);

// The leaf whose range covers `iova`, or leaves.end().
std::map<uint64_t, Leaf>::const_iterator CoveringLeaf(const Domain& d, uint64_t iova);

}  // namespace smmuref::model::api
