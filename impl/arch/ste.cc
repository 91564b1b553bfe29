// Stream table entries: decode once into SteConfig, after the ILLEGAL checklist that leads to
// C_BAD_STE, for a Non-secure STE with VMSAv8-64 stage 2 [IHI0070 §5.2, §5.2.1, §5.2.2].
// Stage-2 start level consistency follows the VTCR_EL2 rules [DDI0487 AArch64.S2InvalidSL,
// AArch64.S2InconsistentSL]. Rules R-STE-*.
// Tests: tests/impl/arch/config_test.cc, corpus/vectors/ste/*.vec, corpus/vectors/layout/ste.vec
#include <algorithm>

#include "smmuref/impl/arch/config.h"
#include "smmuref/impl/arch/kernels.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN
namespace {

// STE field positions, as (doubleword, msb, lsb) [IHI0070 §5.2; fact sheet §3.1].
struct F {
  unsigned dw, msb, lsb;
};
constexpr F kV{0, 0, 0}, kConfig{0, 3, 1}, kS1Fmt{0, 5, 4}, kS1CtxPtr{0, 55, 6},
    kS1CDMax{0, 63, 59};
constexpr F kS1DSS{1, 1, 0}, kS1STALLD{1, 27, 27}, kEATS{1, 29, 28}, kSTRW{1, 31, 30},
    kPRIVCFG{1, 49, 48}, kINSTCFG{1, 51, 50};
constexpr F kS2VMID{2, 15, 0}, kS2T0SZ{2, 37, 32}, kS2SL0{2, 39, 38}, kS2TG{2, 47, 46},
    kS2PS{2, 50, 48}, kS2AA64{2, 51, 51}, kS2ENDI{2, 52, 52}, kS2AFFD{2, 53, 53},
    kS2PTW{2, 54, 54}, kS2HD{2, 55, 55}, kS2HA{2, 56, 56}, kS2S{2, 57, 57}, kS2R{2, 58, 58},
    kS2HAFT{2, 59, 59};
constexpr F kS2TTB{3, 55, 4};

uint64_t Get(const uint64_t* raw, F f) { return ExtractBits<uint64_t>(raw[f.dw], f.msb, f.lsb); }
uint64_t GetAddr(const uint64_t* raw, F f) { return Get(raw, f) << f.lsb; }

// S2TG: 0b00 4KB, 0b01 64KB, 0b10 16KB; 0 for the reserved 0b11.
unsigned S2Granule(uint64_t tg) { return tg == 0 ? 12 : tg == 1 ? 16 : tg == 2 ? 14 : 0; }

bool GranuleAdvertised(unsigned g, const spec::Profile& p) {
  return (g == 12 && p.gran4k) || (g == 14 && p.gran16k) || (g == 16 && p.gran64k);
}

// R-STE-020: the start level S2SL0 names for the granule, or -1 when reserved or unusable.
int S2StartLevelFromSl0(unsigned sl0, unsigned g, const spec::Profile& p) {
  if (g == 12) {
    if (sl0 == 3) return p.stt ? 3 : -1;
    const int level = 2 - static_cast<int>(sl0);
    return (level == 0 && p.oas < 44) ? -1 : level;
  }
  if (sl0 == 3) return -1;
  const int level = 3 - static_cast<int>(sl0);
  if (level == 1 && p.oas < (g == 14 ? 42u : 44u)) return -1;
  return level;
}

const char* CheckStage1(const uint64_t* raw, const spec::Profile& p, bool s2) {
  // R-STE-008: stalls cannot be configured off unless the SMMU can stall.
  if (Get(raw, kS1STALLD) && p.stall_model != 0) return "R-STE-008";
  const uint64_t cdmax = Get(raw, kS1CDMax);
  // R-STE-009: S1CDMax above SSIDSIZE.
  if (p.ssidsize != 0 && cdmax > p.ssidsize) return "R-STE-009";
  // R-STE-010: 2-level CD tables need IDR0.CD2L.
  const uint64_t fmt = Get(raw, kS1Fmt);
  if (p.ssidsize != 0 && cdmax != 0 && !p.cd2l && (fmt == 1 || fmt == 2)) return "R-STE-010";
  // R-STE-011: S1ContextPtr within the IAS (stage 2 on) or OAS.
  if (ExceedsBits<uint64_t>(GetAddr(raw, kS1CtxPtr), s2 ? p.ias() : p.oas)) return "R-STE-011";
  return nullptr;
}

const char* CheckStage2Features(const uint64_t* raw, const spec::Profile& p) {
  const bool s2s = Get(raw, kS2S);
  // R-STE-014: S2S against the stall model.
  if ((s2s && p.stall_model == 1) || (!s2s && p.stall_model == 2)) return "R-STE-014";
  // R-STE-015: the stage-2 table format must be implemented.
  const bool aa64 = Get(raw, kS2AA64);
  if (aa64 ? !(p.ttf & 2) : !(p.ttf & 1)) return "R-STE-015";
  // R-STE-016: HTTU bits need the HTTU level.
  const bool ha = Get(raw, kS2HA), hd = Get(raw, kS2HD);
  if ((ha || hd) && (p.httu == 0 || !aa64)) return "R-STE-016";
  if (hd && p.httu == 1) return "R-STE-016";
  if (Get(raw, kS2HAFT) && !ha && p.httu == 3) return "R-STE-016";
  // R-STE-021: S2ENDI against TTENDIAN.
  const bool endi = Get(raw, kS2ENDI);
  if ((p.ttendian == 2 && endi) || (p.ttendian == 3 && !endi)) return "R-STE-021";
  return nullptr;
}

// Checks the stage-2 walk fields and fills `s2` when they are consistent.
const char* CheckStage2Walk(const uint64_t* raw, const spec::Profile& p, S2Params* s2) {
  const unsigned g = S2Granule(Get(raw, kS2TG));
  // R-STE-017: S2TG reserved or not advertised.
  if (g == 0 || !GranuleAdvertised(g, p)) return "R-STE-017";
  // R-STE-018: S2TTB within the effective S2PS, and within 48 bits below 64KB granules.
  const uint64_t ttb = GetAddr(raw, kS2TTB);
  const unsigned ps = EffectiveOutputBits(static_cast<unsigned>(Get(raw, kS2PS)), p);
  if (ExceedsBits<uint64_t>(ttb, ps) || (g != 16 && ExceedsBits<uint64_t>(ttb, 48))) {
    return "R-STE-018";
  }
  // R-STE-019: S2T0SZ range.
  const unsigned t0sz = static_cast<unsigned>(Get(raw, kS2T0SZ));
  const unsigned hi = p.stt ? (g == 16 ? 47u : 48u) : 39u;
  const unsigned floor = p.arch_minor == 0 ? 0u : (g == 16 ? 12u : 16u);
  const unsigned lo = std::max(floor, 64u - p.ias());
  if (t0sz < lo || t0sz > hi) return "R-STE-019";
  // R-STE-020: the start level must exist and resolve 1..stride+4 input bits.
  const int level = S2StartLevelFromSl0(static_cast<unsigned>(Get(raw, kS2SL0)), g, p);
  if (level < 0) return "R-STE-020";
  const unsigned ia = 64 - t0sz;
  const int resolved = static_cast<int>(ia) -
                       static_cast<int>(LevelShift<uint64_t>(static_cast<uint64_t>(level), g));
  if (resolved < 1 || resolved > static_cast<int>(g) - 3 + 4) return "R-STE-020";
  s2->ia_bits = static_cast<uint8_t>(ia);
  s2->granule_shift = static_cast<uint8_t>(g);
  s2->start_level = static_cast<uint8_t>(level);
  s2->ps_bits = static_cast<uint8_t>(ps);
  // R-STE-025: S2TTB bits below the (concatenated) start table size are taken as zero.
  s2->ttb = ttb & ~LowMask<uint64_t>(static_cast<uint64_t>(resolved) + 3);
  return nullptr;
}

}  // namespace

unsigned EffectiveOutputBits(unsigned code, const spec::Profile& p) {
  static constexpr unsigned kBits[8] = {32, 36, 40, 42, 44, 48, 52, 56};
  unsigned bits = kBits[code & 7];
  if (p.arch_minor == 0) bits = std::min(bits, 48u);
  if (p.arch_minor < 4) bits = std::min(bits, 52u);
  return std::min(bits, p.oas);
}

DecodeStatus DecodeSte(const uint64_t raw[8], const spec::Profile& p, bool e2h, SteConfig* out,
                       const char** rule) {
  // R-STE-001: V=0 ignores everything else.
  if (!Get(raw, kV)) {
    *rule = "R-STE-001";
    return DecodeStatus::kInvalid;
  }
  SteConfig c;
  const unsigned config = static_cast<unsigned>(Get(raw, kConfig));
  // R-STE-002: Config 0b0xx aborts silently and is never ILLEGAL.
  if (!(config & 4)) {
    c.abort = true;
    *out = c;
    return DecodeStatus::kOk;
  }
  c.s1 = config & 1;
  c.s2 = (config & 2) != 0;
  const char* bad = nullptr;
  // R-STE-003 / R-STE-004: a stage that does not exist cannot be enabled.
  if (c.s1 && !p.s1p) bad = "R-STE-003";
  if (!bad && c.s2 && !p.s2p) bad = "R-STE-004";
  // R-STE-005: EATS legality when ATS is implemented.
  const uint64_t eats = Get(raw, kEATS);
  const bool s2s = Get(raw, kS2S);
  if (!bad && p.ats && (config & 3) != 0) {
    if ((eats == 2 && (config != 7 || s2s)) || (eats == 1 && s2s && c.s2)) bad = "R-STE-005";
  }
  // R-STE-006 / R-STE-007: STRW is used for stage-1-only STEs with S1P and HYP.
  const bool strw_used = p.s1p && p.hyp && c.s1 && !c.s2;
  const uint64_t strw = Get(raw, kSTRW);
  if (!bad && strw_used && (strw & 1)) bad = "R-STE-006";
  if (!bad && c.s1) bad = CheckStage1(raw, p, c.s2);
  if (!bad && c.s2) bad = CheckStage2Features(raw, p);
  if (!bad && c.s2) bad = CheckStage2Walk(raw, p, &c.s2cfg);
  // R-STE-022: 8-bit VMIDs unless S2VMID is IGNORED (R-STE-023).
  const bool vmid_used = p.s2p && (c.s1 || c.s2) && !(strw_used && strw != 0);
  const uint64_t vmid = Get(raw, kS2VMID);
  if (!bad && vmid_used && !p.vmid16 && (vmid >> 8) != 0) bad = "R-STE-022";
  if (bad) {
    *rule = bad;
    return DecodeStatus::kIllegal;
  }
  if (strw_used && strw == 2) c.world = e2h ? World::kEl2E2h : World::kEl2;
  if (vmid_used && c.world == World::kEl1) c.vmid = static_cast<uint16_t>(vmid);
  if (c.s1) {
    // R-STE-012 / R-STE-013: S1CDMax ignored without substreams; S1Fmt and S1DSS without
    // S1CDMax; the reserved 0b11 encodings behave as 0b00.
    c.s1cdmax = p.ssidsize == 0 ? 0 : static_cast<uint8_t>(Get(raw, kS1CDMax));
    if (c.s1cdmax != 0) {
      const uint64_t fmt = Get(raw, kS1Fmt), dss = Get(raw, kS1DSS);
      c.s1fmt = fmt == 3 ? 0 : static_cast<uint8_t>(fmt);
      c.s1dss = dss == 3 ? 0 : static_cast<uint8_t>(dss);
    }
    c.cd_ptr = GetAddr(raw, kS1CtxPtr);
    c.s1stalld = Get(raw, kS1STALLD);
  }
  c.cd_ptr_bits = static_cast<uint8_t>(c.s2 ? p.ias() : p.oas);
  // R-STE-027: PRIVCFG/INSTCFG exist only with ATTR_PERMS_OVR; 0b01 behaves as 0b00.
  if (p.attr_perms_ovr) {
    const uint64_t priv = Get(raw, kPRIVCFG), inst = Get(raw, kINSTCFG);
    c.privcfg = priv == 1 ? 0 : static_cast<uint8_t>(priv);
    c.instcfg = inst == 1 ? 0 : static_cast<uint8_t>(inst);
  }
  if (c.s2) {
    S2Params& s2 = c.s2cfg;
    s2.affd = Get(raw, kS2AFFD);
    s2.ptw = Get(raw, kS2PTW);
    s2.record = Get(raw, kS2R);
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
