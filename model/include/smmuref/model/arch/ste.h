// Stream table entries: decode and the ILLEGAL checklist (C_BAD_STE) [IHI0070 §5.2, §5.2.2].
// Tests: tests/model/arch/ste_test.cc
#pragma once

#include <cstdint>
#include <vector>

#include "smmuref/model/arch/config.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

// Decodes the STE at 8 doublewords. `e2h` is SMMU_CR2.E2H (selects NS-EL2 vs NS-EL2-E2H).
// Fields that are IGNORED in the decoded configuration are left at their defaults.
SteConfig DecodeSte(const uint64_t ste[8], const spec::Profile& p, bool e2h);

// Every rule that makes a valid (V=1, Config=0b1xx) STE ILLEGAL under profile `p`, in the order
// of the checklist; empty when the STE is legal. V=0 and Config=0b0xx are not "illegal" here:
// callers handle them first (R-STE-001, R-STE-002). IGNORED fields never produce a violation.
std::vector<Violation> SteIllegalReasons(const uint64_t ste[8], const spec::Profile& p);
inline bool SteIsIllegal(const uint64_t ste[8], const spec::Profile& p) {
  return !SteIllegalReasons(ste, p).empty();
}

// Stage-2 start level and concatenation from S2SL0/S2TG/S2T0SZ; false if inconsistent
// (R-STE-020). 52-bit stage 2 (S2DS, S2SL0_2) is not modelled: S2DS is taken as 0.
bool S2StartLevel(unsigned s2t0sz, unsigned s2sl0, unsigned granule_shift,
                  const spec::Profile& p, int* level, unsigned* concat);

// Shared by the STE and CD decoders:
// MIN(ps, OAS) in bits for an S2PS/IPS encoding, with the reserved encodings of each minor
// revision (R-STE-024, R-CD-015).
unsigned EffectiveAddressSize(unsigned ps, const spec::Profile& p);
// Whether IDR5 advertises the granule (12, 14 or 16 bits).
bool GranuleSupported(unsigned granule_shift, const spec::Profile& p);

}  // namespace smmuref::model::arch
