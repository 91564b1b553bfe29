// The driver's typed builders for VMSAv8-64 translation table descriptors [DDI0487 D8.3]: table
// descriptors, stage-1 and stage-2 pages and blocks, for the 4KB, 16KB and 64KB granules with
// 48-bit addresses (52-bit output, LPA2 and HTTU's DBM are not built). A descriptor is one
// doubleword; the positions are layout.h's. An output or table address that is not aligned to
// what it maps, or a block at a level where the granule has none, is a programming error.
// Tests: tests/impl/driver/pgtable_test.cc (descriptors walked by the model)
#pragma once

#include <cstdint>

#include "smmuref/impl/driver/layout.h"

namespace smmuref::impl::driver {

// The number of address bits below what one descriptor at `level` (0..3) maps:
// granule_shift + (3 - level) * (granule_shift - 3) [DDI0487 D8.2].
unsigned LevelShift(unsigned granule_shift, int level);
// Whether a block descriptor is allowed at `level` without 52-bit addressing: 4KB at levels 1
// and 2 (1GB, 2MB), 16KB and 64KB at level 2 (32MB, 512MB) [DDI0487 D8.2.2].
bool BlockAllowed(unsigned granule_shift, int level);

// Stage-1 hierarchical attributes of a table descriptor (ignored when the CD's HADx is set).
struct S1TableAttrs {
  bool pxn = false, uxn = false;
  unsigned ap = 0;  // APTable: bit 1 no writes below, bit 0 no EL0 access below
};

// A table descriptor pointing at the next-level table at `next` (aligned to the granule).
uint64_t TableDesc(uint64_t next, unsigned granule_shift, const S1TableAttrs& attrs = {});

// A stage-1 page or block [DDI0487 D8.3.1, D8.4].
struct S1Leaf {
  uint64_t oa = 0;
  uint64_t ap = layout::desc::kApRwPriv;
  unsigned attr_indx = 0;  // index into the CD's MAIR
  uint64_t sh = layout::desc::kShInner;
  bool af = true;
  bool ng = true;  // non-global: tagged with the ASID
  bool uxn = false, pxn = false;
};
uint64_t S1PageDesc(const S1Leaf& leaf, unsigned granule_shift);
uint64_t S1BlockDesc(const S1Leaf& leaf, unsigned granule_shift, int level);

// A stage-2 page or block [DDI0487 D8.3.2, D8.5].
struct S2Leaf {
  uint64_t oa = 0;
  unsigned s2ap = layout::desc::kS2ApRead | layout::desc::kS2ApWrite;
  uint64_t mem_attr = layout::desc::kS2MemAttrNormalWB;
  uint64_t sh = layout::desc::kShInner;
  bool af = true;
  unsigned xn = 0;  // XN[1:0]
};
uint64_t S2PageDesc(const S2Leaf& leaf, unsigned granule_shift);
uint64_t S2BlockDesc(const S2Leaf& leaf, unsigned granule_shift, int level);

}  // namespace smmuref::impl::driver
