// The model's CD decision functions as Z3 terms (cd.h), after model/arch/cd.cc.
// Tests: proofs/cross/config_test.cc
#include "cd.h"

#include "fields.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace f = spec::cd;

namespace {

Bool IsSet(const Bv& v) { return v != Bv(0); }

// R-CD-014: TG0 0b00 4KB, 0b01 64KB, 0b10 16KB; TG1 0b01 16KB, 0b10 4KB, 0b11 64KB.
Bv GranuleShiftTerm(unsigned half, const Bv& tg) {
  if (half == 0) return Select(tg == Bv(0), Bv(12), Select(tg == Bv(1), Bv(16), Select(tg == Bv(2), Bv(14), Bv(0))));
  return Select(tg == Bv(1), Bv(14), Select(tg == Bv(2), Bv(12), Select(tg == Bv(3), Bv(16), Bv(0))));
}

struct Half {
  spec::Field tsz, tg, epd, ttb, tbi, had;
};
const Half kHalf[2] = {{f::T0SZ, f::TG0, f::EPD0, f::TTB0, f::TBI0, f::HAD0},
                       {f::T1SZ, f::TG1, f::EPD1, f::TTB1, f::TBI1, f::HAD1}};

Bool HalfEnabled(const Bv* cd, unsigned half, const CdContextTerms& ctx) {
  const Bool el2 = ctx.world == Bv(1);
  const Bool epd_clear = FieldOf(cd, kHalf[half].epd) == Bv(0);
  return half == 0 ? (el2 || epd_clear) : (!el2 && epd_clear);
}

// CheckHalf.
Bool CheckHalf(const Bv* cd, unsigned half, const ProfileTerms& p, const Bool& on,
               Violations& out) {
  const Half& h = kHalf[half];
  const Bv g = GranuleShiftTerm(half, FieldOf(cd, h.tg));
  const Bv tsz = FieldOf(cd, h.tsz);
  const Bv max = Select(IsSet(p.stt), Select(g == Bv(16), Bv(47), Bv(48)), Bv(39));
  const Bv min = Select(p.vax >= Bv(1) && g == Bv(16), Bv(12), Bv(16));
  out.push_back({"R-CD-010", on && (tsz < min || tsz > max)});
  out.push_back({"R-CD-011", on && (g == Bv(0) || !GranuleSupportedTerm(g, p))});
  const Bv ttb = AddrOf(cd, h.ttb);
  const Bv ips = EffectiveAddressSizeTerm(FieldOf(cd, f::IPS), p);
  const Bool beyond_ips = IsSet(ttb >> ips);
  const Bool bad010 = tsz < min || tsz > max;
  const Bool bad011 = g == Bv(0) || !GranuleSupportedTerm(g, p);
  const Bool bad012 = beyond_ips || (!beyond_ips && g != Bv(16) && IsSet(ttb >> Bv(48)));
  out.push_back({"R-CD-012", on && bad012});
  return !bad010 && !bad011 && !bad012;
}

// R-CD-025: AlignTtb.
Bv AlignTtbTerm(const Bv& ttb, const Bv& tsz, const Bv& g, const Bv& ips_bits) {
  const Bv ia = Bv(64) - tsz;
  const Bv stride = g - Bv(3);
  const Bv levels = (ia - g + stride - Bv(1)) / stride;
  const Bv resolved = ia - g - (levels - Bv(1)) * stride;
  Bv align = Bv(8) << resolved;
  align = Select(ips_bits >= Bv(52) && align < Bv(64), Bv(64), align);
  return Select(ia <= g, ttb, ttb & ~(align - Bv(1)));
}

}  // namespace

CdMeaning EncodeCd(const Bv* cd, const ProfileTerms& p, const CdContextTerms& ctx) {
  CdMeaning m;
  Violations& out = m.illegal;
  m.valid = IsSet(FieldOf(cd, f::V));
  const Bool en[2] = {HalfEnabled(cd, 0, ctx), HalfEnabled(cd, 1, ctx)};
  const Bool live = m.valid;
  // CheckFaultModel
  const Bool s = IsSet(FieldOf(cd, f::S));
  out.push_back({"R-CD-002", live && IsSet(ctx.s1stalld) && s});
  out.push_back({"R-CD-004", live && IsSet(p.term_model) && !IsSet(FieldOf(cd, f::A))});
  out.push_back({"R-CD-003", live && s && p.stall_model == Bv(1)});
  out.push_back({"R-CD-003", live && !s && p.stall_model == Bv(2)});
  // CheckFormat
  const Bool endi = IsSet(FieldOf(cd, f::ENDI));
  out.push_back({"R-CD-005", live && (en[0] || en[1]) &&
                                 ((p.ttendian == Bv(2) && endi) || (p.ttendian == Bv(3) && !endi))});
  const Bool aa64 = IsSet(FieldOf(cd, f::AA64));
  out.push_back({"R-CD-006", live && !aa64 && (!IsSet(p.ttf & Bv(1)) || ctx.world == Bv(2))});
  out.push_back({"R-CD-007", live && aa64 &&
                                 (!IsSet(p.ttf & Bv(2)) || (IsSet(ctx.s2) && !IsSet(ctx.s2aa64)))});
  const Bool ha = IsSet(FieldOf(cd, f::HA)), hd = IsSet(FieldOf(cd, f::HD));
  const Bool httu_first = aa64 && (ha || hd) && p.httu == Bv(0);
  out.push_back({"R-CD-008", live && httu_first});
  out.push_back({"R-CD-008", live && !httu_first && aa64 && hd && p.httu == Bv(1)});
  out.push_back({"R-CD-008", live && aa64 && p.httu == Bv(3) && IsSet(FieldOf(cd, f::HAFT)) && !ha});
  const Bv asid = FieldOf(cd, f::ASID);
  out.push_back({"R-CD-009", live && ctx.world != Bv(1) && !IsSet(p.asid16) && IsSet(asid >> Bv(8))});
  // R-CD-013: only enabled halves of a VMSAv8-64 CD are checked.
  for (unsigned half = 0; half < 2; ++half) {
    m.half[half].checks_pass = CheckHalf(cd, half, p, live && aa64 && en[half], out);
  }

  // DecodeCd
  m.aa64 = Flag(aa64);
  m.ips_bits = EffectiveAddressSizeTerm(FieldOf(cd, f::IPS), p);
  for (unsigned half = 0; half < 2; ++half) {
    const Half& h = kHalf[half];
    CdHalfMeaning& t = m.half[half];
    const Bool on = en[half];
    const Bv g = GranuleShiftTerm(half, FieldOf(cd, h.tg));
    const Bv gs = Select(g == Bv(0), Bv(12), g);
    t.enabled = Flag(on);
    t.tsz = Select(on, FieldOf(cd, h.tsz), Bv(0));
    t.granule_shift = Select(on, gs, Bv(12));
    t.ttb = Select(on, AlignTtbTerm(AddrOf(cd, h.ttb), FieldOf(cd, h.tsz), gs, m.ips_bits), Bv(0));
    t.tbi = Select(on, FieldOf(cd, h.tbi), Bv(0));
    t.had = Select(on && IsSet(p.had), FieldOf(cd, h.had), Bv(0));
  }
  const Bool el2 = ctx.world == Bv(1);
  m.affd = FieldOf(cd, f::AFFD);
  m.wxn = FieldOf(cd, f::WXN);
  m.pan = Select(el2, Bv(0), FieldOf(cd, f::PAN));
  m.asid = Select(el2, Bv(0), asid);
  m.a = FieldOf(cd, f::A);
  m.r = FieldOf(cd, f::R);
  return m;
}

CdPathTerms LocateCdTerm(const Bv& base, const Bv& s1cdmax, const Bv& s1fmt, const Bv& index) {
  CdPathTerms path;
  // R-CD-018 / R-CD-019 / R-CD-020 / R-CD-021
  const Bv size = Bv(64) << s1cdmax;
  const Bv linear = (base & ~(size - Bv(1))) + index * Bv(64);
  const Bv leaf_bits = Select(s1fmt == Bv(1), Bv(6), Bv(10));
  const Bv l1_bits = Select(s1cdmax > leaf_bits, s1cdmax - leaf_bits, Bv(0));
  const Bv l1_raw = Bv(8) << l1_bits;
  const Bv l1_size = Select(l1_raw > Bv(64), l1_raw, Bv(64));
  const Bv l1 = (base & ~(l1_size - Bv(1))) + (index >> leaf_bits) * Bv(8);
  path.two_level = s1cdmax != Bv(0) && s1fmt != Bv(0);
  path.addr = Select(s1cdmax == Bv(0), base, Select(s1fmt == Bv(0), linear, l1));
  return path;
}

CdLeafTerms CdFromL1CdTerm(const Bv& l1cd, const Bv& cd_ptr_bits, const Bv& s1fmt,
                           const Bv& index) {
  CdLeafTerms r;
  const Bv word[1] = {l1cd};
  const Bv l2_raw = AddrOf(word, spec::l1cd::L2Ptr);
  const Bool in_range = !(cd_ptr_bits < Bv(64) && IsSet(l2_raw >> cd_ptr_bits));
  r.ok = IsSet(FieldOf(word, spec::l1cd::V)) && in_range;
  const Bv leaf_bits = Select(s1fmt == Bv(1), Bv(6), Bv(10));
  const Bv leaf_size = Bv(64) << leaf_bits;
  const Bv l2 = l2_raw & ~(leaf_size - Bv(1));
  r.addr = l2 + (index & ((Bv(1) << leaf_bits) - Bv(1))) * Bv(64);
  return r;
}

}  // namespace smmuref::proofs
