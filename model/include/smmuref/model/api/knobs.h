// Policy knobs: the Linux versions and seed-era variants of the IOMMU API, each a named value with
// a default (spec/api-knobs.md lists them with their rule ids and the exact versions of each
// value). Knobs change only while no instance is registered (R-API-003).
// Tests: tests/model/api/domain_test.cc (Knobs).
#pragma once

#include <cstdint>
#include <string>

#include "smmuref/model/api/errno.h"

namespace smmuref::model::api {

enum class SvaInit {
  kModern,            // v6.16+: no feature calls; FEAT_SVA checked when the SVA domain is made
  kFeatureUnchecked,  // v6.10-v6.15: feature calls exist, bind checks neither them nor FEAT_SVA
  kFeature,           // v6.5-v6.9: bind needs IOMMU_DEV_FEAT_SVA enabled (-ENODEV after the PASID)
  kRfc2018,           // iommu_sva_device_init(dev, features, min, max) before bind (2018 RFC)
};
enum class DomainScope {
  kPerDevice,            // v6.13+: paging domains are allocated for a device, bound to its instance
  kLegacy,               // v6.12 and earlier: device-less domains finalized at first attach
  kLegacyCrossInstance,  // seed 000: device-less domains may then extend to further instances
};
enum class PartialUnmap {
  kReject,  // v6.13+: nothing of the larger leaf is removed, unmap stops there (WARN)
  kSplit,   // v6.12 and earlier: the leaf is split and only the requested part removed
  kWhole,   // VT-d's behaviour (never io-pgtable-arm's): the whole leaf goes, its size counted
};
enum class MapOverlap {
  kReplaceTables,  // io-pgtable-arm (every version): a block over a table frees the table
  kStrict,         // any overlap with a live leaf is -EEXIST and nothing changes
};
enum class PasidLifetime {
  kMmExit,      // an address space keeps its PASID until it exits and its binds are gone
  kLastUnbind,  // the PASID is freed when the last bind of the address space goes
};

struct Knobs {
  uint32_t min_pasid = 1;
  SvaInit sva_init = SvaInit::kModern;
  DomainScope domain_scope = DomainScope::kPerDevice;
  PartialUnmap partial_unmap = PartialUnmap::kReject;
  MapOverlap map_overlap = MapOverlap::kReplaceTables;
  PasidLifetime pasid_lifetime = PasidLifetime::kMmExit;
  bool aux_domains = false;
};

// Sets one knob from its spec/api-knobs.md spelling; -EINVAL for an unknown name or value.
Errno SetKnob(Knobs& knobs, const std::string& name, const std::string& value);

}  // namespace smmuref::model::api
