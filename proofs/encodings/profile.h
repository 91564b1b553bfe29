// An IDR profile as Z3 terms, for the encodings: the constants of a named profile, or free
// variables constrained to the values a profile may take (with the scope the model covers:
// VMSAv8-64 tables only, IDR0.TTF=0b10) [IHI0070 §6.3.1-§6.3.6; spec/profiles/README.md].
// Tests: proofs/cross/config_test.cc
#pragma once

#include <string>
#include <vector>

#include "../lib/bv.h"
#include "../lib/prove.h"
#include "smmuref/spec/profile.h"

namespace smmuref::proofs {

struct ProfileTerms {
  Bv arch_minor, s1p, s2p, ttf, httu, hyp, ats, pri, asid16, vmid16, cd2l, msi, ttendian;
  Bv stall_model, term_model, st_level, sidsize, ssidsize, cmdqs, eventqs, attr_perms_ovr, had;
  Bv xnx, ril, stt, oas, gran4k, gran16k, gran64k, ds, vax;

  Bv Ias() const;  // MAX(TTF[0] ? 40 : 0, TTF[1] ? OAS : 0)
};

// The constants of a concrete profile.
ProfileTerms ConstantProfile(const spec::Profile& p);

// Free variables named `prefix.field`, and the assumptions that keep them to values a profile
// may have: booleans 0/1, the IDR field widths, OAS one of the encodable sizes, and the scope
// (TTF=0b10, SMMUv3.0-3.3, SIDSIZE <= 32, SSIDSIZE <= 20, queue sizes <= 19).
ProfileTerms SymbolicProfile(const std::string& prefix, std::vector<Assumption>* assumptions);

// Every field of `t` with its name, for decoding witnesses and building evaluator inputs.
std::vector<std::pair<std::string, Bv*>> ProfileFields(ProfileTerms& t);

}  // namespace smmuref::proofs
