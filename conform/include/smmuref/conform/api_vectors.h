// The `api.*` lines of vector files (spec/vector-format.md, "IOMMU API operations"): an executor
// that runs them on the IOMMU API model (model/api). Tests: tests/model/api/vectors_test.cc and
// every corpus/vectors/api/*.vec through `smmuref vectors run`.
#pragma once

#include <memory>
#include <string>

#include "smmuref/conform/api_device.h"
#include "smmuref/conform/vector.h"

namespace smmuref::conform {

// One executor per vector file; its state is that file's IOMMU API system.
std::unique_ptr<LineExecutor> MakeModelApiExecutor();
// The executor for a `--dut`: the DUT's API implementation in lockstep with the model when it has
// one (MakeApiDut, api_device.h; disagreements come back in LineResult::mismatches), else the
// model alone.
std::unique_ptr<LineExecutor> MakeApiExecutor(const std::string& dut);
// The executor for an API device that no `--dut` name stands for (a test's planted bug), in
// lockstep with the model as above.
std::unique_ptr<LineExecutor> MakeApiExecutorOn(std::unique_ptr<ApiDevice> dut);

}  // namespace smmuref::conform
