// Aux domains (v5.1-v5.17 core API; the unmerged arm-smmu TTBR0 variant of seed 003): extra
// domains reached by PASID next to a device's primary domain. Rules R-AUX-*.
// Tests: tests/model/api/aux_test.cc.
#pragma once

#include "smmuref/spec/api.h"

namespace smmuref::model::api {

// Device features that drivers enable (iommu_dev_enable_feature).
using spec::api::Feature;
using spec::api::FeatureName;

}  // namespace smmuref::model::api
