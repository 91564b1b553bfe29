// IOMMU instances (one per SMMU): each registered with its own capabilities, several per system
// (seed 002: per-instance ops instead of one ops per bus), all of one driver (arm-smmu-v3).
// Rules R-API-*. Tests: tests/model/api/domain_test.cc, tests/model/api/group_test.cc.
#pragma once

#include <cstdint>

#include "smmuref/spec/api.h"

namespace smmuref::model::api {

using spec::api::InstanceCaps;
using spec::api::InstanceId;

struct Instance {
  InstanceId id = 0;
  InstanceCaps caps;
  uint32_t blocked_domain = 0;   // the static domains of the driver's ops (shared by instances)
  uint32_t identity_domain = 0;
};

// Smallest page size of a bitmap (2^ctz), 0 for an empty bitmap.
uint64_t MinPageSize(uint64_t pgsize_bitmap);
// Number of PASIDs a device can use (dev->iommu->max_pasids): 0 for a device without PASIDs,
// else 2^min(device bits, instance bits); 1 behind an SMMU without SubstreamIDs.
uint64_t MaxPasids(uint32_t device_pasid_bits, uint32_t instance_pasid_bits);
// SubstreamID bits of a master (0: no PASID but 0 can be used).
uint32_t SsidBits(uint32_t device_pasid_bits, uint32_t instance_pasid_bits);

}  // namespace smmuref::model::api
