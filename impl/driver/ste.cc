// Stream table entries as the driver writes them [IHI0070 §5.2]: the typed builder's words.
// Tests: tests/impl/driver/layout_test.cc
#include "smmuref/impl/driver/ste.h"

#include "smmuref/spec/error.h"

namespace smmuref::impl::driver {

namespace ste = layout::ste;
using layout::Prep;

uint64_t S2TgFor(unsigned granule_shift) {
  switch (granule_shift) {
    case 12:
      return ste::kS2TG4K;
    case 14:
      return ste::kS2TG16K;
    case 16:
      return ste::kS2TG64K;
    default:
      SMMUREF_UNREACHABLE("S2TG: the granule shift is not 12, 14 or 16");
  }
}

Ste Ste::Invalid() {
  Ste s;
  s.valid = false;
  return s;
}

Ste Ste::Abort() { return Ste{}; }

Ste Ste::Bypass() {
  Ste s;
  s.config = ste::kConfigBypass;
  return s;
}

Ste Ste::Stage1(const SteStage1& s1, uint16_t vmid) {
  Ste s;
  s.config = ste::kConfigS1;
  s.s1 = s1;
  s.s1_vmid = vmid;
  return s;
}

Ste Ste::Stage2(const SteStage2& s2) {
  Ste s;
  s.config = ste::kConfigS2;
  s.s2 = s2;
  return s;
}

Ste Ste::Nested(const SteStage1& s1, const SteStage2& s2) {
  Ste s;
  s.config = ste::kConfigNested;
  s.s1 = s1;
  s.s2 = s2;
  return s;
}

Entry Ste::Words() const {
  Entry w{};
  if (!valid) return w;
  w[0] = ste::kDw0V | Prep(ste::kDw0Config, config);
  // Config bit 2 set: translating (or bypass); bit 0 stage 1, bit 1 stage 2 [§5.2 Config].
  const bool translating = (config & 0b100) != 0;
  const bool stage1 = translating && (config & 0b001);
  const bool stage2 = translating && (config & 0b010);
  if (!translating) return w;
  w[1] = Prep(ste::kDw1SHCFG, shcfg) | Prep(ste::kDw1PRIVCFG, privcfg) |
         Prep(ste::kDw1INSTCFG, instcfg) | (mev ? ste::kDw1MEV : 0);
  if (stage1) {
    SMMUREF_CHECK((s1.cd_table & ~ste::kDw0S1ContextPtr) == 0,
                  "S1ContextPtr: the CD table is not 64-byte aligned within 56 bits");
    w[0] |= Prep(ste::kDw0S1Fmt, s1.s1fmt) | s1.cd_table | Prep(ste::kDw0S1CDMax, s1.s1cdmax);
    w[1] |= Prep(ste::kDw1S1DSS, s1.s1dss) | Prep(ste::kDw1S1CIR, s1.cir) |
            Prep(ste::kDw1S1COR, s1.cor) | Prep(ste::kDw1S1CSH, s1.csh) |
            (s1.s1stalld ? ste::kDw1S1STALLD : 0) | Prep(ste::kDw1STRW, s1.strw);
    w[2] |= Prep(ste::kDw2S2VMID, s1_vmid);
  }
  if (stage2) {
    SMMUREF_CHECK((s2.ttb & ~ste::kDw3S2TTB) == 0,
                  "S2TTB: the table is not 16-byte aligned within 56 bits");
    w[2] = Prep(ste::kDw2S2VMID, s2.vmid) | Prep(ste::kDw2S2T0SZ, s2.t0sz) |
           Prep(ste::kDw2S2SL0, s2.sl0) | Prep(ste::kDw2S2IR0, s2.irgn) |
           Prep(ste::kDw2S2OR0, s2.orgn) | Prep(ste::kDw2S2SH0, s2.sh) |
           Prep(ste::kDw2S2TG, S2TgFor(s2.granule_shift)) | Prep(ste::kDw2S2PS, s2.ps) |
           (s2.aa64 ? ste::kDw2S2AA64 : 0) | (s2.affd ? ste::kDw2S2AFFD : 0) |
           (s2.ptw ? ste::kDw2S2PTW : 0) | (s2.stall ? ste::kDw2S2S : 0) |
           (s2.record ? ste::kDw2S2R : 0);
    w[3] = s2.ttb;
  }
  return w;
}

}  // namespace smmuref::impl::driver
