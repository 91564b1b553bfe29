// The end-to-end phase's entry point: the driver's shipping build, or its mutant build when a
// mutant is asked for (conform/src/e2e/isolation.cc is compiled once for each).
// Tests: tests/CMakeLists.txt (e2e/check-phase, mutants/driver-mutant-K)
#include "smmuref/conform/driver_e2e.h"

#include "e2e/isolation.h"

#if SMMUREF_HAVE_DRIVER_MUTANTS
// The mutant build's phase (conform/src/e2e/isolation.cc with SMMUREF_DRIVER_MUTANTS=1).
namespace smmuref::conform::e2e::mutants {
DriverE2eReport RunPhase(const DriverE2eOptions& o);
std::vector<std::pair<int, std::string>> MutantList();
}  // namespace smmuref::conform::e2e::mutants
#endif

namespace smmuref::conform {

DriverE2eReport RunDriverEndToEnd(const DriverE2eOptions& o) {
#if SMMUREF_HAVE_DRIVER_MUTANTS
  if (o.mutant != 0) return e2e::mutants::RunPhase(o);
#endif
  return e2e::RunPhase(o);
}

std::vector<std::pair<int, std::string>> DriverMutantList() {
#if SMMUREF_HAVE_DRIVER_MUTANTS
  return e2e::mutants::MutantList();
#else
  return {};
#endif
}

}  // namespace smmuref::conform
