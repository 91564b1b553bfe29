// Context descriptors and L1 CD descriptors as the driver writes them [IHI0070 §5.3.1, §5.4]:
// the typed builders' words.
// Tests: tests/impl/driver/layout_test.cc
#include "smmuref/impl/driver/cd.h"

#include "smmuref/spec/error.h"

namespace smmuref::impl::driver {

namespace cd = layout::cd;
using layout::Prep;

uint64_t Tg0For(unsigned granule_shift) {
  switch (granule_shift) {
    case 12:
      return cd::kTG0_4K;
    case 14:
      return cd::kTG0_16K;
    case 16:
      return cd::kTG0_64K;
    default:
      SMMUREF_UNREACHABLE("TG0: the granule shift is not 12, 14 or 16");
  }
}

uint64_t Tg1For(unsigned granule_shift) {
  switch (granule_shift) {
    case 12:
      return cd::kTG1_4K;
    case 14:
      return cd::kTG1_16K;
    case 16:
      return cd::kTG1_64K;
    default:
      SMMUREF_UNREACHABLE("TG1: the granule shift is not 12, 14 or 16");
  }
}

uint64_t L1Cd(uint64_t leaf_table) {
  SMMUREF_CHECK((leaf_table & ~layout::l1cd::kL2Ptr) == 0,
                "L1CD.L2Ptr: the leaf table is not 4KB aligned within 56 bits");
  return layout::l1cd::kV | leaf_table;
}

Entry Cd::Words() const {
  Entry w{};
  // A disabled half keeps its walk fields 0: EPDx=1 makes them IGNORED [§5.4 EPD0, EPD1].
  if (ttb0.enabled) {
    w[0] |= Prep(cd::kDw0T0SZ, ttb0.tsz) | Prep(cd::kDw0TG0, Tg0For(ttb0.granule_shift)) |
            Prep(cd::kDw0IRGN0, ttb0.irgn) | Prep(cd::kDw0ORGN0, ttb0.orgn) |
            Prep(cd::kDw0SH0, ttb0.sh);
    SMMUREF_CHECK((ttb0.ttb & ~cd::kDw1TTB0) == 0, "TTB0: not 16-byte aligned within 56 bits");
    w[1] |= ttb0.ttb;
  } else {
    w[0] |= cd::kDw0EPD0;
  }
  if (ttb1.enabled) {
    w[0] |= Prep(cd::kDw0T1SZ, ttb1.tsz) | Prep(cd::kDw0TG1, Tg1For(ttb1.granule_shift)) |
            Prep(cd::kDw0IRGN1, ttb1.irgn) | Prep(cd::kDw0ORGN1, ttb1.orgn) |
            Prep(cd::kDw0SH1, ttb1.sh);
    SMMUREF_CHECK((ttb1.ttb & ~cd::kDw2TTB1) == 0, "TTB1: not 16-byte aligned within 56 bits");
    w[2] |= ttb1.ttb;
  } else {
    w[0] |= cd::kDw0EPD1;
  }
  w[0] |= (ttb0.tbi ? cd::kDw0TBI0 : 0) | (ttb1.tbi ? cd::kDw0TBI1 : 0);
  w[1] |= ttb0.had ? cd::kDw1HAD0 : 0;
  w[2] |= ttb1.had ? cd::kDw2HAD1 : 0;
  w[0] |= (valid ? cd::kDw0V : 0) | Prep(cd::kDw0IPS, ips) | (affd ? cd::kDw0AFFD : 0) |
          (wxn ? cd::kDw0WXN : 0) | (pan ? cd::kDw0PAN : 0) | (aa64 ? cd::kDw0AA64 : 0) |
          (s ? cd::kDw0S : 0) | (r ? cd::kDw0R : 0) | (a ? cd::kDw0A : 0) |
          (aset ? cd::kDw0ASET : 0) | Prep(cd::kDw0ASID, asid);
  w[3] = mair;
  return w;
}

}  // namespace smmuref::impl::driver
