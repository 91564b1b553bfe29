// The model's STE decision functions as Z3 terms (model/arch/ste.cc): the ILLEGAL checklist
// SteIllegalReasons (every C_BAD_STE rule, one condition per violation the model can report),
// DecodeSte's fields, S2StartLevel and EffectiveAddressSize, reading the spec/fields tables,
// under a constant or symbolic profile [IHI0070 §5.2, §5.2.2; DDI0487 AArch64.S2InvalidSL,
// AArch64.S2InconsistentSL].
// Tests: proofs/cross/config_test.cc, proofs/equiv/config.cc
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "../lib/bv.h"
#include "profile.h"

namespace smmuref::proofs {

// A rule id with the condition under which the model reports it. A rule may appear more than
// once (the model reports R-STE-014 and R-STE-016 from separate conditions).
using Violations = std::vector<std::pair<std::string, Bool>>;

// Whether `rule` is among the violations.
Bool Violated(const Violations& v, const std::string& rule);
// Whether any violation holds.
Bool AnyViolated(const Violations& v);

struct SteMeaning {
  Bool valid = false;  // V
  Bool abort = false;  // Config 0b0xx (with V=1)
  Violations illegal;  // meaningful with V=1 and Config 0b1xx
  // DecodeSte's fields (meaningful when valid, not abort, no violation)
  Bv s1, s2, s1fmt, s1cdmax, s1dss, s1_context_ptr, cd_ptr_bits, s1stalld, privcfg, instcfg;
  Bv el2;  // StreamWorld NS-EL2 or NS-EL2-E2H (STRW=0b10 used); SMMU_CR2.E2H picks which
  Bv vmid;
  Bv s2_t0sz, s2_granule_shift, s2_start_level, s2_concat, s2_ps_bits, s2_ttb, s2_affd, s2_ptw;
  Bv s2_ha, s2_hd, s2_r, s2_s, s2aa64;
};

SteMeaning EncodeSte(const Bv* ste, const ProfileTerms& p);

// R-STE-024 / R-CD-015: MIN(size of an S2PS/IPS encoding, OAS) in bits.
Bv EffectiveAddressSizeTerm(const Bv& ps, const ProfileTerms& p);
// Whether IDR5 advertises the granule (12, 14 or 16).
Bool GranuleSupportedTerm(const Bv& g, const ProfileTerms& p);

// R-STE-020: S2StartLevel: whether {S2T0SZ, S2SL0, granule} is consistent, and the start level
// and number of concatenated tables.
struct S2StartTerm {
  Bool ok = false;
  Bv level, concat;
};
S2StartTerm S2StartLevelTerm(const Bv& t0sz, const Bv& sl0, const Bv& g, const ProfileTerms& p);

}  // namespace smmuref::proofs
