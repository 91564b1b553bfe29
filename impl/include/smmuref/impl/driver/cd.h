// The driver's typed builders for context descriptors [IHI0070 §5.4] and L1 CD descriptors
// [§5.3.1]: value types whose Words() are the doublewords to write; the positions are
// layout.h's. Secure-only, HTTU, permission-indirection and MPAM fields are left 0.
// Tests: tests/impl/driver/layout_test.cc (words decoded by the model)
#pragma once

#include <cstdint>

#include "smmuref/impl/driver/layout.h"

namespace smmuref::impl::driver {

// One half of the stage-1 translation a CD describes (TTB0 or TTB1) [IHI0070 §5.4].
struct CdHalf {
  bool enabled = false;         // EPDx = !enabled
  uint64_t ttb = 0;             // TTBx
  unsigned tsz = 25;            // TxSZ: input size 64 - tsz
  unsigned granule_shift = 12;  // 12, 14 or 16, written as TG0 or TG1 (different encodings)
  unsigned irgn = 1, orgn = 1, sh = 3;  // walk attributes: write-back, inner shareable
  bool tbi = false;
  bool had = false;  // HADx: hierarchical attributes disabled
};

struct Cd {
  bool valid = true;
  CdHalf ttb0, ttb1;
  unsigned ips = 0b101;  // IPS, the OAS encoding (0b101: 48 bits)
  bool aa64 = true;
  bool affd = false, wxn = false, pan = false;
  bool a = true, r = true, s = false;  // fault model: abort and record, no stall
  bool aset = false;
  uint16_t asid = 0;
  uint64_t mair = 0;

  Entry Words() const;
};

// An L1 CD descriptor pointing at a leaf table of CDs (4KB or 64KB aligned).
uint64_t L1Cd(uint64_t leaf_table);

// The TG0 and TG1 encodings of a granule (12, 14, 16; the two differ); another shift is a
// programming error.
uint64_t Tg0For(unsigned granule_shift);
uint64_t Tg1For(unsigned granule_shift);

}  // namespace smmuref::impl::driver
