// Decoded configuration: what the STE and CD say, after decoding once. Walks and lookups read
// only these structs, never raw structure bits [IHI0070 §5.2, §5.4].
// Decoders: ste.h (DecodeSte), cd.h (DecodeCd).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "smmuref/model/arch/fault.h"

namespace smmuref::model::arch {

// A step of the translation either produces a value or stops with a fault.
template <typename T>
using Step = std::variant<T, Fault>;

// One reason a structure is ILLEGAL: the rule id and a sentence naming the fields involved.
struct Violation {
  const char* rule;
  std::string detail;
};

// StreamWorld [IHI0070 §5.2 STRW]: decides TLB tagging, TTB1 presence and AP interpretation.
enum class StreamWorld : uint8_t { kNsEl1, kNsEl2, kNsEl2E2H };

// Decoded stage-2 configuration (valid when the STE enables stage 2).
struct S2Config {
  unsigned t0sz = 0;           // S2T0SZ; input size = 64 - t0sz
  unsigned granule_shift = 12; // from S2TG: 12 (4KB), 14 (16KB), 16 (64KB)
  int start_level = 0;         // from S2SL0 and S2TG
  unsigned concat = 1;         // number of concatenated start-level tables (1..16)
  unsigned ps_bits = 48;       // effective output size MIN(S2PS, OAS) in bits
  uint64_t ttb = 0;            // S2TTB as an address, low bits cleared to the alignment of the
                               // (concatenated) start-level table (R-STE-025)
  uint16_t vmid = 0;
  bool affd = false, ptw = false, ha = false, hd = false;
  bool r = false, s = false;  // S2R, S2S
};

// Decoded STE [IHI0070 §5.2].
struct SteConfig {
  bool valid = false;       // V
  unsigned config = 0;      // Config, raw
  bool abort = false;       // Config 0b0xx: abort, no event
  bool s1 = false;          // Config 0b1x1
  bool s2 = false;          // Config 0b11x
  // Stage 1 (meaningful when s1)
  unsigned s1fmt = 0;       // S1Fmt (0b11 decoded as 0b00; 0 when S1CDMax == 0)
  unsigned s1cdmax = 0;     // S1CDMax, forced to 0 when IDR1.SSIDSIZE == 0
  unsigned s1dss = 0;       // S1DSS (0b11 decoded as 0b00; 0 when S1CDMax == 0)
  uint64_t s1_context_ptr = 0;  // S1ContextPtr as an address (bits [55:6])
  unsigned cd_ptr_bits = 48;    // S1ContextPtr and L1CD.L2Ptr must be below 2^cd_ptr_bits:
                                // IAS when stage 2 is enabled, OAS otherwise [IHI0070 §3.4.3]
  bool s1stalld = false;
  StreamWorld world = StreamWorld::kNsEl1;
  // Attribute overrides that affect permission checks [IHI0070 §5.2 PRIVCFG, INSTCFG]:
  // 0b00 use incoming, 0b10 unprivileged/data, 0b11 privileged/instruction. The reserved
  // encoding 0b01 is decoded as 0b00 (R-STE-027).
  unsigned privcfg = 0;
  unsigned instcfg = 0;
  uint16_t vmid = 0;  // S2VMID when it tags TLB entries, else 0
  S2Config s2cfg;     // meaningful when s2
  bool mev = false;
};

// Decoded translation-table base for one half of the VA space (CD TTB0 or TTB1).
struct TtbConfig {
  bool enabled = false;         // EPDx == 0 (and the half exists in this StreamWorld)
  unsigned tsz = 0;             // TxSZ; input size = 64 - tsz
  unsigned granule_shift = 12;  // 12, 14, 16 (TG0 and TG1 decoded from their own encodings)
  uint64_t ttb = 0;             // TTBx as an address, low bits cleared to the alignment of the
                                // start-level table (R-CD-025)
  bool tbi = false;
  bool had = false;             // hierarchical attributes disabled (HADx, with IDR3.HAD)
};

// Decoded CD [IHI0070 §5.4].
struct CdConfig {
  bool valid = false;
  TtbConfig ttb[2];
  unsigned ips_bits = 48;  // effective MIN(IPS, OAS) in bits
  bool affd = false, wxn = false, pan = false, aa64 = true, ha = false, hd = false;
  bool a = false, r = false, s = false;
  // In the NS-EL2 StreamWorld the ASID is IGNORED (decoded 0) and PAN is 0 (R-CD-017).
  uint16_t asid = 0;
  bool aset = false;
  uint64_t mair = 0;
};

// Everything a CD's legality depends on besides the CD itself [IHI0070 §5.4.2].
struct CdContext {
  StreamWorld world = StreamWorld::kNsEl1;
  bool s1stalld = false;
  bool s2 = false;       // stage 2 enabled
  bool s2aa64 = true;    // STE.S2AA64 when stage 2 is enabled
};

}  // namespace smmuref::model::arch
