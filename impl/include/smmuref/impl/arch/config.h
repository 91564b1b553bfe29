// Decoded configuration of the engine: what an STE and a CD say, decoded once when fetched and
// kept in the configuration cache (config_cache.h). The translation path reads only these
// structs. Decoders and ILLEGAL checklists: impl/arch/ste.cc, impl/arch/cd.cc
// [IHI0070 §5.1-§5.4].
// Tests: proofs/equiv/config.cc, corpus/vectors/ste/*.vec, corpus/vectors/cd/*.vec
#pragma once

#include <cstdint>

#include "smmuref/impl/arch/config_kernels.h"
#include "smmuref/impl/arch/mutant.h"
#include "smmuref/spec/profile.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN

// StreamWorld [IHI0070 §5.2 STRW].
enum class World : uint8_t { kEl1, kEl2, kEl2E2h };

// Stage-2 walk parameters of a stage-2-enabled STE.
struct S2Params {
  uint64_t ttb = 0;  // S2TTB aligned to the (concatenated) start table
  uint64_t sig = 0;  // tag of everything the walk depends on (TLB and walk-cache entries)
  uint8_t ia_bits = 0;  // 64 - S2T0SZ
  uint8_t granule_shift = 12;
  uint8_t start_level = 0;
  uint8_t ps_bits = 48;  // MIN(S2PS, OAS)
  bool affd = false, ptw = false, record = false;
  bool aa64 = true;  // S2AA64 (a CD over a VMSAv8-32 stage 2 is ILLEGAL, R-CD-007)
};

struct SteConfig {
  bool abort = false;  // V=1, Config 0b0xx: abort without an event
  bool s1 = false, s2 = false;
  uint8_t s1fmt = 0, s1cdmax = 0, s1dss = 0;
  uint8_t privcfg = 0, instcfg = 0;  // 0 incoming, 2 unprivileged/data, 3 privileged/instr
  uint8_t cd_ptr_bits = 48;          // IAS with stage 2, else OAS
  World world = World::kEl1;
  bool s1stalld = false;
  uint16_t vmid = 0;  // S2VMID when it tags translations, else 0
  uint64_t cd_ptr = 0;
  S2Params s2cfg;
};

// One half (TTB0/TTB1) of a CD's VA space.
struct HalfConfig {
  bool enabled = false;  // EPDx=0 and the half exists in the StreamWorld
  bool tbi = false;
  uint8_t ia_bits = 0;  // 64 - TxSZ
  uint8_t granule_shift = 12;
  uint8_t start_level = 0;
  uint64_t ttb = 0;  // aligned to the start table
  uint64_t sig = 0;  // walk tag: TTB, TxSZ, granule, HADx, AFFD, WXN, PAN
};

struct CdConfig {
  HalfConfig half[2];
  uint8_t ips_bits = 48;  // MIN(IPS, OAS)
  bool had[2] = {false, false};
  bool affd = false, wxn = false, pan = false;
  bool a = false, r = false;
  uint16_t asid = 0;  // 0 in NS-EL2, where the ASID is IGNORED
};

enum class DecodeStatus : uint8_t { kOk, kInvalid, kIllegal };

// The profile as the decode kernels read it (config_kernels.h).
ProfileWords<uint64_t> ProfileWordsOf(const spec::Profile& p);

// The rule id of a bit of SteWords::illegal / CdWords::illegal (config_kernels.h).
const char* SteRuleName(unsigned bit);
const char* CdRuleName(unsigned bit);

// MIN(size encoded by an IPS/S2PS field, OAS) in bits (R-CD-015, R-STE-024).
unsigned EffectiveOutputBits(unsigned code, const spec::Profile& p);

// Decodes a fetched STE. On kInvalid (V=0) or kIllegal, *rule names the rule.
DecodeStatus DecodeSte(const uint64_t raw[8], const spec::Profile& p, bool e2h, SteConfig* out,
                       const char** rule);

// What a CD's legality depends on besides the CD (the STE that reaches it).
DecodeStatus DecodeCd(const uint64_t raw[8], const spec::Profile& p, const SteConfig& ste,
                      CdConfig* out, const char** rule);

// CD table geometry [IHI0070 §5.2 S1Fmt]: where the CD (or the L1CD) of index `index` lives.
struct CdLocation {
  bool two_level = false;
  uint64_t addr = 0;  // the CD, or the L1CD when two_level
};
CdLocation LocateCd(const SteConfig& ste, uint32_t index);
// From an L1CD to the CD address; false when the L1CD is invalid or out of range (R-CD-022/023).
bool CdFromL1Cd(uint64_t l1cd, const SteConfig& ste, uint32_t index, uint64_t* cd_addr);

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
