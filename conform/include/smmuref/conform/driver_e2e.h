// The end-to-end phase of `smmuref check`: smmuref's own SMMUv3 driver (impl/driver/smmu.h) run
// over model devices of two profiles, every outcome the model allows checked after every driver
// operation against what the driver was asked to map (conform/src/e2e/isolation.h). It judges
// the driver, not the device under test: the same phase runs whatever --dut names.
// Tests: tests/e2e/driver_e2e_test.cc, tests/e2e/driver_mutants_test.cc,
//        tests/CMakeLists.txt (e2e/check-phase, mutants/driver-mutant-K)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace smmuref::conform {

struct DriverE2eOptions {
  uint64_t seed = 1;    // programs use seeds seed .. seed + programs - 1
  int programs = 20;    // per SMMU instance (every driver mutant is caught within 15)
  int operations = 40;  // per program
  int mutant = 0;       // a deliberately wrong driver (DriverMutantList), 0 = the driver itself
};

struct DriverE2eReport {
  uint64_t programs = 0, transactions = 0;
  double seconds = 0;
  std::vector<std::string> instances;       // what the two SMMUs are
  std::map<std::string, uint64_t> reached;  // driver calls that succeeded, by operation
  // The first violation, if any: where (instance and seed), what, and a replayable vector.
  bool violated = false;
  uint64_t failing_seed = 0;
  std::string failing_instance, violation, vector;
};

DriverE2eReport RunDriverEndToEnd(const DriverE2eOptions& o);

// The driver mutants built in (ids 1..N) with descriptions; empty without the mutant build.
std::vector<std::pair<int, std::string>> DriverMutantList();

}  // namespace smmuref::conform
