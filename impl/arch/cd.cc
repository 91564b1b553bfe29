// Context descriptors: CD table geometry (single, linear, 2-level), and decoding a CD once into
// CdConfig after the ILLEGAL checklist that leads to C_BAD_CD, for VMSAv8-64 stage 1
// [IHI0070 §5.2 S1Fmt/S1ContextPtr, §5.3, §5.4, §5.4.1, §5.4.2]. Rules R-CD-*.
// Tests: tests/impl/arch/config_test.cc, corpus/vectors/cd/*.vec, corpus/vectors/layout/cd.vec
#include <algorithm>

#include "smmuref/impl/arch/config.h"
#include "smmuref/impl/arch/kernels.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN
namespace {

// CD field positions, as (doubleword, msb, lsb) [IHI0070 §5.4; fact sheet §4.2].
struct F {
  unsigned dw, msb, lsb;
};
constexpr F kT0SZ{0, 5, 0}, kTG0{0, 7, 6}, kEPD0{0, 14, 14}, kENDI{0, 15, 15}, kT1SZ{0, 21, 16},
    kTG1{0, 23, 22}, kEPD1{0, 30, 30}, kV{0, 31, 31}, kIPS{0, 34, 32}, kAFFD{0, 35, 35},
    kWXN{0, 36, 36}, kTBI0{0, 38, 38}, kTBI1{0, 39, 39}, kPAN{0, 40, 40}, kAA64{0, 41, 41},
    kHD{0, 42, 42}, kHA{0, 43, 43}, kS{0, 44, 44}, kR{0, 45, 45}, kA{0, 46, 46},
    kASID{0, 63, 48};
constexpr F kHAD0{1, 1, 1}, kHAFT{1, 3, 3}, kTTB0{1, 55, 4};
constexpr F kHAD1{2, 1, 1}, kTTB1{2, 55, 4};
// L1CD: V[0], L2Ptr[55:12] [IHI0070 §5.3].
constexpr uint64_t kL1CdValid = 1;
constexpr uint64_t kL1CdL2Ptr = ((uint64_t{1} << 56) - 1) & ~uint64_t{0xfff};

uint64_t Get(const uint64_t* raw, F f) { return ExtractBits<uint64_t>(raw[f.dw], f.msb, f.lsb); }

struct HalfFields {
  F tsz, tg, epd, tbi, had, ttb;
};
constexpr HalfFields kHalves[2] = {{kT0SZ, kTG0, kEPD0, kTBI0, kHAD0, kTTB0},
                                   {kT1SZ, kTG1, kEPD1, kTBI1, kHAD1, kTTB1}};

// R-CD-014: TG0 0b00 4KB, 0b01 64KB, 0b10 16KB; TG1 0b01 16KB, 0b10 4KB, 0b11 64KB; 0 reserved.
unsigned Granule(unsigned half, uint64_t tg) {
  static constexpr unsigned kTg0[4] = {12, 16, 14, 0};
  static constexpr unsigned kTg1[4] = {0, 14, 12, 16};
  return half == 0 ? kTg0[tg & 3] : kTg1[tg & 3];
}

bool Advertised(unsigned g, const spec::Profile& p) {
  return (g == 12 && p.gran4k) || (g == 14 && p.gran16k) || (g == 16 && p.gran64k);
}

// R-CD-016: NS-EL2 has TTB0 only (EPD0 effectively 0); elsewhere EPDx=1 disables the half.
bool HalfEnabled(const uint64_t* raw, unsigned half, World w) {
  if (w == World::kEl2) return half == 0;
  return Get(raw, kHalves[half].epd) == 0;
}

const char* CheckFaultModel(const uint64_t* raw, const spec::Profile& p, const SteConfig& ste) {
  const bool s = Get(raw, kS);
  if (s && ste.s1stalld) return "R-CD-002";
  if ((s && p.stall_model == 1) || (!s && p.stall_model == 2)) return "R-CD-003";
  if (p.term_model && !Get(raw, kA)) return "R-CD-004";
  return nullptr;
}

const char* CheckFormat(const uint64_t* raw, const spec::Profile& p, const SteConfig& ste,
                        bool any_enabled) {
  const bool endi = Get(raw, kENDI);
  if (any_enabled && ((p.ttendian == 2 && endi) || (p.ttendian == 3 && !endi))) return "R-CD-005";
  const bool aa64 = Get(raw, kAA64);
  if (!aa64 && (!(p.ttf & 1) || ste.world == World::kEl2E2h)) return "R-CD-006";
  if (aa64 && !(p.ttf & 2)) return "R-CD-007";
  const bool ha = Get(raw, kHA), hd = Get(raw, kHD);
  if (aa64 && (((ha || hd) && p.httu == 0) || (hd && p.httu == 1))) return "R-CD-008";
  if (aa64 && p.httu == 3 && Get(raw, kHAFT) && !ha) return "R-CD-008";
  if (ste.world != World::kEl2 && !p.asid16 && (Get(raw, kASID) >> 8) != 0) return "R-CD-009";
  return nullptr;
}

// R-CD-010..012 for one enabled half.
const char* CheckHalf(const uint64_t* raw, unsigned half, const spec::Profile& p) {
  const HalfFields& h = kHalves[half];
  const unsigned g = Granule(half, Get(raw, h.tg));
  const unsigned tsz = static_cast<unsigned>(Get(raw, h.tsz));
  const unsigned hi = p.stt ? (g == 16 ? 47u : 48u) : 39u;
  const unsigned lo = (p.vax >= 1 && g == 16) ? 12u : 16u;
  if (tsz < lo || tsz > hi) return "R-CD-010";
  if (g == 0 || !Advertised(g, p)) return "R-CD-011";
  const uint64_t ttb = Get(raw, h.ttb) << h.ttb.lsb;
  const unsigned ips = EffectiveOutputBits(static_cast<unsigned>(Get(raw, kIPS)), p);
  if (ExceedsBits<uint64_t>(ttb, ips) || (g != 16 && ExceedsBits<uint64_t>(ttb, 48))) {
    return "R-CD-012";
  }
  return nullptr;
}

void DecodeHalf(const uint64_t* raw, unsigned half, const spec::Profile& p, CdConfig* c) {
  const HalfFields& h = kHalves[half];
  HalfConfig& t = c->half[half];
  t.enabled = true;
  const uint64_t g = Granule(half, Get(raw, h.tg));
  const uint64_t ia = 64 - Get(raw, h.tsz);
  t.granule_shift = static_cast<uint8_t>(g);
  t.ia_bits = static_cast<uint8_t>(ia);
  t.start_level = static_cast<uint8_t>(StartLevel<uint64_t>(ia, g));
  // R-CD-025: TTBx bits below the start table size are taken as zero.
  const uint64_t resolved = ia - LevelShift<uint64_t>(t.start_level, g);
  t.ttb = (Get(raw, h.ttb) << h.ttb.lsb) & ~LowMask<uint64_t>(resolved + 3);
  t.tbi = Get(raw, h.tbi);
  // R-CD-026: HADx counts only with IDR3.HAD.
  c->had[half] = p.had && Get(raw, h.had);
  // Walk tag: TTB (16-byte aligned at least), input size, granule, and the CD bits folded into
  // cached permissions (HADx, AFFD, WXN, PAN).
  t.sig = t.ttb | ia << 56 | (g - 12) / 2 << 62 | uint64_t{c->had[half]} |
          uint64_t{c->affd} << 1 | uint64_t{c->wxn} << 2 | uint64_t{c->pan} << 3;
}

}  // namespace

DecodeStatus DecodeCd(const uint64_t raw[8], const spec::Profile& p, const SteConfig& ste,
                      CdConfig* out, const char** rule) {
  // R-CD-001: V=0.
  if (!Get(raw, kV)) {
    *rule = "R-CD-001";
    return DecodeStatus::kInvalid;
  }
  const bool en[2] = {HalfEnabled(raw, 0, ste.world), HalfEnabled(raw, 1, ste.world)};
  const char* bad = CheckFaultModel(raw, p, ste);
  if (!bad) bad = CheckFormat(raw, p, ste, en[0] || en[1]);
  // R-CD-013: disabled halves are not checked.
  for (unsigned half = 0; half < 2 && !bad; ++half) {
    if (en[half] && Get(raw, kAA64)) bad = CheckHalf(raw, half, p);
  }
  if (bad) {
    *rule = bad;
    return DecodeStatus::kIllegal;
  }
  CdConfig c;
  c.ips_bits = static_cast<uint8_t>(EffectiveOutputBits(static_cast<unsigned>(Get(raw, kIPS)), p));
  const bool el2 = ste.world == World::kEl2;
  c.affd = Get(raw, kAFFD);
  c.wxn = Get(raw, kWXN);
  // R-CD-017: NS-EL2 ignores the ASID and PAN.
  c.pan = !el2 && Get(raw, kPAN);
  c.asid = el2 ? 0 : static_cast<uint16_t>(Get(raw, kASID));
  c.a = Get(raw, kA);
  c.r = Get(raw, kR);
  for (unsigned half = 0; half < 2; ++half) {
    if (en[half]) DecodeHalf(raw, half, p, &c);
  }
  *out = c;
  return DecodeStatus::kOk;
}

CdLocation LocateCd(const SteConfig& ste, uint32_t index) {
  CdLocation loc;
  // R-CD-018: one CD at S1ContextPtr without substreams.
  if (ste.s1cdmax == 0) {
    loc.addr = ste.cd_ptr;
    return loc;
  }
  if (ste.s1fmt == 0) {
    // R-CD-019: linear table aligned to its 64 x 2^S1CDMax bytes.
    loc.addr = (ste.cd_ptr & ~LowMask<uint64_t>(6u + ste.s1cdmax)) + uint64_t{index} * 64;
    return loc;
  }
  // R-CD-020 / R-CD-021: L1 table of L1CDs indexed by SubstreamID above the leaf bits, aligned
  // to MAX(its size, 64).
  const unsigned leaf_bits = ste.s1fmt == 1 ? 6 : 10;
  const unsigned l1_bits = ste.s1cdmax > leaf_bits ? ste.s1cdmax - leaf_bits : 0;
  const unsigned align = std::max(6u, l1_bits + 3);
  loc.two_level = true;
  loc.addr = (ste.cd_ptr & ~LowMask<uint64_t>(align)) + uint64_t{index >> leaf_bits} * 8;
  return loc;
}

bool CdFromL1Cd(uint64_t l1cd, const SteConfig& ste, uint32_t index, uint64_t* cd_addr) {
  // R-CD-022: an invalid L1CD.
  if (!(l1cd & kL1CdValid)) return false;
  uint64_t l2 = l1cd & kL1CdL2Ptr;
  // R-CD-023: L2Ptr beyond the OAS (IAS with stage 2).
  if (ExceedsBits<uint64_t>(l2, ste.cd_ptr_bits)) return false;
  // R-CD-024: leaves aligned to their size (4KB or 64KB).
  const unsigned leaf_bits = ste.s1fmt == 1 ? 6 : 10;
  l2 &= ~LowMask<uint64_t>(leaf_bits + 6);
  *cd_addr = l2 + uint64_t{index & ((1u << leaf_bits) - 1)} * 64;
  return true;
}

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
