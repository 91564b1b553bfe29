// The driver's VMSAv8-64 page tables over TableMemory: geometry (start level, root size, stage-2
// concatenation), protections to descriptor attributes, and map_pages / unmap_pages /
// iova_to_phys on descriptors in memory with io-pgtable-arm's results (spec/rules-api.md R-MAP-*)
// [DDI0487 D8.1-D8.6; IHI0070 §3.16.1, §3.21.1, §5.2, §5.4].
// Tests: tests/impl/driver/io_pgtable_test.cc
#include "smmuref/impl/driver/io_pgtable.h"

#include <algorithm>
#include <bit>

#include "smmuref/impl/driver/pgtable.h"
#include "smmuref/spec/error.h"

namespace smmuref::impl::driver {

namespace desc = layout::desc;
using spec::api::Errno;
using spec::api::kProtCache;
using spec::api::kProtMmio;
using spec::api::kProtNoexec;
using spec::api::kProtPriv;
using spec::api::kProtRead;
using spec::api::kProtWrite;

namespace {

// The attribute bits a leaf carries besides its type and output address: stage 1 AttrIndx, NS,
// AP, SH, AF, nG, PXN, UXN; stage 2 MemAttr, S2AP, SH, AF, XN [DDI0487 D8.3.1, D8.3.2]. A split
// copies them from the block to every new leaf (the contiguous bit is never set).
constexpr uint64_t kLeafAttrs = layout::Bits(11, 2) | layout::Bits(54, 53);

// Linux's MAIR indices (arm_64_lpae_alloc_pgtable_s1).
constexpr unsigned kMairNc = 0, kMairCache = 1, kMairDevice = 2;

}  // namespace

uint64_t IoPgtableMair() {
  return uint64_t{0x44} << (8 * kMairNc) | uint64_t{0xff} << (8 * kMairCache) |
         uint64_t{0x04} << (8 * kMairDevice) | uint64_t{0xf4} << (8 * 3);
}

uint64_t GranulePageSizes(unsigned granule_shift, unsigned ias) {
  uint64_t sizes = uint64_t{1} << granule_shift;
  for (int level = 1; level <= 2; ++level) {
    const unsigned shift = LevelShift(granule_shift, level);
    if (BlockAllowed(granule_shift, level) && shift < ias) sizes |= uint64_t{1} << shift;
  }
  return sizes;
}

IoPgtable::IoPgtable(TableMemory& mem, const PgtableFormat& f) : mem_(&mem), fmt_(f) {
  SMMUREF_CHECK(f.stage == 1 || f.stage == 2, "io-pgtable: stage is 1 or 2");
  SMMUREF_CHECK(f.granule_shift == 12 || f.granule_shift == 14 || f.granule_shift == 16,
                "io-pgtable: granule shift is not 12, 14 or 16");
  // CD.T0SZ 16..39 [IHI0070 §5.4]; the same range at stage 2 keeps the start level defined.
  SMMUREF_CHECK(f.ias >= 25 && f.ias <= 48 && f.oas >= 32 && f.oas <= 48,
                "io-pgtable: IAS must be 25..48 and OAS 32..48");
  g_ = f.granule_shift;
  bpl_ = g_ - 3;
  const uint64_t sizes = GranulePageSizes(g_, f.ias);
  if (fmt_.pgsize_bitmap == 0) fmt_.pgsize_bitmap = sizes;
  SMMUREF_CHECK((fmt_.pgsize_bitmap & ~sizes) == 0 && (fmt_.pgsize_bitmap >> g_ & 1) != 0,
                "io-pgtable: the bitmap must hold the granule and only sizes it has levels for");
  // R-MAP-016: the granule's levels below 2^IAS; the start level resolves what the others
  // leave (1 to bpl bits) [DDI0487 D8.2; arm_lpae_alloc_pgtable].
  const unsigned va_bits = f.ias - g_;
  const unsigned levels = (va_bits + bpl_ - 1) / bpl_;
  start_level_ = 4 - static_cast<int>(levels);
  root_bits_ = va_bits - bpl_ * (levels - 1);
  if (f.stage == 2) {
    // Level 0 (4KB) and level 1 (64KB) need a 44-bit, level 1 (16KB) a 42-bit OAS
    // [DDI0487 AArch64.S2InvalidSL; R-STE-020].
    const auto allowed = [&](int level) {
      const bool deep = (g_ == 12 && level == 0) || (g_ != 12 && level <= 1);
      return !deep || f.oas >= (g_ == 14 ? 42u : 44u);
    };
    // A start level with at most 16 entries becomes that many concatenated tables one level
    // down: always from level 0, as Linux does, and from level 1 too when the OAS forbids
    // starting there (Linux keeps such a level-1 start, which S2SL0 cannot express)
    // [IHI0070 §5.2 S2SL0, DDI0487 D8.2; arm_64_lpae_alloc_pgtable_s2].
    if (root_bits_ <= 4 && (start_level_ == 0 || !allowed(start_level_))) {
      ++start_level_;
      root_bits_ += bpl_;
      concatenated_ = true;
    }
    SMMUREF_CHECK(allowed(start_level_), "io-pgtable: this stage-2 start level needs a larger OAS");
  }
  // The root is aligned to its size, and to at least 64 bytes for a stage-1 table smaller than
  // that [IHI0070 §5.4 TTB0, DDI0487 D8.2 (TTBR BADDR)].
  const uint64_t root_bytes = uint64_t{8} << root_bits_;
  root_order_ = TableMemory::OrderFor(std::max<uint64_t>(root_bytes, 64));
}

std::optional<IoPgtable> IoPgtable::Create(TableMemory& mem, const PgtableFormat& f) {
  IoPgtable t(mem, f);
  const std::optional<uint64_t> root = mem.Alloc(t.root_order_);  // zeroed and published
  if (!root) return std::nullopt;
  t.root_ = *root;
  t.live_ = true;
  return t;
}

unsigned IoPgtable::s2sl0() const {
  SMMUREF_CHECK(fmt_.stage == 2, "io-pgtable: S2SL0 of a stage-1 table");
  // 4KB: SL0 0/1/2 = level 2/1/0 (3 = level 3); 16KB, 64KB: 0/1/2 = level 3/2/1 [IHI0070 §5.2].
  if (g_ == 12) return start_level_ == 3 ? 3 : static_cast<unsigned>(2 - start_level_);
  return static_cast<unsigned>(3 - start_level_);
}

unsigned IoPgtable::IndexBits(int level) const {
  return level == start_level_ ? root_bits_ : bpl_;
}

uint64_t IoPgtable::BlockSize(int level) const { return uint64_t{1} << LevelShift(g_, level); }

uint64_t IoPgtable::EntryAddr(uint64_t table, int level, uint64_t iova) const {
  const uint64_t index = (iova >> LevelShift(g_, level)) & ((uint64_t{1} << IndexBits(level)) - 1);
  return table + index * 8;
}

// Bits [1:0]: 0b11 is a page at level 3 and a table above; 0b01 a block (levels 1 and 2 only
// are ever written) [DDI0487 D8.3].
bool IoPgtable::IsLeaf(uint64_t d, int level) const {
  return (d & 3) == (level == 3 ? 3u : 1u);
}

bool IoPgtable::IsTable(uint64_t d, int level) const { return level < 3 && (d & 3) == 3; }

uint64_t IoPgtable::NextTable(uint64_t d) const { return d & layout::Bits(47, g_); }

int IoPgtable::LevelOf(uint64_t pgsize) const {
  if (pgsize == 0 || (pgsize & (pgsize - 1)) != 0 || (pgsize & fmt_.pgsize_bitmap) == 0) return -1;
  const unsigned shift = static_cast<unsigned>(std::countr_zero(pgsize));
  return 3 - static_cast<int>((shift - g_) / bpl_);
}

uint64_t IoPgtable::EntriesInTable(int level, uint64_t iova, uint64_t count) const {
  const unsigned shift = LevelShift(g_, level);
  count = std::min(count, ~uint64_t{0} >> shift);
  // R-MAP-016: the top table of a walk has no end below 2^IAS for this purpose (a call running
  // past it is -ERANGE, R-MAP-005); any other one, concatenated stage-2 roots included, ends
  // every 2^bpl entries (arm_lpae_max_entries).
  if (level == start_level_ && !concatenated_) return count;
  const uint64_t index = (iova >> shift) & ((uint64_t{1} << bpl_) - 1);
  return std::min(count, (uint64_t{1} << bpl_) - index);
}

// R-MAP-013: stage 1 reads with READ or WRITE (AP[2] read-only without WRITE), EL0 access unless
// PRIV (AP[1]), no execution with NOEXEC (UXN and PXN), AttrIndx Device for MMIO, Write-Back for
// CACHE, else Non-cacheable, inner shareable when CACHE else outer, AF and nG always
// [arm_lpae_prot_to_pte, v6.12-v7.0; DDI0487 D8.4.1, D8.6]. Two departures from Linux's bits, so
// that the rule holds architecturally: a PRIV leaf also has UXN (AP[1]=0 does not stop an EL0
// instruction fetch, DDI0487 D8.4.1 "execute-only"), and stage 2's NOEXEC is XN 0b10 (not
// executable at any level with or without IDR3.XNX; Linux's 0b11 leaves EL1 execution allowed
// under XNX) [DDI0487 D8.5.2]. Stage 2: S2AP read and write as asked, MemAttr the same three.
uint64_t IoPgtable::ProtAttrs(uint32_t prot) const {
  const uint64_t type = (prot & kProtMmio) ? 2 : (prot & kProtCache) ? 1 : 0;
  const uint64_t sh = (prot & kProtCache) ? desc::kShInner : desc::kShOuter;
  const bool noexec = (prot & kProtNoexec) != 0;
  if (fmt_.stage == 1) {
    S1Leaf l;
    const bool ro = (prot & kProtWrite) == 0;
    const bool el0 = (prot & kProtPriv) == 0;
    l.ap = ro ? (el0 ? desc::kApRoAll : desc::kApRoPriv) : (el0 ? desc::kApRwAll : desc::kApRwPriv);
    l.attr_indx = static_cast<unsigned>(type == 2 ? kMairDevice : type == 1 ? kMairCache : kMairNc);
    l.sh = sh;
    l.af = true;
    l.ng = true;
    l.uxn = noexec || !el0;  // R-MAP-013: PRIV refuses unprivileged fetches too
    l.pxn = noexec;
    return S1PageDesc(l, g_) & kLeafAttrs;
  }
  S2Leaf l;
  l.s2ap = ((prot & kProtRead) ? desc::kS2ApRead : 0) |
           ((prot & kProtWrite) ? desc::kS2ApWrite : 0);
  l.mem_attr = type == 2   ? desc::kS2MemAttrDevice_nGnRE
               : type == 1 ? desc::kS2MemAttrNormalWB
                           : desc::kS2MemAttrNormalNC;
  l.sh = sh;
  l.af = true;
  l.xn = noexec ? 0b10 : 0;
  return S2PageDesc(l, g_) & kLeafAttrs;
}

// A page (level 3) or block at `level` mapping `oa` with the attribute bits `attrs`.
uint64_t IoPgtable::Leaf(uint64_t attrs, uint64_t oa, int level) const {
  uint64_t bare;
  if (fmt_.stage == 1) {
    S1Leaf l;
    l.oa = oa;
    l.ap = 0;
    l.sh = 0;
    l.af = l.ng = false;
    bare = level == 3 ? S1PageDesc(l, g_) : S1BlockDesc(l, g_, level);
  } else {
    S2Leaf l;
    l.oa = oa;
    l.s2ap = 0;
    l.mem_attr = 0;
    l.sh = 0;
    l.af = false;
    bare = level == 3 ? S2PageDesc(l, g_) : S2BlockDesc(l, g_, level);
  }
  return bare | attrs;
}

void IoPgtable::Store(uint64_t pa, uint64_t d) {
  mem_->Write(pa, d);
  mem_->Publish(pa, 8);  // R-MAP-015
}

Errno IoPgtable::WalkAlloc(uint64_t iova, int level, uint64_t* table) {
  uint64_t t = root_;
  for (int l = start_level_; l < level; ++l) {
    const uint64_t entry = EntryAddr(t, l, iova);
    uint64_t d = mem_->Read(entry);
    if ((d & desc::kValid) == 0) {
      // R-MAP-016: a walk allocates the tables on every level above the page. The new table is
      // zeroed and published by Alloc before the descriptor pointing at it is stored.
      const std::optional<uint64_t> next = mem_->Alloc(g_);
      if (!next) return Errno::kENOMEM;
      d = TableDesc(*next, g_);
      Store(entry, d);
    } else if (IsLeaf(d, l)) {
      return Errno::kEEXIST;  // R-MAP-006: the walk meets a larger leaf
    }
    t = NextTable(d);
  }
  *table = t;
  return Errno::kOk;
}

bool IoPgtable::SubtreeHasLeaf(uint64_t table, int level) {
  const uint64_t entries = uint64_t{1} << IndexBits(level);
  for (uint64_t i = 0; i < entries; ++i) {
    const uint64_t d = mem_->Read(table + i * 8);
    if (IsLeaf(d, level) || (IsTable(d, level) && SubtreeHasLeaf(NextTable(d), level + 1))) {
      return true;
    }
  }
  return false;
}

// R-MAP-006 (map_overlap=strict): whether a leaf covers any part of the n entries of `level`
// from iova: a larger one on the walk, one of the entries, or one in a table under them.
bool IoPgtable::Overlaps(uint64_t iova, int level, uint64_t n) {
  uint64_t t = root_;
  for (int l = start_level_; l < level; ++l) {
    const uint64_t d = mem_->Read(EntryAddr(t, l, iova));
    if ((d & desc::kValid) == 0) return false;
    if (IsLeaf(d, l)) return true;
    t = NextTable(d);
  }
  const uint64_t first = EntryAddr(t, level, iova);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t d = mem_->Read(first + i * 8);
    if (IsLeaf(d, level) || (IsTable(d, level) && SubtreeHasLeaf(NextTable(d), level + 1))) {
      return true;
    }
  }
  return false;
}

void IoPgtable::FreeSubtree(uint64_t table, int level) {
  if (level < 3) {
    const uint64_t entries = uint64_t{1} << IndexBits(level);
    for (uint64_t i = 0; i < entries; ++i) {
      const uint64_t d = mem_->Read(table + i * 8);
      if (IsTable(d, level)) FreeSubtree(NextTable(d), level + 1);
    }
  }
  mem_->Free(table, level == start_level_ ? root_order_ : g_);
}

void IoPgtable::Unlink(uint64_t table, int level, uint64_t iova, uint64_t size, Gather* gather) {
  if (gather) gather->tables_freed = true;
  if (flush_) {
    flush_(iova, size);
    FreeSubtree(table, level);
  } else {
    unlinked_.emplace_back(table, level);
  }
}

void IoPgtable::ReleaseTables() {
  for (const auto& [table, level] : unlinked_) FreeSubtree(table, level);
  unlinked_.clear();
}

void IoPgtable::Destroy() {
  if (!live_) return;
  ReleaseTables();
  FreeSubtree(root_, start_level_);
  live_ = false;
}

bool IoPgtable::InRange(uint64_t iova, uint64_t pa, uint64_t bytes) const {
  const uint64_t last = bytes == 0 ? 0 : bytes - 1;
  uint64_t iova_end = 0, pa_end = 0;
  if (__builtin_add_overflow(iova, last, &iova_end) || __builtin_add_overflow(pa, last, &pa_end)) {
    return false;
  }
  return (iova_end >> fmt_.ias) == 0 && (pa_end >> fmt_.oas) == 0;
}

PagesDone IoPgtable::MapPages(uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count,
                              uint32_t prot, Gather* replaced) {
  SMMUREF_CHECK(live_, "io-pgtable: map on a destroyed table");
  const int level = LevelOf(pgsize);
  if (level < 0) return {Errno::kEINVAL, 0};  // R-MAP-016: exactly one supported page size
  SMMUREF_CHECK(((iova | pa) & (pgsize - 1)) == 0, "io-pgtable: map of a misaligned iova or pa");
  const uint64_t n = EntriesInTable(level, iova, count);
  if (!InRange(iova, pa, n * pgsize)) return {Errno::kERANGE, 0};  // R-MAP-005: every page
  if ((prot & (kProtRead | kProtWrite)) == 0) return {Errno::kEINVAL, 0};  // R-MAP-008
  if (fmt_.overlap == spec::api::MapOverlap::kStrict && Overlaps(iova, level, n)) {
    return {Errno::kEEXIST, 0};  // R-MAP-006 (strict): nothing changes
  }
  uint64_t table = 0;
  if (const Errno e = WalkAlloc(iova, level, &table); e != Errno::kOk) return {e, 0};
  const uint64_t first = EntryAddr(table, level, iova);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t d = mem_->Read(first + i * 8);
    // R-MAP-006: an entry holding a leaf is -EEXIST; the tables of earlier entries stay freed.
    if (IsLeaf(d, level)) return {Errno::kEEXIST, 0};
    if (IsTable(d, level)) {
      // R-MAP-006: a table under a block is freed with everything in it, break-before-make: the
      // entry is cleared (and the walk caches flushed, with SetWalkFlush) before the block.
      const uint64_t va = iova + i * pgsize;
      Store(first + i * 8, 0);
      if (replaced) replaced->ranges.emplace_back(va, pgsize);
      Unlink(NextTable(d), level + 1, va, pgsize, replaced);
    }
  }
  const uint64_t attrs = ProtAttrs(prot);
  for (uint64_t i = 0; i < n; ++i) mem_->Write(first + i * 8, Leaf(attrs, pa + i * pgsize, level));
  mem_->Publish(first, n * 8);  // R-MAP-015
  return {Errno::kOk, n * pgsize};
}

// R-MAP-011 (split): the block at `level` (entry at `entry`) becomes a table of the next level's
// leaves with its attributes, less the pages unmapped when they are of that level; when they are
// smaller the new entry holding iova is split in turn. Each new table is complete and published
// before the descriptor that links it replaces the block [arm_lpae_split_blk_unmap, v6.12].
PagesDone IoPgtable::SplitBlock(uint64_t entry, uint64_t block, int level, uint64_t iova,
                                int target, uint64_t count, Gather* gather) {
  for (;;) {
    const int child = level + 1;
    const uint64_t child_size = BlockSize(child);
    const uint64_t entries = uint64_t{1} << bpl_;
    const std::optional<uint64_t> table = mem_->Alloc(g_);
    if (!table) return {Errno::kENOMEM, 0};
    uint64_t skip_from = entries, skip_to = entries;
    if (child == target) {
      skip_from = (iova >> LevelShift(g_, child)) & (entries - 1);
      skip_to = skip_from + std::min(count, entries - skip_from);
    }
    const uint64_t attrs = block & kLeafAttrs;
    const uint64_t oa = block & layout::Bits(47, LevelShift(g_, level));
    for (uint64_t k = 0; k < entries; ++k) {
      if (k >= skip_from && k < skip_to) continue;
      mem_->Write(*table + k * 8, Leaf(attrs, oa + k * child_size, child));
    }
    mem_->Publish(*table, entries * 8);  // R-MAP-015: the subtree before its link
    Store(entry, TableDesc(*table, g_));
    if (child == target) {
      const uint64_t bytes = (skip_to - skip_from) * child_size;
      if (gather) gather->ranges.emplace_back(iova, bytes);
      return {Errno::kOk, bytes};
    }
    level = child;
    entry = EntryAddr(*table, child, iova);
    block = mem_->Read(entry);
  }
}

PagesDone IoPgtable::UnmapPages(uint64_t iova, uint64_t pgsize, uint64_t count, Gather* gather) {
  SMMUREF_CHECK(live_, "io-pgtable: unmap on a destroyed table");
  const int level = LevelOf(pgsize);
  // R-MAP-014: a size the table does not take, no pages, or an IOVA beyond 2^IAS unmaps nothing.
  if (level < 0 || count == 0 || (iova >> fmt_.ias) != 0) return {};
  SMMUREF_CHECK((iova & (pgsize - 1)) == 0, "io-pgtable: unmap of a misaligned iova");
  uint64_t t = root_;
  for (int l = start_level_; l < level; ++l) {
    const uint64_t entry = EntryAddr(t, l, iova);
    const uint64_t d = mem_->Read(entry);
    if ((d & desc::kValid) == 0) return {};  // R-MAP-014: an empty entry on the walk
    if (IsLeaf(d, l)) {
      switch (fmt_.partial) {
        case spec::api::PartialUnmap::kReject:
          return {};  // R-MAP-011 (reject): nothing of the larger leaf goes
        case spec::api::PartialUnmap::kWhole: {
          // R-MAP-011 (whole): the leaf goes and all of it is counted
          const uint64_t size = BlockSize(l);
          Store(entry, 0);
          if (gather) gather->ranges.emplace_back(iova & ~(size - 1), size);
          return {Errno::kOk, size};
        }
        case spec::api::PartialUnmap::kSplit:
          return SplitBlock(entry, d, l, iova, level, count, gather);  // R-MAP-011 (split)
      }
    }
    t = NextTable(d);
  }
  // R-MAP-014: each entry from iova in turn, to the end of its table (and of the root).
  const uint64_t index = (EntryAddr(t, level, iova) - t) / 8;
  const uint64_t n = std::min(EntriesInTable(level, iova, count),
                              (uint64_t{1} << IndexBits(level)) - index);
  const uint64_t first = t + index * 8;
  std::vector<std::pair<uint64_t, uint64_t>> tables;  // (table, iova) under cleared entries
  uint64_t i = 0;
  for (; i < n; ++i) {
    const uint64_t d = mem_->Read(first + i * 8);
    if ((d & desc::kValid) == 0) break;  // R-MAP-014: the first empty entry stops the call
    // R-MAP-016: a table, emptied or not, is freed whole and counted at its size.
    if (IsTable(d, level)) tables.emplace_back(NextTable(d), iova + i * pgsize);
  }
  for (uint64_t j = 0; j < i; ++j) mem_->Write(first + j * 8, 0);
  mem_->Publish(first, i * 8);  // R-MAP-015
  if (gather && i != 0) gather->ranges.emplace_back(iova, i * pgsize);
  for (const auto& [table, va] : tables) Unlink(table, level + 1, va, pgsize, gather);
  return {Errno::kOk, i * pgsize};
}

std::optional<uint64_t> IoPgtable::IovaToPhys(uint64_t iova) {
  SMMUREF_CHECK(live_, "io-pgtable: iova_to_phys on a destroyed table");
  if ((iova >> fmt_.ias) != 0) return std::nullopt;  // R-MAP-012: beyond 2^IAS
  uint64_t t = root_;
  for (int l = start_level_; l <= 3; ++l) {
    const uint64_t d = mem_->Read(EntryAddr(t, l, iova));
    if ((d & desc::kValid) == 0) return std::nullopt;
    // R-MAP-012: the leaf's output address plus the offset in it
    if (IsLeaf(d, l)) {
      const unsigned shift = LevelShift(g_, l);
      return (d & layout::Bits(47, shift)) | (iova & ((uint64_t{1} << shift) - 1));
    }
    t = NextTable(d);
  }
  return std::nullopt;
}

}  // namespace smmuref::impl::driver
