// The model's stream-table lookup and substream selection as Z3 terms (model/arch/strtab.cc
// LocateSte, model/arch/translate.cc SelectCd): linear and 2-level tables with SPLIT and the
// L1STD Span, the out-of-range StreamID checks, and the choice S1DSS makes with and without a
// SubstreamID [IHI0070 §3.3, §5.1, §5.2 S1DSS, §6.3.24].
// Tests: proofs/cross/strtab_test.cc
#pragma once

#include "../lib/bv.h"
#include "profile.h"

namespace smmuref::proofs {

// LocateSte up to the STE address, for STRTAB_BASE/STRTAB_BASE_CFG, a StreamID and the L1STD
// the 2-level form reads (free: whatever memory holds).
struct SteLocationTerms {
  Bool bad_sid = false;  // C_BAD_STREAMID (R-STRTAB-001, -008, -009)
  Bool two_level = false;
  Bv l1_addr;   // the L1STD read (2-level)
  Bv ste_addr;  // the STE read, when not bad_sid
};
SteLocationTerms LocateSteTerm(const Bv& base_reg, const Bv& cfg_reg, const Bv& sid,
                               const Bv& l1std, const ProfileTerms& p);

// SelectCd for a decoded stage-1 STE (S1CDMax, S1DSS) and a transaction's SSV/SubstreamID.
enum : uint64_t { kSelectCd = 0, kSelectBypass = 1, kSelectBadSubstream = 2, kSelectDisabled = 3 };
struct SubstreamTerms {
  Bv outcome;  // kSelect*
  Bv index;    // the CD-table index when outcome is kSelectCd
};
SubstreamTerms SelectCdTerm(const Bv& ssv, const Bv& ssid, const Bv& s1cdmax, const Bv& s1dss,
                            const ProfileTerms& p);

}  // namespace smmuref::proofs
