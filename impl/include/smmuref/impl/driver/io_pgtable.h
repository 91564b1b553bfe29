// The driver's page tables: one stage-1 or stage-2 VMSAv8-64 translation table of a paging
// domain [DDI0487 D8.1-D8.3], for the 4KB, 16KB and 64KB granules and addresses up to 48 bits,
// built in TableMemory through the bus, with the map_pages / unmap_pages / iova_to_phys
// semantics of Linux's io-pgtable-arm as spec/rules-api.md states them (R-MAP-005, -006, -008,
// -011 to -016). Protections become stage-1 AP/UXN/PXN/AttrIndx or stage-2 S2AP/XN/MemAttr
// [DDI0487 D8.4, D8.5, D8.6]; a stage-2 root of at most 16 entries at level 0 (or at a level the
// OAS does not allow to start at) is concatenated tables one level down, as the architecture
// allows (2 to 16 tables) [IHI0070 §5.2 S2SL0, DDI0487 D8.2; arm_64_lpae_alloc_pgtable_s2].
// Every descriptor store is published for a non-coherent walker before the call returns
// [IHI0070 §3.16.1; R-MAP-015], and a subtree is built and published before the descriptor
// pointing at it is written.
// Tests: tests/impl/driver/io_pgtable_test.cc
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "smmuref/impl/driver/memory.h"
#include "smmuref/spec/api.h"

namespace smmuref::impl::driver {

struct PgtableFormat {
  int stage = 1;                  // 1: CD.TTB0 tables; 2: STE.S2TTB tables
  unsigned granule_shift = 12;    // 12, 14 or 16
  unsigned ias = 48;              // input address bits, 25..48 (CD.T0SZ / STE.S2T0SZ = 64 - ias)
  unsigned oas = 48;              // output address bits, at most 48
  uint64_t pgsize_bitmap = 0;     // sizes map_pages takes; 0: every size the granule offers
  spec::api::PartialUnmap partial = spec::api::PartialUnmap::kSplit;
  spec::api::MapOverlap overlap = spec::api::MapOverlap::kReplaceTables;
};

struct PagesDone {
  spec::api::Errno err = spec::api::Errno::kOk;
  uint64_t bytes = 0;  // mapped or unmapped
};

// What a call took out of the tables, for the caller's TLB invalidation: input ranges
// (start, size) whose leaves went, and whether a table was unlinked (walk caches must go too).
struct Gather {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  bool tables_freed = false;
};

// The MAIR the CD of a stage-1 IoPgtable carries: Linux's indices, 0 Normal Non-cacheable (0x44),
// 1 Normal Write-Back read/write-allocate (0xff), 2 Device-nGnRE (0x04), 3 Normal inner
// Non-cacheable outer Write-Back (0xf4) [DDI0487 D8.6 (MAIR_ELx); arm_64_lpae_alloc_pgtable_s1].
uint64_t IoPgtableMair();

// The sizes a granule maps below 2^ias: its page and the blocks of BlockAllowed's levels.
uint64_t GranulePageSizes(unsigned granule_shift, unsigned ias);

class IoPgtable {
 public:
  // The empty table of `f`, or nullopt when table memory is exhausted. A format the architecture
  // cannot walk (a granule or size out of range, a page size the granule has no level for, a
  // stage-2 start level the OAS forbids) is a programming error.
  static std::optional<IoPgtable> Create(TableMemory& mem, const PgtableFormat& f);
  // One owner of the tables: movable, not copyable. Destroy frees them; destruction alone does
  // not (an SMMU may still walk them until the caller has detached the domain).
  IoPgtable(IoPgtable&&) = default;
  IoPgtable& operator=(IoPgtable&&) = default;
  IoPgtable(const IoPgtable&) = delete;
  IoPgtable& operator=(const IoPgtable&) = delete;

  uint64_t root() const { return root_; }           // CD.TTB0 or STE.S2TTB
  int start_level() const { return start_level_; }  // of the walk; concatenated at stage 2
  unsigned tsz() const { return 64 - fmt_.ias; }    // CD.T0SZ or STE.S2T0SZ
  unsigned s2sl0() const;                           // STE.S2SL0 encoding of start_level()
  unsigned root_index_bits() const { return root_bits_; }  // start-level index width
  const PgtableFormat& format() const { return fmt_; }

  // Up to `count` pages of `pgsize` from iova -> pa, never past the end of the table holding the
  // first. On an error nothing of this call is installed; tables a walk allocated and tables
  // already replaced by blocks stay as they are (-ENOMEM when table memory runs out). Tables the
  // blocks replaced are recorded in `replaced` (may be null). iova and pa are multiples of a
  // valid pgsize (the core's R-MAP-003); a misaligned one is a programming error.
  PagesDone MapPages(uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count, uint32_t prot,
                     Gather* replaced);
  // Up to `count` pages of `pgsize` from iova; stops at the end of the table, at the first empty
  // entry, or at a larger leaf (split, rejected or removed whole by format().partial).
  PagesDone UnmapPages(uint64_t iova, uint64_t pgsize, uint64_t count, Gather* gather);
  // The output address `iova` translates to, nullopt when unmapped or at or beyond 2^ias.
  std::optional<uint64_t> IovaToPhys(uint64_t iova);

  // Tables unlinked by MapPages/UnmapPages are kept (a walk in flight or a walk cache may still
  // read them) until ReleaseTables, which the caller calls once the invalidation of every Gather
  // since the last call has completed (CMD_SYNC): until then the SMMU may still walk them from
  // its walk caches [IHI0070 §3.21.1, DDI0487 D8.16]. With SetWalkFlush they are freed at once.
  void ReleaseTables();
  // Optional: invalidates the TLB and walk caches for [iova, iova + size) and waits (TLBI +
  // CMD_SYNC), as io_pgtable_tlb_flush_walk does. When set, every table taken out is flushed
  // and freed at once, after its entry was cleared and published; so a table replaced by a
  // block is break-before-make (cleared, flushed, freed, block written).
  void SetWalkFlush(std::function<void(uint64_t iova, uint64_t size)> flush) {
    flush_ = std::move(flush);
  }
  // Frees every table, the root included, back to TableMemory; the IoPgtable is empty after.
  void Destroy();

 private:
  IoPgtable(TableMemory& mem, const PgtableFormat& f);

  unsigned IndexBits(int level) const;  // index width of a table at `level`
  uint64_t EntryAddr(uint64_t table, int level, uint64_t iova) const;
  uint64_t BlockSize(int level) const;
  bool IsLeaf(uint64_t desc, int level) const;
  bool IsTable(uint64_t desc, int level) const;
  uint64_t NextTable(uint64_t desc) const;
  int LevelOf(uint64_t pgsize) const;  // -1 when pgsize is not one supported size
  // How many of `count` entries of `level` from iova the table holding iova has room for.
  uint64_t EntriesInTable(int level, uint64_t iova, uint64_t count) const;
  bool InRange(uint64_t iova, uint64_t pa, uint64_t bytes) const;
  uint64_t ProtAttrs(uint32_t prot) const;
  uint64_t Leaf(uint64_t attrs, uint64_t oa, int level) const;
  void Store(uint64_t pa, uint64_t desc);  // one descriptor, published

  // Walks to the table holding the entries of `level` for iova, allocating missing tables;
  // -EEXIST at a larger leaf, -ENOMEM when table memory is exhausted.
  spec::api::Errno WalkAlloc(uint64_t iova, int level, uint64_t* table);
  bool Overlaps(uint64_t iova, int level, uint64_t n);
  bool SubtreeHasLeaf(uint64_t table, int level);
  // Takes `table` (at `level`, under the cleared entry for [iova, iova + size)) out of use:
  // flushed and freed now, or kept for ReleaseTables.
  void Unlink(uint64_t table, int level, uint64_t iova, uint64_t size, Gather* gather);
  void FreeSubtree(uint64_t table, int level);
  PagesDone SplitBlock(uint64_t entry, uint64_t block, int level, uint64_t iova, int target,
                       uint64_t count, Gather* gather);

  TableMemory* mem_;
  PgtableFormat fmt_;
  unsigned g_ = 12, bpl_ = 9;  // granule shift, index bits per full table
  int start_level_ = 0;
  unsigned root_bits_ = 0;
  bool concatenated_ = false;
  uint64_t root_ = 0;
  unsigned root_order_ = 0;
  bool live_ = false;
  std::vector<std::pair<uint64_t, int>> unlinked_;  // (table, level) awaiting ReleaseTables
  std::function<void(uint64_t, uint64_t)> flush_;
};

}  // namespace smmuref::impl::driver
