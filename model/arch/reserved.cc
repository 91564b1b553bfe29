// Reserved (RES0) bits of the configuration structures, for a Non-secure stream under the
// profile's features [IHI0070 chapter 5: "All non-specified fields are RES0 ... An implementation
// either detects non-zero values ... and considers the structure invalid, or ignores the
// Reserved field entirely"; §5.1-§5.4 field descriptions]. Fields of features the profile lacks
// (PRI, MPAM, permission indirection, DPT, 52-bit, HTTU=0b11, ...) are reserved too; IGNORED and
// IMPLEMENTATION DEFINED fields are not.
// Rules: R-STE-028, R-CD-027, R-STRTAB-012. Choices: C-STE-001 (profile field struct_res0).
// Tests: tests/model/arch/reserved_test.cc
#include "smmuref/model/arch/reserved.h"

namespace smmuref::model::arch {

namespace {

constexpr uint64_t Bits(unsigned msb, unsigned lsb) {
  return (msb == 63 ? ~uint64_t{0} : (uint64_t{1} << (msb + 1)) - 1) & ~((uint64_t{1} << lsb) - 1);
}

}  // namespace

void SteReservedMask(const spec::Profile& p, uint64_t mask[8]) {
  // DW0: bits [58:56].
  mask[0] = Bits(58, 56);
  // DW1 (bit n - 64): PPAR without PRI, S1PIE, S2FWB (v3.1; no FWB in any profile), S1MPAM,
  // S1STALLD without stage 1, STRW without stage 1 or HYP, the attribute overrides without
  // ATTR_TYPES_OVR / ATTR_PERMS_OVR, and bits [107:105]. [127:116] are IMPLEMENTATION DEFINED.
  mask[1] = Bits(26, 24) | Bits(43, 41);
  if (!p.pri) mask[1] |= Bits(18, 18);
  if (!p.s1p) mask[1] |= Bits(27, 27);
  if (!p.s1p || !p.hyp) mask[1] |= Bits(31, 30);
  if (!p.attr_types_ovr) mask[1] |= Bits(40, 32) | Bits(45, 44);
  if (!p.attr_perms_ovr) mask[1] |= Bits(51, 48);  // NSCFG is IGNORED in a Non-secure STE
  // DW2 (bit n - 128): S2HAFT (HTTU is never 0b11 here), S2PIE, S2POE, DPT_VMATCH; without
  // S2P every stage-2 field from S2T0SZ to S2R (S2VMID is IGNORED instead).
  mask[2] = Bits(63, 59);
  if (!p.s2p) mask[2] |= Bits(58, 32);
  // DW3 (bit n - 192): S2NSW, S2NSA (Secure streams), S2SL0_2 and S2DS (without DS), S2TTB bits
  // for address [55:52] (v3.1-v3.3), bits [252:248], S2SKL, bit [255]; all of S2TTB without S2P.
  mask[3] = Bits(1, 0) | Bits(63, 52);
  if (!p.ds) mask[3] |= Bits(3, 2);
  if (!p.s2p) mask[3] |= Bits(55, 4);
  // DW4: [271:256] IMPLEMENTATION DEFINED; PARTID (MPAM) and the Secure and RME fields.
  mask[4] = Bits(63, 16);
  // DW5-DW7: MPAM, THE, VMS, Secure stage 2, stage-2 overlay permissions: none in scope.
  mask[5] = mask[6] = mask[7] = ~uint64_t{0};
}

void CdReservedMask(const spec::Profile& p, StreamWorld world, uint64_t mask[8]) {
  mask[0] = 0;
  // DW1 (bit n - 64): E0PD0, HAFT, TTB0 address [55:52], [121:120], PnCH, EPAN. NSCFG0 and HAD0
  // are IGNORED here (Non-secure stream; HAD0 without HAD), HWU0 [127:124] without PBHA.
  mask[1] = Bits(3, 2) | Bits(59, 52);
  // DW2 (bit n - 128): E0PD1, AIE, TTB1 address [55:52], [185:184], DS (without DS), PIE.
  mask[2] = Bits(3, 2) | Bits(57, 52) | Bits(59, 59);
  if (!p.ds) mask[2] |= Bits(58, 58);
  mask[3] = 0;  // MAIR
  mask[4] = 0;  // AMAIR: IMPLEMENTATION DEFINED
  // DW5: [351:320] IMPLEMENTATION DEFINED; PARTID, PMG (MPAM) and [383:376].
  mask[5] = Bits(63, 32);
  // DW6-DW7: permission indirection (PIIU, PIIP) and reserved bits.
  mask[6] = mask[7] = ~uint64_t{0};
  if (world == StreamWorld::kNsEl2) {
    // The TTB1 half does not exist: T1SZ, TG1, IR1, OR1, SH1, TBI1, HAD1 and TTB1 are RES0.
    mask[0] |= Bits(29, 16) | Bits(39, 39);
    // NSCFG1 is RES0 there, HAD1 too when HAD is implemented (else IGNORED).
    mask[2] |= Bits(0, 0) | Bits(55, 4) | (p.had ? Bits(1, 1) : 0);
  }
}

uint64_t L1StdReservedMask() { return Bits(63, 56) | Bits(5, 5); }

uint64_t L1CdReservedMask(bool leaf_64k) {
  // [11:1] and [63:56]; with 64KB leaf tables L2Ptr[15:12] are RES0 too [§5.2 S1Fmt].
  return Bits(63, 56) | Bits(11, 1) | (leaf_64k ? Bits(15, 12) : 0);
}

bool HasReservedBits(const uint64_t* words, const uint64_t* mask, unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    if (words[i] & mask[i]) return true;
  }
  return false;
}

bool TreatAsInvalid(const spec::Profile& p, Fetcher& fetch, const char* id) {
  // C-STE-001 (profile field struct_res0): an implementation either ignores reserved fields or
  // considers the structure invalid; with `any` both are allowed.
  const bool ignore = p.Allows(spec::Choice::kStructRes0, 0);
  const bool invalid = p.Allows(spec::Choice::kStructRes0, 1);
  if (ignore && invalid) return fetch.Choose(id, 2) == 1;
  return invalid;
}

}  // namespace smmuref::model::arch
