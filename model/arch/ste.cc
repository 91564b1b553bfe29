// Stream table entries: decode into SteConfig and the ILLEGAL checklist that leads to C_BAD_STE,
// for a Non-secure STE with VMSAv8-64 stage 2 [IHI0070 §5.2, §5.2.1, §5.2.2 SteIllegal()].
// Stage-2 start level consistency follows the Arm ARM VTCR_EL2 rules [DDI0487 AArch64.S2InvalidSL,
// AArch64.S2InconsistentSL].
// Tests: tests/model/arch/ste_test.cc
#include "smmuref/model/arch/ste.h"
#include "smmuref/spec/format.h"

#include <algorithm>
#include <string>

#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

using spec::Hex;
using spec::Bin;
namespace {

namespace f = spec::ste;

std::string Dec(uint64_t v) { return std::to_string(v); }

// S2TG: 0b00 4KB, 0b01 64KB, 0b10 16KB, 0b11 reserved (0 returned).
unsigned S2GranuleShift(uint64_t s2tg) {
  switch (s2tg) {
    case 0:
      return 12;
    case 1:
      return 16;
    case 2:
      return 14;
    default:
      return 0;
  }
}

// The STE fields that decide which other fields are used.
struct SteShape {
  unsigned config;
  bool s1, s2;
  bool strw_used;  // IgnoreSTESTRW() is false
  bool s2vmid_used;
};

SteShape Shape(const uint64_t ste[8], const spec::Profile& p) {
  SteShape sh{};
  sh.config = static_cast<unsigned>(spec::Get(ste, f::Config));
  const bool translate = (sh.config & 4) != 0;
  sh.s1 = translate && (sh.config & 1);
  sh.s2 = translate && (sh.config & 2);
  // R-STE-007: STRW is used only with stage 1 alone, S1P=1 and HYP=1; otherwise RES0 or IGNORED.
  sh.strw_used = p.s1p && p.hyp && sh.s1 && !sh.s2;
  const uint64_t strw = spec::Get(ste, f::STRW);
  // R-STE-023: with S2P=1, S2VMID tags every NS-EL1 translating configuration.
  sh.s2vmid_used = p.s2p && (sh.s1 || sh.s2) && !(sh.strw_used && strw != 0);
  return sh;
}

// Start-level table size in bytes (with concatenation) for a consistent stage 2.
uint64_t S2StartTableBytes(unsigned ia_bits, unsigned g, int level) {
  const unsigned resolved = ia_bits - (g + (3 - level) * (g - 3));
  return uint64_t{8} << resolved;
}

void CheckStage1(const uint64_t ste[8], const spec::Profile& p, const SteShape& sh,
                 std::vector<Violation>& out) {
  // R-STE-008: S1STALLD=1 is ILLEGAL unless IDR0.STALL_MODEL is 0b00.
  if (SMMUREF_RULE_IF("R-STE-008", spec::Get(ste, f::S1STALLD) && p.stall_model != 0)) {
    out.push_back({"R-STE-008", "S1STALLD=1 but SMMU_IDR0.STALL_MODEL=" + Bin(p.stall_model, 2) +
                                    " does not allow stalls to be configured"});
  }
  const uint64_t cdmax = spec::Get(ste, f::S1CDMax);
  // R-STE-009: S1CDMax above IDR1.SSIDSIZE is ILLEGAL (S1CDMax is IGNORED when SSIDSIZE=0).
  if (SMMUREF_RULE_IF("R-STE-009", p.ssidsize != 0 && cdmax > p.ssidsize)) {
    out.push_back(
        {"R-STE-009", "S1CDMax=" + Dec(cdmax) + " exceeds SMMU_IDR1.SSIDSIZE=" + Dec(p.ssidsize)});
  }
  // R-STE-010: a 2-level CD table (S1Fmt 0b01/0b10) with substreams enabled needs IDR0.CD2L.
  const uint64_t fmt = spec::Get(ste, f::S1Fmt);
  if (SMMUREF_RULE_IF("R-STE-010",
                      p.ssidsize != 0 && cdmax != 0 && !p.cd2l && (fmt == 1 || fmt == 2))) {
    out.push_back({"R-STE-010", "S1Fmt=" + Bin(fmt, 2) + " selects a 2-level CD table (S1CDMax=" +
                                    Dec(cdmax) + ") but SMMU_IDR0.CD2L=0"});
  }
  // R-STE-011: S1ContextPtr must lie within the IAS (stage 2 on) or the OAS (stage 2 off).
  const uint64_t ptr = spec::Get(ste, f::S1ContextPtr) << f::S1ContextPtr.lsb;
  const unsigned bits = sh.s2 ? p.ias() : p.oas;
  if (SMMUREF_RULE_IF("R-STE-011", bits < 64 && (ptr >> bits) != 0)) {
    out.push_back({"R-STE-011", "S1ContextPtr=" + Hex(ptr) + " is outside the " + Dec(bits) +
                                    "-bit " + (sh.s2 ? "IAS" : "OAS")});
  }
}

void CheckS2Features(const uint64_t ste[8], const spec::Profile& p, std::vector<Violation>& out) {
  const bool s2s = spec::Get(ste, f::S2S);
  // R-STE-014: S2S must be 0 without stall support (STALL_MODEL=0b01), 1 when stall is forced.
  if (SMMUREF_RULE_IF("R-STE-014", s2s && p.stall_model == 1)) {
    out.push_back({"R-STE-014", "S2S=1 but SMMU_IDR0.STALL_MODEL=0b01 (no stall)"});
  }
  if (SMMUREF_RULE_IF("R-STE-014", !s2s && p.stall_model == 2)) {
    out.push_back({"R-STE-014", "S2S=0 but SMMU_IDR0.STALL_MODEL=0b10 (stall forced)"});
  }
  // R-STE-015: S2AA64 must select a table format that IDR0.TTF supports.
  const bool aa64 = spec::Get(ste, f::S2AA64);
  if (SMMUREF_RULE_IF("R-STE-015", (aa64 && !(p.ttf & 2)) || (!aa64 && !(p.ttf & 1)))) {
    out.push_back({"R-STE-015", "S2AA64=" + Dec(aa64) + " selects " +
                                    (aa64 ? "VMSAv8-64" : "VMSAv8-32 LPAE") +
                                    " tables, not supported with SMMU_IDR0.TTF=" + Bin(p.ttf, 2)});
  }
  // R-STE-016: S2HA/S2HD/S2HAFT need the matching IDR0.HTTU level.
  const bool ha = spec::Get(ste, f::S2HA), hd = spec::Get(ste, f::S2HD);
  if (SMMUREF_RULE_IF("R-STE-016", (ha || hd) && (p.httu == 0 || !aa64))) {
    out.push_back({"R-STE-016", "S2HA=" + Dec(ha) + " S2HD=" + Dec(hd) +
                                    " with SMMU_IDR0.HTTU=" + Bin(p.httu, 2)});
  } else if (SMMUREF_RULE_IF("R-STE-016", hd && p.httu == 1)) {
    out.push_back({"R-STE-016", "S2HD=1 but SMMU_IDR0.HTTU=0b01 (Access flag only)"});
  }
  if (SMMUREF_RULE_IF("R-STE-016", spec::Get(ste, f::S2HAFT) && !ha && p.httu == 3)) {
    out.push_back({"R-STE-016", "S2HAFT=1 with S2HA=0"});
  }
  // R-STE-021: S2ENDI must select an implemented endianness (IDR0.TTENDIAN).
  const bool endi = spec::Get(ste, f::S2ENDI);
  if (SMMUREF_RULE_IF("R-STE-021", (p.ttendian == 2 && endi) || (p.ttendian == 3 && !endi))) {
    out.push_back(
        {"R-STE-021", "S2ENDI=" + Dec(endi) + " but SMMU_IDR0.TTENDIAN=" + Bin(p.ttendian, 2)});
  }
}

void CheckS2Walk(const uint64_t ste[8], const spec::Profile& p, std::vector<Violation>& out) {
  const uint64_t tg = spec::Get(ste, f::S2TG);
  const unsigned g = S2GranuleShift(tg);
  // R-STE-017: S2TG must be a granule advertised in IDR5, and not the reserved 0b11.
  if (SMMUREF_RULE_IF("R-STE-017", g == 0 || !GranuleSupported(g, p))) {
    out.push_back(
        {"R-STE-017",
         "S2TG=" + Bin(tg, 2) + (g == 0 ? " is reserved" : " selects a granule not in SMMU_IDR5")});
  }
  // R-STE-018: S2TTB beyond the effective S2PS, or beyond 48 bits with a granule below 64KB.
  const uint64_t ttb = spec::Get(ste, f::S2TTB) << f::S2TTB.lsb % 64;
  const unsigned ps = EffectiveAddressSize(static_cast<unsigned>(spec::Get(ste, f::S2PS)), p);
  if (SMMUREF_RULE_IF("R-STE-018", (ttb >> ps) != 0)) {
    out.push_back({"R-STE-018",
                   "S2TTB=" + Hex(ttb) + " is outside the effective S2PS of " + Dec(ps) + " bits"});
  } else if (SMMUREF_RULE_IF("R-STE-018", g != 16 && (ttb >> 48) != 0)) {
    out.push_back(
        {"R-STE-018", "S2TTB=" + Hex(ttb) + " is outside 48 bits with a granule below 64KB"});
  }
  if (g == 0) return;  // the granule decides both checks below
  // R-STE-019: S2T0SZ within [MAX(16, 64-IAS) (12 for 64KB), 39 (STT=0) or 48/47 (STT=1)].
  const unsigned t0sz = static_cast<unsigned>(spec::Get(ste, f::S2T0SZ));
  const unsigned max = p.stt ? (g == 16 ? 47 : 48) : 39;
  const unsigned floor = p.arch_minor == 0 ? 0 : (g == 16 ? 12 : 16);
  const unsigned min = std::max(floor, 64 - p.ias());
  if (SMMUREF_RULE_IF("R-STE-019", t0sz < min || t0sz > max)) {
    out.push_back(
        {"R-STE-019", "S2T0SZ=" + Dec(t0sz) + " is outside [" + Dec(min) + ", " + Dec(max) + "]"});
    return;  // an out-of-range size has no consistent start level
  }
  int level = 0;
  unsigned concat = 0;
  const unsigned sl0 = static_cast<unsigned>(spec::Get(ste, f::S2SL0));
  // R-STE-020: {S2SL0, S2TG, S2T0SZ} must name a start level that resolves the input size.
  if (SMMUREF_RULE_IF("R-STE-020", !S2StartLevel(t0sz, sl0, g, p, &level, &concat))) {
    out.push_back({"R-STE-020", "S2SL0=" + Bin(sl0, 2) + " is inconsistent with S2TG=" +
                                    Bin(tg, 2) + " and S2T0SZ=" + Dec(t0sz)});
  }
}

}  // namespace

unsigned EffectiveAddressSize(unsigned ps, const spec::Profile& p) {
  static const unsigned kBits[8] = {32, 36, 40, 42, 44, 48, 52, 56};
  unsigned bits = kBits[ps & 7];
  // R-STE-024 / R-CD-015: 0b110 and 0b111 are reserved as 48 bits in v3.0; 0b111 behaves as 52
  // bits before v3.4. The effective size is then capped to the OAS.
  if (p.arch_minor == 0 && bits > 48) bits = 48;
  if (p.arch_minor < 4 && bits > 52) bits = 52;
  return std::min(bits, p.oas);
}

bool GranuleSupported(unsigned granule_shift, const spec::Profile& p) {
  switch (granule_shift) {
    case 12:
      return p.gran4k;
    case 14:
      return p.gran16k;
    case 16:
      return p.gran64k;
    default:
      return false;
  }
}

bool S2StartLevel(unsigned s2t0sz, unsigned s2sl0, unsigned granule_shift, const spec::Profile& p,
                  int* level, unsigned* concat) {
  // R-STE-020: S2SL0 encodes the start level per granule, as VTCR_EL2.SL0 without DS:
  // 4KB 0/1/2 -> level 2/1/0, 3 -> level 3 only with IDR3.STT; 16KB and 64KB 0/1/2 -> level 3/2/1,
  // 3 reserved. Level 0 (4KB) and level 1 (64KB) need a 44-bit, level 1 (16KB) a 42-bit physical
  // address size (OAS) [DDI0487 AArch64.S2InvalidSL].
  const unsigned g = granule_shift;
  int sl;
  if (g == 12) {
    if (s2sl0 == 3 && !p.stt) return false;
    static const int kLevel4k[4] = {2, 1, 0, 3};
    sl = kLevel4k[s2sl0 & 3];
    if (sl == 0 && p.oas < 44) return false;
  } else if (g == 14 || g == 16) {
    if (s2sl0 == 3) return false;
    sl = 3 - static_cast<int>(s2sl0);
    if (sl == 1 && p.oas < (g == 14 ? 42u : 44u)) return false;
  } else {
    return false;
  }
  // The start level must resolve between 1 and stride+4 input bits, i.e. 1 to 16 concatenated
  // tables [DDI0487 AArch64.S2InconsistentSL].
  const int stride = static_cast<int>(g) - 3;
  const int resolved = (64 - static_cast<int>(s2t0sz)) - (static_cast<int>(g) + (3 - sl) * stride);
  if (resolved < 1 || resolved > stride + 4) return false;
  *level = sl;
  *concat = resolved > stride ? 1u << (resolved - stride) : 1u;
  return true;
}

std::vector<Violation> SteIllegalReasons(const uint64_t ste[8], const spec::Profile& p) {
  std::vector<Violation> out;
  // R-STE-001 / R-STE-002: V=0 (C_BAD_STE) and Config=0b0xx (silent abort) are decided by the
  // caller before the checklist; neither is reported here.
  if (!spec::Get(ste, f::V)) return out;
  const SteShape sh = Shape(ste, p);
  if (!(sh.config & 4)) return out;
  // R-STE-003 / R-STE-004: a stage that is not implemented cannot be enabled.
  if (SMMUREF_RULE_IF("R-STE-003", sh.s1 && !p.s1p)) {
    out.push_back({"R-STE-003", "Config=" + Bin(sh.config, 3) + " enables stage 1 but S1P=0"});
  }
  if (SMMUREF_RULE_IF("R-STE-004", sh.s2 && !p.s2p)) {
    out.push_back({"R-STE-004", "Config=" + Bin(sh.config, 3) + " enables stage 2 but S2P=0"});
  }
  // R-STE-005: with ATS, split-stage EATS=0b10 needs Config=0b111 and S2S=0; full ATS (0b01,
  // or 0b11 which behaves as 0b00 without DPT) is ILLEGAL with stage 2 and S2S=1.
  const uint64_t eats = spec::Get(ste, f::EATS);
  const bool s2s = spec::Get(ste, f::S2S);
  if (p.ats && (sh.config & 3) != 0) {
    if (SMMUREF_RULE_IF("R-STE-005", eats == 2 && (sh.config != 7 || s2s))) {
      out.push_back({"R-STE-005", "EATS=0b10 needs Config=0b111 and S2S=0 (Config=" +
                                      Bin(sh.config, 3) + ", S2S=" + Dec(s2s) + ")"});
    } else if (SMMUREF_RULE_IF("R-STE-005", eats == 1 && s2s && sh.s2)) {
      out.push_back({"R-STE-005", "EATS=0b01 with stage 2 enabled and S2S=1"});
    }
  }
  // R-STE-006: STRW=0bx1 is reserved and ILLEGAL when STRW is used.
  const uint64_t strw = spec::Get(ste, f::STRW);
  if (SMMUREF_RULE_IF("R-STE-006", sh.strw_used && (strw & 1))) {
    out.push_back({"R-STE-006", "STRW=" + Bin(strw, 2) + " is reserved"});
  }
  // R-STE-026: S1* fields are checked only with stage 1 enabled, S2* fields only with stage 2.
  if (!sh.s1 || !sh.s2) SMMUREF_RULE("R-STE-026");
  if (sh.s1 && p.s1p) CheckStage1(ste, p, sh, out);
  if (sh.s2 && p.s2p) {
    CheckS2Features(ste, p, out);
    CheckS2Walk(ste, p, out);
  }
  // R-STE-022: with 8-bit VMIDs, S2VMID[15:8] must be zero unless S2VMID is IGNORED.
  const uint64_t vmid = spec::Get(ste, f::S2VMID);
  if (SMMUREF_RULE_IF("R-STE-022", sh.s2vmid_used && !p.vmid16 && (vmid >> 8) != 0)) {
    out.push_back(
        {"R-STE-022", "S2VMID=" + Hex(vmid) + " has bits [15:8] set but SMMU_IDR0.VMID16=0"});
  }
  return out;
}

namespace {

void DecodeStage1(const uint64_t ste[8], const spec::Profile& p, bool e2h, SteConfig& c) {
  // R-STE-012: S1CDMax is IGNORED (0) when SSIDSIZE=0; S1Fmt and S1DSS when S1CDMax=0.
  c.s1cdmax = p.ssidsize == 0 ? 0 : static_cast<unsigned>(spec::Get(ste, f::S1CDMax));
  const uint64_t ignored = spec::Get(ste, f::S1CDMax) | spec::Get(ste, f::S1Fmt) |
                           spec::Get(ste, f::S1DSS);
  if (c.s1cdmax == 0 && ignored != 0) SMMUREF_RULE("R-STE-012");
  if (c.s1cdmax != 0) {
    // R-STE-013: the reserved S1Fmt=0b11 behaves as 0b00 (linear) and S1DSS=0b11 as 0b00.
    const unsigned fmt = static_cast<unsigned>(spec::Get(ste, f::S1Fmt));
    const unsigned dss = static_cast<unsigned>(spec::Get(ste, f::S1DSS));
    if (fmt == 3 || dss == 3) SMMUREF_RULE("R-STE-013");
    c.s1fmt = fmt == 3 ? 0 : fmt;
    c.s1dss = dss == 3 ? 0 : dss;
  }
  c.s1_context_ptr = spec::Get(ste, f::S1ContextPtr) << f::S1ContextPtr.lsb;
  c.s1stalld = spec::Get(ste, f::S1STALLD);
  // R-STE-007: STRW 0b00 -> NS-EL1; 0b10 -> NS-EL2, or NS-EL2-E2H when SMMU_CR2.E2H=1.
  if (SMMUREF_RULE_IF("R-STE-007", p.s1p && p.hyp && !c.s2 && spec::Get(ste, f::STRW) == 2)) {
    c.world = e2h ? StreamWorld::kNsEl2E2H : StreamWorld::kNsEl2;
  }
}

void DecodeStage2(const uint64_t ste[8], const spec::Profile& p, SteConfig& c) {
  S2Config& s2 = c.s2cfg;
  s2.t0sz = static_cast<unsigned>(spec::Get(ste, f::S2T0SZ));
  const unsigned g = S2GranuleShift(spec::Get(ste, f::S2TG));
  s2.granule_shift = g == 0 ? 12 : g;
  // R-STE-024: the output size is MIN(S2PS, OAS).
  SMMUREF_RULE("R-STE-024");
  s2.ps_bits = EffectiveAddressSize(static_cast<unsigned>(spec::Get(ste, f::S2PS)), p);
  s2.ttb = spec::Get(ste, f::S2TTB) << f::S2TTB.lsb % 64;
  int level = 0;
  unsigned concat = 1;
  if (g != 0 && S2StartLevel(s2.t0sz, static_cast<unsigned>(spec::Get(ste, f::S2SL0)), g, p, &level,
                             &concat)) {
    s2.start_level = level;
    s2.concat = concat;
    // R-STE-025: S2TTB bits below the alignment of the start-level table(s) are taken as zero;
    // 64 bytes at least when the output size is 52 bits.
    uint64_t align = S2StartTableBytes(64 - s2.t0sz, g, level);
    if (s2.ps_bits >= 52) align = std::max<uint64_t>(align, 64);
    if (s2.ttb & (align - 1)) SMMUREF_RULE("R-STE-025");
    s2.ttb &= ~(align - 1);
  }
  s2.vmid = c.vmid;
  s2.affd = spec::Get(ste, f::S2AFFD);
  s2.ptw = spec::Get(ste, f::S2PTW);
  s2.ha = spec::Get(ste, f::S2HA);
  s2.hd = s2.ha && spec::Get(ste, f::S2HD);  // {S2HA,S2HD}=0b01 behaves as 0b00
  s2.r = spec::Get(ste, f::S2R);
  s2.s = spec::Get(ste, f::S2S);
}

unsigned DecodeOverride(uint64_t raw) { return raw == 1 ? 0 : static_cast<unsigned>(raw); }

}  // namespace

SteConfig DecodeSte(const uint64_t ste[8], const spec::Profile& p, bool e2h) {
  SteConfig c;
  // R-STE-001: V=0 leaves every other field IGNORED; the caller records C_BAD_STE.
  c.valid = spec::Get(ste, f::V);
  if (!c.valid) return c;
  const SteShape sh = Shape(ste, p);
  c.config = sh.config;
  // R-STE-002: Config=0b0xx (0b001-0b011 reserved) aborts without an event and is never ILLEGAL.
  c.abort = (sh.config & 4) == 0;
  if (c.abort) return c;
  c.s1 = sh.s1;
  c.s2 = sh.s2;
  c.mev = spec::Get(ste, f::MEV);
  // R-STE-027: PRIVCFG and INSTCFG overrides; the reserved 0b01 behaves as 0b00 (use incoming).
  // Both fields are RES0 (incoming attributes used) unless IDR1.ATTR_PERMS_OVR=1.
  if (spec::Get(ste, f::PRIVCFG) | spec::Get(ste, f::INSTCFG)) SMMUREF_RULE("R-STE-027");
  if (p.attr_perms_ovr) {
    c.privcfg = DecodeOverride(spec::Get(ste, f::PRIVCFG));
    c.instcfg = DecodeOverride(spec::Get(ste, f::INSTCFG));
  }
  c.cd_ptr_bits = c.s2 ? p.ias() : p.oas;
  if (c.s1) DecodeStage1(ste, p, e2h, c);
  // R-STE-023: S2VMID tags NS-EL1 translations when S2P=1, stage-1-only included; else 0.
  if (SMMUREF_RULE_IF("R-STE-023", sh.s2vmid_used && c.world == StreamWorld::kNsEl1)) {
    c.vmid = static_cast<uint16_t>(spec::Get(ste, f::S2VMID));
  }
  if (c.s2) DecodeStage2(ste, p, c);
  return c;
}

}  // namespace smmuref::model::arch
