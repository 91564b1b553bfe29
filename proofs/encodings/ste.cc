// The model's STE decision functions as Z3 terms (ste.h), line by line after
// model/arch/ste.cc: each `if` there is an if-then-else or a guarded condition here.
// Tests: proofs/cross/config_test.cc
#include "ste.h"

#include "fields.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace f = spec::ste;

namespace {

Bool IsSet(const Bv& v) { return v != Bv(0); }

// S2TG: 0b00 4KB, 0b01 64KB, 0b10 16KB, 0b11 reserved (0).
Bv S2GranuleShiftTerm(const Bv& tg) {
  return Select(tg == Bv(0), Bv(12), Select(tg == Bv(1), Bv(16), Select(tg == Bv(2), Bv(14), Bv(0))));
}

}  // namespace

Bool Violated(const Violations& v, const std::string& rule) {
  Bool any = false;
  for (const auto& [id, cond] : v) {
    if (id == rule) any = any || cond;
  }
  return any;
}

Bool AnyViolated(const Violations& v) {
  Bool any = false;
  for (const auto& [id, cond] : v) any = any || cond;
  return any;
}

Bv EffectiveAddressSizeTerm(const Bv& ps, const ProfileTerms& p) {
  static const uint64_t kBits[8] = {32, 36, 40, 42, 44, 48, 52, 56};
  const Bv code = ps & Bv(7);
  Bv bits = Bv(kBits[7]);
  for (int i = 6; i >= 0; --i) bits = Select(code == Bv(i), Bv(kBits[i]), bits);
  bits = Select(p.arch_minor == Bv(0) && bits > Bv(48), Bv(48), bits);
  bits = Select(p.arch_minor < Bv(4) && bits > Bv(52), Bv(52), bits);
  return Select(bits < p.oas, bits, p.oas);
}

Bool GranuleSupportedTerm(const Bv& g, const ProfileTerms& p) {
  return (g == Bv(12) && IsSet(p.gran4k)) || (g == Bv(14) && IsSet(p.gran16k)) ||
         (g == Bv(16) && IsSet(p.gran64k));
}

S2StartTerm S2StartLevelTerm(const Bv& t0sz, const Bv& sl0, const Bv& g, const ProfileTerms& p) {
  S2StartTerm r;
  // 4KB: SL0 0/1/2/3 -> level 2/1/0/3 (3 only with STT); level 0 needs a 44-bit OAS.
  const Bv sl4k = Select(sl0 == Bv(0), Bv(2), Select(sl0 == Bv(1), Bv(1),
                  Select(sl0 == Bv(2), Bv(0), Bv(3))));
  const Bool ok4k = !(sl0 == Bv(3) && !IsSet(p.stt)) && !(sl4k == Bv(0) && p.oas < Bv(44));
  // 16KB and 64KB: SL0 0/1/2 -> level 3/2/1, 3 reserved; level 1 needs 42 (16KB) / 44 bits.
  const Bv slbig = Bv(3) - sl0;
  const Bv need = Select(g == Bv(14), Bv(42), Bv(44));
  const Bool okbig = sl0 != Bv(3) && !(slbig == Bv(1) && p.oas < need);
  const Bool g4k = g == Bv(12), gbig = g == Bv(14) || g == Bv(16);
  const Bv sl = Select(g4k, sl4k, slbig);
  // The start level must resolve between 1 and stride+4 input bits. The model computes this in
  // signed ints; with IA = 64 - S2T0SZ and LevelShift both at most 64, "resolved in [1,
  // stride+4]" is ia > shift && ia - shift <= stride + 4 without wrapping.
  const Bv stride = g - Bv(3);
  const Bv ia = Bv(64) - t0sz;
  const Bv shift = g + (Bv(3) - sl) * stride;
  const Bool resolves = ia > shift && ia - shift <= stride + Bv(4);
  r.ok = ((g4k && ok4k) || (gbig && okbig)) && resolves && t0sz <= Bv(64);
  r.level = sl;
  const Bv resolved = ia - shift;
  r.concat = Select(resolved > stride, Bv(1) << (resolved - stride), Bv(1));
  return r;
}

SteMeaning EncodeSte(const Bv* ste, const ProfileTerms& p) {
  SteMeaning m;
  Violations& out = m.illegal;
  m.valid = IsSet(FieldOf(ste, f::V));
  // Shape(): Config and the fields deciding which other fields are used.
  const Bv config = FieldOf(ste, f::Config);
  const Bool translate = IsSet(config & Bv(4));
  m.abort = !translate;
  const Bool s1 = translate && IsSet(config & Bv(1));
  const Bool s2 = translate && IsSet(config & Bv(2));
  const Bool s1p = IsSet(p.s1p), s2p = IsSet(p.s2p);
  const Bool strw_used = s1p && IsSet(p.hyp) && s1 && !s2;  // R-STE-007
  const Bv strw = FieldOf(ste, f::STRW);
  const Bool s2vmid_used = s2p && (s1 || s2) && !(strw_used && strw != Bv(0));  // R-STE-023
  // SteIllegalReasons (guarded by V=1 and Config 0b1xx).
  const Bool live = m.valid && translate;
  auto report = [&](const char* rule, const Bool& cond) { out.push_back({rule, live && cond}); };
  report("R-STE-003", s1 && !s1p);
  report("R-STE-004", s2 && !s2p);
  const Bv eats = FieldOf(ste, f::EATS);
  const Bool s2s = IsSet(FieldOf(ste, f::S2S));
  const Bool ats = IsSet(p.ats) && IsSet(config & Bv(3));
  const Bool eats_split_bad = eats == Bv(2) && (config != Bv(7) || s2s);
  report("R-STE-005", ats && (eats_split_bad || (!eats_split_bad && eats == Bv(1) && s2s && s2)));
  report("R-STE-006", strw_used && IsSet(strw & Bv(1)));
  // CheckStage1, only with stage 1 enabled and implemented (R-STE-026).
  const Bool st1 = s1 && s1p;
  const Bv cdmax = FieldOf(ste, f::S1CDMax);
  report("R-STE-008", st1 && IsSet(FieldOf(ste, f::S1STALLD)) && p.stall_model != Bv(0));
  report("R-STE-009", st1 && IsSet(p.ssidsize) && cdmax > p.ssidsize);
  const Bv fmt = FieldOf(ste, f::S1Fmt);
  report("R-STE-010", st1 && IsSet(p.ssidsize) && IsSet(cdmax) && !IsSet(p.cd2l) &&
                          (fmt == Bv(1) || fmt == Bv(2)));
  const Bv ptr = AddrOf(ste, f::S1ContextPtr);
  const Bv ptr_bits = Select(s2, p.Ias(), p.oas);
  report("R-STE-011", st1 && ptr_bits < Bv(64) && IsSet(ptr >> ptr_bits));
  // CheckS2Features and CheckS2Walk, only with stage 2 enabled and implemented.
  const Bool st2 = s2 && s2p;
  report("R-STE-014", st2 && s2s && p.stall_model == Bv(1));
  report("R-STE-014", st2 && !s2s && p.stall_model == Bv(2));
  const Bool aa64 = IsSet(FieldOf(ste, f::S2AA64));
  report("R-STE-015", st2 && ((aa64 && !IsSet(p.ttf & Bv(2))) || (!aa64 && !IsSet(p.ttf & Bv(1)))));
  const Bool ha = IsSet(FieldOf(ste, f::S2HA)), hd = IsSet(FieldOf(ste, f::S2HD));
  const Bool httu_first = (ha || hd) && (p.httu == Bv(0) || !aa64);
  report("R-STE-016", st2 && httu_first);
  report("R-STE-016", st2 && !httu_first && hd && p.httu == Bv(1));
  report("R-STE-016", st2 && IsSet(FieldOf(ste, f::S2HAFT)) && !ha && p.httu == Bv(3));
  const Bool endi = IsSet(FieldOf(ste, f::S2ENDI));
  report("R-STE-021", st2 && ((p.ttendian == Bv(2) && endi) || (p.ttendian == Bv(3) && !endi)));
  const Bv tg = FieldOf(ste, f::S2TG);
  const Bv g = S2GranuleShiftTerm(tg);
  report("R-STE-017", st2 && (g == Bv(0) || !GranuleSupportedTerm(g, p)));
  const Bv ttb = AddrOf(ste, f::S2TTB);
  const Bv ps = EffectiveAddressSizeTerm(FieldOf(ste, f::S2PS), p);
  const Bool ttb_ps = IsSet(ttb >> ps);
  report("R-STE-018", st2 && (ttb_ps || (!ttb_ps && g != Bv(16) && IsSet(ttb >> Bv(48)))));
  const Bv t0sz = FieldOf(ste, f::S2T0SZ);
  const Bv max = Select(IsSet(p.stt), Select(g == Bv(16), Bv(47), Bv(48)), Bv(39));
  const Bv floor = Select(p.arch_minor == Bv(0), Bv(0), Select(g == Bv(16), Bv(12), Bv(16)));
  const Bv ias_floor = Bv(64) - p.Ias();
  const Bv min = Select(floor > ias_floor, floor, ias_floor);
  const Bool t0sz_bad = t0sz < min || t0sz > max;
  report("R-STE-019", st2 && g != Bv(0) && t0sz_bad);
  const S2StartTerm start = S2StartLevelTerm(t0sz, FieldOf(ste, f::S2SL0), g, p);
  report("R-STE-020", st2 && g != Bv(0) && !t0sz_bad && !start.ok);
  const Bv vmid = FieldOf(ste, f::S2VMID);
  report("R-STE-022", s2vmid_used && !IsSet(p.vmid16) && IsSet(vmid >> Bv(8)));

  // DecodeSte (fields left at their defaults where the model does not set them).
  m.s1 = Flag(s1);
  m.s2 = Flag(s2);
  m.cd_ptr_bits = ptr_bits;
  const Bool ovr = IsSet(p.attr_perms_ovr);
  const Bv priv = FieldOf(ste, f::PRIVCFG), inst = FieldOf(ste, f::INSTCFG);
  m.privcfg = Select(ovr, Select(priv == Bv(1), Bv(0), priv), Bv(0));
  m.instcfg = Select(ovr, Select(inst == Bv(1), Bv(0), inst), Bv(0));
  m.s1cdmax = Select(s1, Select(p.ssidsize == Bv(0), Bv(0), cdmax), Bv(0));
  const Bool subs = IsSet(m.s1cdmax);
  const Bv dss = FieldOf(ste, f::S1DSS);
  m.s1fmt = Select(subs, Select(fmt == Bv(3), Bv(0), fmt), Bv(0));
  m.s1dss = Select(subs, Select(dss == Bv(3), Bv(0), dss), Bv(0));
  m.s1_context_ptr = Select(s1, ptr, Bv(0));
  m.s1stalld = Select(s1, FieldOf(ste, f::S1STALLD), Bv(0));
  const Bool el2 = s1 && s1p && IsSet(p.hyp) && !s2 && strw == Bv(2);
  m.el2 = Flag(el2);
  m.vmid = Select(s2vmid_used && !el2, vmid, Bv(0));
  m.s2_t0sz = Select(s2, t0sz, Bv(0));
  m.s2_granule_shift = Select(s2, Select(g == Bv(0), Bv(12), g), Bv(12));
  m.s2_ps_bits = Select(s2, ps, Bv(48));
  const Bool started = g != Bv(0) && start.ok;
  m.s2_start_level = Select(s2 && started, start.level, Bv(0));
  m.s2_concat = Select(s2 && started, start.concat, Bv(1));
  // R-STE-025: S2TTB aligned to the start table(s): 8 << resolved bytes, 64 with 52-bit S2PS.
  const Bv resolved = (Bv(64) - t0sz) - (g + (Bv(3) - start.level) * (g - Bv(3)));
  Bv align = Bv(8) << resolved;
  align = Select(ps >= Bv(52) && align < Bv(64), Bv(64), align);
  m.s2_ttb = Select(s2, Select(started, ttb & ~(align - Bv(1)), ttb), Bv(0));
  m.s2_affd = Select(s2, FieldOf(ste, f::S2AFFD), Bv(0));
  m.s2_ptw = Select(s2, FieldOf(ste, f::S2PTW), Bv(0));
  m.s2_ha = Select(s2, Flag(ha), Bv(0));
  m.s2_hd = Select(s2, Flag(ha && hd), Bv(0));
  m.s2_r = Select(s2, FieldOf(ste, f::S2R), Bv(0));
  m.s2_s = Select(s2, Flag(s2s), Bv(0));
  m.s2aa64 = Flag(aa64);
  return m;
}

}  // namespace smmuref::proofs
