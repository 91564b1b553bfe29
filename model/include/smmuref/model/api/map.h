// Page-size selection for map/unmap (iommu_pgsize), protection flags and access checks: pure
// functions. Rules R-MAP-*. Tests: tests/model/api/map_test.cc.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "smmuref/model/api/domain.h"

namespace smmuref::model::api {

// IOMMU_* protection flags (the spec's vocabulary).
using spec::api::kProtCache;
using spec::api::kProtMmio;
using spec::api::kProtNoexec;
using spec::api::kProtPriv;
using spec::api::kProtRead;
using spec::api::kProtWrite;

struct PgSizeChoice {
  uint64_t pgsize = 0;  // 0: no size fits (callers check alignment first)
  uint64_t count = 0;
};

// R-MAP-004: the largest supported page size aligned for both addresses and no larger than size,
// and the run length that stops where a larger page could start.
PgSizeChoice PgSize(uint64_t bitmap, uint64_t iova, uint64_t pa, uint64_t size);

using spec::api::Access;
// R-MAP-013: whether a stage-1 leaf with `prot` permits `a`.
bool ProtPermits(uint32_t prot, const Access& a);

}  // namespace smmuref::model::api
