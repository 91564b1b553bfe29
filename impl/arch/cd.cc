// Context descriptors: CD table geometry (single, linear, 2-level), and decoding a CD once into
// CdConfig after the ILLEGAL checklist that leads to C_BAD_CD, for VMSAv8-64 stage 1
// [IHI0070 §5.2 S1Fmt/S1ContextPtr, §5.3, §5.4, §5.4.1, §5.4.2]. The arithmetic is the kernels
// DecodeCdWords, LocateCdWords and CdFromL1CdWords in config_kernels.h, which the proofs
// instantiate symbolically; this file turns their results into the engine's types and walk
// tags. Rules R-CD-*.
// Tests: proofs/equiv/config.cc, corpus/vectors/cd/*.vec, corpus/vectors/layout/cd.vec
#include "smmuref/impl/arch/config.h"
#include "smmuref/impl/arch/config_kernels.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN
namespace {

// The rule of each CdRuleBit (config_kernels.h), in checklist order.
constexpr const char* kCdRules[kCdRuleBits] = {
    "R-CD-002", "R-CD-004", "R-CD-003", "R-CD-005", "R-CD-006", "R-CD-007",
    "R-CD-008", "R-CD-009", "R-CD-010", "R-CD-011", "R-CD-012"};

uint8_t U8(uint64_t v) { return static_cast<uint8_t>(v); }

}  // namespace

const char* CdRuleName(unsigned bit) { return bit < kCdRuleBits ? kCdRules[bit] : ""; }

DecodeStatus DecodeCd(const uint64_t raw[8], const spec::Profile& p, const SteConfig& ste,
                      CdConfig* out, const char** rule) {
  const CdContextWords<uint64_t> ctx{static_cast<uint64_t>(ste.world), ste.s1stalld, ste.s2,
                                     ste.s2cfg.aa64};
  const CdWords<uint64_t> d = DecodeCdWords<uint64_t>(raw, ProfileWordsOf(p), ctx);
  // R-CD-001: V=0.
  if (!d.valid) {
    *rule = "R-CD-001";
    return DecodeStatus::kInvalid;
  }
  if (d.illegal) {
    *rule = CdRuleName(static_cast<unsigned>(__builtin_ctzll(d.illegal)));
    return DecodeStatus::kIllegal;
  }
  CdConfig c;
  c.ips_bits = U8(d.ips_bits);
  c.affd = d.affd;
  c.wxn = d.wxn;
  c.pan = d.pan;
  c.asid = static_cast<uint16_t>(d.asid);
  c.a = d.a;
  c.r = d.r;
  for (unsigned half = 0; half < 2; ++half) {
    const CdHalfWords<uint64_t>& w = d.half[half];
    if (!w.enabled) continue;
    HalfConfig& t = c.half[half];
    t.enabled = true;
    t.tbi = w.tbi;
    t.ia_bits = U8(w.ia_bits);
    t.granule_shift = U8(w.granule);
    t.start_level = U8(w.start_level);
    t.ttb = w.ttb;
    c.had[half] = w.had;
    // Walk tag: TTB (16-byte aligned at least), input size, granule, and the CD bits folded
    // into cached permissions (HADx, AFFD, WXN, PAN).
    t.sig = t.ttb | w.ia_bits << 56 | (w.granule - 12) / 2 << 62 | uint64_t{c.had[half]} |
            uint64_t{c.affd} << 1 | uint64_t{c.wxn} << 2 | uint64_t{c.pan} << 3;
  }
  *out = c;
  return DecodeStatus::kOk;
}

CdLocation LocateCd(const SteConfig& ste, uint32_t index) {
  const CdLocationWords<uint64_t> w =
      LocateCdWords<uint64_t>(ste.cd_ptr, ste.s1cdmax, ste.s1fmt, index);
  CdLocation loc;
  loc.two_level = w.two_level;
  loc.addr = w.addr;
  return loc;
}

bool CdFromL1Cd(uint64_t l1cd, const SteConfig& ste, uint32_t index, uint64_t* cd_addr) {
  const CdLeafWords<uint64_t> w =
      CdFromL1CdWords<uint64_t>(l1cd, ste.cd_ptr_bits, ste.s1fmt, index);
  if (!w.ok) return false;
  *cd_addr = w.addr;
  return true;
}

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
