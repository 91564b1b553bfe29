// Runs vector files against a device and reports per expectation.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "smmuref/conform/vector.h"

namespace smmuref::conform {

struct Failure {
  std::string where;    // file:line
  std::string message;  // expected vs observed
  bool mismatch = false;  // a disagreement with the model, not a failed expectation
};

struct FileReport {
  std::string path;
  int passed = 0;  // expectations that held
  int failed = 0;  // expectations that did not hold (not counting `mismatches`)
  std::vector<Failure> failures;  // the failed expectations and the mismatches, in line order
  bool error = false;  // bad input: the file stopped at `error_message`
  std::string error_message;
  bool bound = false;  // the error is the model's allowed-set bound (R-CACHE-009)
  int mismatches = 0;  // DUT/model disagreements (lockstep), each also in `failures`
  int translations = 0;
  std::set<std::string> rules;         // rule ids of adopted outcomes (lockstep runs)
  std::set<std::string> observations;  // distinct outcomes (lockstep runs)
  // A check failed: an expectation did not hold or the device disagreed with the model.
  bool Failed() const { return failed > 0 || mismatches > 0; }
};

struct RunOptions {
  // "model", or a device run in lockstep with the model (its outcomes must be allowed).
  std::string dut = "model";
};

FileReport RunVectorFile(const VectorFile& file, const RunOptions& opts);
FileReport RunVectorPath(const std::string& path, const RunOptions& opts);

}  // namespace smmuref::conform
