// The model's CD decision functions as Z3 terms (model/arch/cd.cc): the ILLEGAL checklist
// CdIllegalReasons (every C_BAD_CD rule), DecodeCd's fields, and the CD-table geometry
// LocateCd / CdAddressFromL1Cd, reading the spec/fields tables [IHI0070 §5.2 S1Fmt,
// §5.3, §5.4, §5.4.2].
// Tests: proofs/cross/config_test.cc, proofs/equiv/config.cc
#pragma once

#include "../lib/bv.h"
#include "profile.h"
#include "ste.h"
#include "walk.h"

namespace smmuref::proofs {

// CdContext: StreamWorld (0 NS-EL1, 1 NS-EL2, 2 NS-EL2-E2H), STE.S1STALLD, stage 2, S2AA64.
struct CdContextTerms {
  Bv world, s1stalld, s2, s2aa64;
};

struct CdHalfMeaning {
  Bv enabled, tsz, granule_shift, ttb, tbi, had;
  Bool checks_pass = false;  // R-CD-010..012 hold for this half (whether or not it is checked)
};

struct CdMeaning {
  Bool valid = false;
  Violations illegal;  // R-CD-001 excluded (valid is separate)
  CdHalfMeaning half[2];
  Bv ips_bits, affd, wxn, pan, asid, a, r, aa64;
};

CdMeaning EncodeCd(const Bv* cd, const ProfileTerms& p, const CdContextTerms& ctx);

// LocateCd: a 2-level table's L1CD address or the CD address (R-CD-018..021), and
// CdAddressFromL1Cd (R-CD-022..024), for a decoded STE's S1ContextPtr, S1CDMax, S1Fmt and
// cd_ptr_bits.
struct CdPathTerms {
  Bool two_level = false;
  Bv addr;  // the L1CD when two_level, else the CD
};
CdPathTerms LocateCdTerm(const Bv& ctx_ptr, const Bv& s1cdmax, const Bv& s1fmt, const Bv& index);
struct CdLeafTerms {
  Bool ok = false;
  Bv addr;
};
CdLeafTerms CdFromL1CdTerm(const Bv& l1cd, const Bv& cd_ptr_bits, const Bv& s1fmt,
                           const Bv& index);

}  // namespace smmuref::proofs
