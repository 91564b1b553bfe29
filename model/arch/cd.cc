// Context descriptors: locating a CD in a single, linear or 2-level CD table, decoding it into
// CdConfig, and the ILLEGAL checklist that leads to C_BAD_CD, for a Non-secure stream with
// VMSAv8-64 stage 1 [IHI0070 §5.2 S1Fmt/S1ContextPtr, §5.3, §5.4, §5.4.1, §5.4.2 CdIllegal()].
// Tests: tests/model/arch/cd_test.cc
#include "smmuref/model/arch/cd.h"
#include "smmuref/spec/format.h"

#include <algorithm>
#include <string>

#include "smmuref/model/arch/ste.h"
#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

using spec::Hex;
using spec::Bin;
namespace {

namespace f = spec::cd;

std::string Dec(uint64_t v) { return std::to_string(v); }

// R-CD-014: TG0 encodes 0b00 4KB, 0b01 64KB, 0b10 16KB; TG1 encodes 0b01 16KB, 0b10 4KB,
// 0b11 64KB. Reserved encodings return 0.
unsigned GranuleShift(unsigned half, uint64_t tg) {
  static const unsigned kTg0[4] = {12, 16, 14, 0};
  static const unsigned kTg1[4] = {0, 14, 12, 16};
  SMMUREF_RULE("R-CD-014");
  return half == 0 ? kTg0[tg & 3] : kTg1[tg & 3];
}

struct Half {
  spec::Field tsz, tg, epd, ttb, tbi, had;
};
const Half kHalf[2] = {{f::T0SZ, f::TG0, f::EPD0, f::TTB0, f::TBI0, f::HAD0},
                       {f::T1SZ, f::TG1, f::EPD1, f::TTB1, f::TBI1, f::HAD1}};

// R-CD-016: in the NS-EL2 StreamWorld only TTB0 exists (EPD0 effectively 0, TTB1 unreachable
// with its fields RES0); elsewhere EPDx=1 disables the half.
bool HalfEnabled(const uint64_t cd[8], unsigned half, StreamWorld w) {
  if (SMMUREF_RULE_IF("R-CD-016", w == StreamWorld::kNsEl2)) return half == 0;
  return spec::Get(cd, kHalf[half].epd) == 0;
}

uint64_t TtbAddress(const uint64_t cd[8], unsigned half) {
  const spec::Field ttb = kHalf[half].ttb;
  return spec::Get(cd, ttb) << (ttb.lsb % 64);
}

void CheckFaultModel(const uint64_t cd[8], const spec::Profile& p, const CdContext& ctx,
                     std::vector<Violation>& out) {
  const bool s = spec::Get(cd, f::S);
  // R-CD-002: STE.S1STALLD=1 forbids CD.S=1.
  if (SMMUREF_RULE_IF("R-CD-002", ctx.s1stalld && s)) {
    out.push_back({"R-CD-002", "CD.S=1 but STE.S1STALLD=1"});
  }
  // R-CD-004: TERM_MODEL=1 supports only abort on terminate, so CD.A must be 1.
  if (SMMUREF_RULE_IF("R-CD-004", p.term_model && !spec::Get(cd, f::A))) {
    out.push_back({"R-CD-004", "CD.A=0 but SMMU_IDR0.TERM_MODEL=1 (abort only)"});
  }
  // R-CD-003: CD.S must be 0 without stall support (STALL_MODEL=0b01), 1 when stall is forced.
  if (SMMUREF_RULE_IF("R-CD-003", s && p.stall_model == 1)) {
    out.push_back({"R-CD-003", "CD.S=1 but SMMU_IDR0.STALL_MODEL=0b01 (no stall)"});
  }
  if (SMMUREF_RULE_IF("R-CD-003", !s && p.stall_model == 2)) {
    out.push_back({"R-CD-003", "CD.S=0 but SMMU_IDR0.STALL_MODEL=0b10 (stall forced)"});
  }
}

void CheckFormat(const uint64_t cd[8], const spec::Profile& p, const CdContext& ctx,
                 bool any_enabled, std::vector<Violation>& out) {
  // R-CD-005: ENDI must select an implemented endianness while either half is enabled.
  const bool endi = spec::Get(cd, f::ENDI);
  if (SMMUREF_RULE_IF("R-CD-005",
                      any_enabled && ((p.ttendian == 2 && endi) || (p.ttendian == 3 && !endi)))) {
    out.push_back(
        {"R-CD-005", "ENDI=" + Dec(endi) + " but SMMU_IDR0.TTENDIAN=" + Bin(p.ttendian, 2)});
  }
  const bool aa64 = spec::Get(cd, f::AA64);
  // R-CD-006: VMSAv8-32 LPAE needs TTF[0] and is not allowed in the NS-EL2-E2H StreamWorld.
  if (SMMUREF_RULE_IF("R-CD-006", !aa64 && (!(p.ttf & 1) || ctx.world == StreamWorld::kNsEl2E2H))) {
    out.push_back({"R-CD-006", "AA64=0 (VMSAv8-32 LPAE) with SMMU_IDR0.TTF=" + Bin(p.ttf, 2) +
                                   (ctx.world == StreamWorld::kNsEl2E2H ? " in NS-EL2-E2H" : "")});
  }
  // R-CD-007: VMSAv8-64 needs TTF[1] and cannot sit on a VMSAv8-32 LPAE stage 2.
  if (SMMUREF_RULE_IF("R-CD-007", aa64 && (!(p.ttf & 2) || (ctx.s2 && !ctx.s2aa64)))) {
    out.push_back({"R-CD-007", std::string("AA64=1 (VMSAv8-64) ") +
                                   (!(p.ttf & 2) ? "with SMMU_IDR0.TTF=" + Bin(p.ttf, 2)
                                                 : "over a stage 2 with STE.S2AA64=0")});
  }
  // R-CD-008: HA/HD/HAFT need the matching IDR0.HTTU level (IGNORED for VMSAv8-32).
  const bool ha = spec::Get(cd, f::HA), hd = spec::Get(cd, f::HD);
  if (SMMUREF_RULE_IF("R-CD-008", aa64 && (ha || hd) && p.httu == 0)) {
    out.push_back({"R-CD-008", "HA=" + Dec(ha) + " HD=" + Dec(hd) + " but SMMU_IDR0.HTTU=0b00"});
  } else if (SMMUREF_RULE_IF("R-CD-008", aa64 && hd && p.httu == 1)) {
    out.push_back({"R-CD-008", "HD=1 but SMMU_IDR0.HTTU=0b01 (Access flag only)"});
  }
  if (SMMUREF_RULE_IF("R-CD-008", aa64 && p.httu == 3 && spec::Get(cd, f::HAFT) && !ha)) {
    out.push_back({"R-CD-008", "HAFT=1 with HA=0"});
  }
  // R-CD-009: with 8-bit ASIDs, ASID[15:8] must be zero where the ASID tags (EL1, EL2-E2H).
  const uint64_t asid = spec::Get(cd, f::ASID);
  if (SMMUREF_RULE_IF("R-CD-009",
                      ctx.world != StreamWorld::kNsEl2 && !p.asid16 && (asid >> 8) != 0)) {
    out.push_back(
        {"R-CD-009", "ASID=" + Hex(asid) + " has bits [15:8] set but SMMU_IDR0.ASID16=0"});
  }
}

// Checks one enabled half: TxSZ range, granule, TTB range (VMSAv8-64 only).
void CheckHalf(const uint64_t cd[8], unsigned half, const spec::Profile& p,
               std::vector<Violation>& out) {
  const Half& h = kHalf[half];
  const std::string n = Dec(half);
  const uint64_t tg = spec::Get(cd, h.tg);
  const unsigned g = GranuleShift(half, tg);
  // R-CD-010: TxSZ within [16 (12 with VAX>=0b01 and 64KB), 39 (STT=0) or 48/47 (STT=1)].
  const unsigned tsz = static_cast<unsigned>(spec::Get(cd, h.tsz));
  const unsigned max = p.stt ? (g == 16 ? 47 : 48) : 39;
  const unsigned min = (p.vax >= 1 && g == 16) ? 12 : 16;
  if (SMMUREF_RULE_IF("R-CD-010", tsz < min || tsz > max)) {
    out.push_back({"R-CD-010", "T" + n + "SZ=" + Dec(tsz) + " is outside [" + Dec(min) + ", " +
                                   Dec(max) + "] with EPD" + n + "=0"});
  }
  // R-CD-011: TGx must be a granule advertised in IDR5, and not a reserved encoding.
  if (SMMUREF_RULE_IF("R-CD-011", g == 0 || !GranuleSupported(g, p))) {
    out.push_back(
        {"R-CD-011", "TG" + n + "=" + Bin(tg, 2) +
                         (g == 0 ? " is reserved" : " selects a granule not in SMMU_IDR5")});
  }
  // R-CD-012: TTBx beyond the effective IPS, or beyond 48 bits with a granule below 64KB.
  const uint64_t ttb = TtbAddress(cd, half);
  const unsigned ips = EffectiveAddressSize(static_cast<unsigned>(spec::Get(cd, f::IPS)), p);
  if (SMMUREF_RULE_IF("R-CD-012", (ttb >> ips) != 0)) {
    out.push_back({"R-CD-012", "TTB" + n + "=" + Hex(ttb) + " is outside the effective IPS of " +
                                   Dec(ips) + " bits"});
  } else if (SMMUREF_RULE_IF("R-CD-012", g != 16 && (ttb >> 48) != 0)) {
    out.push_back(
        {"R-CD-012", "TTB" + n + "=" + Hex(ttb) + " is outside 48 bits with a granule below 64KB"});
  }
}

// R-CD-025: bits of TTBx below the start-level table size (the walk starts at the level that
// resolves 64-TxSZ bits) are taken as zero; 64 bytes at least with a 52-bit IPS.
uint64_t AlignTtb(uint64_t ttb, unsigned tsz, unsigned g, unsigned ips_bits) {
  const unsigned ia = 64 - tsz;
  const unsigned stride = g - 3;
  if (ia <= g) return ttb;
  const unsigned levels = (ia - g + stride - 1) / stride;
  const unsigned resolved = ia - g - (levels - 1) * stride;
  uint64_t align = uint64_t{8} << resolved;
  if (ips_bits >= 52) align = std::max<uint64_t>(align, 64);
  if (ttb & (align - 1)) SMMUREF_RULE("R-CD-025");
  return ttb & ~(align - 1);
}

}  // namespace

CdPath LocateCd(const SteConfig& ste, uint32_t index) {
  CdPath path;
  const uint64_t base = ste.s1_context_ptr;
  // R-CD-018: S1CDMax=0 (or SSIDSIZE=0, decoded as S1CDMax=0) means one CD at S1ContextPtr.
  if (ste.s1cdmax == 0) {
    SMMUREF_RULE("R-CD-018");
    path.cd_addr = base;
    return path;
  }
  if (ste.s1fmt == 0) {
    // R-CD-019: a linear table (S1Fmt 0b00, reserved 0b11 decoded as 0b00) of 2^S1CDMax CDs,
    // aligned to its size: S1ContextPtr[S1CDMax+5:6] are taken as zero.
    SMMUREF_RULE("R-CD-019");
    const uint64_t size = uint64_t{64} << ste.s1cdmax;
    path.cd_addr = (base & ~(size - 1)) + uint64_t{index} * 64;
    return path;
  }
  // R-CD-020 / R-CD-021: 2-level tables with 4KB (64 CDs, S1Fmt 0b01) or 64KB (1024 CDs, 0b10)
  // leaves; the L1 table of 8-byte L1CDs is indexed by SubstreamID[S1CDMax-1:6 or 10] and
  // aligned to MAX(its size, 64 bytes).
  if (ste.s1fmt == 1) SMMUREF_RULE("R-CD-020");
  else SMMUREF_RULE("R-CD-021");
  const unsigned leaf_bits = ste.s1fmt == 1 ? 6 : 10;
  const unsigned l1_bits = ste.s1cdmax > leaf_bits ? ste.s1cdmax - leaf_bits : 0;
  const uint64_t l1_size = std::max<uint64_t>(uint64_t{8} << l1_bits, 64);
  path.two_level = true;
  path.l1cd_addr = (base & ~(l1_size - 1)) + uint64_t{index >> leaf_bits} * 8;
  return path;
}

bool CdAddressFromL1Cd(uint64_t l1cd, const SteConfig& ste, uint32_t index, uint64_t* cd_addr,
                       bool* out_of_range) {
  if (out_of_range) *out_of_range = false;
  // R-CD-022: an L1CD with V=0 makes the SubstreamID's CD unreachable (C_BAD_SUBSTREAMID).
  if (SMMUREF_RULE_IF("R-CD-022", !spec::Get(&l1cd, spec::l1cd::V))) return false;
  uint64_t l2 = spec::Get(&l1cd, spec::l1cd::L2Ptr) << spec::l1cd::L2Ptr.lsb;
  // R-CD-023: an L2Ptr beyond the OAS (stage 1 only) or IAS (stage 2) is C_BAD_SUBSTREAMID (or,
  // with stage 2, C-CD-002: a stage-2 fault on the untruncated address; the caller chooses).
  const bool range_ok =
      !SMMUREF_RULE_IF("R-CD-023", ste.cd_ptr_bits < 64 && (l2 >> ste.cd_ptr_bits) != 0);
  if (!range_ok && out_of_range == nullptr) return false;
  // R-CD-024: leaves are aligned to their size: L2Ptr[11:0] are zero by encoding and, for 64KB
  // leaves, the RES0 L2Ptr[15:12] are taken as zero.
  const unsigned leaf_bits = ste.s1fmt == 1 ? 6 : 10;
  const uint64_t leaf_size = uint64_t{64} << leaf_bits;
  if (l2 & (leaf_size - 1)) SMMUREF_RULE("R-CD-024");
  l2 &= ~(leaf_size - 1);
  *cd_addr = l2 + uint64_t{index & ((1u << leaf_bits) - 1)} * 64;
  if (!range_ok) *out_of_range = true;
  return range_ok;
}

bool SameTranslationContext(const CdConfig& a, const CdConfig& b) {
  // R-CACHE-012: the CD fields permitted to be cached in a TLB entry [§5.4.1].
  for (int h = 0; h < 2; ++h) {
    const TtbConfig &x = a.ttb[h], &y = b.ttb[h];
    if (x.enabled != y.enabled) return false;
    if (x.enabled && (x.tsz != y.tsz || x.granule_shift != y.granule_shift || x.ttb != y.ttb ||
                      x.tbi != y.tbi || x.had != y.had)) {
      return false;
    }
  }
  return a.ips_bits == b.ips_bits && a.affd == b.affd && a.wxn == b.wxn && a.pan == b.pan &&
         a.aa64 == b.aa64 && a.ha == b.ha && a.hd == b.hd && a.mair == b.mair;
}

CdConfig WithTranslationContext(const CdConfig& current, const CdConfig& earlier) {
  CdConfig c = earlier;
  c.valid = current.valid;
  c.asid = current.asid;
  c.aset = current.aset;
  c.a = current.a;
  c.r = current.r;
  c.s = current.s;
  return c;
}

std::vector<Violation> CdIllegalReasons(const uint64_t cd[8], const spec::Profile& p,
                                        const CdContext& ctx) {
  std::vector<Violation> out;
  // R-CD-001: a CD with V=0 is ILLEGAL; nothing else in it is looked at.
  if (SMMUREF_RULE_IF("R-CD-001", !spec::Get(cd, f::V))) {
    out.push_back({"R-CD-001", "V=0"});
    return out;
  }
  const bool en[2] = {HalfEnabled(cd, 0, ctx.world), HalfEnabled(cd, 1, ctx.world)};
  CheckFaultModel(cd, p, ctx, out);
  CheckFormat(cd, p, ctx, en[0] || en[1], out);
  // R-CD-013: a half disabled by EPDx=1 (or absent) has its TxSZ, TGx and TTBx IGNORED.
  if (spec::Get(cd, f::AA64)) {
    for (unsigned half = 0; half < 2; ++half) {
      if (SMMUREF_RULE_IF("R-CD-013", !en[half])) continue;
      CheckHalf(cd, half, p, out);
    }
  }
  return out;
}

CdConfig DecodeCd(const uint64_t cd[8], const spec::Profile& p, const CdContext& ctx) {
  CdConfig c;
  c.valid = spec::Get(cd, f::V);
  if (!c.valid) return c;
  c.aa64 = spec::Get(cd, f::AA64);
  // R-CD-015: stage 1 output size is MIN(IPS, OAS).
  SMMUREF_RULE("R-CD-015");
  c.ips_bits = EffectiveAddressSize(static_cast<unsigned>(spec::Get(cd, f::IPS)), p);
  for (unsigned half = 0; half < 2; ++half) {
    TtbConfig& t = c.ttb[half];
    if (!HalfEnabled(cd, half, ctx.world)) continue;
    const Half& h = kHalf[half];
    t.enabled = true;
    t.tsz = static_cast<unsigned>(spec::Get(cd, h.tsz));
    const unsigned g = GranuleShift(half, spec::Get(cd, h.tg));
    t.granule_shift = g == 0 ? 12 : g;
    t.ttb = AlignTtb(TtbAddress(cd, half), t.tsz, t.granule_shift, c.ips_bits);
    // R-CD-016: TBI per half (TBI1 is RES0, and the half absent, in NS-EL2).
    t.tbi = SMMUREF_RULE_IF("R-CD-016", spec::Get(cd, h.tbi) != 0);
    // R-CD-026: HADx disables hierarchical attributes only when SMMU_IDR3.HAD=1.
    t.had = SMMUREF_RULE_IF("R-CD-026", p.had && spec::Get(cd, h.had));
  }
  const bool el2 = ctx.world == StreamWorld::kNsEl2;
  c.affd = spec::Get(cd, f::AFFD);
  c.wxn = spec::Get(cd, f::WXN);
  // R-CD-017: in NS-EL2, ASID is IGNORED (decoded 0) and PAN is effectively 0.
  if (el2) SMMUREF_RULE("R-CD-017");
  c.pan = !el2 && spec::Get(cd, f::PAN);
  c.asid = el2 ? 0 : static_cast<uint16_t>(spec::Get(cd, f::ASID));
  c.ha = spec::Get(cd, f::HA);
  c.hd = c.ha && spec::Get(cd, f::HD);  // {HD,HA}=0b10 behaves as HTTU disabled
  c.a = spec::Get(cd, f::A);
  c.r = spec::Get(cd, f::R);
  c.s = spec::Get(cd, f::S);
  c.aset = spec::Get(cd, f::ASET);
  c.mair = spec::Get(cd, f::MAIR0) | (spec::Get(cd, f::MAIR1) << 32);
  return c;
}

}  // namespace smmuref::model::arch
