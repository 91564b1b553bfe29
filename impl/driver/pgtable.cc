// VMSAv8-64 translation table descriptors as the driver writes them [DDI0487 D8.3]: tables,
// stage-1 and stage-2 pages and blocks for the 4KB, 16KB and 64KB granules.
// Tests: tests/impl/driver/pgtable_test.cc
#include "smmuref/impl/driver/pgtable.h"

#include "smmuref/spec/error.h"

namespace smmuref::impl::driver {

namespace desc = layout::desc;
using layout::Prep;

namespace {

void CheckGranule(unsigned granule_shift) {
  SMMUREF_CHECK(granule_shift == 12 || granule_shift == 14 || granule_shift == 16,
                "descriptor: the granule shift is not 12, 14 or 16");
}

// The address bits of a descriptor mapping or pointing at 2^shift bytes: [47:shift].
uint64_t AddressBits(uint64_t addr, unsigned shift, const char* what) {
  const uint64_t mask = layout::Bits(47, shift);
  SMMUREF_CHECK((addr & ~mask) == 0, what);
  return addr;
}

uint64_t S1LeafAttrs(const S1Leaf& l) {
  return Prep(desc::kAttrIndx, l.attr_indx) | Prep(desc::kAP, l.ap) | Prep(desc::kSH, l.sh) |
         (l.af ? desc::kAF : 0) | (l.ng ? desc::knG : 0) | (l.pxn ? desc::kPXN : 0) |
         (l.uxn ? desc::kUXN : 0);
}

uint64_t S2LeafAttrs(const S2Leaf& l) {
  return Prep(desc::kS2MemAttr, l.mem_attr) | Prep(desc::kS2AP, l.s2ap) | Prep(desc::kSH, l.sh) |
         (l.af ? desc::kAF : 0) | Prep(desc::kS2XN, l.xn);
}

uint64_t Block(uint64_t oa, unsigned granule_shift, int level) {
  CheckGranule(granule_shift);
  SMMUREF_CHECK(BlockAllowed(granule_shift, level), "block descriptor at a level without blocks");
  // Bits [1:0] = 0b01: a block [DDI0487 D8.3.1].
  return desc::kValid |
         AddressBits(oa, LevelShift(granule_shift, level), "block: output address not aligned");
}

uint64_t Page(uint64_t oa, unsigned granule_shift) {
  CheckGranule(granule_shift);
  // Bits [1:0] = 0b11 at level 3: a page.
  return desc::kValid | desc::kTableOrPage |
         AddressBits(oa, granule_shift, "page: output address not aligned to the granule");
}

}  // namespace

unsigned LevelShift(unsigned granule_shift, int level) {
  return granule_shift + static_cast<unsigned>(3 - level) * (granule_shift - 3);
}

bool BlockAllowed(unsigned granule_shift, int level) {
  if (granule_shift == 12) return level == 1 || level == 2;
  return (granule_shift == 14 || granule_shift == 16) && level == 2;
}

uint64_t TableDesc(uint64_t next, unsigned granule_shift, const S1TableAttrs& attrs) {
  CheckGranule(granule_shift);
  return desc::kValid | desc::kTableOrPage |
         AddressBits(next, granule_shift, "table: next-level table not aligned to the granule") |
         (attrs.pxn ? desc::kPXNTable : 0) | (attrs.uxn ? desc::kUXNTable : 0) |
         Prep(desc::kAPTable, attrs.ap);
}

uint64_t S1PageDesc(const S1Leaf& leaf, unsigned granule_shift) {
  return Page(leaf.oa, granule_shift) | S1LeafAttrs(leaf);
}

uint64_t S1BlockDesc(const S1Leaf& leaf, unsigned granule_shift, int level) {
  return Block(leaf.oa, granule_shift, level) | S1LeafAttrs(leaf);
}

uint64_t S2PageDesc(const S2Leaf& leaf, unsigned granule_shift) {
  return Page(leaf.oa, granule_shift) | S2LeafAttrs(leaf);
}

uint64_t S2BlockDesc(const S2Leaf& leaf, unsigned granule_shift, int level) {
  return Block(leaf.oa, granule_shift, level) | S2LeafAttrs(leaf);
}

}  // namespace smmuref::impl::driver
