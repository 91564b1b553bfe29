// IOMMU groups: the isolation unit. Every probed device is in exactly one group; attach, DMA
// ownership and PASID slots are per group. Rules R-GROUP-*. Tests: tests/model/api/group_test.cc.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "smmuref/model/api/device.h"

namespace smmuref::model::api {

using spec::api::DomainId;
using spec::api::SvaHandleId;

enum class PasidUse { kDomain, kSva, kAux };

struct PasidEntry {
  DomainId domain = 0;
  PasidUse use = PasidUse::kDomain;
  SvaHandleId handle = 0;  // for kSva
};

struct Group {
  GroupId id = 0;
  InstanceId instance = 0;
  std::vector<DeviceId> devices;   // probe order
  DomainId domain = 0;             // current RID domain
  DomainId default_domain = 0;
  DomainId blocking_domain = 0;
  uint64_t owner = 0;              // 0 = no DMA owner (kernel drivers use the default domain)
  uint32_t owner_cnt = 0;
  std::map<uint32_t, PasidEntry> pasid_array;
};

}  // namespace smmuref::model::api
