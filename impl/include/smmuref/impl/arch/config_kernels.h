// The engine's STE and CD decode-and-legality arithmetic as kernels (the rules of kernels.h: a
// template over U, no branch on a U value), so that the proofs cover the code that ships:
// ILLEGAL checklists R-STE-003..022 and R-CD-002..012 as a mask of violated rules, the decoded
// fields of a legal structure, and CD-table geometry [IHI0070 §5.2, §5.2.2, §5.3, §5.4, §5.4.2;
// DDI0487 AArch64.S2InvalidSL, AArch64.S2InconsistentSL]. impl/arch/ste.cc and cd.cc turn the
// results into SteConfig/CdConfig; proofs/equiv/config.cc proves them equal to the encodings of
// the model's decoders.
// Tests: proofs/equiv/config.cc, tests/impl/arch/kernels_test.cc, corpus/vectors/ste/*.vec,
// corpus/vectors/cd/*.vec
#pragma once

#include <cstdint>

#include "smmuref/impl/arch/kernels.h"
#include "smmuref/impl/arch/layout.h"

namespace smmuref::impl::arch {

// The SMMU_IDR and AIDR fields the decoders read, as integers of the kernel's type (booleans
// are 0 or 1). The engine fills them from its spec::Profile (ProfileWordsOf in config.h); a
// proof fills them with constants of a named profile or with free variables.
template <typename U>
struct ProfileWords {
  U arch_minor, s1p, s2p, ttf, httu, hyp, ats, asid16, vmid16, cd2l, ttendian, stall_model;
  U term_model, ssidsize, attr_perms_ovr, had, stt, vax, oas, gran4k, gran16k, gran64k;
};

// IAS = MAX(TTF[0] ? 40 : 0, TTF[1] ? OAS : 0) [IHI0070 §3.4].
template <typename U>
constexpr U Ias(const ProfileWords<U>& p) {
  return Max<U>(Select((p.ttf & U(1)) != U(0), U(40), U(0)),
                Select((p.ttf & U(2)) != U(0), p.oas, U(0)));
}

// MIN(size encoded by an IPS/S2PS field, OAS) in bits; 0b110/0b111 are 48 bits in v3.0 and
// 0b111 is 52 bits before v3.4 (R-CD-015, R-STE-024).
template <typename U>
constexpr U EffectiveOutputBits(U code, const ProfileWords<U>& p) {
  const U c = code & U(7);
  U bits = Select(c == U(0), U(32), Select(c == U(1), U(36), Select(c == U(2), U(40),
           Select(c == U(3), U(42), Select(c == U(4), U(44), Select(c == U(5), U(48),
           Select(c == U(6), U(52), U(56))))))));
  bits = Select(p.arch_minor == U(0), Min<U>(bits, U(48)), bits);
  bits = Select(p.arch_minor < U(4), Min<U>(bits, U(52)), bits);
  return Min<U>(bits, p.oas);
}

// Whether IDR5 advertises the granule 2^g.
template <typename U>
constexpr auto GranuleAdvertised(U g, const ProfileWords<U>& p) {
  return (g == U(12) && p.gran4k != U(0)) || (g == U(14) && p.gran16k != U(0)) ||
         (g == U(16) && p.gran64k != U(0));
}

// Largest TxSZ/S2T0SZ: 39 without IDR3.STT, else 48 (47 with 64KB) (R-STE-019, R-CD-010).
template <typename U>
constexpr U MaxTxsz(U g, const ProfileWords<U>& p) {
  return Select(p.stt != U(0), Select(g == U(16), U(47), U(48)), U(39));
}

// ---- Stream table entries [IHI0070 §5.2] -----------------------------------------------------

// Bit positions of SteWords::illegal, in the order of the checklist (the engine reports the
// lowest set bit; impl/arch/ste.cc names them).
enum SteRuleBit : unsigned {
  kSte003, kSte004, kSte005, kSte006, kSte008, kSte009, kSte010, kSte011, kSte014, kSte015,
  kSte016, kSte021, kSte017, kSte018, kSte019, kSte020, kSte022, kSteRuleBits
};

// A decoded STE. `illegal` is meaningful when valid and not abort; the other fields when legal.
template <typename U>
struct SteWords {
  U valid, abort, illegal;
  U s1, s2, s1fmt, s1cdmax, s1dss, s1stalld, cd_ptr, cd_ptr_bits, el2, vmid, privcfg, instcfg;
  U s2_ia_bits, s2_granule, s2_start_level, s2_ps_bits, s2_ttb, s2_affd, s2_ptw, s2_record;
  U s2_aa64;
};

// S2TG: 0b00 4KB, 0b01 64KB, 0b10 16KB; 0 for the reserved 0b11.
template <typename U>
constexpr U S2GranuleShift(U tg) {
  return Select(tg == U(0), U(12), Select(tg == U(1), U(16), Select(tg == U(2), U(14), U(0))));
}

namespace detail {

template <typename U, typename C>
constexpr U RuleBit(C violated, unsigned bit) {
  return Select(violated, U(uint64_t{1} << bit), U(0));
}

// R-STE-019 / R-STE-020 / R-STE-025: the stage-2 walk geometry of S2T0SZ/S2SL0/S2TG.
template <typename U>
struct S2Geometry {
  U t0sz_bad, level_bad, level, resolved;
};
template <typename U>
constexpr S2Geometry<U> ComputeS2Geometry(const U* raw, U g, const ProfileWords<U>& p) {
  namespace f = layout::ste;
  S2Geometry<U> s;
  const U t0sz = Get<U>(raw, f::kS2T0SZ);
  // R-STE-019: S2T0SZ within [MAX(16 (12 for 64KB; 0 in v3.0), 64 - IAS), MaxTxsz].
  const U floor = Select(p.arch_minor == U(0), U(0), Select(g == U(16), U(12), U(16)));
  const U lo = Max<U>(floor, U(64) - Ias<U>(p));
  s.t0sz_bad = Select(t0sz < lo || MaxTxsz<U>(g, p) < t0sz, U(1), U(0));
  // R-STE-020: S2SL0 names level 2/1/0 (3 with STT) for 4KB, 3/2/1 for 16KB and 64KB; level 0
  // (4KB) and level 1 (64KB) need a 44-bit, level 1 (16KB) a 42-bit OAS; the start level must
  // resolve 1 to stride+4 input bits (up to 16 concatenated tables).
  const U sl0 = Get<U>(raw, f::kS2SL0);
  const auto g4k = g == U(12);
  s.level = Select(g4k, Select(sl0 == U(3), U(3), U(2) - sl0), U(3) - sl0);
  const auto ok4k = (sl0 == U(3) && p.stt != U(0)) ||
                    (sl0 != U(3) && !(s.level == U(0) && p.oas < U(44)));
  const U oas_min = Select(g == U(14), U(42), U(44));
  const auto ok_big = sl0 != U(3) && !(s.level == U(1) && p.oas < oas_min);
  s.resolved = (U(64) - t0sz) - LevelShift<U>(s.level, g);
  const auto resolves = s.resolved - U(1) <= g - U(3) + U(3);
  s.level_bad = Select(((g4k && ok4k) || (!g4k && ok_big)) && resolves, U(0), U(1));
  return s;
}

}  // namespace detail

// Decodes an STE under profile `p`: V, Config, the ILLEGAL checklist, and the fields the
// engine keeps. STRW=0b10 (NS-EL2) is reported as `el2`; the caller applies SMMU_CR2.E2H.
template <typename U>
constexpr SteWords<U> DecodeSteWords(const U* raw, const ProfileWords<U>& p) {
  namespace f = layout::ste;
  using detail::RuleBit;
  const U zero(0), one(1);
  SteWords<U> d;
  // R-STE-001 / R-STE-002: V=0 ignores the rest; Config=0b0xx aborts and is never ILLEGAL.
  d.valid = Get<U>(raw, f::kV);
  const U config = Get<U>(raw, f::kConfig);
  const auto translate = (config & U(f::kConfigTranslate)) != zero;
  d.abort = Select(translate, zero, one);
  const auto s1 = translate && (config & U(f::kConfigS1)) != zero;
  const auto s2 = translate && (config & U(f::kConfigS2)) != zero;
  const auto checked = d.valid != zero && translate;
  const auto s1p = p.s1p != zero, s2p = p.s2p != zero;
  U bad = zero;
  // R-STE-003 / R-STE-004: a stage that is not implemented cannot be enabled.
  bad |= RuleBit<U>(s1 && !s1p, kSte003) | RuleBit<U>(s2 && !s2p, kSte004);
  // R-STE-005: with ATS, EATS=0b10 needs Config=0b111 and S2S=0; EATS=0b01 is ILLEGAL with
  // stage 2 and S2S=1.
  const U eats = Get<U>(raw, f::kEATS);
  const auto s2s = Get<U>(raw, f::kS2S) != zero;
  const auto eats_bad = (eats == U(f::kEatsSplit) && (config != U(7) || s2s)) ||
                        (eats == U(f::kEatsTrans) && s2s && s2);
  bad |= RuleBit<U>(p.ats != zero && (config & U(3)) != zero && eats_bad, kSte005);
  // R-STE-006 / R-STE-007: STRW is used for stage-1-only STEs with S1P and HYP; 0bx1 reserved.
  const auto strw_used = s1p && p.hyp != zero && s1 && !s2;
  const U strw = Get<U>(raw, f::kSTRW);
  bad |= RuleBit<U>(strw_used && (strw & one) != zero, kSte006);
  // Stage 1 (R-STE-026: checked only with stage 1 enabled and implemented).
  const auto st1 = s1 && s1p;
  const auto ssid = p.ssidsize != zero;
  const U cdmax = Get<U>(raw, f::kS1CDMax), fmt = Get<U>(raw, f::kS1Fmt);
  // R-STE-008: S1STALLD=1 only when stalls can be configured (STALL_MODEL=0b00).
  bad |= RuleBit<U>(st1 && Get<U>(raw, f::kS1STALLD) != zero && p.stall_model != zero, kSte008);
  // R-STE-009: S1CDMax above SSIDSIZE.
  bad |= RuleBit<U>(st1 && ssid && p.ssidsize < cdmax, kSte009);
  // R-STE-010: a 2-level CD table needs IDR0.CD2L.
  const auto two_level = fmt == U(f::kS1Fmt2Lvl4K) || fmt == U(f::kS1Fmt2Lvl64K);
  bad |= RuleBit<U>(st1 && ssid && cdmax != zero && p.cd2l == zero && two_level, kSte010);
  // R-STE-011: S1ContextPtr within the IAS (stage 2 on) or the OAS.
  const U ias = Ias<U>(p);
  const U cd_ptr_bits = Select(s2, ias, p.oas);
  const U cd_ptr = GetAddr<U>(raw, f::kS1ContextPtr);
  bad |= RuleBit<U>(st1 && ExceedsBits<U>(cd_ptr, cd_ptr_bits), kSte011);
  // Stage 2 features (checked only with stage 2 enabled and implemented).
  const auto st2 = s2 && s2p;
  // R-STE-014: S2S against the stall model.
  const auto s2s_bad = (s2s && p.stall_model == one) || (!s2s && p.stall_model == U(2));
  bad |= RuleBit<U>(st2 && s2s_bad, kSte014);
  // R-STE-015: S2AA64 must select an implemented table format.
  const U aa64 = Get<U>(raw, f::kS2AA64);
  const auto fmt_bad = (aa64 != zero && (p.ttf & U(2)) == zero) ||
                       (aa64 == zero && (p.ttf & one) == zero);
  bad |= RuleBit<U>(st2 && fmt_bad, kSte015);
  // R-STE-016: S2HA/S2HD/S2HAFT need the matching HTTU level (and VMSAv8-64).
  const auto ha = Get<U>(raw, f::kS2HA) != zero, hd = Get<U>(raw, f::kS2HD) != zero;
  const auto httu_bad = ((ha || hd) && (p.httu == zero || aa64 == zero)) ||
                        (hd && p.httu == one) ||
                        (Get<U>(raw, f::kS2HAFT) != zero && !ha && p.httu == U(3));
  bad |= RuleBit<U>(st2 && httu_bad, kSte016);
  // R-STE-021: S2ENDI against TTENDIAN.
  const auto endi = Get<U>(raw, f::kS2ENDI) != zero;
  bad |= RuleBit<U>(st2 && ((p.ttendian == U(2) && endi) || (p.ttendian == U(3) && !endi)),
                    kSte021);
  // R-STE-017: S2TG reserved or not advertised.
  const U g = S2GranuleShift<U>(Get<U>(raw, f::kS2TG));
  bad |= RuleBit<U>(st2 && (g == zero || !GranuleAdvertised<U>(g, p)), kSte017);
  // R-STE-018: S2TTB within the effective S2PS, and within 48 bits below 64KB granules.
  const U ttb = GetAddr<U>(raw, f::kS2TTB);
  const U ps = EffectiveOutputBits<U>(Get<U>(raw, f::kS2PS), p);
  bad |= RuleBit<U>(st2 && (ExceedsBits<U>(ttb, ps) || (g != U(16) && ExceedsBits<U>(ttb, U(48)))),
                    kSte018);
  // R-STE-019 / R-STE-020, only for a known granule; R-STE-020 only with S2T0SZ in range.
  const detail::S2Geometry<U> geo = detail::ComputeS2Geometry<U>(raw, g, p);
  bad |= RuleBit<U>(st2 && g != zero && geo.t0sz_bad != zero, kSte019);
  bad |= RuleBit<U>(st2 && g != zero && geo.t0sz_bad == zero && geo.level_bad != zero, kSte020);
  // R-STE-022 / R-STE-023: 8-bit VMIDs unless S2VMID is IGNORED.
  const auto vmid_used = s2p && (s1 || s2) && !(strw_used && strw != zero);
  const U vmid = Get<U>(raw, f::kS2VMID);
  bad |= RuleBit<U>(vmid_used && p.vmid16 == zero && (vmid >> 8) != zero, kSte022);
  d.illegal = Select(checked, bad, zero);

  d.s1 = Select(s1, one, zero);
  d.s2 = Select(s2, one, zero);
  // R-STE-012 / R-STE-013: S1CDMax ignored without substreams; S1Fmt and S1DSS without
  // S1CDMax; the reserved 0b11 encodings behave as 0b00.
  d.s1cdmax = Select(s1 && ssid, cdmax, zero);
  const auto subs = d.s1cdmax != zero;
  const U dss = Get<U>(raw, f::kS1DSS);
  d.s1fmt = Select(subs && fmt != U(3), fmt, zero);
  d.s1dss = Select(subs && dss != U(3), dss, zero);
  d.s1stalld = Select(s1, Get<U>(raw, f::kS1STALLD), zero);
  d.cd_ptr = Select(s1, cd_ptr, zero);
  d.cd_ptr_bits = cd_ptr_bits;
  const auto el2 = strw_used && strw == U(f::kStrwEl2);
  d.el2 = Select(el2, one, zero);
  d.vmid = Select(vmid_used && !el2, vmid, zero);
  // R-STE-027: PRIVCFG/INSTCFG exist only with ATTR_PERMS_OVR; 0b01 behaves as 0b00.
  const auto ovr = p.attr_perms_ovr != zero;
  const U priv = Get<U>(raw, f::kPRIVCFG), inst = Get<U>(raw, f::kINSTCFG);
  d.privcfg = Select(ovr && priv != U(f::kOverrideReserved), priv, zero);
  d.instcfg = Select(ovr && inst != U(f::kOverrideReserved), inst, zero);
  d.s2_ia_bits = Select(s2, U(64) - Get<U>(raw, f::kS2T0SZ), zero);
  d.s2_granule = Select(s2, g, zero);
  d.s2_start_level = Select(s2, geo.level, zero);
  d.s2_ps_bits = Select(s2, ps, zero);
  // R-STE-025: S2TTB bits below the (concatenated) start table size are taken as zero; 64
  // bytes at least with a 52-bit output size.
  const U align = Max<U>(geo.resolved + U(3), Select(U(52) <= ps, U(6), zero));
  d.s2_ttb = Select(s2, ttb & ~LowMask<U>(align), zero);
  d.s2_affd = Select(s2, Get<U>(raw, f::kS2AFFD), zero);
  d.s2_ptw = Select(s2, Get<U>(raw, f::kS2PTW), zero);
  d.s2_record = Select(s2, Get<U>(raw, f::kS2R), zero);
  d.s2_aa64 = Select(s2, aa64, zero);
  return d;
}

// ---- Context descriptors [IHI0070 §5.4] ------------------------------------------------------

enum CdRuleBit : unsigned {
  kCd002, kCd004, kCd003, kCd005, kCd006, kCd007, kCd008, kCd009, kCd010, kCd011, kCd012,
  kCdRuleBits
};

// What a CD's legality depends on besides the CD: the StreamWorld (0 NS-EL1, 1 NS-EL2,
// 2 NS-EL2-E2H) and the STE's S1STALLD, stage-2 enable and S2AA64.
template <typename U>
struct CdContextWords {
  U world, s1stalld, s2, s2aa64;
};

template <typename U>
struct CdHalfWords {
  U enabled, tbi, had, ia_bits, granule, start_level, ttb;
};

template <typename U>
struct CdWords {
  U valid, illegal;
  U ips_bits, affd, wxn, pan, asid, a, r;
  CdHalfWords<U> half[2];
};

// R-CD-014: TG0 0b00 4KB, 0b01 64KB, 0b10 16KB; TG1 0b01 16KB, 0b10 4KB, 0b11 64KB; 0 reserved.
template <typename U>
constexpr U CdGranuleShift(unsigned half, U tg) {
  namespace f = layout::cd;
  if (half == 0) {
    return Select(tg == U(f::kTg0_4K), U(12), Select(tg == U(f::kTg0_64K), U(16),
                  Select(tg == U(f::kTg0_16K), U(14), U(0))));
  }
  return Select(tg == U(f::kTg1_4K), U(12), Select(tg == U(f::kTg1_64K), U(16),
                Select(tg == U(f::kTg1_16K), U(14), U(0))));
}

namespace detail {

struct CdHalfFields {
  layout::Field tsz, tg, epd, tbi, had, ttb;
};
inline constexpr CdHalfFields kCdHalves[2] = {
    {layout::cd::kT0SZ, layout::cd::kTG0, layout::cd::kEPD0, layout::cd::kTBI0,
     layout::cd::kHAD0, layout::cd::kTTB0},
    {layout::cd::kT1SZ, layout::cd::kTG1, layout::cd::kEPD1, layout::cd::kTBI1,
     layout::cd::kHAD1, layout::cd::kTTB1}};

// R-CD-010..012 for one half, and its decoded walk parameters (R-CD-025, R-CD-026).
template <typename U>
constexpr U CdHalf(const U* raw, unsigned half, const ProfileWords<U>& p, U ips, U enabled,
                   CdHalfWords<U>* out) {
  const CdHalfFields& h = kCdHalves[half];
  const U zero(0);
  const U g = CdGranuleShift<U>(half, Get<U>(raw, h.tg));
  const U tsz = Get<U>(raw, h.tsz);
  // R-CD-010: TxSZ within [16 (12 with VAX and 64KB), MaxTxsz].
  const U lo = Select(p.vax != zero && g == U(16), U(12), U(16));
  U bad = RuleBit<U>(tsz < lo || MaxTxsz<U>(g, p) < tsz, kCd010);
  // R-CD-011: TGx reserved or not advertised.
  bad |= RuleBit<U>(g == zero || !GranuleAdvertised<U>(g, p), kCd011);
  // R-CD-012: TTBx within the effective IPS, and within 48 bits below 64KB granules.
  const U ttb = GetAddr<U>(raw, h.ttb);
  bad |= RuleBit<U>(ExceedsBits<U>(ttb, ips) || (g != U(16) && ExceedsBits<U>(ttb, U(48))),
                    kCd012);
  const auto en = enabled != zero;
  const U ia = U(64) - tsz;
  const U level = StartLevel<U>(ia, g);
  // R-CD-025: TTBx bits below the start-level table size are taken as zero (64 bytes at least
  // with a 52-bit IPS).
  const U resolved = ia - LevelShift<U>(level, g);
  const U align = Max<U>(resolved + U(3), Select(U(52) <= ips, U(6), zero));
  out->enabled = enabled;
  out->tbi = Select(en, Get<U>(raw, h.tbi), zero);
  // R-CD-026: HADx counts only with IDR3.HAD.
  out->had = Select(en, Get<U>(raw, h.had) & p.had, zero);
  out->ia_bits = Select(en, ia, zero);
  out->granule = Select(en, g, zero);
  out->start_level = Select(en, level, zero);
  out->ttb = Select(en, ttb & ~LowMask<U>(align), zero);
  return bad;
}

}  // namespace detail

// Decodes a CD reached through an STE with context `ctx`, under profile `p`.
template <typename U>
constexpr CdWords<U> DecodeCdWords(const U* raw, const ProfileWords<U>& p,
                                   const CdContextWords<U>& ctx) {
  namespace f = layout::cd;
  using detail::RuleBit;
  const U zero(0), one(1);
  CdWords<U> c;
  // R-CD-001: V=0.
  c.valid = Get<U>(raw, f::kV);
  const auto el2 = ctx.world == one, e2h = ctx.world == U(2);
  // R-CD-016: NS-EL2 has TTB0 only (EPD0 effectively 0); elsewhere EPDx=1 disables the half.
  const U en0 = Select(el2 || Get<U>(raw, f::kEPD0) == zero, one, zero);
  const U en1 = Select(!el2 && Get<U>(raw, f::kEPD1) == zero, one, zero);
  U bad = zero;
  // R-CD-002: STE.S1STALLD=1 forbids CD.S=1.
  const auto s = Get<U>(raw, f::kS) != zero;
  bad |= RuleBit<U>(s && ctx.s1stalld != zero, kCd002);
  // R-CD-004: TERM_MODEL=1 needs CD.A=1.
  bad |= RuleBit<U>(p.term_model != zero && Get<U>(raw, f::kA) == zero, kCd004);
  // R-CD-003: CD.S against the stall model.
  bad |= RuleBit<U>((s && p.stall_model == one) || (!s && p.stall_model == U(2)), kCd003);
  // R-CD-005: ENDI against TTENDIAN while a half is enabled.
  const auto endi = Get<U>(raw, f::kENDI) != zero;
  const auto endi_bad = (p.ttendian == U(2) && endi) || (p.ttendian == U(3) && !endi);
  bad |= RuleBit<U>((en0 | en1) != zero && endi_bad, kCd005);
  // R-CD-006: VMSAv8-32 LPAE needs TTF[0] and is not allowed in NS-EL2-E2H.
  const auto aa64 = Get<U>(raw, f::kAA64) != zero;
  bad |= RuleBit<U>(!aa64 && ((p.ttf & one) == zero || e2h), kCd006);
  // R-CD-007: VMSAv8-64 needs TTF[1] and a VMSAv8-64 stage 2.
  bad |= RuleBit<U>(aa64 && ((p.ttf & U(2)) == zero || (ctx.s2 != zero && ctx.s2aa64 == zero)),
                    kCd007);
  // R-CD-008: HA/HD/HAFT need the matching HTTU level.
  const auto ha = Get<U>(raw, f::kHA) != zero, hd = Get<U>(raw, f::kHD) != zero;
  const auto httu_bad = ((ha || hd) && p.httu == zero) || (hd && p.httu == one) ||
                        (p.httu == U(3) && Get<U>(raw, f::kHAFT) != zero && !ha);
  bad |= RuleBit<U>(aa64 && httu_bad, kCd008);
  // R-CD-009: 8-bit ASIDs where the ASID tags (not NS-EL2).
  const U asid = Get<U>(raw, f::kASID);
  bad |= RuleBit<U>(!el2 && p.asid16 == zero && (asid >> 8) != zero, kCd009);
  // R-CD-013: a disabled half (or any half of a VMSAv8-32 CD) has its fields IGNORED.
  c.ips_bits = EffectiveOutputBits<U>(Get<U>(raw, f::kIPS), p);
  const U half0 = detail::CdHalf<U>(raw, 0, p, c.ips_bits, en0, &c.half[0]);
  const U half1 = detail::CdHalf<U>(raw, 1, p, c.ips_bits, en1, &c.half[1]);
  bad |= Select(aa64 && en0 != zero, half0, zero) | Select(aa64 && en1 != zero, half1, zero);
  c.illegal = Select(c.valid != zero, bad, zero);
  c.affd = Get<U>(raw, f::kAFFD);
  c.wxn = Get<U>(raw, f::kWXN);
  // R-CD-017: NS-EL2 ignores the ASID and PAN.
  c.pan = Select(el2, zero, Get<U>(raw, f::kPAN));
  c.asid = Select(el2, zero, asid);
  c.a = Get<U>(raw, f::kA);
  c.r = Get<U>(raw, f::kR);
  return c;
}

// ---- CD table geometry [IHI0070 §5.2 S1Fmt/S1ContextPtr, §5.3] -------------------------------

// Where the CD (or, for a 2-level table, the L1CD) of CD-table index `index` lives.
template <typename U>
struct CdLocationWords {
  U two_level, addr;
};
template <typename U>
constexpr CdLocationWords<U> LocateCdWords(U cd_ptr, U s1cdmax, U s1fmt, U index) {
  const U zero(0);
  // R-CD-018: one CD at S1ContextPtr without substreams.
  // R-CD-019: a linear table aligned to its 64 x 2^S1CDMax bytes.
  const U linear = (cd_ptr & ~LowMask<U>(U(6) + s1cdmax)) + (index << 6);
  // R-CD-020 / R-CD-021: an L1 table of L1CDs indexed by the SubstreamID above the leaf bits,
  // aligned to MAX(its size, 64).
  const U leaf_bits = Select(s1fmt == U(layout::ste::kS1Fmt2Lvl4K), U(6), U(10));
  const U l1_bits = Select(leaf_bits < s1cdmax, s1cdmax - leaf_bits, zero);
  const U align = Max<U>(U(6), l1_bits + U(3));
  const U l1 = (cd_ptr & ~LowMask<U>(align)) + ((index >> leaf_bits) << 3);
  const auto single = s1cdmax == zero;
  const auto is_linear = s1fmt == U(layout::ste::kS1FmtLinear);
  return {Select(single || is_linear, zero, U(1)),
          Select(single, cd_ptr, Select(is_linear, linear, l1))};
}

// From an L1CD to the CD address: `ok` is 0 when the L1CD is invalid (R-CD-022) or its L2Ptr
// is beyond 2^cd_ptr_bits (R-CD-023); leaves are aligned to their size (R-CD-024).
template <typename U>
struct CdLeafWords {
  U ok, addr;
};
template <typename U>
constexpr CdLeafWords<U> CdFromL1CdWords(U l1cd, U cd_ptr_bits, U s1fmt, U index) {
  const U leaf_bits = Select(s1fmt == U(layout::ste::kS1Fmt2Lvl4K), U(6), U(10));
  const U l2 = l1cd & U(layout::l1cd::kL2Ptr);
  const auto ok = (l1cd & U(layout::l1cd::kV)) != U(0) && !ExceedsBits<U>(l2, cd_ptr_bits);
  const U addr = (l2 & ~LowMask<U>(leaf_bits + U(6))) + ((index & LowMask<U>(leaf_bits)) << 6);
  return {Select(ok, U(1), U(0)), addr};
}

}  // namespace smmuref::impl::arch
