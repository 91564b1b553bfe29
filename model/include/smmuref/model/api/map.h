// Page-size selection for map/unmap (iommu_pgsize), protection flags and access checks: pure
// functions. Rules R-MAP-*. Tests: tests/model/api/map_test.cc.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "smmuref/model/api/domain.h"

namespace smmuref::model::api {

// IOMMU_* protection flags.
inline constexpr uint32_t kProtRead = 1, kProtWrite = 2, kProtCache = 4, kProtNoexec = 8,
                          kProtMmio = 0x10, kProtPriv = 0x20;

struct PgSizeChoice {
  uint64_t pgsize = 0;  // 0: no size fits (callers check alignment first)
  uint64_t count = 0;
};

// R-MAP-004: the largest supported page size aligned for both addresses and no larger than size,
// and the run length that stops where a larger page could start.
PgSizeChoice PgSize(uint64_t bitmap, uint64_t iova, uint64_t pa, uint64_t size);

// An access to a mapped address: read, write, execute, privileged.
struct Access {
  bool read = false, write = false, exec = false, priv = false;
};
// R-MAP-013: whether a stage-1 leaf with `prot` permits `a`.
bool ProtPermits(uint32_t prot, const Access& a);

}  // namespace smmuref::model::api
