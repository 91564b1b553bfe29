// Context descriptors: locating a CD in linear and 2-level CD tables, decode, and the ILLEGAL
// checklist (C_BAD_CD) [IHI0070 §5.3, §5.4, §5.4.2].
// Tests: tests/model/arch/cd_test.cc
#pragma once

#include <cstdint>
#include <vector>

#include "smmuref/model/arch/config.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

// Where the CD for CD-table index `index` lives, given a decoded STE with stage 1 enabled.
// For a linear table (or a single CD) `l1cd_addr` is unused and `cd_addr` is final; for a
// 2-level table the caller fetches the L1CD at `l1cd_addr` and calls CdAddressFromL1Cd.
// Addresses are IPAs when stage 2 is enabled, PAs otherwise.
struct CdPath {
  bool two_level = false;
  uint64_t l1cd_addr = 0;
  uint64_t cd_addr = 0;
};
CdPath LocateCd(const SteConfig& ste, uint32_t index);

// Level-2 CD address from an L1CD; false if the L1CD is invalid (V=0, R-CD-022) or its L2Ptr is
// out of range (R-CD-023), which the caller reports as C_BAD_SUBSTREAMID.
// With `out_of_range`, a valid L1CD whose L2Ptr is beyond the range sets it and still gives the
// calculated (untruncated) CD address in *cd_addr.
bool CdAddressFromL1Cd(uint64_t l1cd, const SteConfig& ste, uint32_t index, uint64_t* cd_addr,
                       bool* out_of_range = nullptr);

// Decodes a CD for the STE context `ctx`. Disabled or absent halves have enabled=false and their
// other fields at defaults.
CdConfig DecodeCd(const uint64_t cd[8], const spec::Profile& p, const CdContext& ctx);

// Whether two decoded CDs agree in every field a TLB entry may cache (the translation context:
// TTBx, TxSZ, TGx, EPDx, TBIx, HADx, IPS, AFFD, WXN, PAN, AA64, HA/HD, MAIR) [IHI0070 §5.4.1].
bool SameTranslationContext(const CdConfig& a, const CdConfig& b);
// `current` with the translation context of `earlier`: the fields a TLB entry carries come from
// the context that formed it, the rest (validity, tags, fault configuration A/R/S) from the CD
// in use now.
CdConfig WithTranslationContext(const CdConfig& current, const CdConfig& earlier);

// Every rule that makes the CD ILLEGAL (including V=0) under `p` and `ctx`; empty when legal.
std::vector<Violation> CdIllegalReasons(const uint64_t cd[8], const spec::Profile& p,
                                        const CdContext& ctx);

}  // namespace smmuref::model::arch
