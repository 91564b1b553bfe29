// Stream table lookup, linear and 2-level [IHI0070 §3.3.2, §5.1, §6.3.24-§6.3.25].
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/strtab/*.vec
#pragma once

#include <cstdint>

#include "smmuref/model/arch/config.h"
#include "smmuref/model/arch/memory.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

struct StrtabRegs {
  uint64_t base = 0;  // SMMU_STRTAB_BASE
  uint64_t cfg = 0;   // SMMU_STRTAB_BASE_CFG
  bool record_invalid_sid = false;  // SMMU_CR2.RECINVSID
  bool record_invalid_sid_unknown = false;  // CR2.RECINVSID not written since reset
};

struct FetchedSte {
  uint64_t ste[8] = {};
  uint64_t pa = 0;
};

// Finds and fetches the STE for `sid`: C_BAD_STREAMID (silent unless RECINVSID) for a StreamID
// out of range or under an invalid L1STD span, F_STE_FETCH for an aborted read.
Step<FetchedSte> LocateSte(const StrtabRegs& regs, uint32_t sid, const spec::Profile& p,
                           Fetcher& fetch);

}  // namespace smmuref::model::arch
