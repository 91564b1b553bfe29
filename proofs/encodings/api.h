// The IOMMU API model's page-size selection and PASID range rules as Z3 terms
// (model/api/map.cc PgSize, model/api/instance.cc MinPageSize/MaxPasids/MinPasid,
// model/api/pasid.cc PasidRange) [spec/rules-api.md R-MAP-004, R-API-011, R-API-012].
// Tests: proofs/cross/api_test.cc
#pragma once

#include "../lib/bv.h"

namespace smmuref::proofs {

// iommu_pgsize: the page size (0: none) and the run length.
struct PgSizeTerms {
  Bv pgsize, count;
};
PgSizeTerms PgSizeTerm(const Bv& bitmap, const Bv& iova, const Bv& pa, const Bv& size);

// The lowest set bit's value (0 for 0).
Bv MinPageSizeTerm(const Bv& bitmap);

// Number of leading / trailing zero bits of a 64-bit value (64 for 0).
Bv CountLeadingZeros(const Bv& x);
Bv CountTrailingZeros(const Bv& x);

// PASID range of a device: 2^min(device bits, instance bits) PASIDs (0 if either is 0), from
// max(min_pasid knob, instance floor); `ok` false when the range is empty.
struct PasidRangeTerms {
  Bool ok = false;
  Bv lo, hi, count;
};
PasidRangeTerms PasidRangeTerm(const Bv& device_bits, const Bv& instance_bits,
                               const Bv& min_pasid_knob, const Bv& instance_floor);

}  // namespace smmuref::proofs
