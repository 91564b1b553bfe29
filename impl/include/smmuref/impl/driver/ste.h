// The driver's typed builder for stream table entries [IHI0070 §5.2]: a value type whose
// Words() are the doublewords to write; the positions are layout.h's. EATS is always 0 (ATS is
// not used by this driver); Secure-only, MPAM, PBHA and HTTU fields are left 0.
// Tests: tests/impl/driver/layout_test.cc (words decoded by the model)
#pragma once

#include <cstdint>

#include "smmuref/impl/driver/layout.h"

namespace smmuref::impl::driver {

// The STE's stage-1 half: where the CD table is and how it is read [IHI0070 §5.2 S1*].
struct SteStage1 {
  uint64_t cd_table = 0;  // S1ContextPtr: a PA (IPA when nested), 64-byte aligned
  unsigned s1cdmax = 0;   // log2 of the number of CDs; 0 = one CD, no substreams
  uint64_t s1fmt = layout::ste::kS1FmtLinear;
  uint64_t s1dss = layout::ste::kS1DSSTerminate;
  // CD fetch attributes: write-back cacheable, inner shareable.
  unsigned cir = 1, cor = 1, csh = 3;
  bool s1stalld = false;
  uint64_t strw = layout::ste::kStrwNsEl1;
};

// The STE's stage-2 half: the VTTBR/VTCR of the stream [IHI0070 §5.2 S2*].
struct SteStage2 {
  uint16_t vmid = 0;
  uint64_t ttb = 0;             // S2TTB: the start-level table (concatenated tables included)
  unsigned t0sz = 24;           // S2T0SZ: input size 64 - t0sz
  unsigned sl0 = 1;             // S2SL0: start level (granule-dependent encoding)
  unsigned granule_shift = 12;  // 12, 14 or 16, written as S2TG
  unsigned ps = 0b101;          // S2PS, the OAS encoding (0b101: 48 bits)
  unsigned irgn = 1, orgn = 1, sh = 3;  // walk attributes: write-back, inner shareable
  bool aa64 = true;             // S2AA64: VMSAv8-64 tables
  bool affd = false;            // S2AFFD
  bool ptw = false;             // S2PTW: stage-1 walks to Device memory fault
  bool record = true;           // S2R: record stage-2 faults
  bool stall = false;           // S2S
};

struct Ste {
  bool valid = true;
  uint64_t config = layout::ste::kConfigAbort;
  SteStage1 s1;  // written when Config enables stage 1
  SteStage2 s2;  // written when Config enables stage 2
  // S2VMID of a stage-1-only stream (it tags its TLB entries when stage 2 is implemented,
  // IHI0070 §5.2 S2VMID); a stream with stage 2 uses s2.vmid.
  uint16_t s1_vmid = 0;
  uint64_t shcfg = layout::ste::kShcfgIncoming;
  unsigned privcfg = 0, instcfg = 0;  // 0: use the incoming attribute
  bool mev = false;

  static Ste Invalid();  // V=0
  static Ste Abort();    // V=1, Config=abort: transactions abort without an event
  static Ste Bypass();   // V=1, Config=bypass
  static Ste Stage1(const SteStage1& s1, uint16_t vmid = 0);
  static Ste Stage2(const SteStage2& s2);
  static Ste Nested(const SteStage1& s1, const SteStage2& s2);

  Entry Words() const;
};

// The S2TG encoding of a granule (12, 14, 16); another shift is a programming error.
uint64_t S2TgFor(unsigned granule_shift);

}  // namespace smmuref::impl::driver
