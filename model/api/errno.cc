// Names of API results as written in spec/rules-api.md and vector files.
// Tests: tests/model/api/vectors_test.cc, corpus/vectors/api/*.vec.
#include "smmuref/model/api/errno.h"

#include <utility>

namespace smmuref::model::api {
namespace {

constexpr std::pair<Errno, const char*> kNames[] = {
    {Errno::kOk, "0"},
    {Errno::kEPERM, "-EPERM"},
    {Errno::kENOENT, "-ENOENT"},
    {Errno::kESRCH, "-ESRCH"},
    {Errno::kEIO, "-EIO"},
    {Errno::kENOMEM, "-ENOMEM"},
    {Errno::kEFAULT, "-EFAULT"},
    {Errno::kEBUSY, "-EBUSY"},
    {Errno::kEEXIST, "-EEXIST"},
    {Errno::kENODEV, "-ENODEV"},
    {Errno::kEINVAL, "-EINVAL"},
    {Errno::kENOSPC, "-ENOSPC"},
    {Errno::kEDOM, "-EDOM"},
    {Errno::kERANGE, "-ERANGE"},
    {Errno::kEOVERFLOW, "-EOVERFLOW"},
    {Errno::kEOPNOTSUPP, "-EOPNOTSUPP"},
    {Errno::kContractViolation, "WARN"},
    {Errno::kBadChoice, "BADCHOICE"},
    {Errno::kNotModelled, "NOTMODELLED"},
};

}  // namespace

// R-API-006: where upstream only WARNs, the result is WARN (a contract violation) and the state is
// what the kernel leaves behind (usually unchanged) [iommu_detach_device, v6.12-v7.0: WARN_ON
// and return].
// R-API-007: a value the implementation chose (PASID, IOVA) that the API does not allow gives
// BADCHOICE and changes nothing; determined results (errors, unmap sizes, iova_to_phys) are exact
// [spec/design.md: choices are checked, results compared].
// R-API-008: operations are specified as linearizable: a concurrent implementation must behave as
// some sequential order of them [spec/design.md; __iommu_attach_group, v6.12-v7.0: under the
// group mutex].
std::string ErrnoName(Errno e) {
  for (const auto& [v, n] : kNames) {
    if (v == e) return n;
  }
  return std::to_string(static_cast<int>(e));
}

std::optional<Errno> ErrnoFromName(const std::string& name) {
  for (const auto& [v, n] : kNames) {
    if (name == n) return v;
  }
  return std::nullopt;
}

}  // namespace smmuref::model::api
