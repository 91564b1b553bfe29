// Permission checks and the access flag for VMSAv8-64 leaf descriptors as the SMMU applies them:
// stage 1 (AP, UXN/PXN, implicit PXN on EL0-writable pages, WXN, PAN, the hierarchical APTable,
// UXNTable and PXNTable bits unless HADx) and stage 2 (S2AP, XN with or without IDR3.XNX, S2PTW)
// [IHI0070 §5.2 S2PTW, §5.4 WXN/PAN/HADx/AFFD, §13.1.1; DDI0487 D8.4].
// Tests: tests/model/arch/perm_test.cc
#pragma once

#include <cstdint>

#include "smmuref/model/arch/config.h"
#include "smmuref/model/arch/walk.h"

namespace smmuref::model::arch {

// The hierarchical attributes collected from the table descriptors of one stage-1 walk.
struct S1TableAttrs {
  bool no_write = false;  // some APTable[1] was 1
  bool no_el0 = false;    // some APTable[0] was 1
  bool uxn = false;       // some UXNTable (XNTable in single-privilege worlds) was 1
  bool pxn = false;       // some PXNTable was 1
};

// Folds one stage-1 table descriptor's APTable/UXNTable/PXNTable into `attrs`; no effect when
// `had` (the half's HADx with IDR3.HAD).
void AccumulateTableAttrs(uint64_t table_desc, bool had, S1TableAttrs* attrs);

// True if a leaf descriptor's access flag raises F_ACCESS: AF == 0 and the stage's AFFD == 0.
// The descriptor layouts put AF in the same place at both stages, but each stage reads its own
// table, so the stage is named.
bool S1AccessFlagFaults(uint64_t leaf_desc, bool affd);
bool S2AccessFlagFaults(uint64_t leaf_desc, bool affd);

// Stage-1 permission for `access` to a block or page. Returns nullptr when permitted, else the
// id of the rule that denies it.
const char* CheckS1Permission(uint64_t leaf_desc, const S1TableAttrs& table, StreamWorld world,
                              const CdConfig& cd, Access access);

// Stage-2 permission for `access` to a block or page (`xnx` is IDR3.XNX). Returns nullptr when
// permitted, else the id of the rule that denies it.
const char* CheckS2Permission(uint64_t leaf_desc, Access access, bool xnx);

// True if the stage-2 leaf maps any Device memory type (MemAttr[3:2] == 0b00), which S2PTW
// forbids for stage-1 table walks and CD fetches.
bool S2LeafIsDevice(uint64_t leaf_desc);

}  // namespace smmuref::model::arch
