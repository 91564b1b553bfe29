// Results of IOMMU API operations: Linux-style negative errno values by name, plus two results
// that are not errnos: a contract violation (upstream only WARNs; the model keeps the kernel's
// resulting state and says so) and a rejected implementation choice (a proposed PASID or IOVA
// that the API does not allow). Rules: spec/rules-api.md (R-API-*). Tests: tests/model/api/.
#pragma once

#include "smmuref/spec/api.h"

namespace smmuref::model::api {

// The result vocabulary is the spec's (smmuref/spec/api.h), shared with impl/api.
using spec::api::Errno;
using spec::api::ErrnoFromName;
using spec::api::ErrnoName;
using spec::api::Ret;

// R-API-006: where upstream only WARNs, the result is WARN (a contract violation) and the state is
// what the kernel leaves behind (usually unchanged) [iommu_detach_device, v6.12-v7.0: WARN_ON
// and return].
// R-API-007: a value the implementation chose (PASID, IOVA) that the API does not allow gives
// BADCHOICE and changes nothing; determined results (errors, unmap sizes, iova_to_phys) are exact
// [spec/design.md: choices are checked, results compared].
// R-API-008: operations are specified as linearizable: a concurrent implementation must behave as
// some sequential order of them [spec/design.md; __iommu_attach_group, v6.12-v7.0: under the
// group mutex].

}  // namespace smmuref::model::api
