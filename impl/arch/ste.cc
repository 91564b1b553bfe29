// Stream table entries: decode once into SteConfig, after the ILLEGAL checklist that leads to
// C_BAD_STE, for a Non-secure STE with VMSAv8-64 stage 2 [IHI0070 §5.2, §5.2.1, §5.2.2]. The
// arithmetic (checklist R-STE-003..022 and the decoded fields) is the kernel DecodeSteWords in
// config_kernels.h, which the proofs instantiate symbolically; this file turns its result into
// the engine's types and the walk tag. Rules R-STE-*.
// Tests: proofs/equiv/config.cc, corpus/vectors/ste/*.vec, corpus/vectors/layout/ste.vec
#include "smmuref/impl/arch/config.h"
#include "smmuref/impl/arch/config_kernels.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN
namespace {

// The rule of each SteRuleBit (config_kernels.h), in checklist order.
constexpr const char* kSteRules[kSteRuleBits] = {
    "R-STE-003", "R-STE-004", "R-STE-005", "R-STE-006", "R-STE-008", "R-STE-009",
    "R-STE-010", "R-STE-011", "R-STE-014", "R-STE-015", "R-STE-016", "R-STE-021",
    "R-STE-017", "R-STE-018", "R-STE-019", "R-STE-020", "R-STE-022"};

uint8_t U8(uint64_t v) { return static_cast<uint8_t>(v); }

}  // namespace

const char* SteRuleName(unsigned bit) { return bit < kSteRuleBits ? kSteRules[bit] : ""; }

ProfileWords<uint64_t> ProfileWordsOf(const spec::Profile& p) {
  ProfileWords<uint64_t> w;
  w.arch_minor = p.arch_minor;
  w.s1p = p.s1p;
  w.s2p = p.s2p;
  w.ttf = p.ttf;
  w.httu = p.httu;
  w.hyp = p.hyp;
  w.ats = p.ats;
  w.asid16 = p.asid16;
  w.vmid16 = p.vmid16;
  w.cd2l = p.cd2l;
  w.ttendian = p.ttendian;
  w.stall_model = p.stall_model;
  w.term_model = p.term_model;
  w.ssidsize = p.ssidsize;
  w.attr_perms_ovr = p.attr_perms_ovr;
  w.had = p.had;
  w.stt = p.stt;
  w.vax = p.vax;
  w.oas = p.oas;
  w.gran4k = p.gran4k;
  w.gran16k = p.gran16k;
  w.gran64k = p.gran64k;
  return w;
}

unsigned EffectiveOutputBits(unsigned code, const spec::Profile& p) {
  return static_cast<unsigned>(EffectiveOutputBits<uint64_t>(code, ProfileWordsOf(p)));
}

DecodeStatus DecodeSte(const uint64_t raw[8], const spec::Profile& p, bool e2h, SteConfig* out,
                       const char** rule) {
  const SteWords<uint64_t> d = DecodeSteWords<uint64_t>(raw, ProfileWordsOf(p));
  // R-STE-001: V=0 ignores everything else.
  if (!d.valid) {
    *rule = "R-STE-001";
    return DecodeStatus::kInvalid;
  }
  SteConfig c;
  // R-STE-002: Config 0b0xx aborts silently and is never ILLEGAL.
  if (d.abort) {
    c.abort = true;
    *out = c;
    return DecodeStatus::kOk;
  }
  if (d.illegal) {
    *rule = SteRuleName(static_cast<unsigned>(__builtin_ctzll(d.illegal)));
    return DecodeStatus::kIllegal;
  }
  c.s1 = d.s1;
  c.s2 = d.s2;
  c.s1fmt = U8(d.s1fmt);
  c.s1cdmax = U8(d.s1cdmax);
  c.s1dss = U8(d.s1dss);
  c.privcfg = U8(d.privcfg);
  c.instcfg = U8(d.instcfg);
  c.cd_ptr_bits = U8(d.cd_ptr_bits);
  if (d.el2) c.world = e2h ? World::kEl2E2h : World::kEl2;
  c.s1stalld = d.s1stalld;
  c.vmid = static_cast<uint16_t>(d.vmid);
  c.cd_ptr = d.cd_ptr;
  if (c.s2) {
    S2Params& s2 = c.s2cfg;
    s2.ttb = d.s2_ttb;
    s2.ia_bits = U8(d.s2_ia_bits);
    s2.granule_shift = U8(d.s2_granule);
    s2.start_level = U8(d.s2_start_level);
    s2.ps_bits = U8(d.s2_ps_bits);
    s2.affd = d.s2_affd;
    s2.ptw = d.s2_ptw;
    s2.record = d.s2_record;
    s2.aa64 = d.s2_aa64;
    // Tag of the stage-2 walk: S2TTB, input size, granule, start level, S2AFFD. S2TTB is
    // 16-byte aligned, leaving bits [3:0] free.
    s2.sig = s2.ttb | uint64_t{s2.ia_bits} << 56 | uint64_t{s2.start_level & 3u} << 62 |
             uint64_t{(s2.granule_shift - 12u) / 2u} << 1 | uint64_t{s2.affd};
  }
  *out = c;
  return DecodeStatus::kOk;
}

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
