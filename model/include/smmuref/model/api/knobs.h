// Policy knobs: the seed-era variants of the IOMMU API, each a named value with a default
// (spec/api-knobs.md lists them with their rule ids). Knobs change only while no instance is
// registered (R-API-003). Tests: tests/model/api/domain_test.cc.
#pragma once

#include <cstdint>
#include <string>

#include "smmuref/model/api/errno.h"

namespace smmuref::model::api {

enum class SvaInit {
  kModern,   // bind needs no prior call (v6.16+)
  kFeature,  // iommu_dev_enable_feature(SVA) before bind (v5.x-v6.15)
  kRfc2018,  // iommu_sva_device_init(dev, features, min, max) before bind (2018 RFC)
};
enum class DomainScope {
  kPerDevice,            // paging domains are allocated for a device, bound to its instance
  kLegacyCrossInstance,  // device-less domains finalized at first attach, may span instances
};
enum class PartialUnmap {
  kWhole,   // unmapping part of a larger leaf removes the whole leaf (>= v6.13)
  kSplit,   // the leaf is split and only the requested part removed (<= v6.12)
  kReject,  // unmapping stops at the larger leaf; nothing of it is removed
};
enum class PasidLifetime {
  kMmExit,      // an address space keeps its PASID until it exits and its binds are gone
  kLastUnbind,  // the PASID is freed when the last bind of the address space goes
};

struct Knobs {
  uint32_t min_pasid = 1;
  SvaInit sva_init = SvaInit::kModern;
  DomainScope domain_scope = DomainScope::kPerDevice;
  PartialUnmap partial_unmap = PartialUnmap::kWhole;
  PasidLifetime pasid_lifetime = PasidLifetime::kMmExit;
  bool aux_domains = false;
};

// Sets one knob from its spec/api-knobs.md spelling; -EINVAL for an unknown name or value.
Errno SetKnob(Knobs& knobs, const std::string& name, const std::string& value);

}  // namespace smmuref::model::api
