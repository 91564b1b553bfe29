// Shared virtual addressing: address spaces (mm), their PASID, and refcounted bind handles.
// Rules R-SVA-*. Tests: tests/model/api/sva_test.cc.
#pragma once

#include <cstdint>
#include <map>

#include "smmuref/model/api/domain.h"

namespace smmuref::model::api {

using spec::api::SvaBinding;

struct SvaHandle {
  SvaHandleId id = 0;
  DeviceId device = 0;  // the device that first bound it
  GroupId group = 0;
  MmId mm = 0;
  uint32_t pasid = 0;
  uint32_t refcount = 0;  // 0 = released
  DomainId domain = 0;
};

struct Mm {
  MmId id = 0;
  uint32_t pasid = 0;  // 0 = none yet
  bool exited = false;
  std::map<InstanceId, DomainId> sva_domains;  // one SVA domain per instance per mm
};

}  // namespace smmuref::model::api
