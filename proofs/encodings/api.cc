// The API model's page-size selection and PASID range rules as Z3 terms (api.h).
// Tests: proofs/cross/api_test.cc
#include "api.h"

namespace smmuref::proofs {

namespace {

// Bits 0..k inclusive (MaskUpTo in model/api/map.cc).
Bv MaskUpTo(const Bv& k) { return Select(k >= Bv(63), ~Bv(0), (Bv(2) << k) - Bv(1)); }

}  // namespace

Bv CountLeadingZeros(const Bv& x) {
  Bv n(64);
  for (unsigned i = 0; i < 64; ++i) n = Select(((x >> Bv(i)) & Bv(1)) != Bv(0), Bv(63 - i), n);
  return n;
}

Bv CountTrailingZeros(const Bv& x) {
  Bv n(64);
  for (int i = 63; i >= 0; --i) n = Select(((x >> Bv(i)) & Bv(1)) != Bv(0), Bv(i), n);
  return n;
}

Bv MinPageSizeTerm(const Bv& bitmap) {
  return Select(bitmap == Bv(0), Bv(0), Bv(1) << CountTrailingZeros(bitmap));
}

PgSizeTerms PgSizeTerm(const Bv& bitmap, const Bv& iova, const Bv& pa, const Bv& size) {
  PgSizeTerms r;
  // R-MAP-004
  Bv candidates = bitmap & MaskUpTo(Bv(63) - CountLeadingZeros(size));
  const Bv merge = iova | pa;
  candidates = Select(merge != Bv(0), candidates & MaskUpTo(CountTrailingZeros(merge)), candidates);
  const Bv idx = Bv(63) - CountLeadingZeros(candidates);
  const Bv pgsize = Bv(1) << idx;
  Bv count = size >> idx;
  const Bv larger = bitmap & ~MaskUpTo(idx);
  const Bv next = Bv(1) << CountTrailingZeros(larger);
  const Bv offset = next - (merge & (next - Bv(1)));
  const Bool cut = larger != Bv(0) && ((iova ^ pa) & (next - Bv(1))) == Bv(0) &&
                   offset + next > offset && offset + next <= size;
  count = Select(cut, offset >> idx, count);
  const Bool none = size == Bv(0) || candidates == Bv(0);
  r.pgsize = Select(none, Bv(0), pgsize);
  r.count = Select(none, Bv(0), count);
  return r;
}

PasidRangeTerms PasidRangeTerm(const Bv& device_bits, const Bv& instance_bits,
                               const Bv& knob, const Bv& floor) {
  PasidRangeTerms r;
  // R-API-012: 2^min(device, instance) for a device with PASIDs (1, PASID 0 only, behind an SMMU
  // without SubstreamIDs); 0 for a device without PASIDs.
  const Bv bits = Select(device_bits < instance_bits, device_bits, instance_bits);
  r.count = Select(device_bits == Bv(0), Bv(0), Bv(1) << bits);
  // R-API-011
  r.lo = Select(knob > floor, knob, floor);
  r.hi = r.count - Bv(1);
  r.ok = r.count != Bv(0) && r.lo <= r.hi;
  return r;
}

}  // namespace smmuref::proofs
