// Devices probed onto an instance: StreamIDs, PASID width, DMA masks and coherency, the group
// they land in. Rules R-API-*, R-GROUP-*. Tests: tests/model/api/group_test.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "smmuref/model/api/instance.h"

namespace smmuref::model::api {

using spec::api::DefaultDomainType;
using spec::api::DeviceDesc;
using spec::api::DeviceId;
using spec::api::GroupId;

struct Device {
  DeviceId id = 0;
  DeviceDesc desc;
  GroupId group = 0;
  bool removed = false;
  bool feat_sva = false;
  bool feat_iopf = false;
  bool feat_aux = false;
  // 2018 RFC sva_device_init parameters.
  bool sva_param = false;
  uint32_t sva_min = 0, sva_max = 0, sva_features = 0;
  // Aux domains attached to this device and whether its PASID (TTBR0) path is enabled.
  std::vector<uint32_t> aux_domains;
  bool aux_path = false;
};

}  // namespace smmuref::model::api
